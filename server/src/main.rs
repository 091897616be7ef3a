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
        Command::Serve => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
                )
                .init();
            report(serve().await.map(|()| String::new()))
        }
    }
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
    println!("Nintei is serving at {url}");
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
