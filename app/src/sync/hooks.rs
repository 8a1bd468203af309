//! Reactive access to the engine for components: no IndexedDB code in the UI.

use leptos::prelude::*;

use imp_shared::domain::{Entity, Record, RecordKind};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::protocol::SessionResponse;

use crate::i18n::{use_i18n, Lang, Msg};
use crate::sync::engine::{Engine, SyncStatus, WriteError};
use crate::wording::refusal_text;

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

/// Whether the records stored on this device have been read since the app opened: screens that
/// show records wait for it, so nobody sees "nothing here" for a moment before their data.
pub fn use_loaded() -> Signal<bool> {
    match use_engine() {
        Some(handle) => handle.0.with_value(|engine| engine.loaded.into()),
        None => Signal::derive(|| true),
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

/// The live records of type `T` in a space's view, by id: `use_typed::<Task>(space)`.
pub fn use_typed<T>(space: Signal<Option<SpaceId>>) -> Memo<Vec<(RecordId, T)>>
where
    T: Record + Clone + PartialEq + Send + Sync + 'static,
{
    let records = use_records(space, T::KIND);
    Memo::new(move |_| typed(records.get(), T::from_entity))
}

/// The program space, as the signal the record hooks take (it is always the same space).
pub fn program_space() -> Signal<Option<SpaceId>> {
    Signal::derive(|| Some(SpaceId::Program))
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

/// Records a space's local changes create that have not synced yet, oldest first (a concern sent
/// to the write-only staff space is shown from here until it has reached staff).
pub fn use_pending_creates(space: SpaceId) -> Memo<Vec<(RecordId, Entity)>> {
    let handle = use_engine();
    Memo::new(move |_| {
        let Some(handle) = handle else {
            return Vec::new();
        };
        handle.read(|engine| {
            engine
                .outbox()
                .into_iter()
                .filter(|entry| entry.space == space)
                .filter_map(|entry| match entry.pending.mutation {
                    Mutation::Create { id, record } => Some((id, record)),
                    _ => None,
                })
                .collect()
        })
    })
}

/// Why a form's change did not happen, worded in the reader's language when shown.
#[derive(Debug, Clone, PartialEq)]
pub enum FormError {
    /// The form's own check (a required field left empty…).
    Form(Msg),
    /// The engine refused the write (a rule, storage, signed out).
    Write(WriteError),
}

impl FormError {
    /// The sentence to show, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::Form(msg) => msg.text(lang).to_owned(),
            Self::Write(error) => write_error_text(lang, error),
        }
    }
}

/// A write error as a sentence in `lang`.
pub fn write_error_text(lang: Lang, error: &WriteError) -> String {
    match error {
        WriteError::Refused(reason) => refusal_text(lang, reason),
        WriteError::Storage(_) => Msg::StorageFailed.text(lang).to_owned(),
        WriteError::SignedOut => Msg::SignInAgain.text(lang).to_owned(),
        WriteError::NotLoaded => Msg::CoreNotLoaded.text(lang).to_owned(),
    }
}

/// A form's writes. A change is checked and stored locally first; only when that succeeded does
/// `on_accepted` run (where the form clears its fields). Otherwise the form keeps everything the
/// person typed and `error` says why, under the form, in their language.
#[derive(Clone, Copy)]
pub struct FormWrite {
    handle: Option<EngineHandle>,
    /// Why the last attempt did not happen (cleared by an accepted write).
    pub error: RwSignal<Option<FormError>>,
    /// Whether a write is being stored right now.
    pub pending: RwSignal<bool>,
}

impl FormWrite {
    /// Makes a change; runs `on_accepted` only once it is stored (and shown) on this device.
    pub fn run(&self, space: SpaceId, mutation: Mutation, on_accepted: impl FnOnce() + 'static) {
        let this = *self;
        let Some(handle) = self.handle else {
            this.error
                .set(Some(FormError::Write(WriteError::SignedOut)));
            return;
        };
        let engine = handle.get();
        this.pending.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let result = engine.write(&space, mutation).await;
            this.pending.set(false);
            match result {
                Ok(_) => {
                    this.error.set(None);
                    on_accepted();
                }
                Err(error) => this.error.set(Some(FormError::Write(error))),
            }
        });
    }

    /// Makes a change where nothing needs clearing afterwards (a tick, a state change).
    pub fn dispatch(&self, (space, mutation): (SpaceId, Mutation)) {
        self.run(space, mutation, || {});
    }

    /// Shows a form's own check failing (nothing is written).
    pub fn fail(&self, msg: Msg) {
        self.error.set(Some(FormError::Form(msg)));
    }

    /// Clears the error line.
    pub fn clear(&self) {
        self.error.set(None);
    }
}

/// A form's writes (see [`FormWrite`]); show their refusals with [`WriteErrorLine`].
pub fn use_write() -> FormWrite {
    FormWrite {
        handle: use_engine(),
        error: RwSignal::new(None),
        pending: RwSignal::new(false),
    }
}

/// The line under a form that says why its change did not happen, in the reader's language.
#[component]
pub fn WriteErrorLine(write: FormWrite) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="form-error" role="alert" data-testid="write-error">
            {move || write.error.get().map(|error| error.text(i18n.lang.get()))}
        </p>
    }
}
