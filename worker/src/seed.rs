//! Demo data for `make run`: seeded once, idempotently, when the `IMP_DEMO` var is `on`.
//!
//! Accounts go to D1 with `INSERT OR IGNORE` (`Directory::add_demo_accounts`); each space's
//! records are pushed through the normal push path as a staff actor with the fixed client id
//! `demo-seed`, so a second run is skipped by `last_seq` (I1) instead of duplicating anything.

use chrono::Utc;
use serde::Serialize;
use subtle::ConstantTimeEq;
use worker::{Env, Request, Response};

use imp_shared::demo::demo_program;
use imp_shared::domain::Role;
use imp_shared::ids::{ClientId, SpaceId, UserId};
use imp_shared::permissions::Actor;

use crate::error::ApiError;
use crate::routes;
use crate::space_client::push_trusted;

/// `imp_shared::demo::DEMO_PASSWORD` as PBKDF2-SHA256 with 100,000 rounds and a fixed salt (computed by Node's
/// `crypto.pbkdf2Sync`, independently of the Worker's own code).
const DEMO_PASSWORD_HASH: &str = "pbkdf2-sha256$100000$5eed0000000000000000000000000001$c8059c62d2c98c7864dfecc08f094dd9e2fcc6f90e0c17d8dc92499c175c5050";

/// One of the demo logins: who, never a password (`make run` prints the demo password itself).
#[derive(Serialize)]
struct Login {
    role: Role,
    email: String,
}

#[derive(Serialize)]
struct SeedReport {
    summary: String,
    logins: Vec<Login>,
}

/// What a request that may not seed is told.
const REFUSAL: &str = "seeding needs the local seeding secret or a staff sign-in";

/// Refuses (403) a request that may not seed: it must carry the local seeding secret
/// (`x-imp-seed-secret` equal to the `IMP_SEED_SECRET` var `make run` and the tests set to a fresh
/// random value), or a staff session.
async fn check_allowed(request: &Request, env: &Env) -> Result<(), ApiError> {
    let secret = env
        .var("IMP_SEED_SECRET")
        .map(|value| value.to_string())
        .unwrap_or_default();
    let given = request
        .headers()
        .get("x-imp-seed-secret")
        .ok()
        .flatten()
        .unwrap_or_default();
    if secret.len() >= 16 && bool::from(given.as_bytes().ct_eq(secret.as_bytes())) {
        return Ok(());
    }
    if crate::http::bearer_token(request).is_none() {
        return Err(ApiError::Forbidden(REFUSAL.to_owned()));
    }
    let (_, account) = routes::signed_in(request, env).await?;
    routes::require_staff(&account, REFUSAL)
}

/// `POST /api/v1/admin/seed`: only with `IMP_DEMO` on, only for the local seeding secret or staff,
/// and never into a directory that holds accounts of its own.
pub async fn seed(request: Request, env: &Env) -> Result<Response, ApiError> {
    let enabled = env
        .var("IMP_DEMO")
        .map(|value| value.to_string() == "on")
        .unwrap_or(false);
    if !enabled {
        return Err(ApiError::NotFound("demo seeding is off here".to_owned()));
    }
    check_allowed(&request, env).await?;
    let directory = routes::directory(env)?;
    let now = Utc::now();
    let demo = demo_program(now.date_naive());
    let logins: Vec<Login> = demo
        .accounts
        .iter()
        .filter(|account| account.is_login)
        .map(|account| Login {
            role: account.role,
            email: account.email.clone(),
        })
        .collect();
    if directory.meta("demo_seeded").await?.as_deref() == Some("yes") {
        return Ok(crate::http::json_response(
            &SeedReport {
                summary: "demo data already present".to_owned(),
                logins,
            },
            200,
        ));
    }

    let demo_ids: Vec<&str> = demo.accounts.iter().map(|a| a.id.as_str()).collect();
    if directory.has_accounts_besides(&demo_ids).await? {
        return Err(ApiError::Conflict(
            "this directory holds accounts that are not demo accounts; demo data is not mixed in"
                .to_owned(),
        ));
    }

    // Accounts: every demo account signs in with the demo password, one fixed hash of it (made
    // once, outside the Worker; hashing each of ~300 accounts would take minutes, and this is
    // demo data). It also shows a hash made elsewhere verifies by the Worker's WebCrypto PBKDF2.
    directory
        .add_demo_accounts(&demo.accounts, DEMO_PASSWORD_HASH, now)
        .await?;

    let actor = Actor {
        user_id: UserId::from("staff-1"),
        role: Role::Staff,
    };
    let mut n_records = 0;
    for (space, mutations) in demo.spaces {
        n_records += mutations.len();
        let reply =
            push_trusted(env, &actor, &space, ClientId::from("demo-seed"), mutations).await?;
        if let (Some(mentors), SpaceId::Student(_)) = (&reply.mentors_changed, &space) {
            directory.set_space_mentors(&space, mentors).await?;
        }
    }
    directory.set_meta("demo_seeded", "yes").await?;
    let summary = format!(
        "seeded {} accounts and {} changes across the program, staff and student spaces",
        demo.accounts.len(),
        n_records
    );
    Ok(crate::http::json_response(
        &SeedReport { summary, logins },
        200,
    ))
}
