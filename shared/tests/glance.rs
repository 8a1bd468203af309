//! The read models screens show (`imp_shared::glance`), on a fixed clock.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use imp_shared::domain::{Cohort, Goal, JobApplication, MentoringSession, Task, VisaStep};
use imp_shared::glance::{
    cohort_of, goal_progress, last_session, mentee_glance, next_session, tasks_due_soon,
    visa_deadlines, StudentRecords,
};
use imp_shared::ids::RecordId;

fn id(text: &str) -> RecordId {
    RecordId(text.to_owned())
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a test time")
        .with_timezone(&Utc)
}

/// The fixed "now" of every test: Wednesday 10 March 2027, 09:00 in Taipei.
fn now() -> DateTime<Utc> {
    at("2027-03-10T01:00:00Z")
}

fn task(title: &str, goal: Option<&str>, due: Option<&str>, done: bool) -> Task {
    serde_json::from_value(json!({
        "goal_id": goal, "title": title, "due_date": due, "done": done,
    }))
    .expect("a task")
}

fn session(starts_at: &str, state: &str) -> MentoringSession {
    serde_json::from_value(json!({
        "starts_at": starts_at, "time_zone": "Asia/Taipei", "duration_minutes": 60,
        "format": "video", "state": state,
    }))
    .expect("a session")
}

fn step(title: &str, due: Option<&str>, state: &str) -> VisaStep {
    serde_json::from_value(json!({
        "route": "r", "title": title, "authority": "NIA", "due_date": due, "documents": [],
        "state": state,
    }))
    .expect("a visa step")
}

#[test]
fn goals_count_their_own_tasks_and_sort_by_target_date() {
    let goal = |title: &str, target: Option<&str>| -> Goal {
        serde_json::from_value(json!({ "title": title, "target_date": target })).expect("a goal")
    };
    let goals = vec![
        (id("g-late"), goal("Late", Some("2027-06-01"))),
        (id("g-none"), goal("Someday", None)),
        (id("g-soon"), goal("Soon", Some("2027-04-01"))),
    ];
    let tasks = vec![
        (id("t1"), task("a", Some("g-soon"), None, true)),
        (id("t2"), task("b", Some("g-soon"), None, false)),
        (id("t3"), task("c", Some("g-soon"), None, true)),
        (id("t4"), task("d", Some("g-late"), None, false)),
        (id("t5"), task("e", None, None, true)),
    ];
    let progress = goal_progress(&goals, &tasks);
    let shown: Vec<(&str, usize, usize)> = progress
        .iter()
        .map(|p| (p.id.0.as_str(), p.done, p.total))
        .collect();
    assert_eq!(
        shown,
        vec![("g-soon", 2, 3), ("g-late", 0, 1), ("g-none", 0, 0)]
    );
}

#[test]
fn the_next_session_is_the_soonest_scheduled_one_not_yet_started() {
    let sessions = vec![
        (id("s-past"), session("2027-03-09T01:00:00Z", "scheduled")),
        (id("s-later"), session("2027-03-20T01:00:00Z", "scheduled")),
        (
            id("s-cancelled"),
            session("2027-03-11T01:00:00Z", "cancelled"),
        ),
        (id("s-soon"), session("2027-03-12T01:00:00Z", "scheduled")),
        (id("s-now"), session("2027-03-10T01:00:00Z", "scheduled")),
        (id("s-done"), session("2027-03-01T01:00:00Z", "completed")),
        (id("s-done2"), session("2027-02-01T01:00:00Z", "completed")),
    ];
    assert_eq!(
        next_session(&sessions, now()).map(|(id, _)| id),
        Some(id("s-now")),
        "a session starting this very minute is still next"
    );
    assert_eq!(
        next_session(&sessions, at("2027-03-10T01:00:01Z")).map(|(id, _)| id),
        Some(id("s-soon"))
    );
    assert_eq!(last_session(&sessions), Some(at("2027-03-01T01:00:00Z")));
    assert_eq!(next_session(&sessions, at("2027-04-01T00:00:00Z")), None);
    assert_eq!(last_session(&sessions[..2]), None);
}

#[test]
fn tasks_due_this_week_include_overdue_ones_and_not_done_ones() {
    let today = day("2027-03-10");
    let tasks = vec![
        (
            id("t1"),
            task("Week's end", None, Some("2027-03-17"), false),
        ),
        (id("t2"), task("Too far", None, Some("2027-03-18"), false)),
        (id("t3"), task("Late", None, Some("2027-03-09"), false)),
        (id("t4"), task("Done", None, Some("2027-03-11"), true)),
        (id("t5"), task("No date", None, None, false)),
        (id("t6"), task("Today", None, Some("2027-03-10"), false)),
    ];
    let soon = tasks_due_soon(&tasks, today);
    let due: Vec<(&str, bool)> = soon.iter().map(|t| (t.title.as_str(), t.overdue)).collect();
    assert_eq!(
        due,
        vec![("Late", true), ("Today", false), ("Week's end", false)]
    );
}

#[test]
fn a_mentee_at_a_glance() {
    let profiles = vec![(
        id("u-1"),
        serde_json::from_value(json!({
            "display_name": "An", "nationality": "VN", "university": "NTU",
            "department": "CSIE", "degree": "MSc", "languages": [], "interests": [],
            "cohort_year": 2027,
        }))
        .expect("a profile"),
    )];
    let sessions = vec![
        (id("s1"), session("2027-03-15T01:00:00Z", "scheduled")),
        (id("s2"), session("2027-03-03T01:00:00Z", "completed")),
    ];
    let tasks = vec![
        (id("t1"), task("a", None, None, false)),
        (id("t2"), task("b", None, None, true)),
        (id("t3"), task("c", None, None, false)),
    ];
    let application = |stage: &str| -> JobApplication {
        serde_json::from_value(json!({ "company": "C", "role": "R", "stage": stage }))
            .expect("an application")
    };
    let applications = vec![
        (id("j1"), application("applied")),
        (id("j2"), application("interview")),
        (id("j3"), application("offer")),
        (id("j4"), application("accepted")),
        (id("j5"), application("rejected")),
    ];
    let visa_steps = vec![
        (id("v1"), step("Done one", Some("2027-03-01"), "done")),
        (id("v2"), step("Apply", Some("2027-03-31"), "in_progress")),
        (id("v3"), step("Overdue", Some("2027-03-08"), "todo")),
        (id("v4"), step("Skipped", Some("2027-03-05"), "not_needed")),
        (id("v5"), step("Undated", None, "todo")),
    ];
    let records = StudentRecords {
        profiles: &profiles,
        sessions: &sessions,
        tasks: &tasks,
        applications: &applications,
        visa_steps: &visa_steps,
    };
    let glance = mentee_glance(records, now(), day("2027-03-10"));
    assert_eq!(
        glance.profile.map(|p| p.display_name),
        Some("An".to_owned())
    );
    assert_eq!(glance.next_session, Some(at("2027-03-15T01:00:00Z")));
    assert_eq!(glance.last_session, Some(at("2027-03-03T01:00:00Z")));
    assert_eq!(glance.open_tasks, 2);
    assert_eq!(glance.active_applications, 3);
    let deadline = glance.next_deadline.expect("an open dated step");
    assert_eq!((deadline.id, deadline.days_left), (id("v3"), -2));
    let all: Vec<(String, i64)> = visa_deadlines(&visa_steps, day("2027-03-10"))
        .into_iter()
        .map(|d| (d.step.title, d.days_left))
        .collect();
    assert_eq!(
        all,
        vec![("Overdue".to_owned(), -2), ("Apply".to_owned(), 21)]
    );
}

#[test]
fn an_empty_space_has_nothing_at_a_glance() {
    let glance = mentee_glance(
        StudentRecords {
            profiles: &[],
            sessions: &[],
            tasks: &[],
            applications: &[],
            visa_steps: &[],
        },
        now(),
        day("2027-03-10"),
    );
    assert_eq!(glance, Default::default());
}

#[test]
fn a_student_belongs_to_the_cohort_of_their_year() {
    let cohort = |year: i32| -> Cohort {
        serde_json::from_value(json!({ "year": year, "name": "C", "max_rankings": 5 }))
            .expect("a cohort")
    };
    let cohorts = vec![(id("c-2026"), cohort(2026)), (id("c-2027"), cohort(2027))];
    assert_eq!(
        cohort_of(&cohorts, 2027).map(|(id, _)| id),
        Some(id("c-2027"))
    );
    assert_eq!(cohort_of(&cohorts, 2025), None);
}
