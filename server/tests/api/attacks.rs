//! The attacks of the security issue, each named after what it tries, each failing on the code
//! it was written against. See README "Security decisions".

use chrono::{DateTime, Days, TimeZone, Utc};
use domain::account::Role;
use domain::api::{HandbookRequest, PostRequest, ScanRequest};
use domain::sessions::{ScanKind, SessionForm};
use reqwest::StatusCode;
use serde_json::json;

use crate::client::{Api, Refusal};
use crate::helpers::{TestApp, uid};

fn yesterday() -> chrono::NaiveDate {
    domain::dates::today_jst(Utc::now()) - Days::new(1)
}

/// Yesterday at `hh:mm` in Japan.
fn at(hm: &str) -> DateTime<Utc> {
    let t = chrono::NaiveTime::parse_from_str(hm, "%H:%M").unwrap();
    domain::dates::jst()
        .from_local_datetime(&yesterday().and_time(t))
        .unwrap()
        .with_timezone(&Utc)
}

fn session_form(title: &str, date: chrono::NaiveDate) -> SessionForm {
    SessionForm {
        title: title.into(),
        category: "occupational.lifelong.update".into(),
        units: "2".into(),
        date: date.to_string(),
        starts_at: "13:00".into(),
        ends_at: "15:00".into(),
        venue: "京都府医師会館".into(),
        prefecture: "26".into(),
        capacity: "200".into(),
        ..SessionForm::default()
    }
}

fn scan_of(client_id: uuid::Uuid, registry: &str, kind: ScanKind, hm: &str) -> ScanRequest {
    ScanRequest {
        client_id,
        kind,
        at: at(hm),
        token: None,
        registry_number: Some(registry.into()),
        birth_date: None,
        confirm_unknown: true,
    }
}

/// A session of yesterday attended in full by `registry`, not posted yet.
async fn attended(organizer: &Api, title: &str, registry: &str) -> i32 {
    let session = organizer
        .create_session(&session_form(title, yesterday()))
        .await
        .unwrap()
        .id;
    for (label, kind, hm) in [
        ("in", ScanKind::In, "13:00"),
        ("out", ScanKind::Out, "15:00"),
    ] {
        organizer
            .scan(
                session,
                &scan_of(
                    uid(&format!("{title}-{registry}-{label}")),
                    registry,
                    kind,
                    hm,
                ),
            )
            .await
            .unwrap();
    }
    session
}

fn handbook(client_ref: serde_json::Value) -> serde_json::Value {
    json!({
        "date": "2024-06-01",
        "category": "occupational.lifelong.specialized",
        "subject": "",
        "units": "2",
        "organizer_name": "京都府医師会",
        "note": "",
        "client_ref": client_ref,
    })
}

#[tokio::test]
async fn a_physician_cannot_block_posting_with_the_servers_own_reference() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = attended(&organizer, "研修会", "123456").await;
    // The reference posting makes for this attendee, sent as the physician's own.
    let forged = physician
        .http()
        .post(format!("{}/api/mypage/handbook", app.address))
        .json(&handbook(json!(format!("session-{session}-123456"))))
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        StatusCode::BAD_REQUEST,
        "not a client reference"
    );
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .expect("posting is not blocked");
}

#[tokio::test]
async fn a_client_reference_is_one_accounts_and_not_the_whole_tables() {
    let app = TestApp::spawn().await;
    let taro = app.physician_api("123456", "taro@example.jp").await;
    let hanako = app.physician_api("234567", "hanako@example.jp").await;
    let shared = uid("the same reference");
    let req: HandbookRequest = serde_json::from_value(handbook(json!(shared))).unwrap();
    let first = taro.declare(&req).await.unwrap();
    // Another account with the same reference writes its own entry, not a conflict, not taro's.
    let second = hanako
        .declare(&req)
        .await
        .expect("the other account's own entry");
    assert_ne!(first.id, second.id);
    assert_eq!(hanako.my_page().await.unwrap().ledger.len(), 1);
    // The same account retrying gets its first entry back, whatever it retries.
    assert_eq!(taro.declare(&req).await.unwrap().id, first.id);
    let form = domain::application::ApplicationForm {
        kind: Some(domain::application::ApplicationKind::WorkplaceChange),
        certification: Some(domain::Certification::Occupational),
        workplace_name: "京都市立病院".into(),
        client_ref: Some(shared),
        ..Default::default()
    };
    let refused = taro.submit(&form).await.refused();
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "a reference names one request"
    );
    assert_eq!(refused.field_codes(), ["reused"]);
    let other: HandbookRequest =
        serde_json::from_value(handbook(json!(uid("hanako's second")))).unwrap();
    let third = hanako
        .declare(&other)
        .await
        .expect("another reference is another request");
    assert_ne!(third.id, second.id);
}

#[tokio::test]
async fn a_scan_id_from_another_session_is_not_answered_with_its_physician() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let kyoto = app.staff_api(Role::Organizer, "kyoto-org@example.jp").await;
    let tokyo = app.staff_api(Role::Organizer, "tokyo-org@example.jp").await;
    let theirs = kyoto
        .create_session(&session_form("京都の研修会", yesterday()))
        .await
        .unwrap()
        .id;
    let id = uid("a device's scan");
    let first = kyoto
        .scan(theirs, &scan_of(id, "123456", ScanKind::In, "13:00"))
        .await
        .unwrap();
    assert_eq!(first.name.as_deref(), Some("山田 太郎"));
    let mine = tokyo
        .create_session(&session_form("東京の研修会", yesterday()))
        .await
        .unwrap()
        .id;
    let probe = tokyo
        .scan(mine, &scan_of(id, "999999", ScanKind::In, "13:00"))
        .await
        .unwrap();
    assert!(!probe.replayed, "{probe:?}");
    assert_eq!(probe.registry_number, "999999");
    assert_eq!(probe.name, None);
}

#[tokio::test]
async fn a_session_long_past_cannot_be_created_or_posted_and_posting_is_audited() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let old = organizer
        .create_session(&session_form("古い研修会", "2020-01-01".parse().unwrap()))
        .await
        .refused();
    assert_eq!(old.fields(), ["date"]);
    app.physician_api("123456", "taro@example.jp").await;
    let session = attended(&organizer, "研修会", "123456").await;
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .unwrap();
    let trail = server::db::audit::about(&app.db, "session", session)
        .await
        .unwrap();
    assert!(
        trail.iter().any(|e| e.action == "post"),
        "posting is in the audit log: {trail:?}"
    );
}

#[tokio::test]
async fn a_title_that_is_a_formula_stays_text_in_the_csv() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = attended(&organizer, "=1+1", "123456").await;
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .unwrap();
    let (status, _, bytes) = physician.get_raw("/api/mypage/credits.csv").await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("'=1+1"), "{text}");
    assert!(!text.contains(",=1+1"), "{text}");
}

#[tokio::test]
async fn a_cross_site_form_cannot_write_with_the_victims_cookie() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    // What a plain HTML form on another site can send: these content types, any body.
    for (path, content_type) in [
        ("/api/auth/logout", "text/plain"),
        ("/api/auth/logout", "application/x-www-form-urlencoded"),
        (
            "/api/applications/1/withdraw",
            "multipart/form-data; boundary=x",
        ),
        ("/api/documents?kind=other&name=x.pdf", "text/plain"),
        ("/api/mypage/handbook", "text/plain"),
    ] {
        let r = physician
            .http()
            .post(format!("{}{path}", app.address))
            .header("content-type", content_type)
            .body("%PDF-1.4\n%%EOF\n")
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path} with {content_type}"
        );
    }
    // Still logged in: the forged logout did nothing.
    physician.my_page().await.unwrap();
    let (_, headers, _) = physician.get_raw("/api/mypage").await;
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn over_https_the_cookie_is_host_only_and_secure_with_hsts() {
    let app = TestApp::spawn_configured(false, |s| s.secure_cookies = true).await;
    app.staff(Role::Organizer, "org@example.jp").await;
    let r = app
        .client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "org@example.jp", "password": crate::helpers::STAFF_PASSWORD }))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-"), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

/// A staff account and a way to try logins against it.
async fn login_target(app: &TestApp) -> (Api, &'static str) {
    app.staff(Role::PrefecturalStaff, "kyoto@example.jp").await;
    (app.api(), "kyoto@example.jp")
}

#[tokio::test]
async fn five_wrong_passwords_slow_the_account_down_but_do_not_lock_its_owner_out() {
    let app = TestApp::spawn().await;
    let (api, email) = login_target(&app).await;
    let mut refusals = Vec::new();
    for _ in 0..5 {
        loop {
            match api.login(email, "not the password").await {
                Ok(_) => panic!("a wrong password logged in"),
                Err(r) if r.status == StatusCode::TOO_MANY_REQUESTS => {
                    let wait = r.error.retry_after_seconds.expect("says when");
                    assert!(wait <= 2, "a short delay, not a lock: {wait}s");
                    tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 50)).await;
                }
                Err(r) => {
                    refusals.push(r.status);
                    break;
                }
            }
        }
    }
    assert_eq!(refusals, [StatusCode::UNAUTHORIZED; 5]);
    // The owner, a moment later, gets in.
    let owner = loop {
        match api.login(email, crate::helpers::STAFF_PASSWORD).await {
            Err(r) if r.status == StatusCode::TOO_MANY_REQUESTS => {
                let wait = r.error.retry_after_seconds.unwrap();
                assert!(wait <= 2);
                tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 50)).await;
            }
            other => break other,
        }
    };
    owner.expect("the right password works after a short wait");
}

#[tokio::test]
async fn sixty_parallel_wrong_passwords_are_not_all_checked() {
    let app = TestApp::spawn().await;
    let (api, email) = login_target(&app).await;
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..60 {
        let api = api.clone();
        tries.spawn(async move { api.login(email, "not the password").await });
    }
    let answers = tries.join_all().await;
    let checked = answers
        .iter()
        .filter(|a| matches!(a, Err(r) if r.status == StatusCode::UNAUTHORIZED))
        .count();
    let throttled = answers
        .iter()
        .filter(|a| matches!(a, Err(r) if r.status == StatusCode::TOO_MANY_REQUESTS))
        .count();
    assert_eq!(checked + throttled, 60);
    assert!(checked <= 6, "{checked} passwords were checked");
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed_down() {
    let app = TestApp::spawn().await;
    let api = app.api();
    let mut throttled = 0;
    for i in 0..40 {
        if let Err(r) = api
            .login(&format!("nobody{i}@example.jp"), "guess 12345")
            .await
            && r.status == StatusCode::TOO_MANY_REQUESTS
        {
            throttled += 1;
        }
    }
    assert!(throttled >= 10, "only {throttled} of 40 were slowed down");
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let app = TestApp::spawn().await;
    let mut answers = Vec::new();
    for i in 0..12 {
        let r = app
            .api()
            .register(&crate::helpers::registration(
                &format!("{}", 300000 + i),
                &format!("r{i}@example.jp"),
            ))
            .await;
        answers.push(r.map(|_| StatusCode::CREATED).unwrap_or_else(|r| r.status));
    }
    assert_eq!(answers[..10], [StatusCode::CREATED; 10]);
    assert_eq!(answers[10..], [StatusCode::TOO_MANY_REQUESTS; 2]);
}

#[tokio::test]
async fn lookups_by_name_and_birth_date_are_limited_to_the_session_day_rate_limited_and_logged() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    // A session three weeks ago: the door is long closed, so no lookup.
    let old = organizer
        .create_session(&session_form("先月の研修会", yesterday() - Days::new(20)))
        .await
        .unwrap()
        .id;
    let closed = organizer
        .lookup(old, "山田 太郎", "1980-04-01")
        .await
        .refused();
    assert_eq!(closed.status, StatusCode::CONFLICT);
    let session = organizer
        .create_session(&session_form("研修会", yesterday()))
        .await
        .unwrap()
        .id;
    let hits = organizer
        .lookup(session, "山田 太郎", "1980-04-01")
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    let mut limited = None;
    for i in 0..80 {
        if let Err(r) = organizer.lookup(session, "山田 太郎", "1980-04-01").await {
            limited = Some((i, r));
            break;
        }
    }
    let (after, refusal) = limited.expect("lookups are limited");
    assert_eq!(refusal.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        after >= 50,
        "a busy door still works: refused after {after}"
    );
    let trail = server::db::audit::about(&app.db, "session", session)
        .await
        .unwrap();
    assert!(trail.iter().filter(|e| e.action == "lookup").count() >= 50);
}

/// A server delivering to a test SMTP server, with the outbox read every `seconds`.
async fn with_smtp(seconds: u64) -> (TestApp, std::sync::Arc<tokio::sync::Mutex<String>>, u16) {
    let (port, received) = crate::helpers::smtp_sink().await;
    let app = TestApp::spawn_configured(false, |s| {
        s.smtp_url = Some(server::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
        s.outbox_seconds = seconds;
    })
    .await;
    (app, received, port)
}

async fn mail_sent(app: &TestApp) -> bool {
    for _ in 0..60 {
        let rows = server::services::mail::newest(&app.db, None).await.unwrap();
        if !rows.is_empty() && rows.iter().all(|m| m.sent_at.is_some()) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// A confirmation mail to `to` written to the outbox.
async fn queue_confirmation(app: &TestApp, to: &str) {
    server::services::mail::queue(
        &app.db,
        to,
        &domain::Message::key("mail.verify.subject"),
        &domain::Message::key("mail.verify.body")
            .arg("link", "x")
            .arg("hours", 48),
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn two_deliveries_at_once_send_a_mail_once() {
    let (app, received, port) = with_smtp(3600).await;
    queue_confirmation(&app, "once@example.jp").await;
    let settings = server::config::Settings {
        smtp_url: Some(server::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        ))),
        ..server::config::Settings::from_env().unwrap()
    };
    let mailer = server::services::mail::Mailer::from_settings(&settings).unwrap();
    let (a, b) = tokio::join!(mailer.deliver_now(&app.db), mailer.deliver_now(&app.db));
    a.unwrap();
    b.unwrap();
    assert!(mail_sent(&app).await);
    let transcript = received.lock().await.clone();
    assert_eq!(
        transcript.matches("RCPT TO:<once@example.jp>").count(),
        1,
        "{transcript}"
    );
}

#[tokio::test]
async fn mail_waiting_in_the_outbox_is_sent_without_another_change() {
    let (app, received, _) = with_smtp(1).await;
    // Written as if before a restart: nothing happens after it.
    queue_confirmation(&app, "later@example.jp").await;
    assert!(mail_sent(&app).await, "the outbox is read again on its own");
    assert!(received.lock().await.contains("RCPT TO:<later@example.jp>"));
}

#[tokio::test]
async fn a_client_sending_its_headers_slowly_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_configured(false, |s| s.header_timeout_seconds = 1).await;
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // … and never the blank line that ends the headers.
    let mut buf = Vec::new();
    let ended = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut buf),
    )
    .await;
    assert!(ended.is_ok(), "the server still holds the connection");
}

#[tokio::test]
async fn a_request_whose_body_trickles_is_ended_with_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_configured(false, |s| s.request_timeout_seconds = 1).await;
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let mut buf = vec![0; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("answered in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn expired_sessions_idle_throttles_old_tokens_and_abandoned_uploads_are_purged() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let kept = physician
        .upload(
            domain::application::DocumentKind::Other,
            "kept.pdf",
            crate::helpers::LICENCE_PDF,
        )
        .await
        .unwrap();
    let _ = app.api().login("taro@example.jp", "wrong password").await;
    let store = app.store();
    let later = Utc::now() + chrono::Duration::days(8);
    let purged = server::services::maintenance::purge(&app.db, &store, later)
        .await
        .unwrap();
    assert!(purged.sessions >= 2, "{purged:?}");
    assert!(purged.throttles >= 1, "{purged:?}");
    assert!(purged.tokens >= 1, "{purged:?}");
    assert_eq!(
        purged.documents, 1,
        "the unattached upload, not the licence: {purged:?}"
    );
    use sea_orm::EntityTrait;
    let left = server::entities::document::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(left.len(), 1, "the licence the staff checked stays");
    assert_ne!(left[0].id, kept.id);
}
