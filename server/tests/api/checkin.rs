//! Sessions, check-in scans and posting: idempotency, the time rules, and that an organizer
//! touches only their own sessions.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use domain::account::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, registration};

fn yesterday() -> NaiveDate {
    server::db::today_jst(Utc::now()) - Days::new(1)
}

/// Yesterday at `hh:mm:ss` in Japan.
fn at(hms: &str) -> DateTime<Utc> {
    let t = chrono::NaiveTime::parse_from_str(hms, "%H:%M:%S").unwrap();
    server::db::jst()
        .from_local_datetime(&yesterday().and_time(t))
        .unwrap()
        .with_timezone(&Utc)
}

fn session_form(lecturer: &str) -> Value {
    json!({
        "title": "産業医研修会 職場のメンタルヘルス",
        "category": "occupational.lifelong.update",
        "units": "2",
        "date": yesterday().to_string(),
        "starts_at": "13:00",
        "ends_at": "15:00",
        "venue": "京都府医師会館",
        "prefecture": "26",
        "capacity": "200",
        "designation_number": "26-0999",
        "lecturers": lecturer
    })
}

async fn create_session(app: &TestApp, organizer: &Client) -> i64 {
    let (status, body) = json(
        organizer
            .post(app.url("/api/organizer/sessions"))
            .json(&session_form("777777"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

async fn scan(
    app: &TestApp,
    c: &Client,
    session: i64,
    client_id: &str,
    registry: &str,
    kind: &str,
    time: &str,
) -> (StatusCode, Value) {
    json(
        c.post(app.url(&format!("/api/organizer/sessions/{session}/scans")))
            .json(&json!({"client_id": client_id, "registry_number": registry, "kind": kind, "at": at(time)}))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_session_form_with_problems_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let mut form = session_form("");
    form["ends_at"] = json!("12:00");
    form["units"] = json!("0.3");
    let (status, body) = json(
        organizer
            .post(app.url("/api/organizer/sessions"))
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
    assert_eq!(fields, ["units", "ends_at"]);
}

#[tokio::test]
async fn a_repeated_or_replayed_scan_is_recorded_once() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let (s1, first) = scan(
        &app,
        &organizer,
        session,
        "dev1-0001",
        "123456",
        "in",
        "12:58:00",
    )
    .await;
    let (s2, again) = scan(
        &app,
        &organizer,
        session,
        "dev1-0001",
        "123456",
        "in",
        "12:58:00",
    )
    .await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first["scan_id"], again["scan_id"]);
    assert_eq!(again["replayed"], true);
    // A second check-in with a new id is recorded, and says when the first one was.
    let (_, second) = scan(
        &app,
        &organizer,
        session,
        "dev2-0001",
        "123456",
        "in",
        "13:01:00",
    )
    .await;
    assert_eq!(second["already_at"], json!(at("12:58:00")));
    let (_, rows) = json(
        organizer
            .get(app.url(&format!("/api/organizer/sessions/{session}/attendance")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let attendee = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["registry_number"] == "123456")
        .unwrap()
        .clone();
    assert_eq!(attendee["first_in"], json!(at("12:58:00")));
}

#[tokio::test]
async fn posting_grants_units_to_full_attendees_lecturers_and_partial_attendees_with_a_reason() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let physician = app.physician("123456", "taro@example.jp").await;
    // Full: in by 13:05, out from 14:55. Late: in at 13:06. Early: out at 14:54.
    for (id, reg, kind, t) in [
        ("a1", "123456", "in", "13:05:00"),
        ("a2", "123456", "out", "14:55:00"),
        ("b1", "222222", "in", "13:06:00"),
        ("b2", "222222", "out", "15:10:00"),
        ("c1", "333333", "in", "12:50:00"),
        ("c2", "333333", "out", "14:54:00"),
    ] {
        assert_eq!(
            scan(&app, &organizer, session, id, reg, kind, t).await.0,
            StatusCode::OK
        );
    }
    let (_, rows) = json(
        organizer
            .get(app.url(&format!("/api/organizer/sessions/{session}/attendance")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let presence = |reg: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["registry_number"] == reg)
            .unwrap()["presence"]
            .clone()
    };
    assert_eq!(presence("123456")["presence"], "full");
    assert_eq!(presence("222222")["late_minutes"], 1);
    assert_eq!(presence("333333")["early_minutes"], 1);
    assert_eq!(
        presence("777777")["presence"],
        "partial",
        "the lecturer has no scans"
    );

    // A grant needs a reason.
    let url = app.url(&format!("/api/organizer/sessions/{session}/post"));
    let (status, _) = json(
        organizer
            .post(&url)
            .json(&json!({"grants": [{"registry_number": "222222", "reason": " "}]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, result) = json(
        organizer.post(&url).json(&json!({"grants": [{"registry_number": "222222", "reason": "交通機関の遅延（1分）"}]})).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(
        result["credits_written"], 3,
        "full attendee, granted partial attendee, lecturer"
    );
    // On the physician's My Page at once.
    let page: Value = physician
        .get(app.url("/api/mypage"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &page["ledger"][0];
    assert_eq!(entry["session_title"], "産業医研修会 職場のメンタルヘルス");
    assert_eq!(entry["units"], 2);
    // Posting twice writes nothing more; scanning after posting is refused.
    assert_eq!(
        organizer
            .post(&url)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        scan(
            &app, &organizer, session, "late-1", "444444", "in", "13:00:00"
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn attendance_of_someone_without_a_my_page_is_attached_when_they_register() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    for (id, kind, t) in [("x1", "in", "13:00:00"), ("x2", "out", "15:00:00")] {
        let r = organizer
            .post(app.url(&format!("/api/organizer/sessions/{session}/scans")))
            .json(&json!({"client_id": id, "registry_number": "123456", "kind": kind, "at": at(t), "birth_date": "1980-04-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    organizer
        .post(app.url(&format!("/api/organizer/sessions/{session}/post")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    // registration() uses the same date of birth.
    let client = app.client();
    let r = client
        .post(app.url("/api/auth/register"))
        .json(&registration("123456", "taro@example.jp"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let page: Value = client
        .get(app.url("/api/mypage"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["ledger"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_signed_qr_code_identifies_the_physician_and_an_edited_one_is_refused() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let physician = app.physician("123456", "taro@example.jp").await;
    let qr: Value = physician
        .get(app.url("/api/mypage/qr"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = qr["token"].as_str().unwrap();
    let url = app.url(&format!("/api/organizer/sessions/{session}/scans"));
    let (status, result) = json(
        organizer
            .post(&url)
            .json(&json!({"client_id": "q1", "token": token, "kind": "in", "at": at("13:00:00")}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["name"], "山田 太郎");
    assert_eq!(result["kana"], "ヤマダ\u{3000}タロウ");
    let tampered = token.replacen("N1.", "N1.e", 1);
    let (status, body) = json(
        organizer
            .post(&url)
            .json(
                &json!({"client_id": "q2", "token": tampered, "kind": "in", "at": at("13:00:00")}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "token");
}

#[tokio::test]
async fn an_undone_scan_no_longer_counts_and_needs_a_reason() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let (_, s) = scan(&app, &organizer, session, "u1", "123456", "in", "13:00:00").await;
    let id = s["scan_id"].as_i64().unwrap();
    let url = app.url(&format!(
        "/api/organizer/sessions/{session}/scans/{id}/undo"
    ));
    assert_eq!(
        organizer
            .post(&url)
            .json(&json!({"reason": ""}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        organizer
            .post(&url)
            .json(&json!({"reason": "別の方のコードを読み取った"}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    // Undoing twice finds nothing more to undo.
    let again = organizer
        .post(&url)
        .json(&json!({"reason": "二重操作"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let (_, rows) = json(
        organizer
            .get(app.url(&format!("/api/organizer/sessions/{session}/attendance")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["registry_number"] != "123456")
    );
}

#[tokio::test]
async fn a_scan_time_off_the_session_day_is_refused() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    let (status, body) = json(
        organizer
            .post(app.url(&format!("/api/organizer/sessions/{session}/scans")))
            .json(&json!({"client_id": "f1", "registry_number": "123456", "kind": "in", "at": tomorrow}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "at");
    let day_before = at("13:00:00") - chrono::Duration::days(1);
    let (status, _) = json(
        organizer
            .post(app.url(&format!("/api/organizer/sessions/{session}/scans")))
            .json(&json!({"client_id": "f2", "registry_number": "123456", "kind": "in", "at": day_before}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_organizer_touches_only_their_own_sessions() {
    let app = TestApp::spawn().await;
    let owner = app.staff(Role::Organizer, "org@example.jp").await;
    let other = app.staff(Role::Organizer, "other@example.jp").await;
    let session = create_session(&app, &owner).await;
    assert_eq!(
        scan(&app, &other, session, "o1", "123456", "in", "13:00:00")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let r = other
        .get(app.url(&format!("/api/organizer/sessions/{session}/attendance")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = other
        .post(app.url(&format!("/api/organizer/sessions/{session}/post")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let list: Value = other
        .get(app.url("/api/organizer/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_physician_is_found_only_by_full_name_and_date_of_birth() {
    let app = TestApp::spawn().await;
    // helpers::registration: 山田 太郎 / ヤマダ タロウ, born 1980-04-01.
    app.physician("765432", "found@example.jp").await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let id = create_session(&app, &organizer).await;
    let find = |name: &str, birth: &str| {
        organizer
            .get(app.url(&format!("/api/organizer/sessions/{id}/lookup")))
            .query(&[("name", name), ("birth_date", birth)])
            .send()
    };
    for name in ["山田 太郎", "山田太郎", "やまだ　たろう"] {
        let (status, hits) = json(find(name, "1980-04-01").await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(hits[0]["registry_number"], "765432", "{name}");
    }
    // No partial names, no other birthday, no browsing.
    for (name, birth) in [
        ("山田", "1980-04-01"),
        ("山田 太郎", "1980-04-02"),
        ("", "1980-04-01"),
    ] {
        let (_, hits) = json(find(name, birth).await.unwrap()).await;
        assert_eq!(hits, json!([]), "{name} {birth}");
    }
    let r = find("山田 太郎", "").await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a date of birth is required"
    );
    let other = app.staff(Role::Organizer, "other-org@example.jp").await;
    let r = other
        .get(app.url(&format!("/api/organizer/sessions/{id}/lookup")))
        .query(&[("name", "山田 太郎"), ("birth_date", "1980-04-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "only the session's organizer"
    );
}
