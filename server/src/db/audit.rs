//! The audit log: who changed what, when and why.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::db::DbResult;
use crate::entities::audit_log;

/// One entry to write.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Who (user id), when a person did it.
    pub actor: Option<i32>,
    /// What kind of thing (`application`, `session`, …).
    pub entity: &'a str,
    /// Its id.
    pub entity_id: i32,
    /// What happened (a step or action code).
    pub action: &'a str,
    /// Status before, where the thing has one.
    pub from_status: Option<&'a str>,
    /// Status after.
    pub to_status: Option<&'a str>,
    /// Why, or what was recorded.
    pub note: Option<String>,
}

/// Writes an entry (inside the caller's transaction).
pub async fn record(db: &impl ConnectionTrait, e: Entry<'_>) -> DbResult<()> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(e.actor),
        entity: Set(e.entity.to_owned()),
        entity_id: Set(e.entity_id),
        action: Set(e.action.to_owned()),
        from_status: Set(e.from_status.map(str::to_owned)),
        to_status: Set(e.to_status.map(str::to_owned)),
        note: Set(e.note),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A stored entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Option<i32>,
    /// What happened.
    pub action: String,
    /// Status after.
    pub to_status: Option<String>,
    /// Why.
    pub note: Option<String>,
}

/// The entries about one thing, oldest first.
pub async fn about(
    db: &impl ConnectionTrait,
    entity: &str,
    entity_id: i32,
) -> DbResult<Vec<Stored>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Stored {
            at: r.at,
            actor: r.actor_id,
            action: r.action,
            to_status: r.to_status,
            note: r.note,
        })
        .collect())
}
