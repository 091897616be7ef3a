//! The `notifications` table: what a physician is told on My Page (and, by choice, by mail).

use sea_orm::entity::prelude::*;

/// A row of `notifications`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    /// A reminder's key (certificate, period, stage): unique, so it is written once.
    #[sea_orm(unique)]
    pub once_key: Option<String>,
    /// The catalogue message, as JSON.
    pub message: String,
    pub link: Option<String>,
    pub mailed: bool,
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
