//! Which visa and work-permit routes apply to a student, worked out from their own dates: when
//! they graduate, when their placement (or job) starts and ends, when their residence card
//! expires, their degree and whether they came as a Hong Kong or Macau student.
//!
//! The rules encoded here, with their sources in `docs/visa-sources.md`:
//! - Work while enrolled needs the student work permit. It lasts at most 1 year, ends on
//!   30 September (30 June for students graduating that academic year) and lapses at graduation,
//!   so it never covers a day after graduation (the timing trap).
//! - After graduating from a Taiwanese school (associate degree or higher), job-seeking residence
//!   lasts 1 year, extendable once (Hong Kong and Macau students: 6 months, extendable once).
//!   From 2026-01-01 its holder may work without a work permit.
//! - Work beyond that stay needs a work permit the employer applies for: the points-based one for
//!   graduates with a bachelor's degree or higher, the standard professional one (no work
//!   experience needed with a master's or doctorate), or the Employment Gold Card.
//!
//! The chooser is pure: the app words its reasons and warnings in each language.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::visa::{
    checklist, Anchors, VisaRouteTemplate, EMPLOYMENT_GOLD_CARD, GRADUATE_POINTS_WORK_PERMIT,
    JOB_SEEKING_RESIDENCE, PROFESSIONAL_WORK_PERMIT, STUDENT_WORK_PERMIT,
};

/// The degree a student studies for (at a Taiwanese school).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DegreeLevel {
    /// An associate degree (two-year college).
    Associate,
    /// A bachelor's degree.
    Bachelor,
    /// A master's degree.
    Master,
    /// A doctorate.
    Doctorate,
}

impl DegreeLevel {
    /// Every level, lowest first.
    pub const ALL: [DegreeLevel; 4] = [
        DegreeLevel::Associate,
        DegreeLevel::Bachelor,
        DegreeLevel::Master,
        DegreeLevel::Doctorate,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DegreeLevel::Associate => "associate",
            DegreeLevel::Bachelor => "bachelor",
            DegreeLevel::Master => "master",
            DegreeLevel::Doctorate => "doctorate",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.as_str() == text)
    }
}

/// What the chooser knows about a student. Unknown dates are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    /// Today, on the student's calendar.
    pub today: NaiveDate,
    /// The date on the diploma.
    pub graduation_date: Option<NaiveDate>,
    /// The first working day of the placement or job.
    pub placement_start: Option<NaiveDate>,
    /// Its last working day.
    pub placement_end: Option<NaiveDate>,
    /// The expiry date on the current residence card (ARC).
    pub residence_card_expiry: Option<NaiveDate>,
    /// The degree studied for; unknown counts as an associate degree (the lowest that qualifies
    /// for job-seeking residence), so nothing is promised that needs more.
    pub degree: Option<DegreeLevel>,
    /// Whether the student came as a Hong Kong or Macau student (shorter job-seeking stays).
    pub hong_kong_macau: bool,
}

/// Why a route is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Why {
    /// The placement has working days before graduation: they need the student work permit.
    WorkBeforeGraduation {
        /// The first working day while enrolled.
        from: NaiveDate,
        /// The last day the permit can cover (the day before graduation, or the placement's end).
        until: NaiveDate,
    },
    /// After graduating the student may stay to look for work, and from 2026 work without a
    /// permit during that stay.
    WorkAfterGraduation {
        /// The graduation date.
        graduation: NaiveDate,
        /// The last day of the longest possible stay (with its one extension).
        stay_until: NaiveDate,
    },
    /// The placement (or a job after it) goes on past the longest job-seeking stay, so the
    /// employer must apply for a work permit.
    WorkBeyondJobSeeking {
        /// The last day of the longest job-seeking stay.
        stay_until: NaiveDate,
    },
    /// Graduated or graduating without placement dates yet: the stay to look for work.
    LookingForWork {
        /// The graduation date.
        graduation: NaiveDate,
    },
    /// An alternative to an employer's permit, for those who meet one of its criteria.
    GoldCardAlternative,
}

/// A route the student should follow, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    /// The route's id (see [`crate::visa`]).
    pub route_id: &'static str,
    /// Why.
    pub why: Why,
}

/// Something in the student's dates that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    /// No graduation date: nothing can be proposed safely.
    GraduationDateUnknown,
    /// No placement start date: only the stay after graduation is proposed.
    PlacementDatesUnknown,
    /// The placement ends before it starts.
    PlacementEndsBeforeStart,
    /// The placement starts on or after graduation: the student work permit cannot be used.
    StartsAfterGraduation {
        /// The graduation date.
        graduation: NaiveDate,
        /// The placement start.
        start: NaiveDate,
    },
    /// The placement runs across graduation: the student permit lapses on that day and the
    /// job-seeking stay must be approved by then for work to go on.
    CrossesGraduation {
        /// The graduation date.
        graduation: NaiveDate,
    },
    /// A student work permit issued at the start would expire before the last working day
    /// while enrolled: a new one is needed by then.
    StudentPermitExpiresMidPlacement {
        /// The last day the first permit can be valid.
        expires: NaiveDate,
    },
    /// The residence card expires before the placement ends.
    ResidenceCardExpiresMidPlacement {
        /// Its expiry date.
        expires: NaiveDate,
    },
    /// A step's due date has passed and the step is still ahead.
    DeadlinePassed {
        /// The route.
        route_id: String,
        /// The step's id within it.
        step_id: String,
        /// Its due date.
        due: NaiveDate,
    },
}

/// The chooser's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Advice {
    /// The routes to follow, in the order they apply.
    pub proposals: Vec<Proposal>,
    /// What needs attention, most pressing first as found.
    pub warnings: Vec<Warning>,
}

impl Advice {
    /// The proposed route ids, in order.
    pub fn route_ids(&self) -> Vec<&'static str> {
        self.proposals.iter().map(|p| p.route_id).collect()
    }
}

/// The last day of the job-seeking stay with its one extension: 2 years after graduation
/// (1 year for Hong Kong and Macau students), less a day.
pub fn job_seeking_stay_until(graduation: NaiveDate, hong_kong_macau: bool) -> Option<NaiveDate> {
    let months = if hong_kong_macau { 12 } else { 24 };
    graduation
        .checked_add_months(Months::new(months))?
        .checked_sub_days(Days::new(1))
}

/// The last day a student work permit issued on `issued` can be valid for someone graduating
/// on `graduation`: at most 1 year, never past 30 September of the academic year (which runs
/// 1 October to 30 September), or 30 June for those graduating in it, and never past the day
/// before graduation.
pub fn student_permit_until(issued: NaiveDate, graduation: NaiveDate) -> Option<NaiveDate> {
    let one_year = issued
        .checked_add_months(Months::new(12))?
        .checked_sub_days(Days::new(1))?;
    let year_end_year = if issued.month() >= 10 {
        issued.year() + 1
    } else {
        issued.year()
    };
    let academic_year_end = NaiveDate::from_ymd_opt(year_end_year, 9, 30)?;
    let graduating_this_year = graduation <= academic_year_end;
    let term_end = if graduating_this_year {
        NaiveDate::from_ymd_opt(year_end_year, 6, 30)?
    } else {
        academic_year_end
    };
    let before_graduation = graduation.checked_sub_days(Days::new(1))?;
    Some(one_year.min(term_end).min(before_graduation))
}

/// The routes that apply to `situation`, with why, and what needs attention. `routes` are the
/// program's current route templates: deadlines are worked out from them, so a corrected
/// template corrects the warnings too.
pub fn choose(situation: &Situation, routes: &[VisaRouteTemplate]) -> Advice {
    let mut advice = Advice::default();
    let Some(graduation) = situation.graduation_date else {
        advice.warnings.push(Warning::GraduationDateUnknown);
        return advice;
    };
    let stay_until = job_seeking_stay_until(graduation, situation.hong_kong_macau);
    let degree = situation.degree.unwrap_or(DegreeLevel::Associate);

    let Some(start) = situation.placement_start else {
        advice.warnings.push(Warning::PlacementDatesUnknown);
        advice.proposals.push(Proposal {
            route_id: JOB_SEEKING_RESIDENCE,
            why: Why::LookingForWork { graduation },
        });
        advice
            .warnings
            .extend(deadlines(situation, &advice, routes));
        return advice;
    };
    let end = situation.placement_end;
    if end.is_some_and(|end| end < start) {
        advice.warnings.push(Warning::PlacementEndsBeforeStart);
        return advice;
    }

    // Working days while enrolled: the student work permit, which ends at graduation.
    if start < graduation {
        let day_before_graduation = graduation.pred_opt().unwrap_or(graduation);
        let until = end.map_or(day_before_graduation, |end| end.min(day_before_graduation));
        advice.proposals.push(Proposal {
            route_id: STUDENT_WORK_PERMIT,
            why: Why::WorkBeforeGraduation { from: start, until },
        });
        if let Some(permit_until) = student_permit_until(start, graduation) {
            if permit_until < until {
                advice
                    .warnings
                    .push(Warning::StudentPermitExpiresMidPlacement {
                        expires: permit_until,
                    });
            }
        }
    } else {
        advice
            .warnings
            .push(Warning::StartsAfterGraduation { graduation, start });
    }

    // Working days after graduation (an open end counts as going on after it).
    let works_after_graduation = end.is_none_or(|end| end >= graduation);
    if works_after_graduation {
        if start < graduation {
            advice
                .warnings
                .push(Warning::CrossesGraduation { graduation });
        }
        if let Some(stay_until) = stay_until {
            // A stay that would already be over when the work starts (graduated long ago) is
            // no route any more: straight to a permit.
            let stay_open = stay_until >= start.max(situation.today);
            if stay_open {
                advice.proposals.push(Proposal {
                    route_id: JOB_SEEKING_RESIDENCE,
                    why: Why::WorkAfterGraduation {
                        graduation,
                        stay_until,
                    },
                });
            }
            if !stay_open || end.is_some_and(|end| end > stay_until) {
                let why = Why::WorkBeyondJobSeeking { stay_until };
                if degree >= DegreeLevel::Bachelor {
                    advice.proposals.push(Proposal {
                        route_id: GRADUATE_POINTS_WORK_PERMIT,
                        why,
                    });
                }
                advice.proposals.push(Proposal {
                    route_id: PROFESSIONAL_WORK_PERMIT,
                    why,
                });
                advice.proposals.push(Proposal {
                    route_id: EMPLOYMENT_GOLD_CARD,
                    why: Why::GoldCardAlternative,
                });
            }
        }
    }

    if let (Some(expires), Some(end)) = (situation.residence_card_expiry, end) {
        if expires >= start.min(situation.today) && expires < end {
            advice
                .warnings
                .push(Warning::ResidenceCardExpiresMidPlacement { expires });
        }
    }
    advice
        .warnings
        .extend(deadlines(situation, &advice, routes));
    advice
}

/// The first step of each proposed route whose due date has passed, while what it is for still
/// lies ahead (the placement has not started, or graduation is recent).
fn deadlines(situation: &Situation, advice: &Advice, routes: &[VisaRouteTemplate]) -> Vec<Warning> {
    let anchors = Anchors {
        graduation_date: situation.graduation_date,
        residence_card_expiry: situation.residence_card_expiry,
        placement_start: situation.placement_start,
        ..Anchors::default()
    };
    let mut warnings = Vec::new();
    for proposal in &advice.proposals {
        let Some(route) = routes.iter().find(|route| route.id == proposal.route_id) else {
            continue;
        };
        let Some(first) = checklist(route, &anchors).into_iter().next() else {
            continue;
        };
        let Some(due) = first.due_date else {
            continue;
        };
        // Past due, but not so long ago that the step is surely behind the student: the thing it
        // prepares for (the placement's start, or the stay after graduation) is still to come
        // or under way.
        let still_relevant = match proposal.why {
            Why::WorkBeforeGraduation { until, .. } => situation.today <= until,
            Why::WorkAfterGraduation { stay_until, .. } => situation.today <= stay_until,
            Why::LookingForWork { graduation } => {
                job_seeking_stay_until(graduation, situation.hong_kong_macau)
                    .is_some_and(|until| situation.today <= until)
            }
            Why::WorkBeyondJobSeeking { .. } => situation
                .placement_end
                .is_none_or(|end| situation.today <= end),
            Why::GoldCardAlternative => false,
        };
        if due < situation.today && still_relevant {
            warnings.push(Warning::DeadlinePassed {
                route_id: route.id.clone(),
                step_id: first.step.id.clone(),
                due,
            });
        }
    }
    warnings
}

/// The routes in force: the program's stored templates (staff's corrections), with each built-in
/// route whose version is newer than the stored one taking its place, and built-in routes the
/// program does not store yet added. So a corrected built-in route reaches a program seeded with
/// an older version, while a route staff edited after it (a higher version) stays theirs. Built-in
/// routes come first in their order, then the program's own.
pub fn current_routes(
    stored: Vec<VisaRouteTemplate>,
    builtin: Vec<VisaRouteTemplate>,
) -> Vec<VisaRouteTemplate> {
    let mut stored = stored;
    let mut routes: Vec<VisaRouteTemplate> = builtin
        .into_iter()
        .map(
            |built| match stored.iter().position(|route| route.id == built.id) {
                Some(index) if stored[index].version >= built.version => stored.remove(index),
                Some(index) => {
                    stored.remove(index);
                    built
                }
                None => built,
            },
        )
        .collect();
    stored.sort_by(|a, b| a.id.cmp(&b.id));
    routes.extend(stored);
    routes
}
