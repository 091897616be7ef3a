//! Account security: a login session has a public id (to list and end devices without showing
//! the token's hash), a stage (awaiting the second factor, or a first password / second factor
//! to set up), the browser it came from and when it was last used (the idle timeout). Users get
//! a first-password flag and a TOTP secret; recovery codes are kept hashed. Sessions from before
//! have none of this and are ended: everyone signs in once more. The audit log gets an index by
//! actor for the admin's viewer.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.get_connection()
            .execute_unprepared("DELETE FROM auth_sessions")
            .await?;
        for column in [
            string_null("public_id"),
            string("stage").default("full").to_owned(),
            string_null("user_agent"),
            timestamp_with_time_zone_null("last_seen_at"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("auth_sessions")
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("auth_sessions_public_id")
                .table("auth_sessions")
                .col("public_id")
                .unique()
                .to_owned(),
        )
        .await?;
        for column in [
            boolean("must_change_password").default(false).to_owned(),
            string_null("totp_secret"),
            timestamp_with_time_zone_null("totp_enabled_at"),
            big_integer_null("totp_last_step"),
        ] {
            m.alter_table(Table::alter().table("users").add_column(column).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(integer("user_id"))
                .col(string("code_hash"))
                .col(timestamp_with_time_zone_null("used_at"))
                .primary_key(Index::create().col("user_id").col("code_hash"))
                .foreign_key(
                    ForeignKey::create()
                        .from("recovery_codes", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        // The admin's audit viewer filters by who did it and pages by id.
        m.create_index(
            Index::create()
                .name("audit_log_actor")
                .table("audit_log")
                .col("actor_id")
                .col("id")
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.drop_index(Index::drop().name("audit_log_actor").table("audit_log").to_owned())
            .await?;
        m.drop_table(Table::drop().table("recovery_codes").to_owned())
            .await?;
        for column in ["must_change_password", "totp_secret", "totp_enabled_at", "totp_last_step"] {
            m.alter_table(Table::alter().table("users").drop_column(column).to_owned())
                .await?;
        }
        m.drop_index(
            Index::drop()
                .name("auth_sessions_public_id")
                .table("auth_sessions")
                .to_owned(),
        )
        .await?;
        for column in ["public_id", "stage", "user_agent", "last_seen_at"] {
            m.alter_table(
                Table::alter()
                    .table("auth_sessions")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
