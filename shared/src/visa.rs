//! Taiwan visa and work-permit routes as versioned data, and the checklist they give a student.
//!
//! Rules change more often than code ships, so a route is a plain serde record
//! ([`VisaRouteTemplate`]) that can live in the program space and be corrected by staff; only the
//! date arithmetic ([`DueRule`]) is code. [`builtin_routes`] holds the first version of the four
//! built-in routes. Fees and processing times in it are what the authorities published when it
//! was written; staff should check them before each cohort and bump the route's `version`.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::{StudentProfile, VisaStep, VisaStepState};

/// Id of the student work-permit route.
pub const STUDENT_WORK_PERMIT: &str = "student-work-permit";
/// Id of the job-seeking residence route for new graduates.
pub const JOB_SEEKING_RESIDENCE: &str = "job-seeking-residence";
/// Id of the points-based work-permit route for graduates of Taiwanese universities.
pub const GRADUATE_POINTS_WORK_PERMIT: &str = "graduate-points-work-permit";
/// Id of the Employment Gold Card route.
pub const EMPLOYMENT_GOLD_CARD: &str = "employment-gold-card";

/// A step is urgent when fewer than this many days are left (overdue steps included).
pub const URGENT_WITHIN_DAYS: i64 = 30;

const WDA: &str = "Workforce Development Agency, Ministry of Labor";
const NIA: &str = "National Immigration Agency, Ministry of the Interior";
const GOLD_CARD_OFFICE: &str =
    "Employment Gold Card online platform (National Development Council)";
const WDA_ZH: &str = "勞動部勞動力發展署";
const NIA_ZH: &str = "內政部移民署";
const GOLD_CARD_OFFICE_ZH: &str = "就業金卡線上申請平台（國家發展委員會）";

/// A date a due date is counted from; each student's values live in [`Anchors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The date on the diploma.
    GraduationDate,
    /// The expiry date on the student's current residence card (ARC).
    ResidenceCardExpiry,
    /// The first working day of the placement or job the permit is for.
    PlacementStart,
    /// The expiry date of the student's current work permit.
    PermitExpiry,
    /// A date the student picks for steps that hang on their own plans; the app offers today.
    ChosenDate,
}

/// How a step's due date follows from an anchor. Due dates are the last day to act so that the
/// result is in hand in time: where a permit is needed before a date, they allow for processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum DueRule {
    /// At most `days` days after the anchor ("within 14 days of the diploma").
    WithinDaysAfter {
        /// The date counted from.
        anchor: Anchor,
        /// Days after it.
        days: u32,
    },
    /// `days` days before the anchor ("two weeks before starting work").
    DaysBefore {
        /// The date counted back from.
        anchor: Anchor,
        /// Days before it.
        days: u32,
    },
    /// On the anchor itself ("before the card expires").
    OnAnchor {
        /// The date.
        anchor: Anchor,
    },
    /// No deadline (gathering documents, collecting a card).
    NoDueDate,
}

impl DueRule {
    /// The due date for these anchors: `None` when the rule has no due date, when its anchor is
    /// unknown, or when the date would fall outside the calendar chrono can represent.
    pub fn due_date(&self, anchors: &Anchors) -> Option<NaiveDate> {
        match *self {
            Self::WithinDaysAfter { anchor, days } => anchors
                .date(anchor)?
                .checked_add_days(Days::new(u64::from(days))),
            Self::DaysBefore { anchor, days } => anchors
                .date(anchor)?
                .checked_sub_days(Days::new(u64::from(days))),
            Self::OnAnchor { anchor } => anchors.date(anchor),
            Self::NoDueDate => None,
        }
    }
}

/// One student's anchor dates; unknown ones are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Anchors {
    /// See [`Anchor::GraduationDate`].
    pub graduation_date: Option<NaiveDate>,
    /// See [`Anchor::ResidenceCardExpiry`].
    pub residence_card_expiry: Option<NaiveDate>,
    /// See [`Anchor::PlacementStart`].
    pub placement_start: Option<NaiveDate>,
    /// See [`Anchor::PermitExpiry`].
    pub permit_expiry: Option<NaiveDate>,
    /// See [`Anchor::ChosenDate`].
    pub chosen_date: Option<NaiveDate>,
}

impl Anchors {
    /// The student's date for `anchor`, if known.
    pub fn date(&self, anchor: Anchor) -> Option<NaiveDate> {
        match anchor {
            Anchor::GraduationDate => self.graduation_date,
            Anchor::ResidenceCardExpiry => self.residence_card_expiry,
            Anchor::PlacementStart => self.placement_start,
            Anchor::PermitExpiry => self.permit_expiry,
            Anchor::ChosenDate => self.chosen_date,
        }
    }

    /// The anchors a student profile knows (graduation and residence-card expiry); the others
    /// come from the placement and the student and are left unknown.
    pub fn from_profile(profile: &StudentProfile) -> Self {
        Self {
            graduation_date: profile.graduation_date,
            residence_card_expiry: profile.residence_card_expiry,
            ..Self::default()
        }
    }
}

/// One step of a route, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisaStepTemplate {
    /// Stable within its route across versions, so a student's step can be matched to its template.
    pub id: String,
    /// What to do.
    pub title: String,
    /// Who handles it.
    pub authority: String,
    /// What to bring or upload.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The fee in New Taiwan dollars, when there is a fixed one.
    #[serde(default)]
    pub fee_twd: Option<u32>,
    /// When it is due.
    pub due: DueRule,
    /// The fine print: limits, processing times, why the due date is what it is.
    #[serde(default)]
    pub note: String,
    /// `title` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub title_zh: String,
    /// `authority` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub authority_zh: String,
    /// `documents` in 繁體中文, in the same order; empty when not translated.
    #[serde(default)]
    pub documents_zh: Vec<String>,
    /// `note` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub note_zh: String,
}

impl VisaStepTemplate {
    /// The title in the reader's language (繁體中文 when `zh` and translated).
    pub fn title_in(&self, zh: bool) -> &str {
        pick(zh, &self.title, &self.title_zh)
    }

    /// The authority in the reader's language.
    pub fn authority_in(&self, zh: bool) -> &str {
        pick(zh, &self.authority, &self.authority_zh)
    }

    /// The documents in the reader's language.
    pub fn documents_in(&self, zh: bool) -> &[String] {
        pick_list(zh, &self.documents, &self.documents_zh)
    }

    /// The note in the reader's language.
    pub fn note_in(&self, zh: bool) -> &str {
        pick(zh, &self.note, &self.note_zh)
    }
}

/// A visa or work-permit route, as versioned data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisaRouteTemplate {
    /// Stable id, such as [`JOB_SEEKING_RESIDENCE`].
    pub id: String,
    /// Rises by one whenever staff change the route, so checklists can say which rules they follow.
    pub version: u32,
    /// Display name.
    pub name: String,
    /// The authority that grants it.
    pub authority: String,
    /// Its steps, in order.
    pub steps: Vec<VisaStepTemplate>,
    /// `name` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub name_zh: String,
    /// `authority` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub authority_zh: String,
}

impl VisaRouteTemplate {
    /// The name in the reader's language (繁體中文 when `zh` and translated).
    pub fn name_in(&self, zh: bool) -> &str {
        pick(zh, &self.name, &self.name_zh)
    }

    /// The authority in the reader's language.
    pub fn authority_in(&self, zh: bool) -> &str {
        pick(zh, &self.authority, &self.authority_zh)
    }
}

impl VisaStep {
    /// The title in the reader's language (繁體中文 when `zh` and translated).
    pub fn title_in(&self, zh: bool) -> &str {
        pick(zh, &self.title, &self.title_zh)
    }

    /// The authority in the reader's language.
    pub fn authority_in(&self, zh: bool) -> &str {
        pick(zh, &self.authority, &self.authority_zh)
    }

    /// The documents in the reader's language.
    pub fn documents_in(&self, zh: bool) -> &[String] {
        pick_list(zh, &self.documents, &self.documents_zh)
    }
}

/// The 繁體中文 text when `zh` and it is translated (not empty), otherwise the English.
pub fn pick<'a>(zh: bool, en: &'a str, text_zh: &'a str) -> &'a str {
    if zh && !text_zh.trim().is_empty() {
        text_zh
    } else {
        en
    }
}

fn pick_list<'a>(zh: bool, en: &'a [String], list_zh: &'a [String]) -> &'a [String] {
    if zh && !list_zh.is_empty() {
        list_zh
    } else {
        en
    }
}

/// A route step with its due date worked out for one student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    /// The route's id.
    pub route_id: String,
    /// The route version the date was worked out from.
    pub route_version: u32,
    /// The step.
    pub step: VisaStepTemplate,
    /// The due date; `None` when the step has none or its anchor is unknown.
    pub due_date: Option<NaiveDate>,
}

impl PlannedStep {
    /// The step as a new record for the student's checklist.
    pub fn to_visa_step(&self) -> VisaStep {
        VisaStep {
            route: self.route_id.clone(),
            title: self.step.title.clone(),
            authority: self.step.authority.clone(),
            due_date: self.due_date,
            documents: self.step.documents.clone(),
            state: VisaStepState::Todo,
            title_zh: self.step.title_zh.clone(),
            authority_zh: self.step.authority_zh.clone(),
            documents_zh: self.step.documents_zh.clone(),
        }
    }
}

/// The steps of `route` with their due dates for a student with these anchors, in route order.
pub fn checklist(route: &VisaRouteTemplate, anchors: &Anchors) -> Vec<PlannedStep> {
    route
        .steps
        .iter()
        .map(|step| PlannedStep {
            route_id: route.id.clone(),
            route_version: route.version,
            step: step.clone(),
            due_date: step.due.due_date(anchors),
        })
        .collect()
}

/// Days from `today` until `due`: 0 on the day, negative once overdue.
pub fn days_left(due: NaiveDate, today: NaiveDate) -> i64 {
    due.signed_duration_since(today).num_days()
}

/// Whether a step with `days_left` days to go needs attention now: fewer than
/// [`URGENT_WITHIN_DAYS`], which includes overdue steps. Thirty days is the usual window in which
/// the National Immigration Agency accepts residence extensions, so nothing due sooner may wait.
pub fn is_urgent(days_left: i64) -> bool {
    days_left < URGENT_WITHIN_DAYS
}

fn documents(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// The four built-in routes, version 1 each.
pub fn builtin_routes() -> Vec<VisaRouteTemplate> {
    vec![
        VisaRouteTemplate {
            id: STUDENT_WORK_PERMIT.to_owned(),
            version: 1,
            name: "Student work permit".to_owned(),
            name_zh: "學生工作許可".to_owned(),
            authority_zh: WDA_ZH.to_owned(),
            authority: WDA.to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "apply".to_owned(),
                    title: "Apply for a student work permit".to_owned(),
                    authority: WDA.to_owned(),
                    documents: documents(&[
                        "Passport (copy)",
                        "Residence card (ARC, copy)",
                        "Proof of enrolment (student ID or enrolment certificate)",
                        "Fee receipt",
                    ]),
                    title_zh: "申請學生工作許可".to_owned(),
                    authority_zh: WDA_ZH.to_owned(),
                    documents_zh: documents(&["護照（影本）", "居留證（ARC，影本）", "在學證明（學生證或在學證明書）", "規費收據"]),
                    note_zh: "須取得工作許可後才能開始工作。許可效期最長 6 個月，學期中每週最多工作 20 小時（寒暑假不受此限）。審查約需 7 個工作天，因此須提前兩週申請。".to_owned(),
                    fee_twd: Some(100),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PlacementStart,
                        days: 14,
                    },
                    note: "Work may start only once the permit is issued. It is valid for at most \
                           6 months and allows up to 20 hours a week during term (no limit in the \
                           winter and summer vacations). Processing takes about 7 working days, \
                           hence two weeks ahead."
                        .to_owned(),
                },
                VisaStepTemplate {
                    id: "renew".to_owned(),
                    title: "Apply for a new student work permit".to_owned(),
                    authority: WDA.to_owned(),
                    documents: documents(&[
                        "Passport (copy)",
                        "Residence card (ARC, copy)",
                        "Proof of enrolment for the coming term",
                        "Fee receipt",
                    ]),
                    title_zh: "申請新的學生工作許可".to_owned(),
                    authority_zh: WDA_ZH.to_owned(),
                    documents_zh: documents(&["護照（影本）", "居留證（ARC，影本）", "下學期的在學證明", "規費收據"]),
                    note_zh: "許可效期最長 6 個月，且不得超過居留證效期；若要不間斷地繼續工作，須在目前的許可到期前取得下一張許可。".to_owned(),
                    fee_twd: Some(100),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PermitExpiry,
                        days: 14,
                    },
                    note:
                        "A permit lasts at most 6 months and never beyond the residence card; to \
                           keep working without a gap the next one must be issued before this one \
                           expires."
                            .to_owned(),
                },
            ],
        },
        VisaRouteTemplate {
            id: JOB_SEEKING_RESIDENCE.to_owned(),
            version: 1,
            name: "Job-seeking residence after graduation".to_owned(),
            name_zh: "畢業後延長居留以尋找工作".to_owned(),
            authority_zh: NIA_ZH.to_owned(),
            authority: NIA.to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "apply".to_owned(),
                    title: "Apply to extend your residence to look for work".to_owned(),
                    authority: NIA.to_owned(),
                    documents: documents(&[
                        "Application form",
                        "Passport",
                        "Current residence card (ARC)",
                        "Diploma or certificate of graduation",
                        "Recent 2-inch photo",
                        "Fee receipt",
                    ]),
                    title_zh: "申請延長居留以尋找工作".to_owned(),
                    authority_zh: NIA_ZH.to_owned(),
                    documents_zh: documents(&["申請表", "護照", "目前的居留證（ARC）", "畢業證書或畢業證明", "最近二吋照片", "規費收據"]),
                    note_zh: "畢業後可在臺灣停留最長 1 年以尋找工作；可再延長一次。".to_owned(),
                    fee_twd: Some(1000),
                    due: DueRule::WithinDaysAfter {
                        anchor: Anchor::GraduationDate,
                        days: 14,
                    },
                    note:
                        "Grants up to 1 year in Taiwan to look for work after graduating; it may \
                           be extended once."
                            .to_owned(),
                },
                VisaStepTemplate {
                    id: "extend".to_owned(),
                    title: "Extend your job-seeking residence (once)".to_owned(),
                    authority: NIA.to_owned(),
                    documents: documents(&[
                        "Application form",
                        "Passport",
                        "Current residence card (ARC)",
                        "Proof of job seeking (applications, interviews)",
                        "Fee receipt",
                    ]),
                    title_zh: "延長尋職居留（限一次）".to_owned(),
                    authority_zh: NIA_ZH.to_owned(),
                    documents_zh: documents(&["申請表", "護照", "目前的居留證（ARC）", "尋職證明（求職申請、面試紀錄）", "規費收據"]),
                    note_zh: "須在居留證到期前送件；自到期前 30 天起受理延期申請，此步驟也從那時起轉為緊急。".to_owned(),
                    fee_twd: Some(1000),
                    due: DueRule::OnAnchor {
                        anchor: Anchor::ResidenceCardExpiry,
                    },
                    note:
                        "Hand in before the residence card expires; extensions are accepted from \
                           30 days before, which is when this step turns urgent."
                            .to_owned(),
                },
            ],
        },
        VisaRouteTemplate {
            id: GRADUATE_POINTS_WORK_PERMIT.to_owned(),
            version: 1,
            name: "Points-based work permit for graduates".to_owned(),
            name_zh: "畢業僑外生評點制工作許可".to_owned(),
            authority_zh: WDA_ZH.to_owned(),
            authority: WDA.to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "evidence".to_owned(),
                    title: "Give your employer the evidence for the points assessment".to_owned(),
                    authority: WDA.to_owned(),
                    documents: documents(&[
                        "Diploma",
                        "Passport (copy)",
                        "Employment contract showing the salary",
                        "Mandarin proficiency certificate (TOCFL), if any",
                        "Proof of work experience or other points items, if any",
                    ]),
                    title_zh: "提供雇主評點審查所需的證明文件".to_owned(),
                    authority_zh: WDA_ZH.to_owned(),
                    documents_zh: documents(&["畢業證書", "護照（影本）", "載明薪資的僱用契約", "華語文能力測驗（TOCFL）證書（如有）", "工作經驗或其他評點項目的證明（如有）"]),
                    note_zh: "評點制工作許可須達 70 點以上（學歷、薪資、工作經驗、語言能力等）；請備齊每一個可主張項目的證明。".to_owned(),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: "The permit needs at least 70 points (degree, salary, experience, \
                           languages and more); collect the evidence for every item you can claim."
                        .to_owned(),
                },
                VisaStepTemplate {
                    id: "employer-applies".to_owned(),
                    title: "Employer applies for your work permit".to_owned(),
                    authority: WDA.to_owned(),
                    documents: documents(&[
                        "Employer's application form",
                        "Points assessment form with evidence",
                        "Diploma",
                        "Passport (copy)",
                        "Fee receipt",
                    ]),
                    title_zh: "由雇主為你申請工作許可".to_owned(),
                    authority_zh: WDA_ZH.to_owned(),
                    documents_zh: documents(&["雇主申請書", "評點表及證明文件", "畢業證書", "護照（影本）", "規費收據"]),
                    note_zh: "須在取得畢業證書後、第一個工作日之前申請；審查約需兩週。".to_owned(),
                    fee_twd: Some(100),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PlacementStart,
                        days: 14,
                    },
                    note: "Only after the diploma is issued, and before the first working day; \
                           allow about two weeks for processing."
                        .to_owned(),
                },
                VisaStepTemplate {
                    id: "residence".to_owned(),
                    title: "Change your residence card to work-based residence".to_owned(),
                    authority: NIA.to_owned(),
                    documents: documents(&[
                        "Application form",
                        "Passport",
                        "Current residence card (ARC)",
                        "Work permit",
                        "Recent 2-inch photo",
                        "Fee receipt",
                    ]),
                    title_zh: "將居留證變更為工作居留".to_owned(),
                    authority_zh: NIA_ZH.to_owned(),
                    documents_zh: documents(&["申請表", "護照", "目前的居留證（ARC）", "工作許可", "最近二吋照片", "規費收據"]),
                    note_zh: "取得工作許可後、目前的居留證到期前申請。".to_owned(),
                    fee_twd: Some(1000),
                    due: DueRule::OnAnchor {
                        anchor: Anchor::ResidenceCardExpiry,
                    },
                    note: "Apply once the work permit is issued and before your current card \
                           expires."
                        .to_owned(),
                },
            ],
        },
        VisaRouteTemplate {
            id: EMPLOYMENT_GOLD_CARD.to_owned(),
            version: 1,
            name: "Employment Gold Card".to_owned(),
            name_zh: "就業金卡".to_owned(),
            authority_zh: GOLD_CARD_OFFICE_ZH.to_owned(),
            authority: GOLD_CARD_OFFICE.to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "qualify".to_owned(),
                    title: "Check a qualifying criterion and gather its evidence".to_owned(),
                    authority: GOLD_CARD_OFFICE.to_owned(),
                    documents: documents(&[
                        "Passport valid for at least 6 more months",
                        "Recent 2-inch photo",
                        "Evidence for one qualifying criterion (such as salary, awards or degree)",
                    ]),
                    title_zh: "確認符合一項資格條件並備齊證明".to_owned(),
                    authority_zh: GOLD_CARD_OFFICE_ZH.to_owned(),
                    documents_zh: documents(&["效期尚餘 6 個月以上的護照", "最近二吋照片", "符合一項資格條件的證明（例如薪資、獎項或學歷）"]),
                    note_zh: "就業金卡結合開放式工作許可、居留簽證、外僑居留證及重入國許可（四證合一），效期 1 至 3 年。".to_owned(),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: "The card combines an open work permit, residence visa, residence card \
                           and re-entry permit, for 1 to 3 years."
                        .to_owned(),
                },
                VisaStepTemplate {
                    id: "apply".to_owned(),
                    title: "Apply on the Gold Card online platform".to_owned(),
                    authority: GOLD_CARD_OFFICE.to_owned(),
                    documents: documents(&[
                        "Online application form",
                        "Scanned passport",
                        "Photo",
                        "Evidence for the criterion",
                    ]),
                    title_zh: "在就業金卡線上申請平台申請".to_owned(),
                    authority_zh: GOLD_CARD_OFFICE_ZH.to_owned(),
                    documents_zh: documents(&["線上申請表", "護照掃描檔", "照片", "資格條件的證明"]),
                    note_zh: "審查約需 30 個工作天；在目前的居留證到期前兩個月申請，審查期間仍可維持合法居留。規費依所選效期而定。".to_owned(),
                    fee_twd: None,
                    due: DueRule::DaysBefore {
                        anchor: Anchor::ResidenceCardExpiry,
                        days: 60,
                    },
                    note: "Review takes about 30 working days; applying two months before the \
                           current card expires keeps you in status meanwhile. The fee depends on \
                           the validity chosen."
                        .to_owned(),
                },
                VisaStepTemplate {
                    id: "collect".to_owned(),
                    title: "Collect the Gold Card".to_owned(),
                    authority: NIA.to_owned(),
                    documents: documents(&["Passport", "Approval notice", "Fee receipt"]),
                    title_zh: "領取就業金卡".to_owned(),
                    authority_zh: NIA_ZH.to_owned(),
                    documents_zh: documents(&["護照", "核准通知", "規費收據"]),
                    note_zh: String::new(),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: String::new(),
                },
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::NaiveDate;

    use crate::domain::{Entity, StudentProfile};
    use crate::visa::{
        builtin_routes, checklist, days_left, is_urgent, Anchor, Anchors, DueRule,
        VisaRouteTemplate, VisaStepTemplate, EMPLOYMENT_GOLD_CARD, GRADUATE_POINTS_WORK_PERMIT,
        JOB_SEEKING_RESIDENCE, STUDENT_WORK_PERMIT,
    };

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        match NaiveDate::from_ymd_opt(year, month, day) {
            Some(date) => date,
            None => panic!("bad test date {year}-{month}-{day}"),
        }
    }

    fn route(id: &str) -> VisaRouteTemplate {
        match builtin_routes().into_iter().find(|route| route.id == id) {
            Some(route) => route,
            None => panic!("no builtin route {id}"),
        }
    }

    fn all_anchors() -> Anchors {
        Anchors {
            graduation_date: Some(date(2026, 6, 20)),
            residence_card_expiry: Some(date(2026, 8, 31)),
            placement_start: Some(date(2026, 9, 1)),
            permit_expiry: Some(date(2027, 2, 28)),
            chosen_date: Some(date(2026, 5, 1)),
        }
    }

    #[test]
    fn every_builtin_step_has_the_expected_due_date() {
        let table: [(&str, &str, Option<NaiveDate>); 10] = [
            (STUDENT_WORK_PERMIT, "apply", Some(date(2026, 8, 18))),
            (STUDENT_WORK_PERMIT, "renew", Some(date(2027, 2, 14))),
            (JOB_SEEKING_RESIDENCE, "apply", Some(date(2026, 7, 4))),
            (JOB_SEEKING_RESIDENCE, "extend", Some(date(2026, 8, 31))),
            (GRADUATE_POINTS_WORK_PERMIT, "evidence", None),
            (
                GRADUATE_POINTS_WORK_PERMIT,
                "employer-applies",
                Some(date(2026, 8, 18)),
            ),
            (
                GRADUATE_POINTS_WORK_PERMIT,
                "residence",
                Some(date(2026, 8, 31)),
            ),
            (EMPLOYMENT_GOLD_CARD, "qualify", None),
            (EMPLOYMENT_GOLD_CARD, "apply", Some(date(2026, 7, 2))),
            (EMPLOYMENT_GOLD_CARD, "collect", None),
        ];
        let mut seen = HashSet::new();
        for route in builtin_routes() {
            for planned in checklist(&route, &all_anchors()) {
                let key = (route.id.clone(), planned.step.id.clone());
                let expected = table.iter().find(|(route_id, step_id, _)| {
                    (*route_id, *step_id) == (key.0.as_str(), key.1.as_str())
                });
                let Some((_, _, due)) = expected else {
                    panic!("{key:?} has no row in the table: add one");
                };
                assert_eq!(planned.due_date, *due, "{key:?}");
                assert_eq!(planned.route_id, route.id);
                assert_eq!(planned.route_version, route.version);
                seen.insert(key);
            }
        }
        assert_eq!(
            seen.len(),
            table.len(),
            "every table row matches a builtin step"
        );
    }

    #[test]
    fn rules_count_days_across_month_ends_and_leap_days() {
        let after_14 = DueRule::WithinDaysAfter {
            anchor: Anchor::GraduationDate,
            days: 14,
        };
        let before_1 = DueRule::DaysBefore {
            anchor: Anchor::GraduationDate,
            days: 1,
        };
        let before_30 = DueRule::DaysBefore {
            anchor: Anchor::GraduationDate,
            days: 30,
        };
        let on = DueRule::OnAnchor {
            anchor: Anchor::GraduationDate,
        };
        let table = [
            (after_14, date(2026, 6, 20), date(2026, 7, 4)),
            (after_14, date(2028, 2, 20), date(2028, 3, 5)),
            (after_14, date(2027, 2, 20), date(2027, 3, 6)),
            (after_14, date(2026, 12, 25), date(2027, 1, 8)),
            (before_1, date(2028, 3, 1), date(2028, 2, 29)),
            (before_1, date(2027, 3, 1), date(2027, 2, 28)),
            (before_1, date(2100, 3, 1), date(2100, 2, 28)),
            (before_1, date(2000, 3, 1), date(2000, 2, 29)),
            (before_30, date(2028, 3, 15), date(2028, 2, 14)),
            (before_30, date(2027, 3, 15), date(2027, 2, 13)),
            (on, date(2028, 2, 29), date(2028, 2, 29)),
        ];
        for (rule, graduation, expected) in table {
            let anchors = Anchors {
                graduation_date: Some(graduation),
                ..Anchors::default()
            };
            assert_eq!(
                rule.due_date(&anchors),
                Some(expected),
                "{rule:?} from {graduation}"
            );
        }
    }

    #[test]
    fn unknown_anchors_give_no_due_date() {
        for route in builtin_routes() {
            for planned in checklist(&route, &Anchors::default()) {
                assert_eq!(planned.due_date, None, "{} / {}", route.id, planned.step.id);
            }
        }
        // Knowing only the diploma date dates only the steps counted from it.
        let only_graduation = Anchors {
            graduation_date: Some(date(2026, 6, 20)),
            ..Anchors::default()
        };
        let dates: Vec<_> = checklist(&route(JOB_SEEKING_RESIDENCE), &only_graduation)
            .into_iter()
            .map(|planned| planned.due_date)
            .collect();
        assert_eq!(dates, [Some(date(2026, 7, 4)), None]);
    }

    #[test]
    fn each_anchor_reads_its_own_date() {
        let anchors = all_anchors();
        let table = [
            (Anchor::GraduationDate, date(2026, 6, 20)),
            (Anchor::ResidenceCardExpiry, date(2026, 8, 31)),
            (Anchor::PlacementStart, date(2026, 9, 1)),
            (Anchor::PermitExpiry, date(2027, 2, 28)),
            (Anchor::ChosenDate, date(2026, 5, 1)),
        ];
        for (anchor, expected) in table {
            assert_eq!(anchors.date(anchor), Some(expected), "{anchor:?}");
            let rule = DueRule::WithinDaysAfter { anchor, days: 2 };
            assert_eq!(
                rule.due_date(&anchors),
                expected.checked_add_days(chrono::Days::new(2))
            );
        }
    }

    #[test]
    fn dates_beyond_the_calendar_give_no_due_date() {
        let anchors = Anchors {
            chosen_date: Some(NaiveDate::MAX),
            ..Anchors::default()
        };
        let rule = DueRule::WithinDaysAfter {
            anchor: Anchor::ChosenDate,
            days: 1,
        };
        assert_eq!(rule.due_date(&anchors), None);
        let early = Anchors {
            chosen_date: Some(NaiveDate::MIN),
            ..Anchors::default()
        };
        let rule = DueRule::DaysBefore {
            anchor: Anchor::ChosenDate,
            days: 1,
        };
        assert_eq!(rule.due_date(&early), None);
    }

    #[test]
    fn anchors_from_a_profile_take_graduation_and_card_expiry() {
        let profile = StudentProfile {
            display_name: "Aiko".to_owned(),
            nationality: "Japan".to_owned(),
            university: "NTU".to_owned(),
            department: String::new(),
            degree: String::new(),
            graduation_date: Some(date(2026, 6, 20)),
            languages: Vec::new(),
            mandarin_level: None,
            residence_card_expiry: Some(date(2026, 8, 31)),
            interests: Vec::new(),
            cohort_year: 2026,
        };
        let anchors = Anchors::from_profile(&profile);
        assert_eq!(
            anchors,
            Anchors {
                graduation_date: Some(date(2026, 6, 20)),
                residence_card_expiry: Some(date(2026, 8, 31)),
                ..Anchors::default()
            }
        );
    }

    #[test]
    fn days_left_and_urgency() {
        let days_table = [
            (date(2026, 7, 4), date(2026, 7, 4), 0),
            (date(2026, 7, 4), date(2026, 7, 3), 1),
            (date(2026, 7, 4), date(2026, 7, 5), -1),
            (date(2028, 3, 1), date(2028, 2, 28), 2),
            (date(2027, 3, 1), date(2027, 2, 28), 1),
            (date(2027, 1, 1), date(2026, 1, 1), 365),
            (date(2029, 1, 1), date(2028, 1, 1), 366),
        ];
        for (due, today, expected) in days_table {
            assert_eq!(days_left(due, today), expected, "{due} from {today}");
        }
        let urgent_table = [
            (-400, true),
            (-1, true),
            (0, true),
            (29, true),
            (30, false),
            (31, false),
            (365, false),
        ];
        for (days, urgent) in urgent_table {
            assert_eq!(is_urgent(days), urgent, "{days} days left");
        }
    }

    #[test]
    fn builtin_routes_are_well_formed_and_make_valid_records() {
        let routes = builtin_routes();
        let route_ids: HashSet<&str> = routes.iter().map(|route| route.id.as_str()).collect();
        assert_eq!(
            route_ids,
            HashSet::from([
                STUDENT_WORK_PERMIT,
                JOB_SEEKING_RESIDENCE,
                GRADUATE_POINTS_WORK_PERMIT,
                EMPLOYMENT_GOLD_CARD
            ])
        );
        for route in &routes {
            assert!(route.version >= 1, "{}", route.id);
            assert!(!route.steps.is_empty(), "{}", route.id);
            let step_ids: HashSet<&str> = route.steps.iter().map(|step| step.id.as_str()).collect();
            assert_eq!(
                step_ids.len(),
                route.steps.len(),
                "{}: step ids repeat",
                route.id
            );
            for planned in checklist(route, &all_anchors()) {
                let record = Entity::VisaStep(planned.to_visa_step());
                assert_eq!(
                    record.validate(),
                    Ok(()),
                    "{} / {}",
                    route.id,
                    planned.step.id
                );
            }
        }
    }

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn builtin_routes_are_translated_into_traditional_chinese() {
        for route in builtin_routes() {
            assert!(has_cjk(&route.name_zh), "{}: name_zh", route.id);
            assert!(has_cjk(&route.authority_zh), "{}: authority_zh", route.id);
            assert_eq!(route.name_in(true), route.name_zh);
            assert_eq!(route.name_in(false), route.name);
            let record = Entity::VisaRoute(crate::domain::VisaRoute {
                template: route.clone(),
            });
            assert_eq!(record.validate(), Ok(()), "{}", route.id);
            for step in &route.steps {
                let key = format!("{} / {}", route.id, step.id);
                assert!(has_cjk(&step.title_zh), "{key}: title_zh");
                assert!(has_cjk(&step.authority_zh), "{key}: authority_zh");
                assert_eq!(
                    step.documents_zh.len(),
                    step.documents.len(),
                    "{key}: documents_zh"
                );
                for document in &step.documents_zh {
                    assert!(has_cjk(document), "{key}: {document}");
                }
                assert_eq!(
                    step.note.is_empty(),
                    step.note_zh.is_empty(),
                    "{key}: note_zh"
                );
                if !step.note_zh.is_empty() {
                    assert!(has_cjk(&step.note_zh), "{key}: note_zh");
                }
                // Numbers in the fine print stay the same in both languages.
                let digits = |text: &str| -> Vec<String> {
                    text.split(|c: char| !c.is_ascii_digit())
                        .filter(|part| !part.is_empty())
                        .map(str::to_owned)
                        .collect()
                };
                assert_eq!(digits(&step.note_zh), digits(&step.note), "{key}: numbers");
            }
            for planned in checklist(&route, &all_anchors()) {
                let record = planned.to_visa_step();
                assert_eq!(record.title_zh, planned.step.title_zh);
                assert_eq!(record.authority_zh, planned.step.authority_zh);
                assert_eq!(record.documents_zh, planned.step.documents_zh);
                assert_eq!(record.title_in(true), planned.step.title_zh);
                assert_eq!(record.title_in(false), planned.step.title);
                assert_eq!(
                    record.documents_in(true),
                    planned.step.documents_zh.as_slice()
                );
            }
        }
    }

    #[test]
    fn routes_survive_a_json_round_trip_in_a_readable_shape() {
        let routes = builtin_routes();
        let json = match serde_json::to_string(&routes) {
            Ok(json) => json,
            Err(error) => panic!("routes do not serialize: {error}"),
        };
        let back: Result<Vec<VisaRouteTemplate>, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(routes));

        let step_json = serde_json::json!({
            "id": "apply",
            "title": "Apply",
            "authority": "NIA",
            "due": { "rule": "within_days_after", "anchor": "graduation_date", "days": 14 }
        });
        let step: VisaStepTemplate = match serde_json::from_value(step_json) {
            Ok(step) => step,
            Err(error) => panic!("a minimal step does not parse: {error}"),
        };
        assert_eq!(
            step.due,
            DueRule::WithinDaysAfter {
                anchor: Anchor::GraduationDate,
                days: 14
            }
        );
        assert_eq!(
            (step.documents.len(), step.fee_twd, step.note.as_str()),
            (0, None, "")
        );
        // Untranslated texts read as empty and fall back to English.
        assert_eq!(
            (
                step.title_zh.as_str(),
                step.documents_zh.len(),
                step.title_in(true)
            ),
            ("", 0, "Apply")
        );
        let no_due: Result<DueRule, _> = serde_json::from_str(r#"{"rule":"no_due_date"}"#);
        assert_eq!(no_due.ok(), Some(DueRule::NoDueDate));
    }
}
