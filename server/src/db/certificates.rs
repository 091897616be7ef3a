//! Certificates (`certificates`) and their validity periods (`certificate_periods`).

use std::collections::HashMap;

use domain::api::CertificateView;
use domain::records::CertificateRecord;
use domain::{Certification, Period};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::db::DbResult;
use crate::entities::{Code, certificate, certificate_period};

fn to_record(c: certificate::Model) -> CertificateRecord {
    CertificateRecord {
        id: c.id,
        physician_id: c.physician_id,
        certification: c.certification.get(),
        number: c.number,
        first_certified: c.first_certified,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
    }
}

/// A physician's certificates with every period, as My Page shows them.
pub async fn of_physician(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> DbResult<Vec<CertificateView>> {
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
    Ok(certs
        .into_iter()
        .map(|c| CertificateView {
            certification: c.certification.get(),
            number: c.number,
            first_certified: c.first_certified,
            current: Period {
                valid_from: c.valid_from,
                valid_until: c.valid_until,
            },
            periods: periods.remove(&c.id).unwrap_or_default(),
            revoked_on: c.revoked_at.map(domain::dates::today_jst),
        })
        .collect())
}

/// A physician's certificate of one certification.
pub async fn held(
    db: &impl ConnectionTrait,
    physician_id: i32,
    certification: Certification,
) -> DbResult<Option<CertificateRecord>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::PhysicianId.eq(physician_id))
        .filter(certificate::Column::Certification.eq(Code(certification)))
        .one(db)
        .await?
        .map(to_record))
}

/// Writes a certificate.
pub async fn insert(db: &impl ConnectionTrait, c: &CertificateRecord) -> DbResult<i32> {
    Ok(certificate::ActiveModel {
        physician_id: Set(c.physician_id),
        certification: Set(Code(c.certification)),
        number: Set(c.number.clone()),
        first_certified: Set(c.first_certified),
        valid_from: Set(c.valid_from),
        valid_until: Set(c.valid_until),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Rewrites a certificate's number, first day and current period.
pub async fn update(db: &impl ConnectionTrait, c: &CertificateRecord) -> DbResult<()> {
    certificate::ActiveModel {
        id: Set(c.id),
        number: Set(c.number.clone()),
        first_certified: Set(c.first_certified),
        valid_from: Set(c.valid_from),
        valid_until: Set(c.valid_until),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Adds a period to a certificate's history.
pub async fn add_period(
    db: &impl ConnectionTrait,
    certificate_id: i32,
    period: Period,
    granted_by: &str,
) -> DbResult<()> {
    certificate_period::ActiveModel {
        certificate_id: Set(certificate_id),
        valid_from: Set(period.valid_from),
        valid_until: Set(period.valid_until),
        granted_by: Set(granted_by.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The highest certificate number starting with `prefix`.
pub async fn highest_number(db: &impl ConnectionTrait, prefix: &str) -> DbResult<Option<String>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.starts_with(prefix))
        .order_by_desc(certificate::Column::Number)
        .one(db)
        .await?
        .map(|c| c.number))
}

/// Brings a physician's certificate up to date with the registry's: created if new, its
/// current period the latest, every registry period in its history. A number already held by
/// another physician is left alone (returns false).
pub async fn sync_from_registry(
    db: &impl ConnectionTrait,
    physician_id: i32,
    c: &domain::registry::RegistryCertificate,
) -> DbResult<bool> {
    let Some(latest) = c.current() else {
        return Ok(true);
    };
    let existing = certificate::Entity::find()
        .filter(certificate::Column::Number.eq(c.certificate_number.as_str()))
        .one(db)
        .await?;
    let id = match existing {
        Some(row) if row.physician_id != physician_id => return Ok(false),
        Some(row) => {
            let current = if row.valid_from > latest.valid_from {
                Period {
                    valid_from: row.valid_from,
                    valid_until: row.valid_until,
                }
            } else {
                latest
            };
            update(
                db,
                &CertificateRecord {
                    id: row.id,
                    physician_id,
                    certification: c.certification,
                    number: c.certificate_number.clone(),
                    first_certified: c.first_certified,
                    valid_from: current.valid_from,
                    valid_until: current.valid_until,
                },
            )
            .await?;
            row.id
        }
        None => {
            insert(
                db,
                &CertificateRecord {
                    id: 0,
                    physician_id,
                    certification: c.certification,
                    number: c.certificate_number.clone(),
                    first_certified: c.first_certified,
                    valid_from: latest.valid_from,
                    valid_until: latest.valid_until,
                },
            )
            .await?
        }
    };
    let have: HashMap<chrono::NaiveDate, (i32, chrono::NaiveDate)> =
        certificate_period::Entity::find()
            .filter(certificate_period::Column::CertificateId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.valid_from, (p.id, p.valid_until)))
            .collect();
    for p in &c.periods {
        match have.get(&p.valid_from) {
            None => add_period(db, id, *p, "registry").await?,
            Some((row, until)) if *until != p.valid_until => {
                certificate_period::ActiveModel {
                    id: Set(*row),
                    valid_until: Set(p.valid_until),
                    ..Default::default()
                }
                .update(db)
                .await?;
            }
            Some(_) => {}
        }
    }
    Ok(true)
}

/// A certificate and whether it was revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The certificate.
    pub record: CertificateRecord,
    /// Revoked by JMA.
    pub revoked: bool,
}

fn to_standing(c: certificate::Model) -> Standing {
    let revoked = c.revoked_at.is_some();
    Standing {
        record: to_record(c),
        revoked,
    }
}

/// The certificate with id `id`.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<Standing>> {
    Ok(certificate::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_standing))
}

/// The certificate numbered `number`.
pub async fn by_number(db: &impl ConnectionTrait, number: &str) -> DbResult<Option<Standing>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .one(db)
        .await?
        .map(to_standing))
}

/// Marks a certificate revoked (once: a revoked one keeps its first day and reason).
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: i32,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> DbResult<bool> {
    use sea_orm::sea_query::Expr;
    let done = certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedReason, Expr::value(reason))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A new certificate granted where a revoked one was: the row holds the new one, revoked no
/// more (the revocation stays in the audit log).
pub async fn reinstate(db: &impl ConnectionTrait, id: i32) -> DbResult<()> {
    use sea_orm::sea_query::Expr;
    certificate::Entity::update_many()
        .col_expr(
            certificate::Column::RevokedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            certificate::Column::RevokedReason,
            Expr::value(Option::<String>::None),
        )
        .filter(certificate::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Certificates not revoked whose current period ends between `from` and `to` (the reminder
/// round), by expiry.
pub async fn expiring(
    db: &impl ConnectionTrait,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> DbResult<Vec<CertificateRecord>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::ValidUntil.between(from, to))
        .filter(certificate::Column::RevokedAt.is_null())
        .order_by_asc(certificate::Column::ValidUntil)
        .order_by_asc(certificate::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_record)
        .collect())
}
