//! sea-orm entities. These types never leave `db/` and `entities/`.

mod code;
pub use code::Code;
pub mod application;
pub mod application_credit;
pub mod audit_log;
pub mod auth_session;
pub mod certificate;
pub mod certificate_period;
pub mod client_request;
pub mod credit;
pub mod document;
pub mod door_link;
pub mod email_token;
pub mod identity_request;
pub mod outbox;
pub mod physician;
pub mod recovery_code;
pub mod registry_certificate;
pub mod registry_period;
pub mod registry_person;
pub mod scan;
pub mod server_secret;
pub mod session_lecturer;
pub mod throttle;
pub mod training_session;
pub mod user;
