//! Sessions are designated (指定) before they count: an organizer submits, the prefecture's staff
//! (or JMA) designate with a number or return with a reason; until then the session is not
//! public, takes no scan, no helper link, and cannot be posted.

use chrono::{Datelike, Days, TimeZone, Utc};
use domain::Lang;
use domain::account::Role;
use domain::api::{NewDoorLink, PostRequest, ScanRequest};
use domain::sessions::{Designation, ScanKind, SessionForm};
use domain::{Prefecture, Units};
use reqwest::StatusCode;

use crate::client::Refusal;
use crate::helpers::{TestApp, session_form, uid};

/// A scan yesterday at 13:00 JST (the session of [`session_form`]).
fn scan() -> ScanRequest {
    let yesterday = domain::dates::today_jst(Utc::now()) - Days::new(1);
    let at = domain::dates::jst()
        .from_local_datetime(&yesterday.and_hms_opt(13, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    ScanRequest {
        client_id: uid("designation-scan"),
        kind: ScanKind::In,
        at,
        token: None,
        registry_number: Some("777777".into()),
        birth_date: None,
        confirm_unknown: true,
    }
}

#[tokio::test]
async fn a_submitted_session_counts_for_nothing_until_its_prefecture_designates_it() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto.staff@example.jp")
        .await;
    let tokyo = app
        .staff_api_in(
            Role::PrefecturalStaff,
            "tokyo.staff@example.jp",
            Prefecture::TOKYO,
        )
        .await;
    let submitted = organizer
        .submit_session(&session_form("777777"))
        .await
        .unwrap();
    assert_eq!(submitted.designation, Designation::Submitted);
    assert_eq!(submitted.designation_number, None);
    let id = submitted.id;

    // Not public, no scan, no helper link, no posting.
    assert!(
        app.api()
            .sessions("")
            .await
            .unwrap()
            .iter()
            .all(|s| s.id != id)
    );
    let not_designated = |r: crate::client::Refused| {
        assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
        assert_eq!(r.error.message.key, "session.not_designated");
        assert!(r.text(Lang::Ja).contains("指定"));
    };
    not_designated(organizer.scan(id, &scan()).await.refused());
    not_designated(
        organizer
            .create_door_link(
                id,
                &NewDoorLink {
                    label: "受付1".into(),
                    hours: 4,
                },
            )
            .await
            .refused(),
    );
    not_designated(
        organizer
            .post_session(id, &PostRequest::default())
            .await
            .refused(),
    );

    // The organizer cannot designate their own; Tokyo's staff do not see Kyoto's session.
    assert_eq!(
        organizer.designate_session(id, "").await.refused().status,
        StatusCode::FORBIDDEN
    );
    assert!(
        tokyo
            .designation_queue("submitted", None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        tokyo
            .designation_queue("submitted", Some(26))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tokyo.designate_session(id, "").await.refused().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        tokyo.return_session(id, "理由").await.refused().status,
        StatusCode::NOT_FOUND
    );

    // Kyoto's staff see it with its lecturer and designate it: a number of Kyoto and this year.
    let queue = kyoto.designation_queue("submitted", None).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].lecturers, ["777777"]);
    let done = kyoto.designate_session(id, "").await.unwrap();
    let year = domain::dates::today_jst(Utc::now()).year();
    assert_eq!(
        done.session.designation_number.as_deref(),
        Some(format!("26-{year}-0001").as_str())
    );
    assert_eq!(done.session.designation, Designation::Designated);
    // Twice: the second is told it no longer waits, the number stays.
    let again = kyoto.designate_session(id, "").await.refused();
    assert_eq!(again.error.message.key, "designation.not_submitted");
    assert!(
        app.api()
            .sessions("")
            .await
            .unwrap()
            .iter()
            .any(|s| s.id == id)
    );
    organizer
        .scan(id, &scan())
        .await
        .expect("a designated session takes scans");
    // And helper links, each with the QR code a helper's camera opens it from.
    let link = organizer
        .create_door_link(
            id,
            &NewDoorLink {
                label: "受付1".into(),
                hours: 4,
            },
        )
        .await
        .unwrap();
    assert!(link.qr_svg.contains("<svg"), "{}", link.qr_svg);
    assert!(
        app.subjects_to("org@example.jp")
            .await
            .contains(&"研修会が指定されました".to_owned())
    );
    let trail = server::db::audit::about(&app.db, "session", id)
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.action == "designate"), "{trail:?}");

    // The next session of Kyoto gets the next number; a number entered by hand that Kyoto
    // already gave is refused.
    let second = organizer
        .submit_session(&SessionForm {
            title: "二つ目".into(),
            ..session_form("")
        })
        .await
        .unwrap()
        .id;
    let taken = kyoto
        .designate_session(second, &format!("26-{year}-0001"))
        .await
        .refused();
    assert_eq!(taken.field_codes(), ["taken"]);
    let next = kyoto.designate_session(second, "").await.unwrap();
    assert_eq!(
        next.session.designation_number,
        Some(format!("26-{year}-0002"))
    );
}

#[tokio::test]
async fn a_returned_session_says_why_and_goes_back_to_the_queue_when_changed() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let jma = app.staff_api(Role::JmaStaff, "jma.staff@example.jp").await;
    let id = organizer
        .submit_session(&session_form(""))
        .await
        .unwrap()
        .id;
    let blank = jma.return_session(id, "  ").await.refused();
    assert_eq!(blank.fields(), ["reason"]);
    let returned = jma
        .return_session(id, "講師の医籍登録番号を追記してください")
        .await
        .unwrap();
    assert_eq!(returned.session.designation, Designation::Returned);
    // The organizer reads the reason on their list and by mail.
    let mine = organizer.my_sessions().await.unwrap();
    let own = mine.iter().find(|s| s.id == id).unwrap();
    assert_eq!(
        own.returned_reason.as_deref(),
        Some("講師の医籍登録番号を追記してください")
    );
    assert!(
        app.subjects_to("org@example.jp")
            .await
            .contains(&"研修会の指定申請が差し戻されました".to_owned())
    );
    // A returned session is not designated as it is.
    assert_eq!(
        jma.designate_session(id, "")
            .await
            .refused()
            .error
            .message
            .key,
        "designation.not_submitted"
    );
    // Changed: submitted again, reason gone, and JMA designates it.
    let changed = organizer
        .edit_session(id, &session_form("777777"))
        .await
        .unwrap();
    assert_eq!(changed.designation, Designation::Submitted);
    assert_eq!(changed.returned_reason, None);
    let queue = jma.designation_queue("submitted", Some(26)).await.unwrap();
    assert_eq!(queue.iter().map(|i| i.session.id).collect::<Vec<_>>(), [id]);
    assert!(
        jma.designation_queue("submitted", Some(13))
            .await
            .unwrap()
            .is_empty()
    );
    jma.designate_session(id, "京都第１２号").await.unwrap();
    let designated = organizer.my_sessions().await.unwrap();
    assert_eq!(
        designated
            .iter()
            .find(|s| s.id == id)
            .unwrap()
            .designation_number
            .as_deref(),
        Some("京都第12号")
    );
}

#[tokio::test]
async fn units_that_do_not_fit_the_time_are_questioned_and_a_designated_session_keeps_what_was_designated()
 {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    // 13:00–15:00 holds 2 units, not 3.
    let long = SessionForm {
        units: "3".into(),
        ..session_form("")
    };
    let asked = organizer.submit_session(&long).await.refused();
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(asked.field_codes(), ["question"]);
    assert!(asked.field_text(Lang::Ja).contains("120 分"));
    let confirmed = organizer
        .create_session(&SessionForm {
            confirm_questions: true,
            ..long
        })
        .await
        .unwrap();
    assert_eq!(confirmed.designation, Designation::Designated);
    assert_eq!(confirmed.units, Units::whole(3));

    // Designated: the venue may change, the units may not.
    let form = organizer.session_form(confirmed.id).await.unwrap();
    let fewer = organizer
        .edit_session(
            confirmed.id,
            &SessionForm {
                units: "2".into(),
                ..form.clone()
            },
        )
        .await
        .refused();
    assert_eq!(fewer.fields(), ["units"]);
    let moved = organizer
        .edit_session(
            confirmed.id,
            &SessionForm {
                venue: "京都府医師会館 2階".into(),
                ..form
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.venue, "京都府医師会館 2階");
    assert_eq!(moved.designation, Designation::Designated);
}

#[tokio::test]
async fn posting_names_each_lecturer_grant_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let id = organizer
        .create_session(&session_form("777777"))
        .await
        .unwrap()
        .id;
    let posted = organizer
        .post_session(id, &PostRequest::default())
        .await
        .unwrap();
    assert_eq!(posted.credits_written, 1);
    let trail = server::db::audit::about(&app.db, "session", id)
        .await
        .unwrap();
    let grants: Vec<_> = trail
        .iter()
        .filter(|e| e.action == "lecturer_grant")
        .collect();
    assert_eq!(grants.len(), 1, "{trail:?}");
    assert!(format!("{:?}", grants[0]).contains("777777"));
}

#[tokio::test]
async fn those_who_planned_a_designated_session_hear_of_its_change_and_its_cancellation() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto.staff@example.jp")
        .await;
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    let in_ten_days = domain::dates::today_jst(Utc::now()) + Days::new(10);
    let mut form = SessionForm {
        date: in_ten_days.to_string(),
        ..session_form("")
    };
    let session = organizer.create_session(&form).await.unwrap().id;
    let taro = app.physician_api("123456", "taro@example.jp").await;
    let hanako = app.physician_api("234567", "hanako@example.jp").await;
    // Planned (twice is once); Hanako changes her mind.
    taro.plan(session).await.unwrap();
    taro.plan(session).await.unwrap();
    assert_eq!(taro.plans().await.unwrap(), [session]);
    hanako.plan(session).await.unwrap();
    hanako.unplan(session).await.unwrap();
    assert!(hanako.plans().await.unwrap().is_empty());
    // Only a published session still to come can be planned.
    assert_eq!(
        taro.plan(999_999).await.refused().status,
        StatusCode::NOT_FOUND
    );
    let past = organizer
        .create_session(&session_form(""))
        .await
        .unwrap()
        .id;
    assert_eq!(
        taro.plan(past).await.refused().status,
        StatusCode::NOT_FOUND
    );
    // Staff and organizers have no plans.
    assert_eq!(
        organizer.plan(session).await.refused().status,
        StatusCode::FORBIDDEN
    );

    // A new capacity tells nobody; a new time tells Taro (My Page and mail) and the staff.
    form.capacity = "150".into();
    organizer.edit_session(session, &form).await.unwrap();
    assert!(taro.notices().await.unwrap().items.is_empty());
    form.starts_at = "14:00".into();
    form.ends_at = "16:00".into();
    organizer.edit_session(session, &form).await.unwrap();
    let notices = taro.notices().await.unwrap().items;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, domain::notices::NoticeKind::Session);
    let text = notices[0].message.render(Lang::Ja);
    assert!(
        text.contains("13:00–15:00") && text.contains("14:00–16:00"),
        "{text}"
    );
    assert!(hanako.notices().await.unwrap().items.is_empty());
    let mails = admin.outbox().await.unwrap();
    let to = |who: &str, subject: &str| {
        mails
            .iter()
            .filter(|m| m.to == who && m.subject.contains(subject))
            .count()
    };
    assert_eq!(to("taro@example.jp", "変更されました"), 1);
    assert_eq!(to("hanako@example.jp", "研修会"), 0);
    assert_eq!(
        to("kyoto.staff@example.jp", "指定した研修会が変更されました"),
        1
    );

    // Cancelled: told again, and the staff too.
    organizer.cancel_session(session).await.unwrap();
    let notices = taro.notices().await.unwrap().items;
    assert_eq!(notices.len(), 2);
    assert!(notices[0].message.render(Lang::Ja).contains("中止"));
    let mails = admin.outbox().await.unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m.to == "taro@example.jp" && m.subject.contains("中止"))
    );
    assert!(
        mails
            .iter()
            .any(|m| m.to == "kyoto.staff@example.jp" && m.subject.contains("中止"))
    );
    drop(kyoto);
}

#[tokio::test]
async fn after_the_posting_window_an_addition_goes_through_the_prefecture_with_a_reason() {
    use domain::api::{CorrectionAction, LateAddition, SessionCorrection};
    use sea_orm::{ActiveModelTrait, Set};
    use server::entities::training_session;
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto.staff@example.jp")
        .await;
    let tokyo = app
        .staff_api_in(
            Role::PrefecturalStaff,
            "tokyo.staff@example.jp",
            Prefecture::TOKYO,
        )
        .await;
    let taro = app.physician_api("123456", "taro@example.jp").await;
    let made = organizer.create_session(&session_form("")).await.unwrap();
    let number = made.designation_number.clone().unwrap();
    // The session was 40 days ago: its posting window (30 days) has closed, unposted.
    let long_ago = domain::dates::today_jst(Utc::now()) - Days::new(40);
    training_session::ActiveModel {
        id: Set(made.id),
        date: Set(long_ago),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    // The organizer can no longer add: they are told to ask the prefecture.
    let refused = organizer
        .correct_session(
            made.id,
            &SessionCorrection {
                registry_number: "123456".into(),
                action: CorrectionAction::Add,
                reason: "受付簿で確認".into(),
                client_ref: None,
            },
        )
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text(Lang::Ja).contains("都道府県医師会"));

    let addition = |reason: &str, r: &str| LateAddition {
        designation_number: number.clone(),
        prefecture: None,
        registry_number: "123456".into(),
        reason: reason.into(),
        client_ref: Some(uid(r)),
    };
    // Tokyo's staff find no such number in their prefecture; a reason is required.
    let unknown = tokyo
        .add_late(&addition("受付簿で確認", "t1"))
        .await
        .refused();
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.field_codes(), ["unknown"]);
    let no_reason = kyoto.add_late(&addition(" ", "k0")).await.refused();
    assert_eq!(no_reason.field_codes(), ["required"]);
    // Kyoto's staff add: on the physician's My Page at once; a retry gives the same.
    let added = kyoto
        .add_late(&addition("主催者から受付簿の写しで出席の連絡", "k1"))
        .await
        .unwrap();
    assert!(added.row.credited);
    assert_eq!(added.session.id, made.id);
    kyoto
        .add_late(&addition("主催者から受付簿の写しで出席の連絡", "k1"))
        .await
        .unwrap();
    let ledger = taro.my_page().await.unwrap().ledger;
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].units, Units::whole(2));
    // Once is enough: a second addition for the same person is refused.
    let twice = kyoto.add_late(&addition("重複", "k2")).await.refused();
    assert_eq!(twice.status, StatusCode::CONFLICT);
    // The audit log names the staff and the reason.
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    let audit = admin.admin_audit("").await.unwrap();
    assert!(
        audit.iter().any(|r| r.action == "credit_add"
            && r.note
                .as_deref()
                .is_some_and(|n| n.contains("受付簿の写し"))),
        "{audit:?}"
    );
    // Within its window a session is its organizer's to correct, not the prefecture's.
    let fresh = organizer.create_session(&session_form("")).await.unwrap();
    let open = kyoto
        .add_late(&LateAddition {
            designation_number: fresh.designation_number.unwrap(),
            ..addition("早すぎる", "k3")
        })
        .await
        .refused();
    assert_eq!(open.status, StatusCode::CONFLICT);
    assert!(open.text(Lang::Ja).contains("登録期限内"));
}
