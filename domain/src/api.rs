//! Request and response bodies of the HTTP API, shared by the server and the browser client.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::{Membership, Role};
use crate::catalog::{Category, Certification, Delivery, Procedure, Source, Subject};
use crate::input::{Credit, EvaluationInput, Facts, Period};
use crate::prefecture::Prefecture;
use crate::text::{FieldError, Message};
use crate::units::Units;

/// The one JSON error shape of every failing request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorInfo,
}

/// What went wrong and what to do.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// A stable code, e.g. `validation`, `unauthenticated`, `not_found`.
    pub code: String,
    /// What to do, in Japanese and English.
    pub message: Message,
    /// Per-field problems of a form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// When throttled: seconds until a new try is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

/// `POST /api/auth/login`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A physician's registered details.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicianProfile {
    /// 医籍登録番号
    pub registry_number: String,
    /// 氏名
    pub name_kanji: String,
    /// フリガナ
    pub name_kana: String,
    /// 生年月日
    pub birth_date: NaiveDate,
    /// Prefecture that receives applications.
    pub prefecture: Prefecture,
    /// Membership.
    pub membership: Membership,
    /// 勤務先
    pub workplace_name: Option<String>,
    /// 電話番号
    #[serde(default)]
    pub phone: Option<String>,
}

/// `GET /api/me`: who is logged in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// User id.
    pub id: i32,
    /// Role.
    pub role: Role,
    /// Name to show.
    pub display_name: String,
    /// Login e-mail.
    pub email: String,
    /// Staff: their prefecture.
    pub prefecture: Option<Prefecture>,
    /// Organizers: their organizing body.
    pub organizer_body: Option<String>,
    /// Physicians: their details.
    pub physician: Option<PhysicianProfile>,
    /// The e-mail address was confirmed by its link.
    #[serde(default)]
    pub email_verified: bool,
    /// How far the sign-in has come (a second factor to give, or a setup to finish first).
    #[serde(default = "crate::signin::full")]
    pub stage: crate::signin::SessionStage,
}

/// A certificate with its history of validity periods.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    /// Which certification.
    pub certification: Certification,
    /// 認定番号
    pub number: String,
    /// First certified.
    pub first_certified: NaiveDate,
    /// The current period.
    pub current: Period,
    /// Every period, oldest first.
    pub periods: Vec<Period>,
    /// The day (JST) JMA revoked it, if it did: a revoked certificate is held no more (no
    /// renewal, no proof); the physician applies anew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_on: Option<NaiveDate>,
}

crate::catalog::code_enum!(
    /// Verification state of a handbook credit.
    Verification, "verification" {
        /// Declared, waiting for the original handbook.
        Pending => "pending",
        /// Checked against the original handbook.
        Verified => "verified",
        /// Not found in the original handbook: does not count.
        Rejected => "rejected",
    }
);

/// One entry of the credit ledger.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Entry id.
    pub id: i32,
    /// Day attended.
    pub date: NaiveDate,
    /// Category.
    pub category: Category,
    /// Subject, where the category has subjects.
    pub subject: Option<Subject>,
    /// Units.
    pub units: Units,
    /// In person or online.
    pub delivery: Delivery,
    /// Organizer, handbook or staff.
    pub source: Source,
    /// Handbook credits: verification state.
    pub verification: Option<Verification>,
    /// The session it came from.
    pub session_title: Option<String>,
    /// The organizer's name (handbook entries: as declared).
    pub organizer_name: Option<String>,
    /// Used by an approved renewal.
    pub consumed: bool,
    /// The application whose approved renewal used it.
    #[serde(default)]
    pub consumed_by: Option<i32>,
    /// The physician's note (handbook entries).
    #[serde(default)]
    pub note: Option<String>,
}

impl LedgerEntry {
    /// A handbook declaration the physician may still edit or withdraw (staff have not
    /// verified it yet).
    pub fn is_editable(&self) -> bool {
        self.source == Source::Handbook && self.verification == Some(Verification::Pending)
    }

    /// The entry as the engine sees it, or `None` when it does not count at all (rejected).
    pub fn to_credit(&self) -> Option<Credit> {
        if self.verification == Some(Verification::Rejected) {
            return None;
        }
        Some(Credit {
            date: self.date,
            category: self.category,
            subject: self.subject,
            units: self.units,
            delivery: self.delivery,
            source: self.source,
            consumed: self.consumed,
            verified: self.verification != Some(Verification::Pending),
        })
    }
}

/// A published training session, as the public list shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSession {
    /// Session id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Organizing body.
    pub organizing_body: String,
    /// Category.
    pub category: Category,
    /// Subject, where the category has subjects.
    pub subject: Option<Subject>,
    /// Units granted.
    pub units: Units,
    /// Day (JST).
    pub date: NaiveDate,
    /// Start, `HH:MM` JST.
    pub starts_at: String,
    /// End, `HH:MM` JST.
    pub ends_at: String,
    /// Venue.
    pub venue: String,
    /// Where attendees ask about it (phone or e-mail), if the organizer gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Prefecture of the venue.
    pub prefecture: Prefecture,
    /// A web seminar.
    pub online: bool,
    /// Credits have been posted (the organizer's list; always false before posting).
    #[serde(default)]
    pub posted: bool,
    /// The organizer cancelled it.
    #[serde(default)]
    pub cancelled: bool,
    /// Where it stands with its designation (the public list shows designated sessions only).
    pub designation: crate::sessions::Designation,
    /// 指定番号, once designated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designation_number: Option<String>,
    /// Why staff returned it (the organizer's list, while returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_reason: Option<String>,
}

impl PublicSession {
    /// The credit this session would give to a physician present for all of it.
    pub fn planned_credit(&self) -> Credit {
        Credit {
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
            consumed: false,
            verified: true,
        }
    }
}

/// `GET /api/mypage`: everything My Page and the preview need, in one request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPage {
    /// The physician's details.
    pub profile: PhysicianProfile,
    /// Today in Japan, as the server sees it (the preview's default day).
    pub today: NaiveDate,
    /// Certificates held.
    pub certificates: Vec<CertificateView>,
    /// The whole credit ledger, newest first.
    pub ledger: Vec<LedgerEntry>,
    /// Facts the engine needs (UOEH completion, exemption, activities).
    pub facts: Facts,
    /// Who the physician is to the system: until verified, nothing attaches to the account.
    pub identity: crate::identity::IdentityView,
    /// Applications under way (submitted, returned for correction, forwarded): My Page says
    /// 申請中 for them instead of offering to apply again.
    #[serde(default)]
    pub open_applications: Vec<OpenApplication>,
}

/// An application under way, as My Page names it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApplication {
    /// Application id.
    pub id: i32,
    /// New, renewal or change.
    pub kind: crate::application::ApplicationKind,
    /// Which certification.
    pub certification: Certification,
    /// Where it stands.
    pub status: crate::application::Status,
}

impl MyPage {
    /// The application under way for `procedure`, if any.
    pub fn open_for(&self, procedure: Procedure) -> Option<OpenApplication> {
        self.open_applications
            .iter()
            .copied()
            .find(|a| a.kind.procedure(a.certification) == Some(procedure))
    }

    /// The certificate of `certification` the physician holds: not one JMA revoked.
    pub fn held(&self, certification: Certification) -> Option<&CertificateView> {
        self.certificates
            .iter()
            .find(|c| c.certification == certification && c.revoked_on.is_none())
    }

    /// The procedures this physician can apply for: renewal of each certificate held, new for
    /// each not held.
    pub fn procedures(&self) -> Vec<Procedure> {
        [Certification::Occupational, Certification::Sports]
            .into_iter()
            .map(|c| self.procedure_for(c))
            .collect()
    }

    /// What the physician can apply for in `certification` today: a renewal of a certificate
    /// they hold, or a new certificate when they hold none or theirs has lapsed (past the grace
    /// period and any special measure, a renewal is no longer possible).
    pub fn procedure_for(&self, certification: Certification) -> Procedure {
        let renewable = self.held(certification).is_some() && !self.lapsed(certification);
        match (certification, renewable) {
            (Certification::Occupational, true) => Procedure::OccupationalRenewal,
            (Certification::Occupational, false) => Procedure::OccupationalNew,
            (Certification::Sports, true) => Procedure::SportsRenewal,
            (Certification::Sports, false) => Procedure::SportsNew,
        }
    }

    /// Whether the certificate of `certification` has lapsed as of today: the engine's renewal
    /// window says so (false when none is held).
    pub fn lapsed(&self, certification: Certification) -> bool {
        let renewal = match certification {
            Certification::Occupational => Procedure::OccupationalRenewal,
            Certification::Sports => Procedure::SportsRenewal,
        };
        if self.held(certification).is_none() {
            return false;
        }
        let decision = crate::evaluate(
            &crate::RuleSet::current(),
            &self.evaluation_input(renewal, self.today, &[]),
        );
        decision
            .window
            .is_some_and(|w| w.basis == crate::WindowBasis::Lapsed)
    }

    /// The engine input for `procedure` on `as_of`, plus any planned credits. The browser
    /// preview and the server decision both build their input here.
    pub fn evaluation_input(
        &self,
        procedure: Procedure,
        as_of: NaiveDate,
        planned: &[Credit],
    ) -> EvaluationInput {
        let certificate = self.held(procedure.certification()).map(|c| c.current);
        let mut credits: Vec<Credit> = self
            .ledger
            .iter()
            .filter_map(LedgerEntry::to_credit)
            .collect();
        credits.extend_from_slice(planned);
        EvaluationInput {
            procedure,
            as_of,
            certificate,
            credits,
            facts: self.facts.clone(),
        }
    }
}

/// Units of one category.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTotal {
    /// The category.
    pub category: Category,
    /// Its units.
    pub units: Units,
}

/// `GET /api/mypage/credits`: one page of the filtered history, with totals over all of it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditPage {
    /// The entries of this page, newest first.
    pub entries: Vec<LedgerEntry>,
    /// Entries matching the filter, on every page.
    pub total_count: u32,
    /// Units per category over every matching entry.
    pub totals: Vec<CategoryTotal>,
    /// Units over every matching entry.
    pub grand_total: Units,
    /// This page (from 1).
    pub page: u32,
    /// Entries per page.
    pub per_page: u32,
}

impl CreditPage {
    /// Filters, totals and pages an effective ledger (newest first).
    pub fn build(
        ledger: Vec<LedgerEntry>,
        filter: &crate::ledger::HistoryFilter,
        page: u32,
        per_page: u32,
    ) -> CreditPage {
        let per_page = per_page.clamp(1, 200);
        let page = page.max(1);
        let matching: Vec<LedgerEntry> = ledger
            .into_iter()
            .filter(|e| filter.accepts(e.date, e.category))
            .collect();
        let mut by: std::collections::BTreeMap<Category, Units> = std::collections::BTreeMap::new();
        for e in &matching {
            *by.entry(e.category).or_default() += e.units;
        }
        let grand_total = by.values().copied().sum();
        let total_count = u32::try_from(matching.len()).unwrap_or(u32::MAX);
        let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let entries = matching
            .into_iter()
            .skip(start)
            .take(per_page as usize)
            .collect();
        CreditPage {
            entries,
            total_count,
            totals: by
                .into_iter()
                .map(|(category, units)| CategoryTotal { category, units })
                .collect(),
            grand_total,
            page,
            per_page,
        }
    }
}

/// `GET /api/mypage/qr`: the personal check-in code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCode {
    /// The signed token the code carries.
    pub token: String,
    /// The code as SVG markup, drawn by the server.
    pub svg: String,
    /// Seconds until it expires (the page fetches a new one before).
    pub expires_in: u32,
}

/// `PUT /api/mypage/profile`: the contact details a physician may change themselves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    /// 勤務先
    pub workplace_name: String,
    /// 電話番号
    pub phone: String,
}

impl ContactForm {
    /// Checks both fields; the result is trimmed (an empty field clears the detail).
    pub fn parse(&self) -> Result<ContactForm, Vec<FieldError>> {
        let mut errors = Vec::new();
        let workplace = self.workplace_name.trim();
        if workplace.chars().count() > 100 {
            errors.push(FieldError::new(
                "workplace_name",
                "too_long",
                Message::key("account.workplace_name.too_long"),
            ));
        }
        // Full-width digits and the dashes Japanese keyboards type become ASCII.
        let phone: String = crate::text::ascii_width(&self.phone)
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                'ー' | '−' | '‐' | '–' | '—' => '-',
                other => other,
            })
            .collect();
        let phone_ok = phone.is_empty()
            || (phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
                && (10..=16).contains(&phone.len()));
        if !phone_ok {
            errors.push(FieldError::new(
                "phone",
                "invalid_phone",
                Message::key("contact.phone.invalid"),
            ));
        }
        if errors.is_empty() {
            Ok(ContactForm {
                workplace_name: workplace.to_owned(),
                phone,
            })
        } else {
            Err(errors)
        }
    }
}

/// `POST /api/mypage/handbook` and `PUT …/{id}`: a declaration, with a client-made reference
/// so that a retried request is recorded once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandbookRequest {
    /// The form.
    #[serde(flatten)]
    pub form: crate::ledger::HandbookForm,
    /// Made by the client once per submission (a UUID); the same value on a retry.
    #[serde(default)]
    pub client_ref: Option<uuid::Uuid>,
}

/// `POST /api/admin/users`: an admin creates a staff or organizer account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUser {
    /// Role (not physician: physicians register themselves).
    pub role: Role,
    /// Login e-mail.
    pub email: String,
    /// Name to show.
    pub display_name: String,
    /// Initial password.
    pub password: String,
    /// Prefectural staff: their prefecture.
    #[serde(default)]
    pub prefecture: Option<Prefecture>,
    /// Organizers: their organizing body.
    #[serde(default)]
    pub organizer_body: Option<String>,
}

/// A staff, organizer or admin account that passed every check.
#[derive(Clone, Debug)]
pub struct StaffAccount {
    /// Role (never physician).
    pub role: Role,
    /// Login e-mail.
    pub email: crate::account::Email,
    /// Initial password.
    pub password: crate::account::Password,
    /// Name to show.
    pub display_name: String,
    /// Prefectural staff: their prefecture.
    pub prefecture: Option<Prefecture>,
    /// Organizers: their organizing body.
    pub organizer_body: Option<String>,
}

impl CreateUser {
    /// Checks every field and returns all problems at once.
    pub fn parse(&self) -> Result<StaffAccount, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = crate::account::Email::parse(&self.email)
            .map_err(|e| errors.push(e))
            .ok();
        let password = crate::account::Password::parse(&self.password, &[])
            .map_err(|e| errors.push(e))
            .ok();
        let display_name = self.display_name.trim();
        if display_name.is_empty() {
            errors.push(FieldError::new(
                "display_name",
                "required",
                Message::key("admin.display_name.required"),
            ));
        }
        let body = self
            .organizer_body
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty());
        match self.role {
            Role::Physician => errors.push(FieldError::new(
                "role",
                "physician_self_registers",
                Message::key("admin.role.physician_self_registers"),
            )),
            Role::PrefecturalStaff if self.prefecture.is_none() => errors.push(FieldError::new(
                "prefecture",
                "required",
                Message::key("admin.prefecture.required"),
            )),
            Role::Organizer if body.is_none() => errors.push(FieldError::new(
                "organizer_body",
                "required",
                Message::key("admin.organizer_body.required"),
            )),
            _ => {}
        }
        match (email, password) {
            (Some(email), Some(password)) if errors.is_empty() => Ok(StaffAccount {
                role: self.role,
                email,
                password,
                display_name: display_name.to_owned(),
                prefecture: self.prefecture,
                organizer_body: body.map(str::to_owned),
            }),
            _ => Err(errors),
        }
    }
}

/// A user as the admin list shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// User id.
    pub id: i32,
    /// Role.
    pub role: Role,
    /// Login e-mail.
    pub email: String,
    /// Name to show.
    pub display_name: String,
    /// Staff: their prefecture.
    pub prefecture: Option<Prefecture>,
    /// Organizers: their organizing body.
    pub organizer_body: Option<String>,
}

/// `POST /api/organizer/sessions/{id}/scans`: one check-in or check-out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRequest {
    /// Made on the device once per scan (a UUID); a retry or replay sends the same one.
    pub client_id: uuid::Uuid,
    /// In or out.
    pub kind: crate::sessions::ScanKind,
    /// When the scan happened, by the device's clock (scans queued offline arrive later).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The signed token read from the physician's QR code.
    #[serde(default)]
    pub token: Option<String>,
    /// Or the registry number, when the code could not be scanned (search by number).
    #[serde(default)]
    pub registry_number: Option<String>,
    /// Date of birth, noted for someone without a My Page yet.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// A typed number with no My Page is recorded only when the desk confirms it (a second
    /// tap): a mistyped number must not look like a success.
    #[serde(default)]
    pub confirm_unknown: bool,
}

/// What the check-in page shows after a scan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanResult {
    /// The scan's id (for undo).
    pub scan_id: i32,
    /// In or out.
    pub kind: crate::sessions::ScanKind,
    /// When it happened.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Registry number.
    pub registry_number: String,
    /// Name, when the physician has a My Page.
    pub name: Option<String>,
    /// Kana, when the physician has a My Page.
    pub kana: Option<String>,
    /// Earlier scan of the same kind, for "already checked in at 09:02".
    pub already_at: Option<chrono::DateTime<chrono::Utc>>,
    /// This request repeated an earlier one (same `client_id`): nothing new was recorded.
    pub replayed: bool,
    /// A check-out of someone with no check-in in force: recorded, but the desk warns.
    #[serde(default)]
    pub no_check_in: bool,
}

/// One attendee of a session, for the organizer's review before posting.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRow {
    /// Registry number.
    pub registry_number: String,
    /// Name, when registered.
    pub name: Option<String>,
    /// フリガナ, when registered (the review lists attendees in kana order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kana: Option<String>,
    /// First check-in.
    pub first_in: Option<chrono::DateTime<chrono::Utc>>,
    /// Last check-out.
    pub last_out: Option<chrono::DateTime<chrono::Utc>>,
    /// Full or partial, under the session's tolerances.
    pub presence: crate::sessions::Presence,
    /// A lecturer of the session.
    pub lecturer: bool,
    /// After posting: an effective credit of this session is on the attendee's ledger.
    #[serde(default)]
    pub credited: bool,
}

/// A partial attendee granted the units anyway, with the organizer's reason.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Registry number.
    pub registry_number: String,
    /// Why (required).
    pub reason: String,
}

/// `POST /api/organizer/sessions/{id}/post`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRequest {
    /// Partial attendees granted the units.
    #[serde(default)]
    pub grants: Vec<Grant>,
    /// Post even though a helper's device said it still holds scans.
    #[serde(default)]
    pub confirm_unsent: bool,
}

/// The answer to posting a session.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostResult {
    /// Credits written (attendees and lecturers).
    pub credits_written: u32,
}

/// `GET /api/organizer/sessions/{id}/lookup`: a physician found by full name and date of birth
/// (search first: there is no list of attendees to browse).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupHit {
    /// Registry number, used to record the scan.
    pub registry_number: String,
    /// Name.
    pub name: String,
    /// Reading.
    pub kana: String,
}

/// A helper device's link to one session's check-in page (the token itself is shown once).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorLink {
    /// Link id.
    pub id: i32,
    /// Who holds it ("受付2" …).
    pub label: String,
    /// Made at.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Stops working at.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// Revoked at, if revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the device last reported (it reports whenever it is online).
    #[serde(default)]
    pub last_seen_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Scans the device said it still held, not yet recorded by the server.
    #[serde(default)]
    pub unsent_scans: u32,
}

/// `POST /api/door/status`: what a door device still holds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatus {
    /// Scans on the device not yet recorded by the server (waiting or refused).
    pub unsent: u32,
}

/// `POST /api/organizer/sessions/{id}/doors/{link}/revoke`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    /// Revoke even though the device said it still holds scans.
    #[serde(default)]
    pub confirm_unsent: bool,
}

/// One scan of one person in a session, for the door's history (to undo the right row).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanLine {
    /// The scan's id.
    pub scan_id: i32,
    /// In or out.
    pub kind: crate::sessions::ScanKind,
    /// When, by the device's clock.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The helper link it came through (its label), or none for the organizer's own device.
    pub via: Option<String>,
    /// It has been undone.
    pub undone: bool,
    /// It can still be undone (recorded within the undo window and not undone).
    pub can_undo: bool,
}

/// The order of attendee lists (the review, the door's who-is-in, the exports): フリガナ order,
/// as a paper list would be; numbers without a My Page last, by number.
pub fn kana_order<'a>(
    kana: Option<&'a str>,
    registry: &'a str,
) -> (bool, Option<&'a str>, &'a str) {
    (kana.is_none(), kana, registry)
}

/// Someone inside the hall now: their latest scan is a check-in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentPerson {
    /// Registry number.
    pub registry_number: String,
    /// Name, when the physician has a My Page.
    pub name: Option<String>,
    /// Kana, when the physician has a My Page.
    pub kana: Option<String>,
    /// Checked in at (the latest check-in).
    pub since: chrono::DateTime<chrono::Utc>,
}

/// Who is in the hall and how many came and left (`GET …/presence`), as the server has
/// recorded it; a door device adds the scans it still holds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorPresence {
    /// Inside now, in kana order (people without a My Page last, by number).
    pub inside: Vec<PresentPerson>,
    /// People checked in at least once.
    pub checked_in: u32,
    /// People whose latest scan is a check-out.
    pub checked_out: u32,
    /// Their registry numbers (so that a device can tell a return from a newcomer offline).
    #[serde(default)]
    pub left: Vec<String>,
}

impl DoorPresence {
    /// The presence from every live (not undone) scan of a session, in any order:
    /// `(registry number, in or out, when)`; `who` names a registry number.
    pub fn from_scans<'a>(
        scans: impl IntoIterator<
            Item = (
                &'a str,
                crate::sessions::ScanKind,
                chrono::DateTime<chrono::Utc>,
            ),
        >,
        who: impl Fn(&str) -> (Option<String>, Option<String>),
    ) -> DoorPresence {
        use crate::sessions::ScanKind;
        use std::collections::BTreeMap;
        // Each person's latest scan, and whether they ever came in.
        let mut latest: BTreeMap<&str, (ScanKind, chrono::DateTime<chrono::Utc>, bool)> =
            BTreeMap::new();
        for (registry, kind, at) in scans {
            let e = latest.entry(registry).or_insert((kind, at, false));
            if at >= e.1 {
                (e.0, e.1) = (kind, at);
            }
            e.2 |= kind == ScanKind::In;
        }
        let mut presence = DoorPresence::default();
        for (registry, (kind, at, came_in)) in latest {
            presence.checked_in += u32::from(came_in);
            match kind {
                ScanKind::Out => {
                    presence.checked_out += 1;
                    presence.left.push(registry.to_owned());
                }
                ScanKind::In => {
                    let (name, kana) = who(registry);
                    presence.inside.push(PresentPerson {
                        registry_number: registry.to_owned(),
                        name,
                        kana,
                        since: at,
                    });
                }
            }
        }
        presence.sort();
        presence
    }

    /// Adds a scan this device holds (not recorded yet): the person comes in or leaves.
    pub fn apply(
        &mut self,
        registry: &str,
        kind: crate::sessions::ScanKind,
        at: chrono::DateTime<chrono::Utc>,
        name: Option<String>,
    ) {
        use crate::sessions::ScanKind;
        let inside = self
            .inside
            .iter()
            .position(|p| p.registry_number == registry);
        let left = self.left.iter().position(|r| r == registry);
        match (kind, inside) {
            (ScanKind::In, Some(i)) => self.inside[i].since = self.inside[i].since.max(at),
            (ScanKind::In, None) => {
                match left {
                    // Back after leaving: no longer counted as out.
                    Some(j) => {
                        self.left.remove(j);
                        self.checked_out = self.checked_out.saturating_sub(1);
                    }
                    None => self.checked_in += 1,
                }
                self.inside.push(PresentPerson {
                    registry_number: registry.to_owned(),
                    name,
                    kana: None,
                    since: at,
                });
                self.sort();
            }
            (ScanKind::Out, Some(i)) => {
                self.inside.remove(i);
                self.left.push(registry.to_owned());
                self.checked_out += 1;
            }
            (ScanKind::Out, None) if left.is_none() => {
                self.left.push(registry.to_owned());
                self.checked_out += 1;
            }
            (ScanKind::Out, None) => {}
        }
    }

    /// The people inside whose name, kana or registry number contains `text` (spaces and
    /// full-width digits ignored, hiragana read as katakana).
    pub fn find(&self, text: &str) -> Vec<&PresentPerson> {
        let fold = |t: &str| -> String {
            crate::text::full_width_kana(&crate::text::ascii_width(t))
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c {
                    'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                    other => other,
                })
                .collect()
        };
        let wanted = fold(text);
        self.inside
            .iter()
            .filter(|p| {
                wanted.is_empty()
                    || [Some(&p.registry_number), p.name.as_ref(), p.kana.as_ref()]
                        .into_iter()
                        .flatten()
                        .any(|field| fold(field).contains(&wanted))
            })
            .collect()
    }

    fn sort(&mut self) {
        self.inside.sort_by(|a, b| {
            kana_order(a.kana.as_deref(), &a.registry_number)
                .cmp(&kana_order(b.kana.as_deref(), &b.registry_number))
        });
    }
}

/// `POST /api/organizer/sessions/{id}/doors`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDoorLink {
    /// Who will hold it.
    pub label: String,
    /// Hours it works for (1 to 48).
    pub hours: u32,
}

/// The answer to making a helper link: the secret is in `path`, shown this once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorLinkCreated {
    /// The stored link.
    pub link: DoorLink,
    /// `/door#TOKEN`: the token rides in the fragment, which browsers never send to servers.
    pub path: String,
    /// The link's absolute address as a QR code (SVG), for the helper's phone camera: shown once
    /// on the organizer's screen, like the address.
    #[serde(default)]
    pub qr_svg: String,
}

/// `GET /api/door`: what a helper's device may do.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorInfo {
    /// The one session it is scoped to.
    pub session: PublicSession,
    /// The link's label.
    pub label: String,
    /// Stops working at.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// What a correction after posting does.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionAction {
    /// Give the session's units to someone who has none from it (a missed scan, a late grant).
    Add,
    /// Withdraw the units given by the session (recorded in error).
    Withdraw,
}

/// `POST /api/organizer/sessions/{id}/corrections`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCorrection {
    /// Whose units.
    pub registry_number: String,
    /// Add or withdraw.
    pub action: CorrectionAction,
    /// Why (required, audited).
    pub reason: String,
    /// Made on the device (a UUID): a retry answers the first result.
    #[serde(default)]
    pub client_ref: Option<uuid::Uuid>,
}

/// `POST /api/review/sessions/additions`: units the prefecture gives for a designated session
/// after its posting window closed (a later addition), with the reason, found by the session's
/// designation number.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateAddition {
    /// The session's designation number (指定番号).
    pub designation_number: String,
    /// JMA: the session's prefecture (JIS code), when numbers of two prefectures are alike.
    #[serde(default)]
    pub prefecture: Option<u8>,
    /// Whose units.
    pub registry_number: String,
    /// Why (required, audited).
    pub reason: String,
    /// Made on the device (a UUID): a retry answers the first result.
    #[serde(default)]
    pub client_ref: Option<uuid::Uuid>,
}

/// A posted unit left unattached: its registry number has a verified My Page, but the birth
/// date the door noted for it is not that physician's (`GET /api/review/unattached`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnattachedCredit {
    /// The ledger entry.
    pub credit_id: i32,
    /// Registry number it was recorded under.
    pub registry_number: String,
    /// Birth date the door noted.
    pub noted_birth_date: NaiveDate,
    /// Day of the training.
    pub date: NaiveDate,
    /// Category.
    pub category: crate::Category,
    /// Units.
    pub units: crate::Units,
    /// The session's title, if from a session.
    pub session_title: Option<String>,
    /// The physician who holds the number: name.
    pub name: String,
    /// Their kana.
    pub kana: String,
    /// Their birth date.
    pub birth_date: NaiveDate,
}

/// `POST /api/review/unattached/{credit}`: the staff's decision, with the reason (audited).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachRequest {
    /// Why it is the same person (the door typed the birth date wrong, say).
    pub reason: String,
}

/// What a later addition gave: the session and the attendee's row after it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateAdded {
    /// The session.
    pub session: PublicSession,
    /// The attendee, now credited.
    pub row: AttendanceRow,
}

/// A line of a paper attendance sheet that cannot be imported, and why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// Line number in the file (1-based, the header is line 1 when present).
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: crate::Message,
}

/// The answer to a CSV import or its dry run.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Only checked; nothing written.
    pub dry_run: bool,
    /// Lines that can be imported.
    pub valid_rows: usize,
    /// Lines already imported before (same line content), skipped.
    pub already_imported: usize,
    /// Every line that cannot be imported. Nothing is written while there is one.
    pub problems: Vec<ImportProblem>,
    /// Scans written (0 on a dry run).
    pub scans_written: usize,
}

#[cfg(test)]
mod tests {
    use super::{ContactForm, DoorPresence};
    use crate::sessions::ScanKind::{In, Out};

    fn at(minute: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_800_000_000 + i64::from(minute) * 60, 0).unwrap()
    }

    fn who(registry: &str) -> (Option<String>, Option<String>) {
        match registry {
            "1" => (Some("山田 太郎".into()), Some("ヤマダ　タロウ".into())),
            "2" => (Some("青木 花子".into()), Some("アオキ　ハナコ".into())),
            _ => (None, None),
        }
    }

    #[test]
    fn presence_follows_each_persons_latest_scan_in_kana_order() {
        let scans = [
            ("1", In, at(0)),
            ("2", In, at(1)),
            ("3", In, at(2)),
            ("3", Out, at(50)),
            ("4", Out, at(60)),
            ("1", Out, at(30)),
            ("1", In, at(40)),
        ];
        let p = DoorPresence::from_scans(scans, who);
        let inside: Vec<&str> = p
            .inside
            .iter()
            .map(|p| p.registry_number.as_str())
            .collect();
        assert_eq!(inside, ["2", "1"], "kana order; a return counts as inside");
        assert_eq!(p.inside[1].since, at(40));
        assert_eq!(
            (p.checked_in, p.checked_out),
            (3, 2),
            "4 left without coming in"
        );
        assert_eq!(p.left, ["3", "4"]);
    }

    #[test]
    fn a_held_scan_moves_a_person_in_or_out_on_the_device() {
        let mut p = DoorPresence::from_scans([("1", In, at(0)), ("3", Out, at(5))], who);
        p.apply("1", Out, at(10), None);
        p.apply("3", In, at(11), None);
        p.apply("5", In, at(12), Some("新人".into()));
        p.apply("5", In, at(13), None);
        let inside: Vec<&str> = p
            .inside
            .iter()
            .map(|p| p.registry_number.as_str())
            .collect();
        assert_eq!(inside, ["3", "5"]);
        assert_eq!(
            (p.checked_in, p.checked_out),
            (2, 1),
            "3 came back; 5 is new"
        );
        assert_eq!(p.left, ["1"]);
        // Offline search: by kana in hiragana, by name, by number.
        let p = DoorPresence::from_scans([("1", In, at(0)), ("2", In, at(1))], who);
        let found = |t: &str| -> Vec<String> {
            p.find(t)
                .iter()
                .map(|p| p.registry_number.clone())
                .collect()
        };
        assert_eq!(found("やまだ"), ["1"]);
        assert_eq!(found("ﾔﾏﾀﾞ ﾀ"), ["1"]);
        assert_eq!(found("青木"), ["2"]);
        assert_eq!(found("２"), ["2"]);
        assert_eq!(found("").len(), 2);
    }

    #[test]
    fn a_phone_number_typed_full_width_is_accepted_half_width() {
        let form = ContactForm {
            workplace_name: "京都総合病院".into(),
            phone: "０７５－１２３－４５６７".into(),
        };
        assert_eq!(form.parse().unwrap().phone, "075-123-4567");
        let bad = ContactForm {
            phone: "電話".into(),
            ..ContactForm::default()
        };
        assert_eq!(bad.parse().unwrap_err()[0].code, "invalid_phone");
    }
}
