//! Pair health: signs that a mentoring pair is drifting, each with its reason, computed from the
//! student's records in two steps so mentors and staff see the same flags:
//!
//! 1. [`facts`] reduces a student's space to the few dated facts the rules need ([`PairFacts`]).
//!    Mentors compute them from the mentee's space they sync; the server puts them into the
//!    student's summary for staff, who do not sync student spaces.
//! 2. [`flags`] turns facts into flags at a given moment, so a flag appears when its time comes
//!    even if nothing was written.
//!
//! The rules (each flag says which, with its dates):
//! - no first session [`FIRST_SESSION_DAYS`] days after the placement became active;
//! - no session held for [`QUIET_DAYS`] days (after a first one);
//! - feedback of 1 or 2 on a session of the last [`QUIET_DAYS`] days;
//! - only one side answered on a session whose week to answer is over (of the last
//!   [`QUIET_DAYS`] days);
//! - visa steps overdue (high: a missed immigration deadline can cost the right to stay);
//! - tasks overdue by more than [`TASK_GRACE_DAYS`] days;
//! - the student not active in the app for [`INACTIVE_DAYS`] days (counted from their last
//!   activity in their space, an [`Activity`] record the server writes when their app syncs, to
//!   the start of that day in UTC; or from the placement's start when that is later).
//!
//! Only an active placement is watched; a pair that ended has nothing to flag. Pure and tested on
//! tables of situations in `shared/tests/health.rs`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Activity, Feedback, FlagReview, FlagReviewState, MentoringSession, Placement, PlacementState,
    SessionState, Task, VisaStep,
};
use crate::feedback::{reveal_at, session_end};
use crate::glance::step_open;
use crate::ids::{RecordId, UserId};

/// Days from the start of a placement to its first session before it is flagged.
pub const FIRST_SESSION_DAYS: i64 = 14;
/// Days without a session (or with a low rating) that count.
pub const QUIET_DAYS: i64 = 30;
/// Days a task may be overdue before it is flagged.
pub const TASK_GRACE_DAYS: i64 = 7;
/// Days a student may go without using the app during a placement before it is flagged.
pub const INACTIVE_DAYS: i64 = 21;
/// The highest rating that counts as low.
pub const LOW_RATING: u8 = 2;

/// What the rules need to know about a student's pair, reduced from their space.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PairFacts {
    /// The active placement's mentor and when it became active (none: nothing to watch).
    #[serde(default)]
    pub active: Option<ActivePair>,
    /// When the latest held (completed) session started.
    #[serde(default)]
    pub last_session: Option<DateTime<Utc>>,
    /// Held sessions with a rating of 1 or 2 from either side: when each started, lowest rating.
    #[serde(default)]
    pub low_ratings: Vec<(DateTime<Utc>, u8)>,
    /// Held sessions where exactly one side answered: when each started, and when the other
    /// side's time to answer ended.
    #[serde(default)]
    pub one_sided: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Due dates of open visa steps.
    #[serde(default)]
    pub visa_due: Vec<NaiveDate>,
    /// Due dates of open tasks.
    #[serde(default)]
    pub tasks_due: Vec<NaiveDate>,
    /// Staff's reviews of flags, by rule (the review's record id).
    #[serde(default)]
    pub reviews: Vec<(RecordId, FlagReview)>,
    /// The student's last activity in the app, to the start of that day in UTC (so the summary
    /// staff read changes at most once a day).
    #[serde(default)]
    pub last_active: Option<DateTime<Utc>>,
}

/// An active placement, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivePair {
    /// The mentor.
    pub mentor_id: UserId,
    /// When it became active (unknown for placements made active before this was recorded).
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
}

/// The records of a student's space the facts come from.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairRecords<'a> {
    /// The student.
    pub student: Option<&'a UserId>,
    /// Placements.
    pub placements: &'a [(RecordId, Placement)],
    /// Mentoring sessions.
    pub sessions: &'a [(RecordId, MentoringSession)],
    /// Feedback on them.
    pub feedback: &'a [(RecordId, Feedback)],
    /// Tasks.
    pub tasks: &'a [(RecordId, Task)],
    /// Visa checklist steps.
    pub visa_steps: &'a [(RecordId, VisaStep)],
    /// Staff's reviews of flags.
    pub reviews: &'a [(RecordId, FlagReview)],
    /// When each person was last active in the space.
    pub activity: &'a [(RecordId, Activity)],
}

/// The facts of a student's space.
pub fn facts(records: PairRecords<'_>) -> PairFacts {
    let active = records
        .placements
        .iter()
        .filter(|(_, placement)| placement.state == PlacementState::Active)
        .min_by_key(|(id, placement)| (placement.started_at, id.clone()))
        .map(|(_, placement)| ActivePair {
            mentor_id: placement.mentor_id.clone(),
            started_at: placement.started_at,
        });
    let held: Vec<&(RecordId, MentoringSession)> = records
        .sessions
        .iter()
        .filter(|(_, session)| session.state == SessionState::Completed)
        .collect();
    let mut low_ratings = Vec::new();
    let mut one_sided = Vec::new();
    for (id, session) in &held {
        let answers: Vec<&Feedback> = records
            .feedback
            .iter()
            .map(|(_, feedback)| feedback)
            .filter(|feedback| &feedback.session_id == id)
            .collect();
        if let Some(lowest) = answers.iter().map(|feedback| feedback.rating).min() {
            if lowest <= LOW_RATING {
                low_ratings.push((session.starts_at, lowest));
            }
        }
        let from_student = answers
            .iter()
            .any(|feedback| feedback.author.as_ref() == records.student);
        let from_other = answers.iter().any(|feedback| {
            feedback.author.is_some() && feedback.author.as_ref() != records.student
        });
        if from_student != from_other {
            if let Some(closes) = session_end(session).and_then(reveal_at) {
                one_sided.push((session.starts_at, closes));
            }
        }
    }
    low_ratings.sort();
    one_sided.sort();
    let mut visa_due: Vec<NaiveDate> = records
        .visa_steps
        .iter()
        .filter(|(_, step)| step_open(step))
        .filter_map(|(_, step)| step.due_date)
        .collect();
    visa_due.sort();
    let mut tasks_due: Vec<NaiveDate> = records
        .tasks
        .iter()
        .filter(|(_, task)| !task.done)
        .filter_map(|(_, task)| task.due_date)
        .collect();
    tasks_due.sort();
    PairFacts {
        active,
        last_session: held.iter().map(|(_, session)| session.starts_at).max(),
        low_ratings,
        one_sided,
        visa_due,
        tasks_due,
        reviews: records.reviews.to_vec(),
        last_active: records
            .activity
            .iter()
            .filter(|(_, activity)| Some(&activity.user_id) == records.student)
            .map(|(_, activity)| activity.at)
            .max()
            .and_then(|at| at.date_naive().and_hms_opt(0, 0, 0))
            .map(|midnight| midnight.and_utc()),
    }
}

/// How much a flag needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look.
    Low,
    /// Act this week.
    Medium,
    /// Act now.
    High,
}

/// A sign that a pair is drifting, with what the reason is worded from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// No session since the placement started.
    NoFirstSession {
        /// When the placement became active.
        started_at: DateTime<Utc>,
        /// Days since.
        days: i64,
    },
    /// No session for a while.
    NoRecentSession {
        /// When the last session started.
        last: DateTime<Utc>,
        /// Days since.
        days: i64,
    },
    /// A session was rated 1 or 2.
    LowRating {
        /// When that session started.
        session: DateTime<Utc>,
        /// The rating.
        rating: u8,
    },
    /// Only one side gave feedback on a session.
    OneSided {
        /// When that session started.
        session: DateTime<Utc>,
    },
    /// Visa steps are overdue.
    VisaOverdue {
        /// How many.
        count: usize,
        /// The earliest due date passed.
        since: NaiveDate,
    },
    /// Tasks are overdue by more than a week.
    TasksOverdue {
        /// How many.
        count: usize,
        /// The earliest due date passed.
        since: NaiveDate,
    },
    /// The student has not used the app for a while.
    Inactive {
        /// Their last activity (to the start of its day), or the placement's start if later.
        since: DateTime<Utc>,
        /// Days since.
        days: i64,
    },
}

impl Flag {
    /// How much it needs attention.
    pub fn severity(&self) -> Severity {
        match self {
            Flag::VisaOverdue { .. } | Flag::LowRating { .. } => Severity::High,
            Flag::NoFirstSession { .. } | Flag::NoRecentSession { .. } | Flag::Inactive { .. } => {
                Severity::Medium
            }
            Flag::OneSided { .. } | Flag::TasksOverdue { .. } => Severity::Low,
        }
    }

    /// The rule's name: `no_first_session`, `no_recent_session`, `low_rating`, `one_sided`,
    /// `visa_overdue`, `tasks_overdue`, `inactive`.
    pub fn rule(&self) -> &'static str {
        match self {
            Flag::NoFirstSession { .. } => "no_first_session",
            Flag::NoRecentSession { .. } => "no_recent_session",
            Flag::LowRating { .. } => "low_rating",
            Flag::OneSided { .. } => "one_sided",
            Flag::VisaOverdue { .. } => "visa_overdue",
            Flag::TasksOverdue { .. } => "tasks_overdue",
            Flag::Inactive { .. } => "inactive",
        }
    }

    /// This firing of the rule: the rule and the moment it counts from
    /// (`no_recent_session@<last session, seconds>`, `tasks_overdue@<earliest due, days>`). A
    /// review applies while the occurrence stays the same; a new one shows again.
    pub fn occurrence(&self) -> String {
        format!("{}@{}", self.rule(), self.anchor())
    }

    /// The moment this firing of the rule counts from: an instant in seconds, or a date as days
    /// from the common era (overdue steps and tasks).
    pub fn anchor(&self) -> i64 {
        match self {
            Flag::NoFirstSession { started_at: at, .. }
            | Flag::NoRecentSession { last: at, .. }
            | Flag::LowRating { session: at, .. }
            | Flag::OneSided { session: at }
            | Flag::Inactive { since: at, .. } => at.timestamp(),
            Flag::VisaOverdue { since, .. } | Flag::TasksOverdue { since, .. } => {
                i64::from(since.num_days_from_ce())
            }
        }
    }
}

/// A flag as people see it: with staff's review when one applies (someone is on it).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The flag.
    pub flag: Flag,
    /// Staff's review of this occurrence, when it is assigned (resolved and snoozed ones are
    /// not shown at all).
    pub review: Option<FlagReview>,
}

/// The flags of a pair at `now` that still need attention, most severe first: a flag whose
/// occurrence staff resolved is gone, one they snoozed is gone until the snooze's day, one they
/// assigned shows with who has it.
pub fn shown(facts: &PairFacts, now: DateTime<Utc>, today: NaiveDate) -> Vec<Shown> {
    flags(facts, now, today)
        .into_iter()
        .filter_map(|flag| {
            let review = facts
                .reviews
                .iter()
                .find(|(rule, review)| {
                    rule.as_str() == flag.rule() && review.occurrence == flag.occurrence()
                })
                .map(|(_, review)| review.clone());
            match review {
                Some(review) if review.state == FlagReviewState::Resolved => None,
                Some(review)
                    if review.state == FlagReviewState::Snoozed
                        && review.snoozed_until.is_none_or(|until| today < until) =>
                {
                    None
                }
                Some(review) if review.state == FlagReviewState::Assigned => Some(Shown {
                    flag,
                    review: Some(review),
                }),
                _ => Some(Shown { flag, review: None }),
            }
        })
        .collect()
}

/// The flags of a pair at `now` (`today`: the program's date at `now`), most severe first.
pub fn flags(facts: &PairFacts, now: DateTime<Utc>, today: NaiveDate) -> Vec<Flag> {
    let Some(active) = &facts.active else {
        return Vec::new();
    };
    let mut flags = Vec::new();
    let days_since = |at: DateTime<Utc>| (now - at).num_days();
    let recent = |at: DateTime<Utc>| at <= now && now - at <= Duration::days(QUIET_DAYS);
    match (facts.last_session, active.started_at) {
        (None, Some(started_at)) if days_since(started_at) >= FIRST_SESSION_DAYS => {
            flags.push(Flag::NoFirstSession {
                started_at,
                days: days_since(started_at),
            });
        }
        (Some(last), _) if days_since(last) >= QUIET_DAYS => {
            flags.push(Flag::NoRecentSession {
                last,
                days: days_since(last),
            });
        }
        _ => {}
    }
    if let Some((session, rating)) = facts
        .low_ratings
        .iter()
        .filter(|(session, _)| recent(*session))
        .max_by_key(|(session, _)| *session)
    {
        flags.push(Flag::LowRating {
            session: *session,
            rating: *rating,
        });
    }
    if let Some((session, _)) = facts
        .one_sided
        .iter()
        .filter(|(session, closes)| recent(*session) && *closes <= now)
        .max_by_key(|(session, _)| *session)
    {
        flags.push(Flag::OneSided { session: *session });
    }
    let overdue_visa: Vec<&NaiveDate> = facts.visa_due.iter().filter(|due| **due < today).collect();
    if let Some(since) = overdue_visa.iter().min() {
        flags.push(Flag::VisaOverdue {
            count: overdue_visa.len(),
            since: **since,
        });
    }
    let grace = today - Duration::days(TASK_GRACE_DAYS);
    let overdue_tasks: Vec<&NaiveDate> =
        facts.tasks_due.iter().filter(|due| **due < grace).collect();
    if let Some(since) = overdue_tasks.iter().min() {
        flags.push(Flag::TasksOverdue {
            count: overdue_tasks.len(),
            since: **since,
        });
    }
    let anchor = match (facts.last_active, active.started_at) {
        (Some(last), Some(start)) => Some(last.max(start)),
        (last, start) => last.or(start),
    };
    if let Some(since) = anchor.filter(|since| days_since(*since) >= INACTIVE_DAYS) {
        flags.push(Flag::Inactive {
            since,
            days: days_since(since),
        });
    }
    flags.sort_by_key(|flag| std::cmp::Reverse(flag.severity()));
    flags
}
