//! The public list of published training sessions (the what-if preview picks from it).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use domain::api::PublicSession;

use crate::db::sessions::{self, SessionFilter};
use crate::error::ApiResult;
use crate::json::{Json, Query};
use crate::startup::AppState;

/// Routes under `/api/sessions`.
pub fn router() -> Router<AppState> {
    Router::new().route("/sessions", get(list))
}

async fn list(
    State(state): State<AppState>,
    Query(filter): Query<SessionFilter>,
) -> ApiResult<Json<Vec<PublicSession>>> {
    Ok(Json(sessions::published(&state.db, &filter).await?))
}
