//! The program directory in D1: accounts, sessions, invites, memberships and login throttling.

use std::cell::RefCell;
use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use imp_shared::cache::{TtlCache, CACHE_CAPACITY, SESSION_CACHE_SECONDS};
use imp_shared::demo::DemoAccount;
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
/// How many attempts a throttle key gets free, and how long it waits after them.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Attempts allowed at once; the last of them starts the delays.
    pub free: i64,
    /// The first delay, in seconds; each further attempt doubles it.
    pub base_delay: i64,
    /// The longest delay, in seconds.
    pub max_delay: i64,
    /// A key quiet for this many seconds starts over.
    pub reset_after: i64,
}

/// Sign-ins to one account from one client address.
pub const LOGIN_BUDGET: Budget = Budget {
    free: 5,
    base_delay: 2,
    max_delay: 15 * 60,
    reset_after: 60 * 60,
};
/// Sign-ins and invite acceptances from one client address, whatever the account.
pub const ADDRESS_BUDGET: Budget = Budget {
    free: 30,
    base_delay: 2,
    max_delay: 15 * 60,
    reset_after: 60 * 60,
};
/// Pushes one user may send into one space per minute (a syncing app sends a few); counted by the
/// space's object in its own storage.
pub const PUSHES_PER_MINUTE: i64 = 120;
/// Throttle rows quiet for longer than this are purged.
const THROTTLE_KEPT_SECONDS: i64 = 2 * 60 * 60;

thread_local! {
    /// Sessions this isolate has checked, by token hash (see [`Directory::session_account`]).
    static SESSIONS: RefCell<TtlCache<String, (Account, i64)>> =
        RefCell::new(TtlCache::new(SESSION_CACHE_SECONDS, CACHE_CAPACITY));
    /// Student accounts this isolate has seen exist; accounts are never deleted, so a yes is
    /// kept (a no is asked again).
    static KNOWN_STUDENTS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

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

/// Whom a live invite code is for ([`Directory::live_invite`]).
#[derive(Debug, Clone)]
pub struct LiveInvite {
    /// The invited account's email.
    pub email: String,
    /// Its display name.
    pub display_name: String,
    /// Its role.
    pub role: Role,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
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

    /// Runs one statement that returns no rows, with its parameters bound in order.
    async fn execute(&self, sql: &str, params: &[JsValue]) -> Result<(), ApiError> {
        self.db
            .prepare(sql)
            .bind(params)
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
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
        self.execute(
            "INSERT INTO accounts (id, email, display_name, role, password_hash, active, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
            &[
                text(id),
                text(email),
                text(display_name),
                text(role.as_str()),
                password_hash.map_or(JsValue::NULL, text),
                text(&now.to_rfc3339()),
            ],
        )
        .await?;
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
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            &[
                text(&auth::token_hash(&token)),
                text(&account.id),
                text(&now.to_rfc3339()),
                number(expires_at.timestamp()),
            ],
        )
        .await?;
        Ok(SessionResponse {
            token,
            expires_at,
            user: account.info()?,
        })
    }

    /// The account signed in with `token`, when the session is live and the account active.
    ///
    /// A checked session is kept in this isolate's cache for [`SESSION_CACHE_SECONDS`] (or the
    /// test hooks' shorter `ttl`), so a sync costs no D1 query; logout and deactivation forget it
    /// here at once, and in any other isolate it stops working within that bound.
    pub async fn session_account(
        &self,
        token: &str,
        now: DateTime<Utc>,
        ttl: i64,
    ) -> Result<Account, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            email: String,
            display_name: String,
            role: String,
            active: i64,
            expires_at: f64,
        }
        let token_hash = auth::token_hash(token);
        let cached = SESSIONS.with(|cache| {
            let mut cache = cache.borrow_mut();
            cache.set_ttl(ttl);
            cache.get(&token_hash, now)
        });
        // A cached session is trusted only until its own end, too.
        if let Some((account, expires_at)) = cached {
            if expires_at > now.timestamp() {
                return Ok(account);
            }
        }
        let expired =
            || ApiError::Unauthorized("your session has ended; please sign in again".to_owned());
        let row = self
            .db
            .prepare(
                "SELECT a.id, a.email, a.display_name, a.role, a.active, s.expires_at \
                 FROM sessions s JOIN accounts a ON a.id = s.user_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )
            .bind(&[text(&token_hash), number(now.timestamp())])
            .map_err(storage)?
            .first::<Row>(None)
            .await
            .map_err(storage)?
            .ok_or_else(expired)?;
        if row.active != 1 {
            return Err(ApiError::Unauthorized(
                "this account is deactivated".to_owned(),
            ));
        }
        let account = Account {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            password_hash: None,
            active: row.active,
        };
        let expires_at = row.expires_at as i64;
        SESSIONS.with(|cache| {
            cache
                .borrow_mut()
                .put(token_hash, (account.clone(), expires_at), now)
        });
        Ok(account)
    }

    /// Ends a session.
    pub async fn end_session(&self, token: &str) -> Result<(), ApiError> {
        let token_hash = auth::token_hash(token);
        SESSIONS.with(|cache| cache.borrow_mut().forget(&token_hash));
        // Signing out also forgets the devices this session asked push reminders for (and what
        // they were sent), so a shared phone gets no more of this person's reminders.
        let statements = vec![
            self.db
                .prepare("DELETE FROM sessions WHERE token_hash = ?1")
                .bind(&[text(&token_hash)])
                .map_err(storage)?,
            self.db
                .prepare(
                    "DELETE FROM push_sent WHERE endpoint IN \
                     (SELECT endpoint FROM push_subscriptions WHERE session_hash = ?1)",
                )
                .bind(&[text(&token_hash)])
                .map_err(storage)?,
            self.db
                .prepare("DELETE FROM push_subscriptions WHERE session_hash = ?1")
                .bind(&[text(&token_hash)])
                .map_err(storage)?,
        ];
        self.db.batch(statements).await.map_err(storage)?;
        Ok(())
    }

    /// Counts one attempt against each budget, atomically, before any password is checked.
    ///
    /// Each key's row is counted and judged by one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
    /// (the whole list in one batch, a transaction): an attempt made while the key must wait is
    /// refused and not counted; a counted attempt past the free ones makes the key wait a delay
    /// that doubles with each further attempt. So of many parallel attempts at most `free` are
    /// allowed, and a refusal says when to try again (429 with `Retry-After`).
    pub async fn count_attempt(
        &self,
        keys: &[(String, Budget)],
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        #[derive(Deserialize)]
        struct Row {
            next_at: f64,
            nonce: String,
        }
        let nonce = auth::random_hex(12)?;
        let now_seconds = now.timestamp();
        let mut statements = Vec::with_capacity(keys.len());
        for (key, budget) in keys {
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO throttle (key, attempts, next_at, seen_at, nonce) \
                         VALUES (?1, 1, 0, ?2, ?6) \
                         ON CONFLICT(key) DO UPDATE SET \
                           attempts = CASE WHEN next_at > ?2 THEN attempts \
                                           WHEN ?2 - seen_at >= ?3 THEN 1 \
                                           ELSE attempts + 1 END, \
                           next_at = CASE WHEN next_at > ?2 THEN next_at \
                                          WHEN ?2 - seen_at >= ?3 THEN 0 \
                                          WHEN attempts + 1 >= ?4 \
                                            THEN ?2 + min(?7, ?5 * (1 << min(attempts + 1 - ?4, 20))) \
                                          ELSE 0 END, \
                           seen_at = CASE WHEN next_at > ?2 THEN seen_at ELSE ?2 END, \
                           nonce = CASE WHEN next_at > ?2 THEN nonce ELSE ?6 END \
                         RETURNING next_at, nonce",
                    )
                    .bind(&[
                        text(key),
                        number(now_seconds),
                        number(budget.reset_after),
                        number(budget.free),
                        number(budget.base_delay),
                        text(&nonce),
                        number(budget.max_delay),
                    ])
                    .map_err(storage)?,
            );
        }
        let results = self.db.batch(statements).await.map_err(storage)?;
        let mut wait = 0i64;
        for result in results {
            for row in result.results::<Row>().map_err(storage)? {
                if row.nonce != nonce {
                    wait = wait.max(row.next_at as i64 - now_seconds);
                }
            }
        }
        if wait > 0 {
            return Err(ApiError::RateLimited {
                message: "too many attempts; please wait a little before trying again".to_owned(),
                retry_after: wait.unsigned_abs(),
            });
        }
        Ok(())
    }
    /// Forgets a key's attempts (after a good sign-in for that account from that address).
    pub async fn forget_attempts(&self, key: &str) -> Result<(), ApiError> {
        self.execute("DELETE FROM throttle WHERE key = ?1", &[text(key)])
            .await?;
        Ok(())
    }

    /// Gives back one counted attempt (a good sign-in does not use up its address's budget, so
    /// many people behind one address can sign in).
    pub async fn refund_attempt(&self, key: &str) -> Result<(), ApiError> {
        self.execute(
            "UPDATE throttle SET attempts = max(attempts - 1, 0) WHERE key = ?1",
            &[text(key)],
        )
        .await?;
        Ok(())
    }

    /// Deletes expired sessions and throttle rows that have been quiet for longer than any
    /// budget's reset period (run after each good sign-in; each is one indexed delete).
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<(), ApiError> {
        let now_seconds = now.timestamp();
        let statements = vec![
            self.db
                .prepare("DELETE FROM sessions WHERE expires_at <= ?1")
                .bind(&[number(now_seconds)])
                .map_err(storage)?,
            self.db
                .prepare("DELETE FROM throttle WHERE seen_at < ?1 AND next_at <= ?2")
                .bind(&[
                    number(now_seconds - THROTTLE_KEPT_SECONDS),
                    number(now_seconds),
                ])
                .map_err(storage)?,
        ];
        self.db.batch(statements).await.map_err(storage)?;
        Ok(())
    }

    /// Whether an invite code is live (unknown, used and expired codes are not); a cheap look-up
    /// made before any password is hashed.
    pub async fn invite_is_live(&self, code: &str, now: DateTime<Utc>) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            #[allow(dead_code)]
            user_id: String,
        }
        Ok(self
            .db
            .prepare(
                "SELECT user_id FROM invites WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            )
            .bind(&[text(&auth::token_hash(code)), number(now.timestamp())])
            .map_err(storage)?
            .first::<Row>(None)
            .await
            .map_err(storage)?
            .is_some())
    }

    /// Stores a one-time invite code for an account.
    pub async fn create_invite(
        &self,
        user_id: &str,
        code: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.execute(
            "INSERT INTO invites (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
            &[
                text(&auth::token_hash(code)),
                text(user_id),
                number(expires_at.timestamp()),
            ],
        )
        .await?;
        Ok(())
    }

    /// The account a live invite code is for (`None` for an unknown, used or expired code: the
    /// same condition as [`Directory::invite_is_live`]), with the code's expiry.
    pub async fn live_invite(
        &self,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<LiveInvite>, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            email: String,
            display_name: String,
            role: String,
            expires_at: f64,
        }
        let row = self
            .db
            .prepare(
                "SELECT a.id, a.email, a.display_name, a.role, i.expires_at \
                 FROM invites i JOIN accounts a ON a.id = i.user_id \
                 WHERE i.code_hash = ?1 AND i.used_at IS NULL AND i.expires_at > ?2",
            )
            .bind(&[text(&auth::token_hash(code)), number(now.timestamp())])
            .map_err(storage)?
            .first::<Row>(None)
            .await
            .map_err(storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let role = Role::parse(&row.role).ok_or_else(|| {
            ApiError::Internal(format!("account {} has role {}", row.id, row.role))
        })?;
        let expires_at = DateTime::from_timestamp(row.expires_at as i64, 0).ok_or_else(|| {
            ApiError::Internal(format!(
                "the invite of account {} expires at {}, which is not a time",
                row.id, row.expires_at
            ))
        })?;
        Ok(Some(LiveInvite {
            email: row.email,
            display_name: row.display_name,
            role,
            expires_at,
        }))
    }

    /// Uses an invite code: marks it used and sets the password in one transaction, where
    /// marking it is one conditional `UPDATE` that changes exactly one row for exactly one caller
    /// (of two concurrent uses of one code, the second changes none and is refused) and the
    /// password is set only when it did. Returns the account.
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
        let statements = vec![
            self.db
                .prepare(
                    "UPDATE invites SET used_at = ?2 \
                     WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?3 \
                     RETURNING user_id",
                )
                .bind(&[
                    text(&code_hash),
                    text(&now.to_rfc3339()),
                    number(now.timestamp()),
                ])
                .map_err(storage)?,
            // `changes()` is the number of rows the statement before changed, in this transaction.
            self.db
                .prepare(
                    "UPDATE accounts SET password_hash = ?2 \
                     WHERE changes() = 1 AND id = (SELECT user_id FROM invites WHERE code_hash = ?1)",
                )
                .bind(&[text(&code_hash), text(password_hash)])
                .map_err(storage)?,
        ];
        let results = self.db.batch(statements).await.map_err(storage)?;
        let used: Vec<Row> = match results.first() {
            Some(result) => result.results().map_err(storage)?,
            None => Vec::new(),
        };
        let [row] = used.as_slice() else {
            return Err(invalid());
        };
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
    ///
    /// Deactivating ends the account's sessions in D1 and forgets them in this isolate's cache
    /// (`forget_cached` is false only when the test hooks stand in for another isolate, which
    /// learns of it within [`SESSION_CACHE_SECONDS`]).
    pub async fn set_active(
        &self,
        id: &str,
        active: bool,
        forget_cached: bool,
    ) -> Result<(), ApiError> {
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
        if !active && forget_cached {
            SESSIONS.with(|cache| {
                cache
                    .borrow_mut()
                    .forget_where(|(account, _)| account.id == id)
            });
        }
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
        if KNOWN_STUDENTS.with(|known| known.borrow().contains(id.as_str())) {
            return Ok(true);
        }
        let exists = matches!(
            self.account_by_id(id.as_str()).await?,
            Some(account) if account.role == "student"
        );
        if exists {
            KNOWN_STUDENTS.with(|known| {
                let mut known = known.borrow_mut();
                if known.len() >= CACHE_CAPACITY {
                    known.clear();
                }
                known.insert(id.to_string());
            });
        }
        Ok(exists)
    }

    /// Adds the demo accounts (`POST /api/v1/admin/seed`), all active and all with the same
    /// password hash. An account whose id or email is already there is left as it is
    /// (`INSERT OR IGNORE`), so seeding again adds nothing. Written in batches of 50 statements,
    /// each batch one transaction.
    pub async fn add_demo_accounts(
        &self,
        accounts: &[DemoAccount],
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let created_at = now.to_rfc3339();
        for chunk in accounts.chunks(50) {
            let mut statements = Vec::with_capacity(chunk.len());
            for account in chunk {
                statements.push(
                    self.db
                        .prepare(
                            "INSERT OR IGNORE INTO accounts (id, email, display_name, role, password_hash, active, created_at) \
                             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
                        )
                        .bind(&[
                            text(account.id.as_str()),
                            text(&account.email),
                            text(&account.display_name),
                            text(account.role.as_str()),
                            text(password_hash),
                            text(&created_at),
                        ])
                        .map_err(storage)?,
                );
            }
            self.db.batch(statements).await.map_err(storage)?;
        }
        Ok(())
    }

    /// Whether the directory holds an account whose id is not in `ids` (the demo's).
    pub async fn has_accounts_besides(&self, ids: &[&str]) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare("SELECT id FROM accounts")
            .all()
            .await
            .map_err(storage)?
            .results()
            .map_err(storage)?;
        let known: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
        Ok(rows.iter().any(|row| !known.contains(row.id.as_str())))
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
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            &[text(key), text(value)],
        )
        .await?;
        Ok(())
    }
}

/// A device that wants push reminders (a row of `push_subscriptions`).
#[derive(Debug, Clone, Deserialize)]
pub struct PushSubscriptionRow {
    /// The push service's URL for the device (the key).
    pub endpoint: String,
    /// Whose device.
    pub user_id: String,
    /// The device's public key, base64url.
    pub p256dh: String,
    /// Its auth secret, base64url.
    pub auth: String,
    /// `en` or `zh-TW`.
    pub lang: String,
    /// Wanted categories, comma-separated.
    pub categories: String,
    /// First quiet hour.
    pub quiet_start: i64,
    /// First hour no longer quiet.
    pub quiet_end: i64,
    /// The zone quiet hours are counted in.
    pub quiet_zone: String,
    /// The app's origin (what a tap opens).
    pub origin: String,
    /// The SHA-256 of the session that subscribed it (its sign-out forgets the device).
    pub session_hash: String,
}

/// Push subscriptions, reminders sent, calendar feeds.
impl Directory {
    /// The Worker's VAPID private key (base64url) kept in `meta`, made by `make` when missing:
    /// the first one stored wins, so two isolates that race agree.
    pub async fn vapid_key(
        &self,
        make: impl FnOnce() -> Result<String, ApiError>,
    ) -> Result<String, ApiError> {
        if let Some(key) = self.meta("vapid_private_key").await? {
            return Ok(key);
        }
        let fresh = make()?;
        self.execute(
            "INSERT INTO meta (key, value) VALUES ('vapid_private_key', ?1) ON CONFLICT(key) DO NOTHING",
            &[text(&fresh)],
        )
        .await?;
        self.meta("vapid_private_key")
            .await?
            .ok_or_else(|| ApiError::Internal("VAPID key not stored".to_owned()))
    }

    /// Stores a device's subscription for `user_id` (replacing what the endpoint had, also
    /// another person's: a device belongs to who subscribed it last).
    pub async fn put_subscription(
        &self,
        row: &PushSubscriptionRow,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.execute(
            "INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, lang, categories, \
             quiet_start, quiet_end, quiet_zone, origin, session_hash, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT(endpoint) DO UPDATE SET user_id = ?2, p256dh = ?3, auth = ?4, \
             lang = ?5, categories = ?6, quiet_start = ?7, quiet_end = ?8, quiet_zone = ?9, \
             origin = ?10, session_hash = ?11",
            &[
                text(&row.endpoint),
                text(&row.user_id),
                text(&row.p256dh),
                text(&row.auth),
                text(&row.lang),
                text(&row.categories),
                number(row.quiet_start),
                number(row.quiet_end),
                text(&row.quiet_zone),
                text(&row.origin),
                text(&row.session_hash),
                text(&now.to_rfc3339()),
            ],
        )
        .await?;
        Ok(())
    }

    /// Forgets a device's subscription and what it was sent; `user_id` limits it to that
    /// person's device (an unsubscribe), `None` forgets it whoever it was (the push service said
    /// it is gone).
    pub async fn delete_subscription(
        &self,
        endpoint: &str,
        user_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let delete = match user_id {
            Some(user) => self
                .db
                .prepare("DELETE FROM push_subscriptions WHERE endpoint = ?1 AND user_id = ?2")
                .bind(&[text(endpoint), text(user)]),
            None => self
                .db
                .prepare("DELETE FROM push_subscriptions WHERE endpoint = ?1")
                .bind(&[text(endpoint)]),
        }
        .map_err(storage)?;
        let sent = self
            .db
            .prepare(
                "DELETE FROM push_sent WHERE endpoint = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM push_subscriptions WHERE endpoint = ?1)",
            )
            .bind(&[text(endpoint)])
            .map_err(storage)?;
        self.db.batch(vec![delete, sent]).await.map_err(storage)?;
        Ok(())
    }

    /// Every subscription, by person.
    pub async fn push_subscriptions(&self) -> Result<Vec<PushSubscriptionRow>, ApiError> {
        self.db
            .prepare(
                "SELECT endpoint, user_id, p256dh, auth, lang, categories, quiet_start, quiet_end, \
                 quiet_zone, origin, session_hash FROM push_subscriptions ORDER BY user_id, endpoint",
            )
            .all()
            .await
            .map_err(storage)?
            .results()
            .map_err(storage)
    }

    /// The inbox keys a device has been sent.
    pub async fn sent_keys(&self, endpoint: &str) -> Result<HashSet<String>, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            item_key: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare("SELECT item_key FROM push_sent WHERE endpoint = ?1")
            .bind(&[text(endpoint)])
            .map_err(storage)?
            .all()
            .await
            .map_err(storage)?
            .results()
            .map_err(storage)?;
        Ok(rows.into_iter().map(|row| row.item_key).collect())
    }

    /// Records that a device was sent these items (once each).
    pub async fn mark_sent(
        &self,
        endpoint: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let at = now.to_rfc3339();
        let statements = keys
            .iter()
            .map(|key| {
                self.db
                    .prepare("INSERT OR IGNORE INTO push_sent (endpoint, item_key, sent_at) VALUES (?1, ?2, ?3)")
                    .bind(&[text(endpoint), text(key), text(&at)])
                    .map_err(storage)
            })
            .collect::<Result<Vec<_>, _>>()?;
        if !statements.is_empty() {
            self.db.batch(statements).await.map_err(storage)?;
        }
        Ok(())
    }

    /// Gives a person a calendar feed with this token hash, replacing the one they had.
    pub async fn put_calendar_feed(
        &self,
        user_id: &str,
        token_hash: &str,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.execute(
            "INSERT INTO calendar_feeds (user_id, token_hash, lang, created_at) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user_id) DO UPDATE SET \
             token_hash = ?2, lang = ?3, created_at = ?4",
            &[
                text(user_id),
                text(token_hash),
                text(lang),
                text(&now.to_rfc3339()),
            ],
        )
        .await?;
        Ok(())
    }

    /// Revokes a person's calendar feed.
    pub async fn delete_calendar_feed(&self, user_id: &str) -> Result<(), ApiError> {
        self.execute(
            "DELETE FROM calendar_feeds WHERE user_id = ?1",
            &[text(user_id)],
        )
        .await?;
        Ok(())
    }

    /// The active account and language of a calendar feed's token hash.
    pub async fn calendar_feed(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Account, String)>, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            user_id: String,
            lang: String,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT user_id, lang FROM calendar_feeds WHERE token_hash = ?1")
            .bind(&[text(token_hash)])
            .map_err(storage)?
            .first(None)
            .await
            .map_err(storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(self
            .account_by_id(&row.user_id)
            .await?
            .filter(|account| account.active == 1)
            .map(|account| (account, row.lang)))
    }
}
