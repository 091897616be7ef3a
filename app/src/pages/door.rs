//! A helper's phone at the door, opened through a link scoped to one session.

use crate::api::{self, Door};
use crate::clock::{hm_jst, local_storage};
use crate::components::decision::day;
use crate::components::desk::CheckInDesk;
use crate::i18n::use_i18n;
use leptos::prelude::*;

const DOOR_STORE: &str = "nintei.door";

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
                Ok(d) => view! {
                    <h1>{i18n.t("checkin.title")}</h1>
                    <p class="door-session" data-testid="door-session"><strong>{d.session.title.clone()}</strong><br />
                        <span class="muted">{format!("{} {}–{} · {}", day(d.session.date), d.session.starts_at, d.session.ends_at, d.session.venue)}</span><br />
                        <span class="muted">{i18n.f("door.as", &[("label", d.label.clone()), ("t", hm_jst(d.expires_at))])}</span></p>
                    <CheckInDesk door=Door::Helper(token.clone()) />
                }.into_any(),
                // Offline on a reload: the desk still works from the queue.
                Err(e) if e.status == 0 => view! {
                    <h1>{i18n.t("checkin.title")}</h1>
                    <CheckInDesk door=Door::Helper(token.clone()) />
                }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert" data-testid="door-closed">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </Suspense>
    }
}
