//! Uploaded documents go through `object_store`: a local folder by default. Keys are made here;
//! the physician's file name is data in the database, never part of a path. An upload is
//! streamed into the store part by part while it is hashed and measured, so a server holds at
//! most one part of it in memory whatever the upload limit.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use rand::RngCore;

/// The size of the parts an upload is streamed in (S3-compatible stores need 5 MiB).
const PART_BYTES: usize = 5 * 1024 * 1024;
/// How much of an upload's start and end the type check reads.
const SAMPLE: usize = 1024;

fn new_key() -> String {
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    format!("documents/{}", hex::encode(raw))
}

/// What a streamed upload was.
#[derive(Clone, Debug)]
pub struct Streamed {
    /// Where it is stored.
    pub key: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Its first and last kilobyte (all of it when small), for the type check.
    pub sample: Vec<u8>,
}

/// Why a streamed upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Larger than the limit.
    #[error("too large")]
    TooLarge,
    /// The client went away mid-upload (or the request timed out).
    #[error("body interrupted")]
    Body,
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

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
        let key = new_key();
        self.store
            .put(&Key::from(key.as_str()), PutPayload::from(bytes))
            .await
            .map_err(StorageError)?;
        Ok(key)
    }

    /// Streams `body` under a new random key, at most `limit` bytes: its key, size, SHA-256
    /// and the bytes a type check reads (the first kilobyte and the last). Nothing is kept when
    /// it is too large or the client goes away.
    pub async fn put_stream(
        &self,
        mut body: axum::body::Body,
        limit: u64,
    ) -> Result<Streamed, StreamError> {
        use http_body_util::BodyExt;
        use sha2::Digest;
        let key = new_key();
        let upload = self
            .store
            .put_multipart(&Key::from(key.as_str()))
            .await
            .map_err(|e| StreamError::Storage(StorageError(e)))?;
        let mut write = object_store::WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut hasher = sha2::Sha256::new();
        let (mut size, mut head, mut tail) = (0u64, Vec::new(), Vec::new());
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map(|f| f.into_data()) else {
                let _ = write.abort().await;
                return Err(StreamError::Body);
            };
            let Ok(chunk) = data else {
                continue; // trailers
            };
            size += chunk.len() as u64;
            if size > limit {
                let _ = write.abort().await;
                return Err(StreamError::TooLarge);
            }
            hasher.update(&chunk);
            if head.len() < SAMPLE {
                head.extend_from_slice(&chunk[..chunk.len().min(SAMPLE - head.len())]);
            }
            tail.extend_from_slice(&chunk);
            if tail.len() > SAMPLE {
                tail.drain(..tail.len() - SAMPLE);
            }
            write
                .wait_for_capacity(2)
                .await
                .map_err(|e| StreamError::Storage(StorageError(e)))?;
            write.put(chunk);
        }
        write
            .finish()
            .await
            .map_err(|e| StreamError::Storage(StorageError(e)))?;
        // The whole file when small; else its start and its last kilobyte.
        let sample = if size as usize <= SAMPLE {
            head
        } else {
            [&head[..16], &tail[..]].concat()
        };
        Ok(Streamed {
            key,
            size,
            sha256: hex::encode(hasher.finalize()),
            sample,
        })
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
