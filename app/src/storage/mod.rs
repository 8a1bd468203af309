//! The app's one IndexedDB module: confirmed records per space (base) with their cursor, pending
//! mutations (outbox), refused mutations with their reasons, and metadata (client id, sequence
//! counter, session). Nothing else in the app touches IndexedDB; `local` is the page's
//! `localStorage` for small per-device values.
//!
//! Values are stored as JSON text under out-of-line keys: cheap to clone into IndexedDB, and the
//! same serde shapes as on the wire.

pub mod local;

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use imp_shared::apply::{MemoryRecords, RecordKey};
use imp_shared::client::{rebase_outbox, ClientStore, Rebased, RejectedEntry};
use imp_shared::domain::Entity;
use imp_shared::ids::{ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, MAX_SAFE_INTEGER};
use imp_shared::mutation::Mutation;
use imp_shared::protocol::{MeResponse, PullResponse, RecordChange, SessionResponse};

/// The database name used by the app.
pub const DB_NAME: &str = "imp-companion";
/// The schema version; `upgrade` below has one step per version.
pub const DB_VERSION: u32 = 1;

/// Object store: metadata (client id, seq counter, cursors, session), JSON values.
pub const META: &str = "meta";
/// Object store: confirmed records, keyed `space␟kind␟id`.
pub const BASE: &str = "base";
/// Object store: pending mutations, keyed by seq.
pub const OUTBOX: &str = "outbox";
/// Object store: refused mutations with their reasons, keyed by seq.
pub const REJECTED: &str = "rejected";

/// Separates the parts of a base key; never appears in ids or space names.
const SEP: char = '\u{1f}';

/// Why a storage operation failed. Nothing is half-written: every write is one transaction.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// IndexedDB refused or failed.
    #[error("the device's storage failed: {0}")]
    Idb(String),
    /// Stored data did not read back.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// The sequence counter would pass 2^53 (I8).
    #[error("this device has used up its change numbers")]
    Exhausted,
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        Self::Idb(error.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> Self {
        Self::Idb(error.to_string())
    }
}

fn corrupt(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(corrupt)
}

pub use imp_shared::client::OutboxEntry;

#[derive(Serialize, Deserialize)]
struct BaseRow {
    id: RecordId,
    record: Entity,
}

fn base_key(space: &SpaceId, key: &RecordKey) -> String {
    format!("{space}{SEP}{}{SEP}{}", key.kind.as_str(), key.id)
}

fn space_range(space: &SpaceId) -> KeyRange<String> {
    KeyRange::Bound(
        format!("{space}{SEP}"),
        false,
        format!("{space}{SEP}\u{10ffff}"),
        false,
    )
}

fn seq_key(seq: MutationSeq) -> f64 {
    seq.0 as f64
}

/// The app's storage.
#[derive(Debug, Clone)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens (and creates or upgrades) the database.
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // One step per schema version; a new version adds a step, never edits one.
                if event.old_version() < 1.0 {
                    for store in [META, BASE, OUTBOX, REJECTED] {
                        db.create_object_store(store).build()?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(Self { db })
    }

    /// Closes the connection (tests open several, as tabs would).
    pub fn close(self) {
        self.db.close();
    }

    /// This browser profile's client id, created on first use.
    pub async fn client_id(&self) -> Result<ClientId, StoreError> {
        Ok(self.start_meta().await?.0)
    }

    /// What the first frame needs, in one transaction: this profile's client id (created on
    /// first use), the session, the account's `me` and when it last synced (unreadable: never).
    pub async fn start_meta(
        &self,
    ) -> Result<
        (
            ClientId,
            Option<SessionResponse>,
            Option<MeResponse>,
            Option<DateTime<Utc>>,
        ),
        StoreError,
    > {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let existing: Option<String> = meta.get("client_id").primitive()?.await?;
        let session: Option<String> = meta.get("session").primitive()?.await?;
        let me: Option<String> = meta.get("me").primitive()?.await?;
        let last_synced: Option<String> = meta.get("last_synced").primitive()?.await?;
        let client_id = match existing {
            Some(id) => ClientId(id),
            None => {
                let id = ClientId(format!("c-{}", uuid::Uuid::new_v4().simple()));
                meta.put(id.as_str())
                    .with_key("client_id")
                    .primitive()?
                    .await?;
                id
            }
        };
        tx.commit().await?;
        Ok((
            client_id,
            session.map(|text| from_json(&text)).transpose()?,
            me.map(|text| from_json(&text)).transpose()?,
            last_synced.and_then(|text| from_json(&text).ok()),
        ))
    }

    /// Appends a mutation to the outbox with the next seq, taken in the same write transaction so
    /// that two tabs never take the same number.
    pub async fn enqueue(
        &self,
        space: &SpaceId,
        mutation: Mutation,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, StoreError> {
        let tx = self
            .db
            .transaction([META, OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let last: Option<f64> = meta.get("seq").primitive()?.await?;
        let next = last.unwrap_or(0.0) as u64 + 1;
        if next > MAX_SAFE_INTEGER {
            return Err(StoreError::Exhausted);
        }
        let entry = OutboxEntry::new(space, MutationSeq(next), mutation, now);
        meta.put(next as f64).with_key("seq").primitive()?.await?;
        tx.object_store(OUTBOX)?
            .put(to_json(&entry)?)
            .with_key(seq_key(entry.pending.seq))
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Every pending mutation, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let rows: Vec<String> = tx
            .object_store(OUTBOX)?
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|row| from_json(row)).collect()
    }

    /// A space's confirmed records and the cursor they reflect.
    pub async fn load_base(
        &self,
        space: &SpaceId,
    ) -> Result<(MemoryRecords, ServerVersion), StoreError> {
        let tx = self.db.transaction([META, BASE]).build()?;
        let rows: Vec<String> = tx
            .object_store(BASE)?
            .get_all::<String>()
            .with_query::<String, KeyRange<String>>(space_range(space))
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        let cursor: Option<f64> = tx
            .object_store(META)?
            .get(format!("cursor:{space}"))
            .primitive()?
            .await?;
        let mut records = MemoryRecords::default();
        for row in rows {
            let row: BaseRow = from_json(&row)?;
            let key = RecordKey {
                kind: row.record.kind(),
                id: row.id,
            };
            records.records.insert(key, row.record);
        }
        Ok((records, ServerVersion(cursor.unwrap_or(0.0) as u64)))
    }

    /// Absorbs a pull in one transaction: base records (or a full reset), the cursor, the outbox
    /// entries the server processed (I3), and refusals with their reasons. The rest of the outbox
    /// stays (I6).
    pub async fn absorb(
        &self,
        space: &SpaceId,
        pull: &PullResponse,
    ) -> Result<Rebased, StoreError> {
        let tx = self
            .db
            .transaction([META, BASE, OUTBOX, REJECTED])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let base = tx.object_store(BASE)?;
        if pull.reset {
            base.delete::<String, KeyRange<String>>(space_range(space))
                .primitive()?
                .await?;
        }
        write_changes(&base, space, &pull.changes).await?;
        let meta = tx.object_store(META)?;
        meta.put(pull.cursor.0 as f64)
            .with_key(format!("cursor:{space}"))
            .primitive()?
            .await?;
        meta.put(pull.last_seq.0 as f64)
            .with_key(format!("last_seq:{space}"))
            .primitive()?
            .await?;

        let outbox = tx.object_store(OUTBOX)?;
        let rows: Vec<String> = outbox
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        let mut pending = Vec::new();
        for row in rows {
            let entry: OutboxEntry = from_json(&row)?;
            if &entry.space == space {
                pending.push(entry.pending);
            }
        }
        let rebased = rebase_outbox(&mut pending, space, pull);
        for seq in &rebased.confirmed {
            outbox.delete(seq_key(*seq)).primitive()?.await?;
        }
        let rejected = tx.object_store(REJECTED)?;
        for entry in &rebased.rejected {
            rejected
                .put(to_json(entry)?)
                .with_key(seq_key(entry.pending.seq))
                .primitive()?
                .await?;
        }
        tx.commit().await?;
        Ok(rebased)
    }

    /// Writes records into a space's base in one transaction (the bulk path of a first sync).
    pub async fn put_base(
        &self,
        space: &SpaceId,
        changes: &[RecordChange],
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(BASE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        write_changes(&tx.object_store(BASE)?, space, changes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The highest seq the server reported processed for a space.
    pub async fn last_seq(&self, space: &SpaceId) -> Result<MutationSeq, StoreError> {
        Ok(MutationSeq(
            self.counter(&format!("last_seq:{space}")).await?,
        ))
    }

    /// The cursor a space's base reflects, without reading its records.
    pub async fn cursor(&self, space: &SpaceId) -> Result<ServerVersion, StoreError> {
        Ok(ServerVersion(
            self.counter(&format!("cursor:{space}")).await?,
        ))
    }

    /// A numeric metadata value (0 when absent).
    async fn counter(&self, key: &str) -> Result<u64, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let value: Option<f64> = tx.object_store(META)?.get(key).primitive()?.await?;
        Ok(value.unwrap_or(0.0) as u64)
    }

    /// How many changes wait in the outbox and among the refusals, counted without reading them:
    /// the first frame needs the changes only when there are some (see `Engine::begin`).
    pub async fn waiting(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction([OUTBOX, REJECTED]).build()?;
        let pending = tx.object_store(OUTBOX)?.count().primitive()?.await?;
        let refused = tx.object_store(REJECTED)?.count().primitive()?.await?;
        Ok(pending.saturating_add(refused))
    }

    /// Refused mutations, oldest first.
    pub async fn rejected(&self) -> Result<Vec<RejectedEntry>, StoreError> {
        let tx = self.db.transaction(REJECTED).build()?;
        let rows: Vec<String> = tx
            .object_store(REJECTED)?
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|row| from_json(row)).collect()
    }

    /// Removes a refused mutation the user has seen and dismissed.
    pub async fn dismiss_rejected(&self, seq: MutationSeq) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(REJECTED)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(REJECTED)?
            .delete(seq_key(seq))
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A metadata value (JSON).
    pub async fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let tx = self.db.transaction(META).build()?;
        let text: Option<String> = tx.object_store(META)?.get(key).primitive()?.await?;
        text.map(|text| from_json(&text)).transpose()
    }

    /// Sets a metadata value (JSON).
    pub async fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?
            .put(to_json(value)?)
            .with_key(key)
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets everything of the signed-in person (sign-out): records, outbox, refusals, session.
    /// The client id and seq counter stay, so seqs never repeat on this device.
    pub async fn forget_account(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([META, BASE, OUTBOX, REJECTED])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        for store in [BASE, OUTBOX, REJECTED] {
            tx.object_store(store)?.clear()?.await?;
        }
        let meta = tx.object_store(META)?;
        let keys: Vec<String> = meta
            .get_all_keys::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        for key in keys {
            if key != "client_id" && key != "seq" {
                meta.delete(key).primitive()?.await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn write_changes(
    base: &indexed_db_futures::object_store::ObjectStore<'_>,
    space: &SpaceId,
    changes: &[RecordChange],
) -> Result<(), StoreError> {
    // Requests go out as they are built; awaiting only the last one keeps the transaction busy
    // without a round trip per record.
    let mut requests = Vec::with_capacity(changes.len());
    for change in changes {
        let key = base_key(space, &change.key);
        match &change.record {
            Some(record) => {
                let row = BaseRow {
                    id: change.key.id.clone(),
                    record: record.clone(),
                };
                requests.push(base.put(to_json(&row)?).with_key(key).primitive()?);
            }
            None => {
                base.delete(key).primitive()?.await?;
            }
        }
    }
    for request in requests {
        request.await?;
    }
    Ok(())
}

/// The shared client core's view of this store (every method is one IndexedDB transaction).
impl ClientStore for Store {
    type Error = StoreError;

    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        Store::outbox(self).await
    }

    async fn rejected(&self) -> Result<Vec<RejectedEntry>, StoreError> {
        Store::rejected(self).await
    }

    async fn enqueue(
        &self,
        space: &SpaceId,
        mutation: Mutation,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry, StoreError> {
        Store::enqueue(self, space, mutation, now).await
    }

    async fn load_base(
        &self,
        space: &SpaceId,
    ) -> Result<(MemoryRecords, ServerVersion), StoreError> {
        Store::load_base(self, space).await
    }

    async fn cursor(&self, space: &SpaceId) -> Result<ServerVersion, StoreError> {
        Store::cursor(self, space).await
    }

    async fn last_seq(&self, space: &SpaceId) -> Result<MutationSeq, StoreError> {
        Store::last_seq(self, space).await
    }

    async fn absorb(&self, space: &SpaceId, pull: &PullResponse) -> Result<Rebased, StoreError> {
        Store::absorb(self, space, pull).await
    }

    async fn dismiss_rejected(&self, seq: MutationSeq) -> Result<(), StoreError> {
        Store::dismiss_rejected(self, seq).await
    }
}
