//! A matching round built the way the staff screen builds it: from the students' summaries and the
//! program's positions, organizations and mentors of the demo.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};

use imp_shared::apply::{apply, ApplyContext, MemoryRecords, RecordView};
use imp_shared::demo::demo_program;
use imp_shared::domain::{
    Entity, MatchProposal, MentorProfile, Organization, Position, ProposalState, RecordKind, Role,
    StudentSummary,
};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::matching::{propose_matches, MentorNote};
use imp_shared::permissions::Actor;
use imp_shared::round::{is_placed, mentor_choices, mentor_load, round_input};
use imp_shared::summary::summarize;

struct Demo {
    summaries: Vec<(RecordId, StudentSummary)>,
    program: MemoryRecords,
}

fn demo() -> Demo {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a valid date");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .single()
        .expect("a valid fixed clock");
    let staff = Actor {
        user_id: UserId::from("staff-1"),
        role: Role::Staff,
    };
    let mut summaries = Vec::new();
    let mut program = MemoryRecords::default();
    for (space, mutations) in demo_program(today).spaces {
        let mut records = MemoryRecords::default();
        let context = ApplyContext::new(&staff, &space, now);
        for mutation in &mutations {
            let changes = apply(&records, &context, mutation)
                .unwrap_or_else(|error| panic!("{space}: {mutation:?} → {error}"));
            records.write(&changes);
        }
        match &space {
            SpaceId::Student(student) => {
                if let Some(summary) = summarize(&records, student, now) {
                    summaries.push((RecordId(student.to_string()), summary));
                }
            }
            SpaceId::Program => program = records,
            SpaceId::Staff => {}
        }
    }
    Demo { summaries, program }
}

fn list<T>(
    view: &MemoryRecords,
    kind: RecordKind,
    pick: fn(Entity) -> Option<T>,
) -> Vec<(RecordId, T)> {
    view.list(kind)
        .into_iter()
        .filter_map(|(id, entity)| pick(entity).map(|value| (id, value)))
        .collect()
}

type ProgramRecords = (
    Vec<(RecordId, Position)>,
    Vec<(RecordId, Organization)>,
    Vec<(RecordId, MentorProfile)>,
);

/// The demo's positions, organizations and mentors, as the matching screen reads them.
fn program_records(demo: &Demo) -> ProgramRecords {
    let positions = list(&demo.program, RecordKind::Position, |e| match e {
        Entity::Position(p) => Some(p),
        _ => None,
    });
    let organizations = list(&demo.program, RecordKind::Organization, |e| match e {
        Entity::Organization(o) => Some(o),
        _ => None,
    });
    let mentors = list(&demo.program, RecordKind::MentorProfile, |e| match e {
        Entity::MentorProfile(m) => Some(m),
        _ => None,
    });
    (positions, organizations, mentors)
}

#[test]
fn the_demo_round_places_the_waiting_students_within_slots_and_remaining_capacity() {
    let demo = demo();
    let (positions, organizations, mentors) = program_records(&demo);
    let input = round_input(2024, &demo.summaries, &positions, &organizations, &mentors);

    // Only the 14 waiting students of 2024 take part, each with their ranked choices in order.
    assert_eq!(input.students.len(), 14);
    assert!(input.students.iter().all(|s| !s.choices.is_empty()));
    for student in &input.students {
        let ranks: Vec<u8> = student.choices.iter().map(|c| c.rank).collect();
        assert_eq!(ranks, (1..=ranks.len() as u8).collect::<Vec<_>>());
    }
    assert_eq!(input.positions.len(), 91, "the 2024 positions");
    // A mentor's remaining capacity is their capacity minus their current mentees.
    let m001 = input.mentors.iter().find(|m| m.user_id.as_str() == "m-001");
    let load = mentor_load(
        demo.summaries.iter().map(|(_, s)| s),
        &UserId::from("m-001"),
    );
    assert_eq!(m001.map(|m| m.current_load), Some(Some(load)));
    assert!(load >= 1, "the demo student is m-001's mentee");

    let outcome = propose_matches(&input);
    let Ok(outcome) = outcome else {
        panic!("matching failed: {outcome:?}");
    };
    assert_eq!(outcome.proposals.len() + outcome.unmatched.len(), 14);
    assert!(
        outcome.proposals.len() >= 10,
        "{} placed",
        outcome.proposals.len()
    );
    let mut per_position: BTreeMap<&RecordId, u32> = BTreeMap::new();
    let mut per_mentor: BTreeMap<&UserId, u32> = BTreeMap::new();
    for proposal in &outcome.proposals {
        *per_position.entry(&proposal.position_id).or_default() += 1;
        if let Some(mentor) = &proposal.mentor_id {
            *per_mentor.entry(mentor).or_default() += 1;
            let profile = input.mentors.iter().find(|m| &m.user_id == mentor);
            let position = input
                .positions
                .iter()
                .find(|p| p.id == proposal.position_id);
            assert_eq!(
                profile.map(|m| &m.organization_id),
                position.map(|p| &p.organization_id),
                "a mentor works where the student is placed"
            );
        }
        assert!(proposal.explanation.text().contains("choice"));
    }
    for (position, taken) in per_position {
        let slots = input
            .positions
            .iter()
            .find(|p| &p.id == position)
            .map_or(0, |p| p.slots);
        assert!(taken <= slots, "{position}: {taken} of {slots}");
    }
    for (mentor, taken) in per_mentor {
        let capacity = input
            .mentors
            .iter()
            .find(|m| &m.user_id == mentor)
            .map_or(0, |m| m.capacity);
        assert!(
            taken <= capacity,
            "{mentor}: {taken} of {capacity} remaining"
        );
    }
    // Placed students never take part again.
    assert_eq!(
        demo.summaries
            .iter()
            .filter(|(_, s)| s.cohort_year == 2024 && !is_placed(s))
            .count(),
        14
    );
}

#[test]
fn staff_can_choose_a_mentor_for_a_proposal_the_matcher_left_without_one() {
    let demo = demo();
    let (positions, organizations, mut mentors) = program_records(&demo);
    let input = round_input(2024, &demo.summaries, &positions, &organizations, &mentors);
    let Ok(outcome) = propose_matches(&input) else {
        panic!("matching failed");
    };
    // The drafts as the matching screen keeps them.
    let proposals: Vec<(RecordId, MatchProposal)> = outcome
        .proposals
        .iter()
        .map(|p| {
            (
                RecordId(format!("match-2024-{}", p.student_id)),
                MatchProposal {
                    cohort_year: 2024,
                    student_id: p.student_id.clone(),
                    position_id: p.position_id.clone(),
                    mentor_id: p.mentor_id.clone(),
                    rank: p.rank,
                    explanation: Some(p.explanation.clone()),
                    swapped_with: None,
                    edited: false,
                    state: ProposalState::Draft,
                },
            )
        })
        .collect();
    let (this, lonely) = proposals
        .iter()
        .find(|(_, p)| p.mentor_id.is_none())
        .expect("the demo round leaves some proposals without a mentor");
    assert!(matches!(
        lonely.explanation.as_ref().map(|e| &e.mentor),
        Some(MentorNote::AllAtCapacity | MentorNote::NoneAtOrganization)
    ));
    let organization = positions
        .iter()
        .find(|(id, _)| *id == lonely.position_id)
        .map(|(_, p)| p.organization_id.clone())
        .expect("the proposal's position");
    let choices = mentor_choices(
        2024,
        &organization,
        this,
        &demo.summaries,
        &mentors,
        &proposals,
    );
    assert!(!choices.is_empty(), "mentors elsewhere have room");
    // Each has room after their mentees and the round's other drafts; the organization's own
    // come first, then the most room.
    for choice in &choices {
        let load = mentor_load(demo.summaries.iter().map(|(_, s)| s), &choice.user_id);
        let drafted = proposals
            .iter()
            .filter(|(id, p)| id != this && p.mentor_id.as_ref() == Some(&choice.user_id))
            .count() as u32;
        assert_eq!(
            choice.free,
            choice.capacity - load - drafted,
            "{}",
            choice.user_id
        );
        assert!(choice.free > 0);
        assert_eq!(
            choice.at_organization,
            choice.organization_id == organization
        );
    }
    for pair in choices.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (!a.at_organization, std::cmp::Reverse(a.free))
                <= (!b.at_organization, std::cmp::Reverse(b.free)),
            "{a:?} before {b:?}"
        );
    }
    // A mentor named by every other draft up to their capacity is not offered again.
    let first = &choices[0];
    let mut filled = proposals.clone();
    for n in 0..first.free {
        filled.push((
            RecordId(format!("extra-{n}")),
            MatchProposal {
                mentor_id: Some(first.user_id.clone()),
                ..lonely.clone()
            },
        ));
    }
    let again = mentor_choices(
        2024,
        &organization,
        this,
        &demo.summaries,
        &mentors,
        &filled,
    );
    assert!(again.iter().all(|c| c.user_id != first.user_id));
    // Rejected proposals hold no place.
    for (_, proposal) in filled.iter_mut().skip(proposals.len()) {
        proposal.state = ProposalState::Rejected;
    }
    let freed = mentor_choices(
        2024,
        &organization,
        this,
        &demo.summaries,
        &mentors,
        &filled,
    );
    assert_eq!(freed, choices);
    // With no capacity anywhere there is nobody to offer.
    for (_, mentor) in &mut mentors {
        mentor.capacity = 0;
    }
    assert!(mentor_choices(
        2024,
        &organization,
        this,
        &demo.summaries,
        &mentors,
        &proposals
    )
    .is_empty());
}
