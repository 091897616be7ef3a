//! The `documents` table (the bytes are in the object store under `storage_key`).

use domain::application::{DocumentKind, FileType};
use sea_orm::entity::prelude::*;

use super::Code;

/// A row of `documents`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub owner_id: i32,
    pub application_id: Option<i32>,
    pub kind: Code<DocumentKind>,
    pub file_name: String,
    pub file_type: Code<FileType>,
    pub size_bytes: i64,
    pub sha256: String,
    #[sea_orm(unique)]
    pub storage_key: String,
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through the ORM; queries join by id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
