//! The phone camera inside the page, reading QR codes: the browser's `BarcodeDetector` where it
//! exists (Android Chrome, Safari 17+), otherwise the wasm decoder worker (`src/bin/decoder.rs`,
//! `rqrr`) on frames drawn to a canvas (desktop Linux Chromium has no `BarcodeDetector`): the
//! decoder is downloaded only then, and decodes off the page's thread. Also the sound of a scan.

use std::cell::RefCell;

use js_sys::{Array, Promise, Reflect};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream,
    MediaStreamConstraints, MediaStreamTrack, MessageEvent, Worker, WorkerOptions, WorkerType,
};

use crate::i18n::use_i18n;

#[wasm_bindgen]
extern "C" {
    /// The Shape Detection API's QR reader, where the browser has it.
    type BarcodeDetector;
    #[wasm_bindgen(constructor, catch)]
    fn new(options: &JsValue) -> Result<BarcodeDetector, JsValue>;
    #[wasm_bindgen(method)]
    fn detect(this: &BarcodeDetector, source: &JsValue) -> Promise;
}

/// Waits `ms` milliseconds without blocking the page.
async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn native_detector() -> Option<BarcodeDetector> {
    let global = js_sys::global();
    if !Reflect::has(&global, &"BarcodeDetector".into()).unwrap_or(false) {
        return None;
    }
    let options = js_sys::Object::new();
    let formats = Array::of1(&"qr_code".into());
    Reflect::set(&options, &"formats".into(), &formats).ok()?;
    BarcodeDetector::new(&options).ok()
}

/// The decoder worker of the door's build (`src/bin/decoder.rs`), for browsers without
/// `BarcodeDetector`; stopped when the camera stops.
struct Decoder(Worker);

impl Decoder {
    /// Starts the worker and waits until it can decode; `None` when it cannot be loaded (a build
    /// without it, or a download that failed).
    async fn start() -> Option<Decoder> {
        let url = format!("/{}/decoder_loader.js", domain::bundle::Bundle::Door.dir());
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let decoder = Decoder(Worker::new_with_options(&url, &options).ok()?);
        let ready = decoder.answer().await?;
        (ready.as_string().as_deref() == Some("ready")).then_some(decoder)
    }

    /// The worker's next message (`None` if it failed).
    async fn answer(&self) -> Option<JsValue> {
        let promise = Promise::new(&mut |resolve, reject| {
            self.0.set_onmessage(Some(&resolve));
            self.0.set_onerror(Some(&reject));
        });
        let event = JsFuture::from(promise).await.ok()?;
        event.dyn_into::<MessageEvent>().ok().map(|e| e.data())
    }

    /// The text of the code in an RGBA picture, read by the worker (the pixels are handed over,
    /// not copied).
    async fn decode(&self, width: u32, height: u32, pixels: &JsValue) -> Option<String> {
        let message = js_sys::Object::new();
        Reflect::set(&message, &"width".into(), &width.into()).ok()?;
        Reflect::set(&message, &"height".into(), &height.into()).ok()?;
        Reflect::set(&message, &"pixels".into(), pixels).ok()?;
        let buffer = Reflect::get(pixels, &"buffer".into()).ok()?;
        self.0
            .post_message_with_transfer(&message, &Array::of1(&buffer))
            .ok()?;
        self.answer().await?.as_string()
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        self.0.terminate();
    }
}

/// How frames are read: by the browser, or by the decoder worker.
enum Reader {
    Native(BarcodeDetector),
    Worker(Decoder),
}

impl Reader {
    async fn start() -> Option<Reader> {
        match native_detector() {
            Some(native) => Some(Reader::Native(native)),
            None => Decoder::start().await.map(Reader::Worker),
        }
    }
}

/// Reads one QR code from the current frame, if there is one.
async fn read_frame(
    video: &HtmlVideoElement,
    canvas: &HtmlCanvasElement,
    reader: &Reader,
) -> Option<String> {
    if video.ready_state() < 2 {
        return None;
    }
    let decoder = match reader {
        Reader::Native(detector) => {
            let found = JsFuture::from(detector.detect(video)).await.ok()?;
            let first = Array::from(&found).get(0);
            return Reflect::get(&first, &"rawValue".into()).ok()?.as_string();
        }
        Reader::Worker(decoder) => decoder,
    };
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return None;
    }
    // At most 640 px wide: enough for a phone-screen code, and fast in wasm.
    let scale = (640.0 / f64::from(w)).min(1.0);
    let (cw, ch) = ((f64::from(w) * scale) as u32, (f64::from(h) * scale) as u32);
    canvas.set_width(cw);
    canvas.set_height(ch);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.draw_image_with_html_video_element_and_dw_and_dh(
        video,
        0.0,
        0.0,
        f64::from(cw),
        f64::from(ch),
    )
    .ok()?;
    let image = ctx
        .get_image_data(0.0, 0.0, f64::from(cw), f64::from(ch))
        .ok()?;
    // The pixels stay a JavaScript array: they go to the worker without passing through wasm.
    let pixels = Reflect::get(&image, &"data".into()).ok()?;
    decoder.decode(cw, ch, &pixels).await
}

/// Marks the moment a code was read (`performance.mark`), for the check-in benchmark
/// (`make bench-door`), which measures from here to the result panel.
fn mark_read() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("nintei:qr-read");
    }
}

fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The camera panel: a start/stop button and the live picture; `on_code` gets every code read
/// (the caller decides what a repeat means).
#[component]
pub fn QrScanner(on_code: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let video_ref = NodeRef::<html::Video>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let running = RwSignal::new(false);
    let failed = RwSignal::new(false);
    // No way to read codes here (no `BarcodeDetector` and the decoder could not be loaded).
    let unavailable = RwSignal::new(false);
    let stream = StoredValue::new_local(None::<MediaStream>);
    // Each start gets a number; a loop stops when a newer start or a stop replaced it.
    let generation = StoredValue::new(0u32);
    // Also runs on cleanup, so it uses the `try_` accessors (values may be going away).
    let stop = move || {
        running.set(false);
        generation.try_update_value(|g| *g += 1);
        if let Some(s) = stream.try_get_value().flatten() {
            stop_stream(&s);
        }
        stream.set_value(None);
    };
    on_cleanup(stop);
    let start = move |_| {
        unlock_sound();
        failed.set(false);
        unavailable.set(false);
        let (Some(video), Some(canvas)) = (video_ref.get(), canvas_ref.get()) else {
            return;
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            let Some(media) = web_sys::window().and_then(|w| w.navigator().media_devices().ok())
            else {
                failed.set(true);
                return;
            };
            let constraints = MediaStreamConstraints::new();
            let video_opts = js_sys::Object::new();
            let _ = Reflect::set(&video_opts, &"facingMode".into(), &"environment".into());
            constraints.set_video(&video_opts);
            constraints.set_audio(&JsValue::FALSE);
            let opened = match media.get_user_media_with_constraints(&constraints) {
                Ok(p) => JsFuture::from(p).await,
                Err(e) => Err(e),
            };
            let Ok(media_stream) = opened.and_then(|s| s.dyn_into::<MediaStream>()) else {
                failed.set(true);
                return;
            };
            // The page may have been left, or the camera stopped, while the browser asked.
            let current = move || generation.try_get_value() == Some(mine);
            if !current() {
                stop_stream(&media_stream);
                return;
            }
            video.set_src_object(Some(&media_stream));
            let _ = video.play().map(JsFuture::from);
            stream.set_value(Some(media_stream));
            running.set(true);
            let Some(reader) = Reader::start().await else {
                stop();
                unavailable.set(true);
                return;
            };
            while current() {
                let read = read_frame(&video, &canvas, &reader).await;
                if !current() {
                    break;
                }
                if let Some(text) = read {
                    mark_read();
                    on_code.run(text);
                    // A short pause after a read: the person steps away, the panel is read.
                    sleep(1500).await;
                } else {
                    sleep(200).await;
                }
            }
        });
    };
    view! {
        <section class="card scanner">
            <div class="camera" class:on=move || running.get()>
                <video node_ref=video_ref muted=true playsinline=true autoplay=true data-testid="camera"></video>
                <canvas node_ref=canvas_ref hidden=true></canvas>
            </div>
            {move || failed.get().then(|| view! { <p class="banner error" role="alert">{i18n.t("scanner.denied")}</p> })}
            {move || unavailable.get().then(|| view! { <p class="banner error" role="alert" data-testid="camera-unavailable">{i18n.t("scanner.unavailable")}</p> })}
            {move || if running.get() {
                view! { <button class="button secondary wide" data-testid="camera-stop" on:click=move |_| stop()>{i18n.t("scanner.stop")}</button> }.into_any()
            } else {
                view! { <button class="button wide big" data-testid="camera-start" on:click=start>{i18n.t("scanner.start")}</button> }.into_any()
            }}
        </section>
    }
}

thread_local! {
    static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
}

/// Browsers allow sound only after a tap: the first tap on the check-in page opens the audio.
pub fn unlock_sound() {
    AUDIO.with(|a| {
        let mut a = a.borrow_mut();
        if a.is_none() {
            *a = web_sys::AudioContext::new().ok();
        }
        if let Some(ctx) = a.as_ref() {
            let _ = ctx.resume();
        }
    });
}

/// What a sound says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Recorded: one high short beep.
    Ok,
    /// Already recorded, or waiting to be sent: two middle beeps.
    Repeat,
    /// Refused: one low long beep.
    Error,
}

/// Plays the tone and vibrates, where the device can.
pub fn signal(tone: Tone) {
    if let Some(w) = web_sys::window() {
        let pattern = match tone {
            Tone::Ok => Array::of1(&150.into()),
            Tone::Repeat => Array::of3(&100.into(), &80.into(), &100.into()),
            Tone::Error => Array::of1(&400.into()),
        };
        let _ = w.navigator().vibrate_with_pattern(&pattern);
    }
    AUDIO.with(|a| {
        let Some(ctx) = a.borrow().clone() else {
            return;
        };
        let beeps: &[(f32, f64, f64)] = match tone {
            Tone::Ok => &[(1320.0, 0.0, 0.12)],
            Tone::Repeat => &[(880.0, 0.0, 0.09), (880.0, 0.15, 0.09)],
            Tone::Error => &[(220.0, 0.0, 0.4)],
        };
        let now = ctx.current_time();
        for &(freq, offset, length) in beeps {
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return;
            };
            osc.frequency().set_value(freq);
            gain.gain().set_value(0.2);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = osc.start_with_when(now + offset);
            let _ = osc.stop_with_when(now + offset + length);
        }
    });
}
