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
use crate::components::form::{Field, Input, ListCard, Select, TextArea, WriteForm};
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{feedback_shows_by, format_date, use_i18n, Msg};
use crate::sync::hooks::{
    use_pending_ids, use_session, use_typed, use_write, FormError, FormWrite, WriteErrorLine,
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

/// The choices of a duration in minutes ("60 min").
pub(crate) fn minute_options(minutes: [u32; 4]) -> impl IntoView {
    let i18n = use_i18n();
    minutes
        .into_iter()
        .map(|minutes| {
            let label = move || format!("{minutes} {}", i18n.t(Msg::Minutes));
            view! { <option value=minutes.to_string()>{label}</option> }
        })
        .collect_view()
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
    let date_missing =
        Signal::derive(move || write.error.get() == Some(FormError::Form(Msg::DateRequired)));
    let notes_missing =
        Signal::derive(move || write.error.get() == Some(FormError::Form(Msg::NotesRequired)));
    let writes = move || write::creates(space.get().as_ref(), RecordKind::MentoringSession);
    let submit_label = move || {
        i18n.t(if is_past() {
            Msg::LogPastSession
        } else {
            Msg::ScheduleSession
        })
    };
    // Not a `WriteForm`: the button says whether it schedules a session or logs a past one.
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::ScheduleSession)}</h2>
            <form class="form" on:submit=submit novalidate=true data-testid="schedule-form" data-write=writes>
                <div class="form-inline">
                    <Field id="session-date" label=Msg::Date value=date input=Input::Date invalid=date_missing
                        described_by="session-error" />
                    <Field id="session-time" label=Msg::Time value=time input=Input::Time />
                    <Select id="session-duration" label=Msg::Duration value=duration>
                        {minute_options([30, 45, 60, 90])}
                    </Select>
                    <Select id="session-format" label=Msg::Format value=format>
                        <option value="in_person">{i18n.tr(Msg::InPerson)}</option>
                        <option value="video">{i18n.tr(Msg::Video)}</option>
                        <option value="phone">{i18n.tr(Msg::Phone)}</option>
                    </Select>
                </div>
                <Field id="session-location" label=Msg::PlaceOrLink value=location maxlength=200 />
                <TextArea id="session-agenda" label=Msg::Agenda value=agenda rows=2 />
                <Show when=is_past>
                    <p class="muted" data-testid="past-session-hint">{i18n.tr(Msg::PastSessionHint)}</p>
                    <TextArea id="past-notes" label=Msg::Notes value=past_notes invalid=notes_missing />
                    <TextArea id="past-steps" testid="past-next-steps" label=Msg::NextSteps value=past_steps rows=2 />
                </Show>
                <div id="session-error">
                    <WriteErrorLine write=write />
                </div>
                <button class="button button-primary" type="submit" data-testid="schedule"
                    prop:disabled=move || write.pending.get()>
                    {submit_label}
                </button>
            </form>
        </section>
    }
}

#[component]
fn SessionList(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let records = use_typed::<MentoringSession>(space);
    let feedback = use_typed::<Feedback>(space);
    let pending = use_pending_ids(space);
    let sessions = Memo::new(move |_| {
        let mut list = records.get();
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
    let waiting = move |id: RecordId| Signal::derive(move || pending.with(|ids| ids.contains(&id)));
    // A session's feedback, each with whether it still waits on this device.
    let feedback_on = move |id: RecordId| {
        Signal::derive(move || {
            let waiting = pending.get();
            feedback.with(|feedback| {
                feedback
                    .iter()
                    .filter(|(_, f)| f.session_id == id)
                    .map(|(feedback_id, f)| (f.clone(), waiting.contains(feedback_id)))
                    .collect::<Vec<_>>()
            })
        })
    };
    let count = Signal::derive(move || sessions.with(Vec::len));
    // A session's row is drawn again when what it shows of the session changes.
    let session_key = |(id, s): &(RecordId, MentoringSession)| {
        (id.clone(), s.state as u8, s.notes.clone(), s.agenda.clone())
    };
    view! {
        <ListCard title=Msg::Sessions empty=Msg::NoSessions count=count testid="session-list">
            <For each=move || sessions.get() key=session_key let((id, session))>
                <SessionItem space=space id=id.clone() session=session waiting=waiting(id.clone())
                    feedback=feedback_on(id) />
            </For>
        </ListCard>
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
            crate::i18n::clock(local)
        )
    };
    // Logging has its own writes: its error line is under its form, the row's under the row.
    let log_write = use_write();
    let log = {
        let id = id.clone();
        Callback::new(move |()| {
            let Some(space) = space.get_untracked() else {
                return;
            };
            if notes.get_untracked().trim().is_empty() {
                log_write.fail(Msg::NotesRequired);
                return;
            }
            // The form stays open with the notes until the change is accepted.
            log_write.run(
                space,
                Mutation::LogSession {
                    id: id.clone(),
                    notes: notes.get_untracked(),
                    next_steps: next_steps.get_untracked(),
                },
                move || logging.set(false),
            );
        })
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
        Signal::derive(move || {
            write::changes(space.get().as_ref(), RecordKind::MentoringSession, &id)
        })
    };
    let (agenda, location, saved_notes, saved_steps) = (
        session.agenda.clone(),
        session.location.clone(),
        session.notes.clone(),
        session.next_steps.clone(),
    );
    let meta = move || {
        let (format, minutes) = (i18n.t(format_msg(format)), i18n.t(Msg::Minutes));
        format!("{format} · {duration} {minutes}")
    };
    let place = (!location.is_empty()).then(|| format!(" · {location}"));
    let labelled = |label: Msg, text: String| {
        (!text.is_empty()).then(|| {
            view! { <p class="item-body"><strong>{i18n.tr(label)}": "</strong>{text}</p> }
        })
    };
    let (notes_shown, steps_shown) = (
        labelled(Msg::Notes, saved_notes),
        labelled(Msg::NextSteps, saved_steps),
    );
    let reveal_day = reveal.map(|at| at.with_timezone(&zone).date_naive());
    let revealed = reveal.is_some_and(|at| Utc::now() >= at);
    let state_name = format!("{state:?}").to_lowercase();
    let log_id = id.clone();
    view! {
        <li class="list-item session" class:cancelled=cancelled data-testid="session" data-write=change_tag
            data-starts=session.starts_at.to_rfc3339() data-session-id=id_text data-state=state_name
            data-agenda=session.agenda.clone()>
            <div class="grow">
                <p class="item-title">{when}</p>
                <p class="item-meta">{meta}{place}</p>
                {(!agenda.is_empty()).then(|| view! { <p class="item-body">{agenda.clone()}</p> })}
                {notes_shown}
                {steps_shown}
            </div>
            <span class="pill" class:pill-danger=cancelled>{move || i18n.t(state_msg(state))}</span>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <Show when=move || loggable>
                <button class="button button-small" data-testid="log-session"
                    on:click=move |_| logging.update(|open| *open = !*open)>
                    {i18n.tr(Msg::LogSession)}
                </button>
            </Show>
            <Show when=move || scheduled>
                <button class="button button-small button-danger" data-testid="cancel-session"
                    on:click=move |_| confirming.set(true)>
                    {i18n.tr(Msg::CancelSession)}
                </button>
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
                <SessionFeedback space=space session_id=id.clone() feedback=feedback reveal=reveal_day
                    revealed=revealed />
            </Show>
            <Show when=move || logging.get()>
                <LogForm id=log_id.clone() write=log_write writes=change_tag on_submit=log notes=notes
                    next_steps=next_steps />
            </Show>
            <WriteErrorLine write=write />
        </li>
    }
}

/// The form that logs what happened in a session: notes and next steps. It stays open with what
/// was typed until the change is accepted.
#[component]
fn LogForm(
    id: RecordId,
    write: FormWrite,
    writes: Signal<String>,
    on_submit: Callback<()>,
    notes: RwSignal<String>,
    next_steps: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="grow-full">
            <WriteForm write=write writes=writes on_submit=on_submit submit=Msg::Save submit_testid="save-log">
                <TextArea id=format!("notes-{id}") testid="session-notes" label=Msg::Notes value=notes />
                <TextArea id=format!("steps-{id}") testid="session-next-steps" label=Msg::NextSteps
                    value=next_steps rows=2 />
            </WriteForm>
        </div>
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
    // Kept here, so what the person chose and typed outlives the form being drawn again.
    let draft = FeedbackDraft {
        write: use_write(),
        rating: RwSignal::new(0),
        text: RwSignal::new(String::new()),
    };
    let hidden = move || match reveal {
        Some(day) => {
            let lang = i18n.lang.get();
            feedback_shows_by(lang, &format_date(lang, day))
        }
        None => i18n.t(Msg::FeedbackHidden).to_owned(),
    };
    view! {
        <div class="feedback grow-full" data-testid="feedback">
            <p class="item-title">{i18n.tr(Msg::Feedback)}</p>
            {move || match mine() {
                Some((own, waiting)) => view! {
                    <p class="item-body" data-testid="my-feedback" data-rating=own.rating.to_string()>
                        <strong>{i18n.tr(Msg::YourFeedback)}": "</strong>
                        <Rated feedback=own.clone() />
                        {waiting.then(|| view! {
                            " "<span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
                        })}
                    </p>
                }.into_any(),
                None => view! { <FeedbackForm space=space session_id=session_id.clone() draft=draft /> }.into_any(),
            }}
            {move || match theirs() {
                Some(other) => view! {
                    <p class="item-body" data-testid="their-feedback" data-rating=other.rating.to_string()>
                        <strong>{i18n.tr(Msg::TheirFeedback)}": "</strong>
                        <Rated feedback=other.clone() />
                    </p>
                }.into_any(),
                None if revealed => view! {
                    <p class="muted" data-testid="feedback-none" data-revealed="true">
                        {i18n.tr(Msg::FeedbackNoneGiven)}
                    </p>
                }.into_any(),
                None => view! {
                    <p class="muted" data-testid="feedback-hidden" data-reveal=reveal.map(|day| day.to_string())>
                        {hidden}
                    </p>
                }.into_any(),
            }}
        </div>
    }
}

/// A rating as stars, read aloud as "4/5", then the feedback's text.
#[component]
fn Rated(feedback: Feedback) -> impl IntoView {
    let n = feedback.rating;
    let stars = format!(
        "{}{}",
        "★".repeat(usize::from(n)),
        "☆".repeat(usize::from(5 - n.min(5)))
    );
    view! {
        <span aria-label=format!("{}/5", feedback.rating)>{stars}</span>" "{feedback.text}
    }
}

/// What the person is giving as feedback on a session, and its writes.
#[derive(Clone, Copy)]
struct FeedbackDraft {
    write: FormWrite,
    rating: RwSignal<u8>,
    text: RwSignal<String>,
}

/// The form that gives one's feedback on a session: a rating from 1 to 5 and a text. Not a
/// `WriteForm`: the rating's choices are described by the error line, whose id is the session's.
#[component]
fn FeedbackForm(
    space: Signal<Option<SpaceId>>,
    session_id: RecordId,
    draft: FeedbackDraft,
) -> impl IntoView {
    let i18n = use_i18n();
    let FeedbackDraft {
        write,
        rating,
        text,
    } = draft;
    let group = format!("rating-{session_id}");
    let error_id = format!("{group}-error");
    let text_id = format!("feedback-text-{session_id}");
    let submit = move |event: leptos::ev::SubmitEvent| {
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
    };
    let writes = move || write::creates(space.get().as_ref(), RecordKind::Feedback);
    let choices = (1..=5u8)
        .map(|n| {
            view! {
                <label>
                    <input type="radio" name=group.clone() value=n.to_string() data-testid=format!("rate-{n}")
                        prop:checked=move || rating.get() == n on:change=move |_| rating.set(n) />
                    <span>{n}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="form" on:submit=submit novalidate=true data-testid="feedback-form" data-write=writes>
            <fieldset class="rating" aria-describedby=error_id.clone()>
                <legend class="visually-hidden">{i18n.tr(Msg::Rating)}</legend>
                {choices}
            </fieldset>
            <TextArea id=text_id testid="feedback-text" label=Msg::FeedbackText value=text rows=2 maxlength=5000 />
            <div id=error_id>
                <WriteErrorLine write=write />
            </div>
            <button class="button button-primary" type="submit" data-testid="save-feedback"
                prop:disabled=move || write.pending.get()>
                {i18n.tr(Msg::GiveFeedback)}
            </button>
        </form>
    }
}
