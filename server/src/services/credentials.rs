//! What a person does to keep their account safe: give the second factor at sign-in, reset a
//! forgotten password by mail, change the password or the e-mail address, see and end the
//! devices signed in, and turn two-factor sign-in on (with recovery codes) or off. Each change
//! is an audit row, and the owner is told by mail of every change to how they sign in.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use domain::account::{Email, Password};
use domain::policy::Actor;
use domain::signin::{
    AccountView, DeviceSession, RecoveryCodes, SessionStage, TwoFactorSetup, requires_two_factor,
};
use domain::{FieldError, Message};

use crate::db::{self, DbError, accounts, throttles, tokens};
use crate::security;
use crate::services::accounts::{AccountError, audit_user, seconds, signed_in_stage};
use crate::services::{AppState, mail};

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;
/// How long an e-mail-change link works.
pub const EMAIL_CHANGE_HOURS: i64 = 24;
/// Reset requests from one address per hour.
const RESETS_PER_ADDRESS: i64 = 10;
/// Reset mails to one account per hour (more are answered the same way, and not sent).
const RESETS_PER_ACCOUNT: i64 = 3;
const HOUR_MS: i64 = 3_600_000;

/// A token's use.
pub const RESET_PASSWORD: &str = "reset_password";
/// A token's use.
pub const CHANGE_EMAIL: &str = "change_email";

fn field(name: &str, code: &str, key: &str) -> AccountError {
    AccountError::Invalid(vec![FieldError::new(name, code, Message::key(key))])
}

fn wrong_code() -> AccountError {
    field("code", "wrong", "signin.code.wrong")
}

/// The account page's view.
pub async fn account(
    app: &AppState,
    actor: &Actor,
    stage: SessionStage,
) -> Result<AccountView, AccountError> {
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    Ok(AccountView {
        email: user.email,
        role: user.role,
        stage,
        must_change_password: user.must_change_password,
        two_factor: user.two_factor,
        two_factor_required: app.settings.staff_two_factor && requires_two_factor(user.role),
        recovery_codes_left: u32::try_from(accounts::recovery_codes_left(&app.db, actor.id).await?)
            .unwrap_or(u32::MAX),
    })
}

/// Checks a one-time code (or a recovery code) of an account whose two-factor sign-in is on.
/// A one-time code is accepted once (its time step is recorded); a recovery code is used up.
async fn check_code(app: &AppState, user_id: i32, code: &str) -> Result<bool, DbError> {
    let Some((Some(secret), true, _)) = accounts::totp(&app.db, user_id).await? else {
        return Ok(false);
    };
    let now = Utc::now();
    let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
    if let Some(step) = security::totp_step(&secret, code, seconds) {
        return accounts::use_totp_step(&app.db, user_id, step).await;
    }
    if code.chars().filter(char::is_ascii_alphanumeric).count() == 10 {
        let used =
            accounts::use_recovery_code(&app.db, user_id, &security::recovery_code_hash(code), now)
                .await?;
        if used {
            audit_user(
                &app.db,
                Some(user_id),
                user_id,
                "recovery_code_used",
                None,
                None,
            )
            .await?;
        }
        return Ok(used);
    }
    Ok(false)
}

/// The second step of signing in: the code, counted like a password (growing delays), after
/// which the session is signed in (or, with a first password to choose, at its setup).
pub async fn second_factor(
    app: &AppState,
    actor: &Actor,
    token_hash: &str,
    code: &str,
) -> Result<SessionStage, AccountError> {
    let now_ms = Utc::now().timestamp_millis();
    let key = format!("two-factor:{}", actor.id);
    if let Err(ms) = throttles::attempt(
        &app.db,
        &key,
        now_ms,
        &crate::services::accounts::ACCOUNT_LOGINS,
    )
    .await?
    {
        return Err(AccountError::Throttled(seconds(ms)));
    }
    if !check_code(app, actor.id, code).await? {
        audit_user(&app.db, None, actor.id, "two_factor_failed", None, None).await?;
        return Err(wrong_code());
    }
    throttles::clear(&app.db, &key).await?;
    accounts::signed_in(&app.db, actor.id, Utc::now()).await?;
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    let stage = signed_in_stage(app, &user);
    accounts::set_stage(&app.db, token_hash, stage).await?;
    audit_user(
        &app.db,
        Some(actor.id),
        actor.id,
        "two_factor",
        Some(stage.code()),
        None,
    )
    .await?;
    Ok(stage)
}

/// Mails a reset link when `email` belongs to an account that may use one. The answer is the
/// same whether it does or not; requests are limited per address (429) and mails per account
/// (silently).
pub async fn request_reset(app: &AppState, email: &str, from: IpAddr) -> Result<(), AccountError> {
    let now = Utc::now();
    let now_ms = now.timestamp_millis();
    let per_address = format!("reset-from:{from}");
    if let Err(ms) =
        throttles::hit(&app.db, &per_address, now_ms, HOUR_MS, RESETS_PER_ADDRESS).await?
    {
        return Err(AccountError::Throttled(seconds(ms)));
    }
    let email = domain::account::normalize_email(email);
    let Some((user, _)) = accounts::credentials(&app.db, &email).await? else {
        return Ok(());
    };
    if user.disabled {
        return Ok(());
    }
    let per_account = format!("reset:{}", user.id);
    if throttles::hit(&app.db, &per_account, now_ms, HOUR_MS, RESETS_PER_ACCOUNT)
        .await?
        .is_err()
    {
        return Ok(());
    }
    let txn = db::begin(&app.db).await?;
    send_reset_link(&txn, app, user.id, &user.email, now).await?;
    audit_user(&txn, None, user.id, "password_reset_requested", None, None).await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(())
}

/// Writes a reset link for `user_id` into the outbox.
pub async fn send_reset_link(
    db: &impl sea_orm::ConnectionTrait,
    app: &AppState,
    user_id: i32,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let link = mail::Link {
        purpose: RESET_PASSWORD,
        new_email: None,
        page: "reset-password",
        subject: "mail.reset.subject",
        body: "mail.reset.body",
        lifetime: mail::Lifetime::Minutes(RESET_MINUTES),
    };
    mail::queue_link(db, &app.settings.public_url, user_id, email, link, now).await
}

/// Sets a new password from a reset link: the link works once, every session of the account
/// ends (whoever knew the old password is signed out), and the owner is told by mail.
pub async fn confirm_reset(
    app: &AppState,
    token: &str,
    password: &str,
) -> Result<(), AccountError> {
    let now = Utc::now();
    let txn = db::begin(&app.db).await?;
    let (user_id, _) = tokens::take(
        &txn,
        &security::token_hash(token.trim()),
        RESET_PASSWORD,
        now,
    )
    .await?
    .ok_or_else(|| field("token", "invalid", "signin.reset.link_invalid"))?;
    let user = accounts::user(&txn, user_id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    let password = Password::parse(password, &[user.email.as_str()])
        .map_err(|e| AccountError::Invalid(vec![e]))?;
    let hash = security::hash_password_async(password.expose().to_owned()).await?;
    accounts::set_password(&txn, user_id, hash, false).await?;
    accounts::end_sessions(&txn, user_id, None).await?;
    throttles::clear(&txn, &format!("login:{}", user.email)).await?;
    record_and_tell(
        &txn,
        None,
        &user,
        "password_reset",
        (
            "mail.password_changed.subject",
            "mail.password_changed.body",
        ),
    )
    .await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(())
}

/// Audits a change to an account's own security and tells its owner by mail (`mail` is the
/// subject's and the body's catalogue keys).
async fn record_and_tell(
    db: &impl sea_orm::ConnectionTrait,
    actor: Option<i32>,
    user: &domain::records::User,
    action: &str,
    (subject, body): (&str, &str),
) -> Result<(), DbError> {
    audit_user(db, actor, user.id, action, None, None).await?;
    mail::queue(
        db,
        &user.email,
        &Message::key(subject),
        &Message::key(body),
        None,
    )
    .await
}

/// Changes the password (the current one is required); other devices are signed out, this one
/// stays, and a first-password setup is done.
pub async fn change_password(
    app: &AppState,
    actor: &Actor,
    token_hash: &str,
    current: &str,
    new: &str,
) -> Result<SessionStage, AccountError> {
    let stored = accounts::password_hash(&app.db, actor.id).await?;
    if !security::verify_password_async(current.to_owned(), stored).await? {
        return Err(field("current", "wrong", "signin.password.wrong"));
    }
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    let password =
        Password::parse(new, &[user.email.as_str()]).map_err(|e| AccountError::Invalid(vec![e]))?;
    if new == current {
        return Err(field("password", "same", "signin.password.same"));
    }
    let hash = security::hash_password_async(password.expose().to_owned()).await?;
    let txn = db::begin(&app.db).await?;
    accounts::set_password(&txn, actor.id, hash, false).await?;
    accounts::end_sessions(&txn, actor.id, Some(token_hash)).await?;
    record_and_tell(
        &txn,
        Some(actor.id),
        &user,
        "password_changed",
        (
            "mail.password_changed.subject",
            "mail.password_changed.body",
        ),
    )
    .await?;
    let stage = finish_setup(&txn, app, actor.id, token_hash).await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(stage)
}

/// After a setup step, the session is signed in if nothing is left to set up.
async fn finish_setup(
    db: &impl sea_orm::ConnectionTrait,
    app: &AppState,
    user_id: i32,
    token_hash: &str,
) -> Result<SessionStage, AccountError> {
    let user = accounts::user(db, user_id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    let stage = signed_in_stage(app, &user);
    accounts::set_stage(db, token_hash, stage).await?;
    Ok(stage)
}

/// Asks to change the login address: the password confirms the owner, a link goes to the new
/// address (nothing changes until it is opened), a notice to the old one.
pub async fn request_email_change(
    app: &AppState,
    actor: &Actor,
    password: &str,
    email: &str,
) -> Result<(), AccountError> {
    let stored = accounts::password_hash(&app.db, actor.id).await?;
    if !security::verify_password_async(password.to_owned(), stored).await? {
        return Err(field("password", "wrong", "signin.password.wrong"));
    }
    let email = Email::parse(email).map_err(|e| AccountError::Invalid(vec![e]))?;
    if accounts::email_taken(&app.db, email.as_str()).await? {
        return Err(AccountError::Taken(vec![FieldError::new(
            "email",
            "taken",
            Message::key("account.email.taken"),
        )]));
    }
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    let now = Utc::now();
    let txn = db::begin(&app.db).await?;
    let link = mail::Link {
        purpose: CHANGE_EMAIL,
        new_email: Some(email.as_str().to_owned()),
        page: "confirm-email",
        subject: "mail.email_change.subject",
        body: "mail.email_change.body",
        lifetime: mail::Lifetime::Hours(EMAIL_CHANGE_HOURS),
    };
    mail::queue_link(
        &txn,
        &app.settings.public_url,
        actor.id,
        email.as_str(),
        link,
        now,
    )
    .await?;
    mail::queue(
        &txn,
        &user.email,
        &Message::key("mail.email_change_notice.subject"),
        &Message::key("mail.email_change_notice.body").arg("email", email.as_str()),
        None,
    )
    .await?;
    audit_user(
        &txn,
        Some(actor.id),
        actor.id,
        "email_change_requested",
        None,
        None,
    )
    .await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(())
}

/// Opens an e-mail-change link: the new address becomes the login (if no one took it since).
pub async fn confirm_email_change(app: &AppState, token: &str) -> Result<(), AccountError> {
    let now = Utc::now();
    let txn = db::begin(&app.db).await?;
    let (user_id, new) = tokens::take(&txn, &security::token_hash(token.trim()), CHANGE_EMAIL, now)
        .await?
        .ok_or_else(|| field("token", "invalid", "signin.email.link_invalid"))?;
    let new = new.ok_or_else(|| DbError::Corrupt("e-mail change without an address".into()))?;
    if accounts::email_taken(&txn, &new).await? {
        return Err(AccountError::Taken(vec![FieldError::new(
            "email",
            "taken",
            Message::key("account.email.taken"),
        )]));
    }
    accounts::set_email(&txn, user_id, &new, now).await?;
    audit_user(&txn, Some(user_id), user_id, "email_changed", None, None).await?;
    db::commit(txn).await?;
    Ok(())
}

/// The devices signed in to the account.
pub async fn devices(
    app: &AppState,
    actor: &Actor,
    current: &str,
) -> Result<Vec<DeviceSession>, AccountError> {
    Ok(accounts::sessions_of(&app.db, actor.id, Utc::now())
        .await?
        .into_iter()
        .map(|(id, created_at, last_seen_at, device)| DeviceSession {
            current: id == current,
            id,
            created_at,
            last_seen_at,
            device,
        })
        .collect())
}

/// Ends one device's session (404 when it is not this account's).
pub async fn end_device(app: &AppState, actor: &Actor, id: &str) -> Result<(), AccountError> {
    if !accounts::end_session(&app.db, actor.id, id).await? {
        return Err(AccountError::NotFound);
    }
    audit_user(
        &app.db,
        Some(actor.id),
        actor.id,
        "session_ended",
        None,
        None,
    )
    .await?;
    Ok(())
}

/// Ends every other device's session.
pub async fn end_other_devices(
    app: &AppState,
    actor: &Actor,
    token_hash: &str,
) -> Result<u64, AccountError> {
    let ended = accounts::end_sessions(&app.db, actor.id, Some(token_hash)).await?;
    audit_user(
        &app.db,
        Some(actor.id),
        actor.id,
        "sessions_ended",
        None,
        Some(format!("{ended}")),
    )
    .await?;
    Ok(ended)
}

/// Starts setting up two-factor sign-in: a new secret (replacing one not yet confirmed), its
/// QR code. Nothing changes at sign-in until a code confirms it.
pub async fn start_two_factor(
    app: &AppState,
    actor: &Actor,
) -> Result<TwoFactorSetup, AccountError> {
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    if user.two_factor {
        return Err(AccountError::Refused(Message::key(
            "signin.two_factor.already",
        )));
    }
    let secret = security::new_totp_secret();
    accounts::set_totp_secret(&app.db, actor.id, Some(secret.clone())).await?;
    let uri = security::totp_uri(&secret, &user.email);
    let qr_svg = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M)
        .map(|c| {
            c.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build()
        })
        .map_err(|e| DbError::Corrupt(format!("qr: {e}")))?;
    Ok(TwoFactorSetup {
        secret,
        uri,
        qr_svg,
    })
}

/// Confirms the secret with a code from the app: two-factor sign-in is on, ten recovery codes
/// are made (shown once), the owner is told by mail, and a required setup is done.
pub async fn enable_two_factor(
    app: &AppState,
    actor: &Actor,
    token_hash: &str,
    code: &str,
) -> Result<(RecoveryCodes, SessionStage), AccountError> {
    let Some((Some(secret), false, _)) = accounts::totp(&app.db, actor.id).await? else {
        return Err(AccountError::Refused(Message::key(
            "signin.two_factor.start_first",
        )));
    };
    let now = Utc::now();
    let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
    let Some(step) = security::totp_step(&secret, code, seconds) else {
        return Err(wrong_code());
    };
    let codes = security::new_recovery_codes();
    let txn = db::begin(&app.db).await?;
    accounts::enable_totp(&txn, actor.id, now).await?;
    accounts::use_totp_step(&txn, actor.id, step).await?;
    store_recovery_codes(&txn, actor.id, &codes).await?;
    let user = accounts::user(&txn, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    record_and_tell(
        &txn,
        Some(actor.id),
        &user,
        "two_factor_enabled",
        ("mail.two_factor_on.subject", "mail.two_factor_on.body"),
    )
    .await?;
    let stage = finish_setup(&txn, app, actor.id, token_hash).await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok((RecoveryCodes { codes }, stage))
}

/// Turns two-factor sign-in off (password and a code required); not for roles that must use it.
pub async fn disable_two_factor(
    app: &AppState,
    actor: &Actor,
    password: &str,
    code: &str,
) -> Result<(), AccountError> {
    if app.settings.staff_two_factor && requires_two_factor(actor.role) {
        return Err(AccountError::Refused(Message::key(
            "signin.two_factor.required",
        )));
    }
    let stored = accounts::password_hash(&app.db, actor.id).await?;
    if !security::verify_password_async(password.to_owned(), stored).await? {
        return Err(field("password", "wrong", "signin.password.wrong"));
    }
    if !check_code(app, actor.id, code).await? {
        return Err(wrong_code());
    }
    let txn = db::begin(&app.db).await?;
    accounts::set_totp_secret(&txn, actor.id, None).await?;
    accounts::replace_recovery_codes(&txn, actor.id, Vec::new()).await?;
    let user = accounts::user(&txn, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    record_and_tell(
        &txn,
        Some(actor.id),
        &user,
        "two_factor_disabled",
        ("mail.two_factor_off.subject", "mail.two_factor_off.body"),
    )
    .await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(())
}

/// New recovery codes (a code from the app required); the old ones stop working.
pub async fn new_recovery_codes(
    app: &AppState,
    actor: &Actor,
    code: &str,
) -> Result<RecoveryCodes, AccountError> {
    if !check_code(app, actor.id, code).await? {
        return Err(wrong_code());
    }
    let codes = security::new_recovery_codes();
    let txn = db::begin(&app.db).await?;
    store_recovery_codes(&txn, actor.id, &codes).await?;
    audit_user(
        &txn,
        Some(actor.id),
        actor.id,
        "recovery_codes_replaced",
        None,
        None,
    )
    .await?;
    db::commit(txn).await?;
    Ok(RecoveryCodes { codes })
}

/// Keeps the hashes of a new set of recovery codes, replacing the old set.
async fn store_recovery_codes(
    db: &impl sea_orm::ConnectionTrait,
    user: i32,
    codes: &[String],
) -> Result<(), DbError> {
    let hashes = codes
        .iter()
        .map(|c| security::recovery_code_hash(c))
        .collect();
    accounts::replace_recovery_codes(db, user, hashes).await
}
