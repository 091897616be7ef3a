//! A session's contact for attendees (phone, e-mail), shown on its public page (issue #15).

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.alter_table(
            Table::alter()
                .table("training_sessions")
                .add_column(string_null("contact"))
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.alter_table(
            Table::alter()
                .table("training_sessions")
                .drop_column("contact")
                .to_owned(),
        )
        .await
    }
}
