//! Organizers: their sessions, check-in scans, attendance review and posting credits.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Utc;
use domain::FieldError;
use domain::account::RegistryNumber;
use domain::api::{AttendanceRow, PostRequest, PostResult, PublicSession, ScanRequest, ScanResult};
use domain::sessions::SessionForm;
use sea_orm::EntityTrait;
use serde::Deserialize;

use crate::auth::OrganizerUser;
use crate::db::checkin::{self, NewScan};
use crate::entities::user;
use crate::error::{ApiError, ApiResult};
use crate::json::{Json, Path};
use crate::startup::AppState;

/// Routes under `/api/organizer`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizer/sessions", get(list).post(create))
        .route("/organizer/sessions/{id}/scans", post(scan))
        .route("/organizer/sessions/{id}/scans/{scan_id}/undo", post(undo))
        .route("/organizer/sessions/{id}/attendance", get(attendance))
        .route("/organizer/sessions/{id}/post", post(post_credits))
        .route("/organizer/sessions/{id}/lookup", get(lookup))
}

/// Query of the name and date-of-birth lookup.
#[derive(Debug, Deserialize)]
struct LookupQuery {
    name: String,
    birth_date: chrono::NaiveDate,
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
    // A QR code is trusted only with a valid signature; a typed number must be digits.
    let registry = match (&req.token, &req.registry_number) {
        (Some(token), _) => {
            let claims =
                domain::qr::verify(&state.qr_key.verifying_key(), token, Utc::now().timestamp())
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
    };
    Ok(Json(
        checkin::record_scan(&state.db, &session, user.id, new).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct UndoRequest {
    reason: String,
}

async fn undo(
    State(state): State<AppState>,
    OrganizerUser(user): OrganizerUser,
    Path((id, scan_id)): Path<(i32, i32)>,
    Json(req): Json<UndoRequest>,
) -> ApiResult<StatusCode> {
    checkin::own_session(&state.db, user.id, id).await?;
    checkin::undo_scan(&state.db, id, user.id, scan_id, &req.reason).await?;
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
