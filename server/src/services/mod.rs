//! The use cases. Each function is one thing a person does: it checks who may do it (with the
//! pure policies of `domain::policy`), runs its transaction, writes the audit row and the mail,
//! and returns a typed error of its feature that `error.rs` maps to HTTP in one place.
//!
//! The request path: `routes/` (extract, call one service, map the result) → `services/` →
//! `db/` (queries in and out of domain types) and `domain` (rules and policies).

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod backup;
pub mod checkin;
pub mod credentials;
pub mod documents;
pub mod doors;
pub mod handbook;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod mypage;
pub mod notices;
pub mod plans;
pub mod proofs;
pub mod registry;
pub mod reminders;
pub mod sessions;

use std::sync::Arc;

use domain::RuleSet;
use sea_orm::DatabaseConnection;

use crate::config::Settings;

/// What every use case can reach: the database, settings, rules, keys, stores and mailer.
#[derive(Clone)]
pub struct AppState {
    /// The database pool: every write, and every read that decides a write.
    pub db: DatabaseConnection,
    /// For requests that only read (My Page, history, queues, searches, who is signed in): on
    /// SQLite connections beside the one writer, on PostgreSQL the same pool
    /// ([`crate::startup::connect_reader`]).
    pub read: DatabaseConnection,
    /// The settings.
    pub settings: Arc<Settings>,
    /// The rule set in force.
    pub rules: Arc<RuleSet>,
    /// Signs personal check-in QR codes.
    pub qr_key: Arc<domain::qr::SigningKey>,
    /// Signs the verification codes printed on certificates.
    pub proof_key: Arc<[u8; 32]>,
    /// Uploaded documents.
    pub documents: crate::storage::Documents,
    /// Delivers the outbox.
    pub mailer: mail::Mailer,
    /// Each prefectural association's fee and handbook details, by JIS code.
    pub offices: Arc<Offices>,
}

/// Prefectural associations' details, by JIS code.
pub type Offices = std::collections::BTreeMap<u8, domain::application::PrefectureOffice>;

/// Reads the offices file: every key a JIS code, every office named.
pub fn read_offices(path: &std::path::Path) -> Result<Offices, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "NINTEI_PREFECTURE_OFFICES {}: cannot read: {e}",
            path.display()
        )
    })?;
    let raw: std::collections::BTreeMap<String, domain::application::PrefectureOffice> =
        serde_json::from_str(&text)
            .map_err(|e| format!("NINTEI_PREFECTURE_OFFICES {}: {e}", path.display()))?;
    raw.into_iter()
        .map(|(code, office)| {
            let jis = code
                .parse::<u8>()
                .ok()
                .filter(|c| domain::Prefecture::from_code(*c).is_some())
                .ok_or_else(|| {
                    format!(
                        "NINTEI_PREFECTURE_OFFICES {}: `{code}` is not a prefecture's JIS code (1–47)",
                        path.display()
                    )
                })?;
            if office.name.trim().is_empty() {
                return Err(format!(
                    "NINTEI_PREFECTURE_OFFICES {}: prefecture {code} has no name",
                    path.display()
                ));
            }
            Ok((jis, office))
        })
        .collect()
}

/// Today in Japan.
pub fn today() -> chrono::NaiveDate {
    domain::dates::today_jst(chrono::Utc::now())
}
