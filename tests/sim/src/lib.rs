//! A seeded simulation of the sync protocol: the shared server logic and the shared client core
//! (`imp_shared::client`: the same view, sync cycle and decisions the app runs) over in-memory
//! stores, several clients (students — one with two tabs sharing storage —, a mentor, staff)
//! writing offline, and a network that drops, duplicates and delays requests, crashes after
//! commits, restarts, and wipes clients, on a simulated clock. Rankings and check-ins are judged
//! with the program and staff records the Worker would read; feedback goes through the reveal
//! gate; the mentor loses and regains access mid-run. After every run it checks the invariants
//! I1–I9 of the protocol, convergence, and an oracle that replays every acknowledged mutation in
//! server order; a violation names the seed to replay.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use imp_shared::apply::{apply, ApplyContext, MemoryRecords, RecordKey, RecordView};
use imp_shared::client::{
    run_ready, sync_cycle_into, ClientStore, ClientView, CycleError, CycleReport, Failure,
    MemoryClientStore, OutboxEntry, Transport,
};
use imp_shared::domain::{
    ApplicationStage, CheckinCode, Cohort, Entity, Feedback, Goal, JobApplication,
    MentoringSession, Placement, PlacementState, Position, RankingChoice, RecordKind, Role,
    SessionFormat, SessionState, StudentProfile, Task, TaskPatch, Workshop,
};
use imp_shared::ids::{
    ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId, MAX_SAFE_INTEGER,
};
use imp_shared::mutation::{Mutation, PendingMutation};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{PullResponse, PushRequest, PushResponse, Verdict};
use imp_shared::server::{self, MemoryServerStore, RelatedRecords, ServerError};

/// A small deterministic generator (SplitMix64): the same seed gives the same run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent / 100`.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// What one run saw, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Local writes made.
    pub writes: usize,
    /// Pushes that reached the server and committed.
    pub pushes_committed: usize,
    /// Mutations the server rejected.
    pub rejected: usize,
    /// Faults injected.
    pub faults: usize,
    /// Pulls that returned a reset snapshot.
    pub resets: usize,
    /// Pull pages after which more followed (protocol 2 paging).
    pub pages_with_more: usize,
    /// Pages that went on with a reset (`snapshot`).
    pub snapshot_pages: usize,
    /// Mutations the server acknowledged (the oracle replays them all).
    pub acknowledged: usize,
    /// Writes kept in the outbox of a client that lost access to the space.
    pub kept_without_access: usize,
    /// Clients that had lost access at the end of a run.
    pub lost_access: usize,
    /// Acknowledged rankings, check-ins and feedback (judged with other spaces' records, or
    /// gated on pull).
    pub rankings: usize,
    /// See `rankings`.
    pub check_ins: usize,
    /// See `rankings`.
    pub feedback: usize,
}

/// One browser profile: its storage and client id, shared by its tabs.
#[derive(Clone)]
struct Profile {
    client_id: ClientId,
    store: MemoryClientStore,
}

/// One tab (or device) running the shared client core over its profile's storage.
struct SimClient {
    profile: Profile,
    space: SpaceId,
    actor: Actor,
    view: ClientView,
}

impl SimClient {
    fn new(profile: Profile, space: &SpaceId, actor: &Actor) -> Self {
        Self {
            profile,
            space: space.clone(),
            actor: actor.clone(),
            view: ClientView::default(),
        }
    }

    /// Reads what the profile's storage holds, as a tab does when another tab says it changed.
    fn reload(&mut self, seed: u64, now: DateTime<Utc>) -> Result<(), String> {
        let store = &self.profile.store;
        let (base, _) = ready(seed, store.load_base(&self.space))?;
        self.view.set_base(self.space.clone(), base);
        self.view.outbox = ready(seed, store.outbox())?;
        self.view.rejected = ready(seed, store.rejected())?;
        self.view.recompute(Some(&self.actor), None, now);
        Ok(())
    }
}

/// Runs a future of the in-memory store or network (they never wait).
fn ready<T, E: std::fmt::Display>(
    seed: u64,
    future: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match run_ready(future) {
        Some(Ok(value)) => Ok(value),
        Some(Err(error)) => Err(fail(seed, format!("the in-memory store failed: {error}"))),
        None => Err(fail(seed, "an in-memory future waited".to_owned())),
    }
}

/// One acknowledged mutation, in the order the server committed it: what the oracle replays.
struct Acknowledged {
    space: SpaceId,
    actor: Actor,
    mutation: Mutation,
    related: RelatedRecords,
    at: DateTime<Utc>,
}

struct Server {
    spaces: BTreeMap<SpaceId, MemoryServerStore>,
    acknowledged: Vec<Acknowledged>,
}

/// A push in flight, delivered later (reordering) or twice (duplication).
struct Delayed {
    space: SpaceId,
    actor: Actor,
    request: PushRequest,
}

fn fail(seed: u64, message: String) -> String {
    format!("seed {seed}: {message}\n  replay with: SIM_SEED={seed} cargo test --release -p imp-sim --test simulation -- --nocapture")
}

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        user_id: UserId::from(id),
        role,
    }
}

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("a valid date") + Duration::days(offset)
}

impl Server {
    /// The program and staff records a push is judged by, read as the Worker reads them.
    fn related(&self, request: &PushRequest) -> RelatedRecords {
        let (program_keys, staff_keys) = server::related_keys(request);
        let read = |space: &SpaceId, keys: &[RecordKey]| {
            if keys.is_empty() {
                return None;
            }
            self.spaces
                .get(space)
                .and_then(|store| server::read_records(store, keys).ok())
        };
        RelatedRecords {
            program: read(&SpaceId::Program, &program_keys),
            staff: read(&SpaceId::Staff, &staff_keys),
        }
    }

    /// Runs a push as one transaction on a copy; commits the copy only when the push succeeds and
    /// the crash fault does not hit before the commit. Checks I1 and I8 on every commit, and keeps
    /// every acknowledged mutation for the oracle.
    fn push(
        &mut self,
        seed: u64,
        space: &SpaceId,
        actor: &Actor,
        request: &PushRequest,
        now: DateTime<Utc>,
        crash_before_commit: bool,
    ) -> Result<Option<PushResponse>, String> {
        let related = self.related(request);
        let Some(store) = self.spaces.get(space) else {
            return Err(fail(seed, format!("no space {space}")));
        };
        let mut copy = store.clone();
        let outcome = match server::push(&mut copy, actor, space, request, &related, now) {
            Ok(outcome) => outcome,
            Err(ServerError::Forbidden(_)) => return Ok(None),
            Err(other) => return Err(fail(seed, format!("push failed: {other}"))),
        };
        if crash_before_commit {
            return Ok(None);
        }
        // I1: verdicts already stored never change; new ones only for seqs above the old last_seq.
        let old_last = store
            .last_seqs
            .get(&request.client_id)
            .copied()
            .unwrap_or_default();
        for (key, verdict) in &store.verdicts {
            if copy.verdicts.get(key) != Some(verdict) {
                return Err(fail(seed, format!("I1: the verdict of {key:?} changed")));
            }
        }
        let fresh: Vec<_> = copy
            .verdicts
            .keys()
            .filter(|key| !store.verdicts.contains_key(*key))
            .cloned()
            .collect();
        let expected = request
            .mutations
            .iter()
            .filter(|pending| pending.seq > old_last)
            .count();
        if fresh.len() != expected
            || fresh
                .iter()
                .any(|(client, seq)| *client != request.client_id || *seq <= old_last)
        {
            return Err(fail(
                seed,
                format!(
                    "I1: {} new verdicts for {expected} new mutations",
                    fresh.len()
                ),
            ));
        }
        // I4 + I8: versions rise and stay below 2^53.
        if copy.version < store.version || copy.version.0 > MAX_SAFE_INTEGER {
            return Err(fail(
                seed,
                "I4/I8: the version went backwards or out of range".to_owned(),
            ));
        }
        let versions_used = copy.version.0 - store.version.0;
        if versions_used as usize > expected {
            return Err(fail(seed, "I1: more versions than mutations".to_owned()));
        }
        for pending in &request.mutations {
            let key = (request.client_id.clone(), pending.seq);
            if fresh.contains(&key) && copy.verdicts.get(&key) == Some(&Verdict::Ok) {
                self.acknowledged.push(Acknowledged {
                    space: space.clone(),
                    actor: actor.clone(),
                    mutation: pending.mutation.clone(),
                    related: related.clone(),
                    at: now,
                });
            }
        }
        self.spaces.insert(space.clone(), copy);
        Ok(Some(outcome.response))
    }

    /// The oracle: every acknowledged mutation replayed in the server's order into a model, with
    /// the same clock and related records, must give exactly the server's live records. A write
    /// the server acknowledged and then lost (or one it kept without acknowledging) fails here.
    fn check_oracle(&self, seed: u64) -> Result<(), String> {
        let mut model: BTreeMap<SpaceId, MemoryRecords> = BTreeMap::new();
        for entry in &self.acknowledged {
            let records = model.entry(entry.space.clone()).or_default();
            let program = entry.related.program.as_ref().map(|list| MemoryRecords {
                records: list.iter().cloned().collect(),
            });
            let staff = entry.related.staff.as_ref().map(|list| MemoryRecords {
                records: list.iter().cloned().collect(),
            });
            let context = ApplyContext {
                program: program.as_ref().map(|records| records as &dyn RecordView),
                staff: staff.as_ref().map(|records| records as &dyn RecordView),
                ..ApplyContext::new(&entry.actor, &entry.space, entry.at)
            };
            match apply(&*records, &context, &entry.mutation) {
                Ok(changes) => records.write(&changes),
                Err(error) => {
                    return Err(fail(
                        seed,
                        format!(
                            "oracle: an acknowledged {} in {} does not replay: {error}",
                            entry.mutation.name(),
                            entry.space
                        ),
                    ))
                }
            }
        }
        for (space, store) in &self.spaces {
            let live: BTreeMap<RecordKey, Entity> = store
                .records
                .iter()
                .filter_map(|(key, stored)| Some((key.clone(), stored.record.clone()?)))
                .collect();
            let expected = model.remove(space).unwrap_or_default();
            if live != expected.records {
                return Err(fail(
                    seed,
                    format!(
                        "oracle: {space} holds {} records, the acknowledged writes make {}",
                        live.len(),
                        expected.records.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// What `actor` may see of a space now: a fresh pull's live records (permissions and the
    /// feedback gate applied), which every client of theirs must converge to.
    fn visible(
        &self,
        seed: u64,
        space: &SpaceId,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<BTreeMap<RecordKey, Entity>>, String> {
        let store = &self.spaces[space];
        match server::pull(
            store,
            actor,
            space,
            ServerVersion(0),
            &ClientId::from("oracle"),
            MutationSeq(0),
            now,
        ) {
            Ok(pulled) => Ok(Some(
                pulled
                    .changes
                    .into_iter()
                    .filter_map(|change| Some((change.key, change.record?)))
                    .collect(),
            )),
            Err(ServerError::Forbidden(_)) => Ok(None),
            Err(other) => Err(fail(seed, other.to_string())),
        }
    }
}

/// Why a simulated request got no usable answer.
#[derive(Debug, Clone, thiserror::Error)]
enum NetError {
    /// Dropped, delayed, or the reply was lost.
    #[error("no answer")]
    Lost,
    /// The server refused the whole request (no access).
    #[error("forbidden")]
    Forbidden,
    /// An invariant broke; the run fails with this message.
    #[error("{0}")]
    Broken(String),
}

/// The network between one client and the server, with seeded faults; `faults: false` heals.
struct SimNet<'a> {
    seed: u64,
    server: RefCell<&'a mut Server>,
    rng: RefCell<&'a mut Rng>,
    delayed: RefCell<&'a mut Vec<Delayed>>,
    stats: RefCell<&'a mut Stats>,
    actor: Actor,
    now: DateTime<Utc>,
    faults: bool,
    /// Another tab of the same profile, which may write between this tab's push and its pulls
    /// (they share storage): the seqs it wrote.
    sibling: Option<(MemoryClientStore, SpaceId)>,
    sibling_wrote: RefCell<Vec<OutboxEntry>>,
    /// The page size of pulls (protocol 2); `None` pulls unpaged (protocol 1).
    page_limit: Option<u64>,
}

impl SimNet<'_> {
    fn fault(&self, percent: u64) -> bool {
        self.faults && self.rng.borrow_mut().chance(percent)
    }
}

impl Transport for SimNet<'_> {
    type Error = NetError;

    fn failure(error: &NetError) -> Failure {
        match error {
            NetError::Lost => Failure::Offline,
            NetError::Forbidden => Failure::Server(403),
            NetError::Broken(_) => Failure::Server(500),
        }
    }

    async fn push(&self, space: &SpaceId, request: &PushRequest) -> Result<PushResponse, NetError> {
        let kind = if self.faults {
            self.rng.borrow_mut().below(10)
        } else {
            9
        };
        let mut server = self.server.borrow_mut();
        let mut push = |crash: bool| {
            server
                .push(self.seed, space, &self.actor, request, self.now, crash)
                .map_err(NetError::Broken)
        };
        let answer = match kind {
            0 => None, // dropped before the server
            1 => {
                // delayed: arrives later, out of order
                self.delayed.borrow_mut().push(Delayed {
                    space: space.clone(),
                    actor: self.actor.clone(),
                    request: request.clone(),
                });
                None
            }
            2 => push(true)?, // the server crashes before the commit
            3 => {
                push(false)?; // duplicated
                push(false)?
            }
            4 => {
                push(false)?; // committed, but the reply is lost
                None
            }
            _ => match push(false)? {
                Some(response) => Some(response),
                None => return Err(NetError::Forbidden),
            },
        };
        if kind < 5 {
            self.stats.borrow_mut().faults += 1;
        } else {
            self.stats.borrow_mut().pushes_committed += 1;
        }
        answer.ok_or(NetError::Lost)
    }

    async fn pull(
        &self,
        space: &SpaceId,
        cursor: ServerVersion,
        client_id: &ClientId,
        since_seq: MutationSeq,
        snapshot: bool,
    ) -> Result<PullResponse, NetError> {
        if self.fault(10) {
            self.stats.borrow_mut().faults += 1;
            return Err(NetError::Lost);
        }
        // The other tab writes while this one syncs: its change must stay in the outbox.
        if let Some((store, sibling_space)) = &self.sibling {
            if self.fault(30) {
                let n = self.sibling_wrote.borrow().len();
                let mutation = Mutation::Create {
                    id: RecordId(format!("tab-task-{}-{n}", self.now.timestamp())),
                    record: Entity::Task(Task {
                        goal_id: None,
                        title: "Written in the other tab".to_owned(),
                        due_date: None,
                        done: false,
                        created_by: None,
                    }),
                };
                match run_ready(store.enqueue(sibling_space, mutation, self.now)) {
                    Some(Ok(entry)) => self.sibling_wrote.borrow_mut().push(entry),
                    _ => {
                        return Err(NetError::Broken(fail(
                            self.seed,
                            "the other tab could not write".to_owned(),
                        )))
                    }
                }
            }
        }
        let server = self.server.borrow();
        let store = &server.spaces[space];
        let pulled = match server::pull_page(
            store,
            &self.actor,
            space,
            cursor,
            client_id,
            since_seq,
            server::PageRequest {
                limit: self.page_limit,
                snapshot,
            },
            self.now,
        ) {
            Ok(pulled) => pulled,
            Err(ServerError::Forbidden(_)) => return Err(NetError::Forbidden),
            Err(other) => return Err(NetError::Broken(fail(self.seed, other.to_string()))),
        };
        // I4: every change lies in (cursor, reported cursor], and the reported cursor is the
        // server's. (Revealed feedback is resent at its own, older version.)
        let outside = |change: &imp_shared::protocol::RecordChange| {
            change.key.kind != RecordKind::Feedback
                && (change.version <= cursor || change.version > pulled.cursor)
        };
        if !pulled.reset && pulled.changes.iter().any(outside) {
            return Err(NetError::Broken(fail(
                self.seed,
                "I4: a pull returned a change outside its cursor range".to_owned(),
            )));
        }
        let last_page = !pulled.more;
        if (last_page && pulled.cursor != store.version) || pulled.cursor > store.version {
            return Err(NetError::Broken(fail(
                self.seed,
                "I4: the last page's cursor is not the server's version".to_owned(),
            )));
        }
        if self.page_limit.is_none() && pulled.more {
            return Err(NetError::Broken(fail(
                self.seed,
                "an unpaged pull said more pages follow".to_owned(),
            )));
        }
        let mut stats = self.stats.borrow_mut();
        stats.resets += usize::from(pulled.reset);
        stats.pages_with_more += usize::from(pulled.more);
        stats.snapshot_pages += usize::from(snapshot);
        Ok(pulled)
    }
}

/// One sync cycle of a client with the shared core, then the checks of I3, I5 and I6; the
/// profile's other tabs hear that it synced and reload.
#[allow(clippy::too_many_arguments)]
fn sync_client(
    seed: u64,
    clients: &mut [SimClient],
    written: &mut BTreeMap<ClientId, Vec<MutationSeq>>,
    pick: usize,
    server: &mut Server,
    rng: &mut Rng,
    delayed: &mut Vec<Delayed>,
    stats: &mut Stats,
    now: DateTime<Utc>,
    faults: bool,
) -> Result<(), String> {
    let (profile, space, who) = {
        let sim = &clients[pick];
        (sim.profile.clone(), sim.space.clone(), sim.actor.clone())
    };
    let sibling = clients
        .iter()
        .enumerate()
        .find(|(index, other)| *index != pick && other.profile.client_id == profile.client_id)
        .map(|(_, other)| (other.profile.store.clone(), other.space.clone()));
    let mut before = ready(seed, profile.store.outbox())?;
    let net = SimNet {
        seed,
        server: RefCell::new(server),
        rng: RefCell::new(rng),
        delayed: RefCell::new(delayed),
        stats: RefCell::new(stats),
        actor: who.clone(),
        now,
        faults,
        sibling,
        sibling_wrote: RefCell::new(Vec::new()),
        // A third of the seeds pull unpaged (protocol 1); the others in small pages, so most
        // pulls take several (and a reset goes on with `snapshot`).
        page_limit: (!seed.is_multiple_of(3)).then_some(1 + seed % 4),
    };
    let mut report = CycleReport::default();
    let outcome = run_ready(sync_cycle_into(
        &profile.store,
        &net,
        &profile.client_id,
        std::slice::from_ref(&space),
        &mut report,
        &mut |_| {},
    ))
    .ok_or_else(|| fail(seed, "a simulated sync waited".to_owned()))?;
    let SimNet { sibling_wrote, .. } = net;
    let mid_cycle = sibling_wrote.into_inner();
    for entry in &mid_cycle {
        written
            .entry(profile.client_id.clone())
            .or_default()
            .push(entry.pending.seq);
        stats.writes += 1;
    }
    before.extend(mid_cycle);
    // A cycle cut off by the network may have absorbed some pages: the view takes those too.
    match outcome {
        Ok(()) => {}
        Err(CycleError::Transport(NetError::Broken(message))) => return Err(message),
        Err(CycleError::Transport(_)) if report.pulled.is_empty() => return Ok(()),
        Err(CycleError::Transport(_)) => {}
        Err(CycleError::Store(error)) => {
            return Err(fail(seed, format!("the in-memory store failed: {error}")))
        }
    }
    // I3 + I6: only entries at or below the pull's last_seq left the outbox (a reset keeps the
    // rest); every one that left has its verdict. A paged pull settles entries on its last page
    // only (earlier pages carry the stored last_seq), so each space's last page is the one to check.
    let after = ready(seed, profile.store.outbox())?;
    let last_pages = report
        .pulled
        .iter()
        .enumerate()
        .filter(|(index, (space, _))| {
            !report.pulled[index + 1..]
                .iter()
                .any(|(later, _)| later == space)
        })
        .map(|(_, page)| page);
    for (pulled_space, pulled) in last_pages {
        for entry in before.iter().filter(|entry| &entry.space == pulled_space) {
            let kept = after
                .iter()
                .any(|other| other.pending.seq == entry.pending.seq);
            if kept == (entry.pending.seq <= pulled.last_seq) {
                return Err(fail(
                    seed,
                    format!(
                        "I3/I6: seq {} (last_seq {}) was {} the outbox",
                        entry.pending.seq.0,
                        pulled.last_seq.0,
                        if kept { "kept in" } else { "dropped from" }
                    ),
                ));
            }
        }
    }
    let rejected = ready(seed, profile.store.rejected())?;
    {
        let sim = &mut clients[pick];
        sim.view
            .take_cycle(&report, Some((after, rejected)), Some(&who), now);
        // The store and the view agree on the base (the view was patched, not re-read).
        let base = sim.view.base(&space).cloned().unwrap_or_default();
        let (stored, _) = ready(seed, profile.store.load_base(&space))?;
        if stored != base {
            return Err(fail(
                seed,
                "the patched view's base differs from the stored base".to_owned(),
            ));
        }
        // I5: the view this tab patched from the cycle (only the spaces it found stale are
        // replayed) is the view a tab opening now computes from the same storage, whole.
        let mut opened = SimClient::new(profile.clone(), &space, &who);
        opened.reload(seed, now)?;
        if sim.view.view(&space) != opened.view.view(&space) || sim.view != opened.view {
            return Err(fail(
                seed,
                "I5: the patched view differs from a view read afresh from storage".to_owned(),
            ));
        }
    }
    // The other tabs of this profile hear "synced" and read what changed.
    for (index, other) in clients.iter_mut().enumerate() {
        if index != pick && other.profile.client_id == profile.client_id {
            other.reload(seed, now)?;
        }
    }
    Ok(())
}

/// The program and staff records the ranking and check-in rules read.
fn program_setup(now: DateTime<Utc>) -> (Vec<Mutation>, Vec<Mutation>) {
    let create = |id: &str, record: Entity| Mutation::Create {
        id: RecordId::from(id),
        record,
    };
    let position = |title: &str, year: i32, open: bool| {
        Entity::Position(Position {
            organization_id: RecordId::from("org-1"),
            cohort_year: year,
            title: title.to_owned(),
            slots: 2,
            paid: true,
            housing: false,
            languages: Vec::new(),
            description: String::new(),
            open,
        })
    };
    let program = vec![
        create(
            "cohort-2026",
            Entity::Cohort(Cohort {
                year: 2026,
                name: "IMP 2026".to_owned(),
                // The deadline passes during the run, so late rankings are refused.
                ranking_deadline: Some(now + Duration::days(10)),
                max_rankings: 3,
            }),
        ),
        create("pos-1", position("Data intern", 2026, true)),
        create("pos-2", position("Chip design intern", 2026, true)),
        create("pos-3", position("Closed role", 2026, false)),
        create("pos-4", position("Last year's role", 2025, true)),
        create(
            "workshop-1",
            Entity::Workshop(Workshop {
                title: "CV clinic".to_owned(),
                // Check-in opens during a typical run (it spans about a day).
                starts_at: now + Duration::hours(10),
                duration_minutes: 120,
                place: "Room 101".to_owned(),
                capacity: 40,
                going: 0,
            }),
        ),
    ];
    let staff = vec![create(
        "workshop-1",
        Entity::CheckinCode(CheckinCode {
            code: "K7Q2ZP9A".to_owned(),
        }),
    )];
    (program, staff)
}

fn setup_push(mutations: Vec<Mutation>) -> PushRequest {
    PushRequest {
        protocol: imp_shared::protocol::PROTOCOL_VERSION,
        schema: imp_shared::protocol::SCHEMA_VERSION,
        client_id: ClientId::from("setup"),
        mutations: mutations
            .into_iter()
            .enumerate()
            .map(|(index, mutation)| PendingMutation {
                seq: MutationSeq(index as u64 + 1),
                mutation,
            })
            .collect(),
    }
}

/// One seeded run. Returns what it saw, or the first violated invariant.
pub fn run_seed(seed: u64, steps: usize) -> Result<Stats, String> {
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    // A simulated clock: the run never reads the wall clock.
    let mut now = Utc
        .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("a valid start of the simulated clock");

    let staff = actor("staff-1", Role::Staff);
    let alice = actor("alice", Role::Student);
    let bob = actor("bob", Role::Student);
    let mentor = actor("m-1", Role::Mentor);
    let other_mentor = actor("m-2", Role::Mentor);
    let alice_space = SpaceId::Student(UserId::from("alice"));
    let bob_space = SpaceId::Student(UserId::from("bob"));

    // The server starts with the program (a cohort with a ranking deadline, positions, a
    // workshop and its check-in code), each student's profile and alice's placement with m-1.
    let mut server = Server {
        spaces: BTreeMap::new(),
        acknowledged: Vec::new(),
    };
    for space in [&alice_space, &bob_space, &SpaceId::Program, &SpaceId::Staff] {
        server
            .spaces
            .insert(space.clone(), MemoryServerStore::default());
    }
    let (program, staff_records) = program_setup(now);
    server.push(
        seed,
        &SpaceId::Program,
        &staff,
        &setup_push(program),
        now,
        false,
    )?;
    server.push(
        seed,
        &SpaceId::Staff,
        &staff,
        &setup_push(staff_records),
        now,
        false,
    )?;
    let setup = |id: &str, record: Entity| Mutation::Create {
        id: RecordId::from(id),
        record,
    };
    for (space, name) in [(&alice_space, "alice"), (&bob_space, "bob")] {
        let mut mutations = vec![setup(
            name,
            Entity::StudentProfile(StudentProfile {
                display_name: name.to_owned(),
                nationality: String::new(),
                university: String::new(),
                department: String::new(),
                degree: String::new(),
                graduation_date: None,
                languages: Vec::new(),
                mandarin_level: None,
                residence_card_expiry: None,
                interests: Vec::new(),
                cohort_year: 2026,
                degree_level: None,
                hong_kong_macau: false,
                placement_start: None,
                placement_end: None,
            }),
        )];
        if name == "alice" {
            mutations.push(setup(
                "placement-1",
                Entity::Placement(Placement {
                    student_id: UserId::from("alice"),
                    position_id: RecordId::from("pos-1"),
                    mentor_id: UserId::from("m-1"),
                    state: PlacementState::Confirmed,
                    started_at: None,
                    end_reason: String::new(),
                    ended_by: None,
                    ended_at: None,
                }),
            ));
        }
        server.push(seed, space, &staff, &setup_push(mutations), now, false)?;
    }

    // Profiles: alice has a phone with two tabs (one storage, one client id) and a laptop; bob,
    // the mentor and staff (on alice's space) one each. A rogue client (m-2, not alice's
    // mentor) also tries alice's space.
    let mut next_client = 0;
    let mut new_profile = || {
        next_client += 1;
        Profile {
            client_id: ClientId(format!("c{next_client}")),
            store: MemoryClientStore::default(),
        }
    };
    let phone = new_profile();
    let mut clients = vec![
        SimClient::new(phone.clone(), &alice_space, &alice),
        SimClient::new(phone, &alice_space, &alice),
        SimClient::new(new_profile(), &alice_space, &alice),
        SimClient::new(new_profile(), &bob_space, &bob),
        SimClient::new(new_profile(), &alice_space, &mentor),
        SimClient::new(new_profile(), &alice_space, &staff),
    ];
    let rogue = SimClient::new(new_profile(), &alice_space, &other_mentor);
    let mut delayed: Vec<Delayed> = Vec::new();
    // Every seq each profile wrote (tabs of one profile share the list).
    let mut written: BTreeMap<ClientId, Vec<MutationSeq>> = BTreeMap::new();

    for step in 0..steps {
        now += Duration::minutes(1 + rng.below(30) as i64);
        let pick = rng.below(clients.len());
        match rng.below(100) {
            // A local write, checked against the view first.
            0..=44 => {
                let sim = &mut clients[pick];
                let view = sim.view.view(&sim.space).cloned().unwrap_or_default();
                let mutation = random_mutation(&mut rng, &view, &sim.actor, step, now);
                if let Ok(changes) = sim.view.check_write(&sim.actor, &sim.space, &mutation, now) {
                    let entry = ready(seed, sim.profile.store.enqueue(&sim.space, mutation, now))?;
                    written
                        .entry(sim.profile.client_id.clone())
                        .or_default()
                        .push(entry.pending.seq);
                    sim.view.wrote(entry, &changes);
                    stats.writes += 1;
                    // The profile's other tabs hear "wrote" and read the outbox.
                    let id = sim.profile.client_id.clone();
                    for (index, other) in clients.iter_mut().enumerate() {
                        if index != pick && other.profile.client_id == id {
                            let outbox = ready(seed, other.profile.store.outbox())?;
                            let rejected = other.view.rejected.clone();
                            let actor = other.actor.clone();
                            other
                                .view
                                .take_outbox(outbox, rejected, &[], Some(&actor), now);
                        }
                    }
                }
            }
            // A sync cycle (push, then pull) over a faulty network.
            45..=89 => sync_client(
                seed,
                &mut clients,
                &mut written,
                pick,
                &mut server,
                &mut rng,
                &mut delayed,
                &mut stats,
                now,
                true,
            )?,
            // A delayed push finally arrives.
            90..=93 => {
                if !delayed.is_empty() {
                    let late = delayed.remove(rng.below(delayed.len()));
                    server.push(seed, &late.space, &late.actor, &late.request, now, false)?;
                }
            }
            // The server restarts: requests in flight are lost, storage stays.
            94..=95 => {
                stats.faults += 1;
                delayed.clear();
            }
            // A profile's storage is wiped: it starts over with a new id (its unsent writes are
            // gone with the storage, which is the browser's doing, not ours).
            96..=97 => {
                stats.faults += 1;
                let old_id = clients[pick].profile.client_id.clone();
                written.remove(&old_id);
                let fresh = new_profile();
                for sim in clients.iter_mut() {
                    if sim.profile.client_id == old_id {
                        *sim =
                            SimClient::new(fresh.clone(), &sim.space.clone(), &sim.actor.clone());
                    }
                }
            }
            // Months pass and tombstones are compacted: old cursors must reset (I6).
            _ => {
                now += Duration::days(imp_shared::protocol::TOMBSTONE_HORIZON_DAYS + 1);
                for store in server.spaces.values_mut() {
                    let _ = server::compact(store, now);
                }
            }
        }
    }

    // I7: the rogue mentor can neither push to nor pull from alice's space.
    let rogue_request = PushRequest {
        protocol: imp_shared::protocol::PROTOCOL_VERSION,
        schema: imp_shared::protocol::SCHEMA_VERSION,
        client_id: rogue.profile.client_id.clone(),
        mutations: vec![
            PendingMutation {
                seq: MutationSeq(1),
                mutation: Mutation::Create {
                    id: RecordId::from("rogue-task"),
                    record: Entity::Task(Task {
                        goal_id: None,
                        title: "rogue".to_owned(),
                        due_date: None,
                        done: false,
                        created_by: None,
                    }),
                },
            },
            PendingMutation {
                seq: MutationSeq(99),
                mutation: Mutation::Delete {
                    kind: RecordKind::StudentProfile,
                    id: RecordId::from("alice"),
                },
            },
        ],
    };
    if server
        .visible(seed, &alice_space, &other_mentor, now)?
        .is_some()
    {
        return Err(fail(
            seed,
            "I7: a non-assigned mentor pulled a student's space".to_owned(),
        ));
    }
    // The push runs against the space's store itself (not the transaction copy `Server::push`
    // would discard), so a refusal that wrote anything before refusing shows.
    let space_before = server.spaces[&alice_space].clone();
    let mut pushed_into = space_before.clone();
    let related = server.related(&rogue_request);
    match server::push(
        &mut pushed_into,
        &other_mentor,
        &alice_space,
        &rogue_request,
        &related,
        now,
    ) {
        Err(ServerError::Forbidden(_)) => {}
        other => {
            return Err(fail(
                seed,
                format!("I7: a non-assigned mentor's push to a student's space got {other:?}"),
            ))
        }
    }
    if pushed_into.records != space_before.records
        || pushed_into.version != space_before.version
        || pushed_into.horizon != space_before.horizon
        || pushed_into.last_seqs != space_before.last_seqs
        || pushed_into.verdicts != space_before.verdicts
    {
        return Err(fail(
            seed,
            "I7: a refused push changed the space".to_owned(),
        ));
    }

    // Heal: deliver what is delayed, then sync every client (no faults) until it settles.
    for late in delayed.drain(..) {
        server.push(seed, &late.space, &late.actor, &late.request, now, false)?;
    }
    let mut no_delays = Vec::new();
    for _round in 0..3 {
        for pick in 0..clients.len() {
            sync_client(
                seed,
                &mut clients,
                &mut written,
                pick,
                &mut server,
                &mut rng,
                &mut no_delays,
                &mut stats,
                now,
                false,
            )?;
        }
    }

    server.check_oracle(seed)?;

    // Every write of a profile that was not wiped is accounted for: applied, or refused with a
    // reason the person sees; a client that lost access keeps its writes, visible, in its outbox
    // (nothing is lost silently).
    for sim in &clients {
        let id = &sim.profile.client_id;
        let outbox = ready(seed, sim.profile.store.outbox())?;
        let rejected = ready(seed, sim.profile.store.rejected())?;
        let has_access = server.visible(seed, &sim.space, &sim.actor, now)?.is_some();
        if has_access && !outbox.is_empty() {
            return Err(fail(
                seed,
                format!("{id} still has {} pending after healing", outbox.len()),
            ));
        }
        let store = &server.spaces[&sim.space];
        for seq in written.get(id).into_iter().flatten() {
            match store.verdicts.get(&(id.clone(), *seq)) {
                Some(Verdict::Ok) => {}
                Some(Verdict::Rejected { .. }) => {
                    stats.rejected += 1;
                    if !rejected.iter().any(|entry| entry.pending.seq == *seq) {
                        return Err(fail(
                            seed,
                            format!("I3: rejected {seq} of {id} was dropped silently"),
                        ));
                    }
                }
                None if !has_access && outbox.iter().any(|entry| entry.pending.seq == *seq) => {
                    stats.kept_without_access += 1;
                }
                None => return Err(fail(seed, format!("write {seq} of {id} was lost"))),
            }
        }
    }

    // I9 + I5: every client with access converged to what it may see (permissions and the
    // feedback gate applied), and its view equals its base with an empty outbox.
    for sim in &clients {
        let Some(visible) = server.visible(seed, &sim.space, &sim.actor, now)? else {
            stats.lost_access += 1;
            continue;
        };
        let base = sim.view.base(&sim.space).cloned().unwrap_or_default();
        if base.records != visible {
            return Err(fail(
                seed,
                format!(
                    "I9: {} ({}) did not converge ({} vs {} records)",
                    sim.profile.client_id,
                    sim.actor.user_id,
                    base.records.len(),
                    visible.len()
                ),
            ));
        }
        // I5 at rest: with nothing pending, what the person sees is what the server holds.
        let shown = sim.view.view(&sim.space).map(|view| &view.records);
        if shown != Some(&visible) {
            return Err(fail(
                seed,
                format!(
                    "I5: {} ({}) shows {} records, the server {} with nothing pending",
                    sim.profile.client_id,
                    sim.actor.user_id,
                    shown.map_or(0, BTreeMap::len),
                    visible.len()
                ),
            ));
        }
        // I7 at rest: records in alice's space were written only by those allowed to.
        for entity in visible.values() {
            if let Entity::Task(Task {
                created_by: Some(creator),
                ..
            }) = entity
            {
                if creator.as_str() == "m-2"
                    || (sim.space == alice_space && creator.as_str() == "bob")
                {
                    return Err(fail(
                        seed,
                        format!("I7: {creator} wrote into {}", sim.space),
                    ));
                }
            }
        }
    }
    stats.acknowledged += server.acknowledged.len();
    for entry in &server.acknowledged {
        match &entry.mutation {
            Mutation::SetRankings { .. } => stats.rankings += 1,
            Mutation::CheckIn { .. } => stats.check_ins += 1,
            Mutation::Create {
                record: Entity::Feedback(_),
                ..
            } => stats.feedback += 1,
            _ => {}
        }
    }
    Ok(stats)
}

/// A random mutation that a person in this role might make, aimed at records in the view.
fn random_mutation(
    rng: &mut Rng,
    view: &MemoryRecords,
    who: &Actor,
    step: usize,
    now: DateTime<Utc>,
) -> Mutation {
    let tasks = view.list(RecordKind::Task);
    let sessions = view.list(RecordKind::MentoringSession);
    // Now and then something besides tasks and sessions: rankings and check-ins (judged with the
    // program's records), feedback (the reveal gate), and staff ending or making a placement
    // (the mentor loses or gains access).
    if rng.chance(25) {
        match (who.role, rng.below(3)) {
            (Role::Student, 0) => {
                let positions = ["pos-1", "pos-2", "pos-3", "pos-4", "pos-9"];
                let n = rng.below(4);
                let mut choices: Vec<RankingChoice> = Vec::new();
                for _ in 0..n {
                    let id = RecordId::from(positions[rng.below(positions.len())]);
                    if !choices.iter().any(|choice| choice.position_id == id) {
                        choices.push(RankingChoice {
                            position_id: id,
                            reason: format!("Reason {step}"),
                        });
                    }
                }
                return Mutation::SetRankings {
                    id: RecordId::from("cohort-2026"),
                    choices,
                };
            }
            (Role::Student, 1) => {
                return Mutation::CheckIn {
                    workshop_id: RecordId::from("workshop-1"),
                    code: if rng.chance(80) {
                        "K7Q2ZP9A"
                    } else {
                        "WRONG123"
                    }
                    .to_owned(),
                    at: now,
                };
            }
            (Role::Student | Role::Mentor, _) => {
                if let Some((session_id, _)) = sessions.get(rng.below(sessions.len().max(1))) {
                    return Mutation::Create {
                        id: RecordId(format!("feedback-{}-{step}", who.user_id)),
                        record: Entity::Feedback(Feedback {
                            session_id: session_id.clone(),
                            rating: 1 + rng.below(5) as u8,
                            text: format!("Feedback {step}"),
                            author: None,
                        }),
                    };
                }
            }
            (Role::Staff, 0) => {
                return Mutation::SetPlacementState {
                    id: RecordId::from("placement-1"),
                    state: PlacementState::EndedEarly,
                };
            }
            (Role::Staff, _) => {
                return Mutation::Create {
                    id: RecordId(format!("placement-{step}")),
                    record: Entity::Placement(Placement {
                        student_id: UserId::from("alice"),
                        position_id: RecordId::from("pos-2"),
                        mentor_id: UserId::from("m-1"),
                        state: PlacementState::Confirmed,
                        started_at: None,
                        end_reason: String::new(),
                        ended_by: None,
                        ended_at: None,
                    }),
                };
            }
        }
    }
    let pick_id = |rng: &mut Rng, list: &[(RecordId, Entity)]| {
        list.get(rng.below(list.len())).map(|(id, _)| id.clone())
    };
    let fresh =
        |prefix: &str, rng: &mut Rng| RecordId(format!("{prefix}-{step}-{}", rng.below(1_000_000)));
    match (who.role, rng.below(10)) {
        (_, 0..=2) | (Role::Mentor, 3) => Mutation::Create {
            id: fresh("task", rng),
            record: Entity::Task(Task {
                goal_id: None,
                title: format!("Task {step}"),
                due_date: Some(day(rng.below(60) as i64)),
                done: false,
                created_by: None,
            }),
        },
        (_, 3) => match pick_id(rng, &tasks) {
            // Field patches: the title or the due date, never both, so they commute.
            Some(id) if rng.chance(50) => Mutation::Update {
                id,
                patch: imp_shared::domain::EntityPatch::Task(TaskPatch {
                    title: Some(format!("Renamed {step}")),
                    ..TaskPatch::default()
                }),
            },
            Some(id) => Mutation::Update {
                id,
                patch: imp_shared::domain::EntityPatch::Task(TaskPatch {
                    due_date: Some(Some(day(rng.below(90) as i64))),
                    ..TaskPatch::default()
                }),
            },
            None => Mutation::SetTaskDone {
                id: RecordId::from("missing"),
                done: true,
            },
        },
        (_, 4) => match pick_id(rng, &tasks) {
            Some(id) => Mutation::SetTaskDone {
                id,
                done: rng.chance(70),
            },
            None => Mutation::SetTaskDone {
                id: RecordId::from("missing"),
                done: true,
            },
        },
        (_, 5) => match pick_id(rng, &tasks) {
            Some(id) => Mutation::Delete {
                kind: RecordKind::Task,
                id,
            },
            None => Mutation::Delete {
                kind: RecordKind::Task,
                id: RecordId::from("missing"),
            },
        },
        (_, 6) => Mutation::Create {
            id: fresh("session", rng),
            record: Entity::MentoringSession(MentoringSession {
                // Half of them already took place: feedback is given only after a session.
                starts_at: Utc.from_utc_datetime(
                    &day(rng.below(30) as i64 - 15)
                        .and_hms_opt(10, 0, 0)
                        .expect("a valid time of day"),
                ),
                time_zone: "Asia/Taipei".to_owned(),
                duration_minutes: 45,
                format: SessionFormat::Video,
                location: String::new(),
                agenda: "Check-in".to_owned(),
                notes: String::new(),
                next_steps: String::new(),
                state: SessionState::Scheduled,
            }),
        },
        (_, 7) => match pick_id(rng, &sessions) {
            Some(id) if rng.chance(50) => Mutation::CancelSession { id },
            Some(id) => Mutation::LogSession {
                id,
                notes: format!("Notes {step}"),
                next_steps: "Next".to_owned(),
            },
            None => Mutation::CancelSession {
                id: RecordId::from("missing"),
            },
        },
        (Role::Student, 8) => Mutation::Create {
            id: fresh("job", rng),
            record: Entity::JobApplication(JobApplication {
                company: "TSMC".to_owned(),
                role: "Engineer".to_owned(),
                stage: ApplicationStage::Applied,
                applied_on: None,
                next_step: String::new(),
                notes: String::new(),
            }),
        },
        (Role::Staff, 8) => Mutation::SetPlacementState {
            id: RecordId::from("placement-1"),
            state: PlacementState::Active,
        },
        _ => Mutation::Create {
            id: fresh("goal", rng),
            record: Entity::Goal(Goal {
                title: format!("Goal {step}"),
                target_date: None,
                success_criteria: String::new(),
            }),
        },
    }
}
