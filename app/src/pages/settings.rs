//! Settings: language, reminders outside the app (push on this device, the calendar link) and
//! signing out (with a warning when changes are still waiting).

use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::Role;

use crate::components::confirm::ConfirmDialog;
use crate::components::shell::LanguageSwitch;
use crate::components::toast::Toasts;
use crate::i18n::{use_i18n, Msg};
use crate::pages::reminders::{forget_this_device, CalendarFeed, PushReminders};
use crate::sync::hooks::{spawn_with_engine, use_engine, use_session, use_sync_status};

/// The settings screen.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let handle = use_engine();
    let session = use_session();
    let status = use_sync_status();
    let confirming = RwSignal::new(false);
    let toasts = use_context::<Toasts>();
    let role = move || session.get().map(|s| s.user.role);
    let sign_out = Callback::new(move |()| {
        let user = session.get_untracked().map(|s| s.user.id.0);
        spawn_with_engine(handle, move |engine| async move {
            if let Some(user) = user {
                forget_this_device(&user).await;
            }
            // The toast says it in the reader's language; the session and outbox stay as they were.
            if let (Err(_), Some(toasts)) = (engine.sign_out().await, toasts) {
                toasts.0.set(Some(
                    Msg::SignOutFailed
                        .text(i18n.lang.get_untracked())
                        .to_owned(),
                ));
            }
        });
    });
    view! {
        <h1>{i18n.tr(Msg::Settings)}</h1>
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Language)}</h2>
            <LanguageSwitch />
        </section>
        <PushReminders />
        <CalendarFeed />
        <Show when=move || role().is_some_and(|role| role != Role::Staff)>
            <section class="card card-links">
                <Show when=move || role() == Some(Role::Student)>
                    <A href="/profile" attr:class="button" attr:data-testid="open-profile">{i18n.tr(Msg::Profile)}</A>
                    <A href="/positions" attr:class="button" attr:data-testid="open-rankings">
                        {i18n.tr(Msg::RankPositions)}
                    </A>
                </Show>
                <A href="/concern" attr:class="button" attr:data-testid="open-concern">{i18n.tr(Msg::RaiseConcern)}</A>
            </section>
        </Show>
        <section class="card">
            <p data-testid="signed-in-as">
                {move || session.get().map(|s| format!("{} · {}", s.user.display_name, s.user.email))}
            </p>
            <button class="button" data-testid="sign-out" data-local="session" on:click=move |_| {
                if status.get_untracked().pending > 0 { confirming.set(true) } else { sign_out.run(()) }
            }>{i18n.tr(Msg::SignOut)}</button>
        </section>
        <ConfirmDialog
            open=confirming
            title=Signal::derive(i18n.tr(Msg::ConfirmSignOutTitle))
            body=Signal::derive(i18n.tr(Msg::ConfirmSignOutBody))
            confirm_label=Signal::derive(i18n.tr(Msg::SignOutAnyway))
            cancel_label=Signal::derive(i18n.tr(Msg::Cancel))
            on_confirm=sign_out
        />
    }
}
