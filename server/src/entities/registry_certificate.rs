//! The `registry_certificates` table.

use domain::Certification;

use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `registry_certificates`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub certificate_number: String,
    pub registry_number: String,
    pub certification: Code<Certification>,
    pub first_certified: Date,
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
