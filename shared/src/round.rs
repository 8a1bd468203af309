//! A matching round from what staff hold: the students' summaries (staff space) and the program's
//! positions, organizations and mentors (program space), turned into the matcher's input.

use crate::domain::{MentorProfile, Organization, PlacementState, Position, StudentSummary};
use crate::ids::{RecordId, UserId};
use crate::matching::{MatchInput, MatchMentor, MatchPosition, MatchStudent, RankedChoice};

/// Whether a student already has a placement that counts (confirmed, active or completed), and so
/// takes no part in a round.
pub fn is_placed(summary: &StudentSummary) -> bool {
    summary.placements.iter().any(|placement| {
        matches!(
            placement.state,
            PlacementState::Confirmed | PlacementState::Active | PlacementState::Completed
        )
    })
}

/// How many students a mentor has now (confirmed or active placements).
pub fn mentor_load<'a>(
    summaries: impl IntoIterator<Item = &'a StudentSummary>,
    mentor: &UserId,
) -> u32 {
    let count = summaries
        .into_iter()
        .flat_map(|summary| &summary.placements)
        .filter(|placement| {
            placement.state.grants_mentor_access() && &placement.mentor_id == mentor
        })
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The input of cohort `year`'s round: its unplaced students with their ranked choices, its
/// positions (with their organization's industry), and the mentors who take part that year with
/// the capacity they have left.
pub fn round_input(
    year: i32,
    summaries: &[(RecordId, StudentSummary)],
    positions: &[(RecordId, Position)],
    organizations: &[(RecordId, Organization)],
    mentors: &[(RecordId, MentorProfile)],
) -> MatchInput {
    let students = summaries
        .iter()
        .filter(|(_, summary)| summary.cohort_year == year && !is_placed(summary))
        .map(|(id, summary)| MatchStudent {
            id: UserId(id.to_string()),
            languages: summary.languages.clone(),
            interests: summary.interests.clone(),
            choices: summary
                .rankings
                .iter()
                .enumerate()
                .map(|(index, choice)| RankedChoice {
                    position_id: choice.position_id.clone(),
                    rank: u8::try_from(index + 1).unwrap_or(u8::MAX),
                })
                .collect(),
        })
        .collect();
    let industry = |organization: &RecordId| {
        organizations
            .iter()
            .find(|(id, _)| id == organization)
            .map(|(_, org)| org.industry.clone())
            .unwrap_or_default()
    };
    let positions = positions
        .iter()
        .filter(|(_, position)| position.cohort_year == year)
        .map(|(id, position)| MatchPosition {
            id: id.clone(),
            organization_id: position.organization_id.clone(),
            industry: industry(&position.organization_id),
            slots: position.slots,
            languages: position.languages.clone(),
            open: position.open,
        })
        .collect();
    let mentors = mentors
        .iter()
        .filter(|(_, mentor)| mentor.cohort_years.is_empty() || mentor.cohort_years.contains(&year))
        .map(|(_, mentor)| {
            let load = mentor_load(summaries.iter().map(|(_, s)| s), &mentor.user_id);
            MatchMentor {
                user_id: mentor.user_id.clone(),
                organization_id: mentor.organization_id.clone(),
                languages: mentor.languages.clone(),
                expertise: mentor.expertise.clone(),
                capacity: mentor.capacity.saturating_sub(load),
                current_load: Some(load),
            }
        })
        .collect();
    MatchInput {
        students,
        positions,
        mentors,
    }
}
