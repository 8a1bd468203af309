//! Read models: the facts screens show about a student's space, computed from its records.
//!
//! Pure and tested natively, so a screen only lays them out: a mentee at a glance, goals with
//! their progress, the next session, the tasks due this week, the open visa deadlines and the
//! student's cohort.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::{
    ApplicationStage, Cohort, Enrollment, Goal, JobApplication, MentoringSession, SessionState,
    StudentProfile, Task, VisaStep, VisaStepState,
};
use crate::ids::{RecordId, UserId};
use crate::visa::days_left;

/// A goal with how far its tasks have come.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalProgress {
    /// The goal's id.
    pub id: RecordId,
    /// The goal.
    pub goal: Goal,
    /// Tasks under it that are done.
    pub done: usize,
    /// All tasks under it.
    pub total: usize,
}

/// Goals with their progress, by target date (goals without one last, then by id).
pub fn goal_progress(goals: &[(RecordId, Goal)], tasks: &[(RecordId, Task)]) -> Vec<GoalProgress> {
    let mut list: Vec<GoalProgress> = goals
        .iter()
        .map(|(id, goal)| {
            let under = tasks
                .iter()
                .filter(|(_, task)| task.goal_id.as_ref() == Some(id));
            let (done, total) = under.fold((0, 0), |(done, total), (_, task)| {
                (done + usize::from(task.done), total + 1)
            });
            GoalProgress {
                id: id.clone(),
                goal: goal.clone(),
                done,
                total,
            }
        })
        .collect();
    list.sort_by(|a, b| {
        (a.goal.target_date.is_none(), a.goal.target_date, &a.id).cmp(&(
            b.goal.target_date.is_none(),
            b.goal.target_date,
            &b.id,
        ))
    });
    list
}

/// The soonest scheduled session that has not started by `now`.
pub fn next_session(
    sessions: &[(RecordId, MentoringSession)],
    now: DateTime<Utc>,
) -> Option<(RecordId, MentoringSession)> {
    sessions
        .iter()
        .filter(|(_, session)| session.state == SessionState::Scheduled && session.starts_at >= now)
        .min_by_key(|(id, session)| (session.starts_at, id.clone()))
        .cloned()
}

/// When the latest completed session started.
pub fn last_session(sessions: &[(RecordId, MentoringSession)]) -> Option<DateTime<Utc>> {
    sessions
        .iter()
        .filter(|(_, session)| session.state == SessionState::Completed)
        .map(|(_, session)| session.starts_at)
        .max()
}

/// A task not done whose due date is within the coming week (or passed).
#[derive(Debug, Clone, PartialEq)]
pub struct DueTask {
    /// The task's title.
    pub title: String,
    /// When it is due.
    pub due: NaiveDate,
    /// Whether the due date has passed.
    pub overdue: bool,
}

/// Open tasks due by a week from `today`, soonest first.
pub fn tasks_due_soon(tasks: &[(RecordId, Task)], today: NaiveDate) -> Vec<DueTask> {
    let week = today + Duration::days(7);
    let mut list: Vec<DueTask> = tasks
        .iter()
        .filter(|(_, task)| !task.done)
        .filter_map(|(_, task)| {
            let due = task.due_date.filter(|due| *due <= week)?;
            Some(DueTask {
                title: task.title.clone(),
                due,
                overdue: due < today,
            })
        })
        .collect();
    list.sort_by(|a, b| (a.due, &a.title).cmp(&(b.due, &b.title)));
    list
}

/// Whether a visa step still needs doing.
pub fn step_open(step: &VisaStep) -> bool {
    !matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded)
}

/// An open visa step with a due date, and the days left until it (negative once passed).
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    /// The step's id.
    pub id: RecordId,
    /// The step.
    pub step: VisaStep,
    /// When it is due.
    pub due: NaiveDate,
    /// Days from `today` to `due`.
    pub days_left: i64,
}

/// Open visa steps with a due date, soonest first.
pub fn visa_deadlines(steps: &[(RecordId, VisaStep)], today: NaiveDate) -> Vec<Deadline> {
    let mut list: Vec<Deadline> = steps
        .iter()
        .filter(|(_, step)| step_open(step))
        .filter_map(|(id, step)| {
            let due = step.due_date?;
            Some(Deadline {
                id: id.clone(),
                step: step.clone(),
                due,
                days_left: days_left(due, today),
            })
        })
        .collect();
    list.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
    list
}

/// What a mentor sees of a mentee at a glance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MenteeGlance {
    /// The mentee's profile, once synced.
    pub profile: Option<StudentProfile>,
    /// When the next scheduled session starts.
    pub next_session: Option<DateTime<Utc>>,
    /// When the latest completed session started.
    pub last_session: Option<DateTime<Utc>>,
    /// Tasks not done.
    pub open_tasks: usize,
    /// Job applications still in play (applied, interviewing, offered).
    pub active_applications: usize,
    /// The open visa step due soonest.
    pub next_deadline: Option<Deadline>,
}

/// The records of one student's space a glance reads.
#[derive(Debug, Clone, Copy)]
pub struct StudentRecords<'a> {
    /// Profiles (one).
    pub profiles: &'a [(RecordId, StudentProfile)],
    /// Mentoring sessions.
    pub sessions: &'a [(RecordId, MentoringSession)],
    /// Tasks.
    pub tasks: &'a [(RecordId, Task)],
    /// Job applications.
    pub applications: &'a [(RecordId, JobApplication)],
    /// Visa checklist steps.
    pub visa_steps: &'a [(RecordId, VisaStep)],
}

/// A mentee at a glance, at `now` (the day counts in `today`, the program's date).
pub fn mentee_glance(
    records: StudentRecords<'_>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> MenteeGlance {
    MenteeGlance {
        profile: records.profiles.first().map(|(_, profile)| profile.clone()),
        next_session: next_session(records.sessions, now).map(|(_, s)| s.starts_at),
        last_session: last_session(records.sessions),
        open_tasks: records.tasks.iter().filter(|(_, task)| !task.done).count(),
        active_applications: records
            .applications
            .iter()
            .filter(|(_, application)| {
                matches!(
                    application.stage,
                    ApplicationStage::Applied
                        | ApplicationStage::Interview
                        | ApplicationStage::Offer
                )
            })
            .count(),
        next_deadline: visa_deadlines(records.visa_steps, today).into_iter().next(),
    }
}

/// The cohort of a student's intake year.
pub fn cohort_of(cohorts: &[(RecordId, Cohort)], year: i32) -> Option<(RecordId, Cohort)> {
    cohorts
        .iter()
        .filter(|(_, cohort)| cohort.year == year)
        .min_by_key(|(id, _)| id.clone())
        .cloned()
}

/// A student's name as staff know it from their enrollment, or their id when none has synced.
pub fn enrolled_name(enrollments: &[(RecordId, Enrollment)], student: &UserId) -> String {
    enrollments
        .iter()
        .find(|(_, enrollment)| &enrollment.student_id == student)
        .map_or_else(
            || student.to_string(),
            |(_, enrollment)| enrollment.display_name.clone(),
        )
}
