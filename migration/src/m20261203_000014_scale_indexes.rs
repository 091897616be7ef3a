//! Indexes that only a database of national size showed missing (issue #12, `make
//! bench-scale`):
//! - My Page took 44 ms at 340,000 physicians against 2 ms at 3,400: reading a certificate's
//!   periods read every period in the country. The API test `query_plans` now gives its
//!   physician a certificate, so it sees that statement too.
//! - A prefecture's review queue (newest first, a page at a time) sorted all of the
//!   prefecture's applications before taking a page: Tokyo's took 1.4× as long at 340,000.
//!   With the id in the index the page is read in order and the read stops at its end. The
//!   identity queue (oldest first) likewise. `query_plans` now fails on a page that sorts.

use sea_orm_migration::prelude::*;

/// (index, table, columns)
const INDEXES: &crate::Indexes = &[
    (
        "certificate_periods_certificate",
        "certificate_periods",
        &["certificate_id", "valid_from"],
    ),
    (
        "applications_prefecture_id",
        "applications",
        &["prefecture", "id"],
    ),
    (
        "applications_prefecture_status_id",
        "applications",
        &["prefecture", "status", "id"],
    ),
    (
        "identity_requests_queue",
        "identity_requests",
        &["prefecture", "status", "submitted_at", "id"],
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
