//! Users, physicians and login sessions.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::account::Role;
use domain::api::PhysicianProfile;
use domain::identity::IdentityStatus;
use domain::records::User;
use domain::registry::RegistryMatch;
use domain::{Prefecture, api::ContactForm};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::db::{DbError, DbResult, prefecture};
use crate::entities::{Code, auth_session, credit, physician, user};

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

/// Starts a login session kept by its token's hash.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: i32,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    auth_session::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
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

/// The user of a live session; an expired one is removed.
pub async fn session_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<User>> {
    let Some(session) = auth_session::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= now {
        delete_session(db, token_hash).await?;
        return Ok(None);
    }
    // A locked account's sessions were ended; this keeps a racing one out too.
    Ok(user(db, session.user_id).await?.filter(|u| !u.disabled))
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
