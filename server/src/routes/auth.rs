//! Registration, login and logout.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::account::RegistrationForm;
use domain::api::{LoginRequest, Me};

use crate::error::ApiResult;
use crate::routes::extract::{ClientIp, CurrentUser, Json, session_cookie_name};
use crate::services::{AppState, accounts};

/// Routes under `/api/auth` and `/api/me`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
}

/// The session cookie carrying `token`.
fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((session_cookie_name(state), token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path("/")
        .max_age(time::Duration::hours(state.settings.session_hours))
        .build()
}

/// Registers a physician's My Page and logs them in.
async fn register(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    jar: CookieJar,
    Json(form): Json<RegistrationForm>,
) -> ApiResult<impl IntoResponse> {
    let token = accounts::register(&state, &form, from).await?;
    Ok((
        StatusCode::CREATED,
        jar.add(session_cookie(&state, token)),
        Json(serde_json::json!({ "registered": true })),
    ))
}

async fn login(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let token = accounts::login(&state, &req, from).await?;
    Ok((
        jar.add(session_cookie(&state, token)),
        Json(serde_json::json!({ "logged_in": true })),
    ))
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> ApiResult<impl IntoResponse> {
    if let Some(cookie) = jar.get(session_cookie_name(&state)) {
        accounts::logout(&state, cookie.value()).await?;
    }
    let jar = jar.remove(
        Cookie::build(session_cookie_name(&state))
            .path("/")
            .secure(state.settings.secure_cookies),
    );
    Ok((jar, StatusCode::NO_CONTENT))
}

async fn me(State(state): State<AppState>, CurrentUser(actor): CurrentUser) -> ApiResult<Json<Me>> {
    Ok(Json(accounts::me(&state, &actor).await?))
}
