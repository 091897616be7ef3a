//! Demo data for `make run`: physicians with certificates in every state, credit histories with
//! handbook units, organizers with past and upcoming sessions, staff, JMA staff and an admin.
//! Dates are relative to today (JST) so every state stays true whenever the demo is started.

use chrono::{Days, Months, NaiveDate, Utc};
use domain::account::Role;
use domain::{Category, Certification, Prefecture, Subject};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set, TransactionTrait};

use crate::auth;
use crate::db::{accounts, today_jst};
use crate::entities::{certificate, certificate_period, credit, physician, training_session, user};
use crate::error::ApiError;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "nintei-demo-2026";

/// The demo logins printed at start-up: (role, e-mail).
pub const DEMO_LOGINS: &[(&str, &str)] = &[
    ("physician / 医師", "demo.physician@example.jp"),
    ("organizer / 研修会主催者", "kyoto.organizer@example.jp"),
    ("Kyoto staff / 京都府医師会", "kyoto.staff@example.jp"),
    ("Tokyo staff / 東京都医師会", "tokyo.staff@example.jp"),
    ("JMA staff / 日本医師会", "jma.staff@example.jp"),
    ("admin / 管理者", "admin@example.jp"),
];

const FAMILY: &[(&str, &str)] = &[
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
const GIVEN: &[(&str, &str)] = &[
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
    i32,
    &'static str,
    Option<&'static str>,
    Option<i32>,
);

/// The certificate situation a demo physician is in.
#[derive(Clone, Copy, Debug)]
enum Situation {
    /// Occupational, valid for years, renewal ready.
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
pub async fn demo_if_empty(db: &DatabaseConnection) -> Result<(), ApiError> {
    if accounts::count_users(db).await? > 0 {
        return Ok(());
    }
    let today = today_jst(Utc::now());
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let staff =
        |role: Role, email: &str, name: &str, pref: Option<Prefecture>, body: Option<&str>| {
            user::ActiveModel {
                role: Set(role.code().into()),
                email: Set(email.into()),
                password_hash: Set(hash.clone()),
                display_name: Set(name.into()),
                prefecture: Set(pref.map(|p| i32::from(p.code()))),
                organizer_body: Set(body.map(Into::into)),
                created_at: Set(now),
                ..Default::default()
            }
        };
    staff(
        Role::Admin,
        "admin@example.jp",
        "システム管理者",
        None,
        None,
    )
    .insert(&txn)
    .await?;
    staff(
        Role::JmaStaff,
        "jma.staff@example.jp",
        "日本医師会 産業保健課",
        None,
        None,
    )
    .insert(&txn)
    .await?;
    staff(
        Role::PrefecturalStaff,
        "kyoto.staff@example.jp",
        "京都府医師会 事務局",
        Some(Prefecture::KYOTO),
        None,
    )
    .insert(&txn)
    .await?;
    staff(
        Role::PrefecturalStaff,
        "tokyo.staff@example.jp",
        "東京都医師会 事務局",
        Some(Prefecture::TOKYO),
        None,
    )
    .insert(&txn)
    .await?;
    let kyoto_org = staff(
        Role::Organizer,
        "kyoto.organizer@example.jp",
        "京都府医師会 研修担当",
        Some(Prefecture::KYOTO),
        Some("京都府医師会"),
    )
    .insert(&txn)
    .await?;
    let tokyo_org = staff(
        Role::Organizer,
        "tokyo.organizer@example.jp",
        "東京都医師会 研修担当",
        Some(Prefecture::TOKYO),
        Some("東京都医師会"),
    )
    .insert(&txn)
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
            Some("mental_health"),
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
        let s = training_session::ActiveModel {
            organizer_id: Set(org),
            organizing_body: Set(body.into()),
            title: Set(title.into()),
            category: Set(category.code().into()),
            subject: Set(subject.map(Into::into)),
            units_halves: Set(units * 2),
            date: Set(date),
            starts_at: Set("13:00".into()),
            ends_at: Set(format!("{:02}:00", 13 + units)),
            venue: Set(venue.into()),
            prefecture: Set(i32::from(pref.code())),
            online: Set(false),
            capacity: Set(200),
            designation_number: Set(format!("{}-{:04}", pref.code(), 101 + i)),
            tolerance_in_minutes: Set(5),
            tolerance_out_minutes: Set(5),
            published: Set(true),
            posted_at: Set((offset < 0).then_some(now)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        session_ids.push((s.id, date, category, units));
    }

    let prefectures = [
        Prefecture::KYOTO,
        Prefecture::TOKYO,
        Prefecture::OSAKA,
        Prefecture::from_code(1).unwrap_or(Prefecture::TOKYO),
        Prefecture::from_code(40).unwrap_or(Prefecture::TOKYO),
    ];
    for n in 0..30usize {
        let (family, family_kana) = FAMILY[n % FAMILY.len()];
        let (given, given_kana) = GIVEN[(n * 7 + 3) % GIVEN.len()];
        let email = if n == 0 {
            "demo.physician@example.jp".to_owned()
        } else {
            format!("physician{n:02}@example.jp")
        };
        let prefecture = if n == 0 {
            Prefecture::KYOTO
        } else {
            prefectures[n % prefectures.len()]
        };
        let registry = format!("{}", 400_000 + n * 1_237);
        let u = user::ActiveModel {
            role: Set(Role::Physician.code().into()),
            email: Set(email),
            password_hash: Set(hash.clone()),
            display_name: Set(format!("{family} {given}")),
            prefecture: Set(Some(i32::from(prefecture.code()))),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        physician::ActiveModel {
            user_id: Set(u.id),
            registry_number: Set(registry.clone()),
            name_kanji: Set(format!("{family} {given}")),
            name_kana: Set(format!("{family_kana}\u{3000}{given_kana}")),
            birth_date: Set(NaiveDate::from_ymd_opt(
                1960 + (n as i32 % 30),
                1 + (n as u32 % 12),
                1 + (n as u32 % 28),
            )
            .unwrap_or(today)),
            prefecture: Set(i32::from(prefecture.code())),
            membership: Set(if n % 5 == 4 { "non_member" } else { "member" }.into()),
            workplace_name: Set(Some(format!("{}総合病院", short_name(prefecture)))),
            phone: Set(None),
        }
        .insert(&txn)
        .await?;

        let situation = SITUATIONS[n % SITUATIONS.len()];
        let (certification, until) = match situation {
            Situation::Valid => (
                Some(Certification::Occupational),
                shift(today, 900 + 30 * n as i64),
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
            let cert = certificate::ActiveModel {
                physician_id: Set(u.id),
                certification: Set(certification.code().into()),
                number: Set(number),
                first_certified: Set(months_before(from, if n % 2 == 0 { 60 } else { 0 })),
                valid_from: Set(from),
                valid_until: Set(until),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            if n % 2 == 0 {
                certificate_period::ActiveModel {
                    certificate_id: Set(cert.id),
                    valid_from: Set(months_before(from, 60)),
                    valid_until: Set(from.pred_opt().unwrap_or(from)),
                    granted_by: Set("new".into()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            certificate_period::ActiveModel {
                certificate_id: Set(cert.id),
                valid_from: Set(from),
                valid_until: Set(until),
                granted_by: Set(if n % 2 == 0 { "renewal" } else { "new" }.into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let day = |months: u32| shift(from, i64::from(months) * 30);
            match certification {
                Certification::Occupational => {
                    // Handbook units from before April 2025, then organizer-registered ones.
                    let handbook_day =
                        day(6).min(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or(today));
                    let verification = if n % 3 == 0 { "pending" } else { "verified" };
                    credit_rows.push((
                        handbook_day,
                        Category::OccupationalLifelongUpdate,
                        None,
                        2,
                        "handbook",
                        Some(verification),
                        None,
                    ));
                    credit_rows.push((
                        handbook_day,
                        Category::OccupationalLifelongSpecialized,
                        None,
                        6,
                        "handbook",
                        Some(verification),
                        None,
                    ));
                    if n % 4 != 1 {
                        credit_rows.push((
                            day(20),
                            Category::OccupationalLifelongPractical,
                            None,
                            2,
                            "system",
                            None,
                            None,
                        ));
                    }
                    credit_rows.push((
                        day(30),
                        Category::OccupationalLifelongSpecialized,
                        None,
                        6 + (n as i32 % 5),
                        "system",
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
                            "system",
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
                        "system",
                        None,
                        None,
                    ));
                    if n % 3 != 0 {
                        credit_rows.push((
                            day(30),
                            Category::SportsRefresher,
                            None,
                            2,
                            "system",
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
                    "system",
                    None,
                    None,
                ));
            }
            credit_rows.push((
                shift(today, -200),
                Category::OccupationalBasicPractical,
                None,
                9,
                "system",
                None,
                None,
            ));
            credit_rows.push((
                shift(today, -100),
                Category::OccupationalBasicLate,
                None,
                20,
                "system",
                None,
                None,
            ));
        }
        // Attendance at the demo sessions already held.
        for &(sid, date, category, units) in &session_ids {
            if date < today
                && n % 3 == 1
                && category.certification() == certification.unwrap_or(Certification::Occupational)
            {
                credit_rows.push((date, category, None, units, "system", None, Some(sid)));
            }
        }
        for (date, category, subject, units, source, verification, session) in credit_rows {
            // Attended days are in the past, whatever the certificate's dates.
            let date = date.min(shift(today, -7));
            credit::ActiveModel {
                physician_id: Set(Some(u.id)),
                registry_number: Set(registry.clone()),
                date: Set(date),
                category: Set(category.code().into()),
                subject: Set(subject.map(|s| s.code())),
                units_halves: Set(units * 2),
                delivery: Set("in_person".into()),
                source: Set(source.into()),
                session_id: Set(session),
                verification: Set(verification.map(Into::into)),
                organizer_name: Set((source == "handbook").then(|| "京都府医師会".to_owned())),
                note: Set(None),
                corrects_id: Set(None),
                consumed_by: Set(None),
                created_at: Set(now),
                created_by: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
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
