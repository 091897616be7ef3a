//! One file per page; the route table (`routes.rs`) names each page's path.

pub mod admin;
pub mod application;
pub mod application_form;
pub mod applications;
pub mod checkin;
pub mod door;
pub mod handbook;
pub mod history;
pub mod home;
pub mod identities;
pub mod login;
pub mod mypage;
pub mod not_found;
pub mod organizer;
pub mod outbox;
pub mod profile;
pub mod qr;
pub mod register;
pub mod registry;
pub mod review;
pub mod review_detail;
pub mod session_review;
pub mod sessions;
pub mod transcript;
pub mod verify_email;
