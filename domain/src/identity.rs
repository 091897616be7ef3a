//! Who a physician is: a verified e-mail address, then an identity verified either by a full
//! match with JMA's registry or by the prefectural staff who checked the medical licence.
//! Until then nothing is theirs: no attendance attaches, no QR code, no application.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::code_enum;
use crate::prefecture::Prefecture;
use crate::registry::{RegistryMatch, RegistryPerson};

code_enum!(
    /// A physician's identity state (本人確認).
    IdentityStatus, "identity status" {
        /// Not verified yet.
        Pending => "pending",
        /// Matched with the registry or checked by staff.
        Verified => "verified",
        /// Staff could not confirm it (the physician may send another document).
        Rejected => "rejected",
    }
);

code_enum!(
    /// What staff are asked to decide.
    RequestKind, "identity request kind" {
        /// Check the medical licence of a registration the registry does not confirm.
        Licence => "licence",
        /// Someone says a registry number already in use is theirs.
        Claim => "claim",
    }
);

code_enum!(
    /// Where a request stands.
    RequestStatus, "identity request status" {
        /// Waiting for the licence, or for staff.
        Pending => "pending",
        /// Staff confirmed it.
        Verified => "verified",
        /// Staff refused it, with a reason.
        Rejected => "rejected",
    }
);

/// What a physician's account knows about who they are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityView {
    /// The e-mail address was confirmed by its link.
    pub email_verified: bool,
    /// The identity state.
    pub status: IdentityStatus,
    /// How the registration compared with the registry at the last check.
    pub registry_match: RegistryMatch,
    /// The latest request to staff, if any.
    pub request: Option<RequestView>,
}

impl IdentityView {
    /// Whether everything is open to the physician (units, QR code, applications).
    pub fn verified(&self) -> bool {
        self.email_verified && self.status == IdentityStatus::Verified
    }
}

/// A request as its physician sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// Id.
    pub id: i32,
    /// Licence check or claim.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// The licence was sent (staff can decide).
    pub document_sent: bool,
    /// When it was sent to staff.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Why it was refused.
    pub reason: Option<String>,
}

/// `POST /api/identity/licence`: the uploaded licence to check (from `POST /api/documents`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceRequest {
    /// The document id.
    pub document_id: i32,
}

/// A request in the staff's queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Id.
    pub id: i32,
    /// Licence check or claim.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// 医籍登録番号 as registered (or claimed).
    pub registry_number: String,
    /// 氏名 as registered.
    pub name_kanji: String,
    /// フリガナ as registered.
    pub name_kana: String,
    /// 生年月日 as registered.
    pub birth_date: NaiveDate,
    /// The prefecture that decides.
    pub prefecture: Prefecture,
    /// Sent to staff at.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The licence (download with `GET /api/documents/{id}`).
    pub document_id: Option<i32>,
    /// What the registry says of this number, for comparison.
    pub registry: Option<RegistryPerson>,
    /// Claims: the name of the account that holds the number now.
    pub current_holder: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
}

/// `POST /api/review/identities/{id}/decide`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Confirmed (true) or refused (false).
    pub verified: bool,
    /// Why it is refused (required then).
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/auth/verify-email`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailToken {
    /// The token from the mailed link.
    pub token: String,
}
