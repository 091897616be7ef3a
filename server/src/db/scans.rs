//! Check-in scans (`scans`): append-only; an undo is a row that points at the scan it undoes.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use domain::records::Scan;
use domain::sessions::ScanKind;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::db::DbResult;
use crate::entities::{Code, scan};

fn to_scan(s: scan::Model) -> Scan {
    Scan {
        id: s.id,
        session_id: s.session_id,
        client_id: s.client_id,
        registry_number: s.registry_number,
        kind: s.kind.get(),
        scanned_at: s.scanned_at,
        recorded_at: s.recorded_at,
        recorded_by: s.recorded_by,
        birth_date: s.birth_date,
        undoes_id: s.undoes_id,
        reason: s.reason,
        door_link_id: s.door_link_id,
    }
}

/// A scan to write.
#[derive(Clone, Debug)]
pub struct NewScan {
    /// Session.
    pub session_id: i32,
    /// Device-made (or server-made for undos and imports).
    pub client_id: String,
    /// Who.
    pub registry_number: String,
    /// In or out.
    pub kind: ScanKind,
    /// When, by the device's clock.
    pub scanned_at: DateTime<Utc>,
    /// The organizer it is recorded for.
    pub recorded_by: i32,
    /// Noted date of birth.
    pub birth_date: Option<NaiveDate>,
    /// The scan it undoes.
    pub undoes_id: Option<i32>,
    /// Why.
    pub reason: Option<String>,
    /// The helper link it came through.
    pub door_link_id: Option<i32>,
}

/// Writes a scan.
pub async fn insert(db: &impl ConnectionTrait, new: NewScan) -> DbResult<Scan> {
    let row = scan::ActiveModel {
        session_id: Set(new.session_id),
        client_id: Set(new.client_id),
        registry_number: Set(new.registry_number),
        kind: Set(Code(new.kind)),
        scanned_at: Set(new.scanned_at),
        recorded_at: Set(Utc::now()),
        recorded_by: Set(Some(new.recorded_by)),
        birth_date: Set(new.birth_date),
        undoes_id: Set(new.undoes_id),
        reason: Set(new.reason),
        door_link_id: Set(new.door_link_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(to_scan(row))
}

/// The scan of `session` with the device-made `client_id` (an id means nothing in another
/// session).
pub async fn by_client_id(
    db: &impl ConnectionTrait,
    session: i32,
    client_id: &str,
) -> DbResult<Option<Scan>> {
    Ok(scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session))
        .filter(scan::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .map(to_scan))
}

/// A scan of `session` that is not itself an undo.
pub async fn recorded(db: &impl ConnectionTrait, session: i32, id: i32) -> DbResult<Option<Scan>> {
    Ok(scan::Entity::find_by_id(id)
        .filter(scan::Column::SessionId.eq(session))
        .filter(scan::Column::UndoesId.is_null())
        .one(db)
        .await?
        .map(to_scan))
}

/// Whether scan `id` has been undone.
pub async fn is_undone(db: &impl ConnectionTrait, id: i32) -> DbResult<bool> {
    Ok(scan::Entity::find()
        .filter(scan::Column::UndoesId.eq(id))
        .one(db)
        .await?
        .is_some())
}

/// The earliest scan still in force of one person and direction in a session (only that
/// person's rows are read: the door must not get slower as the hall fills).
pub async fn earliest_live(
    db: &impl ConnectionTrait,
    session: i32,
    registry_number: &str,
    kind: ScanKind,
) -> DbResult<Option<Scan>> {
    let same: Vec<scan::Model> = scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session))
        .filter(scan::Column::RegistryNumber.eq(registry_number))
        .filter(scan::Column::Kind.eq(Code(kind)))
        .filter(scan::Column::UndoesId.is_null())
        .order_by_asc(scan::Column::ScannedAt)
        .all(db)
        .await?;
    if same.is_empty() {
        return Ok(None);
    }
    let undone: HashSet<i32> = scan::Entity::find()
        .filter(scan::Column::UndoesId.is_in(same.iter().map(|s| s.id)))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| u.undoes_id)
        .collect();
    Ok(same
        .into_iter()
        .find(|s| !undone.contains(&s.id))
        .map(to_scan))
}

/// Every scan of a session, oldest first (undos included).
pub async fn of_session(db: &impl ConnectionTrait, session: i32) -> DbResult<Vec<Scan>> {
    Ok(scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session))
        .order_by_asc(scan::Column::ScannedAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_scan)
        .collect())
}

/// The client ids of a session's scans that start with `prefix`.
pub async fn client_ids_with_prefix(
    db: &impl ConnectionTrait,
    session: i32,
    prefix: &str,
) -> DbResult<HashSet<String>> {
    Ok(scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session))
        .filter(scan::Column::ClientId.starts_with(prefix))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.client_id)
        .collect())
}

/// Every scan of one person in a session, oldest first (undos included).
pub async fn of_person(
    db: &impl ConnectionTrait,
    session: i32,
    registry_number: &str,
) -> DbResult<Vec<Scan>> {
    Ok(scan::Entity::find()
        .filter(scan::Column::SessionId.eq(session))
        .filter(scan::Column::RegistryNumber.eq(registry_number))
        .order_by_asc(scan::Column::ScannedAt)
        .order_by_asc(scan::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_scan)
        .collect())
}
