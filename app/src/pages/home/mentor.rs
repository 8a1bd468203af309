//! The mentor's home: each mentee at a glance.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{JobApplication, MentoringSession, StudentProfile, Task, VisaStep};
use imp_shared::glance::{mentee_glance, StudentRecords};
use imp_shared::ids::{SpaceId, UserId};
use imp_shared::visa::is_urgent;

use super::{date_time, use_placement, LastActive};
use crate::components::space_picker::use_student_spaces;
use crate::i18n::{days_left_text, use_i18n, Msg};
use crate::pages::announcements::LatestAnnouncements;
use crate::pages::end_placement::EndPlacement;
use crate::pages::pair_health::MenteeFlags;
use crate::sync::hooks::use_typed;
use crate::zone::in_program_zone;

/// What a fact the mentor has no answer to yet shows.
const NONE_YET: &str = "—";

/// The mentor's home: their mentees at a glance.
#[component]
pub fn MentorHome() -> impl IntoView {
    let i18n = use_i18n();
    let mentees = use_student_spaces();
    // Mentors read the news to everyone (a cohort's news is for its students).
    let no_cohort = Signal::derive(|| None);
    view! {
        <LatestAnnouncements cohort_year=no_cohort />
        <Show when=move || !mentees.with(Vec::is_empty) fallback=move || view! {
            <section class="card"><p class="muted">{i18n.tr(Msg::NoMentees)}</p></section>
        }>
            <ul class="list mentee-cards" data-testid="mentees">
                <For each=move || mentees.get() key=|(space, name)| (space.clone(), name.clone())
                    let((space, name))>
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
    let placement = use_placement(signal);
    let student = match &space {
        SpaceId::Student(student) => student.clone(),
        _ => UserId::from(""),
    };
    let placement = Memo::new(move |_| {
        let placed = placement.get()?;
        let position = placed.position?;
        let organization = placed.organization.unwrap_or_default();
        Some(format!("{} · {organization}", position.title))
    });
    let profiles = use_typed::<StudentProfile>(signal);
    let sessions = use_typed::<MentoringSession>(signal);
    let tasks = use_typed::<Task>(signal);
    let applications = use_typed::<JobApplication>(signal);
    let visa_steps = use_typed::<VisaStep>(signal);
    let glance = Memo::new(move |_| {
        let now = Utc::now();
        let (profiles, sessions, tasks) = (profiles.get(), sessions.get(), tasks.get());
        let (applications, visa_steps) = (applications.get(), visa_steps.get());
        let records = StudentRecords {
            profiles: &profiles,
            sessions: &sessions,
            tasks: &tasks,
            applications: &applications,
            visa_steps: &visa_steps,
        };
        mentee_glance(records, now, in_program_zone(now).date_naive())
    });
    let link = |path: &str| format!("{path}?mentee={space}");
    let (sessions_link, tasks_link, jobs_link, visa_link, concern_link) = (
        link("/sessions"),
        link("/tasks"),
        link("/jobs"),
        link("/visa"),
        link("/concern"),
    );
    let evaluations_link = link("/evaluations");
    let when = move |at: Option<DateTime<Utc>>| {
        at.map_or_else(
            || NONE_YET.to_owned(),
            |at| date_time(i18n.lang.get(), in_program_zone(at)),
        )
    };
    let studies = move || {
        glance.with(|glance| {
            glance.profile.as_ref().map(|p| {
                let text = format!("{} · {} · {}", p.university, p.department, p.degree);
                view! { <p class="item-meta">{text}</p> }
            })
        })
    };
    let deadline = move || {
        let lang = i18n.lang.get();
        match glance.with(|glance| glance.next_deadline.clone()) {
            Some(deadline) => {
                let left = deadline.days_left;
                view! {
                    <span>{deadline.step.title_in(lang.is_zh()).to_owned()}" "</span>
                    <span class="pill" class:pill-danger=is_urgent(left)>{days_left_text(lang, left)}</span>
                }
                .into_any()
            }
            None => NONE_YET.into_any(),
        }
    };
    view! {
        <li class="card mentee" data-testid="mentee" data-name=name.clone()>
            <h2 class="card-title">{name.clone()}</h2>
            {move || placement.get().map(|text| view! {
                <p class="item-body" data-testid="mentee-placement">{text}</p>
            })}
            {studies}
            <dl class="facts">
                <dt>{i18n.tr(Msg::NextSession)}</dt>
                <dd data-testid="mentee-next-session">{move || when(glance.with(|g| g.next_session))}</dd>
                <dt>{i18n.tr(Msg::LastSession)}</dt>
                <dd data-testid="mentee-last-session">{move || when(glance.with(|g| g.last_session))}</dd>
                <dt>{i18n.tr(Msg::OpenTasks)}</dt>
                <dd data-testid="mentee-open-tasks">{move || glance.with(|g| g.open_tasks)}</dd>
                <dt>{i18n.tr(Msg::ActiveApplications)}</dt>
                <dd data-testid="mentee-applications">{move || glance.with(|g| g.active_applications)}</dd>
                <dt>{i18n.tr(Msg::Deadlines)}</dt>
                <dd data-testid="mentee-deadline">{deadline}</dd>
                <dt>{i18n.tr(Msg::LastActive)}</dt>
                <dd><LastActive space=signal user=student testid="mentee-last-active" /></dd>
            </dl>
            <MenteeFlags space=space.clone() />
            <EndPlacement space=Signal::derive({
                let space = space.clone();
                move || Some(space.clone())
            }) />
            <div class="card-links">
                <A href=sessions_link attr:class="button button-small">{i18n.tr(Msg::Sessions)}</A>
                <A href=tasks_link attr:class="button button-small">{i18n.tr(Msg::Tasks)}</A>
                <A href=jobs_link attr:class="button button-small">{i18n.tr(Msg::Jobs)}</A>
                <A href=visa_link attr:class="button button-small">{i18n.tr(Msg::Visa)}</A>
                <A href=evaluations_link attr:class="button button-small" attr:data-testid="mentee-evaluations">
                    {i18n.tr(Msg::Evaluations)}
                </A>
                <A href=concern_link attr:class="button button-small" attr:data-testid="mentee-concern">
                    {i18n.tr(Msg::RaiseConcern)}
                </A>
            </div>
        </li>
    }
}
