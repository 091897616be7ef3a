//! Settings, read once from the environment at start-up (documented in `.env.example`).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A value that must never be printed (database URLs carry passwords).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Everything the server is configured with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Address to listen on (`NINTEI_LISTEN`, default `127.0.0.1:3000`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// Folder for the SQLite database and uploaded documents (`NINTEI_DATA_DIR`, default `./data`).
    pub data_dir: PathBuf,
    /// `DATABASE_URL`; by default a SQLite file in the data folder.
    pub database_url: Secret,
    /// The built client (`NINTEI_DIST_DIR`, default `./dist`).
    pub dist_dir: PathBuf,
    /// Mark cookies `Secure` (`NINTEI_SECURE_COOKIES`, default: on when `NINTEI_PUBLIC_URL` is https).
    pub secure_cookies: bool,
    /// Load demo data on first start (`NINTEI_DEMO`, default off; `make run` turns it on).
    pub demo_data: bool,
    /// Login session lifetime in hours (`NINTEI_SESSION_HOURS`, default 12).
    pub session_hours: i64,
    /// Where uploaded documents live (`NINTEI_DOCUMENTS_URL`: `file:///path`, or
    /// `s3://bucket/prefix` with the standard `AWS_*` variables; default the data folder's
    /// `documents`). Several instances share a bucket; a folder serves one machine.
    pub documents: crate::storage::Location,
    /// A JSON file of each prefectural association's fee and handbook details
    /// (`NINTEI_PREFECTURE_OFFICES`: `{"26": {"name": …, "bank_account": …, "counter": …,
    /// "postal_address": …, "phone": …}}`); none by default (the demo brings its own).
    pub prefecture_offices: Option<PathBuf>,
    /// Folders of the Japanese fonts the PDFs embed (`NINTEI_PDF_FONTS`, `:`-separated; by
    /// default Debian's `fonts-ipaexfont` folders).
    pub pdf_fonts: Vec<PathBuf>,
    /// Where Prometheus reads the metrics (`NINTEI_METRICS_LISTEN`, e.g. `127.0.0.1:9464`; none
    /// by default). A separate address, so that the public port never shows them.
    pub metrics_listen: Option<SocketAddr>,
    /// Largest accepted upload in bytes (`NINTEI_UPLOAD_MAX_MB`, default 10 MB).
    pub upload_max_bytes: u64,
    /// SMTP server for notifications (`NINTEI_SMTP_URL`, e.g. `smtps://user:pass@smtp.example.jp`);
    /// without one, mails stay in the outbox that admins read.
    pub smtp_url: Option<Secret>,
    /// Sender of notifications (`NINTEI_MAIL_FROM`).
    pub mail_from: String,
    /// Prefectural staff, JMA staff and admins must sign in with a second factor
    /// (`NINTEI_STAFF_TWO_FACTOR`, default on; `make run`'s demo turns it off so that the demo
    /// accounts work with their printed password alone).
    pub staff_two_factor: bool,
    /// Minutes a login session lasts unused (`NINTEI_IDLE_MINUTES`, default 60), besides its
    /// absolute lifetime.
    pub idle_minutes: i64,
    /// Seconds a client has to send a request's headers (`NINTEI_HEADER_TIMEOUT_SECONDS`,
    /// default 10).
    pub header_timeout_seconds: u64,
    /// Seconds a request may take, body and answer included (`NINTEI_REQUEST_TIMEOUT_SECONDS`,
    /// default 120: a 10 MB upload over a slow phone line).
    pub request_timeout_seconds: u64,
    /// Seconds between rounds of the outbox delivery, besides the round after each change
    /// (`NINTEI_OUTBOX_SECONDS`, default 30).
    pub outbox_seconds: u64,
    /// Run the reminder round on this server every hour (`NINTEI_JOBS`, default on; several
    /// instances may all run it). Off for a server whose jobs run elsewhere, such as a cron
    /// entry calling `nintei jobs run-once`.
    pub run_jobs: bool,
    /// Days after a session its organizer may still post it (`NINTEI_POSTING_DAYS`, default 30
    /// as `rules.md` decides); later additions go through the prefecture.
    pub posting_days: u64,
    /// Registrations accepted from one address in an hour (`NINTEI_REGISTRATIONS_PER_HOUR`,
    /// default 50: a lecture hall shares one address).
    pub registrations_per_hour: u32,
    /// Take the client's address from the last `X-Forwarded-For` entry, as written by a reverse
    /// proxy in front (`NINTEI_TRUST_FORWARDED`, default off: the connection's address).
    pub trust_forwarded: bool,
    /// The address people open the app at, for links in mails (`NINTEI_PUBLIC_URL`, default
    /// `http://` + the listening address).
    pub public_url: String,
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("setting {name}: {problem}")]
pub struct SettingsError {
    name: &'static str,
    problem: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &'static str, default: bool) -> Result<bool, SettingsError> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(SettingsError {
            name,
            problem: format!("`{other}` is not true or false"),
        }),
    }
}

impl Settings {
    /// Reads the settings from the environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        let listen = var("NINTEI_LISTEN")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| SettingsError {
                name: "NINTEI_LISTEN",
                problem: format!("{e} (expected host:port)"),
            })?;
        let data_dir = PathBuf::from(var("NINTEI_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url =
            Secret::new(var("DATABASE_URL").unwrap_or_else(|| sqlite_url(&data_dir)));
        let https = var("NINTEI_PUBLIC_URL").is_some_and(|u| u.starts_with("https://"));
        let session_hours = var("NINTEI_SESSION_HOURS")
            .map(|h| h.parse::<i64>().ok().filter(|h| (1..=720).contains(h)))
            .unwrap_or(Some(12))
            .ok_or(SettingsError {
                name: "NINTEI_SESSION_HOURS",
                problem: "expected hours from 1 to 720".into(),
            })?;
        let upload_mb = var("NINTEI_UPLOAD_MAX_MB")
            .map(|h| h.parse::<u64>().ok().filter(|m| (1..=100).contains(m)))
            .unwrap_or(Some(10))
            .ok_or(SettingsError {
                name: "NINTEI_UPLOAD_MAX_MB",
                problem: "expected megabytes from 1 to 100".into(),
            })?;
        let registrations_per_hour = var("NINTEI_REGISTRATIONS_PER_HOUR")
            .map(|h| h.parse::<u32>().ok().filter(|n| (1..=100_000).contains(n)))
            .unwrap_or(Some(50))
            .ok_or(SettingsError {
                name: "NINTEI_REGISTRATIONS_PER_HOUR",
                problem: "expected a number from 1 to 100000".into(),
            })?;
        let outbox_seconds = var("NINTEI_OUTBOX_SECONDS")
            .map(|h| h.parse::<u64>().ok().filter(|n| (1..=86_400).contains(n)))
            .unwrap_or(Some(30))
            .ok_or(SettingsError {
                name: "NINTEI_OUTBOX_SECONDS",
                problem: "expected seconds from 1 to 86400".into(),
            })?;
        let seconds = |name: &'static str, default: u64| {
            var(name)
                .map(|h| h.parse::<u64>().ok().filter(|n| (1..=3_600).contains(n)))
                .unwrap_or(Some(default))
                .ok_or(SettingsError {
                    name,
                    problem: "expected seconds from 1 to 3600".into(),
                })
        };
        let idle_minutes = var("NINTEI_IDLE_MINUTES")
            .map(|h| h.parse::<i64>().ok().filter(|n| (5..=43_200).contains(n)))
            .unwrap_or(Some(60))
            .ok_or(SettingsError {
                name: "NINTEI_IDLE_MINUTES",
                problem: "expected minutes from 5 to 43200".into(),
            })?;
        let posting_days = var("NINTEI_POSTING_DAYS")
            .map(|h| h.parse::<u64>().ok().filter(|n| (1..=365).contains(n)))
            .unwrap_or(Some(domain::sessions::POSTING_WINDOW_DAYS))
            .ok_or(SettingsError {
                name: "NINTEI_POSTING_DAYS",
                problem: "expected days from 1 to 365".into(),
            })?;
        Ok(Settings {
            posting_days,
            staff_two_factor: flag("NINTEI_STAFF_TWO_FACTOR", true)?,
            run_jobs: flag("NINTEI_JOBS", true)?,
            idle_minutes,
            header_timeout_seconds: seconds("NINTEI_HEADER_TIMEOUT_SECONDS", 10)?,
            request_timeout_seconds: seconds("NINTEI_REQUEST_TIMEOUT_SECONDS", 120)?,
            outbox_seconds,
            registrations_per_hour,
            trust_forwarded: flag("NINTEI_TRUST_FORWARDED", false)?,
            public_url: var("NINTEI_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}")),
            listen,
            documents: match var("NINTEI_DOCUMENTS_URL") {
                Some(url) => {
                    crate::storage::Location::parse(&url).map_err(|problem| SettingsError {
                        name: "NINTEI_DOCUMENTS_URL",
                        problem,
                    })?
                }
                None => crate::storage::Location::Folder(data_dir.join("documents")),
            },
            prefecture_offices: var("NINTEI_PREFECTURE_OFFICES").map(PathBuf::from),
            pdf_fonts: crate::pdf::font_dirs(var("NINTEI_PDF_FONTS").as_deref()),
            metrics_listen: var("NINTEI_METRICS_LISTEN")
                .map(|a| {
                    a.parse().map_err(|e| SettingsError {
                        name: "NINTEI_METRICS_LISTEN",
                        problem: format!("{e} (expected host:port)"),
                    })
                })
                .transpose()?,
            upload_max_bytes: upload_mb * 1024 * 1024,
            smtp_url: var("NINTEI_SMTP_URL").map(Secret::new),
            mail_from: var("NINTEI_MAIL_FROM")
                .unwrap_or_else(|| "Nintei <no-reply@nintei.invalid>".into()),
            database_url,
            dist_dir: PathBuf::from(var("NINTEI_DIST_DIR").unwrap_or_else(|| "./dist".into())),
            secure_cookies: flag("NINTEI_SECURE_COOKIES", https)?,
            demo_data: flag("NINTEI_DEMO", false)?,
            session_hours,
            data_dir,
        })
    }
}

/// The embedded database: a SQLite file in the data folder, created if missing.
pub fn sqlite_url(data_dir: &std::path::Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("nintei.sqlite").display()
    )
}
