//! One file per page.

pub mod admin;
pub mod home;
pub mod login;
pub mod mypage;
pub mod not_found;
pub mod register;
