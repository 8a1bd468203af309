//! IMP Companion's Worker: the HTTP API under `/api/v1`, the directory in D1, one Durable Object
//! per space, and the built app served as static assets from the same origin.

mod auth;
mod directory;
mod error;
mod http;
mod seed;
mod space;

use chrono::{Duration, Utc};
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{event, Context, Env, Method, Request, RequestInit, Response};

use imp_shared::cache::SESSION_CACHE_SECONDS;
use imp_shared::domain::Role;
use imp_shared::ids::{ClientId, MutationSeq, ServerVersion, SpaceId, UserId, MAX_SAFE_INTEGER};
use imp_shared::protocol::{
    check_versions, read_push, AcceptInviteRequest, AccountInfo, ApiErrorBody, HealthResponse,
    InviteDetails, InviteRequest, InviteResponse, LoginRequest, MeResponse, PushItem,
    SetActiveRequest, UserInfo, VersionError, MAX_PULL_LIMIT, PROTOCOL_VERSION, SCHEMA_VERSION,
};
use imp_shared::APP_VERSION;

use crate::directory::{
    Account, Directory, ADDRESS_BUDGET, INVITE_DAYS, LOGIN_BUDGET, SESSION_DAYS,
};
use crate::error::ApiError;
use crate::http::{
    bearer_token, json_response, json_text_response, query_param, query_u64, read_json, read_text,
    text_response,
};
use crate::space::{
    Fault, SpaceDerive, SpaceLive, SpacePull, SpacePush, SpacePushReply, SpaceRead,
};
use imp_shared::server::RelatedRecords;

pub use crate::space::SpaceObject;

#[event(fetch)]
async fn fetch(request: Request, env: Env, _context: Context) -> worker::Result<Response> {
    Ok(match route(request, &env).await {
        Ok(response) => response,
        Err(error) => error.to_response(),
    })
}

/// What matched no file of the app. Workers static assets answer every file of `dist/` before the
/// Worker runs (`not_found_handling = "none"` in `wrangler.toml`), so a request outside `/api`
/// reaches here only when no file has its path: a path that names a file (see
/// [`names_static_file`]) gets a plain 404; any other is a route of the app (a deep link such as
/// `/tasks` or `/invite?code=…`) and gets the app shell, `/`, from the assets binding, which adds
/// the security headers of `public/_headers` as it does for every file it serves.
async fn app_fallback(request: Request, env: &Env) -> Result<Response, ApiError> {
    if names_static_file(&request.path()) {
        return Ok(text_response(
            "Not found: IMP Companion has no such file.\n",
            404,
        ));
    }
    let method = request.method();
    if !matches!(method, Method::Get | Method::Head) {
        let response = text_response("Method not allowed: the app's pages are only read.\n", 405);
        let _ = response.headers().set("allow", "GET, HEAD");
        return Ok(response);
    }
    let mut url = request
        .url()
        .map_err(|error| ApiError::BadRequest(format!("bad URL: {error}")))?;
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    // The browser's own headers go along: `If-None-Match` still gets a 304 for an unchanged shell.
    let mut init = RequestInit::new();
    init.with_method(method)
        .with_headers(request.headers().clone());
    let shell = Request::new_with_init(url.as_str(), &init)?;
    let assets = env
        .assets("ASSETS")
        .map_err(|error| ApiError::Internal(format!("no assets binding: {error}")))?;
    Ok(assets.fetch_request(shell).await?)
}

/// Whether a path outside `/api` names a file rather than a route of the app: its last segment has
/// an extension (`/nope.js`, `/robots.txt`), or it lies under the build's own folders (`/pkg/…`,
/// `/icons/…`). The app's routes are single words (`/tasks`, `/student?id=…`), never with a dot.
fn names_static_file(path: &str) -> bool {
    let under = |folder: &str| {
        path.strip_prefix(folder)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    let last = path.rsplit('/').next().unwrap_or_default();
    under("/pkg") || under("/icons") || last.contains('.')
}

/// Whether the test hooks (fault injection, short sessions) are switched on for this deployment.
fn test_hooks(env: &Env) -> bool {
    env.var("IMP_TEST_HOOKS")
        .map(|value| value.to_string() == "on")
        .unwrap_or(false)
}

fn directory(env: &Env) -> Result<Directory, ApiError> {
    Ok(Directory::new(env.d1("DB").map_err(|error| {
        ApiError::Internal(format!("the DB binding is missing: {error}"))
    })?))
}

async fn route(request: Request, env: &Env) -> Result<Response, ApiError> {
    let path = request.path();
    let is_api = path == "/api" || path.starts_with("/api/");
    if !is_api {
        return app_fallback(request, env).await;
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
            call_space_text(
                env,
                &SpaceId::Program,
                "/read",
                &SpaceRead { keys: Vec::new() },
            )
            .await?,
            200,
        )),
        // Cuts a space's live sockets and refuses new ones for a minute (test hooks only): the
        // app must then fall back to polling.
        (Method::Post, ["test", "cut-live", space]) if test_hooks(env) => {
            let space = parse_space(space)?;
            Ok(json_text_response(
                call_space_text(env, &space, "/cut-live", &()).await?,
                200,
            ))
        }
        (Method::Post, ["auth", "login"]) => login(request, env).await,
        (Method::Post, ["auth", "logout"]) => logout(request, env).await,
        (Method::Post, ["auth", "accept-invite"]) => accept_invite(request, env).await,
        (Method::Get, ["auth", "invite"]) => invite_details(request, env).await,
        (Method::Get, ["me"]) => me(request, env).await,
        (Method::Post, ["invites"]) => invite(request, env).await,
        (Method::Get, ["accounts"]) => accounts(request, env).await,
        (Method::Post, ["accounts", id, "active"]) => {
            let id = (*id).to_owned();
            set_active(request, env, &id).await
        }
        (Method::Post, ["spaces", space, "push"]) => {
            let space = parse_space(space)?;
            push(request, env, space).await
        }
        (Method::Get, ["spaces", space, "pull"]) => {
            let space = parse_space(space)?;
            pull(request, env, space).await
        }
        (Method::Get, ["spaces", space, "live"]) => {
            let space = parse_space(space)?;
            live(request, env, space).await
        }
        (Method::Post, ["admin", "seed"]) => seed::seed(request, env).await,
        (Method::Post, ["admin", "summaries"]) => rebuild_summaries(request, env).await,
        (
            _,
            ["health"]
            | ["auth", _]
            | ["me"]
            | ["invites"]
            | ["accounts"]
            | ["accounts", _, "active"]
            | ["admin", "seed" | "summaries"],
        )
        | (_, ["spaces", _, "push" | "pull" | "live"]) => {
            Err(ApiError::MethodNotAllowed(format!("{method:?}")))
        }
        _ => Err(no_route()),
    }
}

fn parse_space(text: &str) -> Result<SpaceId, ApiError> {
    let decoded = text.replace("%3A", ":").replace("%3a", ":");
    SpaceId::parse(&decoded).map_err(|error| ApiError::BadRequest(error.to_string()))
}

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

/// How long a checked session is trusted without D1: [`SESSION_CACHE_SECONDS`], or with the
/// test hooks on the `IMP_TEST_SESSION_CACHE_SECONDS` var (the test of the bound shortens it).
fn session_cache_seconds(env: &Env) -> i64 {
    test_number(env, "IMP_TEST_SESSION_CACHE_SECONDS").unwrap_or(SESSION_CACHE_SECONDS)
}

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

/// Pushes a user may send into one space per minute (counted by the space's object):
/// [`directory::PUSHES_PER_MINUTE`], or with the test hooks on the `IMP_TEST_PUSH_LIMIT` var (the
/// push-limit test lowers it, the benchmark raises it).
pub(crate) fn push_limit(env: &Env) -> i64 {
    test_number(env, "IMP_TEST_PUSH_LIMIT").unwrap_or(directory::PUSHES_PER_MINUTE)
}

/// A whole-number var the test hooks may set (`None` with the hooks off, or when it is unset).
fn test_number(env: &Env, name: &str) -> Option<i64> {
    if !test_hooks(env) {
        return None;
    }
    env.var(name)
        .ok()
        .and_then(|value| value.to_string().parse::<i64>().ok())
}

/// The client's address as Cloudflare saw it (`CF-Connecting-IP`), for per-address budgets. With
/// the test hooks on, `x-imp-test-client-address` stands in for it, so tests can act as many
/// clients from one machine.
fn client_address(request: &Request, env: &Env) -> String {
    let header = |name: &str| request.headers().get(name).ok().flatten();
    let hooked = if test_hooks(env) {
        header("x-imp-test-client-address")
    } else {
        None
    };
    hooked
        .or_else(|| header("cf-connecting-ip"))
        .map(|address| address.trim().chars().take(64).collect())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// With the test hooks on, says in `x-imp-password-checks` how many password hashes (PBKDF2) the
/// request computed: what the throttling tests count.
fn count_password_checks(env: &Env, response: Response, checks: u32) -> Response {
    if test_hooks(env) {
        let _ = response
            .headers()
            .set("x-imp-password-checks", &checks.to_string());
    }
    response
}

async fn login(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    let body: LoginRequest = read_json(&mut request).await?;
    let email = normalize_email(&body.email)?;
    let address = client_address(&request, env);
    let directory = directory(env)?;
    let now = Utc::now();
    let account_key = format!("login:{email}|{address}");
    let address_key = format!("address:{address}");
    // Counted and judged before the password is checked: parallel guesses cannot outrun it.
    directory
        .count_attempt(
            &[
                (account_key.clone(), LOGIN_BUDGET),
                (address_key.clone(), ADDRESS_BUDGET),
            ],
            now,
        )
        .await?;
    let account = directory.account_by_email(&email).await?;
    // A missing account (or one without a password yet) is checked against a dummy hash, so the
    // answer takes as long as for a wrong password and does not tell which emails exist.
    let stored = account
        .as_ref()
        .and_then(|account| account.password_hash.as_deref())
        .unwrap_or(auth::DUMMY_HASH);
    let matches = auth::verify_password(&body.password, stored).await;
    let account = match account {
        Some(account) if matches && account.password_hash.is_some() => account,
        _ => {
            return Ok(count_password_checks(
                env,
                ApiError::Unauthorized("the email or the password is wrong".to_owned())
                    .to_response(),
                1,
            ));
        }
    };
    if account.active != 1 {
        return Ok(count_password_checks(
            env,
            ApiError::Unauthorized("this account is deactivated".to_owned()).to_response(),
            1,
        ));
    }
    directory.forget_attempts(&account_key).await?;
    directory.refund_attempt(&address_key).await?;
    if let Err(error) = directory.purge_expired(now).await {
        worker::console_error!("purging expired sessions failed: {error}");
    }
    let mut lifetime = Duration::days(SESSION_DAYS);
    if test_hooks(env) {
        let requested = request
            .headers()
            .get("x-imp-session-seconds")
            .ok()
            .flatten()
            .and_then(|value| value.parse::<i64>().ok());
        if let Some(seconds) = requested {
            lifetime = Duration::seconds(seconds.clamp(1, SESSION_DAYS * 86_400));
        }
    }
    let session = directory.start_session(&account, now, lifetime).await?;
    Ok(count_password_checks(env, json_response(&session, 200), 1))
}

#[derive(Serialize)]
struct StatusBody {
    status: &'static str,
}

async fn logout(request: Request, env: &Env) -> Result<Response, ApiError> {
    let token = bearer_token(&request)
        .ok_or_else(|| ApiError::Unauthorized("sign in first (no bearer token)".to_owned()))?;
    let directory = directory(env)?;
    // Logging out an already-ended session is fine: the result is the same.
    directory.end_session(&token).await?;
    Ok(json_response(
        &StatusBody {
            status: "signed_out",
        },
        200,
    ))
}

async fn accept_invite(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    let body: AcceptInviteRequest = read_json(&mut request).await?;
    auth::check_new_password(&body.password)?;
    let code = body.code.trim();
    if code.is_empty() || code.len() > 100 {
        return Err(ApiError::BadRequest(
            "the invite code is missing".to_owned(),
        ));
    }
    let directory = directory(env)?;
    let now = Utc::now();
    let address_key = format!("address:{}", client_address(&request, env));
    directory
        .count_attempt(&[(address_key.clone(), ADDRESS_BUDGET)], now)
        .await?;
    // The code is looked up before the (costly) password hash is made.
    if !directory.invite_is_live(code, now).await? {
        return Ok(count_password_checks(
            env,
            ApiError::BadRequest("this invite code is unknown, used or expired".to_owned())
                .to_response(),
            0,
        ));
    }
    let hash = auth::hash_password(&body.password).await?;
    let account = directory.accept_invite(code, &hash, now).await?;
    directory.refund_attempt(&address_key).await?;
    let session = directory
        .start_session(&account, now, Duration::days(SESSION_DAYS))
        .await?;
    Ok(count_password_checks(env, json_response(&session, 200), 1))
}

/// `GET /api/v1/auth/invite?code=…` (no session): whom a live invite code is for, its role, and
/// the password rule of accept-invite. Counted against the client address's budget like
/// accept-invite, and given back for a live code, so guessing codes here is throttled the same.
async fn invite_details(request: Request, env: &Env) -> Result<Response, ApiError> {
    let code = query_param(&request, "code")?.unwrap_or_default();
    let code = code.trim();
    if code.is_empty() {
        return Err(ApiError::BadRequest(
            "the invite code is missing".to_owned(),
        ));
    }
    if code.len() > 100 {
        return Err(ApiError::BadRequest(
            "the invite code is too long".to_owned(),
        ));
    }
    let directory = directory(env)?;
    let now = Utc::now();
    let address_key = format!("address:{}", client_address(&request, env));
    directory
        .count_attempt(&[(address_key.clone(), ADDRESS_BUDGET)], now)
        .await?;
    let Some(invite) = directory.live_invite(code, now).await? else {
        return Err(ApiError::BadRequest(
            "this invite code is unknown, used or expired".to_owned(),
        ));
    };
    directory.refund_attempt(&address_key).await?;
    let chars = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(json_response(
        &InviteDetails {
            email: invite.email,
            display_name: invite.display_name,
            role: invite.role,
            expires_at: invite.expires_at,
            password_min_chars: chars(auth::MIN_PASSWORD_CHARS),
            password_max_chars: chars(auth::MAX_PASSWORD_CHARS),
        },
        200,
    ))
}

async fn me(request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    let spaces = directory.readable_spaces(&account).await?;
    Ok(json_response(
        &MeResponse {
            user: account.info()?,
            spaces,
        },
        200,
    ))
}

async fn invite(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    if account.role()? != Role::Staff {
        return Err(ApiError::Forbidden(
            "only program staff invite people".to_owned(),
        ));
    }
    let body: InviteRequest = read_json(&mut request).await?;
    if let Some(year) = body.cohort_year {
        if !imp_shared::domain::YEARS.contains(&year) {
            return Err(ApiError::BadRequest(format!(
                "cohort year {year} is out of range"
            )));
        }
    }
    let email = normalize_email(&body.email)?;
    let display_name = body.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(ApiError::BadRequest(
            "the display name must have 1 to 200 characters".to_owned(),
        ));
    }
    if display_name
        .chars()
        .any(|c| c.is_control() || imp_shared::domain::is_invisible_formatting(c))
    {
        return Err(ApiError::BadRequest(
            "the display name contains invisible control or formatting characters".to_owned(),
        ));
    }
    let now = Utc::now();
    let user_id = format!("u-{}", auth::random_hex(8)?);
    directory
        .create_account(&user_id, &email, display_name, body.role, None, now)
        .await?;
    let code = auth::random_hex(16)?;
    let expires_at = now + Duration::days(INVITE_DAYS);
    directory.create_invite(&user_id, &code, expires_at).await?;
    if let (Role::Student, Some(cohort_year)) = (body.role, body.cohort_year) {
        enrol(
            env,
            &account,
            &UserId(user_id.clone()),
            display_name,
            cohort_year,
        )
        .await?;
    }
    if let (Role::Mentor, Some(organization_id)) = (body.role, &body.organization_id) {
        add_mentor_profile(
            env,
            &account,
            &UserId(user_id.clone()),
            display_name,
            &email,
            organization_id,
        )
        .await?;
    }
    Ok(json_response(
        &InviteResponse {
            user_id: UserId(user_id),
            code,
            expires_at,
        },
        201,
    ))
}

fn check_request_versions(protocol: u32, schema: u32) -> Result<(), ApiError> {
    check_versions(protocol, schema).map_err(|error| match error {
        VersionError::ClientTooOld { .. } => ApiError::ClientTooOld(error.to_string()),
        VersionError::Unknown { .. } => ApiError::BadRequest(error.to_string()),
    })
}

/// Refuses student spaces that belong to nobody, so no empty object is ever created for them.
/// A student's own space exists (they are signed in), so their syncs skip the question; others'
/// answers are cached (see [`Directory::student_exists`]).
async fn check_space_exists(
    directory: &Directory,
    account: &Account,
    space: &SpaceId,
) -> Result<(), ApiError> {
    if let SpaceId::Student(student) = space {
        if student.as_str() == account.id && account.role == "student" {
            return Ok(());
        }
        if !directory.student_exists(student).await? {
            return Err(ApiError::NotFound(format!("no space {space}")));
        }
    }
    Ok(())
}

/// The subprotocol a live socket speaks; the browser offers it with `imp-token.<token>` (a
/// WebSocket cannot carry an `Authorization` header) and the answer names it.
pub(crate) const LIVE_PROTOCOL: &str = "imp-live";

/// `GET /api/v1/spaces/{space}/live` (a WebSocket upgrade): the space's object sends
/// `{"type":"poke","version":N}` whenever the space's version rises, so the app pulls at once
/// (docs/sync-protocol.md §8.2). The token comes as the subprotocol `imp-token.<token>` (or the
/// usual bearer header); access is the pull's.
async fn live(request: Request, env: &Env, space: SpaceId) -> Result<Response, ApiError> {
    let upgrade = request.headers().get("upgrade").ok().flatten();
    if !upgrade.is_some_and(|value| value.eq_ignore_ascii_case("websocket")) {
        return Err(ApiError::BadRequest(
            "this endpoint is a WebSocket (send Upgrade: websocket)".to_owned(),
        ));
    }
    let offered = request
        .headers()
        .get("sec-websocket-protocol")
        .ok()
        .flatten()
        .unwrap_or_default();
    let offered: Vec<&str> = offered.split(',').map(str::trim).collect();
    if !offered.contains(&LIVE_PROTOCOL) {
        return Err(ApiError::BadRequest(format!(
            "offer the subprotocol {LIVE_PROTOCOL}"
        )));
    }
    let token = offered
        .iter()
        .find_map(|protocol| protocol.strip_prefix("imp-token."))
        .map(str::to_owned)
        .or_else(|| bearer_token(&request))
        .ok_or_else(|| ApiError::Unauthorized("sign in first (no token)".to_owned()))?;
    let directory = directory(env)?;
    let account = directory
        .session_account(&token, Utc::now(), session_cache_seconds(env))
        .await?;
    check_space_exists(&directory, &account, &space).await?;
    let namespace = env
        .durable_object("SPACES")
        .map_err(|error| ApiError::Internal(format!("the SPACES binding is missing: {error}")))?;
    let stub = namespace.id_from_name(&space.to_string())?.get_stub()?;
    let actor = serde_json::to_string(&SpaceLive {
        actor: account.actor()?,
        space,
    })
    .map_err(|error| ApiError::Internal(format!("could not encode: {error}")))?;
    let headers = worker::Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set("x-imp-live", &actor)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let inner = Request::new_with_init("https://space/live", &init)?;
    let response = stub
        .fetch_with_request(inner)
        .await
        .map_err(|error| ApiError::Storage(format!("the space did not answer: {error}")))?;
    Ok(response)
}

/// Sends a JSON message to a space's Durable Object and reads its JSON answer.
async fn call_space<T: Serialize, R: serde::de::DeserializeOwned>(
    env: &Env,
    space: &SpaceId,
    route: &str,
    message: &T,
) -> Result<R, ApiError> {
    let text = call_space_text(env, space, route, message).await?;
    serde_json::from_str(&text)
        .map_err(|error| ApiError::Internal(format!("bad answer from the space: {error}")))
}

/// Sends a JSON message to a space's Durable Object; its successful answer as JSON text (a pull's
/// answer goes to the client as it is, not read and written again).
async fn call_space_text<T: Serialize>(
    env: &Env,
    space: &SpaceId,
    route: &str,
    message: &T,
) -> Result<String, ApiError> {
    let namespace = env
        .durable_object("SPACES")
        .map_err(|error| ApiError::Internal(format!("the SPACES binding is missing: {error}")))?;
    let stub = namespace.id_from_name(&space.to_string())?.get_stub()?;
    let body = serde_json::to_string(message)
        .map_err(|error| ApiError::Internal(format!("could not encode: {error}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(JsValue::from_str(&body)));
    let inner = Request::new_with_init(&format!("https://space{route}"), &init)?;
    let mut response = stub
        .fetch_with_request(inner)
        .await
        .map_err(|error| ApiError::Storage(format!("the space did not answer: {error}")))?;
    let status = response.status_code();
    let retry_after = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|value| value.parse::<u64>().ok());
    let text = response.text().await?;
    if status == 200 {
        Ok(text)
    } else {
        let body: ApiErrorBody = serde_json::from_str(&text).unwrap_or(ApiErrorBody {
            error: "internal".to_owned(),
            message: text,
        });
        Err(match (ApiError::from_parts(status, body), retry_after) {
            (ApiError::RateLimited { message, .. }, Some(retry_after)) => ApiError::RateLimited {
                message,
                retry_after,
            },
            (error, _) => error,
        })
    }
}

async fn push(mut request: Request, env: &Env, space: SpaceId) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    // Each mutation is read on its own: one the server cannot read gets its own rejected verdict
    // in the space instead of failing the push (only the envelope and the seqs must read).
    let text = read_text(&mut request).await?;
    let body = read_push(&text).map_err(|error| ApiError::InvalidJson(error.to_string()))?;
    drop(text);
    check_request_versions(body.protocol, body.schema)?;
    body.check_shape()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    check_space_exists(&directory, &account, &space).await?;
    let fault = if test_hooks(env) {
        match request
            .headers()
            .get("x-imp-fault")
            .ok()
            .flatten()
            .as_deref()
        {
            Some("after_records") => Some(Fault::AfterRecords),
            Some("summary_write") => Some(Fault::SummaryWrite),
            _ => None,
        }
    } else {
        None
    };
    let related = related_records(env, body.mutations()).await?;
    let message = SpacePush {
        actor: account.actor()?,
        space: space.clone(),
        client_id: body.client_id,
        items: body.items,
        fault,
        related,
        summary_inline: false,
    };
    let reply: SpacePushReply = call_space(env, &space, "/push", &message).await?;
    if let (Some(mentors), SpaceId::Student(_)) = (&reply.mentors_changed, &space) {
        directory.set_space_mentors(&space, mentors).await?;
    }
    // The student's summary, when this push changed what it holds, is written by the space's
    // object after this reply (and retried until it is written): see `SpaceObject::alarm`.
    Ok(json_response(&reply.response, 200))
}

/// Starts a newly invited student's records: their profile (in their space) and their enrolment
/// (in the staff space), written by the inviting staff member through the normal push path.
async fn enrol(
    env: &Env,
    staff: &Account,
    student: &UserId,
    display_name: &str,
    cohort_year: i32,
) -> Result<(), ApiError> {
    use imp_shared::domain::{Enrollment, Entity, StudentProfile};
    use imp_shared::ids::RecordId;
    use imp_shared::mutation::Mutation;
    let actor = staff.actor()?;
    let client_id = ClientId(format!("invite-{student}"));
    let profile = Mutation::Create {
        id: RecordId(student.to_string()),
        record: Entity::StudentProfile(StudentProfile {
            display_name: display_name.to_owned(),
            nationality: String::new(),
            university: String::new(),
            department: String::new(),
            degree: String::new(),
            graduation_date: None,
            languages: Vec::new(),
            mandarin_level: None,
            residence_card_expiry: None,
            interests: Vec::new(),
            cohort_year,
            degree_level: None,
            hong_kong_macau: false,
            placement_start: None,
            placement_end: None,
        }),
    };
    let enrolment = Mutation::Create {
        id: RecordId(format!("enrollment-{student}")),
        record: Entity::Enrollment(Enrollment {
            student_id: student.clone(),
            display_name: display_name.to_owned(),
            cohort_year,
        }),
    };
    for (space, mutation) in [
        (SpaceId::Student(student.clone()), profile),
        (SpaceId::Staff, enrolment),
    ] {
        push_trusted(env, &actor, &space, client_id.clone(), vec![mutation]).await?;
    }
    Ok(())
}

/// Starts a newly invited mentor's program profile at their organization, written by the
/// inviting staff member through the normal push path; staff complete it on the Program screen.
async fn add_mentor_profile(
    env: &Env,
    staff: &Account,
    mentor: &UserId,
    display_name: &str,
    email: &str,
    organization_id: &imp_shared::ids::RecordId,
) -> Result<(), ApiError> {
    use imp_shared::domain::{Entity, MentorProfile};
    use imp_shared::ids::RecordId;
    use imp_shared::mutation::Mutation;
    let profile = Mutation::Create {
        id: RecordId(format!("mentor-{mentor}")),
        record: Entity::MentorProfile(MentorProfile {
            user_id: mentor.clone(),
            display_name: display_name.to_owned(),
            organization_id: organization_id.clone(),
            expertise: Vec::new(),
            languages: Vec::new(),
            capacity: 2,
            contact_email: Some(email.to_owned()),
            cohort_years: Vec::new(),
        }),
    };
    let client_id = ClientId(format!("invite-{mentor}"));
    let reply = push_trusted(
        env,
        &staff.actor()?,
        &SpaceId::Program,
        client_id,
        vec![profile],
    )
    .await?;
    match reply.response.verdicts.first().map(|v| &v.verdict) {
        Some(imp_shared::protocol::Verdict::Rejected { message, .. }) => Err(ApiError::BadRequest(
            format!("the mentor's profile was not created: {message}"),
        )),
        _ => Ok(()),
    }
}

/// `GET /api/v1/accounts` (staff): everyone in the directory.
async fn accounts(request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    if account.role()? != Role::Staff {
        return Err(ApiError::Forbidden("only staff list accounts".to_owned()));
    }
    let mut list = Vec::new();
    for account in directory.list_accounts().await? {
        list.push(AccountInfo {
            user: UserInfo {
                id: UserId(account.id.clone()),
                email: account.email.clone(),
                display_name: account.display_name.clone(),
                role: account.role()?,
            },
            active: account.active == 1,
            invited: account.password_hash.is_none(),
        });
    }
    Ok(json_response(&list, 200))
}

/// `POST /api/v1/accounts/{id}/active` (staff): allow or stop an account's sign-ins.
async fn set_active(mut request: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    if account.role()? != Role::Staff {
        return Err(ApiError::Forbidden(
            "only staff change who may sign in".to_owned(),
        ));
    }
    let body: SetActiveRequest = read_json(&mut request).await?;
    if id == account.id && !body.active {
        return Err(ApiError::BadRequest(
            "you cannot deactivate your own account".to_owned(),
        ));
    }
    if directory.account_by_id(id).await?.is_none() {
        return Err(ApiError::NotFound(format!("no account {id}")));
    }
    // With the test hooks, `x-imp-test-other-isolate` makes this isolate behave as if another
    // one had handled the deactivation: its cached sessions are not forgotten here.
    let other_isolate = test_hooks(env)
        && request
            .headers()
            .get("x-imp-test-other-isolate")
            .ok()
            .flatten()
            .is_some();
    directory
        .set_active(id, body.active, !other_isolate)
        .await?;
    Ok(json_response(
        &serde_json::json!({ "id": id, "active": body.active }),
        200,
    ))
}

/// Pushes mutations the server itself makes on someone's behalf (the demo seed, an invite's
/// records) through the normal push path, numbered from seq 1 for `client_id` so a retry is
/// skipped by `last_seq`; writes the student's summary when a student space changed.
pub(crate) async fn push_trusted(
    env: &Env,
    actor: &imp_shared::permissions::Actor,
    space: &SpaceId,
    client_id: ClientId,
    mutations: Vec<imp_shared::mutation::Mutation>,
) -> Result<SpacePushReply, ApiError> {
    let message = SpacePush {
        actor: actor.clone(),
        space: space.clone(),
        client_id,
        items: mutations
            .into_iter()
            .zip(1u64..)
            .map(|(mutation, seq)| {
                PushItem::Ready(imp_shared::mutation::PendingMutation {
                    seq: MutationSeq(seq),
                    mutation,
                })
            })
            .collect(),
        fault: None,
        related: RelatedRecords::default(),
        summary_inline: true,
    };
    let reply: SpacePushReply = call_space(env, space, "/push", &message).await?;
    if let Some(summary) = reply.summary.clone() {
        write_summary(env, space, summary).await?;
    }
    Ok(reply)
}

/// Writes a student's summary into the staff space.
pub(crate) async fn write_summary(
    env: &Env,
    space: &SpaceId,
    summary: imp_shared::domain::Entity,
) -> Result<(), ApiError> {
    let SpaceId::Student(student) = space else {
        return Ok(());
    };
    let message = SpaceDerive {
        key: imp_shared::apply::RecordKey {
            kind: imp_shared::domain::RecordKind::StudentSummary,
            id: imp_shared::ids::RecordId(student.to_string()),
        },
        record: summary,
    };
    let _wrote: bool = call_space(env, &SpaceId::Staff, "/derive", &message).await?;
    Ok(())
}

/// `POST /api/v1/admin/summaries`: rebuilds every student's summary in the staff space (staff
/// only), for after a failed summary write or a change to what summaries hold.
async fn rebuild_summaries(request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    if account.role()? != Role::Staff {
        return Err(ApiError::Forbidden(
            "only staff rebuild summaries".to_owned(),
        ));
    }
    let students = directory.student_ids().await?;
    let mut written = 0;
    for student in students {
        let space = SpaceId::Student(student);
        let summary: Option<imp_shared::domain::Entity> =
            call_space(env, &space, "/summary", &space).await?;
        if let Some(summary) = summary {
            write_summary(env, &space, summary).await?;
            written += 1;
        }
    }
    // Every workshop's going-count again, from the summaries as now rebuilt (a workshop nobody
    // goes to counts 0).
    let _counted: bool = call_space(env, &SpaceId::Staff, "/recount-going", &()).await?;
    Ok(json_response(
        &serde_json::json!({ "summaries": written }),
        200,
    ))
}

/// Reads the program and staff records a push's mutations are judged by (a cohort's deadline, a
/// workshop's check-in code); most pushes need none and cost nothing extra.
async fn related_records<'a>(
    env: &Env,
    mutations: impl IntoIterator<Item = &'a imp_shared::mutation::Mutation>,
) -> Result<RelatedRecords, ApiError> {
    let (program_keys, staff_keys) = imp_shared::server::related_keys_of(mutations);
    let mut related = RelatedRecords::default();
    if !program_keys.is_empty() {
        let message = SpaceRead { keys: program_keys };
        related.program = Some(call_space(env, &SpaceId::Program, "/read", &message).await?);
    }
    if !staff_keys.is_empty() {
        let message = SpaceRead { keys: staff_keys };
        related.staff = Some(call_space(env, &SpaceId::Staff, "/read", &message).await?);
    }
    Ok(related)
}

async fn pull(request: Request, env: &Env, space: SpaceId) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    let protocol = query_u64(&request, "protocol", None)?;
    let schema = query_u64(&request, "schema", None)?;
    check_request_versions(
        u32::try_from(protocol).unwrap_or(u32::MAX),
        u32::try_from(schema).unwrap_or(u32::MAX),
    )?;
    let cursor = query_u64(&request, "cursor", Some(0))?;
    let since_seq = query_u64(&request, "since_seq", Some(0))?;
    if cursor > MAX_SAFE_INTEGER || since_seq > MAX_SAFE_INTEGER {
        return Err(ApiError::BadRequest(
            "cursor and since_seq must be below 2^53".to_owned(),
        ));
    }
    let client_id = ClientId(query_param(&request, "client_id")?.ok_or_else(|| {
        ApiError::BadRequest("query parameter `client_id` is required".to_owned())
    })?);
    if !client_id.is_valid() {
        return Err(ApiError::BadRequest(
            "client_id is not a valid id".to_owned(),
        ));
    }
    // Protocol 2 pages pulls: `limit` (capped, by default the cap) and `snapshot=true` to go on
    // with a reset. Protocol 1 pulls get every change at once, as before.
    let limit = if protocol >= 2 {
        let asked = query_u64(&request, "limit", Some(MAX_PULL_LIMIT))?;
        Some(asked.clamp(1, MAX_PULL_LIMIT))
    } else {
        None
    };
    let snapshot = match query_param(&request, "snapshot")?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::BadRequest(
                "snapshot must be true or false".to_owned(),
            ))
        }
    };
    check_space_exists(&directory, &account, &space).await?;
    let message = SpacePull {
        actor: account.actor()?,
        space: space.clone(),
        cursor: ServerVersion(cursor),
        client_id,
        since_seq: MutationSeq(since_seq),
        limit,
        snapshot,
    };
    // The object's `PullResponse` JSON, passed on as it is.
    let reply = call_space_text(env, &space, "/pull", &message).await?;
    Ok(json_text_response(reply, 200))
}
