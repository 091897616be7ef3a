//! The HTTP API. Each module exposes `router()`; this is the one place that merges them.
//! Handlers only translate: extract, call one service, map the result.

mod account;
mod admin;
mod applications;
mod auth;
mod door;
pub mod extract;
pub mod guard;
mod health;
mod identity;
mod mypage;
mod organizer;
mod registry;
mod sessions;

use axum::Router;

use crate::error::ApiError;
use crate::services::AppState;

/// Every `/api` route; unknown `/api/...` paths answer a JSON 404, never the HTML page.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(mypage::router())
        .merge(sessions::router())
        .merge(organizer::router())
        .merge(door::router())
        .merge(admin::router())
        .merge(applications::router())
        .merge(identity::router())
        .merge(registry::router())
        .fallback(|| async { ApiError::NotFound })
}
