//! Sessions of an organizer, check-in scans and posting credits.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use domain::FieldError;
use domain::account::RegistryNumber;
use domain::api::{
    AttendanceRow, CorrectionAction, Grant, ImportProblem, ImportReport, PostResult, PublicSession,
    ScanResult, SessionCorrection,
};
use domain::sessions::{Presence, ScanKind, SessionSpec, presence};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use crate::db::jst;
use crate::db::ledger;
use crate::db::sessions::to_public;
use crate::entities::{audit_log, credit, physician, scan, session_lecturer, training_session};
use crate::error::ApiError;

/// First check-in and last check-out of one attendee.
type InOut = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// How long after recording a scan can be undone.
pub const UNDO_MINUTES: i64 = 10;

fn kind_code(k: ScanKind) -> &'static str {
    match k {
        ScanKind::In => "in",
        ScanKind::Out => "out",
    }
}

/// The organizer's own session, or 404 (another organizer's session is not revealed).
pub async fn own_session(
    db: &impl ConnectionTrait,
    organizer: i32,
    id: i32,
) -> Result<training_session::Model, ApiError> {
    training_session::Entity::find_by_id(id)
        .filter(training_session::Column::OrganizerId.eq(organizer))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Creates a published session with its lecturers.
pub async fn create(
    db: &DatabaseConnection,
    organizer: i32,
    body: &str,
    s: &SessionSpec,
) -> Result<PublicSession, ApiError> {
    let txn = db.begin().await?;
    let row = training_session::ActiveModel {
        organizer_id: Set(organizer),
        organizing_body: Set(body.to_owned()),
        title: Set(s.title.clone()),
        category: Set(s.category.code().to_owned()),
        subject: Set(s.subject.map(|x| x.code())),
        units_halves: Set(i32::try_from(s.units.halves()).unwrap_or(i32::MAX)),
        date: Set(s.date),
        starts_at: Set(s.starts_at.format("%H:%M").to_string()),
        ends_at: Set(s.ends_at.format("%H:%M").to_string()),
        venue: Set(s.venue.clone()),
        prefecture: Set(i32::from(s.prefecture.code())),
        online: Set(s.online),
        capacity: Set(i32::try_from(s.capacity).unwrap_or(i32::MAX)),
        designation_number: Set(s.designation_number.clone()),
        tolerance_in_minutes: Set(i32::try_from(s.tolerance_in_minutes).unwrap_or(5)),
        tolerance_out_minutes: Set(i32::try_from(s.tolerance_out_minutes).unwrap_or(5)),
        published: Set(true),
        posted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for r in &s.lecturers {
        session_lecturer::ActiveModel {
            session_id: Set(row.id),
            registry_number: Set(r.as_str().to_owned()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    to_public(row)
}

/// The organizer's sessions, newest first.
pub async fn list(db: &DatabaseConnection, organizer: i32) -> Result<Vec<PublicSession>, ApiError> {
    training_session::Entity::find()
        .filter(training_session::Column::OrganizerId.eq(organizer))
        .order_by_desc(training_session::Column::Date)
        .all(db)
        .await?
        .into_iter()
        .map(to_public)
        .collect()
}

async fn names(
    db: &impl ConnectionTrait,
    registry: &[String],
) -> Result<HashMap<String, physician::Model>, ApiError> {
    if registry.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(physician::Entity::find()
        .filter(physician::Column::RegistryNumber.is_in(registry.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.registry_number.clone(), p))
        .collect())
}

/// The scans still in force (not undone), oldest first.
async fn live_scans(db: &impl ConnectionTrait, session: i32) -> Result<Vec<scan::Model>, ApiError> {
    let all = scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session))
        .order_by_asc(scan::Column::ScannedAt)
        .all(db)
        .await?;
    let undone: HashSet<i32> = all.iter().filter_map(|s| s.undoes_id).collect();
    Ok(all
        .into_iter()
        .filter(|s| s.undoes_id.is_none() && !undone.contains(&s.id))
        .collect())
}

/// What a scan means to the page.
fn result(
    row: &scan::Model,
    who: Option<&physician::Model>,
    already_at: Option<DateTime<Utc>>,
    replayed: bool,
) -> ScanResult {
    ScanResult {
        scan_id: row.id,
        kind: if row.kind == "out" {
            ScanKind::Out
        } else {
            ScanKind::In
        },
        at: row.scanned_at,
        registry_number: row.registry_number.clone(),
        name: who.map(|p| p.name_kanji.clone()),
        kana: who.map(|p| p.name_kana.clone()),
        already_at,
        replayed,
    }
}

/// A scan to record, its physician already identified.
#[derive(Debug)]
pub struct NewScan<'a> {
    /// Made on the device.
    pub client_id: &'a str,
    /// Who.
    pub registry: &'a str,
    /// In or out.
    pub kind: ScanKind,
    /// When, by the device's clock.
    pub at: DateTime<Utc>,
    /// Noted for someone without a My Page.
    pub birth_date: Option<chrono::NaiveDate>,
    /// The helper link it came through, if not the organizer's own device.
    pub door_link: Option<i32>,
}

/// Records a scan once per `client_id`; a repeat answers what the first recorded.
pub async fn record_scan(
    db: &DatabaseConnection,
    session: &training_session::Model,
    recorder: i32,
    new: NewScan<'_>,
) -> Result<ScanResult, ApiError> {
    let NewScan {
        client_id,
        registry,
        kind,
        at,
        birth_date,
        door_link,
    } = new;
    let bad = |field: &str, ja: &str, en: &str| {
        ApiError::Validation(vec![FieldError::new(field, "invalid", ja, en)])
    };
    if client_id.trim().is_empty() || client_id.len() > 100 {
        return Err(bad(
            "client_id",
            "端末の識別子がありません。ページを再読み込みしてください",
            "The scan has no device id. Reload the page",
        ));
    }
    if session.posted_at.is_some() {
        return Err(ApiError::Conflict(vec![FieldError::new(
            "session",
            "posted",
            "この研修会は単位登録済みです。訂正は理由を添えて行ってください",
            "This session has been posted; corrections need a reason",
        )]));
    }
    let now = Utc::now();
    let day_start = session
        .date
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_local_timezone(jst())
        .single();
    let too_early = day_start.is_some_and(|d| at < d.with_timezone(&Utc));
    if at > now + Duration::minutes(5) || too_early {
        return Err(bad(
            "at",
            "スキャン時刻が研修会の日付と合いません。端末の時計を確認してください",
            "The scan time does not fall on the session's day. Check the device's clock",
        ));
    }
    let txn = db.begin().await?;
    if let Some(first) = scan::Entity::find()
        .filter(scan::Column::ClientId.eq(client_id))
        .one(&txn)
        .await?
    {
        let who = names(&txn, std::slice::from_ref(&first.registry_number)).await?;
        return Ok(result(&first, who.get(&first.registry_number), None, true));
    }
    // Only this person's scans of this kind: the door must not get slower as the hall fills.
    let same: Vec<scan::Model> = scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session.id))
        .filter(scan::Column::RegistryNumber.eq(registry))
        .filter(scan::Column::Kind.eq(kind_code(kind)))
        .filter(scan::Column::UndoesId.is_null())
        .order_by_asc(scan::Column::ScannedAt)
        .all(&txn)
        .await?;
    let undone: HashSet<i32> = if same.is_empty() {
        HashSet::new()
    } else {
        scan::Entity::find()
            .filter(scan::Column::UndoesId.is_in(same.iter().map(|s| s.id)))
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|u| u.undoes_id)
            .collect()
    };
    let earlier = same
        .into_iter()
        .find(|s| !undone.contains(&s.id))
        .map(|s| s.scanned_at);
    let row = scan::ActiveModel {
        session_id: Set(session.id),
        client_id: Set(client_id.to_owned()),
        registry_number: Set(registry.to_owned()),
        kind: Set(kind_code(kind).to_owned()),
        scanned_at: Set(at),
        recorded_at: Set(now),
        recorded_by: Set(Some(recorder)),
        birth_date: Set(birth_date),
        undoes_id: Set(None),
        reason: Set(None),
        door_link_id: Set(door_link),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let who = names(db, &[registry.to_owned()]).await?;
    Ok(result(&row, who.get(registry), earlier, false))
}

/// Undoes a scan recorded a few minutes ago, with a reason (a new row records the undo).
pub async fn undo_scan(
    db: &DatabaseConnection,
    session: i32,
    recorder: i32,
    door_link: Option<i32>,
    scan_id: i32,
    reason: &str,
) -> Result<(), ApiError> {
    if reason.trim().is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "required",
            "取り消しの理由を入力してください",
            "Enter why the scan is undone",
        )]));
    }
    let txn = db.begin().await?;
    let target = scan::Entity::find_by_id(scan_id)
        .filter(scan::Column::SessionId.eq(session))
        .filter(scan::Column::UndoesId.is_null())
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let already_undone = scan::Entity::find()
        .filter(scan::Column::UndoesId.eq(scan_id))
        .one(&txn)
        .await?
        .is_some();
    if already_undone {
        return Err(ApiError::NotFound);
    }
    if Utc::now() - target.recorded_at > Duration::minutes(UNDO_MINUTES) {
        return Err(ApiError::Conflict(vec![FieldError::new(
            "scan",
            "too_old",
            format!("取り消せるのは記録から{UNDO_MINUTES}分以内です"),
            format!("A scan can be undone within {UNDO_MINUTES} minutes of recording"),
        )]));
    }
    scan::ActiveModel {
        session_id: Set(session),
        client_id: Set(format!("undo-{scan_id}")),
        registry_number: Set(target.registry_number.clone()),
        kind: Set(target.kind.clone()),
        scanned_at: Set(Utc::now()),
        recorded_at: Set(Utc::now()),
        recorded_by: Set(Some(recorder)),
        birth_date: Set(None),
        undoes_id: Set(Some(scan_id)),
        reason: Set(Some(reason.trim().to_owned())),
        door_link_id: Set(door_link),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

fn local(session: &training_session::Model, hm: &str) -> NaiveDateTime {
    let t = chrono::NaiveTime::parse_from_str(hm, "%H:%M").unwrap_or_default();
    session.date.and_time(t)
}

/// Attendees with their first check-in, last check-out and presence under the tolerances.
pub async fn attendance(
    db: &impl ConnectionTrait,
    session: &training_session::Model,
) -> Result<Vec<AttendanceRow>, ApiError> {
    let scans = live_scans(db, session.id).await?;
    let lecturers: HashSet<String> = session_lecturer::Entity::find()
        .filter(session_lecturer::Column::SessionId.eq(session.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.registry_number)
        .collect();
    let mut by: BTreeMap<String, InOut> = BTreeMap::new();
    for s in &scans {
        let e = by.entry(s.registry_number.clone()).or_default();
        if s.kind == "in" {
            e.0 = Some(e.0.map_or(s.scanned_at, |t| t.min(s.scanned_at)));
        } else {
            e.1 = Some(e.1.map_or(s.scanned_at, |t| t.max(s.scanned_at)));
        }
    }
    for l in &lecturers {
        by.entry(l.clone()).or_default();
    }
    let credited = credited(db, session.id).await?;
    for c in credited.keys() {
        by.entry(c.clone()).or_default();
    }
    let registry: Vec<String> = by.keys().cloned().collect();
    let who = names(db, &registry).await?;
    let (start, end) = (
        local(session, &session.starts_at),
        local(session, &session.ends_at),
    );
    let tol = |m: i32| u32::try_from(m).unwrap_or(5);
    Ok(by
        .into_iter()
        .map(|(r, (first_in, last_out))| {
            let to_local = |t: DateTime<Utc>| t.with_timezone(&jst()).naive_local();
            AttendanceRow {
                name: who.get(&r).map(|p| p.name_kanji.clone()),
                presence: presence(
                    start,
                    end,
                    tol(session.tolerance_in_minutes),
                    tol(session.tolerance_out_minutes),
                    first_in.map(to_local),
                    last_out.map(to_local),
                ),
                lecturer: lecturers.contains(&r),
                credited: credited.contains_key(&r),
                registry_number: r,
                first_in,
                last_out,
            }
        })
        .collect())
}

/// Posts the session: credits for full attendees, granted partial attendees and lecturers, in
/// one transaction. They are on each My Page at once.
pub async fn post(
    db: &DatabaseConnection,
    session: &training_session::Model,
    organizer: i32,
    grants: &[Grant],
) -> Result<PostResult, ApiError> {
    let txn = db.begin().await?;
    // Re-read inside the transaction: a second post of the same session must not write again.
    let session = own_session(&txn, organizer, session.id).await?;
    if session.posted_at.is_some() {
        return Err(ApiError::Conflict(vec![FieldError::new(
            "session",
            "posted",
            "この研修会はすでに単位登録済みです",
            "This session has already been posted",
        )]));
    }
    let rows = attendance(&txn, &session).await?;
    let granted: HashMap<&str, &str> = grants
        .iter()
        .map(|g| (g.registry_number.as_str(), g.reason.trim()))
        .collect();
    let mut errors = Vec::new();
    for g in grants {
        if g.reason.trim().is_empty() {
            errors.push(FieldError::new(
                "grants",
                "reason_required",
                format!("{}：単位を認める理由を入力してください", g.registry_number),
                format!("{}: enter why the units are granted", g.registry_number),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let registry: Vec<String> = rows.iter().map(|r| r.registry_number.clone()).collect();
    let who = names(&txn, &registry).await?;
    let birth_dates: HashMap<String, chrono::NaiveDate> = scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session.id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|s| s.birth_date.map(|d| (s.registry_number, d)))
        .collect();
    let mut written = 0u32;
    for row in rows {
        let grant = granted.get(row.registry_number.as_str()).copied();
        if !(row.lecturer || row.presence == Presence::Full || grant.is_some()) {
            continue;
        }
        let note = match (row.lecturer, grant) {
            (true, _) => Some("講師".to_owned()),
            (false, Some(reason)) => Some(format!("一部出席・主催者が認定：{reason}")),
            _ => None,
        };
        session_credit(
            &session,
            organizer,
            who.get(&row.registry_number).map(|p| p.user_id),
            &row.registry_number,
            note,
            birth_dates.get(&row.registry_number).copied(),
        )
        .insert(&txn)
        .await?;
        written += 1;
    }
    let mut s: training_session::ActiveModel = session.into();
    s.posted_at = Set(Some(Utc::now()));
    s.update(&txn).await?;
    txn.commit().await?;
    Ok(PostResult {
        credits_written: written,
    })
}

/// Physicians whose full name (kanji or kana, spacing ignored) and date of birth both match
/// exactly; at most 5. No partial matches: the lookup finds a person, it does not list people.
pub async fn lookup(
    db: &DatabaseConnection,
    name: &str,
    birth_date: chrono::NaiveDate,
) -> Result<Vec<domain::api::LookupHit>, ApiError> {
    let key = domain::account::lookup_key(name);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    Ok(crate::entities::physician::Entity::find()
        .filter(crate::entities::physician::Column::BirthDate.eq(birth_date))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| {
            domain::account::lookup_key(&p.name_kanji) == key
                || domain::account::lookup_key(&p.name_kana) == key
        })
        .take(5)
        .map(|p| domain::api::LookupHit {
            registry_number: p.registry_number,
            name: p.name_kanji,
            kana: p.name_kana,
        })
        .collect())
}

/// The ledger entry a session gives one attendee (client_ref `session-{id}-{registry}`, so a
/// second entry for the same person and session cannot be written by posting).
fn session_credit(
    session: &training_session::Model,
    organizer: i32,
    physician: Option<i32>,
    registry: &str,
    note: Option<String>,
    birth_date: Option<chrono::NaiveDate>,
) -> credit::ActiveModel {
    credit::ActiveModel {
        physician_id: Set(physician),
        registry_number: Set(registry.to_owned()),
        date: Set(session.date),
        category: Set(session.category.clone()),
        subject: Set(session.subject.clone()),
        units_halves: Set(session.units_halves),
        delivery: Set(if session.online {
            "online"
        } else {
            "in_person"
        }
        .to_owned()),
        source: Set("system".to_owned()),
        session_id: Set(Some(session.id)),
        verification: Set(None),
        organizer_name: Set(Some(session.organizing_body.clone())),
        note: Set(note),
        corrects_id: Set(None),
        consumed_by: Set(None),
        created_at: Set(Utc::now()),
        created_by: Set(Some(organizer)),
        kind: Set(ledger::ENTRY.to_owned()),
        client_ref: Set(Some(format!("session-{}-{registry}", session.id))),
        attendee_birth_date: Set(birth_date),
        ..Default::default()
    }
}

/// The effective credits a session gave, by registry number.
async fn credited(
    db: &impl ConnectionTrait,
    session: i32,
) -> Result<HashMap<String, credit::Model>, ApiError> {
    let rows = credit::Entity::find()
        .filter(credit::Column::SessionId.eq(session))
        .all(db)
        .await?;
    Ok(ledger::effective(rows)
        .into_iter()
        .map(|c| (c.registry_number.clone(), c))
        .collect())
}

/// A correction after posting: adds the session's units for someone who has none from it, or
/// withdraws them, with a reason. Nothing is rewritten: an addition is a new entry, a
/// withdrawal a new row that withdraws the entry; both are audited. A retry with the same
/// `client_ref` does nothing more.
pub async fn correct(
    db: &DatabaseConnection,
    session: &training_session::Model,
    organizer: i32,
    req: &SessionCorrection,
) -> Result<AttendanceRow, ApiError> {
    let registry =
        RegistryNumber::parse(&req.registry_number).map_err(|e| ApiError::Validation(vec![e]))?;
    let registry = registry.as_str();
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "required",
            "訂正の理由を入力してください（記録に残ります）",
            "Enter why the credit is corrected (it is kept in the audit log)",
        )]));
    }
    if session.posted_at.is_none() {
        return Err(ApiError::InvalidState(domain::Message::new(
            "まだ単位登録していません。出席確認の画面で認めてから登録してください",
            "The session is not posted yet; grant the units on the review page and post",
        )));
    }
    let client_ref = req
        .client_ref
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| format!("correction-{}-{r}", session.id));
    let txn = db.begin().await?;
    let replay = match &client_ref {
        Some(r) => credit::Entity::find()
            .filter(credit::Column::ClientRef.eq(r.as_str()))
            .one(&txn)
            .await?
            .is_some(),
        None => false,
    };
    if !replay {
        let current = credited(&txn, session.id).await?.remove(registry);
        let (action, note) = match (req.action, current) {
            (CorrectionAction::Add, Some(_)) => {
                return Err(ApiError::InvalidState(domain::Message::new(
                    format!("{registry}にはこの研修会の単位がすでにあります"),
                    format!("{registry} already has this session's units"),
                )));
            }
            (CorrectionAction::Withdraw, None) => {
                return Err(ApiError::InvalidState(domain::Message::new(
                    format!("{registry}にはこの研修会の単位がありません"),
                    format!("{registry} has no units from this session"),
                )));
            }
            (CorrectionAction::Withdraw, Some(c)) if c.consumed_by.is_some() => {
                return Err(ApiError::InvalidState(domain::Message::new(
                    "この単位は申請（更新など）に使われたため取り消せません。日本医師会にご連絡ください",
                    "These units were used by an application (a renewal, …) and cannot be withdrawn; contact the JMA",
                )));
            }
            (CorrectionAction::Add, None) => {
                let who = names(&txn, &[registry.to_owned()]).await?;
                let mut row = session_credit(
                    session,
                    organizer,
                    who.get(registry).map(|p| p.user_id),
                    registry,
                    Some(format!("登録後の訂正で追加：{reason}")),
                    None,
                );
                // A person withdrawn earlier and added again gets a distinct reference.
                row.client_ref = Set(client_ref.clone().or(Some(format!(
                    "session-{}-{registry}-{}",
                    session.id,
                    Utc::now().timestamp_micros()
                ))));
                row.insert(&txn).await?;
                ("credit_add", reason)
            }
            (CorrectionAction::Withdraw, Some(c)) => {
                let id = c.id;
                let mut row: credit::ActiveModel = c.into();
                row.id = sea_orm::ActiveValue::NotSet;
                row.kind = Set(ledger::WITHDRAWAL.to_owned());
                row.corrects_id = Set(Some(id));
                row.units_halves = Set(0);
                row.note = Set(Some(format!("登録後の訂正で取消：{reason}")));
                row.client_ref = Set(client_ref.clone());
                row.created_at = Set(Utc::now());
                row.created_by = Set(Some(organizer));
                row.insert(&txn).await?;
                ("credit_withdraw", reason)
            }
        };
        audit_log::ActiveModel {
            at: Set(Utc::now()),
            actor_id: Set(Some(organizer)),
            entity: Set("session".into()),
            entity_id: Set(session.id),
            action: Set(action.into()),
            from_status: Set(None),
            to_status: Set(None),
            note: Set(Some(format!("{registry}: {note}"))),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let row = attendance(&txn, session)
        .await?
        .into_iter()
        .find(|r| r.registry_number == registry)
        .ok_or(ApiError::NotFound)?;
    txn.commit().await?;
    Ok(row)
}

/// A scan a sheet line makes: client id, registry number, direction, time.
type SheetScan<'a> = (String, &'a str, ScanKind, DateTime<Utc>);

/// The most lines one import reads (a session's capacity is rarely above a few hundred).
pub const IMPORT_MAX_ROWS: usize = 5_000;

/// Imports a paper attendance sheet as scans (or only checks it, `dry_run`). Every bad line is
/// reported and nothing is written while there is one. Each line's scans get client ids made
/// from the session, number and time, so importing the same sheet twice writes nothing twice.
pub async fn import(
    db: &DatabaseConnection,
    session: &training_session::Model,
    organizer: i32,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let (rows, mut problems) = domain::sessions::parse_attendance_csv(text);
    if rows.len() > IMPORT_MAX_ROWS {
        return Err(ApiError::Validation(vec![FieldError::new(
            "file",
            "too_many_rows",
            format!("1回に取り込めるのは{IMPORT_MAX_ROWS}行までです。分けて取り込んでください"),
            format!("Import at most {IMPORT_MAX_ROWS} lines at a time; split the sheet"),
        )]));
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 0,
            message: domain::Message::new(
                "CSVに出席者の行がありません。「医籍登録番号,氏名,入室,退室」の行を入れてください",
                "The CSV has no attendee lines; add lines “registry number,name,in,out”",
            ),
        });
    }
    if session.posted_at.is_some() {
        return Err(ApiError::InvalidState(domain::Message::new(
            "この研修会は単位登録済みです。追加は登録後の訂正で行ってください",
            "This session has been posted; add attendees with a correction",
        )));
    }
    let registry: Vec<String> = rows
        .iter()
        .map(|r| r.registry.as_str().to_owned())
        .collect();
    let who = names(db, &registry).await?;
    // A sheet's name must be the registered physician's (kanji or kana, spacing ignored).
    for r in &rows {
        if let Some(p) = who.get(r.registry.as_str()) {
            let key = domain::account::lookup_key(&r.name);
            if key != domain::account::lookup_key(&p.name_kanji)
                && key != domain::account::lookup_key(&p.name_kana)
            {
                problems.push(ImportProblem {
                    line: r.line,
                    message: domain::Message::new(
                        format!(
                            "{}行目：医籍登録番号{}の登録氏名と「{}」が一致しません。番号と氏名を確かめてください",
                            r.line,
                            r.registry.as_str(),
                            r.name
                        ),
                        format!(
                            "Line {}: “{}” is not the registered name of {}; check the number and name",
                            r.line,
                            r.name,
                            r.registry.as_str()
                        ),
                    ),
                });
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    let at = |t: chrono::NaiveTime| {
        session
            .date
            .and_time(t)
            .and_local_timezone(jst())
            .single()
            .map(|d| d.with_timezone(&Utc))
    };
    // Each line's scans, with ids made from session, number, direction and time.
    let per_line: Vec<Vec<SheetScan>> = rows
        .iter()
        .map(|r| {
            [(ScanKind::In, r.checked_in), (ScanKind::Out, r.checked_out)]
                .into_iter()
                .filter_map(|(kind, time)| {
                    let t = time.and_then(at)?;
                    let registry = r.registry.as_str();
                    let id = format!(
                        "csv-{}-{registry}-{}-{}",
                        session.id,
                        kind_code(kind),
                        t.timestamp()
                    );
                    Some((id, registry, kind, t))
                })
                .collect()
        })
        .collect();
    // Scans this session already has from sheets (their ids say so).
    let seen: HashSet<String> = scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session.id))
        .filter(scan::Column::ClientId.starts_with(format!("csv-{}-", session.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.client_id)
        .collect();
    let already_imported = per_line
        .iter()
        .filter(|scans| scans.iter().all(|s| seen.contains(&s.0)))
        .count();
    let mut report = ImportReport {
        dry_run,
        valid_rows: rows.len() - already_imported,
        already_imported,
        problems,
        scans_written: 0,
    };
    if dry_run || !report.problems.is_empty() {
        return Ok(report);
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    for (client_id, registry, kind, t) in per_line.into_iter().flatten() {
        if seen.contains(&client_id) {
            continue;
        }
        scan::ActiveModel {
            session_id: Set(session.id),
            client_id: Set(client_id),
            registry_number: Set(registry.to_owned()),
            kind: Set(kind_code(kind).to_owned()),
            scanned_at: Set(t),
            recorded_at: Set(now),
            recorded_by: Set(Some(organizer)),
            birth_date: Set(None),
            undoes_id: Set(None),
            reason: Set(Some("紙の出席簿から取り込み".to_owned())),
            door_link_id: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        report.scans_written += 1;
    }
    txn.commit().await?;
    Ok(report)
}
