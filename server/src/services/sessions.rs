//! Training sessions: an organizer's own, and the public list.

use domain::api::PublicSession;
use domain::policy::{Actor, may_designate, may_run_session};
use domain::records::Session;
use domain::sessions::{
    DesignateRequest, Designation, DesignationItem, ReturnRequest, SessionForm, SessionSpec,
};
use domain::{FieldError, Message};
use sea_orm::ConnectionTrait;

use crate::db::requests::{self, Earlier};
use crate::db::{DbError, accounts, sessions};
use crate::services::plans::Change;
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

/// The form checked, with its questions ([`SessionSpec::questions`]) as field errors until the
/// organizer confirms them.
fn checked(form: &SessionForm) -> Result<SessionSpec, SessionError> {
    let spec = form.parse(today()).map_err(SessionError::Invalid)?;
    let questions = spec.questions();
    if !form.confirm_questions && !questions.is_empty() {
        return Err(SessionError::Invalid(
            questions
                .into_iter()
                .map(|m| domain::FieldError::new("questions", "question", m))
                .collect(),
        ));
    }
    Ok(spec)
}

/// Submits a session with its lecturers for designation (not published until staff designate
/// it); the same request again (a double tap, a retry) answers the session it made.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    form: &SessionForm,
) -> Result<PublicSession, SessionError> {
    let spec = checked(form)?;
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
    crate::services::mail::tell_staff(
        &txn,
        spec.prefecture,
        &Message::key("mail.staff.session.subject"),
        &Message::key("mail.staff.session.body")
            .arg("title", &spec.title)
            .arg("body", body)
            .arg_date("date", spec.date),
    )
    .await?;
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
        lecturers: lecturers.join(", "),
        contact: s.contact.unwrap_or_default(),
        tolerance_in_minutes: Some(s.tolerance_in_minutes),
        tolerance_out_minutes: Some(s.tolerance_out_minutes),
        client_ref: None,
        confirm_questions: false,
    })
}

/// Changes a session that is neither posted nor cancelled. A session not designated yet goes
/// (back) to the staff's queue; a designated one keeps its designation as long as what was
/// designated stays: category, subject, units, delivery and prefecture.
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
    if session.designated() {
        let locked = [
            ("category", session.category != spec.category),
            ("subject", session.subject != spec.subject),
            ("units", session.units != spec.units),
            ("online", session.online != spec.online),
            ("prefecture", session.prefecture != spec.prefecture),
        ];
        let errors: Vec<domain::FieldError> = locked
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(field, _)| {
                domain::FieldError::new(
                    field,
                    "designated",
                    Message::key("session.designated_locked"),
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(SessionError::Invalid(errors));
        }
    } else {
        checked(form)?;
    }
    let mut changed = sessions::update(&txn, id, &spec).await?;
    if !session.designated() {
        sessions::resubmit(&txn, id).await?;
        changed.designation = Designation::Submitted;
        changed.returned_reason = None;
    }
    crate::db::audit::did(&txn, Some(actor.id), "session", id, "edited", None).await?;
    // Those who planned a designated session hear of a new day, time, title or venue.
    fn noticed(
        s: &Session,
    ) -> (
        &str,
        chrono::NaiveDate,
        chrono::NaiveTime,
        chrono::NaiveTime,
        &str,
    ) {
        (&s.title, s.date, s.starts_at, s.ends_at, &s.venue)
    }
    if session.designated() && noticed(&session) != noticed(&changed) {
        crate::services::plans::tell(&txn, &session, &changed, Change::Changed).await?;
    }
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
    if session.designated() {
        crate::services::plans::tell(&txn, &session, &session, Change::Cancelled).await?;
    }
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

/// The designation queue of `actor`: sessions in `state` of their prefecture (JMA: every
/// prefecture, or the one asked for), soonest first, a page at a time.
pub async fn designation_queue(
    app: &AppState,
    actor: &Actor,
    state: Designation,
    prefecture: Option<domain::Prefecture>,
    after: Option<i32>,
) -> Result<Vec<DesignationItem>, SessionError> {
    let scope = match actor.role {
        domain::account::Role::PrefecturalStaff => {
            // Another prefecture asked for: nothing (never a wider list).
            match (actor.prefecture, prefecture) {
                (Some(own), Some(asked)) if own != asked => return Ok(Vec::new()),
                (Some(own), _) => Some(own),
                (None, _) => return Ok(Vec::new()),
            }
        }
        domain::account::Role::JmaStaff => prefecture,
        _ => return Err(SessionError::NotFound),
    };
    let found = sessions::designation_queue(&app.db, state, scope, after).await?;
    // The page's lecturers in one query.
    let mut lecturers =
        sessions::lecturers_of(&app.db, found.iter().map(|s| s.id).collect()).await?;
    Ok(found
        .into_iter()
        .map(|s| {
            let named = lecturers.remove(&s.id).unwrap_or_default();
            item(s, named)
        })
        .collect())
}

/// A session of the queue with its lecturers (sorted) and the form's questions.
fn item(s: Session, mut lecturers: Vec<String>) -> DesignationItem {
    lecturers.sort();
    DesignationItem {
        questions: domain::sessions::questions(
            s.category,
            s.units,
            s.starts_at,
            s.ends_at,
            s.online,
        ),
        capacity: s.capacity,
        lecturers,
        session: s.public(),
    }
}

/// One session as the queue shows it.
async fn item_of(db: &impl ConnectionTrait, id: i32) -> Result<DesignationItem, SessionError> {
    let s = sessions::by_id(db, id)
        .await?
        .ok_or(SessionError::NotFound)?;
    let lecturers = sessions::lecturers(db, id).await?.into_iter().collect();
    Ok(item(s, lecturers))
}

/// A session staff may designate: in their prefecture (JMA: any); anyone else is told it does
/// not exist.
async fn designatable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
) -> Result<Session, SessionError> {
    sessions::by_id(db, id)
        .await?
        .filter(|s| may_designate(actor, s.prefecture))
        .ok_or(SessionError::NotFound)
}

/// Designates a submitted session with the number staff entered or the next of its prefecture
/// and this year: it is published, takes scans and can be posted. The organizer is mailed.
pub async fn designate(
    app: &AppState,
    actor: &Actor,
    id: i32,
    req: &DesignateRequest,
) -> Result<DesignationItem, SessionError> {
    let entered = req.parse().map_err(|e| SessionError::Invalid(vec![e]))?;
    let txn = crate::db::begin(&app.db).await?;
    let session = designatable(&txn, actor, id).await?;
    let not_waiting = || SessionError::Closed(Message::key("designation.not_submitted"));
    if session.designation != Designation::Submitted || session.cancelled_at.is_some() {
        return Err(not_waiting());
    }
    let number = match entered {
        Some(n) => {
            if sessions::number_taken(&txn, session.prefecture, &n, id).await? {
                return Err(SessionError::Invalid(vec![domain::FieldError::new(
                    "number",
                    "taken",
                    Message::key("designation.number_taken"),
                )]));
            }
            n
        }
        None => {
            use chrono::Datelike;
            let year = today().year();
            // A number entered by hand earlier may already hold the next in sequence.
            let mut made = None;
            for _ in 0..20 {
                let seq = sessions::next_number(&txn, session.prefecture, year).await?;
                let n = domain::sessions::designation_number(session.prefecture, year, seq);
                if !sessions::number_taken(&txn, session.prefecture, &n, id).await? {
                    made = Some(n);
                    break;
                }
            }
            made.ok_or_else(|| DbError::Corrupt("designation numbers exhausted".into()))?
        }
    };
    if !sessions::designate(&txn, id, &number, chrono::Utc::now()).await? {
        return Err(not_waiting());
    }
    let body = Message::key("mail.designation.designated.body")
        .arg("title", &session.title)
        .arg("number", &number);
    decided(txn, actor, &session, Designation::Designated, &number, body).await
}

/// Returns a submitted session to its organizer with a reason (mailed to them); they change it
/// and it comes back to the queue.
pub async fn return_to_organizer(
    app: &AppState,
    actor: &Actor,
    id: i32,
    req: &ReturnRequest,
) -> Result<DesignationItem, SessionError> {
    let reason = req.parse().map_err(|e| SessionError::Invalid(vec![e]))?;
    let txn = crate::db::begin(&app.db).await?;
    let session = designatable(&txn, actor, id).await?;
    if !sessions::return_to_organizer(&txn, id, &reason).await? {
        return Err(SessionError::Closed(Message::key(
            "designation.not_submitted",
        )));
    }
    let body = Message::key("mail.designation.returned.body")
        .arg("title", &session.title)
        .arg("reason", &reason);
    decided(txn, actor, &session, Designation::Returned, &reason, body).await
}

/// What both decisions end with: the audit row (`note`: the number or the reason), the mail to
/// the organizer, the commit, and the session as the queue now shows it.
async fn decided(
    txn: sea_orm::DatabaseTransaction,
    actor: &Actor,
    session: &Session,
    now: Designation,
    note: &str,
    body: Message,
) -> Result<DesignationItem, SessionError> {
    let (action, subject) = match now {
        Designation::Returned => ("return", "mail.designation.returned.subject"),
        _ => ("designate", "mail.designation.designated.subject"),
    };
    crate::db::audit::moved(
        &txn,
        Some(actor.id),
        "session",
        session.id,
        action,
        Some(now.code()),
        Some(note.to_owned()),
    )
    .await?;
    if let Some(organizer) = accounts::user(&txn, session.organizer_id).await? {
        crate::services::mail::queue(&txn, &organizer.email, &Message::key(subject), &body, None)
            .await?;
    }
    let answer = item_of(&txn, session.id).await?;
    crate::db::commit(txn).await?;
    Ok(answer)
}

/// Filters of the public list.
pub use crate::db::sessions::Published as Search;

/// One session of the public list (published, not cancelled); any other is not found, so the
/// detail page tells nothing the list does not.
pub async fn published_one(app: &AppState, id: i32) -> Result<PublicSession, SessionError> {
    match sessions::by_id(&app.read, id).await? {
        Some(s) if s.published && s.cancelled_at.is_none() => Ok(s.public()),
        _ => Err(SessionError::NotFound),
    }
}

/// Published sessions, soonest first, a page at a time.
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
