//! Who a physician is: the e-mail link, the licence sent for checking, and the prefectural
//! staff's queue of identity checks and claims.

use axum::extract::State;
use axum::http::StatusCode;
use domain::api::{AttachRequest, UnattachedCredit};
use domain::identity::{
    Decision, EmailToken, IdentityView, LicenceRequest, QueueItem, RequestStatus, RequestView,
};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Path, PhysicianUser, PrefecturalUser, Query};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::{AppState, identity};

/// Routes under `/api/auth/verify-email`, `/api/identity` and `/api/review/identities`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_email))
        .routes(routes!(resend))
        .routes(routes!(licence))
        .routes(routes!(queue))
        .routes(routes!(detail))
        .routes(routes!(decide))
        .routes(routes!(unattached))
        .routes(routes!(attach))
}

/// Needs no login: the link may be opened on another device.
#[utoipa::path(post, path = "/auth/verify-email", tag = "identity", request_body = EmailToken, responses((status = 200, body = IdentityView)))]
async fn verify_email(
    State(state): State<AppState>,
    Json(req): Json<EmailToken>,
) -> ApiResult<Json<IdentityView>> {
    Ok(Json(identity::verify_email(&state, &req.token).await?))
}

#[utoipa::path(post, path = "/identity/resend", tag = "identity", responses((status = 204)))]
async fn resend(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<StatusCode> {
    identity::resend(&state, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/identity/licence", tag = "identity", request_body = LicenceRequest, responses((status = 200, body = RequestView)))]
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
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct QueueQuery {
    #[serde(default = "pending")]
    status: RequestStatus,
    /// The next page: requests after this one (the last id of the page before).
    after: Option<i32>,
}

fn pending() -> RequestStatus {
    RequestStatus::Pending
}

#[utoipa::path(get, path = "/review/identities", tag = "identity", params(QueueQuery), responses((status = 200, body = Vec<QueueItem>)))]
async fn queue(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<QueueItem>>> {
    Ok(Json(
        identity::queue(&state, &actor, q.status, q.after).await?,
    ))
}

#[utoipa::path(get, path = "/review/identities/{id}", tag = "identity", params(("id" = i32, Path)), responses((status = 200, body = QueueItem)))]
async fn detail(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<QueueItem>> {
    Ok(Json(identity::detail(&state, &actor, id).await?))
}

#[utoipa::path(post, path = "/review/identities/{id}/decide", tag = "identity", params(("id" = i32, Path)), request_body = Decision, responses((status = 200, body = QueueItem)))]
async fn decide(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Path(id): Path<i32>,
    Json(decision): Json<Decision>,
) -> ApiResult<Json<QueueItem>> {
    Ok(Json(identity::decide(&state, &actor, id, &decision).await?))
}

/// Units left unattached whose number a physician of the prefecture now holds (birth dates differ).
#[utoipa::path(get, path = "/review/unattached", tag = "identity", responses((status = 200, body = Vec<UnattachedCredit>)))]
async fn unattached(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
) -> ApiResult<Json<Vec<UnattachedCredit>>> {
    Ok(Json(identity::unattached(&state, &actor).await?))
}

/// Gives one of them to the physician who holds its number, with the reason.
#[utoipa::path(post, path = "/review/unattached/{id}/attach", tag = "identity", params(("id" = i32, Path)), request_body = AttachRequest, responses((status = 204)))]
async fn attach(
    State(state): State<AppState>,
    PrefecturalUser(actor): PrefecturalUser,
    Path(id): Path<i32>,
    Json(req): Json<AttachRequest>,
) -> ApiResult<StatusCode> {
    identity::attach(&state, &actor, id, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}
