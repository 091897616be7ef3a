//! Organizers: their sessions, the check-in page used at the door, and review & posting.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::api::{AttendanceRow, Grant, PostRequest, ScanRequest, ScanResult};
use domain::sessions::{Presence, ScanKind, SessionForm};
use domain::{Category, FieldError, Prefecture};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::decision::day;
use crate::components::form::{ErrorBanner, Field, FieldErrors, show_failure};
use crate::i18n::use_i18n;
use crate::routes::{Page, checkin_path, review_path};

/// `HH:MM` in Japan.
fn hm_jst(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(9)).format("%H:%M").to_string()
}

/// `/organizer`: the organizer's sessions and the form to create one.
#[component]
pub fn OrganizerHome() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = LocalResource::new(api::my_sessions);
    let f = |v: &str| RwSignal::new(v.to_owned());
    let (title, category, subject, units, date) = (
        f(""),
        f("occupational.lifelong.update"),
        f(""),
        f("2"),
        f(""),
    );
    let (starts, ends, venue, prefecture, capacity) =
        (f("13:00"), f("15:00"), f(""), f(""), f("100"));
    let (designation, lecturers) = (f(""), f(""));
    let online = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let create = Action::new_local(move |form: &SessionForm| {
        let form = form.clone();
        async move { api::create_session(&form).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            errors.set(Vec::new());
            banner.set(None);
            sessions.refetch();
        }
        Some(Err(e)) => {
            show_failure(&e, errors, banner);
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SessionForm {
            title: title.get(),
            category: category.get(),
            subject: subject.get(),
            units: units.get(),
            date: date.get(),
            starts_at: starts.get(),
            ends_at: ends.get(),
            venue: venue.get(),
            prefecture: prefecture.get(),
            online: online.get(),
            capacity: capacity.get(),
            designation_number: designation.get(),
            lecturers: lecturers.get(),
            tolerance_in_minutes: None,
            tolerance_out_minutes: None,
        };
        match form.parse() {
            Ok(_) => {
                create.dispatch(form);
            }
            Err(found) => errors.set(found),
        }
    };
    view! {
        <h1>{move || i18n.t("org.title")}</h1>
        <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
            {move || sessions.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted">{i18n.t("org.none")}</p> }.into_any(),
                Err(e) if e.status == 401 => view! { <Redirect path=Page::Login.path() /> }.into_any(),
                Ok(list) => view! {
                    <ul class="list" data-testid="org-sessions">
                        {list.into_iter().map(|s| view! {
                            <li>
                                <strong>{s.title.clone()}</strong>
                                <span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span>
                                <div class="actions">
                                    <A href=checkin_path(s.id) attr:class="button">{i18n.t("org.checkin")}</A>
                                    <A href=review_path(s.id) attr:class="button secondary">{i18n.t("org.review")}</A>
                                </div>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </Suspense>
        <section class="card">
            <h2>{move || i18n.t("org.create")}</h2>
            <ErrorBanner message=banner />
            <form on:submit=on_submit novalidate>
                <Field name="title" label="org.title_field" value=title errors=errors />
                <div class="field">
                    <label for="s-category">{move || i18n.t("whatif.category")}</label>
                    <select id="s-category" prop:value=move || category.get() on:change=move |ev| { category.set(event_target_value(&ev)); subject.set(String::new()); }>
                        {Category::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("category.{c}"))}</option> } }).collect_view()}
                    </select>
                </div>
                {move || {
                    let cat = category.get().parse::<Category>().ok()?;
                    cat.requires_subject().then(|| view! {
                        <div class="field">
                            <label for="s-subject">{i18n.t("whatif.subject")}</label>
                            <select id="s-subject" on:change=move |ev| subject.set(event_target_value(&ev))>
                                <option value="">{i18n.t("register.choose")}</option>
                                {cat.subjects().into_iter().map(|s| view! { <option value=s.code()>{i18n.t(&format!("subject.{s}"))}</option> }).collect_view()}
                            </select>
                            <FieldErrors name="subject" errors=errors />
                        </div>
                    })
                }}
                <Field name="units" label="common.units" value=units errors=errors inputmode="decimal" />
                <Field name="date" label="whatif.date" value=date errors=errors kind="date" />
                <div class="row">
                    <Field name="starts_at" label="org.starts_at" value=starts errors=errors kind="time" />
                    <Field name="ends_at" label="org.ends_at" value=ends errors=errors kind="time" />
                </div>
                <Field name="venue" label="org.venue" value=venue errors=errors />
                <div class="field">
                    <label for="s-pref">{move || i18n.t("register.prefecture")}</label>
                    <select id="s-pref" on:change=move |ev| prefecture.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("register.choose")}</option>
                        {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                    <FieldErrors name="prefecture" errors=errors />
                </div>
                <label class="choice"><input type="checkbox" prop:checked=move || online.get() on:change=move |ev| online.set(event_target_checked(&ev)) />{move || i18n.t("org.online")}</label>
                <Field name="capacity" label="org.capacity" value=capacity errors=errors inputmode="numeric" />
                <Field name="designation_number" label="org.designation" value=designation errors=errors />
                <Field name="lecturers" label="org.lecturers" value=lecturers errors=errors inputmode="numeric" />
                <button class="button wide" type="submit">{move || i18n.t("org.create")}</button>
            </form>
        </section>
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn queue_key(session: i32) -> String {
    format!("nintei.queue.{session}")
}

/// Scans not yet accepted by the server, kept on the device across reloads.
fn load_queue(session: i32) -> Vec<ScanRequest> {
    storage()
        .and_then(|s| s.get_item(&queue_key(session)).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save_queue(session: i32, queue: &[ScanRequest]) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(queue)) {
        let _ = s.set_item(&queue_key(session), &text);
    }
}

fn client_id() -> String {
    format!(
        "scan-{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e12) as u64
    )
}

fn now_utc() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

fn vibrate() {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().vibrate_with_duration(150);
    }
}

/// What the big feedback panel shows.
#[derive(Clone, Debug)]
enum Feedback {
    Done(ScanResult),
    Saved,
    Failed(domain::Message),
    Undone,
}

/// `/organizer/sessions/{id}/checkin`: one hand, big buttons, works through network drops.
#[component]
pub fn CheckIn() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let session = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let kind = RwSignal::new(ScanKind::In);
    let number = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let pending = RwSignal::new(load_queue(session()).len());
    let feedback = RwSignal::new(None::<Feedback>);
    let sending = StoredValue::new(false);

    // Sends queued scans in order; a network failure keeps the rest for the next try.
    let flush = move || {
        if sending.get_value() {
            return;
        }
        sending.set_value(true);
        let id = session();
        spawn_local(async move {
            let mut queue = load_queue(id);
            while let Some(next) = queue.first().cloned() {
                match api::scan(id, &next).await {
                    Ok(result) => {
                        queue.remove(0);
                        vibrate();
                        feedback.set(Some(Feedback::Done(result)));
                    }
                    Err(e) if e.status == 0 => break,
                    Err(e) => {
                        queue.remove(0);
                        feedback.set(Some(Feedback::Failed(e.message())));
                    }
                }
                save_queue(id, &queue);
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
    let find_name = RwSignal::new(String::new());
    let find_birth = RwSignal::new(String::new());
    let lookup = Action::new_local(move |(name, birth): &(String, chrono::NaiveDate)| {
        let (name, birth, id) = (name.clone(), *birth, session());
        async move { api::lookup(id, &name, birth).await }
    });
    let queue_number = move |typed: String, birth_date: Option<chrono::NaiveDate>| {
        let req = ScanRequest {
            client_id: client_id(),
            kind: kind.get(),
            at: now_utc(),
            token: None,
            registry_number: Some(typed),
            birth_date,
        };
        let mut queue = load_queue(session());
        queue.push(req);
        save_queue(session(), &queue);
        pending.set(queue.len());
        feedback.set(Some(Feedback::Saved));
        flush();
    };
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = number.get();
        if typed.trim().is_empty() {
            return;
        }
        let req = ScanRequest {
            client_id: client_id(),
            kind: kind.get(),
            at: now_utc(),
            token: None,
            registry_number: Some(typed),
            birth_date: birth.get().parse().ok(),
        };
        let mut queue = load_queue(session());
        queue.push(req);
        save_queue(session(), &queue);
        pending.set(queue.len());
        number.set(String::new());
        birth.set(String::new());
        feedback.set(Some(Feedback::Saved));
        flush();
    };
    let undo = move |scan_id: i32| {
        let reason = web_sys::window()
            .and_then(|w| {
                w.prompt_with_message(i18n.t("checkin.undo_reason"))
                    .ok()
                    .flatten()
            })
            .unwrap_or_default();
        if reason.trim().is_empty() {
            return;
        }
        let id = session();
        spawn_local(async move {
            match api::undo_scan(id, scan_id, &reason).await {
                Ok(()) => feedback.set(Some(Feedback::Undone)),
                Err(e) => feedback.set(Some(Feedback::Failed(e.message()))),
            }
        });
    };
    view! {
        <h1>{move || i18n.t("checkin.title")}</h1>
        <div class="toggle" role="group">
            <button class="big" class:active=move || kind.get() == ScanKind::In data-testid="mode-in" on:click=move |_| kind.set(ScanKind::In)>{move || i18n.t("checkin.in")}</button>
            <button class="big" class:active=move || kind.get() == ScanKind::Out data-testid="mode-out" on:click=move |_| kind.set(ScanKind::Out)>{move || i18n.t("checkin.out")}</button>
        </div>
        <div class="feedback" data-testid="feedback">
            {move || feedback.get().map(|f| match f {
                Feedback::Done(r) => {
                    let scan_id = r.scan_id;
                    let headline = match (r.already_at, r.kind) {
                        (Some(t), _) => i18n.f("checkin.already", &[("t", hm_jst(t))]),
                        (None, ScanKind::In) => i18n.t("checkin.ok_in").to_owned(),
                        (None, ScanKind::Out) => i18n.t("checkin.ok_out").to_owned(),
                    };
                    let class = if r.already_at.is_some() { "panel warn" } else if r.kind == ScanKind::In { "panel in" } else { "panel out" };
                    view! {
                        <div class=class>
                            <p class="who">{r.name.clone().unwrap_or_else(|| r.registry_number.clone())}</p>
                            <p class="kana">{r.kana.clone().unwrap_or_else(|| i18n.t("checkin.unregistered").to_owned())}</p>
                            <p class="headline">{headline}" · "{hm_jst(r.at)}</p>
                            <button class="link" on:click=move |_| undo(scan_id)>{i18n.t("checkin.undo")}</button>
                        </div>
                    }.into_any()
                }
                Feedback::Saved => view! { <div class="panel warn"><p class="headline">{i18n.t("checkin.offline_saved")}</p></div> }.into_any(),
                Feedback::Failed(m) => view! { <div class="panel error" role="alert"><p class="headline">{i18n.msg(&m)}</p></div> }.into_any(),
                Feedback::Undone => view! { <div class="panel"><p class="headline">{i18n.t("checkin.undone")}</p></div> }.into_any(),
            })}
        </div>
        {move || (pending.get() > 0).then(|| view! { <p class="banner info" data-testid="queued">{i18n.f("checkin.queued", &[("n", pending.get().to_string())])}</p> })}
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
                    <label for="c-find-birth">{move || i18n.t("checkin.birth")}</label>
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
                                    <button class="button wide" on:click=move |_| { queue_number(reg.clone(), None); lookup.value().set(None); find_name.set(String::new()); }>
                                        {move || if kind.get() == ScanKind::In { i18n.t("checkin.in") } else { i18n.t("checkin.out") }}" · "{h.registry_number.clone()}
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

/// `/organizer/sessions/{id}/review`: attendees, partial grants with reasons, and posting.
#[component]
pub fn Review() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let session = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let rows = LocalResource::new(move || {
        let id = session();
        async move { api::attendance(id).await }
    });
    let reasons = RwSignal::new(HashMap::<String, String>::new());
    let banner = RwSignal::new(None);
    let posted = RwSignal::new(None::<u32>);
    let post = Action::new_local(move |req: &PostRequest| {
        let (id, req) = (session(), req.clone());
        async move { api::post_session(id, &req).await }
    });
    Effect::new(move |_| match post.value().get() {
        Some(Ok(r)) => {
            banner.set(None);
            posted.set(Some(r.credits_written));
            rows.refetch();
        }
        Some(Err(e)) => banner.set(Some(e.message())),
        None => {}
    });
    let submit = move |_| {
        let grants = reasons
            .get()
            .into_iter()
            .filter(|(_, r)| !r.trim().is_empty())
            .map(|(registry_number, reason)| Grant {
                registry_number,
                reason,
            })
            .collect();
        post.dispatch(PostRequest { grants });
    };
    let describe = move |row: &AttendanceRow| -> String {
        match row.presence {
            Presence::Full => i18n.t("review.full").to_owned(),
            Presence::Partial {
                late_minutes,
                early_minutes,
                missing_in,
                missing_out,
            } => {
                let mut parts = vec![i18n.t("review.partial").to_owned()];
                if missing_in {
                    parts.push(i18n.t("review.no_in").to_owned());
                } else if late_minutes > 0 {
                    parts.push(i18n.f("review.late", &[("n", late_minutes.to_string())]));
                }
                if missing_out {
                    parts.push(i18n.t("review.no_out").to_owned());
                } else if early_minutes > 0 {
                    parts.push(i18n.f("review.early", &[("n", early_minutes.to_string())]));
                }
                parts.join("・")
            }
        }
    };
    view! {
        <h1>{move || i18n.t("review.title")}</h1>
        <ErrorBanner message=banner />
        {move || posted.get().map(|n| view! { <p class="banner ok" data-testid="posted">{i18n.f("review.posted", &[("n", n.to_string())])}</p> })}
        <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
            {move || rows.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted">{i18n.t("review.none")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="list" data-testid="attendance">
                        {list.into_iter().map(|row| {
                            let partial = row.presence != Presence::Full && !row.lecturer;
                            let reg = row.registry_number.clone();
                            view! {
                                <li data-registry=row.registry_number.clone()>
                                    <div class="line"><strong>{row.name.clone().unwrap_or_else(|| row.registry_number.clone())}</strong>
                                        <span class="muted">{row.first_in.map(hm_jst).unwrap_or_else(|| "--:--".into())}" – "{row.last_out.map(hm_jst).unwrap_or_else(|| "--:--".into())}</span></div>
                                    <div class="badges">
                                        <span class="badge" class:ok=!partial>{describe(&row)}</span>
                                        {row.lecturer.then(|| view! { <span class="badge">{i18n.t("review.lecturer")}</span> })}
                                    </div>
                                    {partial.then(|| view! {
                                        <div class="field">
                                            <label>{i18n.t("review.grant")}</label>
                                            <input on:input=move |ev| { let v = event_target_value(&ev); let k = reg.clone(); reasons.update(|m| { m.insert(k, v); }); } />
                                        </div>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <button class="button wide" data-testid="post" on:click=submit disabled=move || post.pending().get()>{i18n.t("review.post")}</button>
                }.into_any(),
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </Suspense>
    }
}
