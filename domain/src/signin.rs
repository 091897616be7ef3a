//! Signing in and keeping an account safe: the stage a login session is at (a second factor
//! to give, a first password or a second factor to set up), password reset and change, e-mail
//! change, the devices signed in, two-factor sign-in with recovery codes, and the admin's view
//! of accounts and of the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::account::Role;
use crate::catalog::code_enum;
use crate::prefecture::Prefecture;

code_enum!(
    /// How far a login session has come.
    SessionStage, "session stage" {
        /// Signed in: everything the role may do.
        Full => "full",
        /// The password was right; the one-time code is still to come.
        TwoFactor => "two_factor",
        /// Signed in, but a first password or a second factor must be set before anything else.
        Setup => "setup",
    }
);

/// A session that is fully signed in (the default of older answers).
pub fn full() -> SessionStage {
    SessionStage::Full
}

/// Whether accounts of `role` must sign in with a second factor: the staff who decide about
/// other people's records, and admins. Physicians and organizers may turn it on.
pub fn requires_two_factor(role: Role) -> bool {
    matches!(role, Role::PrefecturalStaff | Role::JmaStaff | Role::Admin)
}

/// The stage a session starts at (or reaches once a step is done).
pub fn stage_after_password(two_factor_on: bool) -> SessionStage {
    if two_factor_on {
        SessionStage::TwoFactor
    } else {
        SessionStage::Full
    }
}

/// The stage once the password (and, where on, the second factor) were given: `Setup` while a
/// first password must be chosen or a required second factor is missing.
pub fn stage_when_signed_in(
    role: Role,
    must_change_password: bool,
    two_factor_on: bool,
    two_factor_required: bool,
) -> SessionStage {
    if must_change_password || (two_factor_required && requires_two_factor(role) && !two_factor_on)
    {
        SessionStage::Setup
    } else {
        SessionStage::Full
    }
}

/// `POST /api/auth/login`'s answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginAnswer {
    /// Where the new session stands: `two_factor` asks for the code next, `setup` sends the
    /// person to their account page first.
    pub stage: SessionStage,
}

/// `POST /api/auth/two-factor`: the six digits of the authenticator app, or a recovery code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorCode {
    /// The code.
    pub code: String,
}

/// `POST /api/auth/password-reset`: where to send the link.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequest {
    /// The account's e-mail address.
    pub email: String,
}

/// `POST /api/auth/password-reset/confirm`: the mailed token and the new password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetConfirm {
    /// From the link.
    pub token: String,
    /// The new password.
    pub password: String,
}

/// `POST /api/account/password`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The new one.
    pub password: String,
}

/// `POST /api/account/email`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChange {
    /// The password, to confirm it is the owner.
    pub password: String,
    /// The new address (confirmed by a link sent there).
    pub email: String,
}

/// `POST /api/auth/email-change/confirm` and other mailed links.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkToken {
    /// From the link.
    pub token: String,
}

/// `GET /api/account`: what the account page shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// Login e-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// The session's stage.
    pub stage: SessionStage,
    /// A first password is to be chosen (an account an admin made).
    pub must_change_password: bool,
    /// Two-factor sign-in is on.
    pub two_factor: bool,
    /// This account must use it.
    pub two_factor_required: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
}

/// `POST /api/account/two-factor/setup`: a new secret to add to an authenticator app.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret, base32 (to type in by hand).
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub uri: String,
    /// The QR code, SVG.
    pub qr_svg: String,
}

/// Recovery codes, shown once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    /// Each works once instead of a one-time code.
    pub codes: Vec<String>,
}

/// `POST /api/account/two-factor/enable`'s answer: the recovery codes (shown once) and the
/// session's stage now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorEnabled {
    /// Each works once instead of a one-time code.
    pub codes: Vec<String>,
    /// Where the session stands.
    pub stage: SessionStage,
}

/// `POST /api/account/two-factor/disable`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorOff {
    /// The password.
    pub password: String,
    /// A one-time code (or recovery code).
    pub code: String,
}

/// A device signed in to the account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSession {
    /// Its id (not the token).
    pub id: String,
    /// This device.
    pub current: bool,
    /// Signed in at.
    pub created_at: DateTime<Utc>,
    /// Last used at.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The browser, as it named itself.
    pub device: Option<String>,
}

/// `GET /api/admin/users?q=&role=`: an account in the admin's list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Id.
    pub id: i32,
    /// Role.
    pub role: Role,
    /// Login e-mail.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Staff: their prefecture.
    pub prefecture: Option<Prefecture>,
    /// Disabled.
    pub disabled: bool,
    /// Two-factor sign-in is on.
    pub two_factor: bool,
    /// Must choose a first password.
    pub must_change_password: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Organizers: their organizing body.
    #[serde(default)]
    pub organizer_body: Option<String>,
    /// Last successful sign-in (none: never signed in).
    #[serde(default)]
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `PUT /api/admin/accounts/{id}`: what an admin may change of a staff, organizer or admin
/// account (a physician's name changes through an application to JMA).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEdit {
    /// Name to show.
    pub display_name: String,
    /// Prefectural staff (required) and organizers: their prefecture.
    #[serde(default)]
    pub prefecture: Option<Prefecture>,
    /// Organizers: their organizing body (required).
    #[serde(default)]
    pub organizer_body: Option<String>,
}

impl AccountEdit {
    /// The edit of an account of `role`, trimmed, or every problem at once.
    pub fn parse(&self, role: crate::account::Role) -> Result<AccountEdit, Vec<crate::FieldError>> {
        use crate::account::Role;
        let mut errors = Vec::new();
        let display_name = self.display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            errors.push(crate::FieldError::new(
                "display_name",
                "required",
                crate::Message::key("admin.display_name.required"),
            ));
        }
        let body = self
            .organizer_body
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty());
        match role {
            Role::Physician => errors.push(crate::FieldError::new(
                "role",
                "physician",
                crate::Message::key("admin.edit.physician"),
            )),
            Role::PrefecturalStaff if self.prefecture.is_none() => {
                errors.push(crate::FieldError::new(
                    "prefecture",
                    "required",
                    crate::Message::key("admin.prefecture.required"),
                ));
            }
            Role::Organizer if body.is_none() => errors.push(crate::FieldError::new(
                "organizer_body",
                "required",
                crate::Message::key("admin.organizer_body.required"),
            )),
            _ => {}
        }
        if errors.is_empty() {
            Ok(AccountEdit {
                display_name: display_name.to_owned(),
                prefecture: self.prefecture,
                organizer_body: body.map(str::to_owned),
            })
        } else {
            Err(errors)
        }
    }
}

/// An entry of the audit log as the admin reads it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Id.
    pub id: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (user id), when a person did it.
    pub actor: Option<i32>,
    /// Their e-mail, for reading.
    pub actor_email: Option<String>,
    /// What kind of thing.
    pub entity: String,
    /// Its id.
    pub entity_id: i32,
    /// What happened.
    pub action: String,
    /// Status after.
    pub to_status: Option<String>,
    /// Why, or what was recorded.
    pub note: Option<String>,
}

/// `GET /api/admin/audit`: filters (all optional).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Who did it.
    #[serde(default)]
    pub actor: Option<i32>,
    /// What kind of thing.
    #[serde(default)]
    pub entity: Option<String>,
    /// Its id.
    #[serde(default)]
    pub entity_id: Option<i32>,
    /// What happened.
    #[serde(default)]
    pub action: Option<String>,
    /// From this day (JST).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// To this day (JST), included.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Entries before this id (the next page).
    #[serde(default)]
    pub before: Option<i32>,
}

/// A short name for the browser a session came from (`iPhone · Safari`), from its user agent;
/// `None` when nothing is recognised.
pub fn device_label(user_agent: &str) -> Option<String> {
    let ua = user_agent;
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    match (system, browser) {
        (Some(s), Some(b)) => Some(format!("{s} · {b}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_named_by_its_system_and_browser() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(iphone).as_deref(), Some("iPhone · Safari"));
        let windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        assert_eq!(device_label(windows).as_deref(), Some("Windows · Edge"));
        assert_eq!(device_label("curl/8.0"), None);
    }

    #[test]
    fn staff_must_set_up_a_second_factor_and_a_first_password_before_anything_else() {
        use Role::*;
        assert_eq!(
            stage_when_signed_in(PrefecturalStaff, false, false, true),
            SessionStage::Setup
        );
        assert_eq!(
            stage_when_signed_in(PrefecturalStaff, false, true, true),
            SessionStage::Full
        );
        assert_eq!(
            stage_when_signed_in(PrefecturalStaff, false, false, false),
            SessionStage::Full,
            "a deployment that relaxed the requirement (the demo)"
        );
        assert_eq!(
            stage_when_signed_in(Physician, false, false, true),
            SessionStage::Full
        );
        assert_eq!(
            stage_when_signed_in(Organizer, true, false, true),
            SessionStage::Setup
        );
        for role in [PrefecturalStaff, JmaStaff, Admin] {
            assert!(requires_two_factor(role));
        }
        for role in [Physician, Organizer] {
            assert!(!requires_two_factor(role));
        }
    }
}
