//! Organizers: their sessions, check-in scans, attendance review and posting credits.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use domain::api::{
    AttendanceRow, DoorLink, DoorLinkCreated, ImportReport, LookupHit, NewDoorLink, PostRequest,
    PostResult, PublicSession, RevokeRequest, ScanLine, ScanRequest, ScanResult, SessionCorrection,
};
use domain::sessions::SessionForm;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, OrganizerUser, Path, Query, csv_text};
use crate::services::checkin::{self, Desk};
use crate::services::{AppState, doors, sessions};

/// Routes under `/api/organizer`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizer/sessions", get(list).post(create))
        .route("/organizer/sessions/{id}", get(one).put(edit))
        .route("/organizer/sessions/{id}/cancel", post(cancel))
        .route("/organizer/sessions/{id}/form", get(form))
        .route(
            "/organizer/sessions/{id}/people/{registry}/scans",
            get(person_scans),
        )
        .route("/organizer/sessions/{id}/scans", post(scan))
        .route("/organizer/sessions/{id}/scans/{scan_id}/undo", post(undo))
        .route("/organizer/sessions/{id}/attendance", get(attendance))
        .route("/organizer/sessions/{id}/post", post(post_credits))
        .route("/organizer/sessions/{id}/lookup", get(lookup))
        .route(
            "/organizer/sessions/{id}/doors",
            get(doors_list).post(door_create),
        )
        .route(
            "/organizer/sessions/{id}/doors/{link}/revoke",
            post(door_revoke),
        )
        .route("/organizer/sessions/{id}/corrections", post(correct))
        .route("/organizer/sessions/{id}/import", post(import))
}

fn own_desk(organizer: i32) -> Desk {
    Desk {
        organizer,
        door_link: None,
    }
}

async fn list(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
) -> ApiResult<Json<Vec<PublicSession>>> {
    Ok(Json(sessions::list_own(&state, &actor).await?))
}

async fn create(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Json(form): Json<SessionForm>,
) -> ApiResult<(StatusCode, Json<PublicSession>)> {
    Ok((
        StatusCode::CREATED,
        Json(sessions::create(&state, &actor, &form).await?),
    ))
}

async fn one(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::own(&state.db, &actor, id).await?.public()))
}

async fn form(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<SessionForm>> {
    Ok(Json(sessions::form(&state, &actor, id).await?))
}

async fn edit(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(form): Json<SessionForm>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::edit(&state, &actor, id, &form).await?))
}

/// Body of a cancellation (a JSON body, which a cross-site form cannot send).
#[derive(Debug, Default, Deserialize)]
struct CancelRequest {}

async fn cancel(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(_): Json<CancelRequest>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::cancel(&state, &actor, id).await?))
}

async fn person_scans(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path((id, registry)): Path<(i32, String)>,
) -> ApiResult<Json<Vec<ScanLine>>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(
        checkin::person_scans(&state, &session, &registry).await?,
    ))
}

async fn scan(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<ScanRequest>,
) -> ApiResult<Json<ScanResult>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(
        checkin::record(&state, &session, own_desk(actor.id), &req).await?,
    ))
}

/// Body of an undo.
#[derive(Debug, Deserialize)]
pub(crate) struct UndoRequest {
    pub(crate) reason: String,
}

async fn undo(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path((id, scan_id)): Path<(i32, i32)>,
    Json(req): Json<UndoRequest>,
) -> ApiResult<StatusCode> {
    let session = sessions::own(&state.db, &actor, id).await?;
    checkin::undo(&state, &session, own_desk(actor.id), scan_id, &req.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn attendance(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<Vec<AttendanceRow>>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(checkin::attendance(&state.db, &session).await?))
}

async fn post_credits(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<PostRequest>,
) -> ApiResult<Json<PostResult>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(checkin::post(&state, &session, actor.id, &req).await?))
}

/// Query of the name and date-of-birth lookup.
#[derive(Debug, Deserialize)]
pub(crate) struct LookupQuery {
    pub(crate) name: String,
    pub(crate) birth_date: chrono::NaiveDate,
}

async fn lookup(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Query(q): Query<LookupQuery>,
) -> ApiResult<Json<Vec<LookupHit>>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(
        checkin::lookup(
            &state,
            &session,
            checkin::Asker::Organizer(actor.id),
            &q.name,
            q.birth_date,
        )
        .await?,
    ))
}

async fn doors_list(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<Vec<DoorLink>>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(doors::list(&state, &session).await?))
}

async fn door_create(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<NewDoorLink>,
) -> ApiResult<(StatusCode, Json<DoorLinkCreated>)> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(doors::create(&state, &session, actor.id, &req).await?),
    ))
}

async fn door_revoke(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path((id, link)): Path<(i32, i32)>,
    Json(req): Json<RevokeRequest>,
) -> ApiResult<Json<DoorLink>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(
        doors::revoke(&state, &session, actor.id, link, &req).await?,
    ))
}

async fn correct(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<SessionCorrection>,
) -> ApiResult<Json<AttendanceRow>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(
        checkin::correct(&state, &session, actor.id, &req).await?,
    ))
}

/// Query of the CSV import.
#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// The largest attendance sheet read (a 1,000-line sheet is about 40 KB).
const IMPORT_MAX_BYTES: usize = 1024 * 1024;

async fn import(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<ImportReport>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    let text = csv_text(&headers, &body, IMPORT_MAX_BYTES, "import.too_large")?;
    Ok(Json(
        checkin::import(&state, &session, actor.id, &text, q.dry_run).await?,
    ))
}
