//! The `SpaceObject` Durable Object: one per space, its log and records in SQLite storage.
//!
//! It runs the shared server logic (`imp_shared::server`) over [`SqlStore`]; a whole push runs in
//! one `transactionSync`, so record changes, verdicts and `last_seq` commit together (I2).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::{
    durable_object, DurableObject, Env, Request, Response, ResponseBuilder, SqlStorage,
    SqlStorageValue, State, Storage, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use imp_shared::apply::RecordKey;
use imp_shared::domain::{Entity, RecordKind};
use imp_shared::ids::{ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{
    PullResponse, PushItem, PushResponse, RecordChange, RejectedMutation, Verdict,
};
use imp_shared::server::{self, RelatedRecords, ServerError, ServerStore, StoredRecord};
use imp_shared::summary::{count_going, going_changed, touches_summary};

use crate::error::ApiError;
use crate::http::json_response;
use crate::space_client::{write_summary, SpaceClient};

/// A fault the test hooks may inject into a push, to prove atomicity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Fail after the records are written, before the verdict.
    AfterRecords,
    /// Fail the first attempt to write the student's summary into the staff space (the retry
    /// must still bring it up to date).
    SummaryWrite,
}

/// What the front Worker sends the object for a push.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpacePush {
    /// Who pushes.
    pub actor: Actor,
    /// Which space.
    pub space: SpaceId,
    /// The pushing client.
    pub client_id: ClientId,
    /// Its mutations as the front Worker read them (`protocol::read_push`), shape checked: each
    /// ready to judge or unreadable with its seq.
    pub items: Vec<PushItem>,
    /// A fault to inject (test hooks only).
    pub fault: Option<Fault>,
    /// Records of the program and staff spaces the push's mutations are judged by.
    #[serde(default)]
    pub related: RelatedRecords,
    /// Whether the reply carries the student's summary for the caller to write at once (the
    /// server's own pushes: a seed, an invite). Otherwise the object writes it itself after the
    /// reply, when the push changed a summarized kind (see [`SpaceObject::alarm`]).
    #[serde(default)]
    pub summary_inline: bool,
}

/// What the front Worker asks a space for: some of its records, by key.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpaceRead {
    /// The records wanted.
    pub keys: Vec<RecordKey>,
}

/// What the object answers to a push.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpacePushReply {
    /// The reply for the client.
    pub response: PushResponse,
    /// The mentors with access after the push, when placements changed.
    pub mentors_changed: Option<Vec<UserId>>,
    /// The student's summary for the staff space, when asked for inline and the push changed a
    /// student space.
    #[serde(default)]
    pub summary: Option<Entity>,
}

/// A record the server derives, for the staff space (a student's summary).
#[derive(Debug, Serialize, Deserialize)]
pub struct SpaceDerive {
    /// Which record.
    pub key: RecordKey,
    /// Its content.
    pub record: Entity,
}

/// Workshops' going-counts for the program space, counted in the staff space when that space
/// was at `staff_version`. The program space keeps, per workshop, the highest `staff_version` it
/// took a count from and ignores older counts, so counts that arrive out of order (two students
/// answered at once) still leave the newest one stored.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpaceGoing {
    /// The staff space's version the counts were made at.
    pub staff_version: ServerVersion,
    /// How many students go to each workshop.
    pub counts: Vec<(RecordId, u32)>,
    /// The counts cover every workshop: a workshop not listed counts 0 (a rebuild).
    #[serde(default)]
    pub complete: bool,
}

/// The subprotocol a live socket speaks; the browser offers it with `imp-token.<token>` (a
/// WebSocket cannot carry an `Authorization` header) and the answer names it.
pub(crate) const LIVE_PROTOCOL: &str = "imp-live";

/// Who opens a live socket to the object, and for which space (the `x-imp-live` header).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpaceLive {
    /// Who listens.
    pub actor: Actor,
    /// Which space.
    pub space: SpaceId,
}

/// What a live socket is told.
#[derive(Debug, Serialize)]
struct Poke {
    /// Always `poke`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The space's version now.
    version: u64,
}

/// What the front Worker sends the object for a pull.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpacePull {
    /// Who pulls.
    pub actor: Actor,
    /// Which space.
    pub space: SpaceId,
    /// The client's cursor.
    pub cursor: ServerVersion,
    /// The client.
    pub client_id: ClientId,
    /// Rejections above this seq are returned.
    pub since_seq: MutationSeq,
    /// Most changes in the page (`None`: unpaged, protocol 1).
    #[serde(default)]
    pub limit: Option<u64>,
    /// The pull continues a reset (`snapshot=true`).
    #[serde(default)]
    pub snapshot: bool,
    /// The person's own app pulls (not the server reading as them, as reminders do): a pull
    /// that succeeds notes them active in the space (`server::note_activity`).
    #[serde(default)]
    pub by_app: bool,
}

/// A SQLite storage failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SqlError(String);

impl From<worker::Error> for SqlError {
    fn from(error: worker::Error) -> Self {
        Self(error.to_string())
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT,
  written_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS records_by_version ON records (version);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS push_quota (user_id TEXT PRIMARY KEY, window_start INTEGER NOT NULL, pushes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS verdicts (
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  code TEXT,
  message TEXT,
  PRIMARY KEY (client_id, seq)
);
CREATE TABLE IF NOT EXISTS verdict_reasons (
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (client_id, seq)
);
";

/// The space's tables behind the [`ServerStore`] trait.
pub struct SqlStore {
    sql: SqlStorage,
    fault: Option<Fault>,
}

#[derive(Deserialize)]
struct RecordRow {
    kind: String,
    id: String,
    version: i64,
    body: Option<String>,
    written_at: i64,
}

#[derive(Deserialize)]
struct ValueRow {
    value: i64,
}

#[derive(Deserialize)]
struct VerdictRow {
    seq: i64,
    status: String,
    code: Option<String>,
    message: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// The `WHERE` clause's end that keeps live records only (a reset's snapshot), or nothing.
fn live_filter(live_only: bool) -> &'static str {
    if live_only {
        " AND body IS NOT NULL"
    } else {
        ""
    }
}

fn int(value: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(value as i64)
}

fn non_negative(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl RecordRow {
    fn into_change(self) -> Result<RecordChange, SqlError> {
        let kind = RecordKind::parse(&self.kind)
            .ok_or_else(|| SqlError(format!("unknown record kind {}", self.kind)))?;
        let record = match self.body {
            Some(body) => {
                let fields: serde_json::Value = serde_json::from_str(&body)
                    .map_err(|error| SqlError(format!("corrupt record {}: {error}", self.id)))?;
                Some(
                    Entity::from_fields(kind, fields).map_err(|error| {
                        SqlError(format!("corrupt record {}: {error}", self.id))
                    })?,
                )
            }
            None => None,
        };
        Ok(RecordChange {
            key: RecordKey {
                kind,
                id: RecordId(self.id),
            },
            version: ServerVersion(non_negative(self.version)),
            record,
        })
    }
}

impl VerdictRow {
    fn into_verdict(self) -> Verdict {
        match self.status.as_str() {
            "ok" => Verdict::Ok,
            _ => Verdict::Rejected {
                code: self.code.unwrap_or_default(),
                message: self.message.unwrap_or_default(),
                // A reason that no longer reads (an older shape) is left out, not an error: the
                // code and message still say what happened.
                reason: self
                    .reason
                    .and_then(|text| serde_json::from_str(&text).ok()),
            },
        }
    }
}

impl SqlStore {
    /// Creates the tables when they do not exist yet (once per object instance, see
    /// [`SpaceObject::store`]).
    pub fn create_schema(sql: &SqlStorage) -> Result<(), SqlError> {
        sql.exec(SCHEMA, None)?;
        Ok(())
    }

    /// The store over tables that exist.
    pub fn new(sql: SqlStorage, fault: Option<Fault>) -> Self {
        Self { sql, fault }
    }

    fn counter(&self, name: &str) -> Result<u64, SqlError> {
        let rows: Vec<ValueRow> = self
            .sql
            .exec(
                "SELECT value FROM counters WHERE name = ?",
                vec![name.into()],
            )?
            .to_array()?;
        Ok(rows.first().map_or(0, |row| non_negative(row.value)))
    }

    fn set_counter(&self, name: &str, value: u64) -> Result<(), SqlError> {
        self.sql.exec(
            "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            vec![name.into(), int(value)],
        )?;
        Ok(())
    }

    /// Marks workshops whose going-count must be sent to the program space, at the staff
    /// space's `version` (a later mark of the same workshop wins).
    fn mark_going_due(
        &self,
        workshops: &[RecordId],
        version: ServerVersion,
    ) -> Result<(), SqlError> {
        for workshop in workshops {
            self.set_counter(&format!("going_due:{workshop}"), version.0)?;
        }
        Ok(())
    }

    /// The workshops marked by [`Self::mark_going_due`].
    fn going_due(&self) -> Result<Vec<RecordId>, SqlError> {
        #[derive(Deserialize)]
        struct NameRow {
            name: String,
        }
        let rows: Vec<NameRow> = self
            .sql
            .exec(
                "SELECT name FROM counters WHERE substr(name, 1, 10) = 'going_due:' ORDER BY name",
                None,
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|row| row.name.strip_prefix("going_due:").map(RecordId::from))
            .collect())
    }

    /// Clears the marks a count made at `version` covered; a mark set after it stays.
    fn clear_going_due(&self, version: ServerVersion) -> Result<(), SqlError> {
        self.sql.exec(
            "DELETE FROM counters WHERE substr(name, 1, 10) = 'going_due:' AND value <= ?",
            vec![int(version.0)],
        )?;
        Ok(())
    }

    /// Counts one push of `user` against `limit` per `window` seconds (a fixed window, one
    /// upsert in the object's own storage, so a restart does not reset it). Past the limit, the
    /// seconds until the window ends.
    fn count_push(
        &self,
        user: &str,
        limit: i64,
        window: i64,
        now: i64,
    ) -> Result<Result<(), i64>, SqlError> {
        #[derive(Deserialize)]
        struct Row {
            window_start: i64,
            pushes: i64,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                "INSERT INTO push_quota (user_id, window_start, pushes) VALUES (?1, ?2, 1) \
                 ON CONFLICT(user_id) DO UPDATE SET \
                   pushes = CASE WHEN ?2 - window_start >= ?3 OR ?2 < window_start THEN 1 ELSE pushes + 1 END, \
                   window_start = CASE WHEN ?2 - window_start >= ?3 OR ?2 < window_start THEN ?2 ELSE window_start END \
                 RETURNING window_start, pushes",
                vec![user.into(), SqlStorageValue::Integer(now), SqlStorageValue::Integer(window)],
            )?
            .to_array()?;
        Ok(match rows.first() {
            Some(row) if row.pushes > limit => Err((row.window_start + window - now).max(1)),
            _ => Ok(()),
        })
    }

    /// Notes that the student's summary must be written for the space as it is at `version`.
    fn mark_summary_due(&self, space: &SpaceId, version: ServerVersion) -> Result<(), ApiError> {
        let storage = |error: SqlError| ApiError::Storage(error.to_string());
        self.set_meta("space", &space.to_string())
            .map_err(storage)?;
        self.set_counter("summary_due", version.0.max(1))
            .map_err(storage)?;
        self.set_counter("summary_attempts", 0).map_err(storage)
    }

    fn meta(&self, name: &str) -> Result<Option<String>, SqlError> {
        #[derive(Deserialize)]
        struct TextRow {
            value: String,
        }
        let rows: Vec<TextRow> = self
            .sql
            .exec("SELECT value FROM meta WHERE name = ?", vec![name.into()])?
            .to_array()?;
        Ok(rows.into_iter().next().map(|row| row.value))
    }

    fn set_meta(&self, name: &str, value: &str) -> Result<(), SqlError> {
        self.sql.exec(
            "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            vec![name.into(), value.into()],
        )?;
        Ok(())
    }

    fn changes(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> Result<Vec<RecordChange>, SqlError> {
        let rows: Vec<RecordRow> = self.sql.exec(query, bindings)?.to_array()?;
        rows.into_iter().map(RecordRow::into_change).collect()
    }
}

impl ServerStore for SqlStore {
    type Error = SqlError;

    fn record(&self, key: &RecordKey) -> Result<Option<StoredRecord>, SqlError> {
        let rows: Vec<RecordRow> = self
            .sql
            .exec(
                "SELECT kind, id, version, body, written_at FROM records WHERE kind = ? AND id = ?",
                vec![key.kind.as_str().into(), key.id.as_str().into()],
            )?
            .to_array()?;
        match rows.into_iter().next() {
            Some(row) => {
                let written_at = Utc
                    .timestamp_millis_opt(row.written_at)
                    .single()
                    .unwrap_or_default();
                let change = row.into_change()?;
                Ok(Some(StoredRecord {
                    version: change.version,
                    record: change.record,
                    written_at,
                }))
            }
            None => Ok(None),
        }
    }

    fn live_of_kind(&self, kind: RecordKind) -> Result<Vec<(RecordId, Entity)>, SqlError> {
        Ok(self
            .changes(
                "SELECT kind, id, version, body, written_at FROM records WHERE kind = ? AND body IS NOT NULL ORDER BY id",
                vec![kind.as_str().into()],
            )?
            .into_iter()
            .filter_map(|change| Some((change.key.id, change.record?)))
            .collect())
    }

    fn live_count(&self) -> Result<u64, SqlError> {
        let rows: Vec<ValueRow> = self
            .sql
            .exec(
                "SELECT count(*) AS value FROM records WHERE body IS NOT NULL",
                vec![],
            )?
            .to_array()?;
        Ok(rows.first().map_or(0, |row| non_negative(row.value)))
    }

    fn put_record(&mut self, key: &RecordKey, stored: StoredRecord) -> Result<(), SqlError> {
        let body = match &stored.record {
            Some(entity) => SqlStorageValue::String(entity.to_fields().to_string()),
            None => SqlStorageValue::Null,
        };
        self.sql.exec(
            "INSERT INTO records (kind, id, version, body, written_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT(kind, id) DO UPDATE SET version = excluded.version, body = excluded.body, written_at = excluded.written_at",
            vec![
                key.kind.as_str().into(),
                key.id.as_str().into(),
                int(stored.version.0),
                body,
                SqlStorageValue::Integer(stored.written_at.timestamp_millis()),
            ],
        )?;
        Ok(())
    }

    fn version(&self) -> Result<ServerVersion, SqlError> {
        Ok(ServerVersion(self.counter("version")?))
    }

    fn set_version(&mut self, version: ServerVersion) -> Result<(), SqlError> {
        self.set_counter("version", version.0)
    }

    fn last_seq(&self, client: &ClientId) -> Result<MutationSeq, SqlError> {
        let rows: Vec<ValueRow> = self
            .sql
            .exec(
                "SELECT last_seq AS value FROM clients WHERE client_id = ?",
                vec![client.as_str().into()],
            )?
            .to_array()?;
        Ok(MutationSeq(
            rows.first().map_or(0, |row| non_negative(row.value)),
        ))
    }

    fn set_last_seq(&mut self, client: &ClientId, seq: MutationSeq) -> Result<(), SqlError> {
        self.sql.exec(
            "INSERT INTO clients (client_id, last_seq) VALUES (?, ?) ON CONFLICT(client_id) DO UPDATE SET last_seq = excluded.last_seq",
            vec![client.as_str().into(), int(seq.0)],
        )?;
        Ok(())
    }

    fn verdict(&self, client: &ClientId, seq: MutationSeq) -> Result<Option<Verdict>, SqlError> {
        let rows: Vec<VerdictRow> = self
            .sql
            .exec(
                "SELECT v.seq, v.status, v.code, v.message, r.reason FROM verdicts v LEFT JOIN verdict_reasons r ON r.client_id = v.client_id AND r.seq = v.seq WHERE v.client_id = ? AND v.seq = ?",
                vec![client.as_str().into(), int(seq.0)],
            )?
            .to_array()?;
        Ok(rows.into_iter().next().map(VerdictRow::into_verdict))
    }

    fn put_verdict(
        &mut self,
        client: &ClientId,
        seq: MutationSeq,
        verdict: &Verdict,
    ) -> Result<(), SqlError> {
        if self.fault == Some(Fault::AfterRecords) {
            return Err(SqlError(
                "injected fault after the records were written".to_owned(),
            ));
        }
        let (status, code, message, reason) = match verdict {
            Verdict::Ok => ("ok", SqlStorageValue::Null, SqlStorageValue::Null, None),
            Verdict::Rejected {
                code,
                message,
                reason,
            } => (
                "rejected",
                code.as_str().into(),
                message.as_str().into(),
                reason.as_ref(),
            ),
        };
        self.sql.exec(
            "INSERT INTO verdicts (client_id, seq, status, code, message) VALUES (?, ?, ?, ?, ?)",
            vec![
                client.as_str().into(),
                int(seq.0),
                status.into(),
                code,
                message,
            ],
        )?;
        if let Some(reason) = reason {
            let text =
                serde_json::to_string(reason).map_err(|error| SqlError(error.to_string()))?;
            self.sql.exec(
                "INSERT INTO verdict_reasons (client_id, seq, reason) VALUES (?, ?, ?)",
                vec![client.as_str().into(), int(seq.0), text.into()],
            )?;
        }
        Ok(())
    }

    fn rejected_since(
        &self,
        client: &ClientId,
        since: MutationSeq,
        limit: usize,
    ) -> Result<Vec<RejectedMutation>, SqlError> {
        let rows: Vec<VerdictRow> = self
            .sql
            .exec(
                "SELECT v.seq, v.status, v.code, v.message, r.reason FROM verdicts v LEFT JOIN verdict_reasons r ON r.client_id = v.client_id AND r.seq = v.seq WHERE v.client_id = ? AND v.seq > ? AND v.status = 'rejected' ORDER BY v.seq LIMIT ?",
                vec![client.as_str().into(), int(since.0), int(limit as u64)],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let seq = MutationSeq(non_negative(row.seq));
                match row.into_verdict() {
                    Verdict::Rejected {
                        code,
                        message,
                        reason,
                    } => Some(RejectedMutation {
                        seq,
                        code,
                        message,
                        reason,
                    }),
                    Verdict::Ok => None,
                }
            })
            .collect())
    }

    fn changes_between(
        &self,
        after: ServerVersion,
        upto: Option<ServerVersion>,
        live_only: bool,
    ) -> Result<Vec<RecordChange>, SqlError> {
        let live = live_filter(live_only);
        let upto = upto.map_or(i64::MAX, |upto| upto.0 as i64);
        self.changes(
            &format!(
                "SELECT kind, id, version, body, written_at FROM records \
                 WHERE version > ? AND version <= ?{live} ORDER BY version, kind, id"
            ),
            vec![int(after.0), SqlStorageValue::Integer(upto)],
        )
    }

    fn nth_version_after(
        &self,
        after: ServerVersion,
        n: u64,
        live_only: bool,
    ) -> Result<Option<ServerVersion>, SqlError> {
        let live = live_filter(live_only);
        let rows: Vec<ValueRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT version AS value FROM records WHERE version > ?{live} \
                     ORDER BY version LIMIT 1 OFFSET ?"
                ),
                vec![int(after.0), int(n.saturating_sub(1))],
            )?
            .to_array()?;
        Ok(rows
            .first()
            .map(|row| ServerVersion(non_negative(row.value))))
    }

    fn count_after(&self, after: ServerVersion, live_only: bool) -> Result<u64, SqlError> {
        let live = live_filter(live_only);
        let rows: Vec<ValueRow> = self
            .sql
            .exec(
                &format!("SELECT COUNT(*) AS value FROM records WHERE version > ?{live}"),
                vec![int(after.0)],
            )?
            .to_array()?;
        Ok(rows.first().map_or(0, |row| non_negative(row.value)))
    }

    fn horizon(&self) -> Result<ServerVersion, SqlError> {
        Ok(ServerVersion(self.counter("horizon")?))
    }

    fn purge_tombstones(&mut self, before: DateTime<Utc>) -> Result<usize, SqlError> {
        let cutoff = SqlStorageValue::Integer(before.timestamp_millis());
        let rows: Vec<ValueRow> = self
            .sql
            .exec(
                "SELECT COALESCE(MAX(version), 0) AS value FROM records WHERE body IS NULL AND written_at < ?",
                vec![cutoff.clone()],
            )?
            .to_array()?;
        let newest = rows.first().map_or(0, |row| non_negative(row.value));
        if newest == 0 {
            return Ok(0);
        }
        let cursor = self.sql.exec(
            "DELETE FROM records WHERE body IS NULL AND written_at < ?",
            vec![cutoff],
        )?;
        let purged = cursor.rows_written();
        let horizon = self.counter("horizon")?.max(newest);
        self.set_counter("horizon", horizon)?;
        Ok(purged)
    }
}

/// Runs `body` inside the storage's `transactionSync`: everything it writes commits together, or
/// nothing does when it returns an error.
fn transaction_sync<T: 'static>(
    storage: &Storage,
    body: impl FnOnce() -> Result<T, ApiError> + 'static,
) -> Result<T, ApiError> {
    let raw: &JsValue = storage.as_raw().as_ref();
    let function = js_sys::Reflect::get(raw, &JsValue::from_str("transactionSync"))
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| ApiError::Internal("storage.transactionSync is not available".to_owned()))?;
    let slot: Rc<RefCell<Option<Result<T, ApiError>>>> = Rc::new(RefCell::new(None));
    let slot_in_body = Rc::clone(&slot);
    let closure = Closure::once(move || -> Result<JsValue, JsValue> {
        let outcome = body();
        let failed = outcome.is_err();
        *slot_in_body.borrow_mut() = Some(outcome);
        if failed {
            // Throwing makes the runtime roll the transaction back.
            Err(JsValue::from_str("rolled back"))
        } else {
            Ok(JsValue::UNDEFINED)
        }
    });
    let called = function.call1(raw, closure.as_ref().unchecked_ref());
    let outcome = slot.borrow_mut().take();
    match (called, outcome) {
        (_, Some(Err(error))) => Err(error),
        (Ok(_), Some(Ok(value))) => Ok(value),
        (Err(error), _) => Err(ApiError::Storage(format!("transaction failed: {error:?}"))),
        (Ok(_), None) => Err(ApiError::Internal(
            "the transaction body did not run".to_owned(),
        )),
    }
}

fn server_error(error: ServerError<SqlError>) -> ApiError {
    match error {
        ServerError::Forbidden(message) => ApiError::Forbidden(message),
        ServerError::Store(error) => ApiError::Storage(error.to_string()),
        ServerError::Exhausted => ApiError::Conflict(error.to_string()),
    }
}

/// The key a client's seqs and verdicts are kept under: the user and the client id together, so
/// a client id is bound to its user. Another user who sends the same id (in a space both may
/// write) neither reads the first user's verdicts nor moves their `last_seq`. `/` never occurs
/// in a valid id, so no two (user, client) pairs share a key.
fn client_key(actor: &imp_shared::permissions::Actor, client: &ClientId) -> ClientId {
    ClientId(format!("{}/{}", actor.user_id, client))
}

/// One space: its log, records, client seqs and verdicts.
#[durable_object]
pub struct SpaceObject {
    state: State,
    env: Env,
    last_compaction: Cell<i64>,
    /// Whether this instance has made sure its tables exist: the schema is set up once per
    /// instance, not on every request.
    schema_ready: Cell<bool>,
    /// Until when (seconds) live sockets are refused (the test hooks' `cut-live`).
    live_refused_until: Cell<i64>,
}

impl SpaceObject {
    /// The space's store, its tables created on this instance's first request.
    fn store(&self, fault: Option<Fault>) -> Result<SqlStore, ApiError> {
        let sql = self.state.storage().sql();
        if !self.schema_ready.get() {
            SqlStore::create_schema(&sql).map_err(|error| ApiError::Storage(error.to_string()))?;
            self.schema_ready.set(true);
        }
        Ok(SqlStore::new(sql, fault))
    }

    async fn handle(&self, mut request: Request) -> Result<Response, ApiError> {
        let now = Utc::now();
        match request.path().as_str() {
            "/push" => {
                let message: SpacePush = request
                    .json()
                    .await
                    .map_err(|error| ApiError::InvalidJson(error.to_string()))?;
                // One user's pushes into this space per minute; past the limit nothing is applied
                // (the server's own pushes, `summary_inline`, are not counted).
                if !message.summary_inline {
                    self.store(None)?
                        .count_push(
                            message.actor.user_id.as_str(),
                            crate::config::push_limit(&self.env),
                            60,
                            now.timestamp(),
                        )
                        .map_err(|error| ApiError::Storage(error.to_string()))?
                        .map_err(|retry_after| ApiError::RateLimited {
                            message: "too many changes sent in a short time; they will be sent again shortly"
                                .to_owned(),
                            retry_after: retry_after.unsigned_abs(),
                        })?;
                }
                let storage = self.state.storage();
                let compact = now.timestamp() - self.last_compaction.get() > 3600;
                let inline = message.summary_inline;
                let mut store = self.store(message.fault)?;
                let before_push = store
                    .version()
                    .map_err(|error| ApiError::Storage(error.to_string()))?;
                let (reply, summary_due) = transaction_sync(&storage, {
                    move || {
                        if compact {
                            server::compact(&mut store, now)
                                .map_err(|error| ApiError::Storage(error.to_string()))?;
                        }
                        let before = store
                            .version()
                            .map_err(|error| ApiError::Storage(error.to_string()))?;
                        let outcome = server::push_items(
                            &mut store,
                            &message.actor,
                            &message.space,
                            &client_key(&message.actor, &message.client_id),
                            &message.items,
                            &message.related,
                            now,
                        )
                        .map_err(server_error)?;
                        let changed = outcome.response.cursor > before
                            && matches!(message.space, SpaceId::Student(_))
                            && touches_summary(&outcome.changed_kinds);
                        let summary = if changed && inline {
                            server::summary_of(&store, &message.space, now).map_err(server_error)?
                        } else {
                            None
                        };
                        // Marked in the same transaction as the change, so a summary that is due
                        // is never forgotten: the alarm writes it and clears the mark.
                        let due = changed && !inline;
                        if due {
                            store.mark_summary_due(&message.space, outcome.response.cursor)?;
                            if message.fault == Some(Fault::SummaryWrite) {
                                store
                                    .set_counter("summary_faults", 1)
                                    .map_err(|error| ApiError::Storage(error.to_string()))?;
                            }
                        }
                        Ok((
                            SpacePushReply {
                                response: outcome.response,
                                mentors_changed: outcome.mentors_changed,
                                summary,
                            },
                            due,
                        ))
                    }
                })?;
                if compact {
                    self.last_compaction.set(now.timestamp());
                }
                if reply.response.cursor > before_push {
                    self.poke(reply.response.cursor, reply.mentors_changed.as_deref());
                }
                if summary_due {
                    // At once, after this reply: the alarm runs on its own, and again on failure.
                    storage.set_alarm(0i64).await?;
                }
                Ok(json_response(&reply, 200))
            }
            "/pull" => {
                let message: SpacePull = request
                    .json()
                    .await
                    .map_err(|error| ApiError::InvalidJson(error.to_string()))?;
                // A pull by the person's app notes them active (once an hour at most), after a
                // first page proved they may read the space; the page is then read again so the
                // reply carries the new record. A failure to note it leaves the pull as it is.
                let mut reply = self.pull_page(&message, now)?;
                if message.by_app {
                    match self.note_activity(&message, now).await {
                        Ok(true) => reply = self.pull_page(&message, now)?,
                        Ok(false) => {}
                        Err(error) => worker::console_error!("activity not noted: {error}"),
                    }
                }
                Ok(json_response(&reply, 200))
            }
            "/derive" => {
                let message: SpaceDerive = request
                    .json()
                    .await
                    .map_err(|error| ApiError::InvalidJson(error.to_string()))?;
                let storage = self.state.storage();
                let mut store = self.store(None)?;
                let (wrote, going_due) = transaction_sync(&storage, {
                    move || {
                        let sql = |error: SqlError| ApiError::Storage(error.to_string());
                        let summary_of = |record: Option<&Entity>| match record {
                            Some(Entity::StudentSummary(summary)) => Some(summary.clone()),
                            _ => None,
                        };
                        let old = store.record(&message.key).map_err(sql)?;
                        let old = summary_of(old.as_ref().and_then(|o| o.record.as_ref()));
                        let new = summary_of(Some(&message.record));
                        let wrote =
                            server::put_derived(&mut store, &message.key, message.record, now)
                                .map_err(server_error)?;
                        // A student's answers to workshops changed: their counts are due in the
                        // program space, marked in this transaction so none is forgotten.
                        let changed = match (wrote, &new) {
                            (true, Some(_)) => going_changed(old.as_ref(), new.as_ref()),
                            _ => Vec::new(),
                        };
                        if !changed.is_empty() {
                            let version = store.version().map_err(sql)?;
                            store.mark_going_due(&changed, version).map_err(sql)?;
                        }
                        Ok((wrote, !changed.is_empty()))
                    }
                })?;
                if wrote {
                    let version = self
                        .store(None)?
                        .version()
                        .map_err(|error| ApiError::Storage(error.to_string()))?;
                    self.poke(version, None);
                }
                if going_due {
                    if let Err(error) = self.flush_going().await {
                        // The marks stay; the alarm sends the counts again.
                        worker::console_error!("going counts not sent, will retry: {error}");
                        storage.set_alarm(1000i64).await?;
                    }
                }
                Ok(json_response(&wrote, 200))
            }
            "/going" => {
                let message: SpaceGoing = request
                    .json()
                    .await
                    .map_err(|error| ApiError::InvalidJson(error.to_string()))?;
                let storage = self.state.storage();
                let mut store = self.store(None)?;
                let wrote =
                    transaction_sync(&storage, move || write_going(&mut store, message, now))?;
                if wrote {
                    let version = self
                        .store(None)?
                        .version()
                        .map_err(|error| ApiError::Storage(error.to_string()))?;
                    self.poke(version, None);
                }
                Ok(json_response(&wrote, 200))
            }
            "/recount-going" => {
                self.send_going(true).await?;
                Ok(json_response(&true, 200))
            }
            "/summary" => {
                let space: SpaceId = request
                    .json()
                    .await
                    .map_err(|error| ApiError::InvalidJson(error.to_string()))?;
                let store = self.store(None)?;
                let summary = server::summary_of(&store, &space, now).map_err(server_error)?;
                Ok(json_response(&summary, 200))
            }
            "/cut-live" => {
                self.live_refused_until.set(now.timestamp() + 60);
                for socket in self.state.get_websockets() {
                    let _ = socket.close(Some(4000), Some("cut by the test hooks"));
                }
                Ok(json_response(&"cut", 200))
            }
            "/read" => {
                let message: SpaceRead = request
                    .json()
                    .await
                    .map_err(|error| ApiError::InvalidJson(error.to_string()))?;
                let store = self.store(None)?;
                let records = server::read_records(&store, &message.keys)
                    .map_err(|error| ApiError::Storage(error.to_string()))?;
                Ok(json_response(&records, 200))
            }
            other => Err(ApiError::NotFound(format!("no space route {other}"))),
        }
    }
}

impl DurableObject for SpaceObject {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            last_compaction: Cell::new(0),
            schema_ready: Cell::new(false),
            live_refused_until: Cell::new(0),
        }
    }

    async fn fetch(&self, request: Request) -> worker::Result<Response> {
        if request.path() == "/live" {
            return Ok(match self.accept_live(&request) {
                Ok(response) => response,
                Err(error) => error.to_response(),
            });
        }
        Ok(match self.handle(request).await {
            Ok(response) => response,
            Err(error) => error.to_response(),
        })
    }

    /// A live socket's message: `ping` is answered `pong` (the app's heartbeat); nothing else is
    /// expected.
    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        if let WebSocketIncomingMessage::String(text) = message {
            if text == "ping" {
                ws.send_with_str("pong")?;
            }
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        // The other side closed: close ours too (a no-op when it is closed already).
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _ = ws.close(Some(1011), Some("error"));
        Ok(())
    }

    /// Writes the student's summary into the staff space when a push marked it due. A failed
    /// write is tried again later (the mark stays until a write of the space as it is succeeds),
    /// so no summary stays behind.
    async fn alarm(&self) -> worker::Result<Response> {
        // A student space's due summary; in the staff space, workshops' going-counts not yet
        // sent to the program space (each is a no-op when nothing is due).
        let summary = self.write_due_summary().await;
        let going = self.flush_going().await;
        match summary.and(going) {
            Ok(()) => {}
            Err(error) => {
                worker::console_error!("summary or counts not written, will retry: {error}");
                let attempts = self
                    .store(None)
                    .and_then(|store| {
                        let attempts = store.counter("summary_attempts").unwrap_or(0) + 1;
                        store
                            .set_counter("summary_attempts", attempts)
                            .map_err(|error| ApiError::Storage(error.to_string()))?;
                        Ok(attempts)
                    })
                    .unwrap_or(1);
                self.state
                    .storage()
                    .set_alarm(summary_retry_ms(attempts))
                    .await?;
            }
        }
        Response::empty()
    }
}

/// How long to wait before the `attempts`-th retry of a summary write: 1 s, doubling, at most
/// five minutes.
fn summary_retry_ms(attempts: u64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(9);
    (1000i64 << doublings).min(300_000)
}

impl SpaceObject {
    /// Accepts a live socket (hibernatable: an idle socket costs the object nothing) after the
    /// same access check as a pull, and tells it the current version at once.
    fn accept_live(&self, request: &Request) -> Result<Response, ApiError> {
        let live: SpaceLive = request
            .headers()
            .get("x-imp-live")
            .ok()
            .flatten()
            .and_then(|text| serde_json::from_str(&text).ok())
            .ok_or_else(|| ApiError::BadRequest("who listens is missing".to_owned()))?;
        if Utc::now().timestamp() < self.live_refused_until.get() {
            return Err(ApiError::Storage(
                "live updates are cut for now (test hooks)".to_owned(),
            ));
        }
        let store = self.store(None)?;
        // The pull's own check: a pull from the current version returns nothing but says
        // whether this actor may read the space at all.
        let version = store
            .version()
            .map_err(|error| ApiError::Storage(error.to_string()))?;
        server::pull_page(
            &store,
            &live.actor,
            &live.space,
            version,
            &ClientId::from("live"),
            MutationSeq(0),
            server::PageRequest {
                limit: Some(1),
                snapshot: false,
            },
            Utc::now(),
        )
        .map_err(server_error)?;
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(&live.actor)?;
        pair.server.send(&Poke {
            kind: "poke",
            version: version.0,
        })?;
        let headers = worker::Headers::new();
        headers.set("sec-websocket-protocol", LIVE_PROTOCOL)?;
        Ok(ResponseBuilder::new()
            .with_status(101)
            .with_headers(headers)
            .with_websocket(pair.client)
            .empty())
    }

    /// Tells every live socket the space's new version; closes those of mentors who no longer
    /// have access (`mentors`: the space's mentors after a placement changed).
    fn poke(&self, version: ServerVersion, mentors: Option<&[UserId]>) {
        let text = serde_json::to_string(&Poke {
            kind: "poke",
            version: version.0,
        })
        .unwrap_or_default();
        for socket in self.state.get_websockets() {
            if let Some(mentors) = mentors {
                let actor: Option<Actor> = socket.deserialize_attachment().ok().flatten();
                if let Some(actor) = actor {
                    if actor.role == imp_shared::domain::Role::Mentor
                        && !mentors.contains(&actor.user_id)
                    {
                        let _ = socket.close(Some(4403), Some("no access"));
                        continue;
                    }
                }
            }
            // A socket that cannot be written to is gone; the runtime closes it.
            let _ = socket.send_with_str(&text);
        }
    }

    /// One page of a pull (`server::pull_page`, which checks the actor may read the space).
    fn pull_page(&self, message: &SpacePull, now: DateTime<Utc>) -> Result<PullResponse, ApiError> {
        let store = self.store(None)?;
        server::pull_page(
            &store,
            &message.actor,
            &message.space,
            message.cursor,
            &client_key(&message.actor, &message.client_id),
            message.since_seq,
            server::PageRequest {
                limit: message.limit,
                snapshot: message.snapshot,
            },
            now,
        )
        .map_err(server_error)
    }

    /// After a pull by someone's app: notes them active in this (student) space when their
    /// activity is over an hour old, tells live sockets (the person's other devices and the
    /// rest of the pair pull it), and marks the student's summary due when it was the student
    /// (its pair-health facts carry the day). Returns whether it wrote.
    async fn note_activity(&self, pull: &SpacePull, now: DateTime<Utc>) -> Result<bool, ApiError> {
        let storage = self.state.storage();
        let mut store = self.store(None)?;
        let (actor, space) = (pull.actor.clone(), pull.space.clone());
        let wrote = transaction_sync(&storage, move || {
            let wrote =
                server::note_activity(&mut store, &actor, &space, now).map_err(server_error)?;
            let version = store
                .version()
                .map_err(|error| ApiError::Storage(error.to_string()))?;
            let student = matches!(&space, SpaceId::Student(student) if *student == actor.user_id);
            if wrote && student {
                store.mark_summary_due(&space, version)?;
            }
            Ok(wrote.then_some((version, student)))
        })?;
        let Some((version, student)) = wrote else {
            return Ok(false);
        };
        self.poke(version, None);
        if student {
            storage.set_alarm(0i64).await?;
        }
        Ok(true)
    }

    /// Sends the going-counts of the workshops marked due (staff space) to the program space,
    /// then clears the marks the count covered.
    async fn flush_going(&self) -> Result<(), ApiError> {
        self.send_going(false).await
    }

    /// Counts over every summary in this (staff) space, at its current version, and sends the
    /// counts to the program space: of the workshops marked due, or of every workshop
    /// (`complete`, a rebuild). The count is read in one synchronous step, so it is the space
    /// as it was at that version; the program space keeps only the newest version's count.
    async fn send_going(&self, complete: bool) -> Result<(), ApiError> {
        let sql = |error: SqlError| ApiError::Storage(error.to_string());
        let store = self.store(None)?;
        let due = store.going_due().map_err(sql)?;
        if due.is_empty() && !complete {
            return Ok(());
        }
        let version = store.version().map_err(sql)?;
        let summaries: Vec<imp_shared::domain::StudentSummary> = store
            .live_of_kind(RecordKind::StudentSummary)
            .map_err(sql)?
            .into_iter()
            .filter_map(|(_, entity)| match entity {
                Entity::StudentSummary(summary) => Some(summary),
                _ => None,
            })
            .collect();
        let counts = count_going(&summaries, (!complete).then_some(due.as_slice()));
        let message = SpaceGoing {
            staff_version: version,
            counts: counts.into_iter().collect(),
            complete,
        };
        let _wrote = SpaceClient::program(&self.env).going(&message).await?;
        let store = self.store(None)?;
        store.clear_going_due(version).map_err(sql)?;
        // Retries after a failed send start from 1 s again next time.
        store.set_counter("summary_attempts", 0).map_err(sql)
    }

    /// The alarm's work: derive the summary of the space as it is and write it to the staff
    /// space; clear the mark only if no push came in meanwhile (that push set a new alarm).
    async fn write_due_summary(&self) -> Result<(), ApiError> {
        let storage = |error: SqlError| ApiError::Storage(error.to_string());
        let store = self.store(None)?;
        let due = store.counter("summary_due").map_err(storage)?;
        if due == 0 {
            return Ok(());
        }
        let Some(space) = store.meta("space").map_err(storage)? else {
            return Ok(());
        };
        let space = SpaceId::parse(&space)
            .map_err(|_| ApiError::Internal(format!("a space object holds the id {space}")))?;
        let version = store.version().map_err(storage)?;
        let faults = store.counter("summary_faults").map_err(storage)?;
        if faults > 0 {
            store
                .set_counter("summary_faults", faults - 1)
                .map_err(storage)?;
            return Err(ApiError::Storage(
                "a summary write failed (injected by the test hooks)".to_owned(),
            ));
        }
        let summary = server::summary_of(&store, &space, Utc::now()).map_err(server_error)?;
        if let Some(summary) = summary {
            write_summary(&self.env, &space, summary).await?;
        }
        let store = self.store(None)?;
        if store.version().map_err(storage)? == version {
            store.set_counter("summary_due", 0).map_err(storage)?;
            store.set_counter("summary_attempts", 0).map_err(storage)?;
        }
        Ok(())
    }
}

/// Writes workshops' going-counts into the program space as the server's own write (outside the
/// mutation log, at the next version, only where the count changed). A count made at a staff
/// version no newer than the last one taken for that workshop is ignored.
fn write_going(
    store: &mut SqlStore,
    message: SpaceGoing,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let sql = |error: SqlError| ApiError::Storage(error.to_string());
    let mut counts: std::collections::BTreeMap<RecordId, u32> =
        message.counts.into_iter().collect();
    if message.complete {
        for (id, _) in store.live_of_kind(RecordKind::Workshop).map_err(sql)? {
            counts.entry(id).or_insert(0);
        }
    }
    let mut wrote = false;
    for (id, going) in counts {
        let taken = format!("going_at:{id}");
        if store.counter(&taken).map_err(sql)? >= message.staff_version.0 {
            continue;
        }
        store
            .set_counter(&taken, message.staff_version.0)
            .map_err(sql)?;
        let key = RecordKey {
            kind: RecordKind::Workshop,
            id,
        };
        let current = store.record(&key).map_err(sql)?;
        if let Some(StoredRecord {
            record: Some(Entity::Workshop(mut workshop)),
            ..
        }) = current
        {
            if workshop.going != going {
                workshop.going = going;
                wrote |= server::put_derived(store, &key, Entity::Workshop(workshop), now)
                    .map_err(server_error)?;
            }
        }
    }
    Ok(wrote)
}
