//! The IndexedDB store in headless Chromium: outbox order and seqs survive reopening, two
//! connections (as two tabs) never take the same seq, and a dropped transaction leaves nothing.

#![cfg(target_arch = "wasm32")]

use chrono::Utc;
use imp_app::storage::{Store, StoreError};
use imp_shared::apply::RecordKey;
use imp_shared::domain::{Entity, RecordKind, Task};
use imp_shared::ids::{RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::mutation::Mutation;
use imp_shared::protocol::{PullResponse, RecordChange, RejectedMutation};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn space() -> SpaceId {
    SpaceId::Student(UserId::from("alice"))
}

fn task_mutation(n: u64) -> Mutation {
    Mutation::Create {
        id: RecordId(format!("t-{n}")),
        record: Entity::Task(Task {
            goal_id: None,
            title: format!("Task {n}"),
            due_date: None,
            done: false,
            created_by: None,
        }),
    }
}

async fn fresh(name: &str) -> Result<Store, StoreError> {
    let store = Store::open(name).await?;
    store.forget_account().await?;
    Ok(store)
}

#[wasm_bindgen_test]
async fn outbox_order_and_seqs_survive_reopen() -> Result<(), StoreError> {
    let name = "test-reopen";
    let store = fresh(name).await?;
    let client = store.client_id().await?;
    let mut seqs = Vec::new();
    for n in 0..20 {
        seqs.push(
            store
                .enqueue(&space(), task_mutation(n), Utc::now())
                .await?
                .pending
                .seq,
        );
    }
    assert!(
        seqs.windows(2).all(|pair| pair[1].0 == pair[0].0 + 1),
        "{seqs:?}"
    );
    store.close();

    let reopened = Store::open(name).await?;
    assert_eq!(
        reopened.client_id().await?,
        client,
        "the client id is stable"
    );
    let outbox = reopened.outbox().await?;
    assert_eq!(
        outbox.iter().map(|e| e.pending.seq).collect::<Vec<_>>(),
        seqs
    );
    assert_eq!(outbox[3].pending.mutation, task_mutation(3));
    let next = reopened
        .enqueue(&space(), task_mutation(99), Utc::now())
        .await?;
    assert_eq!(
        next.pending.seq.0,
        seqs[seqs.len() - 1].0 + 1,
        "the counter continues"
    );
    Ok(())
}

#[wasm_bindgen_test]
async fn two_connections_never_take_the_same_seq() -> Result<(), StoreError> {
    let name = "test-two-tabs";
    let first = fresh(name).await?;
    let second = Store::open(name).await?;
    let mut writes = Vec::new();
    for n in 0..50u64 {
        let tab = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        writes.push(async move { tab.enqueue(&space(), task_mutation(n), Utc::now()).await });
    }
    // All 50 transactions are in flight at once, interleaved across the two connections.
    let results = futures::future::join_all(writes).await;
    let mut seqs: Vec<u64> = Vec::new();
    for result in results {
        seqs.push(result?.pending.seq.0);
    }
    seqs.sort_unstable();
    let before = seqs.len();
    seqs.dedup();
    assert_eq!(seqs.len(), before, "no seq taken twice");
    assert_eq!(first.outbox().await?.len(), 50);
    Ok(())
}

#[wasm_bindgen_test]
async fn absorbing_a_pull_is_atomic_and_keeps_unprocessed_entries() -> Result<(), StoreError> {
    let store = fresh("test-absorb").await?;
    for n in 0..4 {
        store
            .enqueue(&space(), task_mutation(n), Utc::now())
            .await?;
    }
    let outbox = store.outbox().await?;
    let key = RecordKey {
        kind: RecordKind::Task,
        id: RecordId::from("t-0"),
    };
    let pull = PullResponse {
        cursor: ServerVersion(7),
        reset: false,
        changes: vec![RecordChange {
            key: key.clone(),
            version: ServerVersion(7),
            record: Some(Entity::Task(Task {
                goal_id: None,
                title: "Task 0".into(),
                due_date: None,
                done: false,
                created_by: None,
            })),
        }],
        last_seq: outbox[1].pending.seq,
        rejected: vec![RejectedMutation {
            seq: outbox[1].pending.seq,
            code: "invalid".into(),
            message: "title is required".into(),
            reason: Some(imp_shared::error::MutationError::invalid(
                "title",
                imp_shared::error::Problem::Required,
            )),
        }],
        ..Default::default()
    };
    let rebased = store.absorb(&space(), &pull).await?;
    assert_eq!(rebased.confirmed.len(), 2);
    let (base, cursor) = store.load_base(&space()).await?;
    assert_eq!(cursor, ServerVersion(7));
    assert_eq!(
        store.cursor(&space()).await?,
        ServerVersion(7),
        "the cursor alone reads the same"
    );
    assert!(base.records.contains_key(&key));
    let left = store.outbox().await?;
    assert_eq!(
        left.iter().map(|e| e.pending.seq).collect::<Vec<_>>(),
        vec![outbox[2].pending.seq, outbox[3].pending.seq]
    );
    let rejected = store.rejected().await?;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].message, "title is required");
    assert_eq!(
        rejected[0].reason,
        Some(imp_shared::error::MutationError::invalid(
            "title",
            imp_shared::error::Problem::Required
        )),
        "the structured reason is kept for the person's language"
    );
    // A reset replaces the base but keeps the outbox (I6).
    let reset = PullResponse {
        cursor: ServerVersion(9),
        reset: true,
        changes: Vec::new(),
        last_seq: pull.last_seq,
        rejected: Vec::new(),
        ..Default::default()
    };
    store.absorb(&space(), &reset).await?;
    let (base, cursor) = store.load_base(&space()).await?;
    assert!(base.records.is_empty());
    assert_eq!(cursor, ServerVersion(9));
    assert_eq!(store.outbox().await?.len(), 2);
    Ok(())
}

#[wasm_bindgen_test]
async fn a_dropped_transaction_leaves_nothing_half_written() -> Result<(), StoreError> {
    use imp_app::storage::{BASE, DB_VERSION, OUTBOX};
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;

    let name = "test-rollback";
    let store = fresh(name).await?;
    store
        .enqueue(&space(), task_mutation(1), Utc::now())
        .await?;
    // A second connection writes a record and an outbox entry, then is dropped before commit, as
    // when a tab closes in the middle of a write.
    let raw = Database::open(name).with_version(DB_VERSION).await?;
    {
        let tx = raw
            .transaction([BASE, OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(BASE)?
            .put("{}")
            .with_key("student:alice\u{1f}task\u{1f}half")
            .primitive()?
            .await?;
        tx.object_store(OUTBOX)?
            .put("{}")
            .with_key(999.0)
            .primitive()?
            .await?;
        drop(tx);
    }
    raw.close();
    let (base, _) = store.load_base(&space()).await?;
    assert!(
        base.records.is_empty(),
        "no record from the dropped transaction"
    );
    let outbox = store.outbox().await?;
    assert_eq!(outbox.len(), 1, "only the committed entry is there");
    Ok(())
}
