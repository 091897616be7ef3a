//! The door never loses a scan: devices report what they still hold (so the organizer is
//! warned before posting or revoking), sessions are created once per request and can be
//! cancelled.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.alter_table(
            Table::alter()
                .table("door_links")
                .add_column(timestamp_with_time_zone_null("last_seen_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("door_links")
                .add_column(integer("unsent_scans").default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("training_sessions")
                .add_column(timestamp_with_time_zone_null("cancelled_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("training_sessions")
                .add_column(string_null("client_ref"))
                .to_owned(),
        )
        .await?;
        // One session per organizer and request: a double tap answers the first.
        m.create_index(
            Index::create()
                .name("training_sessions_organizer_client_ref")
                .table("training_sessions")
                .col("organizer_id")
                .col("client_ref")
                .unique()
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.drop_index(
            Index::drop()
                .name("training_sessions_organizer_client_ref")
                .table("training_sessions")
                .to_owned(),
        )
        .await?;
        for (table, column) in [
            ("training_sessions", "client_ref"),
            ("training_sessions", "cancelled_at"),
            ("door_links", "unsent_scans"),
            ("door_links", "last_seen_at"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
