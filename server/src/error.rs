//! The one error type of the HTTP API and its one JSON shape.

use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::api::{ErrorBody, ErrorInfo};
use domain::application::UploadProblem;
use domain::{FieldError, Message};
use sea_orm::{DbErr, SqlErr};

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not the JSON the endpoint reads.
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// 422: the form has problems, listed per field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 409: the value is already taken (e-mail, registry number).
    #[error("conflict")]
    Conflict(Vec<FieldError>),
    /// 401: not logged in, or the session expired.
    #[error("unauthenticated")]
    Unauthenticated,
    /// 401: a helper's check-in link is unknown, expired or revoked, or its session is posted.
    #[error("door link closed")]
    DoorClosed,
    /// 401: wrong e-mail or password (never says which).
    #[error("bad credentials")]
    BadCredentials,
    /// 403: logged in, but this role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such resource (or not yours to see).
    #[error("not found")]
    NotFound,
    /// 409: the resource's state does not allow this (an application already forwarded, …).
    #[error("invalid state")]
    InvalidState(Message),
    /// 413/415/422: an uploaded file was refused (too large, wrong type, empty, cut short).
    #[error("upload refused: {0}")]
    Upload(domain::application::UploadProblem),
    /// 429: too many failed logins; try again after the given seconds.
    #[error("throttled")]
    Throttled(u64),
    /// 500: logged with its cause, opaque to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, Message) {
        match self {
            ApiError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                Message::new(
                    "送信内容を読み取れませんでした。ページを再読み込みしてやり直してください",
                    "The request could not be read. Reload the page and try again",
                ),
            ),
            ApiError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                Message::new(
                    "入力内容をご確認ください",
                    "Please check the highlighted fields",
                ),
            ),
            ApiError::Conflict(_) => (
                StatusCode::CONFLICT,
                "conflict",
                Message::new("すでに登録されています", "This is already registered"),
            ),
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                Message::new("ログインしてください", "Please log in"),
            ),
            ApiError::DoorClosed => (
                StatusCode::UNAUTHORIZED,
                "door_closed",
                Message::new(
                    "この受付用リンクは使えません（期限切れ・取り消し・単位登録済み）。主催者に新しいリンクをもらってください",
                    "This check-in link no longer works (expired, revoked or the session is posted). Ask the organizer for a new link",
                ),
            ),
            ApiError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                Message::new(
                    "メールアドレスまたはパスワードが違います",
                    "The e-mail address or password is incorrect",
                ),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                Message::new(
                    "この操作の権限がありません",
                    "You do not have permission to do this",
                ),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                Message::new(
                    "見つかりません。アドレスをご確認ください",
                    "Not found. Check the address",
                ),
            ),
            ApiError::Throttled(secs) => (
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                Message::new(
                    format!(
                        "ログインの失敗が続いたため、{}分ほど待ってからお試しください",
                        secs.div_ceil(60)
                    ),
                    format!(
                        "Too many failed logins. Try again in about {} minutes",
                        secs.div_ceil(60)
                    ),
                ),
            ),
            ApiError::InvalidState(message) => {
                (StatusCode::CONFLICT, "invalid_state", message.clone())
            }
            ApiError::Upload(problem) => (
                match problem {
                    UploadProblem::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                    UploadProblem::NotAllowed => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    UploadProblem::Empty | UploadProblem::Truncated => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                },
                problem.code(),
                problem.message(),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                Message::new(
                    "サーバーで問題が起きました。しばらくしてからもう一度お試しください",
                    "Something went wrong on the server. Please try again shortly",
                ),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let fields = match &self {
            ApiError::Validation(f) | ApiError::Conflict(f) => f.clone(),
            _ => Vec::new(),
        };
        let retry = match self {
            ApiError::Throttled(s) => Some(s),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorInfo {
                code: code.to_owned(),
                message,
                fields,
                retry_after_seconds: retry,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> ApiError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                ApiError::Conflict(vec![conflict_field(&detail)])
            }
            _ => ApiError::Internal(err.to_string()),
        }
    }
}

/// Names the field of a unique-key violation from the database's message.
fn conflict_field(detail: &str) -> FieldError {
    if detail.contains("registry_number") {
        FieldError::new(
            "registry_number",
            "taken",
            "この医籍登録番号のマイページはすでにあります。ログインしてください",
            "A My Page already exists for this registry number. Please log in",
        )
    } else if detail.contains("email") {
        FieldError::new(
            "email",
            "taken",
            "このメールアドレスはすでに使われています。別のアドレスを入力するかログインしてください",
            "This e-mail address is already in use. Use another or log in",
        )
    } else {
        FieldError::new(
            "",
            "taken",
            "すでに登録されています",
            "This is already registered",
        )
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// Handlers return this.
pub type ApiResult<T> = Result<T, ApiError>;
