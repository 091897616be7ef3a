//! What a physician holds (issue #13): a certificate can be revoked; each validity period of a
//! certificate gets one public verification code (the printed PDF's QR code); notifications
//! (expiry reminders and application steps) are kept per physician, a reminder at most once
//! per certificate period and stage (a unique key written in the same transaction as its
//! mail); physicians choose e-mail or none per kind. Certificates are found by expiry for the
//! daily reminder round.

use sea_orm_migration::{prelude::*, schema::*};

const INDEXES: &crate::Indexes = &[
    ("certificates_valid_until", "certificates", &["valid_until"]),
    ("notifications_user", "notifications", &["user_id", "id"]),
];

migration! {
    up(m) {
        for column in [
            timestamp_with_time_zone_null("revoked_at"),
            string_null("revoked_reason"),
        ] {
            m.alter_table(Table::alter().table("certificates").add_column(column).to_owned())
                .await?;
        }
        for column in [
            boolean("mail_reminders").default(true).to_owned(),
            boolean("mail_applications").default(true).to_owned(),
        ] {
            m.alter_table(Table::alter().table("physicians").add_column(column).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("certificate_proofs")
                .col(pk_auto("id"))
                .col(string_uniq("code_id"))
                .col(integer("certificate_id"))
                .col(date("valid_from"))
                .col(date("valid_until"))
                .col(timestamp_with_time_zone("issued_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("certificate_proofs", "certificate_id")
                        .to("certificates", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("certificate_proofs_period")
                .table("certificate_proofs")
                .col("certificate_id")
                .col("valid_until")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notifications")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("kind"))
                .col(string_null("once_key").unique_key())
                .col(text("message"))
                .col(string_null("link"))
                .col(boolean("mailed"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("notifications", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        crate::create_indexes(m, INDEXES).await
    }
    down(m) {
        crate::drop_indexes(m, INDEXES).await?;
        m.drop_table(Table::drop().table("notifications").to_owned()).await?;
        m.drop_table(Table::drop().table("certificate_proofs").to_owned()).await?;
        for (table, column) in [
            ("physicians", "mail_applications"),
            ("physicians", "mail_reminders"),
            ("certificates", "revoked_reason"),
            ("certificates", "revoked_at"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
