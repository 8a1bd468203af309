//! Sign-in and accept-invite screens.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::i18n::{use_i18n, Msg};
use crate::sync::engine::{SignInError, SyncProblem};
use crate::sync::hooks::{use_engine, use_session, use_sync_status};
use crate::sync::transport::{self, TransportError};

fn error_message(error: &SignInError) -> Msg {
    let error = match error {
        SignInError::Transport(error) => error,
        SignInError::Storage(_) => return Msg::StorageFailed,
        SignInError::OtherAccount(_) => return Msg::OtherAccount,
    };
    match error {
        TransportError::Offline => Msg::NoConnection,
        TransportError::RateLimited(_) => Msg::TooManyAttempts,
        TransportError::SignedOut(_) => Msg::WrongPassword,
        TransportError::Server { status: 400, .. } => Msg::InviteInvalid,
        _ => Msg::NoConnection,
    }
}

/// Email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let status = use_sync_status();
    let session = use_session();
    // After a session ended, the same person signs in again: their changes wait on the device.
    let email = RwSignal::new(
        session
            .get_untracked()
            .map(|s| s.user.email)
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<Msg>);
    let password_error = RwSignal::new(None::<Msg>);
    let form_error = RwSignal::new(None::<Msg>);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        let secret = password.get_untracked();
        email_error.set(if address.is_empty() {
            Some(Msg::EmailRequired)
        } else if !address.contains('@') || address.starts_with('@') || address.ends_with('@') {
            Some(Msg::EmailInvalid)
        } else {
            None
        });
        password_error.set(secret.is_empty().then_some(Msg::PasswordRequired));
        if email_error.get_untracked().is_some() || password_error.get_untracked().is_some() {
            return;
        }
        let Some(engine) = engine.map(|handle| handle.get()) else {
            return;
        };
        busy.set(true);
        form_error.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match transport::login(&address, &secret).await {
                Ok(session) => engine.sign_in(session).await,
                Err(error) => Err(SignInError::Transport(error)),
            };
            busy.set(false);
            if let Err(error) = outcome {
                form_error.set(Some(error_message(&error)));
            }
        });
    };

    view! {
        <section class="card auth-card">
            <h1>{move || i18n.t(Msg::SignIn)}</h1>
            <p class="muted">{move || i18n.t(Msg::Tagline)}</p>
            <Show when=move || status.get().problem == Some(SyncProblem::SignedOut)>
                <p class="notice" role="status">{move || i18n.t(Msg::SessionEnded)}</p>
            </Show>
            <form class="form" on:submit=submit novalidate=true>
                <div class="field">
                    <label for="email">{move || i18n.t(Msg::Email)}</label>
                    <input id="email" name="email" type="email" autocomplete="username" inputmode="email"
                        aria-invalid=move || email_error.get().is_some().to_string()
                        aria-describedby="email-error"
                        prop:value=move || email.get()
                        on:input=move |event| email.set(event_target_value(&event)) />
                    <p class="field-error" id="email-error" role="alert">{move || email_error.get().map(|msg| i18n.t(msg))}</p>
                </div>
                <div class="field">
                    <label for="password">{move || i18n.t(Msg::Password)}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password"
                        aria-invalid=move || password_error.get().is_some().to_string()
                        aria-describedby="password-error"
                        prop:value=move || password.get()
                        on:input=move |event| password.set(event_target_value(&event)) />
                    <p class="field-error" id="password-error" role="alert">{move || password_error.get().map(|msg| i18n.t(msg))}</p>
                </div>
                <p class="form-error" role="alert" data-testid="signin-error">{move || form_error.get().map(|msg| i18n.t(msg))}</p>
                <button class="button button-primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Msg::SigningIn) } else { i18n.t(Msg::SignIn) }}
                </button>
            </form>
        </section>
    }
}

/// `/invite?code=…`: the invitee sets a password and is signed in.
#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let query = use_query_map();
    let navigate = use_navigate();
    let code = RwSignal::new(query.get_untracked().get("code").unwrap_or_default());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let secret = password.get_untracked();
        if secret.chars().count() < 10 {
            error.set(Some(Msg::PasswordTooShort));
            return;
        }
        let Some(engine) = engine.map(|handle| handle.get()) else {
            return;
        };
        let invite = code.get_untracked().trim().to_owned();
        busy.set(true);
        let navigate = navigate.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match transport::accept_invite(&invite, &secret).await {
                Ok(session) => engine.sign_in(session).await,
                Err(failure) => Err(SignInError::Transport(failure)),
            };
            busy.set(false);
            match outcome {
                Ok(()) => navigate("/", Default::default()),
                Err(failure) => error.set(Some(error_message(&failure))),
            }
        });
    };
    view! {
        <section class="card auth-card">
            <h1>{move || i18n.t(Msg::AcceptInvite)}</h1>
            <form class="form" on:submit=submit novalidate=true>
                <div class="field">
                    <label for="code">{move || i18n.t(Msg::InviteCode)}</label>
                    <input id="code" name="code" autocomplete="one-time-code" prop:value=move || code.get()
                        on:input=move |event| code.set(event_target_value(&event)) />
                </div>
                <div class="field">
                    <label for="new-password">{move || i18n.t(Msg::Password)}</label>
                    <input id="new-password" type="password" autocomplete="new-password" prop:value=move || password.get()
                        on:input=move |event| password.set(event_target_value(&event)) />
                </div>
                <p class="form-error" role="alert">{move || error.get().map(|msg| i18n.t(msg))}</p>
                <button class="button button-primary" type="submit" disabled=move || busy.get()>{move || i18n.t(Msg::AcceptInvite)}</button>
            </form>
        </section>
    }
}
