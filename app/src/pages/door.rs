//! A helper's phone at the door, opened through a link scoped to one session. What the phone
//! learns of the session is kept, so an offline reload still shows it; when the link has closed
//! with scans still on the phone, the organizer logs in on it and receives them.

use domain::account::Role;
use domain::api::{DoorInfo, PublicSession};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, Door};
use crate::auth::use_auth;
use crate::clock::{hm_jst, local_storage};
use crate::components::decision::day;
use crate::components::desk::{CheckInDesk, load_queue, save_queue};
use crate::i18n::use_i18n;
use crate::routes::{Page, login_returning_to};

const DOOR_STORE: &str = "nintei.door";

fn remembered_session(door: &Door) -> Option<DoorInfo> {
    local_storage()?
        .get_item(&door.session_key())
        .ok()
        .flatten()
        .and_then(|t| serde_json::from_str(&t).ok())
}

fn remember_session(door: &Door, info: &DoorInfo) {
    if let (Some(s), Ok(text)) = (local_storage(), serde_json::to_string(info)) {
        let _ = s.set_item(&door.session_key(), &text);
    }
}

/// The session's title, day, time and venue.
#[component]
fn SessionLine(session: PublicSession) -> impl IntoView {
    view! {
        <strong>{session.title.clone()}</strong><br />
        <span class="muted">{format!("{} {}–{} · {}", day(session.date), session.starts_at, session.ends_at, session.venue)}</span>
    }
}

/// `/door#TOKEN`: a helper's device. The token is read from the fragment (never sent to the
/// server in a URL) and remembered, so a reload keeps working until the link closes.
#[component]
pub fn HelperDoor() -> impl IntoView {
    let i18n = use_i18n();
    let from_hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .filter(|h| !h.is_empty());
    if let (Some(t), Some(s)) = (&from_hash, local_storage()) {
        let _ = s.set_item(DOOR_STORE, t);
    }
    let token = from_hash
        .or_else(|| local_storage().and_then(|s| s.get_item(DOOR_STORE).ok().flatten()))
        .unwrap_or_default();
    let door = Door::Helper(token.clone());
    let info = LocalResource::new({
        let token = token.clone();
        move || {
            let token = token.clone();
            async move { api::door_info(&token).await }
        }
    });
    view! {
        <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
            {move || info.get().map(|r| match r {
                Ok(d) => {
                    remember_session(&door, &d);
                    view! {
                        <h1>{i18n.t("checkin.title")}</h1>
                        <p class="door-session" data-testid="door-session"><SessionLine session=d.session.clone() /><br />
                            <span class="muted">{i18n.f("door.as", &[("label", d.label.clone()), ("t", hm_jst(d.expires_at))])}</span></p>
                        <CheckInDesk door=door.clone() />
                    }.into_any()
                }
                // Offline on a reload: the desk still works from the queue, with what the phone
                // remembers of the session.
                Err(e) if e.status == 0 => {
                    let known = remembered_session(&door);
                    view! {
                        <h1>{i18n.t("checkin.title")}</h1>
                        {known.map(|d| view! { <p class="door-session" data-testid="door-session"><SessionLine session=d.session /></p> })}
                        <CheckInDesk door=door.clone() />
                    }.into_any()
                }
                Err(e) => view! {
                    <p class="banner error" role="alert" data-testid="door-closed">{i18n.msg(&e.message())}</p>
                    <Handover door=door.clone() />
                }.into_any(),
            })}
        </Suspense>
    }
}

/// A closed link with scans still on the phone: the organizer logs in on this phone and
/// receives them into their own desk for the session, where they are sent.
#[component]
fn Handover(door: Door) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let queue = load_queue(&door);
    let known = remembered_session(&door);
    if queue.unsent() == 0 {
        return ().into_any();
    }
    let n = queue.unsent().to_string();
    let who = queue.who().join("、");
    let door = StoredValue::new(door);
    let receive = move |session: i32| {
        let mut helper = load_queue(&door.get_value());
        let organizer = Door::Organizer(session);
        let mut mine = load_queue(&organizer);
        helper.hand_over(&mut mine);
        save_queue(&organizer, &mine);
        save_queue(&door.get_value(), &helper);
        navigate(&Page::CheckIn.with_id(session), Default::default());
    };
    view! {
        <section class="card" data-testid="handover">
            <h2>{i18n.f("door.unsent_here", &[("n", n)])}</h2>
            <p class="muted">{who}</p>
            {known.map(|d| view! { <p class="door-session"><SessionLine session=d.session /></p> })}
            {move || {
                let organizer = auth.me.get().is_some_and(|m| m.role == Role::Organizer);
                match (organizer, remembered_session(&door.get_value())) {
                    (true, Some(d)) => {
                        let session = d.session.id;
                        let receive = receive.clone();
                        view! {
                            <p>{i18n.t("door.receive_lead")}</p>
                            <button class="button wide" data-testid="receive-here" on:click=move |_| receive(session)>{i18n.t("door.receive_here")}</button>
                        }.into_any()
                    }
                    _ => view! {
                        <p>{i18n.t("door.receive_login")}</p>
                        <a class="button wide" href=login_returning_to(Page::Door.path()) data-testid="receive">{i18n.t("door.receive")}</a>
                    }.into_any(),
                }
            }}
        </section>
    }
    .into_any()
}
