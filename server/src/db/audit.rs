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

/// Writes an entry for an action on a thing that has no status (inside the caller's
/// transaction): who did `action` to `entity` `entity_id`, and what was recorded.
pub async fn did(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    entity: &str,
    entity_id: i32,
    action: &str,
    note: Option<String>,
) -> DbResult<()> {
    moved(db, actor, entity, entity_id, action, None, note).await
}

/// Writes an entry for an action that left the thing in status `to_status` (inside the
/// caller's transaction).
pub async fn moved(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    entity: &str,
    entity_id: i32,
    action: &str,
    to_status: Option<&str>,
    note: Option<String>,
) -> DbResult<()> {
    record(
        db,
        Entry {
            actor,
            entity,
            entity_id,
            action,
            from_status: None,
            to_status,
            note,
        },
    )
    .await
}

/// Entries matching `q`, newest first, at most `limit`; `q.from`/`q.to` are days in Japan.
pub async fn search(
    db: &impl ConnectionTrait,
    q: &domain::signin::AuditQuery,
    limit: u64,
) -> DbResult<Vec<domain::signin::AuditEntry>> {
    use sea_orm::QuerySelect;
    let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("JST");
    let start_of = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(jst).single())
            .map(|t| t.with_timezone(&Utc))
    };
    let mut find = audit_log::Entity::find();
    if let Some(a) = q.actor {
        find = find.filter(audit_log::Column::ActorId.eq(a));
    }
    if let Some(e) = q.entity.as_deref().filter(|e| !e.is_empty()) {
        find = find.filter(audit_log::Column::Entity.eq(e));
    }
    if let Some(id) = q.entity_id {
        find = find.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(a) = q.action.as_deref().filter(|a| !a.is_empty()) {
        find = find.filter(audit_log::Column::Action.eq(a));
    }
    if let Some(t) = q.from.and_then(start_of) {
        find = find.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = q.to.and_then(|d| d.succ_opt()).and_then(start_of) {
        find = find.filter(audit_log::Column::At.lt(t));
    }
    if let Some(b) = q.before {
        find = find.filter(audit_log::Column::Id.lt(b));
    }
    let rows = find
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let actors: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    let emails = crate::db::accounts::emails(db, &actors).await?;
    Ok(rows
        .into_iter()
        .map(|r| domain::signin::AuditEntry {
            id: r.id,
            at: r.at,
            actor: r.actor_id,
            actor_email: r.actor_id.and_then(|a| emails.get(&a).cloned()),
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
            to_status: r.to_status,
            note: r.note,
        })
        .collect())
}
