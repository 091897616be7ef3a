//! The check-in desk used at the door by the organizer or a helper: mode, camera, feedback,
//! the device's queue (nothing leaves it until the server has recorded it), search by number or
//! by name and date of birth, and one person's scans to undo the right one.

use std::time::Duration;

use domain::Message;
use domain::api::{DoorPresence, ScanRequest, ScanResult};
use domain::qr::VerifyingKey;
use domain::sessions::ScanKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_location;

use crate::api::{self, Door};
use crate::clock::{hm_jst, local_storage, now_utc};
use crate::components::form::ReasonForm;
use crate::door_queue::{DoorQueue, Outcome, Queued, Stop};
use crate::i18n::use_i18n;
use crate::routes::{Page, login_returning_to};
use crate::scanner::{QrScanner, Tone, signal, unlock_sound};

/// What this device holds for `door`.
pub fn load_queue(door: &Door) -> DoorQueue {
    local_storage()
        .and_then(|s| s.get_item(&door.queue_key()).ok().flatten())
        .map(|t| DoorQueue::from_json(&t))
        .unwrap_or_default()
}

/// Keeps what this device holds for `door` across reloads.
pub fn save_queue(door: &Door, queue: &DoorQueue) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(&door.queue_key(), &queue.to_json());
    }
}

/// Changes the device's queue and keeps the change.
fn change<R>(queue: RwSignal<DoorQueue>, door: &Door, f: impl FnOnce(&mut DoorQueue) -> R) -> R {
    let mut result = None;
    queue.update(|q| result = Some(f(q)));
    save_queue(door, &queue.get_untracked());
    result.expect("the update ran")
}

/// Who was in the hall when this device last asked the server (kept for an offline reload).
fn load_presence(door: &Door) -> DoorPresence {
    local_storage()
        .and_then(|s| s.get_item(&door.presence_key()).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Seconds a kiosk shows a result before it is ready for the next person.
const KIOSK_RESET_SECONDS: u64 = 6;

/// People listed at once in the "who is in" card; a search narrows the rest.
const INSIDE_SHOWN: usize = 50;

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

/// What the server answered, for the queue.
fn outcome(answer: &Result<ScanResult, api::ApiFailure>) -> Outcome {
    match answer {
        Ok(_) => Outcome::Recorded,
        Err(e) => Outcome::of(
            e.status,
            e.info.as_ref().map(|i| {
                i.fields
                    .first()
                    .map_or(i.code.as_str(), |f| f.code.as_str())
            }),
            Some(refusal(e)),
        ),
    }
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
    /// Refused by the server: kept on the device with the reason.
    Held {
        reason: Message,
        /// A typed number with no My Page: the desk may confirm it.
        unknown_number: Option<uuid::Uuid>,
    },
    /// Could not be read (a forged or expired code).
    Failed(Message),
    Undone,
}

/// The desk itself: mode, camera, feedback, queue, search by number or by name.
#[component]
pub fn CheckInDesk(
    door: Door,
    /// Kiosk mode: attendees scan their own code in this one direction; the desk shows only the
    /// camera, the result (cleared after a few seconds) and what the device holds — no typing,
    /// no search, no one else's records.
    #[prop(optional)]
    kiosk: Option<ScanKind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let door = StoredValue::new(door);
    let kiosk_on = kiosk.is_some();
    let kind = RwSignal::new(kiosk.unwrap_or(ScanKind::In));
    let number = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let queue = RwSignal::new(load_queue(&door.get_value()));
    let feedback = RwSignal::new(None::<Feedback>);
    let sending = StoredValue::new(false);
    let key = StoredValue::new(None::<VerifyingKey>);
    spawn_local(async move { key.set_value(public_key().await) });
    // Who is in the hall: the server's last answer (kept on the device) with the scans this
    // device still holds applied, so the counts and the list work offline too.
    let presence = RwSignal::new(load_presence(&door.get_value()));
    let refresh_presence = move || {
        let door = door.get_value();
        spawn_local(async move {
            if let Ok(p) = api::presence(&door).await {
                if let (Some(s), Ok(text)) = (local_storage(), serde_json::to_string(&p)) {
                    let _ = s.set_item(&door.presence_key(), &text);
                }
                presence.set(p);
            }
        });
    };
    let shown_presence = Memo::new(move |_| {
        let mut p = presence.get();
        for w in queue.get().waiting {
            if let Some(r) = &w.request.registry_number {
                p.apply(r, w.request.kind, w.request.at, w.name.clone());
            }
        }
        p
    });
    let ticks = StoredValue::new(0u32);
    // A kiosk is ready for the next person a few seconds after each result (a newer result
    // starts its own wait).
    if kiosk_on {
        let shown = StoredValue::new(0u64);
        Effect::new(move |_| {
            if feedback.get().is_some() {
                shown.update_value(|n| *n += 1);
                let this = shown.get_value();
                set_timeout(
                    move || {
                        if shown.get_value() == this {
                            feedback.set(None);
                        }
                    },
                    Duration::from_secs(KIOSK_RESET_SECONDS),
                );
            }
        });
    }

    // Sends waiting scans in order. A scan leaves the device only once recorded; a refusal
    // keeps it aside with the reason; no network, a closed link or an ended login stop here.
    let flush = move || {
        if sending.get_value() {
            return;
        }
        sending.set_value(true);
        let door = door.get_value();
        spawn_local(async move {
            let mut online = true;
            let mut recorded = false;
            while let Some(next) = queue.get_untracked().next().cloned() {
                let answer = api::scan(&door, &next.request).await;
                let result = outcome(&answer);
                online = result != Outcome::Offline;
                let mut go_on = false;
                queue.update(|q| {
                    // Settle only the scan that was sent (the list may have changed meanwhile).
                    if q.waiting.first().map(|w| w.request.client_id)
                        == Some(next.request.client_id)
                    {
                        go_on = q.settle(result.clone());
                    }
                });
                save_queue(&door, &queue.get_untracked());
                match (answer, result) {
                    (Ok(done), _) => {
                        recorded = true;
                        signal(if done.already_at.is_some() || done.no_check_in {
                            Tone::Repeat
                        } else {
                            Tone::Ok
                        });
                        feedback.set(Some(Feedback::Done(done)));
                    }
                    (Err(_), Outcome::Refused { code, reason }) => {
                        signal(Tone::Error);
                        feedback.set(Some(Feedback::Held {
                            reason,
                            unknown_number: (code == "unknown_number")
                                .then_some(next.request.client_id),
                        }));
                    }
                    _ => {}
                }
                if !go_on {
                    break;
                }
            }
            if online {
                // Tell the organizer what this device still holds (helper links only).
                let _ = api::report_status(&door, queue.get_untracked().unsent()).await;
                // Who is in: after a recorded scan, and every 15 seconds for the other devices'.
                ticks.update_value(|t| *t = t.wrapping_add(1));
                if recorded || ticks.get_value() % 3 == 1 {
                    refresh_presence();
                }
            }
            sending.set_value(false);
        });
    };
    // A new page (after logging in again, or a handover) tries once more what had stopped.
    if queue.get_untracked().stopped.is_some() {
        change(queue, &door.get_value(), |q| q.stopped = None);
    }
    flush();
    if let Ok(handle) = set_interval_with_handle(flush, Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }
    // Queues a scan unless the same person and direction is already waiting on this device.
    let enqueue = move |request: ScanRequest, name: Option<String>, shown: Feedback| {
        let added = change(queue, &door.get_value(), |q| {
            q.enqueue(Queued { request, name })
        });
        if !added {
            signal(Tone::Repeat);
            feedback.set(Some(Feedback::AlreadyQueued));
            return;
        }
        feedback.set(Some(shown));
        flush();
    };
    let queue_number = move |typed: String, birth_date: Option<chrono::NaiveDate>| {
        // A typing mistake is said at once; only a real number goes into the queue.
        let number = match domain::account::RegistryNumber::parse(&typed) {
            Ok(n) => n.as_str().to_owned(),
            Err(e) => {
                signal(Tone::Error);
                feedback.set(Some(Feedback::Failed(e.message)));
                return;
            }
        };
        let req = ScanRequest {
            client_id: crate::ids::new_id(),
            kind: kind.get_untracked(),
            at: now_utc(),
            token: None,
            registry_number: Some(number),
            birth_date,
            confirm_unknown: false,
        };
        enqueue(
            req,
            None,
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
            confirm_unknown: false,
        };
        let name = claims.as_ref().map(|c| c.name.clone());
        enqueue(
            req,
            name.clone(),
            Feedback::Read {
                name,
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
    // A held number with no My Page, confirmed by a second tap.
    let confirm_number = move |client_id: uuid::Uuid| {
        change(queue, &door.get_value(), |q| {
            if let Some(i) = q
                .held
                .iter()
                .position(|h| h.queued.request.client_id == client_id)
            {
                q.confirm_unknown(i);
            }
        });
        feedback.set(None);
        flush();
    };
    let inside_find = RwSignal::new(String::new());
    let find_name = RwSignal::new(String::new());
    let find_birth = RwSignal::new(String::new());
    let lookup = Action::new_local(move |(name, birth): &(String, chrono::NaiveDate)| {
        let (name, birth, door) = (name.clone(), *birth, door.get_value());
        async move { api::lookup(&door, &name, birth).await }
    });
    // One person's scans, to undo the right row.
    let history_of = RwSignal::new(String::new());
    let history = Action::new_local(move |registry: &String| {
        let (registry, door) = (registry.clone(), door.get_value());
        async move { api::person_scans(&door, &registry).await }
    });
    let show_history = move |registry: String| {
        history_of.set(registry.clone());
        history.dispatch(registry);
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("c-history"))
        {
            el.scroll_into_view();
        }
    };
    // The scan whose undo reason is being asked for.
    let undoing = RwSignal::new(None::<i32>);
    let undo = move |scan_id: i32, reason: String| {
        let door = door.get_value();
        spawn_local(async move {
            undoing.set(None);
            match api::undo_scan(&door, scan_id, &reason).await {
                Ok(()) => {
                    feedback.set(Some(Feedback::Undone));
                    refresh_presence();
                    let who = history_of.get_untracked();
                    if !who.is_empty() {
                        history.dispatch(who);
                    }
                }
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
    let here = move || {
        format!(
            "{}{}",
            location.pathname.get_untracked(),
            location.hash.get_untracked()
        )
    };
    view! {
        {(!kiosk_on).then(|| view! {
        <div class="toggle" role="group">
            <button class="big" class:active=move || kind.get() == ScanKind::In data-testid="mode-in" on:click=move |_| { unlock_sound(); kind.set(ScanKind::In) }>{move || i18n.t("checkin.in")}</button>
            <button class="big" class:active=move || kind.get() == ScanKind::Out data-testid="mode-out" on:click=move |_| { unlock_sound(); kind.set(ScanKind::Out) }>{move || i18n.t("checkin.out")}</button>
        </div>
        })}
        {move || {
            let p = shown_presence.get();
            view! {
                <p class="tally" data-testid="tally">
                    <span>{i18n.t("checkin.tally.inside")}" "<strong data-testid="inside-count">{p.inside.len()}</strong></span>
                    <span>{i18n.t("checkin.tally.in")}" "<strong data-testid="in-count">{p.checked_in}</strong></span>
                    <span>{i18n.t("checkin.tally.out")}" "<strong data-testid="out-count">{p.checked_out}</strong></span>
                </p>
            }
        }}
        <div class="feedback" data-testid="feedback" aria-live="assertive">
            {move || feedback.get().is_none().then(|| view! { <div class="panel pending"><p class="headline">{i18n.t(if kiosk_on { "checkin.kiosk_ready" } else { "checkin.ready" })}</p></div> })}
            {move || feedback.get().map(|f| match f {
                Feedback::Done(r) => {
                    let registry = r.registry_number.clone();
                    let headline = match (r.already_at, r.kind) {
                        (Some(t), ScanKind::In) => i18n.f("checkin.already", &[("t", hm_jst(t))]),
                        (Some(t), ScanKind::Out) => i18n.f("checkin.already_out", &[("t", hm_jst(t))]),
                        (None, ScanKind::In) => i18n.t("checkin.ok_in").to_owned(),
                        (None, ScanKind::Out) => i18n.t("checkin.ok_out").to_owned(),
                    };
                    let warn = r.already_at.is_some() || r.no_check_in;
                    let class = if warn { "panel warn" } else if r.kind == ScanKind::In { "panel in" } else { "panel out" };
                    view! {
                        <div class=class>
                            <p class="who">{r.name.clone().unwrap_or_else(|| r.registry_number.clone())}</p>
                            <p class="kana">{r.kana.clone().unwrap_or_else(|| i18n.t("checkin.unregistered").to_owned())}</p>
                            <p class="headline">{headline}" · "{hm_jst(r.at)}</p>
                            {r.no_check_in.then(|| view! { <p class="note" data-testid="no-check-in">{i18n.t("checkin.no_check_in")}</p> })}
                            {(!kiosk_on).then(|| view! { <button class="button secondary" data-testid="person-history" on:click=move |_| show_history(registry.clone())>{i18n.t("checkin.history")}</button> })}
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
                Feedback::Held { reason, unknown_number } => view! {
                    <div class="panel error" role="alert" data-testid="held-panel">
                        <p class="headline">{i18n.msg(&reason)}</p>
                        {unknown_number.map(|id| view! {
                            <button class="button" data-testid="confirm-number" on:click=move |_| confirm_number(id)>{i18n.t("checkin.confirm_number")}</button>
                        })}
                    </div>
                }.into_any(),
                Feedback::Failed(m) => view! { <div class="panel error" role="alert"><p class="headline">{i18n.msg(&m)}</p></div> }.into_any(),
                Feedback::Undone => view! { <div class="panel"><p class="headline">{i18n.t("checkin.undone")}</p></div> }.into_any(),
            })}
        </div>
        {move || {
            let q = queue.get();
            // While stopped, the stop's own banner says what is held and what to do.
            (!q.waiting.is_empty() && q.stopped.is_none()).then(|| view! { <p class="banner info" data-testid="queued">{i18n.f("checkin.queued", &[("n", q.unsent().to_string())])}</p> })
        }}
        {move || queue.get().stopped.map(|stop| {
            let n = queue.get().unsent().to_string();
            let who = queue.get().who().join("、");
            match stop {
                Stop::SignedOut => view! {
                    <div class="banner error" role="alert" data-testid="stopped">
                        <p>{i18n.f("checkin.stopped_signed_out", &[("n", n)])}</p>
                        <p class="muted">{who}</p>
                        <a class="button wide" href=move || login_returning_to(&here())>{i18n.t("checkin.log_in_to_send")}</a>
                    </div>
                }.into_any(),
                Stop::DoorClosed => view! {
                    <div class="banner error" role="alert" data-testid="stopped">
                        <p>{i18n.f("checkin.stopped_door_closed", &[("n", n)])}</p>
                        <p class="muted">{who}</p>
                        <a class="button wide" href=login_returning_to(Page::Door.path()) data-testid="receive">{i18n.t("door.receive")}</a>
                    </div>
                }.into_any(),
            }
        })}
        {move || {
            let held = queue.get().held;
            (!held.is_empty()).then(|| view! {
                <section class="card" data-testid="held">
                    <h2>{i18n.f("checkin.held", &[("n", held.len().to_string())])}</h2>
                    <ul class="list">
                        {held.into_iter().enumerate().map(|(i, h)| {
                            let unknown = h.code == "unknown_number";
                            let id = h.queued.request.client_id;
                            view! {
                                <li>
                                    <div class="line"><strong>{h.queued.who()}</strong><span class="muted">{hm_jst(h.queued.request.at)}</span></div>
                                    <p class="note">{i18n.msg(&h.reason)}</p>
                                    <div class="actions">
                                        {unknown.then(|| view! { <button class="button" on:click=move |_| confirm_number(id)>{i18n.t("checkin.confirm_number")}</button> })}
                                        <button class="button danger" on:click=move |_| {
                                            let ok = web_sys::window().and_then(|w| w.confirm_with_message(i18n.t("checkin.discard_confirm")).ok()).unwrap_or(false);
                                            if ok { change(queue, &door.get_value(), |q| q.discard(i)); }
                                        }>{i18n.t("checkin.discard")}</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <button class="button secondary wide" data-testid="retry" on:click=move |_| { change(queue, &door.get_value(), |q| q.retry()); flush(); }>{i18n.t("checkin.retry")}</button>
                </section>
            })
        }}
        <QrScanner on_code=on_code />
        {(!kiosk_on).then(|| view! {
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
                                    <button class="button wide" on:click=move |_| {
                                        unlock_sound();
                                        queue_number(reg.clone(), None);
                                        lookup.value().set(None);
                                        find_name.set(String::new());
                                        scroll_to_feedback();
                                    }>
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
        <section class="card" data-testid="presence" aria-labelledby="c-inside-title">
            <h2 id="c-inside-title">{move || i18n.t("checkin.presence")}</h2>
            <div class="field">
                <label for="c-inside-find">{move || i18n.t("checkin.inside_find")}</label>
                <input id="c-inside-find" type="search" autocomplete="off" data-testid="inside-find" prop:value=move || inside_find.get() on:input=move |ev| inside_find.set(event_target_value(&ev)) />
            </div>
            {move || {
                let p = shown_presence.get();
                let found: Vec<domain::api::PresentPerson> = p.find(&inside_find.get()).into_iter().cloned().collect();
                if found.is_empty() {
                    return view! { <p class="muted" data-testid="inside-none">{i18n.t("checkin.inside_none")}</p> }.into_any();
                }
                let more = found.len().saturating_sub(INSIDE_SHOWN);
                view! {
                    <ul class="list" data-testid="inside-list">
                        {found.into_iter().take(INSIDE_SHOWN).map(|person| {
                            let registry = person.registry_number.clone();
                            view! {
                                <li data-testid="inside-person">
                                    <div class="line">
                                        <strong>{person.name.clone().unwrap_or_else(|| person.registry_number.clone())}</strong>
                                        <span class="muted">{i18n.f("checkin.since", &[("t", hm_jst(person.since))])}</span>
                                    </div>
                                    <div class="muted">{person.kana.clone().unwrap_or_default()}" "{person.registry_number.clone()}</div>
                                    <button class="button secondary" on:click=move |_| show_history(registry.clone())>{i18n.t("checkin.history")}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="muted">{i18n.f("checkin.inside_more", &[("n", more.to_string())])}</p> })}
                }.into_any()
            }}
        </section>
        <section class="card" id="c-history">
            <h2>{move || i18n.t("checkin.history")}</h2>
            <form novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let who = history_of.get();
                if !who.trim().is_empty() {
                    history.dispatch(who);
                }
            }>
                <div class="field">
                    <label for="c-history-number">{move || i18n.t("register.registry_number")}</label>
                    <input id="c-history-number" inputmode="numeric" autocomplete="off" data-testid="history-number" prop:value=move || history_of.get() on:input=move |ev| history_of.set(event_target_value(&ev)) />
                </div>
                <button class="button secondary wide" type="submit" data-testid="history-search">{move || i18n.t("checkin.history_search")}</button>
            </form>
            {move || history.value().get().map(|r| match r {
                Ok(lines) if lines.is_empty() => view! { <p class="muted">{i18n.t("checkin.history_none")}</p> }.into_any(),
                Ok(lines) => view! {
                    <ul class="list" data-testid="history">
                        {lines.into_iter().map(|l| {
                            let id = l.scan_id;
                            let direction = if l.kind == ScanKind::In { i18n.t("checkin.in") } else { i18n.t("checkin.out") };
                            view! {
                                <li data-testid="history-line" class:undone=l.undone>
                                    <div class="line"><strong>{direction}" · "{hm_jst(l.at)}</strong><span class="muted">{l.via.clone().unwrap_or_else(|| i18n.t("checkin.via_organizer").to_owned())}</span></div>
                                    {l.undone.then(|| view! { <span class="badge">{i18n.t("checkin.undone_badge")}</span> })}
                                    {l.can_undo.then(|| view! {
                                        {move || if undoing.get() == Some(id) {
                                            view! { <ReasonForm label="checkin.undo_reason" confirm="checkin.undo" on_confirm=Callback::new(move |reason| undo(id, reason)) on_cancel=Callback::new(move |_| undoing.set(None)) /> }.into_any()
                                        } else {
                                            view! { <button class="button secondary" data-testid="undo" on:click=move |_| undoing.set(Some(id))>{i18n.t("checkin.undo")}</button> }.into_any()
                                        }}
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </section>
        })}
    }
}

/// Brings the result panel into view (after a lookup hit far down the page).
fn scroll_to_feedback() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=feedback]").ok().flatten())
    {
        el.scroll_into_view();
    }
}
