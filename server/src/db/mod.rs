//! Database access: queries that take and return domain types. sea-orm models stay in here and
//! in `entities/`; nothing here knows HTTP, who may do what, or the words people read. The
//! services (`services/`) decide; these functions only read and write.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod certificates;
pub mod credits;
pub mod documents;
pub mod doors;
pub mod identity;
pub mod notices;
pub mod outbox;
pub mod plans;
pub mod proofs;
pub mod registry;
pub mod requests;
pub mod scans;
pub mod secrets;
pub mod sessions;
pub mod throttles;
pub mod tokens;

use sea_orm::{DbErr, SqlErr};

/// A database failure, as the services see it.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique key refused the write; the text names the key (column or index).
    #[error("unique key violated: {0}")]
    Unique(String),
    /// A stored value that is no longer valid (a corrupt row).
    #[error("stored data: {0}")]
    Corrupt(String),
    /// Anything else.
    #[error("database: {0}")]
    Other(DbErr),
}

impl From<DbErr> for DbError {
    fn from(err: DbErr) -> DbError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => DbError::Unique(detail),
            _ => DbError::Other(err),
        }
    }
}

impl DbError {
    /// Whether this is a unique-key violation naming `key` (a column or index name).
    pub fn is_unique(&self, key: &str) -> bool {
        matches!(self, DbError::Unique(detail) if detail.contains(key))
    }
}

/// What every query returns.
pub type DbResult<T> = Result<T, DbError>;

/// Starts a transaction: everything written through it lands together or not at all.
pub async fn begin(db: &sea_orm::DatabaseConnection) -> DbResult<sea_orm::DatabaseTransaction> {
    Ok(sea_orm::TransactionTrait::begin(db).await?)
}

/// Commits a transaction.
pub async fn commit(txn: sea_orm::DatabaseTransaction) -> DbResult<()> {
    Ok(txn.commit().await?)
}

/// A stored number that must fit the domain's type.
pub(crate) fn unsigned(what: &str, value: i64) -> DbResult<u32> {
    u32::try_from(value).map_err(|_| DbError::Corrupt(format!("{what} {value} is negative")))
}

/// A stored prefecture code.
pub(crate) fn prefecture(code: i32) -> DbResult<domain::Prefecture> {
    u8::try_from(code)
        .ok()
        .and_then(domain::Prefecture::from_code)
        .ok_or_else(|| DbError::Corrupt(format!("prefecture code {code}")))
}

/// A count or amount as a database integer (saturating: a domain value never comes near).
pub(crate) fn int(value: impl TryInto<i32>) -> i32 {
    value.try_into().unwrap_or(i32::MAX)
}
