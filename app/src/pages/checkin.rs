//! The organizer's check-in page for one session: the desk (`components/desk.rs`) and the
//! helpers' links.

use domain::FieldError;
use domain::api::{DoorLink, NewDoorLink};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{self, Door};
use crate::clock::{hm_jst, now_utc};
use crate::components::decision::day;
use crate::components::desk::CheckInDesk;
use crate::components::form::{ErrorBanner, Field, show_failure};
use crate::i18n::use_i18n;
use crate::routes::{Page, use_path_id};

/// `/organizer/sessions/{id}/checkin`: the organizer's desk and the helpers' links.
#[component]
pub fn CheckIn() -> impl IntoView {
    let session = use_path_id();
    let info = LocalResource::new(move || api::my_session(session()));
    // `?kiosk=in` or `?kiosk=out`: attendees scan their own code (the organizer's device on a
    // stand at the entrance).
    let query = leptos_router::hooks::use_query_map();
    let kiosk = move || {
        query
            .read()
            .get("kiosk")
            .and_then(|k| k.parse::<domain::sessions::ScanKind>().ok())
    };
    view! {
        {move || match kiosk() {
            Some(kind) => view! { <Kiosk session=session() kind=kind /> }.into_any(),
            None => view! { <Desk session=session info=info /> }.into_any(),
        }}
    }
}

/// The self-service stand: the session, what to do, the camera and the result.
#[component]
fn Kiosk(session: i32, kind: domain::sessions::ScanKind) -> impl IntoView {
    let i18n = use_i18n();
    let info = LocalResource::new(move || api::my_session(session));
    let navigate = leptos_router::hooks::use_navigate();
    // Leaving asks first: an attendee at the stand should not wander into the organizer's desk.
    let leave = move |_| {
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t("kiosk.leave_confirm")).ok())
            .unwrap_or(false);
        if ok {
            navigate(&Page::CheckIn.with_id(session), Default::default());
        }
    };
    view! {
        <div class="kiosk" data-testid="kiosk">
            {move || info.get().and_then(|r| r.ok()).map(|s| view! { <h1>{s.title.clone()}</h1> })}
            <p class="kiosk-lead">{move || i18n.t(if kind == domain::sessions::ScanKind::In { "kiosk.lead_in" } else { "kiosk.lead_out" })}</p>
            <CheckInDesk door=Door::Organizer(session) kiosk=kind />
            <button class="button secondary wide" data-testid="kiosk-leave" on:click=leave>{move || i18n.t("kiosk.leave")}</button>
        </div>
    }
}

/// The organizer's desk: the session, the desk, helper links and the way to the review.
#[component]
fn Desk(
    session: impl Fn() -> i32 + Copy + Send + Sync + 'static,
    info: LocalResource<Result<domain::api::PublicSession, api::ApiFailure>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p><A href=Page::Organizer.path()>{move || i18n.t("org.back")}</A></p>
        <h1>{move || i18n.t("checkin.title")}</h1>
        {move || info.get().and_then(|r| r.ok()).map(|s| view! {
            <p class="door-session"><strong>{s.title.clone()}</strong><br />
                <span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span></p>
        })}
        {move || view! { <CheckInDesk door=Door::Organizer(session()) /> }}
        <section class="card" data-testid="kiosk-start">
            <h2>{move || i18n.t("kiosk.title")}</h2>
            <p class="muted">{move || i18n.t("kiosk.hint")}</p>
            <div class="actions">
                <A href=move || format!("{}?kiosk=in", Page::CheckIn.with_id(session())) attr:class="button secondary" attr:data-testid="kiosk-in">{move || i18n.t("kiosk.start_in")}</A>
                <A href=move || format!("{}?kiosk=out", Page::CheckIn.with_id(session())) attr:class="button secondary" attr:data-testid="kiosk-out">{move || i18n.t("kiosk.start_out")}</A>
            </div>
        </section>
        {move || view! { <DoorLinks session=session() /> }}
        <p><A href=move || Page::SessionReview.with_id(session()) attr:class="button secondary wide">{move || i18n.t("org.review")}</A></p>
    }
}

/// The organizer's helper links: make one (label, hours), show it once to copy, revoke.
#[component]
fn DoorLinks(session: i32) -> impl IntoView {
    let i18n = use_i18n();
    let links = LocalResource::new(move || api::door_links(session));
    let label = RwSignal::new(String::new());
    let hours = RwSignal::new("12".to_owned());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    // The link just made: its address and its QR code, shown this once.
    let made = RwSignal::new(None::<(String, String)>);
    let create = Action::new_local(move |req: &NewDoorLink| {
        let req = req.clone();
        async move { api::create_door_link(session, &req).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => {
            errors.set(Vec::new());
            banner.set(None);
            label.set(String::new());
            let origin = web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default();
            made.set(Some((format!("{origin}{}", created.path), created.qr_svg)));
            links.refetch();
        }
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let confirm = |text: String| {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(&text).ok())
            .unwrap_or(false)
    };
    // Revoking asks first; a device that still holds scans asks once more, naming them.
    let revoke = move |id: i32, label: String| {
        if !confirm(i18n.f("door.revoke_confirm", &[("label", label)])) {
            return;
        }
        spawn_local(async move {
            match api::revoke_door_link(session, id, false).await {
                Err(e) if e.fields().iter().any(|f| f.code == "unsent_scans") => {
                    let held: Vec<String> =
                        e.fields().iter().map(|f| i18n.msg(&f.message)).collect();
                    if confirm(i18n.f(
                        "door.revoke_unsent_confirm",
                        &[("devices", held.join("\n"))],
                    )) && let Err(e) = api::revoke_door_link(session, id, true).await
                    {
                        banner.set(Some(e.message()));
                    }
                }
                Err(e) => banner.set(Some(e.message())),
                Ok(_) => {}
            }
            links.refetch();
        });
    };
    let state = move |l: &DoorLink| {
        if l.revoked_at.is_some() {
            ("badge", i18n.t("door.revoked").to_owned())
        } else if l.expires_at <= now_utc() {
            ("badge", i18n.t("door.expired").to_owned())
        } else {
            (
                "badge ok",
                i18n.f(
                    "door.until",
                    &[(
                        "t",
                        format!(
                            "{} {}",
                            day((l.expires_at + chrono::Duration::hours(9)).date_naive()),
                            hm_jst(l.expires_at)
                        ),
                    )],
                ),
            )
        }
    };
    view! {
        <section class="card" data-testid="door-links">
            <h2>{move || i18n.t("door.title")}</h2>
            <p class="muted">{move || i18n.t("door.lead")}</p>
            <ErrorBanner message=banner />
            <form novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let req = NewDoorLink { label: label.get(), hours: hours.get().parse().unwrap_or(0) };
                create.dispatch(req);
            }>
                <Field name="label" label="door.label" value=label errors=errors />
                <div class="field">
                    <label for="d-hours">{move || i18n.t("door.hours")}</label>
                    <select id="d-hours" prop:value=move || hours.get() on:change=move |ev| hours.set(event_target_value(&ev))>
                        {[4u32, 8, 12, 24, 48].into_iter().map(|h| view! { <option value=h.to_string()>{move || i18n.f("door.hours_n", &[("n", h.to_string())])}</option> }).collect_view()}
                    </select>
                </div>
                <button class="button secondary wide" type="submit" data-testid="door-create">{move || i18n.t("door.create")}</button>
            </form>
            {move || made.get().map(|(url, svg)| view! {
                <div class="banner ok">
                    <p>{i18n.t("door.made")}</p>
                    <input readonly class="copy" data-testid="door-url" aria-label=i18n.t("door.made") prop:value=url.clone() on:focus=move |ev| { event_target::<web_sys::HtmlInputElement>(&ev).select(); } />
                    {(!svg.is_empty()).then(|| view! {
                        <p>{i18n.t("door.pair")}</p>
                        <div class="qr pair" data-testid="door-qr" role="img" aria-label=i18n.t("door.pair") inner_html=svg></div>
                    })}
                </div>
            })}
            {move || links.get().map(|r| match r {
                Ok(list) => view! {
                    <ul class="list">
                        {list.into_iter().map(|l| {
                            let (class, text) = state(&l);
                            let open = l.revoked_at.is_none() && l.expires_at > now_utc();
                            let id = l.id;
                            let label = l.label.clone();
                            view! {
                                <li data-testid="door-link">
                                    <div class="line"><strong>{l.label.clone()}</strong><span class=class>{text}</span></div>
                                    {l.last_seen_at.map(|t| view! {
                                        <p class="muted" data-testid="door-seen">
                                            {i18n.f("door.seen", &[("t", hm_jst(t))])}
                                            {(l.unsent_scans > 0).then(|| view! { " · "<strong class="warn">{i18n.f("door.holding", &[("n", l.unsent_scans.to_string())])}</strong> })}
                                        </p>
                                    })}
                                    {open.then(|| view! { <button class="button danger" on:click=move |_| revoke(id, label.clone())>{i18n.t("door.revoke")}</button> })}
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
