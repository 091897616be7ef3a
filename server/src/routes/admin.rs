//! Admin: staff and organizer accounts.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use domain::api::{CreateUser, UserSummary};
use domain::application::OutboxMail;

use crate::auth::AdminUser;
use crate::db::accounts;
use crate::error::ApiResult;
use crate::json::Json;
use crate::startup::AppState;

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
    Ok(Json(accounts::staff_users(&state.db).await?))
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
    Ok(Json(crate::mail::outbox_mails(&state.db).await?))
}
