//! The inbox (`imp_shared::inbox`): what each reader is asked to look at, and in which order, on
//! a fixed clock with the program's offset of +08:00.

mod common;

use chrono::FixedOffset;
use serde_json::json;

use common::{at, day, from};
use imp_shared::domain::{
    Cohort, ConcernFlag, Evaluation, Feedback, MentoringSession, Placement, Ranking, Rsvp, Task,
    VisaStep, Workshop,
};
use imp_shared::health::Shown;
use imp_shared::ids::{RecordId, UserId};
use imp_shared::inbox::{
    staff_items, student_items, visa_stage, without_dismissed, Clock, InboxItem, InboxRecords,
    Item, Reader,
};

fn id(text: &str) -> RecordId {
    RecordId(text.to_owned())
}

fn user(text: &str) -> UserId {
    UserId::from(text)
}

/// Wednesday 10 March 2027, 09:00 in Taipei.
fn clock() -> Clock {
    clock_at("2027-03-10T01:00:00Z")
}

fn clock_at(now: &str) -> Clock {
    Clock {
        now: at(now),
        offset: FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| panic!("+08:00")),
    }
}

fn session(starts_at: &str, state: &str) -> MentoringSession {
    from(json!({
        "starts_at": starts_at, "time_zone": "Asia/Taipei", "duration_minutes": 60,
        "format": "video", "state": state,
    }))
}

fn feedback(session: &str, author: &str) -> Feedback {
    from(json!({ "session_id": session, "rating": 4, "author": author }))
}

fn task(title: &str, due: Option<&str>, done: bool) -> Task {
    from(json!({ "title": title, "due_date": due, "done": done }))
}

fn step(title: &str, due: &str, state: &str) -> VisaStep {
    from(json!({
        "route": "r", "title": title, "title_zh": format!("{title}（中）"), "authority": "NIA",
        "due_date": due, "documents": [], "state": state,
    }))
}

fn workshop(title: &str, starts_at: &str) -> Workshop {
    from(json!({
        "title": title, "starts_at": starts_at, "duration_minutes": 90, "place": "Lounge",
        "capacity": 30,
    }))
}

fn keys(items: &[InboxItem]) -> Vec<String> {
    items.iter().map(|item| item.key.clone()).collect()
}

/// The demo-like student space every test starts from.
struct Space {
    sessions: Vec<(RecordId, MentoringSession)>,
    feedback: Vec<(RecordId, Feedback)>,
    tasks: Vec<(RecordId, Task)>,
    steps: Vec<(RecordId, VisaStep)>,
    rankings: Vec<(RecordId, Ranking)>,
    rsvps: Vec<(RecordId, Rsvp)>,
    cohort: (RecordId, Cohort),
    workshops: Vec<(RecordId, Workshop)>,
    placements: Vec<(RecordId, Placement)>,
    evaluations: Vec<(RecordId, Evaluation)>,
    flags: Vec<Shown>,
}

fn space() -> Space {
    Space {
        sessions: vec![
            // Tomorrow 08:00 Taipei: 23 hours away.
            (id("s-soon"), session("2027-03-11T00:00:00Z", "scheduled")),
            // In 25 hours: not yet.
            (id("s-later"), session("2027-03-11T02:00:00Z", "scheduled")),
            // Held two days ago; the mentor answered, the student did not.
            (id("s-held"), session("2027-03-08T01:00:00Z", "completed")),
            // Held eight days ago: the week to answer is over.
            (id("s-old"), session("2027-03-02T00:00:00Z", "completed")),
        ],
        feedback: vec![(id("f1"), feedback("s-held", "m-1"))],
        tasks: vec![
            (id("t-overdue"), task("Send CV", Some("2027-03-08"), false)),
            (
                id("t-week"),
                task("Book interview", Some("2027-03-17"), false),
            ),
            (
                id("t-eight"),
                task("Read handbook", Some("2027-03-18"), false),
            ),
            (id("t-done"), task("Done already", Some("2027-03-09"), true)),
            (id("t-undated"), task("Someday", None, false)),
        ],
        steps: vec![
            (id("v-61"), step("Too far", "2027-05-10", "todo")),
            (id("v-60"), step("Health check", "2027-05-09", "todo")),
            (id("v-3"), step("Extend ARC", "2027-03-13", "in_progress")),
            (id("v-done"), step("Filed", "2027-03-12", "done")),
        ],
        rankings: Vec::new(),
        rsvps: vec![
            (id("w-today"), from(json!({ "going": true }))),
            (id("w-not-going"), from(json!({ "going": false }))),
            (id("w-tomorrow"), from(json!({ "going": true }))),
        ],
        cohort: (
            id("cohort-2027"),
            from(json!({
                "year": 2027, "name": "2027", "ranking_deadline": "2027-03-15T15:59:00Z", "max_rankings": 5,
            })),
        ),
        workshops: vec![
            // 14:00 Taipei today.
            (id("w-today"), workshop("CV clinic", "2027-03-10T06:00:00Z")),
            (id("w-not-going"), workshop("Mixer", "2027-03-10T07:00:00Z")),
            // 00:30 Taipei tomorrow (still "today" in UTC): not today.
            (
                id("w-tomorrow"),
                workshop("Early run", "2027-03-10T16:30:00Z"),
            ),
        ],
        placements: Vec::new(),
        evaluations: Vec::new(),
        flags: Vec::new(),
    }
}

impl Space {
    fn records<'a>(&'a self, student: &'a UserId) -> InboxRecords<'a> {
        InboxRecords {
            student: Some(student),
            sessions: &self.sessions,
            feedback: &self.feedback,
            tasks: &self.tasks,
            visa_steps: &self.steps,
            rankings: &self.rankings,
            rsvps: &self.rsvps,
            cohort: Some(&self.cohort),
            workshops: &self.workshops,
            placements: &self.placements,
            evaluations: &self.evaluations,
            planned_end: None,
            flags: &self.flags,
        }
    }
}

#[test]
fn a_students_inbox_lists_what_is_due_earliest_first() {
    let student = user("stu-1");
    let space = space();
    let items = student_items(space.records(&student), Reader::Student, clock());
    assert_eq!(
        keys(&items),
        [
            // Overdue since 8 March.
            "task:stu-1:t-overdue",
            // Today 14:00.
            "workshop:stu-1:w-today",
            // Tomorrow 08:00.
            "session:stu-1:s-soon",
            // Due 13 March; the week to answer ends 15 March 10:00 (a week after the session
            // ended), the ranking deadline 15 March 23:59.
            "visa:stu-1:v-3:3",
            "feedback:stu-1:s-held",
            "ranking:stu-1:cohort-2027",
            "task:stu-1:t-week",
            "visa:stu-1:v-60:60",
        ]
    );
    // Each links to the screen that deals with it.
    let paths: Vec<&str> = items.iter().map(|item| item.item.path()).collect();
    assert_eq!(
        paths,
        [
            "/tasks",
            "/",
            "/sessions",
            "/visa",
            "/sessions",
            "/positions",
            "/tasks",
            "/visa"
        ]
    );
    match &items[0].item {
        Item::TaskDue {
            title, days_left, ..
        } => {
            assert_eq!((title.as_str(), *days_left), ("Send CV", -2));
        }
        other => panic!("expected the overdue task first, got {other:?}"),
    }
}

#[test]
fn a_ranking_or_an_answer_takes_its_item_away() {
    let student = user("stu-1");
    let mut space = space();
    space.rankings = vec![(
        id("cohort-2027"),
        from(json!({ "cohort_year": 2027, "choices": [{ "position_id": "pos-1" }] })),
    )];
    space.feedback.push((id("f2"), feedback("s-held", "stu-1")));
    let items = student_items(space.records(&student), Reader::Student, clock());
    let kinds: Vec<&str> = items.iter().map(|item| item.item.kind()).collect();
    assert!(!kinds.contains(&"ranking"), "{kinds:?}");
    assert!(!kinds.contains(&"feedback"), "{kinds:?}");
}

#[test]
fn a_mentor_sees_the_sessions_coming_up_and_the_feedback_they_owe() {
    let student = user("stu-1");
    let mentor = user("m-1");
    let mut space = space();
    let items = student_items(space.records(&student), Reader::Mentor(&mentor), clock());
    // The mentor answered s-held; tasks, visa steps, rankings and workshops are the student's.
    assert_eq!(keys(&items), ["session:stu-1:s-soon"]);
    space.feedback.clear();
    let items = student_items(space.records(&student), Reader::Mentor(&mentor), clock());
    assert_eq!(
        keys(&items),
        ["session:stu-1:s-soon", "feedback:stu-1:s-held"]
    );
}

#[test]
fn edges_of_each_window() {
    let student = user("stu-1");
    // Exactly 24 hours ahead is still "within a day"; a second after is not.
    let space = Space {
        sessions: vec![
            (id("edge"), session("2027-03-11T01:00:00Z", "scheduled")),
            (id("past"), session("2027-03-10T00:59:59Z", "scheduled")),
            (
                id("cancelled"),
                session("2027-03-10T05:00:00Z", "cancelled"),
            ),
            // Ended (after its hour) exactly a week ago: the window has just closed.
            (id("week"), session("2027-03-03T00:00:00Z", "completed")),
            // Ended a week ago less a second: still open.
            (id("week-1s"), session("2027-03-03T00:00:01Z", "completed")),
        ],
        ..space()
    };
    let items = student_items(space.records(&student), Reader::Student, clock());
    let sessions: Vec<String> = keys(&items)
        .into_iter()
        .filter(|key| key.starts_with("session") || key.starts_with("feedback"))
        .collect();
    assert_eq!(sessions, ["feedback:stu-1:week-1s", "session:stu-1:edge"]);

    // The ranking deadline: listed from a week before it until it passes.
    let ranking = |now: &str| {
        student_items(space.records(&student), Reader::Student, clock_at(now))
            .iter()
            .any(|item| item.item.kind() == "ranking")
    };
    assert!(!ranking("2027-03-08T15:58:59Z"), "8 days before");
    assert!(ranking("2027-03-08T15:59:00Z"), "exactly a week before");
    assert!(ranking("2027-03-15T15:59:00Z"), "at the deadline");
    assert!(!ranking("2027-03-15T16:00:00Z"), "after it");

    // A workshop is "today" by the program's day: at 23:59 Taipei the 00:30 one is tomorrow's,
    // and once it has ended it leaves the inbox.
    let workshops = |now: &str| -> Vec<String> {
        keys(&student_items(
            space.records(&student),
            Reader::Student,
            clock_at(now),
        ))
        .into_iter()
        .filter(|key| key.starts_with("workshop"))
        .collect()
    };
    assert_eq!(workshops("2027-03-10T15:59:00Z"), Vec::<String>::new());
    assert_eq!(
        workshops("2027-03-10T16:00:00Z"),
        ["workshop:stu-1:w-tomorrow"]
    );
    assert_eq!(
        workshops("2027-03-10T06:00:00Z"),
        ["workshop:stu-1:w-today"]
    );
    assert_eq!(workshops("2027-03-10T07:30:00Z"), Vec::<String>::new());
}

#[test]
fn visa_deadlines_come_back_at_each_stage() {
    let table = [
        (61, None),
        (60, Some(60)),
        (31, Some(60)),
        (30, Some(30)),
        (15, Some(30)),
        (14, Some(14)),
        (4, Some(14)),
        (3, Some(3)),
        (0, Some(3)),
        (-1, Some(0)),
        (-400, Some(0)),
    ];
    for (days, stage) in table {
        assert_eq!(visa_stage(days), stage, "{days} days left");
    }
    // The stage is part of the key: dismissed at 30 days, the step is back at 14.
    let student = user("stu-1");
    let base = space();
    let at_days = |days: i64| {
        let due = day("2027-03-10") + chrono::Duration::days(days);
        let space = Space {
            steps: vec![(id("v"), step("Permit", &due.to_string(), "todo"))],
            ..space()
        };
        let items = student_items(space.records(&student), Reader::Student, clock());
        items
            .into_iter()
            .filter(|item| item.item.kind() == "visa")
            .map(|item| item.key)
            .collect::<Vec<_>>()
    };
    let dismissed = at_days(20);
    assert_eq!(dismissed, ["visa:stu-1:v:30"]);
    assert_eq!(at_days(14), ["visa:stu-1:v:14"]);
    let items = student_items(base.records(&student), Reader::Student, clock());
    let all = items.len();
    let kept = without_dismissed(items, &["visa:stu-1:v-3:3".to_owned()]);
    assert_eq!(kept.len(), all - 1);
    assert!(kept.iter().all(|item| item.key != "visa:stu-1:v-3:3"));
}

#[test]
fn staff_see_concerns_nobody_else_is_handling_by_urgency() {
    let concern =
        |student: &str, priority: &str, state: &str, assignee: Option<&str>, raised: &str| {
            from::<ConcernFlag>(json!({
                "student_id": student, "topic": "visa", "priority": priority, "text": "…",
                "state": state, "assignee": assignee, "raised_at": raised,
            }))
        };
    let concerns = vec![
        (
            id("c-low"),
            concern("stu-1", "low", "open", None, "2027-03-01T00:00:00Z"),
        ),
        (
            id("c-urgent"),
            concern("stu-2", "urgent", "open", None, "2027-03-09T00:00:00Z"),
        ),
        (
            id("c-normal"),
            concern("stu-3", "normal", "open", None, "2027-03-08T12:00:00Z"),
        ),
        (
            id("c-mine"),
            concern(
                "stu-4",
                "normal",
                "in_progress",
                Some("staff-1"),
                "2027-03-09T00:00:00Z",
            ),
        ),
        (
            id("c-theirs"),
            concern(
                "stu-5",
                "urgent",
                "in_progress",
                Some("staff-2"),
                "2027-03-01T00:00:00Z",
            ),
        ),
        (
            id("c-done"),
            concern("stu-6", "urgent", "resolved", None, "2027-03-01T00:00:00Z"),
        ),
    ];
    let items = staff_items(&concerns, &user("staff-1"), clock());
    assert_eq!(
        keys(&items),
        [
            // Low: due 8 March (raised 1 March + a week); urgent: at once (9 March 00:00); normal:
            // a day after (9 March 12:00 and 10 March 00:00).
            "concern:stu-1:c-low",
            "concern:stu-2:c-urgent",
            "concern:stu-3:c-normal",
            "concern:stu-4:c-mine",
        ]
    );
    assert!(items.iter().all(|item| item.item.path() == "/concerns"));
}
