//! The `certificate_proofs` table: one public verification code per certificate period.

use sea_orm::entity::prelude::*;

/// A row of `certificate_proofs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_proofs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The random part of the code (the signature is not stored: it is made again).
    #[sea_orm(unique)]
    pub code_id: String,
    pub certificate_id: i32,
    pub valid_from: Date,
    pub valid_until: Date,
    pub issued_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
