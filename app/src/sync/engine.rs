//! The sync engine: the browser glue around the shared client core (`imp_shared::client`). The
//! core decides what the view is (base + replayed outbox per space), what a sync cycle pushes and
//! pulls, and the status and next attempt after it; this module keeps the timers, events, Web
//! Locks, the BroadcastChannel and `fetch`. The cycle's triggers (start-up, coming online, focus, shortly after a
//! write, periodically with backoff and jitter while failing). One tab syncs at a time (Web
//! Locks), and only the leader tab (the one holding the leader lock) syncs on the period. Tabs
//! tell each other over a BroadcastChannel: "I wrote" (reload the outbox) and "I synced these
//! spaces" (reload just those); neither message starts a sync in the tab that receives it.
//!
//! The first frame needs little of this: storage, the session and the stored records. Everything
//! else (replaying and checking changes, the outbox, refusals, the sync cycle and its wire types,
//! live sockets, the tabs' messages) lives in the engine's own wasm piece, [`Core`], which the
//! shipped build loads once the records have painted and the browser is idle (or before they
//! show, when changes wait on the device), so a student's first screen does not download it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use gloo::timers::callback::Timeout;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use imp_shared::apply::MemoryRecords;
use imp_shared::client::{
    decide, sync_cycle_into, ClientView, CycleError, CycleReport, Outcome, PullProgress,
    RejectedEntry, Transport,
};
use imp_shared::error::MutationError;
use imp_shared::ids::{ClientId, MutationSeq, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::Actor;
use imp_shared::protocol::{MeResponse, SessionResponse};

use crate::storage::{OutboxEntry, Store, StoreError, DB_NAME};
use crate::sync::live::{self, Live};
use crate::sync::lock::{hold_while_open, with_lock, LEADER_LOCK, SYNC_LOCK};
use crate::sync::transport::{self, Http, TransportError};

pub use imp_shared::client::{
    SyncProblem, SyncStatus, LIVE_PERIOD_MS, MAX_BACKOFF_MS, PERIOD_MS, WRITE_DEBOUNCE_MS,
};

const CHANNEL: &str = "imp-companion";

/// How long the engine's piece waits for the browser to be idle after the first frame, at most.
const CORE_LATEST_MS: u32 = 1_000;

/// How long to wait before asking again for an engine's piece that could not be fetched.
const CORE_RETRY_MS: u32 = 5_000;

/// Why a local write did not happen. Nothing changed in either case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    /// The change itself is not valid or not allowed.
    #[error("{0}")]
    Refused(#[from] MutationError),
    /// The device could not store it.
    #[error("{0}")]
    Storage(#[from] StoreError),
    /// Nobody is signed in.
    #[error("sign in first")]
    SignedOut,
    /// The engine's piece (see [`Core`]) could not be loaded: offline before the service worker
    /// kept this build. Nothing was stored; the form keeps what was typed.
    #[error("the app's sync piece could not be loaded")]
    NotLoaded,
}

/// A boxed future of the engine's piece.
type Task<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the engine does from its own piece (`imp_core`): everything but the first frame's reads.
/// Each entry is one of the `Engine` methods of the same name without `_now`.
#[derive(Clone, Copy)]
struct Core {
    begin: fn(Engine) -> Task<()>,
    reload: fn(Engine) -> Task<Result<(), StoreError>>,
    write: fn(Engine, SpaceId, Mutation) -> Task<Result<MutationSeq, WriteError>>,
    dismiss_rejected: fn(Engine, MutationSeq) -> Task<Result<(), StoreError>>,
    sync: fn(Engine) -> Task<()>,
    /// For the end-to-end wording checks (`refusal_text` in `lib.rs`): a refusal's JSON worded.
    refusal_text: fn(crate::i18n::Lang, &str) -> Option<String>,
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(imp_core, fallible, wasm_split_path = ::leptos::wasm_split)
)]
fn core_table() -> Result<Core, SplitLoaderError> {
    Ok(Core {
        begin: |engine| Box::pin(async move { engine.begin_now().await }),
        reload: |engine| Box::pin(async move { engine.reload_now().await }),
        write: |engine, space, mutation| {
            Box::pin(async move { engine.write_now(&space, mutation).await })
        },
        dismiss_rejected: |engine, seq| {
            Box::pin(async move { engine.dismiss_rejected_now(seq).await })
        },
        sync: |engine| Box::pin(async move { engine.sync_now().await }),
        refusal_text: |lang, json| {
            serde_json::from_str::<MutationError>(json)
                .ok()
                .map(|reason| crate::wording::refusal_text(lang, &reason))
        },
    })
}

/// The engine's piece, loaded on first use (at once without the `split` feature). A piece that
/// could not be fetched is asked for again on the next call.
async fn core() -> Result<Core, SplitLoaderError> {
    crate::pieces::from_piece!(core_table())
}

/// A refusal's JSON (`MutationError`) as the app words it, or `None` when unreadable; `Err` when
/// the engine's piece could not be loaded.
pub async fn refusal_text_of(
    lang: crate::i18n::Lang,
    json: &str,
) -> Result<Option<String>, SplitLoaderError> {
    Ok((core().await?.refusal_text)(lang, json))
}

struct State {
    store: Store,
    client_id: ClientId,
    session: Option<SessionResponse>,
    spaces: Vec<SpaceId>,
    /// Bases, views, outbox and refusals, as the shared core keeps them.
    view: ClientView,
    failures: u32,
    timer: Option<(f64, Timeout)>,
    syncing: bool,
    resync: bool,
    last_synced: Option<DateTime<Utc>>,
    online: bool,
    problem: Option<SyncProblem>,
    retry_at: Option<f64>,
    /// While a paged pull runs: changes received and about how many in all.
    loading: Option<(u64, u64)>,
    /// Whether this tab holds the leader lock (only the leader syncs on the period).
    leader: bool,
}

/// The engine handle: cheap to clone, lives for the page.
#[derive(Clone)]
pub struct Engine {
    state: Rc<RefCell<State>>,
    /// Bumped whenever what the UI shows changed.
    pub revision: RwSignal<u64>,
    /// The sync status.
    pub status: RwSignal<SyncStatus>,
    /// Whether what this device stored has been read (see [`Engine::open`]): until then screens
    /// show their frame, never "nothing here".
    pub loaded: RwSignal<bool>,
    channel: Option<web_sys::BroadcastChannel>,
    /// The live sockets (leader tab only).
    live: Rc<RefCell<Live>>,
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn millis() -> f64 {
    js_sys::Date::now()
}

/// A view of the stored records of `spaces`, with no change replayed.
async fn bases_view(store: &Store, spaces: &[SpaceId]) -> Result<ClientView, StoreError> {
    let mut view = ClientView::default();
    for space in spaces {
        let (base, _cursor) = store.load_base(space).await?;
        view.set_base(space.clone(), base);
    }
    Ok(view)
}

impl Engine {
    /// Opens storage, restores the session and what was synced, and starts syncing.
    pub async fn start() -> Result<Self, StoreError> {
        let engine = Self::open().await?;
        engine.begin().await?;
        Ok(engine)
    }

    /// Opens storage and reads who is signed in, and nothing else: enough for the first frame
    /// (the shell and the person's name), so the app mounts before the stored records are read.
    /// [`Engine::begin`] reads them and starts syncing.
    pub async fn open() -> Result<Self, StoreError> {
        let store = Store::open(DB_NAME).await?;
        let (client_id, session, me, last_synced) = store.start_meta().await?;
        let spaces = me.map(|me| synced_spaces(&me)).unwrap_or_default();
        let online = web_sys::window().is_some_and(|window| window.navigator().on_line());
        Ok(Self {
            state: Rc::new(RefCell::new(State {
                store,
                client_id,
                session,
                spaces,
                view: ClientView::default(),
                failures: 0,
                timer: None,
                syncing: false,
                resync: false,
                last_synced,
                online,
                problem: None,
                retry_at: None,
                loading: None,
                leader: false,
            })),
            revision: RwSignal::new(0),
            status: RwSignal::new(SyncStatus::default()),
            loaded: RwSignal::new(false),
            channel: web_sys::BroadcastChannel::new(CHANNEL).ok(),
            live: Rc::new(RefCell::new(Live::default())),
        })
    }

    /// Reads the stored records, then starts the engine's piece ([`Core`]), which reads the
    /// waiting changes and starts syncing (start-up, events, the period in the leader tab).
    ///
    /// When no change waits on the device (the usual case) the view is the records as stored, so
    /// they show at once and the piece loads once they have painted and the browser is idle.
    /// When changes wait, the records show with them replayed; only if the piece cannot be
    /// fetched (replaying needs it) do they show as stored, the badge saying sync has not got its
    /// code, and the changes join the view once the piece comes. Nothing syncs before the records
    /// are read, so a sync never races them.
    pub async fn begin(&self) -> Result<(), StoreError> {
        let read = self.read_bases().await;
        let waiting = match read {
            Ok(waiting) => waiting,
            Err(error) => {
                self.loaded.set(true);
                return Err(error);
            }
        };
        if waiting {
            self.start_core().await;
            self.loaded.set(true);
        } else {
            self.loaded.set(true);
            let engine = self.clone();
            // After the frame that shows the records has painted.
            crate::idle::when_idle(CORE_LATEST_MS, move || {
                wasm_bindgen_futures::spawn_local(async move { engine.start_core().await });
            });
        }
        Ok(())
    }

    /// The stored records of the synced spaces, as the view (no change replayed); whether
    /// changes or refusals wait on the device.
    async fn read_bases(&self) -> Result<bool, StoreError> {
        let (store, spaces) = {
            let state = self.state.borrow();
            (state.store.clone(), state.spaces.clone())
        };
        let waiting = store.waiting().await? > 0;
        let view = bases_view(&store, &spaces).await?;
        self.state.borrow_mut().view = view;
        self.changed();
        Ok(waiting)
    }

    /// Loads the engine's piece and starts it; if the piece cannot be fetched, tries again a
    /// little later (what is stored shows meanwhile, and writes say the piece is missing).
    async fn start_core(&self) {
        match core().await {
            Ok(core) => (core.begin)(self.clone()).await,
            Err(_) => {
                self.state.borrow_mut().problem = Some(SyncProblem::NotLoaded);
                self.changed();
                let engine = self.clone();
                Timeout::new(CORE_RETRY_MS, move || {
                    wasm_bindgen_futures::spawn_local(async move { engine.start_core().await });
                })
                .forget();
            }
        }
    }

    /// The engine's piece starting: the waiting changes and refusals are read and replayed,
    /// then sync starts. A storage failure here is the sync's to report (it reads the same).
    async fn begin_now(&self) {
        {
            let mut state = self.state.borrow_mut();
            if state.problem == Some(SyncProblem::NotLoaded) {
                state.problem = None;
            }
        }
        let _ = self.reload_outbox().await;
        self.listen();
        self.schedule(0);
        let leader = self.clone();
        hold_while_open(LEADER_LOCK, move || {
            leader.state.borrow_mut().leader = true;
            leader.ensure_live();
            leader.schedule(PERIOD_MS);
        });
    }

    /// The signed-in session, if any.
    pub fn session(&self) -> Option<SessionResponse> {
        self.state.borrow().session.clone()
    }

    /// Who is acting, if signed in.
    pub fn actor(&self) -> Option<Actor> {
        actor_of(&self.state.borrow().session)
    }

    /// The spaces this device syncs.
    pub fn spaces(&self) -> Vec<SpaceId> {
        self.state.borrow().spaces.clone()
    }

    /// Runs `read` over a space's view (base with the outbox replayed, I5).
    pub fn with_view<T>(&self, space: &SpaceId, read: impl FnOnce(&MemoryRecords) -> T) -> T {
        let state = self.state.borrow();
        match state.view.view(space) {
            Some(view) => read(view),
            None => read(&MemoryRecords::default()),
        }
    }

    /// Whether the signed-in person may do `op` on a record of `kind` in `space`: the same rule
    /// the server applies, so screens show only controls that would work.
    pub fn allows(
        &self,
        space: &SpaceId,
        kind: imp_shared::domain::RecordKind,
        op: imp_shared::permissions::WriteOp,
        existing: Option<&imp_shared::domain::Entity>,
    ) -> bool {
        let Some(actor) = self.actor() else {
            return false;
        };
        self.state
            .borrow()
            .view
            .may(&actor, space, kind, op, existing)
    }

    /// Pending changes, oldest first.
    pub fn outbox(&self) -> Vec<OutboxEntry> {
        self.state.borrow().view.outbox.clone()
    }

    /// Refused changes, oldest first.
    pub fn rejected(&self) -> Vec<RejectedEntry> {
        self.state.borrow().view.rejected.clone()
    }

    /// Makes a change: checked against the view first (bad input changes nothing), stored in the
    /// outbox with the next seq, shown at once, and synced shortly after.
    pub async fn write(
        &self,
        space: &SpaceId,
        mutation: Mutation,
    ) -> Result<MutationSeq, WriteError> {
        let core = core().await.map_err(|_| WriteError::NotLoaded)?;
        (core.write)(self.clone(), space.clone(), mutation).await
    }

    async fn write_now(
        &self,
        space: &SpaceId,
        mutation: Mutation,
    ) -> Result<MutationSeq, WriteError> {
        let actor = self.actor().ok_or(WriteError::SignedOut)?;
        let at = now();
        let (store, changes) = {
            let state = self.state.borrow();
            let changes = state.view.check_write(&actor, space, &mutation, at)?;
            (state.store.clone(), changes)
        };
        let entry = store.enqueue(space, mutation, at).await?;
        let seq = entry.pending.seq;
        self.state.borrow_mut().view.wrote(entry, &changes);
        self.changed();
        self.broadcast(&TabMessage::Wrote);
        self.schedule(WRITE_DEBOUNCE_MS);
        Ok(seq)
    }

    /// Drops a refused change from the list after the user has read it. `false` when the
    /// engine's piece could not be loaded (nothing changed).
    pub async fn dismiss_rejected(&self, seq: MutationSeq) -> Result<bool, StoreError> {
        match core().await {
            Ok(core) => (core.dismiss_rejected)(self.clone(), seq)
                .await
                .map(|()| true),
            Err(_) => Ok(false),
        }
    }

    async fn dismiss_rejected_now(&self, seq: MutationSeq) -> Result<(), StoreError> {
        let store = self.state.borrow().store.clone();
        store.dismiss_rejected(seq).await?;
        self.state
            .borrow_mut()
            .view
            .rejected
            .retain(|entry| entry.pending.seq != seq);
        self.changed();
        self.broadcast(&TabMessage::Wrote);
        Ok(())
    }

    /// Keeps a new session, learns the spaces, asks the browser to keep our storage, and syncs.
    pub async fn sign_in(&self, session: SessionResponse) -> Result<(), SignInError> {
        let me = transport::me(&session.token).await?;
        let (store, previous, n_pending) = {
            let state = self.state.borrow();
            let previous = state
                .session
                .as_ref()
                .map(|s| (s.user.id.clone(), s.user.email.clone()));
            (state.store.clone(), previous, state.view.outbox.len())
        };
        // Changes waiting on this device belong to the person who made them: another account
        // may not send them, and must not see that person's data either.
        if let Some((previous_id, previous_email)) = previous {
            if previous_id != session.user.id {
                if n_pending > 0 {
                    return Err(SignInError::OtherAccount(previous_email));
                }
                store.forget_account().await?;
            }
        }
        let stored = async {
            store.set_meta("session", &session).await?;
            store.set_meta("me", &me).await
        };
        stored.await?;
        {
            let mut state = self.state.borrow_mut();
            state.session = Some(session);
            state.spaces = synced_spaces(&me);
            state.problem = None;
            state.failures = 0;
        }
        request_persistent_storage();
        let _ = self.reload().await;
        self.broadcast(&TabMessage::Account);
        self.schedule(0);
        Ok(())
    }

    /// Signs out: ends the session on the server (best effort) and forgets this person's data on
    /// the device. The caller warns first when changes are still waiting.
    pub async fn sign_out(&self) -> Result<(), StoreError> {
        let (store, token) = {
            let state = self.state.borrow();
            (
                state.store.clone(),
                state.session.as_ref().map(|s| s.token.clone()),
            )
        };
        if let Some(token) = token {
            let _ = transport::logout(&token).await;
        }
        store.forget_account().await?;
        self.live.borrow_mut().close_all();
        {
            let mut state = self.state.borrow_mut();
            state.session = None;
            state.spaces.clear();
            state.view = ClientView::default();
            state.problem = None;
            state.last_synced = None;
        }
        self.changed();
        self.broadcast(&TabMessage::Account);
        Ok(())
    }

    /// Reloads everything from IndexedDB (after signing in, or when another tab signed in or
    /// out). Without the engine's piece, only the records (the view waits for the piece).
    pub async fn reload(&self) -> Result<(), StoreError> {
        match core().await {
            Ok(core) => (core.reload)(self.clone()).await,
            Err(_) => self.read_bases().await.map(|_| ()),
        }
    }

    async fn reload_now(&self) -> Result<(), StoreError> {
        let (store, spaces) = {
            let state = self.state.borrow();
            (state.store.clone(), state.spaces.clone())
        };
        let session: Option<SessionResponse> = store.meta("session").await?;
        let outbox = store.outbox().await?;
        let rejected = store.rejected().await?;
        let mut view = bases_view(&store, &spaces).await?;
        view.outbox = outbox;
        view.rejected = rejected;
        {
            let mut state = self.state.borrow_mut();
            state.session = session;
            view.recompute(actor_of(&state.session).as_ref(), None, now());
            state.view = view;
        }
        self.changed();
        Ok(())
    }

    /// Opens the live sockets this tab should hold: one per synced space while signed in, in the
    /// leader tab only; closes the others.
    fn ensure_live(&self) {
        let (token, spaces, leader) = {
            let state = self.state.borrow();
            (
                state.session.as_ref().map(|session| session.token.clone()),
                state.spaces.clone(),
                state.leader,
            )
        };
        let Some(token) = token.filter(|_| leader) else {
            self.live.borrow_mut().close_all();
            return;
        };
        let missing = self.live.borrow_mut().missing(&spaces);
        for space in missing {
            let engine = self.clone();
            let on_event = move |event: live::Event| match event {
                live::Event::Newer => engine.schedule(0),
                live::Event::Closed { reopen_ms } => {
                    // Polling is back to its normal period until the socket is open again.
                    engine.schedule(PERIOD_MS);
                    let engine = engine.clone();
                    Timeout::new(reopen_ms, move || engine.ensure_live()).forget();
                }
            };
            let cell = Rc::clone(&self.live);
            self.live
                .borrow_mut()
                .open(&space, &token, on_event, move || Rc::clone(&cell));
        }
    }

    /// Asks for a sync in `delay_ms` (sooner requests win).
    pub fn schedule(&self, delay_ms: u32) {
        let due = millis() + f64::from(delay_ms);
        let mut state = self.state.borrow_mut();
        if let Some((existing, _)) = &state.timer {
            if *existing <= due {
                return;
            }
        }
        let engine = self.clone();
        let timeout = Timeout::new(delay_ms, move || {
            engine.state.borrow_mut().timer = None;
            let engine = engine.clone();
            wasm_bindgen_futures::spawn_local(async move { engine.sync().await });
        });
        state.timer = Some((due, timeout));
    }

    /// Runs one sync cycle now (push the outbox, then pull every space), holding the sync lock.
    /// If the engine's piece cannot be loaded, tries again later.
    pub async fn sync(&self) {
        match core().await {
            Ok(core) => (core.sync)(self.clone()).await,
            Err(_) => self.schedule(CORE_RETRY_MS),
        }
    }

    async fn sync_now(&self) {
        {
            let mut state = self.state.borrow_mut();
            if state.session.is_none() {
                return;
            }
            if state.syncing {
                state.resync = true;
                return;
            }
            state.syncing = true;
        }
        self.changed();
        let engine = self.clone();
        let outcome: Rc<RefCell<Option<Result<(), SyncError>>>> = Rc::new(RefCell::new(None));
        let slot = Rc::clone(&outcome);
        with_lock(SYNC_LOCK, async move {
            let result = engine.sync_once().await;
            *slot.borrow_mut() = Some(result);
        })
        .await;
        let result = outcome.borrow_mut().take().unwrap_or(Ok(()));
        let next_delay = {
            let mut state = self.state.borrow_mut();
            state.syncing = false;
            let outcome = match &result {
                Ok(()) => Outcome::Synced,
                Err(CycleError::Transport(error)) => Outcome::Failed(Http::failure(error)),
                Err(CycleError::Store(_)) => Outcome::StorageFailed,
            };
            let jitter = (js_sys::Math::random() * 1000.0) as u32;
            let decision = decide(outcome, state.failures, state.leader, jitter);
            state.failures = decision.failures;
            state.online = decision.online;
            state.problem = decision.problem;
            if outcome == Outcome::Synced {
                state.last_synced = Some(now());
            }
            // While every synced space has its live socket open, changes arrive by poke, and
            // the period only guards against a missed one.
            match decision.next_delay_ms {
                Some(PERIOD_MS) if self.live.borrow().healthy(&state.spaces) => {
                    Some(LIVE_PERIOD_MS)
                }
                other => other,
            }
        };
        let again = std::mem::take(&mut self.state.borrow_mut().resync);
        {
            let mut state = self.state.borrow_mut();
            state.retry_at = match (&result, next_delay) {
                (Err(_), Some(delay)) => Some(millis() + f64::from(delay)),
                _ => None,
            };
        }
        if result.is_ok() {
            let (store, at) = {
                let state = self.state.borrow();
                (state.store.clone(), state.last_synced)
            };
            // Remembered so that a reopened app can say when it last synced.
            let _ = store.set_meta("last_synced", &at).await;
        }
        self.changed();
        if again && result.is_ok() {
            self.schedule(0);
        } else if let Some(delay) = next_delay {
            self.schedule(delay);
        }
    }

    async fn sync_once(&self) -> Result<(), SyncError> {
        let (store, token, client_id, spaces) = {
            let state = self.state.borrow();
            let Some(session) = &state.session else {
                return Ok(());
            };
            (
                state.store.clone(),
                session.token.clone(),
                state.client_id.clone(),
                state.spaces.clone(),
            )
        };
        let transport = Http { token };
        let mut report = CycleReport::default();
        let engine = self.clone();
        // A paged pull (a first sync of a big program) says how far it has come.
        let mut progress = move |page: PullProgress| {
            engine.state.borrow_mut().loading = page.more.then_some((page.received, page.total));
            engine.changed();
        };
        let result = sync_cycle_into(
            &store,
            &transport,
            &client_id,
            &spaces,
            &mut report,
            &mut progress,
        )
        .await;
        self.state.borrow_mut().loading = None;
        // Pages absorbed before a failure are stored: the view takes them too, error or not.
        if result.is_err() && report.pulled.is_empty() {
            return result;
        }
        // Only what changed is read again: the outbox and refusals when a pull confirmed
        // entries; the records come from the pulls themselves.
        let outbox = if report.outbox_changed {
            let outbox = store.outbox().await.map_err(CycleError::Store)?;
            let rejected = store.rejected().await.map_err(CycleError::Store)?;
            Some((outbox, rejected))
        } else {
            None
        };
        let changed = {
            let mut state = self.state.borrow_mut();
            let actor = actor_of(&state.session);
            state
                .view
                .take_cycle(&report, outbox, actor.as_ref(), now())
        };
        if result.is_err() {
            // The other tabs read the spaces whose pages this tab stored before the failure.
            if !changed.is_empty() {
                self.broadcast(&TabMessage::Stored(changed));
            }
            return result;
        }
        {
            let mut live = self.live.borrow_mut();
            for (space, pulled) in &report.pulled {
                live.synced(space, pulled.cursor.0);
            }
        }
        self.ensure_live();
        // Told even when nothing changed, so the other tabs can say when sync last worked.
        self.broadcast(&TabMessage::Synced(changed));
        Ok(())
    }

    fn changed(&self) {
        let status = {
            let state = self.state.borrow();
            SyncStatus {
                online: state.online,
                syncing: state.syncing,
                last_synced: state.last_synced,
                pending: state.view.outbox.len(),
                rejected: state.view.rejected.len(),
                problem: state.problem,
                retry_at: state.retry_at,
                loading: state.loading,
            }
        };
        self.status.set(status);
        self.revision.update(|revision| *revision += 1);
    }

    fn broadcast(&self, message: &TabMessage) {
        if let (Some(channel), Ok(text)) = (&self.channel, serde_json::to_string(message)) {
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(&text));
        }
    }

    /// Another tab wrote: read the outbox and refusals again and replay them (the bases are
    /// unchanged). Syncing the write is the writing tab's job.
    async fn reload_outbox(&self) -> Result<(), StoreError> {
        let store = self.state.borrow().store.clone();
        let outbox = store.outbox().await?;
        let rejected = store.rejected().await?;
        {
            let mut state = self.state.borrow_mut();
            let actor = actor_of(&state.session);
            state
                .view
                .take_outbox(outbox, rejected, &[], actor.as_ref(), now());
        }
        self.changed();
        Ok(())
    }

    /// Another tab synced (or, `synced` false, stored some pages before its sync failed): read
    /// just the spaces whose records changed, and the outbox.
    async fn reload_spaces(&self, spaces: &[SpaceId], synced: bool) -> Result<(), StoreError> {
        let store = self.state.borrow().store.clone();
        let mut bases = Vec::new();
        for space in spaces {
            let (base, _cursor) = store.load_base(space).await?;
            bases.push((space.clone(), base));
        }
        let outbox = store.outbox().await?;
        let rejected = store.rejected().await?;
        {
            let mut state = self.state.borrow_mut();
            let mut replaced = Vec::new();
            for (space, base) in bases {
                if state.spaces.contains(&space) || state.view.base(&space).is_some() {
                    state.view.set_base(space.clone(), base);
                    replaced.push(space);
                }
            }
            let actor = actor_of(&state.session);
            state
                .view
                .take_outbox(outbox, rejected, &replaced, actor.as_ref(), now());
            if !synced {
                drop(state);
                self.changed();
                return Ok(());
            }
            state.last_synced = Some(now());
            if matches!(
                state.problem,
                Some(SyncProblem::Server(_) | SyncProblem::Storage)
            ) {
                state.problem = None;
            }
        }
        self.changed();
        Ok(())
    }

    fn listen(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_online = {
            let engine = self.clone();
            Closure::<dyn Fn()>::new(move || {
                engine.state.borrow_mut().online = true;
                engine.changed();
                engine.schedule(0);
            })
        };
        let on_offline = {
            let engine = self.clone();
            Closure::<dyn Fn()>::new(move || {
                engine.state.borrow_mut().online = false;
                engine.changed();
            })
        };
        let on_focus = {
            let engine = self.clone();
            Closure::<dyn Fn()>::new(move || engine.schedule(0))
        };
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        let _ = window.add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref());
        // The listeners live as long as the page.
        on_online.forget();
        on_offline.forget();
        on_focus.forget();
        if let Some(channel) = &self.channel {
            let engine = self.clone();
            let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
                move |event: web_sys::MessageEvent| {
                    let message = event
                        .data()
                        .as_string()
                        .and_then(|text| serde_json::from_str::<TabMessage>(&text).ok())
                        .unwrap_or(TabMessage::Account);
                    let engine = engine.clone();
                    // None of these starts a sync: two tabs answering each other's messages
                    // with syncs would never stop.
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = match message {
                            TabMessage::Wrote => engine.reload_outbox().await,
                            TabMessage::Synced(spaces) => engine.reload_spaces(&spaces, true).await,
                            TabMessage::Stored(spaces) => {
                                engine.reload_spaces(&spaces, false).await
                            }
                            TabMessage::Account => engine.reload_now().await,
                        };
                    });
                },
            );
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
        }
    }
}

/// Why signing in did not complete.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignInError {
    /// The server said no, or could not be reached.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The device could not store the session.
    #[error("{0}")]
    Storage(#[from] StoreError),
    /// Changes of another account (this email) wait on this device.
    #[error("changes of {0} are waiting on this device")]
    OtherAccount(String),
}

/// Why a sync cycle stopped: the device's storage or the network.
pub type SyncError = CycleError<StoreError, TransportError>;

/// Who is acting in a session.
pub(crate) fn actor_of(session: &Option<SessionResponse>) -> Option<Actor> {
    session.as_ref().map(|session| Actor {
        user_id: session.user.id.clone(),
        role: session.user.role,
    })
}

/// What one tab tells the others over the BroadcastChannel.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "t", content = "spaces", rename_all = "snake_case")]
enum TabMessage {
    /// I queued a change or dismissed a refusal (the outbox or refusals changed).
    Wrote,
    /// I synced: these spaces' records changed (and the outbox may have shrunk).
    Synced(Vec<SpaceId>),
    /// My sync failed midway, after storing pages of these spaces: read them, but sync did not
    /// work.
    Stored(Vec<SpaceId>),
    /// Someone signed in or out: read everything again.
    Account,
}

/// The spaces a device syncs for a person: the program, and the student spaces they may read
/// (their own, or their mentees'). Staff sync the staff space; student spaces they open later.
pub fn synced_spaces(me: &MeResponse) -> Vec<SpaceId> {
    me.spaces
        .iter()
        .filter(|space| match space {
            SpaceId::Program | SpaceId::Staff => true,
            SpaceId::Student(_) => me.user.role != imp_shared::domain::Role::Staff,
        })
        .cloned()
        .collect()
}

/// Asks the browser not to evict our storage (offline data must survive).
fn request_persistent_storage() {
    if let Some(window) = web_sys::window() {
        if let Ok(promise) = window.navigator().storage().persist() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
}
