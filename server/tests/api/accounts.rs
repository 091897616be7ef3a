//! Registration, login, logout, sessions and throttling.

use domain::Lang;
use domain::account::Role;
use reqwest::StatusCode;

use crate::client::Refusal;
use crate::helpers::{TestApp, registration};

#[tokio::test]
async fn a_physician_registers_and_is_logged_in_at_once() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("123456", "taro@example.jp").await;
    let me = client.me().await.unwrap();
    assert_eq!(me.role, Role::Physician);
    let profile = me.physician.expect("a physician's profile");
    assert_eq!(profile.registry_number, "123456");
    assert_eq!(profile.name_kana, "ヤマダ\u{3000}タロウ");
}

#[tokio::test]
async fn an_address_typed_full_width_is_stored_half_width_and_logs_in_as_typed_either_way() {
    let app = TestApp::spawn().await;
    let mut form = registration("123457", "ｆｕｌｌ．ｗｉｄｔｈ＠ｅｘａｍｐｌｅ．ｊｐ");
    form.name_kana = "ﾌﾙ ﾜｲﾄﾞ".into();
    let client = app.registered_api(&form).await;
    let me = client.me().await.unwrap();
    assert_eq!(me.email, "full.width@example.jp");
    assert_eq!(me.physician.unwrap().name_kana, "フル\u{3000}ワイド");
    for typed in [
        "full.width@example.jp",
        "ＦＵＬＬ．ＷＩＤＴＨ＠ｅｘａｍｐｌｅ．ｊｐ",
    ] {
        app.api()
            .login(typed, crate::helpers::PHYSICIAN_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("{typed}: {e:?}"));
    }
}

#[tokio::test]
async fn registration_reports_every_bad_field_in_japanese_and_english() {
    let app = TestApp::spawn().await;
    let mut form = registration("12x", "not-an-email");
    form.name_kana = "Yamada".into();
    form.password = "password".into();
    let refused = app.api().register(&form).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.fields(),
        ["registry_number", "name_kana", "email", "password"]
    );
    for f in &refused.error.fields {
        assert!(domain::i18n::has(&f.message.key), "{}", f.message.key);
        assert!(!f.message.render(Lang::Ja).is_empty());
        assert!(!f.message.render(Lang::En).is_empty());
    }
}

#[tokio::test]
async fn one_account_per_registry_number_and_per_email() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let refused = app
        .api()
        .register(&registration("０１２３４５６", "TARO@example.jp"))
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.fields(), ["email", "registry_number"]);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let wrong = app
        .api()
        .login("taro@example.jp", "wrong password!")
        .await
        .refused();
    let unknown = app
        .api()
        .login("nobody@example.jp", "wrong password!")
        .await
        .refused();
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong.status, wrong.error), (unknown.status, unknown.error));
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_a_retry_time() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let client = app.api();
    // Three at once, a fourth after no wait, then each must wait: the next one, even with the
    // right password, is told when to come back.
    for _ in 0..4 {
        let refused = client
            .login("taro@example.jp", "wrong password!")
            .await
            .refused();
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
    let throttled = client
        .login("taro@example.jp", "correct horse battery")
        .await
        .refused();
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.error.retry_after_seconds.unwrap() > 0);
    // The header too, for clients that read it.
    let r = client
        .http()
        .post(app.url("/api/auth/login"))
        .json(&serde_json::json!({"email": "taro@example.jp", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // The same for an account that does not exist: throttling reveals nothing.
    for _ in 0..4 {
        let _ = client.login("ghost@example.jp", "x").await;
    }
    let ghost = client.login("ghost@example.jp", "x").await.refused();
    assert_eq!(ghost.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("123456", "taro@example.jp").await;
    client.logout().await.unwrap();
    assert_eq!(client.me().await.refused().status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let client = app.physician_api("123456", "taro@example.jp").await;
    app.db
        .execute_unprepared("UPDATE auth_sessions SET expires_at = created_at")
        .await
        .unwrap();
    assert_eq!(client.me().await.refused().status, StatusCode::UNAUTHORIZED);
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
    let admin = app.staff_api(Role::Admin, "root@example.jp").await;
    let organizer = CreateUser {
        role: Role::Organizer,
        email: "org@example.jp".into(),
        display_name: "大阪府医師会".into(),
        password: "organizer pass 1".into(),
        prefecture: None,
        organizer_body: Some("大阪府医師会".into()),
    };
    let created = admin.create_user(&organizer).await.unwrap();
    assert_eq!(created.email, "org@example.jp");
    let staff = CreateUser {
        role: Role::PrefecturalStaff,
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

    // The new organizer is welcomed by mail: where to sign in, never the password.
    let mails = admin.outbox().await.unwrap();
    let welcome = mails
        .iter()
        .find(|m| m.to == "org@example.jp")
        .expect("a welcome mail");
    assert!(welcome.subject.contains("アカウントを作成しました"));
    assert!(welcome.body.contains("/login") && welcome.body.contains("主催者"));
    assert!(!welcome.body.contains("organizer pass 1"));

    // Never signed in, until they do; the admin's own sign-in is there already.
    let found = admin.admin_accounts("org@example.jp").await.unwrap();
    assert_eq!(found[0].last_login_at, None);
    let owner = app.api();
    owner
        .login("org@example.jp", "organizer pass 1")
        .await
        .unwrap();
    let found = admin.admin_accounts("org@example.jp").await.unwrap();
    assert!(found[0].last_login_at.is_some());
    assert!(
        admin.admin_accounts("root@example.jp").await.unwrap()[0]
            .last_login_at
            .is_some()
    );

    // Moved to another organizing body (audited); an organizer needs one; a physician's
    // account is not edited here; nobody but an admin edits.
    use domain::signin::AccountEdit;
    let edit = |body: &str| AccountEdit {
        display_name: "大阪市医師会 研修係".into(),
        prefecture: domain::Prefecture::from_code(27),
        organizer_body: Some(body.into()),
    };
    let moved = admin
        .admin_edit(created.id, &edit("大阪市医師会"))
        .await
        .unwrap();
    assert_eq!(moved.organizer_body.as_deref(), Some("大阪市医師会"));
    assert_eq!(moved.display_name, "大阪市医師会 研修係");
    let trail = admin.admin_trail(created.id).await.unwrap();
    assert!(trail.iter().any(|e| {
        e.action == "edited"
            && e.note
                .as_deref()
                .is_some_and(|n| n.contains("大阪府医師会"))
    }));
    let blank = admin.admin_edit(created.id, &edit(" ")).await.refused();
    assert_eq!(blank.fields(), ["organizer_body"]);
    let physician = app.physician_api("500001", "doc@example.jp").await;
    let me: domain::api::Me = physician.me().await.unwrap();
    let refused = admin.admin_edit(me.id, &edit("x")).await.refused();
    assert_eq!(refused.fields(), ["role"]);
    assert_eq!(
        physician
            .admin_edit(created.id, &edit("x"))
            .await
            .refused()
            .status,
        StatusCode::FORBIDDEN
    );
}
