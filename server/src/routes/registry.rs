//! JMA's registry: the import of its CSV export and the staff's search.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use domain::registry::{RegistryHit, RegistryImportReport};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Query, RegistryImporter, StaffUser, csv_text};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::services::registry::SearchQuery;
use crate::services::{AppState, registry};

/// The largest export read (100,000 lines are about 12 MB).
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Routes under `/api/registry`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import).layer(DefaultBodyLimit::max(MAX_BYTES)))
        .routes(routes!(search))
}

/// Query of the import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

#[utoipa::path(post, path = "/registry/import", tag = "registry", params(ImportQuery), request_body(content = String, content_type = "text/csv", description = "JMA's registry export, UTF-8 CSV with a header line"), responses((status = 200, body = RegistryImportReport)))]
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

#[utoipa::path(get, path = "/registry/search", tag = "registry", params(SearchQuery), responses((status = 200, body = Vec<RegistryHit>)))]
async fn search(
    State(state): State<AppState>,
    StaffUser(actor): StaffUser,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<Vec<RegistryHit>>> {
    Ok(Json(registry::search(&state, &actor, &q).await?))
}
