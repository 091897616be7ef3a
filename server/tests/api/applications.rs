//! Applications: submission against the engine, uploads, the review workflow as a state machine,
//! approval, the outbox and the audit trail.

use chrono::{Days, NaiveDate, Utc};
use domain::Prefecture;
use domain::account::Role;
use domain::ledger::EntryKind;
use domain::{Category, Delivery, Source};
use reqwest::{Client, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use server::entities::{Code, certificate, certificate_period, credit, document, physician};

use crate::client::Refusal;
use crate::helpers::{TestApp, json, my_page, rendered, uid};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

fn today() -> NaiveDate {
    domain::dates::today_jst(Utc::now())
}

async fn user_id(app: &TestApp, registry: &str) -> i32 {
    physician::Entity::find()
        .filter(physician::Column::RegistryNumber.eq(registry))
        .one(&app.db)
        .await
        .unwrap()
        .expect("registered")
        .user_id
}

/// An occupational certificate expiring in 60 days.
async fn certificate_expiring(app: &TestApp, physician_id: i32) -> (NaiveDate, NaiveDate) {
    let until = today() + Days::new(60);
    let from = until - Days::new(5 * 365) + Days::new(1);
    let cert = certificate::ActiveModel {
        physician_id: Set(physician_id),
        certification: Set(Code(domain::Certification::Occupational)),
        number: Set(format!("S{:06}", 200_000 + physician_id)),
        first_certified: Set(from),
        valid_from: Set(from),
        valid_until: Set(until),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    certificate_period::ActiveModel {
        certificate_id: Set(cert.id),
        valid_from: Set(from),
        valid_until: Set(until),
        granted_by: Set("new".into()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    (from, until)
}

/// Organizer-registered lifelong credits: 10 update, 5 practical, 5 specialised.
async fn system_credits(app: &TestApp, physician_id: i32, registry: &str) {
    for (category, units) in [
        (Category::OccupationalLifelongUpdate, 10),
        (Category::OccupationalLifelongPractical, 5),
        (Category::OccupationalLifelongSpecialized, 5),
    ] {
        credit::ActiveModel {
            physician_id: Set(Some(physician_id)),
            registry_number: Set(registry.into()),
            date: Set(today() - Days::new(200)),
            category: Set(Code(category)),
            subject: Set(None),
            units_halves: Set(units * 2),
            delivery: Set(Code(Delivery::InPerson)),
            source: Set(Code(Source::System)),
            created_at: Set(Utc::now()),
            kind: Set(Code(EntryKind::Entry)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
}

/// A physician ready to renew with organizer-registered units.
async fn ready_to_renew(app: &TestApp, registry: &str, email: &str) -> (Client, i32) {
    let client = app.physician(registry, email).await;
    let id = user_id(app, registry).await;
    certificate_expiring(app, id).await;
    system_credits(app, id, registry).await;
    (client, id)
}

async fn staff(app: &TestApp, role: Role, email: &str, prefecture: Prefecture) -> Client {
    app.staff_in(role, email, prefecture).await
}

fn renewal(client_ref: &str, documents: &[i64]) -> Value {
    json!({
        "kind": "renewal",
        "certification": "occupational",
        "documents": documents,
        "client_ref": uid(client_ref),
    })
}

async fn post(app: &TestApp, client: &Client, path: &str, body: &Value) -> (StatusCode, Value) {
    json(client.post(app.url(path)).json(body).send().await.unwrap()).await
}

async fn act(app: &TestApp, client: &Client, id: i64, action: Value) -> (StatusCode, Value) {
    post(
        app,
        client,
        &format!("/api/review/applications/{id}/actions"),
        &action,
    )
    .await
}

async fn upload(
    app: &TestApp,
    client: &Client,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    json(
        client
            .post(app.url("/api/documents"))
            .query(&[("kind", kind), ("name", name)])
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn codes(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_renewal_is_refused_while_the_engine_says_not_eligible() {
    let app = TestApp::spawn().await;
    let client = app.physician("300001", "a@example.jp").await;
    let id = user_id(&app, "300001").await;
    certificate_expiring(&app, id).await;
    let (status, body) = post(&app, &client, "/api/applications", &renewal("r1", &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        codes(&body).contains(&"lifelong.total".to_owned()),
        "{body}"
    );
    assert!(
        rendered(&body["error"]["fields"][0]["message"], domain::Lang::Ja).contains("マイページ")
    );
    let (status, _) = post(
        &app,
        &client,
        "/api/applications",
        &json!({"kind": "renewal", "certification": "sports"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no sports certificate to renew"
    );
}

#[tokio::test]
async fn two_submissions_at_once_with_one_reference_make_one_application() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300012", "twice@example.jp").await;
    let body = renewal("twice", &[]);
    let ((a, first), (b, second)) = tokio::join!(
        post(&app, &client, "/api/applications", &body),
        post(&app, &client, "/api/applications", &body)
    );
    assert_eq!(a, StatusCode::CREATED, "{first}");
    assert_eq!(b, StatusCode::CREATED, "{second}");
    assert_eq!(first["summary"]["id"], second["summary"]["id"]);
}

#[tokio::test]
async fn a_renewal_goes_from_submission_to_approval_and_my_page_shows_the_new_period() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300002", "b@example.jp").await;
    let (status, detail) = post(&app, &client, "/api/applications", &renewal("r2", &[])).await;
    assert_eq!(status, StatusCode::CREATED, "{detail}");
    let id = detail["summary"]["id"].as_i64().unwrap();
    assert_eq!(detail["summary"]["status"], "submitted");
    assert_eq!(detail["decision"]["eligible"], true);
    assert_eq!(detail["credits"].as_array().unwrap().len(), 3);
    assert_eq!(detail["fee_yen"], 10000);
    assert!(detail["round"]["jma_deadline"].is_string());

    // A retried submission answers the first application.
    let (status, again) = post(&app, &client, "/api/applications", &renewal("r2", &[])).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["summary"]["id"].as_i64(), Some(id));

    let kyoto = staff(
        &app,
        Role::PrefecturalStaff,
        "kyoto@example.jp",
        Prefecture::KYOTO,
    )
    .await;
    let (status, body) = act(&app, &kyoto, id, json!({"action": "forward"})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the fee is missing"
    );
    assert_eq!(codes(&body), ["fee"]);
    let (status, body) = act(
        &app,
        &kyoto,
        id,
        json!({"action": "record_fee", "paid_on": today(), "channel": "bank_transfer"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = act(&app, &kyoto, id, json!({"action": "forward"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["summary"]["status"], "forwarded");

    let jma = staff(&app, Role::JmaStaff, "jma@example.jp", Prefecture::TOKYO).await;
    let (status, body) = act(&app, &jma, id, json!({"action": "approve"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["summary"]["status"], "approved");
    let granted_until = body["granted"]["period"]["valid_until"]
        .as_str()
        .unwrap()
        .to_owned();

    let page = my_page(&app, &client).await;
    let cert = &page["certificates"][0];
    assert_eq!(cert["current"]["valid_until"], granted_until.as_str());
    assert_eq!(cert["periods"].as_array().unwrap().len(), 2);
    assert!(
        page["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["consumed_by"].as_i64() == Some(id)),
        "every unit the renewal used is consumed"
    );

    let (_, detail) = json(
        client
            .get(app.url(&format!("/api/applications/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let steps: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["submit", "record_fee", "forward", "approve"]);

    let admin = staff(&app, Role::Admin, "admin@example.jp", Prefecture::TOKYO).await;
    let (_, mails) = json(
        admin
            .get(app.url("/api/admin/outbox"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let subjects: Vec<&str> = mails
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == "b@example.jp")
        .map(|m| m["subject"].as_str().unwrap())
        .filter(|s| s.contains("申請"))
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(subjects[0].contains("承認"));
}

#[tokio::test]
async fn no_illegal_transition_is_possible_through_the_api() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300003", "c@example.jp").await;
    let (_, detail) = post(&app, &client, "/api/applications", &renewal("r3", &[])).await;
    let id = detail["summary"]["id"].as_i64().unwrap();
    let kyoto = staff(
        &app,
        Role::PrefecturalStaff,
        "kyoto@example.jp",
        Prefecture::KYOTO,
    )
    .await;
    let jma = staff(&app, Role::JmaStaff, "jma@example.jp", Prefecture::TOKYO).await;

    // Wrong actor: 403 whatever the state.
    assert_eq!(
        act(&app, &kyoto, id, json!({"action": "approve"})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&app, &jma, id, json!({"action": "forward"})).await.0,
        StatusCode::FORBIDDEN
    );
    // JMA does not see an application the prefecture has not forwarded.
    assert_eq!(
        act(&app, &jma, id, json!({"action": "reject", "reason": "x"}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Resubmitting what was not sent back: 409 with what to do.
    let r = client
        .put(app.url(&format!("/api/applications/{id}")))
        .json(&renewal("r3", &[]))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "invalid_state");
    assert!(rendered(&body["error"]["message"], domain::Lang::En).contains("Reload"));

    // A correction request needs a message; then the physician resubmits.
    let (status, _) = act(
        &app,
        &kyoto,
        id,
        json!({"action": "request_correction", "message": " "}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = act(
        &app,
        &kyoto,
        id,
        json!({"action": "request_correction", "message": "勤務先を確認してください"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["correction_message"], "勤務先を確認してください");
    assert_eq!(
        act(&app, &kyoto, id, json!({"action": "forward"})).await.0,
        StatusCode::CONFLICT
    );
    let r = client
        .put(app.url(&format!("/api/applications/{id}")))
        .json(&renewal("r3", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Withdrawn is final.
    let (status, _) = post(
        &app,
        &client,
        &format!("/api/applications/{id}/withdraw"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for action in [
        json!({"action": "forward"}),
        json!({"action": "record_fee", "paid_on": today(), "channel": "counter"}),
        json!({"action": "request_correction", "message": "x"}),
    ] {
        assert_eq!(act(&app, &kyoto, id, action).await.0, StatusCode::CONFLICT);
    }
    let (status, _) = post(
        &app,
        &client,
        &format!("/api/applications/{id}/withdraw"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Nobody else's application is reachable.
    let other = app.physician("300004", "d@example.jp").await;
    let r = other
        .get(app.url(&format!("/api/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let tokyo = staff(
        &app,
        Role::PrefecturalStaff,
        "tokyo@example.jp",
        Prefecture::TOKYO,
    )
    .await;
    let r = tokyo
        .get(app.url(&format!("/api/applications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn handbook_units_need_the_original_handbook_and_each_verified_before_forwarding() {
    let app = TestApp::spawn().await;
    let client = app.physician("300005", "e@example.jp").await;
    let pid = user_id(&app, "300005").await;
    certificate_expiring(&app, pid).await;
    let mut ids = Vec::new();
    for (category, units) in [
        ("occupational.lifelong.update", "10"),
        ("occupational.lifelong.practical", "5"),
        ("occupational.lifelong.specialized", "5"),
    ] {
        let (status, e) = post(
            &app,
            &client,
            "/api/mypage/handbook",
            &json!({"date": "2024-06-01", "category": category, "units": units, "organizer_name": "京都府医師会"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
        ids.push(e["id"].as_i64().unwrap());
    }
    let (status, detail) = post(&app, &client, "/api/applications", &renewal("r5", &[])).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "unverified handbook units count: {detail}"
    );
    let id = detail["summary"]["id"].as_i64().unwrap();
    assert_eq!(detail["summary"]["all_system_units"], false);
    let kyoto = staff(
        &app,
        Role::PrefecturalStaff,
        "kyoto@example.jp",
        Prefecture::KYOTO,
    )
    .await;
    act(
        &app,
        &kyoto,
        id,
        json!({"action": "record_fee", "paid_on": today(), "channel": "counter"}),
    )
    .await;
    let (_, body) = act(&app, &kyoto, id, json!({"action": "forward"})).await;
    assert_eq!(codes(&body), ["handbook", "unverified"]);

    act(
        &app,
        &kyoto,
        id,
        json!({"action": "record_handbook", "arrived_on": today()}),
    )
    .await;
    let (status, _) = act(
        &app,
        &kyoto,
        id,
        json!({"action": "verify_credit", "credit_id": ids[0], "verified": false}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a reason"
    );
    for c in &ids[1..] {
        let (status, body) = act(
            &app,
            &kyoto,
            id,
            json!({"action": "verify_credit", "credit_id": c, "verified": true}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = act(
        &app,
        &kyoto,
        id,
        json!({"action": "verify_credit", "credit_id": ids[0], "verified": false, "reason": "手帳に記載なし"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["checklist"]["eligible"], false,
        "10 update units rejected"
    );
    let (_, body) = act(&app, &kyoto, id, json!({"action": "forward"})).await;
    assert_eq!(codes(&body), ["not_eligible"]);
    // Verified once is final.
    let (status, _) = act(
        &app,
        &kyoto,
        id,
        json!({"action": "verify_credit", "credit_id": ids[1], "verified": false, "reason": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The physician's ledger shows the decisions; a verified entry can no longer be edited.
    let r = client
        .delete(app.url(&format!("/api/mypage/handbook/{}", ids[1])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_uploads_answer_a_clear_4xx_and_store_nothing() {
    let app = TestApp::spawn().await;
    let client = app.physician("300006", "f@example.jp").await;
    // The licence sent to verify the physician is the only document so far.
    let documents_before = document::Entity::find().count(&app.db).await.unwrap();
    let stored_before = walk(&app.data_dir.join("documents"));
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.extend_from_slice(&[0u8; 512]);
    let mut oversize = PDF.to_vec();
    oversize.resize(10 * 1024 * 1024 + 1, b' ');
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "program.pdf",
            exe,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file_type",
        ),
        (
            "big.pdf",
            oversize,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            "empty.pdf",
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
        ),
        (
            "cut.pdf",
            PDF[..30].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "truncated",
        ),
    ];
    for (name, bytes, expected, code) in cases {
        let (status, body) = upload(&app, &client, "medical_licence", name, bytes).await;
        assert_eq!(status, expected, "{name}: {body}");
        assert_eq!(body["error"]["code"], code, "{name}");
        assert!(!rendered(&body["error"]["message"], domain::Lang::Ja).is_empty());
    }
    assert_eq!(
        document::Entity::find().count(&app.db).await.unwrap(),
        documents_before
    );
    let stored = walk(&app.data_dir.join("documents"));
    assert_eq!(stored, stored_before, "nothing new on disk");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn a_document_is_stored_on_disk_with_its_hash_and_only_its_owner_and_reviewers_download_it() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300007", "g@example.jp").await;
    let before = walk(&app.data_dir.join("documents"));
    let (status, doc) = upload(
        &app,
        &client,
        "other",
        "../../etc/passwd 診断書.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["file_type"], "pdf");
    assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
    let files: Vec<_> = walk(&app.data_dir.join("documents"))
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert_eq!(files.len(), 1);
    assert!(
        !files[0].to_string_lossy().contains("passwd"),
        "the server makes the key"
    );
    assert_eq!(std::fs::read(&files[0]).unwrap(), PDF);
    let doc_id = doc["id"].as_i64().unwrap();
    let (_, detail) = post(
        &app,
        &client,
        "/api/applications",
        &renewal("r7", &[doc_id]),
    )
    .await;
    assert_eq!(detail["documents"][0]["id"].as_i64(), Some(doc_id));

    let path = format!("/api/documents/{doc_id}");
    let r = client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let kyoto = staff(
        &app,
        Role::PrefecturalStaff,
        "kyoto@example.jp",
        Prefecture::KYOTO,
    )
    .await;
    assert_eq!(
        kyoto.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::OK
    );
    let tokyo = staff(
        &app,
        Role::PrefecturalStaff,
        "tokyo@example.jp",
        Prefecture::TOKYO,
    )
    .await;
    assert_eq!(
        tokyo.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let jma = staff(&app, Role::JmaStaff, "jma@example.jp", Prefecture::TOKYO).await;
    assert_eq!(
        jma.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "not forwarded yet"
    );
    let other = app.physician("300008", "h@example.jp").await;
    assert_eq!(
        other.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Another physician cannot attach it either.
    let (status, _) = post(
        &app,
        &other,
        "/api/applications",
        &json!({"kind": "new", "certification": "sports", "documents": [doc_id]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_new_certificate_by_the_uoeh_route_needs_its_certificate_and_gets_a_number() {
    let app = TestApp::spawn().await;
    let client = app.physician("300009", "i@example.jp").await;
    let form = |docs: Vec<i64>| {
        json!({
            "kind": "new",
            "certification": "occupational",
            "facts": {"uoeh_completion_date": today() - Days::new(100)},
            "documents": docs,
        })
    };
    let (status, body) = post(&app, &client, "/api/applications", &form(vec![])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&body), ["uoeh_certificate"]);
    let (_, doc) = upload(&app, &client, "uoeh_certificate", "修了認定証.png", {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
        png
    })
    .await;
    let (status, detail) = post(
        &app,
        &client,
        "/api/applications",
        &form(vec![doc["id"].as_i64().unwrap()]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{detail}");
    let id = detail["summary"]["id"].as_i64().unwrap();
    let kyoto = staff(
        &app,
        Role::PrefecturalStaff,
        "kyoto@example.jp",
        Prefecture::KYOTO,
    )
    .await;
    act(
        &app,
        &kyoto,
        id,
        json!({"action": "record_fee", "paid_on": today(), "channel": "counter"}),
    )
    .await;
    assert_eq!(
        act(&app, &kyoto, id, json!({"action": "forward"})).await.0,
        StatusCode::OK
    );
    let jma = staff(&app, Role::JmaStaff, "jma@example.jp", Prefecture::TOKYO).await;
    let round = detail["round"]["jma_deadline"].as_str().unwrap().to_owned();
    let (_, bulk) = post(
        &app,
        &jma,
        "/api/review/bulk-approve",
        &json!({"round": round}),
    )
    .await;
    assert_eq!(
        bulk["skipped"],
        json!([id]),
        "the UOEH route is reviewed one by one"
    );
    let (status, body) = act(&app, &jma, id, json!({"action": "approve"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["granted"]["number"].as_str().unwrap().starts_with('S'));
    assert_eq!(body["granted"]["period"]["valid_from"], json!(today()));
    let page = my_page(&app, &client).await;
    assert_eq!(page["certificates"][0]["number"], body["granted"]["number"]);
}

#[tokio::test]
async fn bulk_approval_takes_only_complete_applications_whose_every_unit_is_organizer_registered() {
    let app = TestApp::spawn().await;
    let kyoto = staff(
        &app,
        Role::PrefecturalStaff,
        "kyoto@example.jp",
        Prefecture::KYOTO,
    )
    .await;
    let jma = staff(&app, Role::JmaStaff, "jma@example.jp", Prefecture::TOKYO).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (client, _) =
            ready_to_renew(&app, &format!("31000{n}"), &format!("bulk{n}@example.jp")).await;
        let (status, detail) = post(
            &app,
            &client,
            "/api/applications",
            &renewal(&format!("b{n}"), &[]),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{detail}");
        let id = detail["summary"]["id"].as_i64().unwrap();
        assert_eq!(detail["summary"]["all_system_units"], true);
        act(
            &app,
            &kyoto,
            id,
            json!({"action": "record_fee", "paid_on": today(), "channel": "counter"}),
        )
        .await;
        if n < 2 {
            assert_eq!(
                act(&app, &kyoto, id, json!({"action": "forward"})).await.0,
                StatusCode::OK
            );
        }
        ids.push((id, detail["round"]["jma_deadline"].clone()));
    }
    let (status, listed) = json(
        jma.get(app.url("/api/review/applications"))
            .query(&[
                ("round", ids[0].1.as_str().unwrap()),
                ("status", "forwarded"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "the third was not forwarded"
    );
    let (status, bulk) = post(
        &app,
        &jma,
        "/api/review/bulk-approve",
        &json!({"round": ids[0].1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{bulk}");
    let mut approved: Vec<i64> = bulk["approved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    approved.sort_unstable();
    assert_eq!(approved, [ids[0].0, ids[1].0]);
    // The prefecture's queue filters by status.
    let (_, queue) = json(
        kyoto
            .get(app.url("/api/review/applications"))
            .query(&[("status", "submitted")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
}

/// A minimal SMTP server on a free port that keeps what it receives.
#[tokio::test]
async fn with_smtp_configured_the_outbox_is_delivered_through_lettre() {
    let (port, received) = crate::helpers::smtp_sink().await;
    let app = TestApp::spawn_configured(false, |s| {
        s.smtp_url = Some(server::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
    })
    .await;
    let (client, _) = ready_to_renew(&app, "300010", "mail@example.jp").await;
    let (status, _) = post(&app, &client, "/api/applications", &renewal("m1", &[])).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut sent = false;
    for _ in 0..50 {
        let rows = server::entities::outbox::Entity::find()
            .all(&app.db)
            .await
            .unwrap();
        if rows.iter().all(|r| r.sent_at.is_some()) && !rows.is_empty() {
            sent = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(sent, "the mail was marked sent");
    let text = received.lock().await.clone();
    assert!(text.contains("RCPT TO:<mail@example.jp>"), "{text}");
    assert!(text.contains("Subject:"), "{text}");
}

#[tokio::test]
async fn the_units_a_new_certificate_rests_on_cannot_be_withdrawn_after_approval() {
    use domain::api::{CorrectionAction, PostRequest, ScanRequest, SessionCorrection};
    use domain::application::{ApplicationForm, FeeChannel, ReviewAction};
    use domain::sessions::{ScanKind, SessionForm};
    let app = TestApp::spawn().await;
    let physician = app.physician_api("300011", "new@example.jp").await;
    let id = user_id(&app, "300011").await;
    // Basic training: early (every subject), practical, and a late part from a posted session.
    for (category, subject, units) in [
        ("occupational.basic.early", Some("general"), 2),
        ("occupational.basic.early", Some("health_management"), 2),
        ("occupational.basic.early", Some("mental_health"), 1),
        ("occupational.basic.early", Some("health_promotion"), 1),
        ("occupational.basic.early", Some("work_environment"), 2),
        ("occupational.basic.early", Some("work_management"), 2),
        ("occupational.basic.early", Some("hazardous_work"), 2),
        ("occupational.basic.early", Some("practice"), 2),
        ("occupational.basic.practical", None, 10),
    ] {
        credit::ActiveModel {
            physician_id: Set(Some(id)),
            registry_number: Set("300011".into()),
            date: Set(today() - Days::new(100)),
            category: Set(Code(category.parse().unwrap())),
            subject: Set(subject.map(|s| Code(s.parse().unwrap()))),
            units_halves: Set(units * 2),
            delivery: Set(Code(Delivery::InPerson)),
            source: Set(Code(Source::System)),
            created_at: Set(Utc::now()),
            kind: Set(Code(EntryKind::Entry)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let day = today() - Days::new(1);
    let session = organizer
        .create_session(&SessionForm {
            title: "産業医基礎研修 後期".into(),
            category: "occupational.basic.late".into(),
            units: "26".into(),
            date: day.to_string(),
            starts_at: "09:00".into(),
            ends_at: "12:00".into(),
            venue: "京都府医師会館".into(),
            prefecture: "26".into(),
            capacity: "100".into(),
            designation_number: "26-0001".into(),
            ..SessionForm::default()
        })
        .await
        .unwrap()
        .id;
    for (label, kind, time) in [
        ("in", ScanKind::In, "09:00"),
        ("out", ScanKind::Out, "12:00"),
    ] {
        let t = chrono::NaiveTime::parse_from_str(time, "%H:%M").unwrap();
        organizer
            .scan(
                session,
                &ScanRequest {
                    client_id: uid(label),
                    kind,
                    at: domain::dates::jst_instant(day, t),
                    token: None,
                    registry_number: Some("300011".into()),
                    birth_date: None,
                    confirm_unknown: false,
                },
            )
            .await
            .unwrap();
    }
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .unwrap();
    let submitted = physician
        .submit(&ApplicationForm {
            kind: Some(domain::application::ApplicationKind::New),
            certification: Some(domain::Certification::Occupational),
            ..ApplicationForm::default()
        })
        .await
        .unwrap();
    let application = submitted.summary.id;
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto@example.jp")
        .await;
    kyoto
        .act(
            application,
            &ReviewAction::RecordFee {
                paid_on: today(),
                channel: FeeChannel::Counter,
            },
        )
        .await
        .unwrap();
    kyoto
        .act(application, &ReviewAction::Forward)
        .await
        .unwrap();
    let jma = app.staff_api(Role::JmaStaff, "jma@example.jp").await;
    let approved = jma.act(application, &ReviewAction::Approve).await.unwrap();
    assert!(approved.granted.is_some());
    // The late part it rests on is used: the organizer cannot withdraw it any more.
    let refused = organizer
        .correct_session(
            session,
            &SessionCorrection {
                registry_number: "300011".into(),
                action: CorrectionAction::Withdraw,
                reason: "誤登録".into(),
                client_ref: None,
            },
        )
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text(domain::Lang::Ja).contains("申請"));
    assert!(
        physician
            .my_page()
            .await
            .unwrap()
            .ledger
            .iter()
            .all(|e| e.consumed),
        "every unit of basic training counted by the new certificate is consumed"
    );
}
