//! Evaluations and outcome surveys (`imp_shared::evaluation`): when each is due (tables with the
//! edge days), the rules answers meet (against the built-in and a staff-made template), who may
//! answer which, what they change in the summary, the funnel and the inbox, and the CSV export.

mod common;

use chrono::FixedOffset;
use serde_json::json;

use common::{at, day, from};
use imp_shared::apply::{apply, ApplyContext, Change, MemoryRecords, RecordKey};
use imp_shared::dashboard::{funnel_stage, FunnelStage};
use imp_shared::domain::{
    Entity, EntityPatch, Evaluation, EvaluationPatch, EvaluationTemplate, Placement,
    PlacementState, RecordKind, Role,
};
use imp_shared::error::{Denial, MutationError, Problem};
use imp_shared::evaluation::{
    built_in, check_answers, due_evaluations, evaluation_id, survey_outcome, template_id,
    validate_template, windows, Answer, EvaluationKind, DEFAULT_PLACEMENT_DAYS,
};
use imp_shared::exports::{evaluations_csv, EVALUATIONS_HEADER};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::inbox::{space_items, Clock, Item, Reader};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::Actor;
use imp_shared::summary::summarize;

use EvaluationKind::*;

fn id(text: &str) -> RecordId {
    RecordId::from(text)
}

fn actor(user: &str, role: Role) -> Actor {
    Actor {
        user_id: UserId::from(user),
        role,
    }
}

fn scale(question: &str, point: u8) -> Answer {
    Answer {
        question: question.to_owned(),
        scale: Some(point),
        ..Answer::default()
    }
}

fn yes(question: &str, yes: bool) -> Answer {
    Answer {
        question: question.to_owned(),
        yes: Some(yes),
        ..Answer::default()
    }
}

fn words(question: &str, text: &str) -> Answer {
    Answer {
        question: question.to_owned(),
        text: text.to_owned(),
        ..Answer::default()
    }
}

/// A placement of `stu-1` with mentor `m-1` that became active on 1 March 2027 (Taipei morning).
fn placement(state: &str, ended_at: Option<&str>) -> Placement {
    from(json!({
        "student_id": "stu-1", "position_id": "pos-1", "mentor_id": "m-1", "state": state,
        "started_at": "2027-03-01T01:00:00Z", "ended_at": ended_at,
    }))
}

fn final_answers() -> Vec<Answer> {
    vec![
        scale("performance", 4),
        scale("progress", 5),
        words("strengths", "Careful with data"),
    ]
}

fn evaluation(kind: EvaluationKind, answers: Vec<Answer>) -> Evaluation {
    Evaluation {
        placement_id: id("placement-2027"),
        kind,
        template_id: template_id(kind, 1),
        template_version: 1,
        answers,
        author: None,
        submitted_at: None,
    }
}

#[test]
fn each_evaluation_opens_and_falls_due_on_its_day() {
    // 1 March to 29 August 2027 (181 days): the middle is 30 May.
    let all = windows(day("2027-03-01"), day("2027-08-29"), None);
    let table: Vec<(EvaluationKind, &str, &str)> = all
        .iter()
        .map(|w| (w.kind, "", ""))
        .zip([
            ("2027-03-01", "2027-03-15"),
            ("2027-05-30", "2027-06-13"),
            ("2027-08-15", "2027-09-12"),
            ("2027-08-15", "2027-09-12"),
            ("2027-11-29", "2027-12-29"),
            ("2028-02-29", "2028-03-30"),
            ("2028-08-29", "2028-09-28"),
        ])
        .map(|((kind, _, _), (opens, due))| (kind, opens, due))
        .collect();
    assert_eq!(
        all.iter().map(|w| w.kind).collect::<Vec<_>>(),
        EvaluationKind::ALL
    );
    for (window, (kind, opens, due)) in all.iter().zip(table) {
        assert_eq!(
            (window.kind, window.opens, window.due),
            (kind, day(opens), day(due)),
            "{kind:?}"
        );
    }
    // A placement that ended before its middle has no mid-point evaluation; its closing ones
    // open on the start when it was shorter than two weeks.
    let short = windows(
        day("2027-03-01"),
        day("2027-08-29"),
        Some(day("2027-03-05")),
    );
    assert!(!short.iter().any(|w| w.kind == MentorMidpoint));
    let closing = short
        .iter()
        .find(|w| w.kind == MentorFinal)
        .map(|w| w.opens);
    assert_eq!(closing, Some(day("2027-03-01")));
    // Ended after the middle: the mid-point evaluation stays; the closing ones move up.
    let late = windows(
        day("2027-03-01"),
        day("2027-08-29"),
        Some(day("2027-07-01")),
    );
    assert!(late.iter().any(|w| w.kind == MentorMidpoint));
    let closing = late
        .iter()
        .find(|w| w.kind == SelfAfter)
        .map(|w| (w.opens, w.due));
    assert_eq!(closing, Some((day("2027-06-17"), day("2027-07-15"))));
}

#[test]
fn what_each_side_owes_on_a_day() {
    let placements = vec![(id("placement-2027"), placement("active", None))];
    let none: Vec<(RecordId, Evaluation)> = Vec::new();
    // The placement's mentor is m-1.
    let mentor = UserId::from("m-1");
    let reader = |role: Role| match role {
        Role::Mentor => Reader::Mentor(&mentor),
        _ => Reader::Student,
    };
    let owed =
        |role: Role, today: &str, answered: &[(RecordId, Evaluation)]| -> Vec<EvaluationKind> {
            due_evaluations(&placements, None, answered, reader(role), day(today))
                .into_iter()
                .map(|due| due.window.kind)
                .collect()
        };
    // Without a planned end the placement runs DEFAULT_PLACEMENT_DAYS: to 30 August 2027.
    assert_eq!(DEFAULT_PLACEMENT_DAYS, 182);
    let table: [(Role, &str, Vec<EvaluationKind>); 11] = [
        (Role::Student, "2027-02-28", vec![]),
        (Role::Student, "2027-03-01", vec![SelfBefore]),
        // Overdue, still asked: 60 days past its due day (15 March) it leaves.
        (Role::Student, "2027-05-14", vec![SelfBefore]),
        (Role::Student, "2027-05-15", vec![]),
        (Role::Mentor, "2027-05-30", vec![]),
        (Role::Mentor, "2027-05-31", vec![MentorMidpoint]),
        // The mid-point evaluation was due 14 June; 60 days on it has left.
        (Role::Mentor, "2027-08-13", vec![MentorMidpoint]),
        (Role::Mentor, "2027-08-16", vec![MentorFinal]),
        (Role::Student, "2027-08-16", vec![SelfAfter]),
        (Role::Student, "2027-11-12", vec![SelfAfter]),
        (Role::Student, "2027-11-30", vec![Outcome3]),
    ];
    for (role, today, expected) in table {
        assert_eq!(owed(role, today, &none), expected, "{role:?} on {today}");
    }
    // Answered: no longer owed.
    let answered = vec![(
        evaluation_id(SelfBefore, &id("placement-2027")),
        evaluation(SelfBefore, Vec::new()),
    )];
    assert!(owed(Role::Student, "2027-03-02", &answered).is_empty());
    // A placement not started yet owes nothing; one ended early owes its closing evaluations
    // from the day it ended.
    let confirmed = vec![(
        id("placement-2027"),
        from::<Placement>(json!({
            "student_id": "stu-1", "position_id": "pos-1", "mentor_id": "m-1", "state": "confirmed",
        })),
    )];
    assert!(
        due_evaluations(&confirmed, None, &none, Reader::Student, day("2027-03-10")).is_empty()
    );
    let ended = vec![(
        id("placement-2027"),
        placement("ended_early", Some("2027-03-20T05:00:00Z")),
    )];
    let kinds: Vec<EvaluationKind> =
        due_evaluations(&ended, None, &none, reader(Role::Mentor), day("2027-03-20"))
            .into_iter()
            .map(|due| due.window.kind)
            .collect();
    assert_eq!(kinds, vec![MentorFinal]);
    // The student's planned last day decides the end when it is after the start.
    let planned = due_evaluations(
        &placements,
        Some(day("2027-06-30")),
        &none,
        Reader::Student,
        day("2027-06-16"),
    );
    assert_eq!(
        planned
            .iter()
            .map(|due| due.window.kind)
            .collect::<Vec<_>>(),
        vec![SelfAfter]
    );
}

#[test]
fn answers_must_fit_the_template() {
    let template = built_in(MentorFinal);
    let refused = |answers: Vec<Answer>| match check_answers(&template, &answers) {
        Err(MutationError::Invalid { field, problem }) => {
            assert_eq!(field, "answers");
            problem
        }
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(check_answers(&template, &final_answers()), Ok(()));
    let mut missing = final_answers();
    missing.remove(2);
    assert_eq!(refused(missing), Problem::Unanswered { number: 3 });
    let mut blank = final_answers();
    blank[2] = words("strengths", "   ");
    assert_eq!(refused(blank), Problem::Unanswered { number: 3 });
    let mut off_scale = final_answers();
    off_scale[0] = scale("performance", 6);
    assert_eq!(refused(off_scale), Problem::WrongAnswer { number: 1 });
    let mut zero = final_answers();
    zero[1] = scale("progress", 0);
    assert_eq!(refused(zero), Problem::WrongAnswer { number: 2 });
    let mut words_for_yes = final_answers();
    words_for_yes.push(words("offer", "maybe"));
    assert_eq!(refused(words_for_yes), Problem::WrongAnswer { number: 5 });
    let mut unknown = final_answers();
    unknown.push(yes("salary", true));
    assert_eq!(refused(unknown), Problem::UnknownQuestion);
    let mut twice = final_answers();
    twice.push(scale("performance", 2));
    assert_eq!(refused(twice), Problem::QuestionTwice { number: 1 });
    // An outcome survey's template keeps its yes/no questions on employment and Taiwan.
    let mut survey = built_in(Outcome3);
    assert_eq!(validate_template(&survey), Ok(()));
    survey.questions.retain(|q| q.id != "in_taiwan");
    assert!(matches!(
        validate_template(&survey),
        Err(MutationError::Invalid {
            problem: Problem::OutcomeQuestions,
            ..
        })
    ));
}

/// Stu-1's space with the placement, as the server holds it.
fn space_records(state: &str) -> MemoryRecords {
    let mut records = MemoryRecords::default();
    records.records.insert(
        RecordKey {
            kind: RecordKind::Placement,
            id: id("placement-2027"),
        },
        Entity::Placement(placement(state, None)),
    );
    records.records.insert(
        RecordKey {
            kind: RecordKind::StudentProfile,
            id: id("stu-1"),
        },
        Entity::StudentProfile(from(json!({
            "display_name": "Linh", "cohort_year": 2027,
        }))),
    );
    records
}

fn create(record: Evaluation) -> Mutation {
    Mutation::Create {
        id: evaluation_id(record.kind, &record.placement_id),
        record: Entity::Evaluation(record),
    }
}

fn run(
    who: &Actor,
    view: &MemoryRecords,
    program: Option<&MemoryRecords>,
    mutation: &Mutation,
) -> Result<Vec<Change>, MutationError> {
    let space = SpaceId::Student(UserId::from("stu-1"));
    let context = ApplyContext {
        program: program.map(|p| p as &dyn imp_shared::apply::RecordView),
        ..ApplyContext::new(who, &space, at("2027-08-20T02:00:00Z"))
    };
    apply(view, &context, mutation)
}

#[test]
fn each_side_answers_its_own_evaluations_once() {
    let view = space_records("active");
    let program = MemoryRecords::default();
    let mentor = actor("m-1", Role::Mentor);
    let student = actor("stu-1", Role::Student);
    // The mentor's final evaluation: stamped with who and when.
    let changes = run(
        &mentor,
        &view,
        Some(&program),
        &create(evaluation(MentorFinal, final_answers())),
    )
    .unwrap_or_else(|error| panic!("the mentor's final evaluation: {error}"));
    match changes.first().and_then(|change| change.record.as_ref()) {
        Some(Entity::Evaluation(written)) => {
            assert_eq!(written.author, Some(UserId::from("m-1")));
            assert_eq!(written.submitted_at, Some(at("2027-08-20T02:00:00Z")));
        }
        other => panic!("expected the evaluation, got {other:?}"),
    }
    let denial = |result: Result<Vec<Change>, MutationError>| match result {
        Err(MutationError::Forbidden { denial }) => denial,
        other => panic!("expected a permission refusal, got {other:?}"),
    };
    // The student does not answer the mentor's; the mentor not the student's.
    assert_eq!(
        denial(run(
            &student,
            &view,
            Some(&program),
            &create(evaluation(MentorFinal, final_answers()))
        )),
        Denial::NotYourEvaluation
    );
    let before = vec![words("goals", "Learn SQL"), scale("skills", 3)];
    assert_eq!(
        denial(run(
            &mentor,
            &view,
            Some(&program),
            &create(evaluation(SelfBefore, before.clone()))
        )),
        Denial::NotYourEvaluation
    );
    assert!(run(
        &student,
        &view,
        Some(&program),
        &create(evaluation(SelfBefore, before))
    )
    .is_ok());
    // Another mentor has no access to the space at all.
    assert_eq!(
        denial(run(
            &actor("m-2", Role::Mentor),
            &view,
            Some(&program),
            &create(evaluation(MentorFinal, final_answers()))
        )),
        Denial::NoAccess
    );
    // One record per kind and placement: another id is refused.
    let other_id = Mutation::Create {
        id: id("ev-mine"),
        record: Entity::Evaluation(evaluation(MentorFinal, final_answers())),
    };
    assert!(matches!(
        run(&mentor, &view, Some(&program), &other_id),
        Err(MutationError::Invalid { ref field, problem: Problem::NotAnId }) if field == "id"
    ));
    // Final once sent: the author cannot change or delete it.
    let mut answered = view.clone();
    answered.records.insert(
        RecordKey {
            kind: RecordKind::Evaluation,
            id: evaluation_id(MentorFinal, &id("placement-2027")),
        },
        Entity::Evaluation(Evaluation {
            author: Some(UserId::from("m-1")),
            ..evaluation(MentorFinal, final_answers())
        }),
    );
    let update = Mutation::Update {
        id: evaluation_id(MentorFinal, &id("placement-2027")),
        patch: EntityPatch::Evaluation(EvaluationPatch::default()),
    };
    assert_eq!(
        denial(run(&mentor, &answered, Some(&program), &update)),
        Denial::EvaluationsFinal
    );
    // A missing required answer is refused with its number.
    let mut short = final_answers();
    short.truncate(1);
    assert!(matches!(
        run(
            &mentor,
            &view,
            Some(&program),
            &create(evaluation(MentorFinal, short))
        ),
        Err(MutationError::Invalid {
            problem: Problem::Unanswered { number: 2 },
            ..
        })
    ));
}

#[test]
fn answers_are_judged_by_the_template_version_they_name() {
    let view = space_records("active");
    let mentor = actor("m-1", Role::Mentor);
    // Staff's version 2 asks one question more, required.
    let mut v2 = built_in(MentorFinal);
    v2.version = 2;
    v2.questions.push(from(json!({
        "id": "teamwork", "text": "Teamwork (1–5)", "answer": "scale", "required": true,
    })));
    let mut program = MemoryRecords::default();
    program.records.insert(
        RecordKey {
            kind: RecordKind::EvaluationTemplate,
            id: template_id(MentorFinal, 2),
        },
        Entity::EvaluationTemplate(v2),
    );
    let on_v2 = |answers: Vec<Answer>| Evaluation {
        template_id: template_id(MentorFinal, 2),
        template_version: 2,
        ..evaluation(MentorFinal, answers)
    };
    assert!(matches!(
        run(
            &mentor,
            &view,
            Some(&program),
            &create(on_v2(final_answers()))
        ),
        Err(MutationError::Invalid {
            problem: Problem::Unanswered { number: 6 },
            ..
        })
    ));
    let mut full = final_answers();
    full.push(scale("teamwork", 4));
    assert!(run(&mentor, &view, Some(&program), &create(on_v2(full))).is_ok());
    // Version 1 stays answerable (built in), and a template of another kind is refused.
    assert!(run(
        &mentor,
        &view,
        Some(&program),
        &create(evaluation(MentorFinal, final_answers()))
    )
    .is_ok());
    let wrong = Evaluation {
        template_id: template_id(SelfAfter, 1),
        ..evaluation(MentorFinal, final_answers())
    };
    assert!(matches!(
        run(&mentor, &view, Some(&program), &create(wrong)),
        Err(MutationError::Invalid {
            problem: Problem::WrongTemplate,
            ..
        })
    ));
    // A template the program does not hold is unknown to the server; a client replaying its
    // outbox without program records leaves it to the server.
    let unknown = Evaluation {
        template_id: template_id(MentorFinal, 9),
        template_version: 9,
        ..evaluation(MentorFinal, final_answers())
    };
    assert!(matches!(
        run(&mentor, &view, Some(&program), &create(unknown.clone())),
        Err(MutationError::NotFound {
            kind: RecordKind::EvaluationTemplate,
            ..
        })
    ));
    assert!(run(&mentor, &view, None, &create(unknown)).is_ok());
    // A staff template's id names its kind and version.
    let mut v3 = built_in(MentorFinal);
    v3.version = 3;
    let staff = actor("staff-1", Role::Staff);
    let context = ApplyContext::new(&staff, &SpaceId::Program, at("2027-08-20T02:00:00Z"));
    let misnamed = Mutation::Create {
        id: template_id(MentorFinal, 2),
        record: Entity::EvaluationTemplate(v3.clone()),
    };
    assert!(apply(&MemoryRecords::default(), &context, &misnamed).is_err());
    let named = Mutation::Create {
        id: template_id(MentorFinal, 3),
        record: Entity::EvaluationTemplate(v3),
    };
    assert!(apply(&MemoryRecords::default(), &context, &named).is_ok());
}

#[test]
fn the_latest_outcome_survey_is_the_students_outcome_and_a_closing_evaluation_is_a_funnel_stage() {
    let mut view = space_records("completed");
    let put = |view: &mut MemoryRecords, kind: EvaluationKind, answers: Vec<Answer>| {
        view.records.insert(
            RecordKey {
                kind: RecordKind::Evaluation,
                id: evaluation_id(kind, &id("placement-2027")),
            },
            Entity::Evaluation(evaluation(kind, answers)),
        );
    };
    put(
        &mut view,
        Outcome3,
        vec![yes("employed", false), yes("in_taiwan", true)],
    );
    let student = UserId::from("stu-1");
    let now = at("2027-12-01T00:00:00Z");
    let summary = summarize(&view, &student, now).unwrap_or_else(|| panic!("a summary"));
    let outcome = summary
        .outcome
        .clone()
        .unwrap_or_else(|| panic!("an outcome"));
    assert_eq!((outcome.employed, outcome.in_taiwan), (false, false));
    // Started, not evaluated: only the closing evaluations count.
    assert_eq!(funnel_stage(&summary), FunnelStage::Started);
    put(&mut view, MentorMidpoint, Vec::new());
    let summary = summarize(&view, &student, now).unwrap_or_else(|| panic!("a summary"));
    assert_eq!(funnel_stage(&summary), FunnelStage::Started);
    put(&mut view, SelfAfter, Vec::new());
    let summary = summarize(&view, &student, now).unwrap_or_else(|| panic!("a summary"));
    assert_eq!(funnel_stage(&summary), FunnelStage::Evaluated);
    // Six months on they work in Taiwan on a route: the later survey decides.
    put(
        &mut view,
        Outcome6,
        vec![
            yes("employed", true),
            yes("in_taiwan", true),
            words("route", "job-seeking-residence"),
            words("employer", "Acme Taipei"),
        ],
    );
    let summary = summarize(&view, &student, now).unwrap_or_else(|| panic!("a summary"));
    let outcome = summary
        .outcome
        .clone()
        .unwrap_or_else(|| panic!("an outcome"));
    assert_eq!(
        (
            outcome.employed,
            outcome.in_taiwan,
            outcome.visa_route.as_deref()
        ),
        (true, true, Some("job-seeking-residence"))
    );
    assert_eq!(funnel_stage(&summary), FunnelStage::WorkingInTaiwan);
    assert_eq!(summary.evaluations.len(), 4);
    assert_eq!(survey_outcome(&[]), None);
    // The export lists every answer given, one row each, with the template's question.
    let csv = evaluations_csv(&[(id("stu-1"), summary)], &[]);
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], EVALUATIONS_HEADER.join(","));
    assert_eq!(lines.len(), 1 + 2 + 4);
    assert!(
        lines.contains(
            &"stu-1,Linh,2027,placement-2027,outcome_6m,1,,,employer,Employer,text,Acme Taipei"
        ),
        "{csv}"
    );
    assert!(
        lines.contains(
            &"stu-1,Linh,2027,placement-2027,outcome_3m,1,,,employed,Are you employed?,yes_no,no"
        ),
        "{csv}"
    );
}

#[test]
fn owed_evaluations_and_a_mentees_flags_reach_the_inbox() {
    let view = space_records("active");
    let program = MemoryRecords::default();
    let student = UserId::from("stu-1");
    let mentor = UserId::from("m-1");
    let clock_at = |now: &str| Clock {
        now: at(now),
        offset: FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| panic!("+08:00")),
    };
    // 1 May 2027, 10:00 in Taipei: the self-assessment before is overdue.
    let clock = clock_at("2027-05-01T02:00:00Z");
    let items = space_items(&student, &view, &program, Reader::Student, clock);
    let keys: Vec<&str> = items.iter().map(|(item, _)| item.key.as_str()).collect();
    assert_eq!(keys, ["evaluation:stu-1:ev-self_before-placement-2027"]);
    match &items[0].0.item {
        Item::EvaluationDue {
            kind,
            due,
            days_left,
            ..
        } => assert_eq!(
            (*kind, *due, *days_left),
            (SelfBefore, day("2027-03-15"), -47)
        ),
        other => panic!("expected an evaluation, got {other:?}"),
    }
    assert_eq!(items[0].0.item.path(), "/evaluations");
    // 1 June: the mentor owes the mid-point evaluation, and is told no session was held since
    // the start and the student has not been active since (first, being due at once), with the
    // mentee's name.
    let clock = clock_at("2027-06-01T02:00:00Z");
    let items = space_items(&student, &view, &program, Reader::Mentor(&mentor), clock);
    let keys: Vec<&str> = items.iter().map(|(item, _)| item.key.as_str()).collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys[0].starts_with("pair:stu-1:inactive:"), "{keys:?}");
    assert!(
        keys[1].starts_with("pair:stu-1:no_first_session:"),
        "{keys:?}"
    );
    assert_eq!(
        keys[2],
        "evaluation:stu-1:ev-mentor_midpoint-placement-2027"
    );
    assert_eq!(items[0].0.item.path(), "/");
    assert_eq!(items[0].1.as_deref(), Some("Linh"));
    // Another mentor of the program owes nothing here.
    let other = UserId::from("m-2");
    let items = space_items(&student, &view, &program, Reader::Mentor(&other), clock);
    assert!(items
        .iter()
        .all(|(item, _)| !matches!(item.item, Item::EvaluationDue { .. })));
    // The templates' own check on a fresh one.
    let made: EvaluationTemplate = built_in(SelfAfter);
    assert_eq!(validate_template(&made), Ok(()));
    let _ = PlacementState::Active;
}
