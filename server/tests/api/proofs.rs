//! What a physician holds (#13): certificate and transcript PDFs read back by real tools
//! (poppler's pdftotext, pdffonts, pdfinfo and pdftoppm; zbar's zbarimg), the public
//! verification of the printed code, revocation, and expiry reminders sent once per stage.

use std::process::Command;

use chrono::{Days, NaiveDate, Utc};
use domain::account::Role;
use domain::api::HandbookRequest;
use domain::ledger::HandbookForm;
use domain::notices::NoticeSettings;
use domain::standing::CertificateStatus;
use domain::{Certification, RuleSet};

use crate::client::{Api, Refusal};
use crate::helpers::{TestApp, certificate};

fn today() -> NaiveDate {
    domain::dates::today_jst(Utc::now())
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Runs a tool on a PDF written to a temporary file; its standard output.
pub(crate) fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(name)
        .args(args)
        .arg(&path)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name} runs (poppler-utils installed?): {e}"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The QR codes on the first page: rendered by pdftoppm, read by zbarimg.
fn qr_codes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let png = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&png)
        .status()
        .expect("pdftoppm runs (poppler-utils installed?)");
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(dir.path().join("page.png"))
        .output()
        .expect("zbarimg runs (zbar-tools installed?)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A verified physician with a certificate of `certification` valid `from`–`until`.
async fn holder(
    app: &TestApp,
    registry: &str,
    certification: Certification,
    number: &str,
    period: (NaiveDate, NaiveDate),
) -> (Api, i32) {
    let email = format!("holder{registry}@example.jp");
    let api = app.physician_api(registry, &email).await;
    let id = api.me().await.unwrap().id;
    certificate(app, id, certification, number, period, "registry").await;
    (api, id)
}

fn code_of_url(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_certificate_pdf_is_read_back_by_real_tools_and_its_qr_code_says_valid() {
    let app = TestApp::spawn().await;
    let from = today() - Days::new(400);
    let until = today() + Days::new(900);
    let (api, _) = holder(
        &app,
        "612345",
        Certification::Occupational,
        "OC-2024-0042",
        (from, until),
    )
    .await;
    let started = std::time::Instant::now();
    let pdf = api.certificate_pdf("OC-2024-0042").await.unwrap();
    let took = started.elapsed();
    assert!(pdf.starts_with(b"%PDF"));

    let text = tool("pdftotext", &["-layout"], &pdf);
    assert!(text.contains("認定証明書"), "{text}");
    assert!(text.contains("山田 太郎"), "{text}");
    assert!(text.contains("OC-2024-0042"), "{text}");
    assert!(text.contains("認定産業医"), "{text}");
    // The registry number is masked but for its last digits.
    assert!(text.contains("***345"), "{text}");
    assert!(!text.contains("612345"), "{text}");

    // Fonts are embedded, as subsets (a six-letter tag before the name).
    let fonts = tool("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let name = row.split_whitespace().next().unwrap();
        assert!(name.contains('+'), "not a subset: {row}");
        assert!(name.contains("IPAex"), "not the Japanese font: {row}");
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type [encoding…] emb sub uni object ID
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "not embedded: {row}");
        assert_eq!(cols[n - 4], "yes", "not a subset: {row}");
    }

    // The printed QR code leads to the verification page, and that page says valid.
    let codes = qr_codes(&pdf);
    assert_eq!(codes.len(), 1, "{codes:?}");
    let url = &codes[0];
    assert!(url.starts_with("http://127.0.0.1/verify/"), "{url}");
    let code = code_of_url(url);
    // The short code under the QR code is the same code, in groups of four.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with("確認コード:"))
        .unwrap_or_else(|| panic!("no printed code: {text}"));
    let printed = lines[at + 1..]
        .iter()
        .find(|l| !l.is_empty())
        .unwrap()
        .replace('-', "");
    assert_eq!(printed, code);

    let anyone = app.api();
    let v = anyone.verify(&code).await.unwrap();
    assert_eq!(v.status, CertificateStatus::Valid);
    assert_eq!(v.name, "山田 太郎");
    assert_eq!(v.number, "OC-2024-0042");
    assert_eq!((v.valid_from, v.valid_until), (from, until));
    assert!(!v.superseded);
    // Typed from the paper: groups, lower case.
    let typed = code
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_lowercase())
        .collect::<Vec<_>>()
        .join("-");
    assert_eq!(anyone.verify(&typed).await.unwrap().number, "OC-2024-0042");
    // The public answer carries nothing else (no registry number, no birth date).
    let (_, _, raw) = anyone.get_raw(&format!("/api/verify/{code}")).await;
    let raw = String::from_utf8(raw).unwrap();
    assert!(!raw.contains("612345") && !raw.contains("1980"), "{raw}");

    // A second download prints the same code (one per period).
    let again = api.certificate_pdf("OC-2024-0042").await.unwrap();
    assert_eq!(qr_codes(&again), codes);
    eprintln!("certificate PDF: {} bytes in {took:?}", pdf.len());
}

#[tokio::test]
async fn only_the_holder_downloads_a_certificate() {
    let app = TestApp::spawn().await;
    let period = (today() - Days::new(10), today() + Days::new(1000));
    holder(&app, "612346", Certification::Sports, "SP-0001", period).await;
    let other = app.physician_api("612347", "other@example.jp").await;
    assert_eq!(other.certificate_pdf("SP-0001").await.refused().status, 404);
    assert_eq!(
        app.api().certificate_pdf("SP-0001").await.refused().status,
        401
    );
    let staff = app.staff_api(Role::JmaStaff, "jma@example.jp").await;
    assert_eq!(staff.certificate_pdf("SP-0001").await.refused().status, 403);
}

#[tokio::test]
async fn verification_says_expired_lapsed_and_revoked_as_of_today() {
    let app = TestApp::spawn().await;
    // Sports: expired last week (grace runs 6 months), lapsed a year ago.
    let recent = (today() - Days::new(1830), today() - Days::new(7));
    let (a, _) = holder(&app, "612348", Certification::Sports, "SP-0002", recent).await;
    let old = (today() - Days::new(2200), today() - Days::new(370));
    let (b, _) = holder(&app, "612349", Certification::Sports, "SP-0003", old).await;
    let code = |pdf: Vec<u8>| code_of_url(&qr_codes(&pdf)[0]);
    let expired = code(a.certificate_pdf("SP-0002").await.unwrap());
    let lapsed = code(b.certificate_pdf("SP-0003").await.unwrap());
    let anyone = app.api();
    assert_eq!(
        anyone.verify(&expired).await.unwrap().status,
        CertificateStatus::Expired
    );
    assert_eq!(
        anyone.verify(&lapsed).await.unwrap().status,
        CertificateStatus::Lapsed
    );

    // Only JMA's staff revoke; then the code says so and the holder can print it no more.
    let prefecture = app
        .staff_api(Role::PrefecturalStaff, "kyoto.rev@example.jp")
        .await;
    assert_eq!(
        prefecture
            .revoke_certificate("SP-0002", "理由")
            .await
            .refused()
            .status,
        403
    );
    assert_eq!(
        a.revoke_certificate("SP-0002", "理由")
            .await
            .refused()
            .status,
        403
    );
    let jma = app.staff_api(Role::JmaStaff, "jma.rev@example.jp").await;
    let blank = jma.revoke_certificate("SP-0002", " ").await.refused();
    assert_eq!(blank.status, 422);
    assert_eq!(blank.fields(), ["reason"]);
    assert_eq!(
        jma.revoke_certificate("SP-0002", "虚偽の申請")
            .await
            .unwrap(),
        CertificateStatus::Revoked
    );
    assert_eq!(
        anyone.verify(&expired).await.unwrap().status,
        CertificateStatus::Revoked
    );
    assert_eq!(a.certificate_pdf("SP-0002").await.refused().status, 404);
    assert_eq!(
        jma.revoke_certificate("NONE", "x").await.refused().status,
        404
    );
    // My Page says so, and the way back is a new application: a renewal of it is refused.
    let page = a.my_page().await.unwrap();
    assert_eq!(page.certificates[0].revoked_on, Some(today()));
    assert_eq!(
        page.procedure_for(Certification::Sports),
        domain::Procedure::SportsNew
    );
    assert!(page.held(Certification::Sports).is_none());
}

#[tokio::test]
async fn a_renewed_certificate_says_its_printed_period_is_superseded() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = TestApp::spawn().await;
    let first = (today() - Days::new(1800), today() + Days::new(20));
    let (api, id) = holder(
        &app,
        "612350",
        Certification::Occupational,
        "OC-0050",
        first,
    )
    .await;
    let code = code_of_url(&qr_codes(&api.certificate_pdf("OC-0050").await.unwrap())[0]);
    // Approved: the next period follows on.
    let cert = server::entities::certificate::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.physician_id == id)
        .unwrap();
    let mut row: server::entities::certificate::ActiveModel = cert.clone().into();
    row.valid_from = Set(first.1 + Days::new(1));
    row.valid_until = Set(first.1 + Days::new(1826));
    row.update(&app.db).await.unwrap();
    let v = app.api().verify(&code).await.unwrap();
    assert!(v.superseded);
    assert_eq!(v.status, CertificateStatus::Valid);
    assert_eq!(v.valid_until, first.1 + Days::new(1826));
    let new_code = code_of_url(&qr_codes(&api.certificate_pdf("OC-0050").await.unwrap())[0]);
    assert_ne!(new_code, code);
    assert!(!app.api().verify(&new_code).await.unwrap().superseded);
}

#[tokio::test]
async fn a_forged_or_mistyped_code_finds_nothing_and_lookups_are_limited() {
    let app = TestApp::spawn().await;
    let period = (today() - Days::new(10), today() + Days::new(1000));
    let (api, _) = holder(&app, "612351", Certification::Sports, "SP-0051", period).await;
    let real = code_of_url(&qr_codes(&api.certificate_pdf("SP-0051").await.unwrap())[0]);
    let anyone = app.api();
    // One character changed: the signature no longer fits.
    let mut forged: Vec<char> = real.chars().collect();
    forged[0] = if forged[0] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    for code in [forged.as_str(), "AAAAAAAAAAAAAAAAAAAA", "nonsense", "%20"] {
        assert_eq!(anyone.verify(code).await.refused().status, 404, "{code}");
    }
    let mut last = None;
    for _ in 0..server::services::proofs::LOOKUPS_PER_MINUTE {
        last = Some(anyone.verify(&real).await);
    }
    let throttled = last.unwrap().refused();
    assert_eq!(throttled.status, 429);
}

fn declaration(date: &str, category: &str, units: &str) -> HandbookRequest {
    HandbookRequest {
        form: HandbookForm {
            date: date.into(),
            category: category.into(),
            units: units.into(),
            organizer_name: "京都府医師会".into(),
            ..HandbookForm::default()
        },
        client_ref: None,
    }
}

#[tokio::test]
async fn the_transcript_pdf_holds_the_filtered_ledger_over_pages_with_totals() {
    let app = TestApp::spawn().await;
    let api = app.physician_api("612352", "transcript@example.jp").await;
    let mut day = d("2020-04-01");
    for i in 0..48 {
        let category = if i % 3 == 0 {
            "occupational.lifelong.update"
        } else {
            "occupational.lifelong.specialized"
        };
        api.declare(&declaration(&day.to_string(), category, "1.5"))
            .await
            .unwrap();
        day = day + Days::new(14);
    }
    let pdf = api.transcript_pdf("").await.unwrap();
    let pages: u32 = tool("pdfinfo", &[], &pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(pages >= 2, "{pages} page(s)");
    // Without the spaces typst puts between Latin and Japanese letters.
    let text = tool("pdftotext", &["-layout"], &pdf).replace(' ', "");
    assert!(text.contains("単位取得証明書"), "{text}");
    assert!(text.contains("生涯研修（更新）"), "{text}");
    assert!(text.contains("生涯研修（専門）"), "{text}");
    assert!(
        text.contains("未確認"),
        "handbook units say they are not verified yet: {text}"
    );
    // 16 × 1.5 update, 32 × 1.5 specialised, 72 in all.
    assert!(text.contains("24単位"), "{text}");
    assert!(text.contains("48単位"), "{text}");
    assert!(text.contains("72単位"), "{text}");

    // Filtered as on the history page: only update training.
    let filtered = api
        .transcript_pdf("category=occupational.lifelong.update&from=")
        .await
        .unwrap();
    let text = tool("pdftotext", &["-layout"], &filtered).replace(' ', "");
    assert!(!text.contains("生涯研修（専門）"), "{text}");
    assert!(text.contains("24単位"), "{text}");
    assert!(!text.contains("72単位"), "{text}");
    assert_eq!(app.api().transcript_pdf("").await.refused().status, 401);
    // A signed-in account cannot keep the server busy making PDFs.
    let mut last = None;
    for _ in 0..server::services::proofs::PDFS_PER_MINUTE {
        last = Some(api.transcript_pdf("category=sports.refresher").await);
    }
    assert_eq!(last.unwrap().refused().status, 429);
}

async fn sent_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    server::services::mail::newest(&app.db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to == email && m.subject.starts_with("【日本医師会】"))
        .map(|m| (m.subject, m.body))
        .collect()
}

async fn round(app: &TestApp, day: &str) -> server::services::reminders::Round {
    server::services::reminders::run(
        &app.db,
        &RuleSet::current(),
        "https://nintei.example.jp",
        d(day),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn each_reminder_stage_is_sent_once_on_its_day_with_what_is_missing() {
    let app = TestApp::spawn().await;
    let period = (d("2022-07-01"), d("2027-06-30"));
    let (api, _) = holder(&app, "612360", Certification::Sports, "SP-0060", period).await;
    let email = "holder612360@example.jp";
    assert_eq!(round(&app, "2026-12-29").await.written, 0);
    let stages = [
        ("2026-12-30", "6か月"),
        ("2027-03-30", "3か月"),
        ("2027-04-30", "提出の目安"),
        ("2027-05-30", "1か月"),
        ("2027-07-01", "過ぎました"),
    ];
    for (i, (day, words)) in stages.iter().enumerate() {
        let r = round(&app, day).await;
        assert_eq!((r.written, r.mailed), (1, 1), "{day}");
        // The same day again, and the next day: nothing more.
        assert_eq!(round(&app, day).await.written, 0, "{day} again");
        let next = (d(day) + Days::new(1)).to_string();
        assert_eq!(round(&app, &next).await.written, 0, "{next}");
        let mails = sent_to(&app, email).await;
        assert_eq!(mails.len(), i + 1, "{day}: {mails:?}");
        let (subject, body) = &mails[0];
        assert!(subject.contains(words), "{day}: {subject}");
        assert!(body.contains("認定健康スポーツ医"), "{body}");
        assert!(body.contains("2027-06-30"), "{body}");
        assert!(body.contains("https://nintei.example.jp/mypage"), "{body}");
        // What is still missing: the engine's decision in words.
        assert!(body.contains("再研修会があと5単位必要です"), "{body}");
    }
    assert_eq!(round(&app, "2028-01-01").await.written, 0);
    // My Page lists the same notices, newest first, each mailed.
    let notices = api.notices().await.unwrap();
    assert_eq!(notices.items.len(), 5);
    assert!(
        notices
            .items
            .iter()
            .all(|n| n.mailed && n.link.as_deref() == Some("/mypage"))
    );
    assert_eq!(notices.items[0].message.key, "notice.reminder.grace_start");
}

#[tokio::test]
async fn the_covid_measure_reminder_reaches_those_who_rely_on_it() {
    let app = TestApp::spawn().await;
    let period = (d("2020-07-01"), d("2025-06-30"));
    holder(
        &app,
        "612361",
        Certification::Occupational,
        "OC-0061",
        period,
    )
    .await;
    let r = round(&app, "2027-12-31").await;
    assert_eq!(r.written, 1);
    let mails = sent_to(&app, "holder612361@example.jp").await;
    assert!(mails[0].0.contains("コロナ特例"), "{mails:?}");
    assert_eq!(round(&app, "2028-04-01").await.written, 0);
}

#[tokio::test]
async fn two_rounds_at_once_send_each_reminder_once() {
    let app = TestApp::spawn().await;
    for i in 0..6 {
        let number = format!("SP-01{i:02}");
        let registry = format!("6124{i:02}");
        holder(
            &app,
            &registry,
            Certification::Sports,
            &number,
            (d("2022-07-01"), d("2027-06-30")),
        )
        .await;
    }
    let (a, b) = tokio::join!(round(&app, "2027-03-30"), round(&app, "2027-03-30"));
    assert_eq!(a.written + b.written, 6, "{a:?} {b:?}");
    let mails = server::services::mail::newest(&app.db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains("3か月"))
        .count();
    assert_eq!(mails, 6);
}

#[tokio::test]
async fn a_physician_who_chose_no_reminder_mail_sees_the_notice_only() {
    let app = TestApp::spawn().await;
    let (api, _) = holder(
        &app,
        "612362",
        Certification::Sports,
        "SP-0062",
        (d("2022-07-01"), d("2027-06-30")),
    )
    .await;
    let off = NoticeSettings {
        reminders_by_mail: false,
        applications_by_mail: true,
    };
    assert_eq!(api.set_notice_settings(&off).await.unwrap(), off);
    assert_eq!(api.notices().await.unwrap().settings, off);
    let r = round(&app, "2026-12-30").await;
    assert_eq!((r.written, r.mailed), (1, 0));
    assert!(sent_to(&app, "holder612362@example.jp").await.is_empty());
    let notices = api.notices().await.unwrap();
    assert_eq!(notices.items.len(), 1);
    assert!(!notices.items[0].mailed);
    // Staff and strangers have no notices of their own to read or set.
    assert_eq!(app.api().notices().await.refused().status, 401);
}
