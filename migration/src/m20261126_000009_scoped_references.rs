//! References made by clients are one account's, and scan ids one session's.
//!
//! `client_requests` records, per account, the reference a device made for a request and what
//! it created, across every kind of write (handbook units, applications, sessions, corrections):
//! a retry finds its first answer, another account's identical reference is another request,
//! and the keys the server makes (posting's `session-N-R`) stay in credits, in the column now
//! named `server_ref`, which no client writes (`applications.client_ref` and
//! `training_sessions.client_ref` are left empty). Scans are unique per session and device-made id instead of
//! globally, so an id seen in one session means nothing in another.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

migration! {
    up(m) {
        m.create_table(
            Table::create()
                .table("client_requests")
                .col(integer("account_id"))
                .col(string("client_ref"))
                .col(string("entity"))
                .col(integer("entity_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("account_id").col("client_ref"))
                .foreign_key(
                    ForeignKey::create()
                        .from("client_requests", "account_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // What clients sent before moves to the account that sent it (a session's reference only
        // answers a double tap, seconds long: those are not kept).
        for copy in [
            "INSERT INTO client_requests (account_id, client_ref, entity, entity_id, created_at) \
             SELECT physician_id, client_ref, 'application', id, created_at FROM applications \
             WHERE client_ref IS NOT NULL",
            "INSERT INTO client_requests (account_id, client_ref, entity, entity_id, created_at) \
             SELECT physician_id, client_ref, 'credit', id, created_at FROM credits \
             WHERE client_ref IS NOT NULL AND physician_id IS NOT NULL AND source = 'handbook'",
            "UPDATE applications SET client_ref = NULL",
            "UPDATE training_sessions SET client_ref = NULL",
            "UPDATE credits SET client_ref = NULL WHERE source = 'handbook'",
        ] {
            db.execute_unprepared(copy).await?;
        }
        // What is left in credits are the server's own keys.
        m.drop_index(Index::drop().name("credits_client_ref").table("credits").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("credits")
                .rename_column("client_ref", "server_ref")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("credits_server_ref")
                .table("credits")
                .col("server_ref")
                .unique()
                .to_owned(),
        )
        .await?;
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => {
                // SQLite cannot drop a column's UNIQUE: the table is rebuilt without it (no
                // other table refers to scans).
                let ddl = db
                    .query_one_raw(Statement::from_string(
                        DatabaseBackend::Sqlite,
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'scans'",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Migration("table scans is missing".into()))?
                    .try_get::<String>("", "sql")?;
                let rebuilt = ddl
                    .replacen("\"scans\"", "\"scans_rebuilt\"", 1)
                    .replace("\"client_id\" varchar NOT NULL UNIQUE", "\"client_id\" varchar NOT NULL");
                for step in [
                    rebuilt.as_str(),
                    "INSERT INTO scans_rebuilt SELECT * FROM scans",
                    "DROP TABLE scans",
                    "ALTER TABLE scans_rebuilt RENAME TO scans",
                    "CREATE INDEX scans_session_registry ON scans (session_id, registry_number)",
                ] {
                    db.execute_unprepared(step).await?;
                }
            }
            _ => {
                db.execute_unprepared("ALTER TABLE scans DROP CONSTRAINT IF EXISTS scans_client_id_key")
                    .await?;
            }
        }
        m.create_index(
            Index::create()
                .name("scans_session_client")
                .table("scans")
                .col("session_id")
                .col("client_id")
                .unique()
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.drop_index(Index::drop().name("scans_session_client").table("scans").to_owned())
            .await?;
        m.drop_index(Index::drop().name("credits_server_ref").table("credits").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("credits")
                .rename_column("server_ref", "client_ref")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("client_requests").to_owned()).await
    }
}
