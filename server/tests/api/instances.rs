//! Two `nintei serve` processes on one PostgreSQL database and one S3 bucket, as behind a load
//! balancer: a document uploaded through one is downloaded through the other, scans sent
//! alternately to both post one credit per attendee, a login made on one works on the other,
//! and the outbox is delivered exactly once by the two delivery loops (claimed rows), and
//! reminder rounds run on two machines at once write and send each reminder once. Runs when
//! `TEST_DATABASE_URL` is PostgreSQL and `TEST_DOCUMENTS_URL` an `s3://` bucket (`make
//! api-postgres` starts moto's S3 server for it); skipped otherwise.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::account::Role;
use domain::api::{PostRequest, ScanRequest};
use domain::application::DocumentKind;
use domain::sessions::ScanKind;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::storage::Location;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use crate::client::Api;
use crate::helpers::{LICENCE_PDF, TestApp, session_form, smtp_sink, uid};

/// Whether this run has a shared database and a shared bucket.
fn shared_backends() -> bool {
    let pg = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"));
    let s3 = std::env::var("TEST_DOCUMENTS_URL").is_ok_and(|u| u.starts_with("s3://"));
    if !(pg && s3) {
        eprintln!(
            "SKIPPED: two instances need TEST_DATABASE_URL=postgres://… and \
             TEST_DOCUMENTS_URL=s3://… (make api-postgres sets both)"
        );
    }
    pg && s3
}

/// The recipients the mail server received, one per message delivered (lettre sends one
/// `RCPT TO` per message here: each outbox row has one address).
async fn recipients(transcript: &tokio::sync::Mutex<String>) -> Vec<String> {
    transcript
        .lock()
        .await
        .lines()
        .filter_map(|l| l.strip_prefix("RCPT TO:<"))
        .filter_map(|l| l.split_once('>').map(|(a, _)| a.to_owned()))
        .collect()
}

/// One `nintei serve` process.
struct Instance {
    child: Child,
    address: String,
    metrics: String,
    /// Everything it wrote to standard output.
    log: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

impl Instance {
    /// Starts `nintei serve` on `app`'s database and document store, sending mail to `smtp`,
    /// logging JSON or text, and waits until it listens.
    async fn start(app: &TestApp, smtp: u16, json_logs: bool) -> Instance {
        let Location::Bucket { bucket, prefix } = &app.documents else {
            panic!("two instances share a bucket");
        };
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_nintei"))
            .arg("serve")
            .env("DATABASE_URL", &app.database_url)
            .env("NINTEI_DATA_DIR", data.path())
            .env("NINTEI_DIST_DIR", data.path().join("no-dist"))
            .env("NINTEI_DOCUMENTS_URL", format!("s3://{bucket}/{prefix}"))
            .env("NINTEI_LISTEN", "127.0.0.1:0")
            .env("NINTEI_METRICS_LISTEN", "127.0.0.1:0")
            .env("NINTEI_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
            .env("NINTEI_OUTBOX_SECONDS", "1")
            .env("NINTEI_DEMO", "false")
            .env("NINTEI_STAFF_TWO_FACTOR", "false")
            .env("NINTEI_LOG_FORMAT", if json_logs { "json" } else { "text" })
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("nintei starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (mut address, mut metrics) = (None, None);
        let started = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                log.lock().unwrap().push(line.clone());
                if json_logs {
                    let event: serde_json::Value =
                        serde_json::from_str(&line).expect("a JSON log line");
                    if event["message"] == "serving" {
                        address = event["url"].as_str().map(str::to_owned);
                        metrics = event["metrics"].as_str().map(str::to_owned);
                    }
                } else if let Some(url) = line.strip_prefix("Nintei is serving at ") {
                    address = Some(url.to_owned());
                } else if let Some(url) = line.strip_prefix("Metrics at ") {
                    metrics = Some(url.to_owned());
                }
                if address.is_some() && metrics.is_some() {
                    return;
                }
            }
        })
        .await;
        assert!(
            started.is_ok(),
            "nintei did not start: {:?}",
            log.lock().unwrap()
        );
        let kept = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().unwrap().push(line);
            }
        });
        Instance {
            child,
            address: address.unwrap().trim_end_matches('/').to_owned(),
            metrics: metrics.unwrap(),
            log,
            _data: data,
        }
    }

    async fn scrape(&self) -> String {
        reqwest::get(&self.metrics)
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// Sends SIGTERM (the signal an orchestrator stops a container with).
fn terminate(child: &Child) {
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn two_instances_share_documents_logins_scans_and_mail_exactly_once() {
    if !shared_backends() {
        return;
    }
    let app = TestApp::spawn().await;
    let physician = app.physician_api("310001", "p1@example.jp").await;
    let attendees = ["310002", "310003", "310004"];
    for (i, registry) in attendees.iter().enumerate() {
        app.physician_api(registry, &format!("a{i}@example.jp"))
            .await;
    }
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    // Mail waiting when the instances start, as after a restart: both loops race for it.
    for i in 0..40 {
        server::db::outbox::queue(&app.db, &format!("m{i}@example.jp"), "件名", "本文")
            .await
            .unwrap();
    }
    let (smtp, transcript) = smtp_sink().await;
    let (a, b) = tokio::join!(
        Instance::start(&app, smtp, true),
        Instance::start(&app, smtp, false)
    );

    // Both are ready: database and bucket answer.
    for instance in [&a, &b] {
        let ready = reqwest::get(format!("{}/api/health/ready", instance.address))
            .await
            .unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        let body: serde_json::Value = ready.json().await.unwrap();
        assert_eq!(body["documents"], "ok", "{body}");
    }

    // A login made on A works on B (the session is a database row, the cookie the browser's).
    let on_a = physician.logged_out().at(&a.address);
    on_a.login("p1@example.jp", crate::helpers::PHYSICIAN_PASSWORD)
        .await
        .expect("login on A");
    let on_b = on_a.at(&b.address);
    assert_eq!(
        on_b.me().await.expect("B knows the login").email,
        "p1@example.jp"
    );

    // Uploaded through A, downloaded through B.
    let mut pdf = LICENCE_PDF.to_vec();
    // Larger than one part of a multipart upload (5 MiB), so the bucket gets several.
    let tail = pdf.split_off(pdf.len() - 6);
    pdf.extend(std::iter::repeat_n(b' ', 6 * 1024 * 1024));
    pdf.extend(tail);
    let doc = on_a
        .upload(DocumentKind::Other, "診断書.pdf", &pdf)
        .await
        .expect("uploaded through A");
    let (status, _, bytes) = on_b.get_raw(&format!("/api/documents/{}", doc.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes == pdf, "B serves the bytes A stored");

    // One session, scans sent alternately to both desks, each also retried on the other.
    let desk_a = organizer.logged_out().at(&a.address);
    desk_a
        .login("org@example.jp", crate::helpers::STAFF_PASSWORD)
        .await
        .expect("organizer on A");
    let desk_b = desk_a.at(&b.address);
    let session = desk_a
        .create_session(&session_form("777777"))
        .await
        .expect("session")
        .id;
    let yesterday = domain::dates::today_jst(chrono::Utc::now()) - chrono::Days::new(1);
    let at = |hm: &str| {
        let t = chrono::NaiveTime::parse_from_str(hm, "%H:%M").unwrap();
        yesterday
            .and_time(t)
            .and_local_timezone(domain::dates::jst())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    for (i, registry) in attendees.iter().enumerate() {
        for (kind, time) in [(ScanKind::In, "12:55"), (ScanKind::Out, "15:05")] {
            let scan = ScanRequest {
                client_id: uid(&format!("{registry}-{kind:?}")),
                kind,
                at: at(time),
                token: None,
                registry_number: Some((*registry).into()),
                birth_date: None,
                confirm_unknown: true,
            };
            let (first, second) = if i % 2 == 0 {
                (&desk_a, &desk_b)
            } else {
                (&desk_b, &desk_a)
            };
            let (x, y) = tokio::join!(first.scan(session, &scan), second.scan(session, &scan));
            x.expect("recorded");
            y.expect("the retry is the same scan");
        }
    }
    // Both desks post at once: one posting.
    let post = PostRequest::default();
    let (x, y) = tokio::join!(
        desk_a.post_session(session, &post),
        desk_b.post_session(session, &post)
    );
    assert!(
        x.is_ok() || y.is_ok(),
        "one of the two postings is accepted"
    );
    use server::entities::credit;
    for registry in attendees {
        let credits = credit::Entity::find()
            .filter(credit::Column::SessionId.eq(session))
            .filter(credit::Column::RegistryNumber.eq(registry))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(credits, 1, "{registry} has one credit for the session");
    }

    // Every mail of the outbox reaches the mail server once, whichever loop claimed it.
    use server::entities::outbox;
    let rows = outbox::Entity::find().count(&app.db).await.unwrap() as usize;
    let delivered = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let pending = outbox::Entity::find()
                .filter(outbox::Column::SentAt.is_null())
                .count(&app.db)
                .await
                .unwrap();
            if pending == 0 && recipients(&transcript).await.len() >= rows {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    assert!(delivered.is_ok(), "the outbox was not emptied");
    // Another round each, to give a second sending every chance to happen.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let mut received = recipients(&transcript).await;
    assert_eq!(received.len(), rows, "one delivery per outbox row");
    received.sort();
    received.dedup();
    let mut addresses: Vec<String> = outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.to_address)
        .collect();
    addresses.sort();
    addresses.dedup();
    assert_eq!(received, addresses);
    let retried = outbox::Entity::find()
        .filter(outbox::Column::Attempts.ne(1))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(retried, 0, "each row was attempted once");

    // Metrics: by route pattern, the backlog shared, the delivery rounds of this instance.
    let scraped = a.scrape().await;
    assert!(
        scraped.contains(
            "nintei_http_requests_total{method=\"GET\",route=\"/api/health/ready\",status=\"200\"} 1"
        ),
        "{scraped}"
    );
    assert!(
        scraped.contains("route=\"/api/organizer/sessions/{id}/scans\""),
        "{scraped}"
    );
    assert!(scraped.contains("nintei_outbox_backlog 0"), "{scraped}");
    assert!(
        scraped.contains("nintei_job_runs_total{job=\"outbox\",outcome=\"ok\"}"),
        "{scraped}"
    );
    assert!(
        scraped.contains("nintei_http_request_duration_seconds_bucket"),
        "{scraped}"
    );
    assert!(!scraped.contains("310002"), "no value of a path is a label");
    // The public port does not show them (its /metrics is the client's page).
    let public = reqwest::get(format!("{}/metrics", a.address))
        .await
        .unwrap();
    assert!(
        !public
            .text()
            .await
            .unwrap()
            .contains("nintei_http_requests")
    );

    // A's log is JSON, one object per line; it names mails by id, never by address.
    let log = a.log.lock().unwrap().clone();
    assert!(log.len() > 1);
    for line in &log {
        let event: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert!(
            event["level"].is_string() && event["message"].is_string(),
            "{line}"
        );
        assert!(!line.contains("m1@example.jp"), "{line}");
    }
    drop(b);
}

/// A request in flight when SIGTERM arrives is answered; then the process exits cleanly.
#[tokio::test]
async fn sigterm_finishes_the_requests_in_flight() {
    if !shared_backends() {
        return;
    }
    let app = TestApp::spawn().await;
    app.physician_api("310010", "slow@example.jp").await;
    let (smtp, _) = smtp_sink().await;
    let mut instance = Instance::start(&app, smtp, false).await;
    let host = instance.address.trim_start_matches("http://").to_owned();
    let body = serde_json::json!({
        "email": "slow@example.jp",
        "password": crate::helpers::PHYSICIAN_PASSWORD,
    })
    .to_string();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = body.split_at(10);
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(&instance.child);
    tokio::time::sleep(Duration::from_millis(700)).await;
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let exit = tokio::time::timeout(Duration::from_secs(30), instance.child.wait())
        .await
        .expect("it stops")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    // New connections are refused once it has stopped.
    assert!(tokio::net::TcpStream::connect(&host).await.is_err());
}

/// Readiness names the document store when its bucket does not answer.
#[tokio::test]
async fn readiness_is_503_while_the_bucket_is_missing() {
    if !shared_backends() {
        return;
    }
    let app = TestApp::spawn_configured(false, |s| {
        s.documents = Location::Bucket {
            bucket: "no-such-bucket-nintei".into(),
            prefix: String::new(),
        };
    })
    .await;
    let api = Api::new(&app.address);
    let (status, _, bytes) = api.get_raw("/api/health/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["documents"], "unavailable");
    assert_eq!(body["database"], "ok");
    let (live, _, _) = api.get_raw("/api/health/live").await;
    assert_eq!(live, StatusCode::OK);
}

/// `nintei jobs run-once` on two machines at once (and the reminder round of a third): each
/// reminder is written once and its mail delivered once, whatever runs it.
#[tokio::test]
async fn reminder_rounds_on_two_instances_send_each_reminder_once() {
    if !shared_backends() {
        return;
    }
    let app = TestApp::spawn().await;
    let Location::Bucket { bucket, prefix } = &app.documents else {
        panic!("two instances share a bucket");
    };
    let (smtp, received) = smtp_sink().await;
    let today = domain::dates::today_jst(chrono::Utc::now());
    // Due today: the six-month reminder (expiry in about 100 days).
    let period = (
        today - chrono::Days::new(1700),
        today + chrono::Days::new(100),
    );
    let mut emails = Vec::new();
    for i in 0..8 {
        let email = format!("remind{i}@example.jp");
        let api = app.physician_api(&format!("7300{i:02}"), &email).await;
        let id = api.me().await.unwrap().id;
        crate::helpers::certificate(
            &app,
            id,
            domain::Certification::Sports,
            &format!("SP-73{i:02}"),
            period,
            "registry",
        )
        .await;
        emails.push(email);
    }
    // The sign-up mails are not what this test counts: mark them sent.
    use server::entities::outbox;
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::SentAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let run = || {
        let data = tempfile::tempdir().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_nintei"))
            .args(["jobs", "run-once"])
            .env("DATABASE_URL", &app.database_url)
            .env("NINTEI_DATA_DIR", data.path())
            .env("NINTEI_DOCUMENTS_URL", format!("s3://{bucket}/{prefix}"))
            .env("NINTEI_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
            .env("NINTEI_PUBLIC_URL", "https://nintei.example.jp")
            .output();
        async move {
            let out = child.await.expect("nintei jobs run-once runs");
            drop(data);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    };
    let rules = domain::RuleSet::current();
    let here =
        server::services::reminders::run(&app.db, &rules, "https://nintei.example.jp", today);
    let (a, b, c) = tokio::join!(run(), run(), here);
    let c = c.unwrap();
    let written = |out: &str| -> u64 {
        out.split("reminders: ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {out}"))
    };
    assert_eq!(
        written(&a) + written(&b) + c.written,
        8,
        "{a} / {b} / {c:?}"
    );
    // Once more: nothing.
    assert!(run().await.contains("reminders: 0 written"));
    // Whatever a round wrote is delivered once (the in-process round's mail by a later run).
    let _ = run().await;
    let mut got: Vec<String> = recipients(&received)
        .await
        .into_iter()
        .filter(|r| r.starts_with("remind"))
        .collect();
    got.sort();
    assert_eq!(got, emails, "each physician got one reminder");
}
