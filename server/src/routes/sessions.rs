//! The public list of published training sessions (the what-if preview picks from it).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use domain::api::PublicSession;
use domain::{Category, Prefecture};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Query};
use crate::services::AppState;
use crate::services::sessions::{self, Search};

/// Routes under `/api/sessions`.
pub fn router() -> Router<AppState> {
    Router::new().route("/sessions", get(list))
}

/// Filters of `GET /api/sessions`.
#[derive(Debug, Default, Deserialize)]
struct SessionQuery {
    from: Option<chrono::NaiveDate>,
    prefecture: Option<u8>,
    category: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<SessionQuery>,
) -> ApiResult<Json<Vec<PublicSession>>> {
    // An unknown prefecture or category matches no session.
    let prefecture = q.prefecture.map(Prefecture::from_code);
    let category = q.category.as_deref().map(str::parse::<Category>);
    if matches!(prefecture, Some(None)) || matches!(category, Some(Err(_))) {
        return Ok(Json(Vec::new()));
    }
    let search = Search {
        from: q.from,
        prefecture: prefecture.flatten(),
        category: category.and_then(Result::ok),
    };
    Ok(Json(sessions::published(&state, &search).await?))
}
