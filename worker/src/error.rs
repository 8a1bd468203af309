//! `ApiError`: every way a request can fail, mapped to an HTTP status and a JSON body.

use imp_shared::protocol::ApiErrorBody;
use worker::Response;

/// A failed request. Its `Display` is the full detail (for the log); [`ApiError::public_message`]
/// is what the client is sent: for storage, runtime and parser failures a plain sentence, never
/// the raw text of the database, the runtime or the JSON parser.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (400).
    #[error("{0}")]
    BadRequest(String),
    /// The body is not the JSON the endpoint expects (400).
    #[error("{0}")]
    InvalidJson(String),
    /// No valid session (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such route or thing (404).
    #[error("{0}")]
    NotFound(String),
    /// The method is not served on this route (405).
    #[error("{0} is not allowed here")]
    MethodNotAllowed(String),
    /// Conflicts with what exists (409).
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the limit (413).
    #[error("the request body is {0} bytes; at most {max} are accepted", max = imp_shared::protocol::MAX_BODY_BYTES)]
    PayloadTooLarge(u64),
    /// The client speaks a protocol or schema too old to serve (426).
    #[error("{0}")]
    ClientTooOld(String),
    /// Too many attempts (429); the client may try again after `retry_after` seconds.
    #[error("{message}")]
    RateLimited {
        /// What to tell the person.
        message: String,
        /// Seconds until an attempt may be made again (the `Retry-After` header).
        retry_after: u64,
    },
    /// Storage failed; nothing was changed (503).
    #[error("storage is unavailable: {0}")]
    Storage(String),
    /// A bug or a runtime failure (500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) | Self::InvalidJson(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::Conflict(_) => 409,
            Self::PayloadTooLarge(_) => 413,
            Self::ClientTooOld(_) => 426,
            Self::RateLimited { .. } => 429,
            Self::Internal(_) => 500,
            Self::Storage(_) => 503,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::InvalidJson(_) => "invalid_json",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::ClientTooOld(_) => "client_too_old",
            Self::RateLimited { .. } => "rate_limited",
            Self::Storage(_) => "storage_unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// Rebuilds an error from a status and body (as a Durable Object answered it).
    pub fn from_parts(status: u16, body: ApiErrorBody) -> Self {
        let message = body.message;
        match status {
            400 => Self::BadRequest(message),
            401 => Self::Unauthorized(message),
            403 => Self::Forbidden(message),
            404 => Self::NotFound(message),
            409 => Self::Conflict(message),
            426 => Self::ClientTooOld(message),
            429 => Self::RateLimited {
                message,
                retry_after: 1,
            },
            503 => Self::Storage(message),
            _ => Self::Internal(message),
        }
    }

    /// The message the client is sent: the error's own words for what the client did wrong, and
    /// a stable plain sentence for failures whose detail is the server's business (logged
    /// instead by [`ApiError::to_response`]).
    pub fn public_message(&self) -> String {
        match self {
            Self::InvalidJson(_) => "the body is not the JSON this endpoint expects".to_owned(),
            Self::Storage(_) => {
                "storage is unavailable; nothing was changed, please try again".to_owned()
            }
            Self::Internal(_) => "something went wrong on the server".to_owned(),
            _ => self.to_string(),
        }
    }

    /// The JSON response `{ "error": code, "message": … }` with the status (and `Retry-After`
    /// for 429). The full detail of a storage, runtime or parser failure goes to the log only.
    pub fn to_response(&self) -> Response {
        if matches!(
            self,
            Self::InvalidJson(_) | Self::Storage(_) | Self::Internal(_)
        ) {
            worker::console_error!("{}: {self}", self.code());
        }
        let body = ApiErrorBody {
            error: self.code().to_owned(),
            message: self.public_message(),
        };
        let response = crate::http::json_response(&body, self.status());
        if let Self::RateLimited { retry_after, .. } = self {
            let _ = response
                .headers()
                .set("retry-after", &retry_after.max(&1).to_string());
        }
        response
    }
}

impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        Self::Internal(error.to_string())
    }
}
