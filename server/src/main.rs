//! `nintei`: read settings, build the application, run it (or a one-off command).

use std::process::ExitCode;

use clap::Parser;
use server::cli::{self, Cli, Command};
use server::config::Settings;
use server::seed;
use server::startup::Application;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Evaluate { case } => report(cli::evaluate_file(&case)),
        Command::Admin { action } => report(cli::admin(action).await),
        Command::Jobs { action } => report(cli::jobs(action).await),
        Command::Serve => match init_logging() {
            Ok(()) => report(serve().await.map(|()| String::new())),
            Err(message) => report(Err(message)),
        },
    }
}

/// Logs to standard output, as text or, with `NINTEI_LOG_FORMAT=json`, one JSON object per line
/// (for a log collector); `RUST_LOG` chooses what is logged.
fn init_logging() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let format = std::env::var("NINTEI_LOG_FORMAT").unwrap_or_default();
    match format.trim().to_ascii_lowercase().as_str() {
        "json" => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_env_filter(filter)
            .init(),
        "" | "text" => tracing_subscriber::fmt().with_env_filter(filter).init(),
        other => {
            return Err(format!(
                "setting NINTEI_LOG_FORMAT: `{other}` is neither text nor json"
            ));
        }
    }
    Ok(())
}

fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let demo = settings.demo_data;
    let app = Application::build(settings.clone()).await?;
    let url = format!("http://{}:{}/", settings.listen.ip(), app.port());
    let metrics = app.metrics_port().map(|port| {
        let ip = settings.metrics_listen.map(|a| a.ip().to_string());
        format!("http://{}:{port}/metrics", ip.unwrap_or_default())
    });
    // A log collector reads the addresses from the log; a person from the console.
    tracing::info!(%url, metrics = metrics.as_deref().unwrap_or("off"), "serving");
    if std::env::var("NINTEI_LOG_FORMAT").is_ok_and(|f| f.trim().eq_ignore_ascii_case("json")) {
        return app
            .run_until_stopped()
            .await
            .map_err(|e| format!("server stopped: {e}"));
    }
    println!("Nintei is serving at {url}");
    if let Some(metrics) = &metrics {
        println!("Metrics at {metrics}");
    }
    if demo {
        println!("Demo logins (password: {}):", seed::DEMO_PASSWORD);
        for (role, email) in seed::DEMO_LOGINS {
            println!("  {role:<28} {email}");
        }
    } else if app.is_empty().await? {
        println!(
            "No accounts yet. Create the first admin (the password is read from standard input):\n  \
             nintei admin create-user --role admin --email you@example.jp --name \"Your Name\""
        );
    }
    app.run_until_stopped()
        .await
        .map_err(|e| format!("server stopped: {e}"))
}
