//! Registration, login and logout.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use chrono::Utc;
use domain::account::RegistrationForm;
use domain::api::{LoginRequest, Me};

use crate::auth::{CurrentUser, SESSION_COOKIE, session_cookie, token_hash};
use crate::db::{self, accounts};
use crate::error::{ApiError, ApiResult};
use crate::json::Json;
use crate::startup::AppState;

/// Routes under `/api/auth` and `/api/me`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
}

/// Registers a physician's My Page and logs them in.
async fn register(
    State(state): State<AppState>,
    jar: CookieJar,
    Json(form): Json<RegistrationForm>,
) -> ApiResult<impl IntoResponse> {
    let registration = form
        .parse(db::today_jst(Utc::now()))
        .map_err(ApiError::Validation)?;
    accounts::register_physician(&state.db, &registration).await?;
    let token = accounts::login(
        &state.db,
        registration.email.as_str(),
        registration.password.expose(),
        state.settings.session_hours,
    )
    .await?;
    let jar = jar.add(session_cookie(
        token,
        state.settings.secure_cookies,
        state.settings.session_hours,
    ));
    Ok((
        StatusCode::CREATED,
        jar,
        Json(serde_json::json!({ "registered": true })),
    ))
}

async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let token = accounts::login(
        &state.db,
        &req.email,
        &req.password,
        state.settings.session_hours,
    )
    .await?;
    let jar = jar.add(session_cookie(
        token,
        state.settings.secure_cookies,
        state.settings.session_hours,
    ));
    Ok((jar, Json(serde_json::json!({ "logged_in": true }))))
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> ApiResult<impl IntoResponse> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        accounts::logout(&state.db, &token_hash(cookie.value())).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, StatusCode::NO_CONTENT))
}

async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Me>> {
    Ok(Json(accounts::me(&state.db, &user).await?))
}
