//! Mentoring sessions: schedule (date, time, time zone, duration, format, place, agenda), then log
//! notes and next steps; cancelled sessions stay, marked cancelled. Students and their mentors.

use chrono::{NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;

use imp_shared::domain::{
    Entity, Feedback, MentoringSession, RecordKind, SessionFormat, SessionState,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::confirm::ConfirmDialog;
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{feedback_shows_by, format_date, use_i18n, Msg};
use crate::sync::hooks::{
    use_pending_ids, use_records, use_session, use_write, FormError, WriteErrorLine,
};
use crate::zone::{local_or_utc, local_to_utc};

/// The time zone sessions are planned in unless the person chooses another.
pub const DEFAULT_ZONE: &str = crate::zone::PROGRAM_ZONE;

fn format_msg(format: SessionFormat) -> Msg {
    match format {
        SessionFormat::InPerson => Msg::InPerson,
        SessionFormat::Video => Msg::Video,
        SessionFormat::Phone => Msg::Phone,
    }
}

fn state_msg(state: SessionState) -> Msg {
    match state {
        SessionState::Scheduled => Msg::Scheduled,
        SessionState::Completed => Msg::Completed,
        SessionState::Cancelled => Msg::Cancelled,
    }
}

/// The sessions screen.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let space = working.space;
    view! {
        <h1>{i18n.tr(Msg::Sessions)}</h1>
        <MenteePicker working=working />
        <Show when=move || space.get().is_some()>
            <ScheduleForm space=space />
            <SessionList space=space />
        </Show>
    }
}

#[component]
fn ScheduleForm(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let date = RwSignal::new(String::new());
    let time = RwSignal::new("10:00".to_owned());
    let duration = RwSignal::new("60".to_owned());
    let format = RwSignal::new("in_person".to_owned());
    let location = RwSignal::new(String::new());
    let agenda = RwSignal::new(String::new());
    let past_notes = RwSignal::new(String::new());
    let past_steps = RwSignal::new(String::new());
    // A time that has passed cannot be scheduled: the form logs a past session instead.
    let past = Memo::new(move |_| {
        let day = NaiveDate::parse_from_str(&date.get(), "%Y-%m-%d").ok()?;
        let at = NaiveTime::parse_from_str(&time.get(), "%H:%M").ok()?;
        Some(local_to_utc(DEFAULT_ZONE, day, at)? <= Utc::now())
    });
    let is_past = move || past.get() == Some(true);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(day) = NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d") else {
            write.fail(Msg::DateRequired);
            return;
        };
        let Ok(at) = NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M") else {
            write.fail(Msg::TimeRequired);
            return;
        };
        write.clear();
        let Some(starts_at) = local_to_utc(DEFAULT_ZONE, day, at) else {
            write.fail(Msg::TimeRequired);
            return;
        };
        let format = match format.get_untracked().as_str() {
            "video" => SessionFormat::Video,
            "phone" => SessionFormat::Phone,
            _ => SessionFormat::InPerson,
        };
        let logged_past = starts_at <= Utc::now();
        let notes = past_notes.get_untracked().trim().to_owned();
        if logged_past && notes.is_empty() {
            write.fail(Msg::NotesRequired);
            return;
        }
        let session = MentoringSession {
            starts_at,
            time_zone: DEFAULT_ZONE.to_owned(),
            duration_minutes: duration.get_untracked().parse().unwrap_or(60),
            format,
            location: location.get_untracked().trim().to_owned(),
            agenda: agenda.get_untracked().trim().to_owned(),
            notes: if logged_past { notes } else { String::new() },
            next_steps: if logged_past {
                past_steps.get_untracked().trim().to_owned()
            } else {
                String::new()
            },
            state: if logged_past {
                SessionState::Completed
            } else {
                SessionState::Scheduled
            },
        };
        let Some(space) = space.get_untracked() else {
            return;
        };
        write.run(
            space,
            Mutation::Create {
                id: RecordId(format!("session-{}", uuid::Uuid::new_v4().simple())),
                record: Entity::MentoringSession(session),
            },
            move || {
                agenda.set(String::new());
                location.set(String::new());
                past_notes.set(String::new());
                past_steps.set(String::new());
            },
        );
    };
    let bind = |signal: RwSignal<String>| {
        move |event: leptos::ev::Event| signal.set(event_target_value(&event))
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::ScheduleSession)}</h2>
            <form class="form" on:submit=submit novalidate=true data-testid="schedule-form" data-write=move || write::creates(space.get().as_ref(), RecordKind::MentoringSession)>
                <div class="form-inline">
                    <div class="field">
                        <label for="session-date">{i18n.tr(Msg::Date)}</label>
                        <input id="session-date" type="date" prop:value=move || date.get() on:input=bind(date)
                            aria-invalid=move || (write.error.get() == Some(FormError::Form(Msg::DateRequired))).to_string() aria-describedby="session-error" />
                    </div>
                    <div class="field">
                        <label for="session-time">{i18n.tr(Msg::Time)}</label>
                        <input id="session-time" type="time" prop:value=move || time.get() on:input=bind(time) />
                    </div>
                    <div class="field">
                        <label for="session-duration">{i18n.tr(Msg::Duration)}</label>
                        <select id="session-duration" prop:value=move || duration.get() on:change=bind(duration)>
                            {[30, 45, 60, 90].into_iter().map(|minutes| view! {
                                <option value=minutes.to_string()>{move || format!("{minutes} {}", i18n.t(Msg::Minutes))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="session-format">{i18n.tr(Msg::Format)}</label>
                        <select id="session-format" prop:value=move || format.get() on:change=bind(format)>
                            <option value="in_person">{i18n.tr(Msg::InPerson)}</option>
                            <option value="video">{i18n.tr(Msg::Video)}</option>
                            <option value="phone">{i18n.tr(Msg::Phone)}</option>
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="session-location">{i18n.tr(Msg::PlaceOrLink)}</label>
                    <input id="session-location" maxlength="200" prop:value=move || location.get() on:input=bind(location) />
                </div>
                <div class="field">
                    <label for="session-agenda">{i18n.tr(Msg::Agenda)}</label>
                    <textarea id="session-agenda" rows="2" prop:value=move || agenda.get() on:input=bind(agenda)></textarea>
                </div>
                <Show when=is_past>
                    <p class="muted" data-testid="past-session-hint">{i18n.tr(Msg::PastSessionHint)}</p>
                    <div class="field">
                        <label for="past-notes">{i18n.tr(Msg::Notes)}</label>
                        <textarea id="past-notes" data-testid="past-notes" rows="3" prop:value=move || past_notes.get() on:input=bind(past_notes)
                            aria-invalid=move || (write.error.get() == Some(FormError::Form(Msg::NotesRequired))).to_string()></textarea>
                    </div>
                    <div class="field">
                        <label for="past-steps">{i18n.tr(Msg::NextSteps)}</label>
                        <textarea id="past-steps" data-testid="past-next-steps" rows="2" prop:value=move || past_steps.get() on:input=bind(past_steps)></textarea>
                    </div>
                </Show>
                <div id="session-error">
                    <WriteErrorLine write=write />
                </div>
                <button class="button button-primary" type="submit" data-testid="schedule" prop:disabled=move || write.pending.get()>
                    {move || i18n.t(if is_past() { Msg::LogPastSession } else { Msg::ScheduleSession })}
                </button>
            </form>
        </section>
    }
}

#[component]
fn SessionList(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let records = use_records(space, RecordKind::MentoringSession);
    let feedback = use_records(space, RecordKind::Feedback);
    let pending = use_pending_ids(space);
    let sessions = Memo::new(move |_| {
        let mut list: Vec<(RecordId, MentoringSession)> = records
            .get()
            .into_iter()
            .filter_map(|(id, entity)| match entity {
                Entity::MentoringSession(session) => Some((id, session)),
                _ => None,
            })
            .collect();
        // The soonest coming session first, then those past, the latest first.
        let now = Utc::now();
        list.sort_by(|(a_id, a), (b_id, b)| {
            let (a_past, b_past) = (a.starts_at < now, b.starts_at < now);
            match (a_past, b_past) {
                (false, false) => (a.starts_at, a_id).cmp(&(b.starts_at, b_id)),
                (true, true) => (b.starts_at, b_id).cmp(&(a.starts_at, a_id)),
                _ => a_past.cmp(&b_past),
            }
        });
        list
    });
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Sessions)}</h2>
            <Show when=move || !sessions.get().is_empty() fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoSessions)}</p> }>
                <ul class="list" data-testid="session-list">
                    <For each=move || sessions.get() key=|(id, s)| (id.clone(), s.state as u8, s.notes.clone(), s.agenda.clone()) let((id, session))>
                        <SessionItem space=space id=id.clone() session=session waiting=Signal::derive({ let id = id.clone(); move || pending.get().contains(&id) })
                            feedback=Signal::derive({ let id = id.clone(); move || feedback.get().into_iter().filter_map(|(feedback_id, e)| match e {
                                Entity::Feedback(f) if f.session_id == id => Some((f, pending.get().contains(&feedback_id))),
                                _ => None,
                            }).collect::<Vec<_>>() }) />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn SessionItem(
    space: Signal<Option<SpaceId>>,
    id: RecordId,
    session: MentoringSession,
    waiting: Signal<bool>,
    feedback: Signal<Vec<(Feedback, bool)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reveal =
        imp_shared::feedback::session_end(&session).and_then(imp_shared::feedback::reveal_at);
    let zone = local_or_utc(&session.time_zone, reveal.unwrap_or(session.starts_at))
        .0
        .timezone();
    let held = session.state == SessionState::Completed
        || (session.state == SessionState::Scheduled && session.starts_at <= Utc::now());
    let write = use_write();
    let logging = RwSignal::new(false);
    let notes = RwSignal::new(session.notes.clone());
    let next_steps = RwSignal::new(session.next_steps.clone());
    let run = move |mutation: Mutation| {
        if let Some(space) = space.get_untracked() {
            write.dispatch((space, mutation));
        }
    };
    let (local, utc_mark) = local_or_utc(&session.time_zone, session.starts_at);
    let when = move || {
        format!(
            "{} {}{utc_mark}",
            format_date(i18n.lang.get(), local.date_naive()),
            local.format("%H:%M")
        )
    };
    let log = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(space) = space.get_untracked() else {
                return;
            };
            if notes.get_untracked().trim().is_empty() {
                write.fail(Msg::NotesRequired);
                return;
            }
            // The form stays open with the notes until the change is accepted.
            write.run(
                space,
                Mutation::LogSession {
                    id: id.clone(),
                    notes: notes.get_untracked(),
                    next_steps: next_steps.get_untracked(),
                },
                move || logging.set(false),
            );
        }
    };
    // Cancelling asks first: the other side sees the session cancelled once it syncs.
    let confirming = RwSignal::new(false);
    let cancel = {
        let id = id.clone();
        Callback::new(move |()| run(Mutation::CancelSession { id: id.clone() }))
    };
    let state = session.state;
    let scheduled = state == SessionState::Scheduled;
    let cancelled = state == SessionState::Cancelled;
    // Notes are for a session that has begun (the rules refuse earlier logs).
    let loggable = !cancelled && session.starts_at <= Utc::now();
    let format = session.format;
    let duration = session.duration_minutes;
    let id_text = id.to_string();
    let change_tag = {
        let id = id.clone();
        move || write::changes(space.get().as_ref(), RecordKind::MentoringSession, &id)
    };
    let (notes_id, steps_id) = (format!("notes-{id}"), format!("steps-{id}"));
    let (agenda, location, saved_notes, saved_steps) = (
        session.agenda.clone(),
        session.location.clone(),
        session.notes.clone(),
        session.next_steps.clone(),
    );
    view! {
        <li class="list-item session" class:cancelled=cancelled data-testid="session" data-write=change_tag data-starts=session.starts_at.to_rfc3339() data-session-id=id_text data-state=format!("{state:?}").to_lowercase() data-agenda=session.agenda.clone()>
            <div class="grow">
                <p class="item-title">{when}</p>
                <p class="item-meta">
                    {move || format!("{} · {} {}", i18n.t(format_msg(format)), duration, i18n.t(Msg::Minutes))}
                    {(!location.is_empty()).then(|| format!(" · {location}"))}
                </p>
                {(!agenda.is_empty()).then(|| view! { <p class="item-body">{agenda.clone()}</p> })}
                {(!saved_notes.is_empty()).then(|| view! { <p class="item-body"><strong>{i18n.tr(Msg::Notes)}": "</strong>{saved_notes.clone()}</p> })}
                {(!saved_steps.is_empty()).then(|| view! { <p class="item-body"><strong>{i18n.tr(Msg::NextSteps)}": "</strong>{saved_steps.clone()}</p> })}
            </div>
            <span class="pill" class:pill-danger=cancelled>{move || i18n.t(state_msg(state))}</span>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <Show when=move || loggable>
                <button class="button button-small" data-testid="log-session" on:click=move |_| logging.update(|open| *open = !*open)>{i18n.tr(Msg::LogSession)}</button>
            </Show>
            <Show when=move || scheduled>
                <button class="button button-small button-danger" data-testid="cancel-session" on:click=move |_| confirming.set(true)>{i18n.tr(Msg::CancelSession)}</button>
                <ConfirmDialog
                    open=confirming
                    title=Signal::derive(i18n.tr(Msg::ConfirmCancelSessionTitle))
                    body=Signal::derive(i18n.tr(Msg::ConfirmCancelSessionBody))
                    confirm_label=Signal::derive(i18n.tr(Msg::CancelSession))
                    cancel_label=Signal::derive(i18n.tr(Msg::KeepIt))
                    on_confirm=cancel
                />
            </Show>
            <Show when=move || held>
                <SessionFeedback space=space session_id=id.clone() feedback=feedback reveal=reveal.map(|at| at.with_timezone(&zone).date_naive()) revealed=reveal.is_some_and(|at| Utc::now() >= at) />
            </Show>
            <Show when=move || logging.get()>
                <form class="form grow-full" on:submit=log.clone()>
                    <div class="field">
                        <label for=notes_id.clone()>{i18n.tr(Msg::Notes)}</label>
                        <textarea id=notes_id.clone() data-testid="session-notes" rows="3" prop:value=move || notes.get() on:input=move |event| notes.set(event_target_value(&event))></textarea>
                    </div>
                    <div class="field">
                        <label for=steps_id.clone()>{i18n.tr(Msg::NextSteps)}</label>
                        <textarea id=steps_id.clone() data-testid="session-next-steps" rows="2" prop:value=move || next_steps.get() on:input=move |event| next_steps.set(event_target_value(&event))></textarea>
                    </div>
                    <button class="button button-primary" type="submit" data-testid="save-log" prop:disabled=move || write.pending.get()>{i18n.tr(Msg::Save)}</button>
                </form>
            </Show>
            <WriteErrorLine write=write />
        </li>
    }
}

/// Feedback after a session: give yours (1–5 and text); see the other side's once the server
/// reveals it (both answered, or a week after the session). `reveal` is the day (in the
/// session's zone) the week ends; once `revealed`, a missing answer means they gave none.
/// Feedback comes with whether it still waits on this device.
#[component]
fn SessionFeedback(
    space: Signal<Option<SpaceId>>,
    session_id: RecordId,
    feedback: Signal<Vec<(Feedback, bool)>>,
    reveal: Option<NaiveDate>,
    revealed: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let write = use_write();
    let me = move || session.get().map(|s| s.user.id);
    // Until the server stamps it, one's own new feedback has no author yet.
    let mine = move || {
        feedback
            .get()
            .into_iter()
            .find(|(f, waiting)| f.author == me() || (*waiting && f.author.is_none()))
    };
    let theirs = move || {
        feedback
            .get()
            .into_iter()
            .map(|(f, _)| f)
            .find(|f| f.author.is_some() && f.author != me())
    };
    let rating = RwSignal::new(0u8);
    let text = RwSignal::new(String::new());
    let group = format!("rating-{session_id}");
    let text_id = format!("feedback-text-{session_id}");
    let submit = {
        let session_id = session_id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let value = rating.get_untracked();
            if !(1..=5).contains(&value) {
                write.fail(Msg::RatingRequired);
                return;
            }
            write.clear();
            if let Some(space) = space.get_untracked() {
                write.dispatch((
                    space,
                    Mutation::Create {
                        id: RecordId(format!("feedback-{}", uuid::Uuid::new_v4().simple())),
                        record: Entity::Feedback(Feedback {
                            session_id: session_id.clone(),
                            rating: value,
                            text: text.get_untracked().trim().to_owned(),
                            author: None,
                        }),
                    },
                ));
            }
        }
    };
    let stars = |n: u8| {
        format!(
            "{}{}",
            "★".repeat(usize::from(n)),
            "☆".repeat(usize::from(5 - n.min(5)))
        )
    };
    view! {
        <div class="feedback grow-full" data-testid="feedback">
            <p class="item-title">{i18n.tr(Msg::Feedback)}</p>
            {move || match mine() {
                Some((own, waiting)) => view! {
                    <p class="item-body" data-testid="my-feedback" data-rating=own.rating.to_string()>
                        <strong>{i18n.tr(Msg::YourFeedback)}": "</strong>
                        <span aria-label=format!("{}/5", own.rating)>{stars(own.rating)}</span>" "{own.text.clone()}
                        {waiting.then(|| view! { " "<span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span> })}
                    </p>
                }.into_any(),
                None => {
                    let submit = submit.clone();
                    let group = group.clone();
                    let text_id = text_id.clone();
                    view! {
                        <form class="form" on:submit=submit novalidate=true data-testid="feedback-form" data-write=move || write::creates(space.get().as_ref(), RecordKind::Feedback)>
                            <fieldset class="rating" aria-describedby=format!("{group}-error")>
                                <legend class="visually-hidden">{i18n.tr(Msg::Rating)}</legend>
                                {(1..=5u8).map(|n| {
                                    let group = group.clone();
                                    view! {
                                        <label>
                                            <input type="radio" name=group value=n.to_string() data-testid=format!("rate-{n}")
                                                prop:checked=move || rating.get() == n on:change=move |_| rating.set(n) />
                                            <span>{n}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <label for=text_id.clone()>{i18n.tr(Msg::FeedbackText)}</label>
                            <textarea id=text_id.clone() rows="2" maxlength="5000" data-testid="feedback-text" prop:value=move || text.get() on:input=move |event| text.set(event_target_value(&event))></textarea>
                            <div id=format!("{group}-error")>
                                <WriteErrorLine write=write />
                            </div>
                            <button class="button button-primary" type="submit" data-testid="save-feedback" prop:disabled=move || write.pending.get()>{i18n.tr(Msg::GiveFeedback)}</button>
                        </form>
                    }.into_any()
                }
            }}
            {move || match theirs() {
                Some(other) => view! {
                    <p class="item-body" data-testid="their-feedback" data-rating=other.rating.to_string()>
                        <strong>{i18n.tr(Msg::TheirFeedback)}": "</strong>
                        <span aria-label=format!("{}/5", other.rating)>{stars(other.rating)}</span>" "{other.text.clone()}
                    </p>
                }.into_any(),
                None if revealed => view! { <p class="muted" data-testid="feedback-none" data-revealed="true">{i18n.tr(Msg::FeedbackNoneGiven)}</p> }.into_any(),
                None => view! {
                    <p class="muted" data-testid="feedback-hidden" data-reveal=reveal.map(|day| day.to_string())>
                        {move || match reveal {
                            Some(day) => feedback_shows_by(i18n.lang.get(), &format_date(i18n.lang.get(), day)),
                            None => i18n.t(Msg::FeedbackHidden).to_owned(),
                        }}
                    </p>
                }.into_any(),
            }}
        </div>
    }
}
