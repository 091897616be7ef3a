//! The `client_requests` table.

use sea_orm::entity::prelude::*;

/// A row of `client_requests`: what an account's request with a device-made reference created.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_ref: String,
    pub entity: String,
    pub entity_id: i32,
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
