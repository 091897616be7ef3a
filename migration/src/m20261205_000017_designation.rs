//! Sessions are designated (指定) before they count (issue #16): a session's designation state
//! (`submitted`, `designated`, `returned`) and staff's reason when they return it; designation
//! numbers made per prefecture and year from a counter row (an upsert that adds one, so two
//! staff designating at once get two numbers); indexes for the queues and for finding a
//! prefecture's staff among every account. Sessions already in the table were entered with
//! their number by their organizer under the old form: they stay designated.

use sea_orm_migration::{prelude::*, schema::*};

const INDEXES: &crate::Indexes = &[
    // A prefecture's queue, soonest first.
    (
        "training_sessions_designation",
        "training_sessions",
        &["designation", "prefecture", "date", "id"],
    ),
    // JMA's queue of every prefecture, soonest first.
    (
        "training_sessions_designation_day",
        "training_sessions",
        &["designation", "date", "id"],
    ),
    // Whom a prefecture's mail goes to (its staff, else JMA's), among every physician's account.
    ("users_role_prefecture", "users", &["role", "prefecture"]),
];

migration! {
    up(m) {
        for column in [
            string("designation").default("designated").to_owned(),
            string_null("returned_reason"),
            timestamp_with_time_zone_null("designated_at"),
        ] {
            m.alter_table(Table::alter().table("training_sessions").add_column(column).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("designation_counters")
                .col(integer("prefecture"))
                .col(integer("year"))
                .col(integer("last"))
                .primary_key(Index::create().col("prefecture").col("year"))
                .to_owned(),
        )
        .await?;
        crate::create_indexes(m, INDEXES).await
    }
    down(m) {
        crate::drop_indexes(m, INDEXES).await?;
        m.drop_table(Table::drop().table("designation_counters").to_owned())
            .await?;
        for column in ["designated_at", "returned_reason", "designation"] {
            m.alter_table(Table::alter().table("training_sessions").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
