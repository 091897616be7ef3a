//! The personal QR code for check-in: a short-lived token signed by the server with Ed25519, so
//! the check-in page can verify it offline with the public key and nobody can forge or edit one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, Verifier};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Token format version prefix.
const PREFIX: &str = "N1";

/// What a check-in QR code says about its physician.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrClaims {
    /// 医籍登録番号
    pub registry_number: String,
    /// 氏名
    pub name: String,
    /// フリガナ
    pub kana: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
}

/// Why a QR token is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// Not a Nintei token at all.
    #[error("not a Nintei check-in code")]
    Malformed,
    /// Signed by someone else or edited after signing.
    #[error("the code's signature is not valid")]
    BadSignature,
    /// Expired: ask the physician to reopen My Page.
    #[error("the code has expired")]
    Expired,
}

impl QrError {
    /// A stable code.
    pub const fn code(&self) -> &'static str {
        match self {
            QrError::Malformed => "malformed",
            QrError::BadSignature => "bad_signature",
            QrError::Expired => "expired",
        }
    }

    /// What the person at the door should do, from the catalogue.
    pub fn message(&self) -> crate::Message {
        crate::Message::key(format!("qr.{}", self.code()))
    }
}

/// Signs claims into a token.
pub fn sign(key: &SigningKey, claims: &QrClaims) -> String {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signed = format!("{PREFIX}.{payload}");
    let signature = key.sign(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// Verifies a token with the public key and the current time (seconds since the epoch).
pub fn verify(public: &VerifyingKey, token: &str, now: i64) -> Result<QrClaims, QrError> {
    let mut parts = token.trim().split('.');
    let (Some(PREFIX), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(QrError::Malformed);
    };
    let sig_bytes: [u8; 64] = URL_SAFE_NO_PAD
        .decode(sig)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(QrError::Malformed)?;
    public
        .verify(
            format!("{PREFIX}.{payload}").as_bytes(),
            &Signature::from_bytes(&sig_bytes),
        )
        .map_err(|_| QrError::BadSignature)?;
    let claims: QrClaims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(QrError::Malformed)?;
    if claims.exp < now {
        return Err(QrError::Expired);
    }
    Ok(claims)
}

/// The public key as text (base64url), for the check-in page.
pub fn public_key_text(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(key.to_bytes())
}

/// Reads a public key published by [`public_key_text`].
pub fn public_key_from_text(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> QrClaims {
        QrClaims {
            registry_number: "123456".into(),
            name: "山田 太郎".into(),
            kana: "ヤマダ　タロウ".into(),
            exp: 1_000,
        }
    }

    #[test]
    fn a_signed_code_verifies_until_it_expires() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let token = sign(&key, &claims());
        assert_eq!(verify(&key.verifying_key(), &token, 999).unwrap(), claims());
        assert_eq!(
            verify(&key.verifying_key(), &token, 1_001),
            Err(QrError::Expired)
        );
    }

    #[test]
    fn an_edited_or_foreign_code_is_refused() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let token = sign(&key, &claims());
        let mut edited = claims();
        edited.registry_number = "654321".into();
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&edited).unwrap());
        let sig = token.rsplit('.').next().unwrap();
        let tampered = format!("{PREFIX}.{forged_payload}.{sig}");
        assert_eq!(
            verify(&key.verifying_key(), &tampered, 0),
            Err(QrError::BadSignature)
        );
        let other = SigningKey::from_bytes(&[9u8; 32]);
        assert_eq!(
            verify(&other.verifying_key(), &token, 0),
            Err(QrError::BadSignature)
        );
        assert_eq!(
            verify(&key.verifying_key(), "hello", 0),
            Err(QrError::Malformed)
        );
    }
}
