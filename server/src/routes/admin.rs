//! Admin: accounts (list, search, create, disable, enable, force a password reset, their audit
//! trail), the audit log, and the outbox.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::account::Role;
use domain::api::{CreateUser, UserSummary};
use domain::application::OutboxMail;
use domain::signin::{AccountSummary, AuditEntry, AuditQuery};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{AdminUser, Json, Path, Query};
use crate::services::{AppState, accounts, admin, mail};

/// Routes under `/api/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/accounts", get(search))
        .route("/admin/accounts/{id}", get(account))
        .route("/admin/accounts/{id}/disable", post(disable))
        .route("/admin/accounts/{id}/enable", post(enable))
        .route("/admin/accounts/{id}/reset-password", post(force_reset))
        .route("/admin/accounts/{id}/audit", get(trail))
        .route("/admin/audit", get(audit_log))
        .route("/admin/outbox", get(outbox))
}

/// Query of `GET /api/admin/accounts`.
#[derive(Debug, Deserialize)]
struct AccountQuery {
    /// Part of the e-mail or name.
    #[serde(default)]
    q: String,
    /// Only this role.
    #[serde(default)]
    role: Option<Role>,
}

/// Query of an audit trail's next page.
#[derive(Debug, Deserialize)]
struct PageQuery {
    /// Entries before this id.
    #[serde(default)]
    before: Option<i32>,
}

async fn search(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(q): Query<AccountQuery>,
) -> ApiResult<Json<Vec<AccountSummary>>> {
    Ok(Json(admin::accounts(&state, &q.q, q.role).await?))
}

async fn account(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::account(&state, id).await?))
}

async fn disable(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::set_disabled(&state, &actor, id, true).await?))
}

async fn enable(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::set_disabled(&state, &actor, id, false).await?))
}

async fn force_reset(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    admin::force_reset(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn trail(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<i32>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(admin::trail(&state, id, page.before).await?))
}

async fn audit_log(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(admin::audit_log(&state, &q).await?))
}

async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(accounts::staff_users(&state).await?))
}

async fn create(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Json(req): Json<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::create_by_admin(&state.db, &actor, &req).await?),
    ))
}

async fn outbox(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> ApiResult<Json<Vec<OutboxMail>>> {
    Ok(Json(mail::newest(&state.db).await?))
}
