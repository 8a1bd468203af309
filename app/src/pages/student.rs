//! One student as staff see them (`/student?id=…`): profile, cohort, ranked choices, placements,
//! sessions, workshops attended, job applications, outcome, visa routes and the evaluations
//! answered with their answers — from the summary
//! the server keeps in the staff space, so it works offline and without the student's space.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use imp_shared::domain::{
    EvaluationTemplate, MatchProposal, MentorProfile, Organization, Position, VisaRoute, Workshop,
};
use imp_shared::exports::placement_state_name;
use imp_shared::ids::{RecordId, SpaceId, UserId};

use crate::i18n::{format_date, placement_msg, proposal_msg, use_i18n, Msg};
use crate::pages::evaluations::answered_view;
use crate::pages::staff_notes::StaffNotes;
use crate::sync::hooks::{program_space, use_typed};

/// The name `name` gives the record `id` among `records`, or the id when it is not there.
fn name_of<T>(records: &[(RecordId, T)], id: &RecordId, name: impl Fn(&T) -> &str) -> String {
    records
        .iter()
        .find(|(key, _)| key == id)
        .map_or_else(|| id.to_string(), |(_, record)| name(record).to_owned())
}

/// The student screen for staff.
#[component]
pub fn StudentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = Signal::derive(move || query.get().get("id").map(RecordId));
    let summaries = crate::pages::dashboard::use_summaries();
    let positions = use_typed::<Position>(program_space());
    let workshops = use_typed::<Workshop>(program_space());
    let mentors = use_typed::<MentorProfile>(program_space());
    let organizations = use_typed::<Organization>(program_space());
    let templates = use_typed::<EvaluationTemplate>(program_space());
    let routes = use_typed::<VisaRoute>(program_space());
    let proposals = use_typed::<MatchProposal>(Signal::derive(|| Some(SpaceId::Staff)));
    // "Title · Organization" for a position.
    let position_label = move |id: &RecordId| {
        positions.with_untracked(|positions| {
            let title = name_of(positions, id, |p| &p.title);
            match positions.iter().find(|(key, _)| key == id) {
                Some((_, p)) => {
                    let org = organizations
                        .with_untracked(|orgs| name_of(orgs, &p.organization_id, |o| &o.name));
                    format!("{title} · {org}")
                }
                None => title,
            }
        })
    };
    // The latest round's proposal for this student, if staff made one.
    let proposal = Memo::new(move |_| {
        let id = id.get()?;
        proposals
            .get()
            .into_iter()
            .map(|(_, p)| p)
            .filter(|p| p.student_id.as_str() == id.as_str())
            .max_by_key(|p| p.cohort_year)
    });
    let summary = Memo::new(move |_| {
        let id = id.get()?;
        summaries
            .get()
            .into_iter()
            .find(|(key, _)| *key == id)
            .map(|(_, summary)| summary)
    });
    let mentor_name = move |user: &imp_shared::ids::UserId| {
        mentors
            .get()
            .into_iter()
            .find(|(_, m)| &m.user_id == user)
            .map_or_else(|| user.to_string(), |(_, m)| m.display_name)
    };
    let row = move |label: Msg, value: String| {
        let value = if value.is_empty() {
            "—".to_owned()
        } else {
            value
        };
        view! { <dt>{i18n.tr(label)}</dt><dd>{value}</dd> }
    };
    // The cards here are not `ListCard`s: each says it is empty above a list that other lines
    // share the card with (a proposal, sub-lists), and the ranked choices are an ordered list.
    let empty =
        move |msg: Msg| view! { <p class="muted empty" data-testid="empty">{i18n.tr(msg)}</p> };
    view! {
        {move || match summary.get() {
            None => view! {
                <h1>{i18n.tr(Msg::Students)}</h1>
                <p class="muted empty">{i18n.tr(Msg::NoSuchStudent)}</p>
            }.into_any(),
            Some(s) => {
                let graduation = s
                    .graduation_date
                    .map(|d| format_date(i18n.lang.get_untracked(), d))
                    .unwrap_or_default();
                let mandarin = s.mandarin_level.map(|l| l.to_string()).unwrap_or_default();
                // The summary carries the day (UTC) the student last used the app.
                let last_active = s.health.last_active.map_or_else(
                    || "—".to_owned(),
                    |day| format_date(i18n.lang.get_untracked(), day.date_naive()),
                );
                view! {
                    <h1 data-testid="student-name">{s.display_name.clone()}</h1>
                    <section class="card" data-testid="student-profile">
                        <h2 class="card-title">{i18n.tr(Msg::Profile)}</h2>
                        <dl class="facts">
                            {row(Msg::CohortYear, s.cohort_year.to_string())}
                            {row(Msg::Nationality, s.nationality.clone())}
                            {row(Msg::University, s.university.clone())}
                            {row(Msg::Department, s.department.clone())}
                            {row(Msg::Degree, s.degree.clone())}
                            {row(Msg::Graduation, graduation)}
                            {row(Msg::SpokenLanguages, s.languages.join(", "))}
                            {row(Msg::MandarinLevel, mandarin)}
                            {row(Msg::CareerInterests, s.interests.join(", "))}
                            <dt>{i18n.tr(Msg::LastActive)}</dt>
                            <dd data-testid="student-last-active">
                                {last_active}
                            </dd>
                        </dl>
                    </section>
                    <section class="card" data-testid="student-placements">
                        <h2 class="card-title">{i18n.tr(Msg::PlacementsByState)}</h2>
                        {s.placements.is_empty().then(|| empty(Msg::NoPlacementYet))}
                        {move || proposal.get().map(|p| {
                            let state = proposal_msg(p.state);
                            let mentor = p.mentor_id.as_ref().map_or_else(|| "—".to_owned(), mentor_name);
                            view! {
                                <p class="item-meta" data-testid="student-proposal">
                                    <strong>
                                        {move || format!("{} {}: ", i18n.t(Msg::Proposals), p.cohort_year)}
                                    </strong>
                                    {format!("{} · {mentor} · ", position_label(&p.position_id))}
                                    {i18n.tr(state)}
                                </p>
                            }
                        })}
                        <ul class="list">
                            {s.placements.iter().map(|p| {
                                let title = position_label(&p.position_id);
                                let mentor = mentor_name(&p.mentor_id);
                                let state = p.state;
                                let reason = (!p.end_reason.is_empty()).then(|| p.end_reason.clone());
                                view! {
                                    <li class="list-item" data-testid="student-placement"
                                        data-state=placement_state_name(state)>
                                        <div class="grow">
                                            <p class="item-title">{title}</p>
                                            <p class="item-meta">{mentor}</p>
                                            {reason.map(|reason| view! {
                                                <p class="item-body" data-testid="placement-end-reason">
                                                    <strong>{i18n.tr(Msg::EndedEarlyBecause)}": "</strong>{reason}
                                                </p>
                                            })}
                                        </div>
                                        <span class="pill">{i18n.tr(placement_msg(state))}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                    <section class="card" data-testid="student-rankings">
                        <h2 class="card-title">{i18n.tr(Msg::RankedChoices)}</h2>
                        {s.rankings.is_empty().then(|| empty(Msg::NothingRankedYet))}
                        <ol class="list">
                            {s.rankings.iter().map(|choice| view! {
                                <li class="list-item">
                                    <div class="grow">
                                        <p class="item-title">{position_label(&choice.position_id)}</p>
                                        <p class="item-meta">{choice.reason.clone()}</p>
                                    </div>
                                </li>
                            }).collect_view()}
                        </ol>
                    </section>
                    <section class="card" data-testid="student-activity">
                        <h2 class="card-title">{i18n.tr(Msg::Sessions)}</h2>
                        {s.sessions_held.is_empty().then(|| empty(Msg::NoSessionsHeldYet))}
                        <ul class="bars">
                            {s.sessions_held.iter().map(|m| view! {
                                <li class="bar-row">
                                    <span class="bar-label">{m.month.clone()}</span>
                                    <span class="bar-value">{m.count}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <h3 class="card-subtitle">{i18n.tr(Msg::WorkshopsAttended)}</h3>
                        {s.workshops_attended.is_empty().then(|| empty(Msg::NoWorkshopsYet))}
                        <ul class="list" data-testid="student-workshops">
                            {s.workshops_attended.iter().map(|w| {
                                let title = workshops.with_untracked(|list| name_of(list, w, |w| &w.title));
                                view! { <li class="list-item">{title}</li> }
                            }).collect_view()}
                        </ul>
                        <h3 class="card-subtitle">{i18n.tr(Msg::JobOutcomes)}</h3>
                        {s.outcome.is_none().then(|| empty(Msg::NoOutcomeYet))}
                        <p class="item-meta" data-testid="student-outcome">{s.outcome.clone().map(|o| format!(
                            "{} · {} · {}",
                            if o.employed { i18n.t(Msg::Employed) } else { "—" },
                            if o.in_taiwan { i18n.t(Msg::StayedInTaiwan) } else { "—" },
                            o.visa_route.unwrap_or_default()
                        ))}</p>
                    </section>
                    <section class="card" data-testid="student-evaluations">
                        <h2 class="card-title">{i18n.tr(Msg::Evaluations)}</h2>
                        {s.evaluations.is_empty().then(|| empty(Msg::NoEvaluationsDone))}
                        <ul class="list evaluations">
                            {answered_view(
                                i18n.lang.get_untracked(),
                                &s.evaluations,
                                &templates.get_untracked(),
                                &routes.get_untracked(),
                            )}
                        </ul>
                    </section>
                    <StaffNotes student=Signal::derive(move || id.get().map(|id| UserId::from(id.as_str()))) />
                }.into_any()
            }
        }}
    }
}
