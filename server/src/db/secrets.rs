//! The server's own secrets, kept in the database so that every instance shares them.

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::db::DbResult;
use crate::entities::server_secret;

/// The secret named `name`.
pub async fn get(db: &impl ConnectionTrait, name: &str) -> DbResult<Option<String>> {
    Ok(server_secret::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .map(|row| row.value))
}

/// Stores a secret; fails with a unique-key error when another instance stored it first.
pub async fn insert(db: &impl ConnectionTrait, name: &str, value: String) -> DbResult<()> {
    server_secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(value),
    }
    .insert(db)
    .await?;
    Ok(())
}
