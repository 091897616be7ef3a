//! Reusable pieces of the pages.

pub mod application;
pub mod decision;
pub mod form;
pub mod shell;
