//! Taiwan visa and work-permit routes as versioned data, and the checklist they give a student.
//!
//! Rules change more often than code ships, so a route is a plain serde record
//! ([`VisaRouteTemplate`]) that can live in the program space and be corrected by staff; only the
//! date arithmetic ([`DueRule`]) is code. [`builtin_routes`] holds version 2 of the five built-in
//! routes, checked against official sources on 2026-12-03 (`docs/visa-sources.md` records what
//! each source says). Every step names its [`Source`]s and every route the day they were last
//! checked ([`VisaRouteTemplate::verified_on`]); [`VisaRouteTemplate::needs_review`] flags a route
//! whose check is more than [`REVIEW_AFTER_MONTHS`] months old. Fees and processing times change:
//! staff should recheck them before each cohort, bump the route's `version` and say what changed
//! in its `changes`.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::{Entity, EntityPatch, StudentProfile, VisaStep, VisaStepPatch, VisaStepState};
use crate::ids::RecordId;
use crate::mutation::Mutation;

/// Id of the student work-permit route.
pub const STUDENT_WORK_PERMIT: &str = "student-work-permit";
/// Id of the job-seeking residence route for new graduates.
pub const JOB_SEEKING_RESIDENCE: &str = "job-seeking-residence";
/// Id of the points-based work-permit route for graduates of Taiwanese universities.
pub const GRADUATE_POINTS_WORK_PERMIT: &str = "graduate-points-work-permit";
/// Id of the standard professional work-permit route (an employer applies; salary threshold).
pub const PROFESSIONAL_WORK_PERMIT: &str = "professional-work-permit";
/// Id of the Employment Gold Card route.
pub const EMPLOYMENT_GOLD_CARD: &str = "employment-gold-card";

/// A step is urgent when fewer than this many days are left (overdue steps included).
pub const URGENT_WITHIN_DAYS: i64 = 30;

/// A route's sources are due for another check this many calendar months after
/// [`VisaRouteTemplate::verified_on`].
pub const REVIEW_AFTER_MONTHS: u32 = 6;

/// The day the built-in routes' sources were last checked.
const BUILTIN_VERIFIED_ON: Option<NaiveDate> = NaiveDate::from_ymd_opt(2026, 12, 3);

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
    /// The day the work permit a step follows from was issued (a residence change is due within
    /// 30 days of it).
    PermitIssued,
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
    /// See [`Anchor::PermitIssued`].
    #[serde(default)]
    pub permit_issued: Option<NaiveDate>,
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
            Anchor::PermitIssued => self.permit_issued,
        }
    }

    /// The anchors a student profile knows (graduation, residence-card expiry and the planned
    /// placement start); the others come from the student's permits and are left unknown.
    pub fn from_profile(profile: &StudentProfile) -> Self {
        Self {
            graduation_date: profile.graduation_date,
            residence_card_expiry: profile.residence_card_expiry,
            placement_start: profile.placement_start,
            ..Self::default()
        }
    }
}

/// Where a step's rules were read: an official page (a government site or a university's
/// international office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The page's address.
    pub url: String,
    /// What the page is, in English (its own title where it has one).
    pub title: String,
    /// `title` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub title_zh: String,
}

impl Source {
    /// The title in the reader's language (繁體中文 when `zh` and translated).
    pub fn title_in(&self, zh: bool) -> &str {
        pick(zh, &self.title, &self.title_zh)
    }

    /// The address when it is a web address (`https://` or `http://`), for a link: a template
    /// edited by staff could otherwise carry a `javascript:` or `data:` address.
    pub fn link(&self) -> Option<&str> {
        let url = self.url.trim();
        let lower = url.to_ascii_lowercase();
        (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url)
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
    /// The official pages the step's rules, fees and times come from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Whether the employer (not the student) takes this step: shown to mentors and companies
    /// as what the company must do to hire a graduate on the route.
    #[serde(default)]
    pub by_employer: bool,
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
    /// The day every step's sources were last checked; `None` when never.
    #[serde(default)]
    pub verified_on: Option<NaiveDate>,
    /// What changed since the previous version, in plain words, for students whose checklist
    /// follows an older one; empty for a first version.
    #[serde(default)]
    pub changes: String,
    /// `changes` in 繁體中文; empty when not translated.
    #[serde(default)]
    pub changes_zh: String,
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

    /// What changed since the previous version, in the reader's language.
    pub fn changes_in(&self, zh: bool) -> &str {
        pick(zh, &self.changes, &self.changes_zh)
    }

    /// Whether the route's sources are due for another check on `today`: never checked, or
    /// checked more than [`REVIEW_AFTER_MONTHS`] calendar months ago. Month ends clamp, so a
    /// route checked on 31 August is due after the last day of February.
    pub fn needs_review(&self, today: NaiveDate) -> bool {
        let Some(verified_on) = self.verified_on else {
            return true;
        };
        match verified_on.checked_add_months(Months::new(REVIEW_AFTER_MONTHS)) {
            Some(review_by) => today > review_by,
            // Beyond the calendar: today cannot be later.
            None => false,
        }
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
            route_version: self.route_version,
            fee_twd: self.step.fee_twd,
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

/// The record id of a route's step on a student's checklist.
pub fn step_record_id(route_id: &str, step_id: &str) -> RecordId {
    RecordId(format!("visa-{route_id}-{step_id}"))
}

/// Whether a student's checklist follows an older version of `route` than the one in force:
/// some of its steps (matched by record id) were made from an earlier version.
pub fn follows_older_version(route: &VisaRouteTemplate, steps: &[(RecordId, VisaStep)]) -> bool {
    steps
        .iter()
        .any(|(_, step)| step.route == route.id && step.route_version.max(1) < route.version)
}

/// The mutations that move a student's checklist to `route`'s version: each step of the route
/// that is on the checklist gets the new texts, fee and due date (its state, the student's own
/// progress, stays); a step new in this version is added as to do. A step the new version no
/// longer has stays as the student left it.
pub fn move_to_version(
    route: &VisaRouteTemplate,
    anchors: &Anchors,
    steps: &[(RecordId, VisaStep)],
) -> Vec<Mutation> {
    checklist(route, anchors)
        .into_iter()
        .map(|planned| {
            let id = step_record_id(&planned.route_id, &planned.step.id);
            let new = planned.to_visa_step();
            match steps.iter().find(|(record, _)| *record == id) {
                Some(_) => Mutation::Update {
                    id,
                    patch: EntityPatch::VisaStep(VisaStepPatch {
                        title: Some(new.title),
                        authority: Some(new.authority),
                        due_date: Some(new.due_date),
                        documents: Some(new.documents),
                        title_zh: Some(new.title_zh),
                        authority_zh: Some(new.authority_zh),
                        documents_zh: Some(new.documents_zh),
                        route_version: Some(new.route_version),
                        fee_twd: Some(new.fee_twd),
                        ..VisaStepPatch::default()
                    }),
                },
                None => Mutation::Create {
                    id,
                    record: Entity::VisaStep(new),
                },
            }
        })
        .collect()
}

/// Days from `today` until `due`: 0 on the day, negative once overdue.
pub fn days_left(due: NaiveDate, today: NaiveDate) -> i64 {
    due.signed_duration_since(today).num_days()
}

/// Whether a step with `days_left` days to go needs attention now: fewer than
/// [`URGENT_WITHIN_DAYS`], which includes overdue steps. The National Immigration Agency accepts
/// residence extensions from three months before the card expires; thirty days is the last
/// stretch in which documents still have to be gathered and an appointment found, so nothing due
/// sooner may wait.
pub fn is_urgent(days_left: i64) -> bool {
    days_left < URGENT_WITHIN_DAYS
}

fn documents(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// An official page as `(url, title, title_zh)`; `title_zh` is empty when the page has no
/// Chinese title. Each one is quoted and dated in `docs/visa-sources.md`.
type SourceRef = (&'static str, &'static str, &'static str);

fn sources(list: &[SourceRef]) -> Vec<Source> {
    list.iter()
        .map(|(url, title, title_zh)| Source {
            url: (*url).to_owned(),
            title: (*title).to_owned(),
            title_zh: (*title_zh).to_owned(),
        })
        .collect()
}

/// MOL order on student work permits (1 year; ends 30 September; lapses at graduation).
const SRC_MOL_STUDENT_PERMIT_ORDER: SourceRef = (
    "https://studentaffairs.cgu.edu.tw/p/16-1012-113581.php?Lang=zh-tw",
    "Ministry of Labor order on student work permits (Chang Gung University notice, 2024-08-26)",
    "勞動部令：僑外生工作許可期間（長庚大學公告，2024-08-26）",
);
/// NPTU: graduating students' permits run to 30 June.
const SRC_NPTU_PERMIT_PERIOD: SourceRef = (
    "https://oiais.nptu.edu.tw/p/405-1090-138773,c13130.php?Lang=zh-tw",
    "Work permit period (National Pingtung University)",
    "工作證效期（國立屏東大學）",
);
/// gov.tw service page: 7 working days from receipt.
const SRC_GOV_STUDENT_PERMIT: SourceRef = (
    "https://www.gov.tw/News3_Content.aspx?n=2&s=374261&lep=19",
    "Work permits for overseas Chinese and foreign students (gov.tw)",
    "僑外生工作許可申請",
);
/// NISA FAQ: 20 hours a week except in the vacations (Employment Service Act art. 50).
const SRC_NISA_20_HOURS: SourceRef = (
    "https://www.nisa.moe.gov.tw/faq.new/view/sn/1015/menu_sn/0",
    "NISA FAQ: working hours of overseas Chinese and foreign students (answered by the WDA)",
    "",
);
/// CYUT: a permit is needed even for unpaid internships.
const SRC_CYUT_STUDENT_PERMIT: SourceRef = (
    "https://icsc.cyut.edu.tw/p/406-1008-20516,r1220.php?Lang=en",
    "Student work permits (Chaoyang University of Technology international office)",
    "",
);
/// WDA: from 2026 no work permit during a graduate's job-seeking extension.
const SRC_WDA_JOB_SEEKING_EXEMPTION: SourceRef = (
    "https://ezworktaiwan.wda.gov.tw/cp.aspx?n=511766BD9E956242",
    "EZ Work Taiwan Q&A: graduates working without a work permit during job-seeking residence",
    "",
);
/// YunTech: the amended Act's art. 12 and its 2026-01-01 start.
const SRC_YUNTECH_ART_12: SourceRef = (
    "https://tdx.yuntech.edu.tw/index.php/newsclass/2020-03-05-07-13-35/item/1268-work-aprc-update",
    "Important Legal Update | Work Eligibility & APRC Rules for Overseas Chinese Students (YunTech)",
    "",
);
/// The residence regulations: art. 7 (30 days to change the reason), art. 9 (extensions within
/// 3 months before expiry), art. 11 (graduates' job-seeking extension, 1 + 1 years).
const SRC_RESIDENCE_REGULATIONS: SourceRef = (
    "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=D0080129",
    "Regulations Governing Visiting, Residency, and Permanent Residency of Aliens",
    "外國人停留居留及永久居留辦法",
);
/// NTU: the study ARC is cancelled within two weeks of graduating.
const SRC_NTU_LEAVING: SourceRef = (
    "https://oia.ntu.edu.tw/en/internationalstudents/degreestudent/LeavingNTU/graduation",
    "Leaving NTU (National Taiwan University OIA)",
    "",
);
/// FCU: Hong Kong and Macau students get 6 + 6 months.
const SRC_FCU_STAY: SourceRef = (
    "https://oia.fcu.edu.tw/en/overseas-students/stayintaiwan",
    "Options of Staying in Taiwan After Graduation (Feng Chia University OIA)",
    "",
);
/// Gold Card FAQ: the graduate extension's documents and fee (NT$500 to NT$1,000).
const SRC_GOLD_CARD_GRADUATE_EXTENSION: SourceRef = (
    "https://goldcard.nat.gov.tw/en/faq/if-i-am-about-to-graduate-in-taiwan-how-do-i-apply-for-a-residency-extension/",
    "If I am about to graduate in Taiwan, how do I apply for a residency extension?",
    "",
);
/// YZU: the residence fee (NT$1,000) and the 14-day advice.
const SRC_YZU_STAY: SourceRef = (
    "https://www.yzu.edu.tw/alumni/index.php/en-us/build-your-future-in-taiwan/post-graduation-stay-in-taiwan",
    "Post-graduation stay in Taiwan (Yuan Ze University)",
    "",
);
/// The points system (art. 5-1): 70 points for Taiwan graduates.
const SRC_POINTS_STANDARD: SourceRef = (
    "https://laws.mol.gov.tw/FLAW/FLAWDAT0801.aspx?id=FL028069&ldate=20220429&modify=1",
    "Qualifications and review standards for foreigners' specialized work, art. 5-1 (points system)",
    "外國人從事就業服務法第四十六條第一項第一款至第六款工作資格及審查標準",
);
/// CGU: the points system's quota was removed on 2024-08-01.
const SRC_CGU_POINTS_QUOTA: SourceRef = (
    "https://studentaffairs.cgu.edu.tw/p/16-1012-113391.php?Lang=zh-tw",
    "Points system quota removed (Chang Gung University notice of an MOL letter, 2024-08-06)",
    "取消僑外生評點制公告之人數數額（長庚大學公告）",
);
/// WDA: the standard route (NT$47,971; master's, or bachelor's plus 2 years).
const SRC_WDA_STANDARD_ROUTE: SourceRef = (
    "https://ezworktaiwan.wda.gov.tw/cp.aspx?n=98C816CDB81AA655",
    "EZ Work Taiwan Q&A: how graduates can stay in Taiwan to work",
    "",
);
/// WDA: the points route's documents and its NT$500 fee.
const SRC_WDA_POINTS_DOCUMENTS: SourceRef = (
    "https://ezworktaiwan.wda.gov.tw/en/cp.aspx?n=8E87472D9CB255FF&s=BCA6B6757A58F5B3",
    "Documents required for a Category A work permit (points system for overseas Chinese or foreign students graduated in the R.O.C.)",
    "",
);
/// Gold Card: eligibility and fees overview.
const SRC_GOLD_CARD_CONDITIONS: SourceRef = (
    "https://goldcard.nat.gov.tw/en/subtags/application-conditions/",
    "Employment Gold Card FAQ: application conditions",
    "",
);
/// Gold Card: extension from 4 months before expiry.
const SRC_GOLD_CARD_EXTENSION: SourceRef = (
    "https://goldcard.nat.gov.tw/en/faq/my-employment-gold-card-is-about-to-expire-how-do-i-apply-for-an-extension/",
    "My Employment Gold Card is about to expire, how do I apply for an extension?",
    "",
);
/// Gold Card: processing time.
const SRC_GOLD_CARD_PROCESSING: SourceRef = (
    "https://goldcard.nat.gov.tw/en/faq/how-long-does-the-application-take/",
    "How long does the application take? (Taiwan Employment Gold Card Office)",
    "",
);
/// NIA: the Gold Card fee standard has a tier for valid-ARC holders.
const SRC_NIA_GOLD_CARD_FEES: SourceRef = (
    "https://www.immigration.gov.tw/5382/5385/7229/7235/229320/cp_news",
    "Amended fee standard for the Employment Gold Card, Employment Pass Card and Entrepreneur Visa (NIA)",
    "修正「就業金卡與就業PASS卡及創業家簽證規費收費標準」",
);
/// Gold Card: applying from within Taiwan.
const SRC_GOLD_CARD_NEW_APPLICANT: SourceRef = (
    "https://goldcard.nat.gov.tw/en/apply/step-2/new-applicant/",
    "New Applicant (Taiwan Employment Gold Card Office)",
    "",
);
/// Gold Card: collecting the card with the printed payment receipt.
const SRC_GOLD_CARD_COLLECTION: SourceRef = (
    "https://goldcard.nat.gov.tw/en/apply/step-3/card-collection/",
    "Card Collection (Taiwan Employment Gold Card Office)",
    "",
);

/// The step that changes a residence card to work-based residence once a work permit is issued;
/// the points-based and the professional routes share it.
fn work_residence_step() -> VisaStepTemplate {
    VisaStepTemplate {
        id: "residence".to_owned(),
        by_employer: false,
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
        documents_zh: documents(&[
            "申請表",
            "護照",
            "目前的居留證（ARC）",
            "工作許可",
            "最近二吋照片",
            "規費收據",
        ]),
        // The fee is known only for a 1-year card; a work-based card may be granted for longer.
        fee_twd: None,
        due: DueRule::WithinDaysAfter {
            anchor: Anchor::PermitIssued,
            days: 30,
        },
        note: "Apply as soon as the work permit is issued: within 30 days of it (Regulations \
               art. 7) and before your current card expires. The fee depends on the validity \
               granted; universities report that a 1-year card costs NT$1,000."
            .to_owned(),
        note_zh: "取得工作許可後請盡快申請：須在許可核發後 30 天內（外國人停留居留及永久居留辦法\
                  第 7 條），且在目前的居留證到期前。規費依核准的效期而定；各大學說明 1 年效期\
                  為新臺幣 1,000 元。"
            .to_owned(),
        sources: sources(&[SRC_RESIDENCE_REGULATIONS, SRC_YZU_STAY]),
    }
}

/// The five built-in routes, version 2 each, their sources checked on 2026-12-03.
pub fn builtin_routes() -> Vec<VisaRouteTemplate> {
    vec![
        VisaRouteTemplate {
            id: STUDENT_WORK_PERMIT.to_owned(),
            version: 2,
            name: "Student work permit".to_owned(),
            name_zh: "學生工作許可".to_owned(),
            authority_zh: WDA_ZH.to_owned(),
            authority: WDA.to_owned(),
            verified_on: BUILTIN_VERIFIED_ON,
            changes: "Version 2: a permit now lasts up to 1 year (was 6 months), ends by the end \
                      of September (the end of June for graduating students) and lapses at \
                      graduation. Apply and renew 21 days ahead (was 14), because the school \
                      reviews the application before the WDA does."
                .to_owned(),
            changes_zh: "第 2 版：許可效期最長 1 年（原為 6 個月），最遲至九月底（應屆畢業生至六月底），\
                         並於畢業時失效。申請及重新申請都請提前 21 天（原為 14 天），因為學校須先審核，\
                         再送勞動力發展署。"
                .to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "apply".to_owned(),
                    by_employer: false,
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
                    documents_zh: documents(&[
                        "護照（影本）",
                        "居留證（ARC，影本）",
                        "在學證明（學生證或在學證明書）",
                        "規費收據",
                    ]),
                    fee_twd: Some(100),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PlacementStart,
                        days: 21,
                    },
                    note: "Work may start only once the permit is issued, unpaid internships \
                           included. It is valid for at most 1 year, ending no later than the \
                           end of September (the end of June for graduating students), and it \
                           lapses at graduation, so it cannot cover work after graduation. Up to \
                           20 hours a week during term (no limit in the winter and summer \
                           vacations). The school reviews the application first, then the WDA \
                           takes about 7 working days and you download the e-permit: apply 21 \
                           days ahead."
                        .to_owned(),
                    note_zh: "須取得工作許可後才能開始工作，無薪實習也一樣。許可效期最長 1 年，最遲至\
                              九月底（應屆畢業生至六月底），並於畢業時失效，因此不能用於畢業後的工作。\
                              學期中每週最多工作 20 小時（寒暑假不受此限）。先由學校審核，再由勞動力\
                              發展署審查約 7 個工作天，之後下載電子許可：請提前 21 天申請。"
                        .to_owned(),
                    sources: sources(&[
                        SRC_MOL_STUDENT_PERMIT_ORDER,
                        SRC_NPTU_PERMIT_PERIOD,
                        SRC_GOV_STUDENT_PERMIT,
                        SRC_NISA_20_HOURS,
                        SRC_CYUT_STUDENT_PERMIT,
                    ]),
                },
                VisaStepTemplate {
                    id: "renew".to_owned(),
                    by_employer: false,
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
                    documents_zh: documents(&[
                        "護照（影本）",
                        "居留證（ARC，影本）",
                        "下學期的在學證明",
                        "規費收據",
                    ]),
                    fee_twd: Some(100),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PermitExpiry,
                        days: 21,
                    },
                    note: "A permit lasts at most 1 year, ends at the end of September unless you \
                           show registration for the next academic year, and never runs beyond \
                           the residence card. It ends at graduation and cannot be renewed after \
                           the diploma. To keep working without a gap, the next one must be \
                           issued before this one expires; it goes through the same school \
                           review, so apply 21 days ahead."
                        .to_owned(),
                    note_zh: "許可效期最長 1 年，除非出示下一學年的註冊證明，否則至九月底止，且不得超過\
                              居留證效期。許可於畢業時失效，取得畢業證書後不能再申請。若要不間斷地繼續\
                              工作，須在目前的許可到期前取得下一張許可；同樣須經學校審核，請提前 21 天\
                              申請。"
                        .to_owned(),
                    sources: sources(&[SRC_MOL_STUDENT_PERMIT_ORDER, SRC_NPTU_PERMIT_PERIOD]),
                },
            ],
        },
        VisaRouteTemplate {
            id: JOB_SEEKING_RESIDENCE.to_owned(),
            version: 2,
            name: "Job-seeking residence after graduation".to_owned(),
            name_zh: "畢業後延長居留以尋找工作".to_owned(),
            authority_zh: NIA_ZH.to_owned(),
            authority: NIA.to_owned(),
            verified_on: BUILTIN_VERIFIED_ON,
            changes: "Version 2: from 2026-01-01 you may work without a work permit once this \
                      extension is approved (not before). Hong Kong and Macau students get 6 + 6 \
                      months instead of 1 + 1 years. Extensions are accepted from 3 months before \
                      the card expires (was 30 days). Overseas Chinese students pay NT$500."
                .to_owned(),
            changes_zh: "第 2 版：自 2026-01-01 起，本延期居留獲准後即可免申請工作許可而工作（獲准前\
                         不可）。港澳生為 6＋6 個月，而非 1＋1 年。自居留證到期前 3 個月起即受理延期\
                         （原為 30 天）。僑生規費為新臺幣 500 元。"
                .to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "apply".to_owned(),
                    by_employer: false,
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
                    documents_zh: documents(&[
                        "申請表",
                        "護照",
                        "目前的居留證（ARC）",
                        "畢業證書或畢業證明",
                        "最近二吋照片",
                        "規費收據",
                    ]),
                    fee_twd: Some(1000),
                    // The law only asks for "before the card expires"; the 14 days are the
                    // window before the study ARC is cancelled (NTU OIA).
                    due: DueRule::WithinDaysAfter {
                        anchor: Anchor::GraduationDate,
                        days: 14,
                    },
                    note: "From 2026-01-01, graduates with a Taiwanese associate degree or higher \
                           may work in any job without a work permit while this extension is \
                           valid (Act for the Recruitment and Employment of Foreign \
                           Professionals, art. 12). It grants 1 year and can be extended once, 2 \
                           years at most; Hong Kong and Macau students get 6 months + 6 months. \
                           This time does not count toward permanent residence. The law only \
                           asks you to file before the card expires, but the study ARC is \
                           cancelled about 2 weeks after graduation is reported (NTU OIA), so \
                           file within 14 days of the diploma. Do not work between graduation \
                           and the approval: the student work permit has lapsed and the \
                           exemption has not started. Fee NT$1,000 for foreign students, NT$500 \
                           for overseas Chinese students."
                        .to_owned(),
                    note_zh: "自 2026-01-01 起，取得我國副學士以上學位的畢業生，在本延期居留有效期間可從事\
                              任何工作，免申請工作許可（外國專業人才延攬及僱用法第 12 條）。延期 1 年，\
                              可再延期一次，最長 2 年；港澳生為 6 個月＋6 個月。此期間不計入永久居留的\
                              居留年限。法規只要求在居留證到期前送件，但學校通報畢業後，就學居留證約 2 \
                              週內即被註銷（臺大國際事務處），因此請在畢業證書日期起 14 天內申請。畢業後\
                              至獲准前請勿工作：學生工作許可已失效，免許可的規定尚未開始。規費：外國學生\
                              新臺幣 1,000 元，僑生新臺幣 500 元。"
                        .to_owned(),
                    sources: sources(&[
                        SRC_WDA_JOB_SEEKING_EXEMPTION,
                        SRC_YUNTECH_ART_12,
                        SRC_RESIDENCE_REGULATIONS,
                        SRC_NTU_LEAVING,
                        SRC_FCU_STAY,
                        SRC_GOLD_CARD_GRADUATE_EXTENSION,
                    ]),
                },
                VisaStepTemplate {
                    id: "extend".to_owned(),
                    by_employer: false,
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
                    documents_zh: documents(&[
                        "申請表",
                        "護照",
                        "目前的居留證（ARC）",
                        "尋職證明（求職申請、面試紀錄）",
                        "規費收據",
                    ]),
                    fee_twd: Some(1000),
                    due: DueRule::OnAnchor {
                        anchor: Anchor::ResidenceCardExpiry,
                    },
                    note: "Adds 1 more year (6 months for Hong Kong and Macau students), so 2 \
                           years in all (1 year for Hong Kong and Macau). Hand in before the \
                           residence card expires; extensions are accepted from 3 months before \
                           expiry (Regulations art. 9). This step turns urgent 30 days before."
                        .to_owned(),
                    note_zh: "再延長 1 年（港澳生為 6 個月），合計最長 2 年（港澳生為 1 年）。須在居留證\
                              到期前送件；自到期前 3 個月起受理延期申請（外國人停留居留及永久居留辦法第 \
                              9 條）。本步驟在到期前 30 天轉為緊急。"
                        .to_owned(),
                    sources: sources(&[
                        SRC_RESIDENCE_REGULATIONS,
                        SRC_FCU_STAY,
                        SRC_NTU_LEAVING,
                    ]),
                },
            ],
        },
        VisaRouteTemplate {
            id: GRADUATE_POINTS_WORK_PERMIT.to_owned(),
            version: 2,
            name: "Points-based work permit for graduates".to_owned(),
            name_zh: "畢業僑外生評點制工作許可".to_owned(),
            authority_zh: WDA_ZH.to_owned(),
            authority: WDA.to_owned(),
            verified_on: BUILTIN_VERIFIED_ON,
            changes: "Version 2: the employer's fee is NT$500 (was NT$100). Change your residence \
                      card within 30 days of the permit being issued (was: by the card's expiry); \
                      its fee depends on the validity granted. No quota since 2024-08-01."
                .to_owned(),
            changes_zh: "第 2 版：雇主規費為新臺幣 500 元（原為 100 元）。請在工作許可核發後 30 天內\
                         變更居留證（原為居留證到期前）；其規費依核准效期而定。自 2024-08-01 起不再\
                         有名額限制。"
                .to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "evidence".to_owned(),
                    by_employer: false,
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
                    documents_zh: documents(&[
                        "畢業證書",
                        "護照（影本）",
                        "載明薪資的僱用契約",
                        "華語文能力測驗（TOCFL）證書（如有）",
                        "工作經驗或其他評點項目的證明（如有）",
                    ]),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: "The permit needs at least 70 points (degree, salary, experience, \
                           languages and more); collect the evidence for every item you can \
                           claim. It is open to graduates with a Taiwanese bachelor's degree or \
                           higher (associate degrees only in some fields). No quota since \
                           2024-08-01. The alternative is the standard work permit for foreign \
                           professionals: NT$47,971 a month, with a master's degree, or a \
                           bachelor's degree plus 2 years' experience."
                        .to_owned(),
                    note_zh: "評點制工作許可須達 70 點以上（學歷、薪資、工作經驗、語言能力等）；請備齊\
                              每一個可主張項目的證明。適用於取得我國學士以上學位的畢業生（副學士僅限特定\
                              科系）。自 2024-08-01 起不再有名額限制。另一選擇是一般外國專業人員工作許可：\
                              月薪新臺幣 47,971 元，且具碩士學位，或學士學位加 2 年工作經驗。"
                        .to_owned(),
                    sources: sources(&[
                        SRC_POINTS_STANDARD,
                        SRC_CGU_POINTS_QUOTA,
                        SRC_WDA_STANDARD_ROUTE,
                    ]),
                },
                VisaStepTemplate {
                    id: "employer-applies".to_owned(),
                    by_employer: true,
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
                    documents_zh: documents(&[
                        "雇主申請書",
                        "評點表及證明文件",
                        "畢業證書",
                        "護照（影本）",
                        "規費收據",
                    ]),
                    fee_twd: Some(500),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PlacementStart,
                        days: 14,
                    },
                    note: "Only after the diploma is issued, and before the first working day; \
                           allow about two weeks for processing. The employer pays NT$500 per \
                           case."
                        .to_owned(),
                    note_zh: "須在取得畢業證書後、第一個工作日之前申請；審查約需兩週。雇主須繳規費每件\
                              新臺幣 500 元。"
                        .to_owned(),
                    sources: sources(&[SRC_WDA_POINTS_DOCUMENTS, SRC_POINTS_STANDARD]),
                },
                work_residence_step(),
            ],
        },
        VisaRouteTemplate {
            id: PROFESSIONAL_WORK_PERMIT.to_owned(),
            version: 2,
            name: "Work permit for foreign professionals".to_owned(),
            name_zh: "外國專業人員工作許可".to_owned(),
            authority_zh: WDA_ZH.to_owned(),
            authority: WDA.to_owned(),
            verified_on: BUILTIN_VERIFIED_ON,
            changes: "New in version 2 of the built-in routes: the standard work permit for \
                      foreign professionals, for graduates who do not use the points-based route."
                .to_owned(),
            changes_zh: "內建路線第 2 版新增：一般外國專業人員工作許可，供不走評點制的畢業生使用。"
                .to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "requirements".to_owned(),
                    by_employer: true,
                    title: "Check that you and the job meet the requirements".to_owned(),
                    authority: WDA.to_owned(),
                    documents: documents(&[
                        "Diploma (master's degree or higher, or bachelor's degree)",
                        "Proof of 2 years of relevant work experience (bachelor's degree only)",
                        "Employment contract showing the monthly salary",
                    ]),
                    title_zh: "確認你與這份工作符合申請條件".to_owned(),
                    authority_zh: WDA_ZH.to_owned(),
                    documents_zh: documents(&[
                        "畢業證書（碩士以上學位或學士學位）",
                        "2 年以上相關工作經驗證明（僅學士學位需要）",
                        "載明月薪的僱用契約",
                    ]),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: "The employer must pay an average monthly salary of at least \
                           NT$47,971. You need a master's degree or higher, or a bachelor's \
                           degree plus 2 years of relevant work experience. A bachelor's degree \
                           from a Taiwanese university does not by itself waive the experience: \
                           without it, use the points-based work permit for graduates (70 points)."
                        .to_owned(),
                    note_zh: "雇主給付的平均月薪須達新臺幣 47,971 元。須具碩士以上學位，或學士學位且有 \
                              2 年以上相關工作經驗。僅有我國大學的學士學位並不能免除工作經驗；若無經驗，請改\
                              走畢業僑外生評點制工作許可（70 點）。"
                        .to_owned(),
                    sources: sources(&[SRC_WDA_STANDARD_ROUTE, SRC_POINTS_STANDARD]),
                },
                VisaStepTemplate {
                    id: "employer-applies".to_owned(),
                    by_employer: true,
                    title: "Employer applies for your work permit".to_owned(),
                    authority: WDA.to_owned(),
                    documents: documents(&[
                        "Employer's application form",
                        "Employment contract",
                        "Diploma",
                        "Proof of work experience, if needed",
                        "Passport (copy)",
                        "Fee receipt",
                    ]),
                    title_zh: "由雇主為你申請工作許可".to_owned(),
                    authority_zh: WDA_ZH.to_owned(),
                    documents_zh: documents(&[
                        "雇主申請書",
                        "僱用契約",
                        "畢業證書",
                        "工作經驗證明（如需要）",
                        "護照（影本）",
                        "規費收據",
                    ]),
                    fee_twd: Some(500),
                    due: DueRule::DaysBefore {
                        anchor: Anchor::PlacementStart,
                        days: 14,
                    },
                    note: "The employer applies before your first working day; allow about two \
                           weeks for processing. The employer pays NT$500 per case."
                        .to_owned(),
                    note_zh: "雇主須在你第一個工作日之前申請；審查約需兩週。雇主須繳規費每件新臺幣 500 \
                              元。"
                        .to_owned(),
                    sources: sources(&[SRC_WDA_STANDARD_ROUTE]),
                },
                work_residence_step(),
            ],
        },
        VisaRouteTemplate {
            id: EMPLOYMENT_GOLD_CARD.to_owned(),
            version: 2,
            name: "Employment Gold Card".to_owned(),
            name_zh: "就業金卡".to_owned(),
            authority_zh: GOLD_CARD_OFFICE_ZH.to_owned(),
            authority: GOLD_CARD_OFFICE.to_owned(),
            verified_on: BUILTIN_VERIFIED_ON,
            changes: "Version 2: review takes 1.5–3 months (was about 30 working days), so apply \
                      90 days before your card expires (was 60). The fees for residence card \
                      holders are listed, the card can be extended from 4 months before it \
                      expires, and you collect it with the printed payment receipt."
                .to_owned(),
            changes_zh: "第 2 版：審查需 1.5–3 個月（原為約 30 個工作天），因此請在居留證到期前 90 天\
                         申請（原為 60 天）。列出持居留證者的規費；金卡可於到期前 4 個月起申請延期；\
                         領卡時請攜帶列印的繳費收據。"
                .to_owned(),
            steps: vec![
                VisaStepTemplate {
                    id: "qualify".to_owned(),
                    by_employer: false,
                    title: "Check a qualifying criterion and gather its evidence".to_owned(),
                    authority: GOLD_CARD_OFFICE.to_owned(),
                    documents: documents(&[
                        "Passport valid for at least 6 more months",
                        "Recent 2-inch photo",
                        "Evidence for one qualifying criterion (such as salary, awards or degree)",
                    ]),
                    title_zh: "確認符合一項資格條件並備齊證明".to_owned(),
                    authority_zh: GOLD_CARD_OFFICE_ZH.to_owned(),
                    documents_zh: documents(&[
                        "效期尚餘 6 個月以上的護照",
                        "最近二吋照片",
                        "符合一項資格條件的證明（例如薪資、獎項或學歷）",
                    ]),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: "The card combines an open work permit, residence visa, residence card \
                           and re-entry permit, for 1 to 3 years. It can be extended online from \
                           4 months before it expires, for 1 to 3 years."
                        .to_owned(),
                    note_zh: "就業金卡結合開放式工作許可、居留簽證、外僑居留證及重入國許可（四證合一），\
                              效期 1 至 3 年。可於到期前 4 個月起線上申請延期，延期 1 至 3 年。"
                        .to_owned(),
                    sources: sources(&[SRC_GOLD_CARD_CONDITIONS, SRC_GOLD_CARD_EXTENSION]),
                },
                VisaStepTemplate {
                    id: "apply".to_owned(),
                    by_employer: false,
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
                    documents_zh: documents(&[
                        "線上申請表",
                        "護照掃描檔",
                        "照片",
                        "資格條件的證明",
                    ]),
                    // The fee depends on the validity chosen; the amounts are in the note.
                    fee_twd: None,
                    due: DueRule::DaysBefore {
                        anchor: Anchor::ResidenceCardExpiry,
                        days: 90,
                    },
                    note: "Review usually takes 1.5–3 months (NIA check 1–2 weeks, ministry \
                           review 1–2 months, NIA final review 1–2 weeks), hence about 3 months \
                           ahead. A student with a valid residence card can apply from within \
                           Taiwan. Fee for applicants holding a valid residence card, for 1 / 2 \
                           / 3 years: NT$1,500 / 2,500 / 3,500; Hong Kong and Macau residents: \
                           NT$3,100."
                        .to_owned(),
                    note_zh: "審查通常需 1.5–3 個月（移民署資料檢核 1–2 週、各部會資格審查 1–2 個月、\
                              移民署複審 1–2 週），因此約提前 3 個月申請。持有效居留證的學生可在臺灣境內\
                              申請。持有效外僑居留證者的規費，效期 1 / 2 / 3 年：新臺幣 1,500 / 2,500 / \
                              3,500 元；港澳居民：新臺幣 3,100 元。"
                        .to_owned(),
                    sources: sources(&[
                        SRC_GOLD_CARD_PROCESSING,
                        SRC_NIA_GOLD_CARD_FEES,
                        SRC_GOLD_CARD_NEW_APPLICANT,
                    ]),
                },
                VisaStepTemplate {
                    id: "collect".to_owned(),
                    by_employer: false,
                    title: "Collect the Gold Card".to_owned(),
                    authority: NIA.to_owned(),
                    documents: documents(&[
                        "Passport",
                        "Payment Electronic Receipt, printed from the platform",
                    ]),
                    title_zh: "領取就業金卡".to_owned(),
                    authority_zh: NIA_ZH.to_owned(),
                    documents_zh: documents(&["護照", "從平台列印的繳費電子收據"]),
                    fee_twd: None,
                    due: DueRule::NoDueDate,
                    note: "Applicants in Taiwan bring their passport and the printed Payment \
                           Electronic Receipt to the NIA service center they chose."
                        .to_owned(),
                    note_zh: "在臺申請者請攜帶護照及列印的繳費電子收據，至所選的移民署服務站領取。"
                        .to_owned(),
                    sources: sources(&[SRC_GOLD_CARD_COLLECTION]),
                },
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::NaiveDate;

    use crate::domain::{Entity, StudentProfile, VisaRoute};
    use crate::error::{MutationError, Problem};
    use crate::visa::{
        builtin_routes, checklist, days_left, is_urgent, Anchor, Anchors, DueRule, Source,
        VisaRouteTemplate, VisaStepTemplate, EMPLOYMENT_GOLD_CARD, GRADUATE_POINTS_WORK_PERMIT,
        JOB_SEEKING_RESIDENCE, PROFESSIONAL_WORK_PERMIT, REVIEW_AFTER_MONTHS, STUDENT_WORK_PERMIT,
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
            permit_issued: Some(date(2026, 7, 20)),
        }
    }

    #[test]
    fn every_builtin_step_has_the_expected_due_date() {
        // Worked out by hand from `all_anchors`.
        let table: [(&str, &str, Option<NaiveDate>); 13] = [
            // 21 days before the placement starts on 1 September, across the end of August.
            (STUDENT_WORK_PERMIT, "apply", Some(date(2026, 8, 11))),
            // 21 days before the permit expires on 28 February 2027.
            (STUDENT_WORK_PERMIT, "renew", Some(date(2027, 2, 7))),
            // 14 days after the diploma of 20 June, into July.
            (JOB_SEEKING_RESIDENCE, "apply", Some(date(2026, 7, 4))),
            // On the card's expiry, 31 August.
            (JOB_SEEKING_RESIDENCE, "extend", Some(date(2026, 8, 31))),
            (GRADUATE_POINTS_WORK_PERMIT, "evidence", None),
            // 14 days before 1 September.
            (
                GRADUATE_POINTS_WORK_PERMIT,
                "employer-applies",
                Some(date(2026, 8, 18)),
            ),
            // 30 days after the permit of 20 July (11 to the end of July, 19 into August).
            (
                GRADUATE_POINTS_WORK_PERMIT,
                "residence",
                Some(date(2026, 8, 19)),
            ),
            (PROFESSIONAL_WORK_PERMIT, "requirements", None),
            (
                PROFESSIONAL_WORK_PERMIT,
                "employer-applies",
                Some(date(2026, 8, 18)),
            ),
            (
                PROFESSIONAL_WORK_PERMIT,
                "residence",
                Some(date(2026, 8, 19)),
            ),
            (EMPLOYMENT_GOLD_CARD, "qualify", None),
            // 90 days before 31 August: 31 back to 31 July, 31 more to 30 June, 28 more.
            (EMPLOYMENT_GOLD_CARD, "apply", Some(date(2026, 6, 2))),
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
        let before_21 = DueRule::DaysBefore {
            anchor: Anchor::GraduationDate,
            days: 21,
        };
        let before_90 = DueRule::DaysBefore {
            anchor: Anchor::GraduationDate,
            days: 90,
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
            // The student permit's 21 days: 10 back to the end of February, 11 more.
            (before_21, date(2028, 3, 10), date(2028, 2, 18)),
            (before_21, date(2027, 3, 10), date(2027, 2, 17)),
            (before_21, date(2027, 1, 10), date(2026, 12, 20)),
            // The Gold Card's 90 days: through February in a leap year and in a common year.
            (before_90, date(2028, 4, 30), date(2028, 1, 31)),
            (before_90, date(2027, 4, 30), date(2027, 1, 30)),
            (before_90, date(2026, 8, 31), date(2026, 6, 2)),
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
        // Knowing only the permit's issue date dates only the residence change.
        let only_permit = Anchors {
            permit_issued: Some(date(2026, 7, 20)),
            ..Anchors::default()
        };
        for id in [GRADUATE_POINTS_WORK_PERMIT, PROFESSIONAL_WORK_PERMIT] {
            let dates: Vec<_> = checklist(&route(id), &only_permit)
                .into_iter()
                .map(|planned| planned.due_date)
                .collect();
            assert_eq!(dates, [None, None, Some(date(2026, 8, 19))], "{id}");
        }
    }

    #[test]
    fn the_residence_change_is_due_30_days_after_the_permit_is_issued() {
        // (permit issued, residence change due), counted by hand.
        let table = [
            (date(2026, 7, 20), date(2026, 8, 19)),
            // Leap year: 19 days to 29 February, 11 into March.
            (date(2028, 2, 10), date(2028, 3, 11)),
            // Common year: 18 days to 28 February, 12 into March.
            (date(2027, 2, 10), date(2027, 3, 12)),
            (date(2028, 1, 31), date(2028, 3, 1)),
            (date(2027, 1, 31), date(2027, 3, 2)),
            // Across the year end.
            (date(2026, 12, 15), date(2027, 1, 14)),
        ];
        for id in [GRADUATE_POINTS_WORK_PERMIT, PROFESSIONAL_WORK_PERMIT] {
            for (issued, due) in table {
                let anchors = Anchors {
                    permit_issued: Some(issued),
                    // The other anchors do not move it.
                    ..all_anchors()
                };
                let residence = checklist(&route(id), &anchors)
                    .into_iter()
                    .find(|planned| planned.step.id == "residence");
                assert_eq!(
                    residence.and_then(|planned| planned.due_date),
                    Some(due),
                    "{id}: permit issued {issued}"
                );
            }
        }
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
            (Anchor::PermitIssued, date(2026, 7, 20)),
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
            degree_level: None,
            hong_kong_macau: false,
            placement_start: None,
            placement_end: None,
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
                PROFESSIONAL_WORK_PERMIT,
                EMPLOYMENT_GOLD_CARD
            ])
        );
        for route in &routes {
            assert!(route.version >= 2, "{}", route.id);
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

    /// The runs of digits in a text, in order ("NT$1,000" gives "1" and "000").
    fn digits(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn builtin_routes_are_translated_into_traditional_chinese() {
        for route in builtin_routes() {
            assert!(has_cjk(&route.name_zh), "{}: name_zh", route.id);
            assert!(has_cjk(&route.authority_zh), "{}: authority_zh", route.id);
            assert_eq!(route.name_in(true), route.name_zh);
            assert_eq!(route.name_in(false), route.name);
            assert!(has_cjk(&route.changes_zh), "{}: changes_zh", route.id);
            assert_eq!(route.changes_in(true), route.changes_zh);
            assert_eq!(route.changes_in(false), route.changes);
            assert_eq!(
                digits(&route.changes_zh),
                digits(&route.changes),
                "{}: numbers in changes",
                route.id
            );
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

    /// The host of an `https://` address, or `None` for any other address (or one that names a
    /// user, which could hide the real host).
    fn https_host(url: &str) -> Option<&str> {
        let rest = url.strip_prefix("https://")?;
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.contains('@') {
            return None;
        }
        let host = authority.split(':').next()?;
        (!host.is_empty()).then_some(host)
    }

    /// Official sites: Taiwan's government and its universities (international offices).
    const OFFICIAL_SUFFIXES: [&str; 2] = ["gov.tw", "edu.tw"];

    fn is_official(host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        OFFICIAL_SUFFIXES
            .iter()
            .any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")))
    }

    #[test]
    fn the_official_host_check_is_strict() {
        let table = [
            (
                "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=D0080129",
                true,
            ),
            ("https://www.gov.tw/News3_Content.aspx?n=2", true),
            ("https://oia.ntu.edu.tw/en/", true),
            ("https://oia.ntu.edu.tw:443/en/", true),
            ("http://oica2.nhu.edu.tw/page2/super_pages.php", false),
            ("https://notgov.tw/page", false),
            ("https://gov.tw.example.com/page", false),
            ("https://example.com/?u=https://law.moj.gov.tw/", false),
            ("https://law.moj.gov.tw@example.com/", false),
            ("https://udn.com/news/story/7331/9265571", false),
            ("javascript:alert(1)//gov.tw", false),
        ];
        for (url, official) in table {
            assert_eq!(https_host(url).is_some_and(is_official), official, "{url}");
        }
    }

    #[test]
    fn every_builtin_step_names_official_sources_and_every_route_is_dated() {
        for route in builtin_routes() {
            assert_eq!(route.verified_on, Some(date(2026, 12, 3)), "{}", route.id);
            assert!(route.version >= 2, "{}: version", route.id);
            assert!(!route.changes.trim().is_empty(), "{}: changes", route.id);
            assert!(
                !route.changes_zh.trim().is_empty(),
                "{}: changes_zh",
                route.id
            );
            for step in &route.steps {
                let key = format!("{} / {}", route.id, step.id);
                assert!(!step.sources.is_empty(), "{key}: no source");
                let urls: HashSet<&str> = step.sources.iter().map(|s| s.url.as_str()).collect();
                assert_eq!(urls.len(), step.sources.len(), "{key}: a source twice");
                for source in &step.sources {
                    let host = https_host(&source.url);
                    assert!(
                        host.is_some_and(is_official),
                        "{key}: {} is not an official https address",
                        source.url
                    );
                    assert_eq!(source.link(), Some(source.url.as_str()), "{key}");
                    assert!(!source.title.trim().is_empty(), "{key}: {}", source.url);
                    assert!(
                        source.title_zh.is_empty() || has_cjk(&source.title_zh),
                        "{key}: {}",
                        source.title_zh
                    );
                }
            }
        }
    }

    #[test]
    fn source_titles_and_links() {
        let source = Source {
            url: "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=D0080129".to_owned(),
            title: "Regulations".to_owned(),
            title_zh: "外國人停留居留及永久居留辦法".to_owned(),
        };
        assert_eq!(source.title_in(true), "外國人停留居留及永久居留辦法");
        assert_eq!(source.title_in(false), "Regulations");
        let untranslated = Source {
            title_zh: String::new(),
            ..source.clone()
        };
        assert_eq!(untranslated.title_in(true), "Regulations");
        // Only web addresses become links.
        let table = [
            ("https://oia.ntu.edu.tw/en/", true),
            ("HTTPS://oia.ntu.edu.tw/en/", true),
            ("http://oica2.nhu.edu.tw/", true),
            ("javascript:alert(1)", false),
            (" javascript:alert(1)", false),
            ("data:text/html,<script>alert(1)</script>", false),
            ("oia.ntu.edu.tw", false),
            ("", false),
        ];
        for (url, is_link) in table {
            let source = Source {
                url: url.to_owned(),
                ..source.clone()
            };
            assert_eq!(source.link().is_some(), is_link, "{url:?}");
        }
    }

    fn checked_on(verified_on: Option<NaiveDate>) -> VisaRouteTemplate {
        VisaRouteTemplate {
            verified_on,
            ..route(STUDENT_WORK_PERMIT)
        }
    }

    #[test]
    fn a_route_needs_review_six_calendar_months_after_its_check() {
        assert_eq!(REVIEW_AFTER_MONTHS, 6);
        assert!(checked_on(None).needs_review(date(2026, 12, 3)));
        // (checked on, today, needs review)
        let table = [
            (date(2026, 12, 3), date(2026, 12, 3), false),
            (date(2026, 12, 3), date(2027, 6, 3), false),
            (date(2026, 12, 3), date(2027, 6, 4), true),
            // Month ends clamp: 31 August plus 6 months is 28 February.
            (date(2026, 8, 31), date(2027, 2, 28), false),
            (date(2026, 8, 31), date(2027, 3, 1), true),
            // ... and 29 February in a leap year.
            (date(2027, 8, 31), date(2028, 2, 28), false),
            (date(2027, 8, 31), date(2028, 2, 29), false),
            (date(2027, 8, 31), date(2028, 3, 1), true),
            // Across the year end.
            (date(2026, 7, 15), date(2027, 1, 15), false),
            (date(2026, 7, 15), date(2027, 1, 16), true),
            // A check dated after today is not due.
            (date(2027, 1, 1), date(2026, 12, 3), false),
            // Years later.
            (date(2020, 1, 1), date(2026, 12, 3), true),
        ];
        for (verified_on, today, due) in table {
            assert_eq!(
                checked_on(Some(verified_on)).needs_review(today),
                due,
                "checked {verified_on}, today {today}"
            );
        }
        // A check at the end of the calendar is never due.
        assert!(!checked_on(Some(NaiveDate::MAX)).needs_review(NaiveDate::MAX));
        for route in builtin_routes() {
            assert!(!route.needs_review(date(2027, 6, 3)), "{}", route.id);
            assert!(route.needs_review(date(2027, 6, 4)), "{}", route.id);
        }
    }

    #[test]
    fn version_1_json_without_the_new_fields_still_reads() {
        // A route as staff stored it before sources, check dates and change notes existed.
        let json = serde_json::json!({
            "id": "job-seeking-residence",
            "version": 1,
            "name": "Job-seeking residence after graduation",
            "authority": "National Immigration Agency, Ministry of the Interior",
            "name_zh": "畢業後延長居留以尋找工作",
            "authority_zh": "內政部移民署",
            "steps": [{
                "id": "apply",
                "title": "Apply to extend your residence to look for work",
                "authority": "National Immigration Agency, Ministry of the Interior",
                "documents": ["Passport"],
                "fee_twd": 1000,
                "due": { "rule": "within_days_after", "anchor": "graduation_date", "days": 14 },
                "note": "Grants up to 1 year.",
                "title_zh": "申請延長居留以尋找工作",
                "authority_zh": "內政部移民署",
                "documents_zh": ["護照"],
                "note_zh": "最長 1 年。"
            }]
        });
        let route: VisaRouteTemplate = match serde_json::from_value(json) {
            Ok(route) => route,
            Err(error) => panic!("a version-1 route does not parse: {error}"),
        };
        assert_eq!(route.version, 1);
        assert_eq!(route.verified_on, None);
        assert_eq!(
            (route.changes.as_str(), route.changes_zh.as_str()),
            ("", "")
        );
        assert_eq!(route.changes_in(true), "");
        assert!(route.needs_review(date(2026, 12, 3)));
        assert_eq!(route.steps.len(), 1);
        assert!(route.steps[0].sources.is_empty());
        assert_eq!(
            Entity::VisaRoute(VisaRoute {
                template: route.clone()
            })
            .validate(),
            Ok(())
        );
        let dates: Vec<_> = checklist(&route, &all_anchors())
            .into_iter()
            .map(|planned| planned.due_date)
            .collect();
        assert_eq!(dates, [Some(date(2026, 7, 4))]);

        // A source without a Chinese title; anchors stored before `permit_issued`.
        let source: Result<Source, _> =
            serde_json::from_str(r#"{"url":"https://oia.ntu.edu.tw/en/","title":"Leaving NTU"}"#);
        assert_eq!(
            source.ok().map(|source| source.title_zh),
            Some(String::new())
        );
        let anchors: Result<Anchors, _> = serde_json::from_str(
            r#"{"graduation_date":"2026-06-20","residence_card_expiry":null,
                "placement_start":null,"permit_expiry":null,"chosen_date":null}"#,
        );
        assert_eq!(
            anchors.ok(),
            Some(Anchors {
                graduation_date: Some(date(2026, 6, 20)),
                ..Anchors::default()
            })
        );
    }

    #[test]
    fn the_new_fields_have_readable_wire_names() {
        let routes = builtin_routes();
        let value = match serde_json::to_value(&routes) {
            Ok(value) => value,
            Err(error) => panic!("routes do not serialize: {error}"),
        };
        let points = &value[2];
        assert_eq!(points["id"], GRADUATE_POINTS_WORK_PERMIT);
        assert_eq!(points["version"], 2);
        assert_eq!(points["verified_on"], "2026-12-03");
        assert!(points["changes"]
            .as_str()
            .is_some_and(|text| !text.is_empty()));
        let residence = &points["steps"][2];
        assert_eq!(
            residence["due"],
            serde_json::json!({ "rule": "within_days_after", "anchor": "permit_issued", "days": 30 })
        );
        assert_eq!(
            residence["sources"][0]["url"],
            "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=D0080129"
        );
        assert_eq!(
            residence["sources"][0]["title_zh"],
            "外國人停留居留及永久居留辦法"
        );
        let anchor: Result<Anchor, _> = serde_json::from_str(r#""permit_issued""#);
        assert_eq!(anchor.ok(), Some(Anchor::PermitIssued));
    }

    #[test]
    fn route_records_validate_their_sources_and_change_notes() {
        let valid = route(JOB_SEEKING_RESIDENCE);
        let validate =
            |template: VisaRouteTemplate| Entity::VisaRoute(VisaRoute { template }).validate();
        assert_eq!(validate(valid.clone()), Ok(()));

        let mut untitled = valid.clone();
        untitled.steps[0].sources[0].title = " ".to_owned();
        assert_eq!(
            validate(untitled),
            Err(MutationError::invalid("sources", Problem::Required))
        );

        let mut no_address = valid.clone();
        no_address.steps[0].sources[0].url = String::new();
        assert_eq!(
            validate(no_address),
            Err(MutationError::invalid("sources", Problem::Required))
        );

        let mut control = valid.clone();
        control.steps[0].sources[0].url = "https://oia.ntu.edu.tw/\u{7}".to_owned();
        assert_eq!(
            validate(control),
            Err(MutationError::invalid(
                "sources",
                Problem::ControlCharacters
            ))
        );

        let mut too_many = valid.clone();
        let first = too_many.steps[0].sources[0].clone();
        too_many.steps[0].sources = vec![first; 21];
        assert_eq!(
            validate(too_many),
            Err(MutationError::invalid(
                "sources",
                Problem::TooManyEntries { max: 20 }
            ))
        );

        let mut old_check = valid.clone();
        old_check.verified_on = Some(date(1900, 1, 1));
        assert_eq!(
            validate(old_check),
            Err(MutationError::invalid(
                "verified_on",
                Problem::YearOutOfRange { year: 1900 }
            ))
        );

        let mut long_changes = valid;
        long_changes.changes_zh = "改".repeat(5001);
        assert_eq!(
            validate(long_changes),
            Err(MutationError::invalid(
                "changes_zh",
                Problem::TooLong {
                    length: 5001,
                    max: 5000
                }
            ))
        );
    }
}
