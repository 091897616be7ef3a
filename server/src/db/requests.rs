//! Device-made references of requests (`client_requests`): one namespace per account, across
//! every kind of write, so that a retried request finds what its first attempt created and
//! another account's identical reference is another request.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::db::{DbError, DbResult};
use crate::entities::client_request;

/// What a reference already names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Earlier {
    /// Nothing: a new request.
    New,
    /// The same kind of thing, with this id: a retry.
    Same(i32),
    /// Another kind of thing: the reference was reused for a different request.
    Other,
}

/// What `account`'s `client_ref` names, for a request that creates an `entity`.
pub async fn earlier(
    db: &impl ConnectionTrait,
    account: i32,
    client_ref: &uuid::Uuid,
    entity: &str,
) -> DbResult<Earlier> {
    Ok(
        match client_request::Entity::find_by_id((account, client_ref.to_string()))
            .one(db)
            .await?
        {
            None => Earlier::New,
            Some(r) if r.entity == entity => Earlier::Same(r.entity_id),
            Some(_) => Earlier::Other,
        },
    )
}

/// Remembers that `account`'s `client_ref` created `entity` `id` (inside the creating
/// transaction; a racing twin fails on the primary key and rolls back).
pub async fn remember(
    db: &impl ConnectionTrait,
    account: i32,
    client_ref: &uuid::Uuid,
    entity: &str,
    id: i32,
) -> Result<(), DbError> {
    client_request::ActiveModel {
        account_id: Set(account),
        client_ref: Set(client_ref.to_string()),
        entity: Set(entity.to_owned()),
        entity_id: Set(id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
