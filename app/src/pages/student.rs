//! One student as staff see them (`/student?id=…`): profile, cohort, ranked choices, placements,
//! sessions, workshops attended, job applications, outcome and visa routes — from the summary
//! the server keeps in the staff space, so it works offline and without the student's space.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use imp_shared::domain::{Entity, RecordKind};
use imp_shared::exports::placement_state_name;
use imp_shared::ids::{RecordId, SpaceId};

use crate::i18n::{format_date, placement_msg, proposal_msg, use_i18n, Msg};
use crate::sync::hooks::use_records;

fn name_of(records: &[(RecordId, Entity)], id: &RecordId) -> String {
    records
        .iter()
        .find(|(key, _)| key == id)
        .map(|(_, entity)| match entity {
            Entity::Position(p) => p.title.clone(),
            Entity::Workshop(w) => w.title.clone(),
            Entity::Organization(o) => o.name.clone(),
            _ => id.to_string(),
        })
        .unwrap_or_else(|| id.to_string())
}

/// The student screen for staff.
#[component]
pub fn StudentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = Signal::derive(move || query.get().get("id").map(RecordId));
    let summaries = crate::pages::dashboard::use_summaries();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let positions = use_records(program, RecordKind::Position);
    let workshops = use_records(program, RecordKind::Workshop);
    let mentors = use_records(program, RecordKind::MentorProfile);
    let organizations = use_records(program, RecordKind::Organization);
    let proposals = use_records(
        Signal::derive(|| Some(SpaceId::Staff)),
        RecordKind::MatchProposal,
    );
    // "Title · Organization" for a position.
    let position_label = move |id: &RecordId| {
        let positions = positions.get_untracked();
        let org = positions
            .iter()
            .find(|(key, _)| key == id)
            .and_then(|(_, e)| match e {
                Entity::Position(p) => {
                    Some(name_of(&organizations.get_untracked(), &p.organization_id))
                }
                _ => None,
            });
        let title = name_of(&positions, id);
        org.map_or(title.clone(), |org| format!("{title} · {org}"))
    };
    // The latest round's proposal for this student, if staff made one.
    let proposal = Memo::new(move |_| {
        let id = id.get()?;
        proposals
            .get()
            .into_iter()
            .filter_map(|(_, e)| match e {
                Entity::MatchProposal(p) if p.student_id.as_str() == id.as_str() => Some(p),
                _ => None,
            })
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
            .find_map(|(_, e)| match e {
                Entity::MentorProfile(m) if &m.user_id == user => Some(m.display_name),
                _ => None,
            })
            .unwrap_or_else(|| user.to_string())
    };
    let row = move |label: Msg, value: String| {
        view! { <dt>{move || i18n.t(label)}</dt><dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd> }
    };
    let empty = move |msg: Msg| view! { <p class="muted empty" data-testid="empty">{move || i18n.t(msg)}</p> };
    view! {
        {move || match summary.get() {
            None => view! { <h1>{i18n.tr(Msg::Students)}</h1><p class="muted empty">{i18n.tr(Msg::NoSuchStudent)}</p> }.into_any(),
            Some(s) => {
                let graduation = s.graduation_date.map(|d| format_date(i18n.lang.get_untracked(), d)).unwrap_or_default();
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
                            {row(Msg::MandarinLevel, s.mandarin_level.map(|l| l.to_string()).unwrap_or_default())}
                            {row(Msg::CareerInterests, s.interests.join(", "))}
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
                                    <strong>{move || format!("{} {}: ", i18n.t(Msg::Proposals), p.cohort_year)}</strong>
                                    {format!("{} · {mentor} · ", position_label(&p.position_id))}
                                    {move || i18n.t(state)}
                                </p>
                            }
                        })}
                        <ul class="list">
                            {s.placements.iter().map(|p| {
                                let title = position_label(&p.position_id);
                                let mentor = mentor_name(&p.mentor_id);
                                let state = p.state;
                                view! {
                                    <li class="list-item" data-testid="student-placement" data-state=placement_state_name(state)>
                                        <div class="grow"><p class="item-title">{title}</p><p class="item-meta">{mentor}</p></div>
                                        <span class="pill">{move || i18n.t(placement_msg(state))}</span>
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
                                <li class="list-item"><div class="grow"><p class="item-title">{position_label(&choice.position_id)}</p><p class="item-meta">{choice.reason.clone()}</p></div></li>
                            }).collect_view()}
                        </ol>
                    </section>
                    <section class="card" data-testid="student-activity">
                        <h2 class="card-title">{i18n.tr(Msg::Sessions)}</h2>
                        {s.sessions_held.is_empty().then(|| empty(Msg::NoSessionsHeldYet))}
                        <ul class="bars">
                            {s.sessions_held.iter().map(|m| view! { <li class="bar-row"><span class="bar-label">{m.month.clone()}</span><span class="bar-value">{m.count}</span></li> }).collect_view()}
                        </ul>
                        <h3 class="card-subtitle">{i18n.tr(Msg::WorkshopsAttended)}</h3>
                        {s.workshops_attended.is_empty().then(|| empty(Msg::NoWorkshopsYet))}
                        <ul class="list" data-testid="student-workshops">
                            {s.workshops_attended.iter().map(|w| view! { <li class="list-item">{name_of(&workshops.get_untracked(), w)}</li> }).collect_view()}
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
                }.into_any()
            }
        }}
    }
}
