//! The sync status shown on every screen: offline / syncing / up to date / N waiting / N refused,
//! and, while sync fails, that the server or the device's storage has a problem, with when sync
//! last worked. It never says "up to date" after a failed attempt.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{
    last_synced_text, loading_text, n_rejected, n_waiting, synced_at, use_i18n, Msg,
};
use crate::sync::engine::SyncProblem;
use crate::sync::hooks::{spawn_with_engine, use_engine, use_sync_status};
use crate::zone::program_offset_at;

/// The badge in the app bar.
#[component]
pub fn SyncBadge() -> impl IntoView {
    let i18n = use_i18n();
    let status = use_sync_status();
    let engine = use_engine();
    let state = move || {
        let status = status.get();
        if status.problem == Some(SyncProblem::SignedOut) {
            "signed-out"
        } else if status.problem == Some(SyncProblem::TooOld) {
            "too-old"
        } else if matches!(status.problem, Some(SyncProblem::Server(_))) && status.online {
            "server-error"
        } else if status.problem == Some(SyncProblem::Storage) {
            "storage-error"
        } else if status.problem == Some(SyncProblem::NotLoaded) {
            "not-loaded"
        } else if status.rejected > 0 {
            "rejected"
        } else if !status.online {
            "offline"
        } else if status.syncing {
            "syncing"
        } else if status.pending > 0 {
            "waiting"
        } else if status.last_synced.is_some() {
            "synced"
        } else {
            "idle"
        }
    };
    let label = move || {
        let lang = i18n.lang.get();
        let status = status.get();
        let mut parts = Vec::new();
        match &status.problem {
            Some(SyncProblem::SignedOut) => parts.push(Msg::SignInAgain.text(lang).to_owned()),
            Some(SyncProblem::TooOld) => parts.push(Msg::ReloadToUpdate.text(lang).to_owned()),
            Some(SyncProblem::Server(_)) if status.online => {
                parts.push(Msg::ServerProblem.text(lang).to_owned());
            }
            Some(SyncProblem::Storage) => parts.push(Msg::StorageProblem.text(lang).to_owned()),
            Some(SyncProblem::NotLoaded) => parts.push(Msg::SyncNotLoaded.text(lang).to_owned()),
            _ => {}
        }
        let failing = matches!(
            status.problem,
            Some(SyncProblem::Server(_) | SyncProblem::Storage | SyncProblem::NotLoaded)
        );
        if !status.online {
            parts.push(Msg::Offline.text(lang).to_owned());
        } else if let (true, Some((received, total))) = (status.syncing, status.loading) {
            parts.push(loading_text(lang, received, total));
        } else if status.syncing {
            parts.push(Msg::Syncing.text(lang).to_owned());
        }
        if status.pending > 0 {
            parts.push(n_waiting(lang, status.pending));
        }
        if status.rejected > 0 {
            parts.push(n_rejected(lang, status.rejected));
        }
        if failing || (!status.online && status.last_synced.is_some()) {
            parts.push(last_synced_text(
                lang,
                status.last_synced,
                chrono::Utc::now(),
                program_offset_at,
            ));
        } else if parts.is_empty() {
            parts.push(match status.last_synced {
                Some(at) => synced_at(lang, at, program_offset_at),
                None => Msg::NeverSynced.text(lang).to_owned(),
            });
        }
        parts.join(" · ")
    };
    // Tapping the status opens the list of waiting and refused changes, and syncs right away.
    let sync_now = move |_| {
        spawn_with_engine(engine, |engine| async move { engine.sync().await });
    };
    view! {
        <A
            href="/changes"
            attr:class="sync-badge"
            attr:data-testid="sync-status"
            attr:data-state=state
            attr:data-pending=move || status.get().pending.to_string()
            attr:data-rejected=move || status.get().rejected.to_string()
            attr:data-loading=move || status.get().loading.map(|(received, total)| format!("{received}/{total}"))
            attr:title=i18n.tr(Msg::Changes)
            attr:aria-live="polite"
            on:click=sync_now
        >
            <span class="dot" aria-hidden="true"></span>
            <span>{label}</span>
        </A>
    }
}
