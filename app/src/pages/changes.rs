//! Changes: what is waiting to sync, and what the server refused, with its reason.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{spawn_with_engine, use_engine};

/// A short description of a mutation for lists.
pub fn describe(mutation: &imp_shared::mutation::Mutation) -> String {
    let (kind, id) = mutation.target();
    format!(
        "{} · {} {}",
        mutation.name().replace('_', " "),
        kind.as_str().replace('_', " "),
        id
    )
}

/// The changes screen.
#[component]
pub fn ChangesPage() -> impl IntoView {
    let i18n = use_i18n();
    let handle = use_engine();
    let outbox = Memo::new(move |_| {
        handle
            .map(|handle| {
                handle.read(|engine| {
                    engine
                        .outbox()
                        .into_iter()
                        .map(|entry| (entry.pending.seq.0, describe(&entry.pending.mutation)))
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    });
    let rejected = Memo::new(move |_| {
        handle
            .map(|handle| {
                handle.read(|engine| {
                    engine
                        .rejected()
                        .into_iter()
                        .map(|entry| {
                            (
                                entry.pending.seq.0,
                                describe(&entry.pending.mutation),
                                entry.message,
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    });
    let dismiss = move |seq: u64| {
        spawn_with_engine(handle, move |engine| async move {
            let _ = engine
                .dismiss_rejected(imp_shared::ids::MutationSeq(seq))
                .await;
        });
    };
    view! {
        <h1>{move || i18n.t(Msg::Changes)}</h1>
        <section class="card">
            <h2 class="card-title">{move || i18n.t(Msg::RejectedChanges)}</h2>
            <Show when=move || !rejected.get().is_empty() fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NothingRejected)}</p> }>
                <ul class="list" data-testid="rejected-list">
                    <For each=move || rejected.get() key=|(seq, _, _)| *seq let((seq, what, reason))>
                        <li class="list-item rejected">
                            <div>
                                <p class="item-title">{what}</p>
                                <p class="item-reason"><strong>{move || i18n.t(Msg::Reason)}": "</strong><span data-testid="rejected-reason">{reason}</span></p>
                            </div>
                            <button class="button" on:click=move |_| dismiss(seq)>{move || i18n.t(Msg::Dismiss)}</button>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
        <section class="card">
            <h2 class="card-title">{move || i18n.t(Msg::WaitingChanges)}</h2>
            <Show when=move || !outbox.get().is_empty() fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NothingWaiting)}</p> }>
                <ul class="list" data-testid="waiting-list">
                    <For each=move || outbox.get() key=|(seq, _)| *seq let((_seq, what))>
                        <li class="list-item"><span class="item-title">{what}</span></li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}
