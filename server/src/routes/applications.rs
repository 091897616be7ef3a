//! Applications: the physician's forms and documents, and the reviewers' queue and actions.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::Certification;
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationKind, ApplicationSummary, BulkApproveRequest,
    BulkApproveResult, DocumentKind, DocumentView, QueueSearch, ReviewAction, ReviewDashboard,
    Status, UploadProblem,
};
use serde::Deserialize;

use crate::db::applications::QueueFilter;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{
    ApplicationUser, JmaUser, Json, LangQuery, Path, PhysicianUser, Query, ReviewerUser,
};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::services::{AppState, applications, documents};

/// Routes under `/api/applications`, `/api/documents` and `/api/review`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mine, submit))
        .routes(routes!(detail, resubmit))
        .routes(routes!(withdraw))
        .routes(routes!(unattached, upload).layer(DefaultBodyLimit::disable()))
        .routes(routes!(download))
        .routes(routes!(queue))
        .routes(routes!(queue_csv))
        .routes(routes!(dashboard))
        .routes(routes!(act))
        .routes(routes!(bulk_approve))
}

#[utoipa::path(post, path = "/applications", tag = "applications", request_body = ApplicationForm, responses((status = 201, body = ApplicationDetail)))]
async fn submit(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Json(form): Json<ApplicationForm>,
) -> ApiResult<(StatusCode, Json<ApplicationDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(applications::submit(&state, &actor, &form).await?),
    ))
}

#[utoipa::path(put, path = "/applications/{id}", tag = "applications", params(("id" = i32, Path)), request_body = ApplicationForm, responses((status = 200, body = ApplicationDetail)))]
async fn resubmit(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
    Json(form): Json<ApplicationForm>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(
        applications::resubmit(&state, &actor, id, &form).await?,
    ))
}

#[utoipa::path(post, path = "/applications/{id}/withdraw", tag = "applications", params(("id" = i32, Path)), responses((status = 200, body = ApplicationDetail)))]
async fn withdraw(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(applications::withdraw(&state, &actor, id).await?))
}

#[utoipa::path(get, path = "/applications", tag = "applications", responses((status = 200, body = Vec<ApplicationSummary>)))]
async fn list_mine(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<Vec<ApplicationSummary>>> {
    Ok(Json(
        applications::list(&state, &actor, &QueueFilter::default()).await?,
    ))
}

#[utoipa::path(get, path = "/applications/{id}", tag = "applications", params(("id" = i32, Path)), responses((status = 200, body = ApplicationDetail)))]
async fn detail(
    State(state): State<AppState>,
    ApplicationUser(actor): ApplicationUser,
    Path(id): Path<i32>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(applications::detail(&state, &actor, id).await?))
}

/// Query of `POST /api/documents`: what the file is and the name it had on the device.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    kind: DocumentKind,
    name: String,
}

/// Hands the raw body to the service, which streams it into the store up to the limit.
#[utoipa::path(post, path = "/documents", tag = "applications", params(UploadQuery), request_body(content = Vec<u8>, content_type = "application/pdf", description = "The file itself: PDF, PNG or JPEG (the type is read from the bytes)"), responses((status = 201, body = DocumentView)))]
async fn upload(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Query(q): Query<UploadQuery>,
    request: Request,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    let limit = state.settings.upload_max_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::Upload(UploadProblem::TooLarge(limit)));
    }
    let view = documents::upload(&state, &actor, q.kind, &q.name, request.into_body()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/documents", tag = "applications", responses((status = 200, body = Vec<DocumentView>)))]
async fn unattached(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<Vec<DocumentView>>> {
    Ok(Json(documents::unattached(&state, &actor).await?))
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

#[utoipa::path(get, path = "/documents/{id}", tag = "applications", params(("id" = i32, Path)), responses((status = 200, description = "The document's bytes, with its type")))]
async fn download(
    State(state): State<AppState>,
    ApplicationUser(actor): ApplicationUser,
    Path(id): Path<i32>,
) -> ApiResult<Response> {
    let (view, bytes) = documents::download(&state, &actor, id).await?;
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
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct QueueQuery {
    status: Option<Status>,
    kind: Option<ApplicationKind>,
    certification: Option<Certification>,
    round: Option<NaiveDate>,
    /// Only applications of this prefecture (JIS code; JMA sees every prefecture's).
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<u8>)]
    prefecture: Option<u8>,
    /// Only the applications of this registry number (full-width digits accepted).
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    registry_number: Option<String>,
    /// Search: a registry number, a certificate number, or the start of a name (kanji or kana).
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    q: Option<String>,
    /// The next page: applications older than this id (the last one of the page before).
    before: Option<i32>,
}

#[utoipa::path(get, path = "/review/applications", tag = "applications", params(QueueQuery), responses((status = 200, body = Vec<ApplicationSummary>)))]
async fn queue(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<ApplicationSummary>>> {
    match q.filter() {
        Some(filter) => Ok(Json(applications::list(&state, &actor, &filter).await?)),
        None => Ok(Json(Vec::new())),
    }
}

/// The queue with the same filters, every page, as CSV: a round to hand on, or to report.
#[utoipa::path(get, path = "/review/applications.csv", tag = "applications", params(QueueQuery, LangQuery), responses((status = 200, body = String, content_type = "text/csv", description = "The applications as CSV (UTF-8 with BOM)")))]
async fn queue_csv(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Query(q): Query<QueueQuery>,
    Query(l): Query<LangQuery>,
) -> ApiResult<Response> {
    let csv = applications::queue_csv(&state, &actor, q.filter().as_ref(), l.lang).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"nintei-applications.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}

impl QueueQuery {
    /// The filter the query asks for, or `None` when it can match nothing (an unknown
    /// prefecture, a registry number that cannot be one).
    fn filter(&self) -> Option<QueueFilter> {
        let prefecture = match self.prefecture.map(domain::Prefecture::from_code) {
            Some(None) => return None,
            p => p.flatten(),
        };
        let search = match self
            .registry_number
            .as_deref()
            .map(domain::account::RegistryNumber::parse)
        {
            Some(Err(_)) => return None,
            Some(Ok(number)) => Some(QueueSearch {
                registry_number: Some(number),
                ..QueueSearch::default()
            }),
            None => self.q.as_deref().and_then(QueueSearch::parse),
        };
        Some(QueueFilter {
            search,
            status: self.status,
            kind: self.kind,
            certification: self.certification,
            round: self.round,
            prefecture,
            before: self.before,
        })
    }
}

/// Query of `GET /api/review/dashboard`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DashboardQuery {
    /// JMA: one prefecture's figures (JIS code) instead of the country's.
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<u8>)]
    prefecture: Option<u8>,
}

/// The reviewer's overview: applications by status with the longest wait, the rounds of the
/// last year with their outcome (approved, rejected, moved), and the next deadlines.
#[utoipa::path(get, path = "/review/dashboard", tag = "applications", params(DashboardQuery), responses((status = 200, body = ReviewDashboard)))]
async fn dashboard(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Json<ReviewDashboard>> {
    let prefecture = match q.prefecture.map(domain::Prefecture::from_code) {
        Some(None) => {
            return Err(ApiError::BadRequest(format!(
                "unknown prefecture {:?}",
                q.prefecture
            )));
        }
        p => p.flatten(),
    };
    Ok(Json(
        applications::dashboard(&state, &actor, prefecture).await?,
    ))
}

#[utoipa::path(post, path = "/review/applications/{id}/actions", tag = "applications", params(("id" = i32, Path)), request_body = ReviewAction, responses((status = 200, body = ApplicationDetail)))]
async fn act(
    State(state): State<AppState>,
    ReviewerUser(actor): ReviewerUser,
    Path(id): Path<i32>,
    Json(action): Json<ReviewAction>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(applications::act(&state, &actor, id, &action).await?))
}

#[utoipa::path(post, path = "/review/bulk-approve", tag = "applications", request_body = BulkApproveRequest, responses((status = 200, body = BulkApproveResult)))]
async fn bulk_approve(
    State(state): State<AppState>,
    JmaUser(actor): JmaUser,
    Json(req): Json<BulkApproveRequest>,
) -> ApiResult<Json<BulkApproveResult>> {
    Ok(Json(
        applications::bulk_approve(&state, &actor, req.round, req.dry_run).await?,
    ))
}
