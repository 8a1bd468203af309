//! HTTP helpers: bounded body reading, JSON in and out, plain-text answers, query parameters.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Headers, Request, Response};

use crate::error::ApiError;
use imp_shared::protocol::MAX_BODY_BYTES;

/// The security headers of every API response: it is data, never a document, so it may load
/// nothing, be framed nowhere and be sniffed as nothing but JSON. (The app's own pages get theirs
/// from `public/_headers`; docs/security.md lists both.)
pub const API_SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
];

/// A JSON response with a status and the API's security headers. Falls back to a bare 500 if the
/// runtime cannot build one.
pub fn json_response<T: Serialize>(body: &T, status: u16) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    json_text_response(text, status)
}

/// A response whose body is JSON text already (a space's answer, passed on as it came).
pub fn json_text_response(text: String, status: u16) -> Response {
    response_with_type(text, status, "application/json; charset=utf-8")
}

/// A short plain-text answer (the 404 of a file the app does not have) with the same security
/// headers as the API's: it is no page of the app, so it may load nothing.
pub fn text_response(text: &str, status: u16) -> Response {
    response_with_type(text.to_owned(), status, "text/plain; charset=utf-8")
}

/// A calendar (`text/calendar`), which calendar apps fetch again every so often; private, so no
/// shared cache keeps someone's calendar.
pub fn calendar_response(text: String) -> Response {
    let response = response_with_type(text, 200, "text/calendar; charset=utf-8");
    let _ = response
        .headers()
        .set("cache-control", "private, max-age=300");
    response
}

/// A body of the given type with `no-store` and the API's security headers. Falls back to a bare
/// 500 if the runtime cannot build one.
fn response_with_type(text: String, status: u16, content_type: &str) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", "no-store");
    for (name, value) in API_SECURITY_HEADERS {
        let _ = headers.set(name, value);
    }
    match Response::ok(text) {
        Ok(response) => response.with_status(status).with_headers(headers),
        Err(_) => Response::builder().with_status(500).fixed(Vec::new()),
    }
}

/// Reads a JSON body of type `T`, refusing bodies over the limit before reading them.
pub async fn read_json<T: DeserializeOwned>(request: &mut Request) -> Result<T, ApiError> {
    let bytes = read_body(request).await?;
    serde_json::from_slice(&bytes).map_err(|error| ApiError::InvalidJson(error.to_string()))
}

/// Reads a body as UTF-8 text with the same limits as [`read_json`], for bodies the caller parses
/// in parts (a push reads each mutation on its own).
pub async fn read_text(request: &mut Request) -> Result<String, ApiError> {
    let bytes = read_body(request).await?;
    String::from_utf8(bytes)
        .map_err(|error| ApiError::InvalidJson(format!("not UTF-8 text ({error})")))
}

/// The body's bytes: a `Content-Length` is required and neither it nor the body may pass
/// [`MAX_BODY_BYTES`].
async fn read_body(request: &mut Request) -> Result<Vec<u8>, ApiError> {
    let declared = request.headers().get("content-length").ok().flatten();
    match declared.as_deref().map(|value| value.trim().parse::<u64>()) {
        Some(Ok(length)) if length > MAX_BODY_BYTES => {
            return Err(ApiError::PayloadTooLarge(length))
        }
        Some(Ok(_)) => {}
        Some(Err(_)) => {
            return Err(ApiError::BadRequest(
                "the Content-Length header must be a whole number".to_owned(),
            ))
        }
        None => {
            return Err(ApiError::BadRequest(
                "a Content-Length header is required".to_owned(),
            ))
        }
    }
    let bytes = request.bytes().await.map_err(|error| {
        worker::console_error!("could not read a request body: {error}");
        ApiError::BadRequest("could not read the body".to_owned())
    })?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The value of one query parameter.
pub fn query_param(request: &Request, name: &str) -> Result<Option<String>, ApiError> {
    let url = request
        .url()
        .map_err(|error| ApiError::BadRequest(format!("bad URL: {error}")))?;
    Ok(url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned()))
}

/// A required unsigned integer query parameter (or its default).
pub fn query_u64(request: &Request, name: &str, default: Option<u64>) -> Result<u64, ApiError> {
    match query_param(request, name)? {
        Some(text) => text.parse::<u64>().map_err(|_| {
            ApiError::BadRequest(format!("query parameter `{name}` must be a whole number"))
        }),
        None => default
            .ok_or_else(|| ApiError::BadRequest(format!("query parameter `{name}` is required"))),
    }
}

/// The bearer token of the request, if any.
pub fn bearer_token(request: &Request) -> Option<String> {
    let header = request.headers().get("authorization").ok().flatten()?;
    let token = header.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}
