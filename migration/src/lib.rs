//! Schema migrations. Migrations never import entity types; each one is written against table
//! and column names, so that it keeps meaning the same thing as the code moves on.

pub use sea_orm_migration::prelude::*;

/// Declares a file's `Migration`: its `up` and `down` steps, each given the schema manager.
macro_rules! migration {
    (up($up:ident) $up_body:block down($down:ident) $down_body:block) => {
        #[derive(DeriveMigrationName)]
        pub struct Migration;

        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, $up: &SchemaManager) -> Result<(), DbErr> $up_body

            async fn down(&self, $down: &SchemaManager) -> Result<(), DbErr> $down_body
        }
    };
}

/// Indexes to make: (name, table, columns).
type Indexes = [(&'static str, &'static str, &'static [&'static str])];

/// Makes each of `indexes`.
async fn create_indexes(m: &SchemaManager<'_>, indexes: &Indexes) -> Result<(), DbErr> {
    for (name, table, columns) in indexes {
        let mut index = Index::create();
        index.name(*name).table(*table);
        for column in *columns {
            index.col(*column);
        }
        m.create_index(index.to_owned()).await?;
    }
    Ok(())
}

/// Drops each of `indexes`.
async fn drop_indexes(m: &SchemaManager<'_>, indexes: &Indexes) -> Result<(), DbErr> {
    for (name, table, _) in indexes {
        m.drop_index(Index::drop().name(*name).table(*table).to_owned())
            .await?;
    }
    Ok(())
}

mod m20261124_000001_accounts;
mod m20261124_000002_ledger;
mod m20261124_000003_ledger_entries;
mod m20261124_000004_checkin;
mod m20261124_000005_applications;
mod m20261124_000006_door_links;
mod m20261126_000007_door_never_loses;
mod m20261126_000008_identity_registry;
mod m20261126_000009_scoped_references;
mod m20261126_000010_throttles;
mod m20261126_000011_outbox_claims;
mod m20261126_000012_account_security;
mod m20261203_000013_hot_query_indexes;
mod m20261203_000014_scale_indexes;
mod m20261205_000015_certificates_held;
mod m20261205_000016_session_contact;
mod m20261205_000017_designation;
mod m20261207_000018_review_search;
mod m20261207_000019_session_plans;
mod m20261207_000020_last_login;

/// Every migration, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_accounts::Migration),
            Box::new(m20261124_000002_ledger::Migration),
            Box::new(m20261124_000003_ledger_entries::Migration),
            Box::new(m20261124_000004_checkin::Migration),
            Box::new(m20261124_000005_applications::Migration),
            Box::new(m20261124_000006_door_links::Migration),
            Box::new(m20261126_000007_door_never_loses::Migration),
            Box::new(m20261126_000008_identity_registry::Migration),
            Box::new(m20261126_000009_scoped_references::Migration),
            Box::new(m20261126_000010_throttles::Migration),
            Box::new(m20261126_000011_outbox_claims::Migration),
            Box::new(m20261126_000012_account_security::Migration),
            Box::new(m20261203_000013_hot_query_indexes::Migration),
            Box::new(m20261203_000014_scale_indexes::Migration),
            Box::new(m20261205_000015_certificates_held::Migration),
            Box::new(m20261205_000016_session_contact::Migration),
            Box::new(m20261205_000017_designation::Migration),
            Box::new(m20261207_000018_review_search::Migration),
            Box::new(m20261207_000019_session_plans::Migration),
            Box::new(m20261207_000020_last_login::Migration),
        ]
    }
}
