//! Demo data for `make run`: seeded once, idempotently, when the `IMP_DEMO` var is `on`.
//!
//! Accounts go to D1 with `INSERT OR IGNORE`; each space's records are pushed through the normal
//! push path as a staff actor with the fixed client id `demo-seed`, so a second run is skipped by
//! `last_seq` (I1) instead of duplicating anything.

use chrono::Utc;
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{Env, Response};

use imp_shared::demo::{demo_program, DEMO_PASSWORD};
use imp_shared::domain::Role;
use imp_shared::ids::{ClientId, SpaceId, UserId};
use imp_shared::permissions::Actor;

use crate::error::ApiError;

#[derive(Serialize)]
struct Login {
    role: Role,
    email: String,
    password: &'static str,
}

#[derive(Serialize)]
struct SeedReport {
    summary: String,
    logins: Vec<Login>,
}

/// `POST /api/v1/admin/seed`.
pub async fn seed(env: &Env) -> Result<Response, ApiError> {
    let enabled = env
        .var("IMP_DEMO")
        .map(|value| value.to_string() == "on")
        .unwrap_or(false);
    if !enabled {
        return Err(ApiError::NotFound("demo seeding is off here".to_owned()));
    }
    let directory = crate::directory(env)?;
    let now = Utc::now();
    let demo = demo_program(now.date_naive());
    let logins: Vec<Login> = demo
        .accounts
        .iter()
        .filter(|account| account.is_login)
        .map(|account| Login {
            role: account.role,
            email: account.email.clone(),
            password: DEMO_PASSWORD,
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

    // Accounts: every demo account signs in with the demo password (hashed once: hashing each
    // of ~300 accounts would take the Worker minutes, and this is demo data).
    let password_hash = crate::auth::hash_password(DEMO_PASSWORD)?;
    let db = directory.db();
    for chunk in demo.accounts.chunks(50) {
        let mut statements = Vec::with_capacity(chunk.len());
        for account in chunk {
            let hash = JsValue::from_str(&password_hash);
            statements.push(
                db.prepare(
                    "INSERT OR IGNORE INTO accounts (id, email, display_name, role, password_hash, active, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
                )
                .bind(&[
                    JsValue::from_str(account.id.as_str()),
                    JsValue::from_str(&account.email),
                    JsValue::from_str(&account.display_name),
                    JsValue::from_str(account.role.as_str()),
                    hash,
                    JsValue::from_str(&now.to_rfc3339()),
                ])
                .map_err(|error| ApiError::Storage(error.to_string()))?,
            );
        }
        db.batch(statements)
            .await
            .map_err(|error| ApiError::Storage(error.to_string()))?;
    }

    let actor = Actor {
        user_id: UserId::from("staff-1"),
        role: Role::Staff,
    };
    let mut n_records = 0;
    for (space, mutations) in demo.spaces {
        n_records += mutations.len();
        let reply =
            crate::push_trusted(env, &actor, &space, ClientId::from("demo-seed"), mutations)
                .await?;
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
