//! The client half of the sync protocol as plain data: base, outbox, rebasing, rejected mutations.
//!
//! The app keeps this state in IndexedDB and the simulation in memory; both run these functions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::apply::{apply, ApplyContext, Change, MemoryRecords, RecordKey};
use crate::domain::Entity;
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
    /// before reasons were sent).
    #[serde(default)]
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

/// A whole client for one space in memory: what the simulation drives and what the app mirrors.
#[derive(Debug, Clone)]
pub struct SpaceClient {
    /// This client's id.
    pub client_id: ClientId,
    /// The space it syncs.
    pub space: SpaceId,
    /// Who uses it.
    pub actor: Actor,
    /// Confirmed state.
    pub base: Base,
    /// Pending mutations, oldest first.
    pub outbox: Vec<PendingMutation>,
    /// The last seq handed out.
    pub seq: MutationSeq,
    /// Refused mutations, for the user.
    pub rejected: Vec<RejectedEntry>,
}

impl SpaceClient {
    /// A fresh client.
    pub fn new(client_id: ClientId, space: SpaceId, actor: Actor) -> Self {
        Self {
            client_id,
            space,
            actor,
            base: Base::default(),
            outbox: Vec::new(),
            seq: MutationSeq(0),
            rejected: Vec::new(),
        }
    }

    /// The view the UI shows: base with the outbox replayed (I5).
    pub fn view(&self, now: DateTime<Utc>) -> MemoryRecords {
        replay(
            &self.base.records,
            &self.outbox,
            &self.actor,
            &self.space,
            now,
        )
    }

    /// A local write: checked against the view first (bad input changes nothing), then queued
    /// with the next seq.
    pub fn write(
        &mut self,
        mutation: Mutation,
        now: DateTime<Utc>,
    ) -> Result<(MutationSeq, Vec<Change>), MutationError> {
        let view = self.view(now);
        let context = ApplyContext::new(&self.actor, &self.space, now);
        let changes = apply(&view, &context, &mutation)?;
        self.seq = MutationSeq(self.seq.0 + 1);
        self.outbox.push(PendingMutation {
            seq: self.seq,
            mutation,
        });
        Ok((self.seq, changes))
    }

    /// The push request for the whole outbox.
    pub fn push_request(&self) -> PushRequest {
        PushRequest {
            protocol: PROTOCOL_VERSION,
            schema: SCHEMA_VERSION,
            client_id: self.client_id.clone(),
            mutations: self.outbox.clone(),
        }
    }

    /// The `since_seq` to pull with: rejected verdicts above it are still of interest.
    pub fn since_seq(&self) -> MutationSeq {
        self.outbox
            .first()
            .map(|pending| MutationSeq(pending.seq.0.saturating_sub(1)))
            .unwrap_or(self.seq)
    }

    /// Absorbs a pull: replaces base, drops processed outbox entries, keeps refusals (I3, I6).
    pub fn on_pull(&mut self, pull: &PullResponse) -> Rebased {
        self.base.absorb(pull);
        let rebased = rebase_outbox(&mut self.outbox, &self.space, pull);
        self.rejected.extend(rebased.rejected.iter().cloned());
        rebased
    }

    /// The live record with this key in the view.
    pub fn get(&self, key: &RecordKey, now: DateTime<Utc>) -> Option<Entity> {
        self.view(now).records.get(key).cloned()
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
