//! Handbook units (手帳管理): the physician declares units attended up to the cutoff, corrects
//! or withdraws them while staff have not verified them. The ledger is append-only: a
//! correction and a withdrawal are new rows pointing at the row they replace.

use domain::api::{HandbookRequest, LedgerEntry, Verification};
use domain::ledger::{EntryKind, HandbookDeclaration};
use domain::policy::Actor;
use domain::records::{CreditRow, NewCredit};
use domain::{FieldError, Source};
use sea_orm::ConnectionTrait;

use crate::db::requests::{self, Earlier};
use crate::db::{DbError, accounts, credits};
use crate::services::{AppState, today};

/// Why a handbook request failed.
#[derive(Debug, thiserror::Error)]
pub enum HandbookError {
    /// No such entry of this physician (or it was already replaced).
    #[error("not found")]
    NotFound,
    /// Staff verified it: only they can correct it now.
    #[error("verified entries are final")]
    Verified,
    /// The form has problems, per field.
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    /// The request's reference already names another kind of request.
    #[error("reference reused")]
    Reused,
    /// The physician's e-mail or identity is not verified yet; what to do.
    #[error("not verified")]
    NotVerified(domain::Message),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn parse(app: &AppState, req: &HandbookRequest) -> Result<HandbookDeclaration, HandbookError> {
    req.form
        .parse(app.rules.handbook_cutoff, today())
        .map_err(HandbookError::Invalid)
}

fn row(
    physician_id: i32,
    registry_number: String,
    d: &HandbookDeclaration,
    kind: EntryKind,
    corrects: Option<i32>,
) -> NewCredit {
    NewCredit {
        physician_id: Some(physician_id),
        registry_number,
        date: d.date,
        category: d.category,
        subject: d.subject,
        units: d.units,
        delivery: d.delivery,
        source: Source::Handbook,
        session_id: None,
        verification: Some(Verification::Pending),
        organizer_name: Some(d.organizer_name.clone()),
        note: d.note.clone(),
        corrects_id: corrects,
        created_by: Some(physician_id),
        kind,
        server_ref: None,
        attendee_birth_date: None,
    }
}

/// The physician's effective handbook row `id`, if it can still be changed.
async fn editable(
    db: &impl ConnectionTrait,
    physician_id: i32,
    id: i32,
) -> Result<CreditRow, HandbookError> {
    let row = credits::by_id(db, id)
        .await?
        .filter(|r| {
            r.credit.physician_id == Some(physician_id) && r.credit.kind != EntryKind::Withdrawal
        })
        .ok_or(HandbookError::NotFound)?;
    if credits::is_superseded(db, id).await? {
        return Err(HandbookError::NotFound);
    }
    if row.credit.source != Source::Handbook
        || row.credit.verification != Some(Verification::Pending)
    {
        return Err(HandbookError::Verified);
    }
    Ok(row)
}

/// The row a retried request already wrote, if any; a reference used for another kind of
/// request is refused.
async fn replayed(
    db: &impl ConnectionTrait,
    physician_id: i32,
    client_ref: Option<&uuid::Uuid>,
) -> Result<Option<LedgerEntry>, HandbookError> {
    let Some(r) = client_ref else {
        return Ok(None);
    };
    match requests::earlier(db, physician_id, r, ENTITY).await? {
        Earlier::New => Ok(None),
        Earlier::Same(id) => Ok(credits::by_id(db, id).await?.map(|row| row.entry(None))),
        Earlier::Other => Err(HandbookError::Reused),
    }
}

/// What a handbook request's reference names in `client_requests`.
const ENTITY: &str = "credit";

/// Writes `new` and remembers the request's reference with it.
async fn write(
    db: &impl ConnectionTrait,
    physician_id: i32,
    client_ref: Option<&uuid::Uuid>,
    new: NewCredit,
) -> Result<LedgerEntry, HandbookError> {
    let written = credits::insert(db, new).await?;
    if let Some(r) = client_ref {
        requests::remember(db, physician_id, r, ENTITY, written.id).await?;
    }
    Ok(written.entry(None))
}

/// Declares handbook units; a retry with the same `client_ref` returns the first entry.
pub async fn declare(
    app: &AppState,
    actor: &Actor,
    req: &HandbookRequest,
) -> Result<LedgerEntry, HandbookError> {
    let d = parse(app, req)?;
    crate::services::identity::require_verified(&app.db, actor)
        .await
        .map_err(HandbookError::NotVerified)?;
    let txn = crate::db::begin(&app.db).await?;
    let client_ref = req.client_ref.as_ref();
    if let Some(entry) = replayed(&txn, actor.id, client_ref).await? {
        return Ok(entry);
    }
    let registry = accounts::physician(&txn, actor.id)
        .await?
        .ok_or(HandbookError::NotFound)?
        .registry_number;
    let new = row(actor.id, registry, &d, EntryKind::Entry, None);
    let entry = write(&txn, actor.id, client_ref, new).await?;
    crate::db::audit::did(&txn, Some(actor.id), "credit", entry.id, "declared", None).await?;
    crate::db::commit(txn).await?;
    Ok(entry)
}

/// Corrects an unverified handbook entry with a new one.
pub async fn correct(
    app: &AppState,
    actor: &Actor,
    id: i32,
    req: &HandbookRequest,
) -> Result<LedgerEntry, HandbookError> {
    let d = parse(app, req)?;
    let txn = crate::db::begin(&app.db).await?;
    let client_ref = req.client_ref.as_ref();
    if let Some(entry) = replayed(&txn, actor.id, client_ref).await? {
        return Ok(entry);
    }
    let old = editable(&txn, actor.id, id).await?;
    let new = row(
        actor.id,
        old.credit.registry_number,
        &d,
        EntryKind::Correction,
        Some(id),
    );
    let entry = write(&txn, actor.id, client_ref, new).await?;
    crate::db::audit::did(&txn, Some(actor.id), "credit", id, "corrected", None).await?;
    crate::db::commit(txn).await?;
    Ok(entry)
}

/// Withdraws an unverified handbook entry (a new row records the withdrawal).
pub async fn withdraw(app: &AppState, actor: &Actor, id: i32) -> Result<(), HandbookError> {
    let txn = crate::db::begin(&app.db).await?;
    let old = editable(&txn, actor.id, id).await?;
    let mut withdrawal = old.successor();
    withdrawal.kind = EntryKind::Withdrawal;
    withdrawal.units = domain::Units::ZERO;
    withdrawal.created_by = Some(actor.id);
    credits::insert(&txn, withdrawal).await?;
    crate::db::audit::did(&txn, Some(actor.id), "credit", id, "withdrawn", None).await?;
    crate::db::commit(txn).await?;
    Ok(())
}
