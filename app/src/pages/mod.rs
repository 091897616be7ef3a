//! One file per page.

pub mod admin;
pub mod application_form;
pub mod applications;
pub mod checkin;
pub mod handbook;
pub mod history;
pub mod home;
pub mod login;
pub mod mypage;
pub mod not_found;
pub mod organizer;
pub mod profile;
pub mod qr;
pub mod register;
pub mod review;
pub mod sessions;
