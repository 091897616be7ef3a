//! Who a physician is: the e-mail link, the licence sent for checking, and the prefectural
//! staff's queue of identity checks and claims.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::identity::{
    Decision, EmailToken, IdentityView, LicenceRequest, QueueItem, RequestStatus, RequestView,
};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Path, PhysicianUser, PrefecturalUser, Query};
use crate::services::{AppState, identity};

/// Routes under `/api/auth/verify-email`, `/api/identity` and `/api/review/identities`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/verify-email", post(verify_email))
        .route("/identity/resend", post(resend))
        .route("/identity/licence", post(licence))
        .route("/review/identities", get(queue))
        .route("/review/identities/{id}", get(detail))
        .route("/review/identities/{id}/decide", post(decide))
}

/// Needs no login: the link may be opened on another device.
async fn verify_email(
    State(state): State<AppState>,
    Json(req): Json<EmailToken>,
) -> ApiResult<Json<IdentityView>> {
    Ok(Json(identity::verify_email(&state, &req.token).await?))
}

async fn resend(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<StatusCode> {
    identity::resend(&state, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn licence(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Json(req): Json<LicenceRequest>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(
        identity::submit_licence(&state, &actor, req.document_id).await?,
    ))
}

/// Query of the queue.
#[derive(Debug, Deserialize)]
struct QueueQuery {
    #[serde(default = "pending")]
    status: RequestStatus,
}

fn pending() -> RequestStatus {
    RequestStatus::Pending
}

async fn queue(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<QueueItem>>> {
    Ok(Json(identity::queue(&state, &actor, q.status).await?))
}

async fn detail(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<QueueItem>> {
    Ok(Json(identity::detail(&state, &actor, id).await?))
}

async fn decide(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Path(id): Path<i32>,
    Json(decision): Json<Decision>,
) -> ApiResult<Json<QueueItem>> {
    Ok(Json(identity::decide(&state, &actor, id, &decision).await?))
}
