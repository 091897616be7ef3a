//! The `designation_counters` table: the last designation number made per prefecture and year.

use sea_orm::entity::prelude::*;

/// A row of `designation_counters`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "designation_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub prefecture: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub last: i32,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
