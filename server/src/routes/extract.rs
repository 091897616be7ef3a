//! What handlers extract from a request: our own `Json`, `Query` and `Path` (malformed input
//! gets our error shape), who is asking (by role, checked before the body is read), and a
//! helper's open check-in link.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::account::Role;
use domain::policy::Actor;
use domain::signin::SessionStage;
use serde::Serialize;

use crate::error::ApiError;
use crate::services::doors::OpenDoor;
use crate::services::{AppState, accounts, doors};

/// The name of the session cookie over plain HTTP (development, tests).
pub const SESSION_COOKIE: &str = "nintei_session";
/// The name over HTTPS: a `__Host-` cookie is only accepted with `Secure`, `Path=/` and no
/// `Domain`, so no sibling domain can set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-nintei_session";

/// The session cookie's name for these settings.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The header carrying a helper link's token (the page keeps it from the link's fragment,
/// which browsers never send, so it never appears in a URL the server logs).
pub const DOOR_HEADER: &str = "x-nintei-door";

/// A JSON body in, or a JSON body out.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Our own `Query`: a malformed query string gets our error shape.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// Our own `Path`: a malformed path parameter (`/handbook/abc`) gets our error shape.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// A live login session, whatever its stage: who, how far the sign-in has come, and the
/// token's hash (to end it or move it on). Anonymous requests get 401.
#[derive(Clone, Debug)]
pub struct AnySession {
    /// Who.
    pub actor: Actor,
    /// How far the sign-in has come.
    pub stage: SessionStage,
    /// The session's token hash.
    pub token_hash: String,
    /// Its public id (for the list of devices).
    pub public_id: String,
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(session_cookie_name(state))
            .ok_or(ApiError::Unauthenticated)?;
        let live = accounts::current(state, token.value())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(AnySession {
            actor: accounts::actor(&live.user),
            stage: live.stage,
            token_hash: crate::security::token_hash(token.value()),
            public_id: live.public_id,
        })
    }
}

/// A session past its second factor: fully signed in, or signed in with a first password or a
/// required second factor still to set up (the account pages). A session awaiting its code gets
/// 403 `two_factor_required`.
#[derive(Clone, Debug)]
pub struct SetupSession(pub AnySession);

impl FromRequestParts<AppState> for SetupSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = AnySession::from_request_parts(parts, state).await?;
        match session.stage {
            SessionStage::TwoFactor => Err(ApiError::Stage(SessionStage::TwoFactor)),
            _ => Ok(SetupSession(session)),
        }
    }
}

/// The fully signed-in user; anonymous requests get 401, a session with its second factor or
/// its setup still to come gets 403 saying which.
#[derive(Clone, Copy, Debug)]
pub struct CurrentUser(pub Actor);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = AnySession::from_request_parts(parts, state).await?;
        match session.stage {
            SessionStage::Full => Ok(CurrentUser(session.actor)),
            other => Err(ApiError::Stage(other)),
        }
    }
}

/// Declares an extractor that admits only the given roles, before the body is read: a wrong role
/// gets 403 (anonymous 401) whatever it sent.
macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident: $($role:expr),+) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name(pub Actor);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
                let CurrentUser(actor) = CurrentUser::from_request_parts(parts, state).await?;
                if [$($role),+].contains(&actor.role) {
                    Ok($name(actor))
                } else {
                    Err(ApiError::Forbidden)
                }
            }
        }
    };
}

role_extractor!(
    /// A logged-in physician.
    PhysicianUser: Role::Physician
);
role_extractor!(
    /// A logged-in organizer.
    OrganizerUser: Role::Organizer
);
role_extractor!(
    /// A logged-in admin.
    AdminUser: Role::Admin
);
role_extractor!(
    /// Staff who review applications: a prefectural association or JMA.
    ReviewerUser: Role::PrefecturalStaff, Role::JmaStaff
);
role_extractor!(
    /// A logged-in JMA staff member.
    JmaUser: Role::JmaStaff
);
role_extractor!(
    /// Who imports JMA's registry: JMA staff and admins.
    RegistryImporter: Role::JmaStaff, Role::Admin
);
role_extractor!(
    /// Staff and admins (the registry search).
    StaffUser: Role::PrefecturalStaff, Role::JmaStaff, Role::Admin
);
role_extractor!(
    /// Prefectural staff (identity checks).
    PrefecturalUser: Role::PrefecturalStaff
);
role_extractor!(
    /// Anyone who can see applications: physicians (their own) and reviewers.
    ApplicationUser: Role::Physician, Role::PrefecturalStaff, Role::JmaStaff
);

/// The address a request came from: the connection's, or behind a trusted reverse proxy
/// (`NINTEI_TRUST_FORWARDED`) the last `X-Forwarded-For` entry, the one the proxy wrote.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.settings.trust_forwarded
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|v| v.trim().parse().ok())
        {
            return Ok(ClientIp(ip));
        }
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| ClientIp(c.0.ip()))
            .ok_or_else(|| ApiError::Internal("no connection address".into()))
    }
}

/// A helper's open check-in link and its session; any other token gets 401 `door_closed`.
#[derive(Clone, Debug)]
pub struct HelperDoor(pub OpenDoor);

impl FromRequestParts<AppState> for HelperDoor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(DOOR_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.trim().is_empty())
            .ok_or(ApiError::DoorClosed)?;
        Ok(HelperDoor(doors::open(state, token).await?))
    }
}

/// The text of a CSV upload: only `text/csv` (which a cross-site HTML form cannot send), at
/// most `max` bytes (else the message `too_large`), UTF-8.
pub fn csv_text(
    headers: &axum::http::HeaderMap,
    body: &[u8],
    max: usize,
    too_large: &str,
) -> Result<String, ApiError> {
    let refused = |code: &str, key: &str| {
        ApiError::Validation(vec![domain::FieldError::new(
            "file",
            code,
            domain::Message::key(key),
        )])
    };
    let is_csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(refused("not_csv", "import.not_csv"));
    }
    if body.len() > max {
        return Err(refused("too_large", too_large));
    }
    String::from_utf8(body.to_vec()).map_err(|_| refused("not_utf8", "import.not_utf8"))
}

/// The language of an export's headers and words (`?lang=en`; Japanese by default).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `ja` or `en`.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub lang: domain::Lang,
}
