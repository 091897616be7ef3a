//! The check-in desk used at the door by the organizer or a helper: mode, camera, feedback,
//! queue, search by number or by name and date of birth.

use crate::api::{self, Door};
use crate::clock::{hm_jst, local_storage, now_utc};
use crate::components::form::ReasonForm;
use crate::i18n::use_i18n;
use crate::scanner::{QrScanner, Tone, signal, unlock_sound};
use domain::Message;
use domain::api::{ScanRequest, ScanResult};
use domain::qr::VerifyingKey;
use domain::sessions::ScanKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// Scans not yet accepted by the server, kept on the device across reloads.
fn load_queue(door: &Door) -> Vec<ScanRequest> {
    local_storage()
        .and_then(|s| s.get_item(&door.queue_key()).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save_queue(door: &Door, queue: &[ScanRequest]) {
    if let (Some(s), Ok(text)) = (local_storage(), serde_json::to_string(queue)) {
        let _ = s.set_item(&door.queue_key(), &text);
    }
}

const KEY_STORE: &str = "nintei.qr_public_key";

/// The key that signs My Page codes: fetched when online, remembered for offline use.
async fn public_key() -> Option<VerifyingKey> {
    let text = match api::qr_public_key().await {
        Ok(text) => {
            if let Some(s) = local_storage() {
                let _ = s.set_item(KEY_STORE, &text);
            }
            Some(text)
        }
        Err(_) => local_storage().and_then(|s| s.get_item(KEY_STORE).ok().flatten()),
    }?;
    domain::qr::public_key_from_text(&text)
}

/// The most specific message of a refusal: the field's own ("the scan time does not fall on
/// the session's day…") rather than the general "check the fields".
fn refusal(e: &api::ApiFailure) -> Message {
    e.fields()
        .into_iter()
        .next()
        .map(|f| f.message)
        .unwrap_or_else(|| e.message())
}

/// What the big feedback panel shows.
#[derive(Clone, Debug)]
enum Feedback {
    /// The server recorded it (or had it already).
    Done(ScanResult),
    /// Read and verified on the phone; on its way (or waiting for the network).
    Read {
        name: Option<String>,
        kana: Option<String>,
    },
    /// Already waiting in this device's queue: not queued twice.
    AlreadyQueued,
    Failed(Message),
    Undone,
}

/// The desk itself: mode, camera, feedback, queue, search by number or by name.
#[component]
pub fn CheckInDesk(door: Door) -> impl IntoView {
    let i18n = use_i18n();
    let door = StoredValue::new(door);
    let kind = RwSignal::new(ScanKind::In);
    let number = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let pending = RwSignal::new(load_queue(&door.get_value()).len());
    let feedback = RwSignal::new(None::<Feedback>);
    let sending = StoredValue::new(false);
    let key = StoredValue::new(None::<VerifyingKey>);
    spawn_local(async move { key.set_value(public_key().await) });

    // Sends queued scans in order; a network failure keeps the rest for the next try.
    let flush = move || {
        if sending.get_value() {
            return;
        }
        sending.set_value(true);
        let door = door.get_value();
        spawn_local(async move {
            let mut queue = load_queue(&door);
            while let Some(next) = queue.first().cloned() {
                match api::scan(&door, &next).await {
                    Ok(result) => {
                        queue.remove(0);
                        signal(if result.already_at.is_some() {
                            Tone::Repeat
                        } else {
                            Tone::Ok
                        });
                        feedback.set(Some(Feedback::Done(result)));
                    }
                    Err(e) if e.status == 0 => break,
                    Err(e) => {
                        queue.remove(0);
                        signal(Tone::Error);
                        feedback.set(Some(Feedback::Failed(refusal(&e))));
                    }
                }
                save_queue(&door, &queue);
                pending.set(queue.len());
            }
            pending.set(queue.len());
            sending.set_value(false);
        });
    };
    flush();
    if let Ok(handle) = set_interval_with_handle(flush, Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }
    // Queues a scan unless the same person and direction is already waiting on this device.
    let enqueue = move |req: ScanRequest, shown: Feedback| {
        let door = door.get_value();
        let mut queue = load_queue(&door);
        let waiting = req.registry_number.is_some()
            && queue
                .iter()
                .any(|q| q.kind == req.kind && q.registry_number == req.registry_number);
        if waiting {
            signal(Tone::Repeat);
            feedback.set(Some(Feedback::AlreadyQueued));
            return;
        }
        queue.push(req);
        save_queue(&door, &queue);
        pending.set(queue.len());
        feedback.set(Some(shown));
        flush();
    };
    let queue_number = move |typed: String, birth_date: Option<chrono::NaiveDate>| {
        let req = ScanRequest {
            client_id: crate::ids::new_id(),
            kind: kind.get_untracked(),
            at: now_utc(),
            token: None,
            registry_number: domain::account::RegistryNumber::parse(&typed)
                .map(|r| r.as_str().to_owned())
                .ok()
                .or(Some(typed)),
            birth_date,
        };
        enqueue(
            req,
            Feedback::Read {
                name: None,
                kana: None,
            },
        );
    };
    // A code from the camera: the same code again within a few seconds is the same person
    // still in front of the camera, not a new scan.
    let last_code = StoredValue::new((String::new(), 0.0f64));
    let on_code = Callback::new(move |token: String| {
        let now = js_sys::Date::now();
        let (last, at) = last_code.get_value();
        if last == token && now - at < 5_000.0 {
            return;
        }
        last_code.set_value((token.clone(), now));
        let claims = match key.get_value() {
            Some(k) => match domain::qr::verify(&k, &token, (now / 1000.0) as i64) {
                Ok(c) => Some(c),
                Err(e) => {
                    signal(Tone::Error);
                    feedback.set(Some(Feedback::Failed(e.message())));
                    return;
                }
            },
            // No key yet (first visit while offline): the server verifies it.
            None => None,
        };
        let req = ScanRequest {
            client_id: crate::ids::new_id(),
            kind: kind.get_untracked(),
            at: now_utc(),
            token: Some(token),
            registry_number: claims.as_ref().map(|c| c.registry_number.clone()),
            birth_date: None,
        };
        enqueue(
            req,
            Feedback::Read {
                name: claims.as_ref().map(|c| c.name.clone()),
                kana: claims.map(|c| c.kana),
            },
        );
    });
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        unlock_sound();
        let typed = number.get();
        if typed.trim().is_empty() {
            return;
        }
        queue_number(typed, birth.get().parse().ok());
        number.set(String::new());
        birth.set(String::new());
    };
    let find_name = RwSignal::new(String::new());
    let find_birth = RwSignal::new(String::new());
    let lookup = Action::new_local(move |(name, birth): &(String, chrono::NaiveDate)| {
        let (name, birth, door) = (name.clone(), *birth, door.get_value());
        async move { api::lookup(&door, &name, birth).await }
    });
    // The scan whose undo reason is being asked for.
    let undoing = RwSignal::new(None::<i32>);
    let undo = move |scan_id: i32, reason: String| {
        let door = door.get_value();
        spawn_local(async move {
            undoing.set(None);
            match api::undo_scan(&door, scan_id, &reason).await {
                Ok(()) => feedback.set(Some(Feedback::Undone)),
                Err(e) => feedback.set(Some(Feedback::Failed(refusal(&e)))),
            }
        });
    };
    let mode_label = move || {
        if kind.get() == ScanKind::In {
            i18n.t("checkin.in")
        } else {
            i18n.t("checkin.out")
        }
    };
    view! {
        <div class="toggle" role="group">
            <button class="big" class:active=move || kind.get() == ScanKind::In data-testid="mode-in" on:click=move |_| { unlock_sound(); kind.set(ScanKind::In) }>{move || i18n.t("checkin.in")}</button>
            <button class="big" class:active=move || kind.get() == ScanKind::Out data-testid="mode-out" on:click=move |_| { unlock_sound(); kind.set(ScanKind::Out) }>{move || i18n.t("checkin.out")}</button>
        </div>
        <div class="feedback" data-testid="feedback" aria-live="assertive">
            {move || feedback.get().is_none().then(|| view! { <div class="panel pending"><p class="headline">{i18n.t("checkin.ready")}</p></div> })}
            {move || feedback.get().map(|f| match f {
                Feedback::Done(r) => {
                    let scan_id = r.scan_id;
                    let headline = match (r.already_at, r.kind) {
                        (Some(t), ScanKind::In) => i18n.f("checkin.already", &[("t", hm_jst(t))]),
                        (Some(t), ScanKind::Out) => i18n.f("checkin.already_out", &[("t", hm_jst(t))]),
                        (None, ScanKind::In) => i18n.t("checkin.ok_in").to_owned(),
                        (None, ScanKind::Out) => i18n.t("checkin.ok_out").to_owned(),
                    };
                    let class = if r.already_at.is_some() { "panel warn" } else if r.kind == ScanKind::In { "panel in" } else { "panel out" };
                    view! {
                        <div class=class>
                            <p class="who">{r.name.clone().unwrap_or_else(|| r.registry_number.clone())}</p>
                            <p class="kana">{r.kana.clone().unwrap_or_else(|| i18n.t("checkin.unregistered").to_owned())}</p>
                            <p class="headline">{headline}" · "{hm_jst(r.at)}</p>
                            {move || if undoing.get() == Some(scan_id) {
                                view! { <ReasonForm label="checkin.undo_reason" confirm="checkin.undo" on_confirm=Callback::new(move |reason| undo(scan_id, reason)) on_cancel=Callback::new(move |_| undoing.set(None)) /> }.into_any()
                            } else {
                                view! { <button class="link" data-testid="undo" on:click=move |_| undoing.set(Some(scan_id))>{i18n.t("checkin.undo")}</button> }.into_any()
                            }}
                        </div>
                    }.into_any()
                }
                Feedback::Read { name, kana } => view! {
                    <div class="panel pending">
                        {name.map(|n| view! { <p class="who">{n}</p> })}
                        {kana.map(|k| view! { <p class="kana">{k}</p> })}
                        <p class="headline">{mode_label()}" · "{i18n.t("checkin.sending")}</p>
                    </div>
                }.into_any(),
                Feedback::AlreadyQueued => view! { <div class="panel warn"><p class="headline">{i18n.t("checkin.already_queued")}</p></div> }.into_any(),
                Feedback::Failed(m) => view! { <div class="panel error" role="alert"><p class="headline">{i18n.msg(&m)}</p></div> }.into_any(),
                Feedback::Undone => view! { <div class="panel"><p class="headline">{i18n.t("checkin.undone")}</p></div> }.into_any(),
            })}
        </div>
        {move || (pending.get() > 0).then(|| view! { <p class="banner info" data-testid="queued">{i18n.f("checkin.queued", &[("n", pending.get().to_string())])}</p> })}
        <QrScanner on_code=on_code />
        <section class="card">
            <h2>{move || i18n.t("checkin.number")}</h2>
            <form on:submit=record novalidate>
                <div class="field">
                    <label for="c-number">{move || i18n.t("register.registry_number")}</label>
                    <input id="c-number" inputmode="numeric" autocomplete="off" data-testid="checkin-number" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="c-birth">{move || i18n.t("checkin.birth")}</label>
                    <input id="c-birth" type="date" prop:value=move || birth.get() on:input=move |ev| birth.set(event_target_value(&ev)) />
                </div>
                <button class="button wide" type="submit" data-testid="checkin-record">{move || i18n.t("checkin.record")}</button>
            </form>
        </section>
        <section class="card">
            <h2>{move || i18n.t("checkin.lookup")}</h2>
            <form novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Ok(birth) = find_birth.get().parse() {
                    lookup.dispatch((find_name.get(), birth));
                }
            }>
                <div class="field">
                    <label for="c-name">{move || i18n.t("checkin.lookup_name")}</label>
                    <input id="c-name" autocomplete="off" data-testid="lookup-name" prop:value=move || find_name.get() on:input=move |ev| find_name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="c-find-birth">{move || i18n.t("checkin.lookup_birth")}</label>
                    <input id="c-find-birth" type="date" data-testid="lookup-birth" prop:value=move || find_birth.get() on:input=move |ev| find_birth.set(event_target_value(&ev)) />
                </div>
                <button class="button secondary wide" type="submit" data-testid="lookup-search">{move || i18n.t("checkin.lookup_search")}</button>
            </form>
            {move || lookup.value().get().map(|r| match r {
                Ok(hits) if hits.is_empty() => view! { <p class="muted" data-testid="lookup-none">{i18n.t("checkin.lookup_none")}</p> }.into_any(),
                Ok(hits) => view! {
                    <ul class="list" data-testid="lookup-hits">
                        {hits.into_iter().map(|h| {
                            let reg = h.registry_number.clone();
                            view! {
                                <li>
                                    <div class="line"><strong>{h.name.clone()}</strong><span class="muted">{h.kana.clone()}</span></div>
                                    <button class="button wide" on:click=move |_| { unlock_sound(); queue_number(reg.clone(), None); lookup.value().set(None); find_name.set(String::new()); }>
                                        {mode_label}" · "{h.registry_number.clone()}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </section>
    }
}
