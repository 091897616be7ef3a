//! When each account last signed in (issue #16: the admin's account list shows it). Written on
//! each successful sign-in; empty for an account that never has.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("last_login_at"))
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.alter_table(Table::alter().table("users").drop_column("last_login_at").to_owned())
            .await
    }
}
