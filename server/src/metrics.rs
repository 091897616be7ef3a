//! Prometheus metrics, served at `NINTEI_METRICS_LISTEN` (`GET /metrics`), an address of its own
//! so that the public port never shows them: requests and their latencies by route (the route's
//! pattern, never its values), the outbox backlog (read from the database at each scrape, so
//! every instance reports the same shared figure) and the background job runs of this instance.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::DatabaseConnection;

/// A request's labels: method, route pattern (`/api/documents/{id}`) and status code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// A latency's labels: method and route pattern.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// A background job run's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
    outcome: &'static str,
}

/// The background jobs each instance runs.
#[derive(Clone, Copy, Debug)]
pub enum Job {
    /// A delivery round of the outbox.
    Outbox,
    /// The hourly purge.
    Maintenance,
    /// The reminder round.
    Reminders,
}

/// This instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    jobs: Family<JobLabels, Counter>,
    outbox_backlog: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 4 s.
    Histogram::new(exponential_buckets(0.000_5, 2.0, 14))
}

impl Metrics {
    /// Empty metrics, registered under `nintei_`.
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("nintei");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "API requests answered, by method, route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an API request, by method and route",
            latency.clone(),
        );
        let jobs = Family::<JobLabels, Counter>::default();
        registry.register(
            "job_runs",
            "Background job runs of this instance, by job and outcome",
            jobs.clone(),
        );
        let outbox_backlog = Gauge::default();
        registry.register(
            "outbox_backlog",
            "Mails waiting in the outbox with attempts left (all instances)",
            outbox_backlog.clone(),
        );
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            jobs,
            outbox_backlog,
        })
    }

    /// Counts one run of `job`.
    pub fn job_ran(&self, job: Job, ok: bool) {
        let job = match job {
            Job::Outbox => "outbox",
            Job::Maintenance => "maintenance",
            Job::Reminders => "reminders",
        };
        let outcome = if ok { "ok" } else { "failed" };
        self.jobs.get_or_create(&JobLabels { job, outcome }).inc();
    }

    /// The text exposition format, the backlog read from `db` now.
    pub async fn render(&self, db: &DatabaseConnection) -> String {
        match crate::db::outbox::backlog(db, crate::services::mail::MAX_ATTEMPTS).await {
            Ok(n) => {
                self.outbox_backlog
                    .set(i64::try_from(n).unwrap_or(i64::MAX));
            }
            Err(e) => tracing::warn!(error = %e, "metrics: the outbox backlog could not be read"),
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "metrics could not be written");
        }
        out
    }
}

/// Middleware (a route layer of the API): counts and times each request by its route pattern.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(seconds);
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The metrics listener's router: `GET /metrics`.
pub fn router(metrics: Arc<Metrics>, db: DatabaseConnection) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let (metrics, db) = (metrics.clone(), db.clone());
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    metrics.render(&db).await,
                )
                    .into_response()
            }
        }),
    )
}
