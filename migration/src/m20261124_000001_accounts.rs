//! Accounts, roles, physician profiles, login sessions and login throttling.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                .col(string("role"))
                .col(string_uniq("email"))
                .col(string("password_hash"))
                .col(string("display_name"))
                .col(integer_null("prefecture"))
                .col(string_null("organizer_body"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("physicians")
                .col(integer("user_id").primary_key())
                .col(string_uniq("registry_number"))
                .col(string("name_kanji"))
                .col(string("name_kana"))
                .col(date("birth_date"))
                .col(integer("prefecture"))
                .col(string("membership"))
                .col(string_null("workplace_name"))
                .col(string_null("phone"))
                .foreign_key(
                    ForeignKey::create()
                        .from("physicians", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("auth_sessions")
                .col(string("token_hash").primary_key())
                .col(integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("auth_sessions", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("auth_sessions_user")
                .table("auth_sessions")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(pk_auto("id"))
                .col(string("key"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_failures_key_at")
                .table("login_failures")
                .col("key")
                .col("at")
                .to_owned(),
        )
        .await
    }
    down(m) {
        for t in ["login_failures", "auth_sessions", "physicians", "users"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
