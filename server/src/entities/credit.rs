//! The `credits` table.

use domain::api::Verification;
use domain::ledger::EntryKind;
use domain::{Category, Delivery, Source, Subject};
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `credits`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub physician_id: Option<i32>,
    pub registry_number: String,
    pub date: Date,
    pub category: Code<Category>,
    pub subject: Option<Code<Subject>>,
    pub units_halves: i32,
    pub delivery: Code<Delivery>,
    pub source: Code<Source>,
    pub session_id: Option<i32>,
    pub verification: Option<Code<Verification>>,
    pub organizer_name: Option<String>,
    pub note: Option<String>,
    pub corrects_id: Option<i32>,
    pub consumed_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub kind: Code<EntryKind>,
    pub server_ref: Option<String>,
    pub attendee_birth_date: Option<Date>,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
