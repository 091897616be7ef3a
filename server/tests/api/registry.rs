//! The import of JMA's registry (dry run, bad lines, idempotent, updates) and the staff's
//! search; only JMA staff and admins import.

use domain::Lang;
use domain::account::Role;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::client::{Api, Refusal};
use crate::helpers::{TestApp, registration};

const HEADER: &str = "registry_number,name_kanji,name_kana,birth_date,prefecture,membership,certification,certificate_number,first_certified,valid_from,valid_until";

/// Two physicians: 京都 一郎 with two occupational periods, 東京 花子 with a sports one.
fn export(current_until: &str) -> String {
    format!(
        "\u{feff}{HEADER}\n\
         500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2016-04-01,2016-04-01,2021-03-31\n\
         500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2016-04-01,2021-04-01,{current_until}\n\
         500002,東京 花子,トウキョウ ハナコ,1975-09-09,13,non_member,sports,K300001,2022-10-01,2022-10-01,2027-09-30\n"
    )
}

async fn stored(app: &TestApp) -> (u64, u64, u64) {
    use server::entities::{registry_certificate, registry_period, registry_person};
    (
        registry_person::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        registry_certificate::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        registry_period::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
    )
}

async fn jma(app: &TestApp) -> Api {
    app.staff_api(Role::JmaStaff, "jma@example.jp").await
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing_then_the_import_writes_once() {
    let app = TestApp::spawn().await;
    let jma = jma(&app).await;
    let dry = jma
        .import_registry(&export("2026-03-31"), true)
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert!(dry.problems.is_empty(), "{:?}", dry.problems);
    assert_eq!((dry.lines, dry.certificates, dry.created), (3, 2, 2));
    assert_eq!(stored(&app).await, (0, 0, 0));

    let done = jma
        .import_registry(&export("2026-03-31"), false)
        .await
        .unwrap();
    assert_eq!((done.created, done.updated, done.unchanged), (2, 0, 0));
    assert_eq!(stored(&app).await, (2, 2, 3));

    // The same file again writes nothing.
    let again = jma
        .import_registry(&export("2026-03-31"), false)
        .await
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert!(again.changes.is_empty());
    assert_eq!(stored(&app).await, (2, 2, 3));
}

#[tokio::test]
async fn every_bad_line_is_reported_with_its_number_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let jma = jma(&app).await;
    let text = format!(
        "{HEADER}\n\
         500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2016-04-01,2021-04-01,2026-03-31\n\
         500003,大阪 三郎,オオサカ サブロウ,1970-02-30,27,member,occupational,S200003,2016-04-01,2021-04-01,2026-03-31\n\
         500004,奈良 四郎,ナラ シロウ,1971-01-01,48,member,occupational,S200004,2016-04-01,2021-04-01,2026-03-31\n\
         500005,滋賀 五郎,シガ ゴロウ,1972-01-01,25,member,dentist,S200005,2016-04-01,2021-04-01,2026-03-31\n\
         500006,兵庫 六郎,ヒョウゴ ロクロウ,1973-01-01,28,member,occupational,S200006,2016-04-01,2026-03-31,2021-04-01\n"
    );
    let report = jma.import_registry(&text, false).await.unwrap();
    let lines: Vec<usize> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5, 6], "{:?}", report.problems);
    for p in &report.problems {
        assert!(!p.message.render(Lang::Ja).is_empty());
    }
    assert_eq!(stored(&app).await, (0, 0, 0));
    let no_header = jma
        .import_registry("500001,京都 一郎\n", false)
        .await
        .unwrap();
    assert_eq!(no_header.problems[0].line, 1);
    assert!(
        no_header.problems[0]
            .message
            .render(Lang::Ja)
            .contains("見出し")
    );
}

#[tokio::test]
async fn a_later_export_updates_periods_reports_them_and_updates_linked_my_pages() {
    let app = TestApp::spawn().await;
    let jma = jma(&app).await;
    jma.import_registry(&export("2026-03-31"), false)
        .await
        .unwrap();
    let mut form = registration("500001", "ichiro@example.jp");
    form.name_kanji = "京都 一郎".into();
    form.name_kana = "キョウト イチロウ".into();
    form.birth_date = "1970-05-01".into();
    let physician = app.registered_api(&form).await;
    app.confirm_email("ichiro@example.jp").await;
    let before = physician.my_page().await.unwrap();
    assert_eq!(
        before.certificates[0].current.valid_until.to_string(),
        "2026-03-31"
    );

    // JMA corrected the expiry and the certificate was renewed for the next period.
    let later = format!(
        "{}500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2016-04-01,2026-04-01,2031-03-31\n",
        export("2026-03-30")
    );
    let dry = jma.import_registry(&later, true).await.unwrap();
    assert_eq!((dry.created, dry.updated, dry.unchanged), (0, 1, 1));
    let said: Vec<String> = dry
        .changes
        .iter()
        .map(|c| c.message.render(Lang::Ja))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said.iter().any(|s| s.contains("2031")), "{said:?}");
    assert!(
        said.iter()
            .any(|s| s.contains("2026年3月30日") || s.contains("2026-03-30")),
        "{said:?}"
    );
    let done = jma.import_registry(&later, false).await.unwrap();
    assert_eq!(done.my_pages_updated, 1);
    let after = physician.my_page().await.unwrap();
    let c = &after.certificates[0];
    assert_eq!(c.current.valid_until.to_string(), "2031-03-31");
    assert_eq!(c.periods.len(), 3);
    assert!(
        c.periods
            .iter()
            .any(|p| p.valid_until.to_string() == "2026-03-30")
    );
}

#[tokio::test]
async fn only_jma_staff_and_admins_import_and_staff_search_by_number_or_name() {
    let app = TestApp::spawn().await;
    let jma = jma(&app).await;
    jma.import_registry(&export("2026-03-31"), false)
        .await
        .unwrap();
    let physician = app.physician_api("123456", "taro@example.jp").await;
    let organizer = app.staff_api(Role::Organizer, "org@example.jp").await;
    let kyoto = app
        .staff_api(Role::PrefecturalStaff, "kyoto@example.jp")
        .await;
    for who in [&physician, &organizer, &kyoto] {
        let r = who
            .import_registry(&export("2026-03-31"), true)
            .await
            .refused();
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    admin
        .import_registry(&export("2026-03-31"), true)
        .await
        .unwrap();
    let not_csv = jma
        .http()
        .post(format!("{}/api/registry/import", app.address))
        .header("content-type", "application/json")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(not_csv.status(), StatusCode::UNPROCESSABLE_ENTITY);

    for who in [&physician, &organizer] {
        assert_eq!(
            who.search_registry("500001", "").await.refused().status,
            StatusCode::FORBIDDEN
        );
    }
    let by_number = kyoto.search_registry("５００００１", "").await.unwrap();
    assert_eq!(by_number.len(), 1);
    assert_eq!(by_number[0].person.name_kanji, "京都 一郎");
    assert_eq!(
        by_number[0].certificates[0].current.valid_until.to_string(),
        "2026-03-31"
    );
    assert!(!by_number[0].linked);
    let by_certificate = kyoto.search_registry("k300001", "").await.unwrap();
    assert_eq!(by_certificate[0].person.registry_number, "500002");
    let by_name = kyoto
        .search_registry("とうきょう はなこ", "1975-09-09")
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    let without_birth = kyoto.search_registry("東京 花子", "").await.refused();
    assert_eq!(without_birth.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Once 京都 一郎 registers and is verified, the search says a My Page is linked.
    let mut form = registration("500001", "ichiro@example.jp");
    form.name_kanji = "京都 一郎".into();
    form.name_kana = "キョウト イチロウ".into();
    form.birth_date = "1970-05-01".into();
    app.registered_api(&form).await;
    app.confirm_email("ichiro@example.jp").await;
    assert!(kyoto.search_registry("500001", "").await.unwrap()[0].linked);
}
