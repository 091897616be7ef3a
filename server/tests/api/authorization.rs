//! Every endpoint × every role: each role reaches only what it should.

use domain::account::Role;
use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    As(Role),
}

#[tokio::test]
async fn each_role_reaches_only_the_endpoints_it_should() {
    let app = TestApp::spawn().await;
    let mut clients: Vec<(Who, Client)> = vec![(Who::Anonymous, app.client())];
    clients.push((
        Who::As(Role::Physician),
        app.physician("111111", "p@example.jp").await,
    ));
    for (i, role) in [
        Role::Organizer,
        Role::PrefecturalStaff,
        Role::JmaStaff,
        Role::Admin,
    ]
    .into_iter()
    .enumerate()
    {
        clients.push((
            Who::As(role),
            app.staff(role, &format!("staff{i}@example.jp")).await,
        ));
    }

    use Who::*;
    let physician_only = |w: Who| w == As(Role::Physician);
    let admin_only = |w: Who| w == As(Role::Admin);
    let anyone = |_: Who| true;
    let organizer_only = |w: Who| w == As(Role::Organizer);
    // The organizer reaches the handler, which answers 422 for this empty form.
    let organizer_validates = |w: Who| w == As(Role::Organizer);
    let logged_in = |w: Who| w != Anonymous;
    let reviewers = |w: Who| w == As(Role::PrefecturalStaff) || w == As(Role::JmaStaff);
    let jma_only = |w: Who| w == As(Role::JmaStaff);
    let prefectural_only = |w: Who| w == As(Role::PrefecturalStaff);
    type Rule = fn(Who) -> bool;
    let endpoints: Vec<(Method, &str, Option<serde_json::Value>, Rule)> = vec![
        (Method::GET, "/api/health", None, anyone),
        (Method::GET, "/api/health/live", None, anyone),
        (Method::GET, "/api/health/ready", None, anyone),
        // The CSV's filters change nothing about who may read it.
        (
            Method::GET,
            "/api/mypage/credits.csv?certification=sports&from=",
            None,
            physician_only,
        ),
        (Method::GET, "/api/sessions", None, anyone),
        (Method::GET, "/api/me", None, logged_in),
        (Method::GET, "/api/mypage", None, physician_only),
        (
            Method::POST,
            "/api/mypage/evaluate/occupational.new",
            Some(json!({})),
            physician_only,
        ),
        (Method::GET, "/api/mypage/credits.csv", None, physician_only),
        (Method::GET, "/api/mypage/qr", None, physician_only),
        (Method::GET, "/api/mypage/notices", None, physician_only),
        (
            Method::PUT,
            "/api/mypage/notices/settings",
            Some(json!({"reminders_by_mail": true, "applications_by_mail": false})),
            physician_only,
        ),
        (
            Method::GET,
            "/api/mypage/transcript.pdf?category=sports.refresher&to=",
            None,
            physician_only,
        ),
        // JMA's staff reach the handler, which asks for the reason first.
        (
            Method::POST,
            "/api/admin/certificates/OC-1/revoke",
            Some(json!({"reason": ""})),
            jma_only,
        ),
        (Method::GET, "/api/qr/public-key", None, anyone),
        (
            Method::POST,
            "/api/mypage/handbook",
            Some(
                json!({"date": "2024-10-05", "category": "sports.refresher", "units": "1", "organizer_name": "x"}),
            ),
            physician_only,
        ),
        (
            Method::PUT,
            "/api/mypage/profile",
            Some(json!({"workplace_name": "", "phone": ""})),
            physician_only,
        ),
        (Method::GET, "/api/mypage/plans", None, physician_only),
        (
            Method::GET,
            "/api/review/unattached",
            None,
            prefectural_only,
        ),
        // Reviewers reach the handler, which refuses the empty number (422).
        (
            Method::POST,
            "/api/review/sessions/additions",
            Some(json!({"designation_number": "", "registry_number": "1", "reason": "x"})),
            reviewers,
        ),
        // Forgetting a plan that was never made is no error (a retried tap).
        (Method::DELETE, "/api/mypage/plans/1", None, physician_only),
        (Method::GET, "/api/organizer/sessions", None, organizer_only),
        (
            Method::POST,
            "/api/organizer/sessions",
            Some(json!({"title": ""})),
            organizer_validates,
        ),
        (Method::GET, "/api/admin/users", None, admin_only),
        (Method::GET, "/api/admin/outbox", None, admin_only),
        (
            Method::GET,
            "/api/admin/outbox?before=1000",
            None,
            admin_only,
        ),
        (
            Method::GET,
            "/api/review/identities?status=pending&after=1",
            None,
            prefectural_only,
        ),
        (Method::GET, "/api/sessions?after=1", None, anyone),
        (Method::GET, "/api/applications", None, physician_only),
        (
            Method::POST,
            "/api/applications",
            Some(json!({})),
            physician_only,
        ),
        (Method::GET, "/api/documents", None, physician_only),
        (
            Method::POST,
            "/api/documents?kind=other&name=x.pdf",
            None,
            physician_only,
        ),
        (Method::GET, "/api/review/applications", None, reviewers),
        (Method::GET, "/api/review/sessions", None, reviewers),
        (
            Method::GET,
            "/api/review/dashboard?prefecture=26",
            None,
            reviewers,
        ),
        (
            Method::GET,
            "/api/review/applications?q=%E5%B1%B1%E7%94%B0",
            None,
            reviewers,
        ),
        (
            Method::GET,
            "/api/review/applications.csv?registry_number=123&lang=en",
            None,
            reviewers,
        ),
        (
            Method::GET,
            "/api/review/sessions?state=returned&prefecture=26&after=1",
            None,
            reviewers,
        ),
        // Reviewers reach the handler, which refuses the body (422) before looking the session up.
        (
            Method::POST,
            "/api/review/sessions/1/designate",
            Some(json!({"number": "1".repeat(31)})),
            reviewers,
        ),
        (
            Method::POST,
            "/api/review/sessions/1/return",
            Some(json!({"reason": ""})),
            reviewers,
        ),
        (
            Method::POST,
            "/api/review/bulk-approve",
            Some(json!({"round": "2027-01-01"})),
            jma_only,
        ),
        (
            Method::POST,
            "/api/admin/users",
            Some(
                json!({"role": "jma_staff", "email": "new-jma@example.jp", "display_name": "x", "password": "a long pass 2026"}),
            ),
            admin_only,
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, allowed) in &endpoints {
        for (who, client) in &clients {
            let mut req = client.request(method.clone(), app.url(path));
            req = match body {
                Some(b) => req.json(b),
                // A body of bytes (an upload), as the app sends it.
                None if *method == Method::POST => {
                    req.header("content-type", "application/octet-stream")
                }
                None => req,
            };
            let status = req.send().await.unwrap().status();
            let expected_ok = allowed(*who);
            let ok = status.is_success() || status == StatusCode::UNPROCESSABLE_ENTITY;
            let refused_right = match who {
                Anonymous => status == StatusCode::UNAUTHORIZED,
                As(_) => status == StatusCode::FORBIDDEN,
            };
            if expected_ok != ok || (!expected_ok && !refused_right) {
                failures.push(format!("{method} {path} as {who:?}: {status}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected answers:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_physician_sees_only_their_own_my_page() {
    let app = TestApp::spawn().await;
    let a = app.physician_api("111111", "a@example.jp").await;
    let b = app.physician_api("222222", "b@example.jp").await;
    let page_a = a.my_page().await.unwrap();
    let page_b = b.my_page().await.unwrap();
    assert_eq!(page_a.profile.registry_number, "111111");
    assert_eq!(page_b.profile.registry_number, "222222");
}
