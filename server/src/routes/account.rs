//! Signing in step by step, and the account's own security: password reset and change, e-mail
//! change, devices, two-factor sign-in.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::signin::{
    AccountView, DeviceSession, EmailChange, LinkToken, LoginAnswer, PasswordChange, RecoveryCodes,
    ResetConfirm, ResetRequest, SessionStage, TwoFactorCode, TwoFactorEnabled, TwoFactorOff,
    TwoFactorSetup,
};

use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{AnySession, ClientIp, CurrentUser, Json, Path, SetupSession};
use crate::services::{AppState, credentials};

/// Routes under `/api/auth` (steps of signing in, mailed links) and `/api/account`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/two-factor", post(second_factor))
        .route("/auth/password-reset", post(request_reset))
        .route("/auth/password-reset/confirm", post(confirm_reset))
        .route("/auth/email-change/confirm", post(confirm_email_change))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/email", post(change_email))
        .route("/account/sessions", get(devices))
        .route("/account/sessions/{id}/end", post(end_device))
        .route("/account/sessions/end-others", post(end_others))
        .route("/account/two-factor/setup", post(start_two_factor))
        .route("/account/two-factor/enable", post(enable_two_factor))
        .route("/account/two-factor/disable", post(disable_two_factor))
        .route("/account/two-factor/recovery-codes", post(recovery_codes))
}

/// The code of a session whose password was right.
async fn second_factor(
    State(state): State<AppState>,
    session: AnySession,
    Json(req): Json<TwoFactorCode>,
) -> ApiResult<Json<LoginAnswer>> {
    if session.stage != SessionStage::TwoFactor {
        return Err(ApiError::InvalidState(domain::Message::key(
            "signin.two_factor.not_asked",
        )));
    }
    let stage =
        credentials::second_factor(&state, &session.actor, &session.token_hash, &req.code).await?;
    Ok(Json(LoginAnswer { stage }))
}

/// Always 202: whether the address has an account is not told.
async fn request_reset(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    Json(req): Json<ResetRequest>,
) -> ApiResult<StatusCode> {
    credentials::request_reset(&state, &req.email, from).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn confirm_reset(
    State(state): State<AppState>,
    Json(req): Json<ResetConfirm>,
) -> ApiResult<StatusCode> {
    credentials::confirm_reset(&state, &req.token, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn confirm_email_change(
    State(state): State<AppState>,
    Json(req): Json<LinkToken>,
) -> ApiResult<StatusCode> {
    credentials::confirm_email_change(&state, &req.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn account(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(
        credentials::account(&state, &session.actor, session.stage).await?,
    ))
}

async fn change_password(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
    Json(req): Json<PasswordChange>,
) -> ApiResult<Json<LoginAnswer>> {
    let stage = credentials::change_password(
        &state,
        &session.actor,
        &session.token_hash,
        &req.current,
        &req.password,
    )
    .await?;
    Ok(Json(LoginAnswer { stage }))
}

async fn change_email(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Json(req): Json<EmailChange>,
) -> ApiResult<StatusCode> {
    credentials::request_email_change(&state, &actor, &req.password, &req.email).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn devices(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<Json<Vec<DeviceSession>>> {
    Ok(Json(
        credentials::devices(&state, &session.actor, &session.public_id).await?,
    ))
}

async fn end_device(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    credentials::end_device(&state, &session.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn end_others(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<StatusCode> {
    credentials::end_other_devices(&state, &session.actor, &session.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn start_two_factor(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<Json<TwoFactorSetup>> {
    Ok(Json(
        credentials::start_two_factor(&state, &session.actor).await?,
    ))
}

async fn enable_two_factor(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
    Json(req): Json<TwoFactorCode>,
) -> ApiResult<Json<TwoFactorEnabled>> {
    let (codes, stage) =
        credentials::enable_two_factor(&state, &session.actor, &session.token_hash, &req.code)
            .await?;
    Ok(Json(TwoFactorEnabled {
        codes: codes.codes,
        stage,
    }))
}

async fn disable_two_factor(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Json(req): Json<TwoFactorOff>,
) -> ApiResult<StatusCode> {
    credentials::disable_two_factor(&state, &actor, &req.password, &req.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn recovery_codes(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Json(req): Json<TwoFactorCode>,
) -> ApiResult<Json<RecoveryCodes>> {
    Ok(Json(
        credentials::new_recovery_codes(&state, &actor, &req.code).await?,
    ))
}
