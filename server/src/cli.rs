//! The `nintei` command line: serve, evaluate a case file, administer accounts, import JMA's
//! registry.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use domain::account::Role;
use domain::api::CreateUser;
use domain::{CaseFile, Prefecture, RuleSet, evaluate};

use crate::config::Settings;
use crate::seed::scale::Scale;
use crate::services::accounts::AccountError;
use crate::startup;

/// The language of the messages printed for the operator (the command line speaks English,
/// like its help and the server log).
const OPERATOR_LANG: domain::Lang = domain::Lang::En;

/// Nintei (認定): JMA certifications without paper.
#[derive(Debug, Parser)]
#[command(name = "nintei", version)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app and the API (settings from the environment).
    Serve,
    /// Print the eligibility decision for a case file (format: shared/spec/eligibility-cases.md).
    Evaluate {
        /// The case file.
        case: PathBuf,
    },
    /// Jobs that no request starts (reminders, purge, outbox).
    Jobs {
        /// What to do.
        #[command(subcommand)]
        action: JobsAction,
    },
    /// Account administration.
    Admin {
        /// What to do.
        #[command(subcommand)]
        action: AdminAction,
    },
}

/// `nintei jobs ...`
#[derive(Debug, Subcommand)]
pub enum JobsAction {
    /// Run every due job now (the reminder round as of today in Japan, the purge, outbox
    /// delivery when SMTP is set), with the same settings as `serve`, and exit.
    RunOnce,
}

/// Runs `nintei jobs ...`.
pub async fn jobs(action: JobsAction) -> Result<String, String> {
    match action {
        JobsAction::RunOnce => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let db = startup::connect(&settings).await?;
            let store = crate::storage::Documents::open(&settings.documents)?;
            let mailer = crate::services::mail::Mailer::from_settings(&settings)?;
            let report = crate::services::jobs::run_once(
                &db,
                &store,
                &mailer,
                &RuleSet::current(),
                &settings.public_url,
                crate::services::today(),
            )
            .await?;
            Ok(format!(
                "reminders: {} written, {} mailed; purged: {} sessions, {} throttles, {} tokens, {} documents",
                report.reminders.written,
                report.reminders.mailed,
                report.purged.sessions,
                report.purged.throttles,
                report.purged.tokens,
                report.purged.documents
            ))
        }
    }
}

/// `nintei admin ...`
#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create a staff, organizer or admin account.
    CreateUser {
        /// organizer, prefectural_staff, jma_staff or admin.
        #[arg(long)]
        role: String,
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Name shown in the app.
        #[arg(long)]
        name: String,
        /// A file holding the initial password (at least 10 characters, not a common one);
        /// without it the password is read from standard input. Never on the command line,
        /// where the shell history and the process list would keep it.
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// Prefecture JIS code (1–47), for prefectural staff.
        #[arg(long)]
        prefecture: Option<u8>,
        /// Organizing body, for organizers.
        #[arg(long)]
        body: Option<String>,
    },
    /// Import JMA's registry of certified physicians from its CSV export (UTF-8, header line).
    ImportRegistry {
        /// The CSV file.
        file: PathBuf,
        /// Only check the file and say what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Back up into a new folder: on SQLite the database as `nintei.sqlite` (an online,
    /// consistent copy: the server may keep serving), and every document under `documents/`.
    /// On PostgreSQL back the database up with `pg_dump` (docs/operations.md).
    Backup {
        /// The new (or empty) backup folder.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put the documents of a backup (its `documents/` folder) into the configured store.
    RestoreDocuments {
        /// The backup's `documents/` folder.
        #[arg(long)]
        from: PathBuf,
    },
    /// Print, as JSON, what a restore must reproduce: each table's rows and digest, and whether
    /// each document's bytes are in the store with the SHA-256 recorded at upload. Exits
    /// with an error when a document is missing or changed.
    Fingerprint,
    /// Add national-scale data for benchmarks (`make bench-scale`): physicians with registry
    /// entries, certificates, about `--ledger-rows` ledger rows each, applications and sessions.
    /// Every account's password is the demo one. Only into a database without scale data.
    SeedScale {
        /// Physicians to add (the country has about 340,000).
        #[arg(long, default_value_t = 340_000)]
        physicians: u32,
        /// Ledger rows per physician, on average.
        #[arg(long, default_value_t = 20)]
        ledger_rows: u32,
    },
}

/// Evaluates a case file: the decision as JSON, or a message naming the file and field.
pub fn evaluate_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let case = CaseFile::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let decision = evaluate(&RuleSet::current(), &case.into_input());
    serde_json::to_string_pretty(&decision).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `nintei admin ...`.
pub async fn admin(action: AdminAction) -> Result<String, String> {
    match action {
        AdminAction::CreateUser {
            role,
            email,
            name,
            password_file,
            prefecture,
            body,
        } => {
            let password = read_password(password_file.as_deref())?;
            create_user(role, email, name, password, prefecture, body).await
        }
        AdminAction::ImportRegistry { file, dry_run } => import_registry(&file, dry_run).await,
        AdminAction::Backup { to } => {
            let (db, store) = open_all().await?;
            let report = crate::services::backup::backup(&db, &store, &to).await?;
            Ok(format!(
                "backed up to {}: database {}, {} documents ({} bytes)",
                to.display(),
                report
                    .database
                    .as_deref()
                    .unwrap_or("not copied (PostgreSQL: use pg_dump)"),
                report.documents,
                report.document_bytes
            ))
        }
        AdminAction::RestoreDocuments { from } => {
            let (_, store) = open_all().await?;
            let n = crate::services::backup::restore_documents(&store, &from).await?;
            Ok(format!("{n} documents put into the store"))
        }
        AdminAction::Fingerprint => {
            let (db, store) = open_all().await?;
            let print = crate::services::backup::fingerprint(&db, &store).await?;
            let json = serde_json::to_string_pretty(&print).map_err(|e| e.to_string())?;
            if print.documents_intact() {
                Ok(json)
            } else {
                Err(format!("documents are missing or changed:\n{json}"))
            }
        }
        AdminAction::SeedScale {
            physicians,
            ledger_rows,
        } => {
            seed_scale(Scale {
                physicians,
                ledger_rows,
            })
            .await
        }
    }
}

/// Runs `nintei admin import-registry`: a summary, or every problem with its line.
async fn import_registry(file: &Path, dry_run: bool) -> Result<String, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "{}: {}",
            file.display(),
            domain::i18n::t(OPERATOR_LANG, "import.not_utf8")
        )
    })?;
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let db = startup::connect(&settings).await?;
    let started = std::time::Instant::now();
    let report = crate::services::registry::import(&db, &text, dry_run, None)
        .await
        .map_err(|e| e.to_string())?;
    if !report.problems.is_empty() {
        let mut lines: Vec<String> = report
            .problems
            .iter()
            .map(|p| {
                let text = p.message.render(OPERATOR_LANG);
                // Most messages name their line already.
                if p.message.args.contains_key("line") {
                    text
                } else {
                    format!("line {}: {text}", p.line)
                }
            })
            .collect();
        lines.push(format!(
            "{} problem(s); nothing was written",
            report.problems.len()
        ));
        return Err(lines.join("\n"));
    }
    let mut out: Vec<String> = report
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                c.certificate_number,
                c.message.render(OPERATOR_LANG)
            )
        })
        .collect();
    out.push(format!(
        "{}{} lines, {} certificates: {} new, {} updated, {} unchanged; {} My Pages updated ({:.1} s)",
        if dry_run { "dry run (nothing written): " } else { "" },
        report.lines,
        report.certificates,
        report.created,
        report.updated,
        report.unchanged,
        report.my_pages_updated,
        started.elapsed().as_secs_f64()
    ));
    Ok(out.join("\n"))
}

/// The database (migrated) and the document store the settings name.
async fn open_all() -> Result<(sea_orm::DatabaseConnection, crate::storage::Documents), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let db = startup::connect(&settings).await?;
    let store = crate::storage::Documents::open(&settings.documents)?;
    Ok((db, store))
}

/// Runs `nintei admin seed-scale`: what was written and how long it took.
async fn seed_scale(scale: Scale) -> Result<String, String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let db = startup::connect(&settings).await?;
    let documents = crate::storage::Documents::open(&settings.documents)?;
    let started = std::time::Instant::now();
    let w = crate::seed::scale::seed(&db, &documents, scale)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "{} physicians, {} certificates, {} ledger rows, {} applications, {} sessions ({:.1} s)",
        w.physicians,
        w.certificates,
        w.credits,
        w.applications,
        w.sessions,
        started.elapsed().as_secs_f64()
    ))
}

/// The password from `file`, or the first line of standard input.
fn read_password(file: Option<&Path>) -> Result<String, String> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            line
        }
    };
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

async fn create_user(
    role: String,
    email: String,
    name: String,
    password: String,
    prefecture: Option<u8>,
    body: Option<String>,
) -> Result<String, String> {
    let role = Role::from_code(&role).ok_or_else(|| {
        format!("unknown role `{role}`: use organizer, prefectural_staff, jma_staff or admin")
    })?;
    let prefecture = match prefecture {
        Some(code) => {
            Some(Prefecture::from_code(code).ok_or("prefecture must be a JIS code from 1 to 47")?)
        }
        None => None,
    };
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let db = startup::connect(&settings).await?;
    let req = CreateUser {
        role,
        email,
        display_name: name,
        password,
        prefecture,
        organizer_body: body,
    };
    match crate::services::accounts::create_user(&db, &req, false).await {
        Ok(user) => Ok(format!(
            "created {} account {} (id {})",
            user.role.code(),
            user.email,
            user.id
        )),
        Err(AccountError::Invalid(fields) | AccountError::Taken(fields)) => Err(fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message.render(OPERATOR_LANG)))
            .collect::<Vec<_>>()
            .join("\n")),
        Err(e) => Err(e.to_string()),
    }
}
