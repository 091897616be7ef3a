//! Handbook declarations, the append-only ledger, CSV export, the QR code and contact details.

use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use server::entities::credit;

use crate::helpers::{TestApp, json, ledger, rendered, uid};

fn declaration(date: &str, units: &str) -> Value {
    json!({
        "date": date,
        "category": "occupational.lifelong.specialized",
        "units": units,
        "organizer_name": "京都府医師会",
        "note": "手帳 p.12"
    })
}

async fn declare(app: &TestApp, client: &Client, body: &Value) -> (StatusCode, Value) {
    json(
        client
            .post(app.url("/api/mypage/handbook"))
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn handbook_units_count_at_once_marked_not_yet_verified() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (status, entry) = declare(&app, &client, &declaration("2024-10-05", "2.5")).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    assert_eq!(entry["verification"], "pending");
    assert_eq!(entry["source"], "handbook");
    let entries = ledger(&app, &client).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["units"], 2.5);
}

#[tokio::test]
async fn a_handbook_date_after_march_2025_is_refused_with_an_explanation() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (status, body) = declare(&app, &client, &declaration("2025-04-01", "1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "after_cutoff");
    assert!(
        rendered(&body["error"]["fields"][0]["message"], domain::Lang::Ja).contains("主催者が登録")
    );
}

#[tokio::test]
async fn a_retried_declaration_is_recorded_once() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let mut body = declaration("2024-10-05", "1");
    body["client_ref"] = json!(uid("c0ffee-1"));
    let (first, a) = declare(&app, &client, &body).await;
    let (second, b) = declare(&app, &client, &body).await;
    assert_eq!((first, second), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(ledger(&app, &client).await.len(), 1);
}

#[tokio::test]
async fn editing_and_withdrawing_append_entries_and_rewrite_nothing() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (_, entry) = declare(&app, &client, &declaration("2024-10-05", "1")).await;
    let id = entry["id"].as_i64().unwrap();
    let (status, edited) = json(
        client
            .put(app.url(&format!("/api/mypage/handbook/{id}")))
            .json(&declaration("2024-10-06", "3"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let entries = ledger(&app, &client).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["units"], 3);
    assert_eq!(entries[0]["date"], "2024-10-06");
    // The first entry is still stored as it was.
    let original = credit::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(original.units_halves, 2);
    // The corrected entry can no longer be edited: only the newest one can.
    let stale = client
        .put(app.url(&format!("/api/mypage/handbook/{id}")))
        .json(&declaration("2024-10-06", "4"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    let new_id = edited["id"].as_i64().unwrap();
    let r = client
        .delete(app.url(&format!("/api/mypage/handbook/{new_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(ledger(&app, &client).await.is_empty());
    assert_eq!(
        credit::Entity::find().count(&app.db).await.unwrap(),
        3,
        "entry, correction, withdrawal"
    );
}

#[tokio::test]
async fn verified_handbook_units_cannot_be_changed_by_the_physician() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (_, entry) = declare(&app, &client, &declaration("2024-10-05", "1")).await;
    let id = entry["id"].as_i64().unwrap();
    app.db
        .execute_unprepared(&format!(
            "UPDATE credits SET verification = 'verified' WHERE id = {id}"
        ))
        .await
        .unwrap();
    let (status, body) = json(
        client
            .delete(app.url(&format!("/api/mypage/handbook/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        rendered(&body["error"]["fields"][0]["message"], domain::Lang::Ja)
            .contains("都道府県医師会")
    );
}

#[tokio::test]
async fn a_physician_cannot_touch_another_physicians_entries() {
    let app = TestApp::spawn().await;
    let owner = app.physician("123456", "taro@example.jp").await;
    let other = app.physician("654321", "hanako@example.jp").await;
    let (_, entry) = declare(&app, &owner, &declaration("2024-10-05", "1")).await;
    let id = entry["id"].as_i64().unwrap();
    let r = other
        .delete(app.url(&format!("/api/mypage/handbook/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(ledger(&app, &other).await.is_empty());
    assert_eq!(ledger(&app, &owner).await.len(), 1);
}

#[tokio::test]
async fn the_csv_export_opens_in_excel_with_japanese_headers() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    declare(&app, &client, &declaration("2024-10-05", "1.5")).await;
    let r = client
        .get(app.url("/api/mypage/credits.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("受講日,区分,科目,単位"));
    assert!(text.contains("2024-10-05,生涯研修（専門）,,1.5,対面,手帳,未確認"));
}

#[tokio::test]
async fn the_qr_code_is_signed_short_lived_and_verifiable_offline() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (status, qr) = json(client.get(app.url("/api/mypage/qr")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        qr["svg"].as_str().unwrap().starts_with("<?xml")
            || qr["svg"].as_str().unwrap().contains("<svg")
    );
    let (_, key) = json(
        app.client()
            .get(app.url("/api/qr/public-key"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let public = domain::qr::public_key_from_text(key["public_key"].as_str().unwrap()).unwrap();
    let token = qr["token"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = domain::qr::verify(&public, token, now).unwrap();
    assert_eq!(claims.registry_number, "123456");
    assert!(claims.exp <= now + 300);
    assert_eq!(
        domain::qr::verify(&public, token, now + 301),
        Err(domain::qr::QrError::Expired)
    );
    let tampered = token.replacen("N1.", "N1.x", 1);
    assert!(domain::qr::verify(&public, &tampered, now).is_err());
}

#[tokio::test]
async fn contact_details_are_editable_but_identity_is_not() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    let (status, body) = json(
        client
            .put(app.url("/api/mypage/profile"))
            .json(&json!({"workplace_name": "大阪工場", "phone": "abc"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "phone");
    let (status, profile) = json(
        client
            .put(app.url("/api/mypage/profile"))
            .json(&json!({"workplace_name": "大阪工場", "phone": "06-1234-5678", "registry_number": "999999"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["workplace_name"], "大阪工場");
    assert_eq!(profile["phone"], "06-1234-5678");
    assert_eq!(profile["registry_number"], "123456");
}

#[tokio::test]
async fn the_history_is_filtered_and_paged_on_the_server_with_totals_over_every_page() {
    let app = TestApp::spawn().await;
    let client = app.physician("123456", "taro@example.jp").await;
    for day in 1..=7 {
        declare(
            &app,
            &client,
            &declaration(&format!("2024-10-{day:02}"), "1"),
        )
        .await;
    }
    let mut sports = declaration("2024-11-01", "2");
    sports["category"] = json!("sports.refresher");
    declare(&app, &client, &sports).await;

    let (status, page) = json(
        client
            .get(app.url("/api/mypage/credits?per_page=3&page=2"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total_count"], 8);
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);
    assert_eq!(page["grand_total"], 9);
    // Newest first: page 2 of 3 starts with the fourth newest.
    assert_eq!(page["entries"][0]["date"], "2024-10-05");

    let (_, occupational) = json(
        client
            .get(app.url("/api/mypage/credits?certification=occupational&from=2024-10-03"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(occupational["total_count"], 5);
    assert_eq!(
        occupational["totals"][0]["category"],
        "occupational.lifelong.specialized"
    );
    assert_eq!(occupational["totals"][0]["units"], 5);
    let (status, body) = json(
        client
            .get(app.url("/api/mypage/credits?category=nonsense"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    let (status, body) = json(
        client
            .delete(app.url("/api/mypage/handbook/abc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
}
