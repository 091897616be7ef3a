//! What an admin does to other people's accounts — list and search them, disable and enable
//! them, force a password reset — and the audit log they read. Every action is audited.

use chrono::Utc;
use domain::Message;
use domain::account::Role;
use domain::policy::Actor;
use domain::records::User;
use domain::signin::{AccountSummary, AuditEntry, AuditQuery};

use crate::db::{self, accounts, audit};
use crate::security;
use crate::services::AppState;
use crate::services::accounts::{AccountError, audit_user};
use crate::services::credentials::send_reset_link;

/// How many audit entries one page holds.
pub const AUDIT_PAGE: u64 = 100;

fn summary(u: User) -> AccountSummary {
    AccountSummary {
        id: u.id,
        role: u.role,
        email: u.email,
        display_name: u.display_name,
        prefecture: u.prefecture,
        disabled: u.disabled,
        two_factor: u.two_factor,
        must_change_password: u.must_change_password,
        created_at: u.created_at,
        organizer_body: u.organizer_body,
        last_login_at: u.last_login_at,
    }
}

/// Changes the name, prefecture or organizing body of a staff, organizer or admin account
/// (audited with what it was). A prefectural staff member moved to another prefecture sees that
/// prefecture's queues from their next request.
pub async fn edit(
    app: &AppState,
    admin: &Actor,
    id: i32,
    req: &domain::signin::AccountEdit,
) -> Result<AccountSummary, AccountError> {
    let txn = db::begin(&app.db).await?;
    let user = accounts::user(&txn, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let edit = req.parse(user.role).map_err(AccountError::Invalid)?;
    accounts::edit_staff(
        &txn,
        id,
        &edit.display_name,
        edit.prefecture,
        edit.organizer_body.as_deref(),
    )
    .await?;
    let was = format!(
        "{} / {} / {}",
        user.display_name,
        user.prefecture
            .map(|p| p.code().to_string())
            .unwrap_or_default(),
        user.organizer_body.unwrap_or_default()
    );
    audit_user(&txn, Some(admin.id), id, "edited", None, Some(was)).await?;
    let changed = accounts::user(&txn, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    db::commit(txn).await?;
    Ok(summary(changed))
}

/// Accounts whose e-mail or name contains `q`, of `role` when given (at most 100, newest first).
pub async fn accounts(
    app: &AppState,
    q: &str,
    role: Option<Role>,
) -> Result<Vec<AccountSummary>, AccountError> {
    Ok(accounts::search(&app.db, q, role)
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// One account.
pub async fn account(app: &AppState, id: i32) -> Result<AccountSummary, AccountError> {
    accounts::user(&app.db, id)
        .await?
        .map(summary)
        .ok_or(AccountError::NotFound)
}

/// Disables (`disabled`) or enables account `id`; disabling ends its sessions at once. An
/// admin cannot disable their own account (someone must be left to enable it).
pub async fn set_disabled(
    app: &AppState,
    admin: &Actor,
    id: i32,
    disabled: bool,
) -> Result<AccountSummary, AccountError> {
    if disabled && id == admin.id {
        return Err(AccountError::Refused(Message::key("admin.self_disable")));
    }
    let txn = db::begin(&app.db).await?;
    let user = accounts::user(&txn, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    if user.disabled != disabled {
        if disabled {
            accounts::disable(&txn, id, Utc::now()).await?;
        } else {
            accounts::enable(&txn, id).await?;
        }
        let action = if disabled { "disabled" } else { "enabled" };
        audit_user(&txn, Some(admin.id), id, action, None, None).await?;
    }
    db::commit(txn).await?;
    account(app, id).await
}

/// Forces a password reset of account `id`: its password stops working, every session ends,
/// and a reset link goes to its address (the owner chooses the new password; the admin never
/// knows it).
pub async fn force_reset(app: &AppState, admin: &Actor, id: i32) -> Result<(), AccountError> {
    // A password nobody knows: the hash of a random token that is thrown away.
    let (unknown, _) = security::new_token();
    let hash = security::hash_password_async(unknown).await?;
    let txn = db::begin(&app.db).await?;
    let user = accounts::user(&txn, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    accounts::set_password(&txn, id, hash, false).await?;
    accounts::end_sessions(&txn, id, None).await?;
    send_reset_link(&txn, app, id, &user.email, Utc::now()).await?;
    audit_user(
        &txn,
        Some(admin.id),
        id,
        "password_reset_forced",
        None,
        None,
    )
    .await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(())
}

/// The audit log filtered by `q`, newest first, one page.
pub async fn audit_log(app: &AppState, q: &AuditQuery) -> Result<Vec<AuditEntry>, AccountError> {
    Ok(audit::search(&app.db, q, AUDIT_PAGE).await?)
}

/// What was done to account `id` and what it did, newest first, one page.
pub async fn trail(
    app: &AppState,
    id: i32,
    before: Option<i32>,
) -> Result<Vec<AuditEntry>, AccountError> {
    accounts::user(&app.db, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let about = AuditQuery {
        entity: Some("user".into()),
        entity_id: Some(id),
        before,
        ..AuditQuery::default()
    };
    let by = AuditQuery {
        actor: Some(id),
        before,
        ..AuditQuery::default()
    };
    let mut all = audit::search(&app.db, &about, AUDIT_PAGE).await?;
    all.extend(audit::search(&app.db, &by, AUDIT_PAGE).await?);
    all.sort_by_key(|e| std::cmp::Reverse(e.id));
    all.dedup_by_key(|e| e.id);
    all.truncate(usize::try_from(AUDIT_PAGE).unwrap_or(usize::MAX));
    Ok(all)
}
