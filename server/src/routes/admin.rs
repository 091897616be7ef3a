//! Admin: staff and organizer accounts, and the outbox.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use domain::api::{CreateUser, UserSummary};
use domain::application::OutboxMail;

use crate::error::ApiResult;
use crate::routes::extract::{AdminUser, Json};
use crate::services::{AppState, accounts, mail};

/// Routes under `/api/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/outbox", get(outbox))
}

async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(accounts::staff_users(&state).await?))
}

async fn create(
    State(state): State<AppState>,
    _admin: AdminUser,
    Json(req): Json<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::create_user(&state.db, &req).await?),
    ))
}

async fn outbox(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> ApiResult<Json<Vec<OutboxMail>>> {
    Ok(Json(mail::newest(&state.db).await?))
}
