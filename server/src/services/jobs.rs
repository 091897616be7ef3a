//! Jobs that no request starts: the reminder round, the maintenance purge and outbox delivery.
//! The server runs them on a schedule; `nintei jobs run-once` runs every one of them now (for
//! operators and tests) and exits. Each is safe on several instances at once: reminders and
//! mails are claimed by the database, and the purge's statements are idempotent.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use domain::RuleSet;
use sea_orm::DatabaseConnection;

use crate::metrics::{Job, Metrics};
use crate::services::{mail, maintenance, reminders, today};
use crate::storage::Documents;

/// How often the server runs the reminder round (a reminder is due for a whole stage, so an
/// hourly round sends each on its day even after a restart; repeats write nothing).
pub const REMINDERS_EVERY: Duration = Duration::from_secs(3_600);

/// What one run of every job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The reminder round.
    pub reminders: reminders::Round,
    /// The purge.
    pub purged: maintenance::Purged,
}

/// Runs every job once, as of `today` for the reminders.
pub async fn run_once(
    db: &DatabaseConnection,
    store: &Documents,
    mailer: &mail::Mailer,
    rules: &RuleSet,
    public_url: &str,
    today: NaiveDate,
) -> Result<Report, String> {
    let reminders = reminders::run(db, rules, public_url, today)
        .await
        .map_err(|e| format!("reminders: {e}"))?;
    let purged = maintenance::purge(db, store, Utc::now())
        .await
        .map_err(|e| format!("purge: {e}"))?;
    mailer
        .deliver_now(db)
        .await
        .map_err(|e| format!("outbox: {e}"))?;
    Ok(Report { reminders, purged })
}

/// Runs the reminder round now and every [`REMINDERS_EVERY`] on this server.
pub fn start_reminders(
    db: DatabaseConnection,
    rules: Arc<RuleSet>,
    public_url: String,
    mailer: mail::Mailer,
    metrics: Arc<Metrics>,
) {
    tokio::spawn(async move {
        loop {
            let round = reminders::run(&db, &rules, &public_url, today()).await;
            metrics.job_ran(Job::Reminders, round.is_ok());
            match round {
                Ok(r) if r.written > 0 => {
                    tracing::info!(written = r.written, mailed = r.mailed, "reminders sent");
                    mailer.deliver_pending(&db);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminder round failed; retrying in an hour"),
            }
            tokio::time::sleep(REMINDERS_EVERY).await;
        }
    });
}
