//! A student's summary for staff, derived by the server from the student's space and kept in the
//! staff space, so staff count, match and export the whole program without syncing every
//! student's space. The Worker rewrites it after every push that changes a student space; nobody
//! writes it through a mutation.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::apply::RecordView;
use crate::domain::{
    ApplicationStage, Entity, PlacementState, RecordKind, SessionState, StudentSummary,
};
use crate::ids::{RecordId, UserId};

/// One placement as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementSummary {
    /// The placement's record id in the student space.
    pub id: RecordId,
    /// The position.
    pub position_id: RecordId,
    /// The mentor.
    pub mentor_id: UserId,
    /// Its state.
    pub state: PlacementState,
}

/// How many of something fell in one month (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// How many.
    pub count: u32,
}

/// How many job applications are at one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    /// The stage.
    pub stage: ApplicationStage,
    /// How many applications are there.
    pub count: u32,
}

/// The kinds of a student's records [`summarize`] reads: a push that changes none of them leaves
/// the summary as it was, so the server does not derive it again.
pub const SUMMARIZED_KINDS: [RecordKind; 8] = [
    RecordKind::StudentProfile,
    RecordKind::Ranking,
    RecordKind::Placement,
    RecordKind::MentoringSession,
    RecordKind::Attendance,
    RecordKind::JobApplication,
    RecordKind::Outcome,
    RecordKind::VisaStep,
];

/// Whether a change to these kinds can change a student's summary.
pub fn touches_summary(kinds: &[RecordKind]) -> bool {
    kinds.iter().any(|kind| SUMMARIZED_KINDS.contains(kind))
}

/// The summary of one student's space, or `None` while it has no profile.
pub fn summarize(
    view: &impl RecordView,
    student: &UserId,
    now: DateTime<Utc>,
) -> Option<StudentSummary> {
    let profile = match view.get(RecordKind::StudentProfile, &RecordId(student.to_string())) {
        Some(Entity::StudentProfile(profile)) => profile,
        _ => return None,
    };
    let mut summary = StudentSummary {
        display_name: profile.display_name.clone(),
        cohort_year: profile.cohort_year,
        nationality: profile.nationality.clone(),
        university: profile.university.clone(),
        department: profile.department.clone(),
        degree: profile.degree.clone(),
        graduation_date: profile.graduation_date,
        languages: profile.languages.clone(),
        mandarin_level: profile.mandarin_level,
        interests: profile.interests.clone(),
        rankings: Vec::new(),
        placements: Vec::new(),
        sessions_held: Vec::new(),
        sessions_scheduled: 0,
        workshops_attended: Vec::new(),
        applications: Vec::new(),
        outcome: None,
        visa_routes: Vec::new(),
        updated_at: Some(now),
    };
    for (_, entity) in view.list(RecordKind::Ranking) {
        if let Entity::Ranking(ranking) = entity {
            if ranking.cohort_year == profile.cohort_year || summary.rankings.is_empty() {
                summary.rankings = ranking.choices;
            }
        }
    }
    for (id, entity) in view.list(RecordKind::Placement) {
        if let Entity::Placement(placement) = entity {
            summary.placements.push(PlacementSummary {
                id,
                position_id: placement.position_id,
                mentor_id: placement.mentor_id,
                state: placement.state,
            });
        }
    }
    for (_, entity) in view.list(RecordKind::MentoringSession) {
        if let Entity::MentoringSession(session) = entity {
            match session.state {
                SessionState::Completed => {
                    let month = format!(
                        "{:04}-{:02}",
                        session.starts_at.year(),
                        session.starts_at.month()
                    );
                    match summary.sessions_held.iter_mut().find(|m| m.month == month) {
                        Some(entry) => entry.count += 1,
                        None => summary.sessions_held.push(MonthCount { month, count: 1 }),
                    }
                }
                SessionState::Scheduled => summary.sessions_scheduled += 1,
                SessionState::Cancelled => {}
            }
        }
    }
    summary.sessions_held.sort_by(|a, b| a.month.cmp(&b.month));
    summary.workshops_attended = view
        .list(RecordKind::Attendance)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    for (_, entity) in view.list(RecordKind::JobApplication) {
        if let Entity::JobApplication(application) = entity {
            match summary
                .applications
                .iter_mut()
                .find(|s| s.stage == application.stage)
            {
                Some(entry) => entry.count += 1,
                None => summary.applications.push(StageCount {
                    stage: application.stage,
                    count: 1,
                }),
            }
        }
    }
    summary.outcome =
        view.list(RecordKind::Outcome)
            .into_iter()
            .find_map(|(_, entity)| match entity {
                Entity::Outcome(outcome) => Some(outcome),
                _ => None,
            });
    let mut routes: Vec<String> = view
        .list(RecordKind::VisaStep)
        .into_iter()
        .filter_map(|(_, entity)| match entity {
            Entity::VisaStep(step) => Some(step.route),
            _ => None,
        })
        .collect();
    routes.sort();
    routes.dedup();
    summary.visa_routes = routes;
    Some(summary)
}

/// Whether two summaries differ in more than the time they were made (so an unchanged student
/// writes nothing).
pub fn same_content(a: &StudentSummary, b: &StudentSummary) -> bool {
    let strip = |summary: &StudentSummary| StudentSummary {
        updated_at: None,
        ..summary.clone()
    };
    strip(a) == strip(b)
}
