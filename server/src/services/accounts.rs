//! Registration, login, logout, who is asking, and staff accounts.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use domain::account::{Registration, RegistrationForm};
use domain::api::{CreateUser, LoginRequest, Me, UserSummary};
use domain::policy::Actor;
use domain::records::User;
use domain::signin::{SessionStage, stage_when_signed_in};
use domain::{FieldError, Message};
use sea_orm::ConnectionTrait;

use crate::db::accounts::LiveSession;
use crate::db::throttles::{self, Schedule};
use crate::db::{self, DbError, accounts};
use crate::security::{self, HashError};
use crate::services::{AppState, identity, today};

/// Logins to one account: three at once, then each waits twice as long as the one before (1 s,
/// 2 s, 4 s … up to 5 minutes), counted again after 15 minutes; a success clears it. Slows a
/// guesser to a few tries an hour without locking the owner out.
pub const ACCOUNT_LOGINS: Schedule = Schedule {
    free: 3,
    unit_ms: 1_000,
    cap_ms: 300_000,
    window_ms: 900_000,
};
/// Failed logins from one address (any account): ten, then growing delays up to a minute.
pub const ADDRESS_FAILURES: Schedule = Schedule {
    free: 10,
    unit_ms: 1_000,
    cap_ms: 60_000,
    window_ms: 900_000,
};
/// The window of the registration limit per address (`Settings::registrations_per_hour`).
const HOUR_MS: i64 = 3_600_000;

/// Why an account request failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The form has problems, per field.
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    /// The e-mail or registry number is already taken, per field.
    #[error("already taken")]
    Taken(Vec<FieldError>),
    /// Wrong e-mail or password (never says which).
    #[error("bad credentials")]
    BadCredentials,
    /// Too many failed logins; try again after the seconds given.
    #[error("throttled")]
    Throttled(u64),
    /// The account was locked (a claim moved its registry number to another account).
    #[error("disabled")]
    Disabled,
    /// No such thing of this account.
    #[error("not found")]
    NotFound,
    /// The state does not allow it, and what to do.
    #[error("refused")]
    Refused(Message),
    /// The session ended or never existed.
    #[error("not logged in")]
    NotLoggedIn,
    /// Password hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn taken_email() -> FieldError {
    FieldError::new("email", "taken", Message::key("account.email.taken"))
}

fn taken_registry() -> FieldError {
    FieldError::new(
        "registry_number",
        "taken",
        Message::key("account.registry_number.taken"),
    )
}

/// The actor a user is to the policies.
pub fn actor(user: &User) -> Actor {
    Actor {
        id: user.id,
        role: user.role,
        prefecture: user.prefecture,
    }
}

/// Registers a physician's My Page, mails the link that confirms the address, and logs them in;
/// returns the session token. Nothing recorded against the registry number is theirs until the
/// address and then the identity are verified (see `services::identity`). At most
/// `registrations_per_hour` from one address.
pub async fn register(
    app: &AppState,
    form: &RegistrationForm,
    from: IpAddr,
    user_agent: Option<&str>,
) -> Result<String, AccountError> {
    let registration = form.parse(today()).map_err(AccountError::Invalid)?;
    let limit = i64::from(app.settings.registrations_per_hour);
    let now_ms = Utc::now().timestamp_millis();
    if let Err(ms) = throttles::hit(
        &app.db,
        &format!("register-from:{from}"),
        now_ms,
        HOUR_MS,
        limit,
    )
    .await?
    {
        return Err(AccountError::Throttled(seconds(ms)));
    }
    let user = register_physician(app, &registration).await?;
    app.mailer.deliver_pending(&app.db);
    let signin = start_session(app, user, SessionStage::Full, user_agent, Utc::now()).await?;
    Ok(signin.token)
}

/// Milliseconds to wait, as whole seconds for `Retry-After`.
pub fn seconds(ms: i64) -> u64 {
    u64::try_from(ms.div_euclid(1000) + 1).unwrap_or(1)
}

/// A new login session: its token (for the cookie) and how far it has come.
#[derive(Debug)]
pub struct Signin {
    /// The token, given out once.
    pub token: String,
    /// The session's stage.
    pub stage: SessionStage,
}

/// Starts a login session for `user` at `stage` and writes its audit row.
async fn start_session(
    app: &AppState,
    user: i32,
    stage: SessionStage,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Signin, DbError> {
    let (token, hash) = security::new_token();
    let (public_id, _) = security::new_token();
    accounts::insert_session(
        &app.db,
        accounts::NewSession {
            token_hash: hash,
            public_id: public_id.chars().take(16).collect(),
            user_id: user,
            stage,
            user_agent,
            now,
            expires_at: now + Duration::hours(app.settings.session_hours),
        },
    )
    .await?;
    audit_user(&app.db, Some(user), user, "login", Some(stage.code()), None).await?;
    Ok(Signin { token, stage })
}

/// An audit row about account `user`.
pub async fn audit_user(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    user: i32,
    action: &str,
    to_status: Option<&str>,
    note: Option<String>,
) -> Result<(), DbError> {
    crate::db::audit::moved(db, actor, "user", user, action, to_status, note).await
}

/// The stage a signed-in account's session is at, once its password (and code) were right.
pub fn signed_in_stage(app: &AppState, user: &User) -> SessionStage {
    stage_when_signed_in(
        user.role,
        user.must_change_password,
        user.two_factor,
        app.settings.staff_two_factor,
    )
}

/// Creates a physician account in one transaction, with its confirmation mail. A registry
/// number that another account holds is refused, unless the registration claims it: then the
/// account is made without the number and a claim waits for the licence and the staff.
/// Returns the new user id.
pub async fn register_physician(app: &AppState, r: &Registration) -> Result<i32, AccountError> {
    let password_hash = security::hash_password_async(r.password.expose().to_owned()).await?;
    let txn = crate::db::begin(&app.db).await?;
    let mut conflicts = Vec::new();
    if accounts::email_taken(&txn, r.email.as_str()).await? {
        conflicts.push(taken_email());
    }
    let taken = accounts::registry_taken(&txn, r.registry_number.as_str()).await?;
    if taken && !r.claim {
        conflicts.push(taken_registry());
    }
    if !conflicts.is_empty() {
        return Err(AccountError::Taken(conflicts));
    }
    let user = accounts::insert_user(
        &txn,
        accounts::NewUser {
            role: domain::account::Role::Physician,
            email: r.email.as_str(),
            password_hash,
            display_name: r.name_kanji.as_str(),
            prefecture: Some(r.prefecture),
            organizer_body: None,
            email_verified: false,
            must_change_password: false,
        },
    )
    .await
    .map_err(unique_to_taken)?;
    let profile = r.profile();
    if taken {
        let claim = serde_json::to_string(&profile)
            .map_err(|e| DbError::Corrupt(format!("claim details: {e}")))?;
        identity::open_claim(&txn, user.id, &profile, claim).await?;
    } else {
        accounts::insert_physician(&txn, user.id, &profile)
            .await
            .map_err(unique_to_taken)?;
    }
    identity::send_link(&txn, app, user.id, r.email.as_str(), Utc::now()).await?;
    audit_user(&txn, Some(user.id), user.id, "registered", None, None).await?;
    crate::db::commit(txn).await?;
    Ok(user.id)
}

/// A unique key that a racing request took between the check and the write.
fn unique_to_taken(e: DbError) -> AccountError {
    if e.is_unique("registry_number") {
        AccountError::Taken(vec![taken_registry()])
    } else if e.is_unique("email") {
        AccountError::Taken(vec![taken_email()])
    } else {
        AccountError::Db(e)
    }
}

/// Checks a login and returns the session token. Each attempt at an account is counted before
/// the password is checked, in one atomic statement ([`ACCOUNT_LOGINS`]), so parallel guesses
/// are slowed down like sequential ones; failures from one address are counted too
/// ([`ADDRESS_FAILURES`]). An unknown e-mail and a wrong password get the same answer in the
/// same time.
pub async fn login(
    app: &AppState,
    req: &LoginRequest,
    from: IpAddr,
    user_agent: Option<&str>,
) -> Result<Signin, AccountError> {
    let db = &app.db;
    let email = domain::account::normalize_email(&req.email);
    let now = Utc::now();
    let now_ms = now.timestamp_millis();
    let address = format!("login-from:{from}");
    if let Some(ms) = throttles::blocked(db, &address, now_ms).await? {
        return Err(AccountError::Throttled(seconds(ms)));
    }
    let account = format!("login:{email}");
    if let Err(ms) = throttles::attempt(db, &account, now_ms, &ACCOUNT_LOGINS).await? {
        return Err(AccountError::Throttled(seconds(ms)));
    }
    let found = accounts::credentials(db, &email).await?;
    let ok = security::verify_password_async(
        req.password.clone(),
        found.as_ref().map(|(_, h)| h.clone()),
    )
    .await?;
    let Some((user, _)) = found.filter(|_| ok) else {
        // Counted for the address whether or not it is already waiting.
        let _ = throttles::attempt(db, &address, now_ms, &ADDRESS_FAILURES).await?;
        let who = found_id(db, &email).await?;
        audit_user(db, None, who.unwrap_or(0), "login_failed", None, None).await?;
        return Err(AccountError::BadCredentials);
    };
    if user.disabled {
        return Err(AccountError::Disabled);
    }
    throttles::clear(db, &account).await?;
    let stage = if user.two_factor {
        SessionStage::TwoFactor
    } else {
        accounts::signed_in(db, user.id, now).await?;
        signed_in_stage(app, &user)
    };
    Ok(start_session(app, user.id, stage, user_agent, now).await?)
}

/// The id of the account of `email`, for an audit row.
async fn found_id(db: &impl ConnectionTrait, email: &str) -> Result<Option<i32>, DbError> {
    Ok(accounts::credentials(db, email).await?.map(|(u, _)| u.id))
}

/// Ends the session of `token`.
pub async fn logout(app: &AppState, token: &str) -> Result<(), AccountError> {
    Ok(accounts::delete_session(&app.db, &security::token_hash(token)).await?)
}

/// The live session of `token` (past neither its end nor the idle timeout), if any.
pub async fn current(app: &AppState, token: &str) -> Result<Option<LiveSession>, AccountError> {
    Ok(accounts::session(
        &app.read,
        &app.db,
        &security::token_hash(token),
        Utc::now(),
        Duration::minutes(app.settings.idle_minutes),
    )
    .await?)
}

/// Who is logged in, for `GET /api/me`.
pub async fn me(app: &AppState, actor: &Actor, stage: SessionStage) -> Result<Me, AccountError> {
    let user = accounts::user(&app.read, actor.id)
        .await?
        .ok_or(AccountError::NotLoggedIn)?;
    let physician = accounts::physician(&app.read, user.id).await?;
    Ok(Me {
        id: user.id,
        role: user.role,
        display_name: user.display_name,
        email: user.email,
        prefecture: user.prefecture,
        organizer_body: user.organizer_body,
        physician,
        email_verified: user.email_verified,
        stage,
    })
}

fn summary(u: User) -> UserSummary {
    UserSummary {
        id: u.id,
        role: u.role,
        email: u.email,
        display_name: u.display_name,
        prefecture: u.prefecture,
        organizer_body: u.organizer_body,
    }
}

/// Creates a staff, organizer or admin account (admins and `nintei admin` only). With
/// `first_password`, the password was chosen by someone else and its owner sets their own at
/// the first sign-in.
pub async fn create_user(
    db: &impl ConnectionTrait,
    req: &CreateUser,
    first_password: bool,
) -> Result<UserSummary, AccountError> {
    insert_account(db, req, first_password, None).await
}

/// An admin creates an account: its owner chooses their own password at the first sign-in,
/// and the audit log says which admin made it.
/// Its owner is welcomed by mail: where to sign in and that the first password comes from the
/// admin (never the password itself).
pub async fn create_by_admin(
    app: &AppState,
    admin: &Actor,
    req: &CreateUser,
) -> Result<UserSummary, AccountError> {
    let txn = crate::db::begin(&app.db).await?;
    let made = insert_account(&txn, req, true, Some(admin.id)).await?;
    crate::services::mail::queue(
        &txn,
        &made.email,
        &Message::key("mail.welcome.subject"),
        &Message::key("mail.welcome.body")
            .arg("name", &made.display_name)
            .arg_key("role", format!("role.{}", made.role.code()))
            .arg("url", app.settings.public_url.trim_end_matches('/'))
            .arg("email", &made.email),
        None,
    )
    .await?;
    crate::db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(made)
}

async fn insert_account(
    db: &impl ConnectionTrait,
    req: &CreateUser,
    first_password: bool,
    by: Option<i32>,
) -> Result<UserSummary, AccountError> {
    let account = req.parse().map_err(AccountError::Invalid)?;
    if accounts::email_taken(db, account.email.as_str()).await? {
        return Err(AccountError::Taken(vec![taken_email()]));
    }
    let user = accounts::insert_user(
        db,
        accounts::NewUser {
            role: account.role,
            email: account.email.as_str(),
            password_hash: security::hash_password_async(account.password.expose().to_owned())
                .await?,
            display_name: &account.display_name,
            prefecture: account.prefecture,
            organizer_body: account.organizer_body.as_deref(),
            email_verified: true,
            must_change_password: first_password,
        },
    )
    .await
    .map_err(unique_to_taken)?;
    audit_user(db, by, user.id, "created", Some(user.role.code()), None).await?;
    Ok(summary(user))
}

/// Every non-physician account, for the admin page.
pub async fn staff_users(app: &AppState) -> Result<Vec<UserSummary>, AccountError> {
    Ok(accounts::staff_users(&app.db)
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// Number of users, to tell a fresh database from a seeded one.
pub async fn count_users(db: &impl ConnectionTrait) -> Result<u64, db::DbError> {
    accounts::count_users(db).await
}
