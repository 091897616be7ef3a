//! Throttles: one row per key (an account's logins, an address, an organizer's lookups), counted
//! in one atomic statement so that parallel requests cannot all pass a check made before any of
//! them is recorded. Times are milliseconds since the epoch. Replaces `login_failures`.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("throttles")
                .col(string("key").primary_key())
                .col(integer("count"))
                .col(big_integer("window_start"))
                .col(big_integer("blocked_until"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("login_failures").to_owned()).await
    }
    down(m) {
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(pk_auto("id"))
                .col(string("key"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("throttles").to_owned()).await
    }
}
