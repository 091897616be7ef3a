//! The mail outbox: a mail is a row written in the same transaction as the change it reports.

use chrono::{DateTime, Utc};
use domain::application::OutboxMail;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::db::DbResult;
use crate::entities::outbox;

fn to_mail(m: outbox::Model) -> OutboxMail {
    OutboxMail {
        id: m.id,
        to: m.to_address,
        subject: m.subject,
        body: m.body,
        created_at: m.created_at,
        sent_at: m.sent_at,
    }
}

/// Writes a mail (inside the caller's transaction).
pub async fn queue(db: &impl ConnectionTrait, to: &str, subject: &str, body: &str) -> DbResult<()> {
    outbox::ActiveModel {
        to_address: Set(to.to_owned()),
        subject: Set(subject.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(Utc::now()),
        sent_at: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest mails, for admins, at most `limit`; with `before`, only older than that mail.
pub async fn newest(
    db: &impl ConnectionTrait,
    before: Option<i32>,
    limit: u64,
) -> DbResult<Vec<OutboxMail>> {
    let mut q = outbox::Entity::find();
    if let Some(before) = before {
        q = q.filter(outbox::Column::Id.lt(before));
    }
    Ok(q.order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_mail)
        .collect())
}

/// A mail waiting to be sent, with its attempts so far.
#[derive(Clone, Debug)]
pub struct Pending {
    /// The mail.
    pub mail: OutboxMail,
    /// Attempts so far.
    pub attempts: i32,
}

/// Mails not sent yet that have attempts left, oldest first.
pub async fn pending(db: &impl ConnectionTrait, max_attempts: i32) -> DbResult<Vec<Pending>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::Attempts.lt(max_attempts))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let attempts = m.attempts;
            Pending {
                mail: to_mail(m),
                attempts,
            }
        })
        .collect())
}

/// How many mails wait to be sent with attempts left (the metrics' outbox backlog).
pub async fn backlog(db: &impl ConnectionTrait, max_attempts: i32) -> DbResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::Attempts.lt(max_attempts))
        .count(db)
        .await?)
}

/// Claims mail `id` for one delivery until `until`; false when it is sent, or claimed by
/// another delivery whose claim has not expired (one conditional update decides).
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<bool> {
    use sea_orm::sea_query::Expr;
    let done = outbox::Entity::update_many()
        .col_expr(outbox::Column::ClaimedUntil, Expr::value(until))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::SentAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(outbox::Column::ClaimedUntil.is_null())
                .add(outbox::Column::ClaimedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records one delivery attempt (and releases the claim): sent at `sent_at`, or failed with
/// `error`.
pub async fn attempted(
    db: &impl ConnectionTrait,
    id: i32,
    attempts: i32,
    sent_at: Option<DateTime<Utc>>,
    error: Option<String>,
) -> DbResult<()> {
    outbox::ActiveModel {
        id: Set(id),
        attempts: Set(attempts),
        sent_at: Set(sent_at),
        last_error: Set(error),
        claimed_until: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
