//! The `credits` table.

use sea_orm::entity::prelude::*;

/// A row of `credits`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub physician_id: Option<i32>,
    pub registry_number: String,
    pub date: Date,
    pub category: String,
    pub subject: Option<String>,
    pub units_halves: i32,
    pub delivery: String,
    pub source: String,
    pub session_id: Option<i32>,
    pub verification: Option<String>,
    pub organizer_name: Option<String>,
    pub note: Option<String>,
    pub corrects_id: Option<i32>,
    pub consumed_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub kind: String,
    pub client_ref: Option<String>,
    pub attendee_birth_date: Option<Date>,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
