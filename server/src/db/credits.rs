//! The credit ledger (`credits`): append-only rows, read as domain records.

use std::collections::HashMap;

use chrono::Utc;
use domain::api::Verification;
use domain::records::{CreditRow, NewCredit, effective};
use domain::{Source, Units};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::db::{DbResult, int, unsigned};
use crate::entities::{Code, credit, training_session};

fn to_row(c: credit::Model) -> DbResult<CreditRow> {
    Ok(CreditRow {
        id: c.id,
        consumed_by: c.consumed_by,
        created_at: c.created_at,
        credit: NewCredit {
            physician_id: c.physician_id,
            registry_number: c.registry_number,
            date: c.date,
            category: c.category.get(),
            subject: c.subject.map(Code::get),
            units: Units::from_halves(unsigned("units", i64::from(c.units_halves))?),
            delivery: c.delivery.get(),
            source: c.source.get(),
            session_id: c.session_id,
            verification: c.verification.map(Code::get),
            organizer_name: c.organizer_name,
            note: c.note,
            corrects_id: c.corrects_id,
            created_by: c.created_by,
            kind: c.kind.get(),
            server_ref: c.server_ref,
            attendee_birth_date: c.attendee_birth_date,
        },
    })
}

/// Writes a ledger row.
pub async fn insert(db: &impl ConnectionTrait, new: NewCredit) -> DbResult<CreditRow> {
    let row = credit::ActiveModel {
        physician_id: Set(new.physician_id),
        registry_number: Set(new.registry_number),
        date: Set(new.date),
        category: Set(Code(new.category)),
        subject: Set(new.subject.map(Code)),
        units_halves: Set(int(new.units.halves())),
        delivery: Set(Code(new.delivery)),
        source: Set(Code(new.source)),
        session_id: Set(new.session_id),
        verification: Set(new.verification.map(Code)),
        organizer_name: Set(new.organizer_name),
        note: Set(new.note),
        corrects_id: Set(new.corrects_id),
        consumed_by: Set(None),
        created_at: Set(Utc::now()),
        created_by: Set(new.created_by),
        kind: Set(Code(new.kind)),
        server_ref: Set(new.server_ref),
        attendee_birth_date: Set(new.attendee_birth_date),
        ..Default::default()
    }
    .insert(db)
    .await?;
    to_row(row)
}

/// A row by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<CreditRow>> {
    credit::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_row)
        .transpose()
}

/// Whether a row corrects or withdraws row `id`.
pub async fn is_superseded(db: &impl ConnectionTrait, id: i32) -> DbResult<bool> {
    Ok(credit::Entity::find()
        .filter(credit::Column::CorrectsId.eq(id))
        .one(db)
        .await?
        .is_some())
}

/// The row the server wrote under `server_ref`.
pub async fn by_reference(
    db: &impl ConnectionTrait,
    server_ref: &str,
) -> DbResult<Option<CreditRow>> {
    credit::Entity::find()
        .filter(credit::Column::ServerRef.eq(server_ref))
        .one(db)
        .await?
        .map(to_row)
        .transpose()
}

/// The effective ledger of one physician, newest first.
pub async fn of_physician(
    db: &impl ConnectionTrait,
    physician_id: i32,
) -> DbResult<Vec<CreditRow>> {
    let rows = credit::Entity::find()
        .filter(credit::Column::PhysicianId.eq(physician_id))
        .order_by_desc(credit::Column::Date)
        .order_by_desc(credit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_row)
        .collect::<DbResult<Vec<_>>>()?;
    Ok(effective(rows))
}

/// The effective rows a session gave, by registry number.
pub async fn of_session(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> DbResult<HashMap<String, CreditRow>> {
    let rows = credit::Entity::find()
        .filter(credit::Column::SessionId.eq(session_id))
        .all(db)
        .await?
        .into_iter()
        .map(to_row)
        .collect::<DbResult<Vec<_>>>()?;
    Ok(effective(rows)
        .into_iter()
        .map(|c| (c.credit.registry_number.clone(), c))
        .collect())
}

/// Titles of the sessions `ids`.
pub async fn session_titles(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> DbResult<HashMap<i32, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(training_session::Entity::find()
        .filter(training_session::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect())
}

/// Sets a handbook row's verification (the one field staff change in place; the step is in
/// the audit log).
pub async fn set_verification(
    db: &impl ConnectionTrait,
    id: i32,
    verification: Verification,
) -> DbResult<()> {
    credit::Entity::update_many()
        .col_expr(
            credit::Column::Verification,
            Expr::value(Code(verification)),
        )
        .filter(credit::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks rows `ids` as used by approved application `application_id` (rows already used by
/// another stay as they are).
pub async fn consume(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
    application_id: i32,
) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    credit::Entity::update_many()
        .col_expr(credit::Column::ConsumedBy, Expr::value(application_id))
        .filter(credit::Column::Id.is_in(ids))
        .filter(credit::Column::ConsumedBy.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Sources of rows `ids`.
pub async fn sources(db: &impl ConnectionTrait, ids: Vec<i32>) -> DbResult<HashMap<i32, Source>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(credit::Entity::find()
        .filter(credit::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.source.get()))
        .collect())
}

/// Units kept with no My Page whose noted birth date is not that of the verified physician of
/// `prefecture` who now holds their registry number (the door typed it wrong, or another person
/// gave that number), oldest first, at most [`UNATTACHED_PAGE`].
pub async fn unattached_mismatched(
    db: &impl ConnectionTrait,
    prefecture: domain::Prefecture,
    only: Option<i32>,
) -> DbResult<Vec<domain::api::UnattachedCredit>> {
    use crate::entities::physician;
    use domain::identity::IdentityStatus;
    use sea_orm::{DatabaseBackend, Statement};
    let backend = db.get_database_backend();
    let (p1, p2, p3) = match backend {
        DatabaseBackend::Postgres => ("$1", "$2", "$3"),
        _ => ("?", "?", "?"),
    };
    // One of them (a decision on it), or the page.
    let one = if only.is_some() {
        format!(" AND c.id = {p3}")
    } else {
        String::new()
    };
    // Each unattached unit (an index search on physician_id IS NULL), its number's holder by
    // the unique registry number.
    let sql = format!(
        "SELECT c.id AS id FROM credits c JOIN physicians p ON p.registry_number = c.registry_number \
         WHERE c.physician_id IS NULL AND c.attendee_birth_date IS NOT NULL \
         AND c.attendee_birth_date <> p.birth_date AND p.prefecture = {p1} AND p.identity = {p2}{one} \
         ORDER BY c.id LIMIT {UNATTACHED_PAGE}"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                Some(sea_orm::Value::from(i32::from(prefecture.code()))),
                Some(sea_orm::Value::from(IdentityStatus::Verified.code())),
                only.map(sea_orm::Value::from),
            ]
            .into_iter()
            .flatten(),
        ))
        .await?;
    let ids: Vec<i32> = rows
        .iter()
        .filter_map(|r| r.try_get::<i32>("", "id").ok())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let credits = credit::Entity::find()
        .filter(credit::Column::Id.is_in(ids))
        .order_by_asc(credit::Column::Id)
        .all(db)
        .await?;
    let people: HashMap<String, physician::Model> = physician::Entity::find()
        .filter(
            physician::Column::RegistryNumber
                .is_in(credits.iter().map(|c| c.registry_number.clone())),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.registry_number.clone(), p))
        .collect();
    let titles: HashMap<i32, String> = training_session::Entity::find()
        .filter(training_session::Column::Id.is_in(credits.iter().filter_map(|c| c.session_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect();
    let mut out = Vec::new();
    for c in credits {
        let (Some(p), Some(noted)) = (people.get(&c.registry_number), c.attendee_birth_date) else {
            continue;
        };
        out.push(domain::api::UnattachedCredit {
            credit_id: c.id,
            noted_birth_date: noted,
            date: c.date,
            category: c.category.get(),
            units: Units::from_halves(unsigned("units", i64::from(c.units_halves))?),
            session_title: c.session_id.and_then(|s| titles.get(&s).cloned()),
            name: p.name_kanji.clone(),
            kana: p.name_kana.clone(),
            birth_date: p.birth_date,
            registry_number: c.registry_number,
        });
    }
    Ok(out)
}

/// Unattached units listed at once for a prefecture's staff.
pub const UNATTACHED_PAGE: u32 = 200;

/// Attaches unattached unit `credit_id` to the physician holding its registry number (staff
/// decided it is theirs); false when it was attached meanwhile or has no such holder.
pub async fn attach_one(
    db: &impl ConnectionTrait,
    credit_id: i32,
    physician_id: i32,
) -> DbResult<bool> {
    let done = credit::Entity::update_many()
        .col_expr(credit::Column::PhysicianId, Expr::value(physician_id))
        .filter(credit::Column::Id.eq(credit_id))
        .filter(credit::Column::PhysicianId.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
