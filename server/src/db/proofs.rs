//! Verification codes of certificates (`certificate_proofs`): one per certificate period.

use chrono::{DateTime, Utc};
use domain::Period;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::db::DbResult;
use crate::entities::certificate_proof;

/// A stored code: its random part, the certificate and the period it was printed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The random part of the code.
    pub code_id: String,
    /// The certificate.
    pub certificate_id: i32,
    /// The period printed.
    pub period: Period,
}

fn to_proof(m: certificate_proof::Model) -> Proof {
    Proof {
        code_id: m.code_id,
        certificate_id: m.certificate_id,
        period: Period {
            valid_from: m.valid_from,
            valid_until: m.valid_until,
        },
    }
}

/// The code of a certificate's period, if one was made.
pub async fn of_period(
    db: &impl ConnectionTrait,
    certificate_id: i32,
    period: Period,
) -> DbResult<Option<Proof>> {
    Ok(certificate_proof::Entity::find()
        .filter(certificate_proof::Column::CertificateId.eq(certificate_id))
        .filter(certificate_proof::Column::ValidUntil.eq(period.valid_until))
        .one(db)
        .await?
        .map(to_proof))
}

/// The code whose random part is `code_id`.
pub async fn by_code(db: &impl ConnectionTrait, code_id: &str) -> DbResult<Option<Proof>> {
    Ok(certificate_proof::Entity::find()
        .filter(certificate_proof::Column::CodeId.eq(code_id))
        .one(db)
        .await?
        .map(to_proof))
}

/// Stores a new code; a unique-key error when the period has one already (a download at the
/// same moment made it).
pub async fn insert(db: &impl ConnectionTrait, p: &Proof, now: DateTime<Utc>) -> DbResult<()> {
    certificate_proof::ActiveModel {
        code_id: Set(p.code_id.clone()),
        certificate_id: Set(p.certificate_id),
        valid_from: Set(p.period.valid_from),
        valid_until: Set(p.period.valid_until),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
