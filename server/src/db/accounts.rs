//! Users, physicians, login sessions and login throttling.

use chrono::{Duration, Utc};
use domain::account::{Membership, Registration, Role};
use domain::api::{CreateUser, Me, PhysicianProfile, UserSummary};
use domain::{FieldError, Prefecture};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use crate::auth::{self, CurrentUser};
use crate::entities::{auth_session, credit, login_failure, physician, user};
use crate::error::ApiError;

/// How many failed logins for one e-mail within [`THROTTLE_WINDOW_MINUTES`] before refusing.
pub const MAX_FAILED_LOGINS: u64 = 5;
/// The sliding window of login throttling.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

fn membership_code(m: Membership) -> &'static str {
    match m {
        Membership::Member => "member",
        Membership::NonMember => "non_member",
    }
}

fn membership_from(code: &str) -> Membership {
    if code == "non_member" {
        Membership::NonMember
    } else {
        Membership::Member
    }
}

fn prefecture_of(code: i32) -> Option<Prefecture> {
    u8::try_from(code).ok().and_then(Prefecture::from_code)
}

fn taken_email() -> FieldError {
    FieldError::new(
        "email",
        "taken",
        "このメールアドレスはすでに使われています。別のアドレスを入力するかログインしてください",
        "This e-mail address is already in use. Use another or log in",
    )
}

/// Creates a physician account and attaches any attendance recorded for the registry number
/// before registration, in one transaction. Returns the new user id.
pub async fn register_physician(
    db: &DatabaseConnection,
    r: &Registration,
) -> Result<i32, ApiError> {
    let password_hash = auth::hash_password(r.password.expose())?;
    let txn = db.begin().await?;
    let mut conflicts = Vec::new();
    if user::Entity::find()
        .filter(user::Column::Email.eq(r.email.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        conflicts.push(taken_email());
    }
    if physician::Entity::find()
        .filter(physician::Column::RegistryNumber.eq(r.registry_number.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        conflicts.push(FieldError::new(
            "registry_number",
            "taken",
            "この医籍登録番号のマイページはすでにあります。ログインしてください",
            "A My Page already exists for this registry number. Please log in",
        ));
    }
    if !conflicts.is_empty() {
        return Err(ApiError::Conflict(conflicts));
    }
    let created = user::ActiveModel {
        role: Set(Role::Physician.code().to_owned()),
        email: Set(r.email.as_str().to_owned()),
        password_hash: Set(password_hash),
        display_name: Set(r.name_kanji.as_str().to_owned()),
        prefecture: Set(Some(i32::from(r.prefecture.code()))),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    physician::ActiveModel {
        user_id: Set(created.id),
        registry_number: Set(r.registry_number.as_str().to_owned()),
        name_kanji: Set(r.name_kanji.as_str().to_owned()),
        name_kana: Set(r.name_kana.as_str().to_owned()),
        birth_date: Set(r.birth_date),
        prefecture: Set(i32::from(r.prefecture.code())),
        membership: Set(membership_code(r.membership).to_owned()),
        workplace_name: Set(r.workplace_name.clone()),
        phone: Set(None),
    }
    .insert(&txn)
    .await?;
    // No credit is lost for registering late: attendance kept against the number is attached.
    credit::Entity::update_many()
        .col_expr(credit::Column::PhysicianId, Expr::value(created.id))
        .filter(credit::Column::RegistryNumber.eq(r.registry_number.as_str()))
        .filter(credit::Column::PhysicianId.is_null())
        // When the organizer noted a date of birth, it must match too.
        .filter(
            Condition::any()
                .add(credit::Column::AttendeeBirthDate.is_null())
                .add(credit::Column::AttendeeBirthDate.eq(r.birth_date)),
        )
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(created.id)
}

/// Creates a staff, organizer or admin account (admins and `nintei admin` only).
pub async fn create_user(
    db: &impl ConnectionTrait,
    req: &CreateUser,
) -> Result<UserSummary, ApiError> {
    let mut errors = Vec::new();
    let email = domain::account::Email::parse(&req.email)
        .map_err(|e| errors.push(e))
        .ok();
    let password = domain::account::Password::parse(&req.password, &[])
        .map_err(|e| errors.push(e))
        .ok();
    if req.display_name.trim().is_empty() {
        errors.push(FieldError::new(
            "display_name",
            "required",
            "表示名を入力してください",
            "Enter a display name",
        ));
    }
    match req.role {
        Role::Physician => errors.push(FieldError::new(
            "role",
            "physician_self_registers",
            "医師はご自身でマイページ登録を行います",
            "Physicians register their own My Page",
        )),
        Role::PrefecturalStaff if req.prefecture.is_none() => errors.push(FieldError::new(
            "prefecture",
            "required",
            "都道府県医師会の職員には都道府県を選んでください",
            "Choose the prefecture of this staff member",
        )),
        Role::Organizer
            if req
                .organizer_body
                .as_deref()
                .is_none_or(|b| b.trim().is_empty()) =>
        {
            errors.push(FieldError::new(
                "organizer_body",
                "required",
                "主催団体を入力してください",
                "Enter the organizing body",
            ))
        }
        _ => {}
    }
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict(vec![taken_email()]));
    }
    let created = user::ActiveModel {
        role: Set(req.role.code().to_owned()),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(auth::hash_password(password.expose())?),
        display_name: Set(req.display_name.trim().to_owned()),
        prefecture: Set(req.prefecture.map(|p| i32::from(p.code()))),
        organizer_body: Set(req
            .organizer_body
            .as_deref()
            .map(str::trim)
            .map(str::to_owned)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(summary(created))
}

fn summary(u: user::Model) -> UserSummary {
    UserSummary {
        id: u.id,
        role: Role::from_code(&u.role).unwrap_or(Role::Physician),
        email: u.email,
        display_name: u.display_name,
        prefecture: u.prefecture.and_then(prefecture_of),
        organizer_body: u.organizer_body,
    }
}

/// Every non-physician account, for the admin page.
pub async fn staff_users(db: &DatabaseConnection) -> Result<Vec<UserSummary>, ApiError> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.ne(Role::Physician.code()))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// Checks a login. Throttles by e-mail, whether or not the account exists, and answers the
/// same way for an unknown e-mail and a wrong password. Returns the session token.
pub async fn login(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    hours: i64,
) -> Result<String, ApiError> {
    let key = email.trim().to_lowercase();
    let now = Utc::now();
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let recent = login_failure::Entity::find()
        .filter(login_failure::Column::Key.eq(&key))
        .filter(login_failure::Column::At.gt(since))
        .order_by_asc(login_failure::Column::At)
        .all(db)
        .await?;
    if recent.len() as u64 >= MAX_FAILED_LOGINS {
        let oldest = recent[0].at;
        let retry = (oldest + Duration::minutes(THROTTLE_WINDOW_MINUTES) - now)
            .num_seconds()
            .max(1);
        return Err(ApiError::Throttled(retry as u64));
    }
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&key))
        .one(db)
        .await?;
    let ok = auth::verify_password(password, found.as_ref().map(|u| u.password_hash.as_str()));
    let Some(found) = found.filter(|_| ok) else {
        login_failure::ActiveModel {
            key: Set(key),
            at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        return Err(ApiError::BadCredentials);
    };
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Key.eq(&key))
        .exec(db)
        .await?;
    let (token, hash) = auth::new_session_token();
    auth_session::ActiveModel {
        token_hash: Set(hash),
        user_id: Set(found.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(hours)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Ends a session.
pub async fn logout(db: &DatabaseConnection, token_hash: &str) -> Result<(), ApiError> {
    auth_session::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// The user of a live session.
pub async fn user_for_session(
    db: &DatabaseConnection,
    token_hash: &str,
) -> Result<Option<CurrentUser>, ApiError> {
    let Some(session) = auth_session::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= Utc::now() {
        auth_session::Entity::delete_by_id(session.token_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    let Some(u) = user::Entity::find_by_id(session.user_id).one(db).await? else {
        return Ok(None);
    };
    let role = Role::from_code(&u.role)
        .ok_or_else(|| ApiError::Internal(format!("unknown role {}", u.role)))?;
    Ok(Some(CurrentUser {
        id: u.id,
        role,
        prefecture: u.prefecture,
    }))
}

/// A physician's registered details.
pub async fn physician_profile(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<PhysicianProfile>, ApiError> {
    Ok(physician::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|p| PhysicianProfile {
            registry_number: p.registry_number,
            name_kanji: p.name_kanji,
            name_kana: p.name_kana,
            birth_date: p.birth_date,
            prefecture: prefecture_of(p.prefecture).unwrap_or(Prefecture::TOKYO),
            membership: membership_from(&p.membership),
            workplace_name: p.workplace_name,
            phone: p.phone,
        }))
}

/// Who is logged in, for `GET /api/me`.
pub async fn me(db: &DatabaseConnection, current: &CurrentUser) -> Result<Me, ApiError> {
    let u = user::Entity::find_by_id(current.id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let physician = physician_profile(db, u.id).await?;
    Ok(Me {
        id: u.id,
        role: current.role,
        display_name: u.display_name,
        email: u.email,
        prefecture: u.prefecture.and_then(prefecture_of),
        organizer_body: u.organizer_body,
        physician,
    })
}

/// Number of users, to tell a fresh database from a seeded one.
pub async fn count_users(db: &DatabaseConnection) -> Result<u64, ApiError> {
    Ok(user::Entity::find().count(db).await?)
}
