//! Passwords (Argon2id), login sessions kept in the database, and the extractor that tells a
//! handler who is asking.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use domain::account::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db;
use crate::error::ApiError;
use crate::startup::AppState;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "nintei_session";

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("argon2: {e}")))
}

/// Checks a password against a stored hash. With no hash (unknown account) it still does the
/// work of one check, so the answer takes as long whether the account exists or not.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let hash = stored.unwrap_or(dummy);
    let ok = PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && stored.is_some()
}

/// A new random session token (sent to the browser) and its hash (kept in the database).
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// What the database keeps of a token: its SHA-256, so a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session cookie carrying `token`.
pub fn session_cookie(token: String, secure: bool, hours: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_hours(hours))
        .build()
}

fn time_hours(hours: i64) -> time::Duration {
    time::Duration::hours(hours)
}

/// The logged-in user, loaded from the session cookie. Handlers that take it answer 401 to
/// anonymous requests.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// User id.
    pub id: i32,
    /// Role.
    pub role: Role,
    /// Prefecture (staff) or `None`.
    pub prefecture: Option<i32>,
}

impl CurrentUser {
    /// Refuses unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).ok_or(ApiError::Unauthenticated)?;
        db::accounts::user_for_session(&state.db, &token_hash(token.value()))
            .await?
            .ok_or(ApiError::Unauthenticated)
    }
}

/// Declares an extractor that admits only the given roles, before the body is read: a wrong role
/// gets 403 (anonymous 401) whatever it sent.
macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident: $($role:expr),+) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name(pub CurrentUser);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
                let user = CurrentUser::from_request_parts(parts, state).await?;
                user.require(&[$($role),+])?;
                Ok($name(user))
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
    /// Anyone who can see applications: physicians (their own) and reviewers.
    ApplicationUser: Role::Physician, Role::PrefecturalStaff, Role::JmaStaff
);
