//! Uploaded documents (`documents`): the row; the bytes are in the object store.

use chrono::Utc;
use domain::application::{DocumentKind, FileType};
use domain::records::DocumentRecord;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::db::DbResult;
use crate::entities::{Code, document};

fn to_record(d: document::Model) -> DocumentRecord {
    DocumentRecord {
        id: d.id,
        owner_id: d.owner_id,
        application_id: d.application_id,
        kind: d.kind.get(),
        file_name: d.file_name,
        file_type: d.file_type.get(),
        size: u64::try_from(d.size_bytes).unwrap_or(0),
        sha256: d.sha256,
        storage_key: d.storage_key,
        created_at: d.created_at,
    }
}

/// A document to record.
#[derive(Debug)]
pub struct NewDocument<'a> {
    /// Who uploaded it.
    pub owner_id: i32,
    /// What it is.
    pub kind: DocumentKind,
    /// The name on the device.
    pub file_name: &'a str,
    /// Type recognised from the bytes.
    pub file_type: FileType,
    /// Bytes.
    pub size: usize,
    /// SHA-256, hex.
    pub sha256: String,
    /// Key in the object store.
    pub storage_key: &'a str,
}

/// Records an uploaded document, not yet attached to an application.
pub async fn insert(db: &impl ConnectionTrait, d: NewDocument<'_>) -> DbResult<DocumentRecord> {
    let row = document::ActiveModel {
        owner_id: Set(d.owner_id),
        application_id: Set(None),
        kind: Set(Code(d.kind)),
        file_name: Set(d.file_name.to_owned()),
        file_type: Set(Code(d.file_type)),
        size_bytes: Set(i64::try_from(d.size).unwrap_or(i64::MAX)),
        sha256: Set(d.sha256),
        storage_key: Set(d.storage_key.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(to_record(row))
}

/// A document by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<DocumentRecord>> {
    Ok(document::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_record))
}

/// Documents `ids` that `owner` uploaded.
pub async fn owned(
    db: &impl ConnectionTrait,
    owner: i32,
    ids: &[i32],
) -> DbResult<Vec<DocumentRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(document::Entity::find()
        .filter(document::Column::Id.is_in(ids.to_vec()))
        .filter(document::Column::OwnerId.eq(owner))
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect())
}

/// An owner's documents not attached to an application yet.
pub async fn unattached(db: &impl ConnectionTrait, owner: i32) -> DbResult<Vec<DocumentRecord>> {
    let query = document::Entity::find()
        .filter(document::Column::OwnerId.eq(owner))
        .filter(document::Column::ApplicationId.is_null());
    records(db, query).await
}

/// The documents a query finds, oldest first.
async fn records(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<document::Entity>,
) -> DbResult<Vec<DocumentRecord>> {
    let rows = query.order_by_asc(document::Column::Id).all(db).await?;
    Ok(rows.into_iter().map(to_record).collect())
}

/// The documents attached to an application.
pub async fn of_application(
    db: &impl ConnectionTrait,
    application: i32,
) -> DbResult<Vec<DocumentRecord>> {
    let query = document::Entity::find().filter(document::Column::ApplicationId.eq(application));
    records(db, query).await
}

/// Attaches documents `ids` to an application.
pub async fn attach(db: &impl ConnectionTrait, application: i32, ids: Vec<i32>) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    document::Entity::update_many()
        .col_expr(document::Column::ApplicationId, Expr::value(application))
        .filter(document::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Documents never attached to an application nor sent for an identity check, uploaded before
/// `before` (forms abandoned after their upload).
pub async fn abandoned(
    db: &impl ConnectionTrait,
    before: chrono::DateTime<chrono::Utc>,
) -> DbResult<Vec<DocumentRecord>> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::Query;
    let licences = Query::select()
        .column(crate::entities::identity_request::Column::DocumentId)
        .from(crate::entities::identity_request::Entity)
        .and_where(crate::entities::identity_request::Column::DocumentId.is_not_null())
        .to_owned();
    Ok(document::Entity::find()
        .filter(document::Column::ApplicationId.is_null())
        .filter(document::Column::CreatedAt.lt(before))
        .filter(document::Column::Id.not_in_subquery(licences))
        .limit(1000)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect())
}

/// Removes document rows `ids`.
pub async fn delete(db: &impl ConnectionTrait, ids: Vec<i32>) -> DbResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(document::Entity::delete_many()
        .filter(document::Column::Id.is_in(ids))
        .exec(db)
        .await?
        .rows_affected)
}
