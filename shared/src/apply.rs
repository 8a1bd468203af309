//! The one deterministic `apply`: runs a mutation against a space's records and returns the changes.
//!
//! The client runs it optimistically on its view, the server authoritatively on its records. It
//! reads only the view and its arguments, so the same inputs always give the same changes (I5).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Entity, EntityPatch, MentoringSession, Placement, RecordKind, Role, SessionState, SpaceKind,
};
use crate::error::MutationError;
use crate::ids::{RecordId, SpaceId, UserId};
use crate::mutation::Mutation;
use crate::permissions::{may_write, space_access, Actor, SpaceAccess, WriteOp};

/// Most position choices a student may rank.
pub const MAX_RANKINGS: usize = 10;

/// Read access to one space's current records.
pub trait RecordView {
    /// The live record with this kind and id, if any (deleted records are absent).
    fn get(&self, kind: RecordKind, id: &RecordId) -> Option<Entity>;
    /// Every live record of one kind, in id order.
    fn list(&self, kind: RecordKind) -> Vec<(RecordId, Entity)>;
}

/// The key of a record within its space.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    /// Its kind.
    pub kind: RecordKind,
    /// Its id.
    pub id: RecordId,
}

/// One record written by a mutation: its new content, or `None` when deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Which record.
    pub key: RecordKey,
    /// Its new content; `None` is a deletion.
    pub record: Option<Entity>,
}

/// Everything `apply` may depend on besides the view and the mutation.
#[derive(Debug, Clone)]
pub struct ApplyContext<'a> {
    /// Who runs it.
    pub actor: &'a Actor,
    /// In which space.
    pub space: &'a SpaceId,
    /// The time to judge deadlines by (the server's clock on the server).
    pub now: DateTime<Utc>,
}

/// A simple ordered map of records: the in-memory store for tests and for the client's views.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryRecords {
    /// Live records by key.
    pub records: BTreeMap<RecordKey, Entity>,
}

impl MemoryRecords {
    /// Writes a set of changes.
    pub fn write(&mut self, changes: &[Change]) {
        for change in changes {
            match &change.record {
                Some(entity) => {
                    self.records.insert(change.key.clone(), entity.clone());
                }
                None => {
                    self.records.remove(&change.key);
                }
            }
        }
    }
}

impl RecordView for MemoryRecords {
    fn get(&self, kind: RecordKind, id: &RecordId) -> Option<Entity> {
        self.records
            .get(&RecordKey {
                kind,
                id: id.clone(),
            })
            .cloned()
    }

    fn list(&self, kind: RecordKind) -> Vec<(RecordId, Entity)> {
        self.records
            .iter()
            .filter(|(key, _)| key.kind == kind)
            .map(|(key, entity)| (key.id.clone(), entity.clone()))
            .collect()
    }
}

/// The mentors a student space grants access to: those named by a confirmed or active placement.
pub fn assigned_mentors(view: &impl RecordView) -> Vec<UserId> {
    let mut mentors: Vec<UserId> = view
        .list(RecordKind::Placement)
        .into_iter()
        .filter_map(|(_, entity)| match entity {
            Entity::Placement(Placement {
                mentor_id, state, ..
            }) if state.grants_mentor_access() => Some(mentor_id),
            _ => None,
        })
        .collect();
    mentors.sort();
    mentors.dedup();
    mentors
}

/// The access an actor has to the space a view holds.
pub fn access_in(view: &impl RecordView, actor: &Actor, space: &SpaceId) -> SpaceAccess {
    let is_assigned_mentor = actor.role == Role::Mentor
        && matches!(space, SpaceId::Student(_))
        && assigned_mentors(view).contains(&actor.user_id);
    space_access(actor, space, is_assigned_mentor)
}

/// Fields that only `apply` or a named transition may set, never a patch.
fn locked_fields(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Task => &["created_by"],
        RecordKind::Feedback => &["author", "session_id"],
        RecordKind::ConcernFlag => &["raised_by", "student_id"],
        RecordKind::Placement => &["state", "student_id"],
        RecordKind::MentoringSession => &["state"],
        RecordKind::JobApplication => &["stage"],
        _ => &[],
    }
}

/// Runs `mutation` against `view` as `ctx.actor` in `ctx.space`.
///
/// Returns the records it writes, or why it was refused; a refusal writes nothing.
pub fn apply(
    view: &impl RecordView,
    ctx: &ApplyContext<'_>,
    mutation: &Mutation,
) -> Result<Vec<Change>, MutationError> {
    let (kind, id) = mutation.target();
    if !id.is_valid() {
        return Err(MutationError::invalid("id", "is not a valid id"));
    }
    let space_kind = SpaceKind::of(ctx.space);
    if kind.space_kind() != space_kind {
        return Err(MutationError::invalid(
            "kind",
            format!(
                "a {} does not belong in the {} space",
                kind.as_str(),
                ctx.space
            ),
        ));
    }
    let access = access_in(view, ctx.actor, ctx.space);
    let existing = view.get(kind, id);
    let require = |existing: Option<Entity>| {
        existing.ok_or_else(|| MutationError::NotFound {
            kind,
            id: id.to_string(),
        })
    };
    let key = RecordKey {
        kind,
        id: id.clone(),
    };
    let write = |entity: Entity| -> Result<Vec<Change>, MutationError> {
        entity.validate()?;
        Ok(vec![Change {
            key: key.clone(),
            record: Some(entity),
        }])
    };

    match mutation {
        Mutation::Create { record, .. } => {
            if existing.is_some() {
                return Err(MutationError::AlreadyExists {
                    kind,
                    id: id.to_string(),
                });
            }
            may_write(ctx.actor, ctx.space, access, kind, WriteOp::Create, None)?;
            let mut record = record.clone();
            stamp_new(&mut record, ctx)?;
            check_create_rules(view, ctx, id, &record)?;
            write(record)
        }
        Mutation::Update { patch, .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            let locked: Vec<&str> = patch
                .fields()
                .into_iter()
                .filter(|field| locked_fields(kind).contains(field))
                .collect();
            if let Some(field) = locked.first() {
                return Err(MutationError::invalid(
                    field,
                    "cannot be changed by an update; use its own action",
                ));
            }
            if let EntityPatch::Ranking(ranking) = patch {
                if let Some(position) = &ranking.position_id {
                    check_unique_ranking(view, id, position)?;
                }
            }
            patch.clone().apply_to(&mut entity)?;
            write(entity)
        }
        Mutation::Delete { .. } => {
            let entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Delete,
                Some(&entity),
            )?;
            Ok(vec![Change { key, record: None }])
        }
        Mutation::SetPlacementState { state, .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::Placement(placement) = &mut entity {
                if !placement.state.can_become(*state) {
                    return Err(transition(placement.state, *state));
                }
                placement.state = *state;
            }
            write(entity)
        }
        Mutation::SetTaskDone { done, .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::Task(task) = &mut entity {
                task.done = *done;
            }
            write(entity)
        }
        Mutation::LogSession {
            notes, next_steps, ..
        } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::MentoringSession(session) = &mut entity {
                if session.state == SessionState::Cancelled {
                    return Err(transition(session.state, SessionState::Completed));
                }
                session.notes = notes.clone();
                session.next_steps = next_steps.clone();
                session.state = SessionState::Completed;
            }
            write(entity)
        }
        Mutation::CancelSession { .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::MentoringSession(MentoringSession { state, .. }) = &mut entity {
                if *state != SessionState::Scheduled {
                    return Err(transition(*state, SessionState::Cancelled));
                }
                *state = SessionState::Cancelled;
            }
            write(entity)
        }
        Mutation::RsvpWorkshop { going, .. } => {
            let op = if existing.is_some() {
                WriteOp::Change
            } else {
                WriteOp::Create
            };
            may_write(ctx.actor, ctx.space, access, kind, op, existing.as_ref())?;
            write(Entity::Rsvp(crate::domain::Rsvp { going: *going }))
        }
        Mutation::MoveApplication { stage, .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::JobApplication(application) = &mut entity {
                if !application.stage.can_become(*stage) {
                    return Err(transition(application.stage, *stage));
                }
                application.stage = *stage;
            }
            write(entity)
        }
        Mutation::SetVisaStepState { state, .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::VisaStep(step) = &mut entity {
                step.state = *state;
            }
            write(entity)
        }
        Mutation::SetConcernState { state, .. } => {
            let mut entity = require(existing)?;
            may_write(
                ctx.actor,
                ctx.space,
                access,
                kind,
                WriteOp::Change,
                Some(&entity),
            )?;
            if let Entity::ConcernFlag(flag) = &mut entity {
                flag.state = *state;
            }
            write(entity)
        }
    }
}

fn transition(from: impl Serialize, to: impl Serialize) -> MutationError {
    MutationError::IllegalTransition {
        from: wire_name(from),
        to: wire_name(to),
    }
}

/// The serde name of a unit enum value ("confirmed"), for messages.
fn wire_name(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => "?".to_owned(),
    }
}

/// Sets the fields `apply` owns on a new record: who made it, and the initial state.
fn stamp_new(record: &mut Entity, ctx: &ApplyContext<'_>) -> Result<(), MutationError> {
    let me = Some(ctx.actor.user_id.clone());
    match record {
        Entity::Task(task) => task.created_by = me,
        Entity::Feedback(feedback) => feedback.author = me,
        Entity::ConcernFlag(flag) => {
            flag.raised_by = me;
            if ctx.actor.role != Role::Staff {
                flag.state = crate::domain::ConcernState::Open;
                flag.assignee = None;
            }
        }
        Entity::MentoringSession(session) if session.state != SessionState::Scheduled => {
            return Err(MutationError::invalid(
                "state",
                "a new session starts as scheduled",
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Rules a new record must meet besides its own fields.
fn check_create_rules(
    view: &impl RecordView,
    ctx: &ApplyContext<'_>,
    id: &RecordId,
    record: &Entity,
) -> Result<(), MutationError> {
    let owner = match ctx.space {
        SpaceId::Student(owner) => Some(owner),
        _ => None,
    };
    match record {
        Entity::StudentProfile(_) if owner.map(|o| o.as_str()) != Some(id.as_str()) => Err(
            MutationError::invalid("id", "a student profile's id is the student's user id"),
        ),
        Entity::Placement(placement) => {
            if Some(&placement.student_id) != owner {
                return Err(MutationError::invalid(
                    "student_id",
                    "must be the student whose space this is",
                ));
            }
            if !matches!(
                placement.state,
                crate::domain::PlacementState::Proposed | crate::domain::PlacementState::Confirmed
            ) {
                return Err(MutationError::invalid(
                    "state",
                    "a new placement is proposed or confirmed",
                ));
            }
            Ok(())
        }
        Entity::Ranking(ranking) => {
            if view.list(RecordKind::Ranking).len() >= MAX_RANKINGS {
                return Err(MutationError::Rule(format!(
                    "you may rank at most {MAX_RANKINGS} positions"
                )));
            }
            check_unique_ranking(view, id, &ranking.position_id)
        }
        _ => Ok(()),
    }
}

fn check_unique_ranking(
    view: &impl RecordView,
    id: &RecordId,
    position: &RecordId,
) -> Result<(), MutationError> {
    let taken = view
        .list(RecordKind::Ranking)
        .into_iter()
        .any(|(other, entity)| {
            matches!(entity, Entity::Ranking(r) if &r.position_id == position) && &other != id
        });
    if taken {
        Err(MutationError::Rule(
            "you have already ranked this position".to_owned(),
        ))
    } else {
        Ok(())
    }
}
