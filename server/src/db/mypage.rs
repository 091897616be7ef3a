//! Everything My Page shows, read in a handful of queries.

use std::collections::HashMap;

use chrono::Utc;
use domain::api::{CertificateView, LedgerEntry, MyPage, Verification};
use domain::{Certification, Facts, Period, Units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::{accounts, ledger, today_jst};
use crate::entities::{certificate, certificate_period, credit, training_session};
use crate::error::ApiError;

fn parse<T: std::str::FromStr>(what: &str, code: &str) -> Result<T, ApiError> {
    code.parse()
        .map_err(|_| ApiError::Internal(format!("stored {what} `{code}` is not a known code")))
}

/// Reads a stored verification state.
pub fn verification_from(code: Option<&str>) -> Option<Verification> {
    match code? {
        "pending" => Some(Verification::Pending),
        "verified" => Some(Verification::Verified),
        "rejected" => Some(Verification::Rejected),
        _ => None,
    }
}

/// One stored row as a ledger entry.
pub fn to_entry(c: credit::Model, session_title: Option<String>) -> Result<LedgerEntry, ApiError> {
    Ok(LedgerEntry {
        id: c.id,
        date: c.date,
        category: parse("category", &c.category)?,
        subject: c
            .subject
            .as_deref()
            .map(|s| parse("subject", s))
            .transpose()?,
        units: Units::from_halves(u32::try_from(c.units_halves).unwrap_or(0)),
        delivery: parse("delivery", &c.delivery)?,
        source: parse("source", &c.source)?,
        verification: verification_from(c.verification.as_deref()),
        session_title,
        organizer_name: c.organizer_name,
        consumed: c.consumed_by.is_some(),
        consumed_by: c.consumed_by,
        note: c.note,
    })
}

/// The effective ledger of one physician, newest first.
pub async fn ledger(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> Result<Vec<LedgerEntry>, ApiError> {
    let rows = credit::Entity::find()
        .filter(credit::Column::PhysicianId.eq(physician_id))
        .order_by_desc(credit::Column::Date)
        .order_by_desc(credit::Column::Id)
        .all(db)
        .await?;
    let rows = ledger::effective(rows);
    let session_ids: Vec<i32> = rows.iter().filter_map(|c| c.session_id).collect();
    let titles: HashMap<i32, String> = if session_ids.is_empty() {
        HashMap::new()
    } else {
        training_session::Entity::find()
            .filter(training_session::Column::Id.is_in(session_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect()
    };
    rows.into_iter()
        .map(|c| {
            let title = c.session_id.and_then(|id| titles.get(&id).cloned());
            to_entry(c, title)
        })
        .collect()
}

/// Certificates of one physician with their validity periods.
pub async fn certificates(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> Result<Vec<CertificateView>, ApiError> {
    let certs = certificate::Entity::find()
        .filter(certificate::Column::PhysicianId.eq(physician_id))
        .order_by_asc(certificate::Column::Certification)
        .all(db)
        .await?;
    let ids: Vec<i32> = certs.iter().map(|c| c.id).collect();
    let mut periods: HashMap<i32, Vec<Period>> = HashMap::new();
    if !ids.is_empty() {
        for p in certificate_period::Entity::find()
            .filter(certificate_period::Column::CertificateId.is_in(ids))
            .order_by_asc(certificate_period::Column::ValidFrom)
            .all(db)
            .await?
        {
            periods.entry(p.certificate_id).or_default().push(Period {
                valid_from: p.valid_from,
                valid_until: p.valid_until,
            });
        }
    }
    certs
        .into_iter()
        .map(|c| {
            Ok(CertificateView {
                certification: parse::<Certification>("certification", &c.certification)?,
                number: c.number,
                first_certified: c.first_certified,
                current: Period {
                    valid_from: c.valid_from,
                    valid_until: c.valid_until,
                },
                periods: periods.remove(&c.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// My Page in one answer.
pub async fn my_page(db: &impl ConnectionTrait, physician_id: i32) -> Result<MyPage, ApiError> {
    let profile = accounts::physician_profile(db, physician_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(MyPage {
        profile,
        today: today_jst(Utc::now()),
        certificates: certificates(db, physician_id).await?,
        ledger: ledger(db, physician_id).await?,
        facts: Facts::default(),
    })
}
