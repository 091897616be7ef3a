//! National-scale data for benchmarks (`nintei admin seed-scale`): physicians with their JMA
//! registry entries, certificates and about twenty ledger rows each, applications in every
//! review state and the country's designated sessions, written in multi-row statements so that
//! 340,000 physicians take minutes, on SQLite and on PostgreSQL alike.
//!
//! Not demo data: names repeat, and every account's password is the demo one
//! ([`super::DEMO_PASSWORD`]) so that a benchmark can sign in as any physician. It is added to
//! the demo (seeded first when the database is empty), so staff and organizers exist too.

use chrono::{Datelike, Days, NaiveDate, SecondsFormat, Utc};
use domain::application::{ApplicationForm, ApplicationKind, Status};
use domain::dates::today_jst;
use domain::{
    Category, Certification, Credit, Delivery, EvaluationInput, Facts, Period, Prefecture,
    Procedure, RuleSet, Source, Units,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};

use super::{DEMO_PASSWORD, FAMILY, GIVEN, SeedError};
use crate::security;

/// The first scale physician's registry number (seven digits; the demo's have six).
pub const FIRST_REGISTRY_NUMBER: u32 = 1_000_000;

/// The login of the `n`th scale physician (from 0).
pub fn email(n: u32) -> String {
    format!("scale{n}@example.jp")
}

/// The registry number of the `n`th scale physician (from 0).
pub fn registry_number(n: u32) -> String {
    (FIRST_REGISTRY_NUMBER + n).to_string()
}

/// What to write.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Physicians to add.
    pub physicians: u32,
    /// Ledger rows per physician, on average.
    pub ledger_rows: u32,
}

/// What was written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Written {
    /// Physicians (accounts, profiles and registry entries).
    pub physicians: u64,
    /// Certificates.
    pub certificates: u64,
    /// Ledger rows.
    pub credits: u64,
    /// Applications.
    pub applications: u64,
    /// Designated sessions.
    pub sessions: u64,
}

/// Physicians written per transaction.
const BATCH: u32 = 2_000;
/// Rows per INSERT statement.
const ROWS_PER_STATEMENT: usize = 500;
/// One physician in this many has an application (in any state)...
const APPLICANT_EVERY: u32 = 40;
/// ...but at least this many are made, so that the largest prefecture's queue and JMA's fill a
/// page at every size and a benchmark compares the same work on tables of different sizes.
const APPLICATIONS_AT_LEAST: u32 = 2_000;
/// One session for this many physicians...
const PHYSICIANS_PER_SESSION: u32 = 50;
/// ...but at least this many (and one per prefecture), so that a search fills a page.
const SESSIONS_AT_LEAST: u32 = 2_000;

/// Prefectures weighted by population (10,000s, 2020 census), JIS order from 北海道.
const POPULATION: [u32; 47] = [
    522, 124, 121, 230, 96, 107, 183, 287, 193, 194, 734, 628, 1405, 924, 220, 103, 113, 77, 81,
    205, 198, 363, 754, 177, 141, 258, 884, 547, 132, 92, 55, 67, 189, 280, 134, 72, 95, 133, 69,
    513, 81, 131, 174, 112, 107, 159, 147,
];

/// Session categories with their usual units (halves) and weight.
const SESSION_KINDS: [(Category, u32, u32); 6] = [
    (Category::OccupationalLifelongUpdate, 4, 4),
    (Category::OccupationalLifelongSpecialized, 2, 4),
    (Category::OccupationalLifelongPractical, 4, 2),
    (Category::OccupationalBasicLate, 4, 1),
    (Category::OccupationalBasicPractical, 4, 1),
    (Category::SportsRefresher, 2, 2),
];

/// Adds `scale` to the database: the demo first when it is empty, then the physicians. Refuses
/// a database that already holds scale physicians.
pub async fn seed(
    db: &DatabaseConnection,
    documents: &crate::storage::Documents,
    scale: Scale,
) -> Result<Written, SeedError> {
    super::demo_if_empty(db, documents).await?;
    if scalar(
        db,
        &format!("SELECT COUNT(*) FROM users WHERE email = '{}'", email(0)),
    )
    .await?
        > 0
    {
        return Err(SeedError::Registry(
            "this database already holds scale physicians: use a fresh one".into(),
        ));
    }
    let organizer = scalar(db, "SELECT MIN(id) FROM users WHERE role = 'organizer'").await?;
    let plan = Plan {
        today: today_jst(Utc::now()),
        now: Utc::now().to_rfc3339_opts(SecondsFormat::Nanos, false),
        password_hash: security::hash_password(DEMO_PASSWORD)?,
        first_user: scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM users").await?,
        first_certificate: scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM certificates").await?,
        first_session: scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM training_sessions").await?,
        organizer,
        scale,
    };
    let mut rng = StdRng::seed_from_u64(2026);
    let mut written = Written::default();

    let sessions = plan.sessions(&mut rng);
    let txn = db.begin().await.map_err(crate::db::DbError::from)?;
    written.sessions = insert(&txn, SESSION_COLUMNS, sessions.iter().map(|s| s.row(&plan))).await?;
    txn.commit().await.map_err(crate::db::DbError::from)?;
    let past: Vec<&SessionRow> = sessions.iter().filter(|s| s.date < plan.today).collect();

    let mut first = 0;
    while first < scale.physicians {
        let last = (first + BATCH).min(scale.physicians);
        let batch = plan.physicians(first..last, &past, &mut rng);
        let txn = db.begin().await.map_err(crate::db::DbError::from)?;
        written.add(write_batch(&txn, &plan, &batch).await?);
        txn.commit().await.map_err(crate::db::DbError::from)?;
        first = last;
    }

    if db.get_database_backend() == DbBackend::Postgres {
        // Ids given here did not move the sequences the server's own inserts draw from.
        for table in ["users", "certificates", "training_sessions"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await
            .map_err(crate::db::DbError::from)?;
        }
    }
    // Fresh statistics, as a database that grew over years would have.
    db.execute_unprepared("ANALYZE")
        .await
        .map_err(crate::db::DbError::from)?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // Into the database file now, not during the first minutes of the server that opens it.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map_err(crate::db::DbError::from)?;
    }
    Ok(written)
}

impl Written {
    fn add(&mut self, other: Written) {
        self.physicians += other.physicians;
        self.certificates += other.certificates;
        self.credits += other.credits;
        self.applications += other.applications;
        self.sessions += other.sessions;
    }
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> Result<i64, SeedError> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .map_err(crate::db::DbError::from)?;
    let value: Option<i64> = match row {
        Some(row) => row
            .try_get_by_index::<Option<i64>>(0)
            .or_else(|_| {
                row.try_get_by_index::<Option<i32>>(0)
                    .map(|v| v.map(i64::from))
            })
            .map_err(crate::db::DbError::from)?,
        None => None,
    };
    Ok(value.unwrap_or(0))
}

/// Everything fixed for one run.
struct Plan {
    today: NaiveDate,
    now: String,
    password_hash: String,
    first_user: i64,
    first_certificate: i64,
    first_session: i64,
    organizer: i64,
    scale: Scale,
}

struct SessionRow {
    id: i64,
    prefecture: Prefecture,
    category: Category,
    units_halves: u32,
    date: NaiveDate,
    body: String,
}

struct PhysicianRow {
    n: u32,
    user_id: i64,
    name: (String, String),
    birth_date: NaiveDate,
    prefecture: Prefecture,
    certificates: Vec<CertificateRow>,
    credits: Vec<CreditRow>,
    application: Option<(Status, Certification)>,
}

struct CertificateRow {
    id: i64,
    certification: Certification,
    number: String,
    first_certified: NaiveDate,
    period: Period,
}

struct CreditRow {
    date: NaiveDate,
    category: Category,
    units_halves: u32,
    source: Source,
    session: Option<i64>,
    verified: bool,
    body: String,
}

impl Plan {
    /// The country's sessions over the last five years and the next six months.
    fn sessions(&self, rng: &mut StdRng) -> Vec<SessionRow> {
        let count = (self.scale.physicians / PHYSICIANS_PER_SESSION).max(SESSIONS_AT_LEAST);
        (0..count)
            .map(|i| {
                let prefecture = if i < 47 {
                    Prefecture::all()
                        .nth(i as usize)
                        .unwrap_or(Prefecture::TOKYO)
                } else {
                    weighted_prefecture(rng)
                };
                let (category, units_halves) = session_kind(rng);
                let offset = rng.gen_range(-5 * 365..180_i64);
                SessionRow {
                    id: self.first_session + i64::from(i),
                    prefecture,
                    category,
                    units_halves,
                    date: shift(self.today, offset),
                    body: format!("{}医師会", prefecture.name_ja()),
                }
            })
            .collect()
    }

    /// Physicians `range`, each with certificates, a ledger drawn from past sessions and
    /// perhaps an application.
    fn physicians(
        &self,
        range: std::ops::Range<u32>,
        past: &[&SessionRow],
        rng: &mut StdRng,
    ) -> Vec<PhysicianRow> {
        let handbook_end = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or(self.today);
        let applicants = (self.scale.physicians / APPLICANT_EVERY).max(APPLICATIONS_AT_LEAST);
        let applicant_every = (self.scale.physicians / applicants.max(1)).max(1);
        range
            .map(|n| {
                let user_id = self.first_user + i64::from(n);
                let family = FAMILY[rng.gen_range(0..FAMILY.len())];
                let given = GIVEN[rng.gen_range(0..GIVEN.len())];
                let mut certificates = Vec::new();
                let cert = |certification: Certification, prefix: char, rng: &mut StdRng| {
                    let first_certified = shift(self.today, -rng.gen_range(365..25 * 365));
                    // The current five-year period ends between a year ago and five years ahead.
                    let until = shift(self.today, rng.gen_range(-365..5 * 365));
                    let from = shift(until, -(5 * 365) + 1).max(first_certified);
                    CertificateRow {
                        id: self.first_certificate + 2 * i64::from(n) + i64::from(prefix == 'K'),
                        certification,
                        number: format!("{prefix}{:06}", 200_000 + n),
                        first_certified,
                        period: Period {
                            valid_from: from,
                            valid_until: until,
                        },
                    }
                };
                if rng.gen_ratio(3, 4) {
                    certificates.push(cert(Certification::Occupational, 'S', rng));
                }
                if rng.gen_ratio(1, 4) {
                    certificates.push(cert(Certification::Sports, 'K', rng));
                }
                let rows =
                    rng.gen_range(self.scale.ledger_rows / 2..=self.scale.ledger_rows * 3 / 2);
                let credits = (0..rows)
                    .filter_map(|_| {
                        let s = past.get(rng.gen_range(0..past.len().max(1)))?;
                        let handbook = s.date <= handbook_end;
                        Some(CreditRow {
                            date: s.date,
                            category: s.category,
                            units_halves: s.units_halves,
                            source: if handbook {
                                Source::Handbook
                            } else {
                                Source::System
                            },
                            session: (!handbook).then_some(s.id),
                            verified: rng.gen_ratio(9, 10),
                            body: s.body.clone(),
                        })
                    })
                    .collect();
                let application =
                    (n % applicant_every == 0 && !certificates.is_empty()).then(|| {
                        let status = match rng.gen_range(0..10) {
                            0..=3 => Status::Submitted,
                            4 => Status::CorrectionRequested,
                            5..=7 => Status::Forwarded,
                            8 => Status::Approved,
                            _ => Status::Rejected,
                        };
                        (status, certificates[0].certification)
                    });
                PhysicianRow {
                    n,
                    user_id,
                    name: (
                        format!("{} {}", family.0, given.0),
                        format!("{}\u{3000}{}", family.1, given.1),
                    ),
                    birth_date: shift(self.today, -rng.gen_range(30 * 365..75 * 365)),
                    prefecture: weighted_prefecture(rng),
                    certificates,
                    credits,
                    application,
                }
            })
            .collect()
    }
}

fn weighted_prefecture(rng: &mut StdRng) -> Prefecture {
    let total: u32 = POPULATION.iter().sum();
    let mut pick = rng.gen_range(0..total);
    for (p, weight) in Prefecture::all().zip(POPULATION) {
        if pick < weight {
            return p;
        }
        pick -= weight;
    }
    Prefecture::TOKYO
}

fn session_kind(rng: &mut StdRng) -> (Category, u32) {
    let total: u32 = SESSION_KINDS.iter().map(|k| k.2).sum();
    let mut pick = rng.gen_range(0..total);
    for (category, halves, weight) in SESSION_KINDS {
        if pick < weight {
            return (category, halves);
        }
        pick -= weight;
    }
    (Category::OccupationalLifelongUpdate, 4)
}

fn shift(day: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        day.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(day)
}

/// A SQL string literal (every value here is made by this module; quotes are doubled anyway).
fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn date(d: NaiveDate) -> String {
    text(&d.to_string())
}

fn nullable(v: Option<String>) -> String {
    v.unwrap_or_else(|| "NULL".into())
}

const SESSION_COLUMNS: &str = "training_sessions (id, organizer_id, organizing_body, title, \
    category, subject, units_halves, date, starts_at, ends_at, venue, prefecture, online, \
    capacity, designation_number, tolerance_in_minutes, tolerance_out_minutes, published, \
    posted_at, cancelled_at, client_ref)";

impl SessionRow {
    fn row(&self, plan: &Plan) -> String {
        let code = self.prefecture.code();
        let posted = (self.date < plan.today).then(|| text(&plan.now));
        format!(
            "({}, {}, {}, {}, {}, NULL, {}, {}, '13:00', '17:00', {}, {}, FALSE, 200, {}, 5, 5, \
             TRUE, {}, NULL, NULL)",
            self.id,
            plan.organizer,
            text(&self.body),
            text(&format!(
                "{}研修会 第{}回",
                self.category.name_ja(),
                self.id
            )),
            text(self.category.code()),
            self.units_halves,
            date(self.date),
            text(&format!("{}医師会館", self.prefecture.name_ja())),
            code,
            text(&format!("{code:02}-{:05}", self.id)),
            nullable(posted),
        )
    }
}

/// Writes `rows` into `table (columns)` in statements of [`ROWS_PER_STATEMENT`]; returns the
/// number of rows.
async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    rows: impl Iterator<Item = String>,
) -> Result<u64, SeedError> {
    let mut count = 0;
    let mut values: Vec<String> = Vec::with_capacity(ROWS_PER_STATEMENT);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        values.clear();
        values.extend(rows.by_ref().take(ROWS_PER_STATEMENT));
        db.execute_unprepared(&format!("INSERT INTO {table} VALUES {}", values.join(",")))
            .await
            .map_err(crate::db::DbError::from)?;
        count += values.len() as u64;
    }
    Ok(count)
}

async fn write_batch(
    db: &impl ConnectionTrait,
    plan: &Plan,
    batch: &[PhysicianRow],
) -> Result<Written, SeedError> {
    let now = &text(&plan.now);
    let rules = RuleSet::current();
    let physicians = insert(
        db,
        "users (id, role, email, password_hash, display_name, prefecture, organizer_body, \
         created_at, email_verified_at, disabled_at, must_change_password)",
        batch.iter().map(|p| {
            format!(
                "({}, 'physician', {}, {}, {}, {}, NULL, {now}, {now}, NULL, FALSE)",
                p.user_id,
                text(&email(p.n)),
                text(&plan.password_hash),
                text(&p.name.0),
                p.prefecture.code()
            )
        }),
    )
    .await?;
    insert(
        db,
        "physicians (user_id, registry_number, name_kanji, name_kana, birth_date, prefecture, \
         membership, workplace_name, phone, identity, registry_match, identity_at)",
        batch.iter().map(|p| {
            format!(
                "({}, {}, {}, {}, {}, {}, 'member', {}, NULL, 'verified', {}, {now})",
                p.user_id,
                text(&registry_number(p.n)),
                text(&p.name.0),
                text(&p.name.1),
                date(p.birth_date),
                p.prefecture.code(),
                text(&format!("{}総合病院", p.prefecture.name_ja())),
                text(if p.certificates.is_empty() {
                    "none"
                } else {
                    "full"
                }),
            )
        }),
    )
    .await?;
    insert(
        db,
        "registry_people (registry_number, name_kanji, name_kana, birth_date, prefecture, \
         membership, updated_at)",
        batch
            .iter()
            .filter(|p| !p.certificates.is_empty())
            .map(|p| {
                format!(
                    "({}, {}, {}, {}, {}, 'member', {now})",
                    text(&registry_number(p.n)),
                    text(&p.name.0),
                    text(&p.name.1),
                    date(p.birth_date),
                    p.prefecture.code()
                )
            }),
    )
    .await?;
    let held = || {
        batch
            .iter()
            .flat_map(|p| p.certificates.iter().map(move |c| (p, c)))
    };
    let certificates = insert(
        db,
        "certificates (id, physician_id, certification, number, first_certified, valid_from, \
         valid_until)",
        held().map(|(p, c)| {
            format!(
                "({}, {}, {}, {}, {}, {}, {})",
                c.id,
                p.user_id,
                text(c.certification.code()),
                text(&c.number),
                date(c.first_certified),
                date(c.period.valid_from),
                date(c.period.valid_until)
            )
        }),
    )
    .await?;
    insert(
        db,
        "certificate_periods (certificate_id, valid_from, valid_until, granted_by)",
        held().map(|(_, c)| {
            format!(
                "({}, {}, {}, 'registry')",
                c.id,
                date(c.period.valid_from),
                date(c.period.valid_until)
            )
        }),
    )
    .await?;
    insert(
        db,
        "registry_certificates (certificate_number, registry_number, certification, \
         first_certified, updated_at)",
        held().map(|(p, c)| {
            format!(
                "({}, {}, {}, {}, {now})",
                text(&c.number),
                text(&registry_number(p.n)),
                text(c.certification.code()),
                date(c.first_certified)
            )
        }),
    )
    .await?;
    insert(
        db,
        "registry_periods (certificate_number, valid_from, valid_until)",
        held().map(|(_, c)| {
            format!(
                "({}, {}, {})",
                text(&c.number),
                date(c.period.valid_from),
                date(c.period.valid_until)
            )
        }),
    )
    .await?;
    let credits = insert(
        db,
        "credits (physician_id, registry_number, date, category, subject, units_halves, \
         delivery, source, session_id, verification, organizer_name, note, corrects_id, \
         consumed_by, created_at, created_by, kind, server_ref, attendee_birth_date)",
        batch.iter().flat_map(|p| {
            p.credits.iter().map(move |c| {
                let handbook = c.source == Source::Handbook;
                format!(
                    "({}, {}, {}, {}, NULL, {}, {}, {}, {}, {}, {}, NULL, NULL, NULL, {now}, \
                     NULL, 'entry', NULL, NULL)",
                    p.user_id,
                    text(&registry_number(p.n)),
                    date(c.date),
                    text(c.category.code()),
                    c.units_halves,
                    text(Delivery::InPerson.code()),
                    text(c.source.code()),
                    nullable(c.session.map(|s| s.to_string())),
                    nullable(
                        handbook.then(|| { text(if c.verified { "verified" } else { "pending" }) })
                    ),
                    nullable(handbook.then(|| text(&c.body))),
                )
            })
        }),
    )
    .await?;
    let applications = insert(
        db,
        "applications (physician_id, prefecture, kind, certification, status, client_ref, \
         form_json, decision_json, submitted_on, round_deadline, fee_paid_on, fee_channel, \
         handbook_arrived_on, correction_message, granted_number, granted_from, granted_until, \
         created_at, updated_at)",
        batch.iter().filter_map(|p| {
            let (status, certification) = p.application?;
            let form = ApplicationForm {
                kind: Some(ApplicationKind::Renewal),
                certification: Some(certification),
                ..ApplicationForm::default()
            };
            let procedure = match certification {
                Certification::Occupational => Procedure::OccupationalRenewal,
                Certification::Sports => Procedure::SportsRenewal,
            };
            let input = EvaluationInput {
                procedure,
                as_of: plan.today,
                certificate: p.certificates.first().map(|c| c.period),
                credits: p.credits.iter().map(|c| c.input()).collect(),
                facts: Facts::default(),
            };
            let decision = domain::evaluate(&rules, &input);
            let submitted = shift(plan.today, -i64::from(p.n % 60));
            let round = NaiveDate::from_ymd_opt(plan.today.year(), plan.today.month(), 1)
                .map(|d| shift(d, 45));
            Some(format!(
                "({}, {}, 'renewal', {}, {}, NULL, {}, {}, {}, {}, NULL, NULL, NULL, NULL, NULL, \
                 NULL, NULL, {now}, {now})",
                p.user_id,
                p.prefecture.code(),
                text(certification.code()),
                text(status.code()),
                text(&serde_json::to_string(&form).unwrap_or_default()),
                text(&serde_json::to_string(&decision).unwrap_or_default()),
                date(submitted),
                nullable(round.map(date)),
            ))
        }),
    )
    .await?;
    Ok(Written {
        physicians,
        certificates,
        credits,
        applications,
        sessions: 0,
    })
}

impl CreditRow {
    fn input(&self) -> Credit {
        Credit {
            source: self.source,
            verified: self.source != Source::Handbook || self.verified,
            ..Credit::new(
                self.date,
                self.category,
                Units::from_halves(self.units_halves),
            )
        }
    }
}
