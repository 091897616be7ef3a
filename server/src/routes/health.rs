//! `GET /api/health`: the server answers and the database does too.

use axum::extract::State;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db::DbError;
use crate::error::ApiResult;
use crate::routes::extract::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::AppState;

/// The health route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Value)))]
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
