//! The HTTP edge of the app: typed calls to the Worker's `/api/v1`.

use gloo::net::http::Request;
use imp_shared::protocol::{ApiErrorBody, HealthResponse};

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiCallError {
    /// No answer: offline, DNS, server down.
    #[error("no connection: {0}")]
    Network(String),
    /// The server answered with an error body.
    #[error("{message} ({code}, HTTP {status})")]
    Server {
        /// HTTP status.
        status: u16,
        /// The `error` code.
        code: String,
        /// The `message`.
        message: String,
    },
    /// The answer was not what the protocol says.
    #[error("unexpected answer: {0}")]
    Decode(String),
}

/// `GET /api/v1/health`.
pub async fn health() -> Result<HealthResponse, ApiCallError> {
    let response = Request::get("/api/v1/health")
        .send()
        .await
        .map_err(|error| ApiCallError::Network(error.to_string()))?;
    if !response.ok() {
        let status = response.status();
        let body: ApiErrorBody = response.json().await.unwrap_or(ApiErrorBody {
            error: "unknown".to_owned(),
            message: response.status_text(),
        });
        return Err(ApiCallError::Server {
            status,
            code: body.error,
            message: body.message,
        });
    }
    response
        .json()
        .await
        .map_err(|error| ApiCallError::Decode(error.to_string()))
}
