//! The program directory in D1: accounts, sessions, invites, memberships and login throttling.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use imp_shared::domain::Role;
use imp_shared::ids::{SpaceId, UserId};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{SessionResponse, UserInfo};

use crate::auth;
use crate::error::ApiError;

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;
/// How long an invite code lasts.
pub const INVITE_DAYS: i64 = 14;
/// Failed logins allowed per account per window.
pub const MAX_LOGIN_FAILURES: i64 = 5;
/// The throttling window, in seconds.
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;

/// An account row.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    /// Its id.
    pub id: String,
    /// Its email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role name.
    pub role: String,
    /// PBKDF2 hash; `None` until an invite is accepted.
    pub password_hash: Option<String>,
    /// 1 when active.
    pub active: i64,
}

impl Account {
    /// The role, refusing rows with an unknown one.
    pub fn role(&self) -> Result<Role, ApiError> {
        Role::parse(&self.role).ok_or_else(|| {
            ApiError::Internal(format!("account {} has role {}", self.id, self.role))
        })
    }

    /// As the API shows it.
    pub fn info(&self) -> Result<UserInfo, ApiError> {
        Ok(UserInfo {
            id: UserId(self.id.clone()),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
        })
    }

    /// As the permission rules see it.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        Ok(Actor {
            user_id: UserId(self.id.clone()),
            role: self.role()?,
        })
    }
}

fn storage(error: worker::Error) -> ApiError {
    ApiError::Storage(error.to_string())
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

const ACCOUNT_COLUMNS: &str = "id, email, display_name, role, password_hash, active";

/// The directory over one D1 database.
pub struct Directory {
    db: D1Database,
}

impl Directory {
    /// Wraps the database binding.
    pub fn new(db: D1Database) -> Self {
        Self { db }
    }

    /// The database, for the seeder.
    pub fn db(&self) -> &D1Database {
        &self.db
    }

    /// An account by email.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, ApiError> {
        self.db
            .prepare(format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = ?1"
            ))
            .bind(&[text(email)])
            .map_err(storage)?
            .first::<Account>(None)
            .await
            .map_err(storage)
    }

    /// An account by id.
    pub async fn account_by_id(&self, id: &str) -> Result<Option<Account>, ApiError> {
        self.db
            .prepare(format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"
            ))
            .bind(&[text(id)])
            .map_err(storage)?
            .first::<Account>(None)
            .await
            .map_err(storage)
    }

    /// Creates an account (no password yet). Fails with 409 if the email is taken.
    pub async fn create_account(
        &self,
        id: &str,
        email: &str,
        display_name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.account_by_email(email).await?.is_some() {
            return Err(ApiError::Conflict(format!(
                "{email} already has an account"
            )));
        }
        self.db
            .prepare(
                "INSERT INTO accounts (id, email, display_name, role, password_hash, active, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
            )
            .bind(&[
                text(id),
                text(email),
                text(display_name),
                text(role.as_str()),
                password_hash.map_or(JsValue::NULL, text),
                text(&now.to_rfc3339()),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Starts a session for an account; returns what the client keeps.
    pub async fn start_session(
        &self,
        account: &Account,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Result<SessionResponse, ApiError> {
        let token = auth::new_token()?;
        let expires_at = now + lifetime;
        self.db
            .prepare(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[
                text(&auth::token_hash(&token)),
                text(&account.id),
                text(&now.to_rfc3339()),
                number(expires_at.timestamp()),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(SessionResponse {
            token,
            expires_at,
            user: account.info()?,
        })
    }

    /// The account behind a bearer token, if the session is live and the account active.
    pub async fn session_account(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Account, ApiError> {
        let expired =
            || ApiError::Unauthorized("your session has ended; please sign in again".to_owned());
        let account = self
            .db
            .prepare(
                "SELECT a.id, a.email, a.display_name, a.role, a.password_hash, a.active \
                 FROM sessions s JOIN accounts a ON a.id = s.user_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )
            .bind(&[text(&auth::token_hash(token)), number(now.timestamp())])
            .map_err(storage)?
            .first::<Account>(None)
            .await
            .map_err(storage)?
            .ok_or_else(expired)?;
        if account.active != 1 {
            return Err(ApiError::Unauthorized(
                "this account is deactivated".to_owned(),
            ));
        }
        Ok(account)
    }

    /// Ends a session.
    pub async fn end_session(&self, token: &str) -> Result<(), ApiError> {
        self.db
            .prepare("DELETE FROM sessions WHERE token_hash = ?1")
            .bind(&[text(&auth::token_hash(token))])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Refuses a login when the account has failed too often in the current window.
    pub async fn check_login_throttle(
        &self,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        #[derive(Deserialize)]
        struct Row {
            window_start: i64,
            failures: i64,
        }
        let row = self
            .db
            .prepare("SELECT window_start, failures FROM login_failures WHERE email = ?1")
            .bind(&[text(email)])
            .map_err(storage)?
            .first::<Row>(None)
            .await
            .map_err(storage)?;
        match row {
            Some(row)
                if now.timestamp() - row.window_start < LOGIN_WINDOW_SECONDS
                    && row.failures >= MAX_LOGIN_FAILURES =>
            {
                Err(ApiError::RateLimited(
                    "too many failed sign-ins for this account; try again in 15 minutes".to_owned(),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed login.
    pub async fn record_login_failure(
        &self,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let now_seconds = now.timestamp();
        self.db
            .prepare(
                "INSERT INTO login_failures (email, window_start, failures) VALUES (?1, ?2, 1) \
                 ON CONFLICT(email) DO UPDATE SET \
                   failures = CASE WHEN ?2 - window_start >= ?3 THEN 1 ELSE failures + 1 END, \
                   window_start = CASE WHEN ?2 - window_start >= ?3 THEN ?2 ELSE window_start END",
            )
            .bind(&[
                text(email),
                number(now_seconds),
                number(LOGIN_WINDOW_SECONDS),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Forgets failures after a good login.
    pub async fn clear_login_failures(&self, email: &str) -> Result<(), ApiError> {
        self.db
            .prepare("DELETE FROM login_failures WHERE email = ?1")
            .bind(&[text(email)])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Stores a one-time invite code for an account.
    pub async fn create_invite(
        &self,
        user_id: &str,
        code: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.db
            .prepare("INSERT INTO invites (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")
            .bind(&[
                text(&auth::token_hash(code)),
                text(user_id),
                number(expires_at.timestamp()),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Uses an invite code: sets the password and marks the code used. Returns the account.
    pub async fn accept_invite(
        &self,
        code: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Account, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            user_id: String,
        }
        let invalid =
            || ApiError::BadRequest("this invite code is unknown, used or expired".to_owned());
        let code_hash = auth::token_hash(code);
        let row = self
            .db
            .prepare(
                "SELECT user_id FROM invites WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            )
            .bind(&[text(&code_hash), number(now.timestamp())])
            .map_err(storage)?
            .first::<Row>(None)
            .await
            .map_err(storage)?
            .ok_or_else(invalid)?;
        let statements = vec![
            self.db
                .prepare("UPDATE invites SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL")
                .bind(&[text(&code_hash), text(&now.to_rfc3339())])
                .map_err(storage)?,
            self.db
                .prepare("UPDATE accounts SET password_hash = ?2 WHERE id = ?1")
                .bind(&[text(&row.user_id), text(password_hash)])
                .map_err(storage)?,
        ];
        self.db.batch(statements).await.map_err(storage)?;
        self.account_by_id(&row.user_id).await?.ok_or_else(invalid)
    }

    /// Sets which mentors hold a student's space (replacing what was there).
    pub async fn set_space_mentors(
        &self,
        space: &SpaceId,
        mentors: &[UserId],
    ) -> Result<(), ApiError> {
        let name = space.to_string();
        let mut statements = vec![self
            .db
            .prepare("DELETE FROM memberships WHERE space = ?1")
            .bind(&[text(&name)])
            .map_err(storage)?];
        for mentor in mentors {
            statements.push(
                self.db
                    .prepare("INSERT OR IGNORE INTO memberships (user_id, space) VALUES (?1, ?2)")
                    .bind(&[text(mentor.as_str()), text(&name)])
                    .map_err(storage)?,
            );
        }
        self.db.batch(statements).await.map_err(storage)?;
        Ok(())
    }

    /// The spaces a user may pull.
    pub async fn readable_spaces(&self, account: &Account) -> Result<Vec<SpaceId>, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            name: String,
        }
        let mut spaces = vec![SpaceId::Program];
        let rows: Vec<Row> = match account.role()? {
            Role::Student => {
                spaces.push(SpaceId::Student(UserId(account.id.clone())));
                Vec::new()
            }
            Role::Mentor => self
                .db
                .prepare("SELECT space AS name FROM memberships WHERE user_id = ?1 ORDER BY space")
                .bind(&[text(&account.id)])
                .map_err(storage)?
                .all()
                .await
                .map_err(storage)?
                .results()
                .map_err(storage)?,
            Role::Staff => {
                spaces.push(SpaceId::Staff);
                self.db
                    .prepare("SELECT 'student:' || id AS name FROM accounts WHERE role = 'student' ORDER BY id")
                    .all()
                    .await
                    .map_err(storage)?
                    .results()
                    .map_err(storage)?
            }
        };
        spaces.extend(rows.iter().filter_map(|row| SpaceId::parse(&row.name).ok()));
        Ok(spaces)
    }

    /// Every account, by role then name.
    pub async fn list_accounts(&self) -> Result<Vec<Account>, ApiError> {
        self.db
            .prepare(format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY role, display_name, id"
            ))
            .all()
            .await
            .map_err(storage)?
            .results()
            .map_err(storage)
    }

    /// Allows or stops an account's sign-ins; stopping also ends its sessions at once.
    pub async fn set_active(&self, id: &str, active: bool) -> Result<(), ApiError> {
        let mut statements = vec![self
            .db
            .prepare("UPDATE accounts SET active = ?2 WHERE id = ?1")
            .bind(&[text(id), number(i64::from(active))])
            .map_err(storage)?];
        if !active {
            statements.push(
                self.db
                    .prepare("DELETE FROM sessions WHERE user_id = ?1")
                    .bind(&[text(id)])
                    .map_err(storage)?,
            );
        }
        self.db.batch(statements).await.map_err(storage)?;
        Ok(())
    }

    /// Every student account's id.
    pub async fn student_ids(&self) -> Result<Vec<UserId>, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare("SELECT id FROM accounts WHERE role = 'student' ORDER BY id")
            .all()
            .await
            .map_err(storage)?
            .results()
            .map_err(storage)?;
        Ok(rows.into_iter().map(|row| UserId(row.id)).collect())
    }

    /// Whether a student account with this id exists.
    pub async fn student_exists(&self, id: &UserId) -> Result<bool, ApiError> {
        Ok(matches!(
            self.account_by_id(id.as_str()).await?,
            Some(account) if account.role == "student"
        ))
    }

    /// A meta value.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            value: String,
        }
        Ok(self
            .db
            .prepare("SELECT value FROM meta WHERE key = ?1")
            .bind(&[text(key)])
            .map_err(storage)?
            .first::<Row>(None)
            .await
            .map_err(storage)?
            .map(|row| row.value))
    }

    /// Sets a meta value.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), ApiError> {
        self.db
            .prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")
            .bind(&[text(key), text(value)])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }
}
