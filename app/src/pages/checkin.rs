//! Workshop check-in. The QR code staff show carries a link to `/checkin?w=<workshop>&c=<code>`:
//! a phone's camera opens it, the service worker serves the app even offline, and the check-in
//! is queued like any other change. The server checks the code and the time when it syncs. The
//! same card takes a typed code, for when a camera cannot read the QR code.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use imp_shared::domain::{Attendance, RecordKind, Workshop};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::form::Field;
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::pages::home::date_time;
use crate::sync::engine::WriteError;
use crate::sync::hooks::{program_space, use_engine, use_session, use_typed, write_error_text};
use crate::zone::in_program_zone;

/// What a check-in attempt came to.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done,
    Already,
    UnknownWorkshop,
    /// Why the check-in was not stored, worded in the reader's language when shown.
    Refused(WriteError),
}

impl Outcome {
    /// The outcome's name on the page (`data-outcome`).
    fn key(&self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Already => "already",
            Outcome::UnknownWorkshop => "unknown",
            Outcome::Refused(_) => "refused",
        }
    }

    /// Whether the student is checked in now.
    fn checked_in(&self) -> bool {
        matches!(self, Outcome::Done | Outcome::Already)
    }
}

/// Checks the signed-in student in at a workshop, unless they already are. Returns what happened.
async fn check_in(
    engine: Option<crate::sync::engine::Engine>,
    space: SpaceId,
    workshop_id: RecordId,
    code: String,
) -> Outcome {
    let Some(engine) = engine else {
        return Outcome::Refused(WriteError::SignedOut);
    };
    let known = engine.with_view(&SpaceId::Program, |view| {
        view.records
            .keys()
            .any(|key| key.kind == RecordKind::Workshop && key.id == workshop_id)
    });
    if !known {
        return Outcome::UnknownWorkshop;
    }
    let already = engine.with_view(&space, |view| {
        view.records
            .keys()
            .any(|key| key.kind == RecordKind::Attendance && key.id == workshop_id)
    });
    if already {
        return Outcome::Already;
    }
    let mutation = Mutation::CheckIn {
        workshop_id,
        code: code.trim().to_uppercase(),
        at: Utc::now(),
    };
    match engine.write(&space, mutation).await {
        Ok(_) => Outcome::Done,
        Err(error) => Outcome::Refused(error),
    }
}

/// The `/checkin` screen a scanned QR code opens.
#[component]
pub fn CheckInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let workshop = Signal::derive(move || query.get().get("w").map(RecordId));
    let code = Signal::derive(move || query.get().get("c").unwrap_or_default());
    view! {
        <h1>{i18n.tr(Msg::CheckIn)}</h1>
        {move || workshop.get().map(|id| view! { <CheckInCard workshop_id=id code=code.get_untracked() auto=true /> })}
    }
}

/// One workshop's check-in: automatic when opened from a QR link, else a code field.
#[component]
pub fn CheckInCard(workshop_id: RecordId, code: String, auto: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let handle = use_engine();
    let workshops = use_typed::<Workshop>(program_space());
    let space = Signal::derive(move || session.get().map(|s| SpaceId::Student(s.user.id)));
    let attendance = use_typed::<Attendance>(space);
    let outcome = RwSignal::new(None::<Outcome>);
    let typed = RwSignal::new(code.clone());
    let field_error = RwSignal::new(false);
    let workshop = {
        let id = workshop_id.clone();
        Memo::new(move |_| {
            workshops.with(|workshops| {
                workshops
                    .iter()
                    .find(|(key, _)| *key == id)
                    .map(|(_, workshop)| workshop.clone())
            })
        })
    };
    let checked_in = {
        let id = workshop_id.clone();
        Memo::new(move |_| attendance.with(|list| list.iter().any(|(key, _)| *key == id)))
    };
    let run = {
        let id = workshop_id.clone();
        move |code: String| {
            let Some(space) = space.get_untracked() else {
                return;
            };
            if code.trim().is_empty() {
                field_error.set(true);
                return;
            }
            field_error.set(false);
            let engine = handle.map(|h| h.get());
            let id = id.clone();
            leptos::task::spawn_local(async move {
                outcome.set(Some(check_in(engine, space, id, code).await));
            });
        }
    };
    if auto && !code.is_empty() {
        // Once the session and the stored data are loaded, check in exactly once.
        let started = StoredValue::new(false);
        let run = run.clone();
        let code = code.clone();
        Effect::new(move |_| {
            if started.get_value() || space.get().is_none() || workshops.with(Vec::is_empty) {
                return;
            }
            started.set_value(true);
            run(code.clone());
        });
    }
    let submit = {
        let run = run.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            run(typed.get_untracked());
        }
    };
    let about = move || {
        workshop.get().map(|w| {
            let local = in_program_zone(w.starts_at);
            let when = move || format!("{} · {}", date_time(i18n.lang.get(), local), w.place);
            view! {
                <p class="item-title">{w.title.clone()}</p>
                <p class="item-meta">{when}</p>
            }
        })
    };
    let result = move || {
        outcome.get().map(|outcome| {
            let key = outcome.key();
            let (class, role) = if outcome.checked_in() {
                ("notice", "status")
            } else {
                ("form-error", "alert")
            };
            let text = move || match &outcome {
                Outcome::Done => i18n.t(Msg::CheckedInAt).to_owned(),
                Outcome::Already => i18n.t(Msg::AlreadyCheckedIn).to_owned(),
                Outcome::UnknownWorkshop => i18n.t(Msg::UnknownWorkshop).to_owned(),
                Outcome::Refused(error) => write_error_text(i18n.lang.get(), error),
            };
            view! { <p class=class role=role data-testid="checkin-result" data-outcome=key>{text}</p> }
        })
    };
    let writes = move || write::creates(space.get().as_ref(), RecordKind::Attendance);
    let field_id = format!("checkin-code-{workshop_id}");
    // Not a `WriteForm`: what the check-in came to is the card's own line above, not a write error.
    view! {
        <section class="card" data-testid="checkin" data-workshop-id=workshop_id.to_string()
            data-checked-in=move || checked_in.get().to_string()>
            {about}
            {result}
            <Show when=move || checked_in.get() fallback=move || {
                let submit = submit.clone();
                let field_id = field_id.clone();
                view! {
                    <p class="muted">{i18n.tr(Msg::CheckInHelp)}</p>
                    <form class="form form-inline" on:submit=submit novalidate=true data-write=writes>
                        <Field id=field_id testid="checkin-code" label=Msg::CheckInCode value=typed maxlength=32
                            autocomplete="off" invalid=field_error />
                        <button class="button button-primary" type="submit" data-testid="checkin-submit">
                            {i18n.tr(Msg::CheckIn)}
                        </button>
                    </form>
                    <Show when=move || field_error.get()>
                        <p class="field-error" role="alert">{i18n.tr(Msg::CodeRequired)}</p>
                    </Show>
                }
            }>
                <p><span class="pill" data-testid="checked-in">{i18n.tr(Msg::CheckedIn)}</span></p>
            </Show>
        </section>
    }
}
