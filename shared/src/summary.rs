//! A student's summary for staff, derived by the server from the student's space and kept in the
//! staff space, so staff count, match and export the whole program without syncing every
//! student's space. The Worker rewrites it after every push that changes a student space; nobody
//! writes it through a mutation.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::apply::{typed, RecordView};
use crate::domain::{
    Activity, ApplicationStage, Entity, Evaluation, Feedback, FlagReview, MentoringSession,
    Placement, PlacementState, RecordKind, SessionState, StudentSummary, Task, VisaStep,
};
use crate::evaluation::survey_outcome;
use crate::health::{facts, PairFacts, PairRecords};
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
    /// Why it ended early (empty otherwise).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub end_reason: String,
    /// When it became active (`None` if it never did, or before the summary carried it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
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
pub const SUMMARIZED_KINDS: [RecordKind; 14] = [
    RecordKind::StudentProfile,
    RecordKind::Task,
    RecordKind::Feedback,
    RecordKind::Ranking,
    RecordKind::Placement,
    RecordKind::MentoringSession,
    RecordKind::Attendance,
    RecordKind::JobApplication,
    RecordKind::Outcome,
    RecordKind::VisaStep,
    RecordKind::Rsvp,
    RecordKind::FlagReview,
    RecordKind::Activity,
    RecordKind::Evaluation,
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
        workshops_going: Vec::new(),
        applications: Vec::new(),
        outcome: None,
        visa_routes: Vec::new(),
        health: Box::default(),
        evaluations: Box::default(),
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
                end_reason: placement.end_reason,
                started_at: placement.started_at,
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
    let mut going: Vec<RecordId> = view
        .list(RecordKind::Rsvp)
        .into_iter()
        .filter_map(|(id, entity)| matches!(entity, Entity::Rsvp(rsvp) if rsvp.going).then_some(id))
        .collect();
    going.sort();
    going.dedup();
    summary.workshops_going = going;
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
                Entity::Outcome(outcome) => Some(Box::new(outcome)),
                _ => None,
            });
    let mut evaluations: Vec<Evaluation> = typed::<Evaluation>(view)
        .into_iter()
        .map(|(_, evaluation)| evaluation)
        .collect();
    evaluations.sort_by(|a, b| (&a.placement_id, a.kind).cmp(&(&b.placement_id, b.kind)));
    // The latest outcome survey the student answered says where they are now.
    if let Some(outcome) = survey_outcome(&evaluations) {
        summary.outcome = Some(Box::new(outcome));
    }
    summary.evaluations = evaluations.into_boxed_slice();
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
    summary.health = Box::new(pair_facts(view, student));
    Some(summary)
}

/// The pair-health facts of a student's space (`crate::health::facts`).
pub fn pair_facts(view: &impl RecordView, student: &UserId) -> PairFacts {
    let placements = typed::<Placement>(view);
    let sessions = typed::<MentoringSession>(view);
    let feedback = typed::<Feedback>(view);
    let tasks = typed::<Task>(view);
    let visa_steps = typed::<VisaStep>(view);
    let reviews = typed::<FlagReview>(view);
    let activity = typed::<Activity>(view);
    facts(PairRecords {
        student: Some(student),
        placements: &placements,
        sessions: &sessions,
        feedback: &feedback,
        tasks: &tasks,
        visa_steps: &visa_steps,
        reviews: &reviews,
        activity: &activity,
    })
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

/// The workshops whose going-count a new summary changes: those in exactly one of the old
/// summary's `workshops_going` (none when there was no summary) and the new one's, by id.
pub fn going_changed(old: Option<&StudentSummary>, new: Option<&StudentSummary>) -> Vec<RecordId> {
    let set = |summary: Option<&StudentSummary>| -> BTreeSet<RecordId> {
        summary
            .map(|summary| summary.workshops_going.iter().cloned().collect())
            .unwrap_or_default()
    };
    let (old, new) = (set(old), set(new));
    old.symmetric_difference(&new).cloned().collect()
}

/// How many students say they are going to each workshop, counted over every student's summary
/// (the staff space holds them all). With `only`, just those workshops (a workshop nobody goes to
/// counts 0); without it, every workshop some student goes to.
pub fn count_going<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    only: Option<&[RecordId]>,
) -> BTreeMap<RecordId, u32> {
    let mut counts: BTreeMap<RecordId, u32> = only
        .unwrap_or_default()
        .iter()
        .map(|id| (id.clone(), 0))
        .collect();
    for summary in summaries {
        // A workshop listed twice in one summary still counts its student once.
        let going: BTreeSet<&RecordId> = summary.workshops_going.iter().collect();
        for workshop in going {
            if only.is_some() && !counts.contains_key(workshop) {
                continue;
            }
            let count = counts.entry(workshop.clone()).or_insert(0);
            *count = count.saturating_add(1);
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{Change, MemoryRecords, RecordKey};
    use crate::domain::{Rsvp, StudentProfile};
    use chrono::TimeZone;

    fn id(text: &str) -> RecordId {
        RecordId(text.to_owned())
    }

    fn put(records: &mut MemoryRecords, kind: RecordKind, key: &str, entity: Entity) {
        records.write(&[Change {
            key: RecordKey { kind, id: id(key) },
            record: Some(entity),
        }]);
    }

    fn profile(name: &str) -> Entity {
        let json = serde_json::json!({ "display_name": name, "cohort_year": 2026 });
        match serde_json::from_value::<StudentProfile>(json) {
            Ok(profile) => Entity::StudentProfile(profile),
            Err(error) => panic!("a minimal profile reads: {error}"),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn going(ids: &[&str]) -> StudentSummary {
        let mut records = MemoryRecords::default();
        put(
            &mut records,
            RecordKind::StudentProfile,
            "s-1",
            profile("Linh"),
        );
        for workshop in ids {
            put(
                &mut records,
                RecordKind::Rsvp,
                workshop,
                Entity::Rsvp(Rsvp { going: true }),
            );
        }
        match summarize(&records, &UserId::from("s-1"), now()) {
            Some(summary) => summary,
            None => panic!("a student with a profile has a summary"),
        }
    }

    #[test]
    fn the_summary_lists_the_workshops_going_to_and_not_the_others() {
        let mut records = MemoryRecords::default();
        put(
            &mut records,
            RecordKind::StudentProfile,
            "s-1",
            profile("Linh"),
        );
        put(
            &mut records,
            RecordKind::Rsvp,
            "w-2",
            Entity::Rsvp(Rsvp { going: true }),
        );
        put(
            &mut records,
            RecordKind::Rsvp,
            "w-1",
            Entity::Rsvp(Rsvp { going: true }),
        );
        put(
            &mut records,
            RecordKind::Rsvp,
            "w-3",
            Entity::Rsvp(Rsvp { going: false }),
        );
        let summary = summarize(&records, &UserId::from("s-1"), now());
        assert_eq!(
            summary.map(|s| s.workshops_going),
            Some(vec![id("w-1"), id("w-2")]),
            "sorted, and a 'not going' answer is left out"
        );
        assert!(touches_summary(&[RecordKind::Rsvp]));
        // Tasks and feedback count (pair health); goals do not.
        assert!(touches_summary(&[RecordKind::Task]));
        assert!(touches_summary(&[RecordKind::Feedback]));
        assert!(!touches_summary(&[
            RecordKind::Goal,
            RecordKind::Announcement
        ]));
    }

    #[test]
    fn an_rsvp_change_is_a_content_change() {
        assert!(!same_content(&going(&["w-1"]), &going(&[])));
        assert!(same_content(&going(&["w-1"]), &going(&["w-1"])));
    }

    #[test]
    fn only_workshops_whose_answer_changed_are_recounted() {
        let (a, b) = (going(&["w-1", "w-2"]), going(&["w-2", "w-3"]));
        assert_eq!(
            going_changed(Some(&a), Some(&b)),
            vec![id("w-1"), id("w-3")]
        );
        assert_eq!(going_changed(Some(&a), Some(&a)), Vec::<RecordId>::new());
        assert_eq!(going_changed(None, Some(&a)), vec![id("w-1"), id("w-2")]);
        assert_eq!(going_changed(Some(&b), None), vec![id("w-2"), id("w-3")]);
        assert_eq!(going_changed(None, None), Vec::<RecordId>::new());
    }

    #[test]
    fn counts_each_student_once_per_workshop() {
        let mut twice = going(&["w-1"]);
        twice.workshops_going.push(id("w-1"));
        let students = [going(&["w-1", "w-2"]), going(&["w-2"]), twice, going(&[])];
        let all = count_going(&students, None);
        assert_eq!(
            all.into_iter().collect::<Vec<_>>(),
            vec![(id("w-1"), 2), (id("w-2"), 2)]
        );
        let only = count_going(&students, Some(&[id("w-2"), id("w-9")]));
        assert_eq!(
            only.into_iter().collect::<Vec<_>>(),
            vec![(id("w-2"), 2), (id("w-9"), 0)],
            "a workshop nobody goes to counts 0; others are left out"
        );
        assert!(count_going(&[], None).is_empty());
    }
}
