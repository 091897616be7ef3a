//! Nintei's server: the HTTP API for physicians, organizers and staff, and the built client.

pub mod cli;
pub mod config;
pub mod db;
pub mod entities;
pub mod error;
pub mod metrics;
pub mod pdf;
pub mod routes;
pub mod security;
pub mod seed;
pub mod services;
pub mod startup;
pub mod storage;
pub mod web;
