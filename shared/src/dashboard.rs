//! Program numbers for the staff dashboard, computed from records (pure, so tests can check them
//! against a known dataset).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{ApplicationStage, Entity, PlacementState, StudentSummary, Workshop};
use crate::ids::RecordId;
use crate::summary::{MonthCount, StageCount};

/// What [`stayed_by_route`] calls the route of a graduate who stayed without naming one.
pub const UNKNOWN_ROUTE: &str = "unknown";

/// Placement states in the order the dashboard lists them (their declaration order).
const PLACEMENT_STATES: [PlacementState; 6] = [
    PlacementState::Proposed,
    PlacementState::Confirmed,
    PlacementState::Active,
    PlacementState::Completed,
    PlacementState::EndedEarly,
    PlacementState::Withdrawn,
];

/// Application stages in the order the dashboard lists them (their declaration order).
const APPLICATION_STAGES: [ApplicationStage; 6] = [
    ApplicationStage::Applied,
    ApplicationStage::Interview,
    ApplicationStage::Offer,
    ApplicationStage::Accepted,
    ApplicationStage::Rejected,
    ApplicationStage::Withdrawn,
];

/// The program's size in one cohort year (cumulative participants, as the program reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthPoint {
    /// The cohort year.
    pub year: i32,
    /// Organizations taking part that year.
    pub organizations: usize,
    /// Mentors taking part that year.
    pub mentors: usize,
    /// Students enrolled in that cohort or earlier.
    pub students: usize,
}

/// Growth by cohort year, from the program space (cohorts, organizations, mentor profiles) and the
/// staff space (enrolments). Years come from the cohorts, oldest first.
pub fn growth<'a>(
    program: impl IntoIterator<Item = &'a Entity>,
    staff: impl IntoIterator<Item = &'a Entity>,
) -> Vec<GrowthPoint> {
    let mut years = Vec::new();
    let mut organizations = Vec::new();
    let mut mentors = Vec::new();
    for entity in program {
        match entity {
            Entity::Cohort(cohort) => years.push(cohort.year),
            Entity::Organization(organization) => organizations.push(&organization.cohort_years),
            Entity::MentorProfile(mentor) => mentors.push(&mentor.cohort_years),
            _ => {}
        }
    }
    let enrolled: Vec<i32> = staff
        .into_iter()
        .filter_map(|entity| match entity {
            Entity::Enrollment(enrollment) => Some(enrollment.cohort_year),
            _ => None,
        })
        .collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|year| GrowthPoint {
            year,
            organizations: organizations
                .iter()
                .filter(|years| years.contains(&year))
                .count(),
            mentors: mentors.iter().filter(|years| years.contains(&year)).count(),
            students: enrolled.iter().filter(|cohort| **cohort <= year).count(),
        })
        .collect()
}

/// Whether a student belongs to `cohort` (every student does when it is `None`).
fn in_cohort(summary: &StudentSummary, cohort: Option<i32>) -> bool {
    cohort.is_none_or(|year| summary.cohort_year == year)
}

/// Whether a student holds a placement that went ahead: confirmed, active or completed. A
/// proposal, a withdrawn proposal or a placement that ended early leaves the student unplaced.
fn is_placed(summary: &StudentSummary) -> bool {
    summary.placements.iter().any(|placement| {
        matches!(
            placement.state,
            PlacementState::Confirmed | PlacementState::Active | PlacementState::Completed
        )
    })
}

/// Every placement of the students (only those of `cohort`, when given), counted by state.
///
/// States come in their declaration order (proposed, confirmed, active, completed, ended early,
/// withdrawn); states no placement is in are left out.
pub fn placements_by_state<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    cohort: Option<i32>,
) -> Vec<(PlacementState, usize)> {
    let states: Vec<PlacementState> = summaries
        .into_iter()
        .filter(|summary| in_cohort(summary, cohort))
        .flat_map(|summary| summary.placements.iter().map(|placement| placement.state))
        .collect();
    PLACEMENT_STATES
        .into_iter()
        .map(|state| (state, states.iter().filter(|seen| **seen == state).count()))
        .filter(|(_, count)| *count > 0)
        .collect()
}

/// How many students (of `cohort`, when given) have no confirmed, active or completed placement:
/// the ones still waiting for a match.
pub fn unplaced<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    cohort: Option<i32>,
) -> usize {
    summaries
        .into_iter()
        .filter(|summary| in_cohort(summary, cohort) && !is_placed(summary))
        .count()
}

/// Mentoring sessions held across all students, by month, oldest month first.
pub fn sessions_per_month<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
) -> Vec<MonthCount> {
    let mut by_month: BTreeMap<&str, u32> = BTreeMap::new();
    for summary in summaries {
        for held in &summary.sessions_held {
            let total = by_month.entry(held.month.as_str()).or_default();
            *total = total.saturating_add(held.count);
        }
    }
    by_month
        .into_iter()
        .map(|(month, count)| MonthCount {
            month: month.to_owned(),
            count,
        })
        .collect()
}

/// How many students checked in at one workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopAttendance {
    /// The workshop's record id in the program space.
    pub workshop_id: RecordId,
    /// Its title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// How many students checked in.
    pub attended: usize,
}

/// Attendance at every workshop in `workshops`, those nobody attended included (with 0), ordered
/// by start time and then id. Check-ins at workshops not in the list are ignored.
pub fn workshop_attendance<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    workshops: &[(RecordId, Workshop)],
) -> Vec<WorkshopAttendance> {
    let mut attended: HashMap<&RecordId, usize> = HashMap::new();
    for summary in summaries {
        // A student counts once per workshop, however their check-ins are listed.
        let mut workshop_ids: Vec<&RecordId> = summary.workshops_attended.iter().collect();
        workshop_ids.sort_unstable();
        workshop_ids.dedup();
        for workshop_id in workshop_ids {
            *attended.entry(workshop_id).or_default() += 1;
        }
    }
    let mut rows: Vec<WorkshopAttendance> = workshops
        .iter()
        .map(|(workshop_id, workshop)| WorkshopAttendance {
            workshop_id: workshop_id.clone(),
            title: workshop.title.clone(),
            starts_at: workshop.starts_at,
            attended: attended.get(workshop_id).copied().unwrap_or(0),
        })
        .collect();
    rows.sort_by(|a, b| (a.starts_at, &a.workshop_id).cmp(&(b.starts_at, &b.workshop_id)));
    rows
}

/// The students who checked in at one workshop, as (student id, display name), ordered by name
/// and then id.
pub fn attendees(
    summaries: &[(RecordId, StudentSummary)],
    workshop_id: &RecordId,
) -> Vec<(RecordId, String)> {
    let mut students: Vec<(RecordId, String)> = summaries
        .iter()
        .filter(|(_, summary)| summary.workshops_attended.contains(workshop_id))
        .map(|(student_id, summary)| (student_id.clone(), summary.display_name.clone()))
        .collect();
    students.sort_by(|(a_id, a_name), (b_id, b_name)| (a_name, a_id).cmp(&(b_name, b_id)));
    students
}

/// Where students ended up after the program, and their job search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOutcomes {
    /// Students with a recorded outcome.
    pub graduates: usize,
    /// Graduates who found work.
    pub employed: usize,
    /// Graduates who stayed in Taiwan.
    pub in_taiwan: usize,
    /// Every student's job applications summed by stage, in the stages' declaration order
    /// (applied, interview, offer, accepted, rejected, withdrawn); empty stages are left out.
    pub applications_by_stage: Vec<StageCount>,
}

/// Outcomes and job applications of the students (only those of `cohort`, when given).
pub fn job_outcomes<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    cohort: Option<i32>,
) -> JobOutcomes {
    let mut outcomes = JobOutcomes {
        graduates: 0,
        employed: 0,
        in_taiwan: 0,
        applications_by_stage: Vec::new(),
    };
    let mut by_stage = [0u32; APPLICATION_STAGES.len()];
    for summary in summaries
        .into_iter()
        .filter(|summary| in_cohort(summary, cohort))
    {
        if let Some(outcome) = &summary.outcome {
            outcomes.graduates += 1;
            outcomes.employed += usize::from(outcome.employed);
            outcomes.in_taiwan += usize::from(outcome.in_taiwan);
        }
        for applications in &summary.applications {
            for (stage, total) in APPLICATION_STAGES.iter().zip(by_stage.iter_mut()) {
                if *stage == applications.stage {
                    *total = total.saturating_add(applications.count);
                }
            }
        }
    }
    outcomes.applications_by_stage = APPLICATION_STAGES
        .into_iter()
        .zip(by_stage)
        .filter(|(_, count)| *count > 0)
        .map(|(stage, count)| StageCount { stage, count })
        .collect();
    outcomes
}

/// How many graduates stayed in Taiwan on one visa route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteCount {
    /// The route's id (see [`crate::visa`]), or [`UNKNOWN_ROUTE`] when the outcome names none.
    pub route: String,
    /// How many graduates stayed on it.
    pub stayed: usize,
}

/// Graduates who stayed in Taiwan, by the visa route of their outcome: most-used route first,
/// ties by route id.
pub fn stayed_by_route<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
) -> Vec<RouteCount> {
    let mut by_route: BTreeMap<&str, usize> = BTreeMap::new();
    for outcome in summaries
        .into_iter()
        .filter_map(|summary| summary.outcome.as_ref())
        .filter(|outcome| outcome.in_taiwan)
    {
        let route = outcome.visa_route.as_deref().unwrap_or(UNKNOWN_ROUTE);
        *by_route.entry(route).or_default() += 1;
    }
    let mut routes: Vec<RouteCount> = by_route
        .into_iter()
        .map(|(route, stayed)| RouteCount {
            route: route.to_owned(),
            stayed,
        })
        .collect();
    routes.sort_by(|a, b| b.stayed.cmp(&a.stayed).then_with(|| a.route.cmp(&b.route)));
    routes
}

/// The stages of the program's funnel, in order: every student is enrolled; then they rank
/// positions, are matched (a placement confirmed), start (it became active), are evaluated at the
/// end (the mentor's final evaluation or the student's self-assessment after), find work, and find
/// work in Taiwan.
pub const FUNNEL_STAGES: [FunnelStage; 7] = [
    FunnelStage::Enrolled,
    FunnelStage::Ranked,
    FunnelStage::Matched,
    FunnelStage::Started,
    FunnelStage::Evaluated,
    FunnelStage::Employed,
    FunnelStage::WorkingInTaiwan,
];

/// A stage of the funnel ([`FUNNEL_STAGES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelStage {
    /// In a cohort.
    Enrolled,
    /// Ranked at least one position.
    Ranked,
    /// A placement confirmed (or later: active, completed, ended early).
    Matched,
    /// A placement became active.
    Started,
    /// A placement's closing evaluation was answered (the mentor's final evaluation or the
    /// student's self-assessment after it).
    Evaluated,
    /// Their outcome: employed.
    Employed,
    /// Their outcome: employed, in Taiwan.
    WorkingInTaiwan,
}

/// The furthest stage a student's records show. A later stage implies the earlier ones (a student
/// working in Taiwan after the program was matched even if no ranking of theirs was kept), so the
/// funnel never widens.
pub fn funnel_stage(summary: &StudentSummary) -> FunnelStage {
    let placed = |states: &[PlacementState]| {
        summary
            .placements
            .iter()
            .any(|placement| states.contains(&placement.state))
    };
    let started = summary.placements.iter().any(|placement| {
        placement.started_at.is_some()
            || matches!(
                placement.state,
                PlacementState::Active | PlacementState::Completed
            )
    });
    let evaluated = summary
        .evaluations
        .iter()
        .any(|evaluation| evaluation.kind.closes_placement());
    match &summary.outcome {
        Some(outcome) if outcome.employed && outcome.in_taiwan => FunnelStage::WorkingInTaiwan,
        Some(outcome) if outcome.employed => FunnelStage::Employed,
        _ if evaluated => FunnelStage::Evaluated,
        _ if started => FunnelStage::Started,
        _ if placed(&[
            PlacementState::Confirmed,
            PlacementState::Active,
            PlacementState::Completed,
            PlacementState::EndedEarly,
        ]) =>
        {
            FunnelStage::Matched
        }
        _ if !summary.rankings.is_empty() => FunnelStage::Ranked,
        _ => FunnelStage::Enrolled,
    }
}

/// One row of the funnel: a group of students and how many reached each of [`FUNNEL_STAGES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelRow {
    /// The group: a cohort year, or a visa route's id ([`UNKNOWN_ROUTE`] for none).
    pub group: String,
    /// Students who reached each stage, in the order of [`FUNNEL_STAGES`].
    pub reached: [usize; FUNNEL_STAGES.len()],
}

fn funnel_rows<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    group_of: impl Fn(&StudentSummary) -> String,
) -> Vec<FunnelRow> {
    let mut groups: BTreeMap<String, [usize; FUNNEL_STAGES.len()]> = BTreeMap::new();
    for summary in summaries {
        let furthest = funnel_stage(summary);
        let reached = groups.entry(group_of(summary)).or_default();
        for (stage, count) in FUNNEL_STAGES.iter().zip(reached.iter_mut()) {
            if *stage <= furthest {
                *count += 1;
            }
        }
    }
    groups
        .into_iter()
        .map(|(group, reached)| FunnelRow { group, reached })
        .collect()
}

/// The funnel by cohort, the newest cohort first.
pub fn funnel_by_cohort<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
) -> Vec<FunnelRow> {
    let mut rows = funnel_rows(summaries, |summary| summary.cohort_year.to_string());
    rows.sort_by_key(|row| std::cmp::Reverse(row.group.parse::<i32>().unwrap_or(i32::MIN)));
    rows
}

/// The funnel by visa route: the route of the student's outcome, else the first route of their
/// visa checklist, else [`UNKNOWN_ROUTE`]. The largest group first, ties by route id.
pub fn funnel_by_route<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
) -> Vec<FunnelRow> {
    let mut rows = funnel_rows(summaries, |summary| {
        summary
            .outcome
            .as_ref()
            .and_then(|outcome| outcome.visa_route.clone())
            .or_else(|| summary.visa_routes.first().cloned())
            .unwrap_or_else(|| UNKNOWN_ROUTE.to_owned())
    });
    rows.sort_by(|a, b| {
        b.reached[0]
            .cmp(&a.reached[0])
            .then_with(|| a.group.cmp(&b.group))
    });
    rows
}

/// One student placed with a partner organization, as its report lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerStudent {
    /// The student's user id.
    pub student_id: RecordId,
    /// Their name.
    pub display_name: String,
    /// Their cohort.
    pub cohort_year: i32,
    /// The position they were placed in.
    pub position_id: RecordId,
    /// The placement's state.
    pub state: PlacementState,
    /// How far they got ([`funnel_stage`]).
    pub stage: FunnelStage,
}

/// A one-page report on a partner organization: its positions and mentors, the students placed
/// with it (a placement in any state but proposed or withdrawn, at one of its positions), the
/// sessions those students held, and where they ended up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerReport {
    /// Its positions, and how many of them are open.
    pub positions: usize,
    /// Open positions.
    pub open_positions: usize,
    /// Places over all its open positions.
    pub open_slots: u32,
    /// Its mentors.
    pub mentors: usize,
    /// The students placed with it: the newest cohort first, then by name.
    pub students: Vec<PartnerStudent>,
    /// Mentoring sessions those students held.
    pub sessions_held: u32,
    /// Of those students: employed afterwards, and working in Taiwan.
    pub employed: usize,
    /// Of those students: working in Taiwan afterwards.
    pub working_in_taiwan: usize,
}

/// The report on organization `org` from the program's positions and mentors and the students'
/// summaries (`(student id, summary)`).
pub fn partner_report(
    org: &RecordId,
    positions: &[(RecordId, crate::domain::Position)],
    mentors: &[(RecordId, crate::domain::MentorProfile)],
    summaries: &[(RecordId, StudentSummary)],
) -> PartnerReport {
    let own: Vec<&(RecordId, crate::domain::Position)> = positions
        .iter()
        .filter(|(_, position)| &position.organization_id == org)
        .collect();
    let open: Vec<&crate::domain::Position> = own
        .iter()
        .map(|(_, position)| position)
        .filter(|position| position.open)
        .collect();
    let mut students = Vec::new();
    let mut sessions_held = 0u32;
    for (student_id, summary) in summaries {
        let placed = summary.placements.iter().rev().find(|placement| {
            !matches!(
                placement.state,
                PlacementState::Proposed | PlacementState::Withdrawn
            ) && own.iter().any(|(id, _)| *id == placement.position_id)
        });
        let Some(placement) = placed else {
            continue;
        };
        sessions_held = summary
            .sessions_held
            .iter()
            .fold(sessions_held, |sum, month| sum.saturating_add(month.count));
        students.push(PartnerStudent {
            student_id: student_id.clone(),
            display_name: summary.display_name.clone(),
            cohort_year: summary.cohort_year,
            position_id: placement.position_id.clone(),
            state: placement.state,
            stage: funnel_stage(summary),
        });
    }
    students.sort_by(|a, b| {
        b.cohort_year
            .cmp(&a.cohort_year)
            .then_with(|| a.display_name.cmp(&b.display_name))
            .then_with(|| a.student_id.cmp(&b.student_id))
    });
    PartnerReport {
        positions: own.len(),
        open_positions: open.len(),
        open_slots: open
            .iter()
            .fold(0u32, |sum, position| sum.saturating_add(position.slots)),
        mentors: mentors
            .iter()
            .filter(|(_, mentor)| &mentor.organization_id == org)
            .count(),
        employed: students
            .iter()
            .filter(|student| student.stage >= FunnelStage::Employed)
            .count(),
        working_in_taiwan: students
            .iter()
            .filter(|student| student.stage == FunnelStage::WorkingInTaiwan)
            .count(),
        students,
        sessions_held,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_program, GROWTH};
    use crate::ids::SpaceId;
    use crate::mutation::Mutation;

    fn created(mutations: &[Mutation]) -> Vec<Entity> {
        mutations
            .iter()
            .filter_map(|mutation| match mutation {
                Mutation::Create { record, .. } => Some(record.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_demo_program_shows_the_published_growth() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let demo = demo_program(today);
        let space = |id: SpaceId| {
            created(
                &demo
                    .spaces
                    .iter()
                    .find(|(space, _)| *space == id)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default(),
            )
        };
        let points = growth(&space(SpaceId::Program), &space(SpaceId::Staff));
        let expected: Vec<GrowthPoint> = GROWTH
            .iter()
            .map(|(year, organizations, mentors, students)| GrowthPoint {
                year: *year,
                organizations: *organizations,
                mentors: *mentors,
                students: *students,
            })
            .collect();
        assert_eq!(points, expected);
        assert_eq!(
            (
                points[0].organizations,
                points[0].mentors,
                points[0].students
            ),
            (40, 51, 58)
        );
        assert_eq!(
            (
                points[2].organizations,
                points[2].mentors,
                points[2].students
            ),
            (91, 113, 180)
        );
    }

    #[test]
    fn no_cohorts_no_points() {
        assert!(growth(&[], &[]).is_empty());
    }
}
