//! Applications and their review: the application with its stored decision, the credits it
//! relied on, uploaded documents (bytes live in the object store under server-made keys), the
//! audit log of every state change, and the e-mail outbox.

use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("applications")
                .col(pk_auto("id"))
                .col(integer("physician_id"))
                .col(integer("prefecture"))
                .col(string("kind"))
                .col(string("certification"))
                .col(string("status"))
                .col(string_null("client_ref").unique_key())
                .col(text("form_json"))
                .col(text_null("decision_json"))
                .col(date("submitted_on"))
                .col(date_null("round_deadline"))
                .col(date_null("fee_paid_on"))
                .col(string_null("fee_channel"))
                .col(date_null("handbook_arrived_on"))
                .col(text_null("correction_message"))
                .col(string_null("granted_number"))
                .col(date_null("granted_from"))
                .col(date_null("granted_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("applications", "physician_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("applications_prefecture_status")
                .table("applications")
                .col("prefecture")
                .col("status")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("application_credits")
                .col(integer("application_id"))
                .col(integer("credit_id"))
                .col(integer("counted_halves"))
                .primary_key(Index::create().col("application_id").col("credit_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("application_credits", "application_id")
                        .to("applications", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("application_credits", "credit_id")
                        .to("credits", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("documents")
                .col(pk_auto("id"))
                .col(integer("owner_id"))
                .col(integer_null("application_id"))
                .col(string("kind"))
                .col(string("file_name"))
                .col(string("file_type"))
                .col(big_integer("size_bytes"))
                .col(string("sha256"))
                .col(string_uniq("storage_key"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("documents", "owner_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("actor_id"))
                .col(string("entity"))
                .col(integer("entity_id"))
                .col(string("action"))
                .col(string_null("from_status"))
                .col(string_null("to_status"))
                .col(text_null("note"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_entity")
                .table("audit_log")
                .col("entity")
                .col("entity_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("outbox")
                .col(pk_auto("id"))
                .col(string("to_address"))
                .col(string("subject"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(integer("attempts").default(0))
                .col(text_null("last_error"))
                .to_owned(),
        )
        .await
    }
    down(m) {
        for table in [
            "outbox",
            "audit_log",
            "documents",
            "application_credits",
            "applications",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
