//! Reminders outside the app: a device's push subscription (`/push/…`), the person's calendar
//! feed (`/calendar/…`), and the test hooks' reminder run at a given instant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

use imp_shared::calendar::{calendar_name, person_events, to_ics};
use imp_shared::domain::Role;
use imp_shared::ids::{SpaceId, UserId};
use imp_shared::reminder::{SubscriptionRequest, Unsubscribe};
use imp_shared::webpush::b64url;

use super::{directory, signed_in};
use crate::auth;
use crate::config::test_hooks;
use crate::directory::PushSubscriptionRow;
use crate::error::ApiError;
use crate::http::{bearer_token, calendar_response, json_response, query_param, read_json};
use crate::reminders::{self, offset_in, read_spaces, VapidKey};

/// `{"ok": true}`.
#[derive(Serialize)]
struct Done {
    ok: bool,
}

/// `GET /api/v1/push/key`: the application server key browsers subscribe with.
pub(super) async fn key(request: Request, env: &Env) -> Result<Response, ApiError> {
    #[derive(Serialize)]
    struct Key {
        public_key: String,
    }
    let (directory, _) = signed_in(&request, env).await?;
    let key = VapidKey::load(env, &directory).await?;
    Ok(json_response(
        &Key {
            public_key: b64url(&key.public),
        },
        200,
    ))
}

/// The app's origin as the request names it (what a notification's tap opens).
fn origin_of(request: &Request) -> Result<String, ApiError> {
    Ok(request
        .url()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?
        .origin()
        .ascii_serialization())
}

/// `PUT /api/v1/push/subscription`: this device wants reminders by push.
pub(super) async fn subscribe(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    let body: SubscriptionRequest = read_json(&mut request).await?;
    body.check(test_hooks(env))
        .map_err(|problem| ApiError::BadRequest(problem.to_string()))?;
    if offset_in(&body.quiet.zone, Utc::now()).is_none() {
        return Err(ApiError::BadRequest(format!(
            "unknown time zone {}",
            body.quiet.zone
        )));
    }
    // The key must be a point on the curve: a message to it must be possible.
    let point = imp_shared::webpush::from_b64url(&body.keys.p256dh).unwrap_or_default();
    if imp_shared::webpush::encrypt(b"", &point, &[0u8; 16], &[1u8; 32], &[0u8; 16]).is_err() {
        return Err(ApiError::BadRequest(
            "keys.p256dh is not a point on P-256".to_owned(),
        ));
    }
    let categories: Vec<&str> = body
        .categories
        .iter()
        .map(|category| category.name())
        .collect();
    let row = PushSubscriptionRow {
        endpoint: body.endpoint,
        user_id: account.id.clone(),
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        lang: body.lang,
        categories: categories.join(","),
        quiet_start: i64::from(body.quiet.start),
        quiet_end: i64::from(body.quiet.end),
        quiet_zone: body.quiet.zone,
        origin: origin_of(&request)?,
        session_hash: auth::token_hash(&bearer_token(&request).unwrap_or_default()),
    };
    directory.put_subscription(&row, Utc::now()).await?;
    Ok(json_response(&Done { ok: true }, 200))
}

/// `DELETE /api/v1/push/subscription`: this device wants no more push reminders.
pub(super) async fn unsubscribe(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    let body: Unsubscribe = read_json(&mut request).await?;
    directory
        .delete_subscription(&body.endpoint, Some(&account.id))
        .await?;
    Ok(json_response(&Done { ok: true }, 200))
}

/// `POST /api/v1/calendar/feed`: a new secret calendar URL for the signed-in person (the one
/// they had stops working).
pub(super) async fn create_feed(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FeedRequest {
        lang: String,
    }
    #[derive(Serialize)]
    struct Feed {
        url: String,
    }
    let (directory, account) = signed_in(&request, env).await?;
    let body: FeedRequest = read_json(&mut request).await?;
    if body.lang != "en" && body.lang != "zh-TW" {
        return Err(ApiError::BadRequest("lang must be en or zh-TW".to_owned()));
    }
    let token = auth::new_token()?;
    directory
        .put_calendar_feed(
            &account.id,
            &auth::token_hash(&token),
            &body.lang,
            Utc::now(),
        )
        .await?;
    let url = format!("{}/api/v1/calendar/{token}.ics", origin_of(&request)?);
    Ok(json_response(&Feed { url }, 200))
}

/// `DELETE /api/v1/calendar/feed`: the signed-in person's calendar URL stops working.
pub(super) async fn revoke_feed(request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    directory.delete_calendar_feed(&account.id).await?;
    Ok(json_response(&Done { ok: true }, 200))
}

/// `GET /api/v1/calendar/{token}.ics`: the person's calendar (no session: the URL is the
/// secret); 404 for a token that is unknown, revoked or of an account switched off.
pub(super) async fn feed(env: &Env, file: &str) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("no such calendar".to_owned());
    let token = file.strip_suffix(".ics").ok_or_else(not_found)?;
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    let directory = directory(env)?;
    let (account, lang) = directory
        .calendar_feed(&auth::token_hash(token))
        .await?
        .ok_or_else(not_found)?;
    let zh = lang == "zh-TW";
    let views = read_spaces(env, &directory, &account).await?;
    let me = UserId(account.id.clone());
    let empty = imp_shared::apply::MemoryRecords::default();
    let program = views.get(&SpaceId::Program).unwrap_or(&empty);
    let (students, visa): (Vec<_>, bool) = match account.role()? {
        Role::Student => (views.get(&SpaceId::Student(me)).into_iter().collect(), true),
        Role::Mentor => (
            views
                .iter()
                .filter(|(space, _)| matches!(space, SpaceId::Student(_)))
                .map(|(_, view)| view)
                .collect(),
            false,
        ),
        Role::Staff => (Vec::new(), false),
    };
    let events = person_events(&students, visa, program, zh);
    Ok(calendar_response(to_ics(
        calendar_name(zh),
        &events,
        Utc::now(),
    )))
}

/// `POST /api/v1/test/reminders?at=<RFC 3339>` (test hooks only): the Cron Trigger's run, as if
/// it were `at`.
pub(super) async fn test_run(request: Request, env: &Env) -> Result<Response, ApiError> {
    let at = match query_param(&request, "at")? {
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .map_err(|error| ApiError::BadRequest(format!("at: {error}")))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let report = reminders::run(env, at).await?;
    Ok(json_response(&report, 200))
}
