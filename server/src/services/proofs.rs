//! What a physician holds, on paper they can hand over: the certificate PDF (with a QR code
//! and a short code that lead to the public verification page) and the transcript PDF of the
//! ledger; the public verification of a code; JMA's revocation of a certificate.
//!
//! A verification code is 12 bytes in Crockford's base32 (20 characters, printed in groups of
//! four): 8 random bytes that name a row of `certificate_proofs` (one per certificate period,
//! made at the first download) and the first 4 bytes of their HMAC-SHA-256 under a server key.
//! A code that is not signed is refused before the database is asked; lookups are limited per
//! address.

use chrono::{NaiveDate, Utc};
use domain::api::{LedgerEntry, Verification};
use domain::ledger::HistoryFilter;
use domain::notices::VerifiedCertificate;
use domain::policy::Actor;
use domain::standing::{self, CertificateStatus};
use domain::{Category, FieldError, Lang, Message, Period, Units};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::db::{DbError, accounts, audit, certificates, proofs, throttles};
use crate::pdf::{self, PdfError, Template};
use crate::services::{AppState, identity, mypage, today};

/// The language of the PDFs (what employers and labour inspectors read).
pub const PDF_LANG: Lang = Lang::Ja;
/// Verification lookups allowed per client address and minute.
pub const LOOKUPS_PER_MINUTE: i64 = 30;
/// PDFs one account may have made per minute (each takes tens of milliseconds of a core: a
/// signed-in account must not be able to keep the server busy with them).
pub const PDFS_PER_MINUTE: i64 = 20;
const RANDOM_BYTES: usize = 8;
const MAC_BYTES: usize = 4;

/// Why a request about a certificate's proof failed.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// No such certificate or code for this caller (another holder's is not found either).
    #[error("not found")]
    NotFound,
    /// The request has problems, per field.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// The physician's e-mail or identity is not verified yet; what to do.
    #[error("not verified")]
    NotVerified(Message),
    /// Only JMA's staff may do this.
    #[error("forbidden")]
    Forbidden,
    /// Too many lookups from this address; seconds to wait.
    #[error("throttled")]
    Throttled(u64),
    /// The PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn t(key: &str) -> String {
    domain::i18n::t(PDF_LANG, key)
}

fn long_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    Message::key("proof.date")
        .arg("y", d.year())
        .arg("m", d.month())
        .arg("d", d.day())
        .render(PDF_LANG)
}

/// A registry number as printed: every digit but the last three hidden.
pub fn masked(registry_number: &str) -> String {
    let n = registry_number.chars().count();
    registry_number
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 3 < n { '*' } else { c })
        .collect()
}

fn mac(key: &[u8; 32], id: &[u8]) -> [u8; MAC_BYTES] {
    // HMAC takes a key of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(b"nintei-certificate-proof:");
    m.update(id);
    let full = m.finalize().into_bytes();
    let mut out = [0u8; MAC_BYTES];
    out.copy_from_slice(&full[..MAC_BYTES]);
    out
}

/// The full code of a stored random part.
pub fn code_of(key: &[u8; 32], code_id: &str) -> Option<String> {
    let id = base32::decode(base32::Alphabet::Crockford, code_id)?;
    let mut bytes = id.clone();
    bytes.extend_from_slice(&mac(key, &id));
    Some(base32::encode(base32::Alphabet::Crockford, &bytes))
}

/// The random part of a code, if the code is well formed and signed by `key`. Hyphens, spaces
/// and case are ignored (people type what they read).
pub fn check_code(key: &[u8; 32], code: &str) -> Option<String> {
    let clean: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if clean.len() != 20 || !clean.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let bytes = base32::decode(base32::Alphabet::Crockford, &clean)?;
    if bytes.len() != RANDOM_BYTES + MAC_BYTES {
        return None;
    }
    let (id, sig) = bytes.split_at(RANDOM_BYTES);
    // Constant time, so that timing says nothing of how much of a guess was right.
    let expected = mac(key, id);
    let same = expected
        .iter()
        .zip(sig)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0;
    same.then(|| base32::encode(base32::Alphabet::Crockford, id))
}

/// A code as printed: groups of four.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code of a certificate's current period: the stored one, or a new one.
async fn proof_code(
    app: &AppState,
    certificate_id: i32,
    period: Period,
) -> Result<String, ProofError> {
    use rand::RngCore;
    if let Some(p) = proofs::of_period(&app.db, certificate_id, period).await? {
        return code_of(&app.proof_key, &p.code_id)
            .ok_or_else(|| DbError::Corrupt(format!("proof code {}", p.code_id)).into());
    }
    let mut id = [0u8; RANDOM_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let proof = proofs::Proof {
        code_id: base32::encode(base32::Alphabet::Crockford, &id),
        certificate_id,
        period,
    };
    match proofs::insert(&app.db, &proof, Utc::now()).await {
        Ok(()) => {}
        // A download at the same moment made it: use theirs.
        Err(DbError::Unique(_)) => {
            return match proofs::of_period(&app.db, certificate_id, period).await? {
                Some(p) => code_of(&app.proof_key, &p.code_id)
                    .ok_or_else(|| DbError::Corrupt(format!("proof code {}", p.code_id)).into()),
                None => Err(DbError::Corrupt("proof vanished".into()).into()),
            };
        }
        Err(e) => return Err(e.into()),
    }
    code_of(&app.proof_key, &proof.code_id)
        .ok_or_else(|| DbError::Corrupt("new proof code".into()).into())
}

/// The absolute address of a code's verification page.
pub fn verify_url(app: &AppState, code: &str) -> String {
    format!(
        "{}/verify/{code}",
        app.settings.public_url.trim_end_matches('/')
    )
}

#[derive(Serialize)]
struct QrRun(u32, u32, u32);

#[derive(Serialize)]
struct CertificateSheet {
    labels: std::collections::BTreeMap<&'static str, String>,
    name: String,
    kana: String,
    registry: String,
    certification: String,
    number: String,
    first: String,
    period: String,
    statement: String,
    issuer: String,
    issued: String,
    url: String,
    short_code: String,
    qr_size: u32,
    qr_runs: Vec<QrRun>,
}

/// The dark modules of a QR code of `text`, row by row as runs (row, column, length).
fn qr_runs(text: &str) -> Result<(u32, Vec<QrRun>), PdfError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| PdfError::Layout(format!("qr: {e}")))?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == qrcode::Color::Dark {
                let start = col;
                while col < width && colors[row * width + col] == qrcode::Color::Dark {
                    col += 1;
                }
                runs.push(QrRun(row as u32, start as u32, (col - start) as u32));
            } else {
                col += 1;
            }
        }
    }
    Ok((width as u32, runs))
}

/// Counts one PDF for `actor`; refused past [`PDFS_PER_MINUTE`].
async fn pdf_allowed(app: &AppState, actor: &Actor) -> Result<(), ProofError> {
    let now_ms = Utc::now().timestamp_millis();
    match throttles::hit(
        &app.db,
        &format!("pdf-by:{}", actor.id),
        now_ms,
        60_000,
        PDFS_PER_MINUTE,
    )
    .await?
    {
        Ok(()) => Ok(()),
        Err(ms) => Err(ProofError::Throttled(crate::services::accounts::seconds(
            ms,
        ))),
    }
}

async fn render_blocking<T: Serialize + Send + 'static>(
    app: &AppState,
    template: Template,
    data: T,
) -> Result<Vec<u8>, ProofError> {
    let dirs = app.settings.pdf_fonts.clone();
    let day = today();
    tokio::task::spawn_blocking(move || pdf::render(template, &data, day, &dirs))
        .await
        .map_err(|e| PdfError::Layout(e.to_string()))?
        .map_err(ProofError::from)
}

/// The holder's certificate `number` as a one-page PDF (認定証明書).
pub async fn certificate_pdf(
    app: &AppState,
    actor: &Actor,
    number: &str,
) -> Result<Vec<u8>, ProofError> {
    identity::require_verified(&app.db, actor)
        .await
        .map_err(ProofError::NotVerified)?;
    pdf_allowed(app, actor).await?;
    let held = certificates::by_number(&app.db, number)
        .await?
        .filter(|c| c.record.physician_id == actor.id && !c.revoked)
        .ok_or(ProofError::NotFound)?;
    let c = held.record;
    let profile = accounts::physician(&app.db, actor.id)
        .await?
        .ok_or(ProofError::NotFound)?;
    let period = Period {
        valid_from: c.valid_from,
        valid_until: c.valid_until,
    };
    let code = proof_code(app, c.id, period).await?;
    let url = verify_url(app, &code);
    let (qr_size, runs) = qr_runs(&url)?;
    let certification = t(&format!("certification.{}", c.certification));
    let issuer = t("proof.issuer");
    let labels = [
        ("title", "proof.title"),
        ("name", "proof.name"),
        ("kana", "proof.kana"),
        ("registry", "mypage.registry"),
        ("certification", "proof.certification"),
        ("number", "proof.number"),
        ("first", "proof.first"),
        ("period", "proof.period"),
        ("issued", "proof.issued"),
        ("verify", "proof.verify"),
        ("code", "proof.code"),
    ]
    .into_iter()
    .map(|(k, key)| (k, t(key)))
    .collect();
    let sheet = CertificateSheet {
        labels,
        statement: Message::key("proof.statement")
            .arg("certification", &certification)
            .render(PDF_LANG),
        name: profile.name_kanji,
        kana: profile.name_kana,
        registry: masked(&profile.registry_number),
        certification,
        number: c.number,
        first: long_date(c.first_certified),
        period: Message::key("proof.period_range")
            .arg("from", long_date(period.valid_from))
            .arg("until", long_date(period.valid_until))
            .render(PDF_LANG),
        issuer,
        issued: long_date(today()),
        short_code: grouped(&code),
        url,
        qr_size,
        qr_runs: runs,
    };
    render_blocking(app, Template::Certificate, sheet).await
}

#[derive(Serialize)]
struct TranscriptRow {
    date: String,
    category: String,
    units: String,
    delivery: String,
    state: String,
    session: String,
}

#[derive(Serialize)]
struct TranscriptTotal {
    label: String,
    units: String,
}

#[derive(Serialize)]
struct TranscriptSheet {
    labels: serde_json::Value,
    name: String,
    kana: String,
    registry: String,
    filter: String,
    issued: String,
    issuer: String,
    rows: Vec<TranscriptRow>,
    totals: Vec<TranscriptTotal>,
    total: String,
}

fn units_text(u: Units) -> String {
    Message::key("proof.units").arg("n", u).render(PDF_LANG)
}

/// The filter in words ("すべて" when there is none).
fn filter_words(f: &HistoryFilter) -> String {
    let mut parts = Vec::new();
    if let Some(c) = f.certification {
        parts.push(t(&format!("certification.{c}")));
    }
    if let Some(c) = f.category {
        parts.push(t(&format!("category.{c}")));
    }
    if f.from.is_some() || f.to.is_some() {
        parts.push(
            Message::key("proof.period_range")
                .arg("from", f.from.map(long_date).unwrap_or_default())
                .arg("until", f.to.map(long_date).unwrap_or_default())
                .render(PDF_LANG),
        );
    }
    if parts.is_empty() {
        t("proof.filter_none")
    } else {
        parts.join(" / ")
    }
}

fn row_of(e: &LedgerEntry) -> TranscriptRow {
    let mut category = t(&format!("category.{}", e.category));
    if let Some(s) = e.subject {
        category.push('・');
        category.push_str(&t(&format!("subject.{s}")));
    }
    let source = t(&format!("mypage.source.{}", e.source));
    let state = match e.verification {
        Some(v) => {
            let v: Verification = v;
            format!("{source}（{}）", t(&format!("mypage.verification.{v}")))
        }
        None => source,
    };
    let session = match (&e.session_title, &e.organizer_name) {
        (Some(s), Some(o)) => format!("{s}（{o}）"),
        (Some(s), None) => s.clone(),
        (None, Some(o)) => o.clone(),
        (None, None) => String::new(),
    };
    TranscriptRow {
        date: e.date.to_string(),
        category,
        units: e.units.to_string(),
        delivery: t(if e.delivery == domain::Delivery::Online {
            "mypage.online"
        } else {
            "csv.in_person"
        }),
        state,
        session,
    }
}

/// The physician's ledger, filtered as on the history page, as a PDF of as many pages as it
/// takes, with totals per category.
pub async fn transcript_pdf(
    app: &AppState,
    actor: &Actor,
    filter: &HistoryFilter,
) -> Result<Vec<u8>, ProofError> {
    pdf_allowed(app, actor).await?;
    let profile = accounts::physician(&app.read, actor.id)
        .await?
        .ok_or(ProofError::NotFound)?;
    let mut entries = mypage::ledger(&app.read, actor.id).await?;
    entries.retain(|e| filter.accepts(e.date, e.category));
    let mut by: std::collections::BTreeMap<Category, Units> = Default::default();
    for e in &entries {
        *by.entry(e.category).or_default() += e.units;
    }
    let total: Units = by.values().copied().sum();
    let labels = serde_json::json!({
        "title": t("proof.transcript_title"),
        "name": t("proof.name"),
        "registry": t("mypage.registry"),
        "filter": t("proof.filter"),
        "issued": t("proof.issued"),
        "columns": [t("csv.date"), t("csv.category"), t("csv.units"), t("csv.delivery"), t("csv.source"), t("csv.session")],
        "totals": t("transcript.subtotal"),
        "units": t("csv.units"),
        "total": t("common.total"),
        "note": t("transcript.note"),
    });
    let sheet = TranscriptSheet {
        labels,
        name: profile.name_kanji,
        kana: profile.name_kana,
        registry: masked(&profile.registry_number),
        filter: filter_words(filter),
        issued: long_date(today()),
        issuer: t("proof.transcript_issuer"),
        rows: entries.iter().map(row_of).collect(),
        totals: by
            .into_iter()
            .map(|(c, u)| TranscriptTotal {
                label: t(&format!("category.{c}")),
                units: units_text(u),
            })
            .collect(),
        total: units_text(total),
    };
    render_blocking(app, Template::Transcript, sheet).await
}

#[derive(Serialize)]
struct AttendanceSheet {
    labels: serde_json::Value,
    title: String,
    facts: Vec<[String; 2]>,
    summary: String,
    issued: String,
    rows: Vec<[String; 6]>,
}

/// A session's attendance as a PDF in `lang` (the organizer's record, filed with the
/// prefecture or kept): the session, who came in kana order, when, and what they were given.
pub async fn attendance_pdf(
    app: &AppState,
    actor: &Actor,
    session: &domain::records::Session,
    lang: Lang,
) -> Result<Vec<u8>, ProofError> {
    pdf_allowed(app, actor).await?;
    let rows = crate::services::checkin::attendance(&app.read, session)
        .await
        .map_err(|e| match e {
            crate::services::checkin::CheckinError::Db(d) => ProofError::Db(d),
            other => ProofError::Pdf(PdfError::Layout(other.to_string())),
        })?;
    let t = |key: &str| domain::i18n::t(lang, key);
    let yes = |b: bool, key: &str| if b { t(key) } else { String::new() };
    let full = rows
        .iter()
        .filter(|r| r.presence == domain::sessions::Presence::Full && !r.lecturer)
        .count();
    let lecturers = rows.iter().filter(|r| r.lecturer).count();
    let summary = Message::key("attendance.pdf.summary")
        .arg("n", rows.len())
        .arg("full", full)
        .arg("partial", rows.len() - full - lecturers)
        .arg("lecturers", lecturers)
        .render(lang);
    let labels = serde_json::json!({
        "title": t("attendance.pdf.title"),
        "columns": [
            t("csv.application.registry"),
            t("csv.application.name"),
            t("csv.attendance.in"),
            t("csv.attendance.out"),
            t("csv.attendance.presence"),
            t("csv.attendance.credited"),
        ],
    });
    let time = |t: Option<chrono::DateTime<Utc>>| {
        t.map(|t| {
            t.with_timezone(&domain::dates::jst())
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    let sheet = AttendanceSheet {
        labels,
        title: session.title.clone(),
        facts: vec![
            [
                t("attendance.pdf.when"),
                format!(
                    "{} {}–{}",
                    session.date,
                    session.starts_at.format("%H:%M"),
                    session.ends_at.format("%H:%M")
                ),
            ],
            [t("attendance.pdf.venue"), session.venue.clone()],
            [
                t("attendance.pdf.organizer"),
                session.organizing_body.clone(),
            ],
            [
                t("attendance.pdf.number"),
                session.designation_number.clone(),
            ],
            [
                t("attendance.pdf.units"),
                format!(
                    "{} {}",
                    t(&format!("category.{}", session.category)),
                    Message::key("proof.units")
                        .arg("n", session.units)
                        .render(lang)
                ),
            ],
        ],
        summary,
        issued: Message::key("attendance.pdf.issued")
            .arg("d", today())
            .render(lang),
        rows: rows
            .iter()
            .map(|r| {
                let name = match (&r.name, &r.kana) {
                    (Some(n), Some(k)) => format!("{n}（{k}）"),
                    (Some(n), None) => n.clone(),
                    _ => t("attendance.pdf.unregistered"),
                };
                let presence = if r.lecturer {
                    t("review.lecturer")
                } else {
                    r.presence.describe(lang)
                };
                [
                    r.registry_number.clone(),
                    name,
                    time(r.first_in),
                    time(r.last_out),
                    presence,
                    yes(r.credited, "attendance.pdf.credited"),
                ]
            })
            .collect(),
    };
    render_blocking(app, Template::Attendance, sheet).await
}

/// What anyone with the code may know of a certificate today. At most
/// [`LOOKUPS_PER_MINUTE`] per client address.
pub async fn verify(
    app: &AppState,
    code: &str,
    from: std::net::IpAddr,
) -> Result<VerifiedCertificate, ProofError> {
    let now_ms = Utc::now().timestamp_millis();
    if let Err(ms) = throttles::hit(
        &app.db,
        &format!("verify-from:{from}"),
        now_ms,
        60_000,
        LOOKUPS_PER_MINUTE,
    )
    .await?
    {
        return Err(ProofError::Throttled(crate::services::accounts::seconds(
            ms,
        )));
    }
    let code_id = check_code(&app.proof_key, code).ok_or(ProofError::NotFound)?;
    let proof = proofs::by_code(&app.read, &code_id)
        .await?
        .ok_or(ProofError::NotFound)?;
    let held = certificates::by_id(&app.read, proof.certificate_id)
        .await?
        .ok_or(ProofError::NotFound)?;
    let c = held.record;
    let name = accounts::physician(&app.read, c.physician_id)
        .await?
        .map(|p| p.name_kanji)
        .ok_or(ProofError::NotFound)?;
    let day = today();
    let period = Period {
        valid_from: c.valid_from,
        valid_until: c.valid_until,
    };
    Ok(VerifiedCertificate {
        status: standing::status(&app.rules, c.certification, period, held.revoked, day),
        name,
        certification: c.certification,
        number: c.number,
        valid_from: period.valid_from,
        valid_until: period.valid_until,
        superseded: proof.period != period,
        as_of: day,
    })
}

/// JMA revokes certificate `number`, with a reason; its printed codes say so from now on.
pub async fn revoke(
    app: &AppState,
    actor: &Actor,
    number: &str,
    reason: &str,
) -> Result<CertificateStatus, ProofError> {
    if !domain::policy::may_revoke_certificate(actor) {
        return Err(ProofError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ProofError::Invalid(vec![FieldError::new(
            "reason",
            "required",
            Message::key("proof.revoke.reason"),
        )]));
    }
    let txn = crate::db::begin(&app.db).await?;
    let held = certificates::by_number(&txn, number)
        .await?
        .ok_or(ProofError::NotFound)?;
    if certificates::revoke(&txn, held.record.id, reason, Utc::now()).await? {
        audit::did(
            &txn,
            Some(actor.id),
            "certificate",
            held.record.id,
            "revoked",
            Some(reason.to_owned()),
        )
        .await?;
    }
    crate::db::commit(txn).await?;
    Ok(CertificateStatus::Revoked)
}
