//! The visa route chooser (`imp_shared::visa_chooser`) on a table of student situations: before
//! and after graduation, placements crossing it, permits and residence cards running out
//! mid-placement, Hong Kong / Macau students, degrees from associate to doctorate, unknown and
//! inconsistent dates, and deadlines already passed. Every expected date is worked out by hand.

use chrono::NaiveDate;

use imp_shared::visa::{
    builtin_routes, EMPLOYMENT_GOLD_CARD, GRADUATE_POINTS_WORK_PERMIT, JOB_SEEKING_RESIDENCE,
    PROFESSIONAL_WORK_PERMIT, STUDENT_WORK_PERMIT,
};
use imp_shared::visa_chooser::{
    choose, job_seeking_stay_until, student_permit_until, DegreeLevel, Situation, Warning, Why,
};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn situation(graduation: &str, start: &str, end: &str) -> Situation {
    let optional = |text: &str| (!text.is_empty()).then(|| d(text));
    Situation {
        today: d("2026-03-01"),
        graduation_date: optional(graduation),
        placement_start: optional(start),
        placement_end: optional(end),
        residence_card_expiry: None,
        degree: Some(DegreeLevel::Bachelor),
        hong_kong_macau: false,
    }
}

const AFTER: [&str; 4] = [
    GRADUATE_POINTS_WORK_PERMIT,
    PROFESSIONAL_WORK_PERMIT,
    EMPLOYMENT_GOLD_CARD,
    "",
];

struct Case {
    name: &'static str,
    situation: Situation,
    routes: Vec<&'static str>,
    warnings: Vec<Warning>,
}

fn cases() -> Vec<Case> {
    let graduation = d("2026-06-20");
    vec![
        Case {
            name: "a summer placement a year before graduating",
            situation: situation("2027-06-20", "2026-07-01", "2026-08-31"),
            routes: vec![STUDENT_WORK_PERMIT],
            warnings: vec![],
        },
        Case {
            name: "a placement that starts after graduation (the timing trap)",
            situation: situation("2026-06-20", "2026-07-15", "2026-12-31"),
            routes: vec![JOB_SEEKING_RESIDENCE],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation,
                start: d("2026-07-15"),
            }],
        },
        Case {
            name: "a placement across graduation, applied for late",
            situation: situation("2026-06-20", "2026-03-02", "2026-08-31"),
            routes: vec![STUDENT_WORK_PERMIT, JOB_SEEKING_RESIDENCE],
            warnings: vec![
                Warning::CrossesGraduation { graduation },
                // 21 days before 2026-03-02.
                Warning::DeadlinePassed {
                    route_id: STUDENT_WORK_PERMIT.to_owned(),
                    step_id: "apply".to_owned(),
                    due: d("2026-02-09"),
                },
            ],
        },
        Case {
            name: "a long placement while enrolled outlives the first student permit",
            situation: situation("2027-06-20", "2026-08-01", "2027-03-31"),
            routes: vec![STUDENT_WORK_PERMIT],
            warnings: vec![Warning::StudentPermitExpiresMidPlacement {
                expires: d("2026-09-30"),
            }],
        },
        Case {
            name: "the residence card expires mid-placement",
            situation: Situation {
                residence_card_expiry: Some(d("2026-08-15")),
                ..situation("2027-06-20", "2026-07-01", "2026-08-31")
            },
            routes: vec![STUDENT_WORK_PERMIT],
            warnings: vec![Warning::ResidenceCardExpiresMidPlacement {
                expires: d("2026-08-15"),
            }],
        },
        Case {
            name: "a Hong Kong student's job outlasts the one-year stay",
            situation: Situation {
                hong_kong_macau: true,
                degree: Some(DegreeLevel::Master),
                ..situation("2026-06-20", "2026-07-01", "2027-12-31")
            },
            routes: vec![JOB_SEEKING_RESIDENCE, AFTER[0], AFTER[1], AFTER[2]],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation,
                start: d("2026-07-01"),
            }],
        },
        Case {
            name: "the same job fits in another student's two-year stay",
            situation: Situation {
                degree: Some(DegreeLevel::Master),
                ..situation("2026-06-20", "2026-07-01", "2027-12-31")
            },
            routes: vec![JOB_SEEKING_RESIDENCE],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation,
                start: d("2026-07-01"),
            }],
        },
        Case {
            name: "a doctorate's three-year job needs a permit after the stay",
            situation: Situation {
                degree: Some(DegreeLevel::Doctorate),
                ..situation("2026-06-20", "2026-07-01", "2029-06-30")
            },
            routes: vec![JOB_SEEKING_RESIDENCE, AFTER[0], AFTER[1], AFTER[2]],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation,
                start: d("2026-07-01"),
            }],
        },
        Case {
            name: "an associate degree has no points route",
            situation: Situation {
                degree: Some(DegreeLevel::Associate),
                ..situation("2026-06-20", "2026-07-01", "2029-06-30")
            },
            routes: vec![JOB_SEEKING_RESIDENCE, AFTER[1], AFTER[2]],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation,
                start: d("2026-07-01"),
            }],
        },
        Case {
            name: "no graduation date",
            situation: situation("", "2026-07-01", "2026-08-31"),
            routes: vec![],
            warnings: vec![Warning::GraduationDateUnknown],
        },
        Case {
            name: "no placement yet, weeks after graduating",
            situation: Situation {
                today: d("2026-07-10"),
                ..situation("2026-06-20", "", "")
            },
            routes: vec![JOB_SEEKING_RESIDENCE],
            warnings: vec![
                Warning::PlacementDatesUnknown,
                Warning::DeadlinePassed {
                    route_id: JOB_SEEKING_RESIDENCE.to_owned(),
                    step_id: "apply".to_owned(),
                    due: d("2026-07-04"),
                },
            ],
        },
        Case {
            name: "a placement that ends before it starts",
            situation: situation("2026-06-20", "2026-09-01", "2026-08-01"),
            routes: vec![],
            warnings: vec![Warning::PlacementEndsBeforeStart],
        },
        Case {
            name: "graduated years ago: the stay is over, straight to a permit",
            situation: situation("2023-06-20", "2026-07-01", "2026-12-31"),
            routes: vec![AFTER[0], AFTER[1], AFTER[2]],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation: d("2023-06-20"),
                start: d("2026-07-01"),
            }],
        },
        Case {
            name: "an open-ended job starting in the last term",
            situation: situation("2026-06-20", "2026-05-01", ""),
            routes: vec![STUDENT_WORK_PERMIT, JOB_SEEKING_RESIDENCE],
            warnings: vec![Warning::CrossesGraduation { graduation }],
        },
        Case {
            name: "a placement ending on graduation day counts a day after it",
            situation: situation("2026-06-20", "2026-04-01", "2026-06-20"),
            routes: vec![STUDENT_WORK_PERMIT, JOB_SEEKING_RESIDENCE],
            warnings: vec![Warning::CrossesGraduation { graduation }],
        },
        Case {
            name: "an unknown degree is treated as the lowest that qualifies",
            situation: Situation {
                degree: None,
                ..situation("2026-06-20", "2026-07-01", "2029-06-30")
            },
            routes: vec![JOB_SEEKING_RESIDENCE, AFTER[1], AFTER[2]],
            warnings: vec![Warning::StartsAfterGraduation {
                graduation,
                start: d("2026-07-01"),
            }],
        },
    ]
}

#[test]
fn the_chooser_proposes_the_routes_of_each_situation_with_its_warnings() {
    let routes = builtin_routes();
    let cases = cases();
    assert!(cases.len() >= 12);
    for case in cases {
        let advice = choose(&case.situation, &routes);
        assert_eq!(advice.route_ids(), case.routes, "{}: routes", case.name);
        assert_eq!(advice.warnings, case.warnings, "{}: warnings", case.name);
    }
}

#[test]
fn the_reasons_carry_the_dates_the_student_sees() {
    let routes = builtin_routes();
    let advice = choose(
        &situation("2026-06-20", "2026-03-02", "2026-08-31"),
        &routes,
    );
    assert_eq!(
        advice.proposals[0].why,
        Why::WorkBeforeGraduation {
            from: d("2026-03-02"),
            until: d("2026-06-19"),
        }
    );
    assert_eq!(
        advice.proposals[1].why,
        Why::WorkAfterGraduation {
            graduation: d("2026-06-20"),
            stay_until: d("2028-06-19"),
        }
    );
    let hong_kong = Situation {
        hong_kong_macau: true,
        ..situation("2026-06-20", "2026-07-01", "2027-12-31")
    };
    let advice = choose(&hong_kong, &routes);
    assert_eq!(
        advice.proposals[1].why,
        Why::WorkBeyondJobSeeking {
            stay_until: d("2027-06-19")
        }
    );
    assert_eq!(advice.proposals[3].why, Why::GoldCardAlternative);
}

#[test]
fn the_longest_job_seeking_stay_across_month_ends_and_leap_days() {
    let table = [
        ("2026-06-20", false, "2028-06-19"),
        ("2026-06-20", true, "2027-06-19"),
        ("2028-02-29", true, "2029-02-27"),
        ("2028-02-29", false, "2030-02-27"),
        ("2027-03-01", true, "2028-02-29"),
        ("2026-01-31", false, "2028-01-30"),
    ];
    for (graduation, hong_kong_macau, until) in table {
        assert_eq!(
            job_seeking_stay_until(d(graduation), hong_kong_macau),
            Some(d(until)),
            "{graduation} hk/macau={hong_kong_macau}"
        );
    }
}

#[test]
fn a_student_permit_ends_at_the_first_of_its_limits() {
    // (issued, graduation, last valid day)
    let table = [
        // 30 September of the academic year comes first.
        ("2026-08-01", "2027-06-20", "2026-09-30"),
        // Issued in October: the next academic year ends 30 September 2027; a year ends first.
        ("2026-10-15", "2028-06-20", "2027-09-30"),
        ("2026-10-01", "2028-06-20", "2027-09-30"),
        // Graduating this academic year: 30 June, and never past the day before graduation.
        ("2026-02-01", "2026-07-15", "2026-06-30"),
        ("2026-02-01", "2026-06-10", "2026-06-09"),
        // Leap year: a permit issued on 29 February 2028 lasts to 28 February 2029 at most.
        ("2028-02-29", "2030-06-20", "2028-09-30"),
        ("2027-10-01", "2029-06-20", "2028-09-30"),
    ];
    for (issued, graduation, until) in table {
        assert_eq!(
            student_permit_until(d(issued), d(graduation)),
            Some(d(until)),
            "issued {issued}, graduating {graduation}"
        );
    }
}

#[test]
fn deadlines_follow_the_program_s_current_templates() {
    // Staff moved the student permit's lead time: the warning follows the template, not code.
    let mut routes = builtin_routes();
    let permit = routes
        .iter_mut()
        .find(|route| route.id == STUDENT_WORK_PERMIT)
        .expect("the student permit route");
    permit.steps[0].due = imp_shared::visa::DueRule::DaysBefore {
        anchor: imp_shared::visa::Anchor::PlacementStart,
        days: 60,
    };
    let advice = choose(
        &situation("2027-06-20", "2026-04-01", "2026-08-31"),
        &routes,
    );
    assert_eq!(
        advice.warnings,
        vec![Warning::DeadlinePassed {
            route_id: STUDENT_WORK_PERMIT.to_owned(),
            step_id: "apply".to_owned(),
            due: d("2026-01-31"),
        }]
    );
    let builtin = choose(
        &situation("2027-06-20", "2026-04-01", "2026-08-31"),
        &builtin_routes(),
    );
    assert_eq!(builtin.warnings, vec![]);
}

#[test]
fn degree_levels_read_their_wire_names() {
    for level in DegreeLevel::ALL {
        assert_eq!(DegreeLevel::parse(level.as_str()), Some(level));
    }
    assert_eq!(DegreeLevel::parse("diploma"), None);
}

#[test]
fn newer_built_in_routes_replace_older_stored_ones_and_staff_edits_stay() {
    use imp_shared::visa_chooser::current_routes;
    let builtin = builtin_routes();
    let mut old_seed = builtin.clone();
    for route in &mut old_seed {
        route.version -= 1;
        route.name = format!("{} (old)", route.name);
    }
    // A program seeded with the previous versions gets the built-in ones.
    assert_eq!(current_routes(old_seed.clone(), builtin.clone()), builtin);

    // Staff corrected one route after the built-in version: theirs stays, in its place.
    let mut edited = builtin[1].clone();
    edited.version += 1;
    edited.steps[0].fee_twd = Some(1234);
    let mut stored = old_seed.clone();
    stored[1] = edited.clone();
    let routes = current_routes(stored, builtin.clone());
    assert_eq!(routes[1], edited);
    assert_eq!(routes.len(), builtin.len());

    // A program's own route comes after the built-in ones; an empty program gets the built-ins.
    let mut own = builtin[0].clone();
    own.id = "a-program-route".to_owned();
    let routes = current_routes(vec![own.clone()], builtin.clone());
    assert_eq!(routes.last(), Some(&own));
    assert_eq!(routes.len(), builtin.len() + 1);
    assert_eq!(current_routes(Vec::new(), builtin.clone()), builtin);
}

#[test]
fn moving_a_checklist_to_a_new_version_keeps_the_student_s_progress() {
    use chrono::TimeZone;
    use imp_shared::apply::{MemoryRecords, RecordKey};
    use imp_shared::client::replay;
    use imp_shared::domain::{Entity, RecordKind, VisaStep, VisaStepState};
    use imp_shared::ids::{MutationSeq, RecordId, SpaceId, UserId};
    use imp_shared::mutation::PendingMutation;
    use imp_shared::permissions::Actor;
    use imp_shared::visa::{checklist, follows_older_version, move_to_version, Anchors};

    let anchors = Anchors {
        graduation_date: Some(d("2027-06-20")),
        placement_start: Some(d("2027-09-01")),
        ..Anchors::default()
    };
    let mut route = builtin_routes()
        .into_iter()
        .find(|route| route.id == GRADUATE_POINTS_WORK_PERMIT)
        .expect("the points route");
    // The student took version 2 and handed in the first step.
    let mut steps: Vec<(RecordId, VisaStep)> = checklist(&route, &anchors)
        .into_iter()
        .map(|planned| {
            (
                imp_shared::visa::step_record_id(&planned.route_id, &planned.step.id),
                planned.to_visa_step(),
            )
        })
        .collect();
    steps[0].1.state = VisaStepState::Submitted;
    assert!(!follows_older_version(&route, &steps));

    // Staff correct the employer's fee and add a step: version 3.
    route.version = 3;
    let employer = route
        .steps
        .iter_mut()
        .find(|step| step.id == "employer-applies")
        .expect("the employer's step");
    employer.fee_twd = Some(600);
    let mut added = route.steps[0].clone();
    added.id = "new-step".to_owned();
    added.title = "A step new in version 3".to_owned();
    route.steps.push(added);
    assert!(follows_older_version(&route, &steps));

    let mutations = move_to_version(&route, &anchors, &steps);
    assert_eq!(mutations.len(), route.steps.len());
    let student = UserId::from("s-1");
    let actor = Actor {
        user_id: student.clone(),
        role: imp_shared::domain::Role::Student,
    };
    let space = SpaceId::Student(student);
    let mut base = MemoryRecords::default();
    for (id, step) in &steps {
        base.records.insert(
            RecordKey {
                kind: RecordKind::VisaStep,
                id: id.clone(),
            },
            Entity::VisaStep(step.clone()),
        );
    }
    let now = chrono::Utc
        .with_ymd_and_hms(2027, 3, 1, 9, 0, 0)
        .single()
        .expect("a fixed clock");
    let outbox: Vec<PendingMutation> = mutations
        .into_iter()
        .zip(1..)
        .map(|(mutation, seq)| PendingMutation {
            seq: MutationSeq(seq),
            mutation,
        })
        .collect();
    let after = replay(&base, &outbox, &actor, &space, now);
    let moved: Vec<(RecordId, VisaStep)> = after
        .records
        .iter()
        .filter_map(|(key, entity)| match entity {
            Entity::VisaStep(step) => Some((key.id.clone(), step.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        moved.len(),
        route.steps.len(),
        "nothing refused, one new step"
    );
    let step_of = |id: &str| {
        moved
            .iter()
            .find(|(record, _)| record.0 == id)
            .map(|(_, step)| step.clone())
            .unwrap_or_else(|| panic!("{id} is not on the checklist"))
    };
    let first = step_of(&steps[0].0 .0);
    assert_eq!(first.state, VisaStepState::Submitted, "progress kept");
    assert_eq!(first.route_version, 3);
    let employer = step_of("visa-graduate-points-work-permit-employer-applies");
    assert_eq!(
        (employer.fee_twd, employer.route_version, employer.state),
        (Some(600), 3, VisaStepState::Todo)
    );
    let new = step_of("visa-graduate-points-work-permit-new-step");
    assert_eq!(
        (new.title.as_str(), new.state),
        ("A step new in version 3", VisaStepState::Todo)
    );
    assert!(!follows_older_version(&route, &moved));
}

#[test]
fn the_steps_an_employer_takes_are_marked_for_the_hiring_page() {
    let routes = builtin_routes();
    let by_employer = |id: &str| -> Vec<String> {
        routes
            .iter()
            .find(|route| route.id == id)
            .expect("a built-in route")
            .steps
            .iter()
            .filter(|step| step.by_employer)
            .map(|step| step.id.clone())
            .collect()
    };
    assert_eq!(
        by_employer(GRADUATE_POINTS_WORK_PERMIT),
        ["employer-applies"]
    );
    assert_eq!(
        by_employer(PROFESSIONAL_WORK_PERMIT),
        ["requirements", "employer-applies"]
    );
    for id in [
        STUDENT_WORK_PERMIT,
        JOB_SEEKING_RESIDENCE,
        EMPLOYMENT_GOLD_CARD,
    ] {
        assert!(
            by_employer(id).is_empty(),
            "{id}: the graduate takes every step"
        );
    }
}
