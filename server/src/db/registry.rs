//! JMA's registry of certified physicians: people, certificates and their periods.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::input::Period;
use domain::registry::{RegistryCertificate, RegistryPerson};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::db::{DbResult, prefecture};
use crate::entities::{Code, registry_certificate, registry_period, registry_person};

/// How many values one statement binds: SQLite builds without a raised limit accept 999.
const MAX_BINDS: usize = 900;
/// How many keys one `IN (…)` list takes.
const CHUNK: usize = MAX_BINDS;
/// Rows per multi-row insert of people (7 columns), certificates (5) and periods (3).
const PEOPLE_ROWS: usize = MAX_BINDS / 7;
const CERTIFICATE_ROWS: usize = MAX_BINDS / 5;
const PERIOD_ROWS: usize = MAX_BINDS / 3;

fn to_person(p: registry_person::Model) -> DbResult<RegistryPerson> {
    Ok(RegistryPerson {
        registry_number: p.registry_number,
        name_kanji: p.name_kanji,
        name_kana: p.name_kana,
        birth_date: p.birth_date,
        prefecture: prefecture(p.prefecture)?,
        membership: p.membership.get(),
    })
}

fn person_row(p: &RegistryPerson, at: DateTime<Utc>) -> registry_person::ActiveModel {
    registry_person::ActiveModel {
        registry_number: Set(p.registry_number.clone()),
        name_kanji: Set(p.name_kanji.clone()),
        name_kana: Set(p.name_kana.clone()),
        birth_date: Set(p.birth_date),
        prefecture: Set(i32::from(p.prefecture.code())),
        membership: Set(Code(p.membership)),
        updated_at: Set(at),
    }
}

/// The registry's people of `numbers`.
pub async fn people(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> DbResult<HashMap<String, RegistryPerson>> {
    let mut out = HashMap::new();
    for chunk in numbers.chunks(CHUNK) {
        for p in registry_person::Entity::find()
            .filter(registry_person::Column::RegistryNumber.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            let p = to_person(p)?;
            out.insert(p.registry_number.clone(), p);
        }
    }
    Ok(out)
}

/// The registry's person of `number`.
pub async fn person(db: &impl ConnectionTrait, number: &str) -> DbResult<Option<RegistryPerson>> {
    registry_person::Entity::find_by_id(number.to_owned())
        .one(db)
        .await?
        .map(to_person)
        .transpose()
}

/// The certificates `numbers` with their periods (oldest first), without their person.
pub async fn certificates(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> DbResult<HashMap<String, (String, domain::Certification, NaiveDate, Vec<Period>)>> {
    let mut out = HashMap::new();
    for chunk in numbers.chunks(CHUNK) {
        for c in registry_certificate::Entity::find()
            .filter(registry_certificate::Column::CertificateNumber.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            out.insert(
                c.certificate_number,
                (
                    c.registry_number,
                    c.certification.get(),
                    c.first_certified,
                    Vec::new(),
                ),
            );
        }
        for p in registry_period::Entity::find()
            .filter(registry_period::Column::CertificateNumber.is_in(chunk.iter().cloned()))
            .order_by_asc(registry_period::Column::ValidFrom)
            .all(db)
            .await?
        {
            if let Some(entry) = out.get_mut(&p.certificate_number) {
                entry.3.push(Period {
                    valid_from: p.valid_from,
                    valid_until: p.valid_until,
                });
            }
        }
    }
    Ok(out)
}

/// Every certificate of a registry number, with its person and periods.
pub async fn certificates_of(
    db: &impl ConnectionTrait,
    registry_number: &str,
) -> DbResult<Vec<RegistryCertificate>> {
    let Some(person) = person(db, registry_number).await? else {
        return Ok(Vec::new());
    };
    let numbers: Vec<String> = registry_certificate::Entity::find()
        .filter(registry_certificate::Column::RegistryNumber.eq(registry_number))
        .order_by_asc(registry_certificate::Column::CertificateNumber)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.certificate_number)
        .collect();
    let mut found = certificates(db, &numbers).await?;
    Ok(numbers
        .into_iter()
        .filter_map(|n| {
            let (_, certification, first_certified, periods) = found.remove(&n)?;
            Some(RegistryCertificate {
                certificate_number: n,
                certification,
                first_certified,
                person: person.clone(),
                periods,
            })
        })
        .collect())
}

/// Writes people new to the registry.
pub async fn insert_people(
    db: &impl ConnectionTrait,
    people: &[&RegistryPerson],
    at: DateTime<Utc>,
) -> DbResult<()> {
    for chunk in people.chunks(PEOPLE_ROWS) {
        registry_person::Entity::insert_many(chunk.iter().map(|p| person_row(p, at)))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Rewrites a person's details.
pub async fn update_person(
    db: &impl ConnectionTrait,
    p: &RegistryPerson,
    at: DateTime<Utc>,
) -> DbResult<()> {
    sea_orm::ActiveModelTrait::update(person_row(p, at), db).await?;
    Ok(())
}

/// Renames the registry's person of `number` (JMA approved a change of name); nothing when the
/// number is not in the registry.
pub async fn rename(
    db: &impl ConnectionTrait,
    number: &str,
    name_kanji: &str,
    name_kana: &str,
) -> DbResult<()> {
    registry_person::Entity::update_many()
        .col_expr(registry_person::Column::NameKanji, Expr::value(name_kanji))
        .col_expr(registry_person::Column::NameKana, Expr::value(name_kana))
        .col_expr(registry_person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(registry_person::Column::RegistryNumber.eq(number))
        .exec(db)
        .await?;
    Ok(())
}

/// Writes certificates new to the registry, with their periods.
pub async fn insert_certificates(
    db: &impl ConnectionTrait,
    certificates: &[&RegistryCertificate],
    at: DateTime<Utc>,
) -> DbResult<()> {
    for chunk in certificates.chunks(CERTIFICATE_ROWS) {
        registry_certificate::Entity::insert_many(chunk.iter().map(|c| {
            registry_certificate::ActiveModel {
                certificate_number: Set(c.certificate_number.clone()),
                registry_number: Set(c.person.registry_number.clone()),
                certification: Set(Code(c.certification)),
                first_certified: Set(c.first_certified),
                updated_at: Set(at),
            }
        }))
        .exec(db)
        .await?;
    }
    let periods: Vec<(&str, Period)> = certificates
        .iter()
        .flat_map(|c| {
            c.periods
                .iter()
                .map(|p| (c.certificate_number.as_str(), *p))
        })
        .collect();
    insert_periods(db, &periods).await
}

/// Adds periods to certificates.
pub async fn insert_periods(db: &impl ConnectionTrait, periods: &[(&str, Period)]) -> DbResult<()> {
    for chunk in periods.chunks(PERIOD_ROWS) {
        registry_period::Entity::insert_many(chunk.iter().map(|(number, p)| {
            registry_period::ActiveModel {
                certificate_number: Set((*number).to_owned()),
                valid_from: Set(p.valid_from),
                valid_until: Set(p.valid_until),
                ..Default::default()
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Rewrites a certificate's holder, certification and first day.
pub async fn update_certificate(
    db: &impl ConnectionTrait,
    c: &RegistryCertificate,
    at: DateTime<Utc>,
) -> DbResult<()> {
    registry_certificate::Entity::update_many()
        .col_expr(
            registry_certificate::Column::RegistryNumber,
            Expr::value(c.person.registry_number.clone()),
        )
        .col_expr(
            registry_certificate::Column::Certification,
            Expr::value(Code(c.certification)),
        )
        .col_expr(
            registry_certificate::Column::FirstCertified,
            Expr::value(c.first_certified),
        )
        .col_expr(registry_certificate::Column::UpdatedAt, Expr::value(at))
        .filter(registry_certificate::Column::CertificateNumber.eq(c.certificate_number.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Changes the end of a certificate's period that starts on `valid_from`.
pub async fn update_period_end(
    db: &impl ConnectionTrait,
    certificate_number: &str,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
) -> DbResult<()> {
    registry_period::Entity::update_many()
        .col_expr(
            registry_period::Column::ValidUntil,
            Expr::value(valid_until),
        )
        .filter(registry_period::Column::CertificateNumber.eq(certificate_number))
        .filter(registry_period::Column::ValidFrom.eq(valid_from))
        .exec(db)
        .await?;
    Ok(())
}

/// What staff search the registry by.
#[derive(Clone, Debug)]
pub enum Search {
    /// 医籍登録番号.
    RegistryNumber(String),
    /// 認定番号.
    CertificateNumber(String),
    /// Full name (kanji or kana, compared by the caller) born on a day.
    BornOn(NaiveDate),
}

/// The registry numbers a search finds (at most 200, by number).
pub async fn find(db: &impl ConnectionTrait, search: &Search) -> DbResult<Vec<String>> {
    Ok(match search {
        Search::RegistryNumber(n) => registry_person::Entity::find_by_id(n.clone())
            .one(db)
            .await?
            .map(|p| vec![p.registry_number])
            .unwrap_or_default(),
        Search::CertificateNumber(n) => registry_certificate::Entity::find_by_id(n.clone())
            .one(db)
            .await?
            .map(|c| vec![c.registry_number])
            .unwrap_or_default(),
        Search::BornOn(day) => registry_person::Entity::find()
            .filter(registry_person::Column::BirthDate.eq(*day))
            .order_by_asc(registry_person::Column::RegistryNumber)
            .limit(200)
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.registry_number)
            .collect(),
    })
}
