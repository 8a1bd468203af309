//! Sign-in and accept-invite screens.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::components::form::{Field, Input};
use crate::i18n::{invite_for, invite_role_msg, password_rule, use_i18n, Msg};
use crate::sync::engine::{SignInError, SyncProblem};
use crate::sync::hooks::{use_engine, use_session, use_sync_status};
use crate::sync::transport::{self, TransportError};
use imp_shared::protocol::InviteDetails;

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
            <h1>{i18n.tr(Msg::SignIn)}</h1>
            <p class="muted">{i18n.tr(Msg::Tagline)}</p>
            <Show when=move || status.get().problem == Some(SyncProblem::SignedOut)>
                <p class="notice" role="status">{i18n.tr(Msg::SessionEnded)}</p>
            </Show>
            // Not a `WriteForm`: signing in calls the server, and the button says while it does.
            <form class="form" on:submit=submit novalidate=true>
                <Field id="email" label=Msg::Email value=email input=Input::Email autocomplete="username"
                    invalid=Signal::derive(move || email_error.get().is_some()) described_by="email-error" />
                <p class="field-error" id="email-error" role="alert">
                    {move || email_error.get().map(|msg| i18n.t(msg))}
                </p>
                <Field id="password" label=Msg::Password value=password input=Input::Password
                    autocomplete="current-password" invalid=Signal::derive(move || password_error.get().is_some())
                    described_by="password-error" />
                <p class="field-error" id="password-error" role="alert">
                    {move || password_error.get().map(|msg| i18n.t(msg))}
                </p>
                <p class="form-error" role="alert" data-testid="signin-error">
                    {move || form_error.get().map(|msg| i18n.t(msg))}
                </p>
                <button class="button button-primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Msg::SigningIn) } else { i18n.t(Msg::SignIn) }}
                </button>
            </form>
        </section>
    }
}

/// How a failed invite look-up is said where the person is (by the code field).
fn lookup_message(error: &TransportError) -> Msg {
    match error {
        TransportError::Offline => Msg::InviteCheckOffline,
        TransportError::RateLimited(_) => Msg::TooManyAttempts,
        TransportError::Server { status: 400, .. } => Msg::InviteInvalid,
        _ => Msg::NoConnection,
    }
}

/// `/invite?code=…`: the invitee sees whom the code is for (name, email, role) and the password
/// rule, sets a password and is signed in.
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
    // What the server said of the code last looked up (`looked_up`): whom it is for, or why not.
    let details = RwSignal::new(None::<InviteDetails>);
    let code_error = RwSignal::new(None::<Msg>);
    let checking = RwSignal::new(false);
    let looked_up = StoredValue::new(String::new());
    // Looks the code up once per distinct code (from the link, or once typed: on leaving the
    // field); what the person typed is never touched.
    let look_up = move || {
        let wanted = code.get_untracked().trim().to_owned();
        if wanted == looked_up.get_value() {
            return;
        }
        looked_up.set_value(wanted.clone());
        details.set(None);
        code_error.set(None);
        checking.set(!wanted.is_empty());
        if wanted.is_empty() {
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = transport::invite_details(&wanted).await;
            // The code changed meanwhile (the later look-up answers instead), or the page is gone.
            if looked_up.try_get_value().as_ref() != Some(&wanted) {
                return;
            }
            checking.set(false);
            match outcome {
                Ok(found) => details.set(Some(found)),
                Err(failure) => {
                    if failure == TransportError::Offline {
                        // Look it up again the next time (leaving the field, sending).
                        looked_up.set_value(String::new());
                    }
                    code_error.set(Some(lookup_message(&failure)));
                }
            }
        });
    };
    look_up();
    // Another code: what was said of the last one no longer holds.
    let code_edited = Callback::new(move |()| {
        if code.get_untracked().trim() != looked_up.get_value() {
            looked_up.set_value(String::new());
            details.set(None);
            code_error.set(None);
            checking.set(false);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        look_up();
        let secret = password.get_untracked();
        let min_chars = details
            .get_untracked()
            .map_or(10, |found| found.password_min_chars);
        if u32::try_from(secret.chars().count()).unwrap_or(u32::MAX) < min_chars {
            error.set(Some(Msg::PasswordTooShort));
            return;
        }
        let Some(engine) = engine.map(|handle| handle.get()) else {
            return;
        };
        let invite = code.get_untracked().trim().to_owned();
        busy.set(true);
        error.set(None);
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
    let role_text = move || {
        details
            .get()
            .map(|found| i18n.t(invite_role_msg(found.role)))
    };
    view! {
        <section class="card auth-card">
            <h1>{i18n.tr(Msg::AcceptInvite)}</h1>
            <Show when=move || details.get().is_some()>
                <div class="notice" role="status">
                    <p class="item-title" data-testid="invite-for">
                        {move || {
                            details.get().map(|found| invite_for(i18n.lang.get(), &found.display_name, &found.email))
                        }}
                    </p>
                    <p class="item-body" data-testid="invite-role">{role_text}</p>
                </div>
            </Show>
            <form class="form" on:submit=submit novalidate=true>
                // The code is looked up on leaving its field (`focusout` on the field's box: the
                // vocabulary's `Field` has no blur hook).
                <Field id="code" label=Msg::InviteCode value=code autocomplete="one-time-code"
                    invalid=Signal::derive(move || code_error.get() == Some(Msg::InviteInvalid))
                    described_by="code-error" on_edit=code_edited on:focusout=move |_| look_up() />
                <Show when=move || checking.get()>
                    <p class="muted" role="status">{i18n.tr(Msg::InviteCheckingCode)}</p>
                </Show>
                <p class="field-error" id="code-error" role="alert" data-testid="invite-code-error">
                    {move || code_error.get().map(|msg| i18n.t(msg))}
                </p>
                <Field id="new-password" label=Msg::Password value=password input=Input::Password
                    autocomplete="new-password" described_by="password-rule" />
                <p class="muted" id="password-rule" data-testid="password-rule">
                    {move || details.get().map(|found| password_rule(i18n.lang.get(), found.password_min_chars))}
                </p>
                <p class="form-error" role="alert" data-testid="invite-error">
                    {move || error.get().map(|msg| i18n.t(msg))}
                </p>
                <button class="button button-primary" type="submit" disabled=move || busy.get()>
                    {i18n.tr(Msg::AcceptInvite)}
                </button>
            </form>
        </section>
    }
}
