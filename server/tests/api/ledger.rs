//! Handbook declarations, the append-only ledger, CSV export, the QR code and contact details.

use domain::api::{ContactForm, HandbookRequest, Verification};
use domain::ledger::HandbookForm;
use domain::{Category, Lang, Source, Units};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use server::entities::credit;

use crate::client::{Api, Refusal};
use crate::helpers::{TestApp, uid};

fn declaration(date: &str, units: &str) -> HandbookRequest {
    HandbookRequest {
        form: HandbookForm {
            date: date.into(),
            category: "occupational.lifelong.specialized".into(),
            subject: String::new(),
            units: units.into(),
            organizer_name: "京都府医師会".into(),
            note: "手帳 p.12".into(),
            delivery: String::new(),
        },
        client_ref: None,
    }
}

async fn ledger_len(api: &Api) -> usize {
    api.my_page().await.unwrap().ledger.len()
}

#[tokio::test]
async fn handbook_units_count_at_once_marked_not_yet_verified() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let entry = physician
        .declare(&declaration("2024-10-05", "2.5"))
        .await
        .unwrap();
    assert_eq!(entry.verification, Some(Verification::Pending));
    assert_eq!(entry.source, Source::Handbook);
    let ledger = physician.my_page().await.unwrap().ledger;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].units, Units::from_halves(5));
}

#[tokio::test]
async fn a_handbook_date_after_march_2025_is_refused_with_an_explanation() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let refused = physician
        .declare(&declaration("2025-04-01", "1"))
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.field_codes(), ["after_cutoff"]);
    assert!(refused.field_text(Lang::Ja).contains("主催者が登録"));
    assert!(refused.field_text(Lang::Ja).contains("2025年3月31日"));
}

#[tokio::test]
async fn a_retried_declaration_is_recorded_once() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let mut req = declaration("2024-10-05", "1");
    req.client_ref = Some(uid("c0ffee-1"));
    let a = physician.declare(&req).await.unwrap();
    let b = physician.declare(&req).await.unwrap();
    assert_eq!(a.id, b.id);
    assert_eq!(ledger_len(&physician).await, 1);
}

#[tokio::test]
async fn editing_and_withdrawing_append_entries_and_rewrite_nothing() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let entry = physician
        .declare(&declaration("2024-10-05", "1"))
        .await
        .unwrap();
    let edited = physician
        .correct_handbook(entry.id, &declaration("2024-10-06", "3"))
        .await
        .unwrap();
    let ledger = physician.my_page().await.unwrap().ledger;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].units, Units::whole(3));
    assert_eq!(ledger[0].date.to_string(), "2024-10-06");
    // The first entry is still stored as it was.
    let original = credit::Entity::find_by_id(entry.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(original.units_halves, 2);
    // The corrected entry can no longer be edited: only the newest one can.
    let stale = physician
        .correct_handbook(entry.id, &declaration("2024-10-06", "4"))
        .await
        .refused();
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
    physician.withdraw_handbook(edited.id).await.unwrap();
    assert_eq!(ledger_len(&physician).await, 0);
    assert_eq!(
        credit::Entity::find().count(&app.db).await.unwrap(),
        3,
        "entry, correction, withdrawal"
    );
}

#[tokio::test]
async fn verified_handbook_units_cannot_be_changed_by_the_physician() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let entry = physician
        .declare(&declaration("2024-10-05", "1"))
        .await
        .unwrap();
    app.db
        .execute_unprepared(&format!(
            "UPDATE credits SET verification = 'verified' WHERE id = {}",
            entry.id
        ))
        .await
        .unwrap();
    let refused = physician.withdraw_handbook(entry.id).await.refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.field_text(Lang::Ja).contains("都道府県医師会"));
}

#[tokio::test]
async fn a_physician_cannot_touch_another_physicians_entries() {
    let app = TestApp::spawn().await;
    let owner = app.physician_api("123456", "taro@example.jp").await;
    let other = app.physician_api("654321", "hanako@example.jp").await;
    let entry = owner
        .declare(&declaration("2024-10-05", "1"))
        .await
        .unwrap();
    let refused = other.withdraw_handbook(entry.id).await.refused();
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(ledger_len(&other).await, 0);
    assert_eq!(ledger_len(&owner).await, 1);
}

#[tokio::test]
async fn the_csv_export_opens_in_excel_with_japanese_headers() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    physician
        .declare(&declaration("2024-10-05", "1.5"))
        .await
        .unwrap();
    let (status, headers, bytes) = physician.get_raw("/api/mypage/credits.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("受講日,区分,科目,単位"));
    assert!(text.contains("2024-10-05,生涯研修（専門）,,1.5,対面,手帳,未確認"));
    let (_, _, english) = physician.get_raw("/api/mypage/credits.csv?lang=en").await;
    let english = String::from_utf8(english[3..].to_vec()).unwrap();
    assert!(
        english.starts_with("Date,Category,Subject,Units"),
        "{english}"
    );
    // The file holds what the screen shows: the history's filters apply, empty ones do not.
    physician
        .declare(&declaration("2023-06-01", "2"))
        .await
        .unwrap();
    let lines = async |query: &str| {
        let (status, _, bytes) = physician
            .get_raw(&format!("/api/mypage/credits.csv?{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{query}");
        String::from_utf8(bytes[3..].to_vec())
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!(lines("").await, 2);
    assert_eq!(lines("from=2024-01-01").await, 1);
    assert_eq!(
        lines("to=2023-12-31&category=occupational.lifelong.specialized").await,
        1
    );
    assert_eq!(lines("certification=sports").await, 0);
    assert_eq!(lines("from=&to=&certification=&category=&lang=ja").await, 2);
}

#[tokio::test]
async fn the_qr_code_is_signed_short_lived_and_verifiable_offline() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let qr = physician.qr().await.unwrap();
    assert!(qr.svg.starts_with("<?xml") || qr.svg.contains("<svg"));
    let (_, _, key) = app.api().get_raw("/api/qr/public-key").await;
    let key: serde_json::Value = serde_json::from_slice(&key).unwrap();
    let public = domain::qr::public_key_from_text(key["public_key"].as_str().unwrap()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = domain::qr::verify(&public, &qr.token, now).unwrap();
    assert_eq!(claims.registry_number, "123456");
    assert!(claims.exp <= now + 300);
    assert_eq!(
        domain::qr::verify(&public, &qr.token, now + 301),
        Err(domain::qr::QrError::Expired)
    );
    let tampered = qr.token.replacen("N1.", "N1.x", 1);
    assert!(domain::qr::verify(&public, &tampered, now).is_err());
}

#[tokio::test]
async fn contact_details_are_editable_but_identity_is_not() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let refused = physician
        .update_profile(&ContactForm {
            workplace_name: "大阪工場".into(),
            phone: "abc".into(),
        })
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["phone"]);
    // An unknown field (the registry number) is ignored: identity changes by application only.
    let (status, _, body) = {
        let r = physician
            .http()
            .put(format!("{}/api/mypage/profile", app.address))
            .json(&serde_json::json!({"workplace_name": "大阪工場", "phone": "06-1234-5678", "registry_number": "999999"}))
            .send()
            .await
            .unwrap();
        (r.status(), (), r.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    let profile: domain::api::PhysicianProfile = serde_json::from_str(&body).unwrap();
    assert_eq!(profile.workplace_name.as_deref(), Some("大阪工場"));
    assert_eq!(profile.phone.as_deref(), Some("06-1234-5678"));
    assert_eq!(profile.registry_number, "123456");
}

#[tokio::test]
async fn the_history_is_filtered_and_paged_on_the_server_with_totals_over_every_page() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    for day in 1..=7 {
        physician
            .declare(&declaration(&format!("2024-10-{day:02}"), "1"))
            .await
            .unwrap();
    }
    let mut sports = declaration("2024-11-01", "2");
    sports.form.category = "sports.refresher".into();
    physician.declare(&sports).await.unwrap();

    let page = physician.history("per_page=3&page=2").await.unwrap();
    assert_eq!(page.total_count, 8);
    assert_eq!(page.entries.len(), 3);
    assert_eq!(page.grand_total, Units::whole(9));
    // Newest first: page 2 of 3 starts with the fourth newest.
    assert_eq!(page.entries[0].date.to_string(), "2024-10-05");

    let occupational = physician
        .history("certification=occupational&from=2024-10-03")
        .await
        .unwrap();
    assert_eq!(occupational.total_count, 5);
    assert_eq!(
        occupational.totals[0].category,
        Category::OccupationalLifelongSpecialized
    );
    assert_eq!(occupational.totals[0].units, Units::whole(5));
    let refused = physician.history("category=nonsense").await.refused();
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error.code, "bad_request");
    let r = physician
        .http()
        .delete(format!("{}/api/mypage/handbook/abc", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: domain::api::ErrorBody = r.json().await.unwrap();
    assert_eq!(body.error.code, "bad_request");
}

#[tokio::test]
async fn a_handbook_entry_says_whether_it_was_attended_online() {
    let app = TestApp::spawn().await;
    let physician = app.physician_api("123457", "online@example.jp").await;
    let mut online = declaration("2024-06-01", "2");
    online.form.delivery = "online".into();
    physician.declare(&online).await.unwrap();
    let on = |page: &domain::api::MyPage, day: &str| {
        page.ledger
            .iter()
            .find(|e| e.date.to_string() == day)
            .map(|e| e.delivery)
    };
    let page = physician.my_page().await.unwrap();
    assert_eq!(on(&page, "2024-06-01"), Some(domain::Delivery::Online));
    // Left empty, as older clients send it: in person.
    physician
        .declare(&declaration("2024-06-02", "1"))
        .await
        .unwrap();
    let page = physician.my_page().await.unwrap();
    assert_eq!(on(&page, "2024-06-02"), Some(domain::Delivery::InPerson));
    let mut bad = declaration("2024-06-03", "1");
    bad.form.delivery = "by post".into();
    let refused = physician.declare(&bad).await.refused();
    assert_eq!(refused.fields(), ["delivery"]);
}
