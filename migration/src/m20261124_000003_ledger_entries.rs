//! Append-only ledger entries: what kind an entry is (an entry, a correction of another, or the
//! withdrawal of an unverified handbook declaration), a client-made reference so retried writes
//! are recorded once, and the date of birth given with attendance by someone not yet registered.
//! Also the server's own secrets (the QR signing key), shared by every instance.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        // SQLite takes one change per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table("credits")
                .add_column(string("kind").default("entry"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("credits")
                .add_column(string_null("client_ref"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("credits")
                .add_column(date_null("attendee_birth_date"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("credits_client_ref")
                .table("credits")
                .col("client_ref")
                .unique()
                .to_owned(),
        )
        .await?;
        // An entry is corrected or withdrawn at most once: two racing edits cannot both win.
        m.create_index(
            Index::create()
                .name("credits_corrects")
                .table("credits")
                .col("corrects_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("server_secrets")
                .col(string("name").primary_key())
                .col(string("value"))
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.drop_table(Table::drop().table("server_secrets").to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("credits_corrects")
                .table("credits")
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("credits_client_ref")
                .table("credits")
                .to_owned(),
        )
        .await?;
        for column in ["attendee_birth_date", "client_ref", "kind"] {
            m.alter_table(
                Table::alter()
                    .table("credits")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
