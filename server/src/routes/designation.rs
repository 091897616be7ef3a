//! Staff designate (指定) the sessions organizers submit, or return them with a reason.

use axum::extract::State;
use domain::Prefecture;
use domain::api::{LateAdded, LateAddition};
use domain::sessions::{DesignateRequest, Designation, DesignationItem, ReturnRequest};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Path, Query, ReviewerUser};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::{AppState, checkin, sessions};

/// Routes under `/api/review/sessions`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(designate))
        .routes(routes!(return_session))
        .routes(routes!(add_late))
}

/// A later addition: after a designated session's posting window, its prefecture's staff (or
/// JMA) give one physician its units, with the reason (an audit row).
#[utoipa::path(post, path = "/review/sessions/additions", tag = "designation", request_body = LateAddition, responses((status = 200, body = LateAdded)))]
async fn add_late(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Json(req): Json<LateAddition>,
) -> ApiResult<Json<LateAdded>> {
    Ok(Json(checkin::add_late(&state, &actor, &req).await?))
}

/// Query of the designation queue.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct QueueQuery {
    /// Which sessions: waiting (default), designated or returned.
    #[serde(default = "submitted")]
    #[param(value_type = Option<String>)]
    state: Designation,
    /// JMA staff: only this prefecture (JIS code); prefectural staff see their own only.
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<u8>)]
    prefecture: Option<u8>,
    /// The next page: sessions after this one (the last id of the page before).
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<i32>)]
    after: Option<i32>,
}

fn submitted() -> Designation {
    Designation::Submitted
}

#[utoipa::path(get, path = "/review/sessions", tag = "designation", params(QueueQuery), responses((status = 200, body = Vec<DesignationItem>)))]
async fn queue(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<DesignationItem>>> {
    // An unknown prefecture matches no session.
    let prefecture = match q.prefecture.map(Prefecture::from_code) {
        Some(None) => return Ok(Json(Vec::new())),
        p => p.flatten(),
    };
    Ok(Json(
        sessions::designation_queue(&state, &actor, q.state, prefecture, q.after).await?,
    ))
}

#[utoipa::path(post, path = "/review/sessions/{id}/designate", tag = "designation", params(("id" = i32, Path)), request_body = DesignateRequest, responses((status = 200, body = DesignationItem)))]
async fn designate(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Path(id): Path<i32>,
    Json(req): Json<DesignateRequest>,
) -> ApiResult<Json<DesignationItem>> {
    Ok(Json(sessions::designate(&state, &actor, id, &req).await?))
}

#[utoipa::path(post, path = "/review/sessions/{id}/return", tag = "designation", params(("id" = i32, Path)), request_body = ReturnRequest, responses((status = 200, body = DesignationItem)))]
async fn return_session(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Path(id): Path<i32>,
    Json(req): Json<ReturnRequest>,
) -> ApiResult<Json<DesignationItem>> {
    Ok(Json(
        sessions::return_to_organizer(&state, &actor, id, &req).await?,
    ))
}
