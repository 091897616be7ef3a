//! The camera's QR decoder as a web worker, so that decoding a frame never blocks the check-in
//! page (taps, the result panel, the queue). The door's build makes it with Trunk
//! (`data-type="worker"`) as `decoder_loader.js`, `decoder.js` and `decoder_bg.wasm` beside the
//! page; the page starts it only where the browser has no `BarcodeDetector`
//! (`scanner::Decoder`).
//!
//! Messages: the worker says `"ready"` once it can decode; then each message from the page is
//! `{ width, height, pixels }` (an RGBA `Uint8ClampedArray`, transferred) and each answer is the
//! text of the code read, or `null`.

#[path = "../qr_decode.rs"]
mod qr_decode;

#[cfg(target_family = "wasm")]
fn main() {
    use js_sys::{Reflect, Uint8ClampedArray};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let number = |key: &str| {
            Reflect::get(&data, &key.into())
                .ok()
                .and_then(|v| v.as_f64())
                .map(|v| v as usize)
        };
        let text = match (
            number("width"),
            number("height"),
            Reflect::get(&data, &"pixels".into())
                .ok()
                .and_then(|p| p.dyn_into::<Uint8ClampedArray>().ok()),
        ) {
            (Some(w), Some(h), Some(pixels)) if pixels.length() as usize == w * h * 4 => {
                qr_decode::decode_rgba(&pixels.to_vec(), w, h)
            }
            _ => None,
        };
        let answer = text.map_or(JsValue::NULL, |t| JsValue::from_str(&t));
        let _ = reply.post_message(&answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// Native builds (`cargo test`) only run the decoder's tests.
#[cfg(not(target_family = "wasm"))]
fn main() {}
