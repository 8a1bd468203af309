//! Property and table tests for `apply`, validation and permissions.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use imp_shared::apply::{apply, ApplyContext, MemoryRecords, RecordKey, RecordView};
use imp_shared::client::replay;
use imp_shared::domain::{
    Entity, EntityPatch, JobApplicationPatch, RecordKind, Role, Task, TaskPatch,
};
use imp_shared::error::MutationError;
use imp_shared::ids::{ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::mutation::{Mutation, PendingMutation};
use imp_shared::permissions::{may_write, space_access, Actor, SpaceAccess, WriteOp};
use imp_shared::protocol::{PushRequest, Verdict, PROTOCOL_VERSION, SCHEMA_VERSION};
use imp_shared::server::{self, MemoryServerStore, RelatedRecords};

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
        .expect("a valid fixed clock")
}

fn first_of_2026() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date")
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
    // One title in five is blank (empty or spaces): `invalid`.
    let title = prop_oneof![4 => "[a-z]{1,12}", 1 => " {0,2}"];
    prop_oneof![
        (id.clone(), title.clone()).prop_map(|(id, title)| Mutation::Create {
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
                due_date: Some(Some(
                    first_of_2026() + chrono::Duration::days(i64::from(days))
                )),
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

/// What one mutation of [`mutation_strategy`]'s alphabet does to a space of tasks, written from
/// the rules rather than from `apply`: a create of a taken id is `already_exists`, anything else
/// on a missing id is `not_found`, a blank title is `invalid`; otherwise the task changes as the
/// mutation says (a new task is stamped with its creator). Returns the next state or the code.
fn model_step(
    tasks: &BTreeMap<RecordId, Task>,
    who: &Actor,
    mutation: &Mutation,
) -> Result<BTreeMap<RecordId, Task>, &'static str> {
    let mut next = tasks.clone();
    match mutation {
        Mutation::Create {
            id,
            record: Entity::Task(task),
        } => {
            if tasks.contains_key(id) {
                return Err("already_exists");
            }
            if task.title.trim().is_empty() {
                return Err("invalid");
            }
            let stamped = Task {
                created_by: Some(who.user_id.clone()),
                ..task.clone()
            };
            next.insert(id.clone(), stamped);
        }
        Mutation::Update {
            id,
            patch: EntityPatch::Task(patch),
        } => {
            let task = next.get_mut(id).ok_or("not_found")?;
            if let Some(title) = &patch.title {
                if title.trim().is_empty() {
                    return Err("invalid");
                }
                task.title = title.clone();
            }
            if let Some(due_date) = patch.due_date {
                task.due_date = due_date;
            }
            if let Some(done) = patch.done {
                task.done = done;
            }
        }
        Mutation::SetTaskDone { id, done } => next.get_mut(id).ok_or("not_found")?.done = *done,
        Mutation::Delete {
            kind: RecordKind::Task,
            id,
        } => {
            next.remove(id).ok_or("not_found")?;
        }
        other => panic!("the generator does not make {other:?}"),
    }
    Ok(next)
}

/// The model's tasks as the records `apply` keeps.
fn model_records(tasks: &BTreeMap<RecordId, Task>) -> MemoryRecords {
    MemoryRecords {
        records: tasks
            .iter()
            .map(|(id, task)| {
                let key = RecordKey {
                    kind: RecordKind::Task,
                    id: id.clone(),
                };
                (key, Entity::Task(task.clone()))
            })
            .collect(),
    }
}

/// The live records of a server store.
fn live(store: &MemoryServerStore) -> MemoryRecords {
    MemoryRecords {
        records: store
            .records
            .iter()
            .filter_map(|(key, stored)| Some((key.clone(), stored.record.clone()?)))
            .collect(),
    }
}

fn push_request(mutations: Vec<PendingMutation>) -> PushRequest {
    PushRequest {
        protocol: PROTOCOL_VERSION,
        schema: SCHEMA_VERSION,
        client_id: ClientId::from("c1"),
        mutations,
    }
}

/// How many mutations the property saw accepted, and refused by code, over every generated log.
#[derive(Debug, Default)]
struct Seen {
    accepted: usize,
    refused: BTreeMap<&'static str, usize>,
}

/// One log through every path that runs it: `apply` step by step, the server's `push` one
/// mutation at a time (its whole store compared before and after each), the client's `replay`,
/// and the model. Counts what was accepted and refused into `seen`.
fn check_log(log: &[Mutation], seen: &RefCell<Seen>) -> Result<(), TestCaseError> {
    let who = actor("alice", Role::Student);
    let space = alice_space();
    let context = ApplyContext::new(&who, &space, now());
    let client = ClientId::from("c1");
    let mut model: BTreeMap<RecordId, Task> = BTreeMap::new();
    let mut records = MemoryRecords::default();
    let mut store = MemoryServerStore::default();
    let mut pending = Vec::new();
    let mut accepted = Vec::new();
    for (index, mutation) in log.iter().enumerate() {
        let seq = MutationSeq(index as u64 + 1);
        let step = PendingMutation {
            seq,
            mutation: mutation.clone(),
        };
        let expected = model_step(&model, &who, mutation);
        let expected_code = expected.as_ref().err().copied();

        // `apply` on the records agrees with the model on whether and why.
        let outcome = apply(&records, &context, mutation);
        prop_assert_eq!(
            outcome.as_ref().err().map(MutationError::code),
            expected_code,
            "apply: {:?}",
            mutation
        );
        if let Ok(changes) = &outcome {
            records.write(changes);
        }

        // The server's push: a refusal leaves every record and the version as they were and
        // only stores its verdict and the seq; an acceptance takes exactly one new version.
        let before = store.clone();
        let response = server::push(
            &mut store,
            &who,
            &space,
            &push_request(vec![step.clone()]),
            &RelatedRecords::default(),
            now(),
        )
        .map_err(|error| TestCaseError::fail(error.to_string()))?
        .response;
        let verdict = store.verdicts.get(&(client.clone(), seq)).cloned();
        match (&verdict, expected_code) {
            (Some(Verdict::Rejected { code, .. }), Some(expected_code)) => {
                prop_assert_eq!(code.as_str(), expected_code);
                prop_assert_eq!(&store.records, &before.records, "refused {:?}", mutation);
                prop_assert_eq!(store.version, before.version, "refused {:?}", mutation);
            }
            (Some(Verdict::Ok), None) => {
                prop_assert_eq!(store.version, ServerVersion(before.version.0 + 1));
            }
            (other, _) => prop_assert!(
                false,
                "server verdict {:?}, model {:?} for {:?}",
                other,
                expected_code,
                mutation
            ),
        }
        prop_assert_eq!(store.horizon, before.horizon);
        let mut last_seqs = before.last_seqs.clone();
        last_seqs.insert(client.clone(), seq);
        prop_assert_eq!(&store.last_seqs, &last_seqs);
        let mut verdicts = before.verdicts.clone();
        verdicts.extend(verdict.map(|verdict| ((client.clone(), seq), verdict)));
        prop_assert_eq!(&store.verdicts, &verdicts);
        prop_assert_eq!(response.last_seq, seq);
        prop_assert_eq!(response.cursor, store.version);

        match expected {
            Ok(next) => {
                model = next;
                accepted.push(step.clone());
                seen.borrow_mut().accepted += 1;
            }
            Err(code) => *seen.borrow_mut().refused.entry(code).or_default() += 1,
        }
        // After every step the three agree on the whole state.
        prop_assert_eq!(&records, &model_records(&model));
        prop_assert_eq!(&live(&store), &records);
        pending.push(step);
    }

    // The same log replayed gives the same state, each time, on the client as on the server.
    let empty = MemoryRecords::default();
    let replayed = replay(&empty, &pending, &who, &space, now());
    prop_assert_eq!(&replayed, &records);
    prop_assert_eq!(&replay(&empty, &pending, &who, &space, now()), &replayed);
    let mut again = MemoryServerStore::default();
    server::push(
        &mut again,
        &who,
        &space,
        &push_request(pending),
        &RelatedRecords::default(),
        now(),
    )
    .map_err(|error| TestCaseError::fail(error.to_string()))?;
    prop_assert_eq!(&again.records, &store.records);
    prop_assert_eq!(again.version, store.version);
    prop_assert_eq!(&again.verdicts, &store.verdicts);
    // Refused mutations leave nothing behind: the log without them gives the same state.
    prop_assert_eq!(&replay(&empty, &accepted, &who, &space, now()), &records);
    Ok(())
}

/// I5/I9: the same log gives the same state, and a refused mutation changes nothing. The logs
/// are short runs over three ids, so creates of taken ids, changes to missing ones and blank
/// titles are common; the test fails unless each kind of refusal and acceptances all occurred.
#[test]
fn same_log_same_state() {
    let seen = RefCell::new(Seen::default());
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let logs = prop::collection::vec(mutation_strategy(), 0..40);
    let result = runner.run(&logs, |log| check_log(&log, &seen));
    if let Err(error) = result {
        panic!("{error}");
    }
    let seen = seen.into_inner();
    assert!(seen.accepted > 500, "too few accepted: {seen:?}");
    for code in ["already_exists", "not_found", "invalid"] {
        assert!(
            seen.refused.get(code).copied().unwrap_or(0) > 50,
            "too few refused as {code}: {seen:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

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
        let due = Some(first_of_2026() + chrono::Duration::days(days));
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
    let bad_date = Some(NaiveDate::from_ymd_opt(1800, 1, 1).expect("a valid date"));
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
                    cohort_year: None,
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
                    started_at: None,
                    end_reason: String::new(),
                    ended_by: None,
                    ended_at: None,
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
            started_at: None,
            end_reason: String::new(),
            ended_by: None,
            ended_at: None,
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
fn a_placement_starts_when_it_becomes_active_by_the_judging_clock() {
    use imp_shared::domain::{Placement, PlacementState};
    let staff = actor("staff-1", Role::Staff);
    let space = alice_space();
    let mut records = MemoryRecords::default();
    let started =
        |records: &MemoryRecords| match records.get(RecordKind::Placement, &RecordId::from("p1")) {
            Some(Entity::Placement(placement)) => placement.started_at,
            other => panic!("no placement: {other:?}"),
        };
    // A start sent with a new placement is not taken.
    let sent = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single();
    let create = Mutation::Create {
        id: RecordId::from("p1"),
        record: Entity::Placement(Placement {
            student_id: UserId::from("alice"),
            position_id: RecordId::from("pos-1"),
            mentor_id: UserId::from("m-1"),
            state: PlacementState::Confirmed,
            started_at: sent,
            end_reason: String::new(),
            ended_by: None,
            ended_at: None,
        }),
    };
    assert!(run(&mut records, &staff, &space, &create).is_ok());
    assert_eq!(started(&records), None);
    // Nor in a patch.
    let patch = Mutation::Update {
        id: RecordId::from("p1"),
        patch: serde_json::from_value(serde_json::json!({
            "kind": "placement", "fields": { "started_at": "2020-01-01T00:00:00Z" },
        }))
        .unwrap_or_else(|error| panic!("a patch: {error}")),
    };
    assert_eq!(
        run(&mut records, &staff, &space, &patch),
        Err(MutationError::invalid(
            "started_at",
            imp_shared::error::Problem::Locked
        ))
    );
    // Becoming active sets it, once.
    let to = |state| Mutation::SetPlacementState {
        id: RecordId::from("p1"),
        state,
    };
    assert!(run(&mut records, &staff, &space, &to(PlacementState::Active)).is_ok());
    assert_eq!(started(&records), Some(now()));
    assert!(run(&mut records, &staff, &space, &to(PlacementState::Completed)).is_ok());
    assert_eq!(started(&records), Some(now()));
}

#[test]
fn a_placement_is_ended_early_by_its_student_or_mentor_with_a_reason() {
    use imp_shared::domain::{Placement, PlacementState};
    use imp_shared::error::{Denial, Problem};
    let staff = actor("staff-1", Role::Staff);
    let alice = actor("alice", Role::Student);
    let mentor = actor("m-1", Role::Mentor);
    let other_mentor = actor("m-2", Role::Mentor);
    let space = alice_space();
    let placement = |state| {
        Entity::Placement(Placement {
            student_id: UserId::from("alice"),
            position_id: RecordId::from("pos-1"),
            mentor_id: UserId::from("m-1"),
            state,
            started_at: None,
            end_reason: String::new(),
            ended_by: None,
            ended_at: None,
        })
    };
    let end = |reason: &str| Mutation::EndPlacement {
        id: RecordId::from("p1"),
        reason: reason.to_owned(),
    };
    let fresh = |state| {
        let mut records = MemoryRecords::default();
        let create = Mutation::Create {
            id: RecordId::from("p1"),
            record: placement(PlacementState::Confirmed),
        };
        assert!(run(&mut records, &staff, &space, &create).is_ok());
        if state == PlacementState::Active {
            let active = Mutation::SetPlacementState {
                id: RecordId::from("p1"),
                state,
            };
            assert!(run(&mut records, &staff, &space, &active).is_ok());
        }
        records
    };
    let ended =
        |records: &MemoryRecords| match records.get(RecordKind::Placement, &RecordId::from("p1")) {
            Some(Entity::Placement(placement)) => (
                placement.state,
                placement.end_reason,
                placement.ended_by,
                placement.ended_at,
            ),
            other => panic!("no placement: {other:?}"),
        };
    for (who, state) in [
        (&alice, PlacementState::Active),
        (&mentor, PlacementState::Active),
        (&mentor, PlacementState::Confirmed),
        (&staff, PlacementState::Active),
    ] {
        let mut records = fresh(state);
        // Without a reason: refused, nothing changes.
        assert_eq!(
            run(&mut records, who, &space, &end("   ")),
            Err(MutationError::invalid("reason", Problem::Required))
        );
        assert_eq!(ended(&records).0, state);
        assert!(run(
            &mut records,
            who,
            &space,
            &end(" The company closed its Taipei office. ")
        )
        .is_ok());
        assert_eq!(
            ended(&records),
            (
                PlacementState::EndedEarly,
                "The company closed its Taipei office.".to_owned(),
                Some(who.user_id.clone()),
                Some(now())
            ),
            "{who:?} from {state:?}"
        );
        // Once ended, it cannot end again.
        assert!(run(&mut records, who, &space, &end("again")).is_err());
    }
    // Another mentor may not (they cannot even reach the space), and the fields are not patched.
    let mut records = fresh(PlacementState::Active);
    assert_eq!(
        run(&mut records, &other_mentor, &space, &end("not mine")),
        Err(MutationError::forbidden(Denial::NoAccess))
    );
    let patch = Mutation::Update {
        id: RecordId::from("p1"),
        patch: serde_json::from_value(serde_json::json!({
            "kind": "placement", "fields": { "end_reason": "sneaky" },
        }))
        .unwrap_or_else(|error| panic!("a patch: {error}")),
    };
    assert_eq!(
        run(&mut records, &staff, &space, &patch),
        Err(MutationError::invalid("end_reason", Problem::Locked))
    );
    assert_eq!(ended(&records).0, PlacementState::Active);
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
            started_at: None,
            end_reason: String::new(),
            ended_by: None,
            ended_at: None,
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
            serde_json::from_str(&serde_json::to_string(&parsed).expect("a mutation serializes"))
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
