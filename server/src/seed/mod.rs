//! Demo data for `make run`: physicians with certificates in every state, credit histories with
//! handbook units, organizers with past and upcoming sessions, staff, JMA staff and an admin.
//! Dates are relative to today (JST) so every state stays true whenever the demo is started.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime, Utc};
use domain::account::{Membership, Role};
use domain::api::{PhysicianProfile, Verification};
use domain::application::DocumentKind;
use domain::dates::today_jst;
use domain::identity::{IdentityStatus, RequestKind};
use domain::ledger::EntryKind;
use domain::records::NewCredit;
use domain::registry::{COLUMNS, RegistryMatch};
use domain::sessions::SessionSpec;
use domain::{Category, Certification, Delivery, Prefecture, Source, Subject, Units};
use sea_orm::DatabaseConnection;

use crate::db::accounts::NewUser;
use crate::db::{DbError, accounts, credits, identity, sessions};
use crate::security;

pub mod scale;

/// Seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Hashing the demo password failed.
    #[error(transparent)]
    Hash(#[from] security::HashError),
    /// The demo registry did not import.
    #[error("registry: {0}")]
    Registry(String),
    /// The demo licence could not be stored.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "nintei-demo-2026";

/// The demo logins printed at start-up: (role, e-mail).
pub const DEMO_LOGINS: &[(&str, &str)] = &[
    ("physician / 医師", "demo.physician@example.jp"),
    (
        "physician, 40 years of units / 40年分の単位の医師",
        "veteran.physician@example.jp",
    ),
    (
        "physician, identity pending / 本人確認待ちの医師",
        "pending.physician@example.jp",
    ),
    ("organizer / 研修会主催者", "kyoto.organizer@example.jp"),
    ("Kyoto staff / 京都府医師会", "kyoto.staff@example.jp"),
    ("Tokyo staff / 東京都医師会", "tokyo.staff@example.jp"),
    ("JMA staff / 日本医師会", "jma.staff@example.jp"),
    ("admin / 管理者", "admin@example.jp"),
];

pub(crate) const FAMILY: &[(&str, &str)] = &[
    ("山田", "ヤマダ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山本", "ヤマモト"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
];
pub(crate) const GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("誠", "マコト"),
    ("陽子", "ヨウコ"),
    ("大輔", "ダイスケ"),
    ("恵", "メグミ"),
    ("翔太", "ショウタ"),
    ("由美", "ユミ"),
];

/// A demo credit: day, category, subject, units, source, verification, session.
type DemoCredit = (
    NaiveDate,
    Category,
    Option<Subject>,
    u32,
    Source,
    Option<Verification>,
    Option<i32>,
);

/// The demo's prefectural associations: where the fee is paid and the handbook sent (fictional
/// accounts and addresses, shaped as real ones are).
pub fn demo_offices() -> crate::services::Offices {
    use domain::application::PrefectureOffice;
    let office =
        |name: &str, bank: &str, counter: &str, address: &str, phone: &str| PrefectureOffice {
            name: name.into(),
            bank_account: Some(bank.into()),
            counter: Some(counter.into()),
            postal_address: Some(address.into()),
            phone: Some(phone.into()),
        };
    [
        (
            Prefecture::KYOTO.code(),
            office(
                "京都府医師会",
                "京都銀行 府庁前支店 普通 1234567 一般社団法人京都府医師会（デモ）",
                "京都府医師会館 2階 事務局（平日 9:00〜17:00）",
                "〒604-0000 京都市中京区（デモ）1-1 京都府医師会 認定医係",
                "075-000-0000",
            ),
        ),
        (
            Prefecture::TOKYO.code(),
            office(
                "東京都医師会",
                "みずほ銀行 神田支店 普通 7654321 公益社団法人東京都医師会（デモ）",
                "東京都医師会館 1階 受付（平日 9:30〜17:00）",
                "〒101-0000 東京都千代田区（デモ）2-2 東京都医師会 認定医係",
                "03-0000-0000",
            ),
        ),
    ]
    .into_iter()
    .collect()
}

/// The demo physician with a ledger of a 40-year career (`veteran.physician@example.jp`).
const VETERAN: usize = 30;

/// The certificate situation a demo physician is in.
#[derive(Clone, Copy, Debug)]
enum Situation {
    /// Occupational, valid, renewal ready (physician12: valid for years, renewal not open).
    Valid,
    /// Occupational, expiring within 60 days.
    Expiring,
    /// Sports, expired two months ago: in the grace period.
    SportsGrace,
    /// Occupational, expired eight months ago: under the COVID special measure.
    Covid,
    /// Sports, expired two years ago: lapsed.
    Lapsed,
    /// No certificate yet, basic training under way.
    NewApplicant,
}

const SITUATIONS: [Situation; 6] = [
    Situation::Valid,
    Situation::Expiring,
    Situation::SportsGrace,
    Situation::Covid,
    Situation::Lapsed,
    Situation::NewApplicant,
];

/// Seeds the demo once: only into a database without users.
pub async fn demo_if_empty(
    db: &DatabaseConnection,
    documents: &crate::storage::Documents,
) -> Result<(), SeedError> {
    if accounts::count_users(db).await? > 0 {
        return Ok(());
    }
    let today = today_jst(Utc::now());
    let hash = security::hash_password(DEMO_PASSWORD)?;
    let txn = crate::db::begin(db).await?;
    let now = Utc::now();
    let staff = |role: Role,
                 email: &'static str,
                 name: &'static str,
                 pref: Option<Prefecture>,
                 body: Option<&'static str>| NewUser {
        role,
        email,
        password_hash: hash.clone(),
        display_name: name,
        prefecture: pref,
        organizer_body: body,
        email_verified: true,
        must_change_password: false,
    };
    accounts::insert_user(
        &txn,
        staff(
            Role::Admin,
            "admin@example.jp",
            "システム管理者",
            None,
            None,
        ),
    )
    .await?;
    accounts::insert_user(
        &txn,
        staff(
            Role::JmaStaff,
            "jma.staff@example.jp",
            "日本医師会 産業保健課",
            None,
            None,
        ),
    )
    .await?;
    accounts::insert_user(
        &txn,
        staff(
            Role::PrefecturalStaff,
            "kyoto.staff@example.jp",
            "京都府医師会 事務局",
            Some(Prefecture::KYOTO),
            None,
        ),
    )
    .await?;
    accounts::insert_user(
        &txn,
        staff(
            Role::PrefecturalStaff,
            "tokyo.staff@example.jp",
            "東京都医師会 事務局",
            Some(Prefecture::TOKYO),
            None,
        ),
    )
    .await?;
    let kyoto_org = accounts::insert_user(
        &txn,
        staff(
            Role::Organizer,
            "kyoto.organizer@example.jp",
            "京都府医師会 研修担当",
            Some(Prefecture::KYOTO),
            Some("京都府医師会"),
        ),
    )
    .await?;
    let tokyo_org = accounts::insert_user(
        &txn,
        staff(
            Role::Organizer,
            "tokyo.organizer@example.jp",
            "東京都医師会 研修担当",
            Some(Prefecture::TOKYO),
            Some("東京都医師会"),
        ),
    )
    .await?;

    // Sessions: past (posted) and upcoming (published), by two organizers.
    let sessions = [
        (
            kyoto_org.id,
            "京都府医師会",
            Prefecture::KYOTO,
            "産業医研修会（更新）職場のメンタルヘルス",
            Category::OccupationalLifelongUpdate,
            None,
            4,
            -200,
            "京都府医師会館 大ホール",
        ),
        (
            kyoto_org.id,
            "京都府医師会",
            Prefecture::KYOTO,
            "産業医実地研修 職場巡視の実際",
            Category::OccupationalLifelongPractical,
            None,
            2,
            -90,
            "京都府医師会館 研修室",
        ),
        (
            kyoto_org.id,
            "京都府医師会",
            Prefecture::KYOTO,
            "産業医専門研修 化学物質の自律的管理",
            Category::OccupationalLifelongSpecialized,
            None,
            3,
            14,
            "京都府医師会館 大ホール",
        ),
        (
            kyoto_org.id,
            "京都府医師会",
            Prefecture::KYOTO,
            "産業医実地研修 作業環境測定",
            Category::OccupationalLifelongPractical,
            None,
            2,
            30,
            "京都府医師会館 研修室",
        ),
        (
            tokyo_org.id,
            "東京都医師会",
            Prefecture::TOKYO,
            "産業医基礎研修 後期 健康診断と事後措置",
            Category::OccupationalBasicLate,
            None,
            6,
            21,
            "東京都医師会館",
        ),
        (
            tokyo_org.id,
            "東京都医師会",
            Prefecture::TOKYO,
            "健康スポーツ医 再研修会",
            Category::SportsRefresher,
            None,
            3,
            45,
            "東京都医師会館",
        ),
        (
            tokyo_org.id,
            "東京都医師会",
            Prefecture::TOKYO,
            "産業医基礎研修 前期 メンタルヘルス対策",
            Category::OccupationalBasicEarly,
            Some(Subject::Occupational(
                domain::OccupationalSubject::MentalHealth,
            )),
            1,
            10,
            "東京都医師会館",
        ),
        (
            tokyo_org.id,
            "東京都医師会",
            Prefecture::TOKYO,
            "産業医専門研修 治療と仕事の両立支援",
            Category::OccupationalLifelongSpecialized,
            None,
            2,
            -30,
            "東京都医師会館",
        ),
    ];
    let mut session_ids = Vec::new();
    for (i, (org, body, pref, title, category, subject, units, offset, venue)) in
        sessions.into_iter().enumerate()
    {
        let date = shift(today, offset);
        let spec = SessionSpec {
            title: title.into(),
            category,
            subject,
            units: Units::whole(units),
            date,
            starts_at: NaiveTime::from_hms_opt(13, 0, 0).unwrap_or_default(),
            ends_at: NaiveTime::from_hms_opt(13 + units, 0, 0).unwrap_or_default(),
            venue: venue.into(),
            contact: Some(format!(
                "075-{:03}-{:04} / kenshu{i}@example.jp",
                300 + i,
                1000 + i
            )),
            prefecture: pref,
            online: false,
            capacity: 200,
            lecturers: Vec::new(),
            tolerance_in_minutes: 5,
            tolerance_out_minutes: 5,
        };
        let s = sessions::insert(&txn, org, body, &spec).await?;
        let number = domain::sessions::designation_number(pref, date.year(), 101 + i as u32);
        sessions::designate(&txn, s.id, &number, now).await?;
        if offset < 0 {
            sessions::mark_posted(&txn, s.id, now).await?;
        }
        session_ids.push((s.id, date, category, units));
    }
    // Two Kyoto sessions staff have not designated: one waiting (2.5 units in two hours, a
    // question for staff), one returned with a reason for the organizer.
    for (title, units, returned) in [
        ("産業医実地研修 職場巡視の実際", Units::from_halves(5), None),
        (
            "産業医研修会 化学物質の自律的管理",
            Units::whole(2),
            Some("講師の医籍登録番号を追記し、プログラムの時間割を添えてください"),
        ),
    ] {
        let spec = SessionSpec {
            title: title.into(),
            category: Category::OccupationalLifelongPractical,
            subject: None,
            units,
            date: shift(today, 40),
            starts_at: NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default(),
            ends_at: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
            venue: "京都府医師会館".into(),
            contact: Some("075-354-6102".into()),
            prefecture: Prefecture::KYOTO,
            online: false,
            capacity: 60,
            lecturers: Vec::new(),
            tolerance_in_minutes: 5,
            tolerance_out_minutes: 5,
        };
        let s = sessions::insert(&txn, kyoto_org.id, "京都府医師会", &spec).await?;
        if let Some(reason) = returned {
            sessions::return_to_organizer(&txn, s.id, reason).await?;
        }
    }

    let mut registry_csv = String::new();
    let prefectures = [
        Prefecture::KYOTO,
        Prefecture::TOKYO,
        Prefecture::OSAKA,
        Prefecture::from_code(1).unwrap_or(Prefecture::TOKYO),
        Prefecture::from_code(40).unwrap_or(Prefecture::TOKYO),
    ];
    // Physician 30 is a veteran: certified since 1986, a ledger of about 40 years.
    for n in 0..=VETERAN {
        let (family, family_kana) = FAMILY[n % FAMILY.len()];
        let (given, given_kana) = GIVEN[(n * 7 + 3) % GIVEN.len()];
        let email = match n {
            0 => "demo.physician@example.jp".to_owned(),
            VETERAN => "veteran.physician@example.jp".to_owned(),
            n => format!("physician{n:02}@example.jp"),
        };
        let prefecture = if n == 0 {
            Prefecture::KYOTO
        } else {
            prefectures[n % prefectures.len()]
        };
        let registry = format!("{}", 400_000 + n * 1_237);
        let name = format!("{family} {given}");
        let u = accounts::insert_user(
            &txn,
            NewUser {
                role: Role::Physician,
                email: &email,
                password_hash: hash.clone(),
                display_name: &name,
                prefecture: Some(prefecture),
                organizer_body: None,
                email_verified: true,
                must_change_password: false,
            },
        )
        .await?;
        let profile = PhysicianProfile {
            registry_number: registry.clone(),
            name_kanji: name.clone(),
            name_kana: format!("{family_kana}\u{3000}{given_kana}"),
            birth_date: NaiveDate::from_ymd_opt(
                1960 + (n as i32 % 30),
                1 + (n as u32 % 12),
                1 + (n as u32 % 28),
            )
            .unwrap_or(today),
            prefecture,
            membership: if n % 5 == 4 {
                Membership::NonMember
            } else {
                Membership::Member
            },
            workplace_name: Some(format!("{}総合病院", short_name(prefecture))),
            phone: None,
        };
        accounts::insert_physician(&txn, u.id, &profile).await?;
        accounts::set_identity(
            &txn,
            u.id,
            IdentityStatus::Verified,
            RegistryMatch::Full,
            now,
        )
        .await?;

        let situation = SITUATIONS[n % SITUATIONS.len()];
        let (certification, until) = match situation {
            // Renewals open 6 months before expiry: most valid demo certificates are inside
            // that window (renewal ready, the what-if has something to change); physician12's
            // runs for years, so My Page says when its renewal opens.
            Situation::Valid if n == 12 => (Some(Certification::Occupational), shift(today, 900)),
            Situation::Valid => (
                Some(Certification::Occupational),
                shift(today, 120 + 2 * n as i64),
            ),
            Situation::Expiring => (Some(Certification::Occupational), shift(today, 45)),
            Situation::SportsGrace => (Some(Certification::Sports), months_before(today, 2)),
            Situation::Covid => (Some(Certification::Occupational), months_before(today, 8)),
            Situation::Lapsed => (Some(Certification::Sports), months_before(today, 24)),
            Situation::NewApplicant => (None, today),
        };
        let mut credit_rows: Vec<DemoCredit> = Vec::new();
        if let Some(certification) = certification {
            let from = months_before(until, 60).succ_opt().unwrap_or(until);
            let number = format!(
                "{}{:06}",
                if certification == Certification::Occupational {
                    "S"
                } else {
                    "K"
                },
                100_000 + n * 31
            );
            // Certificates come through JMA's registry, as they do for real physicians.
            let first_certified = if n == VETERAN {
                NaiveDate::from_ymd_opt(1986, 4, 1).unwrap_or(from)
            } else {
                months_before(from, if n % 2 == 0 { 60 } else { 0 })
            };
            let mut periods = vec![(from, until)];
            if n % 2 == 0 {
                periods.push((months_before(from, 60), from.pred_opt().unwrap_or(from)));
            }
            for (valid_from, valid_until) in periods {
                registry_csv.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{}\n",
                    profile.registry_number,
                    profile.name_kanji,
                    profile.name_kana,
                    profile.birth_date,
                    profile.prefecture.code(),
                    profile.membership.code(),
                    certification.code(),
                    number,
                    first_certified,
                    valid_from,
                    valid_until,
                ));
            }
            let day = |months: u32| shift(from, i64::from(months) * 30);
            match certification {
                Certification::Occupational => {
                    // Handbook units from before April 2025, then organizer-registered ones.
                    let handbook_day =
                        day(6).min(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or(today));
                    let verification = if n % 3 == 0 {
                        Verification::Pending
                    } else {
                        Verification::Verified
                    };
                    credit_rows.push((
                        handbook_day,
                        Category::OccupationalLifelongUpdate,
                        None,
                        2,
                        Source::Handbook,
                        Some(verification),
                        None,
                    ));
                    credit_rows.push((
                        handbook_day,
                        Category::OccupationalLifelongSpecialized,
                        None,
                        6,
                        Source::Handbook,
                        Some(verification),
                        None,
                    ));
                    if n % 4 != 1 {
                        credit_rows.push((
                            day(20),
                            Category::OccupationalLifelongPractical,
                            None,
                            2,
                            Source::System,
                            None,
                            None,
                        ));
                    }
                    credit_rows.push((
                        day(30),
                        Category::OccupationalLifelongSpecialized,
                        None,
                        6 + (n as u32 % 5),
                        Source::System,
                        None,
                        None,
                    ));
                    // The demo physician is 4 units short, so the what-if has something to show.
                    if n != 0 {
                        credit_rows.push((
                            day(40),
                            Category::OccupationalLifelongSpecialized,
                            None,
                            4,
                            Source::System,
                            None,
                            None,
                        ));
                    }
                }
                Certification::Sports => {
                    credit_rows.push((
                        day(10),
                        Category::SportsRefresher,
                        None,
                        3,
                        Source::System,
                        None,
                        None,
                    ));
                    if n % 3 != 0 {
                        credit_rows.push((
                            day(30),
                            Category::SportsRefresher,
                            None,
                            2,
                            Source::System,
                            None,
                            None,
                        ));
                    }
                }
            }
        } else {
            // A new applicant part-way through basic training.
            for (i, subject) in domain::OccupationalSubject::ALL.iter().enumerate() {
                if i == 2 && n % 2 == 0 {
                    continue;
                }
                credit_rows.push((
                    shift(today, -300),
                    Category::OccupationalBasicEarly,
                    Some(Subject::Occupational(*subject)),
                    2,
                    Source::System,
                    None,
                    None,
                ));
            }
            credit_rows.push((
                shift(today, -200),
                Category::OccupationalBasicPractical,
                None,
                9,
                Source::System,
                None,
                None,
            ));
            credit_rows.push((
                shift(today, -100),
                Category::OccupationalBasicLate,
                None,
                20,
                Source::System,
                None,
                None,
            ));
        }
        if n == VETERAN {
            // Handbook years 1986–2024 (verified against the paper handbook): 8 units a year.
            for year in 1986..=2024 {
                let on = |month: u32| NaiveDate::from_ymd_opt(year, month, 15).unwrap_or(today);
                for (month, category, units) in [
                    (5, Category::OccupationalLifelongUpdate, 2),
                    (9, Category::OccupationalLifelongPractical, 2),
                    (11, Category::OccupationalLifelongSpecialized, 4),
                ] {
                    credit_rows.push((
                        on(month),
                        category,
                        None,
                        units,
                        Source::Handbook,
                        Some(Verification::Verified),
                        None,
                    ));
                }
            }
        }
        // Attendance at the demo sessions already held.
        for &(sid, date, category, units) in &session_ids {
            if date < today
                && n % 3 == 1
                && category.certification() == certification.unwrap_or(Certification::Occupational)
            {
                credit_rows.push((date, category, None, units, Source::System, None, Some(sid)));
            }
        }
        for (date, category, subject, units, source, verification, session) in credit_rows {
            // Attended days are in the past, whatever the certificate's dates.
            let date = date.min(shift(today, -7));
            credits::insert(
                &txn,
                NewCredit {
                    physician_id: Some(u.id),
                    registry_number: registry.clone(),
                    date,
                    category,
                    subject,
                    units: Units::whole(units),
                    delivery: Delivery::InPerson,
                    source,
                    session_id: session,
                    verification,
                    organizer_name: (source == Source::Handbook).then(|| "京都府医師会".to_owned()),
                    note: None,
                    corrects_id: None,
                    created_by: None,
                    kind: EntryKind::Entry,
                    server_ref: None,
                    attendee_birth_date: None,
                },
            )
            .await?;
        }
    }
    pending_physician(&txn, documents, &hash, today).await?;
    crate::db::commit(txn).await?;
    let registry_csv = format!("{}\n{registry_csv}", COLUMNS.join(","));
    let report = crate::services::registry::import(db, &registry_csv, false, None)
        .await
        .map_err(|e| SeedError::Registry(e.to_string()))?;
    if let Some(p) = report.problems.first() {
        return Err(SeedError::Registry(format!(
            "line {}: {}",
            p.line,
            p.message.render(domain::Lang::En)
        )));
    }
    Ok(())
}

/// A Kyoto physician not in the registry, whose licence waits for the Kyoto staff.
async fn pending_physician(
    txn: &impl sea_orm::ConnectionTrait,
    documents: &crate::storage::Documents,
    hash: &str,
    today: NaiveDate,
) -> Result<(), SeedError> {
    let name = "森 さくら";
    let u = accounts::insert_user(
        txn,
        NewUser {
            role: Role::Physician,
            email: "pending.physician@example.jp",
            password_hash: hash.to_owned(),
            display_name: name,
            prefecture: Some(Prefecture::KYOTO),
            organizer_body: None,
            email_verified: true,
            must_change_password: false,
        },
    )
    .await?;
    let profile = PhysicianProfile {
        registry_number: "612345".into(),
        name_kanji: name.into(),
        name_kana: "モリ\u{3000}サクラ".into(),
        birth_date: NaiveDate::from_ymd_opt(1994, 6, 12).unwrap_or(today),
        prefecture: Prefecture::KYOTO,
        membership: Membership::Member,
        workplace_name: Some("京都市立病院".into()),
        phone: None,
    };
    accounts::insert_physician(txn, u.id, &profile).await?;
    let request = identity::open(
        txn,
        u.id,
        RequestKind::Licence,
        Prefecture::KYOTO,
        &profile.registry_number,
        None,
    )
    .await?;
    let licence: &[u8] =
        b"%PDF-1.4\n% demo medical licence\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
    let key = documents.put(licence.to_vec().into()).await?;
    let doc = crate::db::documents::insert(
        txn,
        crate::db::documents::NewDocument {
            owner_id: u.id,
            kind: DocumentKind::MedicalLicence,
            file_name: "医師免許証.pdf",
            file_type: domain::application::FileType::Pdf,
            size: licence.len(),
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(licence)),
            storage_key: &key,
        },
    )
    .await?;
    identity::submit(txn, request.id, doc.id, Utc::now()).await?;
    Ok(())
}

/// 京都府 → 京都, 東京都 → 東京, 北海道 stays.
fn short_name(p: Prefecture) -> &'static str {
    let name = p.name_ja();
    if name == "北海道" {
        return name;
    }
    name.strip_suffix(['都', '府', '県']).unwrap_or(name)
}

fn shift(day: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        day + Days::new(days as u64)
    } else {
        day - Days::new(days.unsigned_abs())
    }
}

fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(months)).unwrap_or(day)
}
