//! Indexes for every query a hot request runs (issue #12): found by the API test
//! `query_plans`, which reads SQLite's plan of each statement the server runs and fails on a
//! table read whole.

use sea_orm_migration::prelude::*;

/// (index, table, columns)
const INDEXES: &crate::Indexes = &[
    // A physician's applications, newest first.
    (
        "applications_physician",
        "applications",
        &["physician_id", "id"],
    ),
    // JMA's queue: every prefecture, by status, newest first.
    ("applications_status", "applications", &["status", "id"]),
    // A session's credits (posting, corrections, attendance).
    ("credits_session", "credits", &["session_id"]),
    // A session's helper links.
    ("door_links_session", "door_links", &["session_id"]),
    // The undo of a scan.
    ("scans_undoes", "scans", &["undoes_id"]),
    // The public session search, nationwide and by prefecture, in date order.
    (
        "training_sessions_published_date",
        "training_sessions",
        &["published", "date", "starts_at"],
    ),
    (
        "training_sessions_prefecture_date",
        "training_sessions",
        &["prefecture", "date", "starts_at"],
    ),
];

migration! {
    up(m) {
        crate::create_indexes(m, INDEXES).await
    }
    down(m) {
        crate::drop_indexes(m, INDEXES).await
    }
}
