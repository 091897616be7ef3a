//! Applications (`applications`) and the credits their decisions counted
//! (`application_credits`).

use std::collections::HashMap;

use chrono::Utc;
use domain::application::{ApplicationKind, ApplicationRequest, Status};
use domain::policy::ApplicationScope;
use domain::records::ApplicationRecord;
use domain::{Certification, Prefecture, Units};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::db::{DbResult, int, prefecture};
use crate::entities::{Code, application, application_credit};

fn to_record(a: application::Model) -> DbResult<ApplicationRecord> {
    Ok(ApplicationRecord {
        id: a.id,
        physician_id: a.physician_id,
        prefecture: prefecture(a.prefecture)?,
        kind: a.kind.get(),
        certification: a.certification.get(),
        status: a.status.get(),
        form_json: a.form_json,
        decision_json: a.decision_json,
        submitted_on: a.submitted_on,
        round_deadline: a.round_deadline,
        fee_paid_on: a.fee_paid_on,
        fee_channel: a.fee_channel.map(Code::get),
        handbook_arrived_on: a.handbook_arrived_on,
        correction_message: a.correction_message,
        granted_number: a.granted_number,
        granted_from: a.granted_from,
        granted_until: a.granted_until,
    })
}

/// A new application to write (status `submitted`).
#[derive(Debug)]
pub struct NewApplication<'a> {
    /// The applicant.
    pub physician_id: i32,
    /// Reviewing prefecture.
    pub prefecture: Prefecture,
    /// What is applied for.
    pub request: &'a ApplicationRequest,
    /// The form as submitted (JSON).
    pub form_json: String,
    /// The decision (JSON).
    pub decision_json: Option<String>,
    /// Submitted on.
    pub submitted_on: chrono::NaiveDate,
    /// Review round.
    pub round_deadline: Option<chrono::NaiveDate>,
}

/// Writes a submitted application.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewApplication<'_>,
) -> DbResult<ApplicationRecord> {
    let now = Utc::now();
    let row = application::ActiveModel {
        physician_id: Set(new.physician_id),
        prefecture: Set(i32::from(new.prefecture.code())),
        kind: Set(Code(new.request.kind)),
        certification: Set(Code(new.request.certification)),
        status: Set(Code(Status::Submitted)),
        form_json: Set(new.form_json),
        decision_json: Set(new.decision_json),
        submitted_on: Set(new.submitted_on),
        round_deadline: Set(new.round_deadline),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    to_record(row)
}

/// An application by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<ApplicationRecord>> {
    application::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_record)
        .transpose()
}

/// Whether the physician has this kind of application under review.
pub async fn has_open(
    db: &impl ConnectionTrait,
    physician_id: i32,
    kind: ApplicationKind,
    certification: Certification,
) -> DbResult<bool> {
    Ok(application::Entity::find()
        .filter(application::Column::PhysicianId.eq(physician_id))
        .filter(application::Column::Kind.eq(Code(kind)))
        .filter(application::Column::Certification.eq(Code(certification)))
        .filter(application::Column::Status.is_in([
            Code(Status::Submitted),
            Code(Status::CorrectionRequested),
            Code(Status::Forwarded),
        ]))
        .one(db)
        .await?
        .is_some())
}

/// The physician's applications under way, newest first.
pub async fn open_of(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> DbResult<Vec<domain::api::OpenApplication>> {
    Ok(application::Entity::find()
        .filter(application::Column::PhysicianId.eq(physician_id))
        .filter(application::Column::Status.is_in([
            Code(Status::Submitted),
            Code(Status::CorrectionRequested),
            Code(Status::Forwarded),
        ]))
        .order_by_desc(application::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| domain::api::OpenApplication {
            id: a.id,
            kind: a.kind.0,
            certification: a.certification.0,
            status: a.status.0,
        })
        .collect())
}

/// Moves an application from `from` to `to`; false when its status was no longer `from`
/// (someone acted first).
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i32,
    from: Status,
    to: Status,
) -> DbResult<bool> {
    let done = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(Code(to)))
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::Status.eq(Code(from)))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Writes the fields a step changes (everything but identity, kind and status).
pub async fn save(db: &impl ConnectionTrait, a: &ApplicationRecord) -> DbResult<()> {
    application::ActiveModel {
        id: Set(a.id),
        form_json: Set(a.form_json.clone()),
        decision_json: Set(a.decision_json.clone()),
        round_deadline: Set(a.round_deadline),
        fee_paid_on: Set(a.fee_paid_on),
        fee_channel: Set(a.fee_channel.map(Code)),
        handbook_arrived_on: Set(a.handbook_arrived_on),
        correction_message: Set(a.correction_message.clone()),
        granted_number: Set(a.granted_number.clone()),
        granted_from: Set(a.granted_from),
        granted_until: Set(a.granted_until),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Filters of a review queue.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this kind.
    pub kind: Option<ApplicationKind>,
    /// Only this certification.
    pub certification: Option<Certification>,
    /// Only this review round (JMA receipt deadline).
    pub round: Option<chrono::NaiveDate>,
    /// Only applications reviewed by this prefecture (JMA's view of every prefecture).
    pub prefecture: Option<domain::Prefecture>,
    /// Only the applications of the physicians this search finds (registry number, certificate
    /// number or the start of a name).
    pub search: Option<domain::application::QueueSearch>,
    /// The next page: only applications older than this one (ids below it).
    pub before: Option<i32>,
}

/// The applications in `scope` that pass `filter`, newest first, a page of
/// [`domain::application::QUEUE_PAGE`].
pub async fn list(
    db: &impl ConnectionTrait,
    scope: ApplicationScope,
    filter: &QueueFilter,
) -> DbResult<Vec<ApplicationRecord>> {
    let mut q = application::Entity::find();
    q = match scope {
        ApplicationScope::Own(id) => q.filter(application::Column::PhysicianId.eq(id)),
        ApplicationScope::Prefecture(p) => {
            q.filter(application::Column::Prefecture.eq(i32::from(p.code())))
        }
        ApplicationScope::ReceivedByJma => q.filter(application::Column::Status.is_in([
            Code(Status::Forwarded),
            Code(Status::Approved),
            Code(Status::Rejected),
        ])),
        ApplicationScope::None => return Ok(Vec::new()),
    };
    if let Some(s) = filter.status {
        q = q.filter(application::Column::Status.eq(Code(s)));
    }
    if let Some(k) = filter.kind {
        q = q.filter(application::Column::Kind.eq(Code(k)));
    }
    if let Some(c) = filter.certification {
        q = q.filter(application::Column::Certification.eq(Code(c)));
    }
    if let Some(r) = filter.round {
        q = q.filter(application::Column::RoundDeadline.eq(r));
    }
    if let Some(p) = filter.prefecture {
        q = q.filter(application::Column::Prefecture.eq(i32::from(p.code())));
    }
    if let Some(search) = &filter.search {
        let who = physicians_matching(db, search).await?;
        if who.is_empty() {
            return Ok(Vec::new());
        }
        q = q.filter(application::Column::PhysicianId.is_in(who));
    }
    if let Some(before) = filter.before {
        q = q.filter(application::Column::Id.lt(before));
    }
    q.order_by_desc(application::Column::Id)
        .limit(domain::application::QUEUE_PAGE as u64)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Physicians a search names, at most this many by a name's start (a longer start narrows it).
pub const SEARCH_PEOPLE: u64 = 200;

/// The physicians `search` finds: the holder of the registry number, the holder of the
/// certificate number, and those whose name (as written, or in kana) starts with the text.
pub async fn physicians_matching(
    db: &impl ConnectionTrait,
    search: &domain::application::QueueSearch,
) -> DbResult<Vec<i32>> {
    use crate::entities::{certificate, physician};
    let mut ids = Vec::new();
    if let Some(r) = &search.registry_number {
        ids.extend(
            physician::Entity::find()
                .filter(physician::Column::RegistryNumber.eq(r.as_str()))
                .all(db)
                .await?
                .into_iter()
                .map(|p| p.user_id),
        );
    }
    if let Some(n) = &search.certificate_number {
        ids.extend(
            certificate::Entity::find()
                .filter(certificate::Column::Number.eq(n.as_str()))
                .all(db)
                .await?
                .into_iter()
                .map(|c| c.physician_id),
        );
    }
    for (column, start) in [("name_kanji", &search.name), ("name_kana", &search.kana)] {
        let Some(start) = start else { continue };
        // A name's start as a range of code points (see migration 18 for PostgreSQL's "C";
        // each backend has its own placeholders).
        let range = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                format!("{column} COLLATE \"C\" >= $1 AND {column} COLLATE \"C\" < $2")
            }
            _ => format!("{column} >= ? AND {column} < ?"),
        };
        let end = format!("{start}{}", char::MAX);
        ids.extend(
            physician::Entity::find()
                .filter(Expr::cust_with_values(range, [start.clone(), end]))
                .limit(SEARCH_PEOPLE)
                .all(db)
                .await?
                .into_iter()
                .map(|p| p.user_id),
        );
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A row of [`round_counts`] as read: (certification, round, status, count).
type RoundCountRow = (
    Code<Certification>,
    Option<chrono::NaiveDate>,
    Code<Status>,
    i64,
);

/// Applications of a scope counted by (certification, round, status), for the rounds whose
/// JMA deadline is `since` or later.
pub async fn round_counts(
    db: &impl ConnectionTrait,
    scope: ApplicationScope,
    since: chrono::NaiveDate,
) -> DbResult<Vec<(Certification, chrono::NaiveDate, Status, u32)>> {
    let mut q = application::Entity::find()
        .select_only()
        .column(application::Column::Certification)
        .column(application::Column::RoundDeadline)
        .column(application::Column::Status)
        .column_as(application::Column::Id.count(), "n")
        .filter(application::Column::RoundDeadline.gte(since));
    q = match scope {
        ApplicationScope::Prefecture(p) => {
            q.filter(application::Column::Prefecture.eq(i32::from(p.code())))
        }
        ApplicationScope::ReceivedByJma => q,
        ApplicationScope::Own(_) | ApplicationScope::None => return Ok(Vec::new()),
    };
    let rows: Vec<RoundCountRow> = q
        .group_by(application::Column::Certification)
        .group_by(application::Column::RoundDeadline)
        .group_by(application::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, r, s, n)| Some((c.get(), r?, s.get(), u32::try_from(n).ok()?)))
        .collect())
}

/// Applications of a scope counted by status, with the submission day of the oldest of each.
pub async fn status_counts(
    db: &impl ConnectionTrait,
    scope: ApplicationScope,
) -> DbResult<Vec<(Status, u32, Option<chrono::NaiveDate>)>> {
    let mut out = Vec::new();
    // One status at a time: each is a range of an index (prefecture, status, id) or (status, id).
    for &status in Status::ALL {
        let mut q = application::Entity::find()
            .select_only()
            .column_as(application::Column::Id.count(), "n")
            .column_as(application::Column::SubmittedOn.min(), "oldest")
            .filter(application::Column::Status.eq(Code(status)));
        q = match scope {
            ApplicationScope::Prefecture(p) => {
                q.filter(application::Column::Prefecture.eq(i32::from(p.code())))
            }
            ApplicationScope::ReceivedByJma => q,
            ApplicationScope::Own(_) | ApplicationScope::None => return Ok(Vec::new()),
        };
        let row: Option<(i64, Option<chrono::NaiveDate>)> = q.into_tuple().one(db).await?;
        let (n, oldest) = row.unwrap_or((0, None));
        out.push((status, u32::try_from(n).unwrap_or(u32::MAX), oldest));
    }
    Ok(out)
}

/// Replaces the credits an application's decision counted.
pub async fn replace_relied(
    db: &impl ConnectionTrait,
    id: i32,
    counted: &[(i32, Units)],
) -> DbResult<()> {
    application_credit::Entity::delete_many()
        .filter(application_credit::Column::ApplicationId.eq(id))
        .exec(db)
        .await?;
    if counted.is_empty() {
        return Ok(());
    }
    application_credit::Entity::insert_many(counted.iter().map(|(credit, units)| {
        application_credit::ActiveModel {
            application_id: Set(id),
            credit_id: Set(*credit),
            counted_halves: Set(int(units.halves())),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The credits an application's decision counted, with the units counted of each.
pub async fn relied(db: &impl ConnectionTrait, id: i32) -> DbResult<HashMap<i32, Units>> {
    Ok(application_credit::Entity::find()
        .filter(application_credit::Column::ApplicationId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.credit_id,
                Units::from_halves(u32::try_from(r.counted_halves).unwrap_or(0)),
            )
        })
        .collect())
}

/// (application, credit) pairs counted by applications `ids`.
pub async fn relied_by(db: &impl ConnectionTrait, ids: Vec<i32>) -> DbResult<Vec<(i32, i32)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(application_credit::Entity::find()
        .filter(application_credit::Column::ApplicationId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.application_id, r.credit_id))
        .collect())
}

/// Withdraws every application of `physician_id` still under review (its account was locked
/// by a decided claim); returns their ids.
pub async fn withdraw_open(db: &impl ConnectionTrait, physician_id: i32) -> DbResult<Vec<i32>> {
    let open = [
        Code(Status::Submitted),
        Code(Status::CorrectionRequested),
        Code(Status::Forwarded),
    ];
    let ids: Vec<i32> = application::Entity::find()
        .filter(application::Column::PhysicianId.eq(physician_id))
        .filter(application::Column::Status.is_in(open))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    if !ids.is_empty() {
        application::Entity::update_many()
            .col_expr(
                application::Column::Status,
                Expr::value(Code(Status::Withdrawn)),
            )
            .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(application::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
    }
    Ok(ids)
}
