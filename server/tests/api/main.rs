//! API tests against a real server on a free port and a fresh database: SQLite by default,
//! PostgreSQL when `TEST_DATABASE_URL` is set.

mod accounts;
mod applications;
mod attacks;
mod authorization;
mod checkin;
mod cli;
mod client;
mod designation;
mod helpers;
mod identity;
mod instances;
mod ledger;
mod mypage;
mod paging;
mod platform;
mod proofs;
mod query_plans;
mod registry;
mod signin;
mod snapshots;
