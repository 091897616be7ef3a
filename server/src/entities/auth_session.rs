//! The `auth_sessions` table.

use domain::signin::SessionStage;
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `auth_sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub user_id: i32,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub public_id: Option<String>,
    pub stage: Code<SessionStage>,
    pub user_agent: Option<String>,
    pub last_seen_at: Option<DateTimeUtc>,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
