//! Sessions, check-in scans and posting: idempotency, the time rules, and that an organizer
//! touches only their own sessions.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use domain::account::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, ledger, my_page, registration, rendered, uid};

fn yesterday() -> NaiveDate {
    domain::dates::today_jst(Utc::now()) - Days::new(1)
}

/// Yesterday at `hh:mm:ss` in Japan.
fn at(hms: &str) -> DateTime<Utc> {
    let t = chrono::NaiveTime::parse_from_str(hms, "%H:%M:%S").unwrap();
    domain::dates::jst()
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
            .json(&json!({"client_id": uid(client_id), "registry_number": registry, "kind": kind, "at": at(time)}))
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
    let rows = attendance(&app, &organizer, session).await;
    let presence = |reg: &str| row_of(&rows, reg)["presence"].clone();
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
    let page = my_page(&app, &physician).await;
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
            .json(&json!({"client_id": uid(id), "registry_number": "123456", "kind": kind, "at": at(t), "birth_date": "1980-04-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    post_session(&app, &organizer, session).await;
    // registration() uses the same date of birth.
    let client = app.client();
    let r = client
        .post(app.url("/api/auth/register"))
        .json(&registration("123456", "taro@example.jp"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let page = my_page(&app, &client).await;
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
            .json(&json!({"client_id": uid("q1"), "token": token, "kind": "in", "at": at("13:00:00")}))
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
                &json!({"client_id": uid("q2"), "token": tampered, "kind": "in", "at": at("13:00:00")}),
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
            .json(&json!({"client_id": uid("f1"), "registry_number": "123456", "kind": "in", "at": tomorrow}))
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
            .json(&json!({"client_id": uid("f2"), "registry_number": "123456", "kind": "in", "at": day_before}))
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

/// A helper link's token, taken from the `/door#TOKEN` path shown once to the organizer.
async fn door_link(app: &TestApp, organizer: &Client, session: i64, hours: u32) -> (i64, String) {
    let (status, made) = json(
        organizer
            .post(app.url(&format!("/api/organizer/sessions/{session}/doors")))
            .json(&json!({"label": "受付2 佐藤", "hours": hours}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let path = made["path"].as_str().unwrap();
    let token = path
        .strip_prefix("/door#")
        .expect("the token is in the fragment");
    (made["link"]["id"].as_i64().unwrap(), token.to_owned())
}

#[tokio::test]
async fn a_helper_link_opens_one_sessions_door_until_it_is_revoked_or_expires() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let other = app.staff(Role::Organizer, "other@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let second = create_session(&app, &organizer).await;
    // Bad requests say what to do.
    let (status, body) = json(
        organizer
            .post(app.url(&format!("/api/organizer/sessions/{session}/doors")))
            .json(&json!({"label": " ", "hours": 49}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"].as_array().unwrap().len(), 2);
    let (link, token) = door_link(&app, &organizer, session, 4).await;
    // Another organizer cannot see or revoke it.
    let foreign = other
        .get(app.url(&format!("/api/organizer/sessions/{session}/doors")))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let foreign = other
        .post(app.url(&format!(
            "/api/organizer/sessions/{session}/doors/{link}/revoke"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);

    // The helper's device: no login, only the token.
    let helper = app.client();
    let door = |path: &str| {
        helper
            .get(app.url(path))
            .header("x-nintei-door", token.as_str())
    };
    let (status, info) = json(door("/api/door").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["session"]["id"], session);
    assert_eq!(info["label"], "受付2 佐藤");
    let scan_req = |id: &str| {
        helper
            .post(app.url("/api/door/scans"))
            .header("x-nintei-door", token.as_str())
            .json(&json!({"client_id": uid(id), "registry_number": "123456", "kind": "in", "at": at("13:00:00")}))
    };
    let (status, scanned) = json(scan_req("h-1").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{scanned}");
    let (_, again) = json(scan_req("h-1").send().await.unwrap()).await;
    assert_eq!(
        again["scan_id"], scanned["scan_id"],
        "a retry is the same scan"
    );
    // The scan is in its session only, recorded with the link it came through.
    let rows = |s: i64| {
        let organizer = organizer.clone();
        let url = app.url(&format!("/api/organizer/sessions/{s}/attendance"));
        async move { json(organizer.get(url).send().await.unwrap()).await.1 }
    };
    assert_eq!(
        rows(session).await.as_array().unwrap().len(),
        2,
        "attendee + lecturer"
    );
    assert_eq!(
        rows(second).await.as_array().unwrap().len(),
        1,
        "lecturer only"
    );
    let through: Option<i32> = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT door_link_id FROM scans WHERE client_id = '{}'",
                uid("h-1")
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(through, Some(link as i32));
    // The helper cannot review, post or reach the organizer's API with the token.
    let r = helper
        .get(app.url(&format!("/api/organizer/sessions/{session}/attendance")))
        .header("x-nintei-door", token.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Without the token, or with a made-up one: closed, with what to do.
    let (status, body) = json(helper.get(app.url("/api/door")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "door_closed");
    let r = helper
        .get(app.url("/api/door"))
        .header("x-nintei-door", "made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Revoked: closed at once.
    let (status, revoked) = json(
        organizer
            .post(app.url(&format!(
                "/api/organizer/sessions/{session}/doors/{link}/revoke"
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(
        scan_req("h-2").send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // Expired: a second link whose time has passed is closed too.
    let (link2, token2) = door_link(&app, &organizer, session, 1).await;
    let ok = helper
        .get(app.url("/api/door"))
        .header("x-nintei-door", token2.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let row = server::entities::door_link::Entity::find_by_id(link2 as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: server::entities::door_link::ActiveModel = row.into();
    row.expires_at = Set(Utc::now() - chrono::Duration::seconds(1));
    row.update(&app.db).await.unwrap();
    let closed = helper
        .get(app.url("/api/door"))
        .header("x-nintei-door", token2.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_qr_code_read_offline_is_judged_at_the_time_it_was_read() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    app.physician("123456", "taro@example.jp").await;
    let now = Utc::now();
    let read_at = now - chrono::Duration::minutes(2);
    let today = domain::dates::today_jst(now);
    if domain::dates::today_jst(read_at) != today {
        return; // just after midnight in Japan: the read would fall on the day before
    }
    // Today's session, all day, so "two minutes ago" is on its day.
    let mut form = session_form("");
    form["date"] = json!(today.to_string());
    form["starts_at"] = json!("00:00");
    form["ends_at"] = json!("23:59");
    let (_, session) = json(
        organizer
            .post(app.url("/api/organizer/sessions"))
            .json(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let url = app.url(&format!("/api/organizer/sessions/{}/scans", session["id"]));
    // A code that expired a minute ago, read (offline) two minutes ago: accepted.
    let key = server::startup::qr_signing_key(&app.db).await.unwrap();
    let token = domain::qr::sign(
        &key,
        &domain::qr::QrClaims {
            registry_number: "123456".into(),
            name: "山田 太郎".into(),
            kana: "ヤマダ\u{3000}タロウ".into(),
            exp: (now - chrono::Duration::minutes(1)).timestamp(),
        },
    );
    let (status, body) = json(
        organizer
            .post(&url)
            .json(&json!({"client_id": uid("off-1"), "token": token, "kind": "in", "at": read_at}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["registry_number"], "123456");
    // Read now: expired, refused with what to do.
    let (status, body) = json(
        organizer
            .post(&url)
            .json(&json!({"client_id": uid("off-2"), "token": token, "kind": "in", "at": now}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        rendered(&body["error"]["fields"][0]["message"], domain::Lang::Ja)
            .contains("マイページを開き直して")
    );
}

async fn post_session(app: &TestApp, organizer: &Client, session: i64) {
    let r = organizer
        .post(app.url(&format!("/api/organizer/sessions/{session}/post")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The session's attendance as the organizer's review page gets it.
async fn attendance(app: &TestApp, organizer: &Client, session: i64) -> Vec<Value> {
    let (status, rows) = json(
        organizer
            .get(app.url(&format!("/api/organizer/sessions/{session}/attendance")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    rows.as_array().unwrap().clone()
}

/// The attendance row of `registry`.
fn row_of(rows: &[Value], registry: &str) -> Value {
    rows.iter()
        .find(|r| r["registry_number"] == registry)
        .unwrap_or_else(|| panic!("{registry} is not in the attendance"))
        .clone()
}

#[tokio::test]
async fn corrections_after_posting_need_a_reason_add_ledger_rows_and_are_audited() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let physician = app.physician("123456", "taro@example.jp").await;
    for (id, kind, t) in [("a1", "in", "13:00:00"), ("a2", "out", "15:00:00")] {
        assert_eq!(
            scan(&app, &organizer, session, id, "123456", kind, t)
                .await
                .0,
            StatusCode::OK
        );
    }
    let url = app.url(&format!("/api/organizer/sessions/{session}/corrections"));
    let correct = |body: Value| organizer.post(&url).json(&body).send();
    // Before posting there is nothing to correct.
    let (status, _) = json(
        correct(json!({"registry_number": "123456", "action": "withdraw", "reason": "誤登録"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    post_session(&app, &organizer, session).await;
    assert_eq!(ledger(&app, &physician).await.len(), 1);
    // No reason: refused.
    let (status, body) = json(
        correct(json!({"registry_number": "123456", "action": "withdraw", "reason": ""}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "reason");
    // Withdraw (retried once with the same reference): the credit leaves My Page.
    for _ in 0..2 {
        let (status, row) = json(
            correct(json!({"registry_number": "123456", "action": "withdraw", "reason": "別人の番号を読み取った", "client_ref": uid("c-1")}))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{row}");
        assert_eq!(row["credited"], false);
    }
    assert!(ledger(&app, &physician).await.is_empty());
    // Withdrawing again: nothing to withdraw.
    let (status, _) = json(
        correct(json!({"registry_number": "123456", "action": "withdraw", "reason": "再度"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Add for someone who forgot to scan out: a new entry; adding twice is refused.
    let (status, row) = json(
        correct(json!({"registry_number": "123456", "action": "add", "reason": "退室時の読み取り漏れ（受付簿で確認）"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert_eq!(row["credited"], true);
    let (status, _) = json(
        correct(json!({"registry_number": "123456", "action": "add", "reason": "重複"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let ledger = ledger(&app, &physician).await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["units"], 2);
    // Nothing was rewritten: the first entry, its withdrawal and the new entry are all there.
    let rows = server::entities::credit::Entity::find()
        .filter(server::entities::credit::Column::RegistryNumber.eq("123456"))
        .all(&app.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.get().code()).collect();
    assert_eq!(kinds, ["entry", "withdrawal", "entry"]);
    let audit = server::entities::audit_log::Entity::find()
        .filter(server::entities::audit_log::Column::Entity.eq("session"))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["credit_withdraw", "credit_add"]);
    assert!(audit[0].note.as_deref().unwrap().contains("別人の番号"));
    // Another organizer cannot correct it.
    let other = app.staff(Role::Organizer, "other@example.jp").await;
    let r = other
        .post(&url)
        .json(&json!({"registry_number": "123456", "action": "withdraw", "reason": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_paper_sheet_is_checked_line_by_line_then_imported_once() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    app.physician("123456", "taro@example.jp").await;
    let url = |dry: bool| {
        app.url(&format!(
            "/api/organizer/sessions/{session}/import?dry_run={dry}"
        ))
    };
    let send = |dry: bool, csv: &str| {
        organizer
            .post(url(dry))
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
    };
    let bad = "医籍登録番号,氏名,入室,退室\n123456,山田 花子,12:58,15:01\n12x456,誰か,13:00,15:00\n222222,佐藤 一郎,13:00\n333333,鈴木 次郎,13:10,15:00\n";
    let (status, report) = json(send(true, bad).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let lines: Vec<i64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4], "wrong name, bad number, missing field");
    assert_eq!(report["scans_written"], 0);
    // The real import refuses while a line is bad, and writes nothing.
    let (_, refused) = json(send(false, bad).await.unwrap()).await;
    assert_eq!(refused["scans_written"], 0);
    assert_eq!(refused["problems"].as_array().unwrap().len(), 3);
    let good = "123456,ヤマダ タロウ,12:58,15:01\n333333,鈴木 次郎,13:10,15:00\n";
    let (_, dry) = json(send(true, good).await.unwrap()).await;
    assert_eq!(dry["valid_rows"], 2);
    assert_eq!(dry["scans_written"], 0);
    let (_, done) = json(send(false, good).await.unwrap()).await;
    assert_eq!(done["scans_written"], 4);
    // The same sheet again writes nothing more.
    let (_, again) = json(send(false, good).await.unwrap()).await;
    assert_eq!(again["scans_written"], 0);
    assert_eq!(again["already_imported"], 2);
    let rows = attendance(&app, &organizer, session).await;
    assert_eq!(row_of(&rows, "123456")["presence"]["presence"], "full");
    assert_eq!(row_of(&rows, "333333")["presence"]["late_minutes"], 5);
    // Not UTF-8: told how to save it.
    let r = organizer
        .post(url(true))
        .header("content-type", "text/csv")
        .body(vec![0x88u8, 0xe3, 0x8e, 0x74])
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(rendered(&body["error"]["fields"][0]["message"], domain::Lang::Ja).contains("UTF-8"));
    // Too many lines for one import: told to split it.
    let huge: String = (0..5_001)
        .map(|i| format!("{},誰か,13:00,15:00\n", 500_000 + i))
        .collect();
    let (status, body) = json(send(true, &huge).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "too_many_rows");
    // Not sent as CSV (a cross-site form could send text/plain): refused, nothing written.
    let r = organizer
        .post(url(false))
        .header("content-type", "text/plain")
        .body("444444,誰か,13:00,15:00\n")
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "not_csv");
    assert!(
        !attendance(&app, &organizer, session)
            .await
            .iter()
            .any(|r| r["registry_number"] == "444444")
    );
}

#[tokio::test]
async fn posting_closes_the_sessions_helper_links() {
    let app = TestApp::spawn().await;
    let organizer = app.staff(Role::Organizer, "org@example.jp").await;
    let session = create_session(&app, &organizer).await;
    let (_, token) = door_link(&app, &organizer, session, 8).await;
    let open = |token: String| {
        app.client()
            .get(app.url("/api/door"))
            .header("x-nintei-door", token)
            .send()
    };
    assert_eq!(open(token.clone()).await.unwrap().status(), StatusCode::OK);
    post_session(&app, &organizer, session).await;
    assert_eq!(
        open(token).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // And no new link can be made for it.
    let r = organizer
        .post(app.url(&format!("/api/organizer/sessions/{session}/doors")))
        .json(&json!({"label": "受付3", "hours": 4}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        rendered(&body["error"]["message"], domain::Lang::Ja).contains("受付用リンクを作れません")
    );
}
