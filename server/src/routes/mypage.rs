//! My Page and the server's eligibility decision for the logged-in physician.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::api::{
    ContactForm, CreditPage, HandbookRequest, LedgerEntry, MyPage, PhysicianProfile, QrCode,
};
use domain::ledger::HistoryFilter;
use domain::{Credit, Decision, Lang};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Path, PhysicianUser, Query};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::{AppState, handbook, mypage, plans};

/// Routes under `/api/mypage`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_page))
        .routes(routes!(decide))
        .routes(routes!(declare))
        .routes(routes!(correct, withdraw))
        .routes(routes!(history))
        .routes(routes!(export_csv))
        .routes(routes!(qr_code))
        .routes(routes!(update_profile))
        .routes(routes!(public_key))
        .routes(routes!(my_plans))
        .routes(routes!(plan, unplan))
}

#[utoipa::path(get, path = "/mypage", tag = "mypage", responses((status = 200, body = MyPage)))]
async fn my_page(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<MyPage>> {
    Ok(Json(mypage::my_page(&state.read, actor.id).await?))
}

#[utoipa::path(post, path = "/mypage/handbook", tag = "mypage", request_body = HandbookRequest, responses((status = 201, body = LedgerEntry)))]
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

#[utoipa::path(put, path = "/mypage/handbook/{id}", tag = "mypage", params(("id" = i32, Path)), request_body = HandbookRequest, responses((status = 200, body = LedgerEntry)))]
async fn correct(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
    Json(req): Json<HandbookRequest>,
) -> ApiResult<Json<LedgerEntry>> {
    Ok(Json(handbook::correct(&state, &actor, id, &req).await?))
}

#[utoipa::path(delete, path = "/mypage/handbook/{id}", tag = "mypage", params(("id" = i32, Path)), responses((status = 204)))]
async fn withdraw(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    handbook::withdraw(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters and page of `GET /api/mypage/credits`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// An empty filter field is no filter (as in every query here).
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
    page: Option<u32>,
    per_page: Option<u32>,
}

impl HistoryQuery {
    fn filter(&self) -> HistoryFilter {
        HistoryFilter {
            certification: self.certification,
            category: self.category,
            from: self.from,
            to: self.to,
        }
    }
}

#[utoipa::path(get, path = "/mypage/credits", tag = "mypage", params(HistoryQuery), responses((status = 200, body = CreditPage)))]
async fn history(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<CreditPage>> {
    let filter = q.filter();
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

/// Language of the CSV's headers and names (`?lang=en`; Japanese by default), and the filters
/// of the history page, so that the file holds what the screen shows.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CsvQuery {
    #[serde(default)]
    lang: Lang,
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

#[utoipa::path(get, path = "/mypage/credits.csv", tag = "mypage", params(CsvQuery), responses((status = 200, body = String, content_type = "text/csv", description = "The history as CSV (UTF-8 with BOM)")))]
async fn export_csv(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Query(q): Query<CsvQuery>,
) -> ApiResult<Response> {
    let filter = HistoryFilter {
        certification: q.certification,
        category: q.category,
        from: q.from,
        to: q.to,
    };
    let csv = mypage::history_csv(&state, &actor, &filter, q.lang).await?;
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

#[utoipa::path(get, path = "/mypage/qr", tag = "mypage", responses((status = 200, body = QrCode)))]
async fn qr_code(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<QrCode>> {
    Ok(Json(mypage::qr_code(&state, &actor).await?))
}

/// The public key that verifies personal QR codes (check-in pages keep it for offline use).
#[utoipa::path(get, path = "/qr/public-key", tag = "mypage", responses((status = 200, description = "`{\"public_key\": base64}`: the key that verifies personal QR codes")))]
async fn public_key(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "public_key": mypage::public_key(&state) }))
}

#[utoipa::path(put, path = "/mypage/profile", tag = "mypage", request_body = ContactForm, responses((status = 200, body = PhysicianProfile)))]
async fn update_profile(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Json(form): Json<ContactForm>,
) -> ApiResult<Json<PhysicianProfile>> {
    Ok(Json(mypage::update_contact(&state, &actor, &form).await?))
}

/// A request for the server's decision: the day, and planned credits for a what-if.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct DecideRequest {
    as_of: Option<NaiveDate>,
    #[serde(default)]
    planned: Vec<Credit>,
}

#[utoipa::path(post, path = "/mypage/evaluate/{procedure}", tag = "mypage", params(("procedure" = String, Path)), request_body = DecideRequest, responses((status = 200, body = Decision)))]
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

/// The sessions the physician plans to attend (ids, in the order planned).
#[utoipa::path(get, path = "/mypage/plans", tag = "mypage", responses((status = 200, body = Vec<i32>)))]
async fn my_plans(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
) -> ApiResult<Json<Vec<i32>>> {
    Ok(Json(plans::list(&state, &actor).await?))
}

/// Plans a published session still to come: a change or cancellation will be told.
#[utoipa::path(put, path = "/mypage/plans/{id}", tag = "mypage", params(("id" = i32, Path, description = "Session id")), responses((status = 204)))]
async fn plan(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    plans::plan(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// No longer plans the session.
#[utoipa::path(delete, path = "/mypage/plans/{id}", tag = "mypage", params(("id" = i32, Path, description = "Session id")), responses((status = 204)))]
async fn unplan(
    State(state): State<AppState>,
    PhysicianUser(actor): PhysicianUser,
    Path(id): Path<i32>,
) -> ApiResult<StatusCode> {
    plans::unplan(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
