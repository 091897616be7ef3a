//! Who a physician is: the e-mail link, the registry match, the staff's licence check and the
//! claim of a number someone else registered. Nothing is a physician's before verification.

use chrono::{Days, Utc};
use domain::Lang;
use domain::account::Role;
use domain::api::{HandbookRequest, PostRequest};
use domain::application::{ApplicationForm, DocumentKind};
use domain::identity::{IdentityStatus, RequestKind, RequestStatus};
use domain::ledger::HandbookForm;
use domain::registry::RegistryMatch;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::client::{Api, Refusal};
use crate::helpers::{LICENCE_PDF, TestApp, registration, session_form};

const HEADER: &str = "registry_number,name_kanji,name_kana,birth_date,prefecture,membership,certification,certificate_number,first_certified,valid_from,valid_until";

/// 京都 一郎 (500001), occupational certificate S200001: two periods, the current one valid
/// for years yet.
fn registry_csv() -> String {
    let today = domain::dates::today_jst(Utc::now());
    let from = today - Days::new(400);
    let until = from + chrono::Months::new(60) - Days::new(1);
    let earlier_from = from - chrono::Months::new(60);
    let earlier_until = from - Days::new(1);
    format!(
        "{HEADER}\n500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,{earlier_from},{earlier_from},{earlier_until}\n500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,{earlier_from},{from},{until}\n"
    )
}

async fn import_registry(app: &TestApp) {
    let jma = app.staff_api(Role::JmaStaff, "jma@example.jp").await;
    let report = jma.import_registry(&registry_csv(), false).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.created, 1);
}

/// A posted session whose lecturer is `lecturer`: one unit row kept against the number.
async fn lecture_by(app: &TestApp, lecturer: &str) {
    let organizer = app
        .staff_api(Role::Organizer, &format!("org{lecturer}@example.jp"))
        .await;
    let session = organizer
        .create_session(&session_form(lecturer))
        .await
        .unwrap()
        .id;
    organizer
        .post_session(session, &PostRequest::default())
        .await
        .unwrap();
}

fn handbook() -> HandbookRequest {
    HandbookRequest {
        form: HandbookForm {
            date: "2024-06-01".into(),
            category: "occupational.lifelong.specialized".into(),
            subject: String::new(),
            units: "2".into(),
            organizer_name: "京都府医師会".into(),
            note: String::new(),
            delivery: String::new(),
        },
        client_ref: None,
    }
}

/// Everything a verified physician may do is refused to `api`, with what to do.
async fn refused_everything(api: &Api, key: &str) {
    let page = api.my_page().await.unwrap();
    assert!(page.ledger.is_empty(), "no unit: {:?}", page.ledger);
    assert!(page.certificates.is_empty());
    let qr = api.qr().await.refused();
    assert_eq!(qr.status, StatusCode::FORBIDDEN);
    assert_eq!(qr.error.code, "identity_required");
    assert_eq!(qr.error.message.key, key);
    assert!(!qr.text(Lang::Ja).is_empty());
    let application = api
        .submit(&ApplicationForm {
            kind: Some(domain::application::ApplicationKind::New),
            certification: Some(domain::Certification::Occupational),
            ..ApplicationForm::default()
        })
        .await
        .refused();
    assert_eq!(application.status, StatusCode::FORBIDDEN);
    assert_eq!(application.error.message.key, key);
    assert_eq!(
        api.declare(&handbook()).await.refused().status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_stranger_with_someone_elses_number_gets_nothing_before_verification() {
    let app = TestApp::spawn().await;
    lecture_by(&app, "7654321").await;
    let mut form = registration("7654321", "stranger@example.jp");
    form.name_kanji = "偽名 太郎".into();
    form.name_kana = "ギメイ タロウ".into();
    form.birth_date = "1985-01-01".into();
    let stranger = app.registered_api(&form).await;
    let page = stranger.my_page().await.unwrap();
    assert!(!page.identity.email_verified);
    assert_eq!(page.identity.status, IdentityStatus::Pending);
    refused_everything(&stranger, "identity.required.email").await;

    // The address confirmed: still nobody, since the registry does not know the number.
    let view = app.confirm_email("stranger@example.jp").await;
    assert!(view.email_verified);
    assert_eq!(view.status, IdentityStatus::Pending);
    assert_eq!(view.registry_match, RegistryMatch::None);
    refused_everything(&stranger, "identity.required.identity").await;
    let request = stranger.my_page().await.unwrap().identity.request.unwrap();
    assert_eq!(request.kind, RequestKind::Licence);
    assert!(!request.document_sent);

    // The organizer's door does not show the invented name for the number either.
    let organizer = app.staff_api(Role::Organizer, "door@example.jp").await;
    let hits = organizer
        .lookup(
            organizer
                .create_session(&session_form(""))
                .await
                .unwrap()
                .id,
            "偽名 太郎",
            "1985-01-01",
        )
        .await
        .unwrap();
    assert!(hits.is_empty(), "{hits:?}");
}

#[tokio::test]
async fn a_registration_matching_the_registry_sees_its_certificates_after_the_email_link() {
    let app = TestApp::spawn().await;
    import_registry(&app).await;
    lecture_by(&app, "500001").await;
    let mut form = registration("500001", "ichiro@example.jp");
    form.name_kanji = "京都 一郎".into();
    // Spacing, width and hiragana do not matter.
    form.name_kana = "きょうと　ｲﾁﾛｳ".into();
    form.birth_date = "1970-05-01".into();
    let physician = app.registered_api(&form).await;
    assert!(physician.my_page().await.unwrap().certificates.is_empty());

    let view = app.confirm_email("ichiro@example.jp").await;
    assert_eq!(view.status, IdentityStatus::Verified);
    assert_eq!(view.registry_match, RegistryMatch::Full);

    let page = physician.my_page().await.unwrap();
    assert!(page.identity.verified());
    assert_eq!(page.certificates.len(), 1);
    let c = &page.certificates[0];
    assert_eq!(c.number, "S200001");
    assert_eq!(c.periods.len(), 2, "both registry periods");
    assert!(c.current.valid_until > page.today);
    assert_eq!(page.ledger.len(), 1, "the lecture given before registering");
    physician.qr().await.unwrap();
    assert!(physician.me().await.unwrap().email_verified);
}

#[tokio::test]
async fn partial_and_non_matches_wait_for_the_staff_of_their_prefecture_only() {
    let app = TestApp::spawn().await;
    import_registry(&app).await;
    // The registry's number with another date of birth: a partial match.
    let mut form = registration("500001", "partial@example.jp");
    form.birth_date = "1970-05-02".into();
    let physician = app.registered_api(&form).await;
    let view = app.confirm_email("partial@example.jp").await;
    assert_eq!(view.registry_match, RegistryMatch::Partial);
    assert_eq!(view.status, IdentityStatus::Pending);
    // Nothing reaches staff before the licence.
    let kyoto = app.identity_staff().await;
    assert!(kyoto.identity_queue("pending").await.unwrap().is_empty());
    let upload = physician
        .upload(DocumentKind::Other, "not-a-licence.pdf", LICENCE_PDF)
        .await
        .unwrap();
    let wrong = physician.send_licence(upload.id).await.refused();
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let licence = physician
        .upload(DocumentKind::MedicalLicence, "免許証.jpg.pdf", LICENCE_PDF)
        .await
        .unwrap();
    let sent = physician.send_licence(licence.id).await.unwrap();
    assert_eq!(sent.status, RequestStatus::Pending);

    let queue = kyoto.identity_queue("pending").await.unwrap();
    assert_eq!(queue.len(), 1);
    let item = &queue[0];
    assert_eq!(item.registry_number, "500001");
    assert_eq!(
        item.registry.as_ref().unwrap().birth_date.to_string(),
        "1970-05-01",
        "the registry's row is shown for comparison"
    );
    let (status, _, bytes) = kyoto
        .get_raw(&format!("/api/documents/{}", item.document_id.unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, LICENCE_PDF);

    // Staff of another prefecture, JMA staff and the physician cannot see or decide it.
    let tokyo = app.api();
    server::services::accounts::create_user(
        &app.db,
        &domain::api::CreateUser {
            role: Role::PrefecturalStaff,
            email: "tokyo@example.jp".into(),
            display_name: "東京都医師会".into(),
            password: crate::helpers::STAFF_PASSWORD.into(),
            prefecture: Some(domain::Prefecture::TOKYO),
            organizer_body: None,
        },
        false,
    )
    .await
    .unwrap();
    tokyo
        .login("tokyo@example.jp", crate::helpers::STAFF_PASSWORD)
        .await
        .unwrap();
    assert!(tokyo.identity_queue("pending").await.unwrap().is_empty());
    assert_eq!(
        tokyo.identity_request(item.id).await.refused().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        tokyo
            .decide_identity(item.id, true, "")
            .await
            .refused()
            .status,
        StatusCode::NOT_FOUND
    );
    let (status, _, _) = tokyo
        .get_raw(&format!("/api/documents/{}", item.document_id.unwrap()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let jma = app.staff_api(Role::JmaStaff, "jma2@example.jp").await;
    assert_eq!(
        jma.identity_queue("pending").await.refused().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        physician
            .decide_identity(item.id, true, "")
            .await
            .refused()
            .status,
        StatusCode::FORBIDDEN
    );

    // A refusal needs a reason, which the physician reads; a new licence goes back to staff.
    let no_reason = kyoto.decide_identity(item.id, false, " ").await.refused();
    assert_eq!(no_reason.fields(), ["reason"]);
    kyoto
        .decide_identity(
            item.id,
            false,
            "写真が不鮮明です。明るい場所で撮り直してください",
        )
        .await
        .unwrap();
    let page = physician.my_page().await.unwrap();
    assert_eq!(page.identity.status, IdentityStatus::Rejected);
    assert!(
        page.identity
            .request
            .as_ref()
            .unwrap()
            .reason
            .as_ref()
            .unwrap()
            .contains("不鮮明")
    );
    assert!(page.certificates.is_empty());
    let again = kyoto.decide_identity(item.id, true, "").await.refused();
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a decided request stays decided"
    );
    physician.send_licence(licence.id).await.unwrap();
    assert_eq!(
        physician.my_page().await.unwrap().identity.status,
        IdentityStatus::Pending
    );
    kyoto.decide_identity(item.id, true, "").await.unwrap();

    let page = physician.my_page().await.unwrap();
    assert!(page.identity.verified());
    assert_eq!(
        page.certificates.len(),
        1,
        "the registry's certificate of the number"
    );
    physician.qr().await.unwrap();
    let mails = server::services::mail::newest(&app.db, None).await.unwrap();
    let to_physician: Vec<&str> = mails
        .iter()
        .filter(|m| m.to == "partial@example.jp")
        .map(|m| m.subject.as_str())
        .collect();
    assert!(
        to_physician.iter().any(|s| s.contains("できませんでした")),
        "{to_physician:?}"
    );
    assert!(
        to_physician.iter().any(|s| s.contains("完了")),
        "{to_physician:?}"
    );
}

#[tokio::test]
async fn a_claim_moves_the_number_its_ledger_and_certificates_and_locks_the_other_account() {
    let app = TestApp::spawn().await;
    import_registry(&app).await;
    // A stranger registers the number first and is verified by mistake.
    let mut form = registration("500001", "squatter@example.jp");
    form.name_kanji = "偽名 次郎".into();
    let squatter = app.registered_api(&form).await;
    app.confirm_email("squatter@example.jp").await;
    app.verify_by_staff(&squatter).await;
    lecture_by(&app, "500001").await;
    squatter.declare(&handbook()).await.unwrap();
    let ledger_before: Vec<i32> = squatter
        .my_page()
        .await
        .unwrap()
        .ledger
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ledger_before.len(), 2);
    let credits_before = server::entities::credit::Entity::find()
        .count(&app.db)
        .await
        .unwrap();

    // The holder is told to claim it; with the claim the account is made without the number.
    let mut real = registration("500001", "ichiro@example.jp");
    real.name_kanji = "京都 一郎".into();
    real.name_kana = "キョウト イチロウ".into();
    real.birth_date = "1970-05-01".into();
    let taken = app.api().register(&real).await.refused();
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(
        taken
            .field_text(Lang::Ja)
            .contains("自分の番号として申し出る")
    );
    real.claim = true;
    let holder = app.registered_api(&real).await;
    let page = holder.my_page().await.unwrap();
    assert_eq!(page.profile.name_kanji, "京都 一郎");
    assert_eq!(
        page.identity.request.as_ref().unwrap().kind,
        RequestKind::Claim
    );
    assert!(page.ledger.is_empty());
    app.confirm_email("ichiro@example.jp").await;
    let licence = holder
        .upload(DocumentKind::MedicalLicence, "licence.pdf", LICENCE_PDF)
        .await
        .unwrap();
    let claim = holder.send_licence(licence.id).await.unwrap();
    let kyoto = app.identity_staff().await;
    let item = kyoto.identity_request(claim.id).await.unwrap();
    assert_eq!(item.kind, RequestKind::Claim);
    assert_eq!(item.current_holder.as_deref(), Some("偽名 次郎"));
    kyoto.decide_identity(claim.id, true, "").await.unwrap();

    let page = holder.my_page().await.unwrap();
    assert!(page.identity.verified());
    assert_eq!(page.profile.registry_number, "500001");
    assert_eq!(page.profile.name_kanji, "京都 一郎");
    let mut ledger_after: Vec<i32> = page.ledger.iter().map(|e| e.id).collect();
    ledger_after.sort_unstable();
    let mut expected = ledger_before.clone();
    expected.sort_unstable();
    assert_eq!(ledger_after, expected, "the same rows, none lost");
    assert_eq!(
        server::entities::credit::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        credits_before,
        "none duplicated"
    );
    assert_eq!(page.certificates.len(), 1);
    assert_eq!(page.certificates[0].number, "S200001");

    // The other account is locked: its session ended, its login refused.
    assert_eq!(
        squatter.my_page().await.refused().status,
        StatusCode::UNAUTHORIZED
    );
    let locked = app
        .api()
        .login("squatter@example.jp", "correct horse battery")
        .await
        .refused();
    assert_eq!(locked.status, StatusCode::FORBIDDEN);
    assert_eq!(locked.error.code, "locked");
    let mails = server::services::mail::newest(&app.db, None).await.unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m.to == "squatter@example.jp" && m.subject.contains("停止"))
    );
    assert!(
        mails
            .iter()
            .any(|m| m.to == "ichiro@example.jp" && m.subject.contains("完了"))
    );
    let trail = server::db::audit::about(&app.db, "identity_request", claim.id)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["open", "submit", "verify"]);
}

#[tokio::test]
async fn the_email_link_works_once_and_new_links_are_throttled() {
    let app = TestApp::spawn().await;
    let physician = app
        .registered_api(&registration("123456", "taro@example.jp"))
        .await;
    let token = app.mailed_token("taro@example.jp").await;
    let bad = app.api().verify_email("not-a-token").await.refused();
    assert_eq!(bad.status, StatusCode::CONFLICT);
    assert!(bad.text(Lang::Ja).contains("再送"));
    // Two new links, then the first (older) one still works once.
    physician.resend_link().await.unwrap();
    physician.resend_link().await.unwrap();
    let throttled = physician.resend_link().await.refused();
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    app.api().verify_email(&token).await.unwrap();
    let reused = app.api().verify_email(&token).await.refused();
    assert_eq!(reused.status, StatusCode::CONFLICT);
    let already = physician.resend_link().await.refused();
    assert_eq!(already.error.message.key, "identity.email.already");
}

#[tokio::test]
async fn a_change_of_name_goes_through_the_change_of_details_application_and_the_registry_follows()
{
    let app = TestApp::spawn().await;
    import_registry(&app).await;
    let mut form = registration("500001", "ichiro@example.jp");
    form.name_kanji = "京都 一郎".into();
    form.name_kana = "キョウト イチロウ".into();
    form.birth_date = "1970-05-01".into();
    let physician = app.registered_api(&form).await;
    app.confirm_email("ichiro@example.jp").await;
    // Only both parts of a name are accepted.
    let half = physician
        .submit(&ApplicationForm {
            kind: Some(domain::application::ApplicationKind::WorkplaceChange),
            certification: Some(domain::Certification::Occupational),
            new_name_kanji: "大阪 一郎".into(),
            ..ApplicationForm::default()
        })
        .await
        .refused();
    assert_eq!(half.fields(), ["new_name_kana"]);
    let submitted = physician
        .submit(&ApplicationForm {
            kind: Some(domain::application::ApplicationKind::WorkplaceChange),
            certification: Some(domain::Certification::Occupational),
            new_name_kanji: "大阪 一郎".into(),
            new_name_kana: "おおさか いちろう".into(),
            ..ApplicationForm::default()
        })
        .await
        .unwrap();
    let id = submitted.summary.id;
    let kyoto = app.identity_staff().await;
    kyoto
        .act(id, &domain::application::ReviewAction::Forward)
        .await
        .unwrap();
    let jma = app
        .staff_api(Role::JmaStaff, "jma-approve@example.jp")
        .await;
    jma.act(id, &domain::application::ReviewAction::Approve)
        .await
        .unwrap();
    let page = physician.my_page().await.unwrap();
    assert_eq!(page.profile.name_kanji, "大阪 一郎");
    assert_eq!(page.profile.name_kana, "オオサカ　イチロウ");
    assert!(page.identity.verified());
    let hit = &kyoto.search_registry("500001", "").await.unwrap()[0];
    assert_eq!(hit.person.name_kanji, "大阪 一郎");
    assert!(hit.linked);
}
