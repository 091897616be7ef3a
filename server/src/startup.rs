//! Building the application: database, migrations, demo data, router and listener.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use domain::RuleSet;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::db::{DbError, secrets};
use crate::{routes, seed, web};

pub use crate::services::AppState;

/// Shown each statement the server runs.
pub type QueryObserver = Box<dyn Fn(&sea_orm::Statement) + Send + Sync>;

/// A built, bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    /// The metrics' own listener and router, when `NINTEI_METRICS_LISTEN` is set.
    metrics: Option<(TcpListener, Router)>,
    /// The database, for tests and the command line.
    pub db: DatabaseConnection,
}

/// Connects to the database and brings its schema up to date.
pub async fn connect(settings: &Settings) -> StartupResult<DatabaseConnection> {
    let url = settings.database_url.expose();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            format!(
                "cannot create the data folder {}: {e}",
                settings.data_dir.display()
            )
        })?;
    }
    // SQLite has one writer at a time; a deferred transaction that tries to write while another
    // connection writes fails at once with SQLITE_BUSY (no busy wait can help it). With one
    // connection, writes queue in the pool instead (found by scripts/load_checkin.py).
    // PostgreSQL takes many.
    let sqlite = url.starts_with("sqlite:");
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(if sqlite { 1 } else { 16 })
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(sqlite_connection);
    let db = Database::connect(options)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers work while a check-in is written (the file keeps the mode; the
        // other settings are each connection's, see `sqlite_connection`).
        let pragma = "PRAGMA journal_mode=WAL";
        db.execute_unprepared(pragma)
            .await
            .map_err(|e| format!("{pragma}: {e}"))?;
    }
    Migrator::up(&db, None)
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;
    Ok(db)
}

/// Connections that requests which only read use beside `db` (after [`connect`] migrated it):
/// on SQLite a pool of its own, whose connections read while the one writer writes (WAL), so a
/// long posting never makes My Page wait; on PostgreSQL the same pool, which takes many.
pub async fn connect_reader(
    settings: &Settings,
    db: &DatabaseConnection,
) -> StartupResult<DatabaseConnection> {
    let url = settings.database_url.expose();
    // An in-memory database is one connection's own.
    if db.get_database_backend() != DbBackend::Sqlite || url.contains(":memory:") {
        return Ok(db.clone());
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(READERS)
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(sqlite_connection);
    let read = Database::connect(options)
        .await
        .map_err(|e| format!("cannot open the database for reading: {e}"))?;
    Ok(read)
}

/// Every SQLite connection, whenever the pool opens one: foreign keys on (off by default), a
/// busy wait, and a page cache of 32 MiB instead of 2 MiB, so that the indexes of a
/// national-size ledger stay in memory (posting 1,000 attendees writes into seven of them).
fn sqlite_connection(
    o: sea_orm::sqlx::sqlite::SqliteConnectOptions,
) -> sea_orm::sqlx::sqlite::SqliteConnectOptions {
    o.foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("cache_size", "-32768")
}

/// SQLite connections that read at once (two per core of these machines).
const READERS: u32 = 4;

/// Start-up fails with a message for the person running the server.
pub type StartupResult<T> = Result<T, String>;

impl Application {
    /// Connects, migrates, seeds demo data on a fresh database (if enabled), binds the port.
    pub async fn build(settings: Settings) -> StartupResult<Application> {
        Self::build_observed(settings, None).await
    }

    /// As [`Application::build`], with every statement the server runs shown to `observer`
    /// (the tests of query plans read them).
    pub async fn build_observed(
        settings: Settings,
        observer: Option<QueryObserver>,
    ) -> StartupResult<Application> {
        let mut db = connect(&settings).await?;
        let mut read = connect_reader(&settings, &db).await?;
        if let Some(observer) = observer {
            let observer = Arc::new(observer);
            let seen = Arc::clone(&observer);
            db.set_metric_callback(move |info| seen(info.statement));
            if db.get_database_backend() == DbBackend::Sqlite {
                read.set_metric_callback(move |info| observer(info.statement));
            } else {
                read = db.clone();
            }
        }
        let documents = crate::storage::Documents::open(&settings.documents)?;
        if let Err(e) = documents.check().await {
            // Not fatal: the store may come back; readiness says 503 until it does.
            tracing::warn!(error = %e, "the document store does not answer");
        }
        if settings.demo_data {
            seed::demo_if_empty(&db, &documents)
                .await
                .map_err(|e| format!("demo data: {e}"))?;
        }
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
        let client = web::client(&settings.dist_dir);
        let csp = HeaderValue::from_str(&client.csp).map_err(|e| format!("CSP header: {e}"))?;
        let qr_key = qr_signing_key(&db)
            .await
            .map_err(|e| format!("QR signing key: {e}"))?;
        let proof_key = proof_key(&db)
            .await
            .map_err(|e| format!("verification code key: {e}"))?;
        if let Err(e) = crate::pdf::prepare(&settings.pdf_fonts) {
            // Not fatal: everything but the PDFs works; the log says what to install.
            tracing::warn!(error = %e, "PDFs cannot be made");
        }
        let mailer = crate::services::mail::Mailer::from_settings(&settings)?;
        let metrics = crate::metrics::Metrics::new();
        mailer.start(
            &db,
            Duration::from_secs(settings.outbox_seconds),
            metrics.clone(),
        );
        crate::services::maintenance::start(db.clone(), documents.clone(), metrics.clone());
        let rules = Arc::new(RuleSet::current());
        if settings.run_jobs {
            crate::services::jobs::start_reminders(
                db.clone(),
                rules.clone(),
                settings.public_url.clone(),
                mailer.clone(),
                metrics.clone(),
            );
        }
        let metrics_listener = match settings.metrics_listen {
            Some(address) => Some((
                TcpListener::bind(address)
                    .await
                    .map_err(|e| format!("cannot listen for metrics on {address}: {e}"))?,
                crate::metrics::router(metrics.clone(), db.clone()),
            )),
            None => None,
        };
        let offices = match &settings.prefecture_offices {
            Some(path) => crate::services::read_offices(path)?,
            None if settings.demo_data => seed::demo_offices(),
            None => crate::services::Offices::new(),
        };
        let state = AppState {
            offices: Arc::new(offices),
            documents,
            mailer,
            db: db.clone(),
            read,
            settings: Arc::new(settings),
            rules,
            qr_key: Arc::new(qr_key),
            proof_key: Arc::new(proof_key),
        };
        let header_timeout = Duration::from_secs(state.settings.header_timeout_seconds);
        let request_timeout = Duration::from_secs(state.settings.request_timeout_seconds);
        // HTTPS only from the first visit on, once served over it.
        let hsts = state.settings.secure_cookies.then(|| {
            SetResponseHeaderLayer::overriding(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            )
        });
        let mut api = routes::api().with_state(state);
        // Requests are counted and timed only when something reads the figures.
        if metrics_listener.is_some() {
            api = api.route_layer(axum::middleware::from_fn_with_state(
                metrics,
                crate::metrics::track,
            ));
        }
        let api = api
            .layer(axum::middleware::from_fn(
                routes::guard::no_cross_site_writes,
            ))
            // Answers about people are never kept by a browser or a proxy.
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ));
        let router = Router::new()
            .nest("/api", api)
            .merge(client.router)
            .layer(tower::util::option_layer(hsts))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                csp,
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"),
            ))
            .layer(CompressionLayer::new())
            // A request (its body included) has this long; a slow sender is cut off with 408.
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                request_timeout,
            ))
            .layer(TraceLayer::new_for_http());
        Ok(Application {
            listener,
            router,
            header_timeout,
            metrics: metrics_listener,
            db,
        })
    }

    /// Whether the database has no account yet (a first start without demo data).
    pub async fn is_empty(&self) -> Result<bool, String> {
        crate::services::accounts::count_users(&self.db)
            .await
            .map(|n| n == 0)
            .map_err(|e| format!("database: {e}"))
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The metrics' port, when they have a listener.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics
            .as_ref()
            .and_then(|(l, _)| l.local_addr().ok())
            .map(|a| a.port())
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight (for at most
    /// [`SHUTDOWN_GRACE`]). A client gets [`HEADER_TIMEOUT`] to send a request's headers (a slow
    /// one cannot hold a connection open), and each request's extensions carry the connection's
    /// address as axum's `ConnectInfo`.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
        use hyper_util::server::conn::auto::Builder;
        use hyper_util::service::TowerToHyperService;
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout);
        builder.http2().timer(TokioTimer::new());
        if let Some((listener, router)) = self.metrics {
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::warn!(error = %e, "the metrics listener stopped");
                }
            });
        }
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let mut stop = std::pin::pin!(shutdown_signal());
        loop {
            let (stream, address) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(connection) => connection,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut stop => break,
            };
            let service = tower::ServiceExt::map_request(
                self.router.clone(),
                move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(address));
                    req
                },
            );
            let connection = builder
                .serve_connection_with_upgrades(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service),
                )
                .into_owned();
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                // A client that goes away or times out ends only its own connection.
                let _ = connection.await;
            });
        }
        if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("requests still running at shutdown were cut off");
        }
        Ok(())
    }
}

/// How long requests in flight may finish after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

const QR_KEY: &str = "qr_signing_key";
const PROOF_KEY: &str = "proof_mac_key";

/// The Ed25519 key that signs personal QR codes: made on first start and kept in the database,
/// so that every instance signs with the same key.
pub async fn qr_signing_key(db: &DatabaseConnection) -> Result<domain::qr::SigningKey, DbError> {
    Ok(domain::qr::SigningKey::from_bytes(
        &server_key(db, QR_KEY).await?,
    ))
}

/// The key that signs the verification codes printed on certificates (HMAC-SHA-256).
pub async fn proof_key(db: &DatabaseConnection) -> Result<[u8; 32], DbError> {
    server_key(db, PROOF_KEY).await
}

/// A 32-byte secret named `name`: made at random on first start and kept in the database, so
/// that every instance uses the same one.
async fn server_key(db: &DatabaseConnection, name: &str) -> Result<[u8; 32], DbError> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use rand::RngCore;
    let decode = |text: &str| {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| DbError::Corrupt(format!("stored {name} is not 32 bytes")))
    };
    if let Some(text) = secrets::get(db, name).await? {
        return decode(&text);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    match secrets::insert(db, name, URL_SAFE_NO_PAD.encode(bytes)).await {
        Ok(()) => Ok(bytes),
        // Another instance made it first: use theirs.
        Err(DbError::Unique(_)) => match secrets::get(db, name).await? {
            Some(text) => decode(&text),
            None => Err(DbError::Corrupt(format!("{name} vanished"))),
        },
        Err(e) => Err(e),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
