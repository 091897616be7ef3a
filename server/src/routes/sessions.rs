//! The public list of published training sessions (the what-if preview picks from it).

use axum::extract::State;
use domain::api::PublicSession;
use domain::{Category, Prefecture};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::routes::extract::{Json, Path, Query};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::AppState;
use crate::services::sessions::{self, Search};

/// Routes under `/api/sessions`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(detail))
}

/// Filters of `GET /api/sessions`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SessionQuery {
    /// From this day (empty: no filter, as every filter here).
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<chrono::NaiveDate>,
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<u8>)]
    prefecture: Option<u8>,
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<String>)]
    category: Option<String>,
    /// The next page: sessions after this one (the last id of the page before).
    #[serde(default, deserialize_with = "domain::text::empty_as_none")]
    #[param(value_type = Option<i32>)]
    after: Option<i32>,
}

#[utoipa::path(get, path = "/sessions", tag = "sessions", params(SessionQuery), responses((status = 200, body = Vec<PublicSession>)))]
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
        after: q.after,
    };
    Ok(Json(sessions::published(&state, &search).await?))
}

/// One published session (the detail page: day, times, venue, units, category, organizer).
#[utoipa::path(get, path = "/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")), responses((status = 200, body = PublicSession), (status = 404, description = "No published session with this id")))]
async fn detail(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> ApiResult<Json<PublicSession>> {
    Ok(Json(sessions::published_one(&state, id).await?))
}
