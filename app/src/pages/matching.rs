//! Matching (staff): after the ranking deadline, propose placements of a cohort's unplaced
//! students to positions and mentors (the pure matcher in `imp_shared::matching`), review them as
//! drafts kept in the staff space, swap two, confirm or reject. Confirming writes the placement
//! into the student's space, which gives the mentor access there.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{
    Cohort, Entity, MatchProposal, MatchProposalPatch, MentorProfile, Organization, Placement,
    PlacementState, Position, ProposalState, RecordKind, StudentSummary,
};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::matching::{mentor_note, propose_matches};
use imp_shared::mutation::Mutation;
use imp_shared::round::{mentor_choices, round_input, MentorChoice};

use crate::components::form::{Bound, Draft, Select};
use crate::components::write;
use crate::i18n::{
    explain, mentor_room, pick, proposal_msg, unmatched_reason, use_i18n, Lang, Msg,
};
use crate::sync::hooks::{program_space, use_pending_ids, use_typed, use_write, WriteErrorLine};

/// The program and staff data a round works on.
#[derive(Clone, Copy)]
struct RoundData {
    cohorts: Memo<Vec<(RecordId, Cohort)>>,
    summaries: Memo<Vec<(RecordId, StudentSummary)>>,
    positions: Memo<Vec<(RecordId, Position)>>,
    organizations: Memo<Vec<(RecordId, Organization)>>,
    mentors: Memo<Vec<(RecordId, MentorProfile)>>,
    proposals: Memo<Vec<(RecordId, MatchProposal)>>,
}

impl RoundData {
    fn new() -> Self {
        let staff = Signal::derive(|| Some(SpaceId::Staff));
        let cohorts = use_typed::<Cohort>(program_space());
        Self {
            cohorts: Memo::new(move |_| {
                let mut list = cohorts.get();
                list.sort_by_key(|(_, cohort)| std::cmp::Reverse(cohort.year));
                list
            }),
            summaries: use_typed::<StudentSummary>(staff),
            positions: use_typed::<Position>(program_space()),
            organizations: use_typed::<Organization>(program_space()),
            mentors: use_typed::<MentorProfile>(program_space()),
            proposals: use_typed::<MatchProposal>(staff),
        }
    }

    fn student_name(&self, id: &UserId) -> String {
        self.summaries
            .get()
            .iter()
            .find(|(key, _)| key.as_str() == id.as_str())
            .map_or_else(|| id.to_string(), |(_, s)| s.display_name.clone())
    }

    /// An industry (matching's English key) as a reader of `lang` reads it: the 繁體中文 name an
    /// organization in it gives, when there is one.
    fn industry_in(&self, lang: Lang, industry: &str) -> String {
        let organizations = self.organizations.get();
        let zh = organizations
            .iter()
            .find(|(_, org)| org.industry == industry && !org.industry_zh.trim().is_empty())
            .map_or("", |(_, org)| org.industry_zh.as_str());
        pick(lang, industry, zh).to_owned()
    }

    fn position_label(&self, id: &RecordId) -> String {
        let positions = self.positions.get();
        let Some((_, position)) = positions.iter().find(|(key, _)| key == id) else {
            return id.to_string();
        };
        let org = self.organization_name(&position.organization_id);
        format!("{} · {org}", position.title)
    }

    fn organization_of(&self, position: &RecordId) -> RecordId {
        self.positions
            .get()
            .iter()
            .find(|(key, _)| key == position)
            .map_or_else(
                || RecordId(String::new()),
                |(_, p)| p.organization_id.clone(),
            )
    }

    fn organization_name(&self, id: &RecordId) -> String {
        self.organizations
            .get()
            .iter()
            .find(|(key, _)| key == id)
            .map(|(_, o)| o.name.clone())
            .unwrap_or_default()
    }

    /// The mentors staff may choose for proposal `id`, with the room each has left.
    fn mentor_choices(&self, id: &RecordId, proposal: &MatchProposal) -> Vec<MentorChoice> {
        mentor_choices(
            proposal.cohort_year,
            &self.organization_of(&proposal.position_id),
            id,
            &self.summaries.get(),
            &self.mentors.get(),
            &self.proposals.get(),
        )
    }

    fn mentor_name(&self, id: &Option<UserId>) -> Option<String> {
        let id = id.as_ref()?;
        Some(
            self.mentors
                .get()
                .iter()
                .find(|(_, m)| &m.user_id == id)
                .map_or_else(|| id.to_string(), |(_, m)| m.display_name.clone()),
        )
    }
}

/// The matching screen.
#[component]
pub fn MatchingPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = RoundData::new();
    let write = use_write();
    // The cohort worked on: the one chosen, or the latest.
    let year_choice = Draft::new(Signal::derive(move || {
        data.cohorts.with(|cohorts| {
            cohorts
                .first()
                .map(|(_, c)| c.year.to_string())
                .unwrap_or_default()
        })
    }));
    let year = Signal::derive(move || year_choice.text().trim().parse::<i32>().ok());
    let cohort = Memo::new(move |_| {
        let year = year.get()?;
        data.cohorts
            .get()
            .into_iter()
            .find(|(_, c)| c.year == year)
            .map(|(_, c)| c)
    });
    let unplaced = Memo::new(move |_| {
        let Some(year) = year.get() else {
            return 0;
        };
        round_input(
            year,
            &data.summaries.get(),
            &data.positions.get(),
            &data.organizations.get(),
            &data.mentors.get(),
        )
        .students
        .len()
    });
    // The matcher's own problem with the round's data (no change is written then).
    let problem = RwSignal::new(None::<String>);
    let unmatched = RwSignal::new(Vec::<(UserId, imp_shared::matching::UnmatchedReason)>::new());
    let proposed = RwSignal::new(None::<usize>);
    let propose = move |_| {
        let Some(year) = year.get_untracked() else {
            return;
        };
        let input = round_input(
            year,
            &data.summaries.get_untracked(),
            &data.positions.get_untracked(),
            &data.organizations.get_untracked(),
            &data.mentors.get_untracked(),
        );
        let outcome = match propose_matches(&input) {
            Ok(outcome) => outcome,
            Err(error) => {
                problem.set(Some(error.to_string()));
                return;
            }
        };
        problem.set(None);
        let existing = data.proposals.get_untracked();
        proposed.set(Some(outcome.proposals.len()));
        for proposal in outcome.proposals {
            let id = RecordId(format!("match-{year}-{}", proposal.student_id));
            let fields = MatchProposal {
                cohort_year: year,
                student_id: proposal.student_id.clone(),
                position_id: proposal.position_id.clone(),
                mentor_id: proposal.mentor_id.clone(),
                rank: proposal.rank,
                explanation: Some(proposal.explanation.clone()),
                swapped_with: None,
                edited: false,
                state: ProposalState::Draft,
            };
            let mutation = match existing.iter().find(|(key, _)| *key == id) {
                Some((_, old)) if old.state == ProposalState::Confirmed => continue,
                Some(_) => Mutation::Update {
                    id,
                    patch: imp_shared::domain::EntityPatch::MatchProposal(MatchProposalPatch {
                        position_id: Some(fields.position_id),
                        mentor_id: Some(fields.mentor_id),
                        rank: Some(fields.rank),
                        explanation: Some(fields.explanation),
                        swapped_with: Some(None),
                        edited: Some(false),
                        state: Some(ProposalState::Draft),
                        ..MatchProposalPatch::default()
                    }),
                },
                None => Mutation::Create {
                    id,
                    record: Entity::MatchProposal(fields),
                },
            };
            write.dispatch((SpaceId::Staff, mutation));
        }
        unmatched.set(
            outcome
                .unmatched
                .into_iter()
                .map(|u| (u.student_id, u.reason))
                .collect(),
        );
    };
    let propose_tag = write::creates(Some(&SpaceId::Staff), RecordKind::MatchProposal);
    let round_result = move |n: usize| {
        let (proposals, left) = (i18n.t(Msg::Proposals), i18n.t(Msg::Unmatched));
        format!("{proposals}: {n} · {left}: {}", unmatched.get().len())
    };
    let deadline_passed = move || {
        cohort
            .get()
            .and_then(|c| c.ranking_deadline)
            .is_none_or(|deadline| Utc::now() > deadline)
    };
    view! {
        <h1>{i18n.tr(Msg::Matching)}</h1>
        <section class="card" data-testid="matching-round">
            <div class="form-inline" data-local="cohort">
                <Select id="matching-cohort" label=Msg::CohortYear value=year_choice>
                    {move || data.cohorts.get().into_iter().map(|(_, c)| {
                        let selected = Some(c.year) == year.get();
                        view! { <option value=c.year.to_string() selected=selected>{c.name}</option> }
                    }).collect_view()}
                </Select>
            </div>
            <p class="item-meta" data-testid="unplaced" data-count=move || unplaced.get().to_string()>
                {move || format!("{}: {}", i18n.t(Msg::AwaitingPlacement), unplaced.get())}
            </p>
            <Show when=move || !deadline_passed()>
                <p class="notice">{i18n.tr(Msg::RankingStillOpen)}</p>
            </Show>
            <p class="form-error" role="alert">{move || problem.get()}</p>
            <WriteErrorLine write=write />
            <button class="button button-primary" data-testid="propose" data-write=propose_tag on:click=propose
                disabled=move || unplaced.get() == 0>
                {i18n.tr(Msg::ProposeMatches)}
            </button>
            {move || proposed.get().map(|n| view! {
                <p class="notice" role="status" data-testid="round-result" data-proposed=n.to_string()
                    data-unmatched=unmatched.get().len().to_string()>{round_result(n)}</p>
            })}
            <Show when=move || !unmatched.get().is_empty()>
                <h2 class="card-title">{i18n.tr(Msg::Unmatched)}</h2>
                <ul class="list" data-testid="unmatched">
                    {move || unmatched.get().into_iter().map(|(student, reason)| view! {
                        <li class="list-item">
                            <span class="item-title">{data.student_name(&student)}</span>
                            <span class="item-meta">{move || unmatched_reason(i18n.lang.get(), reason)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
        <ProposalList data=data year=year />
    }
}

#[component]
fn ProposalList(data: RoundData, year: Signal<Option<i32>>) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let pending = use_pending_ids(Signal::derive(|| Some(SpaceId::Staff)));
    let shown = Memo::new(move |_| {
        let year = year.get();
        let mut list: Vec<(RecordId, MatchProposal)> = data
            .proposals
            .get()
            .into_iter()
            .filter(|(_, p)| Some(p.cohort_year) == year)
            .collect();
        list.sort_by_key(|(id, p)| {
            (
                p.state != ProposalState::Draft,
                data.student_name(&p.student_id),
                id.clone(),
            )
        });
        list
    });
    let drafts = Memo::new(move |_| {
        shown
            .get()
            .into_iter()
            .filter(|(_, p)| p.state == ProposalState::Draft)
            .collect::<Vec<_>>()
    });
    let set_state = move |id: RecordId, state: ProposalState| {
        write.dispatch((
            SpaceId::Staff,
            Mutation::Update {
                id,
                patch: imp_shared::domain::EntityPatch::MatchProposal(MatchProposalPatch {
                    state: Some(state),
                    ..MatchProposalPatch::default()
                }),
            },
        ));
    };
    let confirm = move |id: RecordId, proposal: MatchProposal| {
        let Some(mentor_id) = proposal.mentor_id.clone() else {
            return;
        };
        let student_space = SpaceId::Student(proposal.student_id.clone());
        // The proposal stays a draft unless the placement is accepted.
        write.run(
            student_space,
            Mutation::Create {
                id: RecordId(format!("placement-{}", proposal.cohort_year)),
                record: Entity::Placement(Placement {
                    student_id: proposal.student_id.clone(),
                    position_id: proposal.position_id.clone(),
                    mentor_id,
                    state: PlacementState::Confirmed,
                    started_at: None,
                    end_reason: String::new(),
                    ended_by: None,
                    ended_at: None,
                }),
            },
            move || set_state(id, ProposalState::Confirmed),
        );
    };
    let swap = move |a: RecordId, b: RecordId| {
        let all = data.proposals.get_untracked();
        let (Some((_, first)), Some((_, second))) = (
            all.iter().find(|(id, _)| *id == a),
            all.iter().find(|(id, _)| *id == b),
        ) else {
            return;
        };
        let summaries = data.summaries.get_untracked();
        let rank_of = |student: &UserId, position: &RecordId| {
            summaries
                .iter()
                .find(|(id, _)| id.as_str() == student.as_str())
                .and_then(|(_, s)| s.rankings.iter().position(|c| &c.position_id == position))
                .map_or(0, |index| u8::try_from(index + 1).unwrap_or(0))
        };
        for (id, mine, theirs) in [(a.clone(), first, second), (b.clone(), second, first)] {
            write.dispatch((
                SpaceId::Staff,
                Mutation::Update {
                    id,
                    patch: imp_shared::domain::EntityPatch::MatchProposal(MatchProposalPatch {
                        position_id: Some(theirs.position_id.clone()),
                        mentor_id: Some(theirs.mentor_id.clone()),
                        rank: Some(rank_of(&mine.student_id, &theirs.position_id)),
                        explanation: Some(None),
                        swapped_with: Some(Some(theirs.student_id.clone())),
                        edited: Some(true),
                        ..MatchProposalPatch::default()
                    }),
                },
            ));
        }
    };
    // Staff choose a mentor themselves: the explanation's mentor side is worked out for them.
    let choose_mentor = move |id: RecordId, mentor: UserId| {
        let Some((_, proposal)) = data
            .proposals
            .get_untracked()
            .into_iter()
            .find(|(key, _)| *key == id)
        else {
            return;
        };
        let student_languages = data
            .summaries
            .get_untracked()
            .into_iter()
            .find(|(key, _)| key.as_str() == proposal.student_id.as_str())
            .map(|(_, s)| s.languages)
            .unwrap_or_default();
        let profile = data
            .mentors
            .get_untracked()
            .into_iter()
            .find(|(_, m)| m.user_id == mentor)
            .map(|(_, m)| m);
        let explanation = proposal.explanation.map(|mut why| {
            if let Some(profile) = &profile {
                why.mentor = mentor_note(
                    &student_languages,
                    &profile.languages,
                    &profile.expertise,
                    &why.industry,
                );
            }
            why
        });
        write.dispatch((
            SpaceId::Staff,
            Mutation::Update {
                id,
                patch: imp_shared::domain::EntityPatch::MatchProposal(MatchProposalPatch {
                    mentor_id: Some(Some(mentor)),
                    explanation: Some(explanation),
                    edited: Some(true),
                    ..MatchProposalPatch::default()
                }),
            },
        ));
    };
    let confirm_all_tag = write::changes(
        Some(&SpaceId::Staff),
        RecordKind::MatchProposal,
        &RecordId("all-drafts".to_owned()),
    );
    let confirm_all = move |_| {
        for (id, proposal) in drafts.get_untracked() {
            if proposal.mentor_id.is_some() {
                confirm(id, proposal);
            }
        }
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Proposals)}</h2>
            <WriteErrorLine write=write />
            <Show when=move || !shown.get().is_empty()
                fallback=move || view! { <p class="muted">{i18n.tr(Msg::NoProposals)}</p> }>
                <ul class="list" data-testid="proposals">
                    {move || shown.get().into_iter().map(|(id, proposal)| {
                        let waiting = pending.get().contains(&id);
                        let state = match proposal.state {
                            ProposalState::Draft => "draft",
                            ProposalState::Confirmed => "confirmed",
                            ProposalState::Rejected => "rejected",
                        };
                        let is_draft = proposal.state == ProposalState::Draft;
                        let others: Vec<(RecordId, String)> = drafts.get().into_iter()
                            .filter(|(other, _)| *other != id)
                            .map(|(other, p)| (other, data.student_name(&p.student_id)))
                            .collect();
                        let swap_id = format!("swap-{id}");
                        let (confirm_id, reject_id, swap_from) = (id.clone(), id.clone(), id.clone());
                        let swap_choice = RwSignal::new(String::new());
                        let on_swap = Callback::new(move |()| {
                            let other = swap_choice.get_untracked();
                            if !other.is_empty() {
                                swap(swap_from.clone(), RecordId(other));
                            }
                        });
                        let row_tag = write::changes(Some(&SpaceId::Staff), RecordKind::MatchProposal, &id);
                        let student_space = SpaceId::Student(proposal.student_id.clone());
                        let confirm_tag = write::all(&[
                            write::creates(Some(&student_space), RecordKind::Placement),
                            row_tag.clone(),
                        ]);
                        let mentor_id = proposal.mentor_id.clone().map(|m| m.to_string()).unwrap_or_default();
                        let to_confirm = proposal.clone();
                        let mentor = data.mentor_name(&proposal.mentor_id);
                        let has_mentor = mentor.is_some();
                        let student_link = format!("/student?id={}", proposal.student_id);
                        let student_name = data.student_name(&proposal.student_id);
                        let explanation = proposal.explanation.clone();
                        let swapped_name = proposal.swapped_with.as_ref().map(|other| data.student_name(other));
                        let mentor_by_staff = proposal.edited && proposal.swapped_with.is_none() && has_mentor;
                        let choices = if is_draft { data.mentor_choices(&id, &proposal) } else { Vec::new() };
                        let pick_id = format!("pick-mentor-{id}");
                        let pick_for = id.clone();
                        let on_pick = Callback::new(move |mentor: UserId| choose_mentor(pick_for.clone(), mentor));
                        view! {
                            <li class="list-item" data-testid="proposal" data-write=row_tag
                                data-proposal-id=id.to_string() data-student=proposal.student_id.to_string()
                                data-position=proposal.position_id.to_string() data-mentor=mentor_id data-state=state>
                                <div class="grow">
                                    <p class="item-title"><A href=student_link.clone()>{student_name.clone()}</A></p>
                                    <p class="item-meta">{data.position_label(&proposal.position_id)}</p>
                                    <p class="item-meta">
                                        {i18n.tr(Msg::Mentors)}": "{mentor.clone().unwrap_or_else(|| "—".to_owned())}
                                    </p>
                                    <p class="item-meta" data-testid="explanation">{move || {
                                        let lang = i18n.lang.get();
                                        let why = explanation.clone().map(|mut why| {
                                            why.industry = data.industry_in(lang, &why.industry);
                                            why
                                        });
                                        explain(lang, &why, swapped_name.as_deref())
                                    }}</p>
                                    {mentor_by_staff.then(|| view! {
                                        <p class="item-meta" data-testid="mentor-by-staff">
                                            {i18n.tr(Msg::MentorChosenByStaff)}
                                        </p>
                                    })}
                                </div>
                                {is_draft.then(|| view! {
                                    <MentorPicker id=pick_id choices=choices has_mentor=has_mentor data=data
                                        on_pick=on_pick />
                                })}
                                {waiting.then(|| view! {
                                    <span class="pill pill-waiting">{i18n.tr(Msg::Waiting)}</span>
                                })}
                                <span class="pill">{move || i18n.t(proposal_msg(proposal.state))}</span>
                                {is_draft.then(|| view! {
                                    <div class="row-actions grow-full">
                                        <button class="button button-small button-primary"
                                            data-testid="confirm-proposal" data-write=confirm_tag disabled=!has_mentor
                                            on:click=move |_| confirm(confirm_id.clone(), to_confirm.clone())>
                                            {i18n.tr(Msg::Confirm)}
                                        </button>
                                        <button class="button button-small button-danger" data-testid="reject-proposal"
                                            on:click=move |_| set_state(reject_id.clone(), ProposalState::Rejected)>
                                            {i18n.tr(Msg::Reject)}
                                        </button>
                                        <Select id=swap_id testid="swap-with" label=Msg::SwapWith value=swap_choice
                                            hidden_label=true on_edit=on_swap>
                                            <option value="">{i18n.tr(Msg::SwapWith)}</option>
                                            {others.into_iter().map(|(other, name)| view! {
                                                <option value=other.to_string()>{name}</option>
                                            }).collect_view()}
                                        </Select>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button class="button button-primary" data-testid="confirm-all" data-write=confirm_all_tag.clone()
                    on:click=confirm_all disabled=move || drafts.get().is_empty()>{i18n.tr(Msg::ConfirmAll)}</button>
            </Show>
        </section>
    }
}

/// Choosing a proposal's mentor by hand: every mentor with room, the organization's first, each
/// with the room they have left; or why there is nobody to choose.
#[component]
fn MentorPicker(
    id: String,
    choices: Vec<MentorChoice>,
    has_mentor: bool,
    data: RoundData,
    on_pick: Callback<UserId>,
) -> impl IntoView {
    let i18n = use_i18n();
    if choices.is_empty() {
        return (!has_mentor)
            .then(|| {
                view! {
                    <p class="notice grow-full" data-testid="no-mentor-room">
                        {i18n.tr(Msg::NoMentorHasRoom)}" "
                        <A href="/program">{i18n.tr(Msg::ProgramData)}</A>
                    </p>
                }
            })
            .into_any();
    }
    let label = if has_mentor {
        Msg::ChangeMentor
    } else {
        Msg::ChooseMentor
    };
    let options = choices
        .into_iter()
        .map(|choice| {
            let org = data.organization_name(&choice.organization_id);
            let (free, capacity) = (choice.free, choice.capacity);
            let name = choice.display_name.clone();
            view! {
                <option value=choice.user_id.to_string() data-free=free.to_string()
                    data-here=choice.at_organization.to_string()>
                    {move || format!("{name} · {org} · {}", mentor_room(i18n.lang.get(), free, capacity))}
                </option>
            }
        })
        .collect_view();
    let chosen = RwSignal::new(String::new());
    let picked = Callback::new(move |()| {
        let mentor = chosen.get_untracked();
        if !mentor.is_empty() {
            on_pick.run(UserId(mentor));
        }
    });
    view! {
        <div class="grow-full">
            <Select id=id testid="pick-mentor" label=label value=chosen on_edit=picked>
                <option value="">"—"</option>
                {options}
            </Select>
        </div>
    }
    .into_any()
}
