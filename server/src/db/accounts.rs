//! Users, physicians and login sessions.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::account::Role;
use domain::api::PhysicianProfile;
use domain::identity::IdentityStatus;
use domain::records::User;
use domain::registry::RegistryMatch;
use domain::signin::SessionStage;
use domain::{Prefecture, api::ContactForm};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::db::{DbError, DbResult, prefecture};
use crate::entities::{Code, auth_session, credit, physician, recovery_code, user};

fn to_user(u: user::Model) -> DbResult<User> {
    Ok(User {
        id: u.id,
        role: u.role.get(),
        email: u.email,
        display_name: u.display_name,
        prefecture: u.prefecture.map(prefecture).transpose()?,
        organizer_body: u.organizer_body,
        email_verified: u.email_verified_at.is_some(),
        disabled: u.disabled_at.is_some(),
        must_change_password: u.must_change_password,
        two_factor: u.totp_enabled_at.is_some(),
        created_at: u.created_at,
        last_login_at: u.last_login_at,
    })
}

fn to_profile(p: physician::Model) -> DbResult<PhysicianProfile> {
    Ok(PhysicianProfile {
        registry_number: p.registry_number,
        name_kanji: p.name_kanji,
        name_kana: p.name_kana,
        birth_date: p.birth_date,
        prefecture: prefecture(p.prefecture)?,
        membership: p.membership.get(),
        workplace_name: p.workplace_name,
        phone: p.phone,
    })
}

/// A user to create.
#[derive(Debug)]
pub struct NewUser<'a> {
    /// Role.
    pub role: Role,
    /// Login e-mail (normalised).
    pub email: &'a str,
    /// Argon2id hash.
    pub password_hash: String,
    /// Name shown in the app.
    pub display_name: &'a str,
    /// Prefecture.
    pub prefecture: Option<Prefecture>,
    /// Organizing body (organizers).
    pub organizer_body: Option<&'a str>,
    /// The address is known to be the person's (accounts made by an admin, demo data).
    pub email_verified: bool,
    /// Someone else chose the password: its owner sets their own at the first sign-in.
    pub must_change_password: bool,
}

/// Whether an account uses `email`.
pub async fn email_taken(db: &impl ConnectionTrait, email: &str) -> DbResult<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .count(db)
        .await?
        > 0)
}

/// Whether a My Page exists for `registry_number`.
pub async fn registry_taken(db: &impl ConnectionTrait, registry_number: &str) -> DbResult<bool> {
    Ok(physician::Entity::find()
        .filter(physician::Column::RegistryNumber.eq(registry_number))
        .count(db)
        .await?
        > 0)
}

/// Creates a user.
pub async fn insert_user(db: &impl ConnectionTrait, new: NewUser<'_>) -> DbResult<User> {
    let row = user::ActiveModel {
        role: Set(Code(new.role)),
        email: Set(new.email.to_owned()),
        password_hash: Set(new.password_hash),
        display_name: Set(new.display_name.to_owned()),
        prefecture: Set(new.prefecture.map(|p| i32::from(p.code()))),
        organizer_body: Set(new.organizer_body.map(str::to_owned)),
        created_at: Set(Utc::now()),
        email_verified_at: Set(new.email_verified.then(Utc::now)),
        must_change_password: Set(new.must_change_password),
        disabled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    to_user(row)
}

/// Records a physician's registered identity for user `user_id`.
pub async fn insert_physician(
    db: &impl ConnectionTrait,
    user_id: i32,
    p: &PhysicianProfile,
) -> DbResult<()> {
    physician::ActiveModel {
        user_id: Set(user_id),
        registry_number: Set(p.registry_number.clone()),
        name_kanji: Set(p.name_kanji.clone()),
        name_kana: Set(p.name_kana.clone()),
        birth_date: Set(p.birth_date),
        prefecture: Set(i32::from(p.prefecture.code())),
        membership: Set(Code(p.membership)),
        workplace_name: Set(p.workplace_name.clone()),
        phone: Set(p.phone.clone()),
        identity: Set(Code(IdentityStatus::Pending)),
        registry_match: Set(Code(RegistryMatch::None)),
        identity_at: Set(None),
        mail_reminders: Set(true),
        mail_applications: Set(true),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Attaches to `user_id` the credits kept against `registry_number` with no My Page yet, where
/// the birth date noted with them (if any) is `birth_date`. Returns how many.
pub async fn attach_credits(
    db: &impl ConnectionTrait,
    user_id: i32,
    registry_number: &str,
    birth_date: NaiveDate,
) -> DbResult<u64> {
    Ok(credit::Entity::update_many()
        .col_expr(credit::Column::PhysicianId, Expr::value(user_id))
        .filter(credit::Column::RegistryNumber.eq(registry_number))
        .filter(credit::Column::PhysicianId.is_null())
        .filter(
            Condition::any()
                .add(credit::Column::AttendeeBirthDate.is_null())
                .add(credit::Column::AttendeeBirthDate.eq(birth_date)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// The account of `email` and its password hash.
pub async fn credentials(
    db: &impl ConnectionTrait,
    email: &str,
) -> DbResult<Option<(User, String)>> {
    match user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
    {
        Some(u) => {
            let hash = u.password_hash.clone();
            Ok(Some((to_user(u)?, hash)))
        }
        None => Ok(None),
    }
}

/// A login session to start.
#[derive(Debug)]
pub struct NewSession<'a> {
    /// The token's hash (the token itself is only in the cookie).
    pub token_hash: String,
    /// Shown in the list of devices instead of the hash.
    pub public_id: String,
    /// The account.
    pub user_id: i32,
    /// How far the sign-in has come.
    pub stage: SessionStage,
    /// The browser's `User-Agent`, shortened.
    pub user_agent: Option<&'a str>,
    /// Now.
    pub now: DateTime<Utc>,
    /// Absolute end.
    pub expires_at: DateTime<Utc>,
}

/// Starts a login session kept by its token's hash.
pub async fn insert_session(db: &impl ConnectionTrait, s: NewSession<'_>) -> DbResult<()> {
    auth_session::ActiveModel {
        token_hash: Set(s.token_hash),
        user_id: Set(s.user_id),
        created_at: Set(s.now),
        expires_at: Set(s.expires_at),
        public_id: Set(Some(s.public_id)),
        stage: Set(Code(s.stage)),
        user_agent: Set(s.user_agent.map(|a| a.chars().take(200).collect())),
        last_seen_at: Set(Some(s.now)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A live session as a request sees it.
#[derive(Clone, Debug)]
pub struct LiveSession {
    /// Its account.
    pub user: User,
    /// How far the sign-in has come.
    pub stage: SessionStage,
    /// Its public id.
    pub public_id: String,
}

/// Moves a session to `stage`.
pub async fn set_stage(
    db: &impl ConnectionTrait,
    token_hash: &str,
    stage: SessionStage,
) -> DbResult<()> {
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::Stage, Expr::value(Code(stage)))
        .filter(auth_session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves every session of `user_id` at `from` to `to` (the account's setup is done).
pub async fn promote_sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    from: SessionStage,
    to: SessionStage,
) -> DbResult<()> {
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::Stage, Expr::value(Code(to)))
        .filter(auth_session::Column::UserId.eq(user_id))
        .filter(auth_session::Column::Stage.eq(Code(from)))
        .exec(db)
        .await?;
    Ok(())
}

/// The devices signed in to `user_id`: (public id, created, last seen, user agent), newest
/// first.
pub async fn sessions_of(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
) -> DbResult<Vec<(String, DateTime<Utc>, Option<DateTime<Utc>>, Option<String>)>> {
    Ok(auth_session::Entity::find()
        .filter(auth_session::Column::UserId.eq(user_id))
        .filter(auth_session::Column::ExpiresAt.gt(now))
        .order_by_desc(auth_session::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.public_id?, s.created_at, s.last_seen_at, s.user_agent)))
        .collect())
}

/// Ends `user_id`'s session with `public_id`; false when there is none.
pub async fn end_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    public_id: &str,
) -> DbResult<bool> {
    Ok(auth_session::Entity::delete_many()
        .filter(auth_session::Column::UserId.eq(user_id))
        .filter(auth_session::Column::PublicId.eq(public_id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Ends every session of `user_id` but the one of `keep` (a token hash), if any.
pub async fn end_sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    keep: Option<&str>,
) -> DbResult<u64> {
    let mut q =
        auth_session::Entity::delete_many().filter(auth_session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(auth_session::Column::TokenHash.ne(k));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Ends a login session.
pub async fn delete_session(db: &impl ConnectionTrait, token_hash: &str) -> DbResult<()> {
    auth_session::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Removes every session expired at `now`; returns how many.
pub async fn delete_expired_sessions(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(auth_session::Entity::delete_many()
        .filter(auth_session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// The live session of `token_hash` and its account. A session past its absolute end, or
/// unused for `idle`, is removed; a disabled account has none. Marks it used (at most once a
/// minute, to spare writes). Reads through `read`, removes and marks through `write`.
pub async fn session(
    read: &impl ConnectionTrait,
    write: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
    idle: Duration,
) -> DbResult<Option<LiveSession>> {
    let Some(session) = auth_session::Entity::find_by_id(token_hash.to_owned())
        .one(read)
        .await?
    else {
        return Ok(None);
    };
    let seen = session.last_seen_at.unwrap_or(session.created_at);
    if session.expires_at <= now || seen + idle <= now {
        delete_session(write, token_hash).await?;
        return Ok(None);
    }
    if now - seen > Duration::minutes(1) {
        auth_session::Entity::update_many()
            .col_expr(auth_session::Column::LastSeenAt, Expr::value(now))
            .filter(auth_session::Column::TokenHash.eq(token_hash))
            .exec(write)
            .await?;
    }
    // A locked account's sessions were ended; this keeps a racing one out too.
    let Some(user) = user(read, session.user_id).await?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    Ok(Some(LiveSession {
        user,
        stage: session.stage.get(),
        public_id: session.public_id.unwrap_or_default(),
    }))
}

/// Sets an account's password hash; `must_change` asks for a new one at the next sign-in.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i32,
    password_hash: String,
    must_change: bool,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The password hash of account `user_id`.
pub async fn password_hash(db: &impl ConnectionTrait, user_id: i32) -> DbResult<Option<String>> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.password_hash))
}

/// Changes an account's login address (confirmed by its link).
pub async fn set_email(
    db: &impl ConnectionTrait,
    user_id: i32,
    email: &str,
    at: DateTime<Utc>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(email))
        .col_expr(user::Column::EmailVerifiedAt, Expr::value(at))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The two-factor state of an account: its secret (set up or being set up), whether it is on,
/// and the last time step a code was accepted for.
pub async fn totp(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> DbResult<Option<(Option<String>, bool, Option<i64>)>> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| (u.totp_secret, u.totp_enabled_at.is_some(), u.totp_last_step)))
}

/// Stores a secret being set up (not on yet), or none (off).
pub async fn set_totp_secret(
    db: &impl ConnectionTrait,
    user_id: i32,
    secret: Option<String>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::TotpSecret, Expr::value(secret))
        .col_expr(
            user::Column::TotpEnabledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Turns two-factor sign-in on.
pub async fn enable_totp(
    db: &impl ConnectionTrait,
    user_id: i32,
    at: DateTime<Utc>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabledAt, Expr::value(at))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that a code of time step `step` was used, if it is later than the last one (a code
/// is accepted once); false when it was not.
pub async fn use_totp_step(db: &impl ConnectionTrait, user_id: i32, step: i64) -> DbResult<bool> {
    Ok(user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(user_id))
        .filter(
            Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Replaces an account's recovery codes with `hashes`.
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i32,
    hashes: Vec<String>,
) -> DbResult<()> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if hashes.is_empty() {
        return Ok(());
    }
    recovery_code::Entity::insert_many(hashes.into_iter().map(|h| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(h),
        used_at: Set(None),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Uses one recovery code (by hash); false when it is unknown or used.
pub async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: i32,
    hash: &str,
    at: DateTime<Utc>,
) -> DbResult<bool> {
    Ok(recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(at))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(hash))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// How many recovery codes an account has left.
pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: i32) -> DbResult<u64> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// Accounts of any role whose e-mail or name contains `q` (case-insensitive for ASCII), of
/// `role` when given; at most 100, newest first.
pub async fn search(db: &impl ConnectionTrait, q: &str, role: Option<Role>) -> DbResult<Vec<User>> {
    let mut find = user::Entity::find();
    let q = q.trim().to_lowercase();
    if !q.is_empty() {
        find = find.filter(
            Condition::any()
                .add(user::Column::Email.contains(q.as_str()))
                .add(user::Column::DisplayName.contains(q.as_str())),
        );
    }
    if let Some(r) = role {
        find = find.filter(user::Column::Role.eq(Code(r)));
    }
    find.order_by_desc(user::Column::Id)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(to_user)
        .collect()
}

/// Enables a disabled account again.
pub async fn enable(db: &impl ConnectionTrait, user_id: i32) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::DisabledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A user by id.
pub async fn user(db: &impl ConnectionTrait, id: i32) -> DbResult<Option<User>> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_user)
        .transpose()
}

/// A physician's registered details.
pub async fn physician(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> DbResult<Option<PhysicianProfile>> {
    physician::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(to_profile)
        .transpose()
}

/// A registered physician's identity, for the door and imports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The physician's user id.
    pub user_id: i32,
    /// 氏名.
    pub name_kanji: String,
    /// フリガナ.
    pub name_kana: String,
}

/// The verified physicians registered under `numbers`, by registry number (a registration not
/// verified yet is nobody to the door and to posted sessions: its units wait unattached).
pub async fn registered(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> DbResult<HashMap<String, Registered>> {
    if numbers.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(physician::Entity::find()
        .filter(physician::Column::RegistryNumber.is_in(numbers.iter().cloned()))
        .filter(physician::Column::Identity.eq(Code(IdentityStatus::Verified)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.registry_number,
                Registered {
                    user_id: p.user_id,
                    name_kanji: p.name_kanji,
                    name_kana: p.name_kana,
                },
            )
        })
        .collect())
}

/// Verified physicians born on `birth_date` (the exact lookup then compares names).
pub async fn born_on(
    db: &impl ConnectionTrait,
    birth_date: NaiveDate,
) -> DbResult<Vec<PhysicianProfile>> {
    physician::Entity::find()
        .filter(physician::Column::BirthDate.eq(birth_date))
        .filter(physician::Column::Identity.eq(Code(IdentityStatus::Verified)))
        .all(db)
        .await?
        .into_iter()
        .map(to_profile)
        .collect()
}

/// The registered details of physicians `ids`, by user id.
pub async fn physicians(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> DbResult<HashMap<i32, PhysicianProfile>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    physician::Entity::find()
        .filter(physician::Column::UserId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| Ok((p.user_id, to_profile(p)?)))
        .collect()
}

/// The names shown for users `ids`, by id.
pub async fn display_names(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> DbResult<HashMap<i32, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The login e-mails of users `ids`, by id.
pub async fn emails(db: &impl ConnectionTrait, ids: &[i32]) -> DbResult<HashMap<i32, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect())
}

/// Every non-physician account, by id.
pub async fn staff_users(db: &impl ConnectionTrait) -> DbResult<Vec<User>> {
    user::Entity::find()
        .filter(user::Column::Role.ne(Code(Role::Physician)))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_user)
        .collect()
}

/// The enabled accounts of `role`, of `prefecture` where one is given (whom a prefecture's or
/// JMA's mail goes to).
pub async fn enabled_of_role(
    db: &impl ConnectionTrait,
    role: Role,
    prefecture: Option<Prefecture>,
) -> DbResult<Vec<User>> {
    let mut q = user::Entity::find()
        .filter(user::Column::Role.eq(Code(role)))
        .filter(user::Column::DisabledAt.is_null());
    if let Some(p) = prefecture {
        q = q.filter(user::Column::Prefecture.eq(i32::from(p.code())));
    }
    q.order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_user)
        .collect()
}

/// How many accounts exist.
pub async fn count_users(db: &impl ConnectionTrait) -> DbResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

/// Updates a physician's contact details (already checked).
pub async fn update_contact(
    db: &impl ConnectionTrait,
    user_id: i32,
    contact: &ContactForm,
) -> DbResult<()> {
    let row = physician::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("physician {user_id} has no row")))?;
    let mut row: physician::ActiveModel = row.into();
    row.workplace_name = Set(Some(contact.workplace_name.clone()).filter(|w| !w.is_empty()));
    row.phone = Set(Some(contact.phone.clone()).filter(|p| !p.is_empty()));
    row.update(db).await?;
    Ok(())
}

/// Sets a physician's workplace (an approved change of details).
pub async fn set_workplace(
    db: &impl ConnectionTrait,
    user_id: i32,
    workplace: &str,
) -> DbResult<()> {
    physician::Entity::update_many()
        .col_expr(physician::Column::WorkplaceName, Expr::value(workplace))
        .filter(physician::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a physician's new name (an approved change of details), on My Page and the account.
pub async fn set_name(
    db: &impl ConnectionTrait,
    user_id: i32,
    name_kanji: &str,
    name_kana: &str,
) -> DbResult<()> {
    physician::Entity::update_many()
        .col_expr(physician::Column::NameKanji, Expr::value(name_kanji))
        .col_expr(physician::Column::NameKana, Expr::value(name_kana))
        .filter(physician::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(name_kanji))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks an account's e-mail address as confirmed.
pub async fn set_email_verified(
    db: &impl ConnectionTrait,
    user_id: i32,
    at: DateTime<Utc>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::EmailVerifiedAt, Expr::value(at))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A physician's identity state and how their registration compared with the registry.
pub async fn identity(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> DbResult<Option<(IdentityStatus, RegistryMatch)>> {
    Ok(physician::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|p| (p.identity.get(), p.registry_match.get())))
}

/// Records a physician's identity state.
pub async fn set_identity(
    db: &impl ConnectionTrait,
    user_id: i32,
    status: IdentityStatus,
    registry_match: RegistryMatch,
    at: DateTime<Utc>,
) -> DbResult<()> {
    physician::Entity::update_many()
        .col_expr(physician::Column::Identity, Expr::value(Code(status)))
        .col_expr(
            physician::Column::RegistryMatch,
            Expr::value(Code(registry_match)),
        )
        .col_expr(physician::Column::IdentityAt, Expr::value(at))
        .filter(physician::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The account whose physician row holds `registry_number`.
pub async fn holder_of(db: &impl ConnectionTrait, registry_number: &str) -> DbResult<Option<User>> {
    match physician::Entity::find()
        .filter(physician::Column::RegistryNumber.eq(registry_number))
        .one(db)
        .await?
    {
        Some(p) => user(db, p.user_id).await,
        None => Ok(None),
    }
}

/// Which of `numbers` belong to a verified My Page (asked 900 at a time: SQLite binds at most
/// 999 values per statement).
pub async fn verified_numbers(
    db: &impl ConnectionTrait,
    numbers: Vec<String>,
) -> DbResult<HashMap<String, i32>> {
    let mut out = HashMap::new();
    for chunk in numbers.chunks(900) {
        for p in physician::Entity::find()
            .filter(physician::Column::RegistryNumber.is_in(chunk.iter().cloned()))
            .filter(physician::Column::Identity.eq(Code(IdentityStatus::Verified)))
            .all(db)
            .await?
        {
            out.insert(p.registry_number, p.user_id);
        }
    }
    Ok(out)
}

/// Gives the physician row of `from` (its registry number, and through it the ledger and
/// certificates that follow) to `to`, with the details `to` registered (a decided claim).
pub async fn move_physician(
    db: &impl ConnectionTrait,
    from: i32,
    to: i32,
    details: &PhysicianProfile,
) -> DbResult<()> {
    physician::Entity::update_many()
        .col_expr(physician::Column::UserId, Expr::value(to))
        .col_expr(
            physician::Column::NameKanji,
            Expr::value(details.name_kanji.clone()),
        )
        .col_expr(
            physician::Column::NameKana,
            Expr::value(details.name_kana.clone()),
        )
        .col_expr(
            physician::Column::BirthDate,
            Expr::value(details.birth_date),
        )
        .col_expr(
            physician::Column::Prefecture,
            Expr::value(i32::from(details.prefecture.code())),
        )
        .col_expr(
            physician::Column::Membership,
            Expr::value(Code(details.membership)),
        )
        .col_expr(
            physician::Column::WorkplaceName,
            Expr::value(details.workplace_name.clone()),
        )
        .filter(physician::Column::UserId.eq(from))
        .exec(db)
        .await?;
    credit::Entity::update_many()
        .col_expr(credit::Column::PhysicianId, Expr::value(to))
        .filter(credit::Column::PhysicianId.eq(from))
        .exec(db)
        .await?;
    crate::entities::certificate::Entity::update_many()
        .col_expr(
            crate::entities::certificate::Column::PhysicianId,
            Expr::value(to),
        )
        .filter(crate::entities::certificate::Column::PhysicianId.eq(from))
        .exec(db)
        .await?;
    Ok(())
}

/// Disables an account and ends its sessions.
/// Notes that `user_id` signed in at `at`.
pub async fn signed_in(db: &impl ConnectionTrait, user_id: i32, at: DateTime<Utc>) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(at))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// What an admin may change of a staff, organizer or admin account: its name, prefecture and
/// organizing body.
pub async fn edit_staff(
    db: &impl ConnectionTrait,
    user_id: i32,
    display_name: &str,
    prefecture: Option<Prefecture>,
    organizer_body: Option<&str>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(display_name))
        .col_expr(
            user::Column::Prefecture,
            Expr::value(prefecture.map(|p| i32::from(p.code()))),
        )
        .col_expr(
            user::Column::OrganizerBody,
            Expr::value(organizer_body.map(str::to_owned)),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn disable(db: &impl ConnectionTrait, user_id: i32, at: DateTime<Utc>) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::DisabledAt, Expr::value(at))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    auth_session::Entity::delete_many()
        .filter(auth_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
