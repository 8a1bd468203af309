//! Permission rules as pure functions: who may read a space, who may run which mutation.
//!
//! The Worker enforces these on every pushed mutation and every pulled record (I7); the client runs
//! the same rules only to fail early and optimistically.

use serde::{Deserialize, Serialize};

use crate::domain::{Entity, RecordKind, Role, SpaceKind};
use crate::error::{Denial, MutationError};
use crate::ids::{SpaceId, UserId};

/// Who is acting: the signed-in user and their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
}

/// What an actor may do with a whole space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceAccess {
    /// Nothing: neither read nor write.
    None,
    /// May push some mutations; its pulls show only its own `last_seq` and verdicts, no records
    /// (a mentor or student raising a concern in `staff`).
    WriteOnly,
    /// May pull; writes are limited by mutation rules (students and mentors in `program`).
    ReadOnly,
    /// May pull and push; each mutation is still checked by [`may_write`].
    ReadWrite,
}

impl SpaceAccess {
    /// Whether pulls are allowed.
    pub fn can_read(self) -> bool {
        matches!(self, Self::ReadOnly | Self::ReadWrite)
    }

    /// Whether pushes are allowed at all.
    pub fn can_push(self) -> bool {
        matches!(self, Self::WriteOnly | Self::ReadWrite)
    }
}

/// The access an actor has to a space.
///
/// `is_assigned_mentor` says whether a placement in that student's space names this mentor in a
/// state that grants access (confirmed or active); the caller derives it from the space's records.
pub fn space_access(actor: &Actor, space: &SpaceId, is_assigned_mentor: bool) -> SpaceAccess {
    match (actor.role, space) {
        (Role::Staff, _) => SpaceAccess::ReadWrite,
        (_, SpaceId::Program) => SpaceAccess::ReadOnly,
        (_, SpaceId::Staff) => SpaceAccess::WriteOnly,
        (Role::Student, SpaceId::Student(owner)) if *owner == actor.user_id => {
            SpaceAccess::ReadWrite
        }
        (Role::Mentor, SpaceId::Student(_)) if is_assigned_mentor => SpaceAccess::ReadWrite,
        (Role::Student | Role::Mentor, SpaceId::Student(_)) => SpaceAccess::None,
    }
}

/// What a mutation does to a record, for the permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOp {
    /// Creates it.
    Create,
    /// Changes it (update or a state transition).
    Change,
    /// Deletes it.
    Delete,
}

/// Whether the actor may do `op` on a record of `kind` in `space`, given the space access and
/// the existing record (for ownership rules). Returns a clear reason when not.
pub fn may_write(
    actor: &Actor,
    space: &SpaceId,
    access: SpaceAccess,
    kind: RecordKind,
    op: WriteOp,
    existing: Option<&Entity>,
) -> Result<(), MutationError> {
    let deny = |denial: Denial| Err(MutationError::forbidden(denial));
    if !access.can_push() && actor.role != Role::Staff {
        return deny(Denial::NoAccess);
    }
    // Inbox dismissals: anyone who may write here makes their own; only they change or delete it.
    if kind == RecordKind::InboxDismissal {
        return match (op, existing) {
            (WriteOp::Create, _) => Ok(()),
            (_, Some(Entity::InboxDismissal(dismissal))) if dismissal.user_id == actor.user_id => {
                Ok(())
            }
            _ => deny(Denial::OwnDismissalsOnly),
        };
    }
    if actor.role == Role::Staff {
        return Ok(());
    }
    match SpaceKind::of(space) {
        SpaceKind::Program => deny(Denial::ProgramIsStaffOnly),
        SpaceKind::Staff => match (kind, op) {
            (RecordKind::ConcernFlag, WriteOp::Create) => Ok(()),
            _ => deny(Denial::ConcernsOnly),
        },
        SpaceKind::Student => {
            let created_by_actor = |entity: Option<&Entity>| match entity {
                Some(Entity::Task(task)) => task.created_by.as_ref() == Some(&actor.user_id),
                Some(Entity::Feedback(feedback)) => {
                    feedback.author.as_ref() == Some(&actor.user_id)
                }
                _ => false,
            };
            match actor.role {
                Role::Student => match (kind, op) {
                    (RecordKind::Placement, _) => deny(Denial::PlacementsByStaff),
                    (RecordKind::FlagReview, _) => deny(Denial::FlagsByStaff),
                    (RecordKind::Evaluation, WriteOp::Change | WriteOp::Delete) => {
                        deny(Denial::EvaluationsFinal)
                    }
                    (RecordKind::StudentProfile, WriteOp::Delete) => {
                        deny(Denial::ProfileNotDeleted)
                    }
                    (RecordKind::MentoringSession, WriteOp::Delete) => {
                        deny(Denial::SessionsCancelledNotDeleted)
                    }
                    (RecordKind::Feedback, WriteOp::Change | WriteOp::Delete)
                        if !created_by_actor(existing) =>
                    {
                        deny(Denial::OwnFeedbackOnly)
                    }
                    _ => Ok(()),
                },
                Role::Mentor => match (kind, op) {
                    (RecordKind::MentoringSession, WriteOp::Create | WriteOp::Change) => Ok(()),
                    (RecordKind::Task | RecordKind::Feedback, WriteOp::Create) => Ok(()),
                    (
                        RecordKind::Task | RecordKind::Feedback,
                        WriteOp::Change | WriteOp::Delete,
                    ) if created_by_actor(existing) => Ok(()),
                    (RecordKind::Task | RecordKind::Feedback, _) => deny(Denial::MentorOwnOnly),
                    (RecordKind::FlagReview, _) => deny(Denial::FlagsByStaff),
                    // Which evaluations a mentor answers is judged by `apply` (the placement's).
                    (RecordKind::Evaluation, WriteOp::Create) => Ok(()),
                    (RecordKind::Evaluation, _) => deny(Denial::EvaluationsFinal),
                    _ => deny(Denial::MentorMayNot),
                },
                Role::Staff => Ok(()),
            }
        }
    }
}

/// Whether the actor may see one record (`None`: a deletion) of `kind` they pulled from a space
/// they can read (I7).
///
/// Every kind in a readable space is visible but inbox dismissals, which only their owner reads
/// (a deletion carries no owner and nothing about it: it goes to everyone who reads the space).
/// The one rule that depends on other records and on time, the feedback reveal rule, is applied
/// next to this in `server::pull` (its `FeedbackGate`), which has the space's sessions and
/// feedback at hand.
pub fn may_read_record(
    actor: &Actor,
    access: SpaceAccess,
    kind: RecordKind,
    record: Option<&Entity>,
) -> bool {
    if !access.can_read() {
        return false;
    }
    match (kind, record) {
        (RecordKind::InboxDismissal, Some(Entity::InboxDismissal(dismissal))) => {
            dismissal.user_id == actor.user_id
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(user: &str, role: Role) -> Actor {
        Actor {
            user_id: UserId::from(user),
            role,
        }
    }

    #[test]
    fn space_access_matrix() {
        let alice = SpaceId::parse("student:alice").unwrap_or(SpaceId::Program);
        let table = [
            (
                actor("alice", Role::Student),
                alice.clone(),
                false,
                SpaceAccess::ReadWrite,
            ),
            (
                actor("bob", Role::Student),
                alice.clone(),
                false,
                SpaceAccess::None,
            ),
            (
                actor("bob", Role::Student),
                SpaceId::Program,
                false,
                SpaceAccess::ReadOnly,
            ),
            (
                actor("bob", Role::Student),
                SpaceId::Staff,
                false,
                SpaceAccess::WriteOnly,
            ),
            (
                actor("m", Role::Mentor),
                alice.clone(),
                true,
                SpaceAccess::ReadWrite,
            ),
            (
                actor("m", Role::Mentor),
                alice.clone(),
                false,
                SpaceAccess::None,
            ),
            (
                actor("m", Role::Mentor),
                SpaceId::Staff,
                false,
                SpaceAccess::WriteOnly,
            ),
            (
                actor("s", Role::Staff),
                alice.clone(),
                false,
                SpaceAccess::ReadWrite,
            ),
            (
                actor("s", Role::Staff),
                SpaceId::Staff,
                false,
                SpaceAccess::ReadWrite,
            ),
        ];
        for (who, space, assigned, expected) in table {
            assert_eq!(
                space_access(&who, &space, assigned),
                expected,
                "{who:?} on {space}"
            );
        }
    }

    #[test]
    fn write_rules_per_role() {
        let alice = SpaceId::Student(UserId::from("alice"));
        let student = actor("alice", Role::Student);
        let mentor = actor("m", Role::Mentor);
        let rw = SpaceAccess::ReadWrite;
        let ok = |a: &Actor, space: &SpaceId, access, kind, op| {
            may_write(a, space, access, kind, op, None).is_ok()
        };
        assert!(ok(&student, &alice, rw, RecordKind::Task, WriteOp::Create));
        assert!(!ok(
            &student,
            &alice,
            rw,
            RecordKind::Placement,
            WriteOp::Create
        ));
        assert!(!ok(
            &student,
            &SpaceId::Program,
            SpaceAccess::ReadOnly,
            RecordKind::Position,
            WriteOp::Create
        ));
        assert!(ok(
            &student,
            &SpaceId::Staff,
            SpaceAccess::WriteOnly,
            RecordKind::ConcernFlag,
            WriteOp::Create
        ));
        assert!(!ok(
            &student,
            &SpaceId::Staff,
            SpaceAccess::WriteOnly,
            RecordKind::StaffNote,
            WriteOp::Create
        ));
        assert!(ok(
            &mentor,
            &alice,
            rw,
            RecordKind::MentoringSession,
            WriteOp::Create
        ));
        assert!(!ok(
            &mentor,
            &alice,
            rw,
            RecordKind::JobApplication,
            WriteOp::Create
        ));
        assert!(!ok(&mentor, &alice, rw, RecordKind::Task, WriteOp::Delete));
        assert!(!ok(
            &mentor,
            &alice,
            SpaceAccess::None,
            RecordKind::Task,
            WriteOp::Create
        ));
    }
}
