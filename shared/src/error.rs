//! `MutationError`: why `apply` refused a mutation, as data.
//!
//! Every refusal is a stable code with structured parameters (no prose), so that the app can word
//! it in the reader's language and the Worker can send it in verdicts (`reason`). `Display` gives
//! the English sentence that also travels as the verdict's `message`, for clients that only show
//! text.

use serde::{Deserialize, Serialize};

use crate::domain::RecordKind;

/// Why a mutation was refused. Refusing changes nothing.
///
/// On the wire (`reason` of a rejected verdict) it is an object tagged by `code`, for example
/// `{"code":"invalid","field":"title","problem":{"too_long":{"length":250,"max":200}}}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MutationError {
    /// A field failed validation.
    #[error("{field} {problem}")]
    Invalid {
        /// The field's wire name.
        field: String,
        /// What is wrong with it.
        problem: Problem,
    },
    /// The record the mutation names does not exist (or was deleted).
    #[error("no {} with id {id}", kind.as_str())]
    NotFound {
        /// Its kind.
        kind: RecordKind,
        /// Its id.
        id: String,
    },
    /// A record with that id already exists.
    #[error("a {} with id {id} already exists", kind.as_str())]
    AlreadyExists {
        /// Its kind.
        kind: RecordKind,
        /// Its id.
        id: String,
    },
    /// The actor's role may not do this here.
    #[error("{denial}")]
    Forbidden {
        /// Which permission rule says no.
        denial: Denial,
    },
    /// The state machine does not allow this step.
    #[error("cannot go from {from} to {to}")]
    IllegalTransition {
        /// The current state (its wire name).
        from: String,
        /// The requested state (its wire name).
        to: String,
    },
    /// A rule of the program forbids it now (deadline passed, too many choices…).
    #[error("{rule}")]
    Rule {
        /// Which rule.
        rule: Rule,
    },
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Empty, or only spaces.
    #[error("is required")]
    Required,
    /// Longer than allowed (in characters).
    #[error("is {length} characters long; at most {max} are allowed")]
    TooLong {
        /// Its length.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// Holds control characters other than new lines and tabs.
    #[error("contains control characters")]
    ControlCharacters,
    /// Holds invisible characters that change how text reads or looks (bidirectional overrides,
    /// embeddings and isolates, zero-width spaces): refused in names and titles.
    #[error("contains invisible formatting characters")]
    InvisibleFormatting,
    /// Not an email address.
    #[error("is not an email address")]
    NotEmail,
    /// A list with too many entries.
    #[error("has more than {max} entries")]
    TooManyEntries {
        /// The limit.
        max: usize,
    },
    /// A year outside the range the program works with.
    #[error("year {year} is out of range")]
    YearOutOfRange {
        /// The year.
        year: i32,
    },
    /// A number outside its range.
    #[error("{value} is outside {min}–{max}")]
    OutOfRange {
        /// The value.
        value: u32,
        /// The smallest allowed.
        min: u32,
        /// The largest allowed.
        max: u32,
    },
    /// Not a well-formed id.
    #[error("is not a valid id")]
    NotAnId,
    /// Not an IANA time zone name.
    #[error("is not an IANA time zone name")]
    NotTimeZone,
    /// A visa route with no steps or too many.
    #[error("has 1–{max} steps")]
    StepCount {
        /// The most steps a route may have.
        max: usize,
    },
    /// More ranked positions than any cohort allows.
    #[error("at most {max} positions may be ranked")]
    TooManyChoices {
        /// The limit.
        max: usize,
    },
    /// The same position ranked twice.
    #[error("ranks the same position twice")]
    RankedTwice,
    /// A check-in code of the wrong shape.
    #[error("is 6–32 letters and digits")]
    BadCode,
    /// A patch of one kind sent for a record of another.
    #[error("a {} patch cannot change a {}", patch.as_str(), record.as_str())]
    WrongPatch {
        /// The patch's kind.
        patch: RecordKind,
        /// The record's kind.
        record: RecordKind,
    },
    /// A record kind that lives in another space.
    #[error("a {} does not belong in this space", kind.as_str())]
    WrongSpace {
        /// The kind.
        kind: RecordKind,
    },
    /// A kind that only its own action writes (rankings, attendance).
    #[error("a {} is written by its own action", kind.as_str())]
    OwnActionOnly {
        /// The kind.
        kind: RecordKind,
    },
    /// A field only its own action changes (a state, a `done` flag).
    #[error("cannot be changed by an update; use its own action")]
    Locked,
    /// A student profile's id must be the student's user id.
    #[error("must be the student's user id")]
    NotTheStudent,
    /// A new session starts as scheduled (or is a past session logged with notes).
    #[error("must be scheduled for a new session, or completed with notes for a past one")]
    NewSessionNotScheduled,
    /// A new placement is proposed or confirmed.
    #[error("must be proposed or confirmed for a new placement")]
    NewPlacementState,
    /// An end date before its start date.
    #[error("is before the start date")]
    EndsBeforeStart,
    /// Not a web address (`https://…` or `http://…`).
    #[error("must be a web address (https://…)")]
    NotWebAddress,
    /// A time that lies in the future.
    #[error("is in the future")]
    InFuture,
    /// A question named twice (in a template, or answered twice).
    #[error("question {number} comes twice")]
    QuestionTwice {
        /// The question's number, from 1.
        number: usize,
    },
    /// An answer to a question the template does not ask.
    #[error("answers a question the template does not ask")]
    UnknownQuestion,
    /// An answer of the wrong kind (a scale point out of 1–5, words for a yes/no question).
    #[error("question {number} has an answer of the wrong kind")]
    WrongAnswer {
        /// The question's number, from 1.
        number: usize,
    },
    /// A required question left unanswered.
    #[error("question {number} needs an answer")]
    Unanswered {
        /// The question's number, from 1.
        number: usize,
    },
    /// An outcome survey's template without its yes/no questions `employed` and `in_taiwan`.
    #[error("an outcome survey must ask `employed` and `in_taiwan` as yes/no questions")]
    OutcomeQuestions,
    /// An evaluation that names a template of another kind or version.
    #[error("names a template of another kind or version")]
    WrongTemplate,
    /// The server could not read the change at all (it was sent in a shape this server does not
    /// know, or with text that is not valid Unicode).
    #[error("could not be read: {detail}")]
    Unreadable {
        /// The parser's words (English, technical).
        detail: String,
    },
}

/// Which permission rule refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denial {
    /// The actor has no access to the space.
    #[error("you have no access to this space")]
    NoAccess,
    /// Only staff change the program space.
    #[error("only program staff change program data")]
    ProgramIsStaffOnly,
    /// Others may only raise a concern in the staff space.
    #[error("you may only raise a concern here")]
    ConcernsOnly,
    /// Placements are made by staff.
    #[error("placements are made by program staff")]
    PlacementsByStaff,
    /// A profile cannot be deleted.
    #[error("a profile cannot be deleted")]
    ProfileNotDeleted,
    /// Sessions are cancelled, not deleted.
    #[error("sessions are cancelled, not deleted")]
    SessionsCancelledNotDeleted,
    /// Feedback belongs to its author.
    #[error("you may only change your own feedback")]
    OwnFeedbackOnly,
    /// Mentors change only what they added.
    #[error("mentors may only change what they added")]
    MentorOwnOnly,
    /// Mentors may not change this kind of record.
    #[error("mentors may not change this")]
    MentorMayNot,
    /// Summaries are derived by the server.
    #[error("student summaries are kept by the server")]
    SummariesByServer,
    /// Mentors raise concerns about their current mentees only.
    #[error("mentors raise concerns about their current mentees only")]
    NotYourMentee,
    /// Staff handle pair-health flags.
    #[error("program staff handle pair-health flags")]
    FlagsByStaff,
    /// Only the student, their mentor in it or staff end a placement.
    #[error("only the student, their mentor or program staff end a placement")]
    NotYourPlacement,
    /// Last-active records are written by the server when someone's app syncs.
    #[error("when someone was last active is recorded by the server")]
    ActivityByServer,
    /// An evaluation is final once answered.
    #[error("an evaluation cannot be changed once it is answered")]
    EvaluationsFinal,
    /// Evaluations are answered by the person they are for.
    #[error("this evaluation is answered by the placement's mentor or the student it is for")]
    NotYourEvaluation,
    /// An inbox dismissal belongs to the person who made it.
    #[error("only the person who dismissed an inbox item may change or delete that")]
    OwnDismissalsOnly,
}

/// Which program rule refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The student ranks for a cohort they are not in.
    #[error("you are in another cohort than {cohort}")]
    OtherCohort {
        /// The cohort's name.
        cohort: String,
    },
    /// More choices than the cohort allows.
    #[error("{cohort} allows at most {max} choices")]
    TooManyChoices {
        /// The cohort's name.
        cohort: String,
        /// Its limit.
        max: u8,
    },
    /// The ranking deadline has passed.
    #[error("the ranking deadline of {cohort} passed at {} UTC", deadline.format("%Y-%m-%d %H:%M"))]
    DeadlinePassed {
        /// The cohort's name.
        cohort: String,
        /// When it passed.
        deadline: chrono::DateTime<chrono::Utc>,
    },
    /// A position of another cohort.
    #[error("“{position}” is offered to another cohort")]
    PositionOfOtherCohort {
        /// The position's title.
        position: String,
    },
    /// A closed position.
    #[error("“{position}” is closed")]
    PositionClosed {
        /// The position's title.
        position: String,
    },
    /// Check-in outside the workshop's window.
    #[error(
        "check-in for “{workshop}” is open from two hours before it starts until two hours after \
         it ends"
    )]
    CheckInClosed {
        /// The workshop's title.
        workshop: String,
    },
    /// Logging a session that has not begun yet.
    #[error("this session starts at {} UTC and cannot be logged before then", starts_at.format("%Y-%m-%d %H:%M"))]
    SessionNotStarted {
        /// When it starts.
        starts_at: chrono::DateTime<chrono::Utc>,
    },
    /// A check-in code of another workshop.
    #[error("this check-in code does not belong to this workshop")]
    WrongCheckInCode,
    /// A session's time is fixed once it is logged or cancelled or has feedback.
    #[error(
        "this session's time can no longer change: it was logged or cancelled, or has feedback"
    )]
    SessionTimeFixed,
    /// Feedback on a session that has not taken place yet.
    #[error("feedback can be given once the session has taken place")]
    FeedbackBeforeSession,
    /// The space holds as many records as it may.
    #[error("this space holds {max} records, as many as it may; delete some first")]
    SpaceFull {
        /// The cap.
        max: u64,
    },
    /// Too many of the raiser's concerns are still open.
    #[error("you already have {max} open concerns; staff will answer them first")]
    TooManyOpenConcerns {
        /// The limit.
        max: u32,
    },
}

impl MutationError {
    /// A validation failure of one field.
    pub fn invalid(field: &str, problem: Problem) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            problem,
        }
    }

    /// A permission refusal.
    pub fn forbidden(denial: Denial) -> Self {
        Self::Forbidden { denial }
    }

    /// A program rule's refusal.
    pub fn rule(rule: Rule) -> Self {
        Self::Rule { rule }
    }

    /// The stable machine-readable code for verdicts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid",
            Self::NotFound { .. } => "not_found",
            Self::AlreadyExists { .. } => "already_exists",
            Self::Forbidden { .. } => "forbidden",
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::Rule { .. } => "rule",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_travel_as_tagged_objects_and_read_back() {
        let cases = [
            MutationError::invalid(
                "title",
                Problem::TooLong {
                    length: 250,
                    max: 200,
                },
            ),
            MutationError::invalid("title", Problem::Required),
            MutationError::forbidden(Denial::MentorOwnOnly),
            MutationError::rule(Rule::PositionClosed {
                position: "Data intern".into(),
            }),
            MutationError::NotFound {
                kind: RecordKind::Task,
                id: "t-1".into(),
            },
            MutationError::IllegalTransition {
                from: "cancelled".into(),
                to: "completed".into(),
            },
        ];
        for error in cases {
            let json = serde_json::to_value(&error).expect("serializes");
            assert_eq!(json["code"], error.code());
            let back: MutationError = serde_json::from_value(json).expect("reads back");
            assert_eq!(back, error);
        }
        let json = serde_json::to_string(&MutationError::invalid(
            "title",
            Problem::TooLong {
                length: 250,
                max: 200,
            },
        ))
        .expect("serializes");
        assert_eq!(
            json,
            r#"{"code":"invalid","field":"title","problem":{"too_long":{"length":250,"max":200}}}"#
        );
    }

    #[test]
    fn english_text_stays_as_before() {
        assert_eq!(
            MutationError::invalid("title", Problem::Required).to_string(),
            "title is required"
        );
        assert_eq!(
            MutationError::IllegalTransition {
                from: "cancelled".into(),
                to: "completed".into()
            }
            .to_string(),
            "cannot go from cancelled to completed"
        );
    }
}
