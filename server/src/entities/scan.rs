//! The `scans` table.

use domain::sessions::ScanKind;
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `scans`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    #[sea_orm(unique)]
    pub client_id: String,
    pub registry_number: String,
    pub kind: Code<ScanKind>,
    pub scanned_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: Option<i32>,
    pub birth_date: Option<Date>,
    pub undoes_id: Option<i32>,
    pub reason: Option<String>,
    pub door_link_id: Option<i32>,
}

/// No relations are navigated through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
