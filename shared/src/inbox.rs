//! The inbox: what needs someone's attention now, computed on the device from the records it has
//! synced, so it works offline. Pure and tested natively on a fixed clock
//! (`shared/tests/inbox.rs`); screens only lay the items out and word them.
//!
//! What counts:
//! - a scheduled session that starts within the next day ([`SESSION_SOON_HOURS`]);
//! - feedback owed: a completed session the reader has not answered yet, until a week after it
//!   ended (`feedback::reveal_at`: then the other side's answer is revealed anyway);
//! - a task not done that is due within a week, or overdue;
//! - an open visa step due within [`VISA_REMINDER_DAYS`]`[0]` days, at the stage of 60, 30, 14 or
//!   3 days it has reached (or overdue);
//! - a student's ranking deadline within a week while they have ranked nothing for that cohort;
//! - a workshop the student is going to that starts today (in the program's time zone);
//! - an evaluation or outcome survey the reader owes (`crate::evaluation::due_evaluations`: from
//!   the day it opens until it is answered, or [`crate::evaluation::GRACE_DAYS`] after it was due);
//! - for a mentor, each pair-health flag about their mentee that staff have not resolved or
//!   snoozed (`crate::health::shown`), due at once;
//! - for staff: each concern not resolved that nobody else is handling (open, or in progress
//!   and assigned to the reader), due at once if urgent, within a day if normal, a week if low.
//!
//! Items are ordered by when they fall due, earliest first (so what is overdue leads), then by
//! kind and key; each has a stable key under which a device remembers it was dismissed.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

use crate::apply::{typed, RecordView};
use crate::domain::{
    Cohort, ConcernFlag, ConcernState, Enrollment, Evaluation, Feedback, MentoringSession,
    Placement, Priority, Ranking, Rsvp, SessionState, StudentProfile, Task, VisaStep, Workshop,
};
use crate::evaluation::{due_evaluations, EvaluationKind};
use crate::feedback::{reveal_at, session_end};
use crate::glance::{cohort_of, enrolled_name, step_open};
use crate::health::{Flag, Shown};
use crate::ids::{RecordId, UserId};
use crate::visa::days_left;

/// A session starting within this many hours is "coming up".
pub const SESSION_SOON_HOURS: i64 = 24;
/// Tasks due within this many days are listed.
pub const TASK_SOON_DAYS: i64 = 7;
/// A ranking deadline within this many days is listed.
pub const RANKING_SOON_DAYS: i64 = 7;
/// The stages at which a visa step's deadline is brought up, in days before it (the first is
/// when it starts to be listed).
pub const VISA_REMINDER_DAYS: [i64; 4] = [60, 30, 14, 3];

/// The reader's clock: the instant, and the program's offset from UTC at it (so "today" is the
/// program's day; the app asks the browser's time-zone data for it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Now.
    pub now: DateTime<Utc>,
    /// The program's offset at `now`.
    pub offset: FixedOffset,
}

impl Clock {
    /// The program's date at `now`.
    pub fn today(&self) -> NaiveDate {
        self.day_of(self.now)
    }

    /// The program's date at an instant.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset).date_naive()
    }

    /// When a program date starts, as an instant.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        DateTime::<Utc>::from_naive_utc_and_offset(midnight, Utc)
            - Duration::seconds(i64::from(self.offset.local_minus_utc()))
    }
}

/// What an item is about, with what a screen needs to word it.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A session starts soon.
    SessionSoon {
        /// The session.
        session_id: RecordId,
        /// When it starts.
        starts_at: DateTime<Utc>,
    },
    /// The reader has not given feedback on a session yet.
    FeedbackOwed {
        /// The session.
        session_id: RecordId,
        /// When it started.
        starts_at: DateTime<Utc>,
    },
    /// A task is due soon or overdue.
    TaskDue {
        /// The task.
        task_id: RecordId,
        /// Its title.
        title: String,
        /// When it is due.
        due: NaiveDate,
        /// Days left (negative: overdue).
        days_left: i64,
    },
    /// A visa step's deadline is near or passed.
    VisaDeadline {
        /// The step.
        step_id: RecordId,
        /// Its title, and in 繁體中文 (empty when not translated).
        title: String,
        /// Its title in 繁體中文; empty when not translated.
        title_zh: String,
        /// When it is due.
        due: NaiveDate,
        /// Days left (negative: overdue).
        days_left: i64,
        /// The reminder stage reached (60, 30, 14 or 3 days; 0 once overdue).
        stage: i64,
    },
    /// The ranking deadline is near and nothing is ranked yet.
    RankingDeadline {
        /// The cohort.
        cohort_id: RecordId,
        /// When rankings close.
        deadline: DateTime<Utc>,
    },
    /// A concern about a student waits for staff.
    Concern {
        /// The concern.
        flag_id: RecordId,
        /// How urgent it is.
        priority: Priority,
        /// Whether it is still new (nobody took it).
        open: bool,
    },
    /// An evaluation or outcome survey is open and not answered yet.
    EvaluationDue {
        /// The evaluation's record id (`evaluation::evaluation_id`).
        evaluation_id: RecordId,
        /// Which one.
        kind: EvaluationKind,
        /// When it is due.
        due: NaiveDate,
        /// Days left (negative: overdue).
        days_left: i64,
    },
    /// A pair-health flag about the reader's mentee.
    PairFlag {
        /// The flag's rule (`health::Flag::rule`), as the item's id.
        rule: RecordId,
        /// The flag, with what its reason is worded from.
        flag: Flag,
    },
    /// A workshop the student is going to is today.
    WorkshopToday {
        /// The workshop.
        workshop_id: RecordId,
        /// Its title.
        title: String,
        /// When it starts.
        starts_at: DateTime<Utc>,
    },
}

impl Item {
    /// The kind's name, also the first part of the key: `session`, `feedback`, `task`, `visa`,
    /// `ranking`, `workshop`.
    pub fn kind(&self) -> &'static str {
        match self {
            Item::SessionSoon { .. } => "session",
            Item::FeedbackOwed { .. } => "feedback",
            Item::TaskDue { .. } => "task",
            Item::VisaDeadline { .. } => "visa",
            Item::RankingDeadline { .. } => "ranking",
            Item::WorkshopToday { .. } => "workshop",
            Item::Concern { .. } => "concern",
            Item::EvaluationDue { .. } => "evaluation",
            Item::PairFlag { .. } => "pair",
        }
    }

    /// The screen that deals with it.
    pub fn path(&self) -> &'static str {
        match self {
            Item::SessionSoon { .. } | Item::FeedbackOwed { .. } => "/sessions",
            Item::TaskDue { .. } => "/tasks",
            Item::VisaDeadline { .. } => "/visa",
            Item::RankingDeadline { .. } => "/positions",
            Item::WorkshopToday { .. } => "/",
            Item::Concern { .. } => "/concerns",
            Item::EvaluationDue { .. } => "/evaluations",
            Item::PairFlag { .. } => "/",
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Item::VisaDeadline { .. } => 0,
            Item::RankingDeadline { .. } => 1,
            Item::SessionSoon { .. } => 2,
            Item::WorkshopToday { .. } => 3,
            Item::TaskDue { .. } => 4,
            Item::FeedbackOwed { .. } => 5,
            Item::Concern { .. } => 6,
            Item::EvaluationDue { .. } => 7,
            Item::PairFlag { .. } => 8,
        }
    }

    fn id(&self) -> &RecordId {
        match self {
            Item::SessionSoon { session_id, .. } | Item::FeedbackOwed { session_id, .. } => {
                session_id
            }
            Item::TaskDue { task_id, .. } => task_id,
            Item::VisaDeadline { step_id, .. } => step_id,
            Item::RankingDeadline { cohort_id, .. } => cohort_id,
            Item::WorkshopToday { workshop_id, .. } => workshop_id,
            Item::Concern { flag_id, .. } => flag_id,
            Item::EvaluationDue { evaluation_id, .. } => evaluation_id,
            Item::PairFlag { rule, .. } => rule,
        }
    }
}

/// One thing in someone's inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxItem {
    /// The student it is about (for mentors: which mentee; for a student: themselves).
    pub student: UserId,
    /// What it is.
    pub item: Item,
    /// When it falls due; the order of the inbox.
    pub due: DateTime<Utc>,
    /// Stable while the item means the same thing: `kind:student:id` (a visa step's stage is part
    /// of it, so a step dismissed at 30 days comes back at 14).
    pub key: String,
}

impl InboxItem {
    fn new(student: &UserId, item: Item, due: DateTime<Utc>) -> Self {
        let mut key = format!("{}:{}:{}", item.kind(), student, item.id());
        match &item {
            Item::VisaDeadline { stage, .. } => key.push_str(&format!(":{stage}")),
            // A flag that fires anew (a later anchor) is a new item.
            Item::PairFlag { flag, .. } => key.push_str(&format!(":{}", flag.anchor())),
            _ => {}
        }
        Self {
            student: student.clone(),
            item,
            due,
            key,
        }
    }
}

/// The records of one student's space (and the program records it refers to) an inbox reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct InboxRecords<'a> {
    /// The student.
    pub student: Option<&'a UserId>,
    /// Their mentoring sessions.
    pub sessions: &'a [(RecordId, MentoringSession)],
    /// Feedback on those sessions, from either side.
    pub feedback: &'a [(RecordId, Feedback)],
    /// Their tasks.
    pub tasks: &'a [(RecordId, Task)],
    /// Their visa checklist.
    pub visa_steps: &'a [(RecordId, VisaStep)],
    /// Their rankings (record id = the cohort's).
    pub rankings: &'a [(RecordId, Ranking)],
    /// Their workshop answers (record id = the workshop's).
    pub rsvps: &'a [(RecordId, Rsvp)],
    /// Their cohort, when known.
    pub cohort: Option<&'a (RecordId, Cohort)>,
    /// The program's workshops.
    pub workshops: &'a [(RecordId, Workshop)],
    /// Their placements.
    pub placements: &'a [(RecordId, Placement)],
    /// The evaluations answered in their space.
    pub evaluations: &'a [(RecordId, Evaluation)],
    /// The student's planned last day of the placement (their profile's), when known.
    pub planned_end: Option<NaiveDate>,
    /// The pair-health flags shown about them (for their mentor's inbox).
    pub flags: &'a [Shown],
}

/// Who reads the inbox, which decides what of a student's space is theirs to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader<'a> {
    /// The student themselves: everything.
    Student,
    /// Their mentor: sessions coming up and feedback the mentor owes.
    Mentor(&'a UserId),
}

/// Whether `author` answered feedback on `session`.
fn answered(feedback: &[(RecordId, Feedback)], session: &RecordId, author: &UserId) -> bool {
    feedback
        .iter()
        .any(|(_, f)| &f.session_id == session && f.author.as_ref() == Some(author))
}

/// The stage a deadline `days` away has reached: the smallest of [`VISA_REMINDER_DAYS`] at or
/// above it, 0 once passed, `None` while it is further than the first stage.
pub fn visa_stage(days: i64) -> Option<i64> {
    if days < 0 {
        return Some(0);
    }
    VISA_REMINDER_DAYS
        .iter()
        .rev()
        .find(|stage| days <= **stage)
        .copied()
}

/// One student's inbox items as `reader` sees them, in inbox order.
pub fn student_items(
    records: InboxRecords<'_>,
    reader: Reader<'_>,
    clock: Clock,
) -> Vec<InboxItem> {
    let Some(student) = records.student else {
        return Vec::new();
    };
    let today = clock.today();
    let mut items = Vec::new();
    for (id, session) in records.sessions {
        if session.state == SessionState::Scheduled
            && session.starts_at >= clock.now
            && session.starts_at <= clock.now + Duration::hours(SESSION_SOON_HOURS)
        {
            let item = Item::SessionSoon {
                session_id: id.clone(),
                starts_at: session.starts_at,
            };
            items.push(InboxItem::new(student, item, session.starts_at));
        }
        let author = match reader {
            Reader::Student => student,
            Reader::Mentor(mentor) => mentor,
        };
        // Asked until the answers are revealed anyway (a week after the session ended).
        let Some(window_ends) = session_end(session).and_then(reveal_at) else {
            continue;
        };
        if session.state == SessionState::Completed
            && session.starts_at <= clock.now
            && clock.now < window_ends
            && !answered(records.feedback, id, author)
        {
            let item = Item::FeedbackOwed {
                session_id: id.clone(),
                starts_at: session.starts_at,
            };
            items.push(InboxItem::new(student, item, window_ends));
        }
    }
    for owed in due_evaluations(
        records.placements,
        records.planned_end,
        records.evaluations,
        reader,
        today,
    ) {
        let due = owed.window.due;
        let item = Item::EvaluationDue {
            evaluation_id: owed.id,
            kind: owed.window.kind,
            due,
            days_left: days_left(due, today),
        };
        items.push(InboxItem::new(student, item, clock.start_of(due)));
    }
    match reader {
        Reader::Student => student_only_items(records, student, clock, today, &mut items),
        Reader::Mentor(_) => {
            for shown in records.flags {
                let item = Item::PairFlag {
                    rule: RecordId(shown.flag.rule().to_owned()),
                    flag: shown.flag.clone(),
                };
                items.push(InboxItem::new(student, item, clock.start_of(today)));
            }
        }
    }
    sort(&mut items);
    items
}

fn student_only_items(
    records: InboxRecords<'_>,
    student: &UserId,
    clock: Clock,
    today: NaiveDate,
    items: &mut Vec<InboxItem>,
) {
    for (id, task) in records.tasks {
        let Some(due) = task.due_date.filter(|_| !task.done) else {
            continue;
        };
        let days = days_left(due, today);
        if days <= TASK_SOON_DAYS {
            let item = Item::TaskDue {
                task_id: id.clone(),
                title: task.title.clone(),
                due,
                days_left: days,
            };
            items.push(InboxItem::new(student, item, clock.start_of(due)));
        }
    }
    for (id, step) in records.visa_steps {
        let Some(due) = step.due_date.filter(|_| step_open(step)) else {
            continue;
        };
        let days = days_left(due, today);
        if let Some(stage) = visa_stage(days) {
            let item = Item::VisaDeadline {
                step_id: id.clone(),
                title: step.title.clone(),
                title_zh: step.title_zh.clone(),
                due,
                days_left: days,
                stage,
            };
            items.push(InboxItem::new(student, item, clock.start_of(due)));
        }
    }
    if let Some((cohort_id, cohort)) = records.cohort {
        let ranked = records
            .rankings
            .iter()
            .any(|(id, ranking)| id == cohort_id && !ranking.choices.is_empty());
        if let Some(deadline) = cohort.ranking_deadline {
            if !ranked
                && deadline >= clock.now
                && deadline <= clock.now + Duration::days(RANKING_SOON_DAYS)
            {
                let item = Item::RankingDeadline {
                    cohort_id: cohort_id.clone(),
                    deadline,
                };
                items.push(InboxItem::new(student, item, deadline));
            }
        }
    }
    for (id, workshop) in records.workshops {
        let going = records
            .rsvps
            .iter()
            .any(|(rsvp_id, rsvp)| rsvp_id == id && rsvp.going);
        let ends = workshop.starts_at + Duration::minutes(i64::from(workshop.duration_minutes));
        if going && clock.day_of(workshop.starts_at) == today && clock.now < ends {
            let item = Item::WorkshopToday {
                workshop_id: id.clone(),
                title: workshop.title.clone(),
                starts_at: workshop.starts_at,
            };
            items.push(InboxItem::new(student, item, workshop.starts_at));
        }
    }
}

/// Staff's items: the concerns not resolved that are theirs to pick up (open) or theirs to
/// finish (in progress and assigned to `reader`), in inbox order. A concern falls due when it was
/// raised, plus a day if normal or a week if low (urgent ones at once).
pub fn staff_items(
    concerns: &[(RecordId, ConcernFlag)],
    reader: &UserId,
    clock: Clock,
) -> Vec<InboxItem> {
    let mut items: Vec<InboxItem> = concerns
        .iter()
        .filter(|(_, flag)| match flag.state {
            ConcernState::Open => true,
            ConcernState::InProgress => flag.assignee.as_ref() == Some(reader),
            ConcernState::Resolved => false,
        })
        .map(|(id, flag)| {
            let raised = flag.raised_at.unwrap_or(clock.now);
            let due = raised
                + match flag.priority {
                    Priority::Urgent => Duration::zero(),
                    Priority::Normal => Duration::days(1),
                    Priority::Low => Duration::days(7),
                };
            let item = Item::Concern {
                flag_id: id.clone(),
                priority: flag.priority,
                open: flag.state == ConcernState::Open,
            };
            InboxItem::new(&flag.student_id, item, due)
        })
        .collect();
    sort(&mut items);
    items
}

/// Inbox order: by when each falls due, then kind, then key.
pub fn sort(items: &mut [InboxItem]) {
    items.sort_by(|a, b| (a.due, a.item.rank(), &a.key).cmp(&(b.due, b.item.rank(), &b.key)));
}

/// Items whose key is not among `dismissed`.
pub fn without_dismissed(items: Vec<InboxItem>, dismissed: &[String]) -> Vec<InboxItem> {
    items
        .into_iter()
        .filter(|item| !dismissed.iter().any(|key| key == &item.key))
        .collect()
}

/// One student's inbox items as `reader` sees them, from the student's space and the program
/// space, each with the student's name when the reader is their mentor (the app and the
/// Worker's push reminders both read it so).
pub fn space_items<S: RecordView, P: RecordView>(
    student: &UserId,
    space: &S,
    program: &P,
    reader: Reader<'_>,
    clock: Clock,
) -> Vec<(InboxItem, Option<String>)> {
    let profile = typed::<StudentProfile>(space).into_iter().next();
    let cohort = profile
        .as_ref()
        .and_then(|(_, profile)| cohort_of(&typed::<Cohort>(program), profile.cohort_year));
    let sessions = typed::<MentoringSession>(space);
    let feedback = typed::<Feedback>(space);
    let tasks = typed::<Task>(space);
    let visa_steps = typed::<VisaStep>(space);
    let rankings = typed::<Ranking>(space);
    let rsvps = typed::<Rsvp>(space);
    let workshops = typed::<Workshop>(program);
    let placements = typed::<Placement>(space);
    let evaluations = typed::<Evaluation>(space);
    let flags = match reader {
        Reader::Mentor(_) => {
            let facts = crate::summary::pair_facts(space, student);
            crate::health::shown(&facts, clock.now, clock.today())
        }
        Reader::Student => Vec::new(),
    };
    let records = InboxRecords {
        student: Some(student),
        sessions: &sessions,
        feedback: &feedback,
        tasks: &tasks,
        visa_steps: &visa_steps,
        rankings: &rankings,
        rsvps: &rsvps,
        cohort: cohort.as_ref(),
        workshops: &workshops,
        placements: &placements,
        evaluations: &evaluations,
        planned_end: profile
            .as_ref()
            .and_then(|(_, profile)| profile.placement_end),
        flags: &flags,
    };
    let name = match reader {
        Reader::Student => None,
        Reader::Mentor(_) => profile.map(|(_, profile)| profile.display_name),
    };
    student_items(records, reader, clock)
        .into_iter()
        .map(|item| (item, name.clone()))
        .collect()
}

/// Staff's items from the staff space, each with the student's name.
pub fn staff_space_items<V: RecordView>(
    staff: &V,
    reader: &UserId,
    clock: Clock,
) -> Vec<(InboxItem, Option<String>)> {
    let names = typed::<Enrollment>(staff);
    staff_items(&typed::<ConcernFlag>(staff), reader, clock)
        .into_iter()
        .map(|item| {
            let name = enrolled_name(&names, &item.student);
            (item, Some(name))
        })
        .collect()
}

/// Items of several students (a mentor's mentees) in inbox order.
pub fn sort_named(items: &mut [(InboxItem, Option<String>)]) {
    items.sort_by(|(a, _), (b, _)| {
        (a.due, a.item.rank(), &a.key).cmp(&(b.due, b.item.rank(), &b.key))
    });
}
