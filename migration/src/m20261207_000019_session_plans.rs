//! The sessions a physician plans to attend (issue #16): kept on the server so that a change or
//! cancellation of a designated session reaches those who planned it. One row per physician and
//! session; the session's planners are read by session.

use sea_orm_migration::{prelude::*, schema::*};

const INDEXES: &crate::Indexes = &[(
    "session_plans_session",
    "session_plans",
    &["session_id", "physician_id"],
)];

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("session_plans")
                .col(integer("physician_id"))
                .col(integer("session_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("physician_id").col("session_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session_plans", "physician_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("session_plans", "session_id")
                        .to("training_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        crate::create_indexes(m, INDEXES).await
    }
    down(m) {
        crate::drop_indexes(m, INDEXES).await?;
        m.drop_table(Table::drop().table("session_plans").to_owned()).await
    }
}
