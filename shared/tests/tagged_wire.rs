//! The tag-first `Deserialize` of `Entity`, `EntityPatch` and `Mutation` (`shared/src/tag_first.rs`)
//! reads exactly what serde's derived impls read: every kind round trips in either key order, and
//! a table of inputs, good and bad, gets the same values and the same error messages as from
//! twins of the three enums that keep the derived impls.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::fmt;

use chrono::{NaiveDate, TimeZone, Utc};
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use imp_shared::demo::demo_program;
use imp_shared::domain::{
    Activity, Announcement, CheckinCode, ConcernFlag, ConcernState, ConcernTopic, Entity,
    EntityPatch, Evaluation, Feedback, FlagReview, FlagReviewState, InboxDismissal, MatchProposal,
    Priority, ProposalState, Ranking, RankingChoice, RecordKind, Rsvp, StaffNote, StudentSummary,
};
use imp_shared::ids::{RecordId, UserId};
use imp_shared::mutation::{Mutation, PendingMutation};

/// The three enums with serde's derived `Deserialize`, as they were before the tag-first impls.
mod derived {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    use imp_shared::domain::*;
    use imp_shared::ids::RecordId;

    macro_rules! twins {
        ($( $variant:ident($ty:ident, $patch:ident), )*) => {
            #[derive(Debug, Serialize, Deserialize)]
            #[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
            pub enum Entity { $( $variant($ty), )* }

            #[derive(Debug, Serialize, Deserialize)]
            #[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
            pub enum EntityPatch { $( $variant($patch), )* }

            /// Kinds the twins have, to check they have every kind.
            pub const KINDS: &[RecordKind] = &[ $( RecordKind::$variant, )* ];
        };
    }

    twins! {
        Cohort(Cohort, CohortPatch),
        PartnerUniversity(PartnerUniversity, PartnerUniversityPatch),
        Organization(Organization, OrganizationPatch),
        Position(Position, PositionPatch),
        MentorProfile(MentorProfile, MentorProfilePatch),
        Workshop(Workshop, WorkshopPatch),
        Announcement(Announcement, AnnouncementPatch),
        VisaRoute(VisaRoute, VisaRoutePatch),
        EvaluationTemplate(EvaluationTemplate, EvaluationTemplatePatch),
        StudentProfile(StudentProfile, StudentProfilePatch),
        Ranking(Ranking, RankingPatch),
        Placement(Placement, PlacementPatch),
        MentoringSession(MentoringSession, MentoringSessionPatch),
        Goal(Goal, GoalPatch),
        Task(Task, TaskPatch),
        Rsvp(Rsvp, RsvpPatch),
        Attendance(Attendance, AttendancePatch),
        JobApplication(JobApplication, JobApplicationPatch),
        VisaStep(VisaStep, VisaStepPatch),
        Feedback(Feedback, FeedbackPatch),
        Outcome(Outcome, OutcomePatch),
        FlagReview(FlagReview, FlagReviewPatch),
        Activity(Activity, ActivityPatch),
        InboxDismissal(InboxDismissal, InboxDismissalPatch),
        Evaluation(Evaluation, EvaluationPatch),
        ConcernFlag(ConcernFlag, ConcernFlagPatch),
        StaffNote(StaffNote, StaffNotePatch),
        Enrollment(Enrollment, EnrollmentPatch),
        CheckinCode(CheckinCode, CheckinCodePatch),
        StudentSummary(StudentSummary, StudentSummaryPatch),
        MatchProposal(MatchProposal, MatchProposalPatch),
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Mutation {
        Create {
            id: RecordId,
            record: Entity,
        },
        Update {
            id: RecordId,
            patch: EntityPatch,
        },
        Delete {
            kind: RecordKind,
            id: RecordId,
        },
        SetPlacementState {
            id: RecordId,
            state: PlacementState,
        },
        EndPlacement {
            id: RecordId,
            reason: String,
        },
        SetTaskDone {
            id: RecordId,
            done: bool,
        },
        LogSession {
            id: RecordId,
            notes: String,
            next_steps: String,
        },
        CancelSession {
            id: RecordId,
        },
        RsvpWorkshop {
            workshop_id: RecordId,
            going: bool,
        },
        MoveApplication {
            id: RecordId,
            stage: ApplicationStage,
        },
        SetVisaStepState {
            id: RecordId,
            state: VisaStepState,
        },
        SetConcernState {
            id: RecordId,
            state: ConcernState,
        },
        SetRankings {
            id: RecordId,
            choices: Vec<RankingChoice>,
        },
        CheckIn {
            workshop_id: RecordId,
            code: String,
            at: DateTime<Utc>,
        },
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PendingMutation {
        pub seq: u64,
        pub mutation: Mutation,
    }
}

fn at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 9, 30, 0)
        .single()
        .expect("a valid fixed clock")
}

/// The demo's mutations.
fn demo_mutations() -> Vec<Mutation> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a valid date");
    demo_program(today)
        .spaces
        .into_iter()
        .flat_map(|(_, mutations)| mutations)
        .collect()
}

/// One entity of every kind: the first of each in the demo, and made here for the others.
fn one_of_each_kind() -> Vec<Entity> {
    let mut samples: Vec<Entity> = Vec::new();
    for mutation in demo_mutations() {
        if let Mutation::Create { record, .. } = mutation {
            if !samples.iter().any(|seen| seen.kind() == record.kind()) {
                samples.push(record);
            }
        }
    }
    let student = UserId::from("student-1");
    let made = [
        Entity::Announcement(Announcement {
            title: "Visa clinic \"Friday\"".to_owned(),
            body: "Bring your passport.\nRoom 3 — 二樓".to_owned(),
            published_at: at(2),
            cohort_year: Some(2026),
        }),
        Entity::Ranking(Ranking {
            cohort_year: 2026,
            choices: vec![
                RankingChoice {
                    position_id: RecordId::from("position-1"),
                    reason: "Close to campus".to_owned(),
                },
                RankingChoice {
                    position_id: RecordId::from("position-2"),
                    reason: String::new(),
                },
            ],
        }),
        Entity::Rsvp(Rsvp { going: true }),
        Entity::Feedback(Feedback {
            session_id: RecordId::from("session-1"),
            rating: 5,
            text: "Helpful".to_owned(),
            author: Some(student.clone()),
        }),
        Entity::ConcernFlag(ConcernFlag {
            student_id: student.clone(),
            topic: ConcernTopic::Housing,
            priority: Priority::Urgent,
            text: "Lease ends".to_owned(),
            state: ConcernState::InProgress,
            assignee: Some(UserId::from("staff-1")),
            raised_by: None,
            raised_at: Some(at(3)),
            notes: String::new(),
        }),
        Entity::StaffNote(StaffNote {
            student_id: student.clone(),
            text: "Called".to_owned(),
        }),
        Entity::FlagReview(FlagReview {
            occurrence: "no_recent_session@1780000000".to_owned(),
            state: FlagReviewState::Snoozed,
            assignee: Some(UserId::from("staff-1")),
            snoozed_until: NaiveDate::from_ymd_opt(2027, 4, 1),
            note: String::new(),
        }),
        Entity::Activity(Activity {
            user_id: UserId::from("m-1"),
            at: at(4),
        }),
        Entity::InboxDismissal(InboxDismissal {
            user_id: UserId::from("stu-1"),
            item: "visa:stu-1:visa-1:30".to_owned(),
        }),
        Entity::CheckinCode(CheckinCode {
            code: "QX7-41".to_owned(),
        }),
        Entity::EvaluationTemplate(imp_shared::evaluation::built_in(
            imp_shared::evaluation::EvaluationKind::Outcome6,
        )),
        Entity::Evaluation(Evaluation {
            placement_id: RecordId::from("placement-2026"),
            kind: imp_shared::evaluation::EvaluationKind::MentorFinal,
            template_id: RecordId::from("evt-mentor_final-v1"),
            template_version: 1,
            answers: vec![
                imp_shared::evaluation::Answer {
                    question: "performance".to_owned(),
                    scale: Some(4),
                    ..Default::default()
                },
                imp_shared::evaluation::Answer {
                    question: "strengths".to_owned(),
                    text: "Careful".to_owned(),
                    ..Default::default()
                },
            ],
            author: Some(UserId::from("m-1")),
            submitted_at: Some(at(5)),
        }),
        Entity::StudentSummary(StudentSummary {
            display_name: "Linh".to_owned(),
            cohort_year: 2026,
            nationality: "Vietnam".to_owned(),
            university: String::new(),
            department: String::new(),
            degree: String::new(),
            graduation_date: Some(NaiveDate::from_ymd_opt(2027, 6, 30).expect("a valid date")),
            languages: vec!["en".to_owned(), "vi".to_owned()],
            mandarin_level: Some(3),
            interests: Vec::new(),
            rankings: Vec::new(),
            placements: Vec::new(),
            sessions_held: Vec::new(),
            sessions_scheduled: 2,
            workshops_attended: vec![RecordId::from("workshop-1")],
            workshops_going: Vec::new(),
            applications: Vec::new(),
            outcome: None,
            visa_routes: Vec::new(),
            health: Default::default(),
            evaluations: Box::default(),
            updated_at: Some(at(4)),
        }),
        Entity::MatchProposal(MatchProposal {
            cohort_year: 2026,
            student_id: student,
            position_id: RecordId::from("position-1"),
            mentor_id: None,
            rank: 1,
            explanation: None,
            swapped_with: None,
            edited: true,
            state: ProposalState::Draft,
        }),
    ];
    for entity in made {
        if !samples.iter().any(|seen| seen.kind() == entity.kind()) {
            samples.push(entity);
        }
    }
    samples
}

fn kind_name(value: &Value) -> &str {
    value["kind"].as_str().expect("a kind")
}

/// An object's entries in the order the text has them (a `Value` sorts them).
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// The same object with its keys in the reverse order (`fields` before `kind`, `type` last).
fn reversed(text: &str) -> String {
    let Ordered(entries) = serde_json::from_str(text).expect("an object");
    let entries: Vec<String> = entries
        .iter()
        .rev()
        .map(|(key, value)| format!("{}:{value}", Value::from(key.as_str())))
        .collect();
    format!("{{{}}}", entries.join(","))
}

/// An error message without its position: positions may differ from the derived impls, which
/// report errors found in buffered input where the buffering ended.
fn without_position(message: String) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

fn read<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    serde_json::from_str::<T>(text)
        .map(|value| serde_json::to_value(value).expect("serializes"))
        .map_err(|error| without_position(error.to_string()))
}

fn read_value<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    serde_json::from_value::<T>(value)
        .map(|value| serde_json::to_value(value).expect("serializes"))
        .map_err(|error| error.to_string())
}

/// Our impl and the derived twin read `text` (and the same as a `serde_json::Value`) alike.
fn same<Ours, Derived>(text: &str)
where
    Ours: DeserializeOwned + Serialize,
    Derived: DeserializeOwned + Serialize,
{
    assert_eq!(read::<Ours>(text), read::<Derived>(text), "{text}");
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        assert_eq!(
            read_value::<Ours>(value.clone()),
            read_value::<Derived>(value),
            "{text} as a Value"
        );
    }
}

#[test]
fn the_samples_cover_every_kind_and_the_twins_too() {
    let kinds: BTreeSet<RecordKind> = one_of_each_kind().iter().map(Entity::kind).collect();
    assert_eq!(kinds, RecordKind::ALL.iter().copied().collect());
    assert_eq!(derived::KINDS, RecordKind::ALL);
    assert_eq!(RecordKind::NAMES.len(), RecordKind::ALL.len());
    for (kind, name) in RecordKind::ALL.iter().zip(RecordKind::NAMES) {
        assert_eq!(kind.as_str(), *name);
    }
}

#[test]
fn every_entity_kind_round_trips_with_kind_first_or_last() {
    for entity in one_of_each_kind() {
        let text = serde_json::to_string(&entity).expect("serializes");
        let name = entity.kind().as_str();
        assert!(
            text.starts_with(&format!("{{\"kind\":\"{name}\",\"fields\":{{")),
            "{text}"
        );
        let back: Entity = serde_json::from_str(&text).expect("reads kind first");
        assert_eq!(back, entity);

        let fields_first = reversed(&text);
        assert!(fields_first.starts_with("{\"fields\":"), "{fields_first}");
        let back: Entity = serde_json::from_str(&fields_first).expect("reads fields first");
        assert_eq!(back, entity, "{fields_first}");

        // A `serde_json::Value` sorts its keys, so `fields` comes first there too.
        let value = serde_json::to_value(&entity).expect("serializes");
        assert_eq!(
            serde_json::from_value::<Entity>(value.clone()).expect("reads a Value"),
            entity
        );
        // The same as storage reads it.
        assert_eq!(
            Entity::from_fields(entity.kind(), entity.to_fields()).expect("reads fields"),
            entity
        );
        // The sequence form serde's derived impls read.
        let seq = json!([name, value["fields"]]).to_string();
        assert_eq!(
            serde_json::from_str::<Entity>(&seq).expect("reads a sequence"),
            entity
        );

        same::<Entity, derived::Entity>(&text);
        same::<Entity, derived::Entity>(&fields_first);
        same::<Entity, derived::Entity>(&seq);
    }
}

#[test]
fn every_patch_kind_round_trips_with_kind_first_or_last() {
    for entity in one_of_each_kind() {
        let value = serde_json::to_value(&entity).expect("serializes");
        let name = kind_name(&value).to_owned();
        let fields = value["fields"].clone();
        let keys: BTreeSet<&str> = fields
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        // Every field set, and none.
        for fields in [fields.clone(), json!({})] {
            let text = json!({ "kind": name, "fields": fields }).to_string();
            let text = if text.starts_with("{\"kind\"") {
                text
            } else {
                reversed(&text)
            };
            assert!(text.starts_with("{\"kind\":"), "{text}");
            let patch: EntityPatch = serde_json::from_str(&text).expect("reads kind first");
            assert_eq!(patch.kind(), entity.kind());
            let set: BTreeSet<&str> = patch.fields().into_iter().collect();
            if fields.as_object().is_some_and(|map| map.is_empty()) {
                assert!(set.is_empty(), "{text}");
            } else {
                assert_eq!(set, keys, "{text}");
            }
            let again = serde_json::to_string(&patch).expect("serializes");
            assert_eq!(
                serde_json::from_str::<EntityPatch>(&again).expect("reads back"),
                patch
            );
            let fields_first = reversed(&text);
            assert!(fields_first.starts_with("{\"fields\":"), "{fields_first}");
            assert_eq!(
                serde_json::from_str::<EntityPatch>(&fields_first).expect("reads fields first"),
                patch
            );
            same::<EntityPatch, derived::EntityPatch>(&text);
            same::<EntityPatch, derived::EntityPatch>(&fields_first);
        }
    }
    // `null` clears an optional field, in either order.
    for text in [
        r#"{"kind":"task","fields":{"due_date":null}}"#,
        r#"{"fields":{"due_date":null},"kind":"task"}"#,
    ] {
        let patch: EntityPatch = serde_json::from_str(text).expect("reads");
        let EntityPatch::Task(task) = &patch else {
            panic!("a task patch");
        };
        assert_eq!(task.due_date, Some(None), "{text}");
        same::<EntityPatch, derived::EntityPatch>(text);
    }
}

#[test]
fn an_unknown_kind_is_refused_by_name() {
    for text in [
        r#"{"kind":"spaceship","fields":{}}"#,
        r#"{"fields":{},"kind":"spaceship"}"#,
    ] {
        for message in [
            serde_json::from_str::<Entity>(text)
                .expect_err("refused")
                .to_string(),
            serde_json::from_str::<EntityPatch>(text)
                .expect_err("refused")
                .to_string(),
        ] {
            assert!(
                message.starts_with(
                    "unknown variant `spaceship`, expected one of `cohort`, `partner_university`"
                ),
                "{message}"
            );
            assert!(message.contains("`match_proposal`"), "{message}");
        }
        same::<Entity, derived::Entity>(text);
        same::<EntityPatch, derived::EntityPatch>(text);
    }
}

#[test]
fn a_missing_kind_or_fields_is_refused() {
    let cases = [
        (r#"{"kind":"task"}"#, "missing field `fields`"),
        (
            r#"{"kind":"task","colour":"red"}"#,
            "missing field `fields`",
        ),
        (
            r#"{"fields":{"title":"x","done":false}}"#,
            "missing field `kind`",
        ),
        (r#"{}"#, "missing field `kind`"),
        (r#"{"colour":"red"}"#, "missing field `kind`"),
    ];
    for (text, expected) in cases {
        let message = serde_json::from_str::<Entity>(text)
            .expect_err("refused")
            .to_string();
        assert!(message.starts_with(expected), "{text}: {message}");
        let message = serde_json::from_str::<EntityPatch>(text)
            .expect_err("refused")
            .to_string();
        assert!(message.starts_with(expected), "{text}: {message}");
        same::<Entity, derived::Entity>(text);
        same::<EntityPatch, derived::EntityPatch>(text);
    }
}

#[test]
fn entities_read_like_the_derived_impl() {
    let good_task = r#"{"title":"Book the ARC","done":false}"#;
    let cases = [
        // Unknown keys are ignored wherever they are (records read leniently).
        format!(r#"{{"extra":1,"kind":"task","fields":{good_task},"more":[1,{{"a":2}}]}}"#),
        format!(r#"{{"fields":{good_task},"extra":null,"kind":"task","more":"x"}}"#),
        // Duplicates.
        format!(r#"{{"kind":"task","kind":"task","fields":{good_task}}}"#),
        format!(r#"{{"kind":"task","fields":{good_task},"kind":"task"}}"#),
        format!(r#"{{"kind":"task","fields":{good_task},"fields":{good_task}}}"#),
        format!(r#"{{"fields":{good_task},"fields":{good_task},"kind":"task"}}"#),
        format!(r#"{{"fields":{good_task},"kind":"task","fields":{good_task}}}"#),
        // Bad payloads, in either order.
        r#"{"kind":"task","fields":{"title":"x"}}"#.to_owned(),
        r#"{"fields":{"title":"x"},"kind":"task"}"#.to_owned(),
        r#"{"kind":"task","fields":{"title":"x","done":false,"due_date":"2025-02-30"}}"#.to_owned(),
        r#"{"fields":{"title":"x","done":false,"due_date":"2025-02-30"},"kind":"task"}"#.to_owned(),
        r#"{"kind":"task","fields":{"title":7,"done":false}}"#.to_owned(),
        r#"{"fields":{"title":7,"done":false},"kind":"task"}"#.to_owned(),
        r#"{"kind":"task","fields":[]}"#.to_owned(),
        r#"{"fields":null,"kind":"task"}"#.to_owned(),
        r#"{"kind":"task","fields":{"title":"\ud800","done":false}}"#.to_owned(),
        r#"{"fields":{"title":"\ud800","done":false},"kind":"task"}"#.to_owned(),
        // Other shapes of the tag.
        format!(r#"{{"kind":{{"task":null}},"fields":{good_task}}}"#),
        format!(r#"{{"kind":3,"fields":{good_task}}}"#),
        format!(r#"{{"kind":null,"fields":{good_task}}}"#),
        format!(r#"{{"kind":"Task","fields":{good_task}}}"#),
        // Sequences and other values.
        format!(r#"["task",{good_task}]"#),
        format!(r#"[13,{good_task}]"#),
        r#"["task"]"#.to_owned(),
        r#"[]"#.to_owned(),
        r#""task""#.to_owned(),
        r#"null"#.to_owned(),
        r#"{"kind":"task","fields":{"title":"x","done":false}"#.to_owned(),
    ];
    for text in &cases {
        same::<Entity, derived::Entity>(text);
        same::<EntityPatch, derived::EntityPatch>(text);
    }
}

#[test]
fn every_demo_mutation_round_trips_with_type_first_or_last() {
    let mutations = demo_mutations();
    let mut types = BTreeSet::new();
    for mutation in &mutations {
        types.insert(mutation.name());
        let text = serde_json::to_string(mutation).expect("serializes");
        assert!(text.starts_with("{\"type\":"), "{text}");
        assert_eq!(
            &serde_json::from_str::<Mutation>(&text).expect("reads type first"),
            mutation
        );
        let type_last = reversed(&text);
        assert!(type_last.ends_with(&format!("\"type\":\"{}\"}}", mutation.name())));
        assert_eq!(
            &serde_json::from_str::<Mutation>(&type_last).expect("reads type last"),
            mutation
        );
        let value = serde_json::to_value(mutation).expect("serializes");
        assert_eq!(
            &serde_json::from_value::<Mutation>(value).expect("reads a Value"),
            mutation
        );
        same::<Mutation, derived::Mutation>(&text);
        same::<Mutation, derived::Mutation>(&type_last);
    }
    assert!(types.len() >= 4, "{types:?}");
}

#[test]
fn a_mutation_with_type_not_first_reads() {
    let cases = [
        (
            r#"{"id":"t-1","done":true,"type":"set_task_done"}"#,
            Mutation::SetTaskDone {
                id: RecordId::from("t-1"),
                done: true,
            },
        ),
        (
            r#"{"id":"t-1","type":"set_task_done","done":true}"#,
            Mutation::SetTaskDone {
                id: RecordId::from("t-1"),
                done: true,
            },
        ),
        (
            r#"{"record":{"fields":{"title":"Book the ARC","done":false},"kind":"task"},"id":"t-1","type":"create"}"#,
            Mutation::Create {
                id: RecordId::from("t-1"),
                record: serde_json::from_str(
                    r#"{"kind":"task","fields":{"title":"Book the ARC","done":false}}"#,
                )
                .expect("a task"),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            serde_json::from_str::<Mutation>(text).expect("reads"),
            expected,
            "{text}"
        );
        same::<Mutation, derived::Mutation>(text);
        let pending = format!(r#"{{"mutation":{text},"seq":4}}"#);
        assert_eq!(
            serde_json::from_str::<PendingMutation>(&pending)
                .expect("reads")
                .mutation,
            expected
        );
        same::<PendingMutation, derived::PendingMutation>(&pending);
    }
}

#[test]
fn a_mutation_with_an_unknown_field_is_refused_by_name() {
    for text in [
        r#"{"type":"set_task_done","id":"t-1","done":true,"colour":"red"}"#,
        r#"{"type":"set_task_done","colour":"red","id":"t-1","done":true}"#,
        r#"{"colour":"red","id":"t-1","done":true,"type":"set_task_done"}"#,
        r#"{"id":"t-1","done":true,"colour":"red","type":"set_task_done"}"#,
    ] {
        let message = serde_json::from_str::<Mutation>(text)
            .expect_err("refused")
            .to_string();
        assert!(
            message.starts_with("unknown field `colour`, expected `id` or `done` at line 1"),
            "{text}: {message}"
        );
        // One position only: the one of the outer text.
        assert_eq!(message.matches(" at line ").count(), 1, "{message}");
        same::<Mutation, derived::Mutation>(text);
    }
}

#[test]
fn mutations_read_like_the_derived_impl() {
    let task = r#"{"kind":"task","fields":{"title":"Book the ARC","done":false}}"#;
    let cases = [
        // Unknown or missing `type`.
        r#"{"type":"drop_tables"}"#.to_owned(),
        r#"{"id":"t-1","type":"drop_tables"}"#.to_owned(),
        r#"{"id":"t-1","done":true}"#.to_owned(),
        r#"{}"#.to_owned(),
        r#"{"type":7,"id":"t-1"}"#.to_owned(),
        r#"{"type":null,"id":"t-1"}"#.to_owned(),
        r#"{"type":{"cancel_session":null},"id":"t-1"}"#.to_owned(),
        r#"{"id":"t-1","type":"cancel_session","type":"cancel_session"}"#.to_owned(),
        // Missing, unknown and bad fields, in either order.
        r#"{"type":"set_task_done","id":"t-1"}"#.to_owned(),
        r#"{"id":"t-1","type":"set_task_done"}"#.to_owned(),
        r#"{"type":"set_task_done","id":"t-1","done":"yes"}"#.to_owned(),
        r#"{"done":"yes","type":"set_task_done","id":"t-1"}"#.to_owned(),
        r#"{"type":"set_task_done","id":"t-1","id":"t-2","done":true}"#.to_owned(),
        r#"{"type":"check_in","workshop_id":"w-1","code":"Q","at":"2026-03-01T09:00:00Z"}"#
            .to_owned(),
        r#"{"at":"2026-02-30T09:00:00Z","type":"check_in","workshop_id":"w-1","code":"Q"}"#
            .to_owned(),
        r#"{"type":"set_rankings","id":"c-2025","choices":[{"position_id":"p-1","weight":3}]}"#
            .to_owned(),
        r#"{"choices":[{"position_id":"p-1"}],"type":"set_rankings","id":"c-2025"}"#.to_owned(),
        r#"{"type":"delete","kind":"task","id":"t-1"}"#.to_owned(),
        r#"{"kind":"spaceship","id":"t-1","type":"delete"}"#.to_owned(),
        // Records and patches inside, in every order.
        format!(r#"{{"type":"create","id":"t-1","record":{task}}}"#),
        format!(r#"{{"record":{},"id":"t-1","type":"create"}}"#, reversed(task)),
        r#"{"type":"create","id":"t-1","record":{"kind":"task","fields":{"title":"x","done":false},"extra":1}}"#
            .to_owned(),
        r#"{"type":"create","id":"t-1","record":{"kind":"task","fields":{"title":"x"}}}"#
            .to_owned(),
        r#"{"record":{"fields":{"title":"x"},"kind":"task"},"type":"create","id":"t-1"}"#
            .to_owned(),
        r#"{"type":"update","id":"t-1","patch":{"kind":"task","fields":{"due_date":null}}}"#
            .to_owned(),
        r#"{"patch":{"fields":{"due_date":"2025-02-30"},"kind":"task"},"id":"t-1","type":"update"}"#
            .to_owned(),
        r#"{"type":"update","id":"t-1","patch":{"kind":"spaceship","fields":{}}}"#.to_owned(),
        // Sequences and other values.
        r#"["set_task_done","t-1",true]"#.to_owned(),
        r#"["set_task_done","t-1"]"#.to_owned(),
        r#"["drop_tables"]"#.to_owned(),
        r#"[]"#.to_owned(),
        r#""set_task_done""#.to_owned(),
        r#"null"#.to_owned(),
        r#"{"type":"set_task_done","id":"t-1","done":true"#.to_owned(),
        r#"{"id":"t-1","done":true,"type":"set_task_done""#.to_owned(),
    ];
    for text in &cases {
        same::<Mutation, derived::Mutation>(text);
        let pending = format!(r#"{{"seq":1,"mutation":{text}}}"#);
        same::<PendingMutation, derived::PendingMutation>(&pending);
    }
}

#[test]
fn a_repeated_type_is_refused() {
    // The one difference from the derived impl: after `type` came first, a second `type` is a
    // field the variant does not have (the derived impl calls it a duplicate).
    let text = r#"{"type":"cancel_session","type":"cancel_session","id":"t-1"}"#;
    let message = serde_json::from_str::<Mutation>(text)
        .expect_err("refused")
        .to_string();
    assert!(
        message.starts_with("unknown field `type`, expected `id`"),
        "{message}"
    );
    assert!(serde_json::from_str::<derived::Mutation>(text).is_err());
    // When `type` is not first, it is a duplicate as before.
    let text = r#"{"id":"t-1","type":"cancel_session","type":"cancel_session"}"#;
    let message = serde_json::from_str::<Mutation>(text)
        .expect_err("refused")
        .to_string();
    assert!(message.starts_with("duplicate field `type`"), "{message}");
}
