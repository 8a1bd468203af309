//! Reactive access to the engine for components: no IndexedDB code in the UI.

use leptos::prelude::*;

use imp_shared::domain::{Entity, RecordKind};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::protocol::SessionResponse;

use crate::sync::engine::{Engine, SyncStatus};

/// The engine, provided once by the root component. Copy and thread-safe to capture; the engine
/// itself stays on the page's thread.
#[derive(Clone, Copy)]
pub struct EngineHandle(pub StoredValue<Engine, LocalStorage>);

impl EngineHandle {
    /// The engine.
    pub fn get(&self) -> Engine {
        self.0.get_value()
    }

    /// Reads through the engine, tracking its revision (reactive).
    pub fn read<T>(&self, read: impl FnOnce(&Engine) -> T) -> T {
        self.0.with_value(|engine| {
            engine.revision.track();
            read(engine)
        })
    }
}

/// The engine handle from context (absent only outside the app's root).
pub fn use_engine() -> Option<EngineHandle> {
    use_context::<EngineHandle>()
}

/// Runs `work` with the engine on the page's event loop.
pub fn spawn_with_engine<F, Fut>(handle: Option<EngineHandle>, work: F)
where
    F: FnOnce(Engine) -> Fut + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    if let Some(handle) = handle {
        let engine = handle.get();
        wasm_bindgen_futures::spawn_local(work(engine));
    }
}

/// The sync status, for the badge every screen shows.
pub fn use_sync_status() -> Signal<SyncStatus> {
    match use_engine() {
        Some(handle) => handle.0.with_value(|engine| engine.status.into()),
        None => Signal::derive(SyncStatus::default),
    }
}

/// The signed-in session (reactive).
pub fn use_session() -> Memo<Option<SessionResponse>> {
    let handle = use_engine();
    Memo::new(move |_| handle?.read(|engine| engine.session()))
}

/// Whether the sign-in screen must show: nobody signed in, or the session ended (the outbox is
/// kept until the same person signs in again).
pub fn use_needs_sign_in() -> Memo<bool> {
    let session = use_session();
    let status = use_sync_status();
    Memo::new(move |_| {
        session.get().is_none()
            || status.get().problem == Some(crate::sync::engine::SyncProblem::SignedOut)
    })
}

/// The live records of one kind in a space's view (base + outbox), by id.
pub fn use_records(
    space: Signal<Option<SpaceId>>,
    kind: RecordKind,
) -> Memo<Vec<(RecordId, Entity)>> {
    let handle = use_engine();
    Memo::new(move |_| {
        let (Some(handle), Some(space)) = (handle, space.get()) else {
            return Vec::new();
        };
        handle.read(|engine| {
            engine.with_view(&space, |view| {
                view.records
                    .iter()
                    .filter(|(key, _)| key.kind == kind)
                    .map(|(key, entity)| (key.id.clone(), entity.clone()))
                    .collect()
            })
        })
    })
}

/// The records a kind-specific `pick` accepts, as `(id, typed record)`: `use_records`' answer
/// unwrapped from [`Entity`].
pub fn typed<T>(
    records: Vec<(RecordId, Entity)>,
    pick: impl Fn(Entity) -> Option<T>,
) -> Vec<(RecordId, T)> {
    records
        .into_iter()
        .filter_map(|(id, entity)| pick(entity).map(|value| (id, value)))
        .collect()
}

/// Ids of records in a space that local changes still wait on (shown as "waiting to sync").
pub fn use_pending_ids(space: Signal<Option<SpaceId>>) -> Memo<Vec<RecordId>> {
    let handle = use_engine();
    Memo::new(move |_| {
        let (Some(handle), Some(space)) = (handle, space.get()) else {
            return Vec::new();
        };
        handle.read(|engine| {
            engine
                .outbox()
                .into_iter()
                .filter(|entry| entry.space == space)
                .map(|entry| entry.pending.mutation.target().1.clone())
                .collect()
        })
    })
}

/// Runs a local write; the result says why it did not happen, if it did not.
pub fn use_write() -> Action<(SpaceId, Mutation), Result<(), String>> {
    let handle = use_engine();
    Action::new_local(move |(space, mutation): &(SpaceId, Mutation)| {
        let engine = handle.map(|handle| handle.get());
        let (space, mutation) = (space.clone(), mutation.clone());
        async move {
            match engine {
                Some(engine) => engine
                    .write(&space, mutation)
                    .await
                    .map(|_| ())
                    .map_err(|error| error.to_string()),
                None => Err("the app is not ready".to_owned()),
            }
        }
    })
}
