//! Uploaded documents go through `object_store`: a local folder by default. Keys are made here;
//! the physician's file name is data in the database, never part of a path.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use rand::RngCore;

/// The document store failed (reported as an internal error).
#[derive(Debug, thiserror::Error)]
#[error("document storage: {0}")]
pub struct StorageError(#[from] object_store::Error);

/// Where document bytes live.
#[derive(Clone)]
pub struct Documents {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Documents({})", self.store)
    }
}

impl Documents {
    /// A store in a local folder, created if missing.
    pub fn local(dir: &Path) -> Result<Documents, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the documents folder {}: {e}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| format!("documents folder {}: {e}", dir.display()))?;
        Ok(Documents {
            store: Arc::new(store),
        })
    }

    /// Stores `bytes` under a new random key and returns the key.
    pub async fn put(&self, bytes: Bytes) -> Result<String, StorageError> {
        let mut raw = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut raw);
        let key = format!("documents/{}", hex::encode(raw));
        self.store
            .put(&Key::from(key.as_str()), PutPayload::from(bytes))
            .await
            .map_err(StorageError)?;
        Ok(key)
    }

    /// The bytes stored under `key`.
    pub async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        self.store
            .get(&Key::from(key))
            .await
            .map_err(StorageError)?
            .bytes()
            .await
            .map_err(StorageError)
    }

    /// Removes `key` (used when the database refused the document's row).
    pub async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&Key::from(key)).await {
            tracing::warn!(%key, error = %e, "could not remove an orphaned document");
        }
    }
}
