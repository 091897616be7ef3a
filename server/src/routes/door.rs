//! A helper's device at the door: the check-in page opened through a link scoped to one
//! session (`X-Nintei-Door`); the open link is the permission.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::api::{DeviceStatus, DoorInfo, LookupHit, ScanLine, ScanRequest, ScanResult};

use crate::error::ApiResult;
use crate::routes::extract::{HelperDoor, Json, Path, Query};
use crate::routes::organizer::{LookupQuery, UndoRequest};
use crate::services::checkin::{self, Desk};
use crate::services::{AppState, doors};

/// Routes under `/api/door`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/door", get(info))
        .route("/door/scans", post(scan))
        .route("/door/scans/{scan_id}/undo", post(undo))
        .route("/door/lookup", get(lookup))
        .route("/door/status", post(status))
        .route("/door/people/{registry}/scans", get(person_scans))
}

fn desk(door: &doors::OpenDoor) -> Desk {
    Desk {
        organizer: door.link.created_by,
        door_link: Some(door.link.id),
    }
}

async fn info(HelperDoor(door): HelperDoor) -> Json<DoorInfo> {
    Json(doors::info(&door))
}

async fn scan(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Json(req): Json<ScanRequest>,
) -> ApiResult<Json<ScanResult>> {
    Ok(Json(
        checkin::record(&state, &door.session, desk(&door), &req).await?,
    ))
}

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
async fn status(
    State(state): State<AppState>,
    HelperDoor(door): HelperDoor,
    Json(req): Json<DeviceStatus>,
) -> ApiResult<StatusCode> {
    doors::report(&state, &door, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

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
