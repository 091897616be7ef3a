//! The `application_credits` table: the credits an application's decision counted.

use sea_orm::entity::prelude::*;

/// A row of `application_credits`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_credits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub credit_id: i32,
    pub counted_halves: i32,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
