//! The client core's decisions, natively: what a cycle pushes (in chunks) and pulls, with which
//! `since_seq`; what it keeps after a failure; the view patched from pulls; tabs sharing storage;
//! and the status, backoff and next attempt after each outcome.

use chrono::{DateTime, TimeZone, Utc};
use std::cell::RefCell;

use imp_shared::apply::RecordKey;
use imp_shared::client::{
    backoff_ms, decide, pull_plan, push_plan, run_ready, since_seq, sync_cycle, ClientStore,
    ClientView, CycleError, Failure, MemoryClientStore, OutboxEntry, Outcome, SyncProblem,
    Transport, MAX_BACKOFF_MS, PERIOD_MS,
};
use imp_shared::domain::{Entity, RecordKind, Role, Task};
use imp_shared::error::{MutationError, Problem};
use imp_shared::ids::{ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::mutation::{Mutation, PendingMutation};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{
    PullResponse, PushRequest, PushResponse, RecordChange, RejectedMutation, MAX_MUTATIONS_PER_PUSH,
};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 9, 0, 0)
        .single()
        .expect("a valid fixed clock")
}

fn alice() -> Actor {
    Actor {
        user_id: UserId::from("alice"),
        role: Role::Student,
    }
}

fn space() -> SpaceId {
    SpaceId::Student(UserId::from("alice"))
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

fn create(id: &str, title: &str) -> Mutation {
    Mutation::Create {
        id: RecordId::from(id),
        record: task(title),
    }
}

fn entry(space: SpaceId, seq: u64) -> OutboxEntry {
    OutboxEntry {
        space,
        pending: PendingMutation {
            seq: MutationSeq(seq),
            mutation: create(&format!("t{seq}"), "x"),
        },
        queued_at: at(),
    }
}

fn ok<T, E: std::fmt::Debug>(future: impl std::future::Future<Output = Result<T, E>>) -> T {
    match run_ready(future) {
        Some(Ok(value)) => value,
        Some(Err(error)) => panic!("failed: {error:?}"),
        None => panic!("an in-memory future waited"),
    }
}

#[test]
fn pushes_go_per_space_in_order_and_in_chunks() {
    let mut outbox = vec![entry(SpaceId::Program, 1)];
    outbox.extend((2..=(MAX_MUTATIONS_PER_PUSH as u64 + 10)).map(|seq| entry(space(), seq)));
    let plan = push_plan(&outbox);
    let sizes: Vec<(SpaceId, usize)> = plan
        .iter()
        .map(|(space, chunk)| (space.clone(), chunk.len()))
        .collect();
    assert_eq!(
        sizes,
        vec![
            (SpaceId::Program, 1),
            (space(), MAX_MUTATIONS_PER_PUSH),
            (space(), 9)
        ]
    );
    let seqs: Vec<u64> = plan[1..]
        .iter()
        .flat_map(|(_, chunk)| chunk.iter().map(|p| p.seq.0))
        .collect();
    assert!(
        seqs.windows(2).all(|pair| pair[0] < pair[1]),
        "oldest first"
    );
    assert!(push_plan(&[]).is_empty(), "nothing to push, no request");
}

#[test]
fn pulls_cover_synced_spaces_and_any_space_a_change_waits_in() {
    let synced = vec![SpaceId::Program, space()];
    assert_eq!(pull_plan(&synced, &[]), synced);
    let outbox = vec![entry(SpaceId::Staff, 4)];
    assert_eq!(
        pull_plan(&synced, &outbox),
        vec![SpaceId::Program, space(), SpaceId::Staff]
    );
}

#[test]
fn since_seq_asks_for_the_verdicts_of_what_waits() {
    let outbox = vec![
        entry(SpaceId::Program, 3),
        entry(space(), 7),
        entry(space(), 9),
    ];
    assert_eq!(since_seq(&space(), &outbox, MutationSeq(2)), MutationSeq(6));
    assert_eq!(
        since_seq(&SpaceId::Staff, &outbox, MutationSeq(5)),
        MutationSeq(5),
        "nothing waits there: the last seq the server reported"
    );
}

#[test]
fn decisions_after_each_outcome() {
    let synced = decide(Outcome::Synced, 3, true, 500);
    assert_eq!(synced.next_delay_ms, Some(PERIOD_MS));
    assert_eq!(
        (synced.problem, synced.failures, synced.online),
        (None, 0, true)
    );
    assert_eq!(
        decide(Outcome::Synced, 0, false, 0).next_delay_ms,
        None,
        "a tab that is not the leader does not sync on the period"
    );
    let offline = decide(Outcome::Failed(Failure::Offline), 0, true, 0);
    assert_eq!((offline.online, offline.problem), (false, None));
    assert_eq!(offline.next_delay_ms, Some(2_000));
    let server = decide(Outcome::Failed(Failure::Server(503)), 1, true, 250);
    assert_eq!(server.problem, Some(SyncProblem::Server(503)));
    assert_eq!(server.next_delay_ms, Some(4_250));
    assert_eq!(server.failures, 2);
    assert_eq!(
        decide(Outcome::StorageFailed, 0, true, 0).problem,
        Some(SyncProblem::Storage)
    );
    for failure in [Failure::SignedOut, Failure::TooOld] {
        let decision = decide(Outcome::Failed(failure), 0, true, 0);
        assert_eq!(decision.next_delay_ms, None, "waits for the person");
        assert!(decision.problem.is_some());
    }
}

#[test]
fn backoff_doubles_up_to_five_minutes() {
    let delays: Vec<u32> = (1..=12).map(|n| backoff_ms(n, 0)).collect();
    assert_eq!(&delays[..4], &[2_000, 4_000, 8_000, 16_000]);
    assert!(delays.windows(2).all(|pair| pair[0] <= pair[1]));
    assert_eq!(backoff_ms(40, 0), MAX_BACKOFF_MS);
    assert_eq!(
        backoff_ms(40, 5_000),
        MAX_BACKOFF_MS + 1_000,
        "jitter is at most a second"
    );
}

/// A scripted server: answers pushes and pulls from queues, recording what was asked.
#[derive(Default)]
struct Script {
    pushes: RefCell<Vec<(SpaceId, Vec<u64>)>>,
    pulls: RefCell<Vec<(SpaceId, ServerVersion, MutationSeq)>>,
    answers: RefCell<Vec<Result<PullResponse, Failure>>>,
    fail_push: bool,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{0:?}")]
struct Failed(Failure);

impl Transport for Script {
    type Error = Failed;

    fn failure(error: &Failed) -> Failure {
        error.0
    }

    async fn push(&self, space: &SpaceId, request: &PushRequest) -> Result<PushResponse, Failed> {
        if self.fail_push {
            return Err(Failed(Failure::Offline));
        }
        self.pushes.borrow_mut().push((
            space.clone(),
            request.mutations.iter().map(|p| p.seq.0).collect(),
        ));
        Ok(PushResponse {
            last_seq: MutationSeq(0),
            cursor: ServerVersion(0),
            verdicts: Vec::new(),
        })
    }

    async fn pull(
        &self,
        space: &SpaceId,
        cursor: ServerVersion,
        _client_id: &ClientId,
        since_seq: MutationSeq,
        _snapshot: bool,
    ) -> Result<PullResponse, Failed> {
        self.pulls
            .borrow_mut()
            .push((space.clone(), cursor, since_seq));
        let mut answers = self.answers.borrow_mut();
        if answers.is_empty() {
            return Err(Failed(Failure::Server(500)));
        }
        answers.remove(0).map_err(Failed)
    }
}

fn change(id: &str, version: u64, title: Option<&str>) -> RecordChange {
    RecordChange {
        key: RecordKey {
            kind: RecordKind::Task,
            id: RecordId::from(id),
        },
        version: ServerVersion(version),
        record: title.map(task),
    }
}

#[test]
fn a_cycle_pushes_then_pulls_rebases_and_the_view_follows_without_rereading() {
    let store = MemoryClientStore::default();
    let mut view = ClientView::default();
    let me = alice();
    // Two writes, checked against the view and queued.
    for (id, title) in [("t1", "Book the ARC appointment"), ("t2", "Bad")] {
        let mutation = create(id, title);
        let changes = view
            .check_write(&me, &space(), &mutation, at())
            .unwrap_or_else(|error| panic!("{error}"));
        let queued = ok(store.enqueue(&space(), mutation, at()));
        view.wrote(queued, &changes);
    }
    assert_eq!(view.view(&space()).map(|v| v.records.len()), Some(2));
    let refused = MutationError::invalid("title", Problem::Required);
    let script = Script::default();
    script.answers.borrow_mut().push(Ok(PullResponse {
        cursor: ServerVersion(5),
        reset: false,
        changes: vec![
            change("t1", 4, Some("Book the ARC appointment")),
            change("old", 5, Some("From the mentor")),
        ],
        last_seq: MutationSeq(2),
        rejected: vec![RejectedMutation {
            seq: MutationSeq(2),
            code: refused.code().to_owned(),
            message: refused.to_string(),
            reason: Some(refused.clone()),
        }],
        ..Default::default()
    }));
    let report = ok(sync_cycle(
        &store,
        &script,
        &ClientId::from("c1"),
        &[space()],
    ));
    assert_eq!(*script.pushes.borrow(), vec![(space(), vec![1, 2])]);
    assert_eq!(
        *script.pulls.borrow(),
        vec![(space(), ServerVersion(0), MutationSeq(0))],
        "since_seq is just below the oldest waiting change"
    );
    assert!(report.outbox_changed);
    let outbox = ok(store.outbox());
    let rejected = ok(store.rejected());
    assert!(outbox.is_empty());
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].reason, Some(refused));
    let changed = view.take_cycle(&report, Some((outbox, rejected)), Some(&me), at());
    assert_eq!(changed, vec![space()]);
    let (stored, cursor) = ok(store.load_base(&space()));
    assert_eq!(cursor, ServerVersion(5));
    assert_eq!(
        view.base(&space()),
        Some(&stored),
        "patched, equal to what is stored"
    );
    assert_eq!(
        view.view(&space()),
        Some(&stored),
        "nothing waits: view = base"
    );

    // Next cycle: nothing new. Nothing is pushed, the cursor is the stored one, and nothing
    // in the view changes.
    script.answers.borrow_mut().push(Ok(PullResponse {
        cursor: ServerVersion(5),
        reset: false,
        changes: Vec::new(),
        last_seq: MutationSeq(2),
        rejected: Vec::new(),
        ..Default::default()
    }));
    let report = ok(sync_cycle(
        &store,
        &script,
        &ClientId::from("c1"),
        &[space()],
    ));
    assert_eq!(script.pushes.borrow().len(), 1);
    assert_eq!(
        script.pulls.borrow().last(),
        Some(&(space(), ServerVersion(5), MutationSeq(2)))
    );
    assert!(!report.outbox_changed);
    let before = view.clone();
    assert!(view.take_cycle(&report, None, Some(&me), at()).is_empty());
    assert_eq!(view, before);

    // A tombstone and a reset reach the view too.
    script.answers.borrow_mut().push(Ok(PullResponse {
        cursor: ServerVersion(6),
        reset: false,
        changes: vec![change("old", 6, None)],
        last_seq: MutationSeq(2),
        rejected: Vec::new(),
        ..Default::default()
    }));
    let report = ok(sync_cycle(
        &store,
        &script,
        &ClientId::from("c1"),
        &[space()],
    ));
    view.take_cycle(&report, None, Some(&me), at());
    assert_eq!(view.base(&space()).map(|b| b.records.len()), Some(1));
    assert_eq!(view.base(&space()), Some(&ok(store.load_base(&space())).0));
}

#[test]
fn a_failed_cycle_keeps_every_change() {
    let store = MemoryClientStore::default();
    ok(store.enqueue(&space(), create("t1", "Keep me"), at()));
    let script = Script {
        fail_push: true,
        ..Script::default()
    };
    match run_ready(sync_cycle(
        &store,
        &script,
        &ClientId::from("c1"),
        &[space()],
    )) {
        Some(Err(CycleError::Transport(Failed(Failure::Offline)))) => {}
        other => panic!("expected offline, got {other:?}"),
    }
    assert!(
        script.pulls.borrow().is_empty(),
        "no pull after a failed push"
    );
    assert_eq!(ok(store.outbox()).len(), 1);
    // A server error on the pull keeps it too.
    let script = Script::default();
    assert!(matches!(
        run_ready(sync_cycle(
            &store,
            &script,
            &ClientId::from("c1"),
            &[space()]
        )),
        Some(Err(CycleError::Transport(Failed(Failure::Server(500)))))
    ));
    assert_eq!(ok(store.outbox()).len(), 1);
}

#[test]
fn tabs_share_storage_and_a_change_written_mid_cycle_stays() {
    let phone = MemoryClientStore::default();
    let other_tab = phone.clone();
    ok(phone.enqueue(&space(), create("t1", "First"), at()));
    // The other tab writes after this one pushed; the pull confirms only seq 1.
    let second = ok(other_tab.enqueue(&space(), create("t2", "Second"), at()));
    assert_eq!(
        second.pending.seq,
        MutationSeq(2),
        "one seq counter per profile"
    );
    let script = Script::default();
    script.answers.borrow_mut().push(Ok(PullResponse {
        cursor: ServerVersion(1),
        reset: false,
        changes: vec![change("t1", 1, Some("First"))],
        last_seq: MutationSeq(1),
        rejected: Vec::new(),
        ..Default::default()
    }));
    ok(sync_cycle(
        &phone,
        &script,
        &ClientId::from("c1"),
        &[space()],
    ));
    let left: Vec<u64> = ok(other_tab.outbox())
        .iter()
        .map(|entry| entry.pending.seq.0)
        .collect();
    assert_eq!(
        left,
        vec![2],
        "the other tab's change waits for the next push"
    );
}

#[test]
fn a_refused_local_write_changes_nothing() {
    let view = ClientView::default();
    let error = view
        .check_write(&alice(), &space(), &create("t1", "   "), at())
        .err();
    assert_eq!(
        error,
        Some(MutationError::invalid("title", Problem::Required))
    );
    assert!(view.outbox.is_empty());
}
