//! Evaluations and outcome surveys: staff-defined templates (versioned data in both languages in
//! the program space), when each is due for a placement, and the rules answers must meet.
//!
//! Seven kinds, each answered once per placement: the mentor's mid-point and final evaluation of
//! the student (the mentor as supervisor), the student's self-assessment of their goals before
//! and after the placement, and the student's outcome survey 3, 6 and 12 months after it ended
//! (employed? in Taiwan? on which route? employer). A template is never changed once made:
//! staff's edit is a new version (a new record, [`template_id`]), so every answer keeps the
//! questions it answered. The built-in version 1 of every kind ([`built_in`]) is there before
//! staff make any.
//!
//! When (days from the placement's start `S` and end `E`; `E` is the day it ended early, else the
//! student's planned last day, else [`DEFAULT_PLACEMENT_DAYS`] after the start; the middle `M` is
//! that of the planned placement):
//! - the student's self-assessment before: open from `S`, due `S + 14`;
//! - the mentor's mid-point evaluation: open from the middle day `M`, due `M + 14` (not for a
//!   placement that ended before its middle);
//! - the mentor's final evaluation and the student's self-assessment after: open from `E - 14`,
//!   due `E + 14`;
//! - the outcome surveys: open 3, 6 and 12 months after `E`, each due 30 days later.
//!
//! A due evaluation shows in its person's inbox from the day it opens until it is answered, or
//! until [`GRACE_DAYS`] after it was due (the moment it asks about has passed).

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::{Evaluation, EvaluationTemplate, Outcome, Placement, PlacementState, Role};
use crate::error::{MutationError, Problem};
use crate::ids::{is_valid_id, RecordId};
use crate::inbox::Reader;

/// Most questions a template may ask.
pub const MAX_QUESTIONS: usize = 20;
/// Longest written answer, in characters.
pub const MAX_ANSWER_TEXT: usize = 1000;
/// The scale's lowest and highest points.
pub const SCALE: std::ops::RangeInclusive<u8> = 1..=5;
/// A placement's length when neither its end nor the student's planned last day is known.
pub const DEFAULT_PLACEMENT_DAYS: i64 = 182;
/// How many days to answer once an evaluation opens (30 for the outcome surveys).
pub const ANSWER_DAYS: i64 = 14;
/// How many days to answer an outcome survey.
pub const SURVEY_DAYS: i64 = 30;
/// An unanswered evaluation leaves the inbox this many days after it was due.
pub const GRACE_DAYS: i64 = 60;
/// The outcome survey's questions the program's figures read: employed, and in Taiwan (yes/no).
pub const OUTCOME_EMPLOYED: &str = "employed";
/// See [`OUTCOME_EMPLOYED`].
pub const OUTCOME_IN_TAIWAN: &str = "in_taiwan";
/// The outcome survey's question on the visa route (a route's id).
pub const OUTCOME_ROUTE: &str = "route";

/// Which evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationKind {
    /// The student's self-assessment of their goals before the placement.
    SelfBefore,
    /// The mentor's evaluation half way through.
    MentorMidpoint,
    /// The mentor's evaluation at the end.
    MentorFinal,
    /// The student's self-assessment after the placement.
    SelfAfter,
    /// The outcome survey three months after the placement.
    #[serde(rename = "outcome_3m")]
    Outcome3,
    /// Six months after.
    #[serde(rename = "outcome_6m")]
    Outcome6,
    /// Twelve months after.
    #[serde(rename = "outcome_12m")]
    Outcome12,
}

impl EvaluationKind {
    /// Every kind, in the order they fall due.
    pub const ALL: [EvaluationKind; 7] = [
        EvaluationKind::SelfBefore,
        EvaluationKind::MentorMidpoint,
        EvaluationKind::MentorFinal,
        EvaluationKind::SelfAfter,
        EvaluationKind::Outcome3,
        EvaluationKind::Outcome6,
        EvaluationKind::Outcome12,
    ];

    /// The wire name (`self_before`, …, `outcome_12m`).
    pub fn name(self) -> &'static str {
        match self {
            EvaluationKind::SelfBefore => "self_before",
            EvaluationKind::MentorMidpoint => "mentor_midpoint",
            EvaluationKind::MentorFinal => "mentor_final",
            EvaluationKind::SelfAfter => "self_after",
            EvaluationKind::Outcome3 => "outcome_3m",
            EvaluationKind::Outcome6 => "outcome_6m",
            EvaluationKind::Outcome12 => "outcome_12m",
        }
    }

    /// The kind of a wire name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Who answers it: the placement's mentor, or the student.
    pub fn answered_by(self) -> Role {
        match self {
            EvaluationKind::MentorMidpoint | EvaluationKind::MentorFinal => Role::Mentor,
            _ => Role::Student,
        }
    }

    /// Its name in either language ("Final evaluation" / "期末評量").
    pub fn title(self, zh: bool) -> &'static str {
        match (self, zh) {
            (EvaluationKind::SelfBefore, false) => "Self-assessment before the placement",
            (EvaluationKind::SelfBefore, true) => "實習前自我評估",
            (EvaluationKind::MentorMidpoint, false) => "Mid-point evaluation",
            (EvaluationKind::MentorMidpoint, true) => "期中評量",
            (EvaluationKind::MentorFinal, false) => "Final evaluation",
            (EvaluationKind::MentorFinal, true) => "期末評量",
            (EvaluationKind::SelfAfter, false) => "Self-assessment after the placement",
            (EvaluationKind::SelfAfter, true) => "實習後自我評估",
            (EvaluationKind::Outcome3, false) => "Outcome survey: 3 months",
            (EvaluationKind::Outcome3, true) => "成果調查：3 個月",
            (EvaluationKind::Outcome6, false) => "Outcome survey: 6 months",
            (EvaluationKind::Outcome6, true) => "成果調查：6 個月",
            (EvaluationKind::Outcome12, false) => "Outcome survey: 12 months",
            (EvaluationKind::Outcome12, true) => "成果調查：12 個月",
        }
    }

    /// Whether it is an outcome survey (which must ask [`OUTCOME_EMPLOYED`] and
    /// [`OUTCOME_IN_TAIWAN`]).
    pub fn is_outcome(self) -> bool {
        matches!(
            self,
            EvaluationKind::Outcome3 | EvaluationKind::Outcome6 | EvaluationKind::Outcome12
        )
    }

    /// Whether answering it means the placement was evaluated (the funnel's stage).
    pub fn closes_placement(self) -> bool {
        matches!(
            self,
            EvaluationKind::MentorFinal | EvaluationKind::SelfAfter
        )
    }
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A point on the scale 1–5 (`scale`).
    Scale,
    /// Yes or no (`yes`).
    YesNo,
    /// Written words (`text`).
    Text,
    /// A visa route's id (`text`), chosen from the program's routes.
    VisaRoute,
}

/// One question of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its id within the template (answers name it).
    pub id: String,
    /// The question in English.
    pub text: String,
    /// In 繁體中文; empty when not translated.
    #[serde(default)]
    pub text_zh: String,
    /// How it is answered.
    pub answer: AnswerKind,
    /// Whether it must be answered.
    #[serde(default)]
    pub required: bool,
}

/// One answer of an evaluation: the question's id and the value its [`AnswerKind`] takes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Answer {
    /// The question's id.
    pub question: String,
    /// For a scale question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u8>,
    /// For a yes/no question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes: Option<bool>,
    /// For a written answer or a visa route.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl Answer {
    /// Whether it holds a value.
    pub fn is_given(&self) -> bool {
        self.scale.is_some() || self.yes.is_some() || !self.text.trim().is_empty()
    }
}

/// The record id of a template's version: `evt-<kind>-v<version>`.
pub fn template_id(kind: EvaluationKind, version: u32) -> RecordId {
    RecordId(format!("evt-{}-v{version}", kind.name()))
}

/// The record id of a placement's evaluation of a kind: `ev-<kind>-<placement>` (so two devices
/// answering it offline meet on one record instead of making two).
pub fn evaluation_id(kind: EvaluationKind, placement: &RecordId) -> RecordId {
    RecordId(format!("ev-{}-{placement}", kind.name()))
}

fn question(id: &str, answer: AnswerKind, required: bool, en: &str, zh: &str) -> Question {
    Question {
        id: id.to_owned(),
        text: en.to_owned(),
        text_zh: zh.to_owned(),
        answer,
        required,
    }
}

/// The built-in version 1 of a kind's template.
pub fn built_in(kind: EvaluationKind) -> EvaluationTemplate {
    use AnswerKind::{Scale, Text, VisaRoute, YesNo};
    // Before and after, the student says whether they mean to stay.
    let stay = question(
        "stay",
        YesNo,
        false,
        "Do you plan to work in Taiwan after graduating?",
        "畢業後你打算在臺灣工作嗎？",
    );
    let questions = match kind {
        EvaluationKind::SelfBefore => vec![
            question(
                "goals",
                Text,
                true,
                "What do you want to learn or achieve in this placement?",
                "你希望在這次實習中學到或達成什麼？",
            ),
            question(
                "skills",
                Scale,
                true,
                "How ready do you feel for work in your field? (1 = not at all, 5 = fully)",
                "你覺得自己在本領域的工作準備程度如何？（1＝完全沒有，5＝完全準備好）",
            ),
            question(
                "mandarin",
                Scale,
                false,
                "How confident are you using Mandarin at work? (1–5)",
                "你在工作中使用中文的信心如何？（1–5）",
            ),
            stay.clone(),
        ],
        EvaluationKind::MentorMidpoint | EvaluationKind::MentorFinal => vec![
            question(
                "performance",
                Scale,
                true,
                "Overall performance in the placement (1 = poor, 5 = excellent)",
                "實習整體表現（1＝差，5＝優異）",
            ),
            question(
                "progress",
                Scale,
                true,
                "Progress towards the student's goals (1–5)",
                "學生朝目標前進的程度（1–5）",
            ),
            question(
                "strengths",
                Text,
                true,
                "Strengths you have seen",
                "你觀察到的優點",
            ),
            question(
                "improve",
                Text,
                false,
                "What to work on next",
                "接下來需要加強的地方",
            ),
            question(
                "offer",
                YesNo,
                false,
                "Would your organization consider hiring them?",
                "貴單位會考慮聘用這位學生嗎？",
            ),
        ],
        EvaluationKind::SelfAfter => vec![
            question(
                "goals_met",
                Scale,
                true,
                "How far did you reach the goals you set? (1 = not at all, 5 = fully)",
                "你達成原先設定目標的程度？（1＝完全沒有，5＝完全達成）",
            ),
            question(
                "skills",
                Scale,
                true,
                "How ready do you feel for work in your field now? (1–5)",
                "你現在覺得自己在本領域的工作準備程度如何？（1–5）",
            ),
            question(
                "learned",
                Text,
                true,
                "What did you learn?",
                "你學到了什麼？",
            ),
            stay,
        ],
        EvaluationKind::Outcome3 | EvaluationKind::Outcome6 | EvaluationKind::Outcome12 => vec![
            question(
                OUTCOME_EMPLOYED,
                YesNo,
                true,
                "Are you employed?",
                "你目前有工作嗎？",
            ),
            question(
                OUTCOME_IN_TAIWAN,
                YesNo,
                true,
                "Are you in Taiwan?",
                "你目前在臺灣嗎？",
            ),
            question(
                OUTCOME_ROUTE,
                VisaRoute,
                false,
                "On which visa or work-permit route?",
                "你透過哪一種簽證或工作許可途徑？",
            ),
            question("employer", Text, false, "Employer", "雇主"),
        ],
    };
    EvaluationTemplate {
        kind,
        version: 1,
        title: kind.title(false).to_owned(),
        title_zh: kind.title(true).to_owned(),
        questions,
    }
}

/// The built-in template a record id names (`evt-<kind>-v1`), if it names one.
pub fn built_in_named(id: &RecordId) -> Option<EvaluationTemplate> {
    EvaluationKind::ALL
        .into_iter()
        .find(|kind| template_id(*kind, 1) == *id)
        .map(built_in)
}

/// The template a record id names: a stored one, else a built-in one.
pub fn template_named(
    stored: &[(RecordId, EvaluationTemplate)],
    id: &RecordId,
) -> Option<EvaluationTemplate> {
    stored
        .iter()
        .find(|(stored_id, _)| stored_id == id)
        .map(|(_, template)| template.clone())
        .or_else(|| built_in_named(id))
}

/// The current template of a kind: the highest version stored, else the built-in one.
pub fn current_template(
    stored: &[(RecordId, EvaluationTemplate)],
    kind: EvaluationKind,
) -> (RecordId, EvaluationTemplate) {
    stored
        .iter()
        .filter(|(_, template)| template.kind == kind)
        .max_by_key(|(_, template)| template.version)
        .cloned()
        .unwrap_or_else(|| (template_id(kind, 1), built_in(kind)))
}

/// Checks a template's own fields (`Entity::validate`).
pub fn validate_template(template: &EvaluationTemplate) -> Result<(), MutationError> {
    if template.version == 0 {
        return Err(MutationError::invalid(
            "version",
            Problem::OutOfRange {
                value: 0,
                min: 1,
                max: u32::MAX,
            },
        ));
    }
    if template.questions.is_empty() {
        return Err(MutationError::invalid("questions", Problem::Required));
    }
    if template.questions.len() > MAX_QUESTIONS {
        return Err(MutationError::invalid(
            "questions",
            Problem::TooManyEntries { max: MAX_QUESTIONS },
        ));
    }
    for (index, question) in template.questions.iter().enumerate() {
        if !is_valid_id(&question.id) {
            return Err(MutationError::invalid("questions", Problem::NotAnId));
        }
        if template.questions[..index]
            .iter()
            .any(|earlier| earlier.id == question.id)
        {
            return Err(MutationError::invalid(
                "questions",
                Problem::QuestionTwice { number: index + 1 },
            ));
        }
    }
    if template.kind.is_outcome() {
        let asks = |id: &str| {
            template
                .questions
                .iter()
                .any(|q| q.id == id && q.answer == AnswerKind::YesNo)
        };
        if !asks(OUTCOME_EMPLOYED) || !asks(OUTCOME_IN_TAIWAN) {
            return Err(MutationError::invalid(
                "questions",
                Problem::OutcomeQuestions,
            ));
        }
    }
    Ok(())
}

/// Checks answers against the template they answer: every answer names one of its questions, once,
/// with a value of that question's kind; every required question is answered. Numbers in the
/// refusals count questions from 1, in the template's order.
pub fn check_answers(
    template: &EvaluationTemplate,
    answers: &[Answer],
) -> Result<(), MutationError> {
    let number_of = |id: &str| template.questions.iter().position(|q| q.id == id);
    for (index, answer) in answers.iter().enumerate() {
        let Some(position) = number_of(&answer.question) else {
            return Err(MutationError::invalid("answers", Problem::UnknownQuestion));
        };
        if answers[..index]
            .iter()
            .any(|earlier| earlier.question == answer.question)
        {
            return Err(MutationError::invalid(
                "answers",
                Problem::QuestionTwice {
                    number: position + 1,
                },
            ));
        }
        let question = &template.questions[position];
        let fits = match question.answer {
            AnswerKind::Scale => {
                answer.scale.is_some_and(|point| SCALE.contains(&point))
                    && answer.yes.is_none()
                    && answer.text.is_empty()
            }
            AnswerKind::YesNo => {
                answer.yes.is_some() && answer.scale.is_none() && answer.text.is_empty()
            }
            AnswerKind::Text | AnswerKind::VisaRoute => {
                answer.scale.is_none() && answer.yes.is_none()
            }
        };
        if !fits {
            return Err(MutationError::invalid(
                "answers",
                Problem::WrongAnswer {
                    number: position + 1,
                },
            ));
        }
    }
    for (index, question) in template.questions.iter().enumerate() {
        let given = answers
            .iter()
            .any(|answer| answer.question == question.id && answer.is_given());
        if question.required && !given {
            return Err(MutationError::invalid(
                "answers",
                Problem::Unanswered { number: index + 1 },
            ));
        }
    }
    Ok(())
}

/// Checks an evaluation's own fields (`Entity::validate`): the shape of its answers.
pub fn validate_evaluation(evaluation: &Evaluation) -> Result<(), MutationError> {
    if evaluation.answers.len() > MAX_QUESTIONS {
        return Err(MutationError::invalid(
            "answers",
            Problem::TooManyEntries { max: MAX_QUESTIONS },
        ));
    }
    for answer in &evaluation.answers {
        if !is_valid_id(&answer.question) {
            return Err(MutationError::invalid("answers", Problem::NotAnId));
        }
        let length = answer.text.chars().count();
        if length > MAX_ANSWER_TEXT {
            return Err(MutationError::invalid(
                "answers",
                Problem::TooLong {
                    length,
                    max: MAX_ANSWER_TEXT,
                },
            ));
        }
        if answer
            .text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(MutationError::invalid(
                "answers",
                Problem::ControlCharacters,
            ));
        }
    }
    Ok(())
}

/// The days a placement runs: its start, the end it was planned to have (the student's planned
/// last day when it is after the start, else [`DEFAULT_PLACEMENT_DAYS`] after the start), and the
/// day it ended early, if it did. `None` while it has not started.
pub fn placement_days(
    placement: &Placement,
    planned_end: Option<NaiveDate>,
) -> Option<(NaiveDate, NaiveDate, Option<NaiveDate>)> {
    let start = placement.started_at?.date_naive();
    let planned = planned_end
        .filter(|end| *end > start)
        .unwrap_or(start + Duration::days(DEFAULT_PLACEMENT_DAYS));
    let ended = placement
        .ended_at
        .map(|ended| ended.date_naive().max(start));
    Some((start, planned, ended))
}

/// When one evaluation of a placement opens and is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Which evaluation.
    pub kind: EvaluationKind,
    /// The first day it can be answered.
    pub opens: NaiveDate,
    /// The day it is due.
    pub due: NaiveDate,
}

/// The evaluations of a placement planned from `start` to `planned_end` that ended early on
/// `ended` (if it did), in the order they fall due. The closing evaluations and the surveys count
/// from the day it really ended; the mid-point evaluation is left out when it ended before its
/// planned middle.
pub fn windows(start: NaiveDate, planned_end: NaiveDate, ended: Option<NaiveDate>) -> Vec<Window> {
    let window = |kind, opens: NaiveDate, days| Window {
        kind,
        opens,
        due: opens + Duration::days(days),
    };
    let middle = start + Duration::days((planned_end - start).num_days() / 2);
    let end = ended.unwrap_or(planned_end);
    let closing = (end - Duration::days(ANSWER_DAYS)).max(start);
    let mut all = vec![window(EvaluationKind::SelfBefore, start, ANSWER_DAYS)];
    if ended.is_none_or(|ended| ended > middle) {
        all.push(window(EvaluationKind::MentorMidpoint, middle, ANSWER_DAYS));
    }
    for kind in [EvaluationKind::MentorFinal, EvaluationKind::SelfAfter] {
        all.push(Window {
            kind,
            opens: closing,
            due: end + Duration::days(ANSWER_DAYS),
        });
    }
    for (kind, months) in [
        (EvaluationKind::Outcome3, 3),
        (EvaluationKind::Outcome6, 6),
        (EvaluationKind::Outcome12, 12),
    ] {
        let opens = end.checked_add_months(Months::new(months)).unwrap_or(end);
        all.push(window(kind, opens, SURVEY_DAYS));
    }
    all
}

/// An evaluation someone owes now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEvaluation {
    /// The placement.
    pub placement_id: RecordId,
    /// The evaluation's record id ([`evaluation_id`]).
    pub id: RecordId,
    /// Which one, with when it opened and is due.
    pub window: Window,
}

/// The evaluations `reader` owes for a student's placements on `today`: open, not answered, and
/// not more than [`GRACE_DAYS`] past due. A placement counts once it has started (and not when it
/// was cancelled); the student owes their own kinds, a mentor the mentor kinds of the placements
/// that name them.
pub fn due_evaluations(
    placements: &[(RecordId, Placement)],
    planned_end: Option<NaiveDate>,
    answered: &[(RecordId, Evaluation)],
    reader: Reader<'_>,
    today: NaiveDate,
) -> Vec<DueEvaluation> {
    let (role, placements) = (
        match reader {
            Reader::Student => Role::Student,
            Reader::Mentor(_) => Role::Mentor,
        },
        placements.iter().filter(|(_, placement)| match reader {
            Reader::Student => true,
            Reader::Mentor(mentor) => placement.mentor_id == *mentor,
        }),
    );
    let mut due = Vec::new();
    for (placement_id, placement) in placements {
        if !matches!(
            placement.state,
            PlacementState::Active | PlacementState::Completed | PlacementState::EndedEarly
        ) {
            continue;
        }
        let Some((start, planned, ended)) = placement_days(placement, planned_end) else {
            continue;
        };
        for window in windows(start, planned, ended) {
            let id = evaluation_id(window.kind, placement_id);
            let done = answered.iter().any(|(answered_id, _)| *answered_id == id);
            let open = window.opens <= today && today <= window.due + Duration::days(GRACE_DAYS);
            if window.kind.answered_by() == role && open && !done {
                due.push(DueEvaluation {
                    placement_id: placement_id.clone(),
                    id,
                    window,
                });
            }
        }
    }
    due.sort_by(|a, b| (a.window.due, &a.id).cmp(&(b.window.due, &b.id)));
    due
}

/// The outcome the latest answered outcome survey reports (12 months before 6 before 3), if any
/// answered whether the student is employed.
pub fn survey_outcome(evaluations: &[Evaluation]) -> Option<Outcome> {
    let latest = evaluations
        .iter()
        .filter(|evaluation| evaluation.kind.is_outcome())
        .max_by_key(|evaluation| (evaluation.kind, evaluation.submitted_at))?;
    let yes = |id: &str| {
        latest
            .answers
            .iter()
            .find(|answer| answer.question == id)
            .and_then(|answer| answer.yes)
    };
    let employed = yes(OUTCOME_EMPLOYED)?;
    let in_taiwan = yes(OUTCOME_IN_TAIWAN).unwrap_or(false);
    let route = latest
        .answers
        .iter()
        .find(|answer| answer.question == OUTCOME_ROUTE)
        .map(|answer| answer.text.trim().to_owned())
        .filter(|route| !route.is_empty() && is_valid_id(route));
    Some(Outcome {
        employed,
        in_taiwan: employed && in_taiwan,
        visa_route: route.filter(|_| employed && in_taiwan),
    })
}
