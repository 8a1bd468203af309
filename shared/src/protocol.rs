//! The versioned wire protocol: request and response bodies of every endpoint, limits, versions.
//!
//! `docs/sync-protocol.md` describes the same types in prose; keep the two together.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use serde_json::value::RawValue;

use crate::apply::RecordKey;
use crate::domain::{Entity, Role};
use crate::error::{MutationError, Problem};
use crate::ids::{
    ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId, MAX_SAFE_INTEGER,
};
use crate::mutation::{Mutation, PendingMutation};

/// The sync protocol this build speaks.
pub const PROTOCOL_VERSION: u32 = 2;
/// The record schema this build speaks.
pub const SCHEMA_VERSION: u32 = 1;
/// Largest request body the Worker reads, in bytes.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;
/// Most changes in one page of a pull (protocol 2): a client may ask for fewer with `limit`;
/// protocol 1 pulls are not paged.
pub const MAX_PULL_LIMIT: u64 = 1000;
/// Most mutations in one push.
pub const MAX_MUTATIONS_PER_PUSH: usize = 500;
/// Tombstones older than this many days may be purged; older cursors get a reset.
pub const TOMBSTONE_HORIZON_DAYS: i64 = 90;

/// Why a request's versions are not served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Older than the previous version: the client must update (HTTP 426).
    #[error(
        "this app is too old for the server (protocol {protocol}, schema {schema}); please update"
    )]
    ClientTooOld {
        /// The client's protocol.
        protocol: u32,
        /// The client's schema.
        schema: u32,
    },
    /// Newer than this server knows (HTTP 400).
    #[error("unknown protocol {protocol} / schema {schema}")]
    Unknown {
        /// The client's protocol.
        protocol: u32,
        /// The client's schema.
        schema: u32,
    },
}

/// The oldest protocol and schema ever released; nothing older exists.
pub const FIRST_VERSION: u32 = 1;

/// Accepts the current and the previous protocol and schema versions (never below the first).
pub fn check_versions(protocol: u32, schema: u32) -> Result<(), VersionError> {
    let accepts = |version: u32, current: u32| {
        version >= FIRST_VERSION && (version == current || version + 1 == current)
    };
    if protocol > PROTOCOL_VERSION || schema > SCHEMA_VERSION {
        return Err(VersionError::Unknown { protocol, schema });
    }
    if accepts(protocol, PROTOCOL_VERSION) && accepts(schema, SCHEMA_VERSION) {
        Ok(())
    } else {
        Err(VersionError::ClientTooOld { protocol, schema })
    }
}

/// Why a push body is not acceptable as a whole (HTTP 400); nothing in it is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushShapeError {
    /// Too many mutations.
    #[error("a push carries at most {MAX_MUTATIONS_PER_PUSH} mutations; this one has {0}")]
    TooMany(usize),
    /// The client id is malformed.
    #[error("client_id is not a valid id")]
    BadClientId,
    /// A mutation names a record id of the wrong shape.
    #[error("mutation {0} names an invalid record id")]
    BadRecordId(u64),
    /// Seqs must start at 1, rise strictly and stay below 2^53.
    #[error("mutation seqs must rise strictly from 1 and stay below 2^53 (found {0} after {1})")]
    BadSeq(u64, u64),
}

/// `POST /api/v1/spaces/{space}/push`, as clients build it. The server does not deserialize it in
/// one piece: it reads the body with [`read_push`], one mutation at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The client's protocol version.
    pub protocol: u32,
    /// The client's schema version.
    pub schema: u32,
    /// The pushing client.
    pub client_id: ClientId,
    /// Its pending mutations, oldest first.
    pub mutations: Vec<PendingMutation>,
}

impl PushRequest {
    /// Checks the limits and the shape of the seqs.
    pub fn check_shape(&self) -> Result<(), PushShapeError> {
        check_shape(
            &self.client_id,
            self.mutations
                .iter()
                .map(|pending| (pending.seq, Some(&pending.mutation))),
        )
    }
}

/// The shape rules of a push: the count, the client id, seqs rising strictly from 1 below 2^53,
/// and a valid target id for every mutation that was read (`None` for an unreadable one).
fn check_shape<'a>(
    client_id: &ClientId,
    mutations: impl ExactSizeIterator<Item = (MutationSeq, Option<&'a Mutation>)>,
) -> Result<(), PushShapeError> {
    if mutations.len() > MAX_MUTATIONS_PER_PUSH {
        return Err(PushShapeError::TooMany(mutations.len()));
    }
    if !client_id.is_valid() {
        return Err(PushShapeError::BadClientId);
    }
    let mut previous = 0;
    for (seq, mutation) in mutations {
        let seq = seq.0;
        if seq <= previous || seq > MAX_SAFE_INTEGER {
            return Err(PushShapeError::BadSeq(seq, previous));
        }
        previous = seq;
        if mutation.is_some_and(|mutation| !mutation.target().1.is_valid()) {
            return Err(PushShapeError::BadRecordId(seq));
        }
    }
    Ok(())
}

/// One pushed mutation as the server read it: ready to judge, or unreadable with its seq.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every item is ready; boxing them would only add allocations"
)]
pub enum PushItem {
    /// It read as a [`PendingMutation`] with no field this server does not know.
    Ready(PendingMutation),
    /// Only its seq could be read: it gets a rejected verdict with code `invalid` (see
    /// [`PushItem::refusal`]) and the push goes on with the next one.
    Unreadable {
        /// Its seq.
        seq: MutationSeq,
        /// What the parser could not read (English, technical).
        detail: String,
    },
}

impl PushItem {
    /// Its seq.
    pub fn seq(&self) -> MutationSeq {
        match self {
            Self::Ready(pending) => pending.seq,
            Self::Unreadable { seq, .. } => *seq,
        }
    }

    /// The mutation, when it was read.
    pub fn mutation(&self) -> Option<&Mutation> {
        match self {
            Self::Ready(pending) => Some(&pending.mutation),
            Self::Unreadable { .. } => None,
        }
    }

    /// The refusal an unreadable mutation's verdict carries: `invalid` on the field `mutation`
    /// with the problem `unreadable`.
    pub fn unreadable(detail: &str) -> MutationError {
        MutationError::invalid(
            "mutation",
            Problem::Unreadable {
                detail: detail.to_owned(),
            },
        )
    }

    /// The refusal of this item, when it is unreadable.
    pub fn refusal(&self) -> Option<MutationError> {
        match self {
            Self::Ready(_) => None,
            Self::Unreadable { detail, .. } => Some(Self::unreadable(detail)),
        }
    }
}

/// A push body as the server reads it ([`read_push`]): the envelope, then each mutation on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPush {
    /// The client's protocol version.
    pub protocol: u32,
    /// The client's schema version.
    pub schema: u32,
    /// The pushing client.
    pub client_id: ClientId,
    /// Its pending mutations, oldest first, each read or not.
    pub items: Vec<PushItem>,
}

impl ReadPush {
    /// Checks the limits and the shape of the seqs ([`PushRequest::check_shape`]); the seqs of
    /// unreadable mutations count too, their record ids are not checked.
    pub fn check_shape(&self) -> Result<(), PushShapeError> {
        check_shape(
            &self.client_id,
            self.items.iter().map(|item| (item.seq(), item.mutation())),
        )
    }

    /// The mutations that were read.
    pub fn mutations(&self) -> impl Iterator<Item = &Mutation> {
        self.items.iter().filter_map(PushItem::mutation)
    }
}

/// Why a push body cannot be read as a whole (HTTP 400 `invalid_json`); nothing in it is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadPushError {
    /// The envelope (`protocol`, `schema`, `client_id`, the `mutations` array) does not read.
    #[error("the body is not valid: {0}")]
    Envelope(String),
    /// A mutation whose seq cannot be read: no verdict can be given without one.
    #[error("mutation {index} (counting from 0) has no readable seq: {detail}")]
    NoSeq {
        /// Its place in `mutations`.
        index: usize,
        /// What the parser said.
        detail: String,
    },
}

/// The envelope of a push, strict; its mutations are kept as text to read one by one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PushEnvelope {
    protocol: u32,
    schema: u32,
    client_id: ClientId,
    mutations: Vec<Box<RawValue>>,
}

/// Just the seq of a pending mutation; everything else is skipped unread.
#[derive(Deserialize)]
struct SeqOnly {
    seq: MutationSeq,
}

/// The longest `detail` an unreadable verdict keeps, in characters (it may quote the client).
const MAX_DETAIL: usize = 300;

/// Reads a push body (`PushRequest` on the wire) the way the server judges it: each mutation on
/// its own, so that one the server cannot read does not hold back the others.
///
/// The envelope is strict: an unknown key, a wrong type or a missing field in it is an error for
/// the whole push. Each element of `mutations` is then read as a [`PendingMutation`]; it is
/// [`PushItem::Unreadable`] when that fails (a wrong type, an unknown `type`, `kind` or enum value,
/// a bad date, text that is not valid Unicode such as a lone surrogate `"\ud800"`) or when it
/// carries a field this server does not know, at any depth (records and patches included: push
/// input is strict even though records read leniently elsewhere). An element whose `seq` cannot
/// be read is an error for the whole push: no verdict can be stored without a seq.
pub fn read_push(body: &str) -> Result<ReadPush, ReadPushError> {
    let envelope: PushEnvelope =
        serde_json::from_str(body).map_err(|error| ReadPushError::Envelope(error.to_string()))?;
    let mut items = Vec::with_capacity(envelope.mutations.len());
    for (index, raw) in envelope.mutations.iter().enumerate() {
        let text = raw.get();
        let item = match read_pending(text) {
            Ok(pending) => PushItem::Ready(pending),
            Err(detail) => {
                let SeqOnly { seq } =
                    serde_json::from_str(text).map_err(|error| ReadPushError::NoSeq {
                        index,
                        detail: error.to_string(),
                    })?;
                PushItem::Unreadable {
                    seq,
                    detail: shorten(&detail),
                }
            }
        };
        items.push(item);
    }
    Ok(ReadPush {
        protocol: envelope.protocol,
        schema: envelope.schema,
        client_id: envelope.client_id,
        items,
    })
}

/// Reads one pending mutation strictly: it must parse, and every key of its JSON must be one the
/// parsed value writes back at the same place (so no field was dropped as unknown).
fn read_pending(text: &str) -> Result<PendingMutation, String> {
    let pending: PendingMutation = serde_json::from_str(text).map_err(|error| error.to_string())?;
    let input: serde_json::Value = serde_json::from_str(text).map_err(|error| error.to_string())?;
    let output = serde_json::to_value(&pending).map_err(|error| error.to_string())?;
    let mut path = Vec::new();
    match unknown_key(&input, &output, &mut path) {
        Some(detail) => Err(detail),
        None => Ok(pending),
    }
}

/// The first key of `input` that `output` lacks at the same place, worded for a verdict.
fn unknown_key(
    input: &serde_json::Value,
    output: &serde_json::Value,
    path: &mut Vec<String>,
) -> Option<String> {
    use serde_json::Value;
    match (input, output) {
        (Value::Object(input), Value::Object(output)) => {
            for (key, value) in input {
                let Some(written) = output.get(key) else {
                    let place = if path.is_empty() {
                        "the pending mutation".to_owned()
                    } else {
                        path.concat()
                    };
                    return Some(format!("unknown field `{key}` in {place}"));
                };
                path.push(if path.is_empty() {
                    key.clone()
                } else {
                    format!(".{key}")
                });
                let found = unknown_key(value, written, path);
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        (Value::Array(input), Value::Array(output)) => {
            for (index, (value, written)) in input.iter().zip(output).enumerate() {
                path.push(format!("[{index}]"));
                let found = unknown_key(value, written, path);
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

/// Cuts a parser message to [`MAX_DETAIL`] characters.
fn shorten(detail: &str) -> String {
    if detail.chars().count() <= MAX_DETAIL {
        detail.to_owned()
    } else {
        let mut short: String = detail.chars().take(MAX_DETAIL - 1).collect();
        short.push('…');
        short
    }
}

/// What became of one pushed mutation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    /// Applied.
    Ok,
    /// Refused; nothing changed.
    Rejected {
        /// Machine-readable reason (`MutationError::code`).
        code: String,
        /// Human-readable reason (English).
        message: String,
        /// The reason as data, for clients that word it themselves (absent from servers before
        /// it was added, and for refusals that are not a [`MutationError`]).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "lenient_reason"
        )]
        reason: Option<MutationError>,
    },
}

impl Verdict {
    /// The verdict for a refused mutation: its code, English sentence and structured reason.
    pub fn rejected(error: MutationError) -> Self {
        Self::Rejected {
            code: error.code().to_owned(),
            message: error.to_string(),
            reason: Some(error),
        }
    }
}

/// Reads a refusal's `reason`, or `None` when it is one this build does not know (a newer server
/// may add problems, denials and rules): the refusal still arrives, with its `code` and `message`,
/// instead of failing the whole pull.
pub fn lenient_reason<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<MutationError>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value.and_then(|value| serde_json::from_value(value).ok()))
}

/// A verdict with the seq it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqVerdict {
    /// The mutation's seq.
    pub seq: MutationSeq,
    /// Its verdict.
    pub verdict: Verdict,
}

/// The answer to a push. Informational: the client drops outbox entries only after a pull (I3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The highest seq of this client the space has processed.
    pub last_seq: MutationSeq,
    /// The space's version after the push.
    pub cursor: ServerVersion,
    /// The verdict of each mutation in the request (stored ones for repeats).
    pub verdicts: Vec<SeqVerdict>,
}

/// One record as a pull reports it: its content at `version`, or a tombstone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordChange {
    /// Which record.
    pub key: RecordKey,
    /// The version that wrote it.
    pub version: ServerVersion,
    /// The content; `None` is a tombstone.
    pub record: Option<Entity>,
}

/// A mutation the server refused, as a pull reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedMutation {
    /// Its seq.
    pub seq: MutationSeq,
    /// Machine-readable reason.
    pub code: String,
    /// Human-readable reason (English).
    pub message: String,
    /// The reason as data (see [`Verdict::Rejected`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_reason"
    )]
    pub reason: Option<MutationError>,
}

/// `GET /api/v1/spaces/{space}/pull?cursor=N&client_id=C&since_seq=S&protocol=P&schema=S`
/// (`&limit=L&snapshot=true` with protocol 2).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PullResponse {
    /// Every change after the request's cursor up to this one is in `changes` (I4): the space's
    /// version, or with `more` the version of the page's last change.
    pub cursor: ServerVersion,
    /// When true, `changes` is a full snapshot: replace base with it (the outbox stays, I6).
    pub reset: bool,
    /// Changed records, by rising version.
    pub changes: Vec<RecordChange>,
    /// The highest seq of the calling client this space has processed.
    pub last_seq: MutationSeq,
    /// The calling client's refused mutations with seq above `since_seq`.
    pub rejected: Vec<RejectedMutation>,
    /// Protocol 2: more changes follow; pull again from `cursor` (with `snapshot=true` when this
    /// page was part of a reset) before the space is up to date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    /// Protocol 2, with `more`: about how many changes follow this page (for progress).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub remaining: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's email.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// A signed-in user as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// Their id.
    pub id: UserId,
    /// Their email.
    pub email: String,
    /// Their display name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
}

/// The answer to a login or an accepted invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Who it belongs to.
    pub user: UserInfo,
}

/// `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeResponse {
    /// The signed-in user.
    pub user: UserInfo,
    /// Spaces they may pull.
    pub spaces: Vec<SpaceId>,
}

/// One account as staff see it in the people list (`GET /api/v1/accounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// The account.
    pub user: UserInfo,
    /// Whether it may sign in.
    pub active: bool,
    /// Whether the invite is still open (no password set yet).
    pub invited: bool,
}

/// `POST /api/v1/accounts/{id}/active` (staff): allow or stop an account's sign-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetActiveRequest {
    /// Whether the account may sign in.
    pub active: bool,
}

/// `POST /api/v1/invites` (staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// The invitee's email.
    pub email: String,
    /// Their display name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// For a student: the cohort they join (their profile and enrolment are created with it).
    #[serde(default)]
    pub cohort_year: Option<i32>,
    /// For a mentor: the organization they mentor at (their program profile is created with it).
    #[serde(default)]
    pub organization_id: Option<RecordId>,
}

/// The one-time code for an invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteResponse {
    /// The new account's id.
    pub user_id: UserId,
    /// The code to give the invitee (shown once).
    pub code: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/auth/accept-invite`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInviteRequest {
    /// The one-time code.
    pub code: String,
    /// The password to set (at least 10 characters).
    pub password: String,
}

/// `GET /api/v1/auth/invite?code=…` (no session): whom a live invite code is for, so the invitee
/// sees which account they are about to set a password for, and the password rule
/// `POST /api/v1/auth/accept-invite` applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteDetails {
    /// The invited account's email (what they will sign in with).
    pub email: String,
    /// Their display name, as staff wrote it.
    pub display_name: String,
    /// The role the account has.
    pub role: Role,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// The fewest characters (Unicode scalar values) a new password may have.
    pub password_min_chars: u32,
    /// The most characters a new password may have.
    pub password_max_chars: u32,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `"ok"`.
    pub status: String,
    /// The app's version.
    pub version: String,
    /// The sync protocol version.
    pub protocol: u32,
    /// The schema version.
    pub schema: u32,
}

/// Every API error body: `{ "error": code, "message": … }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Machine-readable code.
    pub error: String,
    /// Human-readable sentence.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_accept_current_and_previous_only() {
        assert!(check_versions(PROTOCOL_VERSION, SCHEMA_VERSION).is_ok());
        assert!(matches!(
            check_versions(PROTOCOL_VERSION + 1, SCHEMA_VERSION),
            Err(VersionError::Unknown { .. })
        ));
        assert!(matches!(
            check_versions(0, SCHEMA_VERSION),
            Err(VersionError::ClientTooOld { .. })
        ));
        assert!(matches!(
            check_versions(PROTOCOL_VERSION, 0),
            Err(VersionError::ClientTooOld { .. })
        ));
    }

    #[test]
    fn push_shape_rules() {
        let push = |seqs: &[u64]| PushRequest {
            protocol: PROTOCOL_VERSION,
            schema: SCHEMA_VERSION,
            client_id: ClientId::from("c1"),
            mutations: seqs
                .iter()
                .map(|seq| PendingMutation {
                    seq: MutationSeq(*seq),
                    mutation: crate::mutation::Mutation::SetTaskDone {
                        id: "t".into(),
                        done: true,
                    },
                })
                .collect(),
        };
        assert!(push(&[1, 2, 5]).check_shape().is_ok());
        assert!(push(&[]).check_shape().is_ok());
        assert!(push(&[0]).check_shape().is_err());
        assert!(push(&[2, 2]).check_shape().is_err());
        assert!(push(&[3, 1]).check_shape().is_err());
        assert!(push(&[MAX_SAFE_INTEGER + 1]).check_shape().is_err());
        let many: Vec<u64> = (1..=(MAX_MUTATIONS_PER_PUSH as u64 + 1)).collect();
        assert!(matches!(
            push(&many).check_shape(),
            Err(PushShapeError::TooMany(_))
        ));
    }

    const TASK_1: &str = r#"{"seq":1,"mutation":{"type":"create","id":"t-1","record":{"kind":"task","fields":{"title":"First","done":false}}}}"#;
    const TASK_3: &str = r#"{"seq":3,"mutation":{"type":"create","id":"t-3","record":{"kind":"task","fields":{"title":"Third","done":false}}}}"#;

    fn body(mutations: &[&str]) -> String {
        format!(
            r#"{{"protocol":{PROTOCOL_VERSION},"schema":{SCHEMA_VERSION},"client_id":"c-1","mutations":[{}]}}"#,
            mutations.join(",")
        )
    }

    fn kinds(read: &ReadPush) -> Vec<(u64, bool)> {
        read.items
            .iter()
            .map(|item| (item.seq().0, item.mutation().is_some()))
            .collect()
    }

    #[test]
    fn a_lone_surrogate_makes_only_its_own_mutation_unreadable() {
        let bad = r#"{"seq":2,"mutation":{"type":"create","id":"t-2","record":{"kind":"task","fields":{"title":"\ud800","done":false}}}}"#;
        let text = body(&[TASK_1, bad, TASK_3]);
        // The whole body is not something serde_json reads as a push today.
        assert!(serde_json::from_str::<PushRequest>(&text).is_err());
        let read = read_push(&text).expect("the envelope and every seq read");
        assert_eq!(read.client_id, ClientId::from("c-1"));
        assert_eq!(kinds(&read), vec![(1, true), (2, false), (3, true)]);
        let PushItem::Unreadable { detail, .. } = &read.items[1] else {
            panic!("the second is unreadable");
        };
        assert!(detail.contains("escape"), "{detail}");
        assert!(read.check_shape().is_ok());
        assert_eq!(read.mutations().count(), 2);
        let refusal = read.items[1].refusal().expect("a refusal");
        assert_eq!(refusal.code(), "invalid");
        assert!(matches!(
            refusal,
            MutationError::Invalid { ref field, problem: Problem::Unreadable { .. } } if field == "mutation"
        ));
    }

    #[test]
    fn an_unknown_field_in_a_pushed_record_is_unreadable_and_named() {
        let colour = r#"{"seq":2,"mutation":{"type":"create","id":"t-2","record":{"kind":"task","fields":{"title":"Second","done":false,"colour":"red"}}}}"#;
        let read = read_push(&body(&[TASK_1, colour, TASK_3])).expect("reads");
        assert_eq!(kinds(&read), vec![(1, true), (2, false), (3, true)]);
        let PushItem::Unreadable { detail, .. } = &read.items[1] else {
            panic!("the second is unreadable");
        };
        assert_eq!(detail, "unknown field `colour` in mutation.record.fields");
    }

    #[test]
    fn unknown_fields_are_found_at_any_depth_of_push_input() {
        let cases = [
            (
                r#"{"seq":1,"mutation":{"type":"update","id":"t-1","patch":{"kind":"task","fields":{"title":"x","colour":"red"}}}}"#,
                "unknown field `colour` in mutation.patch.fields",
            ),
            (
                r#"{"seq":1,"mutation":{"type":"set_rankings","id":"c-2025","choices":[{"position_id":"p-1","reason":"","weight":3}]}}"#,
                "unknown field `weight` in mutation.choices[0]",
            ),
            (
                r#"{"seq":1,"mutation":{"type":"create","id":"t-1","record":{"kind":"task","fields":{"title":"x","done":false},"extra":1}}}"#,
                "unknown field `extra` in mutation.record",
            ),
        ];
        for (text, expected) in cases {
            let read = read_push(&body(&[text])).expect("reads");
            match &read.items[0] {
                PushItem::Unreadable { detail, .. } => assert_eq!(detail, expected),
                PushItem::Ready(_) => panic!("{text} should be unreadable"),
            }
        }
        // Unknown top-level keys and mutation types are unreadable too (no whole-push error).
        for text in [
            r#"{"seq":1,"mutation":{"type":"drop_tables"}}"#,
            r#"{"seq":1,"mutation":{"type":"set_task_done","id":"t-1","done":true},"extra":1}"#,
            r#"{"seq":1,"mutation":{"type":"create","id":"t-1","record":{"kind":"task","fields":{"title":"x","done":false,"due_date":"2025-02-30"}}}}"#,
        ] {
            let read = read_push(&body(&[text])).expect("reads");
            assert_eq!(kinds(&read), vec![(1, false)], "{text}");
        }
        // Absent optional fields and `null` clearing a field are not unknown.
        for text in [
            r#"{"seq":1,"mutation":{"type":"update","id":"t-1","patch":{"kind":"task","fields":{"due_date":null}}}}"#,
            r#"{"seq":1,"mutation":{"type":"set_rankings","id":"c-2025","choices":[{"position_id":"p-1"}]}}"#,
            TASK_1,
        ] {
            let read = read_push(&body(&[text])).expect("reads");
            assert_eq!(kinds(&read), vec![(1, true)], "{text}");
        }
    }

    #[test]
    fn whole_push_errors_are_the_envelope_and_missing_seqs() {
        assert!(matches!(
            read_push("{not json"),
            Err(ReadPushError::Envelope(_))
        ));
        let extra = r#"{"protocol":1,"schema":1,"client_id":"c-1","mutations":[],"extra":true}"#;
        assert!(matches!(read_push(extra), Err(ReadPushError::Envelope(_))));
        assert!(matches!(
            read_push(r#"{"protocol":1,"schema":1,"client_id":"\ud800","mutations":[]}"#),
            Err(ReadPushError::Envelope(_))
        ));
        assert!(matches!(
            read_push(&body(&[TASK_1, r#"{"seq":"two","mutation":{}}"#])),
            Err(ReadPushError::NoSeq { index: 1, .. })
        ));
        assert!(matches!(
            read_push(&body(&[
                r#"{"mutation":{"type":"cancel_session","id":"s-1"}}"#
            ])),
            Err(ReadPushError::NoSeq { index: 0, .. })
        ));
        // Seqs of unreadable mutations count in the shape rules.
        let read =
            read_push(&body(&[TASK_3, r#"{"seq":2,"mutation":{"type":"x"}}"#])).expect("reads");
        assert_eq!(read.check_shape(), Err(PushShapeError::BadSeq(2, 3)));
        // A long detail is cut short.
        let long_key = "k".repeat(1000);
        let long = format!(
            r#"{{"seq":1,"mutation":{{"type":"set_task_done","id":"t-1","done":true,"{long_key}":1}}}}"#
        );
        let read = read_push(&body(&[&long])).expect("reads");
        let PushItem::Unreadable { detail, .. } = &read.items[0] else {
            panic!("unreadable");
        };
        assert_eq!(detail.chars().count(), MAX_DETAIL);
    }

    #[test]
    fn a_pushed_request_reads_back_as_ready_items() {
        let request = PushRequest {
            protocol: PROTOCOL_VERSION,
            schema: SCHEMA_VERSION,
            client_id: ClientId::from("c-1"),
            mutations: vec![PendingMutation {
                seq: MutationSeq(7),
                mutation: crate::mutation::Mutation::SetRankings {
                    id: "c-2025".into(),
                    choices: vec![crate::domain::RankingChoice {
                        position_id: "p-1".into(),
                        reason: "close to home".into(),
                    }],
                },
            }],
        };
        let text = serde_json::to_string(&request).expect("serializes");
        let read = read_push(&text).expect("reads");
        assert_eq!(
            read.items,
            vec![PushItem::Ready(request.mutations[0].clone())]
        );
    }

    #[test]
    fn a_reason_this_build_does_not_know_still_delivers_the_refusal() {
        let text = r#"{"cursor":3,"reset":false,"changes":[],"last_seq":2,"rejected":[
            {"seq":2,"code":"rule","message":"a newer rule","reason":{"code":"rule","rule":{"brand_new_rule":{"x":1}}}},
            {"seq":3,"code":"invalid","message":"title is required","reason":{"code":"invalid","field":"title","problem":"required"}}]}"#;
        let pull: PullResponse = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pull.rejected.len(), 2);
        assert_eq!(pull.rejected[0].reason, None);
        assert_eq!(pull.rejected[0].message, "a newer rule");
        assert_eq!(
            pull.rejected[1].reason,
            Some(MutationError::invalid(
                "title",
                crate::error::Problem::Required
            ))
        );
    }

    #[test]
    fn pulled_records_may_carry_fields_this_build_does_not_know() {
        let text = r#"{"cursor":3,"reset":false,"changes":[
            {"key":{"kind":"task","id":"t-1"},"version":3,"record":{"kind":"task","fields":{
                "goal_id":null,"title":"Book the ARC appointment","due_date":null,"done":false,
                "created_by":"s-180","colour":"red","checklist":[{"text":"passport"}]}}}],
            "last_seq":0,"rejected":[]}"#;
        let pull: PullResponse = serde_json::from_str(text).expect("a newer record still reads");
        let Some(Entity::Task(task)) = &pull.changes[0].record else {
            panic!("a task");
        };
        assert_eq!(task.title, "Book the ARC appointment");
        assert!(!task.done);
        assert_eq!(
            task.created_by.as_ref().map(|id| id.as_str()),
            Some("s-180")
        );
        // A patch too, as the outbox keeps it.
        let patch: crate::domain::EntityPatch =
            serde_json::from_str(r#"{"kind":"task","fields":{"title":"x","colour":"red"}}"#)
                .expect("a patch with a newer field reads");
        assert_eq!(patch.fields(), vec!["title"]);
    }
}
