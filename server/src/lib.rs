//! Nintei's server: the HTTP API for physicians, organizers and staff, and the built client.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod entities;
pub mod error;
pub mod json;
pub mod mail;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod storage;
pub mod web;
