//! Registration, login, logout, sessions and throttling.

use reqwest::StatusCode;
use serde_json::json as j;

use crate::client::Refusal;
use crate::helpers::{TestApp, json, registration, rendered};

#[tokio::test]
async fn a_physician_registers_and_is_logged_in_at_once() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (status, me) = json(client.get(app.url("/api/me")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "physician");
    assert_eq!(me["physician"]["registry_number"], "123456");
    assert_eq!(me["physician"]["name_kana"], "ヤマダ\u{3000}タロウ");
}

#[tokio::test]
async fn registration_reports_every_bad_field_in_japanese_and_english() {
    let app = TestApp::spawn().await;
    let mut form = registration("12x", "not-an-email");
    form.name_kana = "Yamada".into();
    form.password = "password".into();
    let (status, body) = json(
        app.client()
            .post(app.url("/api/auth/register"))
            .json(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["registry_number", "name_kana", "email", "password"]
    );
    for f in body["error"]["fields"].as_array().unwrap() {
        assert!(!rendered(&f["message"], domain::Lang::Ja).is_empty());
        assert!(!rendered(&f["message"], domain::Lang::En).is_empty());
    }
}

#[tokio::test]
async fn one_account_per_registry_number_and_per_email() {
    let app = TestApp::spawn().await;
    app.physician("123456", "taro@example.jp").await;
    let (status, body) = json(
        app.client()
            .post(app.url("/api/auth/register"))
            .json(&registration("０１２３４５６", "TARO@example.jp"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "registry_number"]);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.physician("123456", "taro@example.jp").await;
    let wrong = json(
        app.client()
            .post(app.url("/api/auth/login"))
            .json(&j!({"email": "taro@example.jp", "password": "wrong password!"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let unknown = json(
        app.client()
            .post(app.url("/api/auth/login"))
            .json(&j!({"email": "nobody@example.jp", "password": "wrong password!"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown);
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_a_retry_time() {
    let app = TestApp::spawn().await;
    app.physician("123456", "taro@example.jp").await;
    let client = app.client();
    let attempt = |password: &'static str| {
        client
            .post(app.url("/api/auth/login"))
            .json(&j!({"email": "taro@example.jp", "password": password}))
            .send()
    };
    // Three at once, a fourth after no wait, then each must wait: the next one, even with the
    // right password, is told when to come back.
    for _ in 0..4 {
        assert_eq!(
            attempt("wrong password!").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = attempt("correct horse battery").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let (_, body) = json(r).await;
    assert!(body["error"]["retry_after_seconds"].as_u64().unwrap() > 0);
    // The same for an account that does not exist: throttling reveals nothing.
    for _ in 0..4 {
        client
            .post(app.url("/api/auth/login"))
            .json(&j!({"email": "ghost@example.jp", "password": "x"}))
            .send()
            .await
            .unwrap();
    }
    let r = client
        .post(app.url("/api/auth/login"))
        .json(&j!({"email": "ghost@example.jp", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    assert_eq!(
        client
            .post(app.url("/api/auth/logout"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client
            .get(app.url("/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    app.db
        .execute_unprepared("UPDATE auth_sessions SET expires_at = created_at")
        .await
        .unwrap();
    assert_eq!(
        client
            .get(app.url("/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = TestApp::spawn().await;
    let r = app
        .client()
        .post(app.url("/api/auth/register"))
        .json(&registration("123456", "taro@example.jp"))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
}

#[tokio::test]
async fn an_admin_creates_staff_and_organizer_accounts() {
    use domain::api::CreateUser;
    let app = TestApp::spawn().await;
    let admin = app
        .staff_api(domain::account::Role::Admin, "root@example.jp")
        .await;
    let organizer = CreateUser {
        role: domain::account::Role::Organizer,
        email: "org@example.jp".into(),
        display_name: "大阪府医師会".into(),
        password: "organizer pass 1".into(),
        prefecture: None,
        organizer_body: Some("大阪府医師会".into()),
    };
    let created = admin.create_user(&organizer).await.unwrap();
    assert_eq!(created.email, "org@example.jp");
    let staff = CreateUser {
        role: domain::account::Role::PrefecturalStaff,
        email: "s@example.jp".into(),
        display_name: "x".into(),
        password: "staff pass 2026".into(),
        prefecture: None,
        organizer_body: None,
    };
    let refused = admin.create_user(&staff).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["prefecture"]);
    assert_eq!(admin.users().await.unwrap().len(), 2);
}
