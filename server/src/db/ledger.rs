//! The credit ledger is append-only: an edit is a new entry that corrects the old one, a
//! withdrawal is a new entry too. The effective ledger is every entry that nothing corrects,
//! except withdrawals.

use std::collections::HashSet;

use chrono::Utc;
use domain::api::{ContactForm, LedgerEntry, Verification};
use domain::ledger::HandbookDeclaration;
use domain::{FieldError, Source};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

use crate::db::mypage::to_entry;
use crate::entities::{credit, physician};
use crate::error::ApiError;

/// Kinds of ledger rows.
pub const ENTRY: &str = "entry";
/// A row that replaces the one it corrects.
pub const CORRECTION: &str = "correction";
/// A row that withdraws the one it corrects.
pub const WITHDRAWAL: &str = "withdrawal";

/// The effective rows among `rows`.
pub fn effective(rows: Vec<credit::Model>) -> Vec<credit::Model> {
    let superseded: HashSet<i32> = rows.iter().filter_map(|r| r.corrects_id).collect();
    rows.into_iter()
        .filter(|r| !superseded.contains(&r.id) && r.kind != WITHDRAWAL)
        .collect()
}

fn not_editable() -> ApiError {
    ApiError::Conflict(vec![FieldError::new(
        "id",
        "verified",
        "確認済みの手帳単位は変更できません。訂正が必要な場合は都道府県医師会へご連絡ください",
        "Verified handbook units cannot be changed. Contact your prefectural association to correct one",
    )])
}

/// The physician's effective handbook row `id`, if it can still be changed.
async fn editable_row(
    db: &impl ConnectionTrait,
    physician_id: i32,
    id: i32,
) -> Result<credit::Model, ApiError> {
    let row = credit::Entity::find_by_id(id)
        .filter(credit::Column::PhysicianId.eq(physician_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let corrected = credit::Entity::find()
        .filter(credit::Column::CorrectsId.eq(id))
        .one(db)
        .await?
        .is_some();
    if corrected || row.kind == WITHDRAWAL {
        return Err(ApiError::NotFound);
    }
    if row.source != Source::Handbook.code() || row.verification.as_deref() != Some("pending") {
        return Err(not_editable());
    }
    Ok(row)
}

fn handbook_row(
    physician_id: i32,
    registry_number: String,
    d: &HandbookDeclaration,
    kind: &str,
    corrects: Option<i32>,
    client_ref: Option<String>,
) -> credit::ActiveModel {
    credit::ActiveModel {
        physician_id: Set(Some(physician_id)),
        registry_number: Set(registry_number),
        date: Set(d.date),
        category: Set(d.category.code().to_owned()),
        subject: Set(d.subject.map(|s| s.code())),
        units_halves: Set(i32::try_from(d.units.halves()).unwrap_or(i32::MAX)),
        delivery: Set("in_person".to_owned()),
        source: Set(Source::Handbook.code().to_owned()),
        session_id: Set(None),
        verification: Set(Some("pending".to_owned())),
        organizer_name: Set(Some(d.organizer_name.clone())),
        note: Set(d.note.clone()),
        corrects_id: Set(corrects),
        consumed_by: Set(None),
        created_at: Set(Utc::now()),
        created_by: Set(Some(physician_id)),
        kind: Set(kind.to_owned()),
        client_ref: Set(client_ref),
        attendee_birth_date: Set(None),
        ..Default::default()
    }
}

/// The row a retried request already wrote, if any.
async fn replayed(
    db: &impl ConnectionTrait,
    physician_id: i32,
    client_ref: Option<&str>,
) -> Result<Option<credit::Model>, ApiError> {
    let Some(r) = client_ref else { return Ok(None) };
    Ok(credit::Entity::find()
        .filter(credit::Column::ClientRef.eq(r))
        .filter(credit::Column::PhysicianId.eq(physician_id))
        .one(db)
        .await?)
}

async fn registry_of(db: &impl ConnectionTrait, physician_id: i32) -> Result<String, ApiError> {
    Ok(physician::Entity::find_by_id(physician_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?
        .registry_number)
}

/// Declares handbook units; a retry with the same `client_ref` returns the first entry.
pub async fn declare(
    db: &DatabaseConnection,
    physician_id: i32,
    d: &HandbookDeclaration,
    client_ref: Option<String>,
) -> Result<LedgerEntry, ApiError> {
    let txn = db.begin().await?;
    if let Some(row) = replayed(&txn, physician_id, client_ref.as_deref()).await? {
        return to_entry(row, None);
    }
    let registry = registry_of(&txn, physician_id).await?;
    let row = handbook_row(physician_id, registry, d, ENTRY, None, client_ref)
        .insert(&txn)
        .await?;
    txn.commit().await?;
    to_entry(row, None)
}

/// Corrects an unverified handbook entry with a new one.
pub async fn correct(
    db: &DatabaseConnection,
    physician_id: i32,
    id: i32,
    d: &HandbookDeclaration,
    client_ref: Option<String>,
) -> Result<LedgerEntry, ApiError> {
    let txn = db.begin().await?;
    if let Some(row) = replayed(&txn, physician_id, client_ref.as_deref()).await? {
        return to_entry(row, None);
    }
    let old = editable_row(&txn, physician_id, id).await?;
    let row = handbook_row(
        physician_id,
        old.registry_number,
        d,
        CORRECTION,
        Some(id),
        client_ref,
    )
    .insert(&txn)
    .await?;
    txn.commit().await?;
    to_entry(row, None)
}

/// Withdraws an unverified handbook entry (a new entry records the withdrawal).
pub async fn withdraw(db: &DatabaseConnection, physician_id: i32, id: i32) -> Result<(), ApiError> {
    let txn = db.begin().await?;
    let old = editable_row(&txn, physician_id, id).await?;
    let mut row: credit::ActiveModel = old.clone().into();
    row.id = sea_orm::ActiveValue::NotSet;
    row.kind = Set(WITHDRAWAL.to_owned());
    row.corrects_id = Set(Some(id));
    row.units_halves = Set(0);
    row.client_ref = Set(None);
    row.created_at = Set(Utc::now());
    row.created_by = Set(Some(physician_id));
    row.insert(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Updates the contact details (registry number, name and birth date change only through an
/// application).
pub async fn update_contact(
    db: &DatabaseConnection,
    physician_id: i32,
    form: &ContactForm,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let workplace = form.workplace_name.trim();
    if workplace.chars().count() > 100 {
        errors.push(FieldError::new(
            "workplace_name",
            "too_long",
            "勤務先は100文字以内で入力してください",
            "Enter the workplace in 100 characters or fewer",
        ));
    }
    let phone: String = form
        .phone
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let phone_ok = phone.is_empty()
        || (phone
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
            && (10..=16).contains(&phone.len()));
    if !phone_ok {
        errors.push(FieldError::new(
            "phone",
            "invalid_phone",
            "電話番号は「075-123-4567」のように数字とハイフンで入力してください",
            "Enter the phone number in digits and hyphens, e.g. 075-123-4567",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let row = physician::Entity::find_by_id(physician_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut row: physician::ActiveModel = row.into();
    row.workplace_name = Set((!workplace.is_empty()).then(|| workplace.to_owned()));
    row.phone = Set((!phone.is_empty()).then_some(phone));
    row.update(db).await?;
    Ok(())
}

/// The history as CSV, UTF-8 with a byte-order mark so that Excel reads the Japanese.
pub fn csv(entries: &[LedgerEntry]) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    }
    let mut out = String::from(
        "\u{FEFF}受講日,区分,科目,単位,受講形式,登録元,確認状況,研修会,主催者,更新使用済,メモ\r\n",
    );
    for e in entries {
        let verification = match e.verification {
            Some(Verification::Pending) => "未確認",
            Some(Verification::Verified) => "確認済",
            Some(Verification::Rejected) => "不承認",
            None => "",
        };
        let source = match e.source {
            Source::System => "主催者登録",
            Source::Handbook => "手帳",
            Source::Staff => "事務局調整",
        };
        let row = [
            e.date.to_string(),
            e.category.name_ja().to_owned(),
            e.subject
                .map(|s| s.name_ja().to_owned())
                .unwrap_or_default(),
            e.units.to_string(),
            if e.delivery == domain::Delivery::Online {
                "Web"
            } else {
                "対面"
            }
            .to_owned(),
            source.to_owned(),
            verification.to_owned(),
            e.session_title.clone().unwrap_or_default(),
            e.organizer_name.clone().unwrap_or_default(),
            if e.consumed { "済" } else { "" }.to_owned(),
            e.note.clone().unwrap_or_default(),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
