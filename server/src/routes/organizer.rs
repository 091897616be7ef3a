//! Organizers: their sessions, check-in scans, attendance review and posting credits.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::api::{
    AttendanceRow, DoorLink, DoorLinkCreated, DoorPresence, ImportReport, LookupHit, NewDoorLink,
    PostRequest, PostResult, PublicSession, RevokeRequest, ScanLine, ScanRequest, ScanResult,
    SessionCorrection,
};
use domain::sessions::SessionForm;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, LangQuery, OrganizerUser, Path, Query, csv_text};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::checkin::{self, Desk};
use crate::services::{AppState, doors, proofs, sessions};

/// Routes under `/api/organizer`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one, edit))
        .routes(routes!(cancel))
        .routes(routes!(form))
        .routes(routes!(person_scans))
        .routes(routes!(scan))
        .routes(routes!(undo))
        .routes(routes!(attendance))
        .routes(routes!(attendance_csv))
        .routes(routes!(attendance_pdf))
        .routes(routes!(presence))
        .routes(routes!(post_credits))
        .routes(routes!(lookup))
        .routes(routes!(doors_list, door_create))
        .routes(routes!(door_revoke))
        .routes(routes!(correct))
        .routes(routes!(import))
}

fn own_desk(organizer: i32) -> Desk {
    Desk {
        organizer,
        door_link: None,
    }
}

#[utoipa::path(get, path = "/organizer/sessions", tag = "organizer", responses((status = 200, body = Vec<PublicSession>)))]
async fn list(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
) -> ApiResult<Json<Vec<PublicSession>>> {
    Ok(Json(sessions::list_own(&state, &actor).await?))
}

#[utoipa::path(post, path = "/organizer/sessions", tag = "organizer", request_body = SessionForm, responses((status = 201, body = PublicSession)))]
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

#[utoipa::path(get, path = "/organizer/sessions/{id}", tag = "organizer", params(("id" = i32, Path)), responses((status = 200, body = PublicSession)))]
async fn one(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::own(&state.db, &actor, id).await?.public()))
}

#[utoipa::path(get, path = "/organizer/sessions/{id}/form", tag = "organizer", params(("id" = i32, Path)), responses((status = 200, body = SessionForm)))]
async fn form(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<SessionForm>> {
    Ok(Json(sessions::form(&state, &actor, id).await?))
}

#[utoipa::path(put, path = "/organizer/sessions/{id}", tag = "organizer", params(("id" = i32, Path)), request_body = SessionForm, responses((status = 200, body = PublicSession)))]
async fn edit(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(form): Json<SessionForm>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::edit(&state, &actor, id, &form).await?))
}

/// Body of a cancellation (a JSON body, which a cross-site form cannot send).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct CancelRequest {}

#[utoipa::path(post, path = "/organizer/sessions/{id}/cancel", tag = "organizer", params(("id" = i32, Path)), request_body = CancelRequest, responses((status = 200, body = PublicSession)))]
async fn cancel(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(_): Json<CancelRequest>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::cancel(&state, &actor, id).await?))
}

#[utoipa::path(get, path = "/organizer/sessions/{id}/people/{registry}/scans", tag = "organizer", params(("id" = i32, Path), ("registry" = String, Path)), responses((status = 200, body = Vec<ScanLine>)))]
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

#[utoipa::path(post, path = "/organizer/sessions/{id}/scans", tag = "organizer", params(("id" = i32, Path)), request_body = ScanRequest, responses((status = 200, body = ScanResult)))]
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
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct UndoRequest {
    pub(crate) reason: String,
}

#[utoipa::path(post, path = "/organizer/sessions/{id}/scans/{scan_id}/undo", tag = "organizer", params(("id" = i32, Path), ("scan_id" = i32, Path)), request_body = UndoRequest, responses((status = 204)))]
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

#[utoipa::path(get, path = "/organizer/sessions/{id}/attendance", tag = "organizer", params(("id" = i32, Path)), responses((status = 200, body = Vec<AttendanceRow>)))]
async fn attendance(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<Vec<AttendanceRow>>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(checkin::attendance(&state.db, &session).await?))
}

/// The attendance as CSV (UTF-8 with BOM), in kana order.
#[utoipa::path(get, path = "/organizer/sessions/{id}/attendance.csv", tag = "organizer", params(("id" = i32, Path), LangQuery), responses((status = 200, body = String, content_type = "text/csv", description = "The attendance as CSV")))]
async fn attendance_csv(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Query(l): Query<LangQuery>,
) -> ApiResult<Response> {
    let session = sessions::own(&state.db, &actor, id).await?;
    let csv = checkin::attendance_csv(&state.read, &session, l.lang).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("attendance-{id}.csv"),
        csv.into_bytes(),
    ))
}

/// The attendance as a PDF (the organizer's record), in kana order.
#[utoipa::path(get, path = "/organizer/sessions/{id}/attendance.pdf", tag = "organizer", params(("id" = i32, Path), LangQuery), responses((status = 200, content_type = "application/pdf", description = "The attendance as PDF")))]
async fn attendance_pdf(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Query(l): Query<LangQuery>,
) -> ApiResult<Response> {
    let session = sessions::own(&state.db, &actor, id).await?;
    let pdf = proofs::attendance_pdf(&state, &actor, &session, l.lang).await?;
    Ok(download(
        "application/pdf",
        &format!("attendance-{id}.pdf"),
        pdf,
    ))
}

/// A file to save, never cached.
fn download(content_type: &'static str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Who is in the hall now, and how many came and left.
#[utoipa::path(get, path = "/organizer/sessions/{id}/presence", tag = "organizer", params(("id" = i32, Path)), responses((status = 200, body = DoorPresence)))]
async fn presence(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<DoorPresence>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(checkin::presence_now(&state.read, &session).await?))
}

#[utoipa::path(post, path = "/organizer/sessions/{id}/post", tag = "organizer", params(("id" = i32, Path)), request_body = PostRequest, responses((status = 200, body = PostResult)))]
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
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LookupQuery {
    pub(crate) name: String,
    pub(crate) birth_date: chrono::NaiveDate,
}

#[utoipa::path(get, path = "/organizer/sessions/{id}/lookup", tag = "organizer", params(LookupQuery, ("id" = i32, Path)), responses((status = 200, body = Vec<LookupHit>)))]
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

#[utoipa::path(get, path = "/organizer/sessions/{id}/doors", tag = "organizer", params(("id" = i32, Path)), responses((status = 200, body = Vec<DoorLink>)))]
async fn doors_list(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<Vec<DoorLink>>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(doors::list(&state, &session).await?))
}

#[utoipa::path(post, path = "/organizer/sessions/{id}/doors", tag = "organizer", params(("id" = i32, Path)), request_body = NewDoorLink, responses((status = 201, body = DoorLinkCreated)))]
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

#[utoipa::path(post, path = "/organizer/sessions/{id}/doors/{link}/revoke", tag = "organizer", params(("id" = i32, Path), ("link" = i32, Path)), request_body = RevokeRequest, responses((status = 200, body = DoorLink)))]
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

#[utoipa::path(post, path = "/organizer/sessions/{id}/corrections", tag = "organizer", params(("id" = i32, Path)), request_body = SessionCorrection, responses((status = 200, body = AttendanceRow)))]
async fn correct(
    State(state): State<AppState>,
    OrganizerUser(actor): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<SessionCorrection>,
) -> ApiResult<Json<AttendanceRow>> {
    let session = sessions::own(&state.db, &actor, id).await?;
    Ok(Json(
        checkin::correct(
            &state,
            &session,
            checkin::Corrector::Organizer(actor.id),
            &req,
        )
        .await?,
    ))
}

/// Query of the CSV import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// The largest attendance sheet read (a 1,000-line sheet is about 40 KB).
const IMPORT_MAX_BYTES: usize = 1024 * 1024;

#[utoipa::path(post, path = "/organizer/sessions/{id}/import", tag = "organizer", params(ImportQuery, ("id" = i32, Path)), request_body(content = String, content_type = "text/csv", description = "Attendance as CSV: registry number, kind, time"), responses((status = 200, body = ImportReport)))]
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
