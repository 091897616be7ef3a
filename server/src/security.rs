//! Passwords (Argon2id), random tokens, one-time codes (TOTP, RFC 6238) and recovery codes.
//! Only hashes of tokens and recovery codes are ever stored.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashing a password failed (never for a valid input; reported as an internal error).
#[derive(Debug, thiserror::Error)]
#[error("argon2: {0}")]
pub struct HashError(String);

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a password against a stored hash. With no hash (unknown account) it still does the
/// work of one check, so the answer takes as long whether the account exists or not.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let hash = stored.unwrap_or(dummy);
    let ok = PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && stored.is_some()
}

/// Argon2 is deliberately slow: it runs on the blocking pool, at most one per core at a time,
/// so a burst of logins waits there instead of stalling the async workers that answer every
/// other request.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Runs `work` (an Argon2 hash or check) off the async workers, one per core at a time.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|e| HashError(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HashError(e.to_string()))
}

/// [`hash_password`], off the async workers.
pub async fn hash_password_async(password: String) -> Result<String, HashError> {
    off_the_workers(move || hash_password(&password)).await?
}

/// [`verify_password`], off the async workers.
pub async fn verify_password_async(
    password: String,
    stored: Option<String>,
) -> Result<bool, HashError> {
    off_the_workers(move || verify_password(&password, stored.as_deref())).await
}

/// A new random token (given out once) and its hash (kept in the database).
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// What the database keeps of a token: its SHA-256, so a leaked table opens nothing.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The seconds one TOTP code lasts.
pub const TOTP_STEP: u64 = 30;

/// A new TOTP secret (160 random bits), base32 as authenticator apps take it.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &bytes)
}

fn totp(secret: &str) -> Option<totp_rs::TOTP> {
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret)?;
    Some(totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        TOTP_STEP,
        bytes,
    ))
}

/// The code of `secret` at `unix_seconds` (tests and the e2e suite compute codes this way).
pub fn totp_code(secret: &str, unix_seconds: u64) -> Option<String> {
    Some(totp(secret)?.generate(unix_seconds))
}

/// The time step `code` belongs to, if it is `secret`'s code now or one step either side (a
/// phone's clock a little off).
pub fn totp_step(secret: &str, code: &str, unix_seconds: u64) -> Option<i64> {
    let t = totp(secret)?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    [
        unix_seconds.saturating_sub(TOTP_STEP),
        unix_seconds,
        unix_seconds + TOTP_STEP,
    ]
    .into_iter()
    .find(|s| t.generate(*s) == code)
    .and_then(|s| i64::try_from(s / TOTP_STEP).ok())
}

/// The `otpauth://` address of a secret, for the QR code an authenticator app scans.
pub fn totp_uri(secret: &str, account: &str) -> String {
    let enc = |t: &str| {
        t.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={TOTP_STEP}",
        enc("Nintei"),
        enc(account),
        enc("Nintei")
    )
}

/// Ten new recovery codes (`xxxxx-xxxxx`, letters and digits that cannot be mistaken for one
/// another), each usable once.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| {
            let mut code = String::new();
            for i in 0..10 {
                if i == 5 {
                    code.push('-');
                }
                let n = usize::try_from(rng.next_u32()).unwrap_or(0) % ALPHABET.len();
                code.push(char::from(ALPHABET[n]));
            }
            code
        })
        .collect()
}

/// What is stored of a recovery code: the hash of its letters and digits, lowercase.
pub fn recovery_code_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    token_hash(&plain)
}

#[cfg(test)]
mod totp_tests {
    use super::*;

    #[test]
    fn a_code_counts_for_its_step_and_its_neighbours_only() {
        // RFC 6238's SHA-1 test secret ("12345678901234567890").
        let secret = base32::encode(
            base32::Alphabet::Rfc4648 { padding: false },
            b"12345678901234567890",
        );
        assert_eq!(totp_code(&secret, 59).as_deref(), Some("287082"));
        assert_eq!(totp_step(&secret, "287 082", 59), Some(1));
        assert_eq!(
            totp_step(&secret, "287082", 59 + 30),
            Some(1),
            "one step late"
        );
        assert_eq!(totp_step(&secret, "287082", 59 + 90), None);
        assert_eq!(
            recovery_code_hash("ABCDE-12345"),
            recovery_code_hash("abcde12345")
        );
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11));
    }
}
