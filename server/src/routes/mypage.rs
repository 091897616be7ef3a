//! My Page and the server's eligibility decision for the logged-in physician.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::account::Role;
use domain::api::MyPage;
use domain::{Credit, Decision, FieldError, Procedure, evaluate};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::mypage;
use crate::error::{ApiError, ApiResult};
use crate::json::Json;
use crate::startup::AppState;

/// Routes under `/api/mypage`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mypage", get(my_page))
        .route("/mypage/evaluate/{procedure}", post(decide))
}

async fn my_page(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<MyPage>> {
    user.require(&[Role::Physician])?;
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
    user: CurrentUser,
    Path(procedure): Path<String>,
    Json(req): Json<DecideRequest>,
) -> ApiResult<Json<Decision>> {
    user.require(&[Role::Physician])?;
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
