//! Registration, login and logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::account::RegistrationForm;
use domain::api::{LoginRequest, Me};
use domain::signin::LoginAnswer;

use crate::error::ApiResult;
use crate::routes::extract::{AnySession, ClientIp, Json, session_cookie_name};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::{AppState, accounts};

/// Routes under `/api/auth` and `/api/me`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// The browser a request came from, kept with its session for the list of devices.
fn user_agent(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
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
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegistrationForm, responses((status = 201, description = "Registered and signed in: the session cookie is set")))]
async fn register(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
    Json(form): Json<RegistrationForm>,
) -> ApiResult<impl IntoResponse> {
    let agent = user_agent(&headers);
    let token = accounts::register(&state, &form, from, agent).await?;
    Ok((
        StatusCode::CREATED,
        jar.add(session_cookie(&state, token)),
        Json(serde_json::json!({ "registered": true })),
    ))
}

#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest, responses((status = 200, body = LoginAnswer, description = "Signed in as far as the stage says: the session cookie is set")))]
async fn login(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let agent = user_agent(&headers);
    let signin = accounts::login(&state, &req, from, agent).await?;
    Ok((
        jar.add(session_cookie(&state, signin.token)),
        Json(LoginAnswer {
            stage: signin.stage,
        }),
    ))
}

#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
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

/// Any session, whatever its stage: the client learns there whether a code or a setup comes
/// first.
#[utoipa::path(get, path = "/me", tag = "auth", responses((status = 200, body = Me)))]
async fn me(State(state): State<AppState>, session: AnySession) -> ApiResult<Json<Me>> {
    Ok(Json(
        accounts::me(&state, &session.actor, session.stage).await?,
    ))
}
