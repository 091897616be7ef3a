//! Signing in step by step, and the account's own security: password reset and change, e-mail
//! change, devices, two-factor sign-in.

use axum::extract::State;
use axum::http::StatusCode;
use domain::signin::{
    AccountView, DeviceSession, EmailChange, LinkToken, LoginAnswer, PasswordChange, RecoveryCodes,
    ResetConfirm, ResetRequest, SessionStage, TwoFactorCode, TwoFactorEnabled, TwoFactorOff,
    TwoFactorSetup,
};

use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{AnySession, ClientIp, CurrentUser, Json, Path, SetupSession};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::services::{AppState, credentials};

/// Routes under `/api/auth` (steps of signing in, mailed links) and `/api/account`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(second_factor))
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
        .routes(routes!(confirm_email_change))
        .routes(routes!(account))
        .routes(routes!(change_password))
        .routes(routes!(change_email))
        .routes(routes!(devices))
        .routes(routes!(end_device))
        .routes(routes!(end_others))
        .routes(routes!(start_two_factor))
        .routes(routes!(enable_two_factor))
        .routes(routes!(disable_two_factor))
        .routes(routes!(recovery_codes))
}

/// The code of a session whose password was right.
#[utoipa::path(post, path = "/auth/two-factor", tag = "account", request_body = TwoFactorCode, responses((status = 200, body = LoginAnswer)))]
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
#[utoipa::path(post, path = "/auth/password-reset", tag = "account", request_body = ResetRequest, responses((status = 202)))]
async fn request_reset(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    Json(req): Json<ResetRequest>,
) -> ApiResult<StatusCode> {
    credentials::request_reset(&state, &req.email, from).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(post, path = "/auth/password-reset/confirm", tag = "account", request_body = ResetConfirm, responses((status = 204)))]
async fn confirm_reset(
    State(state): State<AppState>,
    Json(req): Json<ResetConfirm>,
) -> ApiResult<StatusCode> {
    credentials::confirm_reset(&state, &req.token, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/auth/email-change/confirm", tag = "account", request_body = LinkToken, responses((status = 204)))]
async fn confirm_email_change(
    State(state): State<AppState>,
    Json(req): Json<LinkToken>,
) -> ApiResult<StatusCode> {
    credentials::confirm_email_change(&state, &req.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/account", tag = "account", responses((status = 200, body = AccountView)))]
async fn account(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(
        credentials::account(&state, &session.actor, session.stage).await?,
    ))
}

#[utoipa::path(post, path = "/account/password", tag = "account", request_body = PasswordChange, responses((status = 200, body = LoginAnswer)))]
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

#[utoipa::path(post, path = "/account/email", tag = "account", request_body = EmailChange, responses((status = 202)))]
async fn change_email(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Json(req): Json<EmailChange>,
) -> ApiResult<StatusCode> {
    credentials::request_email_change(&state, &actor, &req.password, &req.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(get, path = "/account/sessions", tag = "account", responses((status = 200, body = Vec<DeviceSession>)))]
async fn devices(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<Json<Vec<DeviceSession>>> {
    Ok(Json(
        credentials::devices(&state, &session.actor, &session.public_id).await?,
    ))
}

#[utoipa::path(post, path = "/account/sessions/{id}/end", tag = "account", params(("id" = String, Path)), responses((status = 204)))]
async fn end_device(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    credentials::end_device(&state, &session.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/account/sessions/end-others", tag = "account", responses((status = 204)))]
async fn end_others(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<StatusCode> {
    credentials::end_other_devices(&state, &session.actor, &session.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/account/two-factor/setup", tag = "account", responses((status = 200, body = TwoFactorSetup)))]
async fn start_two_factor(
    State(state): State<AppState>,
    SetupSession(session): SetupSession,
) -> ApiResult<Json<TwoFactorSetup>> {
    Ok(Json(
        credentials::start_two_factor(&state, &session.actor).await?,
    ))
}

#[utoipa::path(post, path = "/account/two-factor/enable", tag = "account", request_body = TwoFactorCode, responses((status = 200, body = TwoFactorEnabled)))]
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

#[utoipa::path(post, path = "/account/two-factor/disable", tag = "account", request_body = TwoFactorOff, responses((status = 204)))]
async fn disable_two_factor(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Json(req): Json<TwoFactorOff>,
) -> ApiResult<StatusCode> {
    credentials::disable_two_factor(&state, &actor, &req.password, &req.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/account/two-factor/recovery-codes", tag = "account", request_body = TwoFactorCode, responses((status = 200, body = RecoveryCodes)))]
async fn recovery_codes(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Json(req): Json<TwoFactorCode>,
) -> ApiResult<Json<RecoveryCodes>> {
    Ok(Json(
        credentials::new_recovery_codes(&state, &actor, &req.code).await?,
    ))
}
