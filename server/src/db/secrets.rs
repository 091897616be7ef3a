//! The server's own secrets, kept in the database so that every instance shares them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::qr::SigningKey;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

use crate::entities::server_secret;
use crate::error::ApiError;

const QR_KEY: &str = "qr_signing_key";

/// The Ed25519 key that signs personal QR codes, made on first start.
pub async fn qr_signing_key(db: &DatabaseConnection) -> Result<SigningKey, ApiError> {
    if let Some(row) = server_secret::Entity::find_by_id(QR_KEY.to_owned())
        .one(db)
        .await?
    {
        return decode(&row.value);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let made = server_secret::ActiveModel {
        name: Set(QR_KEY.to_owned()),
        value: Set(URL_SAFE_NO_PAD.encode(bytes)),
    }
    .insert(db)
    .await;
    match made {
        Ok(_) => Ok(SigningKey::from_bytes(&bytes)),
        // Another instance made it first: use theirs.
        Err(_) => {
            let row = server_secret::Entity::find_by_id(QR_KEY.to_owned())
                .one(db)
                .await?
                .ok_or(ApiError::NotFound)?;
            decode(&row.value)
        }
    }
}

fn decode(text: &str) -> Result<SigningKey, ApiError> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ApiError::Internal("stored QR signing key is not 32 bytes".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}
