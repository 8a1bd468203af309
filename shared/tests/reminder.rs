//! Reminders outside the app (`imp_shared::reminder`): quiet hours, which push endpoints the
//! Worker may call, subscription checks, the declarative push message of an inbox item in both
//! languages, and the mentor's inbox of several mentees in order — on a fixed clock.

mod common;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::json;

use common::{at, from};
use imp_shared::apply::{MemoryRecords, RecordKey};
use imp_shared::domain::{Entity, MentoringSession, RecordKind, StudentProfile, Task};
use imp_shared::ids::{RecordId, UserId};
use imp_shared::inbox::{sort_named, space_items, Clock, Reader};
use imp_shared::reminder::{
    decode_b64url, endpoint_allowed, endpoint_origin, item_message, summary_message, Category,
    QuietHours, SubscriptionKeys, SubscriptionProblem, SubscriptionRequest,
};

fn taipei() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| panic!("+08:00"))
}

fn clock() -> Clock {
    Clock {
        now: at("2027-03-10T01:00:00Z"),
        offset: taipei(),
    }
}

fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&taipei())
}

#[test]
fn quiet_hours_across_midnight_within_a_day_and_none() {
    let quiet = |start, end| QuietHours {
        start,
        end,
        zone: "Asia/Taipei".to_owned(),
    };
    let night = quiet(22, 7);
    for (hour, covered) in [
        (21, false),
        (22, true),
        (23, true),
        (0, true),
        (6, true),
        (7, false),
        (12, false),
    ] {
        assert_eq!(night.covers(hour), covered, "22–7 at {hour}");
    }
    let lunch = quiet(12, 14);
    for (hour, covered) in [(11, false), (12, true), (13, true), (14, false)] {
        assert_eq!(lunch.covers(hour), covered, "12–14 at {hour}");
    }
    assert!(
        (0..24).all(|hour| !quiet(9, 9).covers(hour)),
        "equal hours: never quiet"
    );
    assert_eq!(
        QuietHours::default(),
        quiet(22, 7),
        "22:00–07:00 Taipei by default"
    );
}

#[test]
fn only_browser_push_services_and_in_tests_loopback() {
    for endpoint in [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/x",
        "https://web.push.apple.com/QGx",
        "https://db5p.notify.windows.com/w/?token=1",
    ] {
        assert!(endpoint_allowed(endpoint, false), "{endpoint}");
    }
    for endpoint in [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://evil.example/fcm.googleapis.com",
        "https://fcm.googleapis.com.evil.example/x",
        "https://user@fcm.googleapis.com/x",
        "https://notfcm.googleapis.com/x",
        "http://127.0.0.1:9000/push",
        "http://169.254.169.254/latest",
        "https://fcm.googleapis.com/a b",
    ] {
        assert!(!endpoint_allowed(endpoint, false), "{endpoint}");
    }
    assert!(endpoint_allowed("http://127.0.0.1:9000/push", true));
    assert!(!endpoint_allowed("http://127.0.0.1/push", true));
    assert!(!endpoint_allowed("http://localhost:9000/push", true));
    assert_eq!(
        endpoint_origin("https://fcm.googleapis.com/fcm/send/abc").as_deref(),
        Some("https://fcm.googleapis.com")
    );
    assert_eq!(
        endpoint_origin("http://127.0.0.1:9000/p/1").as_deref(),
        Some("http://127.0.0.1:9000")
    );
}

#[test]
fn base64url_reads_keys_as_browsers_write_them() {
    assert_eq!(decode_b64url("AQID"), Some(vec![1, 2, 3]));
    assert_eq!(decode_b64url("AQI"), Some(vec![1, 2]));
    assert_eq!(decode_b64url("AQ=="), Some(vec![1]));
    assert_eq!(decode_b64url("-_8"), Some(vec![0xfb, 0xff]));
    assert_eq!(decode_b64url("A"), None);
    assert_eq!(
        decode_b64url("AQ+/"),
        None,
        "standard base64 is not base64url"
    );
}

fn request() -> SubscriptionRequest {
    SubscriptionRequest {
        endpoint: "https://fcm.googleapis.com/fcm/send/abc".to_owned(),
        keys: SubscriptionKeys {
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4".to_owned(),
            auth: "BTBZMqHH6r4Tts7J_aSIgg".to_owned(),
        },
        lang: "zh-TW".to_owned(),
        categories: Category::ALL.to_vec(),
        quiet: QuietHours::default(),
    }
}

#[test]
fn a_subscription_is_checked_field_by_field() {
    assert_eq!(request().check(false), Ok(()));
    let mut bad = request();
    bad.endpoint = "http://127.0.0.1:9000/x".to_owned();
    assert_eq!(bad.check(false), Err(SubscriptionProblem::Endpoint));
    let mut bad = request();
    bad.keys.p256dh = "BTBZMqHH6r4Tts7J_aSIgg".to_owned();
    assert_eq!(bad.check(false), Err(SubscriptionProblem::Key));
    let mut bad = request();
    bad.keys.auth = "AQID".to_owned();
    assert_eq!(bad.check(false), Err(SubscriptionProblem::Auth));
    let mut bad = request();
    bad.lang = "fr".to_owned();
    assert_eq!(bad.check(false), Err(SubscriptionProblem::Lang));
    let mut bad = request();
    bad.quiet.end = 24;
    assert_eq!(bad.check(false), Err(SubscriptionProblem::Hour));
    let mut bad = request();
    bad.quiet.zone = "../etc".to_owned();
    assert_eq!(bad.check(false), Err(SubscriptionProblem::Zone));
    // Defaults for what a device leaves out; unknown fields and categories are refused.
    let read: SubscriptionRequest = from(json!({
        "endpoint": "https://fcm.googleapis.com/x",
        "keys": { "p256dh": "B", "auth": "A" }, "lang": "en",
    }));
    assert_eq!(read.categories, Category::ALL.to_vec());
    assert_eq!(read.quiet, QuietHours::default());
    assert!(serde_json::from_value::<SubscriptionRequest>(json!({
        "endpoint": "https://fcm.googleapis.com/x", "keys": { "p256dh": "B", "auth": "A" },
        "lang": "en", "categories": ["gossip"],
    }))
    .is_err());
}

fn records(entries: Vec<(RecordKind, &str, Entity)>) -> MemoryRecords {
    let mut view = MemoryRecords::default();
    for (kind, id, entity) in entries {
        view.records.insert(
            RecordKey {
                kind,
                id: RecordId(id.to_owned()),
            },
            entity,
        );
    }
    view
}

fn profile(name: &str) -> Entity {
    Entity::StudentProfile(from::<StudentProfile>(json!({
        "display_name": name, "cohort_year": 2027, "graduation_date": null,
    })))
}

fn session(starts_at: &str) -> Entity {
    Entity::MentoringSession(from::<MentoringSession>(json!({
        "starts_at": starts_at, "time_zone": "Asia/Taipei", "duration_minutes": 60,
        "format": "video", "state": "scheduled",
    })))
}

#[test]
fn an_item_becomes_a_declarative_push_message_in_the_devices_language() {
    let lan = UserId::from("lan");
    let space = records(vec![
        (RecordKind::StudentProfile, "lan", profile("Lan")),
        (
            RecordKind::MentoringSession,
            "s1",
            session("2027-03-10T06:00:00Z"),
        ),
        (
            RecordKind::Task,
            "t1",
            Entity::Task(from::<Task>(
                json!({ "title": "CV", "due_date": "2027-03-12", "done": false }),
            )),
        ),
    ]);
    let program = MemoryRecords::default();
    let items = space_items(&lan, &space, &program, Reader::Student, clock());
    assert_eq!(items.len(), 2, "{items:?}");
    let (session_item, _) = &items[0];
    let en = item_message(session_item, None, false, "https://imp.example", 2, local);
    assert_eq!(
        serde_json::to_value(&en).unwrap_or_default(),
        json!({
            "web_push": 8030,
            "notification": {
                "title": "IMP Companion reminder",
                "body": "Mentoring session Wed 10 Mar 2027 14:00",
                "navigate": "https://imp.example/sessions",
                "lang": "en",
                "tag": "session:lan:s1",
                "app_badge": "2",
            },
        })
    );
    let zh = item_message(&items[1].0, None, true, "https://imp.example", 2, local);
    assert_eq!(zh.notification.body, "任務 2027年3月12日（週五） 到期：CV");
    assert_eq!(zh.notification.navigate, "https://imp.example/tasks");
    assert_eq!(zh.notification.lang, "zh-TW");
    let summary = summary_message(5, false, "https://imp.example", 7);
    assert_eq!(summary.notification.body, "You have 5 new reminders");
    assert_eq!(summary.notification.navigate, "https://imp.example/inbox");
    assert_eq!(summary.notification.app_badge, "7");
}

#[test]
fn a_mentors_inbox_of_several_mentees_is_in_one_order_with_names() {
    let mentor = UserId::from("mentor");
    let program = MemoryRecords::default();
    let lan = records(vec![
        (RecordKind::StudentProfile, "lan", profile("Lan")),
        (
            RecordKind::MentoringSession,
            "a",
            session("2027-03-10T09:00:00Z"),
        ),
    ]);
    let minh = records(vec![
        (RecordKind::StudentProfile, "minh", profile("Minh")),
        (
            RecordKind::MentoringSession,
            "b",
            session("2027-03-10T03:00:00Z"),
        ),
        // A task is the student's own business: not in the mentor's inbox.
        (
            RecordKind::Task,
            "t",
            Entity::Task(from::<Task>(
                json!({ "title": "CV", "due_date": "2027-03-11", "done": false }),
            )),
        ),
    ]);
    let mut items = space_items(
        &UserId::from("lan"),
        &lan,
        &program,
        Reader::Mentor(&mentor),
        clock(),
    );
    items.extend(space_items(
        &UserId::from("minh"),
        &minh,
        &program,
        Reader::Mentor(&mentor),
        clock(),
    ));
    sort_named(&mut items);
    let seen: Vec<(String, Option<String>)> = items
        .into_iter()
        .map(|(item, name)| (item.key, name))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("session:minh:b".to_owned(), Some("Minh".to_owned())),
            ("session:lan:a".to_owned(), Some("Lan".to_owned())),
        ]
    );
}
