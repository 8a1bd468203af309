//! A push the server reads mutation by mutation: one it cannot read (a lone surrogate, a field it
//! does not know) is refused on its own with code `invalid` and does not hold back the others.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, TimeZone, Utc};

use imp_shared::apply::RecordKey;
use imp_shared::client::rebase_outbox;
use imp_shared::domain::{Entity, RecordKind, Role, Task};
use imp_shared::error::{MutationError, Problem};
use imp_shared::ids::{ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::mutation::{Mutation, PendingMutation};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{read_push, PushItem, Verdict, PROTOCOL_VERSION, SCHEMA_VERSION};
use imp_shared::server::{self, MemoryServerStore, RelatedRecords};

fn alice() -> Actor {
    Actor {
        user_id: UserId::from("alice"),
        role: Role::Student,
    }
}

fn alice_space() -> SpaceId {
    SpaceId::Student(UserId::from("alice"))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("a valid fixed clock")
}

/// A task creation as a protocol client would send it, with the title as raw JSON text.
fn task(seq: u64, id: &str, title_json: &str, extra: &str) -> String {
    format!(
        r#"{{"seq":{seq},"mutation":{{"type":"create","id":"{id}","record":{{"kind":"task","fields":{{"title":{title_json},"done":false{extra}}}}}}}}}"#
    )
}

fn body(mutations: &[String]) -> String {
    format!(
        r#"{{"protocol":{PROTOCOL_VERSION},"schema":{SCHEMA_VERSION},"client_id":"c-raw","mutations":[{}]}}"#,
        mutations.join(",")
    )
}

fn push(store: &mut MemoryServerStore, text: &str) -> Vec<(u64, Verdict)> {
    let read = read_push(text).expect("the envelope and every seq read");
    read.check_shape().expect("a well-shaped push");
    let outcome = server::push_items(
        store,
        &alice(),
        &alice_space(),
        &read.client_id,
        &read.items,
        &RelatedRecords::default(),
        now(),
    )
    .expect("the push runs");
    outcome
        .response
        .verdicts
        .into_iter()
        .map(|verdict| (verdict.seq.0, verdict.verdict))
        .collect()
}

fn is_unreadable(reason: &Option<MutationError>) -> bool {
    matches!(
        reason,
        Some(MutationError::Invalid { field, problem: Problem::Unreadable { .. } }) if field == "mutation"
    )
}

#[test]
fn an_unreadable_mutation_is_refused_alone_and_reported_by_pull() {
    let mut store = MemoryServerStore::default();
    let text = body(&[
        task(1, "t-1", r#""First""#, ""),
        task(2, "t-2", r#""\ud800""#, ""),
        task(3, "t-3", r#""Third""#, ""),
    ]);
    let verdicts = push(&mut store, &text);
    assert_eq!(verdicts.len(), 3);
    assert_eq!(verdicts[0], (1, Verdict::Ok));
    assert_eq!(verdicts[2], (3, Verdict::Ok));
    let (seq, Verdict::Rejected { code, reason, .. }) = &verdicts[1] else {
        panic!("the second is rejected: {verdicts:?}");
    };
    assert_eq!((*seq, code.as_str()), (2, "invalid"));
    assert!(is_unreadable(reason), "{reason:?}");
    // It took no version; the two good ones took one each.
    assert_eq!(store.version, ServerVersion(2));

    let client = ClientId::from("c-raw");
    let pull = server::pull(
        &store,
        &alice(),
        &alice_space(),
        ServerVersion(0),
        &client,
        MutationSeq(0),
        now(),
    )
    .expect("pulls");
    assert_eq!(pull.last_seq, MutationSeq(3));
    let ids: Vec<&str> = pull
        .changes
        .iter()
        .map(|change| change.key.id.as_str())
        .collect();
    assert_eq!(ids, vec!["t-1", "t-3"]);
    assert_eq!(pull.rejected.len(), 1);
    assert_eq!(pull.rejected[0].seq, MutationSeq(2));
    assert_eq!(pull.rejected[0].code, "invalid");
    assert!(is_unreadable(&pull.rejected[0].reason));
    assert!(pull.rejected[0]
        .message
        .starts_with("mutation could not be read: "));

    // The client's outbox (it holds the change as it meant it) moves seq 2 to its refused list.
    let pending = |seq: u64, id: &str| PendingMutation {
        seq: MutationSeq(seq),
        mutation: Mutation::Create {
            id: RecordId::from(id),
            record: Entity::Task(Task {
                goal_id: None,
                title: format!("task {id}"),
                due_date: None,
                done: false,
                created_by: None,
            }),
        },
    };
    let mut outbox = vec![pending(1, "t-1"), pending(2, "t-2"), pending(3, "t-3")];
    let rebased = rebase_outbox(&mut outbox, &alice_space(), &pull);
    assert!(outbox.is_empty());
    assert_eq!(rebased.rejected.len(), 1);
    assert_eq!(rebased.rejected[0].pending.seq, MutationSeq(2));
    assert!(is_unreadable(&rebased.rejected[0].reason));

    // A retry of the same body gets the stored verdicts and changes nothing (I1).
    assert_eq!(push(&mut store, &text), verdicts);
    assert_eq!(store.version, ServerVersion(2));
}

#[test]
fn an_unknown_field_in_a_pushed_record_refuses_that_mutation_only() {
    let mut store = MemoryServerStore::default();
    let text = body(&[
        task(1, "t-1", r#""Paint the fence""#, r#","colour":"red""#),
        task(2, "t-2", r#""Buy brushes""#, ""),
    ]);
    let read = read_push(&text).expect("reads");
    assert!(matches!(
        &read.items[0],
        PushItem::Unreadable { detail, .. } if detail.contains("`colour`")
    ));
    let verdicts = push(&mut store, &text);
    assert_eq!(verdicts[1], (2, Verdict::Ok));
    let Verdict::Rejected {
        code,
        message,
        reason,
    } = &verdicts[0].1
    else {
        panic!("the first is rejected: {verdicts:?}");
    };
    assert_eq!(code, "invalid");
    assert!(message.contains("unknown field `colour`"), "{message}");
    assert!(is_unreadable(reason));
    let key = |id: &str| RecordKey {
        kind: RecordKind::Task,
        id: RecordId::from(id),
    };
    assert!(!store.records.contains_key(&key("t-1")));
    assert!(store.records.contains_key(&key("t-2")));
}
