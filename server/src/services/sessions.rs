//! Training sessions: an organizer's own, and the public list.

use domain::api::PublicSession;
use domain::policy::{Actor, may_run_session};
use domain::records::Session;
use domain::sessions::SessionForm;
use domain::{FieldError, Message};
use sea_orm::ConnectionTrait;

use crate::db::requests::{self, Earlier};
use crate::db::{DbError, accounts, sessions};
use crate::services::{AppState, today};

/// Why a session request failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No such session of this organizer.
    #[error("not found")]
    NotFound,
    /// The form has problems, per field.
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    /// The session is posted (or cancelled): it cannot change any more.
    #[error("session closed")]
    Closed(Message),
    /// The request's reference already names another kind of request.
    #[error("reference reused")]
    Reused,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
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

/// Creates a published session with its lecturers; the same request again (a double tap, a
/// retry) answers the session it made.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    form: &SessionForm,
) -> Result<PublicSession, SessionError> {
    let spec = form.parse(today()).map_err(SessionError::Invalid)?;
    let body = accounts::user(&app.db, actor.id)
        .await?
        .and_then(|u| u.organizer_body)
        .unwrap_or_default();
    match create_once(app, actor, form, &spec, &body).await {
        // Two taps at once: the twin that lost the race failed on the request's key and
        // rolled back; the winner has committed, so a second look answers its session.
        Err(SessionError::Db(DbError::Unique(_))) if form.client_ref.is_some() => {
            create_once(app, actor, form, &spec, &body).await
        }
        done => done,
    }
}

async fn create_once(
    app: &AppState,
    actor: &Actor,
    form: &SessionForm,
    spec: &domain::sessions::SessionSpec,
    body: &str,
) -> Result<PublicSession, SessionError> {
    let txn = crate::db::begin(&app.db).await?;
    if let Some(r) = &form.client_ref {
        match requests::earlier(&txn, actor.id, r, "session").await? {
            Earlier::New => {}
            Earlier::Same(id) => {
                let first = sessions::by_id(&txn, id)
                    .await?
                    .ok_or(SessionError::NotFound)?;
                return Ok(first.public());
            }
            Earlier::Other => return Err(SessionError::Reused),
        }
    }
    let session = sessions::insert(&txn, actor.id, body, spec).await?;
    if let Some(r) = &form.client_ref {
        requests::remember(&txn, actor.id, r, "session", session.id).await?;
    }
    crate::db::audit::did(&txn, Some(actor.id), "session", session.id, "created", None).await?;
    crate::db::commit(txn).await?;
    Ok(session.public())
}

/// The form of the organizer's own session, filled in as stored (to edit it).
pub async fn form(app: &AppState, actor: &Actor, id: i32) -> Result<SessionForm, SessionError> {
    let s = own(&app.db, actor, id).await?;
    let mut lecturers: Vec<String> = sessions::lecturers(&app.db, id)
        .await?
        .into_iter()
        .collect();
    lecturers.sort();
    Ok(SessionForm {
        title: s.title,
        category: s.category.code().to_owned(),
        subject: s.subject.map(|x| x.code()).unwrap_or_default(),
        units: s.units.to_string(),
        date: s.date.to_string(),
        starts_at: s.starts_at.format("%H:%M").to_string(),
        ends_at: s.ends_at.format("%H:%M").to_string(),
        venue: s.venue,
        prefecture: s.prefecture.code().to_string(),
        online: s.online,
        capacity: s.capacity.to_string(),
        designation_number: s.designation_number,
        lecturers: lecturers.join(", "),
        contact: s.contact.unwrap_or_default(),
        tolerance_in_minutes: Some(s.tolerance_in_minutes),
        tolerance_out_minutes: Some(s.tolerance_out_minutes),
        client_ref: None,
    })
}

/// Changes a session that is neither posted nor cancelled.
pub async fn edit(
    app: &AppState,
    actor: &Actor,
    id: i32,
    form: &SessionForm,
) -> Result<PublicSession, SessionError> {
    let spec = form.parse(today()).map_err(SessionError::Invalid)?;
    let txn = crate::db::begin(&app.db).await?;
    let session = own(&txn, actor, id).await?;
    refuse_closed(&session)?;
    let changed = sessions::update(&txn, id, &spec).await?;
    crate::db::audit::did(&txn, Some(actor.id), "session", id, "edited", None).await?;
    crate::db::commit(txn).await?;
    Ok(changed.public())
}

/// Cancels a session that is not posted; it leaves the public list, scans are kept.
pub async fn cancel(app: &AppState, actor: &Actor, id: i32) -> Result<PublicSession, SessionError> {
    let session = own(&app.db, actor, id).await?;
    refuse_closed(&session)?;
    let txn = crate::db::begin(&app.db).await?;
    if !sessions::cancel(&txn, id, chrono::Utc::now()).await? {
        return Err(SessionError::Closed(Message::key("session.closed")));
    }
    crate::db::audit::did(&txn, Some(actor.id), "session", id, "cancelled", None).await?;
    crate::db::commit(txn).await?;
    let session = own(&app.db, actor, id).await?;
    Ok(session.public())
}

fn refuse_closed(session: &Session) -> Result<(), SessionError> {
    if session.posted_at.is_some() {
        Err(SessionError::Closed(Message::key("session.posted")))
    } else if session.cancelled_at.is_some() {
        Err(SessionError::Closed(Message::key("session.cancelled")))
    } else {
        Ok(())
    }
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
pub use crate::db::sessions::Published as Search;

/// Published sessions, soonest first, a page at a time.
/// One session of the public list (published, not cancelled); any other is not found, so the
/// detail page tells nothing the list does not.
pub async fn published_one(app: &AppState, id: i32) -> Result<PublicSession, SessionError> {
    match sessions::by_id(&app.read, id).await? {
        Some(s) if s.published && s.cancelled_at.is_none() => Ok(s.public()),
        _ => Err(SessionError::NotFound),
    }
}

pub async fn published(
    app: &AppState,
    search: &Search,
) -> Result<Vec<PublicSession>, SessionError> {
    Ok(sessions::published(&app.read, search)
        .await?
        .iter()
        .map(Session::public)
        .collect())
}
