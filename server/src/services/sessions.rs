//! Training sessions: an organizer's own, and the public list.

use domain::api::PublicSession;
use domain::policy::{Actor, may_run_session};
use domain::records::Session;
use domain::sessions::SessionForm;
use domain::{Category, FieldError, Prefecture};
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::db::{DbError, accounts, sessions};
use crate::services::AppState;

/// Why a session request failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No such session of this organizer.
    #[error("not found")]
    NotFound,
    /// The form has problems, per field.
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for SessionError {
    fn from(e: sea_orm::DbErr) -> SessionError {
        SessionError::Db(e.into())
    }
}

/// The organizer's own session `id`; anyone else is told it does not exist.
pub async fn own(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
) -> Result<Session, SessionError> {
    sessions::by_id(db, id)
        .await?
        .filter(|s| may_run_session(actor, s.organizer_id))
        .ok_or(SessionError::NotFound)
}

/// Creates a published session with its lecturers.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    form: &SessionForm,
) -> Result<PublicSession, SessionError> {
    let spec = form.parse().map_err(SessionError::Invalid)?;
    let body = accounts::user(&app.db, actor.id)
        .await?
        .and_then(|u| u.organizer_body)
        .unwrap_or_default();
    let txn = app.db.begin().await?;
    let session = sessions::insert(&txn, actor.id, &body, &spec).await?;
    txn.commit().await?;
    Ok(session.public())
}

/// The organizer's sessions, newest first.
pub async fn list_own(app: &AppState, actor: &Actor) -> Result<Vec<PublicSession>, SessionError> {
    Ok(sessions::of_organizer(&app.db, actor.id)
        .await?
        .iter()
        .map(Session::public)
        .collect())
}

/// Filters of the public list.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// From this day on.
    pub from: Option<chrono::NaiveDate>,
    /// In this prefecture.
    pub prefecture: Option<Prefecture>,
    /// Of this category.
    pub category: Option<Category>,
}

/// Published sessions, soonest first.
pub async fn published(
    app: &AppState,
    search: &Search,
) -> Result<Vec<PublicSession>, SessionError> {
    let filter = sessions::Published {
        from: search.from,
        prefecture: search.prefecture,
        category: search.category,
    };
    Ok(sessions::published(&app.db, &filter)
        .await?
        .iter()
        .map(Session::public)
        .collect())
}
