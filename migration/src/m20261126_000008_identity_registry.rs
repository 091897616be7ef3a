//! Identity and the registry: JMA's list of certified physicians (one row per person, per
//! certificate and per validity period), verified e-mail addresses, the identity state of each
//! physician, the requests staff decide (licence checks and claims of a registry number), and
//! single-use tokens sent by mail.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("registry_people")
                .col(string("registry_number").primary_key())
                .col(string("name_kanji"))
                .col(string("name_kana"))
                .col(date("birth_date"))
                .col(integer("prefecture"))
                .col(string("membership"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("registry_certificates")
                .col(string("certificate_number").primary_key())
                .col(string("registry_number"))
                .col(string("certification"))
                .col(date("first_certified"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("registry_certificates_registry_number")
                .table("registry_certificates")
                .col("registry_number")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("registry_periods")
                .col(pk_auto("id"))
                .col(string("certificate_number"))
                .col(date("valid_from"))
                .col(date("valid_until"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("registry_periods_certificate_from")
                .table("registry_periods")
                .col("certificate_number")
                .col("valid_from")
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("email_verified_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("disabled_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("physicians")
                .add_column(string("identity").default("pending"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("physicians")
                .add_column(string("registry_match").default("none"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("physicians")
                .add_column(timestamp_with_time_zone_null("identity_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("physicians_birth_date")
                .table("physicians")
                .col("birth_date")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("identity_requests")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("kind"))
                .col(string("status"))
                .col(integer("prefecture"))
                .col(string("registry_number"))
                .col(text_null("claim_json"))
                .col(integer_null("document_id"))
                .col(text_null("reason"))
                .col(integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("identity_requests", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("identity_requests_prefecture_status")
                .table("identity_requests")
                .col("prefecture")
                .col("status")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("identity_requests_user")
                .table("identity_requests")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("email_tokens")
                .col(string("token_hash").primary_key())
                .col(integer("user_id"))
                .col(string("purpose"))
                .col(string_null("new_email"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("email_tokens", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("email_tokens_user_purpose")
                .table("email_tokens")
                .col("user_id")
                .col("purpose")
                .to_owned(),
        )
        .await
    }
    down(m) {
        for t in [
            "email_tokens",
            "identity_requests",
            "registry_periods",
            "registry_certificates",
            "registry_people",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("physicians_birth_date").table("physicians").to_owned())
            .await?;
        for (table, column) in [
            ("physicians", "identity_at"),
            ("physicians", "registry_match"),
            ("physicians", "identity"),
            ("users", "disabled_at"),
            ("users", "email_verified_at"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
