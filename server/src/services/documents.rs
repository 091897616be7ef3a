//! Uploaded documents: checked from their bytes, stored under a server-made key, read back only
//! by their owner and the reviewers of the application they are attached to.

use axum::body::{Body, Bytes};
use domain::application::{DocumentKind, DocumentView, UploadProblem, sniff};
use domain::policy::{Actor, may_decide_identity, may_read_document};
use domain::records::DocumentRecord;
use domain::{FieldError, Message};

use crate::db::{DbError, applications, documents, identity};
use crate::services::AppState;
use crate::storage::{StorageError, StreamError};

/// Why a document request failed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file was refused (too large, wrong type, empty, cut short).
    #[error("upload refused: {0}")]
    Upload(UploadProblem),
    /// The request has problems, per field.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// No such document that this person may read.
    #[error("not found")]
    NotFound,
    /// The document store failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A stored document as the API shows it.
pub fn view(d: &DocumentRecord) -> DocumentView {
    DocumentView {
        id: d.id,
        kind: d.kind,
        file_name: d.file_name.clone(),
        file_type: d.file_type,
        size: d.size,
        sha256: d.sha256.clone(),
        uploaded_at: d.created_at,
    }
}

/// Streams the body into the store under a new key (at most the upload limit), checks its type
/// from its first and last bytes, then records the row; a refused file or a row that cannot be
/// written leaves nothing stored.
pub async fn upload(
    app: &AppState,
    actor: &Actor,
    kind: DocumentKind,
    name: &str,
    body: Body,
) -> Result<DocumentView, DocumentError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(DocumentError::Invalid(vec![FieldError::new(
            "name",
            "length",
            Message::key("upload.name.length"),
        )]));
    }
    let limit = app.settings.upload_max_bytes;
    let streamed = match app.documents.put_stream(body, limit).await {
        Ok(s) => s,
        Err(StreamError::TooLarge) => {
            return Err(DocumentError::Upload(UploadProblem::TooLarge(limit)));
        }
        Err(StreamError::Body) => return Err(DocumentError::Upload(UploadProblem::Truncated)),
        Err(StreamError::Storage(e)) => return Err(e.into()),
    };
    let key = streamed.key;
    let file_type = match sniff(&streamed.sample, u64::MAX) {
        Ok(t) => t,
        Err(problem) => {
            app.documents.delete(&key).await;
            return Err(DocumentError::Upload(problem));
        }
    };
    let new = documents::NewDocument {
        owner_id: actor.id,
        kind,
        file_name: name,
        file_type,
        size: usize::try_from(streamed.size).unwrap_or(usize::MAX),
        sha256: streamed.sha256,
        storage_key: &key,
    };
    match stored(app, actor, new).await {
        Ok(row) => Ok(view(&row)),
        Err(e) => {
            app.documents.delete(&key).await;
            Err(e.into())
        }
    }
}

/// Writes the document's row and its audit entry together.
async fn stored(
    app: &AppState,
    actor: &Actor,
    new: documents::NewDocument<'_>,
) -> Result<DocumentRecord, DbError> {
    let txn = crate::db::begin(&app.db).await?;
    let row = documents::insert(&txn, new).await?;
    let note = format!("{} ({})", row.kind.code(), row.size);
    crate::db::audit::did(
        &txn,
        Some(actor.id),
        "document",
        row.id,
        "uploaded",
        Some(note),
    )
    .await?;
    crate::db::commit(txn).await?;
    Ok(row)
}

/// Whether `actor` decides an identity request that sent document `id` (a licence).
async fn checks_identity_with(app: &AppState, actor: &Actor, id: i32) -> Result<bool, DbError> {
    Ok(identity::by_document(&app.db, id)
        .await?
        .iter()
        .any(|r| may_decide_identity(actor, r.prefecture)))
}

/// The physician's own documents not yet attached to an application.
pub async fn unattached(app: &AppState, actor: &Actor) -> Result<Vec<DocumentView>, DocumentError> {
    Ok(documents::unattached(&app.db, actor.id)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// A document `actor` may read, with its bytes.
pub async fn download(
    app: &AppState,
    actor: &Actor,
    id: i32,
) -> Result<(DocumentView, Bytes), DocumentError> {
    let doc = documents::by_id(&app.db, id)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let attached = match doc.application_id {
        Some(a) => applications::by_id(&app.db, a).await?.map(|a| a.access()),
        None => None,
    };
    if !may_read_document(actor, doc.owner_id, attached.as_ref())
        && !checks_identity_with(app, actor, doc.id).await?
    {
        return Err(DocumentError::NotFound);
    }
    let bytes = app.documents.get(&doc.storage_key).await?;
    crate::db::audit::did(
        &app.db,
        Some(actor.id),
        "document",
        doc.id,
        "downloaded",
        None,
    )
    .await?;
    Ok((view(&doc), bytes))
}
