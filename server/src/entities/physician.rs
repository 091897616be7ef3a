//! The `physicians` table.

use domain::account::Membership;
use domain::identity::IdentityStatus;
use domain::registry::RegistryMatch;
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `physicians`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "physicians")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    #[sea_orm(unique)]
    pub registry_number: String,
    pub name_kanji: String,
    pub name_kana: String,
    pub birth_date: Date,
    pub prefecture: i32,
    pub membership: Code<Membership>,
    pub workplace_name: Option<String>,
    pub phone: Option<String>,
    pub identity: Code<IdentityStatus>,
    pub registry_match: Code<RegistryMatch>,
    pub identity_at: Option<DateTimeUtc>,
    pub mail_reminders: bool,
    pub mail_applications: bool,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
