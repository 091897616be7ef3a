//! A helper's device at the door: the check-in page opened through a link scoped to one
//! session. The link's token comes in the `X-Nintei-Door` header (the page keeps it from the
//! link's fragment, which browsers never send), so it never appears in a URL the server logs.

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use domain::api::{DoorInfo, LookupHit, ScanRequest, ScanResult};

use crate::db::{checkin, doors};
use crate::entities::{door_link, training_session};
use crate::error::{ApiError, ApiResult};
use crate::json::{Json, Path, Query};
use crate::routes::organizer::{LookupQuery, UndoRequest, record};
use crate::startup::AppState;

/// The header carrying a helper link's token.
pub const DOOR_HEADER: &str = "x-nintei-door";

/// Routes under `/api/door`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/door", get(info))
        .route("/door/scans", post(scan))
        .route("/door/scans/{scan_id}/undo", post(undo))
        .route("/door/lookup", get(lookup))
}

/// An open helper link and its session.
pub struct HelperDoor {
    link: door_link::Model,
    session: training_session::Model,
}

impl FromRequestParts<AppState> for HelperDoor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(DOOR_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.trim().is_empty())
            .ok_or(ApiError::DoorClosed)?;
        let (link, session) = doors::open(&state.db, token).await?;
        Ok(HelperDoor { link, session })
    }
}

async fn info(door: HelperDoor) -> ApiResult<Json<DoorInfo>> {
    Ok(Json(doors::info(&door.link, door.session)?))
}

async fn scan(
    State(state): State<AppState>,
    door: HelperDoor,
    Json(req): Json<ScanRequest>,
) -> ApiResult<Json<ScanResult>> {
    Ok(Json(
        record(
            &state,
            &door.session,
            door.link.created_by,
            Some(door.link.id),
            &req,
        )
        .await?,
    ))
}

async fn undo(
    State(state): State<AppState>,
    door: HelperDoor,
    Path(scan_id): Path<i32>,
    Json(req): Json<UndoRequest>,
) -> ApiResult<StatusCode> {
    checkin::undo_scan(
        &state.db,
        door.session.id,
        door.link.created_by,
        Some(door.link.id),
        scan_id,
        &req.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The same exact lookup as the organizer's; the open link is the permission.
async fn lookup(
    State(state): State<AppState>,
    _door: HelperDoor,
    Query(q): Query<LookupQuery>,
) -> ApiResult<Json<Vec<LookupHit>>> {
    Ok(Json(
        checkin::lookup(&state.db, &q.name, q.birth_date).await?,
    ))
}
