//! The staff exports: students, placements, sessions and outcomes as CSV files (see
//! [`crate::csv`]), built from the student summaries staff already hold.
//!
//! Every export lists students by cohort, then name, then id, so two exports of the same data are
//! byte for byte the same and a spreadsheet opens them in a sensible order.

use std::collections::HashMap;

use crate::csv::to_csv;
use crate::domain::{MentorProfile, Organization, PlacementState, Position, StudentSummary};
use crate::ids::{RecordId, UserId};
use crate::summary::PlacementSummary;

/// The header of [`students_csv`].
pub const STUDENTS_HEADER: [&str; 13] = [
    "student_id",
    "name",
    "cohort",
    "nationality",
    "university",
    "department",
    "degree",
    "graduation_date",
    "languages",
    "mandarin_level",
    "placement_state",
    "workshops_attended",
    "sessions_held",
];

/// The header of [`placements_csv`].
pub const PLACEMENTS_HEADER: [&str; 7] = [
    "student_id",
    "name",
    "cohort",
    "organization",
    "position",
    "mentor",
    "state",
];

/// The header of [`sessions_csv`].
pub const SESSIONS_HEADER: [&str; 5] = ["student_id", "name", "cohort", "month", "sessions_held"];

/// The header of [`outcomes_csv`].
pub const OUTCOMES_HEADER: [&str; 6] = [
    "student_id",
    "name",
    "cohort",
    "employed",
    "in_taiwan",
    "visa_route",
];

/// The header of [`evaluations_csv`]: one row per answer.
pub const EVALUATIONS_HEADER: [&str; 12] = [
    "student_id",
    "name",
    "cohort",
    "placement_id",
    "evaluation",
    "template_version",
    "answered_by",
    "submitted_at",
    "question_id",
    "question",
    "answer_kind",
    "answer",
];

/// The wire name of a placement state (`ended_early`), as serde writes it.
pub fn placement_state_name(state: PlacementState) -> &'static str {
    match state {
        PlacementState::Proposed => "proposed",
        PlacementState::Confirmed => "confirmed",
        PlacementState::Active => "active",
        PlacementState::Completed => "completed",
        PlacementState::EndedEarly => "ended_early",
        PlacementState::Withdrawn => "withdrawn",
    }
}

/// How much a placement in this state says about where the student stands now: a running
/// placement beats a finished one, which beats one that ended early, then a proposal.
fn standing(state: PlacementState) -> u8 {
    match state {
        PlacementState::Withdrawn => 0,
        PlacementState::Proposed => 1,
        PlacementState::EndedEarly => 2,
        PlacementState::Completed => 3,
        PlacementState::Confirmed => 4,
        PlacementState::Active => 5,
    }
}

/// The placement that describes the student best (see [`standing`]); of equals, the last listed.
fn current_placement(summary: &StudentSummary) -> Option<&PlacementSummary> {
    summary
        .placements
        .iter()
        .max_by_key(|placement| standing(placement.state))
}

/// The students ordered by cohort, then name, then id.
fn in_export_order(summaries: &[(RecordId, StudentSummary)]) -> Vec<&(RecordId, StudentSummary)> {
    let mut ordered: Vec<&(RecordId, StudentSummary)> = summaries.iter().collect();
    ordered.sort_by(|(a_id, a), (b_id, b)| {
        (a.cohort_year, &a.display_name, a_id).cmp(&(b.cohort_year, &b.display_name, b_id))
    });
    ordered
}

/// The first three columns every export starts with: student id, name, cohort.
fn student_columns(student_id: &RecordId, summary: &StudentSummary) -> Vec<String> {
    vec![
        student_id.to_string(),
        summary.display_name.clone(),
        summary.cohort_year.to_string(),
    ]
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_owned()
}

/// One row per student: profile, current placement state, workshops attended and sessions held.
///
/// Columns are [`STUDENTS_HEADER`]: the graduation date is `YYYY-MM-DD` (empty when unknown),
/// languages are joined with `"; "`, the placement state is the wire name of the placement that
/// says most about where the student stands now (a running one, else a finished one, else a
/// proposal; empty without placements), and `sessions_held` is the total over all months.
pub fn students_csv(summaries: &[(RecordId, StudentSummary)]) -> String {
    let rows: Vec<Vec<String>> = in_export_order(summaries)
        .into_iter()
        .map(|(student_id, summary)| {
            let mut row = student_columns(student_id, summary);
            let sessions_held: u64 = summary
                .sessions_held
                .iter()
                .map(|month| u64::from(month.count))
                .sum();
            row.extend([
                summary.nationality.clone(),
                summary.university.clone(),
                summary.department.clone(),
                summary.degree.clone(),
                summary
                    .graduation_date
                    .map(|date| date.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                summary.languages.join("; "),
                summary
                    .mandarin_level
                    .map(|level| level.to_string())
                    .unwrap_or_default(),
                current_placement(summary)
                    .map(|placement| placement_state_name(placement.state).to_owned())
                    .unwrap_or_default(),
                summary.workshops_attended.len().to_string(),
                sessions_held.to_string(),
            ]);
            row
        })
        .collect();
    to_csv(&STUDENTS_HEADER, &rows)
}

/// One row per placement, with the organization, position and mentor named.
///
/// Columns are [`PLACEMENTS_HEADER`]. The organization is its name, else its id when the
/// position names one that is not in `organizations`, else empty when the position is unknown;
/// the position is its title, else its id; the mentor is their display name, else their user id.
/// A student's placements follow each other in id order.
pub fn placements_csv(
    summaries: &[(RecordId, StudentSummary)],
    positions: &[(RecordId, Position)],
    organizations: &[(RecordId, Organization)],
    mentors: &[(RecordId, MentorProfile)],
) -> String {
    let positions: HashMap<&RecordId, &Position> = positions
        .iter()
        .map(|(id, position)| (id, position))
        .collect();
    let organizations: HashMap<&RecordId, &Organization> = organizations
        .iter()
        .map(|(id, organization)| (id, organization))
        .collect();
    let mentors: HashMap<&UserId, &MentorProfile> = mentors
        .iter()
        .map(|(_, mentor)| (&mentor.user_id, mentor))
        .collect();
    let mut rows = Vec::new();
    for (student_id, summary) in in_export_order(summaries) {
        let mut placements: Vec<&PlacementSummary> = summary.placements.iter().collect();
        placements.sort_by(|a, b| a.id.cmp(&b.id));
        for placement in placements {
            let position = positions.get(&placement.position_id);
            let organization = match position {
                Some(position) => organizations
                    .get(&position.organization_id)
                    .map_or_else(|| position.organization_id.to_string(), |o| o.name.clone()),
                None => String::new(),
            };
            let mut row = student_columns(student_id, summary);
            row.extend([
                organization,
                position.map_or_else(
                    || placement.position_id.to_string(),
                    |position| position.title.clone(),
                ),
                mentors.get(&placement.mentor_id).map_or_else(
                    || placement.mentor_id.to_string(),
                    |mentor| mentor.display_name.clone(),
                ),
                placement_state_name(placement.state).to_owned(),
            ]);
            rows.push(row);
        }
    }
    to_csv(&PLACEMENTS_HEADER, &rows)
}

/// One row per student and month with sessions held, months in order.
///
/// Columns are [`SESSIONS_HEADER`]; the month is `YYYY-MM`.
pub fn sessions_csv(summaries: &[(RecordId, StudentSummary)]) -> String {
    let mut rows = Vec::new();
    for (student_id, summary) in in_export_order(summaries) {
        let mut months: Vec<_> = summary.sessions_held.iter().collect();
        months.sort_by(|a, b| a.month.cmp(&b.month));
        for month in months {
            let mut row = student_columns(student_id, summary);
            row.extend([month.month.clone(), month.count.to_string()]);
            rows.push(row);
        }
    }
    to_csv(&SESSIONS_HEADER, &rows)
}

/// One row per student with a recorded outcome.
///
/// Columns are [`OUTCOMES_HEADER`]: `employed` and `in_taiwan` are `yes` or `no`; the visa route
/// is the route's id, empty when the outcome names none.
pub fn outcomes_csv(summaries: &[(RecordId, StudentSummary)]) -> String {
    let rows: Vec<Vec<String>> = in_export_order(summaries)
        .into_iter()
        .filter_map(|(student_id, summary)| {
            let outcome = summary.outcome.as_ref()?;
            let mut row = student_columns(student_id, summary);
            row.extend([
                yes_no(outcome.employed),
                yes_no(outcome.in_taiwan),
                outcome.visa_route.clone().unwrap_or_default(),
            ]);
            Some(row)
        })
        .collect();
    to_csv(&OUTCOMES_HEADER, &rows)
}

/// Every answer of every evaluation and outcome survey, one row each: the student, which
/// evaluation (its kind's wire name) of which placement and template version, who answered
/// (`mentor` / `student` / `staff`, from the kind and the author), when it reached the server, the
/// question (its id and English text from the template answered, looked up in `templates` and the
/// built-in ones) and the answer (`1`–`5`, `yes`/`no`, or the words; a route's id).
pub fn evaluations_csv(
    summaries: &[(RecordId, StudentSummary)],
    templates: &[(RecordId, crate::domain::EvaluationTemplate)],
) -> String {
    use crate::evaluation::{template_named, AnswerKind};
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (student_id, summary) in in_export_order(summaries) {
        for evaluation in &summary.evaluations {
            let template = template_named(templates, &evaluation.template_id);
            let answered_by = match evaluation.author.as_ref() {
                Some(author) if author.as_str() == student_id.as_str() => "student",
                Some(author)
                    if summary
                        .placements
                        .iter()
                        .any(|placement| &placement.mentor_id == author) =>
                {
                    "mentor"
                }
                Some(_) => "staff",
                None => "",
            };
            let submitted = evaluation
                .submitted_at
                .map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default();
            for answer in &evaluation.answers {
                let question = template.as_ref().and_then(|template| {
                    template.questions.iter().find(|q| q.id == answer.question)
                });
                let kind = question.map(|q| q.answer);
                let value = match (answer.scale, answer.yes) {
                    (Some(point), _) => point.to_string(),
                    (None, Some(yes)) => yes_no(yes),
                    (None, None) => answer.text.clone(),
                };
                let mut row = student_columns(student_id, summary);
                row.extend([
                    evaluation.placement_id.to_string(),
                    evaluation.kind.name().to_owned(),
                    evaluation.template_version.to_string(),
                    answered_by.to_owned(),
                    submitted.clone(),
                    answer.question.clone(),
                    question.map(|q| q.text.clone()).unwrap_or_default(),
                    match kind {
                        Some(AnswerKind::Scale) => "scale",
                        Some(AnswerKind::YesNo) => "yes_no",
                        Some(AnswerKind::Text) => "text",
                        Some(AnswerKind::VisaRoute) => "visa_route",
                        None => "",
                    }
                    .to_owned(),
                    value,
                ]);
                rows.push(row);
            }
        }
    }
    to_csv(&EVALUATIONS_HEADER, &rows)
}

#[cfg(test)]
mod tests {
    use crate::domain::PlacementState;
    use crate::exports::placement_state_name;

    #[test]
    fn placement_state_names_are_the_wire_names() {
        for state in [
            PlacementState::Proposed,
            PlacementState::Confirmed,
            PlacementState::Active,
            PlacementState::Completed,
            PlacementState::EndedEarly,
            PlacementState::Withdrawn,
        ] {
            assert_eq!(
                serde_json::to_value(state).ok(),
                Some(serde_json::Value::from(placement_state_name(state))),
                "{state:?}"
            );
        }
    }
}
