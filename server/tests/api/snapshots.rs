//! Representative answers pinned as snapshots (ids and times redacted), so a change to what a
//! client receives is seen in review. Update with `INSTA_UPDATE=always cargo test -p server`.

use domain::api::{HandbookRequest, ScanRequest};
use domain::ledger::HandbookForm;
use domain::sessions::{ScanKind, SessionForm};
use insta::assert_json_snapshot;

use crate::client::Refusal;
use crate::helpers::{TestApp, registration, uid};

#[tokio::test]
async fn a_refused_registration_lists_each_field_with_a_catalogue_key() {
    let app = TestApp::spawn().await;
    let mut form = registration("12x", "not-an-email");
    form.name_kana = "Yamada".into();
    let refused = app.api().register(&form).await.refused();
    assert_json_snapshot!(refused.error);
}

#[tokio::test]
async fn a_handbook_entry_as_my_page_shows_it() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let entry = physician
        .declare(&HandbookRequest {
            form: HandbookForm {
                date: "2024-10-05".into(),
                category: "occupational.basic.early".into(),
                subject: "mental_health".into(),
                units: "1.5".into(),
                organizer_name: "京都府医師会".into(),
                note: "手帳 p.3".into(),
                delivery: String::new(),
            },
            client_ref: Some(uid("snap-1")),
        })
        .await
        .unwrap();
    assert_json_snapshot!(entry, { ".id" => "[id]" });
}

#[tokio::test]
async fn a_scan_answers_who_was_recorded_and_when() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let organizer = app
        .staff_api(domain::account::Role::Organizer, "org@example.jp")
        .await;
    let today = domain::dates::today_jst(chrono::Utc::now());
    let session = organizer
        .create_session(&SessionForm {
            title: "スナップショット研修会".into(),
            category: "occupational.lifelong.update".into(),
            units: "2".into(),
            date: today.to_string(),
            starts_at: "00:00".into(),
            ends_at: "23:59".into(),
            venue: "京都府医師会館".into(),
            prefecture: "26".into(),
            capacity: "10".into(),
            ..SessionForm::default()
        })
        .await
        .unwrap();
    assert_json_snapshot!("session", session, { ".id" => "[id]", ".date" => "[today]", ".designation_number" => "[26-year-sequence]" });
    let result = organizer
        .scan(
            session.id,
            &ScanRequest {
                client_id: uid("snap-scan"),
                kind: ScanKind::Out,
                at: chrono::Utc::now(),
                token: None,
                registry_number: Some("123456".into()),
                birth_date: None,
                confirm_unknown: false,
            },
        )
        .await
        .unwrap();
    assert_json_snapshot!("scan", result, { ".scan_id" => "[id]", ".at" => "[now]" });
}
