//! The rules of the student mutations that depend on other spaces (rankings, workshop check-in)
//! and the feedback reveal rule as pulls apply it.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use imp_shared::apply::{apply, ApplyContext, Change, MemoryRecords, RecordKey};
use imp_shared::domain::{
    CheckinCode, Cohort, Entity, EntityPatch, Feedback, InboxDismissal, InboxDismissalPatch,
    MentoringSession, Placement, PlacementState, Position, RankingChoice, RecordKind, Role,
    SessionFormat, SessionState, StudentProfile, Workshop,
};
use imp_shared::error::{Denial, MutationError, Problem};
use imp_shared::ids::{ClientId, MutationSeq, RecordId, ServerVersion, SpaceId, UserId};
use imp_shared::mutation::{Mutation, PendingMutation};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{PushRequest, Verdict, PROTOCOL_VERSION, SCHEMA_VERSION};
use imp_shared::server::{self, related_keys, MemoryServerStore, RelatedRecords};

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        user_id: UserId::from(id),
        role,
    }
}

fn alice() -> Actor {
    actor("alice", Role::Student)
}

fn alice_space() -> SpaceId {
    SpaceId::Student(UserId::from("alice"))
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .single()
        .expect("a valid fixed clock")
}

fn id(text: &str) -> RecordId {
    RecordId::from(text)
}

/// The program space: cohort 2026 (3 choices, deadline 20 March 16:00), three open positions of
/// 2026, one closed, one of 2025, and a workshop on 10 March 10:00–11:30.
fn program() -> MemoryRecords {
    let mut records = MemoryRecords::default();
    let mut put = |kind, key: &str, entity| {
        records
            .records
            .insert(RecordKey { kind, id: id(key) }, entity);
    };
    put(
        RecordKind::Cohort,
        "cohort-2026",
        Entity::Cohort(Cohort {
            year: 2026,
            name: "IMP 2026".to_owned(),
            ranking_deadline: Some(at(20, 16)),
            max_rankings: 3,
        }),
    );
    for (key, year, open) in [
        ("p1", 2026, true),
        ("p2", 2026, true),
        ("p3", 2026, true),
        ("p4", 2026, true),
        ("closed", 2026, false),
        ("old", 2025, true),
    ] {
        put(
            RecordKind::Position,
            key,
            Entity::Position(Position {
                organization_id: id("org-1"),
                cohort_year: year,
                title: format!("Position {key}"),
                slots: 1,
                paid: true,
                housing: false,
                languages: vec![],
                description: String::new(),
                open,
            }),
        );
    }
    put(
        RecordKind::Workshop,
        "w1",
        Entity::Workshop(Workshop {
            title: "CVs".to_owned(),
            starts_at: at(10, 10),
            duration_minutes: 90,
            place: "Lounge".to_owned(),
            capacity: 40,
            going: 0,
        }),
    );
    records
}

fn staff_records() -> MemoryRecords {
    let mut records = MemoryRecords::default();
    records.records.insert(
        RecordKey {
            kind: RecordKind::CheckinCode,
            id: id("w1"),
        },
        Entity::CheckinCode(CheckinCode {
            code: "K7Q2ZP9A".to_owned(),
        }),
    );
    records
}

fn alice_records() -> MemoryRecords {
    let mut records = MemoryRecords::default();
    records.records.insert(
        RecordKey {
            kind: RecordKind::StudentProfile,
            id: id("alice"),
        },
        Entity::StudentProfile(StudentProfile {
            display_name: "Alice".to_owned(),
            nationality: String::new(),
            university: String::new(),
            department: String::new(),
            degree: String::new(),
            graduation_date: None,
            languages: vec![],
            mandarin_level: None,
            residence_card_expiry: None,
            interests: vec![],
            cohort_year: 2026,
            degree_level: None,
            hong_kong_macau: false,
            placement_start: None,
            placement_end: None,
        }),
    );
    records
}

fn choices(ids: &[&str]) -> Vec<RankingChoice> {
    ids.iter()
        .map(|key| RankingChoice {
            position_id: id(key),
            reason: format!("I want {key}"),
        })
        .collect()
}

fn rank(who: &Actor, now: DateTime<Utc>, ids: &[&str]) -> Result<Vec<Change>, MutationError> {
    let program = program();
    let space = alice_space();
    let context = ApplyContext {
        program: Some(&program),
        ..ApplyContext::new(who, &space, now)
    };
    apply(
        &alice_records(),
        &context,
        &Mutation::SetRankings {
            id: id("cohort-2026"),
            choices: choices(ids),
        },
    )
}

fn rule_message(result: Result<Vec<Change>, MutationError>) -> String {
    match result {
        Err(error @ MutationError::Rule { .. }) => error.to_string(),
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

#[test]
fn a_ranking_within_the_rules_is_written_best_first() {
    let changes = rank(&alice(), at(15, 8), &["p2", "p1", "p3"]);
    let Ok(changes) = changes else {
        panic!("refused: {changes:?}");
    };
    assert_eq!(changes.len(), 1);
    match &changes[0].record {
        Some(Entity::Ranking(ranking)) => {
            assert_eq!(ranking.cohort_year, 2026);
            let order: Vec<&str> = ranking
                .choices
                .iter()
                .map(|c| c.position_id.as_str())
                .collect();
            assert_eq!(order, ["p2", "p1", "p3"]);
            assert_eq!(ranking.choices[0].reason, "I want p2");
        }
        other => panic!("wrote {other:?}"),
    }
}

#[test]
fn rankings_keep_the_cohorts_limit() {
    let message = rule_message(rank(&alice(), at(15, 8), &["p1", "p2", "p3", "p4"]));
    assert!(message.contains("at most 3"), "{message}");
}

#[test]
fn a_position_is_ranked_once() {
    let result = rank(&alice(), at(15, 8), &["p1", "p2", "p1"]);
    assert!(
        matches!(&result, Err(MutationError::Invalid { field, problem: imp_shared::error::Problem::RankedTwice }) if field == "choices"),
        "{result:?}"
    );
}

#[test]
fn rankings_close_at_the_deadline_for_students_but_not_for_staff() {
    assert!(
        rank(&alice(), at(20, 16), &["p1"]).is_ok(),
        "at the deadline"
    );
    let late = at(20, 16) + Duration::seconds(1);
    let message = rule_message(rank(&alice(), late, &["p1"]));
    assert!(message.contains("deadline"), "{message}");
    assert!(rank(&actor("staff-1", Role::Staff), late, &["p1"]).is_ok());
}

#[test]
fn only_open_positions_of_the_students_cohort_may_be_ranked() {
    assert!(rule_message(rank(&alice(), at(15, 8), &["closed"])).contains("closed"));
    assert!(rule_message(rank(&alice(), at(15, 8), &["old"])).contains("another cohort"));
    assert!(matches!(
        rank(&alice(), at(15, 8), &["nope"]),
        Err(MutationError::NotFound {
            kind: RecordKind::Position,
            ..
        })
    ));
}

#[test]
fn mentors_do_not_rank_and_nobody_writes_a_ranking_directly() {
    let mut records = alice_records();
    records.records.insert(
        RecordKey {
            kind: RecordKind::Placement,
            id: id("placement-1"),
        },
        Entity::Placement(Placement {
            student_id: UserId::from("alice"),
            position_id: id("p1"),
            mentor_id: UserId::from("mona"),
            state: PlacementState::Confirmed,
            started_at: None,
            end_reason: String::new(),
            ended_by: None,
            ended_at: None,
        }),
    );
    let space = alice_space();
    let mona = actor("mona", Role::Mentor);
    let context = ApplyContext::new(&mona, &space, at(15, 8));
    let result = apply(
        &records,
        &context,
        &Mutation::SetRankings {
            id: id("cohort-2026"),
            choices: choices(&["p1"]),
        },
    );
    assert!(
        matches!(result, Err(MutationError::Forbidden { .. })),
        "{result:?}"
    );

    let me = alice();
    let context = ApplyContext::new(&me, &space, at(15, 8));
    let direct = Mutation::Create {
        id: id("cohort-2026"),
        record: Entity::Ranking(imp_shared::domain::Ranking {
            cohort_year: 2026,
            choices: choices(&["closed"]),
        }),
    };
    assert!(matches!(
        apply(&records, &context, &direct),
        Err(MutationError::Invalid { .. })
    ));
}

proptest! {
    /// Whatever the student submits, a written ranking never breaks the cohort's rules.
    #[test]
    fn written_rankings_always_keep_the_rules(
        picks in prop::collection::vec(prop::sample::select(vec!["p1", "p2", "p3", "p4", "closed", "old", "x"]), 0..6),
        hour in 0u32..24,
        day in 14u32..23,
    ) {
        let now = at(day, hour);
        if let Ok(changes) = rank(&alice(), now, &picks) {
            prop_assert!(now <= at(20, 16));
            let Some(Entity::Ranking(ranking)) = &changes[0].record else {
                return Err(TestCaseError::fail("no ranking written"));
            };
            prop_assert!(ranking.choices.len() <= 3);
            let mut seen = std::collections::BTreeSet::new();
            for choice in &ranking.choices {
                prop_assert!(seen.insert(choice.position_id.clone()));
                prop_assert!(["p1", "p2", "p3", "p4"].contains(&choice.position_id.as_str()));
            }
        }
    }
}

fn check_in(
    code: &str,
    scanned: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Change>, MutationError> {
    let program = program();
    let staff = staff_records();
    let space = alice_space();
    let me = alice();
    let context = ApplyContext {
        program: Some(&program),
        staff: Some(&staff),
        ..ApplyContext::new(&me, &space, now)
    };
    apply(
        &alice_records(),
        &context,
        &Mutation::CheckIn {
            workshop_id: id("w1"),
            code: code.to_owned(),
            at: scanned,
        },
    )
}

#[test]
fn check_in_needs_the_workshops_code_and_time() {
    // Scanned during the workshop, synced two days later: it counts, stamped when scanned.
    let ok = check_in("K7Q2ZP9A", at(10, 10) + Duration::minutes(5), at(12, 9));
    match ok.as_deref() {
        Ok(
            [Change {
                record: Some(Entity::Attendance(attendance)),
                ..
            }],
        ) => assert_eq!(attendance.checked_in_at, at(10, 10) + Duration::minutes(5)),
        other => panic!("{other:?}"),
    }
    assert!(rule_message(check_in("WRONGCODE", at(10, 10), at(10, 10))).contains("code"));
    // Opens two hours before the start, closes two hours after the end (11:30 + 2 h).
    assert!(check_in("K7Q2ZP9A", at(10, 8), at(10, 8)).is_ok());
    assert!(rule_message(check_in("K7Q2ZP9A", at(10, 7), at(10, 7))).contains("two hours"));
    assert!(check_in("K7Q2ZP9A", at(10, 13) + Duration::minutes(30), at(11, 0)).is_ok());
    assert!(rule_message(check_in("K7Q2ZP9A", at(10, 14), at(11, 0))).contains("two hours"));
    // A device clock far ahead of the server's is not believed.
    assert!(matches!(
        check_in("K7Q2ZP9A", at(10, 10), at(10, 9)),
        Err(MutationError::Invalid { field, .. }) if field == "at"
    ));
}

#[test]
fn checking_in_twice_keeps_the_first_and_mentors_cannot_check_in() {
    let mut records = alice_records();
    let space = alice_space();
    let me = alice();
    let context = ApplyContext::new(&me, &space, at(10, 10));
    let scan = |minutes| Mutation::CheckIn {
        workshop_id: id("w1"),
        code: "K7Q2ZP9A".to_owned(),
        at: at(10, 10) + Duration::minutes(minutes),
    };
    let first = apply(&records, &context, &scan(1)).expect("the first check-in is accepted");
    assert_eq!(first.len(), 1);
    records.write(&first);
    assert_eq!(apply(&records, &context, &scan(9)), Ok(Vec::new()));

    let mona = actor("mona", Role::Mentor);
    let context = ApplyContext::new(&mona, &space, at(10, 10));
    assert!(matches!(
        apply(&alice_records(), &context, &scan(1)),
        Err(MutationError::Forbidden { .. })
    ));
}

#[test]
fn pushes_name_the_records_of_other_spaces_they_are_judged_by() {
    let request = PushRequest {
        protocol: PROTOCOL_VERSION,
        schema: SCHEMA_VERSION,
        client_id: ClientId::from("c1"),
        mutations: vec![
            PendingMutation {
                seq: MutationSeq(1),
                mutation: Mutation::SetRankings {
                    id: id("cohort-2026"),
                    choices: choices(&["p2", "p1"]),
                },
            },
            PendingMutation {
                seq: MutationSeq(2),
                mutation: Mutation::CheckIn {
                    workshop_id: id("w1"),
                    code: "K7Q2ZP9A".to_owned(),
                    at: at(10, 10),
                },
            },
        ],
    };
    let (program, staff) = related_keys(&request);
    let names: Vec<String> = program
        .iter()
        .map(|key| format!("{}:{}", key.kind.as_str(), key.id))
        .collect();
    assert_eq!(
        names,
        [
            "cohort:cohort-2026",
            "position:p1",
            "position:p2",
            "workshop:w1"
        ]
    );
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].kind, RecordKind::CheckinCode);
}

// --- The feedback reveal rule, as pulls apply it -------------------------------------------

struct FeedbackSpace {
    store: MemoryServerStore,
    staff: Actor,
    alice: Actor,
    mona: Actor,
    seq: u64,
}

impl FeedbackSpace {
    /// Alice's space with Mona as her confirmed mentor and one session on 2 March 9:00–10:00.
    fn new() -> Self {
        let mut space = Self {
            store: MemoryServerStore::default(),
            staff: actor("staff-1", Role::Staff),
            alice: alice(),
            mona: actor("mona", Role::Mentor),
            seq: 0,
        };
        let staff = space.staff.clone();
        space.push(
            &staff,
            Mutation::Create {
                id: id("placement-1"),
                record: Entity::Placement(Placement {
                    student_id: UserId::from("alice"),
                    position_id: id("p1"),
                    mentor_id: UserId::from("mona"),
                    state: PlacementState::Confirmed,
                    started_at: None,
                    end_reason: String::new(),
                    ended_by: None,
                    ended_at: None,
                }),
            },
            at(1, 9),
        );
        space.push(
            &staff,
            Mutation::Create {
                id: id("s1"),
                record: Entity::MentoringSession(MentoringSession {
                    starts_at: at(2, 9),
                    time_zone: "Asia/Taipei".to_owned(),
                    duration_minutes: 60,
                    format: SessionFormat::Video,
                    location: String::new(),
                    agenda: String::new(),
                    notes: String::new(),
                    next_steps: String::new(),
                    state: SessionState::Scheduled,
                }),
            },
            at(1, 9),
        );
        space
    }

    fn push(&mut self, who: &Actor, mutation: Mutation, now: DateTime<Utc>) {
        let verdict = self.try_push(who, mutation, now);
        assert_eq!(verdict, Verdict::Ok);
    }

    /// Pushes one mutation as `who`; its verdict.
    fn try_push(&mut self, who: &Actor, mutation: Mutation, now: DateTime<Utc>) -> Verdict {
        self.seq += 1;
        let request = PushRequest {
            protocol: PROTOCOL_VERSION,
            schema: SCHEMA_VERSION,
            client_id: ClientId::from(format!("client-{}", who.user_id).as_str()),
            mutations: vec![PendingMutation {
                seq: MutationSeq(self.seq),
                mutation,
            }],
        };
        let outcome = server::push(
            &mut self.store,
            who,
            &alice_space(),
            &request,
            &RelatedRecords::default(),
            now,
        );
        let Ok(mut outcome) = outcome else {
            panic!("push failed: {outcome:?}");
        };
        assert_eq!(outcome.response.verdicts.len(), 1);
        outcome.response.verdicts.remove(0).verdict
    }

    /// What `who` receives pulling the space from the start: the inbox dismissals, as
    /// (id, owner, item), and the ids of deleted ones.
    fn dismissals(&self, who: &Actor) -> (Vec<(String, String, String)>, Vec<String>) {
        let pull = server::pull(
            &self.store,
            who,
            &alice_space(),
            ServerVersion(0),
            &ClientId::from("reader"),
            MutationSeq(0),
            at(20, 9),
        );
        let Ok(pull) = pull else {
            panic!("pull failed: {pull:?}");
        };
        let mut live = Vec::new();
        let mut deleted = Vec::new();
        for change in pull.changes {
            match change.record {
                Some(Entity::InboxDismissal(dismissal)) => live.push((
                    change.key.id.to_string(),
                    dismissal.user_id.to_string(),
                    dismissal.item,
                )),
                None if change.key.kind == RecordKind::InboxDismissal => {
                    deleted.push(change.key.id.to_string());
                }
                _ => {}
            }
        }
        (live, deleted)
    }

    fn give(&mut self, who: &Actor, feedback_id: &str, rating: u8, now: DateTime<Utc>) {
        let who = who.clone();
        self.push(
            &who,
            Mutation::Create {
                id: id(feedback_id),
                record: Entity::Feedback(Feedback {
                    session_id: id("s1"),
                    rating,
                    text: format!("{rating} stars"),
                    author: None,
                }),
            },
            now,
        );
    }

    /// The feedback ids `who` receives pulling from `cursor` at `now`.
    fn sees(&self, who: &Actor, cursor: u64, now: DateTime<Utc>) -> Vec<String> {
        let pull = server::pull(
            &self.store,
            who,
            &alice_space(),
            ServerVersion(cursor),
            &ClientId::from("reader"),
            MutationSeq(0),
            now,
        );
        let Ok(pull) = pull else {
            panic!("pull failed: {pull:?}");
        };
        let mut ids: Vec<String> = pull
            .changes
            .iter()
            .filter(|change| change.key.kind == RecordKind::Feedback && change.record.is_some())
            .map(|change| change.key.id.to_string())
            .collect();
        ids.sort();
        ids
    }
}

#[test]
fn feedback_stays_hidden_from_the_other_side_until_both_have_answered() {
    let mut space = FeedbackSpace::new();
    let (alice, mona, staff) = (space.alice.clone(), space.mona.clone(), space.staff.clone());
    space.give(&alice, "fb-alice", 4, at(2, 11));
    assert_eq!(space.sees(&alice, 0, at(2, 12)), ["fb-alice"]);
    assert!(
        space.sees(&mona, 0, at(2, 12)).is_empty(),
        "the mentor must not see it yet"
    );
    assert_eq!(
        space.sees(&staff, 0, at(2, 12)),
        ["fb-alice"],
        "staff follow up on ratings"
    );
    let mona_cursor = space.store.version.0;

    space.give(&mona, "fb-mona", 5, at(3, 9));
    // Both answered: each sees both, even pulling from a cursor past the first answer.
    assert_eq!(space.sees(&alice, 0, at(3, 10)), ["fb-alice", "fb-mona"]);
    assert_eq!(
        space.sees(&mona, mona_cursor, at(3, 10)),
        ["fb-alice", "fb-mona"]
    );
}

#[test]
fn after_a_week_feedback_is_revealed_even_if_one_side_never_answers() {
    let mut space = FeedbackSpace::new();
    let (alice, mona) = (space.alice.clone(), space.mona.clone());
    space.give(&alice, "fb-alice", 2, at(2, 11));
    let cursor = space.store.version.0;
    // The session ended at 10:00 on 2 March; the week ends at 10:00 on 9 March.
    assert!(space.sees(&mona, cursor, at(9, 9)).is_empty());
    assert_eq!(space.sees(&mona, cursor, at(9, 10)), ["fb-alice"]);
}

#[test]
fn a_position_closed_after_it_was_ranked_may_stay_while_the_rest_is_edited() {
    let program = program();
    let space = alice_space();
    let me = alice();
    let context = ApplyContext {
        program: Some(&program),
        ..ApplyContext::new(&me, &space, at(15, 8))
    };
    // Alice ranked p1 and a position staff have closed since.
    let mut records = alice_records();
    records.write(&[Change {
        key: imp_shared::apply::RecordKey {
            kind: imp_shared::domain::RecordKind::Ranking,
            id: id("cohort-2026"),
        },
        record: Some(Entity::Ranking(imp_shared::domain::Ranking {
            cohort_year: 2026,
            choices: choices(&["p1", "closed"]),
        })),
    }]);
    let set = |ids: &[&str]| {
        apply(
            &records,
            &context,
            &Mutation::SetRankings {
                id: id("cohort-2026"),
                choices: choices(ids),
            },
        )
    };
    assert!(set(&["closed", "p1"]).is_ok(), "reordering keeps it");
    assert!(set(&["p1"]).is_ok(), "removing it is fine");
    assert!(
        set(&["p2", "closed", "p1"]).is_ok(),
        "adding another is fine"
    );
    // A closed position is never added anew.
    assert!(rule_message(rank(&me, at(15, 8), &["closed"])).contains("closed"));
}

#[test]
fn an_inbox_dismissal_is_read_and_changed_by_its_owner_alone() {
    let mut space = FeedbackSpace::new();
    let (alice, mona, staff) = (space.alice.clone(), space.mona.clone(), space.staff.clone());
    let create = |record_id: &str, claimed_owner: &str, item: &str| Mutation::Create {
        id: id(record_id),
        record: Entity::InboxDismissal(InboxDismissal {
            user_id: UserId::from(claimed_owner),
            item: item.to_owned(),
        }),
    };
    let rejected = |error: MutationError| Verdict::rejected(error);
    let now = at(1, 10);

    // Each makes their own, whoever the record names.
    space.push(&alice, create("d-alice", "mona", "session:alice:s1"), now);
    space.push(&mona, create("d-mona", "alice", "feedback:alice:s1"), now);
    let owned = |record: &str, owner: &str, item: &str| {
        (record.to_owned(), owner.to_owned(), item.to_owned())
    };
    // A pull carries the puller's own only; staff, who read every space, get none.
    assert_eq!(
        space.dismissals(&alice),
        (vec![owned("d-alice", "alice", "session:alice:s1")], vec![])
    );
    assert_eq!(
        space.dismissals(&mona),
        (vec![owned("d-mona", "mona", "feedback:alice:s1")], vec![])
    );
    assert_eq!(space.dismissals(&staff), (vec![], vec![]));

    // Nobody else deletes one, staff included; nobody hands one to someone else; it names an item.
    let delete = |record_id: &str| Mutation::Delete {
        kind: RecordKind::InboxDismissal,
        id: id(record_id),
    };
    for who in [&mona, &staff] {
        assert_eq!(
            space.try_push(who, delete("d-alice"), now),
            rejected(MutationError::forbidden(Denial::OwnDismissalsOnly))
        );
    }
    let hand_over = Mutation::Update {
        id: id("d-alice"),
        patch: EntityPatch::InboxDismissal(InboxDismissalPatch {
            user_id: Some(UserId::from("mona")),
            ..InboxDismissalPatch::default()
        }),
    };
    assert_eq!(
        space.try_push(&alice, hand_over, now),
        rejected(MutationError::invalid("user_id", Problem::Locked))
    );
    assert_eq!(
        space.try_push(&alice, create("d-empty", "alice", "  "), now),
        rejected(MutationError::invalid("item", Problem::Required))
    );

    // The owner deletes theirs (the item shows again): the deletion reaches everyone who reads
    // the space, and says nothing but the id.
    space.push(&alice, delete("d-alice"), now);
    assert_eq!(
        space.dismissals(&alice),
        (vec![], vec!["d-alice".to_owned()])
    );
    assert_eq!(
        space.dismissals(&mona),
        (
            vec![owned("d-mona", "mona", "feedback:alice:s1")],
            vec!["d-alice".to_owned()]
        )
    );
}
