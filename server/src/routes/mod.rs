//! The HTTP API. Each module exposes `router()`; this is the one place that merges them.
//! Handlers only translate: extract, call one service, map the result.

mod account;
mod admin;
mod applications;
mod auth;
mod designation;
mod door;
pub mod extract;
pub mod guard;
mod health;
mod identity;
mod mypage;
mod organizer;
mod proofs;
mod registry;
mod sessions;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Content, RefOr, Server};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::services::AppState;

/// The description's frame: title, version, the `/api` base, and the error shape every
/// operation may answer.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Nintei API",
        description = "The HTTP API of Nintei: My Page, sessions and check-in, applications, identity, the registry and accounts. Every operation may answer the error shape (`default`)."
    ),
    components(schemas(domain::api::ErrorBody))
)]
struct ApiDoc;

/// Adds the `/api` server and the `default` error answer to every operation (once every
/// router is merged).
struct Conventions;

impl utoipa::Modify for Conventions {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.servers = Some(vec![Server::new("/api")]);
        let error = ResponseBuilder::new()
            .description(
                "The request was refused: a status code and the error in both languages' keys",
            )
            .content(
                "application/json",
                Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "ErrorBody",
                )))),
            )
            .build();
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                op.responses
                    .responses
                    .insert("default".to_owned(), RefOr::T(error.clone()));
            }
        }
    }
}

/// The OpenAPI 3.1 description of every `/api` operation, made from the handlers' own
/// annotations and the `domain` types they take and answer.
pub fn description() -> utoipa::openapi::OpenApi {
    api_parts().1
}

fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(mypage::router())
        .merge(proofs::router())
        .merge(sessions::router())
        .merge(organizer::router())
        .merge(door::router())
        .merge(admin::router())
        .merge(applications::router())
        .merge(identity::router())
        .merge(designation::router())
        .merge(registry::router());
    let (router, mut doc) = router.split_for_parts();
    utoipa::Modify::modify(&Conventions, &mut doc);
    (router, doc)
}

/// Every `/api` route and `GET /api/openapi.json`; unknown `/api/...` paths answer a JSON 404,
/// never the HTML page.
pub fn api() -> Router<AppState> {
    let (router, doc) = api_parts();
    let json = std::sync::Arc::new(doc.to_json().unwrap_or_default());
    router
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        json.as_str().to_owned(),
                    )
                }
            }),
        )
        .fallback(|| async { ApiError::NotFound })
}
