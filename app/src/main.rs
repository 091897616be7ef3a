//! Nintei's browser client: leptos, client-side rendered, compiled to wasm.

mod api;
mod auth;
mod components;
mod i18n;
mod ids;
mod pages;
mod routes;
mod scanner;
mod today;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::auth::provide_auth_context;
use crate::components::shell::Shell;
use crate::i18n::provide_i18n_context;

fn main() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(App);
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
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home />
                    <Route path=path!("/login") view=pages::login::Login />
                    <Route path=path!("/register") view=pages::register::Register />
                    <Route path=path!("/mypage") view=pages::mypage::MyPagePage />
                    <Route path=path!("/admin") view=pages::admin::Admin />
                    <Route path=path!("/mypage/handbook") view=pages::handbook::Handbook />
                    <Route path=path!("/mypage/history") view=pages::history::History />
                    <Route path=path!("/mypage/transcript") view=pages::history::Transcript />
                    <Route path=path!("/mypage/qr") view=pages::qr::Qr />
                    <Route path=path!("/mypage/profile") view=pages::profile::Profile />
                    <Route path=path!("/organizer") view=pages::organizer::OrganizerHome />
                    <Route path=path!("/organizer/sessions/:id/checkin") view=pages::checkin::CheckIn />
                    <Route path=path!("/door") view=pages::checkin::HelperDoor />
                    <Route path=path!("/sessions") view=pages::sessions::Sessions />
                    <Route path=path!("/organizer/sessions/:id/review") view=pages::organizer::Review />
                    <Route path=path!("/applications") view=pages::applications::Applications />
                    <Route path=path!("/applications/new") view=pages::application_form::ApplicationFormPage />
                    <Route path=path!("/applications/:id") view=pages::applications::ApplicationPage />
                    <Route path=path!("/review") view=pages::review::ReviewQueue />
                    <Route path=path!("/review/:id") view=pages::review::ReviewDetail />
                    <Route path=path!("/admin/outbox") view=pages::admin::Outbox />
                </Routes>
            </main>
        </Router>
    }
}
