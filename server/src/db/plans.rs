//! The sessions physicians plan to attend (`session_plans`).

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db::DbResult;
use crate::entities::session_plan;

/// Notes that `physician` plans `session` (once: a second tap changes nothing).
pub async fn add(db: &impl ConnectionTrait, physician: i32, session: i32) -> DbResult<()> {
    session_plan::Entity::insert(session_plan::ActiveModel {
        physician_id: Set(physician),
        session_id: Set(session),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            session_plan::Column::PhysicianId,
            session_plan::Column::SessionId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Forgets that `physician` plans `session`.
pub async fn remove(db: &impl ConnectionTrait, physician: i32, session: i32) -> DbResult<()> {
    session_plan::Entity::delete_many()
        .filter(session_plan::Column::PhysicianId.eq(physician))
        .filter(session_plan::Column::SessionId.eq(session))
        .exec(db)
        .await?;
    Ok(())
}

/// The sessions `physician` plans, in the order they were planned.
pub async fn of_physician(db: &impl ConnectionTrait, physician: i32) -> DbResult<Vec<i32>> {
    Ok(session_plan::Entity::find()
        .filter(session_plan::Column::PhysicianId.eq(physician))
        .order_by_asc(session_plan::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.session_id)
        .collect())
}

/// The physicians who plan `session`.
pub async fn planners(db: &impl ConnectionTrait, session: i32) -> DbResult<Vec<i32>> {
    Ok(session_plan::Entity::find()
        .filter(session_plan::Column::SessionId.eq(session))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.physician_id)
        .collect())
}
