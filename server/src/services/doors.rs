//! Helper links to one session's check-in page: scoped, expiring, revocable. Only the token's
//! hash is stored; the token is shown to the organizer once.

use chrono::{Duration, Utc};
use domain::api::{DeviceStatus, DoorInfo, DoorLink, DoorLinkCreated, NewDoorLink, RevokeRequest};
use domain::policy::{DoorClosed, door_link_state};
use domain::records::{DoorLinkRecord, Session};
use domain::{FieldError, Message};

use crate::db::{DbError, doors, sessions};
use crate::security;
use crate::services::AppState;

/// Longest a helper link may work.
pub const MAX_HOURS: u32 = 48;

/// Why a door-link request failed.
#[derive(Debug, thiserror::Error)]
pub enum DoorError {
    /// The helper's link does not open the door (unknown, revoked, expired, session posted).
    #[error("door closed")]
    Closed(Option<DoorClosed>),
    /// No such link of this session.
    #[error("not found")]
    NotFound,
    /// The form has problems, per field.
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    /// The session is posted: no more links.
    #[error("session posted")]
    Posted,
    /// The session is not designated yet: no links.
    #[error("session not designated")]
    NotDesignated,
    /// The device said it still holds scans; the organizer must confirm.
    #[error("device holds scans")]
    Unsent(Vec<FieldError>),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn view(row: DoorLinkRecord) -> DoorLink {
    DoorLink {
        id: row.id,
        label: row.label,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_seen_at: row.last_seen_at,
        unsent_scans: row.unsent_scans,
    }
}

/// The devices of a session that said they still hold scans, as field errors naming each
/// (a warning the organizer confirms before posting or revoking).
pub async fn holding_scans(
    app: &AppState,
    session: i32,
    only: Option<i32>,
) -> Result<Vec<FieldError>, DbError> {
    Ok(doors::of_session(&app.db, session)
        .await?
        .into_iter()
        .filter(|l| l.unsent_scans > 0 && only.is_none_or(|id| id == l.id))
        .map(|l| {
            FieldError::new(
                "doors",
                "unsent_scans",
                Message::key("door.unsent")
                    .arg("label", &l.label)
                    .arg("n", l.unsent_scans),
            )
        })
        .collect())
}

/// Records what a helper's device still holds (it reports whenever it is online).
pub async fn report(
    app: &AppState,
    door: &OpenDoor,
    status: &DeviceStatus,
) -> Result<(), DoorError> {
    doors::report(&app.db, door.link.id, status.unsent, Utc::now()).await?;
    Ok(())
}

/// Makes a link for `session` (already known to be the organizer's own).
pub async fn create(
    app: &AppState,
    session: &Session,
    organizer: i32,
    req: &NewDoorLink,
) -> Result<DoorLinkCreated, DoorError> {
    let mut errors = Vec::new();
    let label = req.label.trim();
    if label.is_empty() || label.chars().count() > 50 {
        errors.push(FieldError::new(
            "label",
            "required",
            Message::key("door.label.required"),
        ));
    }
    if !(1..=MAX_HOURS).contains(&req.hours) {
        errors.push(FieldError::new(
            "hours",
            "out_of_range",
            Message::key("door.hours.out_of_range").arg("max", MAX_HOURS),
        ));
    }
    if !errors.is_empty() {
        return Err(DoorError::Invalid(errors));
    }
    if session.posted_at.is_some() {
        return Err(DoorError::Posted);
    }
    if !session.designated() {
        return Err(DoorError::NotDesignated);
    }
    let (token, token_hash) = security::new_token();
    let now = Utc::now();
    let txn = crate::db::begin(&app.db).await?;
    let row = doors::insert(
        &txn,
        doors::NewLink {
            session_id: session.id,
            token_hash,
            label,
            created_by: organizer,
            created_at: now,
            expires_at: now + Duration::hours(i64::from(req.hours)),
        },
    )
    .await?;
    crate::db::audit::did(
        &txn,
        Some(organizer),
        "session",
        session.id,
        "door_link_created",
        Some(format!("{} ({} h)", row.label, req.hours)),
    )
    .await?;
    crate::db::commit(txn).await?;
    let path = format!("/door#{token}");
    let url = format!("{}{path}", app.settings.public_url.trim_end_matches('/'));
    Ok(DoorLinkCreated {
        link: view(row),
        qr_svg: pairing_code(&url),
        path,
    })
}

/// The helper link as a QR code (SVG) a helper's phone camera opens; empty if it cannot be
/// encoded (it always can: a URL of under 200 characters).
fn pairing_code(url: &str) -> String {
    qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// The session's links, newest first.
pub async fn list(app: &AppState, session: &Session) -> Result<Vec<DoorLink>, DoorError> {
    Ok(doors::of_session(&app.db, session.id)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Revokes a link of `session` at once; revoking twice keeps the first time. While its device
/// said it still holds scans, the organizer must confirm.
pub async fn revoke(
    app: &AppState,
    session: &Session,
    organizer: i32,
    id: i32,
    req: &RevokeRequest,
) -> Result<DoorLink, DoorError> {
    let row = doors::of_session_by_id(&app.db, session.id, id)
        .await?
        .ok_or(DoorError::NotFound)?;
    if row.revoked_at.is_none() && !req.confirm_unsent {
        let holding = holding_scans(app, session.id, Some(id)).await?;
        if !holding.is_empty() {
            return Err(DoorError::Unsent(holding));
        }
    }
    if row.revoked_at.is_none() {
        let txn = crate::db::begin(&app.db).await?;
        doors::revoke(&txn, id, Utc::now()).await?;
        crate::db::audit::did(
            &txn,
            Some(organizer),
            "session",
            session.id,
            "door_link_revoked",
            Some(row.label.clone()),
        )
        .await?;
        crate::db::commit(txn).await?;
    }
    let row = doors::of_session_by_id(&app.db, session.id, id)
        .await?
        .ok_or(DoorError::NotFound)?;
    Ok(view(row))
}

/// An open helper link and its session.
#[derive(Clone, Debug)]
pub struct OpenDoor {
    /// The link.
    pub link: DoorLinkRecord,
    /// Its session.
    pub session: Session,
}

/// The link a helper's token opens and its session, while the link is open.
pub async fn open(app: &AppState, token: &str) -> Result<OpenDoor, DoorError> {
    let link = doors::by_token_hash(&app.db, &security::token_hash(token.trim()))
        .await?
        .ok_or(DoorError::Closed(None))?;
    let session = sessions::by_id(&app.db, link.session_id)
        .await?
        .ok_or(DoorError::Closed(None))?;
    door_link_state(
        link.revoked_at,
        link.expires_at,
        session.posted_at.is_some(),
        Utc::now(),
    )
    .map_err(|why| DoorError::Closed(Some(why)))?;
    Ok(OpenDoor { link, session })
}

/// What the helper's page shows about its link.
pub fn info(door: &OpenDoor) -> DoorInfo {
    DoorInfo {
        session: door.session.public(),
        label: door.link.label.clone(),
        expires_at: door.link.expires_at,
    }
}
