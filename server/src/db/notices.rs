//! Notices (`notifications`) and each physician's choice of mail.

use chrono::{DateTime, Utc};
use domain::Message;
use domain::notices::{Notice, NoticeKind, NoticeSettings};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::db::{DbError, DbResult};
use crate::entities::{notification, physician};

/// A notice to write.
#[derive(Clone, Debug)]
pub struct NewNotice<'a> {
    /// The physician.
    pub user_id: i32,
    /// Its kind.
    pub kind: NoticeKind,
    /// For a reminder: (certificate, period, stage), written once only.
    pub once_key: Option<String>,
    /// What it says.
    pub message: &'a Message,
    /// Where it leads.
    pub link: Option<&'a str>,
    /// Whether a mail goes out with it.
    pub mailed: bool,
}

/// Writes a notice inside the caller's transaction; false (and nothing written) when its
/// `once_key` was written before. The database decides, so two rounds at once write it once.
pub async fn insert(
    db: &impl ConnectionTrait,
    n: &NewNotice<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let message = serde_json::to_string(n.message).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let row = notification::ActiveModel {
        user_id: Set(n.user_id),
        kind: Set(n.kind.code().to_owned()),
        once_key: Set(n.once_key.clone()),
        message: Set(message),
        link: Set(n.link.map(str::to_owned)),
        mailed: Set(n.mailed),
        created_at: Set(now),
        ..Default::default()
    };
    let written = notification::Entity::insert(row)
        .on_conflict(
            OnConflict::column(notification::Column::OnceKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(written == 1)
}

/// Which of `keys` were written already.
pub async fn written(db: &impl ConnectionTrait, keys: Vec<String>) -> DbResult<Vec<String>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(500) {
        out.extend(
            notification::Entity::find()
                .select_only()
                .column(notification::Column::OnceKey)
                .filter(notification::Column::OnceKey.is_in(chunk.to_vec()))
                .into_tuple::<Option<String>>()
                .all(db)
                .await?
                .into_iter()
                .flatten(),
        );
    }
    Ok(out)
}

/// A physician's newest notices, at most `limit`.
pub async fn newest(db: &impl ConnectionTrait, user_id: i32, limit: u64) -> DbResult<Vec<Notice>> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Notice {
                id: m.id,
                kind: NoticeKind::from_code(&m.kind)
                    .ok_or_else(|| DbError::Corrupt(format!("notice kind {}", m.kind)))?,
                message: serde_json::from_str(&m.message)
                    .map_err(|e| DbError::Corrupt(format!("notice {}: {e}", m.id)))?,
                link: m.link,
                mailed: m.mailed,
                created_at: m.created_at,
            })
        })
        .collect()
}

/// A physician's choice of mail (the defaults for an account with no physician row).
pub async fn settings(db: &impl ConnectionTrait, user_id: i32) -> DbResult<NoticeSettings> {
    Ok(physician::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|p| NoticeSettings {
            reminders_by_mail: p.mail_reminders,
            applications_by_mail: p.mail_applications,
        })
        .unwrap_or_default())
}

/// Stores a physician's choice of mail.
pub async fn set_settings(
    db: &impl ConnectionTrait,
    user_id: i32,
    s: NoticeSettings,
) -> DbResult<()> {
    physician::Entity::update_many()
        .col_expr(
            physician::Column::MailReminders,
            sea_orm::sea_query::Expr::value(s.reminders_by_mail),
        )
        .col_expr(
            physician::Column::MailApplications,
            sea_orm::sea_query::Expr::value(s.applications_by_mail),
        )
        .filter(physician::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
