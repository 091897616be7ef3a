//! Lists that grow with the country come a page at a time, in a stable order: the next page
//! starts after (or before) the last row of the page shown, so no row is skipped or repeated
//! (issue #12). The application queue's paging is tested with the applications.

use chrono::Days;
use domain::account::Role;
use domain::application::DocumentKind;
use domain::sessions::SessionForm;

use crate::helpers::{LICENCE_PDF, TestApp, registration, session_form};

#[tokio::test]
async fn the_session_search_pages_by_day_start_and_id() {
    let app = TestApp::spawn().await;
    let organizer = app.staff_api(Role::Organizer, "pages@example.jp").await;
    let today = domain::dates::today_jst(chrono::Utc::now());
    // Two sessions a day on three days, the afternoon one made first.
    let mut made = Vec::new();
    for day in 1..=3 {
        for start in ["13:00", "09:00"] {
            let s = organizer
                .create_session(&SessionForm {
                    date: (today + Days::new(day)).to_string(),
                    starts_at: start.into(),
                    ends_at: if start == "09:00" { "11:00" } else { "15:00" }.into(),
                    ..session_form("")
                })
                .await
                .unwrap();
            made.push((s.date, s.starts_at.clone(), s.id));
        }
    }
    made.sort();
    let ids: Vec<i32> = made.iter().map(|m| m.2).collect();
    let api = app.api();
    let first = api.sessions(&format!("from={today}")).await.unwrap();
    let first: Vec<i32> = first.iter().map(|s| s.id).collect();
    assert_eq!(first, ids, "soonest first: day, then start");
    // The page after the third: the other three, in the same order.
    let rest = api
        .sessions(&format!("from={today}&after={}", ids[2]))
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|s| s.id).collect::<Vec<_>>(), ids[3..]);
    // After the last, and after a session that does not exist: nothing.
    for after in [ids[5], i32::MAX] {
        let none = api
            .sessions(&format!("from={today}&after={after}"))
            .await
            .unwrap();
        assert!(none.is_empty(), "after {after}");
    }
}

#[tokio::test]
async fn the_identity_queue_pages_oldest_first() {
    let app = TestApp::spawn().await;
    let mut sent = Vec::new();
    for n in 0..3 {
        let email = format!("queue{n}@example.jp");
        let physician = app
            .registered_api(&registration(&format!("60000{n}"), &email))
            .await;
        app.confirm_email(&email).await;
        let licence = physician
            .upload(DocumentKind::MedicalLicence, "免許証.pdf", LICENCE_PDF)
            .await
            .unwrap();
        sent.push(physician.send_licence(licence.id).await.unwrap().id);
    }
    let kyoto = app.identity_staff().await;
    let queue: Vec<i32> = kyoto
        .identity_queue("pending")
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(queue, sent, "oldest first");
    let rest: Vec<i32> = kyoto
        .identity_queue(&format!("pending&after={}", sent[0]))
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(rest, sent[1..]);
    assert!(
        kyoto
            .identity_queue(&format!("pending&after={}", sent[2]))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_outbox_pages_newest_first() {
    let app = TestApp::spawn().await;
    for n in 0..3 {
        app.registered_api(&registration(
            &format!("61000{n}"),
            &format!("mail{n}@example.jp"),
        ))
        .await;
    }
    let admin = app.staff_api(Role::Admin, "outbox.admin@example.jp").await;
    let all: Vec<i32> = admin.outbox().await.unwrap().iter().map(|m| m.id).collect();
    assert!(all.len() >= 3, "a mail per registration: {all:?}");
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first: {all:?}");
    let older: Vec<i32> = admin
        .outbox_before(all[0])
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(older, all[1..]);
}

#[tokio::test]
async fn a_cursor_from_elsewhere_pages_nothing() {
    let app = TestApp::spawn().await;
    // A request in Kyoto, then one in Tokyo.
    let mut sent = Vec::new();
    for (n, prefecture) in [(1, "26"), (2, "13")] {
        let email = format!("queue.elsewhere{n}@example.jp");
        let mut form = registration(&format!("62000{n}"), &email);
        form.prefecture = prefecture.into();
        let physician = app.registered_api(&form).await;
        app.confirm_email(&email).await;
        let licence = physician
            .upload(DocumentKind::MedicalLicence, "免許証.pdf", LICENCE_PDF)
            .await
            .unwrap();
        sent.push(physician.send_licence(licence.id).await.unwrap().id);
    }
    let tokyo = app
        .staff_api_in(
            Role::PrefecturalStaff,
            "tokyo.queue@example.jp",
            domain::Prefecture::TOKYO,
        )
        .await;
    let own: Vec<i32> = tokyo
        .identity_queue("pending")
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(own, [sent[1]]);
    // Kyoto's request is no cursor for Tokyo's staff: paging from it tells nothing of when it
    // was sent.
    let paged = tokyo
        .identity_queue(&format!("pending&after={}", sent[0]))
        .await
        .unwrap();
    assert!(paged.is_empty(), "{paged:?}");
    // Nor is a session that left the public list a cursor of the public search.
    let organizer = app.staff_api(Role::Organizer, "cursor@example.jp").await;
    let today = domain::dates::today_jst(chrono::Utc::now());
    let published = organizer
        .create_session(&SessionForm {
            date: (today + Days::new(2)).to_string(),
            ..session_form("")
        })
        .await
        .unwrap();
    let cancelled = organizer
        .create_session(&SessionForm {
            date: (today + Days::new(1)).to_string(),
            ..session_form("")
        })
        .await
        .unwrap();
    organizer.cancel_session(cancelled.id).await.unwrap();
    let from_cancelled = app
        .api()
        .sessions(&format!("from={today}&after={}", cancelled.id))
        .await
        .unwrap();
    assert!(from_cancelled.is_empty(), "{from_cancelled:?}");
    let from_published = app
        .api()
        .sessions(&format!("from={today}&after={}", published.id))
        .await
        .unwrap();
    assert!(from_published.is_empty());
}
