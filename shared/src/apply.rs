//! The one deterministic `apply`: runs a mutation against a space's records and returns the changes.
//!
//! The client runs it optimistically on its view, the server authoritatively on its records. It
//! reads only the view and its arguments, so the same inputs always give the same changes (I5).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    ApplicationStage, CheckinCode, Entity, EntityPatch, MentoringSession, Placement,
    PlacementState, Ranking, RankingChoice, RecordKind, Role, SessionState, SpaceKind, Workshop,
};
use crate::error::{Denial, MutationError, Problem, Rule};
use crate::ids::{RecordId, SpaceId, UserId};
use crate::mutation::Mutation;
use crate::permissions::{may_write, space_access, Actor, SpaceAccess, WriteOp};

/// Check-in opens this many minutes before a workshop starts…
pub const CHECKIN_OPENS_BEFORE_MINUTES: i64 = 120;
/// …and closes this many minutes after it ends.
pub const CHECKIN_CLOSES_AFTER_MINUTES: i64 = 120;
/// How far ahead of the judging clock a device's check-in time may be (clock skew).
pub const CLOCK_SKEW_MINUTES: i64 = 10;

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
#[derive(Clone, Copy)]
pub struct ApplyContext<'a> {
    /// Who runs it.
    pub actor: &'a Actor,
    /// In which space.
    pub space: &'a SpaceId,
    /// The time to judge deadlines by (the server's clock on the server).
    pub now: DateTime<Utc>,
    /// Records of the program space a rule needs (a cohort's deadline, a position, a workshop).
    /// The Worker supplies the ones a push refers to; `None` skips those checks, as the client
    /// does when it replays its outbox, so a queued change stays visible until the server judges.
    pub program: Option<&'a dyn RecordView>,
    /// Records of the staff space a rule needs (a workshop's check-in code); the same rule.
    pub staff: Option<&'a dyn RecordView>,
}

impl<'a> ApplyContext<'a> {
    /// A context with no records from other spaces: the rules that need them are skipped.
    pub fn new(actor: &'a Actor, space: &'a SpaceId, now: DateTime<Utc>) -> Self {
        Self {
            actor,
            space,
            now,
            program: None,
            staff: None,
        }
    }
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

/// The records of type `T` in a view, by id (`typed::<Task>(&view)`).
pub fn typed<T: crate::domain::Record>(view: &impl RecordView) -> Vec<(RecordId, T)> {
    view.list(T::KIND)
        .into_iter()
        .filter_map(|(id, entity)| T::from_entity(entity).map(|record| (id, record)))
        .collect()
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

/// What a mutation does, judged without looking at the record (for actors who may not see it).
fn blind_op(mutation: &Mutation) -> WriteOp {
    match mutation {
        Mutation::Create { .. }
        | Mutation::CheckIn { .. }
        | Mutation::SetRankings { .. }
        | Mutation::RsvpWorkshop { .. } => WriteOp::Create,
        Mutation::Delete { .. } => WriteOp::Delete,
        _ => WriteOp::Change,
    }
}

/// Fields that only `apply` or a named transition may set, never a patch; and fields only staff
/// set (a student's cohort, which decides the matching round they rank in).
fn locked_fields(kind: RecordKind, role: Role) -> &'static [&'static str] {
    match kind {
        RecordKind::StudentProfile if role != Role::Staff => &["cohort_year"],
        RecordKind::Task => &["created_by"],
        RecordKind::InboxDismissal => &["user_id"],
        RecordKind::EvaluationTemplate => &["kind", "version", "questions"],
        RecordKind::Evaluation => &[
            "placement_id",
            "kind",
            "template_id",
            "template_version",
            "answers",
            "author",
            "submitted_at",
        ],
        RecordKind::Feedback => &["author", "session_id"],
        RecordKind::ConcernFlag => &["raised_by", "raised_at", "student_id"],
        RecordKind::Placement => &[
            "state",
            "student_id",
            "started_at",
            "end_reason",
            "ended_by",
            "ended_at",
        ],
        RecordKind::MentoringSession => &["state"],
        RecordKind::JobApplication => &["stage"],
        // Counted by the server from the students' answers (`summary::count_going`).
        RecordKind::Workshop => &["going"],
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
        return Err(MutationError::invalid("id", Problem::NotAnId));
    }
    let space_kind = SpaceKind::of(ctx.space);
    if kind.space_kind() != space_kind {
        return Err(MutationError::invalid("kind", Problem::WrongSpace { kind }));
    }
    let access = access_in(view, ctx.actor, ctx.space);
    if !access.can_read() {
        // Someone who cannot read the space (a student or mentor in the write-only staff space)
        // learns nothing of its records: permission is judged before whether the record exists,
        // so `already_exists` / `not_found` answer only what they were allowed to do anyway.
        may_write(ctx.actor, ctx.space, access, kind, blind_op(mutation), None)?;
    }
    let existing = view.get(kind, id);
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

    if kind == RecordKind::StudentSummary {
        return Err(MutationError::forbidden(Denial::SummariesByServer));
    }
    if kind == RecordKind::Activity {
        return Err(MutationError::forbidden(Denial::ActivityByServer));
    }
    let own_action_only = matches!(kind, RecordKind::Ranking | RecordKind::Attendance)
        && ctx.actor.role != Role::Staff;
    if own_action_only && matches!(mutation, Mutation::Create { .. } | Mutation::Update { .. }) {
        return Err(MutationError::invalid(
            "kind",
            Problem::OwnActionOnly { kind },
        ));
    }

    // The nine mutations of one existing record start alike: it must exist, and the actor may do
    // `op` to it, judged on the record as it is.
    let existing_for = |existing: Option<Entity>, op: WriteOp| -> Result<Entity, MutationError> {
        let entity = existing.ok_or_else(|| MutationError::NotFound {
            kind,
            id: id.to_string(),
        })?;
        may_write(ctx.actor, ctx.space, access, kind, op, Some(&entity))?;
        Ok(entity)
    };
    // Seven of them then change the record in place when it is the `$variant` they are for (a
    // `?` in `$edit` refuses the mutation), and write it back.
    macro_rules! edit {
        ($variant:path, |$record:ident| $edit:expr) => {{
            let mut entity = existing_for(existing, WriteOp::Change)?;
            if let $variant($record) = &mut entity {
                $edit;
            }
            write(entity)
        }};
    }

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
            let entity = existing_for(existing, WriteOp::Change)?;
            write(patched(view, ctx.actor.role, kind, id, patch, entity)?)
        }
        Mutation::Delete { .. } => {
            existing_for(existing, WriteOp::Delete).map(|_| vec![Change { key, record: None }])
        }
        Mutation::SetPlacementState { state, .. } => edit!(Entity::Placement, |placement| {
            advance(&mut placement.state, *state, PlacementState::can_become)?;
            if placement.state == PlacementState::Active && placement.started_at.is_none() {
                placement.started_at = Some(ctx.now);
            }
        }),
        Mutation::EndPlacement { reason, .. } => {
            // The student, the placement's own mentor, or staff: judged before existence for
            // anyone who cannot push here.
            if ctx.actor.role != Role::Staff && !access.can_push() {
                return Err(MutationError::forbidden(Denial::NoAccess));
            }
            let Some(Entity::Placement(mut placement)) = existing else {
                return Err(MutationError::NotFound {
                    kind,
                    id: id.to_string(),
                });
            };
            let theirs = match ctx.actor.role {
                Role::Staff => true,
                Role::Student => placement.student_id == ctx.actor.user_id,
                Role::Mentor => placement.mentor_id == ctx.actor.user_id,
            };
            if !theirs {
                return Err(MutationError::forbidden(Denial::NotYourPlacement));
            }
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(MutationError::invalid("reason", Problem::Required));
            }
            advance(
                &mut placement.state,
                PlacementState::EndedEarly,
                PlacementState::can_become,
            )?;
            placement.end_reason = reason.to_owned();
            placement.ended_by = Some(ctx.actor.user_id.clone());
            placement.ended_at = Some(ctx.now);
            write(Entity::Placement(placement))
        }
        Mutation::SetTaskDone { done, .. } => edit!(Entity::Task, |task| task.done = *done),
        Mutation::LogSession {
            notes, next_steps, ..
        } => edit!(Entity::MentoringSession, |session| {
            log_session(session, ctx.now, notes, next_steps)?
        }),
        Mutation::CancelSession { .. } => edit!(Entity::MentoringSession, |session| {
            advance(&mut session.state, SessionState::Cancelled, |from, _| {
                from == SessionState::Scheduled
            })?
        }),
        Mutation::RsvpWorkshop { going, .. } => {
            let op = if existing.is_some() {
                WriteOp::Change
            } else {
                WriteOp::Create
            };
            may_write(ctx.actor, ctx.space, access, kind, op, existing.as_ref())?;
            write(Entity::Rsvp(crate::domain::Rsvp { going: *going }))
        }
        Mutation::MoveApplication { stage, .. } => edit!(Entity::JobApplication, |application| {
            advance(&mut application.stage, *stage, ApplicationStage::can_become)?
        }),
        Mutation::SetVisaStepState { state, .. } => {
            edit!(Entity::VisaStep, |step| step.state = *state)
        }
        Mutation::SetRankings { choices, .. } => {
            let op = if existing.is_some() {
                WriteOp::Change
            } else {
                WriteOp::Create
            };
            may_write(ctx.actor, ctx.space, access, kind, op, existing.as_ref())?;
            write(Entity::Ranking(ranking_for(view, ctx, id, choices)?))
        }
        Mutation::CheckIn { code, at, .. } => {
            may_write(ctx.actor, ctx.space, access, kind, WriteOp::Create, None)?;
            if existing.is_some() {
                // Scanning twice is harmless: the first check-in stands.
                return Ok(Vec::new());
            }
            check_check_in(ctx, id, code, *at)?;
            write(Entity::Attendance(crate::domain::Attendance {
                checked_in_at: *at,
            }))
        }
        Mutation::SetConcernState { state, .. } => {
            edit!(Entity::ConcernFlag, |flag| flag.state = *state)
        }
    }
}

/// `entity` with `patch` applied: refused when the patch names a field locked for `role`, or
/// moves a session that took place.
fn patched(
    view: &impl RecordView,
    role: Role,
    kind: RecordKind,
    id: &RecordId,
    patch: &EntityPatch,
    mut entity: Entity,
) -> Result<Entity, MutationError> {
    let locked: Vec<&str> = patch
        .fields()
        .into_iter()
        .filter(|field| locked_fields(kind, role).contains(field))
        .collect();
    if let Some(field) = locked.first() {
        return Err(MutationError::invalid(field, Problem::Locked));
    }
    if let Entity::MentoringSession(session) = &entity {
        let moves = patch.fields().contains(&"starts_at");
        if moves && (session.state != SessionState::Scheduled || has_feedback(view, id)) {
            // The reveal rule counts a week from the start: a session that took place
            // cannot be moved back to reveal the other side's feedback early.
            return Err(MutationError::rule(Rule::SessionTimeFixed));
        }
    }
    patch.clone().apply_to(&mut entity)?;
    Ok(entity)
}

/// Moves `state` to `next` where `can_become` allows it; otherwise refuses the transition.
fn advance<S: Copy + Serialize>(
    state: &mut S,
    next: S,
    can_become: fn(S, S) -> bool,
) -> Result<(), MutationError> {
    if !can_become(*state, next) {
        return Err(transition(*state, next));
    }
    *state = next;
    Ok(())
}

/// Logs what happened in a session: one that was not cancelled and has begun, with notes.
fn log_session(
    session: &mut MentoringSession,
    now: DateTime<Utc>,
    notes: &str,
    next_steps: &str,
) -> Result<(), MutationError> {
    if session.state == SessionState::Cancelled {
        return Err(transition(session.state, SessionState::Completed));
    }
    // Only a session that has begun can be logged, and a log says what happened.
    if session.starts_at > now {
        return Err(MutationError::rule(Rule::SessionNotStarted {
            starts_at: session.starts_at,
        }));
    }
    if notes.trim().is_empty() {
        return Err(MutationError::invalid("notes", Problem::Required));
    }
    session.notes = notes.to_owned();
    session.next_steps = next_steps.to_owned();
    session.state = SessionState::Completed;
    Ok(())
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
        Entity::InboxDismissal(dismissal) => dismissal.user_id = ctx.actor.user_id.clone(),
        Entity::Feedback(feedback) => feedback.author = me,
        Entity::Evaluation(evaluation) => {
            evaluation.author = me;
            evaluation.submitted_at = Some(ctx.now);
        }
        // Nobody has answered a new workshop yet; the server counts the answers from then on.
        Entity::Workshop(workshop) => workshop.going = 0,
        // A placement starts when it becomes active, never at creation, and has not ended.
        Entity::Placement(placement) => {
            placement.started_at = None;
            placement.end_reason = String::new();
            placement.ended_by = None;
            placement.ended_at = None;
        }
        Entity::ConcernFlag(flag) => {
            flag.raised_by = me;
            flag.raised_at = Some(ctx.now);
            if ctx.actor.role == Role::Student {
                // A student's concern is about themselves, whoever the change names.
                flag.student_id = ctx.actor.user_id.clone();
            }
            if ctx.actor.role != Role::Staff {
                flag.state = crate::domain::ConcernState::Open;
                flag.assignee = None;
                flag.notes = String::new();
            }
        }
        // A new session is scheduled, or a past one logged at once ("log a past session"):
        // completed, begun by now, with notes.
        Entity::MentoringSession(session) if session.state != SessionState::Scheduled => {
            let logged_past = session.state == SessionState::Completed
                && session.starts_at <= ctx.now
                && !session.notes.trim().is_empty();
            if !logged_past {
                return Err(MutationError::invalid(
                    "state",
                    Problem::NewSessionNotScheduled,
                ));
            }
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
        Entity::StudentProfile(_) if owner.map(|o| o.as_str()) != Some(id.as_str()) => {
            Err(MutationError::invalid("id", Problem::NotTheStudent))
        }
        // A profile (and so the cohort the student ranks in) is started by staff's invite.
        Entity::StudentProfile(_) if ctx.actor.role != Role::Staff => {
            Err(MutationError::invalid("cohort_year", Problem::Locked))
        }
        Entity::Feedback(feedback) => {
            match view.get(RecordKind::MentoringSession, &feedback.session_id) {
                Some(Entity::MentoringSession(session)) if session.starts_at > ctx.now => {
                    Err(MutationError::rule(Rule::FeedbackBeforeSession))
                }
                Some(Entity::MentoringSession(_)) => Ok(()),
                _ => Err(MutationError::NotFound {
                    kind: RecordKind::MentoringSession,
                    id: feedback.session_id.to_string(),
                }),
            }
        }
        Entity::EvaluationTemplate(template)
            if *id != crate::evaluation::template_id(template.kind, template.version) =>
        {
            Err(MutationError::invalid("id", Problem::NotAnId))
        }
        Entity::Evaluation(evaluation) => check_evaluation(view, ctx, id, evaluation),
        Entity::ConcernFlag(_)
            if open_concerns_raised_by(view, &ctx.actor.user_id) >= MAX_OPEN_CONCERNS
                && ctx.actor.role != Role::Staff =>
        {
            // On the server the view is the whole staff space; a client that cannot read it
            // counts none, and the server judges.
            Err(MutationError::rule(Rule::TooManyOpenConcerns {
                max: MAX_OPEN_CONCERNS,
            }))
        }
        Entity::ConcernFlag(flag) if ctx.actor.role == Role::Mentor => {
            // A mentor raises concerns about their current mentees only: judged by the server
            // with the student's summary it reads itself (a mentor's client has none).
            match ctx.staff {
                Some(staff) if !is_current_mentee(staff, &flag.student_id, &ctx.actor.user_id) => {
                    Err(MutationError::forbidden(Denial::NotYourMentee))
                }
                _ => Ok(()),
            }
        }
        Entity::Placement(placement) => {
            if Some(&placement.student_id) != owner {
                return Err(MutationError::invalid("student_id", Problem::NotTheStudent));
            }
            if !matches!(
                placement.state,
                crate::domain::PlacementState::Proposed | crate::domain::PlacementState::Confirmed
            ) {
                return Err(MutationError::invalid("state", Problem::NewPlacementState));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A new evaluation: its id is the placement's for its kind, the placement is in this space, the
/// actor is the one who answers it (the placement's mentor, or the student; staff may enter
/// either), and the answers fit the template it names (the Worker supplies the program's template;
/// a built-in one is always known).
fn check_evaluation(
    view: &impl RecordView,
    ctx: &ApplyContext<'_>,
    id: &RecordId,
    evaluation: &crate::domain::Evaluation,
) -> Result<(), MutationError> {
    use crate::evaluation::{built_in_named, check_answers, evaluation_id};
    if *id != evaluation_id(evaluation.kind, &evaluation.placement_id) {
        return Err(MutationError::invalid("id", Problem::NotAnId));
    }
    let placement = match view.get(RecordKind::Placement, &evaluation.placement_id) {
        Some(Entity::Placement(placement)) => placement,
        _ => {
            return Err(MutationError::NotFound {
                kind: RecordKind::Placement,
                id: evaluation.placement_id.to_string(),
            })
        }
    };
    let answers_it = match (ctx.actor.role, evaluation.kind.answered_by()) {
        (Role::Staff, _) => true,
        (Role::Mentor, Role::Mentor) => placement.mentor_id == ctx.actor.user_id,
        (Role::Student, Role::Student) => placement.student_id == ctx.actor.user_id,
        _ => false,
    };
    if !answers_it {
        return Err(MutationError::forbidden(Denial::NotYourEvaluation));
    }
    let stored = ctx
        .program
        .and_then(|program| program.get(RecordKind::EvaluationTemplate, &evaluation.template_id));
    let template = match stored {
        Some(Entity::EvaluationTemplate(template)) => Some(template),
        _ => built_in_named(&evaluation.template_id),
    };
    match template {
        Some(template)
            if template.kind != evaluation.kind
                || template.version != evaluation.template_version =>
        {
            Err(MutationError::invalid(
                "template_id",
                Problem::WrongTemplate,
            ))
        }
        Some(template) => check_answers(&template, &evaluation.answers),
        // The client replaying its outbox has no program records: the server judges.
        None if ctx.program.is_none() => Ok(()),
        None => Err(MutationError::NotFound {
            kind: RecordKind::EvaluationTemplate,
            id: evaluation.template_id.to_string(),
        }),
    }
}

/// The most concerns one student or mentor may have open (not resolved) in the staff space.
pub const MAX_OPEN_CONCERNS: u32 = 20;

/// How many concerns `raiser` raised that are not resolved.
fn open_concerns_raised_by(view: &impl RecordView, raiser: &UserId) -> u32 {
    let open = view
        .list(RecordKind::ConcernFlag)
        .into_iter()
        .filter(|(_, entity)| {
            matches!(entity, Entity::ConcernFlag(flag)
                if flag.raised_by.as_ref() == Some(raiser)
                    && flag.state != crate::domain::ConcernState::Resolved)
        })
        .count();
    u32::try_from(open).unwrap_or(u32::MAX)
}

/// Whether any feedback in the view is about this session.
fn has_feedback(view: &impl RecordView, session: &RecordId) -> bool {
    view.list(RecordKind::Feedback)
        .iter()
        .any(|(_, entity)| matches!(entity, Entity::Feedback(feedback) if feedback.session_id == *session))
}

/// Whether the staff space's summary of `student` names `mentor` on a placement that grants
/// access (confirmed or active).
fn is_current_mentee(staff: &dyn RecordView, student: &UserId, mentor: &UserId) -> bool {
    match staff.get(RecordKind::StudentSummary, &RecordId(student.to_string())) {
        Some(Entity::StudentSummary(summary)) => summary.placements.iter().any(|placement| {
            placement.mentor_id == *mentor && placement.state.grants_mentor_access()
        }),
        _ => false,
    }
}

/// The ranking `SetRankings` writes, after the cohort's rules: the student's own cohort, at most
/// its `max_rankings` choices, open positions of that cohort, and (for students) before the
/// deadline. Uniqueness and lengths are checked by the record's validation.
fn ranking_for(
    view: &impl RecordView,
    ctx: &ApplyContext<'_>,
    cohort_id: &RecordId,
    choices: &[RankingChoice],
) -> Result<Ranking, MutationError> {
    let profile_year = match ctx.space {
        SpaceId::Student(owner) => view
            .get(RecordKind::StudentProfile, &RecordId(owner.to_string()))
            .and_then(|entity| match entity {
                Entity::StudentProfile(profile) => Some(profile.cohort_year),
                _ => None,
            }),
        _ => None,
    };
    let Some(program) = ctx.program else {
        // No program records at hand (replaying the outbox): keep what the student wrote and let
        // the server judge. The year comes from the profile, else from the cohort id's digits.
        let cohort_year = profile_year
            .or_else(|| {
                cohort_id
                    .as_str()
                    .rsplit('-')
                    .next()
                    .and_then(|digits| digits.parse().ok())
            })
            .unwrap_or(0);
        return Ok(Ranking {
            cohort_year,
            choices: choices.to_vec(),
        });
    };
    let Some(Entity::Cohort(cohort)) = program.get(RecordKind::Cohort, cohort_id) else {
        return Err(MutationError::NotFound {
            kind: RecordKind::Cohort,
            id: cohort_id.to_string(),
        });
    };
    // The cohort is the profile's, which only staff set; a student without one ranks nowhere.
    let not_staff = ctx.actor.role != Role::Staff;
    if profile_year.is_some_and(|year| year != cohort.year) || (not_staff && profile_year.is_none())
    {
        return Err(MutationError::rule(Rule::OtherCohort {
            cohort: cohort.name.clone(),
        }));
    }
    if choices.len() > usize::from(cohort.max_rankings) {
        return Err(MutationError::rule(Rule::TooManyChoices {
            cohort: cohort.name.clone(),
            max: cohort.max_rankings,
        }));
    }
    if ctx.actor.role != Role::Staff {
        if let Some(deadline) = cohort.ranking_deadline {
            if ctx.now > deadline {
                return Err(MutationError::rule(Rule::DeadlinePassed {
                    cohort: cohort.name.clone(),
                    deadline,
                }));
            }
        }
    }
    // A position closed after the student ranked it may stay while they edit the rest; it can
    // never be added anew.
    let already_ranked = |position: &RecordId| {
        matches!(
            view.get(RecordKind::Ranking, cohort_id),
            Some(Entity::Ranking(ranking))
                if ranking.choices.iter().any(|choice| &choice.position_id == position)
        )
    };
    for choice in choices {
        match program.get(RecordKind::Position, &choice.position_id) {
            Some(Entity::Position(position)) if position.cohort_year != cohort.year => {
                return Err(MutationError::rule(Rule::PositionOfOtherCohort {
                    position: position.title.clone(),
                }));
            }
            Some(Entity::Position(position))
                if !position.open && !already_ranked(&choice.position_id) =>
            {
                return Err(MutationError::rule(Rule::PositionClosed {
                    position: position.title.clone(),
                }));
            }
            Some(Entity::Position(_)) => {}
            _ => {
                return Err(MutationError::NotFound {
                    kind: RecordKind::Position,
                    id: choice.position_id.to_string(),
                })
            }
        }
    }
    Ok(Ranking {
        cohort_year: cohort.year,
        choices: choices.to_vec(),
    })
}

/// When check-in for a workshop opens and closes: [`CHECKIN_OPENS_BEFORE_MINUTES`] before it
/// starts until [`CHECKIN_CLOSES_AFTER_MINUTES`] after it ends.
pub fn checkin_window(workshop: &Workshop) -> (DateTime<Utc>, DateTime<Utc>) {
    let opens = workshop.starts_at - TimeDelta::minutes(CHECKIN_OPENS_BEFORE_MINUTES);
    let closes = workshop.starts_at
        + TimeDelta::minutes(i64::from(workshop.duration_minutes) + CHECKIN_CLOSES_AFTER_MINUTES);
    (opens, closes)
}

/// Checks a workshop check-in against the workshop's time and its code, where those records are
/// at hand (the Worker supplies both; a client has the workshop but never the code).
fn check_check_in(
    ctx: &ApplyContext<'_>,
    workshop_id: &RecordId,
    code: &str,
    at: DateTime<Utc>,
) -> Result<(), MutationError> {
    if at > ctx.now + TimeDelta::minutes(CLOCK_SKEW_MINUTES) {
        return Err(MutationError::invalid("at", Problem::InFuture));
    }
    if let Some(program) = ctx.program {
        let Some(Entity::Workshop(workshop)) = program.get(RecordKind::Workshop, workshop_id)
        else {
            return Err(MutationError::NotFound {
                kind: RecordKind::Workshop,
                id: workshop_id.to_string(),
            });
        };
        let (opens, closes) = checkin_window(&workshop);
        if at < opens || at > closes {
            return Err(MutationError::rule(Rule::CheckInClosed {
                workshop: workshop.title.clone(),
            }));
        }
    }
    if let Some(staff) = ctx.staff {
        let matches = matches!(
            staff.get(RecordKind::CheckinCode, workshop_id),
            Some(Entity::CheckinCode(CheckinCode { code: expected })) if expected == code
        );
        if !matches {
            return Err(MutationError::rule(Rule::WrongCheckInCode));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EntityPatch, Workshop, WorkshopPatch};
    use chrono::TimeZone;

    fn workshop(going: u32) -> Entity {
        Entity::Workshop(Workshop {
            title: "CV clinic".to_owned(),
            starts_at: Utc
                .with_ymd_and_hms(2026, 3, 1, 2, 0, 0)
                .single()
                .unwrap_or_default(),
            duration_minutes: 90,
            place: "Room 101".to_owned(),
            capacity: 40,
            going,
        })
    }

    #[test]
    fn the_going_count_is_the_servers_alone() {
        let staff = Actor {
            user_id: UserId::from("staff-1"),
            role: Role::Staff,
        };
        let now = Utc
            .with_ymd_and_hms(2026, 5, 4, 10, 0, 0)
            .single()
            .expect("a fixed clock");
        let ctx = ApplyContext::new(&staff, &SpaceId::Program, now);
        let mut view = MemoryRecords::default();
        let id = RecordId("w-1".to_owned());
        // A create that names a count starts at 0 all the same (as `created_by` is the actor's).
        let created = apply(
            &view,
            &ctx,
            &Mutation::Create {
                id: id.clone(),
                record: workshop(12),
            },
        );
        let Ok(created) = created else {
            panic!("staff create a workshop: {created:?}");
        };
        assert_eq!(
            created.first().and_then(|c| c.record.clone()),
            Some(workshop(0))
        );
        view.write(&created);
        // An update that sets it is refused, even by staff; other fields still change.
        let set_going = Mutation::Update {
            id: id.clone(),
            patch: EntityPatch::Workshop(WorkshopPatch {
                going: Some(3),
                ..WorkshopPatch::default()
            }),
        };
        assert_eq!(
            apply(&view, &ctx, &set_going),
            Err(MutationError::invalid("going", Problem::Locked))
        );
        let retitle = Mutation::Update {
            id,
            patch: EntityPatch::Workshop(WorkshopPatch {
                capacity: Some(60),
                ..WorkshopPatch::default()
            }),
        };
        assert!(apply(&view, &ctx, &retitle).is_ok());
    }
}
