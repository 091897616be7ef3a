//! The `applications` table.

use domain::Certification;
use domain::application::{ApplicationKind, FeeChannel, Status};
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `applications`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub physician_id: i32,
    pub prefecture: i32,
    pub kind: Code<ApplicationKind>,
    pub certification: Code<Certification>,
    pub status: Code<Status>,
    pub form_json: String,
    pub decision_json: Option<String>,
    pub submitted_on: Date,
    pub round_deadline: Option<Date>,
    pub fee_paid_on: Option<Date>,
    pub fee_channel: Option<Code<FeeChannel>>,
    pub handbook_arrived_on: Option<Date>,
    pub correction_message: Option<String>,
    pub granted_number: Option<String>,
    pub granted_from: Option<Date>,
    pub granted_until: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
