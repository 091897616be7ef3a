//! The `nintei` command line: serve, evaluate a case file, administer accounts.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use domain::account::Role;
use domain::api::CreateUser;
use domain::{CaseFile, Prefecture, RuleSet, evaluate};

use crate::config::Settings;
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
    /// Account administration.
    Admin {
        /// What to do.
        #[command(subcommand)]
        action: AdminAction,
    },
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
        /// Initial password (at least 10 characters, not a common one).
        #[arg(long)]
        password: String,
        /// Prefecture JIS code (1–47), for prefectural staff.
        #[arg(long)]
        prefecture: Option<u8>,
        /// Organizing body, for organizers.
        #[arg(long)]
        body: Option<String>,
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

/// Runs `nintei admin create-user`.
pub async fn admin(action: AdminAction) -> Result<String, String> {
    let AdminAction::CreateUser {
        role,
        email,
        name,
        password,
        prefecture,
        body,
    } = action;
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
    match crate::services::accounts::create_user(&db, &req).await {
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
