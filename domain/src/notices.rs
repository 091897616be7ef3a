//! What a physician is told: expiry reminders and the steps of their applications, on My Page
//! and, as each physician chooses per kind, by e-mail. And what the public verification page
//! answers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::standing::CertificateStatus;
use crate::{Certification, Message};

/// The kinds of notice, each with its own choice of mail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Expiry reminders of a certificate.
    Reminder,
    /// A step of one of the physician's applications.
    Application,
    /// A session the physician planned changed or was cancelled (mailed with the reminders).
    Session,
}

impl NoticeKind {
    /// The code stored in the table.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Reminder => "reminder",
            NoticeKind::Application => "application",
            NoticeKind::Session => "session",
        }
    }

    /// The kind of a stored code.
    pub fn from_code(code: &str) -> Option<NoticeKind> {
        match code {
            "reminder" => Some(NoticeKind::Reminder),
            "application" => Some(NoticeKind::Application),
            "session" => Some(NoticeKind::Session),
            _ => None,
        }
    }
}

/// A physician's choice of mail for each kind of notice (My Page shows every notice anyway).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSettings {
    /// Expiry reminders by e-mail.
    pub reminders_by_mail: bool,
    /// Application steps by e-mail.
    pub applications_by_mail: bool,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        NoticeSettings {
            reminders_by_mail: true,
            applications_by_mail: true,
        }
    }
}

/// One notice on My Page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Its id (newest is highest).
    pub id: i32,
    /// Reminder or application step.
    pub kind: NoticeKind,
    /// What it says.
    pub message: Message,
    /// Where it leads in the app (a path), if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Whether a mail went out with it.
    pub mailed: bool,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/mypage/notices`: the newest notices and the choices of mail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notices {
    /// The choices of mail.
    pub settings: NoticeSettings,
    /// The newest notices, newest first (at most [`NOTICES_SHOWN`]).
    pub items: Vec<Notice>,
}

/// How many notices My Page lists.
pub const NOTICES_SHOWN: u64 = 30;

/// `GET /api/verify/{code}`: what anyone with a certificate's code may know of it, as of
/// `as_of`, and nothing else.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedCertificate {
    /// Valid, expired, lapsed or revoked, as of `as_of`.
    pub status: CertificateStatus,
    /// The holder's name.
    pub name: String,
    /// The certification.
    pub certification: Certification,
    /// The certificate number.
    pub number: String,
    /// First day of the current validity period.
    pub valid_from: NaiveDate,
    /// Last day of the current validity period.
    pub valid_until: NaiveDate,
    /// The printed certificate showed an earlier period: the certificate has been renewed since.
    pub superseded: bool,
    /// The day the status is of (today in Japan).
    pub as_of: NaiveDate,
}
