//! Uploaded documents go through `object_store`: a local folder by default, or an S3-compatible
//! bucket (`NINTEI_DOCUMENTS_URL=s3://bucket/prefix`) that every instance shares. Keys are made here;
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
    /// The folder, for a local store (readiness checks it is one).
    folder: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Documents({})", self.store)
    }
}

/// Where the settings say documents live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A local folder (`file:///path`, or the data folder's `documents`).
    Folder(std::path::PathBuf),
    /// A bucket and a key prefix (`s3://bucket/prefix`), reached with the standard `AWS_*`
    /// variables (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_ALLOW_HTTP` for a local test endpoint).
    Bucket {
        /// The bucket.
        bucket: String,
        /// The prefix of every key (may be empty).
        prefix: String,
    },
}

impl Location {
    /// Reads `file:///path` or `s3://bucket/prefix`.
    pub fn parse(url: &str) -> Result<Location, String> {
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(format!(
                    "`{url}`: a file URL needs an absolute path, as in file:///var/lib/nintei/documents"
                ));
            }
            return Ok(Location::Folder(path.into()));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !valid {
                return Err(format!(
                    "`{url}`: the bucket name must be 3 to 63 lower-case letters, digits, dots or hyphens"
                ));
            }
            return Ok(Location::Bucket {
                bucket: bucket.into(),
                prefix: prefix.trim_matches('/').into(),
            });
        }
        Err(format!(
            "`{url}`: expected file:///path or s3://bucket/prefix"
        ))
    }
}

impl Documents {
    /// The store at `location`. A bucket is reached with the `AWS_*` variables of the process.
    pub fn open(location: &Location) -> Result<Documents, String> {
        match location {
            Location::Folder(dir) => Documents::local(dir),
            Location::Bucket { bucket, prefix } => {
                // reqwest's TLS takes the process's rustls provider: ring, as lettre's and sqlx's.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let s3 = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| format!("document bucket {bucket}: {e}"))?;
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
                };
                Ok(Documents {
                    store,
                    folder: None,
                })
            }
        }
    }

    /// Whether the store answers (readiness): one listing of its top level, which an absent
    /// bucket, wrong keys or an unreachable endpoint refuse (and, for a folder, that it is one).
    pub async fn check(&self) -> Result<(), StorageError> {
        if let Some(dir) = &self.folder
            && !dir.is_dir()
        {
            return Err(StorageError(object_store::Error::NotFound {
                path: dir.display().to_string(),
                source: "the documents folder is missing or not a folder".into(),
            }));
        }
        self.store
            .list_with_delimiter(None)
            .await
            .map(|_| ())
            .map_err(StorageError)
    }

    /// A store in a local folder, created if missing.
    pub fn local(dir: &Path) -> Result<Documents, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the documents folder {}: {e}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| format!("documents folder {}: {e}", dir.display()))?;
        Ok(Documents {
            store: Arc::new(store),
            folder: Some(dir.to_owned()),
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

    /// Stores `bytes` under `key` as it is (a restore puts documents back under their keys).
    pub async fn put_at(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(StorageError)
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

    /// Every key in the store, in no particular order (the restore drill and tests compare them).
    pub async fn keys(&self) -> Result<Vec<String>, StorageError> {
        use futures_util::TryStreamExt;
        self.store
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
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

#[cfg(test)]
mod tests {
    use super::Location;

    #[test]
    fn document_urls_are_a_folder_or_a_bucket_and_prefix() {
        assert_eq!(
            Location::parse("file:///var/lib/nintei/documents"),
            Ok(Location::Folder("/var/lib/nintei/documents".into()))
        );
        assert_eq!(
            Location::parse("s3://nintei-docs/prod/"),
            Ok(Location::Bucket {
                bucket: "nintei-docs".into(),
                prefix: "prod".into()
            })
        );
        assert_eq!(
            Location::parse("s3://nintei-docs"),
            Ok(Location::Bucket {
                bucket: "nintei-docs".into(),
                prefix: String::new()
            })
        );
        for bad in [
            "file://relative/dir",
            "s3://",
            "s3://Upper_Case",
            "gs://b/p",
            "/var/x",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }
}
