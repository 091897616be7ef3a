//! Training sessions as the public list shows them.

use chrono::NaiveDate;
use domain::api::PublicSession;
use domain::{Prefecture, Units};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::training_session;
use crate::error::ApiError;

/// Filters of the public session list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SessionFilter {
    /// Only sessions on or after this day.
    pub from: Option<NaiveDate>,
    /// Only sessions in this prefecture (JIS code).
    pub prefecture: Option<u8>,
    /// Only sessions of this category code.
    pub category: Option<String>,
}

/// Published sessions matching the filter, soonest first (at most 200).
pub async fn published(
    db: &DatabaseConnection,
    filter: &SessionFilter,
) -> Result<Vec<PublicSession>, ApiError> {
    let mut q =
        training_session::Entity::find().filter(training_session::Column::Published.eq(true));
    if let Some(from) = filter.from {
        q = q.filter(training_session::Column::Date.gte(from));
    }
    if let Some(p) = filter.prefecture {
        q = q.filter(training_session::Column::Prefecture.eq(i32::from(p)));
    }
    if let Some(c) = &filter.category {
        q = q.filter(training_session::Column::Category.eq(c.as_str()));
    }
    let rows = q
        .order_by_asc(training_session::Column::Date)
        .order_by_asc(training_session::Column::StartsAt)
        .limit(200)
        .all(db)
        .await?;
    rows.into_iter().map(to_public).collect()
}

/// A stored session as the public list shows it.
pub fn to_public(s: training_session::Model) -> Result<PublicSession, ApiError> {
    let bad =
        |what: &str| ApiError::Internal(format!("session {}: stored {what} is not valid", s.id));
    Ok(PublicSession {
        id: s.id,
        category: s.category.parse().map_err(|_| bad("category"))?,
        subject: s
            .subject
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|_| bad("subject"))?,
        units: Units::from_halves(u32::try_from(s.units_halves).map_err(|_| bad("units"))?),
        prefecture: u8::try_from(s.prefecture)
            .ok()
            .and_then(Prefecture::from_code)
            .ok_or_else(|| bad("prefecture"))?,
        title: s.title,
        organizing_body: s.organizing_body,
        date: s.date,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        venue: s.venue,
        online: s.online,
        posted: s.posted_at.is_some(),
    })
}
