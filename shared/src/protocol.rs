//! The versioned wire protocol: request and response bodies of every endpoint, limits, versions.
//!
//! `docs/sync-protocol.md` describes the same types in prose; keep the two together.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::apply::RecordKey;
use crate::domain::{Entity, Role};
use crate::ids::{
    ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId, MAX_SAFE_INTEGER,
};
use crate::mutation::PendingMutation;

/// The sync protocol this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// The record schema this build speaks.
pub const SCHEMA_VERSION: u32 = 1;
/// Largest request body the Worker reads, in bytes.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;
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

/// `POST /api/v1/spaces/{space}/push`.
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
        if self.mutations.len() > MAX_MUTATIONS_PER_PUSH {
            return Err(PushShapeError::TooMany(self.mutations.len()));
        }
        if !self.client_id.is_valid() {
            return Err(PushShapeError::BadClientId);
        }
        let mut previous = 0;
        for pending in &self.mutations {
            let seq = pending.seq.0;
            if seq <= previous || seq > MAX_SAFE_INTEGER {
                return Err(PushShapeError::BadSeq(seq, previous));
            }
            previous = seq;
            if !pending.mutation.target().1.is_valid() {
                return Err(PushShapeError::BadRecordId(seq));
            }
        }
        Ok(())
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
        /// Human-readable reason.
        message: String,
    },
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
    /// Human-readable reason.
    pub message: String,
}

/// `GET /api/v1/spaces/{space}/pull?cursor=N&client_id=C&since_seq=S&protocol=P&schema=S`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Every change after the request's cursor up to this one is in `changes` (I4).
    pub cursor: ServerVersion,
    /// When true, `changes` is a full snapshot: replace base with it (the outbox stays, I6).
    pub reset: bool,
    /// Changed records, by rising version.
    pub changes: Vec<RecordChange>,
    /// The highest seq of the calling client this space has processed.
    pub last_seq: MutationSeq,
    /// The calling client's refused mutations with seq above `since_seq`.
    pub rejected: Vec<RejectedMutation>,
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
}
