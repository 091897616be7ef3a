//! Helper links to one session's check-in page: scoped, expiring, revocable. Only the token's
//! hash is stored; the token is shown to the organizer once.

use chrono::{Duration, Utc};
use domain::FieldError;
use domain::api::{DoorInfo, DoorLink, DoorLinkCreated, NewDoorLink};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::auth::{new_session_token, token_hash};
use crate::db::sessions::to_public;
use crate::entities::{door_link, training_session};
use crate::error::ApiError;

/// Longest a helper link may work.
pub const MAX_HOURS: u32 = 48;

fn view(row: door_link::Model) -> DoorLink {
    DoorLink {
        id: row.id,
        label: row.label,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    }
}

/// Makes a link for `session` (already checked to be the organizer's own).
pub async fn create(
    db: &DatabaseConnection,
    session: &training_session::Model,
    organizer: i32,
    req: &NewDoorLink,
) -> Result<DoorLinkCreated, ApiError> {
    let mut errors = Vec::new();
    let label = req.label.trim();
    if label.is_empty() || label.chars().count() > 50 {
        errors.push(FieldError::new(
            "label",
            "required",
            "誰の端末か分かる名前を50文字以内で入力してください（例：受付2 佐藤）",
            "Name the device in up to 50 characters (e.g. Desk 2, Sato)",
        ));
    }
    if !(1..=MAX_HOURS).contains(&req.hours) {
        errors.push(FieldError::new(
            "hours",
            "out_of_range",
            format!("有効時間は1〜{MAX_HOURS}時間にしてください"),
            format!("Choose 1 to {MAX_HOURS} hours"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if session.posted_at.is_some() {
        return Err(ApiError::InvalidState(domain::Message::new(
            "単位登録済みの研修会には受付用リンクを作れません",
            "The session has been posted; no more check-in links can be made",
        )));
    }
    let (token, hash) = new_session_token();
    let now = Utc::now();
    let row = door_link::ActiveModel {
        session_id: Set(session.id),
        token_hash: Set(hash),
        label: Set(label.to_owned()),
        created_by: Set(organizer),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(i64::from(req.hours))),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(DoorLinkCreated {
        link: view(row),
        path: format!("/door#{token}"),
    })
}

/// The session's links, newest first.
pub async fn list(db: &DatabaseConnection, session: i32) -> Result<Vec<DoorLink>, ApiError> {
    Ok(door_link::Entity::find()
        .filter(door_link::Column::SessionId.eq(session))
        .order_by_desc(door_link::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Revokes a link of `session` at once; revoking twice keeps the first time.
pub async fn revoke(db: &DatabaseConnection, session: i32, id: i32) -> Result<DoorLink, ApiError> {
    let row = door_link::Entity::find_by_id(id)
        .filter(door_link::Column::SessionId.eq(session))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.revoked_at.is_some() {
        return Ok(view(row));
    }
    let mut active: door_link::ActiveModel = row.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(view(active.update(db).await?))
}

/// The link a helper's token opens and its session, while it is neither expired nor revoked
/// and the session is not posted; otherwise [`ApiError::DoorClosed`].
pub async fn open(
    db: &DatabaseConnection,
    token: &str,
) -> Result<(door_link::Model, training_session::Model), ApiError> {
    let closed = || ApiError::DoorClosed;
    let link = door_link::Entity::find()
        .filter(door_link::Column::TokenHash.eq(token_hash(token.trim())))
        .one(db)
        .await?
        .ok_or_else(closed)?;
    if link.revoked_at.is_some() || link.expires_at <= Utc::now() {
        return Err(closed());
    }
    let session = training_session::Entity::find_by_id(link.session_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if session.posted_at.is_some() {
        return Err(closed());
    }
    Ok((link, session))
}

/// What the helper's page shows about its link.
pub fn info(
    link: &door_link::Model,
    session: training_session::Model,
) -> Result<DoorInfo, ApiError> {
    Ok(DoorInfo {
        session: to_public(session)?,
        label: link.label.clone(),
        expires_at: link.expires_at,
    })
}
