//! Property and table tests for `apply`, validation and permissions.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use imp_shared::apply::{apply, ApplyContext, MemoryRecords, RecordView};
use imp_shared::domain::{
    Entity, EntityPatch, JobApplicationPatch, RecordKind, Role, Task, TaskPatch,
};
use imp_shared::error::MutationError;
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::{may_write, space_access, Actor, SpaceAccess, WriteOp};

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        user_id: UserId::from(id),
        role,
    }
}

fn alice_space() -> SpaceId {
    SpaceId::Student(UserId::from("alice"))
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0)
        .single()
        .unwrap_or_default()
}

fn task(title: &str) -> Entity {
    Entity::Task(Task {
        goal_id: None,
        title: title.to_owned(),
        due_date: None,
        done: false,
        created_by: None,
    })
}

fn run(
    records: &mut MemoryRecords,
    who: &Actor,
    space: &SpaceId,
    mutation: &Mutation,
) -> Result<(), MutationError> {
    let context = ApplyContext::new(who, space, now());
    let changes = apply(records, &context, mutation)?;
    records.write(&changes);
    Ok(())
}

/// A small alphabet of mutations over three task ids, so that conflicts are common.
fn mutation_strategy() -> impl Strategy<Value = Mutation> {
    let id = prop::sample::select(vec!["t1", "t2", "t3"]).prop_map(RecordId::from);
    let title = "[a-z]{0,12}";
    prop_oneof![
        (id.clone(), title).prop_map(|(id, title)| Mutation::Create {
            id,
            record: task(&title)
        }),
        (id.clone(), title).prop_map(|(id, title)| Mutation::Update {
            id,
            patch: EntityPatch::Task(TaskPatch {
                title: Some(title),
                ..TaskPatch::default()
            }),
        }),
        (id.clone(), 0u32..400).prop_map(|(id, days)| Mutation::Update {
            id,
            patch: EntityPatch::Task(TaskPatch {
                due_date: Some(
                    NaiveDate::from_ymd_opt(2026, 1, 1)
                        .map(|d| d + chrono::Duration::days(i64::from(days)))
                ),
                ..TaskPatch::default()
            }),
        }),
        (id.clone(), any::<bool>()).prop_map(|(id, done)| Mutation::SetTaskDone { id, done }),
        id.prop_map(|id| Mutation::Delete {
            kind: RecordKind::Task,
            id
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// I5/I9: the same log gives the same state, and refused mutations change nothing.
    #[test]
    fn same_log_same_state(log in prop::collection::vec(mutation_strategy(), 0..40)) {
        let who = actor("alice", Role::Student);
        let space = alice_space();
        let mut first = MemoryRecords::default();
        let mut second = MemoryRecords::default();
        for mutation in &log {
            let before = first.clone();
            let outcome = run(&mut first, &who, &space, mutation);
            if outcome.is_err() {
                prop_assert_eq!(&first, &before, "a refused mutation changed something");
            }
            let _ = run(&mut second, &who, &space, mutation);
        }
        prop_assert_eq!(first, second);
    }

    /// Field patches that touch different fields commute: both edits survive in either order.
    #[test]
    fn patches_to_different_fields_commute(title in "[a-z]{1,12}", days in 0i64..400, done in any::<bool>()) {
        let who = actor("alice", Role::Student);
        let space = alice_space();
        let mut base = MemoryRecords::default();
        run(&mut base, &who, &space, &Mutation::Create { id: RecordId::from("t1"), record: task("start") })
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let rename = Mutation::Update {
            id: RecordId::from("t1"),
            patch: EntityPatch::Task(TaskPatch { title: Some(title.clone()), ..TaskPatch::default() }),
        };
        let due = NaiveDate::from_ymd_opt(2026, 1, 1).map(|d| d + chrono::Duration::days(days));
        let reschedule = Mutation::Update {
            id: RecordId::from("t1"),
            patch: EntityPatch::Task(TaskPatch { due_date: Some(due), done: Some(done), ..TaskPatch::default() }),
        };
        let mut one = base.clone();
        let mut two = base.clone();
        for mutation in [&rename, &reschedule] { run(&mut one, &who, &space, mutation).map_err(|e| TestCaseError::fail(e.to_string()))?; }
        for mutation in [&reschedule, &rename] { run(&mut two, &who, &space, mutation).map_err(|e| TestCaseError::fail(e.to_string()))?; }
        prop_assert_eq!(&one, &two);
        match one.get(RecordKind::Task, &RecordId::from("t1")) {
            Some(Entity::Task(task)) => {
                prop_assert_eq!(task.title, title);
                prop_assert_eq!(task.due_date, due);
                prop_assert_eq!(task.done, done);
            }
            other => prop_assert!(false, "task missing: {:?}", other),
        }
    }

    /// Students never write another student's space, and only staff write the program space.
    #[test]
    fn students_stay_in_their_own_space(owner in "[a-z]{1,8}", intruder in "[a-z]{1,8}", kind_index in 0usize..RecordKind::ALL.len()) {
        let kind = RecordKind::ALL[kind_index];
        let space = SpaceId::Student(UserId(owner.clone()));
        let who = actor(&intruder, Role::Student);
        let access = space_access(&who, &space, false);
        for op in [WriteOp::Create, WriteOp::Change, WriteOp::Delete] {
            let allowed = may_write(&who, &space, access, kind, op, None).is_ok();
            if owner != intruder {
                prop_assert!(!allowed, "{} wrote {:?} into {}", intruder, kind, space);
            }
            for role in [Role::Student, Role::Mentor] {
                let person = actor(&intruder, role);
                let program_access = space_access(&person, &SpaceId::Program, true);
                prop_assert!(may_write(&person, &SpaceId::Program, program_access, kind, op, None).is_err());
            }
        }
    }
}

#[test]
fn validation_table() {
    let who = actor("alice", Role::Student);
    let space = alice_space();
    let create = |id: &str, record: Entity| Mutation::Create {
        id: RecordId::from(id),
        record,
    };
    let bad_date = NaiveDate::from_ymd_opt(1800, 1, 1);
    let table: Vec<(&str, Mutation, Option<&str>)> = vec![
        ("fine task", create("t1", task("Write CV")), None),
        ("empty title", create("t2", task("   ")), Some("invalid")),
        (
            "title too long",
            create("t3", task(&"x".repeat(201))),
            Some("invalid"),
        ),
        (
            "control characters",
            create("t4", task("a\u{7}b")),
            Some("invalid"),
        ),
        (
            "date out of range",
            create(
                "t5",
                Entity::Task(Task {
                    goal_id: None,
                    title: "x".into(),
                    due_date: bad_date,
                    done: false,
                    created_by: None,
                }),
            ),
            Some("invalid"),
        ),
        ("bad id", create("a/b", task("x")), Some("invalid")),
        (
            "program kind in a student space",
            create(
                "c1",
                Entity::Announcement(imp_shared::domain::Announcement {
                    title: "x".into(),
                    body: String::new(),
                    published_at: now(),
                }),
            ),
            Some("invalid"),
        ),
        (
            "duplicate id",
            create("t1", task("again")),
            Some("already_exists"),
        ),
        (
            "missing record",
            Mutation::SetTaskDone {
                id: RecordId::from("nope"),
                done: true,
            },
            Some("not_found"),
        ),
        (
            "placement by a student",
            create(
                "p1",
                Entity::Placement(imp_shared::domain::Placement {
                    student_id: UserId::from("alice"),
                    position_id: RecordId::from("x"),
                    mentor_id: UserId::from("m"),
                    state: imp_shared::domain::PlacementState::Confirmed,
                }),
            ),
            Some("forbidden"),
        ),
        (
            "locked field by update",
            Mutation::Update {
                id: RecordId::from("t1"),
                patch: EntityPatch::Task(TaskPatch {
                    created_by: Some(Some(UserId::from("x"))),
                    ..TaskPatch::default()
                }),
            },
            Some("invalid"),
        ),
        (
            "patch of the wrong kind",
            Mutation::Update {
                id: RecordId::from("t1"),
                patch: EntityPatch::JobApplication(JobApplicationPatch::default()),
            },
            Some("not_found"),
        ),
    ];
    let mut records = MemoryRecords::default();
    for (name, mutation, expected) in table {
        let before = records.clone();
        let outcome = run(&mut records, &who, &space, &mutation);
        assert_eq!(
            outcome.as_ref().err().map(MutationError::code),
            expected,
            "{name}: {outcome:?}"
        );
        if expected.is_some() {
            assert_eq!(records, before, "{name} changed something");
        }
    }
}

#[test]
fn state_machines_refuse_illegal_steps() {
    let staff = actor("staff-1", Role::Staff);
    let space = alice_space();
    let mut records = MemoryRecords::default();
    let placement = Mutation::Create {
        id: RecordId::from("p1"),
        record: Entity::Placement(imp_shared::domain::Placement {
            student_id: UserId::from("alice"),
            position_id: RecordId::from("pos-1"),
            mentor_id: UserId::from("m-1"),
            state: imp_shared::domain::PlacementState::Proposed,
        }),
    };
    assert!(run(&mut records, &staff, &space, &placement).is_ok());
    use imp_shared::domain::PlacementState::*;
    let steps = [
        (Completed, false),
        (Confirmed, true),
        (Proposed, false),
        (Active, true),
        (Completed, true),
        (Active, false),
    ];
    for (state, ok) in steps {
        let outcome = run(
            &mut records,
            &staff,
            &space,
            &Mutation::SetPlacementState {
                id: RecordId::from("p1"),
                state,
            },
        );
        assert_eq!(outcome.is_ok(), ok, "to {state:?}: {outcome:?}");
    }
}

#[test]
fn mentor_access_follows_the_placement() {
    let staff = actor("staff-1", Role::Staff);
    let mentor = actor("m-1", Role::Mentor);
    let space = alice_space();
    let mut records = MemoryRecords::default();
    let create_task = Mutation::Create {
        id: RecordId::from("t1"),
        record: task("From my mentor"),
    };
    assert_eq!(
        run(&mut records, &mentor, &space, &create_task).map_err(|e| e.code()),
        Err("forbidden")
    );
    let placement = Mutation::Create {
        id: RecordId::from("p1"),
        record: Entity::Placement(imp_shared::domain::Placement {
            student_id: UserId::from("alice"),
            position_id: RecordId::from("pos-1"),
            mentor_id: UserId::from("m-1"),
            state: imp_shared::domain::PlacementState::Confirmed,
        }),
    };
    assert!(run(&mut records, &staff, &space, &placement).is_ok());
    assert_eq!(
        imp_shared::apply::access_in(&records, &mentor, &space),
        SpaceAccess::ReadWrite
    );
    assert!(run(&mut records, &mentor, &space, &create_task).is_ok());
    match records.get(RecordKind::Task, &RecordId::from("t1")) {
        Some(Entity::Task(task)) => assert_eq!(task.created_by, Some(UserId::from("m-1"))),
        other => panic!("task missing: {other:?}"),
    }
    assert!(run(
        &mut records,
        &staff,
        &space,
        &Mutation::SetPlacementState {
            id: RecordId::from("p1"),
            state: imp_shared::domain::PlacementState::EndedEarly
        }
    )
    .is_ok());
    assert_eq!(
        imp_shared::apply::access_in(&records, &mentor, &space),
        SpaceAccess::None
    );
}

#[test]
fn wire_shapes_round_trip() {
    let samples = [
        r#"{"type":"create","id":"t1","record":{"kind":"task","fields":{"title":"Hi","done":false}}}"#,
        r#"{"type":"update","id":"t1","patch":{"kind":"task","fields":{"due_date":null}}}"#,
        r#"{"type":"delete","kind":"goal","id":"g1"}"#,
        r#"{"type":"set_placement_state","id":"p1","state":"confirmed"}"#,
    ];
    for sample in samples {
        let parsed: Mutation =
            serde_json::from_str(sample).unwrap_or_else(|e| panic!("{sample}: {e}"));
        let again: Mutation =
            serde_json::from_str(&serde_json::to_string(&parsed).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{sample}: {e}"));
        assert_eq!(parsed, again);
    }
    // `null` clears an optional field; an absent field is left alone.
    let clear: Mutation = serde_json::from_str(samples[1]).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        clear,
        Mutation::Update {
            patch: EntityPatch::Task(TaskPatch {
                due_date: Some(None),
                title: None,
                ..
            }),
            ..
        }
    ));
    for bad in [
        r#"{"type":"drop_everything"}"#,
        r#"{"type":"create","id":"t1","record":{"kind":"task","fields":{"title":"x","done":"yes"}}}"#,
        r#"{"type":"create","id":"t1","record":{"kind":"spaceship","fields":{}}}"#,
        r#"{"type":"create","id":"t1","record":{"kind":"task","fields":{"title":"x","done":false,"due_date":"2025-02-30"}}}"#,
    ] {
        assert!(
            serde_json::from_str::<Mutation>(bad).is_err(),
            "{bad} should not parse"
        );
    }
    // Records read leniently (a newer server's fields, §4 schema skew); push input stays strict:
    // the server reads a mutation with an unknown field as unreadable (`read_push`).
    let colour = r#"{"type":"create","id":"t1","record":{"kind":"task","fields":{"title":"x","done":false,"colour":"red"}}}"#;
    assert!(serde_json::from_str::<Mutation>(colour).is_ok());
    let push = format!(
        r#"{{"protocol":1,"schema":1,"client_id":"c","mutations":[{{"seq":1,"mutation":{colour}}}]}}"#
    );
    let read = imp_shared::protocol::read_push(&push).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        read.items.as_slice(),
        [imp_shared::protocol::PushItem::Unreadable { .. }]
    ));
}
