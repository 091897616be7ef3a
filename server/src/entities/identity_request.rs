//! The `identity_requests` table.

use domain::identity::{RequestKind, RequestStatus};

use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `identity_requests`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: Code<RequestKind>,
    pub status: Code<RequestStatus>,
    pub prefecture: i32,
    pub registry_number: String,
    pub claim_json: Option<String>,
    pub document_id: Option<i32>,
    pub reason: Option<String>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
}

/// No relations are navigated through the ORM; queries join by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
