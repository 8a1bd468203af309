//! The student's home: their placement, the ranking round while it is open, news from the program,
//! workshops coming up, milestones, the next session, the visa deadlines and the tasks due this
//! week.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::apply::checkin_window;
use imp_shared::domain::{
    Attendance, MentorProfile, MentoringSession, RecordKind, Rsvp, StudentProfile, Task, VisaStep,
    Workshop,
};
use imp_shared::glance::{next_session, tasks_due_soon, visa_deadlines, Deadline};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::visa::{days_left, is_urgent};

use super::{date_time, program_today, use_placement, LastActive};
use crate::components::write;
use crate::i18n::{days_left_text, format_date, n_of_m_ranked, n_of_m_workshops, use_i18n, Msg};
use crate::pages::announcements::LatestAnnouncements;
use crate::pages::workshops::SeatsLeft;
use crate::sync::hooks::{
    program_space, use_pending_ids, use_session, use_typed, use_write, WriteErrorLine,
};
use crate::zone::{in_program_zone, local_or_utc};

/// How many visa deadlines the home shows (the visa screen has them all).
const DEADLINES_SHOWN: usize = 3;

/// How many workshops coming up the home shows.
const WORKSHOPS_SHOWN: usize = 3;

/// The student's home.
#[component]
pub(super) fn StudentHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let space = Signal::derive(move || session.get().map(|s| SpaceId::Student(s.user.id)));
    let tasks = use_typed::<Task>(space);
    let due_soon = Memo::new(move |_| tasks.with(|tasks| tasks_due_soon(tasks, program_today())));
    let steps = use_typed::<VisaStep>(space);
    let deadlines = Memo::new(move |_| {
        let mut list = steps.with(|steps| visa_deadlines(steps, program_today()));
        list.truncate(DEADLINES_SHOWN);
        list
    });
    let sessions = use_typed::<MentoringSession>(space);
    let next = Memo::new(move |_| {
        sessions
            .with(|sessions| next_session(sessions, Utc::now()))
            .map(|(_, session)| session)
    });
    let profiles = use_typed::<StudentProfile>(space);
    let cohort = Signal::derive(move || profiles.with(|p| p.first().map(|(_, p)| p.cohort_year)));
    view! {
        <MyPlacement space=space />
        <RankingCard />
        <LatestAnnouncements cohort_year=cohort />
        <UpcomingWorkshops space=space />
        <Milestones space=space />
        <Show when=move || next.with(Option::is_some)>
            <section class="card" data-testid="next-session">
                <h2 class="card-title">{i18n.tr(Msg::NextSession)}</h2>
                {move || next.get().map(|session| {
                    let (local, utc_mark) = local_or_utc(&session.time_zone, session.starts_at);
                    view! {
                        <p class="item-title">{move || format!("{}{utc_mark}", date_time(i18n.lang.get(), local))}</p>
                        <p class="item-meta">{session.agenda.clone()}</p>
                    }
                })}
                <A href="/sessions" attr:class="button">{i18n.tr(Msg::Sessions)}</A>
            </section>
        </Show>
        <Show when=move || !deadlines.with(Vec::is_empty)>
            <section class="card" data-testid="visa-deadlines">
                <h2 class="card-title">{i18n.tr(Msg::Deadlines)}</h2>
                <ul class="list">
                    {move || deadlines.get().into_iter().map(|deadline| view! { <DeadlineItem deadline=deadline /> })
                        .collect_view()}
                </ul>
                <A href="/visa" attr:class="button">{i18n.tr(Msg::Visa)}</A>
            </section>
        </Show>
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::DueThisWeek)}</h2>
            <Show when=move || !due_soon.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{i18n.tr(Msg::NoTasks)}</p> }>
                <ul class="list" data-testid="due-soon">
                    {move || due_soon.get().into_iter().map(|task| view! {
                        <li class="list-item">
                            <span class="item-title">{task.title}</span>
                            {task.overdue.then(|| view! {
                                <span class="pill pill-danger">{i18n.tr(Msg::Overdue)}</span>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
            <A href="/tasks" attr:class="button">{i18n.tr(Msg::Tasks)}</A>
        </section>
    }
}

/// An open visa step's deadline: the step, its due date and the days left (urgent ones marked).
#[component]
fn DeadlineItem(deadline: Deadline) -> impl IntoView {
    let i18n = use_i18n();
    let Deadline {
        step,
        due,
        days_left: left,
        ..
    } = deadline;
    let urgent = is_urgent(left);
    let title = move || step.title_in(i18n.lang.get().is_zh()).to_owned();
    view! {
        <li class="list-item" class:urgent=urgent data-urgent=urgent.to_string()>
            <span class="item-title">{title}</span>
            <span class="item-meta">{move || format_date(i18n.lang.get(), due)}</span>
            <span class="pill" class:pill-danger=urgent>{move || days_left_text(i18n.lang.get(), left)}</span>
        </li>
    }
}

/// Workshops coming up, with an RSVP the student can give or take back (offline too).
#[component]
fn UpcomingWorkshops(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let workshops = use_typed::<Workshop>(program_space());
    let rsvps = use_typed::<Rsvp>(space);
    // An answer waiting to sync is marked like every other waiting change (its id is the workshop's).
    let pending = use_pending_ids(space);
    let write = use_write();
    let upcoming = Memo::new(move |_| {
        let now = Utc::now();
        let going: Vec<RecordId> = rsvps.with(|rsvps| {
            rsvps
                .iter()
                .filter(|(_, rsvp)| rsvp.going)
                .map(|(id, _)| id.clone())
                .collect()
        });
        let mut list: Vec<(RecordId, Workshop, bool)> = workshops
            .get()
            .into_iter()
            .filter(|(_, workshop)| checkin_window(workshop).1 >= now)
            .map(|(id, workshop)| {
                let is_going = going.contains(&id);
                (id, workshop, is_going)
            })
            .collect();
        list.sort_by(|(a_id, a, _), (b_id, b, _)| (a.starts_at, a_id).cmp(&(b.starts_at, b_id)));
        list.truncate(WORKSHOPS_SHOWN);
        list
    });
    let answer = move |workshop_id: RecordId, going: bool| {
        if let Some(space) = space.get_untracked() {
            write.dispatch((space, Mutation::RsvpWorkshop { workshop_id, going }));
        }
    };
    view! {
        <Show when=move || !upcoming.with(Vec::is_empty)>
            <section class="card" data-testid="workshops">
                <h2 class="card-title">{i18n.tr(Msg::Workshops)}</h2>
                <WriteErrorLine write=write />
                <ul class="list">
                    {move || upcoming.get().into_iter().map(|(id, workshop, going)| {
                        let local = in_program_zone(workshop.starts_at);
                        let (place, capacity) = (workshop.place.clone(), workshop.capacity);
                        let meta = move || {
                            let (lang, label) = (i18n.lang.get(), i18n.t(Msg::Capacity));
                            format!("{} · {place} · {label} {capacity}", date_time(lang, local))
                        };
                        let waiting = pending.with(|ids| ids.contains(&id));
                        let checkin = checkin_open(&workshop).then(|| format!("/checkin?w={id}"));
                        let rsvp_write = write::changes(space.get().as_ref(), RecordKind::Rsvp, &id);
                        let target = id.clone();
                        view! {
                            <li class="list-item" data-testid="workshop" data-workshop-id=id.to_string()
                                data-going=going.to_string()>
                                <div class="grow">
                                    <p class="item-title">{workshop.title.clone()}</p>
                                    <p class="item-meta">{meta}</p>
                                    <SeatsLeft workshop_id=id.clone() going=workshop.going capacity=capacity
                                        space=space />
                                </div>
                                {going.then(|| view! { <span class="pill">{i18n.tr(Msg::Going)}</span> })}
                                {waiting.then(|| view! {
                                    <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
                                })}
                                {checkin.map(|href| view! {
                                    <A href=href attr:class="button button-small button-primary"
                                        attr:data-testid="checkin-link">{i18n.tr(Msg::CheckIn)}</A>
                                })}
                                <button class="button button-small" data-testid="rsvp" data-write=rsvp_write
                                    on:click=move |_| answer(target.clone(), !going)>
                                    {move || i18n.t(if going { Msg::NotGoing } else { Msg::Rsvp })}
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
fn checkin_open(workshop: &Workshop) -> bool {
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
    let progress = move || {
        round.get().map(|r| {
            let lang = i18n.lang.get();
            let deadline = r.cohort.ranking_deadline.map(|at| {
                let day = in_program_zone(at).date_naive();
                let left = days_left(day, program_today());
                view! {
                    " · "{i18n.t(Msg::RankingDeadline)}" "{format_date(lang, day)}" "
                    <span class="pill" class:pill-danger=left < 3>{days_left_text(lang, left)}</span>
                }
            });
            view! {
                <p class="item-meta">
                    {n_of_m_ranked(lang, r.choices.len(), r.cohort.max_rankings)}
                    {deadline}
                </p>
            }
        })
    };
    view! {
        <Show when=open>
            <section class="card" data-testid="ranking-card">
                <h2 class="card-title">{i18n.tr(Msg::RankPositions)}</h2>
                {progress}
                <A href="/positions" attr:class="button" attr:data-testid="open-positions">
                    {i18n.tr(Msg::RankPositions)}
                </A>
            </section>
        </Show>
    }
}

/// Career-readiness milestones: workshops attended towards the certificate.
#[component]
fn Milestones(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let attendance = use_typed::<Attendance>(space);
    let attended = move || attendance.with(Vec::len);
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
    let placement = use_placement(space);
    let mentors = use_typed::<MentorProfile>(program_space());
    let shown = Memo::new(move |_| {
        let placed = placement.get()?;
        let mentor = mentors.with(|mentors| {
            mentors
                .iter()
                .map(|(_, mentor)| mentor)
                .find(|mentor| mentor.user_id == placed.placement.mentor_id)
                .cloned()
        });
        Some((
            placed.organization,
            placed.position.map(|p| p.title),
            mentor,
        ))
    });
    view! {
        <Show when=move || shown.with(Option::is_some)>
            <section class="card" data-testid="my-placement">
                <h2 class="card-title">{i18n.tr(Msg::MyPlacement)}</h2>
                {move || shown.get().map(|(organization, title, mentor)| view! {
                    <p class="item-title" data-testid="placement-organization">{organization.unwrap_or_default()}</p>
                    <p class="item-meta">{title.unwrap_or_default()}</p>
                    {mentor.map(|mentor| view! { <YourMentor mentor=mentor space=space /> })}
                })}
            </section>
        </Show>
    }
}

/// The student's mentor on their placement card: name, expertise and languages, and how to
/// reach them.
#[component]
fn YourMentor(mentor: MentorProfile, space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let strengths = format!(
        "{} · {}",
        mentor.expertise.join(", "),
        mentor.languages.join(", ")
    );
    view! {
        <p class="item-body" data-testid="placement-mentor">
            <strong>{i18n.tr(Msg::YourMentor)}": "</strong>{mentor.display_name.clone()}
        </p>
        <p class="item-meta"><strong>{i18n.tr(Msg::Expertise)}": "</strong>{strengths}</p>
        <p class="item-meta"><strong>{i18n.tr(Msg::LastActive)}": "</strong>
            <LastActive space=space user=mentor.user_id.clone() testid="mentor-last-active" />
        </p>
        {mentor.contact_email.map(|email| view! {
            <p class="item-meta"><strong>{i18n.tr(Msg::Contact)}": "</strong>
                <a href=format!("mailto:{email}") data-testid="mentor-contact">{email.clone()}</a>
            </p>
        })}
    }
}
