//! Nintei's domain: the certification rules of the Japan Medical Association as data, the
//! eligibility engine, and the value types shared by the browser client and the server.
//!
//! Pure Rust, no IO: this crate builds for `wasm32-unknown-unknown` so that the preview in the
//! browser and the decision on the server are the same code.

pub mod bundle;
pub mod catalog;
pub mod dates;
pub mod engine;
pub mod i18n;
pub mod identity;
pub mod input;
pub mod rules;
pub mod units;

pub use catalog::{
    Category, Certification, Delivery, OccupationalSubject, Procedure, Source, Subject,
};
pub use engine::{Decision, Exclusion, Requirement, RequirementCode, WindowBasis, evaluate};
pub use input::{
    Activity, CaseFile, Credit, EvaluationInput, Facts, InputError, Period, SportsExemption,
};
pub use rules::RuleSet;
pub use units::Units;
pub mod account;
pub mod api;
pub mod application;
pub mod prefecture;
pub mod text;

pub use i18n::{Lang, Message};
pub use prefecture::Prefecture;
pub use text::FieldError;
pub mod ledger;
pub mod notices;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod policy;
pub mod qr;
pub mod records;
pub mod registry;
pub mod sessions;
pub mod signin;
pub mod standing;
pub mod words;
