//! The server half of the sync protocol over a storage trait: push, pull and tombstone compaction.
//!
//! The Worker's Durable Object runs exactly these functions over its SQLite storage inside one
//! transaction per push; native tests and the simulation run them over [`MemoryServerStore`].

mod store;

use chrono::{DateTime, Duration, Utc};

use crate::apply::{
    access_in, apply, assigned_mentors, ApplyContext, MemoryRecords, RecordKey, RecordView,
};
use crate::domain::{Entity, Feedback, RecordKind, Role};
use crate::ids::{
    ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId, MAX_SAFE_INTEGER,
};
use crate::mutation::{Mutation, PendingMutation};
use crate::permissions::{may_read_record, Actor};
use crate::protocol::{
    PullResponse, PushItem, PushRequest, PushResponse, RecordChange, SeqVerdict, Verdict,
    TOMBSTONE_HORIZON_DAYS,
};

pub use store::{MemoryServerStore, Never, ServerStore, StoreView, StoredRecord};

/// Records from the program and staff spaces that some mutations of a push are judged by (see
/// [`ApplyContext::program`]). The Worker reads them from those spaces before the push's own
/// transaction; they travel as lists because JSON maps need string keys.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RelatedRecords {
    /// Program-space records, when the push needs any.
    #[serde(default)]
    pub program: Option<Vec<(RecordKey, Entity)>>,
    /// Staff-space records, when the push needs any.
    #[serde(default)]
    pub staff: Option<Vec<(RecordKey, Entity)>>,
}

/// Which records of other spaces a push's mutations are judged by: `(program keys, staff keys)`.
/// Both are empty for most pushes, and then nothing is fetched.
pub fn related_keys(request: &PushRequest) -> (Vec<RecordKey>, Vec<RecordKey>) {
    related_keys_of(request.mutations.iter().map(|pending| &pending.mutation))
}

/// [`related_keys`] of some mutations, e.g. the readable ones of a
/// [`ReadPush`](crate::protocol::ReadPush) (`read.mutations()`).
pub fn related_keys_of<'a>(
    mutations: impl IntoIterator<Item = &'a Mutation>,
) -> (Vec<RecordKey>, Vec<RecordKey>) {
    let mut program = Vec::new();
    let mut staff = Vec::new();
    let key = |kind, id: &RecordId| RecordKey {
        kind,
        id: id.clone(),
    };
    for mutation in mutations {
        match mutation {
            Mutation::SetRankings { id, choices } => {
                program.push(key(RecordKind::Cohort, id));
                program.extend(
                    choices
                        .iter()
                        .map(|choice| key(RecordKind::Position, &choice.position_id)),
                );
            }
            Mutation::CheckIn { workshop_id, .. } => {
                program.push(key(RecordKind::Workshop, workshop_id));
                staff.push(key(RecordKind::CheckinCode, workshop_id));
            }
            Mutation::Create {
                record: Entity::Evaluation(evaluation),
                ..
            } => program.push(key(RecordKind::EvaluationTemplate, &evaluation.template_id)),
            Mutation::Create {
                record: Entity::ConcernFlag(flag),
                ..
            } => {
                // Whether a mentor raising it mentors the student.
                staff.push(key(
                    RecordKind::StudentSummary,
                    &RecordId(flag.student_id.to_string()),
                ));
            }
            _ => {}
        }
    }
    for keys in [&mut program, &mut staff] {
        keys.sort();
        keys.dedup();
    }
    (program, staff)
}

/// Reads the records with these keys from a store (the other space's half of [`related_keys`]).
pub fn read_records<S: ServerStore>(
    store: &S,
    keys: &[RecordKey],
) -> Result<Vec<(RecordKey, Entity)>, S::Error> {
    let mut found = Vec::new();
    for key in keys {
        if let Some(StoredRecord {
            record: Some(entity),
            ..
        }) = store.record(key)?
        {
            found.push((key.clone(), entity));
        }
    }
    Ok(found)
}

fn memory(records: &Option<Vec<(RecordKey, Entity)>>) -> Option<MemoryRecords> {
    records.as_ref().map(|list| MemoryRecords {
        records: list.iter().cloned().collect(),
    })
}

/// Most rejected verdicts one pull returns.
pub const MAX_REJECTED_PER_PULL: usize = 500;

/// Why a push or pull failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ServerError<E: std::error::Error> {
    /// The actor may not push to / pull from this space.
    #[error("{0}")]
    Forbidden(String),
    /// Storage failed; the transaction must roll back.
    #[error("storage failed: {0}")]
    Store(#[source] E),
    /// A counter would leave the range JavaScript numbers hold (I8).
    #[error("the space's version counter is exhausted")]
    Exhausted,
}

/// What a push did, for the Worker: the reply, and for student spaces the mentors it now grants.
#[derive(Debug, Clone, PartialEq)]
pub struct PushOutcome {
    /// The reply to the client.
    pub response: PushResponse,
    /// Mentors with access to the (student) space after the push, when any placement changed.
    pub mentors_changed: Option<Vec<UserId>>,
    /// The kinds of the records the push changed, in order, each once.
    pub changed_kinds: Vec<RecordKind>,
}

/// Processes a push (docs/sync-protocol.md §7) whose mutations were all read: [`push_items`] with every
/// mutation ready. Run it inside one storage transaction: when it returns an error, roll back;
/// when it returns `Ok`, commit before replying (I2).
pub fn push<S: ServerStore>(
    store: &mut S,
    actor: &Actor,
    space: &SpaceId,
    request: &PushRequest,
    related: &RelatedRecords,
    now: DateTime<Utc>,
) -> Result<PushOutcome, ServerError<S::Error>> {
    push_each(
        store,
        actor,
        space,
        &request.client_id,
        request.mutations.iter().map(Item::Ready),
        related,
        now,
    )
}

/// Processes a push as the server read it ([`crate::protocol::read_push`]), each mutation on its
/// own: a ready one is judged by `apply`; an unreadable one above `last_seq` gets a rejected
/// verdict (`invalid`, problem `unreadable`) stored like any refusal and advances `last_seq`, so
/// it never holds back the mutations after it. Same transaction rules as [`push`].
pub fn push_items<S: ServerStore>(
    store: &mut S,
    actor: &Actor,
    space: &SpaceId,
    client: &ClientId,
    items: &[PushItem],
    related: &RelatedRecords,
    now: DateTime<Utc>,
) -> Result<PushOutcome, ServerError<S::Error>> {
    push_each(
        store,
        actor,
        space,
        client,
        items.iter().map(|item| match item {
            PushItem::Ready(pending) => Item::Ready(pending),
            PushItem::Unreadable { seq, detail } => Item::Unreadable(*seq, detail),
        }),
        related,
        now,
    )
}

/// One mutation of a push, borrowed: read, or only its seq and why the rest did not read.
enum Item<'a> {
    Ready(&'a PendingMutation),
    Unreadable(MutationSeq, &'a str),
}

impl Item<'_> {
    fn seq(&self) -> MutationSeq {
        match self {
            Self::Ready(pending) => pending.seq,
            Self::Unreadable(seq, _) => *seq,
        }
    }
}

/// The most live records a student space holds (its tasks, goals, sessions, …).
pub const MAX_LIVE_RECORDS_STUDENT: u64 = 20_000;
/// The most live records the program or the staff space holds.
pub const MAX_LIVE_RECORDS_SHARED: u64 = 200_000;

/// The cap on live records of a space: a push may not add records past it.
pub fn max_live_records(space: &SpaceId) -> u64 {
    match space {
        SpaceId::Student(_) => MAX_LIVE_RECORDS_STUDENT,
        SpaceId::Program | SpaceId::Staff => MAX_LIVE_RECORDS_SHARED,
    }
}

fn push_each<'a, S: ServerStore>(
    store: &mut S,
    actor: &Actor,
    space: &SpaceId,
    client: &ClientId,
    items: impl ExactSizeIterator<Item = Item<'a>>,
    related: &RelatedRecords,
    now: DateTime<Utc>,
) -> Result<PushOutcome, ServerError<S::Error>> {
    let program = memory(&related.program);
    let staff = memory(&related.staff);
    let access = {
        let view = StoreView::new(&*store);
        let access = access_in(&view, actor, space);
        if let Some(error) = view.take_error() {
            return Err(ServerError::Store(error));
        }
        access
    };
    if !access.can_push() {
        return Err(ServerError::Forbidden(format!(
            "you may not change the {space} space"
        )));
    }
    let mut last_seq = store.last_seq(client).map_err(ServerError::Store)?;
    let mut version = store.version().map_err(ServerError::Store)?;
    // Counted once, when the first change that adds a record needs it.
    let mut live: Option<u64> = None;
    let max_live = max_live_records(space);
    let mut verdicts = Vec::with_capacity(items.len());
    let mut placements_changed = false;
    let mut changed_kinds: Vec<RecordKind> = Vec::new();

    for item in items {
        let seq = item.seq();
        // A placement in the request (even one skipped as a repeat) makes the caller refresh the
        // directory's mentor list, so a retry after a failed directory write redoes it.
        if let Item::Ready(pending) = &item {
            placements_changed |= pending.mutation.target().0 == RecordKind::Placement;
        }
        // 1. Skip mutations at or below last_seq: their stored verdict stands (I1).
        if seq <= last_seq {
            let stored = store.verdict(client, seq).map_err(ServerError::Store)?;
            if let Some(verdict) = stored {
                verdicts.push(SeqVerdict { seq, verdict });
            }
            continue;
        }
        let pending = match item {
            Item::Ready(pending) => pending,
            // An unreadable mutation is refused like one apply refuses: no record changes.
            Item::Unreadable(_, detail) => {
                let verdict = Verdict::rejected(PushItem::unreadable(detail));
                store
                    .put_verdict(client, seq, &verdict)
                    .map_err(ServerError::Store)?;
                last_seq = seq;
                store
                    .set_last_seq(client, last_seq)
                    .map_err(ServerError::Store)?;
                verdicts.push(SeqVerdict { seq, verdict });
                continue;
            }
        };
        // 2. Check permission and run apply against the current records.
        let outcome = {
            let view = StoreView::new(&*store);
            let context = ApplyContext {
                program: program.as_ref().map(|records| records as &dyn RecordView),
                staff: staff.as_ref().map(|records| records as &dyn RecordView),
                ..ApplyContext::new(actor, space, now)
            };
            let outcome = apply(&view, &context, &pending.mutation);
            if let Some(error) = view.take_error() {
                return Err(ServerError::Store(error));
            }
            outcome
        };
        // 2b. A change that adds records must leave the space within its cap.
        let outcome = match outcome {
            Ok(changes) => {
                let (mut added, mut removed) = (0u64, 0u64);
                for change in &changes {
                    let was_live = matches!(
                        store.record(&change.key).map_err(ServerError::Store)?,
                        Some(StoredRecord {
                            record: Some(_),
                            ..
                        })
                    );
                    match (was_live, change.record.is_some()) {
                        (false, true) => added += 1,
                        (true, false) => removed += 1,
                        _ => {}
                    }
                }
                if added > removed {
                    let count = match live {
                        Some(count) => count,
                        None => store.live_count().map_err(ServerError::Store)?,
                    };
                    live = Some(count);
                    if count + (added - removed) > max_live {
                        Err(crate::error::MutationError::rule(
                            crate::error::Rule::SpaceFull { max: max_live },
                        ))
                    } else {
                        live = Some(count + (added - removed));
                        Ok(changes)
                    }
                } else {
                    live = live.map(|count| count.saturating_sub(removed - added));
                    Ok(changes)
                }
            }
            Err(error) => Err(error),
        };
        // 3. Write the changed records with the next version and the verdict.
        let verdict = match outcome {
            Ok(changes) => {
                if !changes.is_empty() {
                    if version.0 >= MAX_SAFE_INTEGER {
                        return Err(ServerError::Exhausted);
                    }
                    version = ServerVersion(version.0 + 1);
                    for change in changes {
                        if let Err(at) = changed_kinds.binary_search(&change.key.kind) {
                            changed_kinds.insert(at, change.key.kind);
                        }
                        let stored = StoredRecord {
                            version,
                            record: change.record,
                            written_at: now,
                        };
                        store
                            .put_record(&change.key, stored)
                            .map_err(ServerError::Store)?;
                    }
                    store.set_version(version).map_err(ServerError::Store)?;
                }
                Verdict::Ok
            }
            Err(error) => Verdict::rejected(error),
        };
        store
            .put_verdict(client, pending.seq, &verdict)
            .map_err(ServerError::Store)?;
        // 4. Advance last_seq; the caller commits 3 and 4 together.
        last_seq = pending.seq;
        store
            .set_last_seq(client, last_seq)
            .map_err(ServerError::Store)?;
        verdicts.push(SeqVerdict {
            seq: pending.seq,
            verdict,
        });
    }

    let mentors_changed = if placements_changed {
        let view = StoreView::new(&*store);
        let mentors = assigned_mentors(&view);
        if let Some(error) = view.take_error() {
            return Err(ServerError::Store(error));
        }
        Some(mentors)
    } else {
        None
    };
    Ok(PushOutcome {
        response: PushResponse {
            last_seq,
            cursor: version,
            verdicts,
        },
        mentors_changed,
        changed_kinds,
    })
}

/// Which part of the changes a pull asks for (protocol 2 pages them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageRequest {
    /// Most changes in the page (`None`: all of them, protocol 1). A page never splits the
    /// changes of one version, so it may hold a few more.
    pub limit: Option<u64>,
    /// The pull continues a reset whose earlier pages the client holds: never reset again.
    pub snapshot: bool,
}

/// Serves a pull (docs/sync-protocol.md §8): changes after `cursor`, filtered per record (I7), or a reset
/// snapshot; every change, unpaged (protocol 1). See [`pull_page`].
pub fn pull<S: ServerStore>(
    store: &S,
    actor: &Actor,
    space: &SpaceId,
    cursor: ServerVersion,
    client: &ClientId,
    since_seq: MutationSeq,
    now: DateTime<Utc>,
) -> Result<PullResponse, ServerError<S::Error>> {
    pull_page(
        store,
        actor,
        space,
        cursor,
        client,
        since_seq,
        PageRequest::default(),
        now,
    )
}

/// Serves one page of a pull (docs/sync-protocol.md §8). With a `limit`, the page ends at the
/// version of its `limit`-th change (all changes of that version included); `more` says another
/// page follows from the returned `cursor`. Every change is sent exactly once across the pages,
/// at the version that last wrote it, even with pushes between the pages.
#[allow(clippy::too_many_arguments)]
pub fn pull_page<S: ServerStore>(
    store: &S,
    actor: &Actor,
    space: &SpaceId,
    cursor: ServerVersion,
    client: &ClientId,
    since_seq: MutationSeq,
    page: PageRequest,
    now: DateTime<Utc>,
) -> Result<PullResponse, ServerError<S::Error>> {
    let view = StoreView::new(store);
    let access = access_in(&view, actor, space);
    // Feedback the other side may not read yet is held back (the reveal rule); once revealed it
    // is sent with every pull, because revealing it wrote no new version a cursor would notice.
    let feedback = FeedbackGate::new(&view, actor, space, now);
    if let Some(error) = view.take_error() {
        return Err(ServerError::Store(error));
    }
    // Write-only members (a student or mentor raising a concern in `staff`) may pull to learn
    // their own `last_seq` and verdicts (I3), but see no records.
    if !access.can_read() && !access.can_push() {
        return Err(ServerError::Forbidden(format!(
            "you may not read the {space} space"
        )));
    }
    let current = store.version().map_err(ServerError::Store)?;
    let horizon = store.horizon().map_err(ServerError::Store)?;
    let reset = !page.snapshot && (cursor > current || cursor < horizon);
    // A reset starts from nothing: live records only, from the first version.
    let (after, live_only) = if reset {
        (ServerVersion(0), true)
    } else {
        (cursor.min(current), page.snapshot)
    };
    let end = match page.limit {
        Some(limit) => store
            .nth_version_after(after, limit.max(1), live_only)
            .map_err(ServerError::Store)?
            .filter(|end| *end < current),
        None => None,
    };
    let remaining = match end {
        Some(end) => store
            .count_after(end, live_only)
            .map_err(ServerError::Store)?,
        None => 0,
    };
    let more = remaining > 0;
    let changes = store
        .changes_between(after, end, live_only)
        .map_err(ServerError::Store)?
        .into_iter()
        .filter(|change| may_read_record(actor, access, change.key.kind, change.record.as_ref()))
        .filter(|change| feedback.allows(change))
        .collect::<Vec<_>>();
    let mut changes = changes;
    // Revealed feedback is resent once the client is up to date (the last page).
    if access.can_read() && !reset && !more {
        let revealed = feedback
            .revealed_to_resend(store)
            .map_err(ServerError::Store)?;
        for change in revealed {
            if !changes.iter().any(|sent| sent.key == change.key) {
                changes.push(change);
            }
        }
    }
    Ok(PullResponse {
        cursor: match end {
            Some(end) if more => end,
            _ => current,
        },
        reset,
        changes,
        last_seq: store.last_seq(client).map_err(ServerError::Store)?,
        rejected: store
            .rejected_since(client, since_seq, MAX_REJECTED_PER_PULL)
            .map_err(ServerError::Store)?,
        more,
        remaining,
    })
}

/// Writes a record the server derives (a student's summary in the staff space) outside the
/// mutation log, at the next version so pulls carry it like any change. Writes nothing when the
/// content is unchanged; returns whether it wrote. Run it inside one storage transaction.
pub fn put_derived<S: ServerStore>(
    store: &mut S,
    key: &RecordKey,
    record: Entity,
    now: DateTime<Utc>,
) -> Result<bool, ServerError<S::Error>> {
    let current = store.record(key).map_err(ServerError::Store)?;
    let unchanged = match (&current, &record) {
        (
            Some(StoredRecord {
                record: Some(Entity::StudentSummary(old)),
                ..
            }),
            Entity::StudentSummary(new),
        ) => crate::summary::same_content(old, new),
        (
            Some(StoredRecord {
                record: Some(old), ..
            }),
            new,
        ) => old == new,
        _ => false,
    };
    if unchanged {
        return Ok(false);
    }
    let version = store.version().map_err(ServerError::Store)?;
    if version.0 >= MAX_SAFE_INTEGER {
        return Err(ServerError::Exhausted);
    }
    let version = ServerVersion(version.0 + 1);
    store
        .put_record(
            key,
            StoredRecord {
                version,
                record: Some(record),
                written_at: now,
            },
        )
        .map_err(ServerError::Store)?;
    store.set_version(version).map_err(ServerError::Store)?;
    Ok(true)
}

/// How old a person's [`crate::domain::Activity`] in a space may get before a pull of theirs
/// writes it again: the "last active" people see is right to the hour, and an app that syncs
/// all day costs the space a write an hour at most.
pub const ACTIVITY_REFRESH_MINUTES: i64 = 60;

/// Notes that `actor` used the app in `space` at `now`, after a pull of theirs succeeded (so
/// they may read it): in a student's space, for the student and for mentors (staff looking in
/// are not part of the pair), as an `activity` record the server derives (id: the user id), at
/// most once per [`ACTIVITY_REFRESH_MINUTES`]. Returns whether it wrote. Run it inside one
/// storage transaction.
pub fn note_activity<S: ServerStore>(
    store: &mut S,
    actor: &Actor,
    space: &SpaceId,
    now: DateTime<Utc>,
) -> Result<bool, ServerError<S::Error>> {
    let SpaceId::Student(student) = space else {
        return Ok(false);
    };
    if actor.user_id != *student && actor.role != Role::Mentor {
        return Ok(false);
    }
    let key = RecordKey {
        kind: RecordKind::Activity,
        id: RecordId(actor.user_id.to_string()),
    };
    let fresh = match store.record(&key).map_err(ServerError::Store)? {
        Some(StoredRecord {
            record: Some(Entity::Activity(activity)),
            ..
        }) => activity.at <= now && now - activity.at < Duration::minutes(ACTIVITY_REFRESH_MINUTES),
        _ => false,
    };
    if fresh {
        return Ok(false);
    }
    let activity = crate::domain::Activity {
        user_id: actor.user_id.clone(),
        at: now,
    };
    put_derived(store, &key, Entity::Activity(activity), now)
}

/// The summary of a student space after a push, for the staff space (`None` for other spaces or
/// while the student has no profile).
pub fn summary_of<S: ServerStore>(
    store: &S,
    space: &SpaceId,
    now: DateTime<Utc>,
) -> Result<Option<Entity>, ServerError<S::Error>> {
    let SpaceId::Student(student) = space else {
        return Ok(None);
    };
    let view = StoreView::new(store);
    let summary = crate::summary::summarize(&view, student, now);
    if let Some(error) = view.take_error() {
        return Err(ServerError::Store(error));
    }
    Ok(summary.map(Entity::StudentSummary))
}

/// Applies the feedback reveal rule ([`crate::feedback`]) to one pull.
struct FeedbackGate {
    /// Feedback records the actor may not read yet.
    hidden: Vec<RecordId>,
    /// Feedback records the actor can read that someone else wrote (resent with every pull).
    others_visible: Vec<RecordId>,
}

impl FeedbackGate {
    fn new(view: &impl RecordView, actor: &Actor, space: &SpaceId, now: DateTime<Utc>) -> Self {
        let mut gate = Self {
            hidden: Vec::new(),
            others_visible: Vec::new(),
        };
        let SpaceId::Student(owner) = space else {
            return gate;
        };
        if actor.role == Role::Staff {
            return gate;
        }
        let all: Vec<(RecordId, Feedback)> = view
            .list(RecordKind::Feedback)
            .into_iter()
            .filter_map(|(id, entity)| match entity {
                Entity::Feedback(feedback) => Some((id, feedback)),
                _ => None,
            })
            .collect();
        for (id, feedback) in &all {
            if feedback.author.as_ref() == Some(&actor.user_id) {
                continue;
            }
            let session = match view.get(RecordKind::MentoringSession, &feedback.session_id) {
                Some(Entity::MentoringSession(session)) => session,
                _ => {
                    gate.hidden.push(id.clone());
                    continue;
                }
            };
            let answered = |student_side: bool| {
                all.iter().any(|(_, other)| {
                    other.session_id == feedback.session_id
                        && other
                            .author
                            .as_ref()
                            .is_some_and(|author| (author == owner) == student_side)
                })
            };
            let revealed = crate::feedback::session_end(&session).is_some_and(|end| {
                crate::feedback::is_revealed(
                    end,
                    answered(true).then_some(end),
                    answered(false).then_some(end),
                    now.max(end),
                )
            });
            if revealed {
                gate.others_visible.push(id.clone());
            } else {
                gate.hidden.push(id.clone());
            }
        }
        gate
    }

    fn allows(&self, change: &RecordChange) -> bool {
        change.key.kind != RecordKind::Feedback || !self.hidden.contains(&change.key.id)
    }

    fn revealed_to_resend<S: ServerStore>(&self, store: &S) -> Result<Vec<RecordChange>, S::Error> {
        let mut changes = Vec::new();
        for id in &self.others_visible {
            let key = RecordKey {
                kind: RecordKind::Feedback,
                id: id.clone(),
            };
            if let Some(stored) = store.record(&key)? {
                changes.push(RecordChange {
                    key,
                    version: stored.version,
                    record: stored.record,
                });
            }
        }
        Ok(changes)
    }
}

/// Purges tombstones older than the horizon ([`TOMBSTONE_HORIZON_DAYS`]).
pub fn compact<S: ServerStore>(store: &mut S, now: DateTime<Utc>) -> Result<usize, S::Error> {
    store.purge_tombstones(now - Duration::days(TOMBSTONE_HORIZON_DAYS))
}
