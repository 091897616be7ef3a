//! The account's own security (password reset and change, e-mail change, devices, the idle
//! timeout, two-factor sign-in) and what an admin does to accounts, with the audit log that
//! records all of it.

use domain::Lang;
use domain::account::Role;
use domain::api::CreateUser;
use domain::signin::SessionStage;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

use crate::client::{Api, Refusal};
use crate::helpers::{STAFF_PASSWORD, TestApp};

const NEW_PASSWORD: &str = "a new passphrase 2026";

/// A TOTP code of `secret`, `offset` seconds from now.
fn code(secret: &str, offset: i64) -> String {
    let now = chrono::Utc::now().timestamp() + offset;
    server::security::totp_code(secret, u64::try_from(now).expect("after 1970")).expect("a code")
}

/// A physician who registered (nothing else), and their password.
async fn physician(app: &TestApp, registry: &str, email: &str) -> Api {
    app.registered_api(&crate::helpers::registration(registry, email))
        .await
}

const PHYSICIAN_PASSWORD: &str = "correct horse battery";

async fn signed_in(app: &TestApp, email: &str, password: &str) -> Api {
    let api = app.api();
    api.sign_in(email, password).await.expect("signed in");
    api
}

/// The id of the device session `api` itself is signed in with.
async fn own_device(api: &Api) -> String {
    let devices = api.devices().await.expect("devices");
    devices.into_iter().find(|d| d.current).expect("its own").id
}

#[tokio::test]
async fn password_reset_answers_alike_for_unknown_addresses_works_once_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let phone = physician(&app, "1100001", "reset@example.jp").await;
    let laptop = signed_in(&app, "reset@example.jp", PHYSICIAN_PASSWORD).await;

    // Whether the address has an account is not told.
    let anyone = app.api();
    anyone.request_reset("reset@example.jp").await.expect("202");
    anyone
        .request_reset("nobody@example.jp")
        .await
        .expect("202");
    assert!(app.subjects_to("nobody@example.jp").await.is_empty());

    let token = app
        .mailed_link("reset@example.jp", "/reset-password#")
        .await;
    let weak = anyone.confirm_reset(&token, "short").await.refused();
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    anyone
        .confirm_reset(&token, NEW_PASSWORD)
        .await
        .expect("the link sets a new password");

    // Used once; every session of the account ended; the old password no longer works.
    let again = anyone
        .confirm_reset(&token, "another passphrase 2026")
        .await
        .refused();
    assert_eq!(again.fields(), ["token"]);
    assert!(
        again
            .field_text(Lang::Ja)
            .contains("もう一度パスワードの再設定"),
        "{}",
        again.field_text(Lang::Ja)
    );
    assert_eq!(phone.me().await.refused().status, StatusCode::UNAUTHORIZED);
    assert_eq!(laptop.me().await.refused().status, StatusCode::UNAUTHORIZED);
    let old = app
        .api()
        .sign_in("reset@example.jp", PHYSICIAN_PASSWORD)
        .await
        .refused();
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    signed_in(&app, "reset@example.jp", NEW_PASSWORD).await;
    assert!(
        app.subjects_to("reset@example.jp")
            .await
            .iter()
            .any(|s| s.contains("パスワードが変更されました"))
    );
}

#[tokio::test]
async fn a_reset_link_lasts_one_hour_and_is_stored_hashed() {
    let app = TestApp::spawn().await;
    physician(&app, "1100002", "late@example.jp").await;
    app.api()
        .request_reset("late@example.jp")
        .await
        .expect("202");
    let token = app.mailed_link("late@example.jp", "/reset-password#").await;
    let stored = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT token_hash FROM email_tokens",
        ))
        .await
        .expect("tokens");
    for row in stored {
        let hash: String = row.try_get("", "token_hash").expect("a hash");
        assert_ne!(hash, token, "the token itself is never stored");
    }
    app.db
        .execute_unprepared(
            "UPDATE email_tokens SET expires_at = created_at WHERE purpose = 'reset_password'",
        )
        .await
        .expect("the link ages");
    let late = app
        .api()
        .confirm_reset(&token, NEW_PASSWORD)
        .await
        .refused();
    assert_eq!(late.fields(), ["token"]);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let phone = physician(&app, "1100003", "change@example.jp").await;
    let laptop = signed_in(&app, "change@example.jp", PHYSICIAN_PASSWORD).await;

    let wrong = phone
        .change_password("not my password", NEW_PASSWORD)
        .await
        .refused();
    assert_eq!(wrong.fields(), ["current"]);
    let same = phone
        .change_password(PHYSICIAN_PASSWORD, PHYSICIAN_PASSWORD)
        .await
        .refused();
    assert_eq!(same.fields(), ["password"]);

    let answer = phone
        .change_password(PHYSICIAN_PASSWORD, NEW_PASSWORD)
        .await
        .expect("changed");
    assert_eq!(answer.stage, SessionStage::Full);
    phone.me().await.expect("this device stays signed in");
    assert_eq!(laptop.me().await.refused().status, StatusCode::UNAUTHORIZED);
    signed_in(&app, "change@example.jp", NEW_PASSWORD).await;
}

#[tokio::test]
async fn a_new_email_address_counts_once_its_link_is_opened_and_the_old_one_is_told() {
    let app = TestApp::spawn().await;
    let api = physician(&app, "1100004", "old@example.jp").await;
    let wrong = api
        .change_email("not my password", "new@example.jp")
        .await
        .refused();
    assert_eq!(wrong.fields(), ["password"]);
    physician(&app, "1100005", "taken@example.jp").await;
    let taken = api
        .change_email(PHYSICIAN_PASSWORD, "taken@example.jp")
        .await
        .refused();
    assert_eq!(taken.fields(), ["email"]);

    api.change_email(PHYSICIAN_PASSWORD, "New@Example.jp")
        .await
        .expect("asked");
    assert!(
        app.subjects_to("old@example.jp")
            .await
            .iter()
            .any(|s| s.contains("メールアドレス変更の申し込み")),
        "the old address is told"
    );
    assert_eq!(api.me().await.expect("me").email, "old@example.jp");
    let token = app.mailed_link("new@example.jp", "/confirm-email#").await;
    app.api()
        .confirm_email_change(&token)
        .await
        .expect("confirmed");
    assert_eq!(api.me().await.expect("me").email, "new@example.jp");
    app.api().confirm_email_change(&token).await.refused();
    signed_in(&app, "new@example.jp", PHYSICIAN_PASSWORD).await;
}

#[tokio::test]
async fn signed_in_devices_are_listed_and_any_or_all_can_be_ended() {
    let app = TestApp::spawn().await;
    let phone = physician(&app, "1100006", "devices@example.jp").await;
    let laptop = signed_in(&app, "devices@example.jp", PHYSICIAN_PASSWORD).await;
    let tablet = signed_in(&app, "devices@example.jp", PHYSICIAN_PASSWORD).await;

    let list = phone.devices().await.expect("devices");
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|d| d.current).count(), 1);
    let laptop_id = own_device(&laptop).await;
    phone.end_device(&laptop_id).await.expect("ended");
    assert_eq!(laptop.me().await.refused().status, StatusCode::UNAUTHORIZED);
    tablet.me().await.expect("the tablet is still in");

    // Another account cannot end this account's sessions, even knowing the id.
    let stranger = physician(&app, "1100007", "stranger@example.jp").await;
    let tablet_id = own_device(&tablet).await;
    assert_eq!(
        stranger.end_device(&tablet_id).await.refused().status,
        StatusCode::NOT_FOUND
    );
    tablet.me().await.expect("still in");

    phone.end_other_devices().await.expect("ended");
    assert_eq!(tablet.me().await.refused().status, StatusCode::UNAUTHORIZED);
    assert_eq!(phone.devices().await.expect("devices").len(), 1);
}

#[tokio::test]
async fn a_session_unused_for_the_idle_time_ends() {
    let app = TestApp::spawn_configured(false, |s| s.idle_minutes = 30).await;
    let api = physician(&app, "1100008", "idle@example.jp").await;
    api.me().await.expect("in");
    app.db
        .execute_unprepared(&format!(
            "UPDATE auth_sessions SET last_seen_at = '{}', created_at = '{}'",
            (chrono::Utc::now() - chrono::Duration::minutes(31)).to_rfc3339(),
            (chrono::Utc::now() - chrono::Duration::minutes(40)).to_rfc3339(),
        ))
        .await
        .expect("time passes");
    assert_eq!(api.me().await.refused().status, StatusCode::UNAUTHORIZED);
}

/// Turns two-factor sign-in on for `api`: the secret and the recovery codes.
async fn two_factor_on(api: &Api) -> (String, Vec<String>) {
    let setup = api.start_two_factor().await.expect("a secret");
    assert!(setup.uri.starts_with("otpauth://totp/"));
    assert!(setup.qr_svg.contains("<svg"));
    let wrong = api.enable_two_factor("000000").await.refused();
    assert_eq!(wrong.fields(), ["code"]);
    let on = api
        .enable_two_factor(&code(&setup.secret, 0))
        .await
        .expect("on");
    assert_eq!(on.codes.len(), 10);
    (setup.secret, on.codes)
}

#[tokio::test]
async fn two_factor_sign_in_asks_for_a_code_refuses_a_replayed_one_and_takes_a_recovery_code_once()
{
    let app = TestApp::spawn().await;
    let api = physician(&app, "1100009", "totp@example.jp").await;
    let (secret, recovery) = two_factor_on(&api).await;
    assert!(api.account().await.expect("account").two_factor);

    let next = app.api();
    let answer = next
        .sign_in("totp@example.jp", PHYSICIAN_PASSWORD)
        .await
        .expect("password right");
    assert_eq!(answer.stage, SessionStage::TwoFactor);
    // Before the code: nothing but the second step.
    let waiting = next.my_page().await.refused();
    assert_eq!(waiting.status, StatusCode::FORBIDDEN);
    assert_eq!(waiting.error.code, "two_factor_required");
    assert!(next.account().await.is_err());
    let wrong = next.second_factor("123456").await.refused();
    assert_eq!(wrong.fields(), ["code"]);
    // The step after the one used to turn it on (a code is taken once).
    let fresh = code(&secret, 30);
    let answer = next.second_factor(&fresh).await.expect("signed in");
    assert_eq!(answer.stage, SessionStage::Full);
    next.my_page().await.expect("My Page");

    // Someone who saw the code over the shoulder cannot use it again.
    let thief = app.api();
    thief
        .sign_in("totp@example.jp", PHYSICIAN_PASSWORD)
        .await
        .expect("password");
    thief.second_factor(&fresh).await.refused();

    // A recovery code works once.
    let lost_phone = app.api();
    lost_phone
        .sign_in("totp@example.jp", PHYSICIAN_PASSWORD)
        .await
        .expect("password");
    lost_phone
        .second_factor(&recovery[0].to_uppercase())
        .await
        .expect("recovery code");
    assert_eq!(
        lost_phone
            .account()
            .await
            .expect("account")
            .recovery_codes_left,
        9
    );
    let again = app.api();
    again
        .sign_in("totp@example.jp", PHYSICIAN_PASSWORD)
        .await
        .expect("password");
    again.second_factor(&recovery[0]).await.refused();

    // Turning it off needs the password and a code; then a password alone signs in.
    api.disable_two_factor(PHYSICIAN_PASSWORD, &recovery[1])
        .await
        .expect("off");
    let plain = app
        .api()
        .sign_in("totp@example.jp", PHYSICIAN_PASSWORD)
        .await
        .expect("signed in");
    assert_eq!(plain.stage, SessionStage::Full);
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let app = TestApp::spawn().await;
    let api = physician(&app, "1100010", "guess@example.jp").await;
    two_factor_on(&api).await;
    let guesser = app.api();
    guesser
        .sign_in("guess@example.jp", PHYSICIAN_PASSWORD)
        .await
        .expect("password");
    let mut statuses = Vec::new();
    for n in 0..6 {
        let r = guesser.second_factor(&format!("{:06}", 111_111 * n)).await;
        statuses.push(r.refused().status);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn staff_must_set_up_two_factor_sign_in_before_anything_else() {
    let app = TestApp::spawn_configured(false, |s| s.staff_two_factor = true).await;
    app.staff(Role::PrefecturalStaff, "kyoto.staff@example.jp")
        .await;
    let staff = app.api();
    let answer = staff
        .sign_in("kyoto.staff@example.jp", STAFF_PASSWORD)
        .await
        .expect("password");
    assert_eq!(answer.stage, SessionStage::Setup);
    let queue = staff.get_raw("/api/review/applications").await.0;
    assert_eq!(queue, StatusCode::FORBIDDEN);
    let me = staff.me().await.expect("me answers at every stage");
    assert_eq!(me.stage, SessionStage::Setup);
    let view = staff.account().await.expect("the account page");
    assert!(view.two_factor_required && !view.two_factor);

    let (secret, _) = two_factor_on(&staff).await;
    assert_eq!(staff.me().await.expect("me").stage, SessionStage::Full);
    assert_eq!(
        staff.get_raw("/api/review/applications").await.0,
        StatusCode::OK
    );
    let off = staff
        .disable_two_factor(STAFF_PASSWORD, &code(&secret, 30))
        .await
        .refused();
    assert_eq!(off.status, StatusCode::CONFLICT);

    // Physicians may sign in with a password alone.
    let p = physician(&app, "1100011", "plain@example.jp").await;
    p.my_page().await.expect("My Page");
}

#[tokio::test]
async fn an_account_an_admin_made_chooses_its_own_password_at_the_first_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    admin
        .create_user(&CreateUser {
            role: Role::Organizer,
            email: "organizer@example.jp".into(),
            display_name: "京都府医師会 研修係".into(),
            password: "temporary password 2026".into(),
            prefecture: Some(domain::Prefecture::KYOTO),
            organizer_body: Some("京都府医師会".into()),
        })
        .await
        .expect("created");
    let organizer = app.api();
    let answer = organizer
        .sign_in("organizer@example.jp", "temporary password 2026")
        .await
        .expect("password");
    assert_eq!(answer.stage, SessionStage::Setup);
    assert!(
        organizer
            .account()
            .await
            .expect("account")
            .must_change_password
    );
    assert_eq!(
        organizer.my_sessions().await.refused().error.code,
        "setup_required"
    );
    let answer = organizer
        .change_password("temporary password 2026", NEW_PASSWORD)
        .await
        .expect("changed");
    assert_eq!(answer.stage, SessionStage::Full);
    organizer
        .my_sessions()
        .await
        .expect("the organizer's sessions");
}

#[tokio::test]
async fn an_admin_finds_disables_enables_and_resets_accounts_and_reads_what_happened() {
    let app = TestApp::spawn().await;
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    let victim = physician(&app, "1100012", "someone@example.jp").await;

    let found = admin.admin_accounts("someone").await.expect("search");
    assert_eq!(found.len(), 1);
    let id = found[0].id;
    assert_eq!(found[0].role, Role::Physician);

    // Only admins.
    assert_eq!(
        victim.admin_accounts("").await.refused().status,
        StatusCode::FORBIDDEN
    );

    let disabled = admin.admin_set_disabled(id, true).await.expect("disabled");
    assert!(disabled.disabled);
    assert_eq!(victim.me().await.refused().status, StatusCode::UNAUTHORIZED);
    let locked = app
        .api()
        .sign_in("someone@example.jp", PHYSICIAN_PASSWORD)
        .await
        .refused();
    assert_eq!(locked.error.code, "locked");
    admin.admin_set_disabled(id, false).await.expect("enabled");
    let back = signed_in(&app, "someone@example.jp", PHYSICIAN_PASSWORD).await;

    let me = admin.me().await.expect("me").id;
    assert_eq!(
        admin.admin_set_disabled(me, true).await.refused().status,
        StatusCode::CONFLICT
    );

    admin.admin_force_reset(id).await.expect("forced");
    assert_eq!(back.me().await.refused().status, StatusCode::UNAUTHORIZED);
    app.api()
        .sign_in("someone@example.jp", PHYSICIAN_PASSWORD)
        .await
        .refused();
    let token = app
        .mailed_link("someone@example.jp", "/reset-password#")
        .await;
    app.api()
        .confirm_reset(&token, NEW_PASSWORD)
        .await
        .expect("the owner chooses");
    signed_in(&app, "someone@example.jp", NEW_PASSWORD).await;

    let trail: Vec<String> = admin
        .admin_trail(id)
        .await
        .expect("trail")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "registered",
        "login",
        "disabled",
        "enabled",
        "password_reset_forced",
        "password_reset",
    ] {
        assert!(trail.iter().any(|a| a == action), "{action} in {trail:?}");
    }
    let by_admin = admin
        .admin_audit(&format!("actor={me}&entity=user&entity_id={id}"))
        .await
        .expect("audit");
    assert!(by_admin.iter().all(|e| e.actor == Some(me)));
    assert!(by_admin.iter().any(|e| e.action == "disabled"));
    assert!(
        by_admin
            .iter()
            .all(|e| e.actor_email.as_deref() == Some("admin@example.jp"))
    );
}

#[tokio::test]
async fn the_audit_log_covers_logins_sessions_posting_links_documents_profiles_and_imports() {
    let app = TestApp::spawn().await;
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    app.api()
        .sign_in("admin@example.jp", "a wrong password")
        .await
        .refused();
    let physician = app.physician_api("1100013", "audited@example.jp").await;
    physician
        .update_profile(&domain::api::ContactForm {
            phone: "075-123-4567".into(),
            workplace_name: "京都産業保健センター".into(),
        })
        .await
        .expect("profile");
    let doc = physician
        .upload(
            domain::application::DocumentKind::MedicalLicence,
            "memo.pdf",
            crate::helpers::LICENCE_PDF,
        )
        .await
        .expect("upload");
    physician
        .get_raw(&format!("/api/documents/{}", doc.id))
        .await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = organizer
        .create_session(&crate::helpers::session_form(""))
        .await
        .expect("session");
    organizer
        .create_door_link(
            session.id,
            &domain::api::NewDoorLink {
                label: "受付2".into(),
                hours: 4,
            },
        )
        .await
        .expect("link");

    let today = chrono::Utc::now().date_naive();
    let actions: Vec<(String, String)> = admin
        .admin_audit(&format!("from={}", today - chrono::Duration::days(1)))
        .await
        .expect("audit")
        .into_iter()
        .map(|e| (e.entity, e.action))
        .collect();
    for (entity, action) in [
        ("user", "login"),
        ("user", "login_failed"),
        ("user", "registered"),
        ("user", "profile_changed"),
        ("document", "uploaded"),
        ("document", "downloaded"),
        ("session", "created"),
        ("session", "door_link_created"),
    ] {
        assert!(
            actions.iter().any(|(e, a)| e == entity && a == action),
            "{entity} {action} in {actions:?}"
        );
    }
    let none = admin
        .admin_audit(&format!("to={}", today - chrono::Duration::days(2)))
        .await
        .expect("audit");
    assert!(none.is_empty());
}
