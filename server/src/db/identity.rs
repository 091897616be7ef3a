//! Requests staff decide about a physician's identity (`identity_requests`).

use chrono::{DateTime, Utc};
use domain::Prefecture;
use domain::identity::{RequestKind, RequestStatus};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::db::{DbResult, prefecture};
use crate::entities::{Code, identity_request};

/// A request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Id.
    pub id: i32,
    /// The physician's account.
    pub user_id: i32,
    /// Licence check or claim.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// The prefecture that decides.
    pub prefecture: Prefecture,
    /// The registry number registered (or claimed).
    pub registry_number: String,
    /// Claims: the registration the claimant made (JSON of `PhysicianProfile`).
    pub claim_json: Option<String>,
    /// The licence.
    pub document_id: Option<i32>,
    /// Why it was refused.
    pub reason: Option<String>,
    /// Sent to staff at.
    pub submitted_at: Option<DateTime<Utc>>,
}

fn to_request(r: identity_request::Model) -> DbResult<Request> {
    Ok(Request {
        id: r.id,
        user_id: r.user_id,
        kind: r.kind.get(),
        status: r.status.get(),
        prefecture: prefecture(r.prefecture)?,
        registry_number: r.registry_number,
        claim_json: r.claim_json,
        document_id: r.document_id,
        reason: r.reason,
        submitted_at: r.submitted_at,
    })
}

/// Opens a request (no licence yet).
pub async fn open(
    db: &impl ConnectionTrait,
    user_id: i32,
    kind: RequestKind,
    prefecture: Prefecture,
    registry_number: &str,
    claim_json: Option<String>,
) -> DbResult<Request> {
    let row = identity_request::ActiveModel {
        user_id: Set(user_id),
        kind: Set(Code(kind)),
        status: Set(Code(RequestStatus::Pending)),
        prefecture: Set(i32::from(prefecture.code())),
        registry_number: Set(registry_number.to_owned()),
        claim_json: Set(claim_json),
        document_id: Set(None),
        reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(Utc::now()),
        submitted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    to_request(row)
}

/// The latest request of an account.
pub async fn latest_of(db: &impl ConnectionTrait, user_id: i32) -> DbResult<Option<Request>> {
    identity_request::Entity::find()
        .filter(identity_request::Column::UserId.eq(user_id))
        .order_by_desc(identity_request::Column::Id)
        .one(db)
        .await?
        .map(to_request)
        .transpose()
}

/// A request by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<Request>> {
    identity_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_request)
        .transpose()
}

/// Sends a request to staff with its licence (and reopens a refused one).
pub async fn submit(
    db: &impl ConnectionTrait,
    id: i32,
    document_id: i32,
    at: DateTime<Utc>,
) -> DbResult<()> {
    identity_request::Entity::update_many()
        .col_expr(
            identity_request::Column::DocumentId,
            Expr::value(document_id),
        )
        .col_expr(identity_request::Column::SubmittedAt, Expr::value(at))
        .col_expr(
            identity_request::Column::Status,
            Expr::value(Code(RequestStatus::Pending)),
        )
        .col_expr(
            identity_request::Column::Reason,
            Expr::value(Option::<String>::None),
        )
        .filter(identity_request::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records staff's decision; false when the request was no longer pending (decided meanwhile).
pub async fn decide(
    db: &impl ConnectionTrait,
    id: i32,
    status: RequestStatus,
    reason: Option<String>,
    by: i32,
    at: DateTime<Utc>,
) -> DbResult<bool> {
    let done = identity_request::Entity::update_many()
        .col_expr(identity_request::Column::Status, Expr::value(Code(status)))
        .col_expr(identity_request::Column::Reason, Expr::value(reason))
        .col_expr(identity_request::Column::DecidedBy, Expr::value(by))
        .col_expr(identity_request::Column::DecidedAt, Expr::value(at))
        .filter(identity_request::Column::Id.eq(id))
        .filter(identity_request::Column::Status.eq(Code(RequestStatus::Pending)))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Requests sent to staff of a prefecture, oldest first (by the time sent, then id), a page of
/// [`domain::application::QUEUE_PAGE`]; `after` (the last request of the page before) gives
/// the next page.
pub async fn queue(
    db: &impl ConnectionTrait,
    prefecture: Prefecture,
    status: RequestStatus,
    after: Option<i32>,
) -> DbResult<Vec<Request>> {
    use identity_request::Column;
    let mut q = identity_request::Entity::find()
        .filter(Column::Prefecture.eq(i32::from(prefecture.code())))
        .filter(Column::Status.eq(Code(status)))
        .filter(Column::SubmittedAt.is_not_null());
    if let Some(after) = after {
        // Only a request of this queue is a cursor: another prefecture's tells nothing.
        let Some(last) = identity_request::Entity::find_by_id(after)
            .filter(Column::Prefecture.eq(i32::from(prefecture.code())))
            .one(db)
            .await?
        else {
            return Ok(Vec::new());
        };
        let Some(sent) = last.submitted_at else {
            return Ok(Vec::new());
        };
        q = q.filter(
            Condition::any()
                .add(Column::SubmittedAt.gt(sent))
                .add(Column::SubmittedAt.eq(sent).and(Column::Id.gt(after))),
        );
    }
    q.order_by_asc(Column::SubmittedAt)
        .order_by_asc(Column::Id)
        .limit(domain::application::QUEUE_PAGE as u64)
        .all(db)
        .await?
        .into_iter()
        .map(to_request)
        .collect()
}

/// The requests that sent document `document_id` (staff who decide them may read it).
pub async fn by_document(db: &impl ConnectionTrait, document_id: i32) -> DbResult<Vec<Request>> {
    identity_request::Entity::find()
        .filter(identity_request::Column::DocumentId.eq(document_id))
        .all(db)
        .await?
        .into_iter()
        .map(to_request)
        .collect()
}
