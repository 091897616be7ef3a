//! Applications: submission against the engine, uploads, the review workflow as a state machine,
//! approval, the outbox and the audit trail.

use chrono::{Days, NaiveDate, Utc};
use domain::account::Role;
use domain::api::HandbookRequest;
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationKind, ApplicationSummary, DocumentKind,
    FeeChannel, FileType, ReviewAction, Status, Step,
};
use domain::input::Facts;
use domain::ledger::{EntryKind, HandbookForm};
use domain::{Category, Certification, Delivery, Lang, Prefecture, Source};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use server::entities::{Code, credit, document, physician};

use crate::client::{Api, Refusal};
use crate::helpers::{TestApp, occupational_certificate, uid};

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
    let number = format!("S{:06}", 200_000 + physician_id);
    occupational_certificate(app, physician_id, &number, (from, until), "new").await;
    (from, until)
}

/// One organizer-registered credit, `days_ago` days ago, written straight into the ledger.
async fn system_credit(
    app: &TestApp,
    (physician_id, registry): (i32, &str),
    category: Category,
    subject: Option<domain::Subject>,
    units_halves: i32,
    days_ago: u64,
) {
    credit::ActiveModel {
        physician_id: Set(Some(physician_id)),
        registry_number: Set(registry.into()),
        date: Set(today() - Days::new(days_ago)),
        category: Set(Code(category)),
        subject: Set(subject.map(Code)),
        units_halves: Set(units_halves),
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

/// Organizer-registered lifelong credits: 10 update, 5 practical, 5 specialised.
async fn system_credits(app: &TestApp, physician_id: i32, registry: &str) {
    for (category, units) in [
        (Category::OccupationalLifelongUpdate, 10),
        (Category::OccupationalLifelongPractical, 5),
        (Category::OccupationalLifelongSpecialized, 5),
    ] {
        system_credit(
            app,
            (physician_id, registry),
            category,
            None,
            units * 2,
            200,
        )
        .await;
    }
}

/// A physician ready to renew with organizer-registered units.
async fn ready_to_renew(app: &TestApp, registry: &str, email: &str) -> (Api, i32) {
    let client = app.physician_api(registry, email).await;
    let id = user_id(app, registry).await;
    certificate_expiring(app, id).await;
    system_credits(app, id, registry).await;
    (client, id)
}

/// The Kyoto prefectural staff who review these applications.
async fn kyoto(app: &TestApp) -> Api {
    app.staff_api(Role::PrefecturalStaff, "kyoto@example.jp")
        .await
}

/// Prefectural staff of Tokyo, who see none of Kyoto's applications.
async fn tokyo(app: &TestApp) -> Api {
    app.staff_api_in(
        Role::PrefecturalStaff,
        "tokyo@example.jp",
        Prefecture::TOKYO,
    )
    .await
}

/// The JMA staff who approve (an account of Tokyo).
async fn jma(app: &TestApp) -> Api {
    app.staff_api_in(Role::JmaStaff, "jma@example.jp", Prefecture::TOKYO)
        .await
}

fn renewal(client_ref: &str, documents: &[i32]) -> ApplicationForm {
    ApplicationForm {
        kind: Some(ApplicationKind::Renewal),
        certification: Some(Certification::Occupational),
        documents: documents.to_vec(),
        client_ref: Some(uid(client_ref)),
        ..ApplicationForm::default()
    }
}

/// The fee, received today at the counter.
fn fee() -> ReviewAction {
    ReviewAction::RecordFee {
        paid_on: today(),
        channel: FeeChannel::Counter,
    }
}

fn verify(credit_id: i32, verified: bool, reason: Option<&str>) -> ReviewAction {
    ReviewAction::VerifyCredit {
        credit_id,
        verified,
        reason: reason.map(str::to_owned),
    }
}

/// `reviewer`'s action on `id`, which must be taken.
async fn taken(reviewer: &Api, id: i32, action: &ReviewAction) -> ApplicationDetail {
    reviewer
        .act(id, action)
        .await
        .unwrap_or_else(|e| panic!("{action:?} is taken: {e:?}"))
}

/// The status with which `reviewer`'s action on `id` is refused.
async fn refused(reviewer: &Api, id: i32, action: &ReviewAction) -> StatusCode {
    reviewer.act(id, action).await.refused().status
}

#[tokio::test]
async fn a_renewal_is_refused_while_the_engine_says_not_eligible() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("300001", "a@example.jp").await;
    let id = user_id(&app, "300001").await;
    certificate_expiring(&app, id).await;
    let refusal = client.submit(&renewal("r1", &[])).await.refused();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.field_codes().contains(&"lifelong.total"),
        "{refusal:?}"
    );
    assert!(refusal.field_text(Lang::Ja).contains("マイページ"));
    let sports = ApplicationForm {
        kind: Some(ApplicationKind::Renewal),
        certification: Some(Certification::Sports),
        ..ApplicationForm::default()
    };
    assert_eq!(
        client.submit(&sports).await.refused().status,
        StatusCode::CONFLICT,
        "no sports certificate to renew"
    );
}

#[tokio::test]
async fn a_renewal_three_years_before_expiry_is_refused_with_the_day_renewals_open() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("300002", "early@example.jp").await;
    let id = user_id(&app, "300002").await;
    // Every unit is there, but the certificate runs for three more years.
    let until = today() + Days::new(3 * 365);
    let from = until - Days::new(5 * 365) + Days::new(1);
    occupational_certificate(&app, id, "S300002", (from, until), "new").await;
    system_credits(&app, id, "300002").await;
    let refusal = client.submit(&renewal("early", &[])).await.refused();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal.field_codes(), ["period"], "{refusal:?}");
    let opens = domain::dates::sub_months(until, 6);
    let page = client.my_page().await.unwrap();
    let decision = domain::evaluate(
        &domain::RuleSet::current(),
        &page.evaluation_input(domain::Procedure::OccupationalRenewal, page.today, &[]),
    );
    assert_eq!(decision.deadlines.renewal_opens, Some(opens));
}

#[tokio::test]
async fn a_lapsed_sports_physician_is_offered_a_new_application_and_can_send_it() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("300020", "lapsed@example.jp").await;
    let id = user_id(&app, "300020").await;
    // Expired two years ago: past grace and the special measure.
    let until = today() - Days::new(730);
    let from = until - Days::new(5 * 365) + Days::new(1);
    let sports = Certification::Sports;
    crate::helpers::certificate(&app, id, sports, "K300020", (from, until), "new").await;
    // The 25 subjects of the course, taken again since.
    for category in [Category::SportsCourseEarly, Category::SportsCourseLate] {
        for subject in category.subjects() {
            system_credit(&app, (id, "300020"), category, Some(subject), 2, 100).await;
        }
    }
    let page = client.my_page().await.unwrap();
    assert!(page.lapsed(sports));
    assert!(page.procedures().contains(&domain::Procedure::SportsNew));
    // A renewal can never be sent; the refusal says what to do instead.
    let renewal = ApplicationForm {
        kind: Some(ApplicationKind::Renewal),
        certification: Some(sports),
        ..ApplicationForm::default()
    };
    let refused = client.submit(&renewal).await.refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text(Lang::Ja).contains("新規申請"), "{refused:?}");
    // The new application goes through.
    let new = ApplicationForm {
        kind: Some(ApplicationKind::New),
        certification: Some(sports),
        client_ref: Some(uid("lapsed-new")),
        ..ApplicationForm::default()
    };
    let detail = client
        .submit(&new)
        .await
        .expect("a new application is accepted");
    assert!(detail.decision.as_ref().unwrap().eligible);
    assert_eq!(detail.summary.status, Status::Submitted);
    // A physician whose certificate is valid is told to renew, not to apply twice.
    let (valid, _) = ready_to_renew(&app, "300021", "valid@example.jp").await;
    let twice = ApplicationForm {
        kind: Some(ApplicationKind::New),
        certification: Some(Certification::Occupational),
        ..ApplicationForm::default()
    };
    let refused = valid.submit(&twice).await.refused();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text(Lang::Ja).contains("更新申請"), "{refused:?}");
}

#[tokio::test]
async fn the_application_says_where_its_prefecture_takes_the_fee_and_the_handbook() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("offices.json");
    std::fs::write(
        &file,
        r#"{"26": {"name": "京都府医師会", "bank_account": "京都銀行 普通 1234567", "postal_address": "〒604-0000 京都市"}}"#,
    )
    .unwrap();
    let path = file.clone();
    let app = TestApp::spawn_configured(false, move |s| s.prefecture_offices = Some(path)).await;
    let (client, _) = ready_to_renew(&app, "300030", "office@example.jp").await;
    let detail = client.submit(&renewal("office", &[])).await.unwrap();
    let office = detail.office.expect("Kyoto's details");
    assert_eq!(office.name, "京都府医師会");
    assert_eq!(
        office.bank_account.as_deref(),
        Some("京都銀行 普通 1234567")
    );
    assert_eq!(office.counter, None);
    // A file that names no prefecture, or an office without a name, stops the start with why.
    std::fs::write(&file, r#"{"48": {"name": "どこか"}}"#).unwrap();
    let err = server::services::read_offices(&file).unwrap_err();
    assert!(err.contains("JIS code"), "{err}");
    std::fs::write(&file, r#"{"13": {"name": " "}}"#).unwrap();
    assert!(
        server::services::read_offices(&file)
            .unwrap_err()
            .contains("no name")
    );
    std::fs::write(&file, r#"{"13": {"name": "東京都医師会", "bank": "x"}}"#).unwrap();
    assert!(
        server::services::read_offices(&file)
            .unwrap_err()
            .contains("bank")
    );
}

#[tokio::test]
async fn two_submissions_at_once_with_one_reference_make_one_application() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300012", "twice@example.jp").await;
    let form = renewal("twice", &[]);
    let (first, second) = tokio::join!(client.submit(&form), client.submit(&form));
    assert_eq!(first.unwrap().summary.id, second.unwrap().summary.id);
}

#[tokio::test]
async fn staff_find_an_application_by_registry_number_within_their_prefecture_only() {
    let app = TestApp::spawn().await;
    let (first, _) = ready_to_renew(&app, "300021", "first@example.jp").await;
    let (second, _) = ready_to_renew(&app, "300022", "second@example.jp").await;
    let one = first
        .submit(&renewal("find-1", &[]))
        .await
        .unwrap()
        .summary
        .id;
    second.submit(&renewal("find-2", &[])).await.unwrap();
    let kyoto = kyoto(&app).await;
    let ids = |list: Vec<ApplicationSummary>| list.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(kyoto.review_queue("registry_number=300021").await.unwrap()),
        [one]
    );
    // Full-width digits, as typed with a Japanese keyboard.
    assert_eq!(
        ids(kyoto
            .review_queue("registry_number=%EF%BC%93%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%92%EF%BC%91")
            .await
            .unwrap()),
        [one]
    );
    assert!(
        kyoto
            .review_queue("registry_number=999999")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        kyoto
            .review_queue("registry_number=12x")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        kyoto.review_queue("registry_number=").await.unwrap().len(),
        2
    );
    // The same filters export as CSV, every page of them.
    let (status, _, body) = kyoto
        .get_raw("/api/review/applications.csv?registry_number=300021")
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.starts_with("\u{feff}受付番号,申請種別"), "{text}");
    assert!(text.contains(&format!("{one},更新申請")), "{text}");
    assert!(!text.contains("300022"), "{text}");
    let (_, _, all) = kyoto.get_raw("/api/review/applications.csv?lang=en").await;
    let all = String::from_utf8(all.to_vec()).unwrap();
    assert_eq!(all.lines().count(), 3, "{all}");
    assert!(all.contains("Registry no."), "{all}");
    // Tokyo's staff never find Kyoto's physician, by number or otherwise.
    let tokyo = tokyo(&app).await;
    assert!(
        tokyo
            .review_queue("registry_number=300021")
            .await
            .unwrap()
            .is_empty()
    );
    let (_, _, none) = tokyo.get_raw("/api/review/applications.csv").await;
    assert_eq!(String::from_utf8(none.to_vec()).unwrap().lines().count(), 1);
}

/// `text` as a query value (percent-encoded UTF-8).
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn staff_find_applications_by_name_kana_or_certificate_number_and_see_what_has_arrived() {
    let app = TestApp::spawn().await;
    let (first, first_id) = ready_to_renew(&app, "300031", "sato@example.jp").await;
    let (second, _) = ready_to_renew(&app, "300032", "yamada@example.jp").await;
    let mut renamed: physician::ActiveModel = physician::Entity::find_by_id(first_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    renamed.name_kanji = Set("佐藤　花子".into());
    renamed.name_kana = Set("サトウ　ハナコ".into());
    renamed.update(&app.db).await.unwrap();
    let one = first
        .submit(&renewal("name-1", &[]))
        .await
        .unwrap()
        .summary
        .id;
    let two = second
        .submit(&renewal("name-2", &[]))
        .await
        .unwrap()
        .summary
        .id;
    let kyoto = kyoto(&app).await;
    let found = async |text: &str| -> Vec<i32> {
        kyoto
            .review_queue(&format!("q={}", query_value(text)))
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    assert_eq!(found("佐藤").await, [one]);
    assert_eq!(found("佐藤　花").await, [one]);
    assert_eq!(
        found("さとう").await,
        [one],
        "hiragana finds the katakana name"
    );
    assert_eq!(found("ｻﾄｳ").await, [one], "half-width kana too");
    assert_eq!(found("山田").await, [two]);
    assert_eq!(found("ヤマダ タ").await, [two], "a space typed half-width");
    assert_eq!(found("300031").await, [one]);
    assert_eq!(
        found(&format!("s{:06}", 200_000 + first_id)).await,
        [one],
        "a certificate number, lower-cased"
    );
    assert!(found("佐藤　花子x").await.is_empty());
    assert!(found("藤").await.is_empty(), "a name is found by its start");
    // Tokyo's staff find nobody of Kyoto's, by name or number.
    let tokyo = tokyo(&app).await;
    assert!(
        tokyo
            .review_queue(&format!("q={}", query_value("佐藤")))
            .await
            .unwrap()
            .is_empty()
    );

    // The list says what the prefecture has received, and the CSV too.
    let listed = kyoto.review_queue("").await.unwrap();
    let first_row = listed.iter().find(|a| a.id == one).unwrap();
    assert!(first_row.fee_due && first_row.fee_paid_on.is_none());
    assert!(
        !first_row.handbook_needed,
        "organizer-registered units only"
    );
    taken(&kyoto, one, &fee()).await;
    let listed = kyoto.review_queue("").await.unwrap();
    assert_eq!(
        listed.iter().find(|a| a.id == one).unwrap().fee_paid_on,
        Some(today())
    );

    // The overview: both wait at the prefecture since today, in the next round.
    let board = kyoto.review_dashboard("").await.unwrap();
    let submitted = board
        .by_status
        .iter()
        .find(|c| c.status == Status::Submitted)
        .unwrap();
    assert_eq!((submitted.count, submitted.oldest), (2, Some(today())));
    assert_eq!(board.rounds.len(), 1);
    assert_eq!(board.rounds[0].at_prefecture, 2);
    assert_eq!(board.upcoming.len(), 2, "one per certification");
    assert!(
        board
            .upcoming
            .iter()
            .all(|u| u.prefectural_deadline >= today())
    );
    // Tokyo's overview counts none of Kyoto's.
    let tokyo_board = tokyo.review_dashboard("").await.unwrap();
    assert!(tokyo_board.by_status.iter().all(|c| c.count == 0));
    assert!(tokyo_board.rounds.is_empty());

    // JMA's round report: forwarded, then approved with a certificate number in the CSV.
    taken(&kyoto, one, &ReviewAction::Forward).await;
    let jma = jma(&app).await;
    let approved = taken(&jma, one, &ReviewAction::Approve).await;
    let number = approved.granted.unwrap().number;
    let board = jma.review_dashboard("").await.unwrap();
    let round = &board.rounds[0];
    assert_eq!((round.approved, round.at_prefecture), (1, 1));
    let kyoto_only = jma
        .review_dashboard(&format!("prefecture={}", Prefecture::KYOTO.code()))
        .await
        .unwrap();
    assert_eq!(kyoto_only.rounds, board.rounds);
    let tokyo_only = jma
        .review_dashboard(&format!("prefecture={}", Prefecture::TOKYO.code()))
        .await
        .unwrap();
    assert!(tokyo_only.rounds.is_empty());
    let (status, _, _) = jma.get_raw("/api/review/dashboard?prefecture=99").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, _, csv) = jma
        .get_raw(&format!(
            "/api/review/applications.csv?round={}&status=approved",
            round.round
        ))
        .await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.lines().next().unwrap().contains("認定証番号"), "{csv}");
    assert!(csv.contains(&number), "{csv}");
    // A physician has no overview.
    let refused = first.review_dashboard("").await.refused();
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_renewal_goes_from_submission_to_approval_and_my_page_shows_the_new_period() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300002", "b@example.jp").await;
    let detail = client.submit(&renewal("r2", &[])).await.unwrap();
    let id = detail.summary.id;
    assert_eq!(detail.summary.status, Status::Submitted);
    assert!(detail.decision.as_ref().unwrap().eligible);
    assert_eq!(detail.credits.len(), 3);
    assert_eq!(detail.fee_yen, Some(10000));
    assert!(detail.round.is_some());

    // A retried submission answers the first application.
    let again = client.submit(&renewal("r2", &[])).await.unwrap();
    assert_eq!(again.summary.id, id);

    let kyoto = kyoto(&app).await;
    let missing = kyoto.act(id, &ReviewAction::Forward).await.refused();
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the fee is missing"
    );
    assert_eq!(missing.field_codes(), ["fee"]);
    let by_transfer = ReviewAction::RecordFee {
        paid_on: today(),
        channel: FeeChannel::BankTransfer,
    };
    taken(&kyoto, id, &by_transfer).await;
    // The fee is recorded once: a second record (a double tap, a colleague) is refused with
    // when it was recorded, and the timeline keeps one.
    let twice = kyoto.act(id, &by_transfer).await.refused();
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        twice.text(Lang::Ja).contains(&today().to_string()),
        "{}",
        twice.text(Lang::Ja)
    );
    let forwarded = taken(&kyoto, id, &ReviewAction::Forward).await;
    assert_eq!(forwarded.summary.status, Status::Forwarded);

    let approved = taken(&jma(&app).await, id, &ReviewAction::Approve).await;
    assert_eq!(approved.summary.status, Status::Approved);
    let granted_until = approved.granted.unwrap().period.valid_until;

    let page = client.my_page().await.unwrap();
    let cert = &page.certificates[0];
    assert_eq!(cert.current.valid_until, granted_until);
    assert_eq!(cert.periods.len(), 2);
    assert!(
        page.ledger.iter().all(|e| e.consumed_by == Some(id)),
        "every unit the renewal used is consumed"
    );

    let detail = client.application(id).await.unwrap();
    let steps: Vec<Step> = detail.timeline.iter().map(|e| e.step).collect();
    assert_eq!(
        steps,
        [Step::Submit, Step::RecordFee, Step::Forward, Step::Approve]
    );

    let admin = app.staff_api(Role::Admin, "admin@example.jp").await;
    let mails = admin.outbox().await.unwrap();
    let subjects: Vec<&str> = mails
        .iter()
        .filter(|m| m.to == "b@example.jp")
        .map(|m| m.subject.as_str())
        .filter(|s| s.contains("申請"))
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(subjects[0].contains("承認"));
}

#[tokio::test]
async fn no_illegal_transition_is_possible_through_the_api() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300003", "c@example.jp").await;
    let id = client.submit(&renewal("r3", &[])).await.unwrap().summary.id;
    let kyoto = kyoto(&app).await;
    let jma = jma(&app).await;

    // Wrong actor: 403 whatever the state.
    assert_eq!(
        refused(&kyoto, id, &ReviewAction::Approve).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        refused(&jma, id, &ReviewAction::Forward).await,
        StatusCode::FORBIDDEN
    );
    // JMA does not see an application the prefecture has not forwarded.
    let reject = ReviewAction::Reject { reason: "x".into() };
    assert_eq!(refused(&jma, id, &reject).await, StatusCode::NOT_FOUND);
    // Resubmitting what was not sent back: 409 with what to do.
    let refusal = client.resubmit(id, &renewal("r3", &[])).await.refused();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
    assert_eq!(refusal.error.code, "invalid_state");
    assert!(refusal.text(Lang::En).contains("Reload"));

    // A correction request needs a message; then the physician resubmits.
    let blank = ReviewAction::RequestCorrection {
        message: " ".into(),
    };
    assert_eq!(
        refused(&kyoto, id, &blank).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let correction = ReviewAction::RequestCorrection {
        message: "勤務先を確認してください".into(),
    };
    let sent_back = taken(&kyoto, id, &correction).await;
    assert_eq!(
        sent_back.correction_message.as_deref(),
        Some("勤務先を確認してください")
    );
    assert_eq!(
        refused(&kyoto, id, &ReviewAction::Forward).await,
        StatusCode::CONFLICT
    );
    client.resubmit(id, &renewal("r3", &[])).await.unwrap();

    // Withdrawn is final.
    client.withdraw_application(id).await.unwrap();
    for action in [
        ReviewAction::Forward,
        fee(),
        ReviewAction::RequestCorrection {
            message: "x".into(),
        },
    ] {
        assert_eq!(refused(&kyoto, id, &action).await, StatusCode::CONFLICT);
    }
    assert_eq!(
        client.withdraw_application(id).await.refused().status,
        StatusCode::CONFLICT
    );
    // Nobody else's application is reachable.
    let other = app.physician_api("300004", "d@example.jp").await;
    assert_eq!(
        other.application(id).await.refused().status,
        StatusCode::NOT_FOUND
    );
    let tokyo = tokyo(&app).await;
    assert_eq!(
        tokyo.application(id).await.refused().status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn handbook_units_need_the_original_handbook_and_each_verified_before_forwarding() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("300005", "e@example.jp").await;
    let pid = user_id(&app, "300005").await;
    certificate_expiring(&app, pid).await;
    let mut ids = Vec::new();
    for (category, units) in [
        ("occupational.lifelong.update", "10"),
        ("occupational.lifelong.practical", "5"),
        ("occupational.lifelong.specialized", "5"),
    ] {
        let declared = HandbookRequest {
            form: HandbookForm {
                date: "2024-06-01".into(),
                category: category.into(),
                units: units.into(),
                organizer_name: "京都府医師会".into(),
                ..HandbookForm::default()
            },
            client_ref: None,
        };
        ids.push(client.declare(&declared).await.unwrap().id);
    }
    // Unverified handbook units count for the submission.
    let detail = client.submit(&renewal("r5", &[])).await.unwrap();
    let id = detail.summary.id;
    assert!(!detail.summary.all_system_units);
    let kyoto = kyoto(&app).await;
    taken(&kyoto, id, &fee()).await;
    let blocked = kyoto.act(id, &ReviewAction::Forward).await.refused();
    assert_eq!(blocked.field_codes(), ["handbook", "unverified"]);

    let arrived = ReviewAction::RecordHandbook {
        arrived_on: today(),
    };
    taken(&kyoto, id, &arrived).await;
    assert_eq!(
        refused(&kyoto, id, &verify(ids[0], false, None)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a reason"
    );
    for c in &ids[1..] {
        taken(&kyoto, id, &verify(*c, true, None)).await;
    }
    let rejected = taken(&kyoto, id, &verify(ids[0], false, Some("手帳に記載なし"))).await;
    assert!(!rejected.checklist.eligible, "10 update units rejected");
    let blocked = kyoto.act(id, &ReviewAction::Forward).await.refused();
    assert_eq!(blocked.field_codes(), ["not_eligible"]);
    // Verified once is final.
    assert_eq!(
        refused(&kyoto, id, &verify(ids[1], false, Some("x"))).await,
        StatusCode::CONFLICT
    );
    // The physician's ledger shows the decisions; a verified entry can no longer be edited.
    assert_eq!(
        client.withdraw_handbook(ids[1]).await.refused().status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn bad_uploads_answer_a_clear_4xx_and_store_nothing() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("300006", "f@example.jp").await;
    // The licence sent to verify the physician is the only document so far.
    let documents_before = document::Entity::find().count(&app.db).await.unwrap();
    let stored_before = app.stored_keys().await;
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
        let refusal = client
            .upload(DocumentKind::MedicalLicence, name, &bytes)
            .await
            .refused();
        assert_eq!(refusal.status, expected, "{name}: {refusal:?}");
        assert_eq!(refusal.error.code, code, "{name}");
        assert!(!refusal.text(Lang::Ja).is_empty());
    }
    assert_eq!(
        document::Entity::find().count(&app.db).await.unwrap(),
        documents_before
    );
    let stored = app.stored_keys().await;
    assert_eq!(stored, stored_before, "nothing new in the store");
}

#[tokio::test]
async fn a_document_is_stored_with_its_hash_and_only_its_owner_and_reviewers_download_it() {
    let app = TestApp::spawn().await;
    let (client, _) = ready_to_renew(&app, "300007", "g@example.jp").await;
    let before = app.stored_keys().await;
    let doc = client
        .upload(DocumentKind::Other, "../../etc/passwd 診断書.pdf", PDF)
        .await
        .unwrap();
    assert_eq!(doc.file_type, FileType::Pdf);
    assert_eq!(doc.sha256.len(), 64);
    let files: Vec<_> = app
        .stored_keys()
        .await
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert_eq!(files.len(), 1);
    assert!(!files[0].contains("passwd"), "the server makes the key");
    assert_eq!(&app.store().get(&files[0]).await.unwrap()[..], PDF);
    let detail = client.submit(&renewal("r7", &[doc.id])).await.unwrap();
    assert_eq!(detail.documents[0].id, doc.id);

    let path = format!("/api/documents/{}", doc.id);
    let (status, headers, bytes) = client.get_raw(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(bytes, PDF);
    let download = async |api: &Api| api.get_raw(&path).await.0;
    assert_eq!(download(&kyoto(&app).await).await, StatusCode::OK);
    let tokyo = tokyo(&app).await;
    assert_eq!(download(&tokyo).await, StatusCode::NOT_FOUND);
    assert_eq!(
        download(&jma(&app).await).await,
        StatusCode::NOT_FOUND,
        "not forwarded yet"
    );
    let other = app.physician_api("300008", "h@example.jp").await;
    assert_eq!(download(&other).await, StatusCode::NOT_FOUND);
    // Another physician cannot attach it either.
    let theirs = ApplicationForm {
        kind: Some(ApplicationKind::New),
        certification: Some(Certification::Sports),
        documents: vec![doc.id],
        ..ApplicationForm::default()
    };
    assert_eq!(
        other.submit(&theirs).await.refused().status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn a_new_certificate_by_the_uoeh_route_needs_its_certificate_and_gets_a_number() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("300009", "i@example.jp").await;
    let form = |documents: Vec<i32>| ApplicationForm {
        kind: Some(ApplicationKind::New),
        certification: Some(Certification::Occupational),
        facts: Facts {
            uoeh_completion_date: Some(today() - Days::new(100)),
            ..Facts::default()
        },
        documents,
        ..ApplicationForm::default()
    };
    let refusal = client.submit(&form(vec![])).await.refused();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal.field_codes(), ["uoeh_certificate"]);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
    let doc = client
        .upload(DocumentKind::UoehCertificate, "修了認定証.png", &png)
        .await
        .unwrap();
    let detail = client.submit(&form(vec![doc.id])).await.unwrap();
    let id = detail.summary.id;
    let kyoto = kyoto(&app).await;
    taken(&kyoto, id, &fee()).await;
    taken(&kyoto, id, &ReviewAction::Forward).await;
    let jma = jma(&app).await;
    let round = detail.round.unwrap().jma_deadline;
    let bulk = jma.bulk_approve(round).await.unwrap();
    assert_eq!(bulk.skipped, [id], "the UOEH route is reviewed one by one");
    let granted = taken(&jma, id, &ReviewAction::Approve)
        .await
        .granted
        .unwrap();
    assert!(granted.number.starts_with('S'));
    assert_eq!(granted.period.valid_from, today());
    let page = client.my_page().await.unwrap();
    assert_eq!(page.certificates[0].number, granted.number);
}

#[tokio::test]
async fn bulk_approval_takes_only_complete_applications_whose_every_unit_is_organizer_registered() {
    let app = TestApp::spawn().await;
    let kyoto = kyoto(&app).await;
    let jma = jma(&app).await;
    let mut ids = Vec::new();
    let mut round = None;
    for n in 0..3 {
        let (client, _) =
            ready_to_renew(&app, &format!("31000{n}"), &format!("bulk{n}@example.jp")).await;
        let detail = client
            .submit(&renewal(&format!("b{n}"), &[]))
            .await
            .unwrap();
        let id = detail.summary.id;
        assert!(detail.summary.all_system_units);
        taken(&kyoto, id, &fee()).await;
        if n < 2 {
            taken(&kyoto, id, &ReviewAction::Forward).await;
        }
        ids.push(id);
        round = detail.round.map(|r| r.jma_deadline);
    }
    let round = round.unwrap();
    let listed = jma
        .review_queue(&format!("round={round}&status=forwarded"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "the third was not forwarded");
    // JMA sees every prefecture's forwarded applications, one prefecture at a time on request.
    for (prefecture, expected) in [("26", 2), ("13", 0), ("99", 0), ("", 2)] {
        let only = jma
            .review_queue(&format!(
                "round={round}&status=forwarded&prefecture={prefecture}"
            ))
            .await
            .unwrap();
        assert_eq!(only.len(), expected, "prefecture={prefecture}");
    }
    // The next page after the newest: only the older one.
    let older = jma
        .review_queue(&format!("round={round}&status=forwarded&before={}", ids[1]))
        .await
        .unwrap();
    let older: Vec<i32> = older.iter().map(|s| s.id).collect();
    assert_eq!(older, [ids[0]]);
    // Paging reaches no further than the reviewer's own queue: Tokyo's staff see none of it.
    let tokyo = tokyo(&app).await;
    let elsewhere = tokyo
        .review_queue(&format!("before={}", i32::MAX))
        .await
        .unwrap();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
    // The prefecture filter narrows a reviewer's own scope, never widens it: Tokyo's staff
    // asking for Kyoto's applications get none.
    let asked = tokyo.review_queue("prefecture=26").await.unwrap();
    assert!(asked.is_empty(), "{asked:?}");
    // The confirmation names the count first; asking approves nothing.
    let mut would = jma.bulk_approve_dry_run(round).await.unwrap().approved;
    would.sort_unstable();
    assert_eq!(would, [ids[0], ids[1]]);
    assert_eq!(
        jma.review_queue(&format!("round={round}&status=forwarded"))
            .await
            .unwrap()
            .len(),
        2,
        "a dry run approves nothing"
    );
    let mut approved = jma.bulk_approve(round).await.unwrap().approved;
    approved.sort_unstable();
    assert_eq!(approved, [ids[0], ids[1]]);
    // The prefecture's queue filters by status.
    let queue = kyoto.review_queue("status=submitted").await.unwrap();
    assert_eq!(queue.len(), 1);
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
    client.submit(&renewal("m1", &[])).await.unwrap();
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
            // 26 units in three hours: the organizer confirms the question.
            confirm_questions: true,
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
            kind: Some(ApplicationKind::New),
            certification: Some(Certification::Occupational),
            ..ApplicationForm::default()
        })
        .await
        .unwrap();
    let application = submitted.summary.id;
    let kyoto = kyoto(&app).await;
    taken(&kyoto, application, &fee()).await;
    taken(&kyoto, application, &ReviewAction::Forward).await;
    let approved = taken(&jma(&app).await, application, &ReviewAction::Approve).await;
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
    assert!(refused.text(Lang::Ja).contains("申請"));
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
