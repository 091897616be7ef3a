//! The personal check-in QR code, renewed automatically while the page is open. A basement
//! lecture hall often has no network: the last code stays on screen for the rest of its life,
//! with a countdown and a note that it was not renewed, because the door checks its signature
//! offline.

use std::time::Duration;

use domain::api::QrCode;
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_location;

use crate::api;
use crate::i18n::use_i18n;
use crate::routes::{Page, login_returning_to};

/// Renew this long after a code was fetched (codes live 5 minutes).
const RENEW_AFTER: Duration = Duration::from_secs(240);

/// `/mypage/qr`
#[component]
pub fn Qr() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let code = LocalResource::new(api::qr);
    // The newest code received and when it expires (ms since the epoch, this phone's clock).
    let last = RwSignal::new(None::<(QrCode, f64)>);
    let now = RwSignal::new(js_sys::Date::now());
    Effect::new(move |_| {
        if let Some(Ok(qr)) = code.get() {
            let until = js_sys::Date::now() + f64::from(qr.expires_in) * 1000.0;
            last.set(Some((qr, until)));
        }
    });
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    if let Ok(handle) = set_interval_with_handle(move || code.refetch(), RENEW_AFTER) {
        on_cleanup(move || handle.clear());
    }
    // Back on the network, or back on the page: a fresh code at once.
    let refresh = window_event_listener(leptos::ev::online, move |_| code.refetch());
    let focus = window_event_listener(leptos::ev::focus, move |_| code.refetch());
    on_cleanup(move || {
        refresh.remove();
        focus.remove();
    });
    let body = move || {
        let failed = code.get().and_then(Result::err);
        if failed.as_ref().is_some_and(|e| e.status == 401) {
            let here = location.pathname.get_untracked();
            return view! { <Redirect path=login_returning_to(&here) /> }.into_any();
        }
        let shown = last.get().filter(|(_, until)| *until > now.get());
        match (shown, failed) {
            (Some((qr, until)), failed) => {
                let left = ((until - now.get()) / 1000.0).max(0.0) as u32;
                let time = i18n.f(
                    "qr.time_left",
                    &[("m", (left / 60).to_string()), ("s", format!("{:02}", left % 60))],
                );
                view! {
                    <div class="qr" data-testid="qr" data-token=qr.token.clone() inner_html=qr.svg.clone()></div>
                    <p class="muted" data-testid="qr-expires" aria-live="off">{i18n.f("qr.expires", &[("time", time.clone())])}</p>
                    {failed.map(|_| view! {
                        <p class="banner info" role="status" data-testid="qr-offline">{i18n.f("qr.offline_kept", &[("time", time)])}</p>
                    })}
                }
                .into_any()
            }
            (None, Some(e)) => view! {
                <p class="banner error" role="alert" data-testid="qr-unavailable">
                    {if e.status == 0 { i18n.t("qr.offline_expired").to_owned() } else { i18n.msg(&e.message()) }}
                </p>
            }
            .into_any(),
            (None, None) => view! { <p class="loading">{i18n.t("common.loading")}</p> }.into_any(),
        }
    };
    view! {
        <p><A href=Page::MyPage.path()>{move || i18n.t("common.back_mypage")}</A></p>
        <section class="card qr-card">
            <h1>{move || i18n.t("qr.title")}</h1>
            <p class="muted">{move || i18n.t("qr.lead")}</p>
            {body}
        </section>
    }
}
