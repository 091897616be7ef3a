//! Helper links to one session's check-in page (`door_links`). Only the token's hash is kept.

use chrono::{DateTime, Utc};
use domain::records::DoorLinkRecord;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::db::DbResult;
use crate::entities::door_link;

fn to_record(row: door_link::Model) -> DoorLinkRecord {
    DoorLinkRecord {
        id: row.id,
        session_id: row.session_id,
        label: row.label,
        created_by: row.created_by,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_seen_at: row.last_seen_at,
        unsent_scans: u32::try_from(row.unsent_scans).unwrap_or(0),
    }
}

/// A link to write.
#[derive(Debug)]
pub struct NewLink<'a> {
    /// The session it opens.
    pub session_id: i32,
    /// SHA-256 of the token.
    pub token_hash: String,
    /// Whose device.
    pub label: &'a str,
    /// The organizer.
    pub created_by: i32,
    /// Made at.
    pub created_at: DateTime<Utc>,
    /// Closes at.
    pub expires_at: DateTime<Utc>,
}

/// Writes a link.
pub async fn insert(db: &impl ConnectionTrait, new: NewLink<'_>) -> DbResult<DoorLinkRecord> {
    let row = door_link::ActiveModel {
        session_id: Set(new.session_id),
        token_hash: Set(new.token_hash),
        label: Set(new.label.to_owned()),
        created_by: Set(new.created_by),
        created_at: Set(new.created_at),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        last_seen_at: Set(None),
        unsent_scans: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(to_record(row))
}

/// A session's links, newest first.
pub async fn of_session(db: &impl ConnectionTrait, session: i32) -> DbResult<Vec<DoorLinkRecord>> {
    Ok(door_link::Entity::find()
        .filter(door_link::Column::SessionId.eq(session))
        .order_by_desc(door_link::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect())
}

/// Link `id` of `session`.
pub async fn of_session_by_id(
    db: &impl ConnectionTrait,
    session: i32,
    id: i32,
) -> DbResult<Option<DoorLinkRecord>> {
    Ok(door_link::Entity::find_by_id(id)
        .filter(door_link::Column::SessionId.eq(session))
        .one(db)
        .await?
        .map(to_record))
}

/// The link whose token has this hash.
pub async fn by_token_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> DbResult<Option<DoorLinkRecord>> {
    Ok(door_link::Entity::find()
        .filter(door_link::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(to_record))
}

/// Revokes a link at `at` unless it already is.
pub async fn revoke(db: &impl ConnectionTrait, id: i32, at: DateTime<Utc>) -> DbResult<()> {
    door_link::Entity::update_many()
        .col_expr(door_link::Column::RevokedAt, Expr::value(at))
        .filter(door_link::Column::Id.eq(id))
        .filter(door_link::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Records what a device said it still holds, at `at`.
pub async fn report(
    db: &impl ConnectionTrait,
    id: i32,
    unsent: u32,
    at: DateTime<Utc>,
) -> DbResult<()> {
    door_link::Entity::update_many()
        .col_expr(door_link::Column::LastSeenAt, Expr::value(at))
        .col_expr(
            door_link::Column::UnsentScans,
            Expr::value(i32::try_from(unsent).unwrap_or(i32::MAX)),
        )
        .filter(door_link::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
