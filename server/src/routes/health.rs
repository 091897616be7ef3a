//! `GET /api/health`: the server answers and the database does too.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db::DbError;
use crate::error::ApiResult;
use crate::routes::extract::Json;
use crate::services::AppState;

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    state
        .db
        .execute_unprepared("SELECT 1")
        .await
        .map_err(DbError::from)?;
    Ok(Json(
        json!({ "status": "ok", "database": state.db.get_database_backend().as_str() }),
    ))
}
