//! A physician's notices on My Page and their choice of mail per kind.

use domain::notices::{NOTICES_SHOWN, NoticeSettings, Notices};
use domain::policy::Actor;

use crate::db::{DbError, audit, notices};
use crate::services::AppState;

/// The newest notices and the choices of mail.
pub async fn of(app: &AppState, actor: &Actor) -> Result<Notices, DbError> {
    Ok(Notices {
        settings: notices::settings(&app.read, actor.id).await?,
        items: notices::newest(&app.read, actor.id, NOTICES_SHOWN).await?,
    })
}

/// Stores the choices of mail (an audit row says who changed them).
pub async fn set(
    app: &AppState,
    actor: &Actor,
    settings: NoticeSettings,
) -> Result<NoticeSettings, DbError> {
    let txn = crate::db::begin(&app.db).await?;
    notices::set_settings(&txn, actor.id, settings).await?;
    audit::did(
        &txn,
        Some(actor.id),
        "user",
        actor.id,
        "notice_settings_changed",
        None,
    )
    .await?;
    crate::db::commit(txn).await?;
    notices::settings(&app.db, actor.id).await
}
