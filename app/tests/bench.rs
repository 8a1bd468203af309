//! Benchmarks in Chromium (`make bench`, never part of `make test`): the latency of a local write
//! from the call to the UI showing it (through the IndexedDB commit), and loading 10,000 records
//! through the app's store against raw IndexedDB bulk `put` of the same records, same page, same
//! run; and a sync cycle's cost on the device when nothing is new, with 100 and 10,000 records in
//! the base, the way the engine did it before (re-read everything) and now (the shared core).
//! Prints figures; asserts only that the work was done.

#![cfg(target_arch = "wasm32")]

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

use imp_app::storage::{Store, DB_NAME};
use imp_app::sync::engine::Engine;
use imp_app::sync::hooks::{use_records, EngineHandle};
use imp_shared::apply::RecordKey;
use imp_shared::domain::{Entity, RecordKind, Role, Task};
use imp_shared::ids::{RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::mutation::Mutation;
use imp_shared::protocol::{MeResponse, RecordChange, SessionResponse, UserInfo};

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(f64::NAN)
}

fn task(n: usize) -> Entity {
    Entity::Task(Task {
        goal_id: None,
        title: format!("Benchmark task number {n} with a realistic title"),
        due_date: NaiveDate::from_ymd_opt(2026, 12, 1),
        done: n.is_multiple_of(3),
        created_by: Some(UserId::from("bench-student")),
    })
}

/// `n` tasks as a pull would bring them, ids `{prefix}-0` … at versions 1 … n.
fn task_changes(prefix: &str, n: usize) -> Vec<RecordChange> {
    (0..n)
        .map(|index| RecordChange {
            key: RecordKey {
                kind: RecordKind::Task,
                id: RecordId(format!("{prefix}-{index}")),
            },
            version: ServerVersion(index as u64 + 1),
            record: Some(task(index)),
        })
        .collect()
}

#[wasm_bindgen_test]
async fn write_latency_to_ui() {
    let user = UserId::from("bench-student");
    let space = SpaceId::Student(user.clone());
    let store = Store::open(DB_NAME).await.unwrap_or_else(|e| panic!("{e}"));
    store
        .forget_account()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let info = UserInfo {
        id: user.clone(),
        email: "bench@demo.imp".into(),
        display_name: "Bench".into(),
        role: Role::Student,
    };
    let session = SessionResponse {
        token: "bench".into(),
        expires_at: Utc::now(),
        user: info.clone(),
    };
    store
        .set_meta("session", &session)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_meta(
            "me",
            &MeResponse {
                user: info,
                spaces: vec![space.clone()],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::start().await.unwrap_or_else(|e| panic!("{e}"));

    let handle = EngineHandle(StoredValue::new_local(engine.clone()));
    let shown = space.clone();
    leptos::mount::mount_to_body(move || {
        provide_context(handle);
        let tasks = use_records(
            Signal::derive({
                let shown = shown.clone();
                move || Some(shown.clone())
            }),
            RecordKind::Task,
        );
        view! { <span id="count">{move || tasks.get().len()}</span> }
    });
    let count = || {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("count"))
            .and_then(|e| e.text_content())
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0)
    };

    let n_writes = 1000;
    let mut samples = Vec::with_capacity(n_writes);
    for n in 0..n_writes {
        let started = now_ms();
        let mutation = Mutation::Create {
            id: RecordId(format!("bench-{n}")),
            record: task(n),
        };
        engine
            .write(&space, mutation)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Let the reactive system flush, then check the DOM shows the new record.
        while count() < n + 1 {
            leptos::task::tick().await;
        }
        samples.push(now_ms() - started);
    }
    samples.sort_by(f64::total_cmp);
    console_log!(
        "write → IndexedDB commit → UI updated, {} writes: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (target p95 ≤ 5 ms)",
        n_writes,
        percentile(&samples, 0.5),
        percentile(&samples, 0.95),
        samples.last().copied().unwrap_or(f64::NAN)
    );
    assert_eq!(count(), n_writes);
}

/// Raw IndexedDB: one transaction, `put` of plain objects, resolved on `complete`.
const RAW_PUT: &str = r#"
  const [name, records] = arguments;
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("base");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const started = performance.now();
      const tx = db.transaction("base", "readwrite");
      const store = tx.objectStore("base");
      for (const [key, value] of records) store.put(value, key);
      tx.oncomplete = () => { const ms = performance.now() - started; db.close(); resolve(ms); };
      tx.onerror = () => reject(tx.error);
    };
  });
"#;

#[wasm_bindgen_test]
async fn bulk_load_store_vs_raw() {
    let n_records = 10_000;
    let space = SpaceId::Student(UserId::from("bench-bulk"));
    let changes = task_changes("bulk", n_records);
    // The raw side gets the same records as plain JS objects under the same keys, built before
    // its clock starts.
    let raw_records = js_sys::Array::new();
    for change in &changes {
        let value = serde_json::json!({ "id": change.key.id, "record": change.record });
        let object = js_sys::JSON::parse(&value.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL);
        let key = format!("{space}\u{1f}task\u{1f}{}", change.key.id);
        raw_records.push(&js_sys::Array::of2(&key.into(), &object));
    }
    let raw_put = js_sys::Function::new_with_args("", RAW_PUT);

    let mut store_ms = Vec::new();
    let mut raw_ms = Vec::new();
    for round in 0..3 {
        let store_name = format!("bench-store-{round}");
        let store = Store::open(&store_name)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let started = now_ms();
        store
            .put_base(&space, &changes)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store_ms.push(now_ms() - started);
        let (loaded, _) = store
            .load_base(&space)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.records.len(), n_records);
        store.close();

        let promise = raw_put
            .call2(
                &wasm_bindgen::JsValue::NULL,
                &format!("bench-raw-{round}").into(),
                &raw_records,
            )
            .ok()
            .and_then(|value| value.dyn_into::<js_sys::Promise>().ok())
            .unwrap_or_else(|| panic!("raw put did not start"));
        let ms = JsFuture::from(promise)
            .await
            .ok()
            .and_then(|value| value.as_f64())
            .unwrap_or(f64::NAN);
        raw_ms.push(ms);
    }
    store_ms.sort_by(f64::total_cmp);
    raw_ms.sort_by(f64::total_cmp);
    let (store_median, raw_median) = (store_ms[1], raw_ms[1]);
    console_log!(
        "bulk load of {n_records} records: app store {:.0} ms, raw IndexedDB put {:.0} ms (medians of 3); store speed = {:.2}× raw (target ≥ 0.8×)",
        store_median,
        raw_median,
        raw_median / store_median
    );
}

/// A server with nothing new: every pull answers the cursor it was asked with, no changes.
struct NothingNew;

#[derive(Debug, Clone, thiserror::Error)]
#[error("unreachable")]
struct NoError;

impl imp_shared::client::Transport for NothingNew {
    type Error = NoError;

    fn failure(_: &NoError) -> imp_shared::client::Failure {
        imp_shared::client::Failure::Offline
    }

    async fn push(
        &self,
        _space: &SpaceId,
        _request: &imp_shared::protocol::PushRequest,
    ) -> Result<imp_shared::protocol::PushResponse, NoError> {
        Err(NoError)
    }

    async fn pull(
        &self,
        _space: &SpaceId,
        cursor: ServerVersion,
        _client_id: &imp_shared::ids::ClientId,
        since_seq: imp_shared::ids::MutationSeq,
        _snapshot: bool,
    ) -> Result<imp_shared::protocol::PullResponse, NoError> {
        Ok(imp_shared::protocol::PullResponse {
            cursor,
            reset: false,
            changes: Vec::new(),
            last_seq: since_seq,
            rejected: Vec::new(),
            ..Default::default()
        })
    }
}

/// The device's side of a sync cycle when the server has nothing new, with 100 and 10,000
/// records in the base: before (the engine re-read every record of every space from IndexedDB
/// and replayed the outbox after each cycle) and now (the shared core's cycle: cursor, last seq,
/// an empty absorb, and a view left as it is). Same page, same run.
#[wasm_bindgen_test]
async fn sync_cycle_cost_with_nothing_new() {
    use imp_shared::client::{sync_cycle, ClientView};
    let space = SpaceId::Student(UserId::from("bench-cycle"));
    let me = imp_shared::permissions::Actor {
        user_id: UserId::from("bench-cycle"),
        role: Role::Student,
    };
    let client = imp_shared::ids::ClientId::from("bench-client");
    let mut figures = Vec::new();
    for n_records in [100usize, 10_000] {
        let store = Store::open(&format!("bench-cycle-{n_records}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let changes = task_changes("cycle", n_records);
        store
            .put_base(&space, &changes)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (base, _) = store
            .load_base(&space)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut view = ClientView::default();
        view.set_base(space.clone(), base);
        view.recompute(Some(&me), None, Utc::now());

        let rounds = 7;
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            // Before: pull (nothing new), then reload everything and replay.
            let started = now_ms();
            run_cycle(&store, &client, &space).await;
            let (base, _) = store
                .load_base(&space)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let outbox = store.outbox().await.unwrap_or_else(|e| panic!("{e}"));
            let rejected = store.rejected().await.unwrap_or_else(|e| panic!("{e}"));
            let mut reloaded = ClientView::default();
            reloaded.set_base(space.clone(), base);
            reloaded.outbox = outbox;
            reloaded.rejected = rejected;
            reloaded.recompute(Some(&me), None, Utc::now());
            before.push(now_ms() - started);
            assert_eq!(
                reloaded.view(&space).map(|v| v.records.len()),
                Some(n_records)
            );

            // Now: the shared cycle, and the view patched with what changed (nothing).
            let started = now_ms();
            let report = sync_cycle(&store, &NothingNew, &client, std::slice::from_ref(&space))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let changed = view.take_cycle(&report, None, Some(&me), Utc::now());
            after.push(now_ms() - started);
            assert!(changed.is_empty());
        }
        before.sort_by(f64::total_cmp);
        after.sort_by(f64::total_cmp);
        let (b, a) = (before[rounds / 2], after[rounds / 2]);
        figures.push((n_records, b, a));
        store.close();
    }
    for (n_records, before, after) in &figures {
        console_log!(
            "sync cycle, nothing new, {n_records} records in the base: before (re-read all) {before:.1} ms, now {after:.1} ms (medians of 7) = {:.1}× faster",
            before / after
        );
    }
    let growth = |pick: fn(&(usize, f64, f64)) -> f64| pick(&figures[1]) / pick(&figures[0]);
    console_log!(
        "growth from 100 to 10,000 records: before {:.1}×, now {:.1}× (flat is 1×)",
        growth(|f| f.1),
        growth(|f| f.2)
    );
}

/// A pull of one space with nothing new, absorbed, as both sides of the benchmark do it.
async fn run_cycle(store: &Store, client: &imp_shared::ids::ClientId, space: &SpaceId) {
    let report =
        imp_shared::client::sync_cycle(store, &NothingNew, client, std::slice::from_ref(space))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.pulled.len(), 1);
}
