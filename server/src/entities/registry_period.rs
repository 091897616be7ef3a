//! The `registry_periods` table.

use sea_orm::entity::prelude::*;

/// A row of `registry_periods`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_periods")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub certificate_number: String,
    pub valid_from: Date,
    pub valid_until: Date,
}

/// No relations are navigated through the ORM; queries join by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
