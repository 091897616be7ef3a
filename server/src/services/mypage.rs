//! My Page: everything a physician sees of their own record, the history and its CSV, the
//! personal QR code, contact details, and the server's eligibility decision.

use chrono::{NaiveDate, Utc};
use domain::api::{
    ContactForm, CreditPage, LedgerEntry, MyPage, PhysicianProfile, QrCode, Verification,
};
use domain::ledger::HistoryFilter;
use domain::policy::Actor;
use domain::qr::QrClaims;
use domain::{Credit, Decision, Delivery, Facts, FieldError, Lang, Message, Procedure, evaluate};
use sea_orm::ConnectionTrait;

use crate::db::{DbError, accounts, certificates, credits};
use crate::services::{AppState, identity, today};

/// Why a My Page request failed.
#[derive(Debug, thiserror::Error)]
pub enum MyPageError {
    /// The physician's record is missing (an account without a physician row).
    #[error("no physician record")]
    NotFound,
    /// The request has problems, per field.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// The physician's e-mail or identity is not verified yet; what to do.
    #[error("not verified")]
    NotVerified(Message),
    /// Drawing the QR code failed.
    #[error("qr: {0}")]
    Qr(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Seconds a personal QR code stays valid; the page fetches a new one before then.
pub const QR_SECONDS: u32 = 300;

/// The effective ledger of one physician as My Page shows it, newest first.
pub async fn ledger(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> Result<Vec<LedgerEntry>, DbError> {
    let rows = credits::of_physician(db, physician_id).await?;
    let titles = credits::session_titles(
        db,
        rows.iter().filter_map(|c| c.credit.session_id).collect(),
    )
    .await?;
    Ok(rows
        .iter()
        .map(|c| c.entry(c.credit.session_id.and_then(|id| titles.get(&id).cloned())))
        .collect())
}

/// My Page in one answer. An account that claims a number another account holds has no
/// physician row yet: its page shows the details it registered and nothing else.
pub async fn my_page(db: &impl ConnectionTrait, physician_id: i32) -> Result<MyPage, MyPageError> {
    let user = accounts::user(db, physician_id)
        .await?
        .ok_or(MyPageError::NotFound)?;
    let identity = identity::view(db, &user).await?;
    let Some(profile) = accounts::physician(db, physician_id).await? else {
        let claimed = crate::db::identity::latest_of(db, physician_id)
            .await?
            .and_then(|r| r.claim_json)
            .and_then(|j| serde_json::from_str::<PhysicianProfile>(&j).ok())
            .ok_or(MyPageError::NotFound)?;
        return Ok(MyPage {
            profile: claimed,
            today: today(),
            certificates: Vec::new(),
            ledger: Vec::new(),
            facts: Facts::default(),
            identity,
            open_applications: Vec::new(),
        });
    };
    Ok(MyPage {
        profile,
        today: today(),
        certificates: certificates::of_physician(db, physician_id).await?,
        ledger: ledger(db, physician_id).await?,
        facts: Facts::default(),
        identity,
        open_applications: crate::db::applications::open_of(db, physician_id).await?,
    })
}

async fn profile(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> Result<PhysicianProfile, MyPageError> {
    accounts::physician(db, physician_id)
        .await?
        .ok_or(MyPageError::NotFound)
}

/// One page of the filtered history, with totals over every page.
pub async fn history(
    app: &AppState,
    actor: &Actor,
    filter: &HistoryFilter,
    page: u32,
    per_page: u32,
) -> Result<CreditPage, MyPageError> {
    let entries = ledger(&app.read, actor.id).await?;
    Ok(CreditPage::build(entries, filter, page, per_page))
}

/// The history as CSV in `lang`, UTF-8 with a byte-order mark so that Excel reads Japanese.
pub async fn history_csv(
    app: &AppState,
    actor: &Actor,
    filter: &HistoryFilter,
    lang: Lang,
) -> Result<String, MyPageError> {
    let mut entries = ledger(&app.read, actor.id).await?;
    entries.retain(|e| filter.accepts(e.date, e.category));
    Ok(csv(&entries, lang))
}

/// Writes ledger entries as CSV (headers and names from the catalogue).
pub fn csv(entries: &[LedgerEntry], lang: Lang) -> String {
    let t = |key: &str| domain::i18n::t(lang, key);
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "csv.date",
        "csv.category",
        "csv.subject",
        "csv.units",
        "csv.delivery",
        "csv.source",
        "csv.verification",
        "csv.session",
        "csv.organizer",
        "csv.consumed",
        "csv.note",
    ]
    .map(t);
    // Writing into memory cannot fail; a failure would only drop the row.
    let _ = out.write_record(&header);
    for e in entries {
        let row = [
            e.date.to_string(),
            t(&format!("category.{}", e.category)),
            e.subject
                .map(|s| t(&format!("subject.{s}")))
                .unwrap_or_default(),
            e.units.to_string(),
            t(if e.delivery == Delivery::Online {
                "mypage.online"
            } else {
                "csv.in_person"
            }),
            t(&format!("mypage.source.{}", e.source)),
            e.verification
                .map(|v: Verification| t(&format!("mypage.verification.{v}")))
                .unwrap_or_default(),
            e.session_title.clone().unwrap_or_default(),
            e.organizer_name.clone().unwrap_or_default(),
            if e.consumed {
                t("csv.consumed_mark")
            } else {
                String::new()
            },
            e.note.clone().unwrap_or_default(),
        ]
        .map(spreadsheet_text);
        let _ = out.write_record(&row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes))
}

/// A cell a spreadsheet shows as the text it is: one that starts like a formula (`=`, `+`,
/// `-`, `@`, tab or carriage return) gets a leading apostrophe (OWASP's CSV injection advice).
/// Numbers and dates written by the server never start so.
pub fn spreadsheet_text(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The personal check-in code, signed for [`QR_SECONDS`].
pub async fn qr_code(app: &AppState, actor: &Actor) -> Result<QrCode, MyPageError> {
    identity::require_verified(&app.db, actor)
        .await
        .map_err(MyPageError::NotVerified)?;
    let profile = profile(&app.db, actor.id).await?;
    let claims = QrClaims {
        registry_number: profile.registry_number,
        name: profile.name_kanji,
        kana: profile.name_kana,
        exp: Utc::now().timestamp() + i64::from(QR_SECONDS),
    };
    let token = domain::qr::sign(&app.qr_key, &claims);
    let code = qrcode::QrCode::with_error_correction_level(token.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| MyPageError::Qr(e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build();
    Ok(QrCode {
        token,
        svg,
        expires_in: QR_SECONDS,
    })
}

/// The public key that verifies personal QR codes (check-in pages keep it for offline use).
pub fn public_key(app: &AppState) -> String {
    domain::qr::public_key_text(&app.qr_key.verifying_key())
}

/// Updates the contact details (registry number, name and birth date change only through an
/// application).
pub async fn update_contact(
    app: &AppState,
    actor: &Actor,
    form: &ContactForm,
) -> Result<PhysicianProfile, MyPageError> {
    let contact = form.parse().map_err(MyPageError::Invalid)?;
    let txn = crate::db::begin(&app.db).await?;
    accounts::update_contact(&txn, actor.id, &contact).await?;
    crate::db::audit::did(
        &txn,
        Some(actor.id),
        "user",
        actor.id,
        "profile_changed",
        None,
    )
    .await?;
    crate::db::commit(txn).await?;
    profile(&app.db, actor.id).await
}

/// The server's decision for the physician: the same function on the same data as the preview,
/// with planned credits for a what-if.
pub async fn decide(
    app: &AppState,
    actor: &Actor,
    procedure: &str,
    as_of: Option<NaiveDate>,
    planned: &[Credit],
) -> Result<Decision, MyPageError> {
    let procedure: Procedure = procedure
        .parse()
        .map_err(|e: domain::catalog::UnknownCode| {
            MyPageError::Invalid(vec![FieldError::new(
                "procedure",
                "unknown",
                Message::key("mypage.procedure.unknown").arg("given", e.given),
            )])
        })?;
    for (i, c) in planned.iter().enumerate() {
        if c.check_subject().is_err() {
            return Err(MyPageError::Invalid(vec![FieldError::new(
                &format!("planned[{i}].subject"),
                "subject",
                Message::key("mypage.planned.subject"),
            )]));
        }
    }
    let page = my_page(&app.db, actor.id).await?;
    let input = page.evaluation_input(procedure, as_of.unwrap_or(page.today), planned);
    Ok(evaluate(&app.rules, &input))
}
