//! JMA's registry: the import of its CSV export and the staff's search.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use domain::registry::{RegistryHit, RegistryImportReport};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Query, RegistryImporter, StaffUser, csv_text};
use crate::services::registry::SearchQuery;
use crate::services::{AppState, registry};

/// The largest export read (100,000 lines are about 12 MB).
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Routes under `/api/registry`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/registry/import",
            post(import).layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .route("/registry/search", get(search))
}

/// Query of the import.
#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

async fn import(
    State(state): State<AppState>,
    RegistryImporter(actor): RegistryImporter,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<RegistryImportReport>> {
    let text = csv_text(&headers, &body, MAX_BYTES, "registry.too_large")?;
    Ok(Json(
        registry::import_as(&state, &actor, &text, q.dry_run).await?,
    ))
}

async fn search(
    State(state): State<AppState>,
    StaffUser(actor): StaffUser,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<Vec<RegistryHit>>> {
    Ok(Json(registry::search(&state, &actor, &q).await?))
}
