//! Nintei's browser client: leptos, client-side rendered, compiled to wasm.
// A build for one audience leaves the other audiences' pages unused (the linker drops them).
#![cfg_attr(
    not(all(
        feature = "physician",
        feature = "records",
        feature = "door",
        feature = "staff"
    )),
    allow(dead_code, unused_imports)
)]

mod api;
mod auth;
mod clock;
mod components;
mod door_queue;
mod i18n;
mod ids;
mod pages;
mod routes;
mod scanner;

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::auth::provide_auth_context;
use crate::components::shell::Shell;
use crate::i18n::provide_i18n_context;
use crate::routes::AppRoutes;

fn main() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(App);
    remove_boot_skeleton();
}

/// `index.html` paints a header and a page skeleton before the wasm arrives; the app replaces it.
fn remove_boot_skeleton() {
    let boot = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"));
    if let Some(boot) = boot {
        boot.remove();
    }
}

/// Keeps the app shell on the device (`public/sw.js`), so that a check-in page reloaded without
/// network still opens. Browsers offer service workers only on HTTPS and localhost.
fn register_service_worker() {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    if js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        let _ = navigator.service_worker().register("/sw.js");
    }
}

/// The application: contexts, shell and routes.
#[component]
fn App() -> impl IntoView {
    provide_i18n_context();
    provide_auth_context();
    view! {
        <Router>
            <Shell />
            <main class="page">
                <AppRoutes />
            </main>
        </Router>
    }
}
