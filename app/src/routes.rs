//! The route table: the one place URL strings live. Each line names a page, its path and the
//! component that shows it; the `Page` enum, its paths and the router's `<Routes>` are all made
//! from this table.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

use crate::pages;

macro_rules! route_table {
    ($( $(#[$doc:meta])* $page:ident => $path:tt => $view:path; )+) => {
        /// A page of the app.
        #[expect(
            clippy::enum_variant_names,
            reason = "My Page (マイページ) is the product's own name"
        )]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Page {
            $( $(#[$doc])* $page ),+
        }

        impl Page {
            /// The path of the page (with `:id` where the page shows one record).
            pub const fn path(self) -> &'static str {
                match self {
                    $( Page::$page => $path ),+
                }
            }
        }

        /// Every route of the app.
        #[component]
        pub fn AppRoutes() -> impl IntoView {
            view! {
                <Routes fallback=pages::not_found::NotFound>
                    $( <Route path=path!($path) view=$view /> )+
                </Routes>
            }
        }
    };
}

route_table! {
    /// The home page.
    Home => "/" => pages::home::Home;
    /// Log in (`?next=` names the page to return to).
    Login => "/login" => pages::login::Login;
    /// A physician registers their My Page.
    Register => "/register" => pages::register::Register;
    /// マイページ.
    MyPage => "/mypage" => pages::mypage::MyPagePage;
    /// Handbook units.
    Handbook => "/mypage/handbook" => pages::handbook::Handbook;
    /// Attendance history.
    History => "/mypage/history" => pages::history::History;
    /// The printable transcript.
    Transcript => "/mypage/transcript" => pages::transcript::Transcript;
    /// The personal check-in QR code.
    Qr => "/mypage/qr" => pages::qr::Qr;
    /// Registered details.
    Profile => "/mypage/profile" => pages::profile::Profile;
    /// The public session search.
    Sessions => "/sessions" => pages::sessions::Sessions;
    /// The physician's applications.
    Applications => "/applications" => pages::applications::Applications;
    /// A new application, or a correction (`?kind=&certification=` or `?edit=`).
    NewApplication => "/applications/new" => pages::application_form::ApplicationFormPage;
    /// One application.
    Application => "/applications/:id" => pages::application::ApplicationPage;
    /// The organizer's sessions.
    Organizer => "/organizer" => pages::organizer::OrganizerHome;
    /// The organizer's check-in desk for one session.
    CheckIn => "/organizer/sessions/:id/checkin" => pages::checkin::CheckIn;
    /// Attendance review and posting of one session.
    SessionReview => "/organizer/sessions/:id/review" => pages::session_review::SessionReview;
    /// A helper's check-in desk (`#TOKEN`).
    Door => "/door" => pages::door::HelperDoor;
    /// The reviewers' queue.
    Review => "/review" => pages::review::ReviewQueue;
    /// One application under review.
    ReviewApplication => "/review/:id" => pages::review_detail::ReviewDetail;
    /// Prefectural staff: identity checks of their prefecture.
    Identities => "/identities" => pages::identities::IdentityQueue;
    /// One identity check.
    Identity => "/identities/:id" => pages::identities::IdentityDetail;
    /// JMA's registry: import (JMA staff, admins) and search (staff).
    Registry => "/registry" => pages::registry::Registry;
    /// The link of the confirmation mail (`#TOKEN`).
    VerifyEmail => "/verify-email" => pages::verify_email::VerifyEmail;
    /// Ask for a password reset link.
    ForgotPassword => "/forgot-password" => pages::password_reset::ForgotPassword;
    /// The link of the reset mail (`#TOKEN`): choose a new password.
    ResetPassword => "/reset-password" => pages::password_reset::ResetPassword;
    /// The link of the e-mail change mail (`#TOKEN`).
    ConfirmEmail => "/confirm-email" => pages::account::ConfirmEmail;
    /// The account's own security: password, e-mail, two-step sign-in, devices.
    Account => "/account" => pages::account::Account;
    /// Staff and organizer accounts.
    Admin => "/admin" => pages::admin::Admin;
    /// Mails sent.
    Outbox => "/admin/outbox" => pages::outbox::Outbox;
    /// One account, its actions and its audit trail.
    AdminAccount => "/admin/accounts/:id" => pages::admin::AdminAccount;
    /// The audit log.
    Audit => "/admin/audit" => pages::audit::Audit;
}

impl Page {
    /// The path of the page of record `id`.
    pub fn with_id(self, id: i32) -> String {
        self.path().replace(":id", &id.to_string())
    }
}

/// `/applications/new?kind=&certification=`: the form for a new application.
pub fn new_application_path(
    kind: domain::application::ApplicationKind,
    certification: domain::Certification,
) -> String {
    format!(
        "{}?kind={kind}&certification={certification}",
        Page::NewApplication.path()
    )
}

/// `/applications/new?edit={id}`: the form again, to correct and resubmit.
pub fn edit_application_path(id: i32) -> String {
    format!("{}?edit={id}", Page::NewApplication.path())
}

/// `/login?next=…`: log in, then come back to `next` (a path of this app).
pub fn login_returning_to(next: &str) -> String {
    format!(
        "{}?next={}",
        Page::Login.path(),
        js_sys::encode_uri_component(next)
    )
}

/// Where to go after logging in: `next` when it is a path of this app, else `fallback`.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// The token of a mailed link (`/page#TOKEN`): read from the fragment, which no server logs, and
/// removed from the address bar and the history at once (the link works once).
pub fn take_link_token(page: Page) -> String {
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default();
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(page.path()));
    }
    token
}

/// The numeric `:id` of the current path (0 when missing), as a reactive getter.
pub fn use_path_id() -> impl Fn() -> i32 + Copy + Send + Sync + 'static {
    use leptos::prelude::Read;
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_one_record_fills_in_its_id() {
        assert_eq!(Page::CheckIn.with_id(7), "/organizer/sessions/7/checkin");
        assert_eq!(Page::Application.with_id(12), "/applications/12");
    }

    #[test]
    fn after_login_only_paths_of_this_app_are_followed() {
        assert_eq!(safe_next(Some("/mypage/qr"), "/"), "/mypage/qr");
        assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("/\\evil.example"), "/"), "/");
        assert_eq!(safe_next(None, "/mypage"), "/mypage");
    }
}
