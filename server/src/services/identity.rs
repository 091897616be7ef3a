//! Who a physician is. The e-mail address is confirmed by a single-use link; then the
//! registration is compared with JMA's registry: a full match is verified at once and the
//! registry's certificates appear on My Page; anything else waits for the prefectural staff,
//! who check the medical licence the physician uploads. A registry number already in use can
//! be claimed by the physician who really holds it; staff decide, and on approval the number,
//! its ledger and its certificates move to the claimant.
//!
//! Until a physician is verified nothing is theirs: attendance recorded against the number
//! stays unattached, there is no personal QR code and no application ([`require_verified`]).

use chrono::{DateTime, Duration, Utc};
use domain::account::Role;
use domain::api::PhysicianProfile;
use domain::application::DocumentKind;
use domain::identity::{
    Decision, IdentityStatus, IdentityView, QueueItem, RequestKind, RequestStatus, RequestView,
};
use domain::policy::{Actor, may_decide_identity};
use domain::records::User;
use domain::registry::{RegistryMatch, match_identity};
use domain::{FieldError, Message};
use sea_orm::ConnectionTrait;

use crate::db::{
    self, DbError, accounts, applications, audit, certificates, documents, identity, registry,
    tokens,
};
use crate::security;
use crate::services::{AppState, mail};

/// How long a confirmation link works.
pub const LINK_HOURS: i64 = 48;
/// How many confirmation mails an account may ask for within an hour.
pub const MAX_LINKS_PER_HOUR: u64 = 3;
/// The longest reason staff may give.
const MAX_REASON: usize = 1000;

/// Why an identity request failed.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// No such request that this person may see.
    #[error("not found")]
    NotFound,
    /// The link is unknown, used or expired.
    #[error("link invalid")]
    LinkInvalid,
    /// Too many confirmation mails; try again after the seconds given.
    #[error("throttled")]
    Throttled(u64),
    /// The request has problems, per field.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// The state does not allow it, and what to do.
    #[error("refused")]
    Refused(Message),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Why something only a verified physician may do was refused.
pub fn not_verified(email_verified: bool) -> Message {
    if email_verified {
        Message::key("identity.required.identity")
    } else {
        Message::key("identity.required.email")
    }
}

/// Refuses (with what to do) unless the physician's e-mail and identity are verified.
pub async fn require_verified(db: &impl ConnectionTrait, actor: &Actor) -> Result<(), Message> {
    let user = accounts::user(db, actor.id)
        .await
        .map_err(|_| Message::key("error.internal"))?;
    let status = accounts::identity(db, actor.id)
        .await
        .map_err(|_| Message::key("error.internal"))?;
    let email_verified = user.is_some_and(|u| u.email_verified);
    match status {
        Some((IdentityStatus::Verified, _)) if email_verified => Ok(()),
        _ => Err(not_verified(email_verified)),
    }
}

/// What My Page shows of who the physician is.
pub async fn view(db: &impl ConnectionTrait, user: &User) -> Result<IdentityView, DbError> {
    let (status, registry_match) = accounts::identity(db, user.id)
        .await?
        .unwrap_or((IdentityStatus::Pending, RegistryMatch::None));
    let request = identity::latest_of(db, user.id)
        .await?
        .map(|r| RequestView {
            id: r.id,
            kind: r.kind,
            status: r.status,
            document_sent: r.document_id.is_some(),
            submitted_at: r.submitted_at,
            reason: r.reason,
        });
    Ok(IdentityView {
        email_verified: user.email_verified,
        status,
        registry_match,
        request,
    })
}

/// Writes a confirmation link for `user` into the outbox (inside the caller's transaction).
pub async fn send_link(
    db: &impl ConnectionTrait,
    app: &AppState,
    user_id: i32,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let link = mail::Link {
        purpose: tokens::VERIFY_EMAIL,
        new_email: None,
        page: "verify-email",
        subject: "mail.verify.subject",
        body: "mail.verify.body",
        lifetime: mail::Lifetime::Hours(LINK_HOURS),
    };
    mail::queue_link(db, &app.settings.public_url, user_id, email, link, now).await
}

/// Sends a new confirmation link, at most [`MAX_LINKS_PER_HOUR`] an hour.
pub async fn resend(app: &AppState, actor: &Actor) -> Result<(), IdentityError> {
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if user.email_verified {
        return Err(IdentityError::Refused(Message::key(
            "identity.email.already",
        )));
    }
    let now = Utc::now();
    if tokens::sent_since(
        &app.db,
        user.id,
        tokens::VERIFY_EMAIL,
        now - Duration::hours(1),
    )
    .await?
        >= MAX_LINKS_PER_HOUR
    {
        return Err(IdentityError::Throttled(3600));
    }
    let txn = db::begin(&app.db).await?;
    send_link(&txn, app, user.id, &user.email, now).await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(())
}

/// Uses a confirmation link: the address is confirmed, then the registration is compared with
/// the registry (a full match is verified at once, with the registry's certificates); anything
/// else opens a request for the licence check. Works without a login (the link may be opened
/// on another device); a second use of the link is refused.
pub async fn verify_email(app: &AppState, token: &str) -> Result<IdentityView, IdentityError> {
    let now = Utc::now();
    let txn = db::begin(&app.db).await?;
    let (user_id, _) = tokens::take(
        &txn,
        &security::token_hash(token.trim()),
        tokens::VERIFY_EMAIL,
        now,
    )
    .await?
    .ok_or(IdentityError::LinkInvalid)?;
    accounts::set_email_verified(&txn, user_id, now).await?;
    audit::moved(
        &txn,
        Some(user_id),
        "user",
        user_id,
        "email_verified",
        None,
        None,
    )
    .await?;
    if let Some(profile) = accounts::physician(&txn, user_id).await? {
        let status = accounts::identity(&txn, user_id).await?;
        if matches!(status, Some((IdentityStatus::Pending, _))) {
            check_registry(&txn, user_id, &profile, now).await?;
        }
    }
    let user = accounts::user(&txn, user_id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    let view = view(&txn, &user).await?;
    db::commit(txn).await?;
    Ok(view)
}

/// Compares a registration with the registry: a full match verifies it and links it; anything
/// else records how it compared and opens a licence request (if none is open).
async fn check_registry(
    db: &impl ConnectionTrait,
    user_id: i32,
    profile: &PhysicianProfile,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let person = registry::person(db, &profile.registry_number).await?;
    let found = match_identity(person.as_ref(), profile.birth_date, &profile.name_kana);
    if found == RegistryMatch::Full {
        accounts::set_identity(db, user_id, IdentityStatus::Verified, found, now).await?;
        link(db, user_id, profile).await?;
        audit::moved(
            db,
            None,
            "user",
            user_id,
            "identity_verified",
            Some("registry"),
            None,
        )
        .await?;
    } else {
        accounts::set_identity(db, user_id, IdentityStatus::Pending, found, now).await?;
        let open = identity::latest_of(db, user_id).await?;
        if open.is_none_or(|r| r.status != RequestStatus::Pending) {
            let r = identity::open(
                db,
                user_id,
                RequestKind::Licence,
                profile.prefecture,
                &profile.registry_number,
                None,
            )
            .await?;
            audit::moved(
                db,
                Some(user_id),
                "identity_request",
                r.id,
                "open",
                Some(found.code()),
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// Everything that becomes a verified physician's: attendance kept against the number (with
/// the same birth date, where one was noted) and the registry's certificates.
async fn link(
    db: &impl ConnectionTrait,
    user_id: i32,
    p: &PhysicianProfile,
) -> Result<(), DbError> {
    accounts::attach_credits(db, user_id, &p.registry_number, p.birth_date).await?;
    for c in registry::certificates_of(db, &p.registry_number).await? {
        certificates::sync_from_registry(db, user_id, &c).await?;
    }
    Ok(())
}

/// Sends the uploaded licence to the prefectural staff (again, after a refusal).
pub async fn submit_licence(
    app: &AppState,
    actor: &Actor,
    document_id: i32,
) -> Result<RequestView, IdentityError> {
    let user = accounts::user(&app.db, actor.id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if !user.email_verified {
        return Err(IdentityError::Refused(Message::key(
            "identity.required.email",
        )));
    }
    let txn = db::begin(&app.db).await?;
    if matches!(
        accounts::identity(&txn, actor.id).await?,
        Some((IdentityStatus::Verified, _))
    ) {
        return Err(IdentityError::Refused(Message::key("identity.already")));
    }
    let doc = documents::owned(&txn, actor.id, &[document_id]).await?;
    if doc
        .first()
        .is_none_or(|d| d.kind != DocumentKind::MedicalLicence)
    {
        return Err(IdentityError::Invalid(vec![FieldError::new(
            "document_id",
            "licence",
            Message::key("identity.licence.document"),
        )]));
    }
    let request = identity::latest_of(&txn, actor.id)
        .await?
        .filter(|r| r.status != RequestStatus::Verified)
        .ok_or(IdentityError::Refused(Message::key("identity.already")))?;
    let now = Utc::now();
    identity::submit(&txn, request.id, document_id, now).await?;
    // A refused licence sent again is waiting again.
    if request.status == RequestStatus::Rejected && request.kind == RequestKind::Licence {
        accounts::set_identity(
            &txn,
            actor.id,
            IdentityStatus::Pending,
            registry_match(&txn, actor.id).await?,
            now,
        )
        .await?;
    }
    audit::moved(
        &txn,
        Some(actor.id),
        "identity_request",
        request.id,
        "submit",
        Some("pending"),
        None,
    )
    .await?;
    db::commit(txn).await?;
    Ok(RequestView {
        id: request.id,
        kind: request.kind,
        status: RequestStatus::Pending,
        document_sent: true,
        submitted_at: Some(now),
        reason: None,
    })
}

async fn registry_match(db: &impl ConnectionTrait, user_id: i32) -> Result<RegistryMatch, DbError> {
    Ok(accounts::identity(db, user_id)
        .await?
        .map_or(RegistryMatch::None, |(_, m)| m))
}

/// The requests waiting for (or decided by) the staff of the actor's prefecture.
pub async fn queue(
    app: &AppState,
    actor: &Actor,
    status: RequestStatus,
    after: Option<i32>,
) -> Result<Vec<QueueItem>, IdentityError> {
    let Some(prefecture) = actor
        .prefecture
        .filter(|_| actor.role == Role::PrefecturalStaff)
    else {
        return Err(IdentityError::NotFound);
    };
    let mut out = Vec::new();
    for r in identity::queue(&app.db, prefecture, status, after).await? {
        out.push(item(&app.db, r).await?);
    }
    Ok(out)
}

/// One request, for the staff who may decide it (anyone else: not found).
pub async fn detail(app: &AppState, actor: &Actor, id: i32) -> Result<QueueItem, IdentityError> {
    let r = identity::by_id(&app.db, id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if !may_decide_identity(actor, r.prefecture) || r.submitted_at.is_none() {
        return Err(IdentityError::NotFound);
    }
    item(&app.db, r).await
}

/// The details a request was made with: the physician row, or for a claim the registration the
/// claimant made.
fn claimed_profile(r: &identity::Request) -> Option<PhysicianProfile> {
    r.claim_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}

async fn item(db: &impl ConnectionTrait, r: identity::Request) -> Result<QueueItem, IdentityError> {
    let profile = match r.kind {
        RequestKind::Claim => claimed_profile(&r),
        RequestKind::Licence => accounts::physician(db, r.user_id).await?,
    }
    .ok_or_else(|| DbError::Corrupt(format!("identity request {} has no details", r.id)))?;
    let current_holder = match r.kind {
        RequestKind::Claim => accounts::holder_of(db, &r.registry_number)
            .await?
            .filter(|u| u.id != r.user_id)
            .map(|u| u.display_name),
        RequestKind::Licence => None,
    };
    Ok(QueueItem {
        id: r.id,
        kind: r.kind,
        status: r.status,
        registry_number: r.registry_number.clone(),
        name_kanji: profile.name_kanji,
        name_kana: profile.name_kana,
        birth_date: profile.birth_date,
        prefecture: r.prefecture,
        submitted_at: r.submitted_at,
        document_id: r.document_id,
        registry: registry::person(db, &r.registry_number).await?,
        current_holder,
        reason: r.reason,
    })
}

/// Staff verify or refuse a request. A verified licence links the physician (attendance and
/// registry certificates); a verified claim moves the number, its ledger and its certificates
/// from the account that held it to the claimant, withdraws that account's open applications
/// and locks it. Both sides are told by mail; every step is in the audit log.
pub async fn decide(
    app: &AppState,
    actor: &Actor,
    id: i32,
    decision: &Decision,
) -> Result<QueueItem, IdentityError> {
    let reason = decision.reason.trim();
    if !decision.verified && reason.is_empty() {
        return Err(IdentityError::Invalid(vec![FieldError::new(
            "reason",
            "required",
            Message::key("identity.reason.required"),
        )]));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(IdentityError::Invalid(vec![FieldError::new(
            "reason",
            "length",
            Message::key("identity.reason.length").arg("max", MAX_REASON),
        )]));
    }
    let now = Utc::now();
    let txn = db::begin(&app.db).await?;
    let r = identity::by_id(&txn, id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    if !may_decide_identity(actor, r.prefecture) || r.submitted_at.is_none() {
        return Err(IdentityError::NotFound);
    }
    let status = if decision.verified {
        RequestStatus::Verified
    } else {
        RequestStatus::Rejected
    };
    let note = (!reason.is_empty()).then(|| reason.to_owned());
    if !identity::decide(&txn, id, status, note.clone(), actor.id, now).await? {
        return Err(IdentityError::Refused(Message::key("identity.decided")));
    }
    audit::moved(
        &txn,
        Some(actor.id),
        "identity_request",
        id,
        if decision.verified {
            "verify"
        } else {
            "reject"
        },
        Some(status.code()),
        note.clone(),
    )
    .await?;
    let claimant = accounts::user(&txn, r.user_id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    match (r.kind, decision.verified) {
        (RequestKind::Licence, true) => {
            let profile = accounts::physician(&txn, r.user_id)
                .await?
                .ok_or(IdentityError::NotFound)?;
            let found = registry_match(&txn, r.user_id).await?;
            accounts::set_identity(&txn, r.user_id, IdentityStatus::Verified, found, now).await?;
            link(&txn, r.user_id, &profile).await?;
            audit::moved(
                &txn,
                Some(actor.id),
                "user",
                r.user_id,
                "identity_verified",
                Some("licence"),
                None,
            )
            .await?;
        }
        (RequestKind::Licence, false) => {
            let found = registry_match(&txn, r.user_id).await?;
            accounts::set_identity(&txn, r.user_id, IdentityStatus::Rejected, found, now).await?;
        }
        (RequestKind::Claim, true) => {
            let profile = claimed_profile(&r)
                .ok_or_else(|| DbError::Corrupt(format!("claim {id} has no details")))?;
            move_number(&txn, actor, &r, &profile, now).await?;
            let person = registry::person(&txn, &profile.registry_number).await?;
            let found = match_identity(person.as_ref(), profile.birth_date, &profile.name_kana);
            accounts::set_identity(&txn, r.user_id, IdentityStatus::Verified, found, now).await?;
            link(&txn, r.user_id, &profile).await?;
            audit::moved(
                &txn,
                Some(actor.id),
                "user",
                r.user_id,
                "identity_verified",
                Some("claim"),
                None,
            )
            .await?;
        }
        (RequestKind::Claim, false) => {}
    }
    let outcome = if decision.verified {
        "verified"
    } else {
        "rejected"
    };
    mail::queue(
        &txn,
        &claimant.email,
        &Message::key(format!("mail.identity.{outcome}.subject")),
        &Message::key(format!("mail.identity.{outcome}.body"))
            .arg("name", claimant.display_name.clone()),
        note.as_deref(),
    )
    .await?;
    let updated = identity::by_id(&txn, id)
        .await?
        .ok_or(IdentityError::NotFound)?;
    let answer = item(&txn, updated).await?;
    db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    Ok(answer)
}

/// A verified claim: the number leaves the account that held it (locked, its open applications
/// withdrawn, told by mail) for the claimant, with its ledger and certificates; if no account
/// holds it any more, the claimant's physician row is made from the claim.
async fn move_number(
    db: &impl ConnectionTrait,
    actor: &Actor,
    r: &identity::Request,
    profile: &PhysicianProfile,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    match accounts::holder_of(db, &r.registry_number).await? {
        Some(holder) if holder.id != r.user_id => {
            let withdrawn = applications::withdraw_open(db, holder.id).await?;
            for a in &withdrawn {
                audit::moved(
                    db,
                    Some(actor.id),
                    "application",
                    *a,
                    "withdraw",
                    Some("withdrawn"),
                    Some("claim".into()),
                )
                .await?;
            }
            accounts::move_physician(db, holder.id, r.user_id, profile).await?;
            accounts::disable(db, holder.id, now).await?;
            audit::moved(
                db,
                Some(actor.id),
                "user",
                holder.id,
                "locked",
                None,
                Some(format!("claim {}", r.id)),
            )
            .await?;
            mail::queue(
                db,
                &holder.email,
                &Message::key("mail.identity.locked.subject"),
                &Message::key("mail.identity.locked.body")
                    .arg("name", holder.display_name.clone())
                    .arg("registry_number", r.registry_number.clone()),
                None,
            )
            .await?;
        }
        Some(_) => {}
        None => accounts::insert_physician(db, r.user_id, profile).await?,
    }
    Ok(())
}

/// Opens the claim of a registration whose number another account holds (at registration,
/// inside its transaction); the claimant sends the licence once the address is confirmed.
pub async fn open_claim(
    db: &impl ConnectionTrait,
    user_id: i32,
    profile: &PhysicianProfile,
    claim_json: String,
) -> Result<(), DbError> {
    let r = identity::open(
        db,
        user_id,
        RequestKind::Claim,
        profile.prefecture,
        &profile.registry_number,
        Some(claim_json),
    )
    .await?;
    audit::moved(
        db,
        Some(user_id),
        "identity_request",
        r.id,
        "open",
        Some("claim"),
        None,
    )
    .await
}

/// Units left unattached whose registry number a verified physician of the staff's prefecture
/// now holds, with a birth date noted at the door that is not theirs: the staff decide whether
/// they are that physician's.
pub async fn unattached(
    app: &AppState,
    actor: &Actor,
) -> Result<Vec<domain::api::UnattachedCredit>, IdentityError> {
    let prefecture = actor.prefecture.ok_or(IdentityError::NotFound)?;
    Ok(crate::db::credits::unattached_mismatched(&app.read, prefecture, None).await?)
}

/// Gives unattached unit `credit_id` to the physician who holds its registry number, with the
/// staff's reason (an audit row in the same transaction); My Page shows it at once.
pub async fn attach(
    app: &AppState,
    actor: &Actor,
    credit_id: i32,
    req: &domain::api::AttachRequest,
) -> Result<(), IdentityError> {
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(IdentityError::Invalid(vec![FieldError::new(
            "reason",
            "required",
            Message::key("unattached.reason_required"),
        )]));
    }
    let prefecture = actor.prefecture.ok_or(IdentityError::NotFound)?;
    let txn = crate::db::begin(&app.db).await?;
    let listed = crate::db::credits::unattached_mismatched(&txn, prefecture, Some(credit_id))
        .await?
        .into_iter()
        .find(|c| c.credit_id == credit_id)
        .ok_or(IdentityError::NotFound)?;
    let holder = accounts::registered(&txn, std::slice::from_ref(&listed.registry_number))
        .await?
        .remove(&listed.registry_number)
        .ok_or(IdentityError::NotFound)?;
    if !crate::db::credits::attach_one(&txn, credit_id, holder.user_id).await? {
        return Err(IdentityError::NotFound);
    }
    crate::db::audit::did(
        &txn,
        Some(actor.id),
        "credit",
        credit_id,
        "credit_attached",
        Some(format!("{}: {reason}", listed.registry_number)),
    )
    .await?;
    crate::db::commit(txn).await?;
    Ok(())
}
