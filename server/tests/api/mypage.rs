//! My Page data, late registration, and the server's decision.

use chrono::Utc;
use domain::{Exclusion, RuleSet, Units, evaluate};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use server::entities::{Code, credit};

use crate::client::Refusal;
use crate::helpers::TestApp;

async fn attendance_before_registration(app: &TestApp, registry: &str, birth_date: Option<&str>) {
    credit::ActiveModel {
        physician_id: Set(None),
        registry_number: Set(registry.into()),
        date: Set("2026-06-01".parse().unwrap()),
        category: Set(Code(domain::Category::OccupationalLifelongSpecialized)),
        subject: Set(None),
        units_halves: Set(5),
        delivery: Set(Code(domain::Delivery::InPerson)),
        source: Set(Code(domain::Source::System)),
        session_id: Set(None),
        verification: Set(None),
        organizer_name: Set(None),
        note: Set(None),
        corrects_id: Set(None),
        consumed_by: Set(None),
        created_at: Set(Utc::now()),
        created_by: Set(None),
        attendee_birth_date: Set(birth_date.map(|d| d.parse().unwrap())),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn attendance_recorded_before_registration_is_attached_on_registration() {
    let app = TestApp::spawn().await;
    attendance_before_registration(&app, "123456", None).await;
    attendance_before_registration(&app, "999999", None).await;
    // Recorded with a date of birth that is not the registering physician's: not attached.
    attendance_before_registration(&app, "123456", Some("1970-01-01")).await;
    attendance_before_registration(&app, "123456", Some("1980-04-01")).await;
    let client = app.physician_api("123456", "taro@example.jp").await;
    let ledger = client.my_page().await.unwrap().ledger;
    assert_eq!(
        ledger.len(),
        2,
        "the physician's own number, with no date of birth or a matching one"
    );
    assert!(ledger.iter().all(|e| e.units == Units::from_halves(5)));
}

#[tokio::test]
async fn the_server_decision_is_the_engine_run_on_my_page_data() {
    let app = TestApp::spawn().await;
    attendance_before_registration(&app, "123456", None).await;
    let client = app.physician_api("123456", "taro@example.jp").await;
    let page = client.my_page().await.unwrap();
    let decision = client
        .evaluate(
            "occupational.new",
            &serde_json::json!({"as_of": "2026-07-01"}),
        )
        .await
        .unwrap();
    let local = evaluate(
        &RuleSet::current(),
        &page.evaluation_input(
            domain::Procedure::OccupationalNew,
            "2026-07-01".parse().unwrap(),
            &[],
        ),
    );
    assert_eq!(decision, local);
    assert_eq!(decision.credits[0].excluded, Some(Exclusion::WrongCategory));
}

#[tokio::test]
async fn an_unknown_procedure_is_a_clear_422() {
    let app = TestApp::spawn().await;
    let client = app.physician_api("123456", "taro@example.jp").await;
    let refused = client
        .evaluate("occupational.old", &serde_json::json!({}))
        .await
        .refused();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields()[0], "procedure");
}

#[tokio::test]
async fn demo_data_has_certificates_in_every_state() {
    let app = TestApp::spawn_with(true).await;
    let client = app.api();
    client
        .login("demo.physician@example.jp", server::seed::DEMO_PASSWORD)
        .await
        .unwrap();
    let page = client.my_page().await.unwrap();
    assert!(
        page.ledger.iter().any(|e| e.verification.is_some()),
        "handbook credits present"
    );
    assert!(
        page.ledger.iter().all(|e| e.date <= page.today),
        "no credit is dated in the future"
    );
    let rules = RuleSet::current();
    let mut bases = std::collections::BTreeSet::new();
    use sea_orm::EntityTrait;
    let physicians = server::entities::physician::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    // 31 verified physicians whose certificates came through the registry import (the veteran
    // among them), and one whose licence waits for the Kyoto staff.
    assert_eq!(physicians.len(), 32);
    let with_certificates = server::entities::certificate::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        with_certificates.len(),
        26,
        "every situation but the new applicant, and the veteran"
    );
    for p in physicians {
        let certs = server::db::certificates::of_physician(&app.db, p.user_id)
            .await
            .unwrap();
        let page = server::services::mypage::my_page(&app.db, p.user_id)
            .await
            .unwrap();
        for c in certs {
            let procedure = match c.certification {
                domain::Certification::Occupational => domain::Procedure::OccupationalRenewal,
                domain::Certification::Sports => domain::Procedure::SportsRenewal,
            };
            let mut input = page.evaluation_input(procedure, page.today, &[]);
            input.facts.grace_reason = Some("illness".into());
            let d = evaluate(&rules, &input);
            let w = d.window.unwrap();
            let expiring = w.basis == domain::WindowBasis::InPeriod
                && (c.current.valid_until - page.today).num_days() <= 60;
            bases.insert(if expiring {
                "expiring".to_owned()
            } else {
                format!("{:?}", w.basis)
            });
        }
    }
    for state in ["InPeriod", "expiring", "Grace", "CovidSpecial", "Lapsed"] {
        assert!(
            bases.contains(state),
            "no demo certificate is {state}: {bases:?}"
        );
    }
}
