//! Pair health (`imp_shared::health`): each rule on a table of situations, edge dates included, on
//! a fixed clock (Wednesday 10 March 2027, 09:00 in Taipei).

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;

use common::{at, day, from};
use imp_shared::domain::{
    Activity, Entity, Feedback, FlagReview, MentoringSession, Placement, Task, VisaStep,
};
use imp_shared::health::{facts, flags, shown, ActivePair, Flag, PairFacts, PairRecords, Severity};
use imp_shared::ids::{RecordId, UserId};

fn now() -> DateTime<Utc> {
    at("2027-03-10T01:00:00Z")
}

fn today() -> NaiveDate {
    day("2027-03-10")
}

fn days_ago(days: i64) -> DateTime<Utc> {
    now() - Duration::days(days)
}

fn active(started: Option<DateTime<Utc>>) -> Option<ActivePair> {
    Some(ActivePair {
        mentor_id: UserId::from("m-1"),
        started_at: started,
    })
}

fn rules(facts: &PairFacts) -> Vec<&'static str> {
    flags(facts, now(), today())
        .iter()
        .map(Flag::rule)
        .collect()
}

#[test]
fn each_rule_on_its_table() {
    // (situation, facts, the rules that flag it)
    let table: Vec<(&str, PairFacts, Vec<&str>)> = vec![
        (
            "no placement: nothing is watched",
            PairFacts {
                active: None,
                visa_due: vec![day("2027-01-01")],
                tasks_due: vec![day("2027-01-01")],
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "started 13 days ago, no session yet",
            PairFacts {
                active: active(Some(days_ago(13))),
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "started 14 days ago, no session yet",
            PairFacts {
                active: active(Some(days_ago(14))),
                ..PairFacts::default()
            },
            vec!["no_first_session"],
        ),
        (
            "start unknown, no session: not guessed",
            PairFacts {
                active: active(None),
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "last session 29 days ago",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(29)),
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "last session 30 days ago",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(30)),
                ..PairFacts::default()
            },
            vec!["no_recent_session"],
        ),
        (
            "rated 2 ten days ago",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(10)),
                low_ratings: vec![(days_ago(10), 2)],
                ..PairFacts::default()
            },
            vec!["low_rating"],
        ),
        (
            "rated 1 thirty-one days ago: old news",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(3)),
                low_ratings: vec![(days_ago(31), 1)],
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "one side answered, the week to answer is over",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(10)),
                one_sided: vec![(days_ago(10), days_ago(3))],
                ..PairFacts::default()
            },
            vec!["one_sided"],
        ),
        (
            "one side answered, the other still may",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(3)),
                one_sided: vec![(days_ago(3), now() + Duration::days(4))],
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "a visa step was due yesterday",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(3)),
                visa_due: vec![day("2027-03-09"), day("2027-04-01")],
                ..PairFacts::default()
            },
            vec!["visa_overdue"],
        ),
        (
            "a visa step is due today",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(3)),
                visa_due: vec![day("2027-03-10")],
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "a task 8 days overdue",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(3)),
                tasks_due: vec![day("2027-03-02")],
                ..PairFacts::default()
            },
            vec!["tasks_overdue"],
        ),
        (
            "a task 7 days overdue: still in its week of grace",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_active: Some(days_ago(2)),
                last_session: Some(days_ago(3)),
                tasks_due: vec![day("2027-03-03")],
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "the student last used the app 20 days ago",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_session: Some(days_ago(3)),
                last_active: Some(days_ago(20)),
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "the student last used the app 21 days ago",
            PairFacts {
                active: active(Some(days_ago(90))),
                last_session: Some(days_ago(3)),
                last_active: Some(days_ago(21)),
                ..PairFacts::default()
            },
            vec!["inactive"],
        ),
        (
            "never active since a placement that started 21 days ago",
            PairFacts {
                active: active(Some(days_ago(21))),
                last_session: Some(days_ago(3)),
                ..PairFacts::default()
            },
            vec!["inactive"],
        ),
        (
            "last active 40 days ago, before a placement that started 10 days ago",
            PairFacts {
                active: active(Some(days_ago(10))),
                last_session: Some(days_ago(3)),
                last_active: Some(days_ago(40)),
                ..PairFacts::default()
            },
            vec![],
        ),
        (
            "neither activity nor the start known: not guessed",
            PairFacts {
                active: active(None),
                last_session: Some(days_ago(3)),
                ..PairFacts::default()
            },
            vec![],
        ),
    ];
    for (situation, facts, expected) in table {
        assert_eq!(rules(&facts), expected, "{situation}");
    }
}

#[test]
fn flags_come_most_severe_first_with_their_dates() {
    let facts = PairFacts {
        active: active(Some(days_ago(120))),
        last_session: Some(days_ago(40)),
        low_ratings: vec![(days_ago(40), 3), (days_ago(25), 2), (days_ago(20), 1)],
        one_sided: vec![(days_ago(25), days_ago(17))],
        visa_due: vec![day("2027-03-01"), day("2027-02-20"), day("2027-06-01")],
        tasks_due: vec![day("2027-02-01"), day("2027-01-15"), day("2027-03-09")],
        reviews: vec![],
        last_active: Some(days_ago(30)),
    };
    let all = flags(&facts, now(), today());
    assert_eq!(
        all,
        [
            Flag::LowRating {
                session: days_ago(20),
                rating: 1
            },
            Flag::VisaOverdue {
                count: 2,
                since: day("2027-02-20")
            },
            Flag::NoRecentSession {
                last: days_ago(40),
                days: 40
            },
            Flag::Inactive {
                since: days_ago(30),
                days: 30
            },
            Flag::OneSided {
                session: days_ago(25)
            },
            Flag::TasksOverdue {
                count: 2,
                since: day("2027-01-15")
            },
        ]
    );
    let severities: Vec<Severity> = all.iter().map(Flag::severity).collect();
    assert_eq!(
        severities,
        [
            Severity::High,
            Severity::High,
            Severity::Medium,
            Severity::Medium,
            Severity::Low,
            Severity::Low
        ]
    );
}

#[test]
fn facts_come_from_the_students_space() {
    let student = UserId::from("stu-1");
    let placement = |state: &str, started: Option<&str>| -> Placement {
        from(json!({
            "student_id": "stu-1", "position_id": "pos-1", "mentor_id": "m-1", "state": state,
            "started_at": started,
        }))
    };
    let session = |starts_at: &str, state: &str| -> MentoringSession {
        from(json!({
            "starts_at": starts_at, "time_zone": "Asia/Taipei", "duration_minutes": 60,
            "format": "video", "state": state,
        }))
    };
    let feedback = |session: &str, rating: u8, author: &str| -> Feedback {
        from(json!({ "session_id": session, "rating": rating, "author": author }))
    };
    let placements = vec![
        (
            RecordId::from("p-old"),
            placement("completed", Some("2026-01-05T00:00:00Z")),
        ),
        (
            RecordId::from("p-now"),
            placement("active", Some("2027-01-04T00:00:00Z")),
        ),
    ];
    let sessions = vec![
        (
            RecordId::from("s1"),
            session("2027-02-01T01:00:00Z", "completed"),
        ),
        (
            RecordId::from("s2"),
            session("2027-02-20T01:00:00Z", "completed"),
        ),
        (
            RecordId::from("s3"),
            session("2027-03-20T01:00:00Z", "scheduled"),
        ),
    ];
    let feedback = vec![
        (RecordId::from("f1"), feedback("s1", 5, "stu-1")),
        (RecordId::from("f2"), feedback("s1", 2, "m-1")),
        (RecordId::from("f3"), feedback("s2", 4, "m-1")),
    ];
    let tasks: Vec<(RecordId, Task)> = vec![
        (
            RecordId::from("t1"),
            from(json!({ "title": "a", "due_date": "2027-03-01", "done": false })),
        ),
        (
            RecordId::from("t2"),
            from(json!({ "title": "b", "due_date": "2027-02-01", "done": true })),
        ),
    ];
    let steps: Vec<(RecordId, VisaStep)> = vec![(
        RecordId::from("v1"),
        from(json!({
            "route": "r", "title": "Permit", "authority": "WDA", "due_date": "2027-04-01",
            "documents": [], "state": "todo",
        })),
    )];
    let activity: Vec<(RecordId, Activity)> = vec![
        (
            RecordId::from("stu-1"),
            from(json!({ "user_id": "stu-1", "at": "2027-03-08T15:30:00Z" })),
        ),
        (
            RecordId::from("m-1"),
            from(json!({ "user_id": "m-1", "at": "2027-03-09T23:00:00Z" })),
        ),
    ];
    let got = facts(PairRecords {
        student: Some(&student),
        placements: &placements,
        sessions: &sessions,
        feedback: &feedback,
        tasks: &tasks,
        visa_steps: &steps,
        reviews: &[],
        activity: &activity,
    });
    assert_eq!(
        got,
        PairFacts {
            active: active(Some(at("2027-01-04T00:00:00Z"))),
            last_session: Some(at("2027-02-20T01:00:00Z")),
            low_ratings: vec![(at("2027-02-01T01:00:00Z"), 2)],
            // Only the mentor answered s2; its week to answer ended a week after it ended.
            one_sided: vec![(at("2027-02-20T01:00:00Z"), at("2027-02-27T02:00:00Z"))],
            visa_due: vec![day("2027-04-01")],
            tasks_due: vec![day("2027-03-01")],
            reviews: vec![],
            // The student's own latest activity, to the start of its day; not the mentor's.
            last_active: Some(at("2027-03-08T00:00:00Z")),
        }
    );
    // And they survive the trip through a summary (JSON) unchanged.
    let text = serde_json::to_string(&got).unwrap_or_default();
    assert_eq!(serde_json::from_str::<PairFacts>(&text).ok(), Some(got));
}

fn review(occurrence: &str, state: &str, extra: serde_json::Value) -> FlagReview {
    let mut fields = json!({ "occurrence": occurrence, "state": state });
    if let (Some(fields), Some(extra)) = (fields.as_object_mut(), extra.as_object()) {
        fields.extend(extra.clone());
    }
    from(fields)
}

#[test]
fn staff_reviews_hide_resolved_and_snoozed_flags_of_the_same_occurrence_only() {
    // No session for 40 days: the flag's occurrence is anchored on the last session.
    let base = PairFacts {
        active: active(Some(days_ago(120))),
        last_session: Some(days_ago(40)),
        last_active: Some(days_ago(1)),
        ..PairFacts::default()
    };
    let occurrence = flags(&base, now(), today())
        .first()
        .map(Flag::occurrence)
        .unwrap_or_default();
    assert_eq!(
        occurrence,
        format!("no_recent_session@{}", days_ago(40).timestamp())
    );
    let with = |reviews: Vec<(&str, FlagReview)>| PairFacts {
        reviews: reviews
            .into_iter()
            .map(|(rule, review)| (RecordId::from(rule), review))
            .collect(),
        ..base.clone()
    };
    let rules_shown = |facts: &PairFacts| -> Vec<(&'static str, Option<String>)> {
        shown(facts, now(), today())
            .into_iter()
            .map(|shown| {
                let assignee = shown
                    .review
                    .and_then(|review| review.assignee)
                    .map(|user| user.to_string());
                (shown.flag.rule(), assignee)
            })
            .collect()
    };
    type Expected = Vec<(&'static str, Option<String>)>;
    let table: Vec<(&str, PairFacts, Expected)> = vec![
        ("no review", with(vec![]), vec![("no_recent_session", None)]),
        (
            "resolved",
            with(vec![(
                "no_recent_session",
                review(
                    &occurrence,
                    "resolved",
                    json!({ "note": "They met off the app" }),
                ),
            )]),
            vec![],
        ),
        (
            "resolved for an earlier occurrence: shown again",
            with(vec![(
                "no_recent_session",
                review("no_recent_session@1", "resolved", json!({ "note": "old" })),
            )]),
            vec![("no_recent_session", None)],
        ),
        (
            "snoozed until tomorrow",
            with(vec![(
                "no_recent_session",
                review(
                    &occurrence,
                    "snoozed",
                    json!({ "snoozed_until": "2027-03-11" }),
                ),
            )]),
            vec![],
        ),
        (
            "snoozed until today: back",
            with(vec![(
                "no_recent_session",
                review(
                    &occurrence,
                    "snoozed",
                    json!({ "snoozed_until": "2027-03-10" }),
                ),
            )]),
            vec![("no_recent_session", None)],
        ),
        (
            "assigned: shown with who has it",
            with(vec![(
                "no_recent_session",
                review(&occurrence, "assigned", json!({ "assignee": "staff-1" })),
            )]),
            vec![("no_recent_session", Some("staff-1".to_owned()))],
        ),
        (
            "a review of another rule changes nothing",
            with(vec![(
                "low_rating",
                review(&occurrence, "resolved", json!({ "note": "x" })),
            )]),
            vec![("no_recent_session", None)],
        ),
    ];
    for (situation, facts, expected) in table {
        assert_eq!(rules_shown(&facts), expected, "{situation}");
    }
}

#[test]
fn a_resolution_needs_a_note_and_a_snooze_a_date() {
    let check = |review: FlagReview| Entity::FlagReview(review).validate().is_ok();
    assert!(check(review(
        "r@1",
        "resolved",
        json!({ "note": "Called both" })
    )));
    assert!(!check(review("r@1", "resolved", json!({}))));
    assert!(check(review(
        "r@1",
        "snoozed",
        json!({ "snoozed_until": "2027-04-01" })
    )));
    assert!(!check(review("r@1", "snoozed", json!({}))));
    assert!(check(review(
        "r@1",
        "assigned",
        json!({ "assignee": "staff-1" })
    )));
}

#[test]
fn the_server_notes_activity_of_the_pair_at_most_once_an_hour() {
    use imp_shared::domain::{RecordKind, Role};
    use imp_shared::error::{Denial, MutationError};
    use imp_shared::ids::{ClientId, MutationSeq, ServerVersion, SpaceId};
    use imp_shared::mutation::{Mutation, PendingMutation};
    use imp_shared::permissions::Actor;
    use imp_shared::protocol::{PushRequest, Verdict, PROTOCOL_VERSION, SCHEMA_VERSION};
    use imp_shared::server::{self, MemoryServerStore, ServerStore, ACTIVITY_REFRESH_MINUTES};

    let who = |id: &str, role| Actor {
        user_id: UserId::from(id),
        role,
    };
    let (student, mentor, staff) = (
        who("stu-1", Role::Student),
        who("m-1", Role::Mentor),
        who("staff-1", Role::Staff),
    );
    let space = SpaceId::Student(UserId::from("stu-1"));
    let mut store = MemoryServerStore::default();
    let mut note = |actor: &Actor, space: &SpaceId, minutes: i64| {
        let at = now() + Duration::minutes(minutes);
        server::note_activity(&mut store, actor, space, at).ok()
    };
    assert_eq!(note(&student, &space, 0), Some(true), "first pull");
    assert_eq!(note(&student, &space, 59), Some(false), "within the hour");
    assert_eq!(
        note(&student, &space, ACTIVITY_REFRESH_MINUTES),
        Some(true),
        "an hour on"
    );
    assert_eq!(
        note(&mentor, &space, 60),
        Some(true),
        "the mentor has their own"
    );
    assert_eq!(
        note(&staff, &space, 60),
        Some(false),
        "staff are not the pair"
    );
    assert_eq!(
        note(&student, &SpaceId::Program, 600),
        Some(false),
        "only student spaces"
    );
    assert_eq!(store.version().ok(), Some(ServerVersion(3)));
    let activity = |id: &str| match store.record(&imp_shared::apply::RecordKey {
        kind: RecordKind::Activity,
        id: RecordId::from(id),
    }) {
        Ok(Some(stored)) => stored.record,
        _ => None,
    };
    assert_eq!(
        activity("stu-1"),
        Some(Entity::Activity(Activity {
            user_id: UserId::from("stu-1"),
            at: now() + Duration::minutes(60),
        }))
    );
    assert!(activity("staff-1").is_none());

    // Nobody writes it through a mutation, not even staff.
    for actor in [&student, &staff] {
        let request = PushRequest {
            protocol: PROTOCOL_VERSION,
            schema: SCHEMA_VERSION,
            client_id: ClientId::from("c-1"),
            mutations: vec![PendingMutation {
                seq: MutationSeq(1),
                mutation: Mutation::Create {
                    id: RecordId::from("stu-1"),
                    record: Entity::Activity(Activity {
                        user_id: UserId::from("stu-1"),
                        at: now() + Duration::days(400),
                    }),
                },
            }],
        };
        let verdicts = server::push(
            &mut store,
            actor,
            &space,
            &request,
            &Default::default(),
            now(),
        )
        .map(|outcome| outcome.response.verdicts)
        .unwrap_or_default();
        assert_eq!(
            verdicts.first().map(|v| v.verdict.clone()),
            Some(Verdict::rejected(MutationError::forbidden(
                Denial::ActivityByServer
            ))),
            "{actor:?}"
        );
    }
}
