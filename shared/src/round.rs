//! A matching round from what staff hold: the students' summaries (staff space) and the program's
//! positions, organizations and mentors (program space), turned into the matcher's input.

use crate::domain::{
    MatchProposal, MentorProfile, Organization, PlacementState, Position, ProposalState,
    StudentSummary,
};
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

/// A mentor staff may choose for a proposal by hand, with the room they have left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorChoice {
    /// The mentor.
    pub user_id: UserId,
    /// Their name.
    pub display_name: String,
    /// Where they work.
    pub organization_id: RecordId,
    /// Whether that is the proposal's organization.
    pub at_organization: bool,
    /// Mentees they may still take: their capacity less their confirmed or active mentees and
    /// the round's other proposals that name them.
    pub free: u32,
    /// Their capacity.
    pub capacity: u32,
}

/// The mentors staff may choose for proposal `this` of cohort `year`, whose position belongs to
/// `organization`: every mentor taking part that year with room left, those of the organization
/// first, then the most room, then by name. Empty when no mentor has room: staff then raise a
/// capacity or add a mentor on the program screen.
pub fn mentor_choices(
    year: i32,
    organization: &RecordId,
    this: &RecordId,
    summaries: &[(RecordId, StudentSummary)],
    mentors: &[(RecordId, MentorProfile)],
    proposals: &[(RecordId, MatchProposal)],
) -> Vec<MentorChoice> {
    let placed_with = |student: &UserId, mentor: &UserId| {
        summaries
            .iter()
            .find(|(id, _)| id.as_str() == student.as_str())
            .is_some_and(|(_, summary)| {
                summary.placements.iter().any(|placement| {
                    placement.state.grants_mentor_access() && &placement.mentor_id == mentor
                })
            })
    };
    let mut choices: Vec<MentorChoice> = mentors
        .iter()
        .filter(|(_, mentor)| mentor.cohort_years.is_empty() || mentor.cohort_years.contains(&year))
        .filter_map(|(_, mentor)| {
            let current = mentor_load(summaries.iter().map(|(_, s)| s), &mentor.user_id);
            // Other proposals of the round that name the mentor: drafts, and confirmed ones whose
            // placement the student's summary does not show yet.
            let proposed = proposals
                .iter()
                .filter(|(id, proposal)| {
                    id != this
                        && proposal.cohort_year == year
                        && proposal.mentor_id.as_ref() == Some(&mentor.user_id)
                        && match proposal.state {
                            ProposalState::Draft => true,
                            ProposalState::Confirmed => {
                                !placed_with(&proposal.student_id, &mentor.user_id)
                            }
                            ProposalState::Rejected => false,
                        }
                })
                .count();
            let taken = current.saturating_add(u32::try_from(proposed).unwrap_or(u32::MAX));
            let free = mentor.capacity.saturating_sub(taken);
            (free > 0).then(|| MentorChoice {
                user_id: mentor.user_id.clone(),
                display_name: mentor.display_name.clone(),
                organization_id: mentor.organization_id.clone(),
                at_organization: &mentor.organization_id == organization,
                free,
                capacity: mentor.capacity,
            })
        })
        .collect();
    choices.sort_by(|a, b| {
        (
            !a.at_organization,
            std::cmp::Reverse(a.free),
            &a.display_name,
            &a.user_id,
        )
            .cmp(&(
                !b.at_organization,
                std::cmp::Reverse(b.free),
                &b.display_name,
                &b.user_id,
            ))
    });
    choices
}
