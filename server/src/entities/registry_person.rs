//! The `registry_people` table.

use domain::account::Membership;

use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `registry_people`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub registry_number: String,
    pub name_kanji: String,
    pub name_kana: String,
    pub birth_date: Date,
    pub prefecture: i32,
    pub membership: Code<Membership>,
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
