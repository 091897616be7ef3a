//! What the database keeps, as the server's services see it: plain typed records that the
//! `db` layer reads and writes. The API types (`api`, `application`) are built from these.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::Role;
use crate::api::{LedgerEntry, PhysicianProfile, PublicSession, Verification};
use crate::application::{ApplicationKind, DocumentKind, FeeChannel, FileType, Status};
use crate::catalog::{Category, Certification, Delivery, Source, Subject};
use crate::ledger::EntryKind;
use crate::policy::ApplicationAccess;
use crate::prefecture::Prefecture;
use crate::sessions::ScanKind;
use crate::units::Units;

/// A user account (any role).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i32,
    /// Role.
    pub role: Role,
    /// Login e-mail.
    pub email: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Staff: their prefecture; physicians: the prefecture of their association.
    pub prefecture: Option<Prefecture>,
    /// Organizers: their organizing body.
    pub organizer_body: Option<String>,
    /// The e-mail address was confirmed by its link.
    pub email_verified: bool,
    /// An admin (or a decided claim) disabled the account.
    pub disabled: bool,
    /// A first password is to be chosen (an account someone else made).
    pub must_change_password: bool,
    /// Two-factor sign-in is on.
    pub two_factor: bool,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last successful sign-in, if any.
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A physician's registered identity and contact details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Physician {
    /// The user id of the physician's account.
    pub user_id: i32,
    /// What the physician registered.
    pub profile: PhysicianProfile,
}

/// One stored row of the credit ledger: what was written, and what the server keeps beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditRow {
    /// Id.
    pub id: i32,
    /// The application whose approval used these units.
    pub consumed_by: Option<i32>,
    /// Written at.
    pub created_at: DateTime<Utc>,
    /// The row as written.
    pub credit: NewCredit,
}

impl CreditRow {
    /// The row as My Page shows it.
    pub fn entry(&self, session_title: Option<String>) -> LedgerEntry {
        let c = &self.credit;
        LedgerEntry {
            id: self.id,
            date: c.date,
            category: c.category,
            subject: c.subject,
            units: c.units,
            delivery: c.delivery,
            source: c.source,
            verification: c.verification,
            session_title,
            organizer_name: c.organizer_name.clone(),
            consumed: self.consumed_by.is_some(),
            consumed_by: self.consumed_by,
            note: c.note.clone(),
        }
    }

    /// A new row written from this one (a correction or withdrawal copies its facts).
    pub fn successor(&self) -> NewCredit {
        NewCredit {
            corrects_id: Some(self.id),
            kind: EntryKind::Correction,
            server_ref: None,
            ..self.credit.clone()
        }
    }
}

/// A ledger row to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCredit {
    /// The physician, when the number belongs to a My Page.
    pub physician_id: Option<i32>,
    /// 医籍登録番号.
    pub registry_number: String,
    /// Day attended.
    pub date: NaiveDate,
    /// Category.
    pub category: Category,
    /// Subject.
    pub subject: Option<Subject>,
    /// Units.
    pub units: Units,
    /// In person or online.
    pub delivery: Delivery,
    /// Organizer, handbook or staff.
    pub source: Source,
    /// The session it comes from.
    pub session_id: Option<i32>,
    /// Handbook rows: verification state.
    pub verification: Option<Verification>,
    /// Organizer's name.
    pub organizer_name: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// The row this one corrects or withdraws.
    pub corrects_id: Option<i32>,
    /// Written by.
    pub created_by: Option<i32>,
    /// Entry, correction or withdrawal.
    pub kind: EntryKind,
    /// A key the server makes so that a write happens once (posting: `session-N-R`); clients'
    /// references live in `client_requests`.
    pub server_ref: Option<String>,
    /// Date of birth noted at the door.
    pub attendee_birth_date: Option<NaiveDate>,
}

/// The effective rows of a ledger: every row that nothing corrects, except withdrawals.
pub fn effective(rows: Vec<CreditRow>) -> Vec<CreditRow> {
    let superseded: HashSet<i32> = rows.iter().filter_map(|r| r.credit.corrects_id).collect();
    rows.into_iter()
        .filter(|r| !superseded.contains(&r.id) && r.credit.kind != EntryKind::Withdrawal)
        .collect()
}

/// A training session as stored.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Id.
    pub id: i32,
    /// The organizer's user id.
    pub organizer_id: i32,
    /// Organizing body.
    pub organizing_body: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category: Category,
    /// Subject.
    pub subject: Option<Subject>,
    /// Units.
    pub units: Units,
    /// Day (JST).
    pub date: NaiveDate,
    /// Start (JST).
    pub starts_at: NaiveTime,
    /// End (JST).
    pub ends_at: NaiveTime,
    /// Venue.
    pub venue: String,
    /// Where attendees ask about it.
    pub contact: Option<String>,
    /// Prefecture of the venue.
    pub prefecture: Prefecture,
    /// A web seminar.
    pub online: bool,
    /// Capacity.
    pub capacity: u32,
    /// 指定番号 (empty until designated).
    pub designation_number: String,
    /// Where it stands with its designation.
    pub designation: crate::sessions::Designation,
    /// Why staff returned it (while returned).
    pub returned_reason: Option<String>,
    /// Check-in tolerance, minutes.
    pub tolerance_in_minutes: u32,
    /// Check-out tolerance, minutes.
    pub tolerance_out_minutes: u32,
    /// Shown in the public list.
    pub published: bool,
    /// When its credits were posted.
    pub posted_at: Option<DateTime<Utc>>,
    /// When the organizer cancelled it.
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl Session {
    /// Whether the prefecture (or JMA) has designated it: only then is it published, does it take
    /// scans, and can it be posted.
    pub fn designated(&self) -> bool {
        self.designation == crate::sessions::Designation::Designated
    }

    /// The session as the public list shows it.
    pub fn public(&self) -> PublicSession {
        PublicSession {
            id: self.id,
            title: self.title.clone(),
            organizing_body: self.organizing_body.clone(),
            category: self.category,
            subject: self.subject,
            units: self.units,
            date: self.date,
            starts_at: self.starts_at.format("%H:%M").to_string(),
            ends_at: self.ends_at.format("%H:%M").to_string(),
            venue: self.venue.clone(),
            contact: self.contact.clone(),
            prefecture: self.prefecture,
            online: self.online,
            posted: self.posted_at.is_some(),
            cancelled: self.cancelled_at.is_some(),
            designation: self.designation,
            designation_number: Some(self.designation_number.clone()).filter(|n| !n.is_empty()),
            returned_reason: self.returned_reason.clone(),
        }
    }

    /// The credit this session gives one attendee.
    pub fn credit_for(
        &self,
        organizer: i32,
        physician_id: Option<i32>,
        registry_number: &str,
        note: Option<String>,
    ) -> NewCredit {
        NewCredit {
            physician_id,
            registry_number: registry_number.to_owned(),
            date: self.date,
            category: self.category,
            subject: self.subject,
            units: self.units,
            delivery: if self.online {
                Delivery::Online
            } else {
                Delivery::InPerson
            },
            source: Source::System,
            session_id: Some(self.id),
            verification: None,
            organizer_name: Some(self.organizing_body.clone()),
            note,
            corrects_id: None,
            created_by: Some(organizer),
            kind: EntryKind::Entry,
            server_ref: None,
            attendee_birth_date: None,
        }
    }
}

/// A check-in or check-out as stored (an undo is a scan that points at the one it undoes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    /// Id.
    pub id: i32,
    /// Session.
    pub session_id: i32,
    /// Made on the device (or by the server for undos and imports).
    pub client_id: String,
    /// Who.
    pub registry_number: String,
    /// In or out.
    pub kind: ScanKind,
    /// When, by the device's clock.
    pub scanned_at: DateTime<Utc>,
    /// When the server recorded it.
    pub recorded_at: DateTime<Utc>,
    /// The organizer it was recorded for.
    pub recorded_by: Option<i32>,
    /// Date of birth noted for someone without a My Page.
    pub birth_date: Option<NaiveDate>,
    /// The scan this one undoes.
    pub undoes_id: Option<i32>,
    /// Why (undos, imports).
    pub reason: Option<String>,
    /// The helper link it came through.
    pub door_link_id: Option<i32>,
}

/// A helper's check-in link as stored (the token itself is never kept, only its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoorLinkRecord {
    /// Id.
    pub id: i32,
    /// The one session it opens.
    pub session_id: i32,
    /// Whose device ("受付2 佐藤").
    pub label: String,
    /// The organizer who made it.
    pub created_by: i32,
    /// Made at.
    pub created_at: DateTime<Utc>,
    /// Closes at.
    pub expires_at: DateTime<Utc>,
    /// Revoked at.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the device last reported.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Scans the device said it still held.
    pub unsent_scans: u32,
}

/// An application as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationRecord {
    /// Id.
    pub id: i32,
    /// The applicant.
    pub physician_id: i32,
    /// The prefecture whose association reviews it.
    pub prefecture: Prefecture,
    /// New, renewal or change of details.
    pub kind: ApplicationKind,
    /// Which certification.
    pub certification: Certification,
    /// Status.
    pub status: Status,
    /// The form as submitted (JSON of `ApplicationForm`).
    pub form_json: String,
    /// The engine's decision at submission (JSON of `Decision`).
    pub decision_json: Option<String>,
    /// Submitted on (JST).
    pub submitted_on: NaiveDate,
    /// JMA receipt deadline of its review round.
    pub round_deadline: Option<NaiveDate>,
    /// Fee received on.
    pub fee_paid_on: Option<NaiveDate>,
    /// How the fee was paid.
    pub fee_channel: Option<FeeChannel>,
    /// Original handbook arrived on.
    pub handbook_arrived_on: Option<NaiveDate>,
    /// What the prefecture asked to correct.
    pub correction_message: Option<String>,
    /// Certificate number granted on approval.
    pub granted_number: Option<String>,
    /// Validity granted, from.
    pub granted_from: Option<NaiveDate>,
    /// Validity granted, until.
    pub granted_until: Option<NaiveDate>,
}

impl ApplicationRecord {
    /// What the permissions need to know.
    pub fn access(&self) -> ApplicationAccess {
        ApplicationAccess {
            physician_id: self.physician_id,
            prefecture: self.prefecture,
            status: self.status,
        }
    }
}

/// An uploaded document as stored (its bytes are in the object store under `storage_key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Id.
    pub id: i32,
    /// Who uploaded it.
    pub owner_id: i32,
    /// The application it is attached to.
    pub application_id: Option<i32>,
    /// What it is.
    pub kind: DocumentKind,
    /// The name it had on the device (data, never a path).
    pub file_name: String,
    /// Type recognised from the bytes.
    pub file_type: FileType,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Key in the object store, made by the server.
    pub storage_key: String,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
}

/// A certificate as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRecord {
    /// Id.
    pub id: i32,
    /// Holder.
    pub physician_id: i32,
    /// Which certification.
    pub certification: Certification,
    /// 認定番号.
    pub number: String,
    /// First certified on.
    pub first_certified: NaiveDate,
    /// Current period, from.
    pub valid_from: NaiveDate,
    /// Current period, until.
    pub valid_until: NaiveDate,
}
