//! Certificates with their validity periods, training sessions, and the append-only credit
//! ledger.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("certificates")
                .col(pk_auto("id"))
                .col(integer("physician_id"))
                .col(string("certification"))
                .col(string_uniq("number"))
                .col(date("first_certified"))
                .col(date("valid_from"))
                .col(date("valid_until"))
                .foreign_key(
                    ForeignKey::create()
                        .from("certificates", "physician_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("certificates_one_per_certification")
                .table("certificates")
                .col("physician_id")
                .col("certification")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("certificate_periods")
                .col(pk_auto("id"))
                .col(integer("certificate_id"))
                .col(date("valid_from"))
                .col(date("valid_until"))
                .col(string("granted_by"))
                .foreign_key(
                    ForeignKey::create()
                        .from("certificate_periods", "certificate_id")
                        .to("certificates", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_sessions")
                .col(pk_auto("id"))
                .col(integer("organizer_id"))
                .col(string("organizing_body"))
                .col(string("title"))
                .col(string("category"))
                .col(string_null("subject"))
                .col(integer("units_halves"))
                .col(date("date"))
                .col(string("starts_at"))
                .col(string("ends_at"))
                .col(string("venue"))
                .col(integer("prefecture"))
                .col(boolean("online"))
                .col(integer("capacity"))
                .col(string("designation_number"))
                .col(integer("tolerance_in_minutes"))
                .col(integer("tolerance_out_minutes"))
                .col(boolean("published"))
                .col(timestamp_with_time_zone_null("posted_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("training_sessions", "organizer_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("training_sessions_date")
                .table("training_sessions")
                .col("date")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("credits")
                .col(pk_auto("id"))
                .col(integer_null("physician_id"))
                .col(string("registry_number"))
                .col(date("date"))
                .col(string("category"))
                .col(string_null("subject"))
                .col(integer("units_halves"))
                .col(string("delivery"))
                .col(string("source"))
                .col(integer_null("session_id"))
                .col(string_null("verification"))
                .col(string_null("organizer_name"))
                .col(string_null("note"))
                .col(integer_null("corrects_id"))
                .col(integer_null("consumed_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .foreign_key(
                    ForeignKey::create()
                        .from("credits", "physician_id")
                        .to("users", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("credits", "session_id")
                        .to("training_sessions", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("credits", "corrects_id")
                        .to("credits", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("credits_physician")
                .table("credits")
                .col("physician_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("credits_registry")
                .table("credits")
                .col("registry_number")
                .to_owned(),
        )
        .await
    }
    down(m) {
        for t in [
            "credits",
            "training_sessions",
            "certificate_periods",
            "certificates",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
