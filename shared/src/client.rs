//! The client core, pure and shared by the app and the simulation: the outbox and its rebasing,
//! the view (base + replayed outbox, patched from each pull), the sync cycle over a
//! [`ClientStore`] and a [`Transport`] (what to push, in what chunks, which spaces to pull, with
//! which `since_seq`), and the decisions after each cycle (status, backoff, the next attempt).
//!
//! The app runs it over IndexedDB and `fetch` (`app/src/storage`, `app/src/sync/engine.rs` keeps
//! only the browser glue: timers, events, locks, channels); the simulation over
//! [`MemoryClientStore`] and a faulty in-memory network.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::apply::{apply, ApplyContext, Change, MemoryRecords};
use crate::error::MutationError;
use crate::ids::{ClientId, MutationSeq, ServerVersion, SpaceId};
use crate::mutation::{Mutation, PendingMutation};
use crate::permissions::Actor;
use crate::protocol::{
    PullResponse, PushRequest, RejectedMutation, PROTOCOL_VERSION, SCHEMA_VERSION,
};

/// A mutation the server refused, kept for the user with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedEntry {
    /// The space it was for.
    pub space: SpaceId,
    /// The refused mutation.
    pub pending: PendingMutation,
    /// Machine-readable reason.
    pub code: String,
    /// Human-readable reason (English).
    pub message: String,
    /// The reason as data, worded by the app in the reader's language (absent in entries stored
    /// before reasons were sent, and for reasons this build does not know).
    #[serde(default, deserialize_with = "crate::protocol::lenient_reason")]
    pub reason: Option<MutationError>,
}

/// One space's confirmed state on a client: records and the cursor they are at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Base {
    /// Confirmed records.
    pub records: MemoryRecords,
    /// The version they reflect.
    pub cursor: ServerVersion,
}

impl Base {
    /// Applies a pull's changes (or replaces everything on reset).
    pub fn absorb(&mut self, pull: &PullResponse) {
        if pull.reset {
            self.records = MemoryRecords::default();
        }
        for change in &pull.changes {
            match &change.record {
                Some(entity) => {
                    self.records
                        .records
                        .insert(change.key.clone(), entity.clone());
                }
                None => {
                    self.records.records.remove(&change.key);
                }
            }
        }
        self.cursor = pull.cursor;
    }
}

/// Replays an outbox over a base: the view the UI shows (I5). Entries that no longer apply locally
/// are skipped in the view; the server will give their verdict.
pub fn replay(
    base: &MemoryRecords,
    outbox: &[PendingMutation],
    actor: &Actor,
    space: &SpaceId,
    now: DateTime<Utc>,
) -> MemoryRecords {
    let mut view = base.clone();
    let context = ApplyContext::new(actor, space, now);
    for pending in outbox {
        if let Ok(changes) = apply(&view, &context, &pending.mutation) {
            view.write(&changes);
        }
    }
    view
}

/// What a pull did to the outbox, for the UI and for checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rebased {
    /// Entries the server processed, now gone from the outbox.
    pub confirmed: Vec<MutationSeq>,
    /// Entries the server refused, moved to the rejected list.
    pub rejected: Vec<RejectedEntry>,
}

/// Drops outbox entries the pull shows as processed (`seq <= last_seq`, I3) and returns which of
/// them were refused, with their reasons.
pub fn rebase_outbox(
    outbox: &mut Vec<PendingMutation>,
    space: &SpaceId,
    pull: &PullResponse,
) -> Rebased {
    let reasons: BTreeMap<MutationSeq, &RejectedMutation> = pull
        .rejected
        .iter()
        .map(|rejected| (rejected.seq, rejected))
        .collect();
    // When the server cut the list of reasons short, confirm only up to the last reason it sent,
    // so the rest arrive with the next pull instead of being dropped without one.
    let confirmed_up_to = match pull.rejected.last() {
        Some(last) if pull.rejected.len() >= crate::server::MAX_REJECTED_PER_PULL => {
            pull.last_seq.min(last.seq)
        }
        _ => pull.last_seq,
    };
    let mut rebased = Rebased::default();
    outbox.retain(|pending| {
        if pending.seq > confirmed_up_to {
            return true;
        }
        rebased.confirmed.push(pending.seq);
        if let Some(rejected) = reasons.get(&pending.seq) {
            rebased.rejected.push(RejectedEntry {
                space: space.clone(),
                pending: pending.clone(),
                code: rejected.code.clone(),
                message: rejected.message.clone(),
                reason: rejected.reason.clone(),
            });
        }
        false
    });
    rebased
}

/// A pending mutation with the space it is for, as it sits in a client's outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The space.
    pub space: SpaceId,
    /// The mutation and its seq.
    pub pending: PendingMutation,
    /// When the person made it (shown in the UI; never used for ordering).
    pub queued_at: DateTime<Utc>,
}

impl OutboxEntry {
    /// A mutation queued in a space with the seq the store took for it.
    pub fn new(space: &SpaceId, seq: MutationSeq, mutation: Mutation, now: DateTime<Utc>) -> Self {
        Self {
            space: space.clone(),
            pending: PendingMutation { seq, mutation },
            queued_at: now,
        }
    }
}

/// A client's durable state, shared by every tab of one browser profile: the outbox (seqs taken
/// in the same write as the entry), refusals, and each space's confirmed records with their
/// cursor and the last seq the server reported. The app keeps it in IndexedDB
/// (`app/src/storage`); [`MemoryClientStore`] is its in-memory twin for native tests and the
/// simulation. Each method is one transaction: nothing is half-written.
#[allow(async_fn_in_trait)] // single-threaded (wasm, the simulation): no `Send` bound wanted
pub trait ClientStore {
    /// The storage's own error.
    type Error: std::error::Error + Clone;

    /// Every pending mutation, oldest first.
    async fn outbox(&self) -> Result<Vec<OutboxEntry>, Self::Error>;
    /// Refused mutations with their reasons, oldest first.
    async fn rejected(&self) -> Result<Vec<RejectedEntry>, Self::Error>;
    /// Appends a mutation to the outbox with the next seq of this profile.
    async fn enqueue(
        &self,
        space: &SpaceId,
        mutation: Mutation,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, Self::Error>;
    /// A space's confirmed records and the cursor they reflect.
    async fn load_base(
        &self,
        space: &SpaceId,
    ) -> Result<(MemoryRecords, ServerVersion), Self::Error>;
    /// The cursor a space's base reflects (0 when never pulled).
    async fn cursor(&self, space: &SpaceId) -> Result<ServerVersion, Self::Error>;
    /// The highest seq the server reported processed for a space (0 when none).
    async fn last_seq(&self, space: &SpaceId) -> Result<MutationSeq, Self::Error>;
    /// Absorbs a pull in one transaction: records (or a reset), cursor, last seq, the outbox
    /// entries it confirms (I3) and the refusals among them ([`rebase_outbox`]).
    async fn absorb(&self, space: &SpaceId, pull: &PullResponse) -> Result<Rebased, Self::Error>;
    /// Forgets a refusal the person has read.
    async fn dismiss_rejected(&self, seq: MutationSeq) -> Result<(), Self::Error>;
}

/// Why a request did not get an answer the client can use, as the sync decisions see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer: offline, or the server unreachable.
    Offline,
    /// 401: the session ended; sign in again (the outbox is kept).
    SignedOut,
    /// 426: this app is older than the server accepts (the outbox is kept).
    TooOld,
    /// Any other error answer (its HTTP status; 0 when the answer did not read).
    Server(u16),
}

/// The network edge of a client: the app's `fetch`, or the simulation's faulty network.
#[allow(async_fn_in_trait)] // single-threaded, as above
pub trait Transport {
    /// The transport's own error.
    type Error: std::error::Error + Clone;

    /// What the sync decisions make of an error.
    fn failure(error: &Self::Error) -> Failure;
    /// `POST /spaces/{space}/push`.
    async fn push(
        &self,
        space: &SpaceId,
        request: &PushRequest,
    ) -> Result<crate::protocol::PushResponse, Self::Error>;
    /// `GET /spaces/{space}/pull`: one page (protocol 2); `snapshot` continues a reset.
    async fn pull(
        &self,
        space: &SpaceId,
        cursor: ServerVersion,
        client_id: &ClientId,
        since_seq: MutationSeq,
        snapshot: bool,
    ) -> Result<PullResponse, Self::Error>;
}

/// Why a sync cycle stopped; nothing it absorbed before is lost (each pull is its own
/// transaction).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CycleError<S: std::error::Error, T: std::error::Error> {
    /// The device's storage.
    #[error("{0}")]
    Store(S),
    /// The network or the server.
    #[error("{0}")]
    Transport(T),
}

/// What a finished sync cycle did, for the in-memory view and for checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CycleReport {
    /// Each space's pull, in the order they were absorbed.
    pub pulled: Vec<(SpaceId, PullResponse)>,
    /// Whether a pull confirmed (or refused) outbox entries.
    pub outbox_changed: bool,
    /// Push requests sent.
    pub pushes: usize,
}

/// The pushes for an outbox: per space (in space order), the space's entries oldest first, in
/// chunks of at most [`crate::protocol::MAX_MUTATIONS_PER_PUSH`].
pub fn push_plan(outbox: &[OutboxEntry]) -> Vec<(SpaceId, Vec<PendingMutation>)> {
    let mut by_space: BTreeMap<SpaceId, Vec<PendingMutation>> = BTreeMap::new();
    for entry in outbox {
        by_space
            .entry(entry.space.clone())
            .or_default()
            .push(entry.pending.clone());
    }
    let mut plan = Vec::new();
    for (space, pending) in by_space {
        for chunk in pending.chunks(crate::protocol::MAX_MUTATIONS_PER_PUSH) {
            plan.push((space.clone(), chunk.to_vec()));
        }
    }
    plan
}

/// The spaces to pull: the ones this person syncs, then any other space changes wait in.
pub fn pull_plan(spaces: &[SpaceId], outbox: &[OutboxEntry]) -> Vec<SpaceId> {
    let mut plan = spaces.to_vec();
    for entry in outbox {
        if !plan.contains(&entry.space) {
            plan.push(entry.space.clone());
        }
    }
    plan
}

/// The `since_seq` to pull a space with: just below its oldest pending entry, so that entry's
/// verdict (and any refusal after it) comes back; else the last seq the server reported.
pub fn since_seq(space: &SpaceId, outbox: &[OutboxEntry], last_seq: MutationSeq) -> MutationSeq {
    outbox
        .iter()
        .find(|entry| &entry.space == space)
        .map(|entry| MutationSeq(entry.pending.seq.0.saturating_sub(1)))
        .unwrap_or(last_seq)
}

/// How far a paged pull of one space has come (shown on a first sync: "Loading your program…
/// 3,200 / 10,000").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullProgress {
    /// The space being pulled.
    pub space: SpaceId,
    /// Changes received so far in this cycle for the space.
    pub received: u64,
    /// About how many changes there are in all (received + what the server says remains).
    pub total: u64,
    /// Whether more pages follow.
    pub more: bool,
}

/// One sync cycle: push the outbox (read fresh: other tabs share it), then pull every space and
/// absorb each pull in its own transaction. Push replies are informational (I3).
pub async fn sync_cycle<S: ClientStore, T: Transport>(
    store: &S,
    transport: &T,
    client_id: &ClientId,
    spaces: &[SpaceId],
) -> Result<CycleReport, CycleError<S::Error, T::Error>> {
    let mut report = CycleReport::default();
    sync_cycle_into(
        store,
        transport,
        client_id,
        spaces,
        &mut report,
        &mut |_| {},
    )
    .await?;
    Ok(report)
}

/// [`sync_cycle`], filling `report` as it goes and telling `progress` after each page of a paged
/// pull. Each page is absorbed (and stored) on its own, so a cycle cut off midway keeps what it
/// received, and `report` says what that was (the caller's view must take it, error or not); the
/// next cycle goes on from the stored cursor. A reset's later pages are asked for with
/// `snapshot`.
pub async fn sync_cycle_into<S: ClientStore, T: Transport>(
    store: &S,
    transport: &T,
    client_id: &ClientId,
    spaces: &[SpaceId],
    report: &mut CycleReport,
    progress: &mut dyn FnMut(PullProgress),
) -> Result<(), CycleError<S::Error, T::Error>> {
    let outbox = store.outbox().await.map_err(CycleError::Store)?;
    for (space, mutations) in push_plan(&outbox) {
        let request = PushRequest {
            protocol: PROTOCOL_VERSION,
            schema: SCHEMA_VERSION,
            client_id: client_id.clone(),
            mutations,
        };
        transport
            .push(&space, &request)
            .await
            .map_err(CycleError::Transport)?;
        report.pushes += 1;
    }
    for space in pull_plan(spaces, &outbox) {
        let last_seq = store.last_seq(&space).await.map_err(CycleError::Store)?;
        let since = since_seq(&space, &outbox, last_seq);
        let mut snapshot = false;
        let mut received = 0u64;
        // A server never sends more pages than changes; the bound only stops a faulty one.
        for _page in 0..=MAX_PAGES_PER_PULL {
            let cursor = store.cursor(&space).await.map_err(CycleError::Store)?;
            let mut pulled = transport
                .pull(&space, cursor, client_id, since, snapshot)
                .await
                .map_err(CycleError::Transport)?;
            // A page must move the cursor on (a reset starts it again from nothing).
            let more = pulled.more && (pulled.reset || pulled.cursor > cursor);
            if more {
                // The server's `last_seq` and verdicts describe the whole space; until the last
                // page is in, the base may not yet hold what they confirm, so no waiting change
                // is settled before then (the view never loses one between pages).
                pulled.last_seq = last_seq;
                pulled.rejected.clear();
            }
            let rebased = store
                .absorb(&space, &pulled)
                .await
                .map_err(CycleError::Store)?;
            report.outbox_changed |= !rebased.confirmed.is_empty();
            received += pulled.changes.len() as u64;
            if more || received > pulled.changes.len() as u64 {
                progress(PullProgress {
                    space: space.clone(),
                    received,
                    total: received + if more { pulled.remaining } else { 0 },
                    more,
                });
            }
            snapshot = more && (snapshot || pulled.reset);
            report.pulled.push((space.clone(), pulled));
            if !more {
                break;
            }
        }
    }
    Ok(())
}

/// Most pages one space's pull takes in a cycle (10,000,000 changes at the server's page size);
/// past it the cycle ends and the next one goes on from the stored cursor.
pub const MAX_PAGES_PER_PULL: usize = 10_000;

/// Sync again this long after a local write, so a burst of writes goes in one push.
pub const WRITE_DEBOUNCE_MS: u32 = 400;
/// The leader tab syncs this often while everything works.
pub const PERIOD_MS: u32 = 30_000;
/// The leader tab's period while every synced space has its live socket open (changes arrive by
/// poke; the period only guards against a missed one).
pub const LIVE_PERIOD_MS: u32 = 5 * 60_000;
/// The longest wait between retries while failing.
pub const MAX_BACKOFF_MS: u32 = 5 * 60_000;

/// How a sync cycle ended, as the next decisions need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything pushed and pulled.
    Synced,
    /// A request failed.
    Failed(Failure),
    /// The device's storage failed.
    StorageFailed,
}

/// Why sync is not working right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncProblem {
    /// The session ended: sign in again (changes are kept).
    SignedOut,
    /// The server needs a newer app: reload to update (changes are kept).
    TooOld,
    /// The server answered with an error (its HTTP status; 0 when unreadable); retried.
    Server(u16),
    /// The device's storage failed; retried.
    Storage,
    /// The app's sync code (its own piece of the app) could not be fetched: offline before the
    /// app was kept for offline use; retried. Never the outcome of a cycle.
    NotLoaded,
}

/// What the UI shows about sync on every screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncStatus {
    /// Whether the last attempt reached the server.
    pub online: bool,
    /// Whether a sync is running in this tab.
    pub syncing: bool,
    /// When sync last worked.
    pub last_synced: Option<DateTime<Utc>>,
    /// Local changes not yet confirmed by the server.
    pub pending: usize,
    /// Changes the server refused (shown with reasons).
    pub rejected: usize,
    /// What is wrong, if anything. Never cleared by anything but a working sync (or sign-in).
    pub problem: Option<SyncProblem>,
    /// When the next automatic attempt is due (ms since the epoch), while failing.
    pub retry_at: Option<f64>,
    /// While a paged pull runs (a first sync of a big program): changes received so far and
    /// about how many there are in all.
    pub loading: Option<(u64, u64)>,
}

/// The sync decisions after a cycle: the status to show and when to try again (`None`: not by
/// itself). `failures` counts the failed cycles in a row before this one; `leader` says whether
/// this tab syncs on the period; `jitter_ms` (0–1000) spreads retries of many devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the server was reached.
    pub online: bool,
    /// The problem to show (`None` clears it).
    pub problem: Option<SyncProblem>,
    /// When to sync again.
    pub next_delay_ms: Option<u32>,
    /// Failed cycles in a row after this one.
    pub failures: u32,
}

/// Decides status and the next attempt after a cycle (see [`Decision`]).
pub fn decide(outcome: Outcome, failures: u32, leader: bool, jitter_ms: u32) -> Decision {
    let failed = failures.saturating_add(1);
    let backoff = backoff_ms(failed, jitter_ms);
    match outcome {
        Outcome::Synced => Decision {
            online: true,
            problem: None,
            // Only the leader keeps syncing on the period; other tabs hear of its syncs.
            next_delay_ms: leader.then_some(PERIOD_MS),
            failures: 0,
        },
        Outcome::Failed(Failure::Offline) => Decision {
            online: false,
            problem: None,
            next_delay_ms: Some(backoff),
            failures: failed,
        },
        Outcome::Failed(Failure::SignedOut) => Decision {
            online: true,
            problem: Some(SyncProblem::SignedOut),
            next_delay_ms: None,
            failures: failed,
        },
        Outcome::Failed(Failure::TooOld) => Decision {
            online: true,
            problem: Some(SyncProblem::TooOld),
            next_delay_ms: None,
            failures: failed,
        },
        Outcome::Failed(Failure::Server(status)) => Decision {
            online: true,
            problem: Some(SyncProblem::Server(status)),
            next_delay_ms: Some(backoff),
            failures: failed,
        },
        Outcome::StorageFailed => Decision {
            online: true,
            problem: Some(SyncProblem::Storage),
            next_delay_ms: Some(backoff),
            failures: failed,
        },
    }
}

/// Exponential backoff: 2 s, 4 s, 8 s … after 1, 2, 3 … failures, at most five minutes, plus the
/// jitter (0–1000 ms).
pub fn backoff_ms(failures: u32, jitter_ms: u32) -> u32 {
    let base = 1000u32.saturating_mul(1u32 << failures.min(12));
    base.min(MAX_BACKOFF_MS).saturating_add(jitter_ms.min(1000))
}

/// What a client shows: each space's confirmed records (base) and its view (base with the outbox
/// replayed, I5), the outbox and the refusals. Patched from each pull's changes, never re-read
/// whole; the store stays the truth for what is durable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientView {
    bases: BTreeMap<SpaceId, MemoryRecords>,
    views: BTreeMap<SpaceId, MemoryRecords>,
    /// Pending changes, oldest first.
    pub outbox: Vec<OutboxEntry>,
    /// Refused changes, oldest first.
    pub rejected: Vec<RejectedEntry>,
}

impl ClientView {
    /// A space's view (empty when it holds nothing).
    pub fn view(&self, space: &SpaceId) -> Option<&MemoryRecords> {
        self.views.get(space).or_else(|| self.bases.get(space))
    }

    /// A space's confirmed records.
    pub fn base(&self, space: &SpaceId) -> Option<&MemoryRecords> {
        self.bases.get(space)
    }

    /// Checks a local write against the view (bad input changes nothing). The program and staff
    /// records this client holds let rules that need them refuse early; a student's staff space
    /// holds only what they wrote there, never check-in codes, so only staff use it.
    pub fn check_write(
        &self,
        actor: &Actor,
        space: &SpaceId,
        mutation: &Mutation,
        now: DateTime<Utc>,
    ) -> Result<Vec<Change>, MutationError> {
        let empty = MemoryRecords::default();
        let view = self.view(space).unwrap_or(&empty);
        let other = |id: &SpaceId| {
            (id != space)
                .then(|| self.view(id))
                .flatten()
                .map(|records| records as &dyn crate::apply::RecordView)
        };
        let context = ApplyContext {
            program: other(&SpaceId::Program),
            staff: (actor.role == crate::domain::Role::Staff)
                .then(|| other(&SpaceId::Staff))
                .flatten(),
            ..ApplyContext::new(actor, space, now)
        };
        apply(view, &context, mutation)
    }

    /// Whether the permission rules let `actor` do `op` on a record of `kind` in `space` (with
    /// the record as this client holds it), so the UI shows only the controls that would work.
    pub fn may(
        &self,
        actor: &Actor,
        space: &SpaceId,
        kind: crate::domain::RecordKind,
        op: crate::permissions::WriteOp,
        existing: Option<&crate::domain::Entity>,
    ) -> bool {
        let empty = MemoryRecords::default();
        let view = self.view(space).unwrap_or(&empty);
        let access = crate::apply::access_in(view, actor, space);
        crate::permissions::may_write(actor, space, access, kind, op, existing).is_ok()
    }

    /// Shows a write that the store has queued (`changes` from [`Self::check_write`]).
    pub fn wrote(&mut self, entry: OutboxEntry, changes: &[Change]) {
        let space = entry.space.clone();
        self.outbox.push(entry);
        let view = match self.views.get_mut(&space) {
            Some(view) => view,
            None => {
                let base = self.bases.get(&space).cloned().unwrap_or_default();
                self.views.entry(space).or_insert(base)
            }
        };
        view.write(changes);
    }

    /// Applies a pull's changes to a space's base (or replaces it on a reset), as the store did.
    pub fn absorb(&mut self, space: &SpaceId, pull: &PullResponse) {
        let base = self.bases.entry(space.clone()).or_default();
        if pull.reset {
            base.records.clear();
        }
        base.write(
            &pull
                .changes
                .iter()
                .map(|change| Change {
                    key: change.key.clone(),
                    record: change.record.clone(),
                })
                .collect::<Vec<_>>(),
        );
    }

    /// Replaces a space's base (read from the store).
    pub fn set_base(&mut self, space: SpaceId, base: MemoryRecords) {
        self.bases.insert(space, base);
    }

    /// Keeps only these spaces (sign-out, or a person who syncs fewer).
    pub fn retain_spaces(&mut self, spaces: &[SpaceId]) {
        self.bases.retain(|space, _| spaces.contains(space));
        self.views.retain(|space, _| spaces.contains(space));
    }

    /// Replays the outbox over the bases (I5): every space, or only `only`. Without an actor
    /// (signed out) the view is the base.
    pub fn recompute(
        &mut self,
        actor: Option<&Actor>,
        only: Option<&[SpaceId]>,
        now: DateTime<Utc>,
    ) {
        let spaces: Vec<SpaceId> = self.bases.keys().cloned().collect();
        for space in spaces {
            if only.is_some_and(|only| !only.contains(&space)) {
                continue;
            }
            let base = self.bases.get(&space).cloned().unwrap_or_default();
            let view = match actor {
                Some(actor) => {
                    let pending: Vec<PendingMutation> = self
                        .outbox
                        .iter()
                        .filter(|entry| entry.space == space)
                        .map(|entry| entry.pending.clone())
                        .collect();
                    if pending.is_empty() {
                        base
                    } else {
                        replay(&base, &pending, actor, &space, now)
                    }
                }
                None => base,
            };
            self.views.insert(space, view);
        }
    }

    /// Takes the outbox and refusals as the store now has them, and replays only the spaces whose
    /// waiting changes differ from before, plus `changed` (spaces whose bases were replaced or
    /// patched): another tab's write, or a pull's confirmations, leave the other views alone.
    pub fn take_outbox(
        &mut self,
        outbox: Vec<OutboxEntry>,
        rejected: Vec<RejectedEntry>,
        changed: &[SpaceId],
        actor: Option<&Actor>,
        now: DateTime<Utc>,
    ) {
        let seqs = |list: &[OutboxEntry], space: &SpaceId| -> Vec<MutationSeq> {
            list.iter()
                .filter(|entry| &entry.space == space)
                .map(|entry| entry.pending.seq)
                .collect()
        };
        let mut stale = changed.to_vec();
        for space in self.bases.keys() {
            if !stale.contains(space) && seqs(&self.outbox, space) != seqs(&outbox, space) {
                stale.push(space.clone());
            }
        }
        self.outbox = outbox;
        self.rejected = rejected;
        if !stale.is_empty() {
            self.recompute(actor, Some(&stale), now);
        }
    }

    /// Takes in a finished cycle: patches the bases of the spaces whose records changed, takes the
    /// outbox and refusals as the store now has them, and replays. Returns the spaces whose
    /// records changed.
    pub fn take_cycle(
        &mut self,
        report: &CycleReport,
        outbox: Option<(Vec<OutboxEntry>, Vec<RejectedEntry>)>,
        actor: Option<&Actor>,
        now: DateTime<Utc>,
    ) -> Vec<SpaceId> {
        let mut changed = Vec::new();
        for (space, pull) in &report.pulled {
            if pull.reset || !pull.changes.is_empty() {
                self.absorb(space, pull);
                changed.push(space.clone());
            }
        }
        match outbox {
            Some((outbox, rejected)) => self.take_outbox(outbox, rejected, &changed, actor, now),
            None if !changed.is_empty() => self.recompute(actor, Some(&changed), now),
            None => {}
        }
        changed
    }
}

/// Storage that never fails in memory: the simulation's and native tests' twin of IndexedDB.
/// Clones share one state, as the tabs of one browser profile share IndexedDB.
#[derive(Debug, Clone, Default)]
pub struct MemoryClientStore {
    inner: std::rc::Rc<std::cell::RefCell<MemoryClient>>,
}

#[derive(Debug, Clone, Default)]
struct MemoryClient {
    seq: u64,
    outbox: BTreeMap<MutationSeq, OutboxEntry>,
    rejected: BTreeMap<MutationSeq, RejectedEntry>,
    bases: BTreeMap<SpaceId, (MemoryRecords, ServerVersion, MutationSeq)>,
}

/// The in-memory store's one failure: the seq counter would pass 2^53 (I8).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this device has used up its change numbers")]
pub struct SeqsExhausted;

impl ClientStore for MemoryClientStore {
    type Error = SeqsExhausted;

    async fn outbox(&self) -> Result<Vec<OutboxEntry>, SeqsExhausted> {
        Ok(self.inner.borrow().outbox.values().cloned().collect())
    }

    async fn rejected(&self) -> Result<Vec<RejectedEntry>, SeqsExhausted> {
        Ok(self.inner.borrow().rejected.values().cloned().collect())
    }

    async fn enqueue(
        &self,
        space: &SpaceId,
        mutation: Mutation,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, SeqsExhausted> {
        let mut inner = self.inner.borrow_mut();
        let next = inner.seq + 1;
        if next > crate::ids::MAX_SAFE_INTEGER {
            return Err(SeqsExhausted);
        }
        inner.seq = next;
        let entry = OutboxEntry::new(space, MutationSeq(next), mutation, now);
        inner.outbox.insert(MutationSeq(next), entry.clone());
        Ok(entry)
    }

    async fn load_base(
        &self,
        space: &SpaceId,
    ) -> Result<(MemoryRecords, ServerVersion), SeqsExhausted> {
        Ok(self
            .inner
            .borrow()
            .bases
            .get(space)
            .map(|(records, cursor, _)| (records.clone(), *cursor))
            .unwrap_or_default())
    }

    async fn cursor(&self, space: &SpaceId) -> Result<ServerVersion, SeqsExhausted> {
        Ok(self
            .inner
            .borrow()
            .bases
            .get(space)
            .map(|(_, cursor, _)| *cursor)
            .unwrap_or_default())
    }

    async fn last_seq(&self, space: &SpaceId) -> Result<MutationSeq, SeqsExhausted> {
        Ok(self
            .inner
            .borrow()
            .bases
            .get(space)
            .map(|(_, _, last)| *last)
            .unwrap_or_default())
    }

    async fn absorb(&self, space: &SpaceId, pull: &PullResponse) -> Result<Rebased, SeqsExhausted> {
        let mut inner = self.inner.borrow_mut();
        let (records, cursor, last) = inner.bases.entry(space.clone()).or_default();
        let mut base = Base {
            records: std::mem::take(records),
            cursor: *cursor,
        };
        base.absorb(pull);
        *records = base.records;
        *cursor = base.cursor;
        *last = pull.last_seq;
        let mut pending: Vec<PendingMutation> = inner
            .outbox
            .values()
            .filter(|entry| &entry.space == space)
            .map(|entry| entry.pending.clone())
            .collect();
        let rebased = rebase_outbox(&mut pending, space, pull);
        for seq in &rebased.confirmed {
            inner.outbox.remove(seq);
        }
        for entry in &rebased.rejected {
            inner.rejected.insert(entry.pending.seq, entry.clone());
        }
        Ok(rebased)
    }

    async fn dismiss_rejected(&self, seq: MutationSeq) -> Result<(), SeqsExhausted> {
        self.inner.borrow_mut().rejected.remove(&seq);
        Ok(())
    }
}

/// Runs a future that never waits (the in-memory store, the simulation's network) to its end:
/// `None` if it would have waited.
pub fn run_ready<F: std::future::Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => Some(output),
        std::task::Poll::Pending => None,
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::MAX_REJECTED_PER_PULL;

    fn outbox(seqs: std::ops::RangeInclusive<u64>) -> Vec<PendingMutation> {
        seqs.map(|seq| PendingMutation {
            seq: MutationSeq(seq),
            mutation: Mutation::SetTaskDone {
                id: "t".into(),
                done: true,
            },
        })
        .collect()
    }

    fn pull(last_seq: u64, rejected: impl Iterator<Item = u64>) -> PullResponse {
        PullResponse {
            cursor: ServerVersion(1),
            reset: false,
            changes: Vec::new(),
            last_seq: MutationSeq(last_seq),
            rejected: rejected
                .map(|seq| RejectedMutation {
                    seq: MutationSeq(seq),
                    code: "invalid".into(),
                    message: "no".into(),
                    reason: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn only_processed_entries_leave_and_rejections_keep_their_reason() {
        let mut pending = outbox(1..=5);
        let rebased = rebase_outbox(&mut pending, &SpaceId::Program, &pull(3, [2].into_iter()));
        assert_eq!(
            rebased.confirmed,
            vec![MutationSeq(1), MutationSeq(2), MutationSeq(3)]
        );
        assert_eq!(rebased.rejected.len(), 1);
        assert_eq!(rebased.rejected[0].pending.seq, MutationSeq(2));
        assert_eq!(pending, outbox(4..=5));
    }

    #[test]
    fn a_truncated_list_of_reasons_holds_back_the_rest() {
        let total = MAX_REJECTED_PER_PULL as u64 + 100;
        let mut pending = outbox(1..=total);
        let first = pull(total, 1..=MAX_REJECTED_PER_PULL as u64);
        let rebased = rebase_outbox(&mut pending, &SpaceId::Program, &first);
        assert_eq!(rebased.rejected.len(), MAX_REJECTED_PER_PULL);
        assert_eq!(
            pending.len(),
            100,
            "entries past the last reason wait for the next pull"
        );
        let second = pull(total, (MAX_REJECTED_PER_PULL as u64 + 1)..=total);
        let rebased = rebase_outbox(&mut pending, &SpaceId::Program, &second);
        assert_eq!(rebased.rejected.len(), 100);
        assert!(pending.is_empty());
    }
}
