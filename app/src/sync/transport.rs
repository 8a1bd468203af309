//! The HTTP edge of the app: typed calls to the Worker's `/api/v1`, with errors the engine can act
//! on (offline, signed out, too old, refused, rate limited).

use gloo::net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use imp_shared::ids::{ClientId, MutationSeq, ServerVersion, SpaceId};
use imp_shared::protocol::{
    AcceptInviteRequest, ApiErrorBody, InviteDetails, LoginRequest, MeResponse, PullResponse,
    PushRequest, PushResponse, SessionResponse, MAX_PULL_LIMIT, PROTOCOL_VERSION, SCHEMA_VERSION,
};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransportError {
    /// No answer: offline, or the server is down.
    #[error("no connection")]
    Offline,
    /// 401: the session ended; sign in again (the outbox is kept).
    #[error("{0}")]
    SignedOut(String),
    /// 426: this app is older than the server accepts; update (the outbox is kept).
    #[error("{0}")]
    TooOld(String),
    /// 429: slow down.
    #[error("{0}")]
    RateLimited(String),
    /// Any other error answer.
    #[error("{message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The `error` code.
        code: String,
        /// The `message`.
        message: String,
    },
    /// The answer did not match the protocol.
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, TransportError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response
            .json()
            .await
            .map_err(|error| TransportError::Decode(error.to_string()));
    }
    let body: ApiErrorBody = response.json().await.unwrap_or(ApiErrorBody {
        error: "unknown".to_owned(),
        message: format!("HTTP {status}"),
    });
    Err(match status {
        401 => TransportError::SignedOut(body.message),
        426 => TransportError::TooOld(body.message),
        429 => TransportError::RateLimited(body.message),
        _ => TransportError::Server {
            status,
            code: body.error,
            message: body.message,
        },
    })
}

fn offline<E>(_: E) -> TransportError {
    TransportError::Offline
}

async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<T, TransportError> {
    let mut request = Request::post(path);
    if let Some(token) = token {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    let request = request
        .json(body)
        .map_err(|error| TransportError::Decode(error.to_string()))?;
    read(request.send().await.map_err(offline)?).await
}

async fn get<T: DeserializeOwned>(path: &str, token: Option<&str>) -> Result<T, TransportError> {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    read(request.send().await.map_err(offline)?).await
}

/// `POST /api/v1/auth/login`.
pub async fn login(email: &str, password: &str) -> Result<SessionResponse, TransportError> {
    let body = LoginRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    post("/api/v1/auth/login", None, &body).await
}

/// `POST /api/v1/auth/accept-invite`.
pub async fn accept_invite(code: &str, password: &str) -> Result<SessionResponse, TransportError> {
    let body = AcceptInviteRequest {
        code: code.to_owned(),
        password: password.to_owned(),
    };
    post("/api/v1/auth/accept-invite", None, &body).await
}

/// `GET /api/v1/auth/invite?code=…`: whom a live invite code is for, its role and the password
/// rule (400 `Server` for an unknown, used or expired code; `Offline` without a connection).
pub async fn invite_details(code: &str) -> Result<InviteDetails, TransportError> {
    let query = String::from(js_sys::encode_uri_component(code.trim()));
    get(&format!("/api/v1/auth/invite?code={query}"), None).await
}

/// `POST /api/v1/auth/logout` (best effort: signing out locally never waits for it).
pub async fn logout(token: &str) -> Result<(), TransportError> {
    #[derive(serde::Deserialize)]
    struct Done {}
    post::<_, Done>("/api/v1/auth/logout", Some(token), &serde_json::json!({}))
        .await
        .map(|_| ())
}

/// `GET /api/v1/me`.
pub async fn me(token: &str) -> Result<MeResponse, TransportError> {
    get("/api/v1/me", Some(token)).await
}

fn space_path(space: &SpaceId) -> String {
    space.to_string().replace(':', "%3A")
}

/// `POST /api/v1/spaces/{space}/push`.
pub async fn push(
    token: &str,
    space: &SpaceId,
    request: &PushRequest,
) -> Result<PushResponse, TransportError> {
    post(
        &format!("/api/v1/spaces/{}/push", space_path(space)),
        Some(token),
        request,
    )
    .await
}

/// `GET /api/v1/spaces/{space}/pull`.
pub async fn pull(
    token: &str,
    space: &SpaceId,
    cursor: ServerVersion,
    client: &ClientId,
    since_seq: MutationSeq,
    snapshot: bool,
) -> Result<PullResponse, TransportError> {
    let path = format!(
        "/api/v1/spaces/{}/pull?cursor={}&client_id={}&since_seq={}&limit={MAX_PULL_LIMIT}&snapshot={snapshot}&protocol={PROTOCOL_VERSION}&schema={SCHEMA_VERSION}",
        space_path(space),
        cursor.0,
        client.as_str(),
        since_seq.0
    );
    get(&path, Some(token)).await
}

/// `GET /api/v1/accounts` (staff).
pub async fn accounts(
    token: &str,
) -> Result<Vec<imp_shared::protocol::AccountInfo>, TransportError> {
    get("/api/v1/accounts", Some(token)).await
}

/// `POST /api/v1/invites` (staff).
pub async fn invite(
    token: &str,
    request: &imp_shared::protocol::InviteRequest,
) -> Result<imp_shared::protocol::InviteResponse, TransportError> {
    post("/api/v1/invites", Some(token), request).await
}

/// `POST /api/v1/accounts/{id}/active` (staff).
pub async fn set_active(token: &str, id: &str, active: bool) -> Result<(), TransportError> {
    let _: serde_json::Value = post(
        &format!("/api/v1/accounts/{id}/active"),
        Some(token),
        &imp_shared::protocol::SetActiveRequest { active },
    )
    .await?;
    Ok(())
}

/// A JSON call with another method (`PUT`, `DELETE`).
async fn send<B: Serialize, T: DeserializeOwned>(
    request: gloo::net::http::RequestBuilder,
    token: &str,
    body: &B,
) -> Result<T, TransportError> {
    let request = request
        .header("authorization", &format!("Bearer {token}"))
        .json(body)
        .map_err(|error| TransportError::Decode(error.to_string()))?;
    read(request.send().await.map_err(offline)?).await
}

/// `GET /api/v1/push/key`: the Worker's application server key (base64url).
pub async fn push_key(token: &str) -> Result<String, TransportError> {
    #[derive(serde::Deserialize)]
    struct Key {
        public_key: String,
    }
    let key: Key = get("/api/v1/push/key", Some(token)).await?;
    Ok(key.public_key)
}

/// `PUT /api/v1/push/subscription`: this device wants push reminders.
pub async fn put_subscription(
    token: &str,
    body: &imp_shared::reminder::SubscriptionRequest,
) -> Result<(), TransportError> {
    let _: serde_json::Value = send(Request::put("/api/v1/push/subscription"), token, body).await?;
    Ok(())
}

/// `DELETE /api/v1/push/subscription`: this device wants no more push reminders.
pub async fn delete_subscription(token: &str, endpoint: &str) -> Result<(), TransportError> {
    let body = imp_shared::reminder::Unsubscribe {
        endpoint: endpoint.to_owned(),
    };
    let _: serde_json::Value =
        send(Request::delete("/api/v1/push/subscription"), token, &body).await?;
    Ok(())
}

/// `POST /api/v1/calendar/feed`: a new secret calendar URL (the earlier one stops working).
pub async fn create_calendar_feed(token: &str, lang: &str) -> Result<String, TransportError> {
    #[derive(serde::Deserialize)]
    struct Feed {
        url: String,
    }
    let feed: Feed = post(
        "/api/v1/calendar/feed",
        Some(token),
        &serde_json::json!({ "lang": lang }),
    )
    .await?;
    Ok(feed.url)
}

/// `DELETE /api/v1/calendar/feed`: the calendar URL stops working.
pub async fn revoke_calendar_feed(token: &str) -> Result<(), TransportError> {
    let _: serde_json::Value = send(
        Request::delete("/api/v1/calendar/feed"),
        token,
        &serde_json::json!({}),
    )
    .await?;
    Ok(())
}

/// The signed-in person's connection, as the shared sync cycle uses it.
pub struct Http {
    /// The bearer token.
    pub token: String,
}

impl imp_shared::client::Transport for Http {
    type Error = TransportError;

    fn failure(error: &TransportError) -> imp_shared::client::Failure {
        use imp_shared::client::Failure;
        match error {
            TransportError::Offline => Failure::Offline,
            TransportError::SignedOut(_) => Failure::SignedOut,
            TransportError::TooOld(_) => Failure::TooOld,
            TransportError::RateLimited(_) => Failure::Server(429),
            TransportError::Server { status, .. } => Failure::Server(*status),
            TransportError::Decode(_) => Failure::Server(0),
        }
    }

    async fn push(
        &self,
        space: &SpaceId,
        request: &PushRequest,
    ) -> Result<PushResponse, TransportError> {
        push(&self.token, space, request).await
    }

    async fn pull(
        &self,
        space: &SpaceId,
        cursor: ServerVersion,
        client_id: &ClientId,
        since_seq: MutationSeq,
        snapshot: bool,
    ) -> Result<PullResponse, TransportError> {
        pull(&self.token, space, cursor, client_id, since_seq, snapshot).await
    }
}
