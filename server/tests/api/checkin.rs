//! Sessions, check-in scans and posting: idempotency, the time rules, and that an organizer
//! touches only their own sessions.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use domain::Lang;
use domain::account::Role;
use domain::api::{
    AttendanceRow, CorrectionAction, Grant, NewDoorLink, PostRequest, ScanRequest, ScanResult,
    SessionCorrection,
};
use domain::sessions::{Presence, ScanKind, SessionForm};
use reqwest::StatusCode;

use crate::client::{Answer, Api, Refusal};
use crate::helpers::{TestApp, registration, session_form, uid};

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

/// Yesterday's session 13:00–15:00 with lecturer 777777.
async fn create_session(organizer: &Api) -> i32 {
    organizer
        .create_session(&session_form("777777"))
        .await
        .expect("the session is created")
        .id
}

/// A scan by registry number (a known physician, or `confirm_unknown` for one without a My
/// Page).
fn by_number(client_id: &str, registry: &str, kind: ScanKind, time: &str) -> ScanRequest {
    ScanRequest {
        client_id: uid(client_id),
        kind,
        at: at(time),
        token: None,
        registry_number: Some(registry.into()),
        birth_date: None,
        confirm_unknown: true,
    }
}

/// One session's door, as one desk sends scans to it by registry number.
struct Door<'a> {
    desk: &'a Api,
    session: i32,
}

impl Door<'_> {
    fn new(desk: &Api, session: i32) -> Door<'_> {
        Door { desk, session }
    }

    async fn scan(
        &self,
        kind: ScanKind,
        client_id: &str,
        registry: &str,
        time: &str,
    ) -> Answer<ScanResult> {
        let req = by_number(client_id, registry, kind, time);
        self.desk.scan(self.session, &req).await
    }

    /// A check-in that must be recorded.
    async fn check_in(&self, client_id: &str, registry: &str, time: &str) -> ScanResult {
        let answer = self.scan(ScanKind::In, client_id, registry, time).await;
        answer.expect("the check-in is recorded")
    }

    /// A check-out that must be recorded.
    async fn check_out(&self, client_id: &str, registry: &str, time: &str) -> ScanResult {
        let answer = self.scan(ScanKind::Out, client_id, registry, time).await;
        answer.expect("the check-out is recorded")
    }
}

/// The attendance row of `registry`.
fn row_of<'a>(rows: &'a [AttendanceRow], registry: &str) -> &'a AttendanceRow {
    rows.iter()
        .find(|r| r.registry_number == registry)
        .unwrap_or_else(|| panic!("{registry} is not in the attendance"))
}

async fn post(organizer: &Api, session: i32) {
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .expect("posted");
}

/// A helper link for `session`: (its id, the helper's client).
async fn helper(organizer: &Api, session: i32, hours: u32) -> (i32, Api) {
    let made = organizer
        .create_door_link(
            session,
            &NewDoorLink {
                label: "受付2 佐藤".into(),
                hours,
            },
        )
        .await
        .unwrap();
    assert!(
        made.path.starts_with("/door#"),
        "the token is in the fragment"
    );
    (made.link.id, organizer.with_door(&made.path))
}

#[tokio::test]
async fn a_session_form_with_problems_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let mut form = session_form("");
    form.ends_at = "12:00".into();
    form.units = "0.3".into();
    let refused = organizer.create_session(&form).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["units", "ends_at"]);
}

#[tokio::test]
async fn a_double_tap_on_create_makes_one_session() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let mut form = session_form("");
    form.client_ref = Some(uid("create-1"));
    let (a, b) = tokio::join!(
        organizer.create_session(&form),
        organizer.create_session(&form)
    );
    assert_eq!(a.unwrap().id, b.unwrap().id);
    let again = organizer.create_session(&form).await.unwrap();
    assert_eq!(organizer.my_sessions().await.unwrap().len(), 1);
    assert!(!again.cancelled);
    // Another organizer's request with the same reference is their own.
    let other = app.staff_api(Role::Organizer, "other@example.jp").await;
    other.create_session(&form).await.unwrap();
    assert_eq!(other.my_sessions().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_session_is_edited_or_cancelled_until_it_is_posted() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let mut form = session_form("777777");
    form.venue = "京都府医師会館 研修室".into();
    let edited = organizer.edit_session(session, &form).await.unwrap();
    assert_eq!(edited.venue, "京都府医師会館 研修室");
    let other = app.staff_api(Role::Organizer, "other@example.jp").await;
    assert_eq!(
        other.edit_session(session, &form).await.refused().status,
        StatusCode::NOT_FOUND
    );
    // A cancelled session leaves the public list and takes no scans.
    // Where attendees ask: at most 100 characters, shown on the public page.
    let too_long = organizer
        .create_session(&SessionForm {
            date: (yesterday() + Days::new(30)).to_string(),
            contact: "0".repeat(101),
            ..session_form("")
        })
        .await
        .refused();
    assert_eq!(too_long.fields(), ["contact"]);
    let future = organizer
        .create_session(&SessionForm {
            date: (yesterday() + Days::new(30)).to_string(),
            contact: " 075-354-6102 / kenshu@kyoto.example.jp ".into(),
            ..session_form("")
        })
        .await
        .unwrap();
    let public = |list: Vec<domain::api::PublicSession>| list.iter().any(|s| s.id == future.id);
    assert!(public(app.api().sessions("").await.unwrap()));
    // Its detail page is public while it is published.
    let (status, _, body) = app
        .api()
        .get_raw(&format!("/api/sessions/{}", future.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let shown: domain::api::PublicSession = serde_json::from_slice(&body).unwrap();
    assert_eq!(shown.venue, future.venue);
    assert_eq!(
        shown.contact.as_deref(),
        Some("075-354-6102 / kenshu@kyoto.example.jp")
    );
    assert_eq!(
        organizer.session_form(future.id).await.unwrap().contact,
        "075-354-6102 / kenshu@kyoto.example.jp"
    );
    // Filters the person cleared are sent empty: no filter, never a malformed request.
    let cleared = app
        .api()
        .sessions("from=&prefecture=&category=&after=")
        .await;
    assert!(public(cleared.expect("empty filters are no filters")));
    let cancelled = organizer.cancel_session(future.id).await.unwrap();
    assert!(cancelled.cancelled);
    let gone = app
        .api()
        .get_raw(&format!("/api/sessions/{}", future.id))
        .await
        .0;
    assert_eq!(
        gone,
        StatusCode::NOT_FOUND,
        "a cancelled session has no public page"
    );
    assert!(!public(app.api().sessions("").await.unwrap()));
    let refused = organizer.edit_session(future.id, &form).await.refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    // Posted: neither edited nor cancelled.
    post(&organizer, session).await;
    assert_eq!(
        organizer
            .edit_session(session, &form)
            .await
            .refused()
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        organizer.cancel_session(session).await.refused().status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn the_door_counts_who_is_in_and_the_attendance_exports_as_csv_and_pdf() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    app.physician_api("123456", "taro@example.jp").await;
    door.check_in("p1", "123456", "13:00:00").await;
    door.check_in("p2", "222222", "13:01:00").await;
    door.check_in("p3", "333333", "13:02:00").await;
    door.check_out("p4", "333333", "14:00:00").await;
    // The organizer's desk and a helper's see the same: two inside (the one with a My Page
    // first, by kana), three came, one left.
    let (_, helper_desk) = helper(&organizer, session, 2).await;
    for desk in [&organizer, &helper_desk] {
        let p = desk.presence(session).await.unwrap();
        let inside: Vec<&str> = p
            .inside
            .iter()
            .map(|p| p.registry_number.as_str())
            .collect();
        assert_eq!(inside, ["123456", "222222"]);
        assert_eq!(p.inside[0].name.as_deref(), Some("山田 太郎"));
        assert_eq!(p.inside[0].since, at("13:00:00"));
        assert_eq!((p.checked_in, p.checked_out), (3, 1));
        assert_eq!(p.left, ["333333"]);
    }
    // Undoing the check-out puts them back inside.
    let lines = organizer.person_scans(session, "333333").await.unwrap();
    let out = lines.iter().find(|l| l.kind == ScanKind::Out).unwrap();
    organizer
        .undo(session, out.scan_id, "押し間違い")
        .await
        .unwrap();
    let p = organizer.presence(session).await.unwrap();
    assert_eq!((p.inside.len(), p.checked_out), (3, 0));

    // The attendance as CSV: kana order, JST minutes, every attendee and the lecturer.
    let path = format!("/api/organizer/sessions/{session}/attendance.csv");
    let (status, headers, body) = organizer.get_raw(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}医籍登録番号,氏名,フリガナ,入室,退室"),
        "{csv}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "123456,山田 太郎,ヤマダ　タロウ,{} 13:00,",
            yesterday()
        )),
        "{csv}"
    );
    assert_eq!(lines.len(), 5, "three attendees and the lecturer: {csv}");
    assert!(csv.contains("777777"), "{csv}");
    let (_, _, english) = organizer.get_raw(&format!("{path}?lang=en")).await;
    assert!(String::from_utf8(english).unwrap().contains("Registry no."));
    // And as a PDF that a PDF reader reads.
    let (status, headers, pdf) = organizer
        .get_raw(&format!("/api/organizer/sessions/{session}/attendance.pdf"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let text = crate::proofs::tool("pdftotext", &["-layout"], &pdf);
    for expected in [
        "出席記録",
        "産業医研修会 職場のメンタルヘルス",
        "山田 太郎",
        "222222",
        "マイページ未登録",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    // pdftotext spaces the count from its counter word.
    assert!(text.contains("出席者 4"), "{text}");

    // Nobody else's: another organizer finds no such session; a physician is refused; a
    // helper's link reads the presence only.
    let other = app.staff_api(Role::Organizer, "other@example.jp").await;
    for rest in ["presence", "attendance.csv", "attendance.pdf"] {
        let (status, _, _) = other
            .get_raw(&format!("/api/organizer/sessions/{session}/{rest}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{rest}");
    }
    let physician = app.physician_api("555555", "hanako@example.jp").await;
    let (status, _, _) = physician.get_raw(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A helper's phone holds only the link (no organizer login).
    let made = organizer
        .create_door_link(
            session,
            &NewDoorLink {
                label: "受付3".into(),
                hours: 2,
            },
        )
        .await
        .unwrap();
    let phone = app.api().with_door(&made.path);
    assert_eq!(phone.presence(session).await.unwrap().inside.len(), 3);
    let (status, _, _) = phone.get_raw(&path).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a helper link does not export"
    );
}

#[tokio::test]
async fn a_web_seminars_entry_and_exit_log_is_judged_by_the_whole_session_rule() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let form = SessionForm {
        online: true,
        venue: "Web研修（Zoom）".into(),
        ..session_form("")
    };
    let session = organizer.create_session(&form).await.unwrap().id;
    app.physician_api("123456", "taro@example.jp").await;
    let day = yesterday();
    // Yamada reconnected once (two rows); Sato joined 15 minutes late.
    let log = format!(
        "医籍登録番号,氏名,入室,退室\n\
         123456,山田 太郎,{day} 12:58:10,{day} 13:40:00\n\
         123456,山田 太郎,{day} 13:41:30,{day} 15:01:02\n\
         222222,佐藤 一郎,{d} 13:20:00,{d} 15:00:00\n",
        d = day.format("%Y/%m/%d")
    );
    let checked = organizer.import_sheet(session, &log, true).await.unwrap();
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    assert_eq!(checked.valid_rows, 3);
    let done = organizer.import_sheet(session, &log, false).await.unwrap();
    assert_eq!(done.scans_written, 6);
    let rows = organizer.attendance(session).await.unwrap();
    assert_eq!(row_of(&rows, "123456").presence, Presence::Full);
    assert!(matches!(
        row_of(&rows, "222222").presence,
        Presence::Partial {
            late_minutes: 15,
            ..
        }
    ));
    // The same log again writes nothing; a record of another day is refused with its line.
    let again = organizer.import_sheet(session, &log, false).await.unwrap();
    assert_eq!(again.scans_written, 0);
    let before = day - Days::new(1);
    let other_day = format!("333333,鈴木 花子,{before} 13:00,{before} 15:00\n");
    let refused = organizer
        .import_sheet(session, &other_day, true)
        .await
        .unwrap();
    assert_eq!(refused.problems.len(), 1);
    assert_eq!(refused.problems[0].message.key, "import.other_day");
    assert!(
        refused.problems[0]
            .message
            .render(Lang::Ja)
            .contains("1行目")
    );
}

#[tokio::test]
async fn a_repeated_or_replayed_scan_is_recorded_once() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    let first = door.check_in("dev1-0001", "123456", "12:58:00").await;
    let again = door.check_in("dev1-0001", "123456", "12:58:00").await;
    assert_eq!(first.scan_id, again.scan_id);
    assert!(again.replayed);
    // A second check-in with a new id is recorded, and says when the first one was.
    let second = door.check_in("dev2-0001", "123456", "13:01:00").await;
    assert_eq!(second.already_at, Some(at("12:58:00")));
    let rows = organizer.attendance(session).await.unwrap();
    assert_eq!(row_of(&rows, "123456").first_in, Some(at("12:58:00")));
}

#[tokio::test]
async fn posting_grants_units_to_full_attendees_lecturers_and_partial_attendees_with_a_reason() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    let physician = app.physician_api("123456", "taro@example.jp").await;
    // Full: in by 13:05, out from 14:55. Late: in at 13:06. Early: out at 14:54.
    for (id, reg, kind, t) in [
        ("a1", "123456", ScanKind::In, "13:05:00"),
        ("a2", "123456", ScanKind::Out, "14:55:00"),
        ("b1", "222222", ScanKind::In, "13:06:00"),
        ("b2", "222222", ScanKind::Out, "15:10:00"),
        ("c1", "333333", ScanKind::In, "12:50:00"),
        ("c2", "333333", ScanKind::Out, "14:54:00"),
    ] {
        door.scan(kind, id, reg, t).await.unwrap();
    }
    let rows = organizer.attendance(session).await.unwrap();
    assert_eq!(row_of(&rows, "123456").presence, Presence::Full);
    assert!(matches!(
        row_of(&rows, "222222").presence,
        Presence::Partial {
            late_minutes: 1,
            ..
        }
    ));
    assert!(matches!(
        row_of(&rows, "333333").presence,
        Presence::Partial {
            early_minutes: 1,
            ..
        }
    ));
    assert!(
        matches!(row_of(&rows, "777777").presence, Presence::Partial { .. }),
        "the lecturer has no scans"
    );

    // A grant needs a reason.
    let grant = |reason: &str| PostRequest {
        grants: vec![Grant {
            registry_number: "222222".into(),
            reason: reason.into(),
        }],
        confirm_unsent: false,
    };
    let refused = organizer.post_session(session, &grant(" ")).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let result = organizer
        .post_session(session, &grant("交通機関の遅延（1分）"))
        .await
        .unwrap();
    assert_eq!(
        result.credits_written, 3,
        "full attendee, granted partial attendee, lecturer"
    );
    // On the physician's My Page at once.
    let page = physician.my_page().await.unwrap();
    let entry = &page.ledger[0];
    assert_eq!(
        entry.session_title.as_deref(),
        Some("産業医研修会 職場のメンタルヘルス")
    );
    assert_eq!(entry.units, domain::Units::whole(2));
    // Posting twice writes nothing more; scanning after posting is refused.
    assert_eq!(
        organizer
            .post_session(session, &PostRequest::default())
            .await
            .refused()
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        door.scan(ScanKind::In, "late-1", "444444", "13:00:00")
            .await
            .refused()
            .status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn attendance_of_someone_without_a_my_page_is_attached_once_they_are_verified() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    for (id, kind, t) in [
        ("x1", ScanKind::In, "13:00:00"),
        ("x2", ScanKind::Out, "15:00:00"),
    ] {
        let mut req = by_number(id, "123456", kind, t);
        req.birth_date = Some("1980-04-01".parse().unwrap());
        organizer.scan(session, &req).await.unwrap();
    }
    post(&organizer, session).await;
    // registration() uses the same date of birth; nothing is theirs before verification.
    let physician = app
        .registered_api(&registration("123456", "taro@example.jp"))
        .await;
    assert!(physician.my_page().await.unwrap().ledger.is_empty());
    app.confirm_email("taro@example.jp").await;
    assert!(physician.my_page().await.unwrap().ledger.is_empty());
    app.verify_by_staff(&physician).await;
    assert_eq!(physician.my_page().await.unwrap().ledger.len(), 1);
}

#[tokio::test]
async fn attendance_whose_birth_date_does_not_match_is_reconciled_by_the_prefecture_with_a_reason()
{
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    // The door noted 1980-01-04 where the physician was born 1980-04-01.
    for (id, kind, t) in [
        ("y1", ScanKind::In, "13:00:00"),
        ("y2", ScanKind::Out, "15:00:00"),
    ] {
        let mut req = by_number(id, "123456", kind, t);
        req.birth_date = Some("1980-01-04".parse().unwrap());
        organizer.scan(session, &req).await.unwrap();
    }
    post(&organizer, session).await;
    let physician = app
        .registered_api(&registration("123456", "taro@example.jp"))
        .await;
    app.confirm_email("taro@example.jp").await;
    app.verify_by_staff(&physician).await;
    assert!(
        physician.my_page().await.unwrap().ledger.is_empty(),
        "not attached: the birth dates differ"
    );
    // Kyoto's staff (the physician's association) see it with both dates; Tokyo's do not.
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto.reconcile@example.jp")
        .await;
    let listed: Vec<domain::api::UnattachedCredit> =
        kyoto.get_json("/api/review/unattached").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].noted_birth_date.to_string(), "1980-01-04");
    assert_eq!(listed[0].birth_date.to_string(), "1980-04-01");
    assert_eq!(
        listed[0].session_title.as_deref(),
        Some("産業医研修会 職場のメンタルヘルス")
    );
    let tokyo = app
        .staff_api_in(
            Role::PrefecturalStaff,
            "tokyo.reconcile@example.jp",
            domain::Prefecture::TOKYO,
        )
        .await;
    let none: Vec<domain::api::UnattachedCredit> =
        tokyo.get_json("/api/review/unattached").await.unwrap();
    assert!(none.is_empty());
    let path = format!("/api/review/unattached/{}/attach", listed[0].credit_id);
    let reason = |r: &str| domain::api::AttachRequest { reason: r.into() };
    assert_eq!(
        tokyo
            .post_json::<_, ()>(&path, &reason("x"))
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND
    );
    let refused = kyoto
        .post_json::<_, ()>(&path, &reason(" "))
        .await
        .refused();
    assert_eq!(refused.fields(), ["reason"]);
    // Given with a reason: on My Page at once, audited, and off the list.
    kyoto
        .post_json::<_, ()>(&path, &reason("受付簿の写しで月日の入れ違いを確認"))
        .await
        .unwrap();
    assert_eq!(physician.my_page().await.unwrap().ledger.len(), 1);
    let after: Vec<domain::api::UnattachedCredit> =
        kyoto.get_json("/api/review/unattached").await.unwrap();
    assert!(after.is_empty());
    assert_eq!(
        kyoto
            .post_json::<_, ()>(&path, &reason("again"))
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND
    );
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    assert!(
        admin
            .admin_audit("")
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "credit_attached")
    );
}

#[tokio::test]
async fn a_mistyped_unknown_number_is_not_recorded_until_the_desk_confirms_it() {
    let app = TestApp::spawn().await;
    app.physician_api("123456", "taro@example.jp").await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let mut typo = by_number("t1", "123465", ScanKind::In, "13:00:00");
    typo.confirm_unknown = false;
    let refused = organizer.scan(session, &typo).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.field_codes(), ["unknown_number"]);
    assert!(refused.field_text(Lang::Ja).contains("123465"));
    assert!(
        organizer
            .attendance(session)
            .await
            .unwrap()
            .iter()
            .all(|r| r.registry_number != "123465")
    );
    // A registered number needs no confirmation; an unknown one is recorded when confirmed.
    let mut known = by_number("t2", "123456", ScanKind::In, "13:00:00");
    known.confirm_unknown = false;
    assert!(organizer.scan(session, &known).await.is_ok());
    typo.confirm_unknown = true;
    let recorded = organizer.scan(session, &typo).await.unwrap();
    assert_eq!(recorded.name, None);
}

#[tokio::test]
async fn a_check_out_without_a_check_in_is_recorded_with_a_warning() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    let out = door.check_out("o1", "123456", "15:00:00").await;
    assert!(out.no_check_in);
    door.check_in("i1", "222222", "13:00:00").await;
    let out = door.check_out("o2", "222222", "15:00:00").await;
    assert!(!out.no_check_in);
}

#[tokio::test]
async fn a_signed_qr_code_identifies_the_physician_and_an_edited_one_is_refused() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let token = physician.qr().await.unwrap().token;
    let by_code = |id: &str, token: String| ScanRequest {
        client_id: uid(id),
        kind: ScanKind::In,
        at: at("13:00:00"),
        token: Some(token),
        registry_number: None,
        birth_date: None,
        confirm_unknown: false,
    };
    let result = organizer
        .scan(session, &by_code("q1", token.clone()))
        .await
        .unwrap();
    assert_eq!(result.name.as_deref(), Some("山田 太郎"));
    assert_eq!(result.kana.as_deref(), Some("ヤマダ\u{3000}タロウ"));
    let tampered = token.replacen("N1.", "N1.e", 1);
    let refused = organizer
        .scan(session, &by_code("q2", tampered))
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["token"]);
}

#[tokio::test]
async fn an_undone_scan_no_longer_counts_and_needs_a_reason() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    let s = door.check_in("u1", "123456", "13:00:00").await;
    assert_eq!(
        organizer
            .undo(session, s.scan_id, "")
            .await
            .refused()
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    organizer
        .undo(session, s.scan_id, "別の方のコードを読み取った")
        .await
        .unwrap();
    // Undoing twice finds nothing more to undo.
    assert_eq!(
        organizer
            .undo(session, s.scan_id, "二重操作")
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND
    );
    let rows = organizer.attendance(session).await.unwrap();
    assert!(rows.iter().all(|r| r.registry_number != "123456"));
}

#[tokio::test]
async fn the_desk_lists_one_persons_scans_so_the_check_in_and_not_a_duplicate_is_undone() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    let first = door.check_in("p1", "123456", "13:00:00").await;
    let duplicate = door.check_in("p2", "123456", "13:00:30").await;
    assert!(duplicate.already_at.is_some());
    let lines = organizer.person_scans(session, "123456").await.unwrap();
    let ids: Vec<i32> = lines.iter().map(|l| l.scan_id).collect();
    assert_eq!(ids, [first.scan_id, duplicate.scan_id]);
    assert!(lines.iter().all(|l| l.can_undo && !l.undone));
    // Undoing the duplicate leaves the check-in; undoing both leaves nobody inside.
    organizer
        .undo(session, duplicate.scan_id, "二重読み取り")
        .await
        .unwrap();
    let rows = organizer.attendance(session).await.unwrap();
    assert_eq!(row_of(&rows, "123456").first_in, Some(at("13:00:00")));
    organizer
        .undo(session, first.scan_id, "別の方だった")
        .await
        .unwrap();
    let lines = organizer.person_scans(session, "123456").await.unwrap();
    assert!(lines.iter().all(|l| l.undone && !l.can_undo));
    assert!(
        organizer
            .attendance(session)
            .await
            .unwrap()
            .iter()
            .all(|r| r.registry_number != "123456")
    );
    // A helper link of the session sees the same history; another session's link does not.
    let (_, desk) = helper(&organizer, session, 4).await;
    assert_eq!(desk.person_scans(session, "123456").await.unwrap().len(), 2);
    let other = create_session(&organizer).await;
    let (_, other_desk) = helper(&organizer, other, 4).await;
    assert!(
        other_desk
            .person_scans(other, "123456")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_scan_is_accepted_only_on_the_sessions_day_and_a_refusal_says_why() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let yesterday_session = create_session(&organizer).await;
    let read = |id: &str, when: DateTime<Utc>| ScanRequest {
        at: when,
        ..by_number(id, "123456", ScanKind::In, "13:00:00")
    };
    // Yesterday's session, read today: the session is over (not the clock's fault).
    let today = organizer
        .scan(yesterday_session, &read("d1", Utc::now()))
        .await
        .refused();
    assert_eq!(today.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(today.fields(), ["at"]);
    assert!(
        today.field_text(Lang::Ja).contains("終わっています"),
        "{}",
        today.field_text(Lang::Ja)
    );
    // A time ahead of the server's clock: the device's clock.
    let ahead = organizer
        .scan(
            yesterday_session,
            &read("d2", Utc::now() + chrono::Duration::days(1)),
        )
        .await
        .refused();
    assert!(ahead.field_text(Lang::Ja).contains("端末の時計"));
    // The day before the session: the clock again.
    let before = organizer
        .scan(
            yesterday_session,
            &read("d3", at("13:00:00") - chrono::Duration::days(1)),
        )
        .await
        .refused();
    assert!(before.field_text(Lang::Ja).contains("端末の時計"));
    // A session next week, read today: not yet (the clock is right).
    let next_week = organizer
        .create_session(&SessionForm {
            date: (yesterday() + Days::new(8)).to_string(),
            ..session_form("")
        })
        .await
        .unwrap();
    let early = organizer
        .scan(next_week.id, &read("d4", Utc::now()))
        .await
        .refused();
    assert!(
        early.field_text(Lang::Ja).contains("当日になってから"),
        "{}",
        early.field_text(Lang::Ja)
    );
    assert!(!early.field_text(Lang::Ja).contains("端末の時計"));
    // On the day it is accepted (a scan read yesterday and sent today is yesterday's).
    assert!(
        organizer
            .scan(yesterday_session, &read("d5", at("13:00:00")))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_organizer_touches_only_their_own_sessions() {
    let app = TestApp::spawn().await;
    let owner = app.staff_api(Role::Organizer, "org@example.jp").await;
    let other = app.staff_api(Role::Organizer, "other@example.jp").await;
    let session = create_session(&owner).await;
    assert_eq!(
        Door {
            desk: &other,
            session
        }
        .scan(ScanKind::In, "o1", "123456", "13:00:00")
        .await
        .refused()
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.attendance(session).await.refused().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post_session(session, &PostRequest::default())
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.person_scans(session, "123456").await.refused().status,
        StatusCode::NOT_FOUND
    );
    assert!(other.my_sessions().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_physician_is_found_only_by_full_name_and_date_of_birth() {
    let app = TestApp::spawn().await;
    // helpers::registration: 山田 太郎 / ヤマダ タロウ, born 1980-04-01.
    app.physician_api("765432", "found@example.jp").await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let id = create_session(&organizer).await;
    for name in ["山田 太郎", "山田太郎", "やまだ　たろう"] {
        let hits = organizer.lookup(id, name, "1980-04-01").await.unwrap();
        assert_eq!(hits[0].registry_number, "765432", "{name}");
    }
    // No partial names, no other birthday, no browsing.
    for (name, birth) in [
        ("山田", "1980-04-01"),
        ("山田 太郎", "1980-04-02"),
        ("", "1980-04-01"),
    ] {
        assert!(
            organizer.lookup(id, name, birth).await.unwrap().is_empty(),
            "{name} {birth}"
        );
    }
    assert_eq!(
        organizer.lookup(id, "山田 太郎", "").await.refused().status,
        StatusCode::BAD_REQUEST,
        "a date of birth is required"
    );
    let other = app.staff_api(Role::Organizer, "other-org@example.jp").await;
    assert_eq!(
        other
            .lookup(id, "山田 太郎", "1980-04-01")
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND,
        "only the session's organizer"
    );
}

#[tokio::test]
async fn a_helper_link_opens_one_sessions_door_until_it_is_revoked_or_expires() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let other = app.staff_api(Role::Organizer, "other@example.jp").await;
    let session = create_session(&organizer).await;
    let second = create_session(&organizer).await;
    // Bad requests say what to do.
    let refused = organizer
        .create_door_link(
            session,
            &NewDoorLink {
                label: " ".into(),
                hours: 49,
            },
        )
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["label", "hours"]);
    let (link, desk) = helper(&organizer, session, 4).await;
    // Another organizer cannot see or revoke it.
    assert_eq!(
        other.door_links(session).await.refused().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.revoke_door_link(session, link).await.refused().status,
        StatusCode::NOT_FOUND
    );

    // The helper's device: no login, only the token.
    let desk = desk.logged_out();
    let info = desk.door_info().await.unwrap();
    assert_eq!(info.session.id, session);
    assert_eq!(info.label, "受付2 佐藤");
    let helper_door = Door::new(&desk, session);
    let scanned = helper_door.check_in("h-1", "123456", "13:00:00").await;
    let again = helper_door.check_in("h-1", "123456", "13:00:00").await;
    assert_eq!(again.scan_id, scanned.scan_id, "a retry is the same scan");
    // The scan is in its session only, recorded with the link it came through.
    assert_eq!(
        organizer.attendance(session).await.unwrap().len(),
        2,
        "attendee + lecturer"
    );
    assert_eq!(
        organizer.attendance(second).await.unwrap().len(),
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
    assert_eq!(through, Some(link));
    // The helper cannot review, post or reach the organizer's API with the token.
    assert_eq!(
        desk.attendance(session).await.refused().status,
        StatusCode::UNAUTHORIZED
    );
    // Without the token, or with a made-up one: closed, with what to do.
    let closed = app.api().door_info().await.refused();
    assert_eq!(closed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(closed.error.code, "door_closed");
    assert_eq!(
        app.api()
            .with_door("made-up")
            .door_info()
            .await
            .refused()
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Revoked: closed at once.
    let revoked = organizer.revoke_door_link(session, link).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        Door {
            desk: &desk,
            session
        }
        .scan(ScanKind::In, "h-2", "123456", "13:00:00")
        .await
        .refused()
        .status,
        StatusCode::UNAUTHORIZED
    );

    // Expired: a second link whose time has passed is closed too.
    let (link2, desk2) = helper(&organizer, session, 1).await;
    let desk2 = desk2.logged_out();
    assert!(desk2.door_info().await.is_ok());
    app.db
        .execute_unprepared(&format!(
            "UPDATE door_links SET expires_at = created_at WHERE id = {link2}"
        ))
        .await
        .unwrap();
    assert_eq!(
        desk2.door_info().await.refused().status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_device_that_still_holds_scans_warns_before_its_link_is_revoked_or_the_session_posted() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let (link, desk) = helper(&organizer, session, 4).await;
    let desk = desk.logged_out();
    // The helper's phone went offline with two scans, then reported them.
    desk.report_status(2).await.unwrap();
    let links = organizer.door_links(session).await.unwrap();
    assert_eq!(links[0].unsent_scans, 2);
    assert!(links[0].last_seen_at.is_some());
    let refused = organizer.revoke_door_link(session, link).await.refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.field_codes(), ["unsent_scans"]);
    assert!(refused.field_text(Lang::Ja).contains("受付2 佐藤"));
    let refused = organizer
        .post_session(session, &PostRequest::default())
        .await
        .refused();
    assert_eq!(refused.field_codes(), ["unsent_scans"]);
    // Once the device has sent them, nothing is in the way.
    desk.report_status(0).await.unwrap();
    organizer.revoke_door_link(session, link).await.unwrap();
    // A second device holds one: posting anyway needs the organizer's confirmation.
    let (_, desk2) = helper(&organizer, session, 4).await;
    desk2.logged_out().report_status(1).await.unwrap();
    let posted = organizer
        .post_session(
            session,
            &PostRequest {
                grants: Vec::new(),
                confirm_unsent: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(posted.credits_written, 1, "the lecturer");
}

#[tokio::test]
async fn a_qr_code_read_offline_is_judged_at_the_time_it_was_read() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    app.physician_api("123456", "taro@example.jp").await;
    let now = Utc::now();
    let read_at = now - chrono::Duration::minutes(2);
    let today = domain::dates::today_jst(now);
    if domain::dates::today_jst(read_at) != today {
        return; // just after midnight in Japan: the read would fall on the day before
    }
    // Today's session, all day, so "two minutes ago" is on its day.
    let session = organizer
        .create_session(&SessionForm {
            date: today.to_string(),
            starts_at: "00:00".into(),
            ends_at: "23:59".into(),
            ..session_form("")
        })
        .await
        .unwrap()
        .id;
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
    let read = |id: &str, when: DateTime<Utc>| ScanRequest {
        client_id: uid(id),
        kind: ScanKind::In,
        at: when,
        token: Some(token.clone()),
        registry_number: None,
        birth_date: None,
        confirm_unknown: false,
    };
    let accepted = organizer
        .scan(session, &read("off-1", read_at))
        .await
        .unwrap();
    assert_eq!(accepted.registry_number, "123456");
    // Read now: expired, refused with what to do.
    let refused = organizer.scan(session, &read("off-2", now)).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .field_text(Lang::Ja)
            .contains("マイページを開き直して")
    );
}

#[tokio::test]
async fn corrections_after_posting_need_a_reason_add_ledger_rows_and_are_audited() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let door = Door::new(&organizer, session);
    let physician = app.physician_api("123456", "taro@example.jp").await;
    for (id, kind, t) in [
        ("a1", ScanKind::In, "13:00:00"),
        ("a2", ScanKind::Out, "15:00:00"),
    ] {
        door.scan(kind, id, "123456", t).await.unwrap();
    }
    let correction =
        |action: CorrectionAction, reason: &str, client_ref: Option<&str>| SessionCorrection {
            registry_number: "123456".into(),
            action,
            reason: reason.into(),
            client_ref: client_ref.map(uid),
        };
    let correct = |req: SessionCorrection| {
        let organizer = organizer.clone();
        async move { organizer.correct_session(session, &req).await }
    };
    let ledger_len = || async { physician.my_page().await.unwrap().ledger.len() };
    // Before posting there is nothing to correct.
    assert_eq!(
        correct(correction(CorrectionAction::Withdraw, "誤登録", None))
            .await
            .refused()
            .status,
        StatusCode::CONFLICT
    );
    post(&organizer, session).await;
    assert_eq!(ledger_len().await, 1);
    // No reason: refused.
    let refused = correct(correction(CorrectionAction::Withdraw, "", None))
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["reason"]);
    // Withdraw (retried once with the same reference): the credit leaves My Page.
    for _ in 0..2 {
        let row = correct(correction(
            CorrectionAction::Withdraw,
            "別人の番号を読み取った",
            Some("c-1"),
        ))
        .await
        .unwrap();
        assert!(!row.credited);
    }
    assert_eq!(ledger_len().await, 0);
    // Withdrawing again: nothing to withdraw.
    assert_eq!(
        correct(correction(CorrectionAction::Withdraw, "再度", None))
            .await
            .refused()
            .status,
        StatusCode::CONFLICT
    );
    // Add for someone who forgot to scan out: a new entry; adding twice is refused.
    let row = correct(correction(
        CorrectionAction::Add,
        "退室時の読み取り漏れ（受付簿で確認）",
        None,
    ))
    .await
    .unwrap();
    assert!(row.credited);
    assert_eq!(
        correct(correction(CorrectionAction::Add, "重複", None))
            .await
            .refused()
            .status,
        StatusCode::CONFLICT
    );
    let ledger = physician.my_page().await.unwrap().ledger;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].units, domain::Units::whole(2));
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
    assert_eq!(
        actions,
        [
            "created",
            "designate",
            "post",
            "lecturer_grant",
            "credit_withdraw",
            "credit_add"
        ]
    );
    assert!(audit[4].note.as_deref().unwrap().contains("別人の番号"));
    // Another organizer cannot correct it.
    let other = app.staff_api(Role::Organizer, "other@example.jp").await;
    assert_eq!(
        other
            .correct_session(session, &correction(CorrectionAction::Withdraw, "x", None))
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_paper_sheet_is_checked_line_by_line_then_imported_once() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    app.physician_api("123456", "taro@example.jp").await;
    let bad = "医籍登録番号,氏名,入室,退室\n123456,山田 花子,12:58,15:01\n12x456,誰か,13:00,15:00\n222222,佐藤 一郎,13:00\n333333,鈴木 次郎,13:10,15:00\n";
    let report = organizer.import_sheet(session, bad, true).await.unwrap();
    let lines: Vec<usize> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4], "wrong name, bad number, missing field");
    assert_eq!(report.scans_written, 0);
    assert_eq!(
        report.valid_rows, 1,
        "a line with a problem is not also counted as valid"
    );
    // The real import refuses while a line is bad, and writes nothing.
    let refused = organizer.import_sheet(session, bad, false).await.unwrap();
    assert_eq!(refused.scans_written, 0);
    assert_eq!(refused.problems.len(), 3);
    let good = "123456,ヤマダ タロウ,12:58,15:01\n333333,鈴木 次郎,13:10,15:00\n";
    let dry = organizer.import_sheet(session, good, true).await.unwrap();
    assert_eq!(dry.valid_rows, 2);
    assert_eq!(dry.scans_written, 0);
    let done = organizer.import_sheet(session, good, false).await.unwrap();
    assert_eq!(done.scans_written, 4);
    // The same sheet again writes nothing more.
    let again = organizer.import_sheet(session, good, false).await.unwrap();
    assert_eq!(again.scans_written, 0);
    assert_eq!(again.already_imported, 2);
    let rows = organizer.attendance(session).await.unwrap();
    assert_eq!(row_of(&rows, "123456").presence, Presence::Full);
    assert!(matches!(
        row_of(&rows, "333333").presence,
        Presence::Partial {
            late_minutes: 5,
            ..
        }
    ));
    // Not UTF-8: told how to save it.
    let r = organizer
        .http()
        .post(format!(
            "{}/api/organizer/sessions/{session}/import?dry_run=true",
            app.address
        ))
        .header("content-type", "text/csv")
        .body(vec![0x88u8, 0xe3, 0x8e, 0x74])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: domain::api::ErrorBody = r.json().await.unwrap();
    assert!(
        body.error.fields[0]
            .message
            .render(Lang::Ja)
            .contains("UTF-8")
    );
    // Too many lines for one import: told to split it.
    let huge: String = (0..5_001)
        .map(|i| format!("{},誰か,13:00,15:00\n", 500_000 + i))
        .collect();
    let refused = organizer.import_sheet(session, &huge, true).await.refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.field_codes(), ["too_many_rows"]);
    // Not sent as CSV (a cross-site form could send text/plain): refused, nothing written.
    let r = organizer
        .http()
        .post(format!(
            "{}/api/organizer/sessions/{session}/import?dry_run=false",
            app.address
        ))
        .header("content-type", "application/json")
        .body("444444,誰か,13:00,15:00\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: domain::api::ErrorBody = r.json().await.unwrap();
    assert_eq!(body.error.fields[0].code, "not_csv");
    assert!(
        organizer
            .attendance(session)
            .await
            .unwrap()
            .iter()
            .all(|r| r.registry_number != "444444")
    );
}

#[tokio::test]
async fn a_paper_sheet_cannot_record_a_time_that_has_not_come() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let today = domain::dates::today_jst(Utc::now());
    let session = organizer
        .create_session(&SessionForm {
            date: today.to_string(),
            starts_at: "00:00".into(),
            ends_at: "23:59".into(),
            ..session_form("")
        })
        .await
        .unwrap()
        .id;
    let later = (Utc::now() + chrono::Duration::hours(2)).with_timezone(&domain::dates::jst());
    if later.date_naive() != today {
        return; // late in the evening in Japan: two hours ahead is tomorrow
    }
    let sheet = format!("123456,誰か,00:00,{}\n", later.format("%H:%M"));
    let report = organizer.import_sheet(session, &sheet, true).await.unwrap();
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].line, 1);
    assert_eq!(report.valid_rows, 0);
}

#[tokio::test]
async fn posting_closes_the_sessions_helper_links() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let session = create_session(&organizer).await;
    let (_, desk) = helper(&organizer, session, 8).await;
    let desk = desk.logged_out();
    assert!(desk.door_info().await.is_ok());
    post(&organizer, session).await;
    assert_eq!(
        desk.door_info().await.refused().status,
        StatusCode::UNAUTHORIZED
    );
    // And no new link can be made for it.
    let refused = organizer
        .create_door_link(
            session,
            &NewDoorLink {
                label: "受付3".into(),
                hours: 4,
            },
        )
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text(Lang::Ja).contains("受付用リンクを作れません"));
}
