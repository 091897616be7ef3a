//! A helper's device at the door: the check-in page opened through a link scoped to one
//! session (`X-Nintei-Door`); the open link is the permission.

use axum::extract::State;
use axum::http::StatusCode;
use domain::api::{
    DeviceStatus, DoorInfo, DoorPresence, LookupHit, ScanLine, ScanRequest, ScanResult,
};

use crate::error::ApiResult;
use crate::routes::extract::{HelperDoor, Json, Path, Query};
use crate::routes::organizer::{LookupQuery, UndoRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::checkin::{self, Desk};
use crate::services::{AppState, doors};

/// Routes under `/api/door`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(info))
        .routes(routes!(scan))
        .routes(routes!(undo))
        .routes(routes!(lookup))
        .routes(routes!(status))
        .routes(routes!(person_scans))
        .routes(routes!(presence))
}

/// Who is in the hall now, and how many came and left (the helper's desk shows it too).
#[utoipa::path(get, path = "/door/presence", tag = "door", responses((status = 200, body = DoorPresence)))]
async fn presence(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
) -> ApiResult<Json<DoorPresence>> {
    Ok(Json(
        checkin::presence_now(&state.read, &door.session).await?,
    ))
}

fn desk(door: &doors::OpenDoor) -> Desk {
    Desk {
        organizer: door.link.created_by,
        door_link: Some(door.link.id),
    }
}

#[utoipa::path(get, path = "/door", tag = "door", responses((status = 200, body = DoorInfo)))]
async fn info(HelperDoor(door): HelperDoor) -> Json<DoorInfo> {
    Json(doors::info(&door))
}

#[utoipa::path(post, path = "/door/scans", tag = "door", request_body = ScanRequest, responses((status = 200, body = ScanResult)))]
async fn scan(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Json(req): Json<ScanRequest>,
) -> ApiResult<Json<ScanResult>> {
    Ok(Json(
        checkin::record(&state, &door.session, desk(&door), &req).await?,
    ))
}

#[utoipa::path(post, path = "/door/scans/{scan_id}/undo", tag = "door", params(("scan_id" = i32, Path)), request_body = UndoRequest, responses((status = 204)))]
async fn undo(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Path(scan_id): Path<i32>,
    Json(req): Json<UndoRequest>,
) -> ApiResult<StatusCode> {
    checkin::undo(&state, &door.session, desk(&door), scan_id, &req.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the device still holds (it reports whenever it is online).
#[utoipa::path(post, path = "/door/status", tag = "door", request_body = DeviceStatus, responses((status = 204)))]
async fn status(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Json(req): Json<DeviceStatus>,
) -> ApiResult<StatusCode> {
    doors::report(&state, &door, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/door/people/{registry}/scans", tag = "door", params(("registry" = String, Path)), responses((status = 200, body = Vec<ScanLine>)))]
async fn person_scans(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Path(registry): Path<String>,
) -> ApiResult<Json<Vec<ScanLine>>> {
    Ok(Json(
        checkin::person_scans(&state, &door.session, &registry).await?,
    ))
}

/// The same exact lookup as the organizer's.
#[utoipa::path(get, path = "/door/lookup", tag = "door", params(LookupQuery), responses((status = 200, body = Vec<LookupHit>)))]
async fn lookup(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Query(q): Query<LookupQuery>,
) -> ApiResult<Json<Vec<LookupHit>>> {
    Ok(Json(
        checkin::lookup(
            &state,
            &door.session,
            checkin::Asker::Door(door.link.id),
            &q.name,
            q.birth_date,
        )
        .await?,
    ))
}
