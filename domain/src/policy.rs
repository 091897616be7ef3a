//! Who may do what. Each permission is one pure function that the server's services call, so
//! "who may see this application" or "may this link still record scans" has one answer, in one
//! place, tested as a table.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::Role;
use crate::application::{Actor as StepActor, Status, Step};
use crate::prefecture::Prefecture;

/// The person behind a request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// User id.
    pub id: i32,
    /// Role.
    pub role: Role,
    /// The prefecture of prefectural staff (and of organizers and physicians, where known).
    pub prefecture: Option<Prefecture>,
}

/// What a permission needs to know about an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationAccess {
    /// The applicant.
    pub physician_id: i32,
    /// The prefecture whose association reviews it.
    pub prefecture: Prefecture,
    /// Its status now.
    pub status: Status,
}

/// Whether JMA has received the application (forwarded, or decided after that).
pub const fn received_by_jma(status: Status) -> bool {
    matches!(
        status,
        Status::Forwarded | Status::Approved | Status::Rejected
    )
}

/// Who may see an application: its physician, the staff of its prefecture, JMA once it has
/// been forwarded. Organizers and admins never.
pub fn may_see_application(actor: &Actor, app: &ApplicationAccess) -> bool {
    match actor.role {
        Role::Physician => app.physician_id == actor.id,
        Role::PrefecturalStaff => actor.prefecture == Some(app.prefecture),
        Role::JmaStaff => received_by_jma(app.status),
        Role::Organizer | Role::Admin => false,
    }
}

/// Whether the actor's role is the one that takes `step` (the physician submits and withdraws,
/// the prefecture reviews and forwards, JMA decides).
pub fn role_takes_step(role: Role, step: Step) -> bool {
    matches!(
        (step.actor(), role),
        (StepActor::Physician, Role::Physician)
            | (StepActor::Prefecture, Role::PrefecturalStaff)
            | (StepActor::Jma, Role::JmaStaff)
    )
}

/// What answer a step on an application gets before its status is considered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepPermission {
    /// The actor may take it.
    Allowed,
    /// The actor may see the application but not take this step (403).
    WrongRole,
    /// The actor may not even know the application exists (404).
    Hidden,
}

/// Whether `actor` may take `step` on `app`: they must see it and be the one who takes it.
pub fn may_take_step(actor: &Actor, step: Step, app: &ApplicationAccess) -> StepPermission {
    if !may_see_application(actor, app) {
        StepPermission::Hidden
    } else if role_takes_step(actor.role, step) {
        StepPermission::Allowed
    } else {
        StepPermission::WrongRole
    }
}

/// Which applications a list shows an actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationScope {
    /// A physician's own.
    Own(i32),
    /// Every application of a prefecture.
    Prefecture(Prefecture),
    /// What JMA has received.
    ReceivedByJma,
    /// Nothing.
    None,
}

/// The applications a list may show `actor`; the same rule as [`may_see_application`].
pub fn application_scope(actor: &Actor) -> ApplicationScope {
    match (actor.role, actor.prefecture) {
        (Role::Physician, _) => ApplicationScope::Own(actor.id),
        (Role::PrefecturalStaff, Some(p)) => ApplicationScope::Prefecture(p),
        (Role::JmaStaff, _) => ApplicationScope::ReceivedByJma,
        _ => ApplicationScope::None,
    }
}

/// Who may download a document: its owner, and the reviewers who may see the application it is
/// attached to (a physician never sees another physician's document, even on an application).
pub fn may_read_document(
    actor: &Actor,
    owner_id: i32,
    attached_to: Option<&ApplicationAccess>,
) -> bool {
    if owner_id == actor.id {
        return true;
    }
    match attached_to {
        Some(app) => actor.role != Role::Physician && may_see_application(actor, app),
        None => false,
    }
}

/// Whether an organizer may run a session: only the organizer who created it. Anyone else is
/// told it does not exist.
pub fn may_run_session(actor: &Actor, session_organizer_id: i32) -> bool {
    actor.role == Role::Organizer && actor.id == session_organizer_id
}

/// Why a helper's check-in link no longer opens the door.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorClosed {
    /// The organizer revoked it.
    Revoked,
    /// Its hours are over.
    Expired,
    /// The session's credits are posted: nothing more is recorded at the door.
    Posted,
}

/// Whether a helper link still records scans, and if not why.
pub fn door_link_state(
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    session_posted: bool,
    now: DateTime<Utc>,
) -> Result<(), DoorClosed> {
    if revoked_at.is_some() {
        Err(DoorClosed::Revoked)
    } else if session_posted {
        Err(DoorClosed::Posted)
    } else if expires_at <= now {
        Err(DoorClosed::Expired)
    } else {
        Ok(())
    }
}

/// Designating a session, or returning it: the staff of the prefecture where it is held, or JMA
/// (national sessions, and any prefecture without staff of its own).
pub fn may_designate(actor: &Actor, prefecture: Prefecture) -> bool {
    match actor.role {
        Role::PrefecturalStaff => actor.prefecture == Some(prefecture),
        Role::JmaStaff => true,
        _ => false,
    }
}

/// Who decides a physician's identity: the staff of the prefecture the physician registered
/// with (their association knows its members). Anyone else is told it does not exist.
pub fn may_decide_identity(actor: &Actor, prefecture: Prefecture) -> bool {
    actor.role == Role::PrefecturalStaff && actor.prefecture == Some(prefecture)
}

/// Who imports JMA's registry: JMA staff and admins.
pub fn may_import_registry(actor: &Actor) -> bool {
    matches!(actor.role, Role::JmaStaff | Role::Admin)
}

/// Who searches the registry: staff and admins.
pub fn may_search_registry(actor: &Actor) -> bool {
    matches!(
        actor.role,
        Role::PrefecturalStaff | Role::JmaStaff | Role::Admin
    )
}

/// Whether `actor` may revoke a certificate: JMA issues them, so JMA's staff.
pub fn may_revoke_certificate(actor: &Actor) -> bool {
    actor.role == Role::JmaStaff
}

/// Who may manage accounts and read the outbox.
pub fn is_admin(actor: &Actor) -> bool {
    actor.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::Status::*;

    const KYOTO: Prefecture = Prefecture::KYOTO;
    const TOKYO: Prefecture = Prefecture::TOKYO;

    fn actor(id: i32, role: Role, prefecture: Option<Prefecture>) -> Actor {
        Actor {
            id,
            role,
            prefecture,
        }
    }

    #[test]
    fn only_jma_staff_revoke_certificates() {
        let table = [
            (Role::Physician, false),
            (Role::Organizer, false),
            (Role::PrefecturalStaff, false),
            (Role::JmaStaff, true),
            (Role::Admin, false),
        ];
        for (role, may) in table {
            assert_eq!(
                may_revoke_certificate(&actor(1, role, None)),
                may,
                "{role:?}"
            );
        }
    }

    fn app(status: Status) -> ApplicationAccess {
        ApplicationAccess {
            physician_id: 1,
            prefecture: KYOTO,
            status,
        }
    }

    #[test]
    fn an_application_is_seen_by_its_physician_its_prefecture_and_jma_once_forwarded() {
        let physician = actor(1, Role::Physician, Some(KYOTO));
        let other_physician = actor(2, Role::Physician, Some(KYOTO));
        let kyoto = actor(10, Role::PrefecturalStaff, Some(KYOTO));
        let tokyo = actor(11, Role::PrefecturalStaff, Some(TOKYO));
        let jma = actor(20, Role::JmaStaff, None);
        let organizer = actor(30, Role::Organizer, Some(KYOTO));
        let admin = actor(40, Role::Admin, None);
        // (who, status, sees)
        let table = [
            (physician, Submitted, true),
            (physician, Approved, true),
            (other_physician, Submitted, false),
            (kyoto, Submitted, true),
            (kyoto, Approved, true),
            (tokyo, Submitted, false),
            (tokyo, Forwarded, false),
            (jma, Submitted, false),
            (jma, CorrectionRequested, false),
            (jma, Withdrawn, false),
            (jma, Forwarded, true),
            (jma, Approved, true),
            (jma, Rejected, true),
            (organizer, Submitted, false),
            (admin, Forwarded, false),
        ];
        for (who, status, sees) in table {
            assert_eq!(
                may_see_application(&who, &app(status)),
                sees,
                "{who:?} on {status}"
            );
        }
    }

    #[test]
    fn each_step_belongs_to_one_role() {
        for step in Step::ALL {
            let roles: Vec<Role> = Role::ALL
                .iter()
                .copied()
                .filter(|r| role_takes_step(*r, *step))
                .collect();
            assert_eq!(roles.len(), 1, "{step}: {roles:?}");
        }
        assert!(role_takes_step(Role::Physician, Step::Withdraw));
        assert!(role_takes_step(Role::PrefecturalStaff, Step::Forward));
        assert!(role_takes_step(Role::JmaStaff, Step::Approve));
        assert!(!role_takes_step(Role::PrefecturalStaff, Step::Approve));
        assert!(!role_takes_step(Role::JmaStaff, Step::RecordFee));
    }

    #[test]
    fn a_step_on_an_unseen_application_is_hidden_and_a_wrong_role_is_refused() {
        let kyoto = actor(10, Role::PrefecturalStaff, Some(KYOTO));
        let tokyo = actor(11, Role::PrefecturalStaff, Some(TOKYO));
        let physician = actor(1, Role::Physician, Some(KYOTO));
        let table = [
            (kyoto, Step::Forward, Submitted, StepPermission::Allowed),
            (kyoto, Step::Approve, Forwarded, StepPermission::WrongRole),
            (tokyo, Step::Forward, Submitted, StepPermission::Hidden),
            (
                physician,
                Step::Withdraw,
                Submitted,
                StepPermission::Allowed,
            ),
            (
                physician,
                Step::Forward,
                Submitted,
                StepPermission::WrongRole,
            ),
        ];
        for (who, step, status, answer) in table {
            assert_eq!(
                may_take_step(&who, step, &app(status)),
                answer,
                "{who:?} {step}"
            );
        }
    }

    #[test]
    fn lists_show_what_each_role_may_see() {
        assert_eq!(
            application_scope(&actor(1, Role::Physician, None)),
            ApplicationScope::Own(1)
        );
        assert_eq!(
            application_scope(&actor(10, Role::PrefecturalStaff, Some(KYOTO))),
            ApplicationScope::Prefecture(KYOTO)
        );
        assert_eq!(
            application_scope(&actor(10, Role::PrefecturalStaff, None)),
            ApplicationScope::None
        );
        assert_eq!(
            application_scope(&actor(20, Role::JmaStaff, None)),
            ApplicationScope::ReceivedByJma
        );
        assert_eq!(
            application_scope(&actor(30, Role::Organizer, Some(KYOTO))),
            ApplicationScope::None
        );
    }

    #[test]
    fn a_document_is_read_by_its_owner_and_the_reviewers_of_its_application_only() {
        let owner = actor(1, Role::Physician, Some(KYOTO));
        let stranger = actor(2, Role::Physician, Some(KYOTO));
        let kyoto = actor(10, Role::PrefecturalStaff, Some(KYOTO));
        let tokyo = actor(11, Role::PrefecturalStaff, Some(TOKYO));
        let jma = actor(20, Role::JmaStaff, None);
        let submitted = app(Submitted);
        let forwarded = app(Forwarded);
        let table = [
            (owner, None, true),
            (owner, Some(&submitted), true),
            (stranger, None, false),
            (stranger, Some(&submitted), false),
            (kyoto, None, false),
            (kyoto, Some(&submitted), true),
            (tokyo, Some(&submitted), false),
            (jma, Some(&submitted), false),
            (jma, Some(&forwarded), true),
        ];
        for (who, attached, reads) in table {
            assert_eq!(may_read_document(&who, 1, attached), reads, "{who:?}");
        }
    }

    #[test]
    fn identity_is_decided_by_the_staff_of_the_physicians_prefecture_only() {
        let table = [
            (actor(10, Role::PrefecturalStaff, Some(KYOTO)), true),
            (actor(11, Role::PrefecturalStaff, Some(TOKYO)), false),
            (actor(20, Role::JmaStaff, None), false),
            (actor(40, Role::Admin, None), false),
            (actor(1, Role::Physician, Some(KYOTO)), false),
        ];
        for (who, decides) in table {
            assert_eq!(may_decide_identity(&who, KYOTO), decides, "{who:?}");
        }
    }

    #[test]
    fn sessions_are_designated_by_their_prefectures_staff_or_jma() {
        let table = [
            (actor(10, Role::PrefecturalStaff, Some(KYOTO)), true),
            (actor(11, Role::PrefecturalStaff, Some(TOKYO)), false),
            (actor(20, Role::JmaStaff, None), true),
            (actor(30, Role::Organizer, Some(KYOTO)), false),
            (actor(40, Role::Admin, None), false),
            (actor(1, Role::Physician, Some(KYOTO)), false),
        ];
        for (who, designates) in table {
            assert_eq!(may_designate(&who, KYOTO), designates, "{who:?}");
        }
    }

    #[test]
    fn the_registry_is_imported_by_jma_and_admins_and_searched_by_staff() {
        let table = [
            (Role::Physician, false, false),
            (Role::Organizer, false, false),
            (Role::PrefecturalStaff, false, true),
            (Role::JmaStaff, true, true),
            (Role::Admin, true, true),
        ];
        for (role, imports, searches) in table {
            let who = actor(1, role, Some(KYOTO));
            assert_eq!(may_import_registry(&who), imports, "{role}");
            assert_eq!(may_search_registry(&who), searches, "{role}");
        }
    }

    #[test]
    fn a_session_is_run_by_its_own_organizer_only() {
        assert!(may_run_session(&actor(30, Role::Organizer, None), 30));
        assert!(!may_run_session(&actor(31, Role::Organizer, None), 30));
        assert!(!may_run_session(&actor(30, Role::Admin, None), 30));
    }

    #[test]
    fn a_door_link_closes_when_revoked_posted_or_expired() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let later = now + chrono::Duration::hours(1);
        let earlier = now - chrono::Duration::seconds(1);
        let table = [
            (None, later, false, Ok(())),
            (Some(earlier), later, false, Err(DoorClosed::Revoked)),
            (None, later, true, Err(DoorClosed::Posted)),
            (None, now, false, Err(DoorClosed::Expired)),
            (None, earlier, false, Err(DoorClosed::Expired)),
        ];
        for (revoked, expires, posted, answer) in table {
            assert_eq!(door_link_state(revoked, expires, posted, now), answer);
        }
    }
}
