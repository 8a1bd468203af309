//! Sessions are logged only once they have begun, a log says what happened, and a past session
//! can be logged at once ("log a past session") but not scheduled.

use chrono::{DateTime, Duration, TimeZone, Utc};

use imp_shared::apply::{apply, ApplyContext, MemoryRecords};
use imp_shared::domain::{Entity, MentoringSession, Role, SessionFormat, SessionState};
use imp_shared::error::{MutationError, Problem, Rule};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::Actor;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 10, 8, 0, 0)
        .single()
        .expect("a valid fixed clock")
}

fn alice() -> Actor {
    Actor {
        user_id: UserId::from("alice"),
        role: Role::Student,
    }
}

fn space() -> SpaceId {
    SpaceId::Student(UserId::from("alice"))
}

fn session(starts_at: DateTime<Utc>, state: SessionState, notes: &str) -> Entity {
    Entity::MentoringSession(MentoringSession {
        starts_at,
        time_zone: "Asia/Taipei".to_owned(),
        duration_minutes: 60,
        format: SessionFormat::Video,
        location: String::new(),
        agenda: "Mock interview".to_owned(),
        notes: notes.to_owned(),
        next_steps: String::new(),
        state,
    })
}

fn run(records: &mut MemoryRecords, mutation: Mutation) -> Result<(), MutationError> {
    let me = alice();
    let space = space();
    let changes = apply(&*records, &ApplyContext::new(&me, &space, now()), &mutation)?;
    records.write(&changes);
    Ok(())
}

fn create(id: &str, record: Entity) -> Mutation {
    Mutation::Create {
        id: RecordId::from(id),
        record,
    }
}

fn log(id: &str, notes: &str) -> Mutation {
    Mutation::LogSession {
        id: RecordId::from(id),
        notes: notes.to_owned(),
        next_steps: String::new(),
    }
}

#[test]
fn a_session_is_logged_only_once_it_has_begun_and_with_notes() {
    let mut records = MemoryRecords::default();
    let next_week = now() + Duration::days(8);
    run(
        &mut records,
        create("s1", session(next_week, SessionState::Scheduled, "")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run(&mut records, log("s1", "We met")),
        Err(MutationError::rule(Rule::SessionNotStarted {
            starts_at: next_week
        }))
    );
    let an_hour_ago = now() - Duration::hours(1);
    run(
        &mut records,
        create("s2", session(an_hour_ago, SessionState::Scheduled, "")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run(&mut records, log("s2", "   ")),
        Err(MutationError::invalid("notes", Problem::Required))
    );
    assert_eq!(run(&mut records, log("s2", "Practised answers")), Ok(()));
}

#[test]
fn a_past_session_is_logged_at_once_not_scheduled_without_notes() {
    let mut records = MemoryRecords::default();
    let two_days_ago = now() - Duration::days(2);
    assert_eq!(
        run(
            &mut records,
            create(
                "p1",
                session(two_days_ago, SessionState::Completed, "We met")
            )
        ),
        Ok(())
    );
    for refused in [
        session(two_days_ago, SessionState::Completed, " "),
        session(
            now() + Duration::days(1),
            SessionState::Completed,
            "Not yet",
        ),
        session(two_days_ago, SessionState::Cancelled, "x"),
    ] {
        assert_eq!(
            run(&mut records, create("p2", refused)),
            Err(MutationError::invalid(
                "state",
                Problem::NewSessionNotScheduled
            ))
        );
    }
}
