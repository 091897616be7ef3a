//! Health for load balancers and orchestrators: `GET /api/health/live` (the process answers),
//! `GET /api/health/ready` (the database and the document store answer too: send traffic), and
//! `GET /api/health`, the first of them, which checks the database.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db::DbError;
use crate::error::ApiResult;
use crate::routes::extract::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::AppState;

/// The health routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(live))
        .routes(routes!(ready))
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

/// Liveness: the process runs and answers (restart it when this fails), nothing else checked.
#[utoipa::path(get, path = "/health/live", tag = "health", responses((status = 200, body = Value)))]
async fn live() -> Json<Value> {
    Json(json!({ "status": "live" }))
}

/// Readiness: the database and the document store both answer, so requests can be served
/// (take the instance out of the load balancer while this is 503). The answer names what
/// failed, never why (the reasons go to the log).
#[utoipa::path(get, path = "/health/ready", tag = "health", responses(
    (status = 200, body = Value, description = "database and document store answer"),
    (status = 503, body = Value, description = "one of them does not")
))]
async fn ready(State(state): State<AppState>) -> Response {
    let database = match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            false
        }
    };
    let documents = match state.documents.check().await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the document store does not answer");
            false
        }
    };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let status = if database && documents {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if status == StatusCode::OK { "ready" } else { "unavailable" },
        "database": word(database),
        "documents": word(documents),
    });
    (status, Json(body)).into_response()
}
