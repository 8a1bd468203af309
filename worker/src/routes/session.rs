//! Signing in and out: login, logout, accepting an invite, an invite's details, and `me`; the
//! per-address throttling these share.

use chrono::{Duration, Utc};
use serde::Serialize;
use worker::{Env, Request, Response};

use imp_shared::protocol::{AcceptInviteRequest, InviteDetails, LoginRequest, MeResponse};

use super::{directory, normalize_email, signed_in};
use crate::auth;
use crate::config::test_hooks;
use crate::directory::{ADDRESS_BUDGET, LOGIN_BUDGET, SESSION_DAYS};
use crate::error::ApiError;
use crate::http::{bearer_token, json_response, query_param, read_json};

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

/// `POST /api/v1/auth/login`: a session for an email and password (throttled per account and
/// per address).
pub(super) async fn login(mut request: Request, env: &Env) -> Result<Response, ApiError> {
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

/// `POST /api/v1/auth/logout`: ends the bearer token's session.
pub(super) async fn logout(request: Request, env: &Env) -> Result<Response, ApiError> {
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

/// `POST /api/v1/auth/accept-invite`: sets the invitee's password and signs them in.
pub(super) async fn accept_invite(mut request: Request, env: &Env) -> Result<Response, ApiError> {
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
pub(super) async fn invite_details(request: Request, env: &Env) -> Result<Response, ApiError> {
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

/// `GET /api/v1/me`: who is signed in and which spaces they may read.
pub(super) async fn me(request: Request, env: &Env) -> Result<Response, ApiError> {
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
