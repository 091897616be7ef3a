//! Reusable pieces of the pages.

pub mod application;
pub mod decision;
pub mod desk;
pub mod form;
pub mod identity;
pub mod loaded;
pub mod notices;
pub mod paged;
pub mod shell;
pub mod upload;
