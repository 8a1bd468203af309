//! One student as staff see them (`/student?id=…`): profile, cohort, ranked choices, placements,
//! sessions, workshops attended, job applications, outcome and visa routes — from the summary
//! the server keeps in the staff space, so it works offline and without the student's space.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use imp_shared::domain::{Entity, RecordKind};
use imp_shared::exports::placement_state_name;
use imp_shared::ids::{RecordId, SpaceId};

use crate::i18n::{format_date, placement_msg, use_i18n, Msg};
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
    view! {
        {move || match summary.get() {
            None => view! { <h1>{move || i18n.t(Msg::Students)}</h1><p class="muted empty">{move || i18n.t(Msg::NoSuchStudent)}</p> }.into_any(),
            Some(s) => {
                let graduation = s.graduation_date.map(|d| format_date(i18n.lang.get_untracked(), d)).unwrap_or_default();
                view! {
                    <h1 data-testid="student-name">{s.display_name.clone()}</h1>
                    <section class="card" data-testid="student-profile">
                        <h2 class="card-title">{move || i18n.t(Msg::Profile)}</h2>
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
                        <h2 class="card-title">{move || i18n.t(Msg::PlacementsByState)}</h2>
                        <ul class="list">
                            {s.placements.iter().map(|p| {
                                let title = name_of(&positions.get_untracked(), &p.position_id);
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
                        <h2 class="card-title">{move || i18n.t(Msg::MyRanking)}</h2>
                        <ol class="list">
                            {s.rankings.iter().map(|choice| view! {
                                <li class="list-item"><div class="grow"><p class="item-title">{name_of(&positions.get_untracked(), &choice.position_id)}</p><p class="item-meta">{choice.reason.clone()}</p></div></li>
                            }).collect_view()}
                        </ol>
                    </section>
                    <section class="card" data-testid="student-activity">
                        <h2 class="card-title">{move || i18n.t(Msg::Sessions)}</h2>
                        <ul class="bars">
                            {s.sessions_held.iter().map(|m| view! { <li class="bar-row"><span class="bar-label">{m.month.clone()}</span><span class="bar-value">{m.count}</span></li> }).collect_view()}
                        </ul>
                        <h3 class="card-subtitle">{move || i18n.t(Msg::WorkshopsAttended)}</h3>
                        <ul class="list" data-testid="student-workshops">
                            {s.workshops_attended.iter().map(|w| view! { <li class="list-item">{name_of(&workshops.get_untracked(), w)}</li> }).collect_view()}
                        </ul>
                        <h3 class="card-subtitle">{move || i18n.t(Msg::JobOutcomes)}</h3>
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
