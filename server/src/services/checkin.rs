//! The door and the review: check-in scans (by the organizer's device or a helper's link),
//! undo, the lookup by name and date of birth, attendance, posting credits, corrections after
//! posting, and paper sheets imported as scans.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use domain::account::{RegistryNumber, lookup_key};
use domain::api::{
    AttendanceRow, CorrectionAction, DoorPresence, ImportProblem, ImportReport, LookupHit,
    PostRequest, PostResult, ScanLine, ScanRequest, ScanResult, SessionCorrection, kana_order,
};
use domain::dates::jst_instant;
use domain::ledger::EntryKind;
use domain::records::{Scan, Session};
use domain::sessions::{Presence, ScanKind, presence};
use domain::{FieldError, Message, Units};
use sea_orm::ConnectionTrait;

use crate::db::requests::{self, Earlier};
use crate::db::scans::NewScan;
use crate::db::{DbError, accounts, audit, credits, doors, scans, sessions, throttles};
use crate::services::AppState;

/// Why a check-in request failed.
#[derive(Debug, thiserror::Error)]
pub enum CheckinError {
    /// No such session (or scan) of this organizer.
    #[error("not found")]
    NotFound,
    /// The request has problems, per field.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// The session's credits are posted: the door is closed, corrections need a reason.
    #[error("session posted")]
    Posted,
    /// The session's credits were posted already.
    #[error("session already posted")]
    AlreadyPosted,
    /// A scan older than [`UNDO_MINUTES`] cannot be undone.
    #[error("too old to undo")]
    UndoTooOld,
    /// The state does not allow this (a correction before posting, a credit already there…).
    #[error("refused: {0:?}")]
    Refused(Message),
    /// A helper's device said it still holds scans; the organizer must confirm.
    #[error("devices hold scans")]
    Unsent(Vec<FieldError>),
    /// The request's reference already names another kind of request.
    #[error("reference reused")]
    Reused,
    /// Too many lookups; try again after the seconds given.
    #[error("throttled")]
    Throttled(u64),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<crate::services::sessions::SessionError> for CheckinError {
    fn from(e: crate::services::sessions::SessionError) -> CheckinError {
        use crate::services::sessions::SessionError;
        match e {
            SessionError::NotFound => CheckinError::NotFound,
            SessionError::Invalid(f) => CheckinError::Invalid(f),
            SessionError::Closed(m) => CheckinError::Refused(m),
            SessionError::Reused => CheckinError::Reused,
            SessionError::Db(e) => CheckinError::Db(e),
        }
    }
}

/// Refuses a session the prefecture has not designated: it takes no scans, lookups, sheets or
/// posting.
fn require_designated(session: &Session) -> Result<(), CheckinError> {
    if session.designated() {
        Ok(())
    } else {
        Err(CheckinError::Refused(Message::key(
            "session.not_designated",
        )))
    }
}

fn invalid(field: &str, code: &str, key: &str) -> CheckinError {
    CheckinError::Invalid(vec![FieldError::new(field, code, Message::key(key))])
}

/// How long after recording a scan can be undone.
pub const UNDO_MINUTES: i64 = 10;

/// The most lines one import reads (a session's capacity is rarely above a few hundred).
pub const IMPORT_MAX_ROWS: usize = 5_000;

/// Where a scan comes from: the organizer's own device, or a helper's link.
#[derive(Clone, Copy, Debug)]
pub struct Desk {
    /// The organizer the scan is recorded for.
    pub organizer: i32,
    /// The helper link, when not the organizer's own device.
    pub door_link: Option<i32>,
}

fn result(
    row: &Scan,
    who: Option<&accounts::Registered>,
    already_at: Option<DateTime<Utc>>,
    replayed: bool,
) -> ScanResult {
    ScanResult {
        scan_id: row.id,
        kind: row.kind,
        at: row.scanned_at,
        registry_number: row.registry_number.clone(),
        name: who.map(|p| p.name_kanji.clone()),
        kana: who.map(|p| p.name_kana.clone()),
        already_at,
        replayed,
        no_check_in: false,
    }
}

/// Whether a scan read at `at` belongs to `session`'s day, and if not, what to tell the desk:
/// the session is another day (before or after), or the device's clock is wrong.
fn check_day(session: &Session, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), CheckinError> {
    let date = |key: &str| {
        CheckinError::Invalid(vec![FieldError::new(
            "at",
            "wrong_day",
            Message::key(key).arg_date("date", session.date),
        )])
    };
    if at > now + Duration::minutes(5) {
        return Err(date("checkin.clock_ahead"));
    }
    let read_on = domain::dates::today_jst(at);
    if read_on == session.date {
        return Ok(());
    }
    let today = domain::dates::today_jst(now);
    if today < session.date {
        Err(date("checkin.not_yet"))
    } else if read_on > session.date {
        Err(date("checkin.over"))
    } else {
        Err(date("checkin.wrong_day"))
    }
}

/// Records a scan from `desk`. A QR code is trusted only with a valid signature; a typed number
/// must be digits. A code read offline is judged at the time it was read (never later than
/// now), so a scan queued through a network drop is not refused because the code expired.
/// A scan is recorded once per `client_id`; a repeat answers what the first recorded.
pub async fn record(
    app: &AppState,
    session: &Session,
    desk: Desk,
    req: &ScanRequest,
) -> Result<ScanResult, CheckinError> {
    let registry = match (&req.token, &req.registry_number) {
        (Some(token), _) => {
            let read_at = req.at.min(Utc::now()).timestamp();
            domain::qr::verify(&app.qr_key.verifying_key(), token, read_at)
                .map_err(|e| {
                    CheckinError::Invalid(vec![FieldError::new("token", "invalid_qr", e.message())])
                })?
                .registry_number
        }
        (None, Some(number)) => RegistryNumber::parse(number)
            .map_err(|e| CheckinError::Invalid(vec![e]))?
            .as_str()
            .to_owned(),
        (None, None) => {
            return Err(invalid(
                "registry_number",
                "required",
                "checkin.scan_or_number",
            ));
        }
    };
    let client_id = req.client_id.to_string();
    let client_id = client_id.as_str();
    if session.posted_at.is_some() {
        return Err(CheckinError::Posted);
    }
    if session.cancelled_at.is_some() {
        return Err(CheckinError::Refused(Message::key("session.cancelled")));
    }
    require_designated(session)?;
    check_day(session, req.at, Utc::now())?;
    let db = &app.db;
    let txn = crate::db::begin(db).await?;
    if let Some(first) = scans::by_client_id(&txn, session.id, client_id).await? {
        let who = accounts::registered(&txn, std::slice::from_ref(&first.registry_number)).await?;
        return Ok(result(&first, who.get(&first.registry_number), None, true));
    }
    // A typed number that belongs to no My Page is recorded only when the desk confirms it: a
    // mistyped number must not look like a success.
    if req.token.is_none()
        && !req.confirm_unknown
        && accounts::registered(&txn, std::slice::from_ref(&registry))
            .await?
            .is_empty()
    {
        return Err(CheckinError::Invalid(vec![FieldError::new(
            "registry_number",
            "unknown_number",
            Message::key("checkin.unknown_number").arg("number", &registry),
        )]));
    }
    let earlier = scans::earliest_live(&txn, session.id, &registry, req.kind)
        .await?
        .map(|s| s.scanned_at);
    let no_check_in = req.kind == ScanKind::Out
        && scans::earliest_live(&txn, session.id, &registry, ScanKind::In)
            .await?
            .is_none();
    let inserted = scans::insert(
        &txn,
        NewScan {
            session_id: session.id,
            client_id: client_id.to_owned(),
            registry_number: registry.clone(),
            kind: req.kind,
            scanned_at: req.at,
            recorded_by: desk.organizer,
            birth_date: req.birth_date,
            undoes_id: None,
            reason: None,
            door_link_id: desk.door_link,
        },
    )
    .await;
    let row = match inserted {
        Ok(row) => row,
        // The same scan sent at the same moment through another desk or instance (a retry on
        // a flaky network) was recorded first: answer what it recorded.
        Err(DbError::Unique(e)) => {
            drop(txn);
            let Some(first) = scans::by_client_id(db, session.id, client_id).await? else {
                return Err(DbError::Unique(e).into());
            };
            let who =
                accounts::registered(db, std::slice::from_ref(&first.registry_number)).await?;
            return Ok(result(&first, who.get(&first.registry_number), None, true));
        }
        Err(e) => return Err(e.into()),
    };
    crate::db::commit(txn).await?;
    let who = accounts::registered(db, std::slice::from_ref(&registry)).await?;
    let mut answer = result(&row, who.get(&registry), earlier, false);
    answer.no_check_in = no_check_in;
    Ok(answer)
}

/// One person's scans in a session, oldest first, each with whether it can still be undone:
/// the desk undoes the right row (the check-in, not a duplicate).
pub async fn person_scans(
    app: &AppState,
    session: &Session,
    registry_number: &str,
) -> Result<Vec<ScanLine>, CheckinError> {
    let registry =
        RegistryNumber::parse(registry_number).map_err(|e| CheckinError::Invalid(vec![e]))?;
    let all = scans::of_person(&app.db, session.id, registry.as_str()).await?;
    let undone: HashSet<i32> = all.iter().filter_map(|s| s.undoes_id).collect();
    let links: HashMap<i32, String> = doors::of_session(&app.db, session.id)
        .await?
        .into_iter()
        .map(|l| (l.id, l.label))
        .collect();
    let now = Utc::now();
    Ok(all
        .iter()
        .filter(|s| s.undoes_id.is_none())
        .map(|s| {
            let is_undone = undone.contains(&s.id);
            ScanLine {
                scan_id: s.id,
                kind: s.kind,
                at: s.scanned_at,
                via: s.door_link_id.and_then(|l| links.get(&l).cloned()),
                undone: is_undone,
                can_undo: !is_undone
                    && session.posted_at.is_none()
                    && now - s.recorded_at <= Duration::minutes(UNDO_MINUTES),
            }
        })
        .collect())
}

/// Undoes a scan recorded a few minutes ago, with a reason (a new row records the undo).
pub async fn undo(
    app: &AppState,
    session: &Session,
    desk: Desk,
    scan_id: i32,
    reason: &str,
) -> Result<(), CheckinError> {
    if reason.trim().is_empty() {
        return Err(invalid(
            "reason",
            "required",
            "checkin.undo_reason_required",
        ));
    }
    let txn = crate::db::begin(&app.db).await?;
    let target = scans::recorded(&txn, session.id, scan_id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    if scans::is_undone(&txn, scan_id).await? {
        return Err(CheckinError::NotFound);
    }
    if Utc::now() - target.recorded_at > Duration::minutes(UNDO_MINUTES) {
        return Err(CheckinError::UndoTooOld);
    }
    scans::insert(
        &txn,
        NewScan {
            session_id: session.id,
            client_id: format!("undo-{scan_id}"),
            registry_number: target.registry_number.clone(),
            kind: target.kind,
            scanned_at: Utc::now(),
            recorded_by: desk.organizer,
            birth_date: None,
            undoes_id: Some(scan_id),
            reason: Some(reason.trim().to_owned()),
            door_link_id: desk.door_link,
        },
    )
    .await?;
    crate::db::commit(txn).await?;
    Ok(())
}

/// The scans still in force (not undone), oldest first.
fn live(all: Vec<Scan>) -> Vec<Scan> {
    let undone: HashSet<i32> = all.iter().filter_map(|s| s.undoes_id).collect();
    all.into_iter()
        .filter(|s| s.undoes_id.is_none() && !undone.contains(&s.id))
        .collect()
}

/// First check-in and last check-out of one attendee.
type InOut = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Attendees with their first check-in, last check-out and presence under the tolerances, in
/// kana order ([`kana_order`]), as the review lists them and the exports write them.
pub async fn attendance(
    db: &impl ConnectionTrait,
    session: &Session,
) -> Result<Vec<AttendanceRow>, CheckinError> {
    let scans = live(scans::of_session(db, session.id).await?);
    let lecturers = sessions::lecturers(db, session.id).await?;
    let mut by: BTreeMap<String, InOut> = BTreeMap::new();
    for s in &scans {
        let e = by.entry(s.registry_number.clone()).or_default();
        match s.kind {
            ScanKind::In => e.0 = Some(e.0.map_or(s.scanned_at, |t| t.min(s.scanned_at))),
            ScanKind::Out => e.1 = Some(e.1.map_or(s.scanned_at, |t| t.max(s.scanned_at))),
        }
    }
    for l in &lecturers {
        by.entry(l.clone()).or_default();
    }
    let credited = credits::of_session(db, session.id).await?;
    for c in credited.keys() {
        by.entry(c.clone()).or_default();
    }
    let registry: Vec<String> = by.keys().cloned().collect();
    let who = accounts::registered(db, &registry).await?;
    let start = session.date.and_time(session.starts_at);
    let end = session.date.and_time(session.ends_at);
    let to_local = |t: DateTime<Utc>| t.with_timezone(&domain::dates::jst()).naive_local();
    let mut rows: Vec<AttendanceRow> = by
        .into_iter()
        .map(|(r, (first_in, last_out))| AttendanceRow {
            name: who.get(&r).map(|p| p.name_kanji.clone()),
            kana: who.get(&r).map(|p| p.name_kana.clone()),
            presence: presence(
                start,
                end,
                session.tolerance_in_minutes,
                session.tolerance_out_minutes,
                first_in.map(to_local),
                last_out.map(to_local),
            ),
            lecturer: lecturers.contains(&r),
            credited: credited.contains_key(&r),
            registry_number: r,
            first_in,
            last_out,
        })
        .collect();
    rows.sort_by(|a, b| {
        kana_order(a.kana.as_deref(), &a.registry_number)
            .cmp(&kana_order(b.kana.as_deref(), &b.registry_number))
    });
    Ok(rows)
}

/// Who is in the hall now and how many came and left, from the live (not undone) scans.
pub async fn presence_now(
    db: &impl ConnectionTrait,
    session: &Session,
) -> Result<DoorPresence, CheckinError> {
    let scans = live(scans::of_session(db, session.id).await?);
    let mut numbers: Vec<String> = scans.iter().map(|s| s.registry_number.clone()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let who = accounts::registered(db, &numbers).await?;
    Ok(DoorPresence::from_scans(
        scans
            .iter()
            .map(|s| (s.registry_number.as_str(), s.kind, s.scanned_at)),
        |r| {
            who.get(r).map_or((None, None), |p| {
                (Some(p.name_kanji.clone()), Some(p.name_kana.clone()))
            })
        },
    ))
}

/// A scan time as the hall's clock showed it (JST), for the exports.
pub fn jst_minute(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&domain::dates::jst())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

/// The attendance as CSV in `lang` (UTF-8 with a byte-order mark, as spreadsheets in Japan
/// expect): the organizer's record of who came, when, and what they were given.
pub async fn attendance_csv(
    db: &impl ConnectionTrait,
    session: &Session,
    lang: domain::Lang,
) -> Result<String, CheckinError> {
    let rows = attendance(db, session).await?;
    let t = |key: &str| domain::i18n::t(lang, key);
    let yes_no = |b: bool| {
        t(if b {
            "csv.application.yes"
        } else {
            "csv.application.no"
        })
    };
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "csv.application.registry",
        "csv.application.name",
        "csv.attendance.kana",
        "csv.attendance.in",
        "csv.attendance.out",
        "csv.attendance.presence",
        "csv.attendance.lecturer",
        "csv.attendance.credited",
    ]
    .map(t);
    // Writing into memory cannot fail; a failure would only drop the row.
    let _ = out.write_record(&header);
    for r in rows {
        let row = [
            r.registry_number.clone(),
            r.name.clone().unwrap_or_default(),
            r.kana.clone().unwrap_or_default(),
            jst_minute(r.first_in),
            jst_minute(r.last_out),
            r.presence.describe(lang),
            yes_no(r.lecturer),
            yes_no(r.credited),
        ]
        .map(crate::services::mypage::spreadsheet_text);
        let _ = out.write_record(&row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    Ok(format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes)))
}

/// Posts the session: credits for full attendees, granted partial attendees and lecturers, in
/// one transaction. They are on each My Page at once. While a helper's device said it still
/// holds scans, the organizer must confirm (those scans could not be recorded afterwards).
pub async fn post(
    app: &AppState,
    session: &Session,
    organizer: i32,
    req: &PostRequest,
) -> Result<PostResult, CheckinError> {
    let grants = &req.grants;
    if !req.confirm_unsent && session.posted_at.is_none() {
        let holding = crate::services::doors::holding_scans(app, session.id, None).await?;
        if !holding.is_empty() {
            return Err(CheckinError::Unsent(holding));
        }
    }
    let errors: Vec<FieldError> = grants
        .iter()
        .filter(|g| g.reason.trim().is_empty())
        .map(|g| {
            FieldError::new(
                "grants",
                "reason_required",
                Message::key("checkin.grant_reason_required").arg("number", &g.registry_number),
            )
        })
        .collect();
    let txn = crate::db::begin(&app.db).await?;
    // Re-read inside the transaction: a second post of the same session must not write again.
    let session = sessions::by_id(&txn, session.id)
        .await?
        .ok_or(CheckinError::NotFound)?;
    if session.posted_at.is_some() {
        return Err(CheckinError::AlreadyPosted);
    }
    require_designated(&session)?;
    if !errors.is_empty() {
        return Err(CheckinError::Invalid(errors));
    }
    // Units are posted for a session that took place (`rules.md`: posting opens at its end), and
    // soon after: a session long past goes through the prefecture.
    let today = crate::services::today();
    if Utc::now() < jst_instant(session.date, session.ends_at) {
        return Err(CheckinError::Refused(
            Message::key("checkin.post_too_early")
                .arg_date("date", session.date)
                .arg("time", session.ends_at.format("%H:%M")),
        ));
    }
    if session.date < today - chrono::Days::new(app.settings.posting_days) {
        return Err(CheckinError::Refused(
            Message::key("checkin.post_too_late").arg("days", app.settings.posting_days),
        ));
    }
    let rows = attendance(&txn, &session).await?;
    let granted: HashMap<&str, &str> = grants
        .iter()
        .map(|g| (g.registry_number.as_str(), g.reason.trim()))
        .collect();
    let registry: Vec<String> = rows.iter().map(|r| r.registry_number.clone()).collect();
    let who = accounts::registered(&txn, &registry).await?;
    let birth_dates: HashMap<String, chrono::NaiveDate> = scans::of_session(&txn, session.id)
        .await?
        .into_iter()
        .filter_map(|s| s.birth_date.map(|d| (s.registry_number, d)))
        .collect();
    let mut written = 0u32;
    // Units given on the organizer's word rather than the door's record: each is an audit row.
    let mut on_word: Vec<(&str, String)> = Vec::new();
    for row in rows {
        let grant = granted.get(row.registry_number.as_str()).copied();
        if !(row.lecturer || row.presence == Presence::Full || grant.is_some()) {
            continue;
        }
        if row.lecturer {
            on_word.push(("lecturer_grant", row.registry_number.clone()));
        } else if let Some(reason) = grant.filter(|_| row.presence != Presence::Full) {
            on_word.push((
                "partial_grant",
                format!("{}: {reason}", row.registry_number),
            ));
        }
        let note = match (row.lecturer, grant) {
            (true, _) => Some(domain::i18n::t(domain::Lang::Ja, "checkin.note.lecturer")),
            (false, Some(reason)) => Some(
                Message::key("checkin.note.granted")
                    .arg("reason", reason)
                    .render(domain::Lang::Ja),
            ),
            _ => None,
        };
        let mut credit = session.credit_for(
            organizer,
            who.get(&row.registry_number).map(|p| p.user_id),
            &row.registry_number,
            note,
        );
        // One entry per person and session: the reference is the server's own.
        credit.server_ref = Some(format!("session-{}-{}", session.id, row.registry_number));
        credit.attendee_birth_date = birth_dates.get(&row.registry_number).copied();
        credits::insert(&txn, credit).await?;
        written += 1;
    }
    if !sessions::mark_posted(&txn, session.id, Utc::now()).await? {
        return Err(CheckinError::AlreadyPosted);
    }
    audit::moved(
        &txn,
        Some(organizer),
        "session",
        session.id,
        "post",
        Some("posted"),
        Some(format!("{written} credits")),
    )
    .await?;
    for (action, note) in on_word {
        audit::did(
            &txn,
            Some(organizer),
            "session",
            session.id,
            action,
            Some(note),
        )
        .await?;
    }
    crate::db::commit(txn).await?;
    Ok(PostResult {
        credits_written: written,
    })
}

/// Lookups by name and date of birth one organizer account or one helper link may make in
/// [`LOOKUP_WINDOW_MS`]: plenty for a door, too few to go through a population.
pub const LOOKUPS_PER_WINDOW: i64 = 60;
/// The window of [`LOOKUPS_PER_WINDOW`]: ten minutes.
pub const LOOKUP_WINDOW_MS: i64 = 600_000;

/// Who asks for a lookup, for its limit and its audit row.
#[derive(Clone, Copy, Debug)]
pub enum Asker {
    /// The organizer's account.
    Organizer(i32),
    /// A helper's link.
    Door(i32),
}

/// Verified physicians whose full name (kanji or kana, spacing ignored) and date of birth both
/// match exactly; at most 5. No partial matches: the lookup finds a person, it does not list
/// people. Only while the session's door is open (the day before to the day after, not posted
/// or cancelled), at most [`LOOKUPS_PER_WINDOW`] per asker, each one in the audit log.
pub async fn lookup(
    app: &AppState,
    session: &Session,
    asker: Asker,
    name: &str,
    birth_date: chrono::NaiveDate,
) -> Result<Vec<LookupHit>, CheckinError> {
    let today = crate::services::today();
    let one_day = chrono::Days::new(1);
    if session.posted_at.is_some()
        || session.cancelled_at.is_some()
        || session.date < today - one_day
        || session.date > today + one_day
    {
        return Err(CheckinError::Refused(Message::key("checkin.lookup_closed")));
    }
    require_designated(session)?;
    let (key, actor, note) = match asker {
        Asker::Organizer(id) => (format!("lookup:organizer:{id}"), Some(id), None),
        Asker::Door(id) => (
            format!("lookup:door:{id}"),
            None,
            Some(format!("door link {id}")),
        ),
    };
    let now_ms = Utc::now().timestamp_millis();
    if let Err(ms) =
        throttles::hit(&app.db, &key, now_ms, LOOKUP_WINDOW_MS, LOOKUPS_PER_WINDOW).await?
    {
        return Err(CheckinError::Throttled(crate::services::accounts::seconds(
            ms,
        )));
    }
    let wanted = lookup_key(name);
    let hits: Vec<LookupHit> = if wanted.is_empty() {
        Vec::new()
    } else {
        accounts::born_on(&app.db, birth_date)
            .await?
            .into_iter()
            .filter(|p| lookup_key(&p.name_kanji) == wanted || lookup_key(&p.name_kana) == wanted)
            .take(5)
            .map(|p| LookupHit {
                registry_number: p.registry_number,
                name: p.name_kanji,
                kana: p.name_kana,
            })
            .collect()
    };
    let note = match note {
        Some(n) => format!("{n}: {} found", hits.len()),
        None => format!("{} found", hits.len()),
    };
    audit::did(&app.db, actor, "session", session.id, "lookup", Some(note)).await?;
    Ok(hits)
}

/// A correction after posting: adds the session's units for someone who has none from it, or
/// withdraws them, with a reason. Nothing is rewritten: an addition is a new entry, a
/// withdrawal a new row that withdraws the entry; both are audited. A retry with the same
/// `client_ref` does nothing more.
/// Who corrects a session's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corrector {
    /// Its organizer (account id), within the posting window for an addition.
    Organizer(i32),
    /// The staff of its prefecture or JMA (account id): additions once the window has closed.
    Prefecture(i32),
}

/// Corrects a posted session's units for one registry number, with a reason: its organizer
/// adds (while the posting window is open) or withdraws; after the window, an addition goes
/// through the prefecture ([`Corrector::Prefecture`]), also for a session never posted.
pub async fn correct(
    app: &AppState,
    session: &Session,
    by: Corrector,
    req: &SessionCorrection,
) -> Result<AttendanceRow, CheckinError> {
    let (organizer, through_prefecture) = match by {
        Corrector::Organizer(id) => (id, false),
        Corrector::Prefecture(id) => (id, true),
    };
    let window_closed =
        session.date < crate::services::today() - chrono::Days::new(app.settings.posting_days);
    let registry =
        RegistryNumber::parse(&req.registry_number).map_err(|e| CheckinError::Invalid(vec![e]))?;
    let registry = registry.as_str();
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(invalid(
            "reason",
            "required",
            "checkin.correction_reason_required",
        ));
    }
    match (through_prefecture, req.action) {
        (false, CorrectionAction::Add) if window_closed => {
            return Err(CheckinError::Refused(
                Message::key("checkin.add_through_prefecture")
                    .arg("days", app.settings.posting_days),
            ));
        }
        (true, CorrectionAction::Withdraw) => return Err(CheckinError::NotFound),
        (true, CorrectionAction::Add) => {
            require_designated(session)?;
            if !window_closed {
                return Err(CheckinError::Refused(
                    Message::key("late.window_open").arg("days", app.settings.posting_days),
                ));
            }
        }
        _ => {}
    }
    if session.posted_at.is_none() && !through_prefecture {
        return Err(CheckinError::Refused(Message::key(
            "checkin.not_posted_yet",
        )));
    }
    let txn = crate::db::begin(&app.db).await?;
    let replay = match &req.client_ref {
        Some(r) => match requests::earlier(&txn, organizer, r, "correction").await? {
            Earlier::New => false,
            Earlier::Same(_) => true,
            Earlier::Other => return Err(CheckinError::Reused),
        },
        None => false,
    };
    if !replay {
        let current = credits::of_session(&txn, session.id)
            .await?
            .remove(registry);
        let action = match (req.action, current) {
            (CorrectionAction::Add, Some(_)) => {
                return Err(CheckinError::Refused(
                    Message::key("checkin.already_credited").arg("number", registry),
                ));
            }
            (CorrectionAction::Withdraw, None) => {
                return Err(CheckinError::Refused(
                    Message::key("checkin.no_credit").arg("number", registry),
                ));
            }
            (CorrectionAction::Withdraw, Some(c)) if c.consumed_by.is_some() => {
                return Err(CheckinError::Refused(Message::key(
                    "checkin.credit_consumed",
                )));
            }
            (CorrectionAction::Add, None) => {
                let who = accounts::registered(&txn, &[registry.to_owned()]).await?;
                let mut credit = session.credit_for(
                    organizer,
                    who.get(registry).map(|p| p.user_id),
                    registry,
                    Some(
                        Message::key("checkin.note.added")
                            .arg("reason", reason)
                            .render(domain::Lang::Ja),
                    ),
                );
                // A person withdrawn earlier and added again gets a distinct reference.
                credit.server_ref = Some(format!(
                    "session-{}-{registry}-{}",
                    session.id,
                    Utc::now().timestamp_micros()
                ));
                let written = credits::insert(&txn, credit).await?;
                if let Some(r) = &req.client_ref {
                    requests::remember(&txn, organizer, r, "correction", written.id).await?;
                }
                "credit_add"
            }
            (CorrectionAction::Withdraw, Some(c)) => {
                let mut withdrawal = c.successor();
                withdrawal.kind = EntryKind::Withdrawal;
                withdrawal.units = Units::ZERO;
                withdrawal.note = Some(
                    Message::key("checkin.note.withdrawn")
                        .arg("reason", reason)
                        .render(domain::Lang::Ja),
                );
                withdrawal.created_by = Some(organizer);
                let written = credits::insert(&txn, withdrawal).await?;
                if let Some(r) = &req.client_ref {
                    requests::remember(&txn, organizer, r, "correction", written.id).await?;
                }
                "credit_withdraw"
            }
        };
        let note = format!("{registry}: {reason}");
        audit::did(
            &txn,
            Some(organizer),
            "session",
            session.id,
            action,
            Some(note),
        )
        .await?;
    }
    let row = attendance(&txn, session)
        .await?
        .into_iter()
        .find(|r| r.registry_number == registry)
        .ok_or(CheckinError::NotFound)?;
    crate::db::commit(txn).await?;
    Ok(row)
}

/// A later addition by a prefecture's staff or JMA: the designated session of the number (in
/// the staff's prefecture; JMA's in any, or the one named), then [`correct`] as the prefecture.
pub async fn add_late(
    app: &AppState,
    actor: &domain::policy::Actor,
    req: &domain::api::LateAddition,
) -> Result<domain::api::LateAdded, CheckinError> {
    use domain::account::Role;
    let number = req.designation_number.trim();
    if number.is_empty() {
        return Err(invalid(
            "designation_number",
            "required",
            "late.number_required",
        ));
    }
    let scope = match actor.role {
        Role::PrefecturalStaff => Some(actor.prefecture.ok_or(CheckinError::NotFound)?),
        Role::JmaStaff => req.prefecture.and_then(domain::Prefecture::from_code),
        _ => return Err(CheckinError::NotFound),
    };
    let found = sessions::designated_by_number(&app.db, number, scope).await?;
    let session = match found.as_slice() {
        [one] if domain::policy::may_designate(actor, one.prefecture) => one.clone(),
        [] | [_] => {
            return Err(CheckinError::Invalid(vec![FieldError::new(
                "designation_number",
                "unknown",
                Message::key("late.unknown_number").arg("number", number),
            )]));
        }
        _ => {
            return Err(invalid("prefecture", "ambiguous", "late.choose_prefecture"));
        }
    };
    let correction = SessionCorrection {
        registry_number: req.registry_number.clone(),
        action: CorrectionAction::Add,
        reason: req.reason.clone(),
        client_ref: req.client_ref,
    };
    let row = correct(app, &session, Corrector::Prefecture(actor.id), &correction).await?;
    Ok(domain::api::LateAdded {
        session: session.public(),
        row,
    })
}

/// A scan a sheet line makes: client id, registry number, direction, time.
type SheetScan<'a> = (String, &'a str, ScanKind, DateTime<Utc>);

/// Imports a paper attendance sheet as scans (or only checks it, `dry_run`). Every bad line is
/// reported and nothing is written while there is one. Each line's scans get client ids made
/// from the session, number and time, so importing the same sheet twice writes nothing twice.
pub async fn import(
    app: &AppState,
    session: &Session,
    organizer: i32,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, CheckinError> {
    let (rows, mut problems) = domain::sessions::parse_attendance_csv(text, session.online);
    if rows.len() > IMPORT_MAX_ROWS {
        return Err(CheckinError::Invalid(vec![FieldError::new(
            "file",
            "too_many_rows",
            Message::key("import.too_many_rows").arg("max", IMPORT_MAX_ROWS),
        )]));
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 0,
            message: Message::key("import.no_rows"),
        });
    }
    if session.posted_at.is_some() {
        return Err(CheckinError::Refused(Message::key("import.posted")));
    }
    require_designated(session)?;
    let db = &app.db;
    let registry: Vec<String> = rows
        .iter()
        .map(|r| r.registry.as_str().to_owned())
        .collect();
    let who = accounts::registered(db, &registry).await?;
    // A sheet's name must be the registered physician's (kanji or kana, spacing ignored).
    for r in &rows {
        if let Some(p) = who.get(r.registry.as_str()) {
            let key = lookup_key(&r.name);
            if key != lookup_key(&p.name_kanji) && key != lookup_key(&p.name_kana) {
                problems.push(ImportProblem {
                    line: r.line,
                    message: Message::key("import.name_mismatch")
                        .arg("line", r.line)
                        .arg("number", r.registry.as_str())
                        .arg("name", &r.name),
                });
            }
        }
    }
    let at = |t: chrono::NaiveTime| jst_instant(session.date, t);
    // A meeting log's day must be the session's.
    for r in &rows {
        if let Some(day) = r.on.filter(|d| *d != session.date) {
            problems.push(ImportProblem {
                line: r.line,
                message: Message::key("import.other_day")
                    .arg("line", r.line)
                    .arg("day", day)
                    .arg("session", session.date),
            });
        }
    }
    // A time that has not come yet cannot have been attended.
    let now = Utc::now();
    for r in rows
        .iter()
        .filter(|r| r.on.is_none_or(|d| d == session.date))
    {
        for t in [r.checked_in, r.checked_out].into_iter().flatten() {
            if at(t) > now {
                problems.push(ImportProblem {
                    line: r.line,
                    message: Message::key("import.future_time")
                        .arg("line", r.line)
                        .arg("time", t.format("%H:%M")),
                });
                break;
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    let bad_lines: HashSet<usize> = problems.iter().map(|p| p.line).collect();
    // Each line's scans, with ids made from session, number, direction and time.
    let per_line: Vec<Vec<SheetScan>> = rows
        .iter()
        .map(|r| {
            [(ScanKind::In, r.checked_in), (ScanKind::Out, r.checked_out)]
                .into_iter()
                .filter_map(|(kind, time)| {
                    let t = at(time?);
                    let registry = r.registry.as_str();
                    let id = format!("csv-{}-{registry}-{kind}-{}", session.id, t.timestamp());
                    Some((id, registry, kind, t))
                })
                .collect()
        })
        .collect();
    // Scans this session already has from sheets (their ids say so).
    let seen =
        scans::client_ids_with_prefix(db, session.id, &format!("csv-{}-", session.id)).await?;
    let already_imported = per_line
        .iter()
        .filter(|scans| scans.iter().all(|s| seen.contains(&s.0)))
        .count();
    // A line with a problem is reported once, as a problem, never also as valid.
    let valid_rows = rows
        .iter()
        .zip(&per_line)
        .filter(|(r, scans)| {
            !bad_lines.contains(&r.line) && !scans.iter().all(|s| seen.contains(&s.0))
        })
        .count();
    let mut report = ImportReport {
        dry_run,
        valid_rows,
        already_imported,
        problems,
        scans_written: 0,
    };
    if dry_run || !report.problems.is_empty() {
        return Ok(report);
    }
    let txn = crate::db::begin(db).await?;
    for (client_id, registry, kind, t) in per_line.into_iter().flatten() {
        if seen.contains(&client_id) {
            continue;
        }
        scans::insert(
            &txn,
            NewScan {
                session_id: session.id,
                client_id,
                registry_number: registry.to_owned(),
                kind,
                scanned_at: t,
                recorded_by: organizer,
                birth_date: None,
                undoes_id: None,
                reason: Some(domain::i18n::t(domain::Lang::Ja, "import.reason")),
                door_link_id: None,
            },
        )
        .await?;
        report.scans_written += 1;
    }
    let note = format!("scans {}", report.scans_written);
    crate::db::audit::did(
        &txn,
        Some(organizer),
        "session",
        session.id,
        "imported",
        Some(note),
    )
    .await?;
    crate::db::commit(txn).await?;
    Ok(report)
}
