//! My Page and the server's eligibility decision for the logged-in physician.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::{NaiveDate, Utc};
use domain::api::{ContactForm, CreditPage, HandbookRequest, LedgerEntry, MyPage, QrCode};
use domain::ledger::HandbookDeclaration;
use domain::ledger::HistoryFilter;
use domain::qr::QrClaims;
use domain::{Credit, Decision, FieldError, Procedure, evaluate};
use serde::Deserialize;

use crate::auth::PhysicianUser;
use crate::db::{accounts, ledger, mypage, today_jst};
use crate::error::{ApiError, ApiResult};
use crate::json::{Json, Path, Query};
use crate::startup::AppState;

/// Routes under `/api/mypage`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mypage", get(my_page))
        .route("/mypage/evaluate/{procedure}", post(decide))
        .route("/mypage/handbook", post(declare))
        .route("/mypage/handbook/{id}", put(correct).delete(withdraw))
        .route("/mypage/credits", get(history))
        .route("/mypage/credits.csv", get(export_csv))
        .route("/mypage/qr", get(qr_code))
        .route("/mypage/profile", put(update_profile))
        .route("/qr/public-key", get(public_key))
}

/// Seconds a personal QR code stays valid; the page fetches a new one before then.
const QR_SECONDS: u32 = 300;

fn handbook_input(
    state: &AppState,
    req: &HandbookRequest,
) -> Result<HandbookDeclaration, ApiError> {
    req.form
        .parse(state.rules.handbook_cutoff, today_jst(Utc::now()))
        .map_err(ApiError::Validation)
}

async fn declare(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Json(req): Json<HandbookRequest>,
) -> ApiResult<(StatusCode, Json<LedgerEntry>)> {
    let d = handbook_input(&state, &req)?;
    Ok((
        StatusCode::CREATED,
        Json(ledger::declare(&state.db, user.id, &d, req.client_ref).await?),
    ))
}

async fn correct(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Path(id): Path<i32>,
    Json(req): Json<HandbookRequest>,
) -> ApiResult<Json<LedgerEntry>> {
    let d = handbook_input(&state, &req)?;
    Ok(Json(
        ledger::correct(&state.db, user.id, id, &d, req.client_ref).await?,
    ))
}

async fn withdraw(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    ledger::withdraw(&state.db, user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters and page of `GET /api/mypage/credits`.
#[derive(Debug, Default, Deserialize)]
struct HistoryQuery {
    certification: Option<domain::Certification>,
    category: Option<domain::Category>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: Option<u32>,
    per_page: Option<u32>,
}

async fn history(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<CreditPage>> {
    let filter = HistoryFilter {
        certification: q.certification,
        category: q.category,
        from: q.from,
        to: q.to,
    };
    let ledger = mypage::ledger(&state.db, user.id).await?;
    Ok(Json(CreditPage::build(
        ledger,
        &filter,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )))
}

async fn export_csv(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
) -> ApiResult<Response> {
    let entries = mypage::ledger(&state.db, user.id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"nintei-credits.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ledger::csv(&entries),
    )
        .into_response())
}

async fn qr_code(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
) -> ApiResult<Json<QrCode>> {
    let profile = accounts::physician_profile(&state.db, user.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let claims = QrClaims {
        registry_number: profile.registry_number,
        name: profile.name_kanji,
        kana: profile.name_kana,
        exp: Utc::now().timestamp() + i64::from(QR_SECONDS),
    };
    let token = domain::qr::sign(&state.qr_key, &claims);
    let code = qrcode::QrCode::with_error_correction_level(token.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ApiError::Internal(format!("qr: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build();
    Ok(Json(QrCode {
        token,
        svg,
        expires_in: QR_SECONDS,
    }))
}

/// The public key that verifies personal QR codes (check-in pages keep it for offline use).
async fn public_key(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(
        serde_json::json!({ "public_key": domain::qr::public_key_text(&state.qr_key.verifying_key()) }),
    )
}

async fn update_profile(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Json(form): Json<ContactForm>,
) -> ApiResult<Json<domain::api::PhysicianProfile>> {
    ledger::update_contact(&state.db, user.id, &form).await?;
    Ok(Json(
        accounts::physician_profile(&state.db, user.id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

async fn my_page(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
) -> ApiResult<Json<MyPage>> {
    Ok(Json(mypage::my_page(&state.db, user.id).await?))
}

/// A request for the server's decision: the day, and planned credits for a what-if.
#[derive(Debug, Default, Deserialize)]
struct DecideRequest {
    as_of: Option<NaiveDate>,
    #[serde(default)]
    planned: Vec<Credit>,
}

async fn decide(
    State(state): State<AppState>,
    PhysicianUser(user): PhysicianUser,
    Path(procedure): Path<String>,
    Json(req): Json<DecideRequest>,
) -> ApiResult<Json<Decision>> {
    let procedure: Procedure = procedure
        .parse()
        .map_err(|e: domain::catalog::UnknownCode| {
            ApiError::Validation(vec![FieldError::new(
                "procedure",
                "unknown",
                format!("手続きの種類が不明です: {}", e.given),
                e.to_string(),
            )])
        })?;
    for (i, c) in req.planned.iter().enumerate() {
        c.check_subject().map_err(|m| {
            ApiError::Validation(vec![FieldError::new(
                &format!("planned[{i}].subject"),
                "subject",
                "科目が区分に合いません",
                m,
            )])
        })?;
    }
    let page = mypage::my_page(&state.db, user.id).await?;
    let input = page.evaluation_input(procedure, req.as_of.unwrap_or(page.today), &req.planned);
    Ok(Json(evaluate(&state.rules, &input)))
}
