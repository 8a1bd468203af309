//! Home: what needs attention now, per role.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{Entity, RecordKind, Role, SessionState, VisaStepState};
use imp_shared::ids::SpaceId;
use imp_shared::visa::{days_left, is_urgent};

use crate::components::space_picker::use_student_spaces;
use crate::i18n::{days_left_text, format_date, n_waiting, use_i18n, zone_offset, Msg};
use crate::pages::visa::use_visa_steps;
use crate::sync::hooks::{use_records, use_session, use_sync_status};

/// The home screen for the signed-in role.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let status = use_sync_status();
    let role = move || session.get().map(|s| s.user.role);
    let name = move || {
        session
            .get()
            .map(|s| s.user.display_name)
            .unwrap_or_default()
    };
    view! {
        <section class="hero">
            <h1 data-testid="home-title">{move || match role() {
                Some(Role::Mentor) => i18n.t(Msg::HelloMentor),
                Some(Role::Staff) => i18n.t(Msg::HelloStaff),
                _ => i18n.t(Msg::HelloStudent),
            }}</h1>
            <p class="muted" data-testid="user-name">{name}</p>
        </section>
        <Show when=move || { status.get().pending > 0 }>
            <A href="/changes" attr:class="card card-link">
                <span>{move || n_waiting(i18n.lang.get(), status.get().pending)}</span>
            </A>
        </Show>
        {move || match role() {
            Some(Role::Student) => view! { <StudentHome /> }.into_any(),
            Some(Role::Mentor) => view! { <MentorHome /> }.into_any(),
            Some(Role::Staff) => view! { <StaffHome /> }.into_any(),
            None => ().into_any(),
        }}
    }
}

#[component]
fn StudentHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let space = Signal::derive(move || session.get().map(|s| SpaceId::Student(s.user.id)));
    let tasks = use_records(space, RecordKind::Task);
    let due_soon = Memo::new(move |_| {
        let today = Utc::now().date_naive();
        let week = today + Duration::days(7);
        tasks
            .get()
            .into_iter()
            .filter_map(|(_, entity)| match entity {
                Entity::Task(task) if !task.done => task
                    .due_date
                    .filter(|due| *due <= week)
                    .map(|due| (task.title, due < today)),
                _ => None,
            })
            .collect::<Vec<_>>()
    });
    let visa = use_visa_steps(space);
    let deadlines = Memo::new(move |_| {
        let today = Utc::now().date_naive();
        visa.get()
            .into_iter()
            .filter(|(_, step)| {
                !matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded)
            })
            .filter_map(|(_, step)| {
                step.due_date
                    .map(|due| (step.title, due, days_left(due, today)))
            })
            .take(3)
            .collect::<Vec<_>>()
    });
    let sessions = use_records(space, RecordKind::MentoringSession);
    let next_session = Memo::new(move |_| {
        let now = Utc::now();
        sessions
            .get()
            .into_iter()
            .filter_map(|(_, entity)| match entity {
                Entity::MentoringSession(session)
                    if session.state == SessionState::Scheduled && session.starts_at >= now =>
                {
                    Some(session)
                }
                _ => None,
            })
            .min_by_key(|session| session.starts_at)
    });
    view! {
        <Show when=move || next_session.get().is_some()>
            <section class="card" data-testid="next-session">
                <h2 class="card-title">{move || i18n.t(Msg::NextSession)}</h2>
                {move || next_session.get().map(|session| {
                    let local = session.starts_at.with_timezone(&zone_offset(&session.time_zone));
                    view! {
                        <p class="item-title">{move || format!("{} {}", format_date(i18n.lang.get(), local.date_naive()), local.format("%H:%M"))}</p>
                        <p class="item-meta">{session.agenda.clone()}</p>
                    }
                })}
                <A href="/sessions" attr:class="button">{move || i18n.t(Msg::Sessions)}</A>
            </section>
        </Show>
        <Show when=move || !deadlines.get().is_empty()>
            <section class="card" data-testid="visa-deadlines">
                <h2 class="card-title">{move || i18n.t(Msg::Deadlines)}</h2>
                <ul class="list">
                    {move || deadlines.get().into_iter().map(|(title, due, left)| {
                        let urgent = is_urgent(left);
                        view! {
                            <li class="list-item" class:urgent=urgent data-urgent=urgent.to_string()>
                                <span class="item-title">{title}</span>
                                <span class="item-meta">{move || format_date(i18n.lang.get(), due)}</span>
                                <span class="pill" class:pill-danger=urgent>{move || days_left_text(i18n.lang.get(), left)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <A href="/visa" attr:class="button">{move || i18n.t(Msg::Visa)}</A>
            </section>
        </Show>
        <section class="card">
            <h2 class="card-title">{move || i18n.t(Msg::DueThisWeek)}</h2>
            <Show when=move || !due_soon.get().is_empty() fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoTasks)}</p> }>
                <ul class="list" data-testid="due-soon">
                    {move || due_soon.get().into_iter().map(|(title, overdue)| view! {
                        <li class="list-item">
                            <span class="item-title">{title}</span>
                            <Show when=move || overdue><span class="pill pill-danger">{move || i18n.t(Msg::Overdue)}</span></Show>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
            <A href="/tasks" attr:class="button">{move || i18n.t(Msg::Tasks)}</A>
        </section>
    }
}

#[component]
fn MentorHome() -> impl IntoView {
    let i18n = use_i18n();
    let mentees = use_student_spaces();
    view! {
        <section class="card">
            <h2 class="card-title">{move || i18n.t(Msg::HelloMentor)}</h2>
            <Show when=move || !mentees.get().is_empty() fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoMentees)}</p> }>
                <ul class="list" data-testid="mentees">
                    {move || mentees.get().into_iter().map(|(_, name)| view! { <li class="list-item"><span class="item-title">{name}</span></li> }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn StaffHome() -> impl IntoView {
    let i18n = use_i18n();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let organizations = use_records(program, RecordKind::Organization);
    let mentors = use_records(program, RecordKind::MentorProfile);
    let positions = use_records(program, RecordKind::Position);
    let stat = move |label: Msg, value: Memo<Vec<(imp_shared::ids::RecordId, Entity)>>| {
        view! {
            <div class="stat">
                <span class="stat-value">{move || value.get().len()}</span>
                <span class="stat-label">{move || i18n.t(label)}</span>
            </div>
        }
    };
    view! {
        <section class="card stats" data-testid="program-stats">
            {stat(Msg::Organizations, organizations)}
            {stat(Msg::Mentors, mentors)}
            {stat(Msg::Positions, positions)}
        </section>
    }
}
