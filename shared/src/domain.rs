//! The domain: plain serde structs, their kinds, and their validation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::entity;
use crate::error::{MutationError, Problem};
use crate::ids::{is_valid_id, RecordId, SpaceId, UserId};

/// Longest single-line text (names, titles), in characters.
pub const MAX_LINE: usize = 200;
/// Longest free text (notes, descriptions), in characters.
pub const MAX_TEXT: usize = 5000;
/// Most positions a student may rank (a cohort may allow fewer).
pub const MAX_RANKINGS: usize = 10;
/// Workshops a student attends for the program's career-readiness certificate.
pub const READINESS_WORKSHOPS: usize = 3;
/// Longest reason for a ranked choice, in characters.
pub const MAX_REASON: usize = 500;
/// Earliest and latest years a date may carry; anything else is a typo.
pub const YEARS: std::ops::RangeInclusive<i32> = 1950..=2100;

/// Which kind of space a record kind lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceKind {
    /// The program space.
    Program,
    /// A student's space.
    Student,
    /// The staff space.
    Staff,
}

impl SpaceKind {
    /// The kind of a concrete space.
    pub fn of(space: &SpaceId) -> Self {
        match space {
            SpaceId::Program => Self::Program,
            SpaceId::Student(_) => Self::Student,
            SpaceId::Staff => Self::Staff,
        }
    }
}

/// A user's role in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An international student.
    Student,
    /// A mentor at a partner organization.
    Mentor,
    /// Program staff.
    Staff,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Student => "student",
            Self::Mentor => "mentor",
            Self::Staff => "staff",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "student" => Some(Self::Student),
            "mentor" => Some(Self::Mentor),
            "staff" => Some(Self::Staff),
            _ => None,
        }
    }
}

/// Where a placement is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementState {
    /// Suggested by matching; not yet visible as final.
    Proposed,
    /// Staff confirmed it; the mentor gains the student's space.
    Confirmed,
    /// The placement has started.
    Active,
    /// Finished as planned.
    Completed,
    /// Stopped before its end.
    EndedEarly,
    /// A proposal staff turned down.
    Withdrawn,
}

impl PlacementState {
    /// Whether `self → next` is a legal step.
    pub fn can_become(self, next: Self) -> bool {
        use PlacementState::*;
        matches!(
            (self, next),
            (Proposed, Confirmed)
                | (Proposed, Withdrawn)
                | (Confirmed, Active)
                | (Confirmed, EndedEarly)
                | (Active, Completed)
                | (Active, EndedEarly)
        )
    }

    /// Whether the mentor named in a placement in this state may use the student's space.
    pub fn grants_mentor_access(self) -> bool {
        matches!(self, Self::Confirmed | Self::Active)
    }
}

/// How a mentoring session is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionFormat {
    /// Face to face.
    InPerson,
    /// A video call.
    Video,
    /// A phone call.
    Phone,
}

/// Where a mentoring session is in its life; cancelled sessions are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Planned.
    Scheduled,
    /// Held, with notes logged.
    Completed,
    /// Called off; kept for the record.
    Cancelled,
}

/// The stages of a job application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStage {
    /// Sent.
    Applied,
    /// Interviewing.
    Interview,
    /// An offer came.
    Offer,
    /// The student took the job.
    Accepted,
    /// The company said no.
    Rejected,
    /// The student pulled out.
    Withdrawn,
}

impl ApplicationStage {
    /// Whether a card may move from `self` to `next` (forward, one step back, or out).
    pub fn can_become(self, next: Self) -> bool {
        use ApplicationStage::*;
        if self == next {
            return false;
        }
        match self {
            Applied => matches!(next, Interview | Offer | Rejected | Withdrawn),
            Interview => matches!(next, Applied | Offer | Rejected | Withdrawn),
            Offer => matches!(next, Interview | Accepted | Rejected | Withdrawn),
            Accepted | Rejected | Withdrawn => false,
        }
    }
}

/// Progress of one visa / work-permit step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisaStepState {
    /// Not started.
    Todo,
    /// Documents being gathered.
    InProgress,
    /// Handed in to the authority.
    Submitted,
    /// Granted or otherwise finished.
    Done,
    /// Does not apply to this student.
    NotNeeded,
}

/// What a concern is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernTopic {
    /// Visa or work permit.
    Visa,
    /// Housing.
    Housing,
    /// Health.
    Health,
    /// Legal.
    Legal,
    /// The placement itself.
    Placement,
    /// Anything else.
    Other,
}

/// How urgent a concern is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// When convenient.
    Low,
    /// Soon.
    Normal,
    /// Now.
    Urgent,
}

/// What staff did about a pair-health flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagReviewState {
    /// Someone on staff is looking into it (the flag stays, with their name).
    Assigned,
    /// Set aside until a date (the flag is hidden until then).
    Snoozed,
    /// Dealt with (the flag is hidden while the situation stays the same).
    Resolved,
}

/// Where a concern is in staff's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernState {
    /// New.
    Open,
    /// Someone is on it.
    InProgress,
    /// Closed.
    Resolved,
}

entity! {
    /// One yearly intake of the program.
    Cohort / CohortPatch {
        year: i32,
        name: String,
        #[serde(default)]
        ranking_deadline: Option<DateTime<Utc>>,
        max_rankings: u8,
    }
}

entity! {
    /// A partner university in the Global Talent Alliance.
    PartnerUniversity / PartnerUniversityPatch {
        name: String,
        country: String,
    }
}

entity! {
    /// A partner organization (company, NGO) that hosts students.
    Organization / OrganizationPatch {
        name: String,
        /// The industry, in English: matching compares it with students' interests and mentors'
        /// expertise.
        industry: String,
        /// The industry's name in 繁體中文, shown to readers of that language (empty: not
        /// translated, the English shows).
        #[serde(default)]
        industry_zh: String,
        approved: bool,
        #[serde(default)]
        contact_email: Option<String>,
        /// Cohort years the organization took part in.
        #[serde(default)]
        cohort_years: Vec<i32>,
    }
}

entity! {
    /// A placement position offered by an organization in one cohort.
    Position / PositionPatch {
        organization_id: RecordId,
        cohort_year: i32,
        title: String,
        slots: u32,
        paid: bool,
        housing: bool,
        #[serde(default)]
        languages: Vec<String>,
        #[serde(default)]
        description: String,
        open: bool,
    }
}

entity! {
    /// A mentor's public profile in the program directory.
    MentorProfile / MentorProfilePatch {
        user_id: UserId,
        display_name: String,
        organization_id: RecordId,
        #[serde(default)]
        expertise: Vec<String>,
        #[serde(default)]
        languages: Vec<String>,
        capacity: u32,
        /// How mentees reach the mentor.
        #[serde(default)]
        contact_email: Option<String>,
        /// Cohort years the mentor took part in.
        #[serde(default)]
        cohort_years: Vec<i32>,
    }
}

entity! {
    /// A training workshop the program runs.
    Workshop / WorkshopPatch {
        title: String,
        starts_at: DateTime<Utc>,
        duration_minutes: u32,
        place: String,
        capacity: u32,
        /// How many students say they are going: counted by the server from the students'
        /// summaries and written into the program space as its own write; `apply` sets it to 0
        /// on create and refuses an update that sets it (`locked`).
        #[serde(default)]
        going: u32,
    }
}

entity! {
    /// A visa / work-permit route's template, as staff keep it in the program space: the steps,
    /// authorities, documents, fees and due-date rules of one version. Its record id is the
    /// template's id.
    VisaRoute / VisaRoutePatch {
        template: crate::visa::VisaRouteTemplate,
    }
}

entity! {
    /// An evaluation's or outcome survey's template (`crate::evaluation`): its questions in both
    /// languages, one version of one kind. Its record id is `evt-<kind>-v<version>`
    /// (`evaluation::template_id`); a version is never changed once made (kind, version and
    /// questions are locked), staff's edit is the next version.
    EvaluationTemplate / EvaluationTemplatePatch {
        kind: crate::evaluation::EvaluationKind,
        version: u32,
        title: String,
        #[serde(default)]
        title_zh: String,
        questions: Vec<crate::evaluation::Question>,
    }
}

entity! {
    /// News from staff to everyone in the program, or to one cohort's students.
    Announcement / AnnouncementPatch {
        title: String,
        body: String,
        published_at: DateTime<Utc>,
        /// The cohort whose students it is for; none: everyone (students, mentors, staff).
        #[serde(default)]
        cohort_year: Option<i32>,
    }
}

entity! {
    /// A student's profile; its record id is the student's user id.
    StudentProfile / StudentProfilePatch {
        display_name: String,
        #[serde(default)]
        nationality: String,
        #[serde(default)]
        university: String,
        #[serde(default)]
        department: String,
        #[serde(default)]
        degree: String,
        #[serde(default)]
        graduation_date: Option<NaiveDate>,
        #[serde(default)]
        languages: Vec<String>,
        #[serde(default)]
        mandarin_level: Option<u8>,
        #[serde(default)]
        residence_card_expiry: Option<NaiveDate>,
        #[serde(default)]
        interests: Vec<String>,
        cohort_year: i32,
        /// The degree studied for: which work routes are open after graduating depends on it.
        #[serde(default)]
        degree_level: Option<crate::visa_chooser::DegreeLevel>,
        /// Whether the student came as a Hong Kong or Macau student (shorter job-seeking stays).
        #[serde(default)]
        hong_kong_macau: bool,
        /// The first working day of the student's placement or job, as they plan it.
        #[serde(default)]
        placement_start: Option<NaiveDate>,
        /// Its last working day; not before `placement_start`.
        #[serde(default)]
        placement_end: Option<NaiveDate>,
    }
}

/// One choice on a student's ranking: a position and why. Reads leniently like records; pushes
/// are checked for unknown fields by `protocol::read_push`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingChoice {
    /// The position (a record in the program space).
    pub position_id: RecordId,
    /// Why the student wants it (optional, shown to staff when matching).
    #[serde(default)]
    pub reason: String,
}

entity! {
    /// A student's ranked choices of position for one cohort, best first. Its record id is the
    /// cohort's record id; only [`crate::mutation::Mutation::SetRankings`] writes it, so the
    /// cohort's limit and deadline are always checked.
    Ranking / RankingPatch {
        cohort_year: i32,
        choices: Vec<RankingChoice>,
    }
}

entity! {
    /// A student placed at a position with a mentor.
    Placement / PlacementPatch {
        student_id: UserId,
        position_id: RecordId,
        mentor_id: UserId,
        state: PlacementState,
        /// When it became active; set by `apply` from the judging clock, never by a patch.
        #[serde(default)]
        started_at: Option<DateTime<Utc>>,
        /// Why it ended early, in the words of whoever ended it (`Mutation::EndPlacement`).
        #[serde(default)]
        end_reason: String,
        /// Who ended it early (set by `apply`).
        #[serde(default)]
        ended_by: Option<UserId>,
        /// When it ended early (set by `apply` from the judging clock).
        #[serde(default)]
        ended_at: Option<DateTime<Utc>>,
    }
}

entity! {
    /// A mentoring session, planned and then logged.
    MentoringSession / MentoringSessionPatch {
        starts_at: DateTime<Utc>,
        time_zone: String,
        duration_minutes: u32,
        format: SessionFormat,
        #[serde(default)]
        location: String,
        #[serde(default)]
        agenda: String,
        #[serde(default)]
        notes: String,
        #[serde(default)]
        next_steps: String,
        state: SessionState,
    }
}

entity! {
    /// A goal a student works towards.
    Goal / GoalPatch {
        title: String,
        #[serde(default)]
        target_date: Option<NaiveDate>,
        #[serde(default)]
        success_criteria: String,
    }
}

entity! {
    /// A task, under a goal or alone.
    Task / TaskPatch {
        #[serde(default)]
        goal_id: Option<RecordId>,
        title: String,
        #[serde(default)]
        due_date: Option<NaiveDate>,
        done: bool,
        /// Who created it; set by `apply` from the actor, never by the client.
        #[serde(default)]
        created_by: Option<UserId>,
    }
}

entity! {
    /// A student's answer to a workshop invitation; its record id is the workshop's id.
    Rsvp / RsvpPatch {
        going: bool,
    }
}

entity! {
    /// A student's check-in at a workshop; its record id is the workshop's id. Only
    /// [`crate::mutation::Mutation::CheckIn`] writes it, so the code and the time are checked.
    Attendance / AttendancePatch {
        checked_in_at: DateTime<Utc>,
    }
}

entity! {
    /// The secret a workshop's check-in QR code carries; its record id is the workshop's id. It
    /// lives in the staff space, so students cannot read it and check in without being there.
    CheckinCode / CheckinCodePatch {
        code: String,
    }
}

entity! {
    /// A job application on the student's pipeline board.
    JobApplication / JobApplicationPatch {
        company: String,
        role: String,
        stage: ApplicationStage,
        #[serde(default)]
        applied_on: Option<NaiveDate>,
        #[serde(default)]
        next_step: String,
        #[serde(default)]
        notes: String,
    }
}

entity! {
    /// One step of a visa / work-permit route on the student's checklist.
    VisaStep / VisaStepPatch {
        route: String,
        title: String,
        authority: String,
        #[serde(default)]
        due_date: Option<NaiveDate>,
        #[serde(default)]
        documents: Vec<String>,
        state: VisaStepState,
        /// `title` in 繁體中文; empty when not translated.
        #[serde(default)]
        title_zh: String,
        /// `authority` in 繁體中文; empty when not translated.
        #[serde(default)]
        authority_zh: String,
        /// `documents` in 繁體中文, in the same order; empty when not translated.
        #[serde(default)]
        documents_zh: Vec<String>,
        /// The version of the route template the step was made from (0: made before steps
        /// recorded it, or not from a template).
        #[serde(default)]
        route_version: u32,
        /// The fee in New Taiwan dollars, when there is a fixed one (from the template).
        #[serde(default)]
        fee_twd: Option<u32>,
    }
}

entity! {
    /// Feedback after a mentoring session from one side.
    Feedback / FeedbackPatch {
        session_id: RecordId,
        rating: u8,
        #[serde(default)]
        text: String,
        /// Who wrote it; set by `apply` from the actor.
        #[serde(default)]
        author: Option<UserId>,
    }
}

entity! {
    /// A concern raised to program staff about a student.
    ConcernFlag / ConcernFlagPatch {
        student_id: UserId,
        topic: ConcernTopic,
        priority: Priority,
        text: String,
        state: ConcernState,
        #[serde(default)]
        assignee: Option<UserId>,
        /// Who raised it; set by `apply` from the actor.
        #[serde(default)]
        raised_by: Option<UserId>,
        /// When it reached the server (set by `apply` from the judging clock).
        #[serde(default)]
        raised_at: Option<DateTime<Utc>>,
        /// Staff's notes while handling it.
        #[serde(default)]
        notes: String,
    }
}

entity! {
    /// Staff's handling of one pair-health flag about a student, in the student's space (so the
    /// mentor's card shows it too). Its record id is the flag's rule (`no_recent_session`, …); it
    /// applies to the flag while the flag's `occurrence` (`health::Flag::occurrence`: the rule
    /// and its anchor date) is the one reviewed, so the same rule firing anew shows again.
    FlagReview / FlagReviewPatch {
        /// The flag reviewed: its rule and anchor.
        occurrence: String,
        state: FlagReviewState,
        /// Who on staff handles it.
        #[serde(default)]
        assignee: Option<UserId>,
        /// Snoozed until this program day (the flag is back on it).
        #[serde(default)]
        snoozed_until: Option<NaiveDate>,
        /// What was done (for a resolution).
        #[serde(default)]
        note: String,
    }
}

entity! {
    /// When someone last used the app in a student's space: the student themselves or a mentor
    /// (one record per person, its id the person's user id). Written by the server when that
    /// person's app pulls the space, at most once an hour ([`crate::server::ACTIVITY_REFRESH_MINUTES`]);
    /// nobody writes it through a mutation. The pair's cards show it as "last active", and the
    /// student's feeds the pair-health rule on inactivity.
    Activity / ActivityPatch {
        user_id: UserId,
        at: DateTime<Utc>,
    }
}

entity! {
    /// An inbox item someone dismissed (`crate::inbox::InboxItem::key`), kept in the space of the
    /// student it is about so it syncs to that person's other devices. Only its owner reads it:
    /// pulls send it to `user_id` alone (`permissions::may_read_record`), and `apply` sets
    /// `user_id` to whoever creates it. Deleting it shows the item again.
    InboxDismissal / InboxDismissalPatch {
        user_id: UserId,
        item: String,
    }
}

entity! {
    /// A placement's evaluation or outcome survey, answered (`crate::evaluation`). Its record id is
    /// `ev-<kind>-<placement>` (`evaluation::evaluation_id`): one per kind and placement. The
    /// mentor of the placement answers the mentor's kinds, the student the others; the answers
    /// are checked against the template they name; once made it is final (only staff change or
    /// delete it).
    Evaluation / EvaluationPatch {
        placement_id: RecordId,
        kind: crate::evaluation::EvaluationKind,
        template_id: RecordId,
        template_version: u32,
        #[serde(default)]
        answers: Vec<crate::evaluation::Answer>,
        /// Who answered; set by `apply` from the actor.
        #[serde(default)]
        author: Option<UserId>,
        /// When it reached the server (set by `apply` from the judging clock).
        #[serde(default)]
        submitted_at: Option<DateTime<Utc>>,
    }
}

entity! {
    /// A staff-internal note about a student.
    StaffNote / StaffNotePatch {
        student_id: UserId,
        text: String,
    }
}

entity! {
    /// A student's enrolment in a cohort, kept in the staff space so staff count and list
    /// students without syncing every student's space.
    Enrollment / EnrollmentPatch {
        student_id: UserId,
        display_name: String,
        cohort_year: i32,
    }
}

entity! {
    /// Where a student ended up after the program.
    Outcome / OutcomePatch {
        employed: bool,
        in_taiwan: bool,
        #[serde(default)]
        visa_route: Option<String>,
    }
}

entity! {
    /// A student as staff see them without syncing the student's space: derived by the server
    /// from that space (see [`crate::summary`]); its record id is the student's user id.
    StudentSummary / StudentSummaryPatch {
        display_name: String,
        cohort_year: i32,
        #[serde(default)]
        nationality: String,
        #[serde(default)]
        university: String,
        #[serde(default)]
        department: String,
        #[serde(default)]
        degree: String,
        #[serde(default)]
        graduation_date: Option<NaiveDate>,
        #[serde(default)]
        languages: Vec<String>,
        #[serde(default)]
        mandarin_level: Option<u8>,
        #[serde(default)]
        interests: Vec<String>,
        #[serde(default)]
        rankings: Vec<RankingChoice>,
        #[serde(default)]
        placements: Vec<crate::summary::PlacementSummary>,
        /// Sessions held, by month.
        #[serde(default)]
        sessions_held: Vec<crate::summary::MonthCount>,
        #[serde(default)]
        sessions_scheduled: u32,
        #[serde(default)]
        workshops_attended: Vec<RecordId>,
        /// Workshops the student says they are going to (their `rsvp`s with `going`), by id.
        #[serde(default)]
        workshops_going: Vec<RecordId>,
        #[serde(default)]
        applications: Vec<crate::summary::StageCount>,
        /// Where they ended up (boxed, like `health` and `evaluations`: it keeps the largest
        /// record small).
        #[serde(default)]
        outcome: Option<Box<Outcome>>,
        #[serde(default)]
        visa_routes: Vec<String>,
        /// What pair-health flags are worked out from (`crate::health`), for staff (boxed: it is
        /// the largest part of the largest record).
        #[serde(default)]
        health: Box<crate::health::PairFacts>,
        /// The evaluations and outcome surveys answered in the student's space (a boxed slice:
        /// with `health`, it keeps the largest record small).
        #[serde(default)]
        evaluations: Box<[Evaluation]>,
        #[serde(default)]
        updated_at: Option<DateTime<Utc>>,
    }
}

/// Where a matching proposal is in staff's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Proposed (or changed by staff), not yet decided.
    Draft,
    /// Confirmed: the placement was created in the student's space.
    Confirmed,
    /// Turned down.
    Rejected,
}

entity! {
    /// A draft match of one student to a position and mentor, kept in the staff space while staff
    /// review a matching round. Its record id is `match-<year>-<student id>`.
    MatchProposal / MatchProposalPatch {
        cohort_year: i32,
        student_id: UserId,
        position_id: RecordId,
        #[serde(default)]
        mentor_id: Option<UserId>,
        /// The student's rank for the position (0 when staff chose one the student did not rank).
        rank: u8,
        /// Why the matcher proposed it, as data (the app words it in each language); `None`
        /// once staff changed it.
        #[serde(default)]
        explanation: Option<crate::matching::Explanation>,
        /// The student whose position and mentor staff swapped with this one, if they did.
        #[serde(default)]
        swapped_with: Option<UserId>,
        /// Whether staff changed it after the proposal.
        #[serde(default)]
        edited: bool,
        state: ProposalState,
    }
}

/// A typed record of one kind: what [`Entity`] wraps. Lets code ask for "the tasks" by type
/// (`use_typed::<Task>(space)` in the app) instead of matching on [`Entity`] by hand.
pub trait Record: Sized {
    /// The kind of record this type is.
    const KIND: RecordKind;

    /// The record inside `entity`, when `entity` is of this kind.
    fn from_entity(entity: Entity) -> Option<Self>;

    /// The record wrapped as an [`Entity`].
    fn into_entity(self) -> Entity;
}

/// Declares [`RecordKind`], [`Entity`] and [`EntityPatch`] from one table, so the three never drift.
macro_rules! kinds {
    ($( $variant:ident($ty:ident, $patch:ident) = $wire:literal in $space:ident; )*) => {
        /// Every kind of record, by its wire name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RecordKind { $( #[doc = $wire] $variant, )* }

        impl RecordKind {
            /// All kinds.
            pub const ALL: &'static [RecordKind] = &[ $( RecordKind::$variant, )* ];

            /// The wire names of all kinds, in the order of [`RecordKind::ALL`].
            pub const NAMES: &'static [&'static str] = &[ $( $wire, )* ];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $( RecordKind::$variant => $wire, )* }
            }

            /// Parses the wire name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $( $wire => Some(RecordKind::$variant), )* _ => None }
            }

            /// The kind of space records of this kind live in.
            pub fn space_kind(self) -> SpaceKind {
                match self { $( RecordKind::$variant => SpaceKind::$space, )* }
            }
        }

        /// A record's content, tagged with its kind: `{"kind": "task", "fields": {…}}`.
        /// `Deserialize` reads the kind first (`tag_first.rs`), in the derived wire format.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
        pub enum Entity { $( #[doc = $wire] $variant($ty), )* }

        /// A field-level change to a record, tagged with its kind: `{"kind": "task", "fields": {…}}`.
        /// `Deserialize` reads the kind first (`tag_first.rs`), in the derived wire format.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
        pub enum EntityPatch { $( #[doc = $wire] $variant($patch), )* }

        impl<'de> Deserialize<'de> for Entity {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::tag_first::deserialize_kind_tagged(deserializer)
            }
        }

        impl crate::tag_first::KindTagged for Entity {
            const NAME: &'static str = "Entity";

            fn payload<'de, D: serde::Deserializer<'de>>(kind: RecordKind, deserializer: D) -> Result<Self, D::Error> {
                Ok(match kind { $( RecordKind::$variant => Entity::$variant($ty::deserialize(deserializer)?), )* })
            }
        }

        impl<'de> Deserialize<'de> for EntityPatch {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::tag_first::deserialize_kind_tagged(deserializer)
            }
        }

        impl crate::tag_first::KindTagged for EntityPatch {
            const NAME: &'static str = "EntityPatch";

            fn payload<'de, D: serde::Deserializer<'de>>(kind: RecordKind, deserializer: D) -> Result<Self, D::Error> {
                Ok(match kind { $( RecordKind::$variant => EntityPatch::$variant($patch::deserialize(deserializer)?), )* })
            }
        }

        impl Entity {
            /// The record kind.
            pub fn kind(&self) -> RecordKind {
                match self { $( Entity::$variant(_) => RecordKind::$variant, )* }
            }

            /// The fields as a JSON object (what storage keeps).
            pub fn to_fields(&self) -> serde_json::Value {
                let result = match self { $( Entity::$variant(inner) => serde_json::to_value(inner), )* };
                // Serializing plain structs of strings, numbers and dates cannot fail.
                result.unwrap_or(serde_json::Value::Null)
            }

            /// Reads stored fields back into a typed entity.
            pub fn from_fields(kind: RecordKind, fields: serde_json::Value) -> Result<Self, serde_json::Error> {
                Ok(match kind { $( RecordKind::$variant => Entity::$variant(serde_json::from_value(fields)?), )* })
            }
        }

        $(
            impl Record for $ty {
                const KIND: RecordKind = RecordKind::$variant;

                fn from_entity(entity: Entity) -> Option<Self> {
                    match entity { Entity::$variant(record) => Some(record), _ => None }
                }

                fn into_entity(self) -> Entity {
                    Entity::$variant(self)
                }
            }
        )*

        impl EntityPatch {
            /// The record kind.
            pub fn kind(&self) -> RecordKind {
                match self { $( EntityPatch::$variant(_) => RecordKind::$variant, )* }
            }

            /// The names of the fields the patch sets.
            pub fn fields(&self) -> Vec<&'static str> {
                match self { $( EntityPatch::$variant(patch) => patch.fields(), )* }
            }

            /// Applies the patch to an entity of the same kind.
            pub fn apply_to(self, entity: &mut Entity) -> Result<(), MutationError> {
                match (self, entity) {
                    $( (EntityPatch::$variant(patch), Entity::$variant(target)) => { patch.apply_to(target); Ok(()) } )*
                    (patch, entity) => Err(MutationError::invalid("kind", Problem::WrongPatch { patch: patch.kind(), record: entity.kind() })),
                }
            }
        }
    };
}

kinds! {
    Cohort(Cohort, CohortPatch) = "cohort" in Program;
    PartnerUniversity(PartnerUniversity, PartnerUniversityPatch) = "partner_university" in Program;
    Organization(Organization, OrganizationPatch) = "organization" in Program;
    Position(Position, PositionPatch) = "position" in Program;
    MentorProfile(MentorProfile, MentorProfilePatch) = "mentor_profile" in Program;
    Workshop(Workshop, WorkshopPatch) = "workshop" in Program;
    Announcement(Announcement, AnnouncementPatch) = "announcement" in Program;
    VisaRoute(VisaRoute, VisaRoutePatch) = "visa_route" in Program;
    EvaluationTemplate(EvaluationTemplate, EvaluationTemplatePatch) = "evaluation_template" in Program;
    StudentProfile(StudentProfile, StudentProfilePatch) = "student_profile" in Student;
    Ranking(Ranking, RankingPatch) = "ranking" in Student;
    Placement(Placement, PlacementPatch) = "placement" in Student;
    MentoringSession(MentoringSession, MentoringSessionPatch) = "mentoring_session" in Student;
    Goal(Goal, GoalPatch) = "goal" in Student;
    Task(Task, TaskPatch) = "task" in Student;
    Rsvp(Rsvp, RsvpPatch) = "rsvp" in Student;
    Attendance(Attendance, AttendancePatch) = "attendance" in Student;
    JobApplication(JobApplication, JobApplicationPatch) = "job_application" in Student;
    VisaStep(VisaStep, VisaStepPatch) = "visa_step" in Student;
    Feedback(Feedback, FeedbackPatch) = "feedback" in Student;
    Outcome(Outcome, OutcomePatch) = "outcome" in Student;
    FlagReview(FlagReview, FlagReviewPatch) = "flag_review" in Student;
    Activity(Activity, ActivityPatch) = "activity" in Student;
    InboxDismissal(InboxDismissal, InboxDismissalPatch) = "inbox_dismissal" in Student;
    Evaluation(Evaluation, EvaluationPatch) = "evaluation" in Student;
    ConcernFlag(ConcernFlag, ConcernFlagPatch) = "concern_flag" in Staff;
    StaffNote(StaffNote, StaffNotePatch) = "staff_note" in Staff;
    Enrollment(Enrollment, EnrollmentPatch) = "enrollment" in Staff;
    CheckinCode(CheckinCode, CheckinCodePatch) = "checkin_code" in Staff;
    StudentSummary(StudentSummary, StudentSummaryPatch) = "student_summary" in Staff;
    MatchProposal(MatchProposal, MatchProposalPatch) = "match_proposal" in Staff;
}

/// Whether a character is invisible formatting that can make a name or title read as something
/// it is not: bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
/// the Arabic letter mark and the left-to-right / right-to-left marks, zero-width space, word
/// joiner and the other invisible operators (U+2060–U+2064), the byte order mark, and the
/// Mongolian vowel separator. The zero-width (non-)joiners stay allowed: Persian and Indic
/// names and emoji sequences need them.
pub fn is_invisible_formatting(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Field checks with one clear message each.
struct Check;

impl Check {
    fn line(field: &'static str, value: &str) -> Result<(), MutationError> {
        if value.trim().is_empty() {
            return Err(MutationError::invalid(field, Problem::Required));
        }
        Self::at_most(field, value, MAX_LINE)?;
        if value.chars().any(is_invisible_formatting) {
            return Err(MutationError::invalid(field, Problem::InvisibleFormatting));
        }
        Ok(())
    }

    /// A line that may be empty (an untranslated text); otherwise as [`Check::line`].
    fn optional_line(field: &'static str, value: &str) -> Result<(), MutationError> {
        if value.is_empty() {
            return Ok(());
        }
        Self::line(field, value)
    }

    fn at_most(field: &'static str, value: &str, max: usize) -> Result<(), MutationError> {
        let n_chars = value.chars().count();
        if n_chars > max {
            return Err(MutationError::invalid(
                field,
                Problem::TooLong {
                    length: n_chars,
                    max,
                },
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(MutationError::invalid(field, Problem::ControlCharacters));
        }
        Ok(())
    }

    fn email(field: &'static str, value: &str) -> Result<(), MutationError> {
        Self::line(field, value)?;
        match value.split_once('@') {
            Some((user, host))
                if !user.is_empty() && host.contains('.') && !value.contains(' ') =>
            {
                Ok(())
            }
            _ => Err(MutationError::invalid(field, Problem::NotEmail)),
        }
    }

    fn text(field: &'static str, value: &str) -> Result<(), MutationError> {
        Self::at_most(field, value, MAX_TEXT)
    }

    fn required_text(field: &'static str, value: &str) -> Result<(), MutationError> {
        if value.trim().is_empty() {
            return Err(MutationError::invalid(field, Problem::Required));
        }
        Self::text(field, value)
    }

    fn list(field: &'static str, values: &[String]) -> Result<(), MutationError> {
        if values.len() > 20 {
            return Err(MutationError::invalid(
                field,
                Problem::TooManyEntries { max: 20 },
            ));
        }
        values.iter().try_for_each(|value| Self::line(field, value))
    }

    fn year(field: &'static str, year: i32) -> Result<(), MutationError> {
        if YEARS.contains(&year) {
            Ok(())
        } else {
            Err(MutationError::invalid(
                field,
                Problem::YearOutOfRange { year },
            ))
        }
    }

    fn date(field: &'static str, date: Option<NaiveDate>) -> Result<(), MutationError> {
        use chrono::Datelike;
        date.map_or(Ok(()), |date| Self::year(field, date.year()))
    }

    fn instant(field: &'static str, instant: DateTime<Utc>) -> Result<(), MutationError> {
        use chrono::Datelike;
        Self::year(field, instant.year())
    }

    fn range(
        field: &'static str,
        value: u32,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<(), MutationError> {
        if range.contains(&value) {
            Ok(())
        } else {
            Err(MutationError::invalid(
                field,
                Problem::OutOfRange {
                    value,
                    min: *range.start(),
                    max: *range.end(),
                },
            ))
        }
    }

    fn id(field: &'static str, id: &str) -> Result<(), MutationError> {
        if is_valid_id(id) {
            Ok(())
        } else {
            Err(MutationError::invalid(field, Problem::NotAnId))
        }
    }

    fn time_zone(field: &'static str, zone: &str) -> Result<(), MutationError> {
        let well_formed = !zone.is_empty()
            && zone.len() <= 64
            && zone
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
        if well_formed {
            Ok(())
        } else {
            Err(MutationError::invalid(field, Problem::NotTimeZone))
        }
    }
}

impl Entity {
    /// Checks every field: required text, lengths, dates, numeric ranges, ids.
    pub fn validate(&self) -> Result<(), MutationError> {
        match self {
            Entity::Cohort(cohort) => {
                Check::year("year", cohort.year)?;
                Check::line("name", &cohort.name)?;
                if let Some(deadline) = cohort.ranking_deadline {
                    Check::instant("ranking_deadline", deadline)?;
                }
                Check::range("max_rankings", u32::from(cohort.max_rankings), 1..=10)
            }
            Entity::PartnerUniversity(university) => {
                Check::line("name", &university.name)?;
                Check::line("country", &university.country)
            }
            Entity::Organization(organization) => {
                Check::line("name", &organization.name)?;
                Check::line("industry", &organization.industry)?;
                if !organization.industry_zh.is_empty() {
                    Check::line("industry_zh", &organization.industry_zh)?;
                }
                if let Some(email) = &organization.contact_email {
                    Check::email("contact_email", email)?;
                }
                organization
                    .cohort_years
                    .iter()
                    .try_for_each(|year| Check::year("cohort_years", *year))
            }
            Entity::Position(position) => {
                Check::id("organization_id", position.organization_id.as_str())?;
                Check::year("cohort_year", position.cohort_year)?;
                Check::line("title", &position.title)?;
                Check::range("slots", position.slots, 1..=100)?;
                Check::list("languages", &position.languages)?;
                Check::text("description", &position.description)
            }
            Entity::MentorProfile(mentor) => {
                Check::id("user_id", mentor.user_id.as_str())?;
                Check::line("display_name", &mentor.display_name)?;
                Check::id("organization_id", mentor.organization_id.as_str())?;
                Check::list("expertise", &mentor.expertise)?;
                Check::list("languages", &mentor.languages)?;
                if let Some(email) = &mentor.contact_email {
                    Check::email("contact_email", email)?;
                }
                Check::range("capacity", mentor.capacity, 0..=20)
            }
            Entity::Workshop(workshop) => {
                Check::line("title", &workshop.title)?;
                Check::instant("starts_at", workshop.starts_at)?;
                Check::range("duration_minutes", workshop.duration_minutes, 5..=24 * 60)?;
                Check::line("place", &workshop.place)?;
                Check::range("capacity", workshop.capacity, 1..=10_000)
            }
            Entity::VisaRoute(route) => {
                let template = &route.template;
                Check::line("name", &template.name)?;
                Check::line("authority", &template.authority)?;
                Check::optional_line("name_zh", &template.name_zh)?;
                Check::optional_line("authority_zh", &template.authority_zh)?;
                Check::date("verified_on", template.verified_on)?;
                Check::text("changes", &template.changes)?;
                Check::text("changes_zh", &template.changes_zh)?;
                if template.steps.is_empty() || template.steps.len() > 30 {
                    return Err(MutationError::invalid(
                        "steps",
                        Problem::StepCount { max: 30 },
                    ));
                }
                for step in &template.steps {
                    Check::id("steps", &step.id)?;
                    Check::line("steps", &step.title)?;
                    Check::line("steps", &step.authority)?;
                    Check::list("documents", &step.documents)?;
                    Check::text("note", &step.note)?;
                    Check::optional_line("steps", &step.title_zh)?;
                    Check::optional_line("steps", &step.authority_zh)?;
                    Check::list("documents_zh", &step.documents_zh)?;
                    Check::text("note_zh", &step.note_zh)?;
                    if step.sources.len() > 20 {
                        return Err(MutationError::invalid(
                            "sources",
                            Problem::TooManyEntries { max: 20 },
                        ));
                    }
                    for source in &step.sources {
                        // An address may be longer than a line; it holds no control characters.
                        Check::required_text("sources", &source.url)?;
                        if source.link().is_none() {
                            return Err(MutationError::invalid("sources", Problem::NotWebAddress));
                        }
                        Check::line("sources", &source.title)?;
                        Check::optional_line("sources", &source.title_zh)?;
                    }
                }
                Ok(())
            }
            Entity::Announcement(announcement) => {
                Check::line("title", &announcement.title)?;
                Check::text("body", &announcement.body)?;
                if let Some(year) = announcement.cohort_year {
                    Check::year("cohort_year", year)?;
                }
                Check::instant("published_at", announcement.published_at)
            }
            Entity::StudentProfile(profile) => {
                Check::line("display_name", &profile.display_name)?;
                Check::at_most("nationality", &profile.nationality, MAX_LINE)?;
                Check::at_most("university", &profile.university, MAX_LINE)?;
                Check::at_most("department", &profile.department, MAX_LINE)?;
                Check::at_most("degree", &profile.degree, MAX_LINE)?;
                Check::date("graduation_date", profile.graduation_date)?;
                Check::list("languages", &profile.languages)?;
                if let Some(level) = profile.mandarin_level {
                    Check::range("mandarin_level", u32::from(level), 0..=6)?;
                }
                Check::date("residence_card_expiry", profile.residence_card_expiry)?;
                Check::list("interests", &profile.interests)?;
                Check::date("placement_start", profile.placement_start)?;
                Check::date("placement_end", profile.placement_end)?;
                if let (Some(start), Some(end)) = (profile.placement_start, profile.placement_end) {
                    if end < start {
                        return Err(MutationError::invalid(
                            "placement_end",
                            Problem::EndsBeforeStart,
                        ));
                    }
                }
                Check::year("cohort_year", profile.cohort_year)
            }
            Entity::Ranking(ranking) => {
                Check::year("cohort_year", ranking.cohort_year)?;
                if ranking.choices.len() > MAX_RANKINGS {
                    return Err(MutationError::invalid(
                        "choices",
                        Problem::TooManyChoices { max: MAX_RANKINGS },
                    ));
                }
                for (index, choice) in ranking.choices.iter().enumerate() {
                    Check::id("position_id", choice.position_id.as_str())?;
                    Check::at_most("reason", &choice.reason, MAX_REASON)?;
                    if ranking.choices[..index]
                        .iter()
                        .any(|earlier| earlier.position_id == choice.position_id)
                    {
                        return Err(MutationError::invalid("choices", Problem::RankedTwice));
                    }
                }
                Ok(())
            }
            Entity::Placement(placement) => {
                Check::id("student_id", placement.student_id.as_str())?;
                Check::id("position_id", placement.position_id.as_str())?;
                Check::text("end_reason", &placement.end_reason)?;
                Check::id("mentor_id", placement.mentor_id.as_str())
            }
            Entity::MentoringSession(session) => {
                Check::instant("starts_at", session.starts_at)?;
                Check::time_zone("time_zone", &session.time_zone)?;
                Check::range("duration_minutes", session.duration_minutes, 5..=8 * 60)?;
                Check::at_most("location", &session.location, MAX_LINE)?;
                Check::text("agenda", &session.agenda)?;
                Check::text("notes", &session.notes)?;
                Check::text("next_steps", &session.next_steps)
            }
            Entity::Goal(goal) => {
                Check::line("title", &goal.title)?;
                Check::date("target_date", goal.target_date)?;
                Check::text("success_criteria", &goal.success_criteria)
            }
            Entity::Task(task) => {
                if let Some(goal) = &task.goal_id {
                    Check::id("goal_id", goal.as_str())?;
                }
                Check::line("title", &task.title)?;
                Check::date("due_date", task.due_date)
            }
            Entity::Rsvp(_) => Ok(()),
            Entity::Attendance(attendance) => {
                Check::instant("checked_in_at", attendance.checked_in_at)
            }
            Entity::JobApplication(application) => {
                Check::line("company", &application.company)?;
                Check::line("role", &application.role)?;
                Check::date("applied_on", application.applied_on)?;
                Check::at_most("next_step", &application.next_step, MAX_LINE)?;
                Check::text("notes", &application.notes)
            }
            Entity::VisaStep(step) => {
                Check::line("route", &step.route)?;
                Check::line("title", &step.title)?;
                Check::line("authority", &step.authority)?;
                Check::date("due_date", step.due_date)?;
                Check::list("documents", &step.documents)?;
                Check::optional_line("title_zh", &step.title_zh)?;
                Check::optional_line("authority_zh", &step.authority_zh)?;
                Check::list("documents_zh", &step.documents_zh)
            }
            Entity::Feedback(feedback) => {
                Check::id("session_id", feedback.session_id.as_str())?;
                Check::range("rating", u32::from(feedback.rating), 1..=5)?;
                Check::text("text", &feedback.text)
            }
            Entity::Outcome(outcome) => match &outcome.visa_route {
                Some(route) => Check::line("visa_route", route),
                None => Ok(()),
            },
            Entity::ConcernFlag(flag) => {
                Check::id("student_id", flag.student_id.as_str())?;
                Check::required_text("text", &flag.text)?;
                Check::text("notes", &flag.notes)
            }
            Entity::Enrollment(enrollment) => {
                Check::id("student_id", enrollment.student_id.as_str())?;
                Check::line("display_name", &enrollment.display_name)?;
                Check::year("cohort_year", enrollment.cohort_year)
            }
            Entity::StudentSummary(summary) => Check::line("display_name", &summary.display_name),
            Entity::MatchProposal(proposal) => {
                Check::year("cohort_year", proposal.cohort_year)?;
                Check::id("student_id", proposal.student_id.as_str())?;
                Check::id("position_id", proposal.position_id.as_str())?;
                if let Some(mentor) = &proposal.mentor_id {
                    Check::id("mentor_id", mentor.as_str())?;
                }
                match &proposal.swapped_with {
                    Some(other) => Check::id("swapped_with", other.as_str()),
                    None => Ok(()),
                }
            }
            Entity::CheckinCode(checkin) => {
                let good = (6..=32).contains(&checkin.code.len())
                    && checkin.code.bytes().all(|b| b.is_ascii_alphanumeric());
                if good {
                    Ok(())
                } else {
                    Err(MutationError::invalid("code", Problem::BadCode))
                }
            }
            Entity::StaffNote(note) => {
                Check::id("student_id", note.student_id.as_str())?;
                Check::required_text("text", &note.text)
            }
            Entity::Activity(activity) => {
                Check::id("user_id", activity.user_id.as_str())?;
                Check::instant("at", activity.at)
            }
            Entity::EvaluationTemplate(template) => {
                Check::line("title", &template.title)?;
                Check::optional_line("title_zh", &template.title_zh)?;
                for question in &template.questions {
                    Check::line("questions", &question.text)?;
                    Check::optional_line("questions", &question.text_zh)?;
                }
                crate::evaluation::validate_template(template)
            }
            Entity::Evaluation(evaluation) => {
                Check::id("placement_id", evaluation.placement_id.as_str())?;
                Check::id("template_id", evaluation.template_id.as_str())?;
                crate::evaluation::validate_evaluation(evaluation)
            }
            Entity::InboxDismissal(dismissal) => {
                Check::id("user_id", dismissal.user_id.as_str())?;
                if dismissal.item.trim().is_empty() {
                    return Err(MutationError::invalid("item", Problem::Required));
                }
                Check::line("item", &dismissal.item)
            }
            Entity::FlagReview(review) => {
                Check::line("occurrence", &review.occurrence)?;
                if let Some(assignee) = &review.assignee {
                    Check::id("assignee", assignee.as_str())?;
                }
                match (review.state, review.snoozed_until) {
                    (FlagReviewState::Snoozed, None) => {
                        Err(MutationError::invalid("snoozed_until", Problem::Required))
                    }
                    (FlagReviewState::Resolved, _) => Check::required_text("note", &review.note),
                    _ => Ok(()),
                }
            }
        }
    }
}
