//! Single-use tokens sent by mail (`email_tokens`); only their hash is kept.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use crate::db::DbResult;
use crate::entities::email_token;

/// A token's use.
pub const VERIFY_EMAIL: &str = "verify_email";

/// Stores a token's hash for `user_id` and `purpose`.
pub async fn insert(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: i32,
    purpose: &str,
    new_email: Option<String>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    email_token::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        purpose: Set(purpose.to_owned()),
        new_email: Set(new_email),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Uses a token once: the account it belongs to (and the new address it carries), if it is of
/// `purpose`, unused and not expired. A second use finds nothing.
pub async fn take(
    db: &impl ConnectionTrait,
    token_hash: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<(i32, Option<String>)>> {
    let Some(row) = email_token::Entity::find_by_id(token_hash.to_owned())
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAt.is_null())
        .filter(email_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let done = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(now))
        .filter(email_token::Column::TokenHash.eq(token_hash))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((done.rows_affected == 1).then_some((row.user_id, row.new_email)))
}

/// How many tokens of `purpose` an account was sent since `since` (to throttle resends).
pub async fn sent_since(
    db: &impl ConnectionTrait,
    user_id: i32,
    purpose: &str,
    since: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}

/// Removes tokens that expired before `before` (used or not); returns how many.
pub async fn purge(db: &impl ConnectionTrait, before: DateTime<Utc>) -> DbResult<u64> {
    Ok(email_token::Entity::delete_many()
        .filter(email_token::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
