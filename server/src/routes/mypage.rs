//! My Page and the server's eligibility decision for the logged-in physician.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::NaiveDate;
use domain::api::{
    ContactForm, CreditPage, HandbookRequest, LedgerEntry, MyPage, PhysicianProfile, QrCode,
};
use domain::ledger::HistoryFilter;
use domain::{Credit, Decision, Lang};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Path, PhysicianUser, Query};
use crate::services::{AppState, handbook, mypage};

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

async fn my_page(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<MyPage>> {
    Ok(Json(mypage::my_page(&state.db, actor.id).await?))
}

async fn declare(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Json(req): Json<HandbookRequest>,
) -> ApiResult<(StatusCode, Json<LedgerEntry>)> {
    Ok((
        StatusCode::CREATED,
        Json(handbook::declare(&state, &actor, &req).await?),
    ))
}

async fn correct(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
    Json(req): Json<HandbookRequest>,
) -> ApiResult<Json<LedgerEntry>> {
    Ok(Json(handbook::correct(&state, &actor, id, &req).await?))
}

async fn withdraw(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    handbook::withdraw(&state, &actor, id).await?;
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
    PhysicianUser(actor): PhysicianUser,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<CreditPage>> {
    let filter = HistoryFilter {
        certification: q.certification,
        category: q.category,
        from: q.from,
        to: q.to,
    };
    let page = mypage::history(
        &state,
        &actor,
        &filter,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(page))
}

/// Language of the CSV's headers and names (`?lang=en`; Japanese by default).
#[derive(Debug, Default, Deserialize)]
struct CsvQuery {
    #[serde(default)]
    lang: Lang,
}

async fn export_csv(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Query(q): Query<CsvQuery>,
) -> ApiResult<Response> {
    let csv = mypage::history_csv(&state, &actor, q.lang).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"nintei-credits.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}

async fn qr_code(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<QrCode>> {
    Ok(Json(mypage::qr_code(&state, &actor).await?))
}

/// The public key that verifies personal QR codes (check-in pages keep it for offline use).
async fn public_key(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "public_key": mypage::public_key(&state) }))
}

async fn update_profile(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Json(form): Json<ContactForm>,
) -> ApiResult<Json<PhysicianProfile>> {
    Ok(Json(mypage::update_contact(&state, &actor, &form).await?))
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
    PhysicianUser(actor): PhysicianUser,
    Path(procedure): Path<String>,
    Json(req): Json<DecideRequest>,
) -> ApiResult<Json<Decision>> {
    Ok(Json(
        mypage::decide(&state, &actor, &procedure, req.as_of, &req.planned).await?,
    ))
}
