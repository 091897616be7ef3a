//! A mail is claimed before it is sent: a delivery sets `claimed_until` on the row in one
//! conditional update, and only the one whose update took effect sends it. Two deliveries at
//! once (two instances, or a wake-up during a periodic round) never send the same mail twice; a
//! claim left by a crashed delivery expires.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.alter_table(
            Table::alter()
                .table("outbox")
                .add_column(timestamp_with_time_zone_null("claimed_until"))
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.alter_table(
            Table::alter()
                .table("outbox")
                .drop_column("claimed_until")
                .to_owned(),
        )
        .await
    }
}
