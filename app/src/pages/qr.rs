//! The personal check-in QR code, renewed automatically while the page is open.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/mypage/qr`
#[component]
pub fn Qr() -> impl IntoView {
    let i18n = use_i18n();
    let code = LocalResource::new(api::qr);
    // Renew a minute before expiry (codes live 5 minutes); the interval stops with the page.
    if let Ok(handle) = set_interval_with_handle(move || code.refetch(), Duration::from_secs(240)) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <p><A href=Page::MyPage.path()>{move || i18n.t("common.back_mypage")}</A></p>
        <section class="card qr-card">
            <h1>{move || i18n.t("qr.title")}</h1>
            <p class="muted">{move || i18n.t("qr.lead")}</p>
            {loaded(code, move |qr| {
                    view! {
                        <div class="qr" data-testid="qr" data-token=qr.token.clone() inner_html=qr.svg.clone()></div>
                        <p class="muted">{i18n.f("qr.expires", &[("n", (qr.expires_in / 60).to_string())])}</p>
                    }.into_any()
                })}
        </section>
    }
}
