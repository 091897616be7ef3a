//! The `training_sessions` table.

use domain::sessions::Designation;
use domain::{Category, Subject};
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `training_sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organizer_id: i32,
    pub organizing_body: String,
    pub title: String,
    pub category: Code<Category>,
    pub subject: Option<Code<Subject>>,
    pub units_halves: i32,
    pub date: Date,
    pub starts_at: String,
    pub ends_at: String,
    pub venue: String,
    pub contact: Option<String>,
    pub prefecture: i32,
    pub online: bool,
    pub capacity: i32,
    pub designation_number: String,
    pub tolerance_in_minutes: i32,
    pub tolerance_out_minutes: i32,
    pub published: bool,
    pub posted_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub designation: Code<Designation>,
    pub returned_reason: Option<String>,
    pub designated_at: Option<DateTimeUtc>,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
