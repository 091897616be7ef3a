//! The sessions a physician plans to attend (My Page's preview): kept on the server so that a
//! change or cancellation of a designated session reaches those who planned it, on My Page and
//! by mail as they chose, and the prefecture's staff with them.

use domain::Message;
use domain::notices::NoticeKind;
use domain::policy::Actor;
use domain::records::Session;
use sea_orm::ConnectionTrait;

use crate::db::{DbResult, accounts, notices, plans, sessions};
use crate::services::sessions::SessionError;
use crate::services::{AppState, mail, today};

/// Sessions one physician may plan at once (a season of training is far fewer).
pub const MAX_PLANS: usize = 100;

/// The sessions `actor` plans (ids, in the order planned).
pub async fn list(app: &AppState, actor: &Actor) -> Result<Vec<i32>, SessionError> {
    Ok(plans::of_physician(&app.read, actor.id).await?)
}

/// Notes that `actor` plans session `id`: a published, designated session still to come (any
/// other is not found, as on the public list). Planning it again changes nothing.
pub async fn plan(app: &AppState, actor: &Actor, id: i32) -> Result<(), SessionError> {
    match sessions::by_id(&app.db, id).await? {
        Some(s)
            if s.published
                && s.designated()
                && s.cancelled_at.is_none()
                && s.posted_at.is_none()
                && s.date >= today() => {}
        _ => return Err(SessionError::NotFound),
    }
    let mine = plans::of_physician(&app.db, actor.id).await?;
    if !mine.contains(&id) && mine.len() >= MAX_PLANS {
        return Err(SessionError::Closed(
            Message::key("plan.too_many").arg("max", MAX_PLANS),
        ));
    }
    plans::add(&app.db, actor.id, id).await?;
    Ok(())
}

/// Forgets that `actor` plans session `id` (nothing to forget is no error).
pub async fn unplan(app: &AppState, actor: &Actor, id: i32) -> Result<(), SessionError> {
    plans::remove(&app.db, actor.id, id).await?;
    Ok(())
}

/// What happened to a designated session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Its day, times, title or venue changed.
    Changed,
    /// It was cancelled.
    Cancelled,
}

impl Change {
    fn key(self) -> &'static str {
        match self {
            Change::Changed => "changed",
            Change::Cancelled => "cancelled",
        }
    }
}

/// Tells, inside the caller's transaction, every physician who planned `session` what became
/// of it (`before` is the session as they planned it): a notice on My Page, and a mail unless
/// they turned reminders off; and the prefecture's staff (or JMA's while it has none).
pub async fn tell(
    db: &impl ConnectionTrait,
    before: &Session,
    after: &Session,
    change: Change,
) -> DbResult<()> {
    let what = |s: &Session| {
        Message::key("plan.session")
            .arg("title", &s.title)
            .arg_date("date", s.date)
            .arg("starts", s.starts_at.format("%H:%M"))
            .arg("ends", s.ends_at.format("%H:%M"))
            .arg("venue", &s.venue)
    };
    let key = change.key();
    let notice = Message::key(format!("plan.notice.{key}"))
        .arg_msg("before", what(before))
        .arg_msg("after", what(after));
    let subject = Message::key(format!("plan.mail.{key}.subject")).arg("title", &before.title);
    let body = Message::key(format!("plan.mail.{key}.body"))
        .arg_msg("before", what(before))
        .arg_msg("after", what(after));
    let link = format!("/sessions/{}", before.id);
    let now = chrono::Utc::now();
    for physician in plans::planners(db, before.id).await? {
        let by_mail = notices::settings(db, physician).await?.reminders_by_mail;
        notices::insert(
            db,
            &notices::NewNotice {
                user_id: physician,
                kind: NoticeKind::Session,
                once_key: None,
                message: &notice,
                link: (change == Change::Changed).then_some(link.as_str()),
                mailed: by_mail,
            },
            now,
        )
        .await?;
        if by_mail && let Some(user) = accounts::user(db, physician).await? {
            mail::queue(db, &user.email, &subject, &body, None).await?;
        }
    }
    mail::tell_staff(
        db,
        before.prefecture,
        &Message::key(format!("plan.staff.{key}.subject")).arg("title", &before.title),
        &Message::key(format!("plan.staff.{key}.body"))
            .arg("number", &before.designation_number)
            .arg("body", &before.organizing_body)
            .arg_msg("before", what(before))
            .arg_msg("after", what(after)),
    )
    .await
}
