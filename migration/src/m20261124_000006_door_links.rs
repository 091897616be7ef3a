//! Helper devices at the door: a link scoped to one session, expiring and revocable, whose
//! token is kept only as a hash. Scans record the link they came through.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("door_links")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(string_uniq("token_hash"))
                .col(string("label"))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("door_links", "session_id")
                        .to("training_sessions", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("scans")
                .add_column(integer_null("door_link_id"))
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.alter_table(
            Table::alter()
                .table("scans")
                .drop_column("door_link_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("door_links").to_owned())
            .await
    }
}
