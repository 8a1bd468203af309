//! Property tests for `matching`: constraints hold, results are optimal against brute force, and
//! the same cohort in any order gives the same proposals.
#![cfg(not(target_arch = "wasm32"))]

use std::cmp::Reverse;
use std::collections::BTreeMap;

use proptest::prelude::*;

use imp_shared::ids::{RecordId, UserId};
use imp_shared::matching::{
    mentor_fit, ordinal, preference_weight, propose_matches, MatchInput, MatchMentor, MatchOutcome,
    MatchPosition, MatchStudent, MentorNote, RankedChoice, UnmatchedReason,
};

const LANGUAGES: [&str; 4] = ["English", "Vietnamese", "Mandarin", "Indonesian"];
/// The same industries as positions use, spelled differently, so matching must ignore case.
const INTERESTS: [&str; 3] = ["fintech", "Semiconductors", " Healthcare"];
const INDUSTRIES: [&str; 3] = ["Fintech", "Semiconductors", "Healthcare"];
const N_ORGANIZATIONS: usize = 3;

fn words(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(pool.to_vec(), 0..=pool.len())
        .prop_map(|chosen| chosen.into_iter().map(str::to_owned).collect())
}

/// A random cohort. Choices point at `pos-0 ..= pos-{max_positions}`, so some name positions that
/// do not exist; slots run 0–3 and some positions are closed, so conflicts are common.
fn cohort(
    max_students: usize,
    max_positions: usize,
    max_mentors: usize,
) -> impl Strategy<Value = MatchInput> {
    let positions = prop::collection::vec(
        (
            0..N_ORGANIZATIONS,
            0..INDUSTRIES.len(),
            0..=3u32,
            words(&LANGUAGES),
            prop::bool::weighted(0.85),
        ),
        0..=max_positions,
    );
    let students = prop::collection::vec(
        (
            words(&LANGUAGES),
            words(&INTERESTS),
            prop::collection::vec((0..=max_positions, 1..=10u8), 0..=5),
        ),
        0..=max_students,
    );
    let mentors = prop::collection::vec(
        (
            0..N_ORGANIZATIONS,
            words(&LANGUAGES),
            words(&INDUSTRIES),
            0..=3u32,
            prop::option::of(0..=4u32),
        ),
        0..=max_mentors,
    );
    (students, positions, mentors).prop_map(|(students, positions, mentors)| MatchInput {
        students: students
            .into_iter()
            .enumerate()
            .map(|(index, (languages, interests, choices))| MatchStudent {
                id: UserId(format!("s-{index}")),
                languages,
                interests,
                choices: choices
                    .into_iter()
                    .map(|(position, rank)| RankedChoice {
                        position_id: RecordId(format!("pos-{position}")),
                        rank,
                    })
                    .collect(),
            })
            .collect(),
        positions: positions
            .into_iter()
            .enumerate()
            .map(
                |(index, (organization, industry, slots, languages, open))| MatchPosition {
                    id: RecordId(format!("pos-{index}")),
                    organization_id: RecordId(format!("org-{organization}")),
                    industry: INDUSTRIES[industry].to_owned(),
                    slots,
                    languages,
                    open,
                },
            )
            .collect(),
        mentors: mentors
            .into_iter()
            .enumerate()
            .map(
                |(index, (organization, languages, expertise, capacity, current_load))| {
                    MatchMentor {
                        user_id: UserId(format!("m-{index}")),
                        organization_id: RecordId(format!("org-{organization}")),
                        languages,
                        expertise,
                        capacity,
                        current_load,
                    }
                },
            )
            .collect(),
    })
}

fn run(input: &MatchInput) -> MatchOutcome {
    match propose_matches(input) {
        Ok(outcome) => outcome,
        Err(error) => panic!("matching refused a generated cohort: {error}"),
    }
}

/// A student's best rank per distinct position they ranked.
fn best_ranks(student: &MatchStudent) -> BTreeMap<&RecordId, u8> {
    let mut best: BTreeMap<&RecordId, u8> = BTreeMap::new();
    for choice in &student.choices {
        let rank = best.entry(&choice.position_id).or_insert(choice.rank);
        *rank = (*rank).min(choice.rank);
    }
    best
}

fn positions_by_id(input: &MatchInput) -> BTreeMap<&RecordId, &MatchPosition> {
    input
        .positions
        .iter()
        .map(|position| (&position.id, position))
        .collect()
}

fn is_available(position: &MatchPosition) -> bool {
    position.open && position.slots > 0
}

/// The load cost the matcher minimises last: the `k`-th new student of a mentor with load `L`
/// costs `L + k`.
fn load_cost(mentors: &[&MatchMentor], counts: &[u32]) -> u64 {
    mentors
        .iter()
        .zip(counts)
        .map(|(mentor, &count)| {
            let load = u64::from(mentor.current_load.unwrap_or(0));
            (0..u64::from(count)).map(|extra| load + extra).sum::<u64>()
        })
        .sum()
}

/// Checks every hard constraint and the consistency of the explanations.
fn assert_constraints(input: &MatchInput, outcome: &MatchOutcome) {
    let positions = positions_by_id(input);
    let students: BTreeMap<&UserId, &MatchStudent> = input
        .students
        .iter()
        .map(|student| (&student.id, student))
        .collect();
    let mentors: BTreeMap<&UserId, &MatchMentor> = input
        .mentors
        .iter()
        .map(|mentor| (&mentor.user_id, mentor))
        .collect();

    // Every student is either proposed or unmatched, once, and both lists are sorted by id.
    let proposed: Vec<&UserId> = outcome.proposals.iter().map(|p| &p.student_id).collect();
    let unmatched: Vec<&UserId> = outcome.unmatched.iter().map(|u| &u.student_id).collect();
    assert!(proposed.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(unmatched.windows(2).all(|pair| pair[0] < pair[1]));
    let mut everyone: Vec<&UserId> = proposed.iter().chain(&unmatched).copied().collect();
    everyone.sort();
    let expected: Vec<&UserId> = students.keys().copied().collect();
    assert_eq!(everyone, expected);

    let mut per_position: BTreeMap<&RecordId, Vec<u32>> = BTreeMap::new();
    let mut per_mentor: BTreeMap<&UserId, u32> = BTreeMap::new();
    for proposal in &outcome.proposals {
        let Some(student) = students.get(&proposal.student_id) else {
            panic!("unknown student {}", proposal.student_id);
        };
        let Some(position) = positions.get(&proposal.position_id) else {
            panic!("unknown position {}", proposal.position_id);
        };
        assert!(is_available(position), "{} is closed", position.id);
        let ranked = best_ranks(student).get(&position.id).copied();
        assert_eq!(ranked, Some(proposal.rank), "{} ranked it", student.id);
        assert_eq!(
            proposal.score,
            preference_weight(student, position, proposal.rank)
        );
        let explanation = &proposal.explanation;
        assert_eq!(explanation.rank, proposal.rank);
        assert_eq!(explanation.slots, position.slots);
        let choice = format!("{} choice", ordinal(u32::from(proposal.rank)));
        assert!(explanation.text().starts_with(&choice));
        per_position
            .entry(&position.id)
            .or_default()
            .push(explanation.slot);

        let org_mentors: Vec<&MatchMentor> = input
            .mentors
            .iter()
            .filter(|mentor| mentor.organization_id == position.organization_id)
            .collect();
        match &proposal.mentor_id {
            Some(mentor_id) => {
                let Some(mentor) = mentors.get(mentor_id) else {
                    panic!("unknown mentor {mentor_id}");
                };
                assert_eq!(mentor.organization_id, position.organization_id);
                *per_mentor.entry(mentor_id).or_default() += 1;
                assert_eq!(proposal.mentor_fit, mentor_fit(student, position, mentor));
                assert!(matches!(explanation.mentor, MentorNote::Assigned { .. }));
            }
            None => {
                assert_eq!(proposal.mentor_fit, 0);
                let expected = if org_mentors.is_empty() {
                    MentorNote::NoneAtOrganization
                } else {
                    MentorNote::AllAtCapacity
                };
                assert_eq!(explanation.mentor, expected);
            }
        }
    }

    // Slots are numbered 1..=n per position and never exceed the position's slots.
    for (position_id, slots) in &per_position {
        let expected: Vec<u32> = (1..=u32::try_from(slots.len()).unwrap_or(u32::MAX)).collect();
        assert_eq!(slots, &expected, "{position_id}");
        let limit = positions
            .get(position_id)
            .map_or(0, |position| position.slots);
        assert!(slots.len() <= usize::try_from(limit).unwrap_or(usize::MAX));
    }
    // No mentor exceeds capacity.
    for (mentor_id, count) in &per_mentor {
        let capacity = mentors.get(mentor_id).map_or(0, |mentor| mentor.capacity);
        assert!(*count <= capacity, "{mentor_id} has {count} > {capacity}");
    }
    // A proposal goes without a mentor only when its organization's mentors are all full.
    for proposal in outcome.proposals.iter().filter(|p| p.mentor_id.is_none()) {
        let organization = positions
            .get(&proposal.position_id)
            .map(|position| &position.organization_id);
        for mentor in input
            .mentors
            .iter()
            .filter(|mentor| Some(&mentor.organization_id) == organization)
        {
            let used = per_mentor.get(&mentor.user_id).copied().unwrap_or(0);
            assert_eq!(used, mentor.capacity, "{} had room", mentor.user_id);
        }
    }
    // Unmatched reasons hold, and nobody is left out while one of their open choices has room
    // (that would contradict placing the most students).
    for entry in &outcome.unmatched {
        let Some(student) = students.get(&entry.student_id) else {
            panic!("unknown student {}", entry.student_id);
        };
        let ranks = best_ranks(student);
        let open: Vec<&&RecordId> = ranks
            .keys()
            .filter(|id| positions.get(**id).is_some_and(|p| is_available(p)))
            .collect();
        let expected = match (ranks.len(), open.len()) {
            (0, _) => UnmatchedReason::NoChoices,
            (ranked, 0) => UnmatchedReason::NoOpenChoice { ranked },
            (_, open_choices) => UnmatchedReason::ChoicesFull { open_choices },
        };
        assert_eq!(entry.reason, expected);
        for id in open {
            let taken = per_position.get(*id).map_or(0, Vec::len);
            let slots = positions.get(*id).map_or(0, |position| position.slots);
            assert_eq!(
                u32::try_from(taken).unwrap_or(u32::MAX),
                slots,
                "{} left out while {id} has room",
                entry.student_id
            );
        }
    }
}

/// What the position stage maximises: (matched, preference weight, fewest rank squares).
type PlacementValue = (usize, u64, Reverse<u64>);

/// What the mentor stage maximises: (with a mentor, mentor fit, least load cost).
type MentorValue = (usize, u64, Reverse<u64>);

/// The best value over every feasible assignment of students to positions.
fn brute_force_placement(input: &MatchInput) -> PlacementValue {
    let positions = positions_by_id(input);
    let options: Vec<Vec<(&MatchPosition, u8, &MatchStudent)>> = input
        .students
        .iter()
        .map(|student| {
            best_ranks(student)
                .into_iter()
                .filter_map(|(id, rank)| {
                    let position = *positions.get(id)?;
                    is_available(position).then_some((position, rank, student))
                })
                .collect()
        })
        .collect();

    fn search<'a>(
        options: &[Vec<(&'a MatchPosition, u8, &'a MatchStudent)>],
        used: &mut BTreeMap<&'a RecordId, u32>,
        value: (usize, u64, u64),
        best: &mut PlacementValue,
    ) {
        let Some((first, rest)) = options.split_first() else {
            *best = (*best).max((value.0, value.1, Reverse(value.2)));
            return;
        };
        search(rest, used, value, best);
        for &(position, rank, student) in first {
            let taken = used.get(&position.id).copied().unwrap_or(0);
            if taken >= position.slots {
                continue;
            }
            used.insert(&position.id, taken + 1);
            let next = (
                value.0 + 1,
                value.1 + u64::from(preference_weight(student, position, rank)),
                value.2 + u64::from(rank) * u64::from(rank),
            );
            search(rest, used, next, best);
            used.insert(&position.id, taken);
        }
    }

    let mut best = (0, 0, Reverse(0));
    search(&options, &mut BTreeMap::new(), (0, 0, 0), &mut best);
    best
}

/// With the outcome's positions fixed, the best value over every feasible mentor assignment, and
/// the outcome's own value.
fn mentor_values(input: &MatchInput, outcome: &MatchOutcome) -> (MentorValue, MentorValue) {
    let positions = positions_by_id(input);
    let students: BTreeMap<&UserId, &MatchStudent> = input
        .students
        .iter()
        .map(|student| (&student.id, student))
        .collect();
    let mentors: Vec<&MatchMentor> = input.mentors.iter().collect();
    // For each proposal: (mentor index, fit) for every mentor of its organization with capacity.
    let options: Vec<Vec<(usize, u64)>> = outcome
        .proposals
        .iter()
        .map(|proposal| {
            let (Some(student), Some(position)) = (
                students.get(&proposal.student_id),
                positions.get(&proposal.position_id),
            ) else {
                panic!("proposal names unknown records");
            };
            mentors
                .iter()
                .enumerate()
                .filter(|(_, mentor)| {
                    mentor.organization_id == position.organization_id && mentor.capacity > 0
                })
                .map(|(index, mentor)| (index, u64::from(mentor_fit(student, position, mentor))))
                .collect()
        })
        .collect();

    fn search(
        options: &[Vec<(usize, u64)>],
        mentors: &[&MatchMentor],
        counts: &mut Vec<u32>,
        value: (usize, u64),
        best: &mut MentorValue,
    ) {
        let Some((first, rest)) = options.split_first() else {
            let candidate = (value.0, value.1, Reverse(load_cost(mentors, counts)));
            *best = (*best).max(candidate);
            return;
        };
        search(rest, mentors, counts, value, best);
        for &(index, fit) in first {
            if counts[index] >= mentors[index].capacity {
                continue;
            }
            counts[index] += 1;
            search(rest, mentors, counts, (value.0 + 1, value.1 + fit), best);
            counts[index] -= 1;
        }
    }

    let mut best = (0, 0, Reverse(0));
    search(
        &options,
        &mentors,
        &mut vec![0; mentors.len()],
        (0, 0),
        &mut best,
    );

    let mut counts = vec![0; mentors.len()];
    for proposal in &outcome.proposals {
        if let Some(index) = mentors
            .iter()
            .position(|mentor| Some(&mentor.user_id) == proposal.mentor_id.as_ref())
        {
            counts[index] += 1;
        }
    }
    let objective = outcome.objective();
    let actual = (
        objective.with_mentor,
        objective.mentor_fit,
        Reverse(load_cost(&mentors, &counts)),
    );
    (best, actual)
}

/// The cohort with nobody speaking a language or having an interest, so only ranks count.
fn without_bonuses(mut input: MatchInput) -> MatchInput {
    for student in &mut input.students {
        student.languages.clear();
        student.interests.clear();
    }
    input
}

/// A small deterministic generator for shuffling (splitmix64).
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for high in (1..items.len()).rev() {
            let low = usize::try_from(self.next() % (high as u64 + 1)).unwrap_or(0);
            items.swap(low, high);
        }
    }
}

/// The same cohort with every list, outer and inner, in another order.
fn shuffled(input: &MatchInput, seed: u64) -> MatchInput {
    let mut shuffler = Shuffler(seed);
    let mut copy = input.clone();
    shuffler.shuffle(&mut copy.students);
    shuffler.shuffle(&mut copy.positions);
    shuffler.shuffle(&mut copy.mentors);
    for student in &mut copy.students {
        shuffler.shuffle(&mut student.languages);
        shuffler.shuffle(&mut student.interests);
        shuffler.shuffle(&mut student.choices);
    }
    for position in &mut copy.positions {
        shuffler.shuffle(&mut position.languages);
    }
    for mentor in &mut copy.mentors {
        shuffler.shuffle(&mut mentor.languages);
        shuffler.shuffle(&mut mentor.expertise);
    }
    copy
}

proptest! {
    #[test]
    fn constraints_are_never_broken(input in cohort(40, 16, 12)) {
        assert_constraints(&input, &run(&input));
    }

    #[test]
    fn placement_is_optimal_against_brute_force(input in cohort(6, 4, 4)) {
        let outcome = run(&input);
        assert_constraints(&input, &outcome);
        let objective = outcome.objective();
        prop_assert_eq!(
            (objective.matched, objective.preference_weight, Reverse(objective.rank_squares)),
            brute_force_placement(&input)
        );
    }

    #[test]
    fn placement_ties_go_to_the_fairer_assignment(input in cohort(6, 4, 0).prop_map(without_bonuses)) {
        // Without language and industry bonuses equal weights are common, so the third criterion
        // (fewest rank squares) decides often.
        let objective = run(&input).objective();
        prop_assert_eq!(
            (objective.matched, objective.preference_weight, Reverse(objective.rank_squares)),
            brute_force_placement(&input)
        );
    }

    #[test]
    fn mentors_are_optimal_against_brute_force(input in cohort(6, 4, 4)) {
        let outcome = run(&input);
        let (best, actual) = mentor_values(&input, &outcome);
        prop_assert_eq!(actual, best);
    }

    #[test]
    fn same_cohort_in_any_order_gives_the_same_outcome(
        input in cohort(30, 12, 10),
        seed in any::<u64>(),
    ) {
        let outcome = run(&input);
        prop_assert_eq!(&run(&input), &outcome);
        prop_assert_eq!(&run(&shuffled(&input, seed)), &outcome);
    }
}

#[test]
fn a_crowded_cohort_is_still_placed_optimally() {
    // Twelve students competing for three single-slot positions: every order must agree, and the
    // three placed must be the best total.
    let input = MatchInput {
        students: (0..12)
            .map(|index| MatchStudent {
                id: UserId(format!("s-{index:02}")),
                languages: Vec::new(),
                interests: Vec::new(),
                choices: (0..3)
                    .map(|position| RankedChoice {
                        position_id: RecordId(format!("p-{position}")),
                        rank: u8::try_from((index + position) % 3 + 1).unwrap_or(1),
                    })
                    .collect(),
            })
            .collect(),
        positions: (0..3)
            .map(|index| MatchPosition {
                id: RecordId(format!("p-{index}")),
                organization_id: RecordId::from("o"),
                industry: "X".to_owned(),
                slots: 1,
                languages: Vec::new(),
                open: true,
            })
            .collect(),
        mentors: Vec::new(),
    };
    let outcome = run(&input);
    assert_constraints(&input, &outcome);
    assert_eq!(outcome.proposals.len(), 3);
    assert!(outcome.proposals.iter().all(|proposal| proposal.rank == 1));
    assert_eq!(outcome.unmatched.len(), 9);
    for seed in 0..20 {
        assert_eq!(run(&shuffled(&input, seed)), outcome);
    }
}
