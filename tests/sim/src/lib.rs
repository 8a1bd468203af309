//! A seeded simulation of the sync protocol: the shared server logic over in-memory stores, several
//! clients (students, a mentor, staff) writing offline, and a network that drops, duplicates and
//! delays requests, crashes after commits, restarts, and wipes clients. After every run it checks
//! the invariants I1–I9 of DESIGN.md and convergence; a violation names the seed to replay.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use imp_shared::apply::{apply, ApplyContext, MemoryRecords, RecordKey, RecordView};
use imp_shared::client::SpaceClient;
use imp_shared::domain::{
    ApplicationStage, Entity, Goal, JobApplication, MentoringSession, Placement, PlacementState,
    RecordKind, Role, SessionFormat, SessionState, StudentProfile, Task, TaskPatch,
};
use imp_shared::ids::{ClientId, MutationSeq, RecordId, SpaceId, UserId, MAX_SAFE_INTEGER};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::Actor;
use imp_shared::protocol::{PushRequest, Verdict};
use imp_shared::server::{self, MemoryServerStore, ServerError};

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
}

struct SimClient {
    client: SpaceClient,
    /// Every seq this client wrote, with whether the client still exists to care (not wiped).
    written: Vec<MutationSeq>,
}

struct Server {
    spaces: BTreeMap<SpaceId, MemoryServerStore>,
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
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default() + Duration::days(offset)
}

impl Server {
    /// Runs a push as one transaction on a copy; commits the copy only when the push succeeds and
    /// the crash fault does not hit before the commit. Checks I1 and I8 on every commit.
    fn push(
        &mut self,
        seed: u64,
        space: &SpaceId,
        actor: &Actor,
        request: &PushRequest,
        now: DateTime<Utc>,
        crash_before_commit: bool,
    ) -> Result<Option<Vec<(MutationSeq, Verdict)>>, String> {
        let Some(store) = self.spaces.get(space) else {
            return Err(fail(seed, format!("no space {space}")));
        };
        let mut copy = store.clone();
        let outcome = match server::push(
            &mut copy,
            actor,
            space,
            request,
            &server::RelatedRecords::default(),
            now,
        ) {
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
        self.spaces.insert(space.clone(), copy);
        Ok(Some(
            outcome
                .response
                .verdicts
                .into_iter()
                .map(|verdict| (verdict.seq, verdict.verdict))
                .collect(),
        ))
    }
}

/// One seeded run. Returns what it saw, or the first violated invariant.
pub fn run_seed(seed: u64, steps: usize) -> Result<Stats, String> {
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    let mut now = Utc
        .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .unwrap_or_default();

    let staff = actor("staff-1", Role::Staff);
    let alice = actor("alice", Role::Student);
    let bob = actor("bob", Role::Student);
    let mentor = actor("m-1", Role::Mentor);
    let other_mentor = actor("m-2", Role::Mentor);
    let alice_space = SpaceId::Student(UserId::from("alice"));
    let bob_space = SpaceId::Student(UserId::from("bob"));

    // The server starts with each student's profile and alice's placement with m-1.
    let mut server = Server {
        spaces: BTreeMap::new(),
    };
    for space in [&alice_space, &bob_space] {
        server
            .spaces
            .insert(space.clone(), MemoryServerStore::default());
    }
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
                }),
            ));
        }
        let request = PushRequest {
            protocol: imp_shared::protocol::PROTOCOL_VERSION,
            schema: imp_shared::protocol::SCHEMA_VERSION,
            client_id: ClientId::from("setup"),
            mutations: mutations
                .into_iter()
                .enumerate()
                .map(|(index, mutation)| imp_shared::mutation::PendingMutation {
                    seq: MutationSeq(index as u64 + 1),
                    mutation,
                })
                .collect(),
        };
        server.push(seed, space, &staff, &request, now, false)?;
    }

    // Devices: alice has two (phone and laptop), bob one, the mentor one, staff one on alice's
    // space. A rogue client (m-2, not alice's mentor) also tries alice's space.
    let mut next_client = 0;
    let mut new_client = |space: &SpaceId, who: &Actor| {
        next_client += 1;
        SimClient {
            client: SpaceClient::new(
                ClientId(format!("c{next_client}")),
                space.clone(),
                who.clone(),
            ),
            written: Vec::new(),
        }
    };
    let mut clients = vec![
        new_client(&alice_space, &alice),
        new_client(&alice_space, &alice),
        new_client(&bob_space, &bob),
        new_client(&alice_space, &mentor),
        new_client(&alice_space, &staff),
    ];
    let rogue = new_client(&alice_space, &other_mentor);
    let mut delayed: Vec<Delayed> = Vec::new();
    // Writes whose fate we must be able to account for at the end (client index, seq).
    let mut wiped_clients: BTreeSet<ClientId> = BTreeSet::new();

    for step in 0..steps {
        now += Duration::minutes(1 + rng.below(30) as i64);
        let pick = rng.below(clients.len());
        match rng.below(100) {
            // A local write.
            0..=44 => {
                let sim = &mut clients[pick];
                let view = sim.client.view(now);
                let mutation = random_mutation(&mut rng, &view, &sim.client.actor, step);
                if let Ok((seq, _)) = sim.client.write(mutation, now) {
                    sim.written.push(seq);
                    stats.writes += 1;
                }
            }
            // A push, with network faults.
            45..=69 => {
                let sim = &clients[pick];
                if sim.client.outbox.is_empty() {
                    continue;
                }
                let request = sim.client.push_request();
                let space = sim.client.space.clone();
                let who = sim.client.actor.clone();
                match rng.below(10) {
                    0 => stats.faults += 1, // dropped before the server
                    1 => {
                        stats.faults += 1; // delayed: arrives later, out of order
                        delayed.push(Delayed {
                            space,
                            actor: who,
                            request,
                        });
                    }
                    2 => {
                        stats.faults += 1; // the server crashes before the commit
                        server.push(seed, &space, &who, &request, now, true)?;
                    }
                    3 => {
                        stats.faults += 1; // duplicated
                        server.push(seed, &space, &who, &request, now, false)?;
                        server.push(seed, &space, &who, &request, now, false)?;
                        stats.pushes_committed += 2;
                    }
                    // 4: committed, but the reply is lost (crash after commit): same as ok here,
                    // since the client ignores push replies for its outbox (I3).
                    _ => {
                        server.push(seed, &space, &who, &request, now, false)?;
                        stats.pushes_committed += 1;
                    }
                }
            }
            // A pull (the reply may be lost).
            70..=89 => {
                if rng.chance(10) {
                    stats.faults += 1;
                    continue;
                }
                pull_into(seed, &server, &mut clients[pick], &mut stats)?;
            }
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
            // A client's storage is wiped: it starts over with a new id (its unsent writes are
            // gone with the storage, which is the browser's doing, not ours).
            96..=97 => {
                stats.faults += 1;
                let old = &clients[pick];
                wiped_clients.insert(old.client.client_id.clone());
                let (space, who) = (old.client.space.clone(), old.client.actor.clone());
                clients[pick] = new_client(&space, &who);
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
    let mut rogue_client = rogue.client;
    let _ = rogue_client.write(
        Mutation::Create {
            id: RecordId::from("rogue-task"),
            record: Entity::Task(Task {
                goal_id: None,
                title: "rogue".to_owned(),
                due_date: None,
                done: false,
                created_by: None,
            }),
        },
        now,
    );
    rogue_client
        .outbox
        .push(imp_shared::mutation::PendingMutation {
            seq: MutationSeq(99),
            mutation: Mutation::Delete {
                kind: RecordKind::StudentProfile,
                id: RecordId::from("alice"),
            },
        });
    if let Some(store) = server.spaces.get(&alice_space) {
        let before = store.version;
        if server
            .push(
                seed,
                &alice_space,
                &other_mentor,
                &rogue_client.push_request(),
                now,
                false,
            )?
            .is_some()
        {
            return Err(fail(
                seed,
                "I7: a non-assigned mentor pushed to a student's space".to_owned(),
            ));
        }
        let store = &server.spaces[&alice_space];
        if store.version != before {
            return Err(fail(
                seed,
                "I7: a refused push changed the space".to_owned(),
            ));
        }
        let pulled = server::pull(
            store,
            &other_mentor,
            &alice_space,
            Default::default(),
            &rogue_client.client_id,
            MutationSeq(0),
            now,
        );
        if pulled.is_ok() {
            return Err(fail(
                seed,
                "I7: a non-assigned mentor pulled a student's space".to_owned(),
            ));
        }
    }

    // Heal: deliver what is delayed, then sync every client until its outbox is empty.
    for late in delayed.drain(..) {
        server.push(seed, &late.space, &late.actor, &late.request, now, false)?;
    }
    for _round in 0..3 {
        for sim in clients.iter_mut() {
            if !sim.client.outbox.is_empty() {
                let request = sim.client.push_request();
                server.push(
                    seed,
                    &sim.client.space.clone(),
                    &sim.client.actor.clone(),
                    &request,
                    now,
                    false,
                )?;
            }
            pull_into(seed, &server, sim, &mut stats)?;
        }
    }

    // Every write of a client that was not wiped is accounted for: applied, or rejected with a
    // reason the client shows (nothing lost silently).
    for sim in &clients {
        if !sim.client.outbox.is_empty() {
            return Err(fail(
                seed,
                format!(
                    "{} still has {} pending after healing",
                    sim.client.client_id,
                    sim.client.outbox.len()
                ),
            ));
        }
        let store = &server.spaces[&sim.client.space];
        for seq in &sim.written {
            match store.verdicts.get(&(sim.client.client_id.clone(), *seq)) {
                Some(Verdict::Ok) => {}
                Some(Verdict::Rejected { .. }) => {
                    stats.rejected += 1;
                    if !sim
                        .client
                        .rejected
                        .iter()
                        .any(|entry| entry.pending.seq == *seq)
                    {
                        return Err(fail(
                            seed,
                            format!(
                                "I3: rejected {seq} of {} was dropped silently",
                                sim.client.client_id
                            ),
                        ));
                    }
                }
                None => {
                    return Err(fail(
                        seed,
                        format!("write {seq} of {} was lost", sim.client.client_id),
                    ));
                }
            }
        }
    }

    // I9 + I5: every client's base equals the server's records, and the view equals the base
    // now that the outbox is empty. Clients of one space agree with each other.
    for sim in &clients {
        let store = &server.spaces[&sim.client.space];
        let live: BTreeMap<RecordKey, Entity> = store
            .records
            .iter()
            .filter_map(|(key, stored)| Some((key.clone(), stored.record.clone()?)))
            .collect();
        if sim.client.base.records.records != live {
            return Err(fail(
                seed,
                format!(
                    "I9: {} did not converge ({} vs {} records)",
                    sim.client.client_id,
                    sim.client.base.records.records.len(),
                    live.len()
                ),
            ));
        }
        if sim.client.view(now) != sim.client.base.records {
            return Err(fail(
                seed,
                "I5: view differs from base with an empty outbox".to_owned(),
            ));
        }
        // I7 at rest: records in alice's space were written only by those allowed to.
        for entity in live.values() {
            if let Entity::Task(Task {
                created_by: Some(creator),
                ..
            }) = entity
            {
                if creator.as_str() == "m-2"
                    || (sim.client.space == alice_space && creator.as_str() == "bob")
                {
                    return Err(fail(
                        seed,
                        format!("I7: {creator} wrote into {}", sim.client.space),
                    ));
                }
            }
        }
    }
    let _ = wiped_clients;
    Ok(stats)
}

/// Pulls one client's space and absorbs it, checking I3, I4, I5 and I6 on the way.
fn pull_into(
    seed: u64,
    server: &Server,
    sim: &mut SimClient,
    stats: &mut Stats,
) -> Result<(), String> {
    let store = &server.spaces[&sim.client.space];
    let cursor = sim.client.base.cursor;
    let pulled = match server::pull(
        store,
        &sim.client.actor,
        &sim.client.space,
        cursor,
        &sim.client.client_id,
        sim.client.since_seq(),
        Utc::now(),
    ) {
        Ok(pulled) => pulled,
        Err(ServerError::Forbidden(message)) => {
            return Err(fail(
                seed,
                format!("an allowed client was refused: {message}"),
            ))
        }
        Err(other) => return Err(fail(seed, other.to_string())),
    };
    // I4: every change lies in (cursor, reported cursor], and the reported cursor is the server's.
    if !pulled.reset
        && pulled
            .changes
            .iter()
            .any(|change| change.version <= cursor || change.version > pulled.cursor)
    {
        return Err(fail(
            seed,
            "I4: a pull returned a change outside its cursor range".to_owned(),
        ));
    }
    if pulled.cursor != store.version {
        return Err(fail(
            seed,
            "I4: the pull's cursor is not the server's version".to_owned(),
        ));
    }
    if pulled.reset {
        stats.resets += 1;
    }
    let outbox_before = sim.client.outbox.clone();
    let rebased = sim.client.on_pull(&pulled);
    // I3: only entries at or below last_seq left; I6: a reset keeps the rest of the outbox.
    let kept: Vec<_> = outbox_before
        .iter()
        .filter(|p| p.seq > pulled.last_seq)
        .cloned()
        .collect();
    if sim.client.outbox != kept || rebased.confirmed.iter().any(|seq| *seq > pulled.last_seq) {
        return Err(fail(
            seed,
            "I3/I6: the outbox lost entries the server had not processed".to_owned(),
        ));
    }
    // I5: the view is base with the outbox replayed, computed the same way twice (determinism).
    let now = Utc::now();
    if sim.client.view(now) != sim.client.view(now) {
        return Err(fail(seed, "I5: replay is not deterministic".to_owned()));
    }
    let mut replayed = sim.client.base.records.clone();
    for pending in &sim.client.outbox {
        let context = ApplyContext::new(&sim.client.actor, &sim.client.space, now);
        if let Ok(changes) = apply(&replayed, &context, &pending.mutation) {
            replayed.write(&changes);
        }
    }
    if replayed != sim.client.view(now) {
        return Err(fail(
            seed,
            "I5: view differs from replay(outbox, base)".to_owned(),
        ));
    }
    Ok(())
}

/// A random mutation that a person in this role might make, aimed at records in the view.
fn random_mutation(rng: &mut Rng, view: &MemoryRecords, who: &Actor, step: usize) -> Mutation {
    let tasks = view.list(RecordKind::Task);
    let sessions = view.list(RecordKind::MentoringSession);
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
                starts_at: Utc.from_utc_datetime(
                    &day(rng.below(30) as i64)
                        .and_hms_opt(10, 0, 0)
                        .unwrap_or_default(),
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
