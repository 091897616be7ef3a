//! Sessions of an organizer, check-in scans and posting credits.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use domain::FieldError;
use domain::api::{AttendanceRow, Grant, PostResult, PublicSession, ScanResult};
use domain::sessions::{Presence, ScanKind, SessionSpec, presence};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use crate::db::jst;
use crate::db::sessions::to_public;
use crate::entities::{credit, physician, scan, session_lecturer, training_session};
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
        credit::ActiveModel {
            physician_id: Set(who.get(&row.registry_number).map(|p| p.user_id)),
            registry_number: Set(row.registry_number.clone()),
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
            kind: Set("entry".to_owned()),
            client_ref: Set(Some(format!(
                "session-{}-{}",
                session.id, row.registry_number
            ))),
            attendee_birth_date: Set(birth_dates.get(&row.registry_number).copied()),
            ..Default::default()
        }
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
