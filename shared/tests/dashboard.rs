//! The staff dashboard's numbers and the CSV exports, checked against a small dataset built by
//! hand (so every expected figure can be counted on paper) and against the demo program.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use imp_shared::apply::{apply, ApplyContext, MemoryRecords};
use imp_shared::csv::BOM;
use imp_shared::dashboard::{
    attendees, funnel_by_cohort, funnel_by_route, funnel_stage, job_outcomes, partner_report,
    placements_by_state, sessions_per_month, stayed_by_route, unplaced, workshop_attendance,
    FunnelRow, FunnelStage, JobOutcomes, PartnerReport, PartnerStudent, RouteCount,
    WorkshopAttendance, UNKNOWN_ROUTE,
};
use imp_shared::demo::{awaiting_match, demo_program};
use imp_shared::domain::{
    ApplicationStage, Evaluation, MentorProfile, Organization, Outcome, PlacementState, Position,
    RankingChoice, Role, StudentSummary, Workshop,
};
use imp_shared::evaluation::{template_id, EvaluationKind};
use imp_shared::exports::{outcomes_csv, placements_csv, sessions_csv, students_csv};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::permissions::Actor;
use imp_shared::summary::{summarize, MonthCount, PlacementSummary, StageCount};
use imp_shared::visa::{EMPLOYMENT_GOLD_CARD, GRADUATE_POINTS_WORK_PERMIT, JOB_SEEKING_RESIDENCE};

/// The Chinese name with a comma and quotes that CSV must quote.
const CHINESE_NAME: &str = "陳, \"小明\"";
/// A name a spreadsheet would run as a formula.
const FORMULA_NAME: &str = "=1+2 Evil";

fn rid(text: &str) -> RecordId {
    RecordId::from(text)
}

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 2, 0, 0)
        .single()
        .expect("a valid fixed clock")
}

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    Some(NaiveDate::from_ymd_opt(year, month, day).expect("a valid date"))
}

fn placement(id: &str, position: &str, mentor: &str, state: PlacementState) -> PlacementSummary {
    PlacementSummary {
        id: rid(id),
        position_id: rid(position),
        mentor_id: UserId::from(mentor),
        state,
        end_reason: String::new(),
        started_at: None,
    }
}

fn months(held: &[(&str, u32)]) -> Vec<MonthCount> {
    held.iter()
        .map(|(month, count)| MonthCount {
            month: (*month).to_owned(),
            count: *count,
        })
        .collect()
}

fn stages(counts: &[(ApplicationStage, u32)]) -> Vec<StageCount> {
    counts
        .iter()
        .map(|(stage, count)| StageCount {
            stage: *stage,
            count: *count,
        })
        .collect()
}

fn outcome(employed: bool, in_taiwan: bool, visa_route: Option<&str>) -> Option<Box<Outcome>> {
    Some(Box::new(Outcome {
        employed,
        in_taiwan,
        visa_route: visa_route.map(str::to_owned),
    }))
}

/// A student of `cohort_year` with the profile every hand-built student shares and nothing else.
fn student(display_name: &str, cohort_year: i32) -> StudentSummary {
    StudentSummary {
        display_name: display_name.to_owned(),
        cohort_year,
        nationality: "Vietnam".to_owned(),
        university: "National Taiwan University".to_owned(),
        department: "Economics".to_owned(),
        degree: "MSc".to_owned(),
        graduation_date: date(cohort_year + 1, 6, 30),
        languages: vec!["English".to_owned(), "Mandarin".to_owned()],
        mandarin_level: Some(3),
        interests: Vec::new(),
        rankings: Vec::new(),
        placements: Vec::new(),
        sessions_held: Vec::new(),
        sessions_scheduled: 0,
        workshops_attended: Vec::new(),
        workshops_going: Vec::new(),
        applications: Vec::new(),
        outcome: None,
        visa_routes: Vec::new(),
        health: Default::default(),
        evaluations: Box::default(),
        updated_at: None,
    }
}

/// Seven students, three of cohort 2023 and four of 2024, listed out of export order on purpose.
fn dataset() -> Vec<(RecordId, StudentSummary)> {
    use ApplicationStage as Stage;
    use PlacementState::*;
    vec![
        (
            rid("s-1"),
            StudentSummary {
                placements: vec![placement("placement-1", "pos-a", "m-1", Completed)],
                sessions_held: months(&[("2023-10", 2), ("2023-11", 1)]),
                workshops_attended: vec![rid("w-1"), rid("w-2")],
                applications: stages(&[(Stage::Applied, 2), (Stage::Accepted, 1)]),
                outcome: outcome(true, true, Some(JOB_SEEKING_RESIDENCE)),
                ..student("Linh Nguyen", 2023)
            },
        ),
        (
            rid("s-5"),
            StudentSummary {
                placements: vec![placement("placement-1", "pos-b", "m-2", Proposed)],
                // Not in Taiwan, so its route does not count as a stay.
                outcome: outcome(false, false, Some(GRADUATE_POINTS_WORK_PERMIT)),
                ..student("Mateo García", 2024)
            },
        ),
        (
            rid("s-2"),
            StudentSummary {
                placements: vec![
                    placement("placement-2", "pos-a", "m-2", EndedEarly),
                    placement("placement-1", "pos-b", "m-2", Withdrawn),
                ],
                sessions_held: months(&[("2023-10", 1)]),
                workshops_attended: vec![rid("w-1")],
                applications: stages(&[(Stage::Interview, 1), (Stage::Rejected, 2)]),
                outcome: outcome(true, true, Some(EMPLOYMENT_GOLD_CARD)),
                ..student(CHINESE_NAME, 2023)
            },
        ),
        (
            rid("s-3"),
            StudentSummary {
                placements: vec![placement("placement-1", "pos-c", "m-9", Completed)],
                sessions_held: months(&[("2023-11", 3)]),
                applications: stages(&[(Stage::Offer, 1), (Stage::Accepted, 1)]),
                outcome: outcome(true, false, None),
                ..student(FORMULA_NAME, 2023)
            },
        ),
        (
            rid("s-4"),
            StudentSummary {
                graduation_date: None,
                languages: vec!["English".to_owned()],
                mandarin_level: None,
                placements: vec![placement("placement-1", "pos-a", "m-1", Active)],
                sessions_held: months(&[("2024-10", 1), ("2024-11", 2)]),
                workshops_attended: vec![rid("w-2")],
                applications: stages(&[(Stage::Applied, 1)]),
                ..student("Aiko Tanaka", 2024)
            },
        ),
        (
            rid("s-6"),
            StudentSummary {
                placements: vec![placement("placement-1", "pos-z", "m-1", Confirmed)],
                sessions_held: months(&[("2024-11", 1)]),
                workshops_attended: vec![rid("w-1"), rid("w-2")],
                applications: stages(&[(Stage::Interview, 2)]),
                // Stayed on job-seeking residence without naming it; still looking for work.
                outcome: outcome(false, true, None),
                ..student("Arjun Sharma", 2024)
            },
        ),
        (
            rid("s-7"),
            StudentSummary {
                workshops_attended: vec![rid("w-1"), rid("w-gone")],
                applications: stages(&[(Stage::Applied, 1), (Stage::Withdrawn, 1)]),
                outcome: outcome(true, true, Some(JOB_SEEKING_RESIDENCE)),
                ..student("Ayu Santoso", 2024)
            },
        ),
    ]
}

fn summaries_only(data: &[(RecordId, StudentSummary)]) -> Vec<StudentSummary> {
    data.iter().map(|(_, summary)| summary.clone()).collect()
}

fn workshop(title: &str, starts_at: DateTime<Utc>) -> Workshop {
    Workshop {
        title: title.to_owned(),
        starts_at,
        duration_minutes: 90,
        place: "NTU Global Lounge".to_owned(),
        capacity: 60,
        going: 0,
    }
}

fn workshops() -> Vec<(RecordId, Workshop)> {
    vec![
        (rid("w-1"), workshop("Job search in Taiwan", at(2024, 3, 1))),
        (rid("w-3"), workshop("Mandarin at work", at(2024, 2, 1))),
        (rid("w-2"), workshop("Work permits", at(2024, 2, 1))),
    ]
}

fn position(organization_id: &str, title: &str) -> Position {
    Position {
        organization_id: rid(organization_id),
        cohort_year: 2023,
        title: title.to_owned(),
        slots: 1,
        paid: true,
        housing: false,
        languages: Vec::new(),
        description: String::new(),
        open: false,
    }
}

fn organization(name: &str) -> Organization {
    Organization {
        name: name.to_owned(),
        industry: "Software".to_owned(),
        industry_zh: "軟體".to_owned(),
        approved: true,
        contact_email: None,
        cohort_years: vec![2023, 2024],
    }
}

fn mentor(user_id: &str, display_name: &str) -> (RecordId, MentorProfile) {
    (
        RecordId(format!("mentor-{user_id}")),
        MentorProfile {
            user_id: UserId::from(user_id),
            display_name: display_name.to_owned(),
            organization_id: rid("org-1"),
            expertise: Vec::new(),
            languages: Vec::new(),
            capacity: 2,
            contact_email: None,
            cohort_years: vec![2023, 2024],
        },
    )
}

/// The CSV's records as lines, after checking the BOM and that every record ends with CRLF.
fn lines(csv: &str) -> Vec<&str> {
    assert!(csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let body = csv.strip_prefix(BOM).expect("a UTF-8 BOM");
    assert!(body.ends_with("\r\n"), "the last record ends with CRLF");
    body.split_terminator("\r\n").collect()
}

#[test]
fn placements_are_counted_by_state_in_declaration_order() {
    use PlacementState::*;
    let summaries = summaries_only(&dataset());
    let table = [
        (
            None,
            vec![
                (Proposed, 1),
                (Confirmed, 1),
                (Active, 1),
                (Completed, 2),
                (EndedEarly, 1),
                (Withdrawn, 1),
            ],
        ),
        (
            Some(2023),
            vec![(Completed, 2), (EndedEarly, 1), (Withdrawn, 1)],
        ),
        (Some(2024), vec![(Proposed, 1), (Confirmed, 1), (Active, 1)]),
        (Some(2022), Vec::new()),
    ];
    for (cohort, expected) in table {
        assert_eq!(
            placements_by_state(&summaries, cohort),
            expected,
            "{cohort:?}"
        );
    }
}

#[test]
fn unplaced_students_have_no_placement_that_went_ahead() {
    let summaries = summaries_only(&dataset());
    // 2023: s-2 (withdrawn, then ended early). 2024: s-5 (only a proposal) and s-7 (none).
    let table = [(None, 3), (Some(2023), 1), (Some(2024), 2), (Some(2022), 0)];
    for (cohort, expected) in table {
        assert_eq!(unplaced(&summaries, cohort), expected, "{cohort:?}");
    }
}

#[test]
fn sessions_are_summed_by_month_in_month_order() {
    let summaries = summaries_only(&dataset());
    assert_eq!(
        sessions_per_month(&summaries),
        months(&[
            ("2023-10", 3),
            ("2023-11", 4),
            ("2024-10", 1),
            ("2024-11", 3)
        ])
    );
    assert!(sessions_per_month(&[]).is_empty());
}

#[test]
fn workshop_attendance_lists_every_workshop_by_start_then_id() {
    let summaries = summaries_only(&dataset());
    let row = |id: &str, title: &str, starts_at, attended| WorkshopAttendance {
        workshop_id: rid(id),
        title: title.to_owned(),
        starts_at,
        attended,
    };
    assert_eq!(
        workshop_attendance(&summaries, &workshops()),
        vec![
            row("w-2", "Work permits", at(2024, 2, 1), 3),
            row("w-3", "Mandarin at work", at(2024, 2, 1), 0),
            row("w-1", "Job search in Taiwan", at(2024, 3, 1), 4),
        ],
        "the check-in at w-gone, which is not in the list, is ignored"
    );
}

#[test]
fn attendees_are_listed_by_name_then_id() {
    let mut data = dataset();
    let students = |data: &[(RecordId, StudentSummary)], workshop: &str| {
        attendees(data, &rid(workshop))
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect::<Vec<_>>()
    };
    let pair = |id: &str, name: &str| (id.to_owned(), name.to_owned());
    assert_eq!(
        students(&data, "w-1"),
        vec![
            pair("s-6", "Arjun Sharma"),
            pair("s-7", "Ayu Santoso"),
            pair("s-1", "Linh Nguyen"),
            pair("s-2", CHINESE_NAME),
        ]
    );
    assert!(students(&data, "w-3").is_empty());
    // A namesake with a later id comes after the first.
    data.push((
        rid("s-10"),
        StudentSummary {
            workshops_attended: vec![rid("w-2")],
            ..student("Linh Nguyen", 2024)
        },
    ));
    assert_eq!(
        students(&data, "w-2"),
        vec![
            pair("s-4", "Aiko Tanaka"),
            pair("s-6", "Arjun Sharma"),
            pair("s-1", "Linh Nguyen"),
            pair("s-10", "Linh Nguyen"),
        ]
    );
}

#[test]
fn job_outcomes_count_graduates_and_sum_applications_by_stage() {
    use ApplicationStage::*;
    let summaries = summaries_only(&dataset());
    let expected =
        |graduates, employed, in_taiwan, by_stage: &[(ApplicationStage, u32)]| JobOutcomes {
            graduates,
            employed,
            in_taiwan,
            applications_by_stage: stages(by_stage),
        };
    let table = [
        (
            None,
            expected(
                6,
                4,
                4,
                &[
                    (Applied, 4),
                    (Interview, 3),
                    (Offer, 1),
                    (Accepted, 2),
                    (Rejected, 2),
                    (Withdrawn, 1),
                ],
            ),
        ),
        (
            Some(2023),
            expected(
                3,
                3,
                2,
                &[
                    (Applied, 2),
                    (Interview, 1),
                    (Offer, 1),
                    (Accepted, 2),
                    (Rejected, 2),
                ],
            ),
        ),
        (
            Some(2024),
            expected(3, 1, 2, &[(Applied, 2), (Interview, 2), (Withdrawn, 1)]),
        ),
        (Some(2022), expected(0, 0, 0, &[])),
    ];
    for (cohort, expected) in table {
        assert_eq!(job_outcomes(&summaries, cohort), expected, "{cohort:?}");
    }
}

#[test]
fn stays_are_grouped_by_route_most_used_first() {
    let summaries = summaries_only(&dataset());
    let count = |route: &str, stayed| RouteCount {
        route: route.to_owned(),
        stayed,
    };
    assert_eq!(
        stayed_by_route(&summaries),
        vec![
            count(JOB_SEEKING_RESIDENCE, 2),
            count(EMPLOYMENT_GOLD_CARD, 1),
            count("unknown", 1),
        ]
    );
    assert!(stayed_by_route(&[]).is_empty());
}

#[test]
fn students_csv_has_the_header_quoting_guard_and_order() {
    let csv = students_csv(&dataset());
    let header = "student_id,name,cohort,nationality,university,department,degree,\
                  graduation_date,languages,mandarin_level,placement_state,workshops_attended,\
                  sessions_held";
    let common = "Vietnam,National Taiwan University,Economics,MSc";
    let expected = [
        header.to_owned(),
        format!("s-3,'=1+2 Evil,2023,{common},2024-06-30,English; Mandarin,3,completed,0,3"),
        format!("s-1,Linh Nguyen,2023,{common},2024-06-30,English; Mandarin,3,completed,2,3"),
        format!(
            "s-2,\"陳, \"\"小明\"\"\",2023,{common},2024-06-30,English; Mandarin,3,ended_early,1,1"
        ),
        format!("s-4,Aiko Tanaka,2024,{common},,English,,active,1,3"),
        format!("s-6,Arjun Sharma,2024,{common},2025-06-30,English; Mandarin,3,confirmed,2,1"),
        format!("s-7,Ayu Santoso,2024,{common},2025-06-30,English; Mandarin,3,,2,0"),
        format!("s-5,Mateo García,2024,{common},2025-06-30,English; Mandarin,3,proposed,0,0"),
    ];
    assert_eq!(lines(&csv), expected);
}

#[test]
fn placements_csv_names_organization_position_and_mentor() {
    let positions = [
        (rid("pos-a"), position("org-1", "Data Analyst Intern")),
        (rid("pos-b"), position("org-2", "UX Research Intern")),
        (rid("pos-c"), position("org-3", "Process Engineer")),
    ];
    let organizations = [
        (rid("org-1"), organization("Taipei Silicon Co.")),
        (rid("org-2"), organization("Hsinchu Cloud, Ltd.")),
    ];
    let mentors = [mentor("m-1", "Chen Wei-Ting"), mentor("m-2", "Lin Yu-Chen")];
    let csv = placements_csv(&dataset(), &positions, &organizations, &mentors);
    assert_eq!(
        lines(&csv),
        [
            "student_id,name,cohort,organization,position,mentor,state",
            // The organization is missing: its id stands in. The mentor has no profile: the id.
            "s-3,'=1+2 Evil,2023,org-3,Process Engineer,m-9,completed",
            "s-1,Linh Nguyen,2023,Taipei Silicon Co.,Data Analyst Intern,Chen Wei-Ting,completed",
            // Two placements of one student, in placement id order.
            "s-2,\"陳, \"\"小明\"\"\",2023,\"Hsinchu Cloud, Ltd.\",UX Research Intern,Lin Yu-Chen,withdrawn",
            "s-2,\"陳, \"\"小明\"\"\",2023,Taipei Silicon Co.,Data Analyst Intern,Lin Yu-Chen,ended_early",
            "s-4,Aiko Tanaka,2024,Taipei Silicon Co.,Data Analyst Intern,Chen Wei-Ting,active",
            // The position is missing: no organization, and the position's id.
            "s-6,Arjun Sharma,2024,,pos-z,Chen Wei-Ting,confirmed",
            "s-5,Mateo García,2024,\"Hsinchu Cloud, Ltd.\",UX Research Intern,Lin Yu-Chen,proposed",
        ]
    );
}

#[test]
fn sessions_csv_has_a_row_per_student_and_month() {
    assert_eq!(
        lines(&sessions_csv(&dataset())),
        [
            "student_id,name,cohort,month,sessions_held",
            "s-3,'=1+2 Evil,2023,2023-11,3",
            "s-1,Linh Nguyen,2023,2023-10,2",
            "s-1,Linh Nguyen,2023,2023-11,1",
            "s-2,\"陳, \"\"小明\"\"\",2023,2023-10,1",
            "s-4,Aiko Tanaka,2024,2024-10,1",
            "s-4,Aiko Tanaka,2024,2024-11,2",
            "s-6,Arjun Sharma,2024,2024-11,1",
        ]
    );
}

#[test]
fn outcomes_csv_lists_students_with_an_outcome() {
    assert_eq!(
        lines(&outcomes_csv(&dataset())),
        [
            "student_id,name,cohort,employed,in_taiwan,visa_route",
            "s-3,'=1+2 Evil,2023,yes,no,",
            "s-1,Linh Nguyen,2023,yes,yes,job-seeking-residence",
            "s-2,\"陳, \"\"小明\"\"\",2023,yes,yes,employment-gold-card",
            "s-6,Arjun Sharma,2024,no,yes,",
            "s-7,Ayu Santoso,2024,yes,yes,job-seeking-residence",
            "s-5,Mateo García,2024,no,no,graduate-points-work-permit",
        ]
    );
}

#[test]
fn exports_of_no_students_are_a_bom_and_a_header() {
    let no_students: Vec<(RecordId, StudentSummary)> = Vec::new();
    for (csv, header) in [
        (
            students_csv(&no_students),
            "student_id,name,cohort,nationality,university,department,degree,graduation_date,\
             languages,mandarin_level,placement_state,workshops_attended,sessions_held",
        ),
        (
            placements_csv(&no_students, &[], &[], &[]),
            "student_id,name,cohort,organization,position,mentor,state",
        ),
        (
            sessions_csv(&no_students),
            "student_id,name,cohort,month,sessions_held",
        ),
        (
            outcomes_csv(&no_students),
            "student_id,name,cohort,employed,in_taiwan,visa_route",
        ),
    ] {
        assert_eq!(csv, format!("{BOM}{header}\r\n"));
    }
}

/// The demo program as of 25 Nov 2026, the staff actor that seeds it, and that moment.
fn demo_as_seeded() -> (imp_shared::demo::DemoProgram, Actor, DateTime<Utc>) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a valid date");
    let staff = Actor {
        user_id: UserId::from("staff-1"),
        role: Role::Staff,
    };
    (demo_program(today), staff, at(2026, 11, 25))
}

#[test]
fn the_demo_program_gives_the_expected_dashboard() {
    let (demo, staff, now) = demo_as_seeded();
    let mut summaries: Vec<(RecordId, StudentSummary)> = Vec::new();
    for (space, mutations) in &demo.spaces {
        let SpaceId::Student(student) = space else {
            continue;
        };
        let mut records = MemoryRecords::default();
        let context = ApplyContext::new(&staff, space, now);
        for mutation in mutations {
            let changes = apply(&records, &context, mutation)
                .unwrap_or_else(|error| panic!("{space}: {mutation:?} → {error}"));
            records.write(&changes);
        }
        let summary = summarize(&records, student, now);
        assert!(summary.is_some(), "{space} has a profile");
        if let Some(summary) = summary {
            summaries.push((RecordId(student.to_string()), summary));
        }
    }
    assert_eq!(summaries.len(), 180);
    let only_summaries = summaries_only(&summaries);

    let n_awaiting = (0..180).filter(|index| awaiting_match(*index)).count();
    assert_eq!(n_awaiting, 14);
    assert_eq!(unplaced(&only_summaries, Some(2024)), n_awaiting);

    assert_eq!(job_outcomes(&only_summaries, Some(2022)).graduates, 58);
    let stayed: usize = stayed_by_route(&only_summaries)
        .iter()
        .map(|route| route.stayed)
        .sum();
    assert_eq!(stayed, job_outcomes(&only_summaries, None).in_taiwan);
    assert!(stayed > 0);

    let by_month = sessions_per_month(&only_summaries);
    assert!(!by_month.is_empty());
    assert!(
        by_month
            .windows(2)
            .all(|pair| pair[0].month < pair[1].month),
        "{by_month:?}"
    );

    // Every export has a header and, for the student export, one row per student.
    assert_eq!(lines(&students_csv(&summaries)).len(), 181);
}

/// The server derives a summary again only after a push that changed one of
/// `SUMMARIZED_KINDS`; so no other kind may change what `summarize` gives. Every demo student's
/// space (its goals besides the summarized kinds) summarizes the same with only the
/// summarized kinds kept.
#[test]
fn only_the_summarized_kinds_change_a_summary() {
    use imp_shared::summary::{same_content, touches_summary, SUMMARIZED_KINDS};
    let (demo, staff, now) = demo_as_seeded();
    let mut other_kinds = std::collections::BTreeSet::new();
    for (space, mutations) in &demo.spaces {
        let SpaceId::Student(student) = space else {
            continue;
        };
        let mut all = MemoryRecords::default();
        let mut summarized = MemoryRecords::default();
        let context = ApplyContext::new(&staff, space, now);
        for mutation in mutations {
            let changes = apply(&all, &context, mutation)
                .unwrap_or_else(|error| panic!("{space}: {mutation:?} → {error}"));
            all.write(&changes);
            let kept: Vec<_> = changes
                .into_iter()
                .filter(|change| {
                    let kept = SUMMARIZED_KINDS.contains(&change.key.kind);
                    if !kept {
                        other_kinds.insert(change.key.kind);
                    }
                    kept
                })
                .collect();
            summarized.write(&kept);
        }
        match (
            summarize(&all, student, now),
            summarize(&summarized, student, now),
        ) {
            (Some(full), Some(only)) => assert!(same_content(&full, &only), "{space}"),
            other => panic!("{space}: {other:?}"),
        }
    }
    assert!(
        !other_kinds.is_empty(),
        "the demo has other kinds to leave out: {other_kinds:?}"
    );
    assert!(!touches_summary(
        &other_kinds.into_iter().collect::<Vec<_>>()
    ));
}

/// A student of 2025 with a ranking (when `ranked`), placements in `states` (the last one
/// started at `started` when given) and `outcome`.
fn in_funnel(
    ranked: bool,
    states: &[PlacementState],
    started: bool,
    outcome: Option<Box<Outcome>>,
) -> StudentSummary {
    let mut placements: Vec<PlacementSummary> = states
        .iter()
        .enumerate()
        .map(|(n, state)| placement(&format!("placement-{n}"), "pos-a", "m-1", *state))
        .collect();
    if let Some(last) = placements.last_mut().filter(|_| started) {
        last.started_at = Some(at(2025, 9, 1));
    }
    StudentSummary {
        rankings: if ranked {
            vec![RankingChoice {
                position_id: rid("pos-a"),
                reason: String::new(),
            }]
        } else {
            Vec::new()
        },
        placements,
        outcome,
        ..student("Funnel", 2025)
    }
}

#[test]
fn each_student_reaches_the_furthest_stage_their_records_show() {
    use FunnelStage::*;
    use PlacementState::*;
    let evaluated = |kind: EvaluationKind| StudentSummary {
        evaluations: vec![Evaluation {
            placement_id: rid("placement-1"),
            kind,
            template_id: template_id(kind, 1),
            template_version: 1,
            answers: Vec::new(),
            author: None,
            submitted_at: None,
        }]
        .into(),
        ..in_funnel(true, &[Completed], true, None)
    };
    let table: [(&str, StudentSummary, FunnelStage); 15] = [
        (
            "the mentor's final evaluation",
            evaluated(EvaluationKind::MentorFinal),
            Evaluated,
        ),
        (
            "the student's self-assessment after",
            evaluated(EvaluationKind::SelfAfter),
            Evaluated,
        ),
        (
            "only the mid-point evaluation",
            evaluated(EvaluationKind::MentorMidpoint),
            Started,
        ),
        ("nothing yet", in_funnel(false, &[], false, None), Enrolled),
        ("ranked", in_funnel(true, &[], false, None), Ranked),
        (
            "only proposed",
            in_funnel(true, &[Proposed], false, None),
            Ranked,
        ),
        (
            "withdrawn",
            in_funnel(true, &[Withdrawn], false, None),
            Ranked,
        ),
        (
            "confirmed",
            in_funnel(true, &[Confirmed], false, None),
            Matched,
        ),
        (
            "ended before it began",
            in_funnel(true, &[EndedEarly], false, None),
            Matched,
        ),
        (
            "ended after it began",
            in_funnel(true, &[EndedEarly], true, None),
            Started,
        ),
        ("active", in_funnel(true, &[Active], false, None), Started),
        (
            "a second placement completed",
            in_funnel(true, &[EndedEarly, Completed], false, None),
            Started,
        ),
        (
            "not employed, in Taiwan",
            in_funnel(true, &[Completed], true, outcome(false, true, None)),
            Started,
        ),
        (
            "employed abroad",
            in_funnel(true, &[Completed], true, outcome(true, false, None)),
            Employed,
        ),
        // No ranking or placement kept: the outcome still says how far they came.
        (
            "working in Taiwan",
            in_funnel(false, &[], false, outcome(true, true, None)),
            WorkingInTaiwan,
        ),
    ];
    for (situation, summary, stage) in table {
        assert_eq!(funnel_stage(&summary), stage, "{situation}");
    }
}

#[test]
fn the_funnel_counts_each_stage_by_cohort_and_by_route_and_never_widens() {
    use PlacementState::*;
    let mut older = in_funnel(
        true,
        &[Completed],
        true,
        outcome(true, true, Some(JOB_SEEKING_RESIDENCE)),
    );
    older.cohort_year = 2024;
    let mut planning = in_funnel(true, &[Active], true, None);
    planning.visa_routes = vec![GRADUATE_POINTS_WORK_PERMIT.to_owned()];
    let students = [
        older,
        planning,
        in_funnel(true, &[Confirmed], false, None),
        in_funnel(false, &[], false, None),
        in_funnel(
            true,
            &[Completed],
            true,
            outcome(true, false, Some(EMPLOYMENT_GOLD_CARD)),
        ),
    ];
    let row = |group: &str, reached: [usize; 7]| FunnelRow {
        group: group.to_owned(),
        reached,
    };
    assert_eq!(
        funnel_by_cohort(&students),
        vec![
            row("2025", [4, 3, 3, 2, 1, 1, 0]),
            row("2024", [1, 1, 1, 1, 1, 1, 1])
        ]
    );
    assert_eq!(
        funnel_by_route(&students),
        vec![
            row(UNKNOWN_ROUTE, [2, 1, 1, 0, 0, 0, 0]),
            row(EMPLOYMENT_GOLD_CARD, [1, 1, 1, 1, 1, 1, 0]),
            row(GRADUATE_POINTS_WORK_PERMIT, [1, 1, 1, 1, 0, 0, 0]),
            row(JOB_SEEKING_RESIDENCE, [1, 1, 1, 1, 1, 1, 1]),
        ]
    );
    for row in funnel_by_cohort(&students)
        .iter()
        .chain(&funnel_by_route(&students))
    {
        assert!(
            row.reached.windows(2).all(|pair| pair[0] >= pair[1]),
            "{row:?}"
        );
    }
}

#[test]
fn a_partner_report_counts_its_positions_mentors_and_the_students_placed_with_it() {
    let open = Position {
        open: true,
        slots: 3,
        ..position("org-1", "Backend Intern")
    };
    let positions = [
        (rid("pos-a"), position("org-1", "Data Analyst Intern")),
        (rid("pos-d"), open),
        (rid("pos-b"), position("org-2", "UX Research Intern")),
    ];
    let mut elsewhere = mentor("m-3", "Wang Mei");
    elsewhere.1.organization_id = rid("org-2");
    let mentors = [
        mentor("m-1", "Chen Wei-Ting"),
        mentor("m-2", "Lin Yu-Chen"),
        elsewhere,
    ];
    let placed = |id: &str, name: &str, cohort_year: i32, state, stage| PartnerStudent {
        student_id: rid(id),
        display_name: name.to_owned(),
        cohort_year,
        position_id: rid("pos-a"),
        state,
        stage,
    };
    assert_eq!(
        partner_report(&rid("org-1"), &positions, &mentors, &dataset()),
        PartnerReport {
            positions: 2,
            open_positions: 1,
            open_slots: 3,
            mentors: 2,
            // pos-a's students; s-5's proposal at org-2, s-2's withdrawn one there and s-6's
            // unknown position are not this organization's.
            students: vec![
                placed(
                    "s-4",
                    "Aiko Tanaka",
                    2024,
                    PlacementState::Active,
                    FunnelStage::Started
                ),
                placed(
                    "s-1",
                    "Linh Nguyen",
                    2023,
                    PlacementState::Completed,
                    FunnelStage::WorkingInTaiwan
                ),
                placed(
                    "s-2",
                    CHINESE_NAME,
                    2023,
                    PlacementState::EndedEarly,
                    FunnelStage::WorkingInTaiwan
                ),
            ],
            sessions_held: 3 + 3 + 1,
            employed: 2,
            working_in_taiwan: 2,
        }
    );
    let nobody = partner_report(&rid("org-9"), &positions, &mentors, &dataset());
    assert_eq!(
        (nobody.positions, nobody.mentors, nobody.students.len()),
        (0, 0, 0)
    );
}
