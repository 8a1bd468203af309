//! `ApiError`: every way a request can fail, mapped to an HTTP status and a JSON body.

use imp_shared::protocol::ApiErrorBody;
use worker::Response;

/// A failed request. Its `Display` is the human-readable message sent to the client.
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
    /// Too many attempts (429).
    #[error("{0}")]
    RateLimited(String),
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
            Self::RateLimited(_) => 429,
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
            Self::RateLimited(_) => "rate_limited",
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
            429 => Self::RateLimited(message),
            503 => Self::Storage(message),
            _ => Self::Internal(message),
        }
    }

    /// The JSON response `{ "error": code, "message": … }` with the status.
    pub fn to_response(&self) -> Response {
        let body = ApiErrorBody {
            error: self.code().to_owned(),
            message: self.to_string(),
        };
        crate::http::json_response(&body, self.status())
    }
}

impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        Self::Internal(error.to_string())
    }
}
