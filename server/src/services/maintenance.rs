//! What no request cleans up: expired login sessions, idle throttles, expired mail tokens, and
//! documents uploaded for a form that was never sent. One round an hour on every server (each
//! statement is idempotent, so several instances may run it at once).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::db::{DbError, accounts, documents, throttles, tokens};
use crate::metrics::{Job, Metrics};
use crate::storage::Documents;

/// How long an unattached upload is kept (a form left open over a weekend still finds it).
pub const ABANDONED_AFTER_DAYS: i64 = 7;
/// How long an idle throttle key is kept.
const THROTTLE_IDLE_MS: i64 = 24 * 3_600_000;
/// How often the purge runs.
const EVERY: Duration = Duration::from_secs(3_600);

/// What a purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Expired login sessions.
    pub sessions: u64,
    /// Idle throttle keys.
    pub throttles: u64,
    /// Expired mail tokens.
    pub tokens: u64,
    /// Abandoned documents (row and bytes).
    pub documents: u64,
}

/// One purge as of `now`.
pub async fn purge(
    db: &DatabaseConnection,
    store: &Documents,
    now: DateTime<Utc>,
) -> Result<Purged, DbError> {
    let sessions = accounts::delete_expired_sessions(db, now).await?;
    let throttles = throttles::purge(db, now.timestamp_millis(), THROTTLE_IDLE_MS).await?;
    let tokens = tokens::purge(db, now - chrono::Duration::days(1)).await?;
    let old = documents::abandoned(db, now - chrono::Duration::days(ABANDONED_AFTER_DAYS)).await?;
    // The rows go first: a failure between the two leaves bytes nobody points at, never a row
    // whose bytes are gone.
    let documents = documents::delete(db, old.iter().map(|d| d.id).collect()).await?;
    for d in &old {
        store.delete(&d.storage_key).await;
    }
    Ok(Purged {
        sessions,
        throttles,
        tokens,
        documents,
    })
}

/// Runs the purge now and every hour.
pub fn start(db: DatabaseConnection, store: Documents, metrics: Arc<Metrics>) {
    tokio::spawn(async move {
        loop {
            let round = purge(&db, &store, Utc::now()).await;
            metrics.job_ran(Job::Maintenance, round.is_ok());
            match round {
                Ok(p) if p != Purged::default() => tracing::info!(?p, "purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purge failed; retrying in an hour"),
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
