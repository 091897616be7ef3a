//! Applications: the physician's forms and documents, and the reviewers' queue and actions.

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationKind, ApplicationSummary, BulkApproveRequest,
    BulkApproveResult, DocumentKind, DocumentView, ReviewAction, Status, UploadProblem, sniff,
};
use domain::{Certification, FieldError};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::{ApplicationUser, JmaUser, PhysicianUser, ReviewerUser};
use crate::db::applications::{self, NewDocument, QueueFilter};
use crate::db::today_jst;
use crate::error::{ApiError, ApiResult};
use crate::json::{Json, Path, Query};
use crate::startup::AppState;

/// Routes under `/api/applications`, `/api/documents` and `/api/review`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list_mine).post(submit))
        .route("/applications/{id}", get(detail).put(resubmit))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route(
            "/documents",
            get(unattached)
                .post(upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/documents/{id}", get(download))
        .route("/review/applications", get(queue))
        .route("/review/applications/{id}/actions", post(act))
        .route("/review/bulk-approve", post(bulk_approve))
}

fn parse_form(form: &ApplicationForm) -> ApiResult<domain::application::ApplicationRequest> {
    form.parse(today_jst(Utc::now()))
        .map_err(ApiError::Validation)
}

async fn submit(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Json(form): Json<ApplicationForm>,
) -> ApiResult<(StatusCode, Json<ApplicationDetail>)> {
    let req = parse_form(&form)?;
    let id = applications::submit(&state.db, &state.rules, user.id, &req, form.client_ref).await?;
    state.mailer.deliver_pending(&state.db);
    Ok((
        StatusCode::CREATED,
        Json(applications::detail(&state.db, &state.rules, &user, id).await?),
    ))
}

async fn resubmit(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Path(id): Path<i32>,
    Json(form): Json<ApplicationForm>,
) -> ApiResult<Json<ApplicationDetail>> {
    let req = parse_form(&form)?;
    applications::resubmit(&state.db, &state.rules, &user, id, &req).await?;
    state.mailer.deliver_pending(&state.db);
    Ok(Json(
        applications::detail(&state.db, &state.rules, &user, id).await?,
    ))
}

async fn withdraw(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<ApplicationDetail>> {
    applications::withdraw(&state.db, &user, id).await?;
    Ok(Json(
        applications::detail(&state.db, &state.rules, &user, id).await?,
    ))
}

async fn list_mine(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
) -> ApiResult<Json<Vec<ApplicationSummary>>> {
    Ok(Json(
        applications::list(&state.db, &user, &QueueFilter::default()).await?,
    ))
}

async fn detail(
    State(state): State<AppState>,
    ApplicationUser(user): ApplicationUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(
        applications::detail(&state.db, &state.rules, &user, id).await?,
    ))
}

/// Query of `POST /api/documents`: what the file is and the name it had on the device.
#[derive(Debug, Deserialize)]
struct UploadQuery {
    kind: DocumentKind,
    name: String,
}

/// Reads the raw body up to the limit, checks the bytes, stores them under a new key, then
/// records the row; if the row cannot be written the stored bytes are removed again.
async fn upload(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Query(q): Query<UploadQuery>,
    request: Request,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    let limit = state.settings.upload_max_bytes;
    let name = q.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::Validation(vec![FieldError::new(
            "name",
            "length",
            "ファイル名は1〜200字にしてください",
            "The file name must be 1 to 200 characters",
        )]));
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::Upload(UploadProblem::TooLarge(limit)));
    }
    let bytes = axum::body::to_bytes(
        request.into_body(),
        usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1),
    )
    .await
    .map_err(|_| ApiError::Upload(UploadProblem::TooLarge(limit)))?;
    let file_type = sniff(&bytes, limit).map_err(ApiError::Upload)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len();
    let key = state.documents.put(bytes).await?;
    let new = NewDocument {
        kind: q.kind,
        file_name: name,
        file_type,
        size,
        sha256,
        storage_key: &key,
    };
    match applications::store_document(&state.db, user.id, new).await {
        Ok(view) => Ok((StatusCode::CREATED, Json(view))),
        Err(e) => {
            state.documents.delete(&key).await;
            Err(e)
        }
    }
}

async fn unattached(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
) -> ApiResult<Json<Vec<DocumentView>>> {
    Ok(Json(
        applications::unattached_documents(&state.db, user.id).await?,
    ))
}

/// `filename*` (RFC 6266 / 5987): the original name, percent-encoded, never a path.
fn disposition(name: &str) -> String {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"document\"; filename*=UTF-8''{encoded}")
}

async fn download(
    State(state): State<AppState>,
    ApplicationUser(user): ApplicationUser,
    Path(id): Path<i32>,
) -> ApiResult<Response> {
    let doc = applications::document_for(&state.db, &user, id).await?;
    let view = applications::document_view(&doc)?;
    let bytes = state.documents.get(&doc.storage_key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, view.file_type.mime().to_owned()),
            (header::CONTENT_DISPOSITION, disposition(&view.file_name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// Filters of `GET /api/review/applications`.
#[derive(Debug, Default, Deserialize)]
struct QueueQuery {
    status: Option<Status>,
    kind: Option<ApplicationKind>,
    certification: Option<Certification>,
    round: Option<NaiveDate>,
}

async fn queue(
    State(state): State<AppState>,
    ReviewerUser(user): ReviewerUser,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<ApplicationSummary>>> {
    let filter = QueueFilter {
        status: q.status,
        kind: q.kind,
        certification: q.certification,
        round: q.round,
    };
    Ok(Json(applications::list(&state.db, &user, &filter).await?))
}

async fn act(
    State(state): State<AppState>,
    ReviewerUser(user): ReviewerUser,
    Path(id): Path<i32>,
    Json(action): Json<ReviewAction>,
) -> ApiResult<Json<ApplicationDetail>> {
    applications::act(&state.db, &state.rules, &user, id, &action).await?;
    state.mailer.deliver_pending(&state.db);
    Ok(Json(
        applications::detail(&state.db, &state.rules, &user, id).await?,
    ))
}

async fn bulk_approve(
    State(state): State<AppState>,
    JmaUser(user): JmaUser,
    Json(req): Json<BulkApproveRequest>,
) -> ApiResult<Json<BulkApproveResult>> {
    let result = applications::bulk_approve(&state.db, &state.rules, &user, req.round).await?;
    state.mailer.deliver_pending(&state.db);
    Ok(Json(result))
}
