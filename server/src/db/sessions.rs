//! Training sessions and their lecturers.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::records::Session;
use domain::sessions::{Designation, SessionSpec};
use domain::{Category, Prefecture, Units};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::db::{DbError, DbResult, int, prefecture, unsigned};
use crate::entities::{Code, session_lecturer, training_session};

fn time(what: &str, text: &str) -> DbResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| DbError::Corrupt(format!("session {what} `{text}`")))
}

fn to_session(s: training_session::Model) -> DbResult<Session> {
    Ok(Session {
        id: s.id,
        organizer_id: s.organizer_id,
        organizing_body: s.organizing_body,
        title: s.title,
        category: s.category.get(),
        subject: s.subject.map(Code::get),
        units: Units::from_halves(unsigned("units", i64::from(s.units_halves))?),
        date: s.date,
        starts_at: time("start", &s.starts_at)?,
        ends_at: time("end", &s.ends_at)?,
        venue: s.venue,
        contact: s.contact,
        prefecture: prefecture(s.prefecture)?,
        online: s.online,
        capacity: unsigned("capacity", i64::from(s.capacity))?,
        designation_number: s.designation_number,
        tolerance_in_minutes: unsigned("tolerance", i64::from(s.tolerance_in_minutes))?,
        tolerance_out_minutes: unsigned("tolerance", i64::from(s.tolerance_out_minutes))?,
        designation: s.designation.get(),
        returned_reason: s.returned_reason,
        published: s.published,
        posted_at: s.posted_at,
        cancelled_at: s.cancelled_at,
    })
}

/// The columns a session's details fill (everything the organizer writes).
fn details(s: &SessionSpec) -> training_session::ActiveModel {
    training_session::ActiveModel {
        title: Set(s.title.clone()),
        category: Set(Code(s.category)),
        subject: Set(s.subject.map(Code)),
        units_halves: Set(int(s.units.halves())),
        date: Set(s.date),
        starts_at: Set(s.starts_at.format("%H:%M").to_string()),
        ends_at: Set(s.ends_at.format("%H:%M").to_string()),
        venue: Set(s.venue.clone()),
        contact: Set(s.contact.clone()),
        prefecture: Set(i32::from(s.prefecture.code())),
        online: Set(s.online),
        capacity: Set(int(s.capacity)),
        tolerance_in_minutes: Set(int(s.tolerance_in_minutes)),
        tolerance_out_minutes: Set(int(s.tolerance_out_minutes)),
        ..Default::default()
    }
}

/// Writes a submitted session with its lecturers: not published, no number until staff
/// designate it.
pub async fn insert(
    db: &impl ConnectionTrait,
    organizer: i32,
    body: &str,
    s: &SessionSpec,
) -> DbResult<Session> {
    let row = training_session::ActiveModel {
        organizer_id: Set(organizer),
        organizing_body: Set(body.to_owned()),
        designation_number: Set(String::new()),
        designation: Set(Code(Designation::Submitted)),
        returned_reason: Set(None),
        designated_at: Set(None),
        published: Set(false),
        posted_at: Set(None),
        cancelled_at: Set(None),
        ..details(s)
    }
    .insert(db)
    .await?;
    set_lecturers(db, row.id, s).await?;
    to_session(row)
}

async fn set_lecturers(db: &impl ConnectionTrait, session: i32, s: &SessionSpec) -> DbResult<()> {
    session_lecturer::Entity::delete_many()
        .filter(session_lecturer::Column::SessionId.eq(session))
        .exec(db)
        .await?;
    for r in &s.lecturers {
        session_lecturer::ActiveModel {
            session_id: Set(session),
            registry_number: Set(r.as_str().to_owned()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Rewrites a session's details and lecturers (not its organizer, state or posting).
pub async fn update(db: &impl ConnectionTrait, id: i32, s: &SessionSpec) -> DbResult<Session> {
    let row = training_session::ActiveModel {
        id: Set(id),
        ..details(s)
    }
    .update(db)
    .await?;
    set_lecturers(db, id, s).await?;
    to_session(row)
}

/// A changed session that was not designated goes back to the staff's queue (a returned one
/// is submitted again).
pub async fn resubmit(db: &impl ConnectionTrait, id: i32) -> DbResult<()> {
    training_session::Entity::update_many()
        .col_expr(
            training_session::Column::Designation,
            Expr::value(Code(Designation::Submitted)),
        )
        .col_expr(
            training_session::Column::ReturnedReason,
            Expr::value(Option::<String>::None),
        )
        .filter(training_session::Column::Id.eq(id))
        .filter(training_session::Column::Designation.ne(Code(Designation::Designated)))
        .exec(db)
        .await?;
    Ok(())
}

/// Designates a submitted session with `number`: it is published. Returns whether this call did
/// it (two staff deciding at once: one wins, the other is told it is no longer waiting).
pub async fn designate(
    db: &impl ConnectionTrait,
    id: i32,
    number: &str,
    at: DateTime<Utc>,
) -> DbResult<bool> {
    use training_session::Column;
    let done = training_session::Entity::update_many()
        .col_expr(
            Column::Designation,
            Expr::value(Code(Designation::Designated)),
        )
        .col_expr(Column::DesignationNumber, Expr::value(number))
        .col_expr(Column::DesignatedAt, Expr::value(at))
        .col_expr(Column::Published, Expr::value(true))
        .filter(Column::Id.eq(id))
        .filter(Column::Designation.eq(Code(Designation::Submitted)))
        .filter(Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Returns a submitted session to its organizer with `reason`. Returns whether this call did it.
pub async fn return_to_organizer(
    db: &impl ConnectionTrait,
    id: i32,
    reason: &str,
) -> DbResult<bool> {
    use training_session::Column;
    let done = training_session::Entity::update_many()
        .col_expr(
            Column::Designation,
            Expr::value(Code(Designation::Returned)),
        )
        .col_expr(Column::ReturnedReason, Expr::value(reason))
        .filter(Column::Id.eq(id))
        .filter(Column::Designation.eq(Code(Designation::Submitted)))
        .filter(Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The next designation sequence of `prefecture` in `year`: one upsert that adds one to the
/// counter row (made at 1), then reads it, inside the caller's transaction.
pub async fn next_number(
    db: &impl ConnectionTrait,
    prefecture: Prefecture,
    year: i32,
) -> DbResult<u32> {
    use crate::entities::designation_counter::{self, Column};
    use sea_orm::sea_query::OnConflict;
    let pref = i32::from(prefecture.code());
    designation_counter::Entity::insert(designation_counter::ActiveModel {
        prefecture: Set(pref),
        year: Set(year),
        last: Set(1),
    })
    .on_conflict(
        OnConflict::columns([Column::Prefecture, Column::Year])
            .value(
                Column::Last,
                Expr::col((designation_counter::Entity, Column::Last)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let row = designation_counter::Entity::find_by_id((pref, year))
        .one(db)
        .await?
        .ok_or_else(|| DbError::Corrupt("designation counter".into()))?;
    unsigned("designation counter", i64::from(row.last))
}

/// Whether a designated session of `prefecture` other than `except` already has `number`.
pub async fn number_taken(
    db: &impl ConnectionTrait,
    prefecture: Prefecture,
    number: &str,
    except: i32,
) -> DbResult<bool> {
    use training_session::Column;
    Ok(training_session::Entity::find()
        .filter(Column::Prefecture.eq(i32::from(prefecture.code())))
        .filter(Column::DesignationNumber.eq(number))
        .filter(Column::Designation.eq(Code(Designation::Designated)))
        .filter(Column::Id.ne(except))
        .one(db)
        .await?
        .is_some())
}

/// Sessions in the designation queue: `state`, in `prefecture` (or every one), not cancelled,
/// soonest first (day, id), a page of [`DESIGNATION_PAGE`] after the session `after`.
pub async fn designation_queue(
    db: &impl ConnectionTrait,
    state: Designation,
    prefecture: Option<Prefecture>,
    after: Option<i32>,
) -> DbResult<Vec<Session>> {
    use training_session::Column;
    let mut q = training_session::Entity::find()
        .filter(Column::Designation.eq(Code(state)))
        .filter(Column::CancelledAt.is_null());
    if let Some(p) = prefecture {
        q = q.filter(Column::Prefecture.eq(i32::from(p.code())));
    }
    if let Some(after) = after {
        let Some(last) = training_session::Entity::find_by_id(after).one(db).await? else {
            return Ok(Vec::new());
        };
        q = q.filter(
            Condition::any()
                .add(Column::Date.gt(last.date))
                .add(Column::Date.eq(last.date).and(Column::Id.gt(after))),
        );
    }
    q.order_by_asc(Column::Date)
        .order_by_asc(Column::Id)
        .limit(DESIGNATION_PAGE)
        .all(db)
        .await?
        .into_iter()
        .map(to_session)
        .collect()
}

/// The designated sessions (not cancelled) with designation number `number`, in `prefecture`
/// or in any.
pub async fn designated_by_number(
    db: &impl ConnectionTrait,
    number: &str,
    prefecture: Option<Prefecture>,
) -> DbResult<Vec<Session>> {
    use training_session::Column;
    let mut q = training_session::Entity::find()
        .filter(Column::Designation.eq(Code(Designation::Designated)))
        .filter(Column::DesignationNumber.eq(number))
        .filter(Column::CancelledAt.is_null());
    if let Some(p) = prefecture {
        q = q.filter(Column::Prefecture.eq(i32::from(p.code())));
    }
    q.limit(2)
        .all(db)
        .await?
        .into_iter()
        .map(to_session)
        .collect()
}

/// Sessions per page of the designation queue.
pub const DESIGNATION_PAGE: u64 = 50;

/// Cancels a session that is not posted: it leaves the public list. Returns whether this call
/// did it.
pub async fn cancel(db: &impl ConnectionTrait, id: i32, at: DateTime<Utc>) -> DbResult<bool> {
    let done = training_session::Entity::update_many()
        .col_expr(training_session::Column::CancelledAt, Expr::value(at))
        .col_expr(training_session::Column::Published, Expr::value(false))
        .filter(training_session::Column::Id.eq(id))
        .filter(training_session::Column::PostedAt.is_null())
        .filter(training_session::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A session by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<Session>> {
    training_session::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_session)
        .transpose()
}

/// An organizer's sessions, newest first.
pub async fn of_organizer(db: &impl ConnectionTrait, organizer: i32) -> DbResult<Vec<Session>> {
    training_session::Entity::find()
        .filter(training_session::Column::OrganizerId.eq(organizer))
        .order_by_desc(training_session::Column::Date)
        .all(db)
        .await?
        .into_iter()
        .map(to_session)
        .collect()
}

/// Filters of the public session list.
#[derive(Clone, Debug, Default)]
pub struct Published {
    /// Only sessions on or after this day.
    pub from: Option<NaiveDate>,
    /// Only sessions in this prefecture.
    pub prefecture: Option<Prefecture>,
    /// Only sessions of this category.
    pub category: Option<Category>,
    /// The next page: only sessions after this one (the last of the page before).
    pub after: Option<i32>,
}

/// Published sessions matching the filter, soonest first (day, start, id), a page of
/// [`domain::sessions::SEARCH_PAGE`].
pub async fn published(db: &impl ConnectionTrait, filter: &Published) -> DbResult<Vec<Session>> {
    use training_session::Column;
    let mut q = training_session::Entity::find()
        .filter(Column::Published.eq(true))
        .filter(Column::CancelledAt.is_null());
    if let Some(from) = filter.from {
        q = q.filter(Column::Date.gte(from));
    }
    if let Some(p) = filter.prefecture {
        q = q.filter(Column::Prefecture.eq(i32::from(p.code())));
    }
    if let Some(c) = filter.category {
        q = q.filter(Column::Category.eq(Code(c)));
    }
    if let Some(after) = filter.after {
        // Only a session of the list is a cursor: an unpublished or cancelled one's day
        // stays unknown.
        let Some(last) = training_session::Entity::find_by_id(after)
            .filter(Column::Published.eq(true))
            .filter(Column::CancelledAt.is_null())
            .one(db)
            .await?
        else {
            return Ok(Vec::new());
        };
        q = q.filter(
            Condition::any().add(Column::Date.gt(last.date)).add(
                Column::Date.eq(last.date).and(
                    Condition::any()
                        .add(Column::StartsAt.gt(last.starts_at.clone()))
                        .add(
                            Column::StartsAt
                                .eq(last.starts_at)
                                .and(Column::Id.gt(after)),
                        ),
                ),
            ),
        );
    }
    q.order_by_asc(Column::Date)
        .order_by_asc(Column::StartsAt)
        .order_by_asc(Column::Id)
        .limit(domain::sessions::SEARCH_PAGE as u64)
        .all(db)
        .await?
        .into_iter()
        .map(to_session)
        .collect()
}

/// The lecturers' registry numbers of each of `sessions`, in one query.
pub async fn lecturers_of(
    db: &impl ConnectionTrait,
    sessions: Vec<i32>,
) -> DbResult<std::collections::HashMap<i32, Vec<String>>> {
    let mut by: std::collections::HashMap<i32, Vec<String>> = std::collections::HashMap::new();
    if sessions.is_empty() {
        return Ok(by);
    }
    for l in session_lecturer::Entity::find()
        .filter(session_lecturer::Column::SessionId.is_in(sessions))
        .all(db)
        .await?
    {
        by.entry(l.session_id).or_default().push(l.registry_number);
    }
    Ok(by)
}

/// The lecturers' registry numbers of a session.
pub async fn lecturers(db: &impl ConnectionTrait, session: i32) -> DbResult<HashSet<String>> {
    Ok(session_lecturer::Entity::find()
        .filter(session_lecturer::Column::SessionId.eq(session))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.registry_number)
        .collect())
}

/// Marks a session posted at `at`, unless it already is; returns whether this call did it (two
/// posts racing: exactly one wins).
pub async fn mark_posted(db: &impl ConnectionTrait, id: i32, at: DateTime<Utc>) -> DbResult<bool> {
    let done = training_session::Entity::update_many()
        .col_expr(training_session::Column::PostedAt, Expr::value(at))
        .filter(training_session::Column::Id.eq(id))
        .filter(training_session::Column::PostedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
