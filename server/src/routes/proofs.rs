//! Certificate and transcript PDFs (the holder only), the public verification of a printed
//! code, JMA's revocation, and the physician's notices and choice of mail.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::ledger::HistoryFilter;
use domain::notices::{NoticeSettings, Notices, VerifiedCertificate};
use domain::standing::CertificateStatus;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::routes::extract::{ClientIp, JmaUser, Json, Path, PhysicianUser, Query};
use crate::services::{AppState, notices, proofs};

/// Routes of what a physician holds.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(certificate_pdf))
        .routes(routes!(transcript_pdf))
        .routes(routes!(verify))
        .routes(routes!(revoke))
        .routes(routes!(my_notices))
        .routes(routes!(set_notice_settings))
}

fn pdf(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(get, path = "/mypage/certificates/{certificate_number}/pdf", tag = "mypage", params(("certificate_number" = String, Path)), responses((status = 200, content_type = "application/pdf", description = "The certificate (認定証明書), one page")))]
async fn certificate_pdf(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let bytes = proofs::certificate_pdf(&state, &actor, &number).await?;
    Ok(pdf(bytes, "nintei-certificate.pdf"))
}

/// The history page's filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TranscriptQuery {
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<domain::Certification>)]
    certification: Option<domain::Certification>,
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<domain::Category>)]
    category: Option<domain::Category>,
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<NaiveDate>)]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<NaiveDate>)]
    to: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/mypage/transcript.pdf", tag = "mypage", params(TranscriptQuery), responses((status = 200, content_type = "application/pdf", description = "The ledger as filtered, with totals per category")))]
async fn transcript_pdf(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Query(q): Query<TranscriptQuery>,
) -> ApiResult<Response> {
    let filter = HistoryFilter {
        certification: q.certification,
        category: q.category,
        from: q.from,
        to: q.to,
    };
    let bytes = proofs::transcript_pdf(&state, &actor, &filter).await?;
    Ok(pdf(bytes, "nintei-transcript.pdf"))
}

#[utoipa::path(get, path = "/verify/{code}", tag = "verify", params(("code" = String, Path)), responses((status = 200, body = VerifiedCertificate)))]
async fn verify(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    Path(code): Path<String>,
) -> ApiResult<Json<VerifiedCertificate>> {
    Ok(Json(proofs::verify(&state, &code, from).await?))
}

/// Why a certificate is revoked.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct RevokeRequest {
    reason: String,
}

#[utoipa::path(post, path = "/admin/certificates/{certificate_number}/revoke", tag = "admin", params(("certificate_number" = String, Path)), request_body = RevokeRequest, responses((status = 200, body = CertificateStatus)))]
async fn revoke(
    State(state): State<AppState>,
    JmaUser(actor): JmaUser,
    Path(number): Path<String>,
    Json(req): Json<RevokeRequest>,
) -> ApiResult<Json<CertificateStatus>> {
    Ok(Json(
        proofs::revoke(&state, &actor, &number, &req.reason).await?,
    ))
}

#[utoipa::path(get, path = "/mypage/notices", tag = "mypage", responses((status = 200, body = Notices)))]
async fn my_notices(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<Notices>> {
    Ok(Json(notices::of(&state, &actor).await?))
}

#[utoipa::path(put, path = "/mypage/notices/settings", tag = "mypage", request_body = NoticeSettings, responses((status = 200, body = NoticeSettings)))]
async fn set_notice_settings(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Json(settings): Json<NoticeSettings>,
) -> ApiResult<Json<NoticeSettings>> {
    Ok(Json(notices::set(&state, &actor, settings).await?))
}
