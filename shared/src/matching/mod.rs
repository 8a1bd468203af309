//! Placement matching after the ranking deadline: a pure, deterministic proposal of who goes where
//! and with which mentor, for staff to review.
//!
//! # What is optimised
//!
//! The matcher works in two stages, and the order of the stages is the order of priority: no
//! amount of mentor fit ever changes which student goes to which position.
//!
//! 1. **Positions.** Among all assignments that respect the constraints below, it picks one that,
//!    lexicographically,
//!    1. places the most students;
//!    2. then has the largest total [`preference_weight`], where a student placed at a position
//!       they ranked `rank` contributes `RANK_STEP · (MAX_RANK + 1 − rank)`, plus
//!       [`POSITION_LANGUAGE_BONUS`] if they speak one of the position's languages, plus
//!       [`INDUSTRY_BONUS`] if the organization's industry is among their interests (both bonuses
//!       together stay below one [`RANK_STEP`], so for any one student a better rank always beats
//!       a better fit);
//!    3. then has the smallest sum of squared ranks, so that between equally weighted assignments
//!       the fairer one wins (two students on their 2nd choices rather than one on their 1st and
//!       one on their 3rd).
//! 2. **Mentors**, per organization, with the positions fixed. Among all mentor assignments that
//!    respect capacity, it picks one that, lexicographically,
//!    1. gives a mentor to the most proposals (so a proposal goes without a mentor only when every
//!       mentor of its organization is at capacity);
//!    2. then has the largest total [`mentor_fit`]: [`MENTOR_ANY_LANGUAGE`] when mentor and student
//!       share a language, [`MENTOR_EACH_LANGUAGE`] per shared language, and [`MENTOR_EXPERTISE`] when
//!       the mentor's expertise covers the organization's industry;
//!    3. then spreads the work: the `k`-th new student (from 0) given to a mentor with current load
//!       `L` costs `L + k`, and the total of those costs is minimised, so equally fitting mentors
//!       share students and the less loaded mentor goes first.
//!
//! Any tie left after that is settled by the fixed order of the algorithm over inputs sorted by
//! id (students and mentors by user id, positions and organizations by record id, each student's
//! choices by position id), never by hash order or input order: the result depends only on the
//! *set* of inputs. Text is compared trimmed and case-insensitively ("english" matches "English").
//!
//! # Constraints, never broken
//!
//! A student gets at most one position, and only one they ranked; a position gets at most `slots`
//! students; a closed position gets nobody; a mentor comes from the position's organization and
//! never exceeds their remaining `capacity`.
//!
//! # How
//!
//! Both stages are exact min-cost max-flow problems, solved by successive shortest paths in the
//! primal-dual form: Dijkstra over reduced costs (Johnson potentials) finds the current cheapest
//! path length, then depth-first search augments along every path of that length before the next
//! Dijkstra. Costs are lexicographic pairs, so each stage's criteria are optimised exactly, without
//! scaling tricks. Stage 1 runs on source → students → positions (capacity `slots`) → sink, which is
//! sparse (a student has about ten ranked edges); at most one augmentation per student, so it is
//! `O(S · E log V)` for `S` students in the worst case and far less in practice (1,000 students,
//! 400 positions: tens of milliseconds, see `examples/matching_bench.rs`). Stage 2 runs one small
//! network per organization: proposals → mentors → sink, with one unit edge per free place of a
//! mentor so that the load cost can grow with each student.
//!
//! # Where
//!
//! This module holds the data and the two stages; `flow` the min-cost-flow solver they share;
//! `explain` the words: [`Explanation`] and [`UnmatchedReason`] rendered in English and in
//! Traditional Chinese, one renderer per language.

mod explain;
mod flow;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{RecordId, UserId};

pub use explain::{ordinal, proposal_note_en, proposal_note_zh};
use flow::{Cost, FlowNetwork};

/// The worst rank a choice may have; a cohort's `max_rankings` is at most this.
///
/// The weight of a rank is counted from here rather than from the cohort's own limit, which changes
/// nothing: every placed student gets the same offset, and the number placed comes first anyway.
pub const MAX_RANK: u8 = 10;
/// Weight of one step of rank (1st choice = `RANK_STEP · MAX_RANK`, last = `RANK_STEP`).
pub const RANK_STEP: u32 = 10;
/// Added when the student speaks one of the position's languages.
pub const POSITION_LANGUAGE_BONUS: u32 = 2;
/// Added when the organization's industry is among the student's interests.
pub const INDUSTRY_BONUS: u32 = 1;
// The module docs promise that a better rank always beats both bonuses; the build checks it.
const _: () = assert!(POSITION_LANGUAGE_BONUS + INDUSTRY_BONUS < RANK_STEP);

/// Mentor fit when mentor and student share at least one language: being able to talk matters most.
pub const MENTOR_ANY_LANGUAGE: u32 = 4;
/// Mentor fit per language mentor and student share.
pub const MENTOR_EACH_LANGUAGE: u32 = 1;
/// Mentor fit when the mentor's expertise covers the organization's industry.
pub const MENTOR_EXPERTISE: u32 = 3;

/// One of a student's ranked choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedChoice {
    /// The position chosen.
    pub position_id: RecordId,
    /// 1 is best, at most [`MAX_RANK`]. If a student ranks a position twice, the better rank counts.
    pub rank: u8,
}

/// A student taking part in matching, built by the caller from the profile and rankings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchStudent {
    /// The student's user id (also their profile's record id).
    pub id: UserId,
    /// Languages the student speaks.
    pub languages: Vec<String>,
    /// Interests and industries the student would like to work in.
    pub interests: Vec<String>,
    /// The student's ranked choices, in any order.
    pub choices: Vec<RankedChoice>,
}

/// A position taking part in matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchPosition {
    /// The position's record id.
    pub id: RecordId,
    /// The organization offering it.
    pub organization_id: RecordId,
    /// The organization's industry.
    pub industry: String,
    /// How many students it takes.
    pub slots: u32,
    /// Languages used in the position.
    pub languages: Vec<String>,
    /// Closed positions get nobody.
    pub open: bool,
}

/// A mentor taking part in matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchMentor {
    /// The mentor's user id.
    pub user_id: UserId,
    /// The organization the mentor belongs to; they only mentor students placed there.
    pub organization_id: RecordId,
    /// Languages the mentor speaks.
    pub languages: Vec<String>,
    /// The mentor's fields of expertise.
    pub expertise: Vec<String>,
    /// How many more students the mentor can take in this round (the remaining capacity).
    pub capacity: u32,
    /// How many students the mentor already has, if known (none counts as 0). Only breaks ties, in
    /// favour of the less loaded mentor; it does not reduce `capacity`.
    pub current_load: Option<u32>,
}

/// Everything the matcher looks at. Order within the lists does not matter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchInput {
    /// The students to place.
    pub students: Vec<MatchStudent>,
    /// The positions, open or closed.
    pub positions: Vec<MatchPosition>,
    /// The mentors of all organizations.
    pub mentors: Vec<MatchMentor>,
}

/// What became of a proposal's mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MentorNote {
    /// A mentor was assigned.
    Assigned {
        /// Languages mentor and student share, in the mentor's spelling, sorted.
        shared_languages: Vec<String>,
        /// Whether the mentor's expertise covers the organization's industry.
        expert_in_industry: bool,
    },
    /// The organization has no mentor in this round.
    NoneAtOrganization,
    /// The organization's mentors are all at capacity.
    AllAtCapacity,
}

/// A position the student ranked above the one proposed, and what became of it: the question
/// students ask is "why not my first choice?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BetterChoice {
    /// The student's rank for it.
    pub rank: u8,
    /// The position.
    pub position_id: RecordId,
    /// Its places in this round: 0 when it is closed, has no places, or is gone.
    pub places: u32,
    /// The students proposed for it instead (placing the most students comes first, so some may
    /// have ranked it lower).
    pub given_to: Vec<UserId>,
}

/// Why a proposal looks the way it does, as data; [`Explanation::text_en`] and
/// [`Explanation::text_zh`] render it in English and Traditional Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The student's rank for the position (1 = first choice).
    pub rank: u8,
    /// This student's place among those proposed for the position (1-based, by student id).
    pub slot: u32,
    /// The position's slots.
    pub slots: u32,
    /// The organization's industry.
    pub industry: String,
    /// Whether the industry is among the student's interests.
    pub interested_in_industry: bool,
    /// The position's languages the student speaks, in the position's spelling, sorted.
    pub position_languages_spoken: Vec<String>,
    /// The mentor side.
    pub mentor: MentorNote,
    /// The positions the student ranked higher, best first, and who got them.
    #[serde(default)]
    pub better_choices: Vec<BetterChoice>,
}

/// One proposed placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The student.
    pub student_id: UserId,
    /// The position, one the student ranked.
    pub position_id: RecordId,
    /// The mentor, from the position's organization, if one had room.
    pub mentor_id: Option<UserId>,
    /// The student's rank for the position.
    pub rank: u8,
    /// The student's [`preference_weight`] for the position.
    pub score: u32,
    /// The [`mentor_fit`] of the mentor, 0 without one.
    pub mentor_fit: u32,
    /// Why, as data and as text.
    pub explanation: Explanation,
}

/// Why a student got no proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnmatchedReason {
    /// The student ranked nothing.
    NoChoices,
    /// None of the positions the student ranked is open with slots (closed, without slots, or gone).
    NoOpenChoice {
        /// How many distinct positions they ranked.
        ranked: usize,
    },
    /// Every open position they ranked is full with other students, whom the objective (most
    /// students placed, then preference weight) put there instead.
    ChoicesFull {
        /// How many distinct open positions they ranked.
        open_choices: usize,
    },
}

/// A student left without a proposal, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The student.
    pub student_id: UserId,
    /// Why.
    pub reason: UnmatchedReason,
}

/// The matcher's answer: proposals and unmatched students, each sorted by student id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchOutcome {
    /// One per placed student.
    pub proposals: Vec<Proposal>,
    /// One per student left out.
    pub unmatched: Vec<Unmatched>,
}

/// The quantities the matcher optimises, in priority order (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Objective {
    /// Students placed (maximised first).
    pub matched: usize,
    /// Total preference weight (maximised second).
    pub preference_weight: u64,
    /// Sum of squared ranks (minimised third).
    pub rank_squares: u64,
    /// Proposals with a mentor (maximised fourth).
    pub with_mentor: usize,
    /// Total mentor fit (maximised fifth).
    pub mentor_fit: u64,
}

impl MatchOutcome {
    /// The outcome's value under the objective.
    pub fn objective(&self) -> Objective {
        let mut objective = Objective {
            matched: self.proposals.len(),
            ..Objective::default()
        };
        for proposal in &self.proposals {
            objective.preference_weight += u64::from(proposal.score);
            objective.rank_squares += u64::from(proposal.rank) * u64::from(proposal.rank);
            objective.with_mentor += usize::from(proposal.mentor_id.is_some());
            objective.mentor_fit += u64::from(proposal.mentor_fit);
        }
        objective
    }
}

/// Input the matcher refuses; it proposes nothing rather than guess.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    /// Two students share an id.
    #[error("student {0} appears twice")]
    DuplicateStudent(UserId),
    /// Two positions share an id.
    #[error("position {0} appears twice")]
    DuplicatePosition(RecordId),
    /// Two mentors share a user id.
    #[error("mentor {0} appears twice")]
    DuplicateMentor(UserId),
    /// A choice's rank is outside 1..=[`MAX_RANK`].
    #[error(
        "student {student_id} ranks position {position_id} {rank}; ranks run from 1 to {MAX_RANK}"
    )]
    InvalidRank {
        /// The student.
        student_id: UserId,
        /// The position.
        position_id: RecordId,
        /// The rank given.
        rank: u8,
    },
}

/// The weight of placing `student` at `position`, which they ranked `rank` (see the module docs).
/// A rank outside 1..=[`MAX_RANK`] counts as the nearest valid one ([`propose_matches`] refuses
/// such ranks outright).
pub fn preference_weight(student: &MatchStudent, position: &MatchPosition, rank: u8) -> u32 {
    let steps = u32::from(MAX_RANK + 1 - rank.clamp(1, MAX_RANK));
    let mut weight = RANK_STEP * steps;
    if !common(&student.languages, &position.languages).is_empty() {
        weight += POSITION_LANGUAGE_BONUS;
    }
    if covers(&student.interests, &position.industry) {
        weight += INDUSTRY_BONUS;
    }
    weight
}

/// How well `mentor` suits `student` at `position` (see the module docs).
pub fn mentor_fit(student: &MatchStudent, position: &MatchPosition, mentor: &MatchMentor) -> u32 {
    let n_shared = common(&student.languages, &mentor.languages).len();
    let mut fit = 0;
    if n_shared > 0 {
        fit += MENTOR_ANY_LANGUAGE + MENTOR_EACH_LANGUAGE * saturating_u32(n_shared);
    }
    if covers(&mentor.expertise, &position.industry) {
        fit += MENTOR_EXPERTISE;
    }
    fit
}

/// Proposes placements and mentors for `input` (see the module docs for what is optimised).
pub fn propose_matches(input: &MatchInput) -> Result<MatchOutcome, MatchError> {
    let cohort = Cohort::new(input)?;
    let placements = place_students(&cohort);
    let mentors = assign_mentors(&cohort, &placements);
    Ok(assemble(&cohort, &placements, &mentors))
}

/// The input sorted by id and checked, with each student's choices reduced to one best rank per
/// position. Everything downstream iterates in this order, which is what makes ties deterministic.
struct Cohort<'a> {
    students: Vec<StudentEntry<'a>>,
    /// Positions that can take someone: open with at least one slot.
    available: BTreeMap<&'a RecordId, &'a MatchPosition>,
    /// Mentors per organization, each list sorted by user id.
    mentors_by_organization: BTreeMap<&'a RecordId, Vec<&'a MatchMentor>>,
}

struct StudentEntry<'a> {
    student: &'a MatchStudent,
    /// Best rank per distinct ranked position.
    best_ranks: BTreeMap<&'a RecordId, u8>,
}

impl<'a> Cohort<'a> {
    fn new(input: &'a MatchInput) -> Result<Self, MatchError> {
        let mut students: Vec<&MatchStudent> = input.students.iter().collect();
        students.sort_by(|left, right| left.id.cmp(&right.id));
        if let Some(pair) = students.windows(2).find(|pair| pair[0].id == pair[1].id) {
            return Err(MatchError::DuplicateStudent(pair[0].id.clone()));
        }
        let mut entries = Vec::with_capacity(students.len());
        for student in students {
            let mut best_ranks: BTreeMap<&RecordId, u8> = BTreeMap::new();
            for choice in &student.choices {
                if choice.rank == 0 || choice.rank > MAX_RANK {
                    return Err(MatchError::InvalidRank {
                        student_id: student.id.clone(),
                        position_id: choice.position_id.clone(),
                        rank: choice.rank,
                    });
                }
                let best = best_ranks.entry(&choice.position_id).or_insert(choice.rank);
                *best = (*best).min(choice.rank);
            }
            entries.push(StudentEntry {
                student,
                best_ranks,
            });
        }

        let mut positions = BTreeMap::new();
        for position in &input.positions {
            if positions.insert(&position.id, position).is_some() {
                return Err(MatchError::DuplicatePosition(position.id.clone()));
            }
        }
        let available = positions
            .into_iter()
            .filter(|(_, position)| position.open && position.slots > 0)
            .collect();

        let mut mentors: Vec<&MatchMentor> = input.mentors.iter().collect();
        mentors.sort_by(|left, right| left.user_id.cmp(&right.user_id));
        if let Some(pair) = mentors
            .windows(2)
            .find(|pair| pair[0].user_id == pair[1].user_id)
        {
            return Err(MatchError::DuplicateMentor(pair[0].user_id.clone()));
        }
        let mut mentors_by_organization: BTreeMap<&RecordId, Vec<&MatchMentor>> = BTreeMap::new();
        for mentor in mentors {
            mentors_by_organization
                .entry(&mentor.organization_id)
                .or_default()
                .push(mentor);
        }

        Ok(Self {
            students: entries,
            available,
            mentors_by_organization,
        })
    }
}

/// Stage 1's result: for each student (by index into `Cohort::students`), their position and rank.
struct Placement<'a> {
    student_index: usize,
    position: &'a MatchPosition,
    rank: u8,
}

/// Stage 1: students to positions.
fn place_students<'a>(cohort: &Cohort<'a>) -> Vec<Placement<'a>> {
    let n_students = cohort.students.len();
    let positions: Vec<&MatchPosition> = cohort.available.values().copied().collect();
    let position_node: BTreeMap<&RecordId, usize> = positions
        .iter()
        .enumerate()
        .map(|(index, position)| (&position.id, 2 + n_students + index))
        .collect();
    let (source, sink) = (0, 1);
    let mut network = FlowNetwork::new(2 + n_students + positions.len());

    // Weights become non-negative costs by subtracting them from the largest possible weight.
    // Every unit of flow crosses exactly one student → position edge, so the shift adds the same
    // amount per placed student and leaves the optimum where it was.
    let top_weight = i64::from(RANK_STEP * u32::from(MAX_RANK))
        + i64::from(POSITION_LANGUAGE_BONUS + INDUSTRY_BONUS);
    let student_cap = saturating_i64(n_students);
    let mut choice_edges = Vec::new();
    for (student_index, entry) in cohort.students.iter().enumerate() {
        let student_node = 2 + student_index;
        network.add_edge(source, student_node, 1, Cost::ZERO);
        for (position_id, &rank) in &entry.best_ranks {
            let (Some(&node), Some(&position)) = (
                position_node.get(position_id),
                cohort.available.get(position_id),
            ) else {
                continue;
            };
            let weight = i64::from(preference_weight(entry.student, position, rank));
            let cost = Cost {
                primary: top_weight - weight,
                secondary: i64::from(rank) * i64::from(rank),
            };
            let edge = network.add_edge(student_node, node, 1, cost);
            choice_edges.push((edge, student_index, position, rank));
        }
    }
    for (index, position) in positions.iter().enumerate() {
        let capacity = i64::from(position.slots).min(student_cap);
        network.add_edge(2 + n_students + index, sink, capacity, Cost::ZERO);
    }

    network.run(source, sink);
    choice_edges
        .into_iter()
        .filter(|(edge, ..)| network.flow(*edge) > 0)
        .map(|(_, student_index, position, rank)| Placement {
            student_index,
            position,
            rank,
        })
        .collect()
}

/// Stage 2's result for one placement (same index as in the placements).
struct MentorChoice<'a> {
    mentor: Option<&'a MatchMentor>,
    /// Whether the organization has any mentor at all (for the explanation).
    organization_has_mentors: bool,
}

/// Stage 2: mentors to placements, one organization at a time (organizations share nothing).
fn assign_mentors<'a>(cohort: &Cohort<'a>, placements: &[Placement<'a>]) -> Vec<MentorChoice<'a>> {
    let mut choices: Vec<MentorChoice<'a>> = placements
        .iter()
        .map(|_| MentorChoice {
            mentor: None,
            organization_has_mentors: false,
        })
        .collect();
    let mut by_organization: BTreeMap<&RecordId, Vec<usize>> = BTreeMap::new();
    for (index, placement) in placements.iter().enumerate() {
        by_organization
            .entry(&placement.position.organization_id)
            .or_default()
            .push(index);
    }

    for (organization_id, placement_indexes) in by_organization {
        let Some(mentors) = cohort.mentors_by_organization.get(organization_id) else {
            continue;
        };
        for &index in &placement_indexes {
            if let Some(choice) = choices.get_mut(index) {
                choice.organization_has_mentors = true;
            }
        }
        let n_placements = placement_indexes.len();
        let (source, sink) = (0, 1);
        let mentor_node = |mentor_index: usize| 2 + n_placements + mentor_index;
        let mut network = FlowNetwork::new(2 + n_placements + mentors.len());

        let mut candidate_edges = Vec::new();
        for (local, &index) in placement_indexes.iter().enumerate() {
            let Some(placement) = placements.get(index) else {
                continue;
            };
            let Some(entry) = cohort.students.get(placement.student_index) else {
                continue;
            };
            network.add_edge(source, 2 + local, 1, Cost::ZERO);
            for (mentor_index, mentor) in mentors.iter().enumerate() {
                if mentor.capacity == 0 {
                    continue;
                }
                let fit = mentor_fit(entry.student, placement.position, mentor);
                candidate_edges.push((local, index, mentor_index, i64::from(fit)));
            }
        }
        // As in stage 1, fits become non-negative costs by subtracting them from the largest one.
        let top_fit = candidate_edges
            .iter()
            .map(|&(.., fit)| fit)
            .max()
            .unwrap_or(0);
        let mut mentor_edges = Vec::with_capacity(candidate_edges.len());
        for (local, index, mentor_index, fit) in candidate_edges {
            let cost = Cost {
                primary: top_fit - fit,
                secondary: 0,
            };
            let edge = network.add_edge(2 + local, mentor_node(mentor_index), 1, cost);
            mentor_edges.push((edge, index, mentor_index));
        }
        // One unit edge per free place, each dearer than the last, so the total load cost is
        // convex in the number of students a mentor gets and the flow spreads them.
        for (mentor_index, mentor) in mentors.iter().enumerate() {
            let load = i64::from(mentor.current_load.unwrap_or(0));
            let places = usize::try_from(mentor.capacity)
                .unwrap_or(usize::MAX)
                .min(n_placements);
            for extra in 0..places {
                let cost = Cost {
                    primary: 0,
                    secondary: load + saturating_i64(extra),
                };
                network.add_edge(mentor_node(mentor_index), sink, 1, cost);
            }
        }

        network.run(source, sink);
        for (edge, index, mentor_index) in mentor_edges {
            if network.flow(edge) > 0 {
                if let (Some(choice), Some(&mentor)) =
                    (choices.get_mut(index), mentors.get(mentor_index))
                {
                    choice.mentor = Some(mentor);
                }
            }
        }
    }
    choices
}

/// Builds the sorted proposals, explanations and unmatched students.
fn assemble(
    cohort: &Cohort<'_>,
    placements: &[Placement<'_>],
    mentors: &[MentorChoice<'_>],
) -> MatchOutcome {
    // Placements come out grouped by student in id order, so counting per position as we go gives
    // each student their slot number in student-id order.
    let mut slots_taken: BTreeMap<&RecordId, u32> = BTreeMap::new();
    // Who is proposed for each position, for "why not my better choice".
    let mut given: BTreeMap<&RecordId, Vec<UserId>> = BTreeMap::new();
    for placement in placements {
        if let Some(entry) = cohort.students.get(placement.student_index) {
            given
                .entry(&placement.position.id)
                .or_default()
                .push(entry.student.id.clone());
        }
    }
    let mut placed = vec![false; cohort.students.len()];
    let mut proposals = Vec::with_capacity(placements.len());
    for (placement, mentor_choice) in placements.iter().zip(mentors) {
        let Some(entry) = cohort.students.get(placement.student_index) else {
            continue;
        };
        if let Some(flag) = placed.get_mut(placement.student_index) {
            *flag = true;
        }
        let student = entry.student;
        let position = placement.position;
        let mut better: Vec<BetterChoice> = entry
            .best_ranks
            .iter()
            .filter(|(_, rank)| **rank < placement.rank)
            .map(|(position_id, rank)| BetterChoice {
                rank: *rank,
                position_id: (*position_id).clone(),
                places: cohort.available.get(position_id).map_or(0, |p| p.slots),
                given_to: given.get(position_id).cloned().unwrap_or_default(),
            })
            .collect();
        better.sort_by_key(|choice| choice.rank);
        let slot = slots_taken.entry(&position.id).or_insert(0);
        *slot += 1;
        let (mentor_id, fit, note) = match mentor_choice.mentor {
            Some(mentor) => (
                Some(mentor.user_id.clone()),
                mentor_fit(student, position, mentor),
                mentor_note(
                    &student.languages,
                    &mentor.languages,
                    &mentor.expertise,
                    &position.industry,
                ),
            ),
            None if mentor_choice.organization_has_mentors => (None, 0, MentorNote::AllAtCapacity),
            None => (None, 0, MentorNote::NoneAtOrganization),
        };
        proposals.push(Proposal {
            student_id: student.id.clone(),
            position_id: position.id.clone(),
            mentor_id,
            rank: placement.rank,
            score: preference_weight(student, position, placement.rank),
            mentor_fit: fit,
            explanation: Explanation {
                rank: placement.rank,
                slot: *slot,
                slots: position.slots,
                industry: position.industry.trim().to_owned(),
                interested_in_industry: covers(&student.interests, &position.industry),
                position_languages_spoken: common(&student.languages, &position.languages),
                mentor: note,
                better_choices: better,
            },
        });
    }

    let unmatched = cohort
        .students
        .iter()
        .zip(&placed)
        .filter(|(_, placed)| !**placed)
        .map(|(entry, _)| {
            let open_choices = entry
                .best_ranks
                .keys()
                .filter(|position_id| cohort.available.contains_key(*position_id))
                .count();
            let reason = match (entry.best_ranks.len(), open_choices) {
                (0, _) => UnmatchedReason::NoChoices,
                (ranked, 0) => UnmatchedReason::NoOpenChoice { ranked },
                (_, open_choices) => UnmatchedReason::ChoicesFull { open_choices },
            };
            Unmatched {
                student_id: entry.student.id.clone(),
                reason,
            }
        })
        .collect();

    MatchOutcome {
        proposals,
        unmatched,
    }
}

/// The mentor side of an explanation when a mentor with `mentor_languages` and
/// `mentor_expertise` looks after a student who speaks `student_languages` at a position in
/// `industry` (also when staff choose the mentor themselves).
pub fn mentor_note(
    student_languages: &[String],
    mentor_languages: &[String],
    mentor_expertise: &[String],
    industry: &str,
) -> MentorNote {
    MentorNote::Assigned {
        shared_languages: common(student_languages, mentor_languages),
        expert_in_industry: covers(mentor_expertise, industry),
    }
}

/// Text as compared: trimmed and lower-cased.
fn normalise(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Whether `list` names `item` (ignoring case and surrounding space); empty text matches nothing.
fn covers(list: &[String], item: &str) -> bool {
    let wanted = normalise(item);
    !wanted.is_empty() && list.iter().any(|entry| normalise(entry) == wanted)
}

/// The entries of `theirs` that `ours` also names, in `theirs`' spelling, sorted and without
/// repeats (of two spellings of one entry, the smaller one is kept, so the result is order-free).
fn common(ours: &[String], theirs: &[String]) -> Vec<String> {
    let mut shared: BTreeMap<String, &str> = BTreeMap::new();
    for entry in theirs {
        let key = normalise(entry);
        if key.is_empty() || !covers(ours, entry) {
            continue;
        }
        let spelling = entry.trim();
        shared
            .entry(key)
            .and_modify(|kept| *kept = (*kept).min(spelling))
            .or_insert(spelling);
    }
    shared.into_values().map(str::to_owned).collect()
}

fn saturating_u32(number: usize) -> u32 {
    u32::try_from(number).unwrap_or(u32::MAX)
}

fn saturating_i64(number: usize) -> i64 {
    i64::try_from(number).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student(
        id: &str,
        languages: &[&str],
        interests: &[&str],
        choices: &[(&str, u8)],
    ) -> MatchStudent {
        MatchStudent {
            id: UserId::from(id),
            languages: strings(languages),
            interests: strings(interests),
            choices: choices
                .iter()
                .map(|&(position_id, rank)| RankedChoice {
                    position_id: RecordId::from(position_id),
                    rank,
                })
                .collect(),
        }
    }

    fn position(
        id: &str,
        organization: &str,
        industry: &str,
        slots: u32,
        languages: &[&str],
    ) -> MatchPosition {
        MatchPosition {
            id: RecordId::from(id),
            organization_id: RecordId::from(organization),
            industry: industry.to_owned(),
            slots,
            languages: strings(languages),
            open: true,
        }
    }

    fn mentor(
        id: &str,
        organization: &str,
        languages: &[&str],
        expertise: &[&str],
        capacity: u32,
    ) -> MatchMentor {
        MatchMentor {
            user_id: UserId::from(id),
            organization_id: RecordId::from(organization),
            languages: strings(languages),
            expertise: strings(expertise),
            capacity,
            current_load: None,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    fn run(input: &MatchInput) -> MatchOutcome {
        match propose_matches(input) {
            Ok(outcome) => outcome,
            Err(error) => panic!("matching refused valid input: {error}"),
        }
    }

    /// (student, position, mentor) for each proposal, for compact assertions.
    fn pairs(outcome: &MatchOutcome) -> Vec<(&str, &str, Option<&str>)> {
        outcome
            .proposals
            .iter()
            .map(|proposal| {
                (
                    proposal.student_id.as_str(),
                    proposal.position_id.as_str(),
                    proposal.mentor_id.as_ref().map(UserId::as_str),
                )
            })
            .collect()
    }

    #[test]
    fn weights_count_rank_then_small_bonuses() {
        let plain = position("p", "o", "Fintech", 1, &["Mandarin"]);
        let table = [
            (student("s", &[], &[], &[]), 1, 100),
            (student("s", &[], &[], &[]), 10, 10),
            (student("s", &["mandarin "], &[], &[]), 2, 92),
            (student("s", &[], &["FINTECH"], &[]), 2, 91),
            (student("s", &["Mandarin"], &["Fintech"], &[]), 3, 83),
        ];
        for (who, rank, weight) in table {
            assert_eq!(
                preference_weight(&who, &plain, rank),
                weight,
                "{who:?} {rank}"
            );
        }
    }

    #[test]
    fn fit_prefers_a_shared_language_over_expertise() {
        let at = position("p", "o", "Fintech", 1, &[]);
        let who = student("s", &["Vietnamese", "English"], &[], &[]);
        let table = [
            (mentor("m", "o", &[], &[], 1), 0),
            (mentor("m", "o", &[], &["fintech"], 1), 3),
            (mentor("m", "o", &["vietnamese"], &[], 1), 5),
            (
                mentor("m", "o", &["Vietnamese", "English"], &["Fintech"], 1),
                9,
            ),
        ];
        for (candidate, fit) in table {
            assert_eq!(mentor_fit(&who, &at, &candidate), fit, "{candidate:?}");
        }
    }

    #[test]
    fn empty_input_proposes_nothing() {
        let outcome = run(&MatchInput::default());
        assert_eq!(outcome, MatchOutcome::default());
        assert_eq!(outcome.objective(), Objective::default());
    }

    #[test]
    fn students_without_positions_are_unmatched_with_reasons() {
        let input = MatchInput {
            students: vec![
                student("b", &[], &[], &[("gone", 1), ("shut", 2)]),
                student("a", &[], &[], &[]),
                student("c", &[], &[], &[("zero", 1)]),
            ],
            positions: vec![
                MatchPosition {
                    open: false,
                    ..position("shut", "o", "X", 2, &[])
                },
                position("zero", "o", "X", 0, &[]),
            ],
            mentors: Vec::new(),
        };
        let outcome = run(&input);
        assert!(outcome.proposals.is_empty());
        let reasons: Vec<(&str, UnmatchedReason)> = outcome
            .unmatched
            .iter()
            .map(|entry| (entry.student_id.as_str(), entry.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("a", UnmatchedReason::NoChoices),
                ("b", UnmatchedReason::NoOpenChoice { ranked: 2 }),
                ("c", UnmatchedReason::NoOpenChoice { ranked: 1 }),
            ]
        );
    }

    #[test]
    fn a_student_whose_choices_are_all_full_is_unmatched() {
        // Both positions are the only choice of someone else, so giving "c" either would place
        // fewer students.
        let input = MatchInput {
            students: vec![
                student("a", &[], &[], &[("p", 1)]),
                student("b", &[], &[], &[("q", 1)]),
                student("c", &[], &[], &[("p", 1), ("q", 2)]),
            ],
            positions: vec![
                position("p", "o", "X", 1, &[]),
                position("q", "o", "X", 1, &[]),
            ],
            mentors: Vec::new(),
        };
        let outcome = run(&input);
        assert_eq!(pairs(&outcome), [("a", "p", None), ("b", "q", None)]);
        assert_eq!(
            outcome.unmatched,
            [Unmatched {
                student_id: UserId::from("c"),
                reason: UnmatchedReason::ChoicesFull { open_choices: 2 },
            }]
        );
    }

    #[test]
    fn placing_more_students_beats_a_better_rank() {
        // "a" would rather have p, but only p suits "b" as well.
        let input = MatchInput {
            students: vec![
                student("a", &[], &[], &[("p", 1), ("q", 5)]),
                student("b", &[], &[], &[("p", 3)]),
            ],
            positions: vec![
                position("p", "o", "X", 1, &[]),
                position("q", "o", "X", 1, &[]),
            ],
            mentors: Vec::new(),
        };
        assert_eq!(pairs(&run(&input)), [("a", "q", None), ("b", "p", None)]);
    }

    #[test]
    fn equal_weights_go_to_the_fairer_assignment() {
        // a→p, b→q gives ranks 1 and 3; a→q, b→p gives 2 and 2: same weight, fewer rank squares.
        let input = MatchInput {
            students: vec![
                student("a", &[], &[], &[("p", 1), ("q", 2)]),
                student("b", &[], &[], &[("p", 2), ("q", 3)]),
            ],
            positions: vec![
                position("p", "o", "X", 1, &[]),
                position("q", "o", "X", 1, &[]),
            ],
            mentors: Vec::new(),
        };
        let outcome = run(&input);
        assert_eq!(pairs(&outcome), [("a", "q", None), ("b", "p", None)]);
        assert_eq!(outcome.objective().rank_squares, 8);
    }

    #[test]
    fn language_bonus_decides_between_equal_ranks() {
        let input = MatchInput {
            students: vec![student("a", &["Thai"], &[], &[("p", 1), ("q", 1)])],
            positions: vec![
                position("p", "o", "X", 1, &[]),
                position("q", "o", "X", 1, &["thai"]),
            ],
            mentors: Vec::new(),
        };
        let outcome = run(&input);
        assert_eq!(pairs(&outcome), [("a", "q", None)]);
        assert_eq!(outcome.proposals[0].score, 102);
    }

    #[test]
    fn repeated_choices_count_with_their_best_rank() {
        let input = MatchInput {
            students: vec![student("a", &[], &[], &[("p", 4), ("p", 2), ("p", 7)])],
            positions: vec![position("p", "o", "X", 1, &[])],
            mentors: Vec::new(),
        };
        let outcome = run(&input);
        assert_eq!(outcome.proposals[0].rank, 2);
        assert_eq!(outcome.proposals[0].score, 90);
    }

    #[test]
    fn mentors_are_chosen_by_language_and_spread_by_load() {
        let input = MatchInput {
            students: vec![
                student("a", &["Vietnamese"], &[], &[("p", 2)]),
                student("b", &["English"], &[], &[("p", 1)]),
                student("c", &["English"], &[], &[("p", 1)]),
            ],
            positions: vec![position("p", "o", "Fintech", 3, &[])],
            mentors: vec![
                mentor("m-en-1", "o", &["English"], &[], 2),
                mentor("m-en-2", "o", &["English"], &[], 2),
                mentor("m-vi", "o", &["Vietnamese"], &[], 1),
                mentor(
                    "m-elsewhere",
                    "other",
                    &["English", "Vietnamese"],
                    &["Fintech"],
                    5,
                ),
            ],
        };
        let outcome = run(&input);
        // "b" and "c" fit both English mentors equally; the load cost gives them one each (which
        // one is a tie, settled deterministically but not promised).
        let assigned = pairs(&outcome);
        assert_eq!(assigned[0], ("a", "p", Some("m-vi")));
        let mut english: Vec<Option<&str>> = assigned[1..].iter().map(|pair| pair.2).collect();
        english.sort();
        assert_eq!(english, [Some("m-en-1"), Some("m-en-2")]);
        assert_eq!(
            outcome.proposals[0].explanation.text(),
            "2nd choice; mentor speaks Vietnamese; the position has 3 places"
        );
        assert_eq!(
            outcome.proposals[2].explanation.text(),
            "1st choice; mentor speaks English; the position has 3 places"
        );
    }

    #[test]
    fn a_student_is_told_who_got_the_choices_they_ranked_higher() {
        // "b" can only go to p, so placing both students gives p to "b", who ranked it 2nd, and
        // "a" their 2nd choice; q is closed.
        let input = MatchInput {
            students: vec![
                student("a", &[], &[], &[("q", 1), ("p", 2), ("r", 3)]),
                student("b", &[], &[], &[("p", 2)]),
            ],
            positions: vec![
                position("p", "o", "X", 1, &[]),
                MatchPosition {
                    open: false,
                    ..position("q", "o", "X", 1, &[])
                },
                position("r", "o", "X", 1, &[]),
            ],
            mentors: Vec::new(),
        };
        let outcome = run(&input);
        assert_eq!(pairs(&outcome), [("a", "r", None), ("b", "p", None)]);
        let why = &outcome.proposals[0].explanation;
        assert_eq!(
            why.better_choices,
            [
                BetterChoice {
                    rank: 1,
                    position_id: RecordId::from("q"),
                    places: 0,
                    given_to: Vec::new(),
                },
                BetterChoice {
                    rank: 2,
                    position_id: RecordId::from("p"),
                    places: 1,
                    given_to: vec![UserId::from("b")],
                },
            ]
        );
        assert!(why.text().ends_with(
            "1st choice is closed or has no places; 2nd choice's 1 place went to 1 other student \
             (placing the most students comes first)"
        ));
        // A first choice has nothing above it.
        assert!(outcome.proposals[1].explanation.better_choices.is_empty());
    }

    #[test]
    fn the_less_loaded_of_two_equal_mentors_goes_first() {
        let input = MatchInput {
            students: vec![student("a", &[], &[], &[("p", 1)])],
            positions: vec![position("p", "o", "X", 1, &[])],
            mentors: vec![
                MatchMentor {
                    current_load: Some(3),
                    ..mentor("m-1", "o", &[], &[], 4)
                },
                MatchMentor {
                    current_load: Some(1),
                    ..mentor("m-2", "o", &[], &[], 4)
                },
            ],
        };
        assert_eq!(pairs(&run(&input)), [("a", "p", Some("m-2"))]);
    }

    #[test]
    fn fit_outranks_load() {
        let input = MatchInput {
            students: vec![student("a", &[], &[], &[("p", 1)])],
            positions: vec![position("p", "o", "Fintech", 1, &[])],
            mentors: vec![
                MatchMentor {
                    current_load: Some(9),
                    ..mentor("m-expert", "o", &[], &["Fintech"], 1)
                },
                mentor("m-idle", "o", &[], &[], 4),
            ],
        };
        assert_eq!(pairs(&run(&input)), [("a", "p", Some("m-expert"))]);
    }

    #[test]
    fn missing_mentors_are_explained() {
        let input = MatchInput {
            students: vec![
                student("a", &[], &[], &[("p", 1)]),
                student("b", &[], &[], &[("p", 1)]),
                student("c", &[], &[], &[("q", 1)]),
            ],
            positions: vec![
                position("p", "o", "X", 2, &[]),
                position("q", "lonely", "X", 1, &[]),
            ],
            mentors: vec![
                mentor("m", "o", &[], &[], 1),
                mentor("m-full", "o", &[], &[], 0),
            ],
        };
        let outcome = run(&input);
        assert_eq!(
            pairs(&outcome),
            [("a", "p", Some("m")), ("b", "p", None), ("c", "q", None)]
        );
        let notes: Vec<&MentorNote> = outcome
            .proposals
            .iter()
            .map(|proposal| &proposal.explanation.mentor)
            .collect();
        assert_eq!(notes[1], &MentorNote::AllAtCapacity);
        assert_eq!(notes[2], &MentorNote::NoneAtOrganization);
    }

    #[test]
    fn bad_input_is_refused() {
        let one = || student("a", &[], &[], &[("p", 1)]);
        let table = [
            (
                MatchInput {
                    students: vec![one(), one()],
                    ..MatchInput::default()
                },
                MatchError::DuplicateStudent(UserId::from("a")),
            ),
            (
                MatchInput {
                    positions: vec![
                        position("p", "o", "X", 1, &[]),
                        position("p", "o", "Y", 2, &[]),
                    ],
                    ..MatchInput::default()
                },
                MatchError::DuplicatePosition(RecordId::from("p")),
            ),
            (
                MatchInput {
                    mentors: vec![mentor("m", "o", &[], &[], 1), mentor("m", "q", &[], &[], 1)],
                    ..MatchInput::default()
                },
                MatchError::DuplicateMentor(UserId::from("m")),
            ),
            (
                MatchInput {
                    students: vec![student("a", &[], &[], &[("p", 0)])],
                    ..MatchInput::default()
                },
                MatchError::InvalidRank {
                    student_id: UserId::from("a"),
                    position_id: RecordId::from("p"),
                    rank: 0,
                },
            ),
            (
                MatchInput {
                    students: vec![student("a", &[], &[], &[("p", 11)])],
                    ..MatchInput::default()
                },
                MatchError::InvalidRank {
                    student_id: UserId::from("a"),
                    position_id: RecordId::from("p"),
                    rank: 11,
                },
            ),
        ];
        for (input, error) in table {
            assert_eq!(propose_matches(&input), Err(error));
        }
    }

    #[test]
    fn outcomes_survive_a_json_round_trip() {
        let input = MatchInput {
            students: vec![student("a", &["English"], &["X"], &[("p", 1)])],
            positions: vec![position("p", "o", "X", 1, &[])],
            mentors: vec![mentor("m", "o", &["English"], &[], 1)],
        };
        let outcome = run(&input);
        let json = serde_json::to_string(&outcome).unwrap_or_default();
        let back: Result<MatchOutcome, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(outcome));
    }
}
