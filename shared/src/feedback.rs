//! The feedback reveal rule: after a session, the student's and the mentor's feedback stay hidden
//! from each other until both have answered or a week has passed.
//!
//! Hiding the other side's answer until one's own is in keeps the two answers independent: nobody
//! softens (or retaliates in) their rating after reading the other's. The week's limit stops one
//! side from holding the other's feedback hostage by never answering.

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::{MentoringSession, Role};

/// Days after a session's end at which both sides' feedback is revealed regardless.
pub const REVEAL_AFTER_DAYS: i64 = 7;

/// When a session ends (its start plus its length); `None` only beyond chrono's range.
pub fn session_end(session: &MentoringSession) -> Option<DateTime<Utc>> {
    session
        .starts_at
        .checked_add_signed(TimeDelta::minutes(i64::from(session.duration_minutes)))
}

/// The moment feedback is revealed even if one side has not answered: [`REVEAL_AFTER_DAYS`] after
/// the session ended. `None` only beyond chrono's range.
pub fn reveal_at(session_end: DateTime<Utc>) -> Option<DateTime<Utc>> {
    session_end.checked_add_signed(TimeDelta::days(REVEAL_AFTER_DAYS))
}

/// Whether both sides' feedback is visible to both sides at `now`: once both have answered, or
/// from exactly [`REVEAL_AFTER_DAYS`] days after the session ended.
///
/// The answer is "as of `now`": an answer stamped after `now` does not count yet, so the same
/// function also tells what was visible at a past moment.
pub fn is_revealed(
    session_end: DateTime<Utc>,
    student_answered_at: Option<DateTime<Utc>>,
    mentor_answered_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let answered_by_now =
        |answered_at: Option<DateTime<Utc>>| answered_at.is_some_and(|at| at <= now);
    let both_answered = answered_by_now(student_answered_at) && answered_by_now(mentor_answered_at);
    let week_passed = reveal_at(session_end).is_some_and(|reveal| now >= reveal);
    both_answered || week_passed
}

/// Whether someone in `viewer` role may read feedback written by the `author` side at `now`.
///
/// Authors always see their own, and staff always see both (they follow up on low ratings);
/// the other side sees it only once [`is_revealed`].
pub fn visible_to(
    viewer: Role,
    author: Role,
    session_end: DateTime<Utc>,
    student_answered_at: Option<DateTime<Utc>>,
    mentor_answered_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    viewer == Role::Staff
        || viewer == author
        || is_revealed(session_end, student_answered_at, mentor_answered_at, now)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, TimeZone, Utc};

    use crate::domain::{MentoringSession, Role, SessionFormat, SessionState};
    use crate::feedback::{is_revealed, reveal_at, session_end, visible_to};

    pub(crate) fn end() -> DateTime<Utc> {
        match Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 0).single() {
            Some(instant) => instant,
            None => panic!("bad test instant"),
        }
    }

    /// The session's end shifted by `minutes`.
    fn at(minutes: i64) -> DateTime<Utc> {
        end() + TimeDelta::minutes(minutes)
    }

    const HOUR: i64 = 60;
    const DAY: i64 = 24 * HOUR;
    const WEEK: i64 = 7 * DAY;

    #[test]
    fn feedback_is_revealed_when_both_answered_or_after_seven_days() {
        let table = [
            // (student answered, mentor answered, now, revealed, why)
            (None, None, at(HOUR), false, "nobody answered yet"),
            (
                Some(at(HOUR)),
                None,
                at(2 * HOUR),
                false,
                "only the student",
            ),
            (None, Some(at(HOUR)), at(2 * HOUR), false, "only the mentor"),
            (
                Some(at(HOUR)),
                Some(at(DAY)),
                at(DAY),
                true,
                "both, the second just now",
            ),
            (
                Some(at(HOUR)),
                Some(at(DAY)),
                at(DAY - 1),
                false,
                "second answer still ahead",
            ),
            (
                Some(at(HOUR)),
                None,
                at(WEEK - 1),
                false,
                "one minute before the week",
            ),
            (Some(at(HOUR)), None, at(WEEK), true, "exactly seven days"),
            (
                None,
                None,
                at(WEEK),
                true,
                "exactly seven days, nobody answered",
            ),
            (
                None,
                None,
                at(WEEK) - TimeDelta::seconds(1),
                false,
                "one second short",
            ),
            (None, None, at(WEEK + 1), true, "after the week"),
            (
                Some(at(-10)),
                Some(at(-5)),
                at(-1),
                true,
                "answered before the end (early stop)",
            ),
            (
                Some(at(WEEK + DAY)),
                None,
                at(WEEK + DAY),
                true,
                "late answer, week long gone",
            ),
        ];
        for (student, mentor, now, revealed, why) in table {
            assert_eq!(is_revealed(end(), student, mentor, now), revealed, "{why}");
        }
    }

    #[test]
    fn visibility_depends_on_viewer_author_and_reveal() {
        let hidden = (Some(at(HOUR)), None, at(DAY));
        let revealed = (Some(at(HOUR)), Some(at(2 * HOUR)), at(DAY));
        let table = [
            // (viewer, author, situation, visible)
            (Role::Student, Role::Student, hidden, true),
            (Role::Mentor, Role::Mentor, hidden, true),
            (Role::Student, Role::Mentor, hidden, false),
            (Role::Mentor, Role::Student, hidden, false),
            (Role::Staff, Role::Student, hidden, true),
            (Role::Staff, Role::Mentor, hidden, true),
            (Role::Student, Role::Mentor, revealed, true),
            (Role::Mentor, Role::Student, revealed, true),
            (Role::Staff, Role::Student, revealed, true),
        ];
        for (viewer, author, (student_at, mentor_at, now), visible) in table {
            assert_eq!(
                visible_to(viewer, author, end(), student_at, mentor_at, now),
                visible,
                "{viewer:?} reading {author:?}'s feedback"
            );
        }
    }

    #[test]
    fn session_end_and_reveal_moment() {
        let session = MentoringSession {
            starts_at: at(-45),
            time_zone: crate::calendar::PROGRAM_ZONE.to_owned(),
            duration_minutes: 45,
            format: SessionFormat::InPerson,
            location: String::new(),
            agenda: String::new(),
            notes: String::new(),
            next_steps: String::new(),
            state: SessionState::Completed,
        };
        assert_eq!(session_end(&session), Some(end()));
        assert_eq!(reveal_at(end()), Some(at(WEEK)));
        assert_eq!(reveal_at(DateTime::<Utc>::MAX_UTC), None);
        // Without a representable reveal moment only both answers reveal.
        assert!(!is_revealed(
            DateTime::<Utc>::MAX_UTC,
            None,
            None,
            DateTime::<Utc>::MAX_UTC
        ));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use chrono::{DateTime, TimeDelta, Utc};
    use proptest::prelude::*;

    use crate::domain::Role;
    use crate::feedback::tests::end;
    use crate::feedback::{is_revealed, visible_to};

    fn role() -> impl Strategy<Value = Role> {
        prop_oneof![Just(Role::Student), Just(Role::Mentor), Just(Role::Staff)]
    }

    /// An instant within about a month either side of the session's end.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (-40_000i64..40_000).prop_map(|minutes| end() + TimeDelta::minutes(minutes))
    }

    proptest! {
        #[test]
        fn once_revealed_always_revealed(
            student in proptest::option::of(instant()),
            mentor in proptest::option::of(instant()),
            now in instant(),
            later_by in 0i64..100_000,
        ) {
            let later = now + TimeDelta::minutes(later_by);
            if is_revealed(end(), student, mentor, now) {
                prop_assert!(is_revealed(end(), student, mentor, later));
            }
        }

        #[test]
        fn staff_and_authors_always_see_and_others_wait_for_the_reveal(
            viewer in role(),
            author in role(),
            student in proptest::option::of(instant()),
            mentor in proptest::option::of(instant()),
            now in instant(),
        ) {
            let visible = visible_to(viewer, author, end(), student, mentor, now);
            if viewer == Role::Staff || viewer == author {
                prop_assert!(visible);
            } else {
                prop_assert_eq!(visible, is_revealed(end(), student, mentor, now));
            }
        }
    }
}
