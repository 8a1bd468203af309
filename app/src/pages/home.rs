//! Home: what needs attention now, per role.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::apply::checkin_window;
use imp_shared::dashboard::growth;
use imp_shared::domain::{
    ConcernFlag, ConcernState, Entity, Priority, RecordKind, Role, SessionState, VisaStepState,
};
use imp_shared::ids::SpaceId;
use imp_shared::mutation::Mutation;
use imp_shared::visa::{days_left, is_urgent};

use crate::components::chart::GrowthChart;
use crate::components::space_picker::use_student_spaces;
use crate::components::write;
use crate::i18n::{
    days_left_text, format_date, n_of_m_ranked, n_of_m_workshops, n_waiting, use_i18n, Msg,
};
use crate::pages::concern::{PRIORITIES, TOPICS};
use crate::pages::visa::use_visa_steps;
use crate::pages::workshops::SeatsLeft;
use crate::pieces::{LazyScreen, Screen};
use crate::sync::hooks::{
    use_pending_ids, use_records, use_session, use_sync_status, use_write, WriteErrorLine,
};
use crate::zone::{in_program_zone, local_or_utc};

/// Whether `user` opened the app on this device before; remembers that they have now.
fn seen_before(user: &str) -> bool {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return true;
    };
    let key = format!("imp-seen-{user}");
    let seen = storage.get_item(&key).ok().flatten().is_some();
    if !seen {
        let _ = storage.set_item(&key, "1");
    }
    seen
}

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
    // "Welcome" the first time someone opens the app on this device, "Welcome back" after.
    let returning = session
        .get_untracked()
        .is_some_and(|s| seen_before(s.user.id.as_str()));
    view! {
        <section class="hero">
            <h1 data-testid="home-title">{move || match role() {
                Some(Role::Mentor) => i18n.t(Msg::HelloMentor),
                Some(Role::Staff) => i18n.t(Msg::HelloStaff),
                _ if returning => i18n.t(Msg::HelloStudent),
                _ => i18n.t(Msg::WelcomeFirst),
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
            // Mentors' and staff's homes are their own wasm pieces in the shipped build, so a
            // student's first screen does not carry them.
            Some(Role::Mentor) => view! { <LazyScreen screen=Screen::MentorHome /> }.into_any(),
            Some(Role::Staff) => view! { <LazyScreen screen=Screen::StaffHome /> }.into_any(),
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
                step.due_date.map(|due| {
                    (
                        step.title_in(i18n.lang.get().is_zh()).to_owned(),
                        due,
                        days_left(due, today),
                    )
                })
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
        <MyPlacement space=space />
        <RankingCard />
        <UpcomingWorkshops space=space />
        <Milestones space=space />
        <Show when=move || next_session.get().is_some()>
            <section class="card" data-testid="next-session">
                <h2 class="card-title">{i18n.tr(Msg::NextSession)}</h2>
                {move || next_session.get().map(|session| {
                    let (local, utc_mark) = local_or_utc(&session.time_zone, session.starts_at);
                    view! {
                        <p class="item-title">{move || format!("{} {}{utc_mark}", format_date(i18n.lang.get(), local.date_naive()), local.format("%H:%M"))}</p>
                        <p class="item-meta">{session.agenda.clone()}</p>
                    }
                })}
                <A href="/sessions" attr:class="button">{i18n.tr(Msg::Sessions)}</A>
            </section>
        </Show>
        <Show when=move || !deadlines.get().is_empty()>
            <section class="card" data-testid="visa-deadlines">
                <h2 class="card-title">{i18n.tr(Msg::Deadlines)}</h2>
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
                <A href="/visa" attr:class="button">{i18n.tr(Msg::Visa)}</A>
            </section>
        </Show>
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::DueThisWeek)}</h2>
            <Show when=move || !due_soon.get().is_empty() fallback=move || view! { <p class="muted">{i18n.tr(Msg::NoTasks)}</p> }>
                <ul class="list" data-testid="due-soon">
                    {move || due_soon.get().into_iter().map(|(title, overdue)| view! {
                        <li class="list-item">
                            <span class="item-title">{title}</span>
                            <Show when=move || overdue><span class="pill pill-danger">{i18n.tr(Msg::Overdue)}</span></Show>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
            <A href="/tasks" attr:class="button">{i18n.tr(Msg::Tasks)}</A>
        </section>
    }
}

/// Workshops coming up, with an RSVP the student can give or take back (offline too).
#[component]
fn UpcomingWorkshops(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let workshops = use_records(program, RecordKind::Workshop);
    let rsvps = use_records(space, RecordKind::Rsvp);
    // An answer waiting to sync is marked like every other waiting change (its id is the workshop's).
    let pending = use_pending_ids(space);
    let write = use_write();
    let upcoming = Memo::new(move |_| {
        let now = Utc::now();
        let going: Vec<imp_shared::ids::RecordId> = rsvps
            .get()
            .into_iter()
            .filter_map(|(id, entity)| {
                matches!(entity, Entity::Rsvp(rsvp) if rsvp.going).then_some(id)
            })
            .collect();
        let mut list: Vec<(
            imp_shared::ids::RecordId,
            imp_shared::domain::Workshop,
            bool,
        )> = workshops
            .get()
            .into_iter()
            .filter_map(|(id, entity)| match entity {
                Entity::Workshop(workshop) if checkin_window(&workshop).1 >= now => {
                    let is_going = going.contains(&id);
                    Some((id, workshop, is_going))
                }
                _ => None,
            })
            .collect();
        list.sort_by(|(a_id, a, _), (b_id, b, _)| (a.starts_at, a_id).cmp(&(b.starts_at, b_id)));
        list.truncate(3);
        list
    });
    let answer = move |workshop_id: imp_shared::ids::RecordId, going: bool| {
        if let Some(space) = space.get_untracked() {
            write.dispatch((space, Mutation::RsvpWorkshop { workshop_id, going }));
        }
    };
    view! {
        <Show when=move || !upcoming.get().is_empty()>
            <section class="card" data-testid="workshops">
                <h2 class="card-title">{i18n.tr(Msg::Workshops)}</h2>
                <WriteErrorLine write=write />
                <ul class="list">
                    {move || upcoming.get().into_iter().map(|(id, workshop, going)| {
                        let local = in_program_zone(workshop.starts_at);
                        let target = id.clone();
                        let can_check_in = checkin_open(&workshop);
                        view! {
                            <li class="list-item" data-testid="workshop" data-workshop-id=id.to_string() data-going=going.to_string()>
                                <div class="grow">
                                    <p class="item-title">{workshop.title.clone()}</p>
                                    <p class="item-meta">{move || format!("{} {} · {} · {} {}", format_date(i18n.lang.get(), local.date_naive()), local.format("%H:%M"), workshop.place, i18n.t(Msg::Capacity), workshop.capacity)}</p>
                                    <SeatsLeft workshop_id=id.clone() going=workshop.going capacity=workshop.capacity space=space />
                                </div>
                                {going.then(|| view! { <span class="pill">{i18n.tr(Msg::Going)}</span> })}
                                {pending.get().contains(&id).then(|| view! { <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span> })}
                                {can_check_in.then(|| view! {
                                    <A href=format!("/checkin?w={id}") attr:class="button button-small button-primary" attr:data-testid="checkin-link">{i18n.tr(Msg::CheckIn)}</A>
                                })}
                                <button class="button button-small" data-testid="rsvp" data-write=write::changes(space.get().as_ref(), RecordKind::Rsvp, &id) on:click=move |_| answer(target.clone(), !going)>
                                    {move || if going { i18n.t(Msg::NotGoing) } else { i18n.t(Msg::Rsvp) }}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// Whether check-in for a workshop is open now (on this device's clock).
fn checkin_open(workshop: &imp_shared::domain::Workshop) -> bool {
    let now = Utc::now();
    let (opens, closes) = checkin_window(workshop);
    opens <= now && now <= closes
}

/// The ranking round while it is open: how many choices are in, and the deadline.
#[component]
fn RankingCard() -> impl IntoView {
    let i18n = use_i18n();
    let round = crate::pages::positions::use_ranking_round();
    let open = move || round.get().is_some_and(|r| !r.closed() && !r.placed);
    view! {
        <Show when=open>
            <section class="card" data-testid="ranking-card">
                <h2 class="card-title">{i18n.tr(Msg::RankPositions)}</h2>
                {move || round.get().map(|r| {
                    let deadline = r.cohort.ranking_deadline.map(in_program_zone);
                    view! {
                        <p class="item-meta">
                            {n_of_m_ranked(i18n.lang.get(), r.choices.len(), r.cohort.max_rankings)}
                            {deadline.map(|d| {
                                let left = days_left(d.date_naive(), in_program_zone(Utc::now()).date_naive());
                                view! {
                                    " · "{i18n.t(Msg::RankingDeadline)}" "{format_date(i18n.lang.get(), d.date_naive())}
                                    " "<span class="pill" class:pill-danger=left < 3>{days_left_text(i18n.lang.get(), left)}</span>
                                }
                            })}
                        </p>
                    }
                })}
                <A href="/positions" attr:class="button" attr:data-testid="open-positions">{i18n.tr(Msg::RankPositions)}</A>
            </section>
        </Show>
    }
}

/// Career-readiness milestones: workshops attended towards the certificate.
#[component]
fn Milestones(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let attendance = use_records(space, RecordKind::Attendance);
    let attended = move || attendance.get().len();
    let target = imp_shared::domain::READINESS_WORKSHOPS;
    view! {
        <section class="card" data-testid="milestones" data-attended=move || attended().to_string()>
            <h2 class="card-title">{i18n.tr(Msg::Milestones)}</h2>
            <p>{move || n_of_m_workshops(i18n.lang.get(), attended(), target)}</p>
            <progress class="progress" max=target.to_string() value=move || attended().min(target).to_string()
                aria-label=i18n.tr(Msg::WorkshopsAttended)></progress>
        </section>
    }
}

/// The student's placement once staff confirmed it: organization, position and mentor.
#[component]
fn MyPlacement(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let placements = use_records(space, RecordKind::Placement);
    let positions = use_records(program, RecordKind::Position);
    let organizations = use_records(program, RecordKind::Organization);
    let mentors = use_records(program, RecordKind::MentorProfile);
    let shown = Memo::new(move |_| {
        let placement = placements
            .get()
            .into_iter()
            .find_map(|(_, entity)| match entity {
                Entity::Placement(p) if p.state.grants_mentor_access() => Some(p),
                _ => None,
            })?;
        let position = positions
            .get()
            .into_iter()
            .find_map(|(id, entity)| match entity {
                Entity::Position(position) if id == placement.position_id => Some(position),
                _ => None,
            });
        let organization = position.as_ref().and_then(|position| {
            organizations
                .get()
                .into_iter()
                .find_map(|(id, entity)| match entity {
                    Entity::Organization(org) if id == position.organization_id => Some(org.name),
                    _ => None,
                })
        });
        let mentor = mentors
            .get()
            .into_iter()
            .find_map(|(_, entity)| match entity {
                Entity::MentorProfile(mentor) if mentor.user_id == placement.mentor_id => {
                    Some(mentor)
                }
                _ => None,
            });
        Some((organization, position.map(|p| p.title), mentor))
    });
    view! {
        <Show when=move || shown.with(Option::is_some)>
            <section class="card" data-testid="my-placement">
                <h2 class="card-title">{i18n.tr(Msg::MyPlacement)}</h2>
                {move || shown.get().map(|(organization, title, mentor)| view! {
                    <p class="item-title" data-testid="placement-organization">{organization.unwrap_or_default()}</p>
                    <p class="item-meta">{title.unwrap_or_default()}</p>
                    {mentor.map(|mentor| view! {
                        <p class="item-body" data-testid="placement-mentor">
                            <strong>{i18n.tr(Msg::YourMentor)}": "</strong>{mentor.display_name.clone()}
                        </p>
                        <p class="item-meta"><strong>{i18n.tr(Msg::Expertise)}": "</strong>{format!("{} · {}", mentor.expertise.join(", "), mentor.languages.join(", "))}</p>
                        {mentor.contact_email.clone().map(|email| view! {
                            <p class="item-meta"><strong>{i18n.tr(Msg::Contact)}": "</strong>
                                <a href=format!("mailto:{email}") data-testid="mentor-contact">{email.clone()}</a>
                            </p>
                        })}
                    })}
                })}
            </section>
        </Show>
    }
}

/// The mentor's home: their mentees at a glance.
#[component]
pub fn MentorHome() -> impl IntoView {
    let i18n = use_i18n();
    let mentees = use_student_spaces();
    view! {
        <Show when=move || !mentees.get().is_empty() fallback=move || view! { <section class="card"><p class="muted">{i18n.tr(Msg::NoMentees)}</p></section> }>
            <ul class="list mentee-cards" data-testid="mentees">
                <For each=move || mentees.get() key=|(space, name)| (space.clone(), name.clone()) let((space, name))>
                    <MenteeCard space=space name=name />
                </For>
            </ul>
        </Show>
    }
}

/// One mentee at a glance for their mentor: profile, placement, next session, open tasks, job
/// pipeline, nearest visa deadline and the last session held.
#[component]
fn MenteeCard(space: SpaceId, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let signal = Signal::derive({
        let space = space.clone();
        move || Some(space.clone())
    });
    let profiles = use_records(signal, RecordKind::StudentProfile);
    let placements = use_records(signal, RecordKind::Placement);
    let program = Signal::derive(|| Some(SpaceId::Program));
    let positions = use_records(program, RecordKind::Position);
    let organizations = use_records(program, RecordKind::Organization);
    let placement = Memo::new(move |_| {
        let placement = placements.get().into_iter().find_map(|(_, e)| match e {
            Entity::Placement(p) if p.state.grants_mentor_access() => Some(p),
            _ => None,
        })?;
        let position = positions.get().into_iter().find_map(|(id, e)| match e {
            Entity::Position(p) if id == placement.position_id => Some(p),
            _ => None,
        })?;
        let organization = organizations
            .get()
            .into_iter()
            .find_map(|(id, e)| match e {
                Entity::Organization(o) if id == position.organization_id => Some(o.name),
                _ => None,
            })
            .unwrap_or_default();
        Some(format!("{} · {organization}", position.title))
    });
    let sessions = use_records(signal, RecordKind::MentoringSession);
    let tasks = use_records(signal, RecordKind::Task);
    let jobs = use_records(signal, RecordKind::JobApplication);
    let visa = use_visa_steps(signal);
    let facts = Memo::new(move |_| {
        let now = Utc::now();
        let today = now.date_naive();
        let profile = profiles.get().into_iter().find_map(|(_, e)| match e {
            Entity::StudentProfile(p) => Some(p),
            _ => None,
        });
        let mut next = None;
        let mut last = None;
        for (_, e) in sessions.get() {
            if let Entity::MentoringSession(session) = e {
                match session.state {
                    SessionState::Scheduled if session.starts_at >= now => {
                        next = Some(next.map_or(session.starts_at, |n: chrono::DateTime<Utc>| {
                            n.min(session.starts_at)
                        }));
                    }
                    SessionState::Completed => {
                        last = Some(last.map_or(session.starts_at, |l: chrono::DateTime<Utc>| {
                            l.max(session.starts_at)
                        }));
                    }
                    _ => {}
                }
            }
        }
        let open_tasks = tasks
            .get()
            .iter()
            .filter(|(_, e)| matches!(e, Entity::Task(t) if !t.done))
            .count();
        let active_jobs = jobs
            .get()
            .iter()
            .filter(|(_, e)| matches!(e, Entity::JobApplication(j) if matches!(j.stage, imp_shared::domain::ApplicationStage::Applied | imp_shared::domain::ApplicationStage::Interview | imp_shared::domain::ApplicationStage::Offer)))
            .count();
        let deadline = visa
            .get()
            .into_iter()
            .filter(|(_, step)| {
                !matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded)
            })
            .filter_map(|(_, step)| {
                step.due_date.map(|due| {
                    (
                        step.title_in(i18n.lang.get().is_zh()).to_owned(),
                        days_left(due, today),
                    )
                })
            })
            .min_by_key(|(_, left)| *left);
        (profile, next, last, open_tasks, active_jobs, deadline)
    });
    let link = |path: &str| format!("{path}?mentee={space}");
    let (sessions_link, tasks_link, jobs_link, visa_link, concern_link) = (
        link("/sessions"),
        link("/tasks"),
        link("/jobs"),
        link("/visa"),
        link("/concern"),
    );
    let when = move |at: chrono::DateTime<Utc>| {
        let local = in_program_zone(at);
        format!(
            "{} {}",
            format_date(i18n.lang.get(), local.date_naive()),
            local.format("%H:%M")
        )
    };
    view! {
        <li class="card mentee" data-testid="mentee" data-name=name.clone()>
            <h2 class="card-title">{name.clone()}</h2>
            {move || placement.get().map(|text| view! { <p class="item-body" data-testid="mentee-placement">{text}</p> })}
            {move || facts.get().0.map(|p| view! {
                <p class="item-meta">{format!("{} · {} · {}", p.university, p.department, p.degree)}</p>
            })}
            <dl class="facts">
                <dt>{i18n.tr(Msg::NextSession)}</dt>
                <dd data-testid="mentee-next-session">{move || facts.get().1.map(when).unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{i18n.tr(Msg::LastSession)}</dt>
                <dd data-testid="mentee-last-session">{move || facts.get().2.map(when).unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{i18n.tr(Msg::OpenTasks)}</dt>
                <dd data-testid="mentee-open-tasks">{move || facts.get().3}</dd>
                <dt>{i18n.tr(Msg::ActiveApplications)}</dt>
                <dd data-testid="mentee-applications">{move || facts.get().4}</dd>
                <dt>{i18n.tr(Msg::Deadlines)}</dt>
                <dd data-testid="mentee-deadline">{move || match facts.get().5 {
                    Some((title, left)) => view! {
                        <span>{title}" "</span><span class="pill" class:pill-danger=is_urgent(left)>{days_left_text(i18n.lang.get(), left)}</span>
                    }.into_any(),
                    None => "—".into_any(),
                }}</dd>
            </dl>
            <div class="card-links">
                <A href=sessions_link attr:class="button button-small">{i18n.tr(Msg::Sessions)}</A>
                <A href=tasks_link attr:class="button button-small">{i18n.tr(Msg::Tasks)}</A>
                <A href=jobs_link attr:class="button button-small">{i18n.tr(Msg::Jobs)}</A>
                <A href=visa_link attr:class="button button-small">{i18n.tr(Msg::Visa)}</A>
                <A href=concern_link attr:class="button button-small" attr:data-testid="mentee-concern">{i18n.tr(Msg::RaiseConcern)}</A>
            </div>
        </li>
    }
}

/// Staff's home: the program dashboard and the concern inbox.
#[component]
pub fn StaffHome() -> impl IntoView {
    let i18n = use_i18n();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let staff = Signal::derive(|| Some(SpaceId::Staff));
    let organizations = use_records(program, RecordKind::Organization);
    let mentors = use_records(program, RecordKind::MentorProfile);
    let positions = use_records(program, RecordKind::Position);
    let cohorts = use_records(program, RecordKind::Cohort);
    let enrollments = use_records(staff, RecordKind::Enrollment);
    let points = Signal::derive(move || {
        let program: Vec<Entity> = cohorts
            .get()
            .into_iter()
            .chain(organizations.get())
            .chain(mentors.get())
            .map(|(_, e)| e)
            .collect();
        let staff: Vec<Entity> = enrollments.get().into_iter().map(|(_, e)| e).collect();
        growth(&program, &staff)
    });
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
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::GrowthTitle)}</h2>
            <GrowthChart points=points />
        </section>
        <crate::pages::dashboard::ProgramNumbers />
        <crate::pages::dashboard::Exports />
        <ConcernInbox />
    }
}

/// Staff's concern inbox: open ones first, urgent first, then the newest.
#[component]
pub fn ConcernInbox() -> impl IntoView {
    let i18n = use_i18n();
    let staff = Signal::derive(|| Some(SpaceId::Staff));
    let flags = use_records(staff, RecordKind::ConcernFlag);
    let enrollments = use_records(staff, RecordKind::Enrollment);
    let write = use_write();
    // Concerns whose notes this device stored since they were last typed in (kept here: a
    // stored change redraws the rows).
    let saved_notes = RwSignal::new(std::collections::HashSet::<imp_shared::ids::RecordId>::new());
    let concerns = Memo::new(move |_| {
        let names: Vec<(String, String)> = enrollments
            .get()
            .into_iter()
            .filter_map(|(_, e)| match e {
                Entity::Enrollment(e) => Some((e.student_id.to_string(), e.display_name)),
                _ => None,
            })
            .collect();
        let mut list: Vec<(imp_shared::ids::RecordId, ConcernFlag, String)> = flags
            .get()
            .into_iter()
            .filter_map(|(id, entity)| match entity {
                Entity::ConcernFlag(flag) => {
                    let name = names
                        .iter()
                        .find(|(id, _)| *id == flag.student_id.as_str())
                        .map_or_else(|| flag.student_id.to_string(), |(_, name)| name.clone());
                    Some((id, flag, name))
                }
                _ => None,
            })
            .collect();
        // Open ones first, urgent first, then the newest.
        let open = |flag: &ConcernFlag| flag.state != ConcernState::Resolved;
        list.sort_by(|(a_id, a, _), (b_id, b, _)| {
            (
                !open(a),
                std::cmp::Reverse(a.priority),
                std::cmp::Reverse(a.raised_at),
                a_id,
            )
                .cmp(&(
                    !open(b),
                    std::cmp::Reverse(b.priority),
                    std::cmp::Reverse(b.raised_at),
                    b_id,
                ))
        });
        list
    });
    let set_state = move |id: imp_shared::ids::RecordId, value: String| {
        let state = match value.as_str() {
            "in_progress" => ConcernState::InProgress,
            "resolved" => ConcernState::Resolved,
            _ => ConcernState::Open,
        };
        write.dispatch((SpaceId::Staff, Mutation::SetConcernState { id, state }));
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Concerns)}</h2>
            <WriteErrorLine write=write />
            <Show when=move || !concerns.get().is_empty() fallback=move || view! { <p class="muted">{i18n.tr(Msg::NoConcerns)}</p> }>
                <ul class="list" data-testid="concerns">
                    {move || concerns.get().into_iter().map(|(id, flag, name)| {
                        let topic = TOPICS.iter().find(|(t, _, _)| *t == flag.topic).map_or(Msg::TopicOther, |(_, _, m)| *m);
                        let (priority_key, priority) = PRIORITIES.iter().find(|(p, _, _)| *p == flag.priority).map_or(("normal", Msg::PriorityNormal), |(_, k, m)| (*k, *m));
                        let key = match flag.state { ConcernState::Open => "open", ConcernState::InProgress => "in_progress", ConcernState::Resolved => "resolved" };
                        let select_id = format!("concern-state-{id}");
                        let urgent = flag.priority == Priority::Urgent;
                        let target = id.clone();
                        let raised = flag.raised_at.map(|at| {
                            let local = in_program_zone(at);
                            (at.to_rfc3339(), local)
                        });
                        view! {
                            <li class="list-item" data-testid="concern" data-concern-id=id.to_string() data-state=key data-priority=priority_key>
                                <div class="grow">
                                    <p class="item-title"><A href=format!("/student?id={}", flag.student_id) attr:data-testid="concern-student">{name}</A>" · "{move || i18n.t(topic)}</p>
                                    {raised.map(|(stamp, local)| view! {
                                        <p class="item-meta"><time datetime=stamp data-testid="concern-raised">
                                            {move || format!("{} {} {}", i18n.t(Msg::Raised), format_date(i18n.lang.get(), local.date_naive()), local.format("%H:%M"))}
                                        </time></p>
                                    })}
                                    <p class="item-body">{flag.text.clone()}</p>
                                </div>
                                <span class="pill" class:pill-danger=urgent>{move || i18n.t(priority)}</span>
                                <ConcernHandling id=id.clone() flag=flag.clone() saved=saved_notes />
                                <label class="visually-hidden" for=select_id.clone()>{i18n.tr(Msg::Progress)}</label>
                                <select id=select_id data-testid="concern-state" data-write=write::changes(Some(&SpaceId::Staff), RecordKind::ConcernFlag, &id) prop:value=key on:change=move |e| set_state(target.clone(), event_target_value(&e))>
                                    <option value="open">{i18n.tr(Msg::ConcernOpen)}</option>
                                    <option value="in_progress">{i18n.tr(Msg::ConcernInProgress)}</option>
                                    <option value="resolved">{i18n.tr(Msg::ConcernResolved)}</option>
                                </select>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// Who handles a concern and staff's notes on it.
#[component]
fn ConcernHandling(
    id: imp_shared::ids::RecordId,
    flag: ConcernFlag,
    saved: RwSignal<std::collections::HashSet<imp_shared::ids::RecordId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let write = use_write();
    let me = move || session.get().map(|s| s.user.id);
    let mine = {
        let assignee = flag.assignee.clone();
        Signal::derive(move || assignee.is_some() && assignee == me())
    };
    let assignee_name = flag.assignee.clone().map(|a| a.to_string());
    let notes = RwSignal::new(flag.notes.clone());
    // "Saved" once this device has stored the notes (they sync from there).
    let is_saved = {
        let id = id.clone();
        move || saved.with(|set| set.contains(&id))
    };
    let mark = {
        let id = id.clone();
        move |done: bool| {
            saved.update(|set| {
                if done {
                    set.insert(id.clone());
                } else {
                    set.remove(&id);
                }
            })
        }
    };
    let update = move |id: imp_shared::ids::RecordId,
                       patch: imp_shared::domain::ConcernFlagPatch| {
        write.dispatch((
            SpaceId::Staff,
            Mutation::Update {
                id,
                patch: imp_shared::domain::EntityPatch::ConcernFlag(patch),
            },
        ));
    };
    let take = {
        let id = id.clone();
        move |_| {
            update(
                id.clone(),
                imp_shared::domain::ConcernFlagPatch {
                    assignee: Some(me()),
                    ..Default::default()
                },
            )
        }
    };
    let save_notes = {
        let id = id.clone();
        let mark = mark.clone();
        move |event: leptos::ev::Event| {
            let text = event_target_value(&event);
            notes.set(text.clone());
            mark(false);
            let mark = mark.clone();
            write.run(
                SpaceId::Staff,
                Mutation::Update {
                    id: id.clone(),
                    patch: imp_shared::domain::EntityPatch::ConcernFlag(
                        imp_shared::domain::ConcernFlagPatch {
                            notes: Some(text),
                            ..Default::default()
                        },
                    ),
                },
                move || mark(true),
            );
        }
    };
    let notes_id = format!("concern-notes-{id}");
    view! {
        <div class="grow-full concern-handling" data-testid="concern-handling" data-write=write::changes(Some(&SpaceId::Staff), RecordKind::ConcernFlag, &id)>
            <p class="item-meta" data-testid="assignee">
                <strong>{i18n.tr(Msg::Assignee)}": "</strong>
                {move || if mine.get() { i18n.t(Msg::You).to_owned() } else { assignee_name.clone().unwrap_or_else(|| i18n.t(Msg::Nobody).to_owned()) }}
            </p>
            <Show when=move || !mine.get()>
                <button class="button button-small" data-testid="take-concern" on:click=take.clone()>{i18n.tr(Msg::TakeConcern)}</button>
            </Show>
            <label for=notes_id.clone()>{i18n.tr(Msg::StaffNotes)}</label>
            <textarea id=notes_id rows="2" maxlength="5000" data-testid="concern-notes" prop:value=move || notes.get()
                on:input={
                    let mark = mark.clone();
                    move |_| mark(false)
                } on:change=save_notes></textarea>
            <Show when=is_saved>
                <p class="item-meta" role="status" data-testid="notes-saved">{i18n.tr(Msg::Saved)}</p>
            </Show>
            <WriteErrorLine write=write />
        </div>
    }
}
