//! The router: `/api/v1` routes to their handlers (sign-in in `session`, staff endpoints in
//! `staff`, a space's push, pull and live socket in `sync`), anything else to the app's assets;
//! and what every handler shares: the signed-in account, the one staff check, the space in a
//! path, the request's versions.

mod assets;
mod reminders;
mod session;
mod staff;
mod sync;

use chrono::Utc;
use worker::{Env, Method, Request, Response};

use imp_shared::domain::Role;
use imp_shared::ids::SpaceId;
use imp_shared::protocol::{
    check_versions, HealthResponse, VersionError, PROTOCOL_VERSION, SCHEMA_VERSION,
};
use imp_shared::APP_VERSION;

use crate::config::{session_cache_seconds, test_hooks};
use crate::directory::{Account, Directory};
use crate::error::ApiError;
use crate::http::{bearer_token, json_response, json_text_response};
use crate::seed;
use crate::space_client::SpaceClient;

/// Answers one request of the Worker: an API route, or the app's shell / a 404 for anything
/// outside `/api`.
pub(crate) async fn route(request: Request, env: &Env) -> Result<Response, ApiError> {
    let path = request.path();
    let is_api = path == "/api" || path.starts_with("/api/");
    if !is_api {
        return assets::app_fallback(request, env).await;
    }
    // Routes match exactly: `/api/v1/` then non-empty segments (no `/api/v1health`, no `//`, no
    // trailing slash); every other /api path gets a JSON 404.
    let no_route = || ApiError::NotFound("no such API route".to_owned());
    let api_path = path.strip_prefix("/api/v1/").ok_or_else(no_route)?;
    let segments: Vec<&str> = api_path.split('/').collect();
    if segments.iter().any(|segment| segment.is_empty()) {
        return Err(no_route());
    }
    let method = request.method();
    match (method.clone(), segments.as_slice()) {
        (Method::Get, ["health"]) => Ok(json_response(
            &HealthResponse {
                status: "ok".to_owned(),
                version: APP_VERSION.to_owned(),
                protocol: PROTOCOL_VERSION,
                schema: SCHEMA_VERSION,
            },
            200,
        )),
        // The cost of one trip to a space's object and back, for the benchmark's floor (test
        // hooks only): an empty `/read` of the program space.
        (Method::Get, ["test", "space-trip"]) if test_hooks(env) => Ok(json_text_response(
            SpaceClient::program(env).read_text(Vec::new()).await?,
            200,
        )),
        // Cuts a space's live sockets and refuses new ones for a minute (test hooks only): the
        // app must then fall back to polling.
        (Method::Post, ["test", "cut-live", space]) if test_hooks(env) => {
            let space = parse_space(space)?;
            Ok(json_text_response(
                SpaceClient::new(env, space).cut_live().await?,
                200,
            ))
        }
        (Method::Post, ["auth", "login"]) => session::login(request, env).await,
        (Method::Post, ["auth", "logout"]) => session::logout(request, env).await,
        (Method::Post, ["auth", "accept-invite"]) => session::accept_invite(request, env).await,
        (Method::Get, ["auth", "invite"]) => session::invite_details(request, env).await,
        (Method::Get, ["me"]) => session::me(request, env).await,
        (Method::Post, ["invites"]) => staff::invite(request, env).await,
        (Method::Get, ["accounts"]) => staff::accounts(request, env).await,
        (Method::Post, ["accounts", id, "active"]) => {
            let id = (*id).to_owned();
            staff::set_active(request, env, &id).await
        }
        (Method::Post, ["spaces", space, "push"]) => {
            let space = parse_space(space)?;
            sync::push(request, env, space).await
        }
        (Method::Get, ["spaces", space, "pull"]) => {
            let space = parse_space(space)?;
            sync::pull(request, env, space).await
        }
        (Method::Get, ["spaces", space, "live"]) => {
            let space = parse_space(space)?;
            sync::live(request, env, space).await
        }
        (Method::Get, ["push", "key"]) => reminders::key(request, env).await,
        (Method::Put, ["push", "subscription"]) => reminders::subscribe(request, env).await,
        (Method::Delete, ["push", "subscription"]) => reminders::unsubscribe(request, env).await,
        (Method::Post, ["calendar", "feed"]) => reminders::create_feed(request, env).await,
        (Method::Delete, ["calendar", "feed"]) => reminders::revoke_feed(request, env).await,
        (Method::Get, ["calendar", file]) => reminders::feed(env, file).await,
        // The Cron Trigger's reminder run at a given instant (test hooks only).
        (Method::Post, ["test", "reminders"]) if test_hooks(env) => {
            reminders::test_run(request, env).await
        }
        (Method::Post, ["admin", "seed"]) => seed::seed(request, env).await,
        (Method::Post, ["admin", "summaries"]) => staff::rebuild_summaries(request, env).await,
        (
            _,
            ["health"]
            | ["auth", _]
            | ["me"]
            | ["invites"]
            | ["accounts"]
            | ["accounts", _, "active"]
            | ["admin", "seed" | "summaries"]
            | ["push", "key" | "subscription"]
            | ["calendar", _],
        )
        | (_, ["spaces", _, "push" | "pull" | "live"]) => {
            Err(ApiError::MethodNotAllowed(format!("{method:?}")))
        }
        _ => Err(no_route()),
    }
}

/// The space named in a path (`program`, `staff`, `student:<id>`; the colon may come encoded).
fn parse_space(text: &str) -> Result<SpaceId, ApiError> {
    let decoded = text.replace("%3A", ":").replace("%3a", ":");
    SpaceId::parse(&decoded).map_err(|error| ApiError::BadRequest(error.to_string()))
}

/// The directory in D1 (the `DB` binding).
pub(crate) fn directory(env: &Env) -> Result<Directory, ApiError> {
    Ok(Directory::new(env.d1("DB").map_err(|error| {
        ApiError::Internal(format!("the DB binding is missing: {error}"))
    })?))
}

/// The account of the request's bearer token (401 without one, or for a session that ended).
pub(crate) async fn signed_in(
    request: &Request,
    env: &Env,
) -> Result<(Directory, Account), ApiError> {
    let token = bearer_token(request)
        .ok_or_else(|| ApiError::Unauthorized("sign in first (no bearer token)".to_owned()))?;
    let directory = directory(env)?;
    let account = directory
        .session_account(&token, Utc::now(), session_cache_seconds(env))
        .await?;
    Ok((directory, account))
}

/// The one staff check of the API: a signed-in account that is not staff gets a 403
/// (`forbidden`) saying `refusal`, what only staff may do.
pub(crate) fn require_staff(account: &Account, refusal: &str) -> Result<(), ApiError> {
    if account.role()? == Role::Staff {
        Ok(())
    } else {
        Err(ApiError::Forbidden(refusal.to_owned()))
    }
}

/// The protocol and schema a request says it speaks: too old a client gets `client_too_old`,
/// numbers the server does not know a 400.
fn check_request_versions(protocol: u32, schema: u32) -> Result<(), ApiError> {
    check_versions(protocol, schema).map_err(|error| match error {
        VersionError::ClientTooOld { .. } => ApiError::ClientTooOld(error.to_string()),
        VersionError::Unknown { .. } => ApiError::BadRequest(error.to_string()),
    })
}

/// An email address as the directory keeps it (trimmed, lower case), or a 400 if it is none.
fn normalize_email(email: &str) -> Result<String, ApiError> {
    let email = email.trim().to_lowercase();
    let well_formed = email.len() <= 200
        && email.split('@').count() == 2
        && !email.starts_with('@')
        && !email.ends_with('@')
        && !email.chars().any(char::is_whitespace);
    if well_formed {
        Ok(email)
    } else {
        Err(ApiError::BadRequest(
            "that is not an email address".to_owned(),
        ))
    }
}
