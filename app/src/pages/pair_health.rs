//! Pair health on screen (`imp_shared::health`): the flags of one mentee on their mentor's card,
//! staff's queue of the pairs that may need attention (from the students' summaries), and what
//! students are told about how flags work. Flags are worked out on the device at the moment they
//! are shown, so they appear offline and when their time comes.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{Feedback, MentoringSession, Placement, StudentSummary, Task, VisaStep};
use imp_shared::health::{facts, flags, Flag, PairRecords, Severity};
use imp_shared::ids::{SpaceId, UserId};

use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::use_typed;
use crate::wording::{flag_text, severity_msg};
use crate::zone::in_program_zone;

/// The flags of a pair at this moment, most severe first.
fn flags_now(facts: &imp_shared::health::PairFacts) -> Vec<Flag> {
    let now = Utc::now();
    flags(facts, now, in_program_zone(now).date_naive())
}

/// Flags as a list: each with its severity and its reason.
#[component]
pub fn FlagList(#[prop(into)] flags: Signal<Vec<Flag>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let lang = i18n.lang.get();
        flags
            .get()
            .into_iter()
            .map(|flag| {
                let severity = flag.severity();
                view! {
                    <li class="flag" data-testid="pair-flag" data-rule=flag.rule()>
                        <span class="pill" class:pill-danger=severity == Severity::High
                            class:pill-waiting=severity != Severity::High>{severity_msg(severity).text(lang)}</span>
                        " "{flag_text(lang, &flag, in_program_zone)}
                    </li>
                }
            })
            .collect_view()
    }
}

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
    let list = Signal::derive(move || {
        let (placements, sessions, feedback) = (placements.get(), sessions.get(), feedback.get());
        let (tasks, visa_steps) = (tasks.get(), visa_steps.get());
        flags_now(&facts(PairRecords {
            student: student.as_ref(),
            placements: &placements,
            sessions: &sessions,
            feedback: &feedback,
            tasks: &tasks,
            visa_steps: &visa_steps,
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
    let queue = Memo::new(move |_| {
        let mut list: Vec<(String, String, Vec<Flag>)> = summaries
            .get()
            .into_iter()
            .filter_map(|(id, summary)| {
                let flags = flags_now(&summary.health);
                (!flags.is_empty()).then(|| (id.to_string(), summary.display_name, flags))
            })
            .collect();
        list.sort_by(|a, b| {
            let worst = |flags: &[Flag]| flags.iter().map(Flag::severity).max();
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
                    {move || queue.get().into_iter().map(|(id, name, flags)| view! {
                        <li class="list-row" data-testid="pair" data-student=id.clone()>
                            <A href=format!("/student?id={id}") attr:class="grow"><strong>{name}</strong></A>
                            <ul class="list grow-full">
                                <FlagList flags=Signal::derive(move || flags.clone()) />
                            </ul>
                        </li>
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
