//! The `certificates` table.

use domain::Certification;
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `certificates`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub physician_id: i32,
    pub certification: Code<Certification>,
    #[sea_orm(unique)]
    pub number: String,
    pub first_certified: Date,
    pub valid_from: Date,
    pub valid_until: Date,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: Option<String>,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
