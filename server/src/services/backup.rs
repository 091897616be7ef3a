//! Backups and the restore drill (docs/operations.md): a consistent online copy of a SQLite
//! database (`VACUUM INTO`, which SQLite writes from one read transaction while the server keeps
//! serving), a copy of every stored document, and a fingerprint of what must survive a round
//! trip: each table's rows and digest, and each document's bytes checked against the SHA-256
//! its row recorded at upload. PostgreSQL is backed up with `pg_dump`; the fingerprint is the
//! same on both.

use std::collections::BTreeMap;
use std::path::Path;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Iterable, PaginatorTrait,
    PrimaryKeyToColumn, QueryOrder,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::entities;
use crate::storage::Documents;

/// The rows of one table: how many, and a digest of all of them in key order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableDigest {
    /// Rows.
    pub rows: u64,
    /// SHA-256 of the rows, in primary-key order.
    pub sha256: String,
}

/// Whether each document row's bytes are in the store, unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocumentCheck {
    /// Document rows.
    pub rows: u64,
    /// Rows whose bytes were found with the recorded SHA-256.
    pub verified: u64,
    /// Rows whose bytes are not in the store.
    pub missing: Vec<i32>,
    /// Rows whose bytes differ from the recorded SHA-256.
    pub corrupt: Vec<i32>,
}

/// What a restore must reproduce exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    /// Per table.
    pub tables: BTreeMap<&'static str, TableDigest>,
    /// The documents' bytes.
    pub documents: DocumentCheck,
}

impl Fingerprint {
    /// Every document row has its bytes.
    pub fn documents_intact(&self) -> bool {
        self.documents.missing.is_empty()
            && self.documents.corrupt.is_empty()
            && self.documents.verified == self.documents.rows
    }
}

/// A backup made by [`backup`].
#[derive(Clone, Debug, Serialize)]
pub struct BackupReport {
    /// The database copy, when the database is SQLite (PostgreSQL: `pg_dump`).
    pub database: Option<String>,
    /// Documents copied.
    pub documents: u64,
    /// Bytes copied.
    pub document_bytes: u64,
}

async fn digest<E>(db: &DatabaseConnection) -> Result<TableDigest, String>
where
    E: EntityTrait,
    E::Model: std::fmt::Debug + Sync,
{
    let mut query = E::find();
    for key in E::PrimaryKey::iter() {
        query = query.order_by_asc(key.into_column());
    }
    let mut pages = query.paginate(db, 5_000);
    let (mut hasher, mut rows) = (Sha256::new(), 0u64);
    while let Some(page) = pages
        .fetch_and_next()
        .await
        .map_err(|e| format!("{}: {e}", E::default().table_name()))?
    {
        for row in page {
            hasher.update(format!("{row:?}\n").as_bytes());
            rows += 1;
        }
    }
    Ok(TableDigest {
        rows,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// The fingerprint of the database `db` and the document store `store`.
pub async fn fingerprint(
    db: &DatabaseConnection,
    store: &Documents,
) -> Result<Fingerprint, String> {
    use entities::*;
    let mut tables = BTreeMap::new();
    tables.insert("users", digest::<user::Entity>(db).await?);
    tables.insert("physicians", digest::<physician::Entity>(db).await?);
    tables.insert(
        "registry_persons",
        digest::<registry_person::Entity>(db).await?,
    );
    tables.insert("certificates", digest::<certificate::Entity>(db).await?);
    tables.insert(
        "certificate_periods",
        digest::<certificate_period::Entity>(db).await?,
    );
    tables.insert("credits", digest::<credit::Entity>(db).await?);
    tables.insert("applications", digest::<application::Entity>(db).await?);
    tables.insert(
        "application_credits",
        digest::<application_credit::Entity>(db).await?,
    );
    tables.insert("documents", digest::<document::Entity>(db).await?);
    tables.insert(
        "training_sessions",
        digest::<training_session::Entity>(db).await?,
    );
    tables.insert("scans", digest::<scan::Entity>(db).await?);
    tables.insert("audit_log", digest::<audit_log::Entity>(db).await?);
    tables.insert("outbox", digest::<outbox::Entity>(db).await?);
    tables.insert(
        "certificate_proofs",
        digest::<certificate_proof::Entity>(db).await?,
    );
    tables.insert("notifications", digest::<notification::Entity>(db).await?);
    tables.insert(
        "designation_counters",
        digest::<designation_counter::Entity>(db).await?,
    );
    let mut check = DocumentCheck::default();
    let mut pages = document::Entity::find()
        .order_by_asc(document::Column::Id)
        .paginate(db, 500);
    while let Some(page) = pages.fetch_and_next().await.map_err(|e| e.to_string())? {
        for doc in page {
            check.rows += 1;
            match store.get(&doc.storage_key).await {
                Ok(bytes) if hex::encode(Sha256::digest(&bytes)) == doc.sha256 => {
                    check.verified += 1;
                }
                Ok(_) => check.corrupt.push(doc.id),
                Err(_) => check.missing.push(doc.id),
            }
        }
    }
    Ok(Fingerprint {
        tables,
        documents: check,
    })
}

/// Backs up into the empty or new folder `to`: on SQLite the database as `nintei.sqlite` (an
/// online, consistent copy), and every document under `documents/` by its key.
pub async fn backup(
    db: &DatabaseConnection,
    store: &Documents,
    to: &Path,
) -> Result<BackupReport, String> {
    if to.exists()
        && std::fs::read_dir(to)
            .map_err(|e| format!("{}: {e}", to.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{}: the backup folder must be new or empty",
            to.display()
        ));
    }
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let database = if db.get_database_backend() == DbBackend::Sqlite {
        let file = to.join("nintei.sqlite");
        let quoted = file.display().to_string().replace('\'', "''");
        db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
            .await
            .map_err(|e| format!("the database copy failed: {e}"))?;
        Some(file.display().to_string())
    } else {
        None
    };
    let (mut documents, mut document_bytes) = (0, 0);
    let mut keys = store.keys().await.map_err(|e| e.to_string())?;
    keys.sort();
    for key in keys {
        let bytes = store.get(&key).await.map_err(|e| format!("{key}: {e}"))?;
        let path = to.join("documents").join(safe_relative(&key)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        documents += 1;
        document_bytes += bytes.len() as u64;
    }
    Ok(BackupReport {
        database,
        documents,
        document_bytes,
    })
}

/// Puts every file under `from` (a backup's `documents/`) into `store` under its relative path,
/// the key it had: how many.
pub async fn restore_documents(store: &Documents, from: &Path) -> Result<u64, String> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(from, &mut files)?;
    for file in &files {
        let key = file
            .strip_prefix(from)
            .map_err(|e| e.to_string())?
            .to_str()
            .ok_or_else(|| format!("{}: not a key this server made", file.display()))?
            .to_owned();
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        store
            .put_at(&key, bytes.into())
            .await
            .map_err(|e| format!("{key}: {e}"))?;
    }
    Ok(files.len() as u64)
}

/// A key as a relative path: only the server's own keys (`documents/<hex>`) are accepted.
fn safe_relative(key: &str) -> Result<&Path, String> {
    let ok = !key.is_empty()
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if ok {
        Ok(Path::new(key))
    } else {
        Err(format!("`{key}`: not a key this server made"))
    }
}
