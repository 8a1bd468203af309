//! The storage the server logic runs over: the [`ServerStore`] trait, a [`RecordView`] over any
//! store ([`StoreView`]), and the in-memory twin of the Durable Object's SQLite tables
//! ([`MemoryServerStore`]) that native tests and the simulation use.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::apply::{RecordKey, RecordView};
use crate::domain::{Entity, RecordKind};
use crate::ids::{ClientId, MutationSeq, RecordId, ServerVersion};
use crate::protocol::{RecordChange, RejectedMutation, Verdict};

/// A stored record: live content or a tombstone, with the version that wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    /// The version that last wrote it.
    pub version: ServerVersion,
    /// Its content; `None` for a tombstone.
    pub record: Option<Entity>,
    /// When it was written (the server clock), to age tombstones.
    pub written_at: DateTime<Utc>,
}

/// A space's durable state as the server logic needs it. Every method is synchronous so that a
/// whole push can run inside one storage transaction.
pub trait ServerStore {
    /// The storage's own error.
    type Error: std::error::Error;

    /// A record, live or tombstone.
    fn record(&self, key: &RecordKey) -> Result<Option<StoredRecord>, Self::Error>;
    /// Every live record of one kind, by id.
    fn live_of_kind(&self, kind: RecordKind) -> Result<Vec<(RecordId, Entity)>, Self::Error>;
    /// How many live records (not tombstones) the space holds.
    fn live_count(&self) -> Result<u64, Self::Error>;
    /// Writes a record (or a tombstone) at `version`.
    fn put_record(&mut self, key: &RecordKey, stored: StoredRecord) -> Result<(), Self::Error>;
    /// The space's current version (0 when empty).
    fn version(&self) -> Result<ServerVersion, Self::Error>;
    /// Sets the space's current version.
    fn set_version(&mut self, version: ServerVersion) -> Result<(), Self::Error>;
    /// The highest processed seq of a client (0 when none).
    fn last_seq(&self, client: &ClientId) -> Result<MutationSeq, Self::Error>;
    /// Records the highest processed seq of a client.
    fn set_last_seq(&mut self, client: &ClientId, seq: MutationSeq) -> Result<(), Self::Error>;
    /// The stored verdict of one mutation.
    fn verdict(&self, client: &ClientId, seq: MutationSeq) -> Result<Option<Verdict>, Self::Error>;
    /// Stores the verdict of one mutation.
    fn put_verdict(
        &mut self,
        client: &ClientId,
        seq: MutationSeq,
        verdict: &Verdict,
    ) -> Result<(), Self::Error>;
    /// Rejected verdicts of a client with seq above `since`, oldest first, at most `limit`.
    fn rejected_since(
        &self,
        client: &ClientId,
        since: MutationSeq,
        limit: usize,
    ) -> Result<Vec<RejectedMutation>, Self::Error>;
    /// Records with version above `after` and at most `upto` (`None`: no bound), by rising
    /// version (then kind and id); tombstones too unless `live_only` (a reset's snapshot).
    fn changes_between(
        &self,
        after: ServerVersion,
        upto: Option<ServerVersion>,
        live_only: bool,
    ) -> Result<Vec<RecordChange>, Self::Error>;
    /// The version of the `n`-th change (from 1) after `after` in that order, when there are at
    /// least `n` (a page's last version).
    fn nth_version_after(
        &self,
        after: ServerVersion,
        n: u64,
        live_only: bool,
    ) -> Result<Option<ServerVersion>, Self::Error>;
    /// How many changes have a version above `after`.
    fn count_after(&self, after: ServerVersion, live_only: bool) -> Result<u64, Self::Error>;
    /// The tombstone horizon: cursors below it must reset.
    fn horizon(&self) -> Result<ServerVersion, Self::Error>;
    /// Deletes tombstones written before `before`; raises the horizon past them.
    fn purge_tombstones(&mut self, before: DateTime<Utc>) -> Result<usize, Self::Error>;
}

/// A [`RecordView`] over a store: remembers the first storage error so the caller can abort.
pub struct StoreView<'a, S: ServerStore> {
    store: &'a S,
    error: RefCell<Option<S::Error>>,
}

impl<'a, S: ServerStore> StoreView<'a, S> {
    /// Wraps a store.
    pub fn new(store: &'a S) -> Self {
        Self {
            store,
            error: RefCell::new(None),
        }
    }

    /// The first storage error seen, if any.
    pub fn take_error(self) -> Option<S::Error> {
        self.error.into_inner()
    }

    fn keep<T>(&self, result: Result<T, S::Error>, fallback: T) -> T {
        match result {
            Ok(value) => value,
            Err(error) => {
                self.error.borrow_mut().get_or_insert(error);
                fallback
            }
        }
    }
}

impl<S: ServerStore> RecordView for StoreView<'_, S> {
    fn get(&self, kind: RecordKind, id: &RecordId) -> Option<Entity> {
        let key = RecordKey {
            kind,
            id: id.clone(),
        };
        self.keep(self.store.record(&key), None)
            .and_then(|stored| stored.record)
    }

    fn list(&self, kind: RecordKind) -> Vec<(RecordId, Entity)> {
        self.keep(self.store.live_of_kind(kind), Vec::new())
    }
}

/// The in-memory server store: the twin of the Durable Object's SQLite tables.
#[derive(Debug, Clone, Default)]
pub struct MemoryServerStore {
    /// Records and tombstones.
    pub records: BTreeMap<RecordKey, StoredRecord>,
    /// Current version.
    pub version: ServerVersion,
    /// Tombstone horizon.
    pub horizon: ServerVersion,
    /// last_seq per client.
    pub last_seqs: BTreeMap<ClientId, MutationSeq>,
    /// Verdict per (client, seq).
    pub verdicts: BTreeMap<(ClientId, MutationSeq), Verdict>,
}

/// The in-memory store never fails.
#[derive(Debug, thiserror::Error)]
#[error("unreachable")]
pub enum Never {}

impl ServerStore for MemoryServerStore {
    type Error = Never;

    fn record(&self, key: &RecordKey) -> Result<Option<StoredRecord>, Never> {
        Ok(self.records.get(key).cloned())
    }

    fn live_of_kind(&self, kind: RecordKind) -> Result<Vec<(RecordId, Entity)>, Never> {
        Ok(self
            .records
            .iter()
            .filter(|(key, _)| key.kind == kind)
            .filter_map(|(key, stored)| Some((key.id.clone(), stored.record.clone()?)))
            .collect())
    }

    fn put_record(&mut self, key: &RecordKey, stored: StoredRecord) -> Result<(), Never> {
        self.records.insert(key.clone(), stored);
        Ok(())
    }

    fn live_count(&self) -> Result<u64, Never> {
        let live = self
            .records
            .values()
            .filter(|stored| stored.record.is_some())
            .count();
        Ok(u64::try_from(live).unwrap_or(u64::MAX))
    }

    fn version(&self) -> Result<ServerVersion, Never> {
        Ok(self.version)
    }

    fn set_version(&mut self, version: ServerVersion) -> Result<(), Never> {
        self.version = version;
        Ok(())
    }

    fn last_seq(&self, client: &ClientId) -> Result<MutationSeq, Never> {
        Ok(self.last_seqs.get(client).copied().unwrap_or_default())
    }

    fn set_last_seq(&mut self, client: &ClientId, seq: MutationSeq) -> Result<(), Never> {
        self.last_seqs.insert(client.clone(), seq);
        Ok(())
    }

    fn verdict(&self, client: &ClientId, seq: MutationSeq) -> Result<Option<Verdict>, Never> {
        Ok(self.verdicts.get(&(client.clone(), seq)).cloned())
    }

    fn put_verdict(
        &mut self,
        client: &ClientId,
        seq: MutationSeq,
        verdict: &Verdict,
    ) -> Result<(), Never> {
        self.verdicts.insert((client.clone(), seq), verdict.clone());
        Ok(())
    }

    fn rejected_since(
        &self,
        client: &ClientId,
        since: MutationSeq,
        limit: usize,
    ) -> Result<Vec<RejectedMutation>, Never> {
        Ok(self
            .verdicts
            .range((client.clone(), MutationSeq(since.0.saturating_add(1)))..)
            .take_while(|((owner, _), _)| owner == client)
            .filter_map(|((_, seq), verdict)| match verdict {
                Verdict::Rejected {
                    code,
                    message,
                    reason,
                } => Some(RejectedMutation {
                    seq: *seq,
                    code: code.clone(),
                    message: message.clone(),
                    reason: reason.clone(),
                }),
                Verdict::Ok => None,
            })
            .take(limit)
            .collect())
    }

    fn changes_between(
        &self,
        after: ServerVersion,
        upto: Option<ServerVersion>,
        live_only: bool,
    ) -> Result<Vec<RecordChange>, Never> {
        let mut changes: Vec<RecordChange> = self
            .records
            .iter()
            .filter(|(_, stored)| {
                stored.version > after
                    && upto.is_none_or(|upto| stored.version <= upto)
                    && (!live_only || stored.record.is_some())
            })
            .map(|(key, stored)| RecordChange {
                key: key.clone(),
                version: stored.version,
                record: stored.record.clone(),
            })
            .collect();
        changes.sort_by(|a, b| (a.version, &a.key).cmp(&(b.version, &b.key)));
        Ok(changes)
    }

    fn nth_version_after(
        &self,
        after: ServerVersion,
        n: u64,
        live_only: bool,
    ) -> Result<Option<ServerVersion>, Never> {
        let changes = self.changes_between(after, None, live_only)?;
        let index = usize::try_from(n.saturating_sub(1)).unwrap_or(usize::MAX);
        Ok(changes.get(index).map(|change| change.version))
    }

    fn count_after(&self, after: ServerVersion, live_only: bool) -> Result<u64, Never> {
        Ok(self.changes_between(after, None, live_only)?.len() as u64)
    }

    fn horizon(&self) -> Result<ServerVersion, Never> {
        Ok(self.horizon)
    }

    fn purge_tombstones(&mut self, before: DateTime<Utc>) -> Result<usize, Never> {
        let old: Vec<(RecordKey, ServerVersion)> = self
            .records
            .iter()
            .filter(|(_, stored)| stored.record.is_none() && stored.written_at < before)
            .map(|(key, stored)| (key.clone(), stored.version))
            .collect();
        for (key, version) in &old {
            self.records.remove(key);
            self.horizon = self.horizon.max(*version);
        }
        Ok(old.len())
    }
}
