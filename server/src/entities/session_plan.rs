//! The `session_plans` table: a session a physician plans to attend.

use sea_orm::entity::prelude::*;

/// A row of `session_plans`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub physician_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: i32,
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
