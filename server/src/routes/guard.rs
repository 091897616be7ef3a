//! Requests a page on another site can make with the victim's cookie are refused before any
//! handler runs: a plain HTML form can only send `application/x-www-form-urlencoded`,
//! `multipart/form-data` or `text/plain`, so every POST, PUT and PATCH must say it carries one
//! of the types this API reads (JSON, a CSV sheet, a document's bytes). DELETE cannot come from
//! a form at all, and a cross-site `fetch` of it would need CORS, which this server never grants.

use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The body types the API accepts.
const ACCEPTED: [&str; 6] = [
    "application/json",
    "text/csv",
    "application/octet-stream",
    "application/pdf",
    "image/jpeg",
    "image/png",
];

/// Whether a request's `Content-Type` is one of the accepted body types.
fn accepted(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|t| ACCEPTED.contains(&t.as_str()))
}

/// Refuses a write whose body a cross-site form could have sent (415).
pub async fn no_cross_site_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) && !accepted(&req) {
        return ApiError::ContentType.into_response();
    }
    next.run(req).await
}
