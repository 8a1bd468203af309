//! Security rules of `apply` (issue #12): nothing of the write-only staff space leaks through
//! `already_exists` / `not_found`; concerns name only whom the raiser may raise them about; a
//! student's cohort is staff's to set and decides the round they rank in; names and titles refuse
//! invisible formatting characters.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, TimeZone, Utc};

use imp_shared::apply::{apply, ApplyContext, Change, MemoryRecords, RecordKey};
use imp_shared::domain::{
    Cohort, ConcernFlag, ConcernState, ConcernTopic, Entity, EntityPatch, Feedback,
    MentoringSession, MentoringSessionPatch, PlacementState, Priority, RankingChoice, RecordKind,
    Role, SessionFormat, SessionState, StudentProfile, StudentProfilePatch, StudentSummary, Task,
};
use imp_shared::error::{Denial, MutationError, Problem, Rule};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::Actor;
use imp_shared::server::related_keys_of;
use imp_shared::summary::PlacementSummary;

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        user_id: UserId::from(id),
        role,
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("a valid fixed clock")
}

fn id(text: &str) -> RecordId {
    RecordId::from(text)
}

fn concern(student: &str) -> Entity {
    Entity::ConcernFlag(ConcernFlag {
        student_id: UserId::from(student),
        topic: ConcernTopic::Housing,
        priority: Priority::Normal,
        text: "The landlord keeps the deposit".to_owned(),
        state: ConcernState::Open,
        assignee: None,
        raised_by: None,
        raised_at: None,
        notes: String::new(),
    })
}

fn summary(mentor: &str, state: PlacementState) -> Entity {
    Entity::StudentSummary(StudentSummary {
        display_name: "Bob".to_owned(),
        cohort_year: 2026,
        nationality: String::new(),
        university: String::new(),
        department: String::new(),
        degree: String::new(),
        graduation_date: None,
        languages: vec![],
        mandarin_level: None,
        interests: vec![],
        rankings: vec![],
        placements: vec![PlacementSummary {
            id: id("placement-1"),
            position_id: id("p1"),
            mentor_id: UserId::from(mentor),
            state,
            end_reason: String::new(),
            started_at: None,
        }],
        sessions_held: vec![],
        sessions_scheduled: 0,
        workshops_attended: vec![],
        workshops_going: vec![],
        applications: vec![],
        outcome: None,
        visa_routes: vec![],
        health: Default::default(),
        evaluations: Box::default(),
        updated_at: None,
    })
}

fn with(records: &[(RecordKind, &str, Entity)]) -> MemoryRecords {
    let mut view = MemoryRecords::default();
    for (kind, key, entity) in records {
        view.records.insert(
            RecordKey {
                kind: *kind,
                id: id(key),
            },
            entity.clone(),
        );
    }
    view
}

fn run(
    view: &MemoryRecords,
    who: &Actor,
    space: &SpaceId,
    staff: Option<&MemoryRecords>,
    mutation: &Mutation,
) -> Result<Vec<Change>, MutationError> {
    let ctx = ApplyContext {
        staff: staff.map(|records| records as &dyn imp_shared::apply::RecordView),
        ..ApplyContext::new(who, space, now())
    };
    apply(view, &ctx, mutation)
}

#[test]
fn the_write_only_staff_space_answers_the_same_whether_a_record_exists_or_not() {
    let student = actor("alice", Role::Student);
    let present = with(&[(RecordKind::ConcernFlag, "c-1", concern("bob"))]);
    let absent = MemoryRecords::default();
    let attempts = [
        Mutation::Delete {
            kind: RecordKind::ConcernFlag,
            id: id("c-1"),
        },
        Mutation::Update {
            id: id("c-1"),
            patch: EntityPatch::ConcernFlag(Default::default()),
        },
        Mutation::SetConcernState {
            id: id("c-1"),
            state: ConcernState::Resolved,
        },
    ];
    for mutation in &attempts {
        let when_present = run(&present, &student, &SpaceId::Staff, None, mutation);
        let when_absent = run(&absent, &student, &SpaceId::Staff, None, mutation);
        assert_eq!(
            when_present.as_ref().err().map(MutationError::code),
            Some("forbidden"),
            "{mutation:?}"
        );
        assert_eq!(
            when_present.err(),
            when_absent.err(),
            "{mutation:?} tells whether the record exists"
        );
    }
    // A record of a kind students may not create at all: forbidden, never already_exists.
    let note = with(&[(
        RecordKind::Task,
        "t-1",
        Entity::Task(Task {
            goal_id: None,
            title: "x".to_owned(),
            due_date: None,
            done: false,
            created_by: None,
        }),
    )]);
    let create_summary = Mutation::Create {
        id: id("bob"),
        record: summary("m-1", PlacementState::Active),
    };
    let refused = run(&note, &student, &SpaceId::Staff, None, &create_summary);
    assert_eq!(refused.err().map(|e| e.code()), Some("forbidden"));
}

#[test]
fn a_students_concern_is_about_themselves() {
    let student = actor("alice", Role::Student);
    let changes = run(
        &MemoryRecords::default(),
        &student,
        &SpaceId::Staff,
        None,
        &Mutation::Create {
            id: id("c-2"),
            record: concern("bob"),
        },
    );
    let Ok(changes) = changes else {
        panic!("refused: {changes:?}");
    };
    match changes.first().and_then(|change| change.record.as_ref()) {
        Some(Entity::ConcernFlag(flag)) => {
            assert_eq!(flag.student_id, UserId::from("alice"));
            assert_eq!(flag.raised_by, Some(UserId::from("alice")));
        }
        other => panic!("not a concern: {other:?}"),
    }
}

#[test]
fn mentors_raise_concerns_about_their_current_mentees_only() {
    let mentor = actor("m-1", Role::Mentor);
    let raise = Mutation::Create {
        id: id("c-3"),
        record: concern("bob"),
    };
    let mentee = with(&[(
        RecordKind::StudentSummary,
        "bob",
        summary("m-1", PlacementState::Active),
    )]);
    let ended = with(&[(
        RecordKind::StudentSummary,
        "bob",
        summary("m-1", PlacementState::Completed),
    )]);
    let someone_elses = with(&[(
        RecordKind::StudentSummary,
        "bob",
        summary("m-2", PlacementState::Active),
    )]);
    let empty = MemoryRecords::default();
    let space = SpaceId::Staff;
    assert!(run(&empty, &mentor, &space, Some(&mentee), &raise).is_ok());
    for staff in [&ended, &someone_elses, &empty] {
        assert_eq!(
            run(&empty, &mentor, &space, Some(staff), &raise).err(),
            Some(MutationError::forbidden(Denial::NotYourMentee))
        );
    }
    // The server reads the student's summary for this judgement.
    let (program, staff) = related_keys_of([&raise]);
    assert!(program.is_empty());
    assert_eq!(
        staff,
        vec![RecordKey {
            kind: RecordKind::StudentSummary,
            id: id("bob")
        }]
    );
}

fn profile(year: i32) -> Entity {
    Entity::StudentProfile(StudentProfile {
        display_name: "Alice".to_owned(),
        nationality: String::new(),
        university: String::new(),
        department: String::new(),
        degree: String::new(),
        graduation_date: None,
        languages: vec![],
        mandarin_level: None,
        residence_card_expiry: None,
        interests: vec![],
        cohort_year: year,
        degree_level: None,
        hong_kong_macau: false,
        placement_start: None,
        placement_end: None,
    })
}

#[test]
fn only_staff_set_a_students_cohort() {
    let space = SpaceId::Student(UserId::from("alice"));
    let view = with(&[(RecordKind::StudentProfile, "alice", profile(2026))]);
    let move_cohort = Mutation::Update {
        id: id("alice"),
        patch: EntityPatch::StudentProfile(StudentProfilePatch {
            cohort_year: Some(2025),
            ..Default::default()
        }),
    };
    let student = actor("alice", Role::Student);
    assert_eq!(
        run(&view, &student, &space, None, &move_cohort).err(),
        Some(MutationError::invalid("cohort_year", Problem::Locked))
    );
    assert!(run(
        &view,
        &actor("staff-1", Role::Staff),
        &space,
        None,
        &move_cohort
    )
    .is_ok());
    // Nor may a student start a profile (and so pick a cohort) themselves.
    let start = Mutation::Create {
        id: id("alice"),
        record: profile(2025),
    };
    assert_eq!(
        run(&MemoryRecords::default(), &student, &space, None, &start).err(),
        Some(MutationError::invalid("cohort_year", Problem::Locked))
    );
}

#[test]
fn a_student_without_a_profile_ranks_in_no_cohort() {
    let space = SpaceId::Student(UserId::from("alice"));
    let program = with(&[(
        RecordKind::Cohort,
        "cohort-2025",
        Entity::Cohort(Cohort {
            year: 2025,
            name: "IMP 2025".to_owned(),
            ranking_deadline: None,
            max_rankings: 3,
        }),
    )]);
    let student = actor("alice", Role::Student);
    let ctx = ApplyContext {
        program: Some(&program),
        ..ApplyContext::new(&student, &space, now())
    };
    let rank = Mutation::SetRankings {
        id: id("cohort-2025"),
        choices: Vec::<RankingChoice>::new(),
    };
    assert_eq!(
        apply(&MemoryRecords::default(), &ctx, &rank).err(),
        Some(MutationError::rule(Rule::OtherCohort {
            cohort: "IMP 2025".to_owned()
        }))
    );
}

#[test]
fn names_and_titles_refuse_bidi_overrides_and_zero_width_characters() {
    for sneaky in [
        "Invoice\u{202E}fdp.exe",
        "a\u{200B}dmin",
        "\u{2066}staff\u{2069}",
        "\u{FEFF}Alice",
        "x\u{061C}y",
    ] {
        let task = Entity::Task(Task {
            goal_id: None,
            title: sneaky.to_owned(),
            due_date: None,
            done: false,
            created_by: None,
        });
        assert_eq!(
            task.validate().err(),
            Some(MutationError::invalid(
                "title",
                Problem::InvisibleFormatting
            )),
            "{sneaky:?}"
        );
    }
    // Joiners that scripts and emoji need stay allowed.
    for fine in [
        "می\u{200C}خواهم",
        "👩\u{200D}💻 Coding club",
        "Résumé — 履歷",
    ] {
        let task = Entity::Task(Task {
            goal_id: None,
            title: fine.to_owned(),
            due_date: None,
            done: false,
            created_by: None,
        });
        assert!(task.validate().is_ok(), "{fine:?}");
    }
}

fn session(starts_at: DateTime<Utc>, state: SessionState) -> Entity {
    Entity::MentoringSession(MentoringSession {
        starts_at,
        time_zone: "Asia/Taipei".to_owned(),
        duration_minutes: 60,
        format: SessionFormat::Video,
        location: String::new(),
        agenda: "CV review".to_owned(),
        notes: String::new(),
        next_steps: String::new(),
        state,
    })
}

fn feedback_on(session_id: &str, author: &str) -> Entity {
    Entity::Feedback(Feedback {
        session_id: id(session_id),
        rating: 4,
        text: "Useful".to_owned(),
        author: Some(UserId::from(author)),
    })
}

fn move_to(session_id: &str, starts_at: DateTime<Utc>) -> Mutation {
    Mutation::Update {
        id: id(session_id),
        patch: EntityPatch::MentoringSession(MentoringSessionPatch {
            starts_at: Some(starts_at),
            ..Default::default()
        }),
    }
}

#[test]
fn a_session_with_feedback_or_logged_keeps_its_time() {
    let space = SpaceId::Student(UserId::from("alice"));
    let mentor = actor("m-1", Role::Mentor);
    let past = now() - chrono::Duration::days(2);
    let long_ago = now() - chrono::Duration::days(30);
    let placement = (
        RecordKind::Placement,
        "placement-1",
        Entity::Placement(imp_shared::domain::Placement {
            student_id: UserId::from("alice"),
            position_id: id("p1"),
            mentor_id: UserId::from("m-1"),
            state: PlacementState::Active,
            started_at: None,
            end_reason: String::new(),
            ended_by: None,
            ended_at: None,
        }),
    );
    let with_feedback = with(&[
        placement.clone(),
        (
            RecordKind::MentoringSession,
            "s-1",
            session(past, SessionState::Scheduled),
        ),
        (RecordKind::Feedback, "f-1", feedback_on("s-1", "m-1")),
    ]);
    let logged = with(&[
        placement.clone(),
        (
            RecordKind::MentoringSession,
            "s-1",
            session(past, SessionState::Completed),
        ),
    ]);
    let plain = with(&[
        placement,
        (
            RecordKind::MentoringSession,
            "s-1",
            session(past, SessionState::Scheduled),
        ),
    ]);
    for view in [&with_feedback, &logged] {
        assert_eq!(
            run(view, &mentor, &space, None, &move_to("s-1", long_ago)).err(),
            Some(MutationError::rule(Rule::SessionTimeFixed))
        );
    }
    assert!(run(&plain, &mentor, &space, None, &move_to("s-1", long_ago)).is_ok());
    // Other fields of a session with feedback still change.
    let agenda = Mutation::Update {
        id: id("s-1"),
        patch: EntityPatch::MentoringSession(MentoringSessionPatch {
            agenda: Some("Mock interview".to_owned()),
            ..Default::default()
        }),
    };
    assert!(run(&with_feedback, &mentor, &space, None, &agenda).is_ok());
}

#[test]
fn feedback_waits_until_the_session_took_place() {
    let space = SpaceId::Student(UserId::from("alice"));
    let student = actor("alice", Role::Student);
    let later = now() + chrono::Duration::hours(3);
    let earlier = now() - chrono::Duration::hours(3);
    let give = |session_id: &str| Mutation::Create {
        id: id("f-9"),
        record: feedback_on(session_id, "alice"),
    };
    let view = with(&[
        (
            RecordKind::MentoringSession,
            "soon",
            session(later, SessionState::Scheduled),
        ),
        (
            RecordKind::MentoringSession,
            "held",
            session(earlier, SessionState::Completed),
        ),
    ]);
    assert_eq!(
        run(&view, &student, &space, None, &give("soon")).err(),
        Some(MutationError::rule(Rule::FeedbackBeforeSession))
    );
    assert!(run(&view, &student, &space, None, &give("held")).is_ok());
    assert_eq!(
        run(&view, &student, &space, None, &give("missing"))
            .err()
            .map(|e| e.code()),
        Some("not_found")
    );
}

#[test]
fn a_raiser_has_at_most_twenty_open_concerns() {
    let student = actor("alice", Role::Student);
    let mut view = MemoryRecords::default();
    let raise = |n: usize| Mutation::Create {
        id: id(&format!("c-{n}")),
        record: concern("alice"),
    };
    for n in 0..20 {
        let changes = run(&view, &student, &SpaceId::Staff, None, &raise(n));
        let Ok(changes) = changes else {
            panic!("concern {n} refused: {changes:?}");
        };
        for change in changes {
            if let Some(record) = change.record {
                view.records.insert(change.key, record);
            }
        }
    }
    assert_eq!(
        run(&view, &student, &SpaceId::Staff, None, &raise(20)).err(),
        Some(MutationError::rule(Rule::TooManyOpenConcerns { max: 20 }))
    );
    // A resolved one no longer counts.
    if let Some(Entity::ConcernFlag(flag)) = view.records.get_mut(&RecordKey {
        kind: RecordKind::ConcernFlag,
        id: id("c-0"),
    }) {
        flag.state = ConcernState::Resolved;
    }
    assert!(run(&view, &student, &SpaceId::Staff, None, &raise(20)).is_ok());
}

#[test]
fn a_space_takes_no_records_past_its_cap() {
    use imp_shared::ids::{ClientId, MutationSeq, ServerVersion};
    use imp_shared::mutation::PendingMutation;
    use imp_shared::protocol::{PushRequest, Verdict, PROTOCOL_VERSION, SCHEMA_VERSION};
    use imp_shared::server::{self, MemoryServerStore, ServerStore, StoredRecord};

    let space = SpaceId::Student(UserId::from("alice"));
    let student = actor("alice", Role::Student);
    let cap = server::max_live_records(&space);
    let task = |title: &str| {
        Entity::Task(Task {
            goal_id: None,
            title: title.to_owned(),
            due_date: None,
            done: false,
            created_by: Some(UserId::from("alice")),
        })
    };
    let mut store = MemoryServerStore::default();
    for n in 0..cap {
        let stored = StoredRecord {
            version: ServerVersion(1),
            record: Some(task("Old")),
            written_at: now(),
        };
        let key = RecordKey {
            kind: RecordKind::Task,
            id: id(&format!("t-{n}")),
        };
        assert!(store.put_record(&key, stored).is_ok());
    }
    assert!(store.set_version(ServerVersion(1)).is_ok());
    let request = PushRequest {
        protocol: PROTOCOL_VERSION,
        schema: SCHEMA_VERSION,
        client_id: ClientId::from("c-1"),
        mutations: vec![
            PendingMutation {
                seq: MutationSeq(1),
                mutation: Mutation::Create {
                    id: id("t-new"),
                    record: task("One too many"),
                },
            },
            PendingMutation {
                seq: MutationSeq(2),
                mutation: Mutation::SetTaskDone {
                    id: id("t-0"),
                    done: true,
                },
            },
            PendingMutation {
                seq: MutationSeq(3),
                mutation: Mutation::Delete {
                    kind: RecordKind::Task,
                    id: id("t-1"),
                },
            },
            PendingMutation {
                seq: MutationSeq(4),
                mutation: Mutation::Create {
                    id: id("t-new"),
                    record: task("Fits now"),
                },
            },
        ],
    };
    let outcome = server::push(
        &mut store,
        &student,
        &space,
        &request,
        &Default::default(),
        now(),
    );
    let Ok(outcome) = outcome else {
        panic!("push failed: {outcome:?}");
    };
    let verdicts: Vec<Verdict> = outcome
        .response
        .verdicts
        .into_iter()
        .map(|v| v.verdict)
        .collect();
    assert_eq!(
        verdicts[0],
        Verdict::rejected(MutationError::rule(Rule::SpaceFull { max: cap }))
    );
    assert_eq!(verdicts[1..], [Verdict::Ok, Verdict::Ok, Verdict::Ok]);
    assert_eq!(store.live_count().ok(), Some(cap));
}
