//! Admin: accounts (list, search, create, disable, enable, force a password reset, their audit
//! trail), the audit log, and the outbox.

use axum::extract::State;
use axum::http::StatusCode;
use domain::account::Role;
use domain::api::{CreateUser, UserSummary};
use domain::application::OutboxMail;
use domain::signin::{AccountEdit, AccountSummary, AuditEntry, AuditQuery};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{AdminUser, Json, Path, Query};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::{AppState, accounts, admin, mail};

/// Routes under `/api/admin`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(search))
        .routes(routes!(account, edit))
        .routes(routes!(disable))
        .routes(routes!(enable))
        .routes(routes!(force_reset))
        .routes(routes!(trail))
        .routes(routes!(audit_log))
        .routes(routes!(outbox))
}

/// Query of `GET /api/admin/accounts`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AccountQuery {
    /// Part of the e-mail or name.
    #[serde(default)]
    q: String,
    /// Only this role.
    #[serde(default)]
    role: Option<Role>,
}

/// Query of an audit trail's next page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Entries before this id.
    #[serde(default)]
    before: Option<i32>,
}

#[utoipa::path(get, path = "/admin/accounts", tag = "admin", params(AccountQuery), responses((status = 200, body = Vec<AccountSummary>)))]
async fn search(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(q): Query<AccountQuery>,
) -> ApiResult<Json<Vec<AccountSummary>>> {
    Ok(Json(admin::accounts(&state, &q.q, q.role).await?))
}

#[utoipa::path(get, path = "/admin/accounts/{id}", tag = "admin", params(("id" = i32, Path)), responses((status = 200, body = AccountSummary)))]
async fn account(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::account(&state, id).await?))
}

/// Changes an account's name, prefecture or organizing body (not a physician's).
#[utoipa::path(put, path = "/admin/accounts/{id}", tag = "admin", params(("id" = i32, Path)), request_body = AccountEdit, responses((status = 200, body = AccountSummary)))]
async fn edit(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
    Json(req): Json<AccountEdit>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::edit(&state, &actor, id, &req).await?))
}

#[utoipa::path(post, path = "/admin/accounts/{id}/disable", tag = "admin", params(("id" = i32, Path)), responses((status = 200, body = AccountSummary)))]
async fn disable(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::set_disabled(&state, &actor, id, true).await?))
}

#[utoipa::path(post, path = "/admin/accounts/{id}/enable", tag = "admin", params(("id" = i32, Path)), responses((status = 200, body = AccountSummary)))]
async fn enable(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<AccountSummary>> {
    Ok(Json(admin::set_disabled(&state, &actor, id, false).await?))
}

#[utoipa::path(post, path = "/admin/accounts/{id}/reset-password", tag = "admin", params(("id" = i32, Path)), responses((status = 204)))]
async fn force_reset(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    admin::force_reset(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/admin/accounts/{id}/audit", tag = "admin", params(PageQuery, ("id" = i32, Path)), responses((status = 200, body = Vec<AuditEntry>)))]
async fn trail(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<i32>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(admin::trail(&state, id, page.before).await?))
}

#[utoipa::path(get, path = "/admin/audit", tag = "admin", params(AuditQuery), responses((status = 200, body = Vec<AuditEntry>)))]
async fn audit_log(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(admin::audit_log(&state, &q).await?))
}

#[utoipa::path(get, path = "/admin/users", tag = "admin", responses((status = 200, body = Vec<UserSummary>)))]
async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(accounts::staff_users(&state).await?))
}

#[utoipa::path(post, path = "/admin/users", tag = "admin", request_body = CreateUser, responses((status = 201, body = UserSummary)))]
async fn create(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    Json(req): Json<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::create_by_admin(&state, &actor, &req).await?),
    ))
}

/// `GET /api/admin/outbox`: the next page starts before the last mail shown.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct OutboxQuery {
    /// The next page: mails older than this one (the last id of the page before).
    before: Option<i32>,
}

#[utoipa::path(get, path = "/admin/outbox", tag = "admin", params(OutboxQuery), responses((status = 200, body = Vec<OutboxMail>)))]
async fn outbox(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(q): Query<OutboxQuery>,
) -> ApiResult<Json<Vec<OutboxMail>>> {
    Ok(Json(mail::newest(&state.db, q.before).await?))
}
