//! Check-in: lecturers of a session and the append-only log of scans (an undo is a scan row
//! that points at the one it undoes). `client_id` is made on the device, so a retried or
//! replayed scan is recorded once.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("session_lecturers")
                .col(integer("session_id"))
                .col(string("registry_number"))
                .primary_key(Index::create().col("session_id").col("registry_number"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session_lecturers", "session_id")
                        .to("training_sessions", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("scans")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(string_uniq("client_id"))
                .col(string("registry_number"))
                .col(string("kind"))
                .col(timestamp_with_time_zone("scanned_at"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(integer_null("recorded_by"))
                .col(date_null("birth_date"))
                .col(integer_null("undoes_id"))
                .col(string_null("reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("scans", "session_id")
                        .to("training_sessions", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("scans_session_registry")
                .table("scans")
                .col("session_id")
                .col("registry_number")
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.drop_table(Table::drop().table("scans").to_owned())
            .await?;
        m.drop_table(Table::drop().table("session_lecturers").to_owned())
            .await
    }
}
