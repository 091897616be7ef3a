//! The one error type of the HTTP API, its one JSON shape, and the one place where each
//! feature's typed error becomes an HTTP status and a message from the catalogue.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::api::{ErrorBody, ErrorInfo};
use domain::application::UploadProblem;
use domain::{FieldError, Message};

use crate::db::DbError;
use crate::services::accounts::AccountError;
use crate::services::applications::ApplicationError;
use crate::services::checkin::{CheckinError, UNDO_MINUTES};
use crate::services::documents::DocumentError;
use crate::services::doors::DoorError;
use crate::services::handbook::HandbookError;
use crate::services::identity::IdentityError;
use crate::services::mypage::MyPageError;
use crate::services::proofs::ProofError;
use crate::services::registry::RegistryError;
use crate::services::sessions::SessionError;

/// Every way a request can fail, each with its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body, query or path is not what the endpoint reads.
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// 422: the form has problems, listed per field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 409: the value is already taken, or the state forbids it, listed per field.
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
    /// 403: the session must give its second factor (`two_factor_required`) or finish the
    /// account's setup (`setup_required`) first.
    #[error("sign-in not finished")]
    Stage(domain::signin::SessionStage),
    /// 403: logged in, but this role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 403: the account is locked (a decided claim gave its registry number to its holder).
    #[error("locked")]
    Locked,
    /// 403: a physician whose e-mail or identity is not verified yet, and what to do.
    #[error("identity required")]
    IdentityRequired(Message),
    /// 404: no such resource (or not yours to see).
    #[error("not found")]
    NotFound,
    /// 409: the resource's state does not allow this, and what to do.
    #[error("invalid state")]
    InvalidState(Message),
    /// 415: a write whose body is not JSON, CSV or a document (what a cross-site form sends).
    #[error("unsupported content type")]
    ContentType,
    /// 413/415/422: an uploaded file was refused (too large, wrong type, empty, cut short).
    #[error("upload refused: {0}")]
    Upload(UploadProblem),
    /// 429: too many failed logins; try again after the given seconds.
    #[error("throttled")]
    Throttled(u64),
    /// 500: logged with its cause, opaque to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, Message) {
        let m = Message::key;
        match self {
            ApiError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                m("error.bad_request"),
            ),
            ApiError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                m("error.validation"),
            ),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", m("error.conflict")),
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                m("error.unauthenticated"),
            ),
            ApiError::DoorClosed => (
                StatusCode::UNAUTHORIZED,
                "door_closed",
                m("error.door_closed"),
            ),
            ApiError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                m("error.bad_credentials"),
            ),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", m("error.forbidden")),
            ApiError::Locked => (StatusCode::FORBIDDEN, "locked", m("error.locked")),
            ApiError::Stage(domain::signin::SessionStage::TwoFactor) => (
                StatusCode::FORBIDDEN,
                "two_factor_required",
                m("error.two_factor_required"),
            ),
            ApiError::Stage(_) => (
                StatusCode::FORBIDDEN,
                "setup_required",
                m("error.setup_required"),
            ),
            ApiError::ContentType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content_type",
                m("error.content_type"),
            ),
            ApiError::IdentityRequired(message) => {
                (StatusCode::FORBIDDEN, "identity_required", message.clone())
            }
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", m("error.not_found")),
            ApiError::Throttled(secs) => (
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                m("error.throttled").arg("minutes", secs.div_ceil(60)),
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
                m("error.internal"),
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

/// A device-made reference sent again for a different kind of request.
fn reused() -> ApiError {
    conflict("client_ref", "reused", "request.reference_reused")
}

fn conflict(field: &str, code: &str, key: &str) -> ApiError {
    ApiError::Conflict(vec![FieldError::new(field, code, Message::key(key))])
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> ApiError {
        match err {
            // A racing request took the key between a check and the write.
            DbError::Unique(_) => conflict("", "taken", "error.conflict"),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> ApiError {
        match e {
            AccountError::Invalid(f) => ApiError::Validation(f),
            AccountError::Taken(f) => ApiError::Conflict(f),
            AccountError::BadCredentials => ApiError::BadCredentials,
            AccountError::Throttled(secs) => ApiError::Throttled(secs),
            AccountError::NotLoggedIn => ApiError::Unauthenticated,
            AccountError::Disabled => ApiError::Locked,
            AccountError::NotFound => ApiError::NotFound,
            AccountError::Refused(m) => ApiError::InvalidState(m),
            AccountError::Hash(h) => ApiError::Internal(h.to_string()),
            AccountError::Db(d) => d.into(),
        }
    }
}

impl From<MyPageError> for ApiError {
    fn from(e: MyPageError) -> ApiError {
        match e {
            MyPageError::NotFound => ApiError::NotFound,
            MyPageError::Invalid(f) => ApiError::Validation(f),
            MyPageError::Qr(q) => ApiError::Internal(q),
            MyPageError::NotVerified(m) => ApiError::IdentityRequired(m),
            MyPageError::Db(d) => d.into(),
        }
    }
}

impl From<ProofError> for ApiError {
    fn from(e: ProofError) -> ApiError {
        match e {
            ProofError::NotFound => ApiError::NotFound,
            ProofError::Invalid(f) => ApiError::Validation(f),
            ProofError::NotVerified(m) => ApiError::IdentityRequired(m),
            ProofError::Forbidden => ApiError::Forbidden,
            ProofError::Throttled(s) => ApiError::Throttled(s),
            ProofError::Pdf(p) => ApiError::Internal(p.to_string()),
            ProofError::Db(d) => d.into(),
        }
    }
}

impl From<HandbookError> for ApiError {
    fn from(e: HandbookError) -> ApiError {
        match e {
            HandbookError::NotFound => ApiError::NotFound,
            HandbookError::Verified => conflict("id", "verified", "handbook.id.verified"),
            HandbookError::Invalid(f) => ApiError::Validation(f),
            HandbookError::NotVerified(m) => ApiError::IdentityRequired(m),
            HandbookError::Reused => reused(),
            HandbookError::Db(d) => d.into(),
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> ApiError {
        match e {
            SessionError::NotFound => ApiError::NotFound,
            SessionError::Invalid(f) => ApiError::Validation(f),
            SessionError::Closed(m) => ApiError::InvalidState(m),
            SessionError::Reused => reused(),
            SessionError::Db(d) => d.into(),
        }
    }
}

impl From<CheckinError> for ApiError {
    fn from(e: CheckinError) -> ApiError {
        match e {
            CheckinError::NotFound => ApiError::NotFound,
            CheckinError::Invalid(f) => ApiError::Validation(f),
            CheckinError::Posted => conflict("session", "posted", "checkin.posted"),
            CheckinError::AlreadyPosted => conflict("session", "posted", "checkin.already_posted"),
            CheckinError::UndoTooOld => ApiError::Conflict(vec![FieldError::new(
                "scan",
                "too_old",
                Message::key("checkin.undo_too_old").arg("minutes", UNDO_MINUTES),
            )]),
            CheckinError::Refused(m) => ApiError::InvalidState(m),
            CheckinError::Unsent(f) => ApiError::Conflict(f),
            CheckinError::Reused => reused(),
            CheckinError::Throttled(secs) => ApiError::Throttled(secs),
            CheckinError::Db(d) => d.into(),
        }
    }
}

impl From<DoorError> for ApiError {
    fn from(e: DoorError) -> ApiError {
        match e {
            DoorError::Closed(_) => ApiError::DoorClosed,
            DoorError::NotFound => ApiError::NotFound,
            DoorError::Invalid(f) => ApiError::Validation(f),
            DoorError::Posted => ApiError::InvalidState(Message::key("door.posted")),
            DoorError::NotDesignated => {
                ApiError::InvalidState(Message::key("session.not_designated"))
            }
            DoorError::Unsent(f) => ApiError::Conflict(f),
            DoorError::Db(d) => d.into(),
        }
    }
}

impl From<ApplicationError> for ApiError {
    fn from(e: ApplicationError) -> ApiError {
        match e {
            ApplicationError::NotFound => ApiError::NotFound,
            ApplicationError::Forbidden => ApiError::Forbidden,
            ApplicationError::Invalid(f) => ApiError::Validation(f),
            ApplicationError::Refused(m) => ApiError::InvalidState(m),
            ApplicationError::NotVerified(m) => ApiError::IdentityRequired(m),
            ApplicationError::Reused => reused(),
            ApplicationError::Corrupt(c) => ApiError::Internal(c),
            ApplicationError::Db(d) => d.into(),
        }
    }
}

impl From<DocumentError> for ApiError {
    fn from(e: DocumentError) -> ApiError {
        match e {
            DocumentError::Upload(p) => ApiError::Upload(p),
            DocumentError::Invalid(f) => ApiError::Validation(f),
            DocumentError::NotFound => ApiError::NotFound,
            DocumentError::Storage(s) => ApiError::Internal(s.to_string()),
            DocumentError::Db(d) => d.into(),
        }
    }
}

impl From<IdentityError> for ApiError {
    fn from(e: IdentityError) -> ApiError {
        match e {
            IdentityError::NotFound => ApiError::NotFound,
            IdentityError::LinkInvalid => {
                ApiError::InvalidState(Message::key("identity.link.invalid"))
            }
            IdentityError::Throttled(secs) => ApiError::Throttled(secs),
            IdentityError::Invalid(f) => ApiError::Validation(f),
            IdentityError::Refused(m) => ApiError::InvalidState(m),
            IdentityError::Db(d) => d.into(),
        }
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> ApiError {
        match e {
            RegistryError::Forbidden => ApiError::Forbidden,
            RegistryError::Invalid(f) => ApiError::Validation(f),
            RegistryError::Db(d) => d.into(),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
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
