//! Pair health on screen (`imp_shared::health`): the flags of one mentee on their mentor's card,
//! staff's queue of the pairs that may need attention (from the students' summaries), where staff
//! take a flag, snooze it to a day or resolve it with a note (a `flag_review` in the student's
//! space, so the mentor's card follows after sync), and what students are told about how flags
//! work. Flags are worked out on the device at the moment they are shown, so they appear offline
//! and when their time comes.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{
    Activity, EntityPatch, Feedback, FlagReview, FlagReviewPatch, FlagReviewState,
    MentoringSession, Placement, Record, RecordKind, StudentSummary, Task, VisaStep,
};
use imp_shared::health::{facts, shown, Flag, PairRecords, Severity, Shown};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::mutation::Mutation;

use crate::components::form::{Field, Input, TextArea};
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{use_session, use_typed, use_write, WriteErrorLine};
use crate::wording::{flag_text, severity_msg};
use crate::zone::in_program_zone;

/// The flags of a pair that need attention at this moment, most severe first.
fn flags_now(facts: &imp_shared::health::PairFacts) -> Vec<Shown> {
    let now = Utc::now();
    shown(facts, now, in_program_zone(now).date_naive())
}

/// Flags as a list: each with its severity, its reason, and whether staff are on it. With
/// `handle` (staff's queue: the student, and the flags they already reviewed), each can be taken,
/// snoozed or resolved.
#[component]
pub fn FlagList(
    #[prop(into)] flags: Signal<Vec<Shown>>,
    #[prop(optional)] handle: Option<(UserId, Vec<String>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        let lang = i18n.lang.get();
        let me = session.with(|s| s.as_ref().map(|s| s.user.id.clone()));
        flags
            .get()
            .into_iter()
            .map(|Shown { flag, review }| {
                let severity = flag.severity();
                let taken = review.as_ref().map(|review| {
                    let mine = review.assignee.is_some() && review.assignee == me;
                    if mine { Msg::FlagYouHandle } else { Msg::FlagBeingHandled }
                });
                let controls = handle.clone().map(|(student, reviewed)| {
                    let exists = reviewed.iter().any(|rule| rule == flag.rule());
                    view! { <FlagHandling student=student flag=flag.clone() exists=exists /> }
                });
                view! {
                    <li class="flag" data-testid="pair-flag" data-rule=flag.rule()>
                        <span class="pill" class:pill-danger=severity == Severity::High
                            class:pill-waiting=severity != Severity::High>{severity_msg(severity).text(lang)}</span>
                        " "{flag_text(lang, &flag, in_program_zone)}
                        {taken.map(|msg| view! {
                            <span class="item-meta" data-testid="flag-taken">" · "{msg.text(lang)}</span>
                        })}
                        {controls}
                    </li>
                }
            })
            .collect_view()
    }
}

/// Staff's handling of one flag: take it, snooze it to a day, or resolve it with a note. The
/// review is written into the student's space (`exists`: a review of this rule is there already).
#[component]
fn FlagHandling(student: UserId, flag: Flag, exists: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let write = use_write();
    let hidden = use_context::<HandledFlags>();
    let space = SpaceId::Student(student.clone());
    let rule = RecordId::from(flag.rule());
    let occurrence = flag.occurrence();
    let week = in_program_zone(Utc::now() + Duration::days(7)).date_naive();
    let until = RwSignal::new(week.to_string());
    let note = RwSignal::new(String::new());
    let tag = if exists {
        write::changes(Some(&space), RecordKind::FlagReview, &rule)
    } else {
        write::creates(Some(&space), RecordKind::FlagReview)
    };
    let review = {
        let (space, rule, occurrence) = (space.clone(), rule.clone(), occurrence.clone());
        move |state: FlagReviewState| {
            let assignee = session.get_untracked().map(|s| s.user.id);
            let snoozed_until = match state {
                FlagReviewState::Snoozed => match until.get_untracked().parse() {
                    Ok(day) => Some(day),
                    Err(_) => return write.fail(Msg::FlagSnoozeNeedsDay),
                },
                _ => None,
            };
            let note_text = note.get_untracked().trim().to_owned();
            if state == FlagReviewState::Resolved && note_text.is_empty() {
                return write.fail(Msg::FlagResolveNeedsNote);
            }
            let mutation = if exists {
                Mutation::Update {
                    id: rule.clone(),
                    patch: EntityPatch::FlagReview(FlagReviewPatch {
                        occurrence: Some(occurrence.clone()),
                        state: Some(state),
                        assignee: Some(assignee),
                        snoozed_until: Some(snoozed_until),
                        note: Some(note_text),
                    }),
                }
            } else {
                Mutation::Create {
                    id: rule.clone(),
                    record: FlagReview {
                        occurrence: occurrence.clone(),
                        state,
                        assignee,
                        snoozed_until,
                        note: note_text,
                    }
                    .into_entity(),
                }
            };
            let key = (space.to_string(), occurrence.clone());
            write.run(space.clone(), mutation, move || {
                if let Some(hidden) = hidden {
                    hidden.0.update(|done| done.push((key.0, key.1, state)));
                }
            });
        }
    };
    let (take, snooze, resolve) = (review.clone(), review.clone(), review);
    view! {
        <details class="flag-handling" data-testid="flag-handling" data-write=tag>
            <summary>{i18n.tr(Msg::FlagHandle)}</summary>
            <button class="button button-small" data-testid="flag-take"
                on:click=move |_| take(FlagReviewState::Assigned)>{i18n.tr(Msg::TakeConcern)}</button>
            <div class="form-inline">
                <Field id=format!("flag-until-{}-{}", student, flag.rule()) testid="flag-until"
                    label=Msg::FlagSnoozeUntil value=until input=Input::Date />
                <button class="button button-small" data-testid="flag-snooze"
                    on:click=move |_| snooze(FlagReviewState::Snoozed)>{i18n.tr(Msg::FlagSnooze)}</button>
            </div>
            <TextArea id=format!("flag-note-{}-{}", student, flag.rule()) testid="flag-note"
                label=Msg::FlagResolveNote value=note rows=2 maxlength=5000 />
            <button class="button button-small" data-testid="flag-resolve"
                on:click=move |_| resolve(FlagReviewState::Resolved)>{i18n.tr(Msg::FlagResolve)}</button>
            <WriteErrorLine write=write />
        </details>
    }
}

/// Flags staff handled on this device since the summaries last came (space, occurrence, what was
/// done): the queue follows at once instead of after the summary's round trip.
#[derive(Clone, Copy)]
struct HandledFlags(RwSignal<Vec<(String, String, FlagReviewState)>>);

/// A mentee's pair health on their mentor's card, from the mentee's space.
#[component]
pub fn MenteeFlags(space: SpaceId) -> impl IntoView {
    let i18n = use_i18n();
    let student: Option<UserId> = match &space {
        SpaceId::Student(student) => Some(student.clone()),
        _ => None,
    };
    let signal = Signal::derive(move || Some(space.clone()));
    let placements = use_typed::<Placement>(signal);
    let sessions = use_typed::<MentoringSession>(signal);
    let feedback = use_typed::<Feedback>(signal);
    let tasks = use_typed::<Task>(signal);
    let visa_steps = use_typed::<VisaStep>(signal);
    let reviews = use_typed::<FlagReview>(signal);
    let activity = use_typed::<Activity>(signal);
    let list = Signal::derive(move || {
        let (placements, sessions, feedback) = (placements.get(), sessions.get(), feedback.get());
        let (tasks, visa_steps, reviews) = (tasks.get(), visa_steps.get(), reviews.get());
        let activity = activity.get();
        flags_now(&facts(PairRecords {
            student: student.as_ref(),
            placements: &placements,
            sessions: &sessions,
            feedback: &feedback,
            tasks: &tasks,
            visa_steps: &visa_steps,
            reviews: &reviews,
            activity: &activity,
        }))
    });
    view! {
        <div class="pair-health" data-testid="mentee-health">
            <h3 class="item-meta">{i18n.tr(Msg::PairHealth)}</h3>
            <Show when=move || !list.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{i18n.tr(Msg::PairHealthFine)}</p> }>
                <ul class="list">
                    <FlagList flags=list />
                </ul>
            </Show>
        </div>
    }
}

/// Staff's queue: every student whose pair shows a flag, the most severe first, from the
/// summaries in the staff space.
#[component]
pub fn PairsQueue() -> impl IntoView {
    let i18n = use_i18n();
    let summaries = use_typed::<StudentSummary>(Signal::derive(|| Some(SpaceId::Staff)));
    let handled = HandledFlags(RwSignal::new(Vec::new()));
    provide_context(handled);
    let session = use_session();
    let queue = Memo::new(move |_| {
        let me = session.with(|s| s.as_ref().map(|s| s.user.id.clone()));
        let done = handled.0.get();
        let mut list: Vec<(String, String, Vec<Shown>, Vec<String>)> = summaries
            .get()
            .into_iter()
            .filter_map(|(id, summary)| {
                let space = SpaceId::Student(UserId::from(id.as_str())).to_string();
                let reviewed = summary
                    .health
                    .reviews
                    .iter()
                    .map(|(rule, _)| rule.to_string())
                    .collect();
                // What this device just did shows before the summary comes back.
                let flags: Vec<Shown> = flags_now(&summary.health)
                    .into_iter()
                    .filter_map(|mut shown| {
                        let occurrence = shown.flag.occurrence();
                        let here = done
                            .iter()
                            .rev()
                            .find(|(s, o, _)| s == &space && o == &occurrence)
                            .map(|(_, _, state)| *state);
                        match here {
                            Some(FlagReviewState::Resolved | FlagReviewState::Snoozed) => None,
                            Some(FlagReviewState::Assigned) => {
                                shown.review = Some(FlagReview {
                                    occurrence,
                                    state: FlagReviewState::Assigned,
                                    assignee: me.clone(),
                                    snoozed_until: None,
                                    note: String::new(),
                                });
                                Some(shown)
                            }
                            None => Some(shown),
                        }
                    })
                    .collect();
                (!flags.is_empty()).then(|| (id.to_string(), summary.display_name, flags, reviewed))
            })
            .collect();
        list.sort_by(|a, b| {
            let worst = |flags: &[Shown]| flags.iter().map(|shown| shown.flag.severity()).max();
            (
                std::cmp::Reverse(worst(&a.2)),
                std::cmp::Reverse(a.2.len()),
                &a.1,
            )
                .cmp(&(
                    std::cmp::Reverse(worst(&b.2)),
                    std::cmp::Reverse(b.2.len()),
                    &b.1,
                ))
        });
        list
    });
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::PairsNeedingAttention)}</h2>
            <Show when=move || !queue.with(Vec::is_empty)
                fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoPairsNeedingAttention)}</p> }>
                <ul class="list" data-testid="pairs-queue">
                    {move || queue.get().into_iter().map(|(id, name, flags, reviewed)| {
                        let student = UserId::from(id.as_str());
                        view! {
                            <li class="list-row" data-testid="pair" data-student=id.clone()>
                                <A href=format!("/student?id={id}") attr:class="grow"><strong>{name}</strong></A>
                                <ul class="list grow-full">
                                    <FlagList flags=Signal::derive(move || flags.clone())
                                        handle=(student, reviewed) />
                                </ul>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// What students are told about pair-health flags: which signs there are and where they come
/// from (no secret surveillance).
#[component]
pub fn HowFlagsWork() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="card" data-testid="how-flags-work">
            <summary>{i18n.tr(Msg::HowFlagsWork)}</summary>
            <p>{i18n.tr(Msg::HowFlagsWorkText)}</p>
        </details>
    }
}
