//! Every statement the hot requests run is served by an index: the server shows the test each
//! statement it runs, and `EXPLAIN QUERY PLAN` (SQLite) on each one fails the test on a full
//! scan of a table. A table that grows with the country must never be read whole by a request.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use domain::account::Role;
use domain::api::PostRequest;
use domain::sessions::ScanKind;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::helpers::{TestApp, occupational_certificate, session_form, uid};

/// A plan step that reads a whole table (`SCAN t`, with or without walking an index in order),
/// as opposed to a search of an index (`SEARCH t USING INDEX …`).
fn full_scan(detail: &str) -> Option<&str> {
    let rest = detail.strip_prefix("SCAN ")?;
    let table = rest.split_whitespace().next()?;
    // A constant row or a subquery's own result is not a table.
    (table != "CONSTANT" && !table.starts_with('(')).then_some(table)
}

#[test]
fn a_full_scan_is_told_from_a_search() {
    assert_eq!(full_scan("SCAN credits"), Some("credits"));
    assert_eq!(
        full_scan("SCAN applications USING INDEX idx_applications_status"),
        Some("applications")
    );
    assert_eq!(
        full_scan("SEARCH credits USING INDEX idx_credits_physician (physician_id=?)"),
        None
    );
    assert_eq!(full_scan("SCAN CONSTANT ROW"), None);
    assert_eq!(full_scan("USE TEMP B-TREE FOR ORDER BY"), None);
}

/// Gives the physician with `registry` a certificate and its period, as the registry import
/// does (a physician without one reads no certificate period at all).
async fn certified(app: &TestApp, registry: &str) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::entities::physician;
    let id = physician::Entity::find()
        .filter(physician::Column::RegistryNumber.eq(registry))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the physician")
        .user_id;
    let today = domain::dates::today_jst(chrono::Utc::now());
    let period = (
        today - chrono::Days::new(365),
        today + chrono::Days::new(1460),
    );
    occupational_certificate(app, id, "S300001", period, "registry").await;
}

#[tokio::test]
async fn the_hot_requests_read_no_table_whole() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        eprintln!("query plans are read on SQLite; skipped on PostgreSQL");
        return;
    }
    let seen: Arc<Mutex<Vec<Statement>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let observer: server::startup::QueryObserver = Box::new(move |statement: &Statement| {
        sink.lock().expect("the statements").push(statement.clone());
    });
    let app = TestApp::spawn_observed(false, |_| {}, Some(observer)).await;

    // What a day brings: an organizer's session, the physicians at its door, reviewers' queues.
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    certified(&app, "123456").await;
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto@example.jp")
        .await;
    let jma = app.staff_api(Role::JmaStaff, "jma@example.jp").await;
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    let session = organizer
        .create_session(&session_form("777777"))
        .await
        .unwrap()
        .id;
    let yesterday = domain::dates::today_jst(chrono::Utc::now()) - chrono::Days::new(1);
    seen.lock().expect("the statements").clear();

    // The hot requests.
    let signed_in = app.api();
    signed_in
        .login("taro@example.jp", "correct horse battery")
        .await
        .unwrap();
    physician.me().await.unwrap();
    physician.my_page().await.unwrap();
    physician.history("").await.unwrap();
    physician.qr().await.unwrap();
    physician.my_applications().await.unwrap();
    app.api().sessions("").await.unwrap();
    app.api().sessions("prefecture=26").await.unwrap();
    app.api()
        .sessions(&format!("prefecture=26&after={session}"))
        .await
        .unwrap();
    organizer.my_sessions().await.unwrap();
    for (id, kind, time) in [
        ("in", ScanKind::In, "13:00:00"),
        ("out", ScanKind::Out, "15:00:00"),
    ] {
        let t = chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").unwrap();
        let at = domain::dates::jst_instant(yesterday, t);
        let scan = domain::api::ScanRequest {
            client_id: uid(id),
            kind,
            at,
            token: None,
            registry_number: Some("123456".into()),
            birth_date: None,
            confirm_unknown: false,
        };
        organizer.scan(session, &scan).await.unwrap();
    }
    organizer
        .lookup(session, "山田 太郎", "1980-04-01")
        .await
        .unwrap();
    organizer.attendance(session).await.unwrap();
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .unwrap();
    physician.my_page().await.unwrap();
    kyoto.review_queue("").await.unwrap();
    kyoto.review_queue("status=submitted").await.unwrap();
    jma.review_queue("status=forwarded").await.unwrap();
    // Searches by registry number, certificate number and a name's start; the overviews.
    kyoto.review_queue("q=123").await.unwrap();
    kyoto.review_queue("q=S300001").await.unwrap();
    kyoto.review_queue("q=%E5%B1%B1%E7%94%B0").await.unwrap();
    kyoto.review_queue("q=%E3%83%A4%E3%83%9E").await.unwrap();
    kyoto.review_dashboard("").await.unwrap();
    kyoto
        .get_json::<Vec<domain::api::UnattachedCredit>>("/api/review/unattached")
        .await
        .unwrap();
    jma.review_dashboard("").await.unwrap();
    jma.review_dashboard("prefecture=26").await.unwrap();
    kyoto.identity_queue("pending").await.unwrap();
    kyoto.identity_queue("pending&after=1").await.unwrap();
    admin.outbox().await.unwrap();
    admin.outbox_before(1_000).await.unwrap();
    admin.admin_audit("").await.unwrap();
    admin.admin_accounts("taro").await.unwrap();
    // Designation: a submission (its mail to the prefecture's staff), the queues, a decision.
    let submitted = organizer
        .submit_session(&session_form(""))
        .await
        .unwrap()
        .id;
    kyoto.designation_queue("submitted", None).await.unwrap();
    jma.designation_queue("submitted", None).await.unwrap();
    jma.designation_queue("submitted", Some(26)).await.unwrap();
    kyoto.designate_session(submitted, "").await.unwrap();

    let statements: Vec<Statement> = seen.lock().expect("the statements").clone();
    assert!(statements.len() > 20, "the server showed its statements");
    let mut scans = BTreeSet::new();
    let mut planned = 0;
    for statement in statements {
        let sql = statement.sql.trim_start();
        let verb = sql.split_whitespace().next().unwrap_or("").to_uppercase();
        if !["SELECT", "UPDATE", "DELETE", "WITH"].contains(&verb.as_str()) {
            continue;
        }
        let values = statement.values.clone().map(|v| v.0).unwrap_or_default();
        let explain = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {sql}"),
            values,
        );
        let rows = app
            .db
            .query_all_raw(explain)
            .await
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
        planned += 1;
        let details: Vec<String> = rows
            .iter()
            .map(|row| row.try_get("", "detail").expect("a plan's detail"))
            .collect();
        // Newest first with no condition (audit log, outbox): the table is walked backwards
        // from its end and the walk stops at the page's last row, however long the table is.
        let bounded = !sql.contains(" WHERE ")
            && sql.contains(" LIMIT ")
            && !details.iter().any(|d| d.contains("TEMP B-TREE"));
        // A page (LIMIT) that sorts every matching row before taking the first ones grows
        // with the country however small the page: the index must give the order.
        if sql.contains(" LIMIT ") && details.iter().any(|d| d == "USE TEMP B-TREE FOR ORDER BY") {
            scans.insert(format!(
                "sorted before paging: {}\n    {sql}",
                details.join(" / ")
            ));
        }
        for detail in &details {
            match full_scan(detail) {
                Some(_) if bounded => {}
                // The admins' account search matches any part of an e-mail or a name, which no
                // index serves; it reads accounts newest first until it has a page (README).
                Some("users") if sql.contains(" LIKE ") => {}
                Some(table) => {
                    scans.insert(format!("{table}: {detail}\n    {sql}"));
                }
                None => {}
            }
        }
    }
    assert!(planned > 20, "{planned} statements planned");
    assert!(
        scans.is_empty(),
        "{} statements read a whole table:\n{}",
        scans.len(),
        scans.into_iter().collect::<Vec<_>>().join("\n")
    );
}
