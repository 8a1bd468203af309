//! Mutations: named, typed commands, one per user action. Only these ever change data.

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::domain::{
    ApplicationStage, ConcernState, Entity, EntityPatch, PlacementState, RankingChoice, RecordKind,
    VisaStepState,
};
use crate::ids::{MutationSeq, RecordId};

/// Declares [`Mutation`] (internally tagged by `type`, with a derived `Serialize`) and its tag-first
/// `Deserialize`: a private externally tagged twin with the same variants derives `Deserialize`,
/// and [`crate::tag_first`] feeds it the tag and then the rest of the same map, so nothing is
/// buffered when `type` comes first (as every sender writes it). The two enums come from one list,
/// so they never drift.
macro_rules! mutations {
    (
        $(#[$meta:meta])*
        pub enum Mutation {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident {
                    $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
        pub enum Mutation {
            $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $ty, )* }, )*
        }

        /// [`Mutation`] externally tagged, for its `Deserialize`. Same name, so that messages name
        /// `Mutation`.
        mod wire {
            use super::*;

            #[derive(Deserialize)]
            #[serde(rename_all = "snake_case", deny_unknown_fields)]
            pub(super) enum Mutation {
                $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $ty, )* }, )*
            }
        }

        impl From<wire::Mutation> for Mutation {
            fn from(wire: wire::Mutation) -> Self {
                match wire {
                    $( wire::Mutation::$variant { $( $field, )* } => Self::$variant { $( $field, )* }, )*
                }
            }
        }

        impl<'de> Deserialize<'de> for Mutation {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::tag_first::deserialize_type_tagged::<Self, wire::Mutation, D>(
                    deserializer,
                    "internally tagged enum Mutation",
                )
            }
        }
    };
}

mutations! {
/// A named, typed change. `apply` runs it against a space's records.
pub enum Mutation {
    /// Create a record of any kind (the kind travels in `record`).
    Create {
        /// The new record's id, chosen by the client (a UUID).
        id: RecordId,
        /// Its kind and fields.
        record: Entity,
    },
    /// Change some fields of a record; fields not in the patch stay as they are.
    Update {
        /// The record's id.
        id: RecordId,
        /// Its kind and the changed fields.
        patch: EntityPatch,
    },
    /// Delete a record (leaves a tombstone for sync).
    Delete {
        /// The record's kind.
        kind: RecordKind,
        /// The record's id.
        id: RecordId,
    },
    /// Move a placement along proposed → confirmed → active → completed / ended early.
    SetPlacementState {
        /// The placement's id.
        id: RecordId,
        /// The state it moves to.
        state: PlacementState,
    },
    /// End a confirmed or active placement early, with why (the student, the placement's mentor
    /// or staff).
    EndPlacement {
        /// The placement's id.
        id: RecordId,
        /// Why, in the words of whoever ends it (required).
        reason: String,
    },
    /// Check off (or reopen) a task.
    SetTaskDone {
        /// The task's id.
        id: RecordId,
        /// Whether it is done.
        done: bool,
    },
    /// Log what happened in a session; marks it completed.
    LogSession {
        /// The session's id.
        id: RecordId,
        /// Notes from the session.
        notes: String,
        /// Agreed next steps.
        next_steps: String,
    },
    /// Cancel a session; it is kept, marked cancelled.
    CancelSession {
        /// The session's id.
        id: RecordId,
    },
    /// Answer a workshop invitation.
    RsvpWorkshop {
        /// The workshop's id (in the program space).
        workshop_id: RecordId,
        /// Going or not.
        going: bool,
    },
    /// Move a job application card to another stage.
    MoveApplication {
        /// The application's id.
        id: RecordId,
        /// The stage it moves to.
        stage: ApplicationStage,
    },
    /// Record progress on a visa step.
    SetVisaStepState {
        /// The step's id.
        id: RecordId,
        /// Its new state.
        state: VisaStepState,
    },
    /// Move a concern through staff's inbox.
    SetConcernState {
        /// The concern's id.
        id: RecordId,
        /// Its new state.
        state: ConcernState,
    },
    /// Replace the student's ranked choices for a cohort (best first), before its deadline.
    SetRankings {
        /// The cohort's record id (in the program space); also the ranking's record id.
        id: RecordId,
        /// The choices, best first; empty withdraws the ranking.
        choices: Vec<RankingChoice>,
    },
    /// Check in at a workshop with the code from its QR code; works offline, checked on sync.
    CheckIn {
        /// The workshop's id (in the program space).
        workshop_id: RecordId,
        /// The code the QR code carries.
        code: String,
        /// When the code was scanned (the device's clock; the server checks it is plausible).
        at: DateTime<Utc>,
    },
}
}

impl Mutation {
    /// The wire name of the variant, for logs and the UI.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Create { .. } => "create",
            Self::Update { .. } => "update",
            Self::Delete { .. } => "delete",
            Self::SetPlacementState { .. } => "set_placement_state",
            Self::EndPlacement { .. } => "end_placement",
            Self::SetTaskDone { .. } => "set_task_done",
            Self::LogSession { .. } => "log_session",
            Self::CancelSession { .. } => "cancel_session",
            Self::RsvpWorkshop { .. } => "rsvp_workshop",
            Self::MoveApplication { .. } => "move_application",
            Self::SetVisaStepState { .. } => "set_visa_step_state",
            Self::SetConcernState { .. } => "set_concern_state",
            Self::SetRankings { .. } => "set_rankings",
            Self::CheckIn { .. } => "check_in",
        }
    }

    /// The record kind and id the mutation is about.
    pub fn target(&self) -> (RecordKind, &RecordId) {
        match self {
            Self::Create { id, record } => (record.kind(), id),
            Self::Update { id, patch } => (patch.kind(), id),
            Self::Delete { kind, id } => (*kind, id),
            Self::SetPlacementState { id, .. } | Self::EndPlacement { id, .. } => {
                (RecordKind::Placement, id)
            }
            Self::SetTaskDone { id, .. } => (RecordKind::Task, id),
            Self::LogSession { id, .. } | Self::CancelSession { id } => {
                (RecordKind::MentoringSession, id)
            }
            Self::RsvpWorkshop { workshop_id, .. } => (RecordKind::Rsvp, workshop_id),
            Self::MoveApplication { id, .. } => (RecordKind::JobApplication, id),
            Self::SetVisaStepState { id, .. } => (RecordKind::VisaStep, id),
            Self::SetConcernState { id, .. } => (RecordKind::ConcernFlag, id),
            Self::SetRankings { id, .. } => (RecordKind::Ranking, id),
            Self::CheckIn { workshop_id, .. } => (RecordKind::Attendance, workshop_id),
        }
    }
}

/// A mutation with the client's sequence number, as it sits in an outbox and travels in a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingMutation {
    /// The client's sequence number for it.
    pub seq: MutationSeq,
    /// The mutation.
    pub mutation: Mutation,
}
