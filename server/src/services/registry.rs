//! JMA's registry of certified physicians: the import of its CSV export (checked line by line;
//! a dry run; idempotent; a later export updates details and periods, keyed by certificate
//! number, and says what changed), the certificates it brings to linked My Pages, and the
//! staff's search.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use domain::account::{RegistryNumber, lookup_key, parse_birth_date};
use domain::input::Period;
use domain::policy::{Actor, may_import_registry, may_search_registry};
use domain::registry::{
    RegistryCertificate, RegistryCertificateView, RegistryChange, RegistryHit,
    RegistryImportReport, RegistryPerson, parse_registry_csv,
};
use domain::{FieldError, Message};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::db::{self, DbError, accounts, certificates, registry};
use crate::services::{AppState, today};

/// How many changes a report lists (the counts cover every one).
const MAX_CHANGES: usize = 200;
/// How many people a search returns.
const MAX_HITS: usize = 20;

/// Why a registry request failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// This role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The request has problems, per field.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// An import by JMA staff or an admin.
pub async fn import_as(
    app: &AppState,
    actor: &Actor,
    text: &str,
    dry_run: bool,
) -> Result<RegistryImportReport, RegistryError> {
    if !may_import_registry(actor) {
        return Err(RegistryError::Forbidden);
    }
    let report = import(&app.db, text, dry_run, Some(actor.id)).await?;
    if !dry_run && report.problems.is_empty() {
        tracing::info!(
            actor = actor.id,
            created = report.created,
            updated = report.updated,
            "registry imported"
        );
    }
    Ok(report)
}

/// What one certificate of the file does to the stored registry.
#[derive(Default)]
struct Plan<'a> {
    new_people: Vec<&'a RegistryPerson>,
    changed_people: Vec<&'a RegistryPerson>,
    new_certificates: Vec<&'a RegistryCertificate>,
    changed_certificates: Vec<&'a RegistryCertificate>,
    new_periods: Vec<(&'a str, Period)>,
    period_ends: Vec<(&'a str, Period)>,
    /// Certificates to bring to linked My Pages.
    touched: Vec<&'a RegistryCertificate>,
}

/// Imports a registry export (or only checks it, with `dry_run`) for `actor` (`None`: the
/// command line). Nothing is written while any line has a problem; lines already stored as
/// they are write nothing; the import is audited with its counts.
pub async fn import(
    db: &DatabaseConnection,
    text: &str,
    dry_run: bool,
    actor: Option<i32>,
) -> Result<RegistryImportReport, RegistryError> {
    let (certs, problems) = parse_registry_csv(text, today());
    let mut report = RegistryImportReport {
        dry_run,
        lines: certs.iter().map(|c| c.periods.len()).sum(),
        certificates: certs.len(),
        ..Default::default()
    };
    if !problems.is_empty() {
        report.problems = problems;
        return Ok(report);
    }
    let people: BTreeMap<&str, &RegistryPerson> = certs
        .iter()
        .map(|c| (c.person.registry_number.as_str(), &c.person))
        .collect();
    let numbers: Vec<String> = people.keys().map(|n| (*n).to_owned()).collect();
    let stored_people = registry::people(db, &numbers).await?;
    let cert_numbers: Vec<String> = certs.iter().map(|c| c.certificate_number.clone()).collect();
    let stored = registry::certificates(db, &cert_numbers).await?;

    let mut plan = Plan::default();
    let mut changed_numbers = BTreeSet::new();
    for (number, person) in &people {
        match stored_people.get(*number) {
            None => plan.new_people.push(person),
            Some(old) if old != *person => {
                plan.changed_people.push(person);
                changed_numbers.insert(*number);
            }
            Some(_) => {}
        }
    }
    for c in &certs {
        let mut changes = Vec::new();
        match stored.get(&c.certificate_number) {
            None => {
                report.created += 1;
                plan.new_certificates.push(c);
                plan.touched.push(c);
                continue;
            }
            Some((holder, certification, first, periods)) => {
                if holder != &c.person.registry_number {
                    changes.push(
                        Message::key("registry.change.holder")
                            .arg("from", holder.clone())
                            .arg("to", c.person.registry_number.clone()),
                    );
                }
                if certification != &c.certification || first != &c.first_certified {
                    changes.push(
                        Message::key("registry.change.details")
                            .arg_date("first", c.first_certified),
                    );
                }
                if holder != &c.person.registry_number
                    || certification != &c.certification
                    || first != &c.first_certified
                {
                    plan.changed_certificates.push(c);
                }
                let by_start: HashMap<NaiveDate, NaiveDate> = periods
                    .iter()
                    .map(|p| (p.valid_from, p.valid_until))
                    .collect();
                for p in &c.periods {
                    match by_start.get(&p.valid_from) {
                        None => {
                            plan.new_periods.push((c.certificate_number.as_str(), *p));
                            changes.push(
                                Message::key("registry.change.period_added")
                                    .arg_date("from", p.valid_from)
                                    .arg_date("until", p.valid_until),
                            );
                        }
                        Some(until) if *until != p.valid_until => {
                            plan.period_ends.push((c.certificate_number.as_str(), *p));
                            changes.push(
                                Message::key("registry.change.period_end")
                                    .arg_date("from", p.valid_from)
                                    .arg_date("old", *until)
                                    .arg_date("until", p.valid_until),
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        if changed_numbers.contains(c.person.registry_number.as_str()) {
            changes.push(Message::key("registry.change.person"));
        }
        if changes.is_empty() {
            report.unchanged += 1;
        } else {
            report.updated += 1;
            plan.touched.push(c);
            for message in changes {
                if report.changes.len() < MAX_CHANGES {
                    report.changes.push(RegistryChange {
                        certificate_number: c.certificate_number.clone(),
                        message,
                    });
                }
            }
        }
    }
    if dry_run {
        return Ok(report);
    }
    let txn = db::begin(db).await?;
    let now = Utc::now();
    registry::insert_people(&txn, &plan.new_people, now).await?;
    for p in &plan.changed_people {
        registry::update_person(&txn, p, now).await?;
    }
    registry::insert_certificates(&txn, &plan.new_certificates, now).await?;
    for c in &plan.changed_certificates {
        registry::update_certificate(&txn, c, now).await?;
    }
    registry::insert_periods(&txn, &plan.new_periods).await?;
    for (number, p) in &plan.period_ends {
        registry::update_period_end(&txn, number, p.valid_from, p.valid_until).await?;
    }
    report.my_pages_updated = sync_my_pages(&txn, &plan.touched).await?;
    let note = format!(
        "lines {}, created {}, updated {}, my pages {}",
        report.lines, report.created, report.updated, report.my_pages_updated
    );
    db::audit::did(&txn, actor, "registry", 0, "imported", Some(note)).await?;
    db::commit(txn).await?;
    Ok(report)
}

/// Brings the touched certificates to the My Pages of their verified holders; returns how many
/// My Pages changed.
async fn sync_my_pages(
    db: &impl ConnectionTrait,
    touched: &[&RegistryCertificate],
) -> Result<usize, DbError> {
    let numbers: Vec<String> = touched
        .iter()
        .map(|c| c.person.registry_number.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let linked = accounts::verified_numbers(db, numbers).await?;
    let mut pages = BTreeSet::new();
    for c in touched {
        if let Some(user_id) = linked.get(&c.person.registry_number)
            && certificates::sync_from_registry(db, *user_id, c).await?
        {
            pages.insert(*user_id);
        }
    }
    Ok(pages.len())
}

/// `GET /api/registry/search`: a registry number, a certificate number, or a name with
/// `birth_date`.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What was typed.
    #[serde(default)]
    pub q: String,
    /// Date of birth, with a name.
    #[serde(default)]
    pub birth_date: String,
}

/// Staff search the registry, and see whether a verified My Page is linked.
pub async fn search(
    app: &AppState,
    actor: &Actor,
    query: &SearchQuery,
) -> Result<Vec<RegistryHit>, RegistryError> {
    if !may_search_registry(actor) {
        return Err(RegistryError::Forbidden);
    }
    let q = query.q.trim();
    let name_key = lookup_key(q);
    let mut numbers = Vec::new();
    if let Ok(number) = RegistryNumber::parse(q) {
        numbers = registry::find(
            &app.db,
            &registry::Search::RegistryNumber(number.as_str().to_owned()),
        )
        .await?;
    }
    let certificate_like =
        !q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if numbers.is_empty() && certificate_like {
        numbers = registry::find(
            &app.db,
            &registry::Search::CertificateNumber(q.to_ascii_uppercase()),
        )
        .await?;
    }
    if numbers.is_empty() && !certificate_like {
        if name_key.is_empty() || query.birth_date.trim().is_empty() {
            return Err(RegistryError::Invalid(vec![FieldError::new(
                "q",
                "search",
                Message::key("registry.search.how"),
            )]));
        }
        let born = parse_birth_date(&query.birth_date, today())
            .map_err(|e| RegistryError::Invalid(vec![e]))?;
        let found = registry::find(&app.db, &registry::Search::BornOn(born)).await?;
        let people = registry::people(&app.db, &found).await?;
        numbers = found
            .into_iter()
            .filter(|n| {
                people.get(n).is_some_and(|p| {
                    lookup_key(&p.name_kanji).contains(&name_key)
                        || lookup_key(&p.name_kana).contains(&name_key)
                })
            })
            .collect();
    }
    numbers.truncate(MAX_HITS);
    let linked = accounts::verified_numbers(&app.db, numbers.clone()).await?;
    let mut hits = Vec::new();
    for n in numbers {
        let certificates = registry::certificates_of(&app.db, &n).await?;
        let Some(person) = certificates
            .first()
            .map(|c| c.person.clone())
            .or(registry::person(&app.db, &n).await?)
        else {
            continue;
        };
        hits.push(RegistryHit {
            linked: linked.contains_key(&person.registry_number),
            person,
            certificates: certificates
                .iter()
                .filter_map(|c| {
                    Some(RegistryCertificateView {
                        certificate_number: c.certificate_number.clone(),
                        certification: c.certification,
                        first_certified: c.first_certified,
                        current: c.current()?,
                    })
                })
                .collect(),
        });
    }
    Ok(hits)
}
