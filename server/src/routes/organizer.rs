//! Organizers: their sessions, check-in scans, attendance review and posting credits.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Utc;
use domain::FieldError;
use domain::account::RegistryNumber;
use domain::api::{
    AttendanceRow, DoorLink, DoorLinkCreated, ImportReport, NewDoorLink, PostRequest, PostResult,
    PublicSession, ScanRequest, ScanResult, SessionCorrection,
};
use domain::sessions::SessionForm;
use sea_orm::EntityTrait;
use serde::Deserialize;

use crate::auth::OrganizerUser;
use crate::db::checkin::{self, NewScan};
use crate::db::doors;
use crate::entities::{training_session, user};
use crate::error::{ApiError, ApiResult};
use crate::json::{Json, Path};
use crate::startup::AppState;

/// Routes under `/api/organizer`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizer/sessions", get(list).post(create))
        .route("/organizer/sessions/{id}", get(one))
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

async fn one(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(crate::db::sessions::to_public(
        checkin::own_session(&state.db, user.id, id).await?,
    )?))
}

async fn doors_list(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<Vec<DoorLink>>> {
    checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(doors::list(&state.db, id).await?))
}

async fn door_create(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<NewDoorLink>,
) -> ApiResult<(StatusCode, Json<DoorLinkCreated>)> {
    let session = checkin::own_session(&state.db, user.id, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(doors::create(&state.db, &session, user.id, &req).await?),
    ))
}

async fn door_revoke(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path((id, link)): Path<(i32, i32)>,
) -> ApiResult<Json<DoorLink>> {
    checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(doors::revoke(&state.db, id, link).await?))
}

async fn correct(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<SessionCorrection>,
) -> ApiResult<Json<AttendanceRow>> {
    let session = checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(
        checkin::correct(&state.db, &session, user.id, &req).await?,
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
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
    crate::json::Query(q): crate::json::Query<ImportQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportReport>> {
    let session = checkin::own_session(&state.db, user.id, id).await?;
    // Only `text/csv`, which a cross-site HTML form cannot send.
    let is_csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::Validation(vec![FieldError::new(
            "file",
            "not_csv",
            "CSVファイル（text/csv）として送ってください",
            "Send the sheet as a CSV file (text/csv)",
        )]));
    }
    if body.len() > IMPORT_MAX_BYTES {
        return Err(ApiError::Validation(vec![FieldError::new(
            "file",
            "too_large",
            "CSVが大きすぎます（1MBまで）。分けて取り込んでください",
            "The CSV is too large (1 MB at most); import it in parts",
        )]));
    }
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::Validation(vec![FieldError::new(
            "file",
            "not_utf8",
            "CSVをUTF-8で保存し直してください（Excelでは「CSV UTF-8」）",
            "Save the CSV as UTF-8 (in Excel: “CSV UTF-8”)",
        )])
    })?;
    Ok(Json(
        checkin::import(&state.db, &session, user.id, &text, q.dry_run).await?,
    ))
}

/// Query of the name and date-of-birth lookup.
#[derive(Debug, Deserialize)]
pub(crate) struct LookupQuery {
    pub(crate) name: String,
    pub(crate) birth_date: chrono::NaiveDate,
}

async fn lookup(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
    crate::json::Query(q): crate::json::Query<LookupQuery>,
) -> ApiResult<Json<Vec<domain::api::LookupHit>>> {
    checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(
        checkin::lookup(&state.db, &q.name, q.birth_date).await?,
    ))
}

async fn list(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
) -> ApiResult<Json<Vec<PublicSession>>> {
    Ok(Json(checkin::list(&state.db, user.id).await?))
}

async fn create(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Json(form): Json<SessionForm>,
) -> ApiResult<(StatusCode, Json<PublicSession>)> {
    let spec = form.parse().map_err(ApiError::Validation)?;
    let body = user::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .and_then(|u| u.organizer_body)
        .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        Json(checkin::create(&state.db, user.id, &body, &spec).await?),
    ))
}

async fn scan(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<ScanRequest>,
) -> ApiResult<Json<ScanResult>> {
    let session = checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(record(&state, &session, user.id, None, &req).await?))
}

/// Records a scan from the organizer's device or a helper's (`link`).
pub(crate) async fn record(
    state: &AppState,
    session: &training_session::Model,
    recorder: i32,
    link: Option<i32>,
    req: &ScanRequest,
) -> Result<ScanResult, ApiError> {
    // A QR code is trusted only with a valid signature; a typed number must be digits. A code
    // read offline is judged at the time it was read (never later than now), so a scan queued
    // through a network drop is not refused because the code expired meanwhile.
    let registry = match (&req.token, &req.registry_number) {
        (Some(token), _) => {
            let read_at = req.at.min(Utc::now()).timestamp();
            let claims = domain::qr::verify(&state.qr_key.verifying_key(), token, read_at)
                .map_err(|e| {
                    let text = e.to_string();
                    let (en, ja) = text
                        .split_once(" / ")
                        .unwrap_or((text.as_str(), text.as_str()));
                    ApiError::Validation(vec![FieldError::new("token", "invalid_qr", ja, en)])
                })?;
            claims.registry_number
        }
        (None, Some(number)) => RegistryNumber::parse(number)
            .map_err(|e| ApiError::Validation(vec![e]))?
            .as_str()
            .to_owned(),
        (None, None) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "registry_number",
                "required",
                "QRコードを読み取るか、医籍登録番号を入力してください",
                "Scan the QR code or enter the registry number",
            )]));
        }
    };
    let new = NewScan {
        client_id: &req.client_id,
        registry: &registry,
        kind: req.kind,
        at: req.at,
        birth_date: req.birth_date,
        door_link: link,
    };
    checkin::record_scan(&state.db, session, recorder, new).await
}

/// Body of an undo.
#[derive(Debug, Deserialize)]
pub(crate) struct UndoRequest {
    pub(crate) reason: String,
}

async fn undo(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path((id, scan_id)): Path<(i32, i32)>,
    Json(req): Json<UndoRequest>,
) -> ApiResult<StatusCode> {
    checkin::own_session(&state.db, user.id, id).await?;
    checkin::undo_scan(&state.db, id, user.id, None, scan_id, &req.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn attendance(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<Vec<AttendanceRow>>> {
    let session = checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(checkin::attendance(&state.db, &session).await?))
}

async fn post_credits(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path(id): Path<i32>,
    Json(req): Json<PostRequest>,
) -> ApiResult<Json<PostResult>> {
    let session = checkin::own_session(&state.db, user.id, id).await?;
    Ok(Json(
        checkin::post(&state.db, &session, user.id, &req.grants).await?,
    ))
}
