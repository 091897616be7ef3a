//! Ids made on the device: a request carries one so that a retry is recorded once.

use uuid::Uuid;

/// A new random (version 4) UUID from the browser's cryptographic random source.
pub fn new_id() -> Uuid {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto (very old browsers): fall back to Math.random, still unique enough
        // for one device's retries.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}
