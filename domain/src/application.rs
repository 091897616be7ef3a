//! Applications (申請): what a physician applies for, the documents it needs, the review
//! workflow as a state machine, and the checks that decide when a prefecture may forward it and
//! JMA may approve it. Pure: the server stores, this module decides.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::account::Membership;
use crate::api::{LedgerEntry, PhysicianProfile};
use crate::catalog::{Certification, Procedure, code_enum};
use crate::dates::{add_years, next_day, previous_day};
use crate::engine::{Decision, ReviewRound, Route};
use crate::input::{Facts, Period};
use crate::rules::RuleSet;
use crate::text::{FieldError, Message};
use crate::units::Units;

code_enum!(
    /// What is applied for.
    ApplicationKind, "application kind" {
        /// 新規申請
        New => "new",
        /// 更新申請
        Renewal => "renewal",
        /// 勤務先変更 (or another registered detail)
        WorkplaceChange => "workplace_change",
    }
);

impl ApplicationKind {
    /// The procedure the engine decides for this kind, if it decides one.
    pub const fn procedure(self, certification: Certification) -> Option<Procedure> {
        match (self, certification) {
            (ApplicationKind::New, Certification::Occupational) => Some(Procedure::OccupationalNew),
            (ApplicationKind::New, Certification::Sports) => Some(Procedure::SportsNew),
            (ApplicationKind::Renewal, Certification::Occupational) => {
                Some(Procedure::OccupationalRenewal)
            }
            (ApplicationKind::Renewal, Certification::Sports) => Some(Procedure::SportsRenewal),
            (ApplicationKind::WorkplaceChange, _) => None,
        }
    }

    /// Whether the review and registration fee is due.
    pub const fn has_fee(self) -> bool {
        !matches!(self, ApplicationKind::WorkplaceChange)
    }
}

code_enum!(
    /// Where an application stands.
    Status, "status" {
        /// 申請中: waiting for the prefectural association.
        Submitted => "submitted",
        /// 差戻し: the physician must correct and resubmit.
        CorrectionRequested => "correction_requested",
        /// 日医へ進達: waiting for JMA's review round.
        Forwarded => "forwarded",
        /// 承認
        Approved => "approved",
        /// 却下
        Rejected => "rejected",
        /// 取下げ by the physician.
        Withdrawn => "withdrawn",
    }
);

impl Status {
    /// Whether nothing can happen to the application any more.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            Status::Approved | Status::Rejected | Status::Withdrawn
        )
    }
}

/// Who takes a step.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The applicant.
    Physician,
    /// Staff of the application's prefectural association.
    Prefecture,
    /// JMA staff.
    Jma,
}

code_enum!(
    /// Everything that can happen to an application; each is one audit-log entry.
    Step, "step" {
        /// The physician submits.
        Submit => "submit",
        /// The physician resubmits after a correction request.
        Resubmit => "resubmit",
        /// The physician withdraws the application.
        Withdraw => "withdraw",
        /// The prefecture asks for a correction, with a message.
        RequestCorrection => "request_correction",
        /// The prefecture records the fee.
        RecordFee => "record_fee",
        /// The prefecture records the arrival of the original handbook.
        RecordHandbook => "record_handbook",
        /// The prefecture verifies or rejects one handbook credit.
        VerifyCredit => "verify_credit",
        /// The prefecture forwards to JMA.
        Forward => "forward",
        /// JMA approves.
        Approve => "approve",
        /// JMA rejects, with a reason.
        Reject => "reject",
    }
);

/// A step that the application's status does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{step} is not possible while the application is {status}")]
pub struct IllegalStep {
    /// The step tried.
    pub step: Step,
    /// The status it was tried in.
    pub status: Status,
}

impl IllegalStep {
    /// What the person should know.
    pub fn message(&self) -> Message {
        Message::key("application.illegal_step")
            .arg_key("status", format!("application.status.{}", self.status))
    }
}

impl Step {
    /// Who may take this step.
    pub const fn actor(self) -> Actor {
        match self {
            Step::Submit | Step::Resubmit | Step::Withdraw => Actor::Physician,
            Step::RequestCorrection
            | Step::RecordFee
            | Step::RecordHandbook
            | Step::VerifyCredit
            | Step::Forward => Actor::Prefecture,
            Step::Approve | Step::Reject => Actor::Jma,
        }
    }

    /// The status after taking this step from `from`, or why it cannot be taken. `Submit`
    /// creates an application and is never taken from a status.
    pub fn from(self, from: Status) -> Result<Status, IllegalStep> {
        use Status::*;
        let to = match (self, from) {
            (Step::Resubmit, CorrectionRequested) => Submitted,
            (Step::Withdraw, Submitted | CorrectionRequested) => Withdrawn,
            (Step::RequestCorrection, Submitted) => CorrectionRequested,
            (Step::RecordFee | Step::RecordHandbook | Step::VerifyCredit, Submitted) => Submitted,
            (Step::RecordFee | Step::RecordHandbook | Step::VerifyCredit, CorrectionRequested) => {
                CorrectionRequested
            }
            (Step::Forward, Submitted) => Forwarded,
            (Step::Approve | Step::Reject, Forwarded) => {
                if self == Step::Approve {
                    Approved
                } else {
                    Rejected
                }
            }
            _ => {
                return Err(IllegalStep {
                    step: self,
                    status: from,
                });
            }
        };
        Ok(to)
    }
}

code_enum!(
    /// Documents an application may carry.
    DocumentKind, "document kind" {
        /// 産業医科大学 修了認定証
        UoehCertificate => "uoeh_certificate",
        /// JOA / JSPO certificate (sports exemption)
        ExemptionCertificate => "exemption_certificate",
        /// 医師免許証の写し (non-members)
        MedicalLicence => "medical_licence",
        /// 実践活動の証明 (sports renewal)
        ActivityEvidence => "activity_evidence",
        /// Anything else the association asks for.
        Other => "other",
    }
);

/// The documents an application must carry (`rules.md`, Procedure): the UOEH certificate for
/// the UOEH route, the JOA/JSPO certificate for the sports exemption, the medical licence for
/// non-members. Activity evidence (sports renewal) is welcome but never required.
pub fn required_documents(
    kind: ApplicationKind,
    certification: Certification,
    facts: &Facts,
    membership: Membership,
) -> Vec<DocumentKind> {
    let mut needed = Vec::new();
    if kind == ApplicationKind::New {
        match certification {
            Certification::Occupational if facts.uoeh_completion_date.is_some() => {
                needed.push(DocumentKind::UoehCertificate);
            }
            Certification::Sports if facts.sports_exemption.is_some() => {
                needed.push(DocumentKind::ExemptionCertificate);
            }
            _ => {}
        }
    }
    if kind.has_fee() && membership == Membership::NonMember {
        needed.push(DocumentKind::MedicalLicence);
    }
    needed
}

code_enum!(
    /// An accepted file type, recognised from the file's bytes.
    FileType, "file type" {
        /// PDF
        Pdf => "pdf",
        /// JPEG
        Jpeg => "jpeg",
        /// PNG
        Png => "png",
    }
);

impl FileType {
    /// The media type to serve it with.
    pub const fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }
}

/// Why an uploaded file is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UploadProblem {
    /// No bytes at all.
    #[error("the file is empty")]
    Empty,
    /// Larger than the limit (bytes).
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    /// Not a PDF, JPEG or PNG, whatever its name says.
    #[error("the file is not a PDF, JPEG or PNG")]
    NotAllowed,
    /// Starts like an accepted type but its end is missing.
    #[error("the file is incomplete")]
    Truncated,
}

impl UploadProblem {
    /// A stable code.
    pub const fn code(self) -> &'static str {
        match self {
            UploadProblem::Empty => "empty",
            UploadProblem::TooLarge(_) => "too_large",
            UploadProblem::NotAllowed => "file_type",
            UploadProblem::Truncated => "truncated",
        }
    }

    /// What to do, in both locales.
    pub fn message(self) -> Message {
        match self {
            UploadProblem::Empty => Message::key("upload.empty"),
            UploadProblem::TooLarge(limit) => {
                Message::key("upload.too_large").arg("mb", limit / (1024 * 1024))
            }
            UploadProblem::NotAllowed => Message::key("upload.file_type"),
            UploadProblem::Truncated => Message::key("upload.truncated"),
        }
    }
}

/// Recognises a PDF, JPEG or PNG from its bytes, and refuses it when it is empty, larger than
/// `limit`, of another type (an executable renamed `.pdf`), or cut short.
pub fn sniff(bytes: &[u8], limit: u64) -> Result<FileType, UploadProblem> {
    if bytes.is_empty() {
        return Err(UploadProblem::Empty);
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(UploadProblem::TooLarge(limit));
    }
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const PNG_END: &[u8] = b"IEND\xaeB`\x82";
    if bytes.starts_with(b"%PDF-") {
        // The trailer's `%%EOF` sits in the last kilobyte, before optional whitespace.
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        return if tail.windows(5).any(|w| w == b"%%EOF") {
            Ok(FileType::Pdf)
        } else {
            Err(UploadProblem::Truncated)
        };
    }
    if bytes.starts_with(PNG) {
        return if bytes.ends_with(PNG_END) {
            Ok(FileType::Png)
        } else {
            Err(UploadProblem::Truncated)
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let trimmed = bytes
            .iter()
            .rposition(|&b| b != 0)
            .map_or(bytes, |end| &bytes[..=end]);
        return if trimmed.ends_with(&[0xFF, 0xD9]) {
            Ok(FileType::Jpeg)
        } else {
            Err(UploadProblem::Truncated)
        };
    }
    Err(UploadProblem::NotAllowed)
}

code_enum!(
    /// How the fee reached the prefectural association.
    FeeChannel, "fee channel" {
        /// 窓口
        Counter => "counter",
        /// 銀行振込
        BankTransfer => "bank_transfer",
        /// 現金書留
        RegisteredMail => "registered_mail",
    }
);

/// The fee as staff recorded it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRecord {
    /// Day received.
    pub paid_on: NaiveDate,
    /// How.
    pub channel: FeeChannel,
}

/// The physician's application form: the facts that go with the procedure and, for a change of
/// registered details, the new details.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForm {
    /// New, renewal or change of details.
    pub kind: Option<ApplicationKind>,
    /// Which certification.
    pub certification: Option<Certification>,
    /// UOEH completion, sports exemption, activities, grace reason.
    #[serde(default)]
    pub facts: Facts,
    /// Change of details: the new workplace.
    #[serde(default)]
    pub workplace_name: String,
    /// Change of details: other registered details that change, in words.
    #[serde(default)]
    pub other_changes: String,
    /// Change of details: the new name (婚姻等), with `new_name_kana`.
    #[serde(default)]
    pub new_name_kanji: String,
    /// Change of details: the new フリガナ.
    #[serde(default)]
    pub new_name_kana: String,
    /// Uploaded documents to attach (ids from `POST /api/documents`).
    #[serde(default)]
    pub documents: Vec<i32>,
    /// Made by the client once per form (a UUID): a retried submission answers the first one.
    #[serde(default)]
    pub client_ref: Option<uuid::Uuid>,
}

/// A checked application form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationRequest {
    /// What is applied for.
    pub kind: ApplicationKind,
    /// Which certification.
    pub certification: Certification,
    /// Facts, trimmed.
    pub facts: Facts,
    /// The new workplace, for a change of details.
    pub workplace_name: Option<String>,
    /// Other changes, for a change of details.
    pub other_changes: Option<String>,
    /// The new name and フリガナ, for a change of details.
    pub new_name: Option<(crate::account::PersonName, crate::account::KanaName)>,
    /// Documents to attach.
    pub documents: Vec<i32>,
}

fn trimmed(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl ApplicationForm {
    /// Checks the form on `today`; the browser and the handler call the same function.
    pub fn parse(&self, today: NaiveDate) -> Result<ApplicationRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "required",
                Message::key("application.kind.required"),
            ));
        }
        if self.certification.is_none() {
            errors.push(FieldError::new(
                "certification",
                "required",
                Message::key("application.certification.required"),
            ));
        }
        let mut facts = self.facts.clone();
        facts.grace_reason = facts.grace_reason.as_deref().and_then(trimmed);
        if facts
            .grace_reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > 400)
        {
            errors.push(FieldError::new(
                "facts.grace_reason",
                "too_long",
                Message::key("application.facts_grace_reason.too_long"),
            ));
        }
        if facts.uoeh_completion_date.is_some_and(|d| d > today) {
            errors.push(FieldError::new(
                "facts.uoeh_completion_date",
                "future",
                Message::key("application.facts_uoeh_completion_date.future"),
            ));
        }
        for (i, a) in facts.activities.iter_mut().enumerate() {
            a.description = a.description.trim().to_owned();
            if a.description.is_empty() || a.description.chars().count() > 200 {
                errors.push(FieldError::new(
                    &format!("facts.activities[{i}].description"),
                    "length",
                    Message::key("application.activity.description"),
                ));
            }
            if a.date > today {
                errors.push(FieldError::new(
                    &format!("facts.activities[{i}].date"),
                    "future",
                    Message::key("application.activity.future"),
                ));
            }
        }
        let workplace_name = trimmed(&self.workplace_name);
        let other_changes = trimmed(&self.other_changes);
        let mut new_name = None;
        if self.kind == Some(ApplicationKind::WorkplaceChange) {
            // A new name comes with its kana: both or neither.
            let name_given =
                trimmed(&self.new_name_kanji).is_some() || trimmed(&self.new_name_kana).is_some();
            match (trimmed(&self.new_name_kanji), trimmed(&self.new_name_kana)) {
                (None, None) => {}
                (kanji, kana) => {
                    let kanji = crate::account::PersonName::parse(kanji.as_deref().unwrap_or(""))
                        .map_err(|e| e.renamed("new_name_kanji"));
                    let kana = crate::account::KanaName::parse(kana.as_deref().unwrap_or(""))
                        .map_err(|e| e.renamed("new_name_kana"));
                    match (kanji, kana) {
                        (Ok(k), Ok(n)) => new_name = Some((k, n)),
                        (k, n) => errors.extend(k.err().into_iter().chain(n.err())),
                    }
                }
            }
            if workplace_name.is_none() && other_changes.is_none() && !name_given {
                errors.push(FieldError::new(
                    "workplace_name",
                    "required",
                    Message::key("application.workplace_name.required"),
                ));
            }
            if workplace_name
                .as_ref()
                .is_some_and(|w| w.chars().count() > 100)
            {
                errors.push(FieldError::new(
                    "workplace_name",
                    "too_long",
                    Message::key("application.workplace_name.too_long"),
                ));
            }
            if other_changes
                .as_ref()
                .is_some_and(|w| w.chars().count() > 400)
            {
                errors.push(FieldError::new(
                    "other_changes",
                    "too_long",
                    Message::key("application.other_changes.too_long"),
                ));
            }
        }
        match (self.kind, self.certification) {
            (Some(kind), Some(certification)) if errors.is_empty() => Ok(ApplicationRequest {
                kind,
                certification,
                facts,
                workplace_name,
                other_changes,
                new_name,
                documents: self.documents.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// The validity period of a new certificate approved on `approved_on` (`rules.md`: from the
/// approval day to the day before its fifth anniversary).
pub fn new_certificate_period(rules: &RuleSet, approved_on: NaiveDate) -> Period {
    Period {
        valid_from: approved_on,
        valid_until: previous_day(add_years(approved_on, rules.validity_years)),
    }
}

/// The period that follows `current` on renewal, whatever the approval day.
pub fn renewed_period(rules: &RuleSet, current: Period) -> Period {
    Period {
        valid_from: next_day(current.valid_until),
        valid_until: add_years(current.valid_until, rules.validity_years),
    }
}

/// What the prefecture must have checked before forwarding, and JMA before approving.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    /// Whether the engine's decision is eligible on the current verification state (always
    /// true for a change of details).
    pub eligible: bool,
    /// Required documents not attached.
    pub missing_documents: Vec<DocumentKind>,
    /// Whether a fee is due and not recorded.
    pub fee_missing: bool,
    /// Whether the decision relies on handbook credits.
    pub handbook_needed: bool,
    /// Whether the original handbook arrived (when needed).
    pub handbook_arrived: bool,
    /// Handbook credits relied on that staff have not verified yet.
    pub unverified_handbook_credits: u32,
}

/// One reason an application cannot move on yet.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocker {
    /// A stable code.
    pub code: String,
    /// What is missing, in both locales.
    pub message: Message,
}

impl Checklist {
    /// Everything still missing; empty when the application can be forwarded or approved.
    pub fn blockers(&self) -> Vec<Blocker> {
        let mut out = Vec::new();
        let mut add = |code: &str, message: Message| {
            out.push(Blocker {
                code: code.to_owned(),
                message,
            });
        };
        if !self.eligible {
            add("not_eligible", Message::key("blocker.not_eligible"));
        }
        for d in &self.missing_documents {
            add(
                "missing_document",
                Message::key("blocker.missing_document")
                    .arg_key("document", format!("document.{d}")),
            );
        }
        if self.fee_missing {
            add("fee", Message::key("blocker.fee"));
        }
        if self.handbook_needed && !self.handbook_arrived {
            add("handbook", Message::key("blocker.handbook"));
        }
        if self.unverified_handbook_credits > 0 {
            add(
                "unverified",
                Message::key("blocker.unverified").arg("n", self.unverified_handbook_credits),
            );
        }
        out
    }
}

/// Whether every credit a decision counted is organizer-registered (JMA may approve such
/// applications in bulk).
pub fn all_system_units(decision: &Decision, credits: &[ReliedCredit]) -> bool {
    decision.route != Some(Route::Uoeh)
        && decision.route != Some(Route::Exemption)
        && credits
            .iter()
            .all(|c| c.entry.source == crate::catalog::Source::System)
}

/// An uploaded document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    /// Id.
    pub id: i32,
    /// What it is.
    pub kind: DocumentKind,
    /// The name the file had on the physician's device (data, never a path).
    pub file_name: String,
    /// Type recognised from its bytes.
    pub file_type: FileType,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// When uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// A credit an application relies on, with the units the decision counted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReliedCredit {
    /// The ledger entry, with its current verification state.
    pub entry: LedgerEntry,
    /// Units counted.
    pub counted: Units,
}

/// One entry of an application's timeline (from the audit log).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub step: Step,
    /// Status after the step.
    pub status: Status,
    /// Who (their display name).
    pub by: String,
    /// Why, or what was recorded.
    pub note: Option<String>,
}

/// What approval granted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    /// Certificate number.
    pub number: String,
    /// The validity period granted.
    pub period: Period,
}

/// An application in a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    /// Id.
    pub id: i32,
    /// What is applied for.
    pub kind: ApplicationKind,
    /// Which certification.
    pub certification: Certification,
    /// Where it stands.
    pub status: Status,
    /// Applicant's name.
    pub name: String,
    /// Applicant's registry number.
    pub registry_number: String,
    /// Day submitted (JST).
    pub submitted_on: NaiveDate,
    /// JMA receipt deadline of its review round.
    pub round: Option<NaiveDate>,
    /// Every unit relied on is organizer-registered (bulk approval allowed).
    pub all_system_units: bool,
    /// Whether the procedure takes the fee.
    #[serde(default)]
    pub fee_due: bool,
    /// Day the prefecture received the fee, once recorded.
    #[serde(default)]
    pub fee_paid_on: Option<NaiveDate>,
    /// Whether the decision relies on handbook units (the original handbook must arrive).
    #[serde(default)]
    pub handbook_needed: bool,
    /// Day the original handbook arrived, once recorded.
    #[serde(default)]
    pub handbook_arrived_on: Option<NaiveDate>,
    /// Certificate number granted on approval.
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// Applications a review queue answers at a time (`?before=` asks for the next page).
pub const QUEUE_PAGE: usize = 200;

/// Where and how a prefectural medical association takes the fee and the handbook: configured
/// per prefecture by the operators (`NINTEI_PREFECTURE_OFFICES`), shown on the application.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefectureOffice {
    /// 都道府県医師会の名称.
    pub name: String,
    /// The account the fee is transferred to (bank, branch, type, number, holder).
    #[serde(default)]
    pub bank_account: Option<String>,
    /// The counter where the fee is paid and the handbook handed over (place, days, hours).
    #[serde(default)]
    pub counter: Option<String>,
    /// Where the handbook and registered cash mail are sent.
    #[serde(default)]
    pub postal_address: Option<String>,
    /// A telephone number for questions.
    #[serde(default)]
    pub phone: Option<String>,
}

/// `GET /api/applications/{id}`: everything the physician or a reviewer sees.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    /// Summary.
    pub summary: ApplicationSummary,
    /// The applicant.
    pub physician: PhysicianProfile,
    /// The form as submitted (last resubmission).
    pub form: ApplicationForm,
    /// The engine's decision stored at submission (none for a change of details).
    pub decision: Option<Decision>,
    /// The credits that decision relied on, with their current verification state.
    pub credits: Vec<ReliedCredit>,
    /// Attached documents.
    pub documents: Vec<DocumentView>,
    /// Documents the rules ask for.
    pub required_documents: Vec<DocumentKind>,
    /// Fee due in yen (none for a change of details).
    pub fee_yen: Option<u32>,
    /// The fee, once recorded.
    pub fee: Option<FeeRecord>,
    /// Arrival of the original handbook, once recorded.
    pub handbook_arrived_on: Option<NaiveDate>,
    /// The review round (JMA receipt deadline and the prefecture's own deadline).
    pub round: Option<ReviewRound>,
    /// The last correction request.
    pub correction_message: Option<String>,
    /// What is still missing.
    pub checklist: Checklist,
    /// `checklist.blockers()`, for display.
    pub blockers: Vec<Blocker>,
    /// Every step with its date.
    pub timeline: Vec<TimelineEvent>,
    /// What approval granted.
    pub granted: Option<Granted>,
    /// The prefectural association's fee and handbook details, where configured.
    #[serde(default)]
    pub office: Option<PrefectureOffice>,
}

/// `POST /api/review/applications/{id}/actions`: one reviewer action.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReviewAction {
    /// Send back to the physician with what to correct.
    RequestCorrection {
        /// What to correct.
        message: String,
    },
    /// Record the fee.
    RecordFee {
        /// Day received.
        paid_on: NaiveDate,
        /// How.
        channel: FeeChannel,
    },
    /// Record the arrival of the original handbook.
    RecordHandbook {
        /// Day it arrived.
        arrived_on: NaiveDate,
    },
    /// Verify or reject one handbook credit.
    VerifyCredit {
        /// Ledger entry id.
        credit_id: i32,
        /// Found in the original handbook.
        verified: bool,
        /// Why, when rejected.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Forward to JMA.
    Forward,
    /// Approve (JMA).
    Approve,
    /// Reject (JMA), with a reason.
    Reject {
        /// Why.
        reason: String,
    },
}

impl ReviewAction {
    /// The step this action takes.
    pub const fn step(&self) -> Step {
        match self {
            ReviewAction::RequestCorrection { .. } => Step::RequestCorrection,
            ReviewAction::RecordFee { .. } => Step::RecordFee,
            ReviewAction::RecordHandbook { .. } => Step::RecordHandbook,
            ReviewAction::VerifyCredit { .. } => Step::VerifyCredit,
            ReviewAction::Forward => Step::Forward,
            ReviewAction::Approve => Step::Approve,
            ReviewAction::Reject { .. } => Step::Reject,
        }
    }

    /// Checks the free text an action carries; returns the note for the audit log.
    pub fn note(&self, today: NaiveDate) -> Result<Option<String>, Vec<FieldError>> {
        let text = |field: &str, value: &str, required: &str| match trimmed(value) {
            Some(t) if t.chars().count() <= 1000 => Ok(Some(t)),
            Some(_) => Err(vec![FieldError::new(
                field,
                "too_long",
                Message::key("review.note_too_long"),
            )]),
            None => Err(vec![FieldError::new(
                field,
                "required",
                Message::key(required),
            )]),
        };
        let not_future = |field: &str, d: NaiveDate| {
            if d > today {
                Err(vec![FieldError::new(
                    field,
                    "future",
                    Message::key("review.date_future"),
                )])
            } else {
                Ok(())
            }
        };
        match self {
            ReviewAction::RequestCorrection { message } => {
                text("message", message, "review.correction_required")
            }
            ReviewAction::Reject { reason } => {
                text("reason", reason, "review.reject_reason_required")
            }
            ReviewAction::VerifyCredit {
                verified: false,
                reason,
                ..
            } => text(
                "reason",
                reason.as_deref().unwrap_or(""),
                "review.credit_reject_reason",
            ),
            ReviewAction::VerifyCredit {
                credit_id,
                verified: true,
                ..
            } => Ok(Some(format!("#{credit_id}"))),
            ReviewAction::RecordFee { paid_on, channel } => {
                not_future("paid_on", *paid_on)?;
                Ok(Some(format!("{paid_on} {channel}")))
            }
            ReviewAction::RecordHandbook { arrived_on } => {
                not_future("arrived_on", *arrived_on)?;
                Ok(Some(arrived_on.to_string()))
            }
            ReviewAction::Forward | ReviewAction::Approve => Ok(None),
        }
    }
}

/// `POST /api/review/bulk-approve`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkApproveRequest {
    /// JMA receipt deadline of the round.
    pub round: NaiveDate,
    /// Only say what would be approved and what left for one-by-one review (the count the
    /// confirmation names); approve nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a bulk approval did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkApproveResult {
    /// Approved now.
    pub approved: Vec<i32>,
    /// Left for one-by-one review (handbook units, UOEH or exemption route, or incomplete).
    pub skipped: Vec<i32>,
}

/// How many applications of a reviewer's scope stand in one status, and since when the oldest
/// of them was submitted (the days it has waited).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    /// The status.
    pub status: Status,
    /// Applications in it.
    pub count: u32,
    /// Submission day of the oldest of them.
    pub oldest: Option<NaiveDate>,
}

/// One review round of one certification, as a report: where its applications stand.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundReport {
    /// Which certification.
    pub certification: Certification,
    /// JMA receipt deadline (the round).
    pub round: NaiveDate,
    /// The prefectures' closing day for the round.
    pub prefectural_deadline: NaiveDate,
    /// Still at the prefecture (submitted or sent back for correction) while the round is open.
    pub at_prefecture: u32,
    /// Forwarded to JMA, not decided yet.
    pub forwarded: u32,
    /// Approved (a certificate number each).
    pub approved: u32,
    /// Rejected.
    pub rejected: u32,
    /// Still at the prefecture after JMA's deadline: forwarding puts them in a later round.
    pub moved: u32,
}

impl RoundReport {
    /// The report of rounds from `(certification, round, status, count)` rows, soonest round
    /// first; `prefectural_lead_days` gives a certification's closing day, `today` says which
    /// rounds have closed (withdrawn applications are left out).
    pub fn from_counts(
        rows: &[(Certification, NaiveDate, Status, u32)],
        prefectural_lead_days: impl Fn(Certification) -> u32,
        today: NaiveDate,
    ) -> Vec<RoundReport> {
        let mut out: Vec<RoundReport> = Vec::new();
        for &(certification, round, status, count) in rows {
            let i = match out
                .iter()
                .position(|r| r.certification == certification && r.round == round)
            {
                Some(i) => i,
                None => {
                    out.push(RoundReport {
                        certification,
                        round,
                        prefectural_deadline: round
                            - chrono::Days::new(u64::from(prefectural_lead_days(certification))),
                        at_prefecture: 0,
                        forwarded: 0,
                        approved: 0,
                        rejected: 0,
                        moved: 0,
                    });
                    out.len() - 1
                }
            };
            let r = &mut out[i];
            match status {
                Status::Submitted | Status::CorrectionRequested if today > round => {
                    r.moved += count;
                }
                Status::Submitted | Status::CorrectionRequested => r.at_prefecture += count,
                Status::Forwarded => r.forwarded += count,
                Status::Approved => r.approved += count,
                Status::Rejected => r.rejected += count,
                Status::Withdrawn => {}
            }
        }
        out.retain(|r| r.at_prefecture + r.forwarded + r.approved + r.rejected + r.moved > 0);
        out.sort_by_key(|r| (r.round, r.certification.code()));
        out
    }
}

/// The next round a certification's applications can still reach.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingRound {
    /// Which certification.
    pub certification: Certification,
    /// The prefectures' closing day.
    pub prefectural_deadline: NaiveDate,
    /// JMA receipt deadline.
    pub jma_deadline: NaiveDate,
}

/// A reviewer's overview (`GET /api/review/dashboard`): applications by status with the
/// longest wait, the rounds with their outcome, and the next deadlines.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDashboard {
    /// Today (JST), which the days waiting count from.
    pub today: NaiveDate,
    /// Every status with its count (zero included), in workflow order.
    pub by_status: Vec<StatusCount>,
    /// Rounds of the last year and the ones ahead, soonest first.
    pub rounds: Vec<RoundReport>,
    /// The next round of each certification.
    pub upcoming: Vec<UpcomingRound>,
}

/// What a reviewer typed into a queue's search box, read every way it can be meant: a
/// registry number, a certificate number, or the start of a name (kanji as written, or kana).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueSearch {
    /// As a registry number, when it can be one.
    pub registry_number: Option<crate::account::RegistryNumber>,
    /// As a certificate number (ASCII letters, digits and hyphens; letters upper-cased).
    pub certificate_number: Option<String>,
    /// As the start of a name in katakana (hiragana converted), when it can be one.
    pub kana: Option<String>,
    /// As the start of a name as written.
    pub name: Option<String>,
}

impl QueueSearch {
    /// Reads the search text (full-width letters and digits accepted); `None` when blank.
    pub fn parse(text: &str) -> Option<QueueSearch> {
        let typed = text.trim();
        let ascii = crate::text::ascii_width(typed);
        if typed.is_empty() || typed.chars().count() > 50 {
            return None;
        }
        if ascii.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(QueueSearch {
                registry_number: crate::account::RegistryNumber::parse(&ascii).ok(),
                certificate_number: Some(ascii.to_ascii_uppercase()),
                ..QueueSearch::default()
            });
        }
        // Names are kept as written (an ideographic space stays one).
        Some(QueueSearch {
            kana: crate::account::KanaName::parse(typed)
                .ok()
                .map(|k| k.as_str().to_owned()),
            name: Some(typed.to_owned()),
            ..QueueSearch::default()
        })
    }
}

/// Rounds a dashboard reports: those whose JMA deadline is at most this many days past.
pub const DASHBOARD_ROUND_DAYS: u64 = 366;

/// An e-mail as kept in the outbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    /// Id.
    pub id: i32,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// When written.
    pub created_at: DateTime<Utc>,
    /// When SMTP accepted it (none without SMTP).
    pub sent_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_legal_only_from_the_statuses_the_workflow_allows() {
        use Status::*;
        let allowed: &[(Step, Status, Status)] = &[
            (Step::Resubmit, CorrectionRequested, Submitted),
            (Step::Withdraw, Submitted, Withdrawn),
            (Step::Withdraw, CorrectionRequested, Withdrawn),
            (Step::RequestCorrection, Submitted, CorrectionRequested),
            (Step::RecordFee, Submitted, Submitted),
            (Step::RecordFee, CorrectionRequested, CorrectionRequested),
            (Step::RecordHandbook, Submitted, Submitted),
            (
                Step::RecordHandbook,
                CorrectionRequested,
                CorrectionRequested,
            ),
            (Step::VerifyCredit, Submitted, Submitted),
            (Step::VerifyCredit, CorrectionRequested, CorrectionRequested),
            (Step::Forward, Submitted, Forwarded),
            (Step::Approve, Forwarded, Approved),
            (Step::Reject, Forwarded, Rejected),
        ];
        for &step in Step::ALL {
            for &from in Status::ALL {
                let expected = allowed
                    .iter()
                    .find(|(s, f, _)| *s == step && *f == from)
                    .map(|(_, _, to)| *to);
                assert_eq!(step.from(from).ok(), expected, "{step} from {from}");
            }
        }
    }

    #[test]
    fn a_round_report_counts_each_status_once_and_moves_what_missed_jma_s_deadline() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let occ = Certification::Occupational;
        let rows = [
            (occ, d(11, 30), Status::Approved, 3),
            (occ, d(11, 30), Status::Rejected, 1),
            (occ, d(11, 30), Status::Submitted, 2),
            (occ, d(11, 30), Status::CorrectionRequested, 1),
            (occ, d(11, 30), Status::Withdrawn, 4),
            (occ, d(1, 31), Status::Withdrawn, 4),
            (Certification::Sports, d(12, 20), Status::Forwarded, 5),
            (occ, d(12, 20), Status::Submitted, 6),
        ];
        let report = RoundReport::from_counts(&rows, |_| 10, d(12, 5));
        // The round of only withdrawn applications is left out; soonest first.
        assert_eq!(report.len(), 3);
        let nov = &report[0];
        assert_eq!(
            (nov.round, nov.prefectural_deadline),
            (d(11, 30), d(11, 20))
        );
        assert_eq!(
            (nov.approved, nov.rejected, nov.at_prefecture, nov.moved),
            (3, 1, 0, 3)
        );
        assert_eq!(report[1].at_prefecture, 6);
        assert_eq!(report[2].forwarded, 5);
        assert_eq!(report[2].certification, Certification::Sports);
    }

    #[test]
    fn a_search_is_read_as_every_thing_it_can_be() {
        let s = QueueSearch::parse(" ０１２３４ ").unwrap();
        assert_eq!(s.registry_number.unwrap().as_str(), "1234");
        assert_eq!(s.certificate_number.as_deref(), Some("01234"));
        assert_eq!(s.name, None);
        let s = QueueSearch::parse("s000123").unwrap();
        assert_eq!(s.registry_number, None);
        assert_eq!(s.certificate_number.as_deref(), Some("S000123"));
        let s = QueueSearch::parse("やまだ").unwrap();
        assert_eq!(s.kana.as_deref(), Some("ヤマダ"));
        assert_eq!(s.name.as_deref(), Some("やまだ"));
        let s = QueueSearch::parse("山田").unwrap();
        assert_eq!((s.kana, s.name.as_deref()), (None, Some("山田")));
        assert_eq!(QueueSearch::parse("  "), None);
    }

    #[test]
    fn a_final_status_admits_no_step() {
        for &from in Status::ALL.iter().filter(|s| s.is_final()) {
            for &step in Step::ALL {
                assert!(step.from(from).is_err(), "{step} from {from}");
            }
        }
    }

    const MB10: u64 = 10 * 1024 * 1024;

    #[test]
    fn files_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(
            sniff(b"%PDF-1.7\n1 0 obj\n%%EOF\n", MB10),
            Ok(FileType::Pdf)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nxxxxIEND\xaeB`\x82", MB10),
            Ok(FileType::Png)
        );
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 0xFF, 0xD9], MB10),
            Ok(FileType::Jpeg)
        );
        assert_eq!(
            sniff(b"MZ\x90\x00 executable", MB10),
            Err(UploadProblem::NotAllowed)
        );
        assert_eq!(
            sniff(b"\x7fELF\x02\x01", MB10),
            Err(UploadProblem::NotAllowed)
        );
    }

    #[test]
    fn empty_oversize_and_truncated_files_are_refused() {
        assert_eq!(sniff(b"", MB10), Err(UploadProblem::Empty));
        assert_eq!(sniff(b"%PDF-1.7 %%EOF", 5), Err(UploadProblem::TooLarge(5)));
        assert_eq!(
            sniff(b"%PDF-1.7\n1 0 obj\n<<", MB10),
            Err(UploadProblem::Truncated)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nxx", MB10),
            Err(UploadProblem::Truncated)
        );
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 1], MB10),
            Err(UploadProblem::Truncated)
        );
    }

    #[test]
    fn the_uoeh_route_needs_its_certificate_and_non_members_their_licence() {
        let uoeh = Facts {
            uoeh_completion_date: NaiveDate::from_ymd_opt(2024, 8, 1),
            ..Facts::default()
        };
        assert_eq!(
            required_documents(
                ApplicationKind::New,
                Certification::Occupational,
                &uoeh,
                Membership::NonMember
            ),
            vec![DocumentKind::UoehCertificate, DocumentKind::MedicalLicence]
        );
        assert!(
            required_documents(
                ApplicationKind::Renewal,
                Certification::Sports,
                &Facts::default(),
                Membership::Member
            )
            .is_empty()
        );
    }

    #[test]
    fn a_new_certificate_runs_to_the_day_before_its_fifth_anniversary() {
        let rules = RuleSet::current();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            new_certificate_period(&rules, d("2026-11-24")),
            Period {
                valid_from: d("2026-11-24"),
                valid_until: d("2031-11-23")
            }
        );
        assert_eq!(
            renewed_period(
                &rules,
                Period {
                    valid_from: d("2021-12-01"),
                    valid_until: d("2026-11-30")
                }
            ),
            Period {
                valid_from: d("2026-12-01"),
                valid_until: d("2031-11-30")
            }
        );
    }

    #[test]
    fn forwarding_is_blocked_until_everything_is_there() {
        let complete = Checklist {
            eligible: true,
            handbook_needed: true,
            handbook_arrived: true,
            ..Checklist::default()
        };
        assert!(complete.blockers().is_empty());
        let missing = Checklist {
            eligible: false,
            missing_documents: vec![DocumentKind::MedicalLicence],
            fee_missing: true,
            handbook_needed: true,
            handbook_arrived: false,
            unverified_handbook_credits: 2,
        };
        let codes: Vec<String> = missing.blockers().into_iter().map(|b| b.code).collect();
        assert_eq!(
            codes,
            [
                "not_eligible",
                "missing_document",
                "fee",
                "handbook",
                "unverified"
            ]
        );
    }
}
