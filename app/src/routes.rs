//! The route table: the one place URL strings live. Each line names a page, its path, the
//! component that shows it and the build of the client it ships in (`domain::bundle`); the
//! `Page` enum, its paths and the router's `<Routes>` are all made from this table. A build
//! compiled without a page's audience (cargo features `physician`, `door`, `staff`) routes that
//! page to [`Elsewhere`], which loads it from the server afresh, so its code is not in the build.

#[cfg(test)]
use domain::bundle::Bundle;
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

use crate::pages;

/// The component of a page: its own where this build has its audience (the cargo feature of
/// its bundle), else [`Elsewhere`]; only one of the two is compiled.
macro_rules! in_build {
    (Physician, $view:path) => {
        in_build!(@ "physician", $view)
    };
    (Door, $view:path) => {
        in_build!(@ "door", $view)
    };
    (Staff, $view:path) => {
        in_build!(@ "staff", $view)
    };
    (Records, $view:path) => {
        in_build!(@ "records", $view)
    };
    (@ $feature:literal, $view:path) => {{
        #[cfg(feature = $feature)]
        let view = $view;
        #[cfg(not(feature = $feature))]
        let view = Elsewhere;
        view
    }};
}

macro_rules! route_table {
    ($( $(#[$doc:meta])* $page:ident => $path:tt => $view:path => $bundle:ident; )+) => {
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
            /// Every page.
            #[cfg(test)]
            pub const ALL: &[Page] = &[$( Page::$page ),+];

            /// The path of the page (with `:id` where the page shows one record).
            pub const fn path(self) -> &'static str {
                match self {
                    $( Page::$page => $path ),+
                }
            }

            /// The build of the client that shows the page.
            #[cfg(test)]
            pub const fn bundle(self) -> Bundle {
                match self {
                    $( Page::$page => Bundle::$bundle ),+
                }
            }
        }

        /// Every route of the app.
        #[component]
        pub fn AppRoutes() -> impl IntoView {
            view! {
                <Routes fallback=pages::not_found::NotFound>
                    $( <Route path=path!($path) view=in_build!($bundle, $view) /> )+
                </Routes>
            }
        }
    };
}

route_table! {
    /// The home page.
    Home => "/" => pages::home::Home => Physician;
    /// Log in (`?next=` names the page to return to).
    Login => "/login" => pages::login::Login => Physician;
    /// A physician registers their My Page.
    Register => "/register" => pages::register::Register => Physician;
    /// マイページ.
    MyPage => "/mypage" => pages::mypage::MyPagePage => Physician;
    /// Handbook units.
    Handbook => "/mypage/handbook" => pages::handbook::Handbook => Records;
    /// Attendance history.
    History => "/mypage/history" => pages::history::History => Records;
    /// The printable transcript.
    Transcript => "/mypage/transcript" => pages::transcript::Transcript => Records;
    /// The personal check-in QR code.
    Qr => "/mypage/qr" => pages::qr::Qr => Physician;
    /// Registered details.
    Profile => "/mypage/profile" => pages::profile::Profile => Records;
    /// The public session search.
    Sessions => "/sessions" => pages::sessions::Sessions => Records;
    /// One published session.
    SessionDetail => "/sessions/:id" => pages::sessions::SessionDetail => Records;
    /// The physician's applications.
    Applications => "/applications" => pages::applications::Applications => Records;
    /// A new application, or a correction (`?kind=&certification=` or `?edit=`).
    NewApplication => "/applications/new" => pages::application_form::ApplicationFormPage => Records;
    /// One application.
    Application => "/applications/:id" => pages::application::ApplicationPage => Records;
    /// The organizer's sessions.
    Organizer => "/organizer" => pages::organizer::OrganizerHome => Staff;
    /// The organizer's check-in desk for one session.
    CheckIn => "/organizer/sessions/:id/checkin" => pages::checkin::CheckIn => Door;
    /// Attendance review and posting of one session.
    SessionReview => "/organizer/sessions/:id/review" => pages::session_review::SessionReview => Staff;
    /// A helper's check-in desk (`#TOKEN`).
    Door => "/door" => pages::door::HelperDoor => Door;
    /// The reviewers' queue.
    Review => "/review" => pages::review::ReviewQueue => Staff;
    /// One application under review.
    ReviewApplication => "/review/:id" => pages::review_detail::ReviewDetail => Staff;
    /// Staff: sessions submitted for designation.
    Designation => "/designation" => pages::designation::DesignationQueue => Staff;
    /// Prefectural staff: identity checks of their prefecture.
    Identities => "/identities" => pages::identities::IdentityQueue => Staff;
    /// One identity check.
    Identity => "/identities/:id" => pages::identities::IdentityDetail => Staff;
    /// JMA's registry: import (JMA staff, admins) and search (staff).
    Registry => "/registry" => pages::registry::Registry => Staff;
    /// Anyone checks a printed certificate's code (no login).
    VerifyCertificate => "/verify" => pages::verify::VerifyForm => Physician;
    /// What a printed certificate's code says today.
    VerifyCode => "/verify/:code" => pages::verify::VerifyCode => Physician;
    /// The link of the confirmation mail (`#TOKEN`).
    VerifyEmail => "/verify-email" => pages::verify_email::VerifyEmail => Physician;
    /// Ask for a password reset link.
    ForgotPassword => "/forgot-password" => pages::password_reset::ForgotPassword => Physician;
    /// The link of the reset mail (`#TOKEN`): choose a new password.
    ResetPassword => "/reset-password" => pages::password_reset::ResetPassword => Physician;
    /// The link of the e-mail change mail (`#TOKEN`).
    ConfirmEmail => "/confirm-email" => pages::account::ConfirmEmail => Physician;
    /// The account's own security: password, e-mail, two-step sign-in, devices.
    Account => "/account" => pages::account::Account => Records;
    /// Staff and organizer accounts.
    Admin => "/admin" => pages::admin::Admin => Staff;
    /// Mails sent.
    Outbox => "/admin/outbox" => pages::outbox::Outbox => Staff;
    /// One account, its actions and its audit trail.
    AdminAccount => "/admin/accounts/:id" => pages::admin::AdminAccount => Staff;
    /// The audit log.
    Audit => "/admin/audit" => pages::audit::Audit => Staff;
}

impl Page {
    /// The path of the page of record `id`.
    pub fn with_id(self, id: i32) -> String {
        self.path().replace(":id", &id.to_string())
    }
}

/// `/verify/:code`: what a printed certificate's code says (the code as typed, encoded).
pub fn verify_path(code: &str) -> String {
    Page::VerifyCode
        .path()
        .replace(":code", &String::from(js_sys::encode_uri_component(code)))
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

/// A page of another build: loaded from the server afresh, which answers it with its own
/// build. Should the server answer with this build again within seconds (a route table that
/// disagrees with `domain::bundle`), the page says it cannot be found instead of loading for
/// ever.
#[component]
pub fn Elsewhere() -> impl IntoView {
    let Some(window) = web_sys::window() else {
        return ().into_any();
    };
    // The router's address: the browser's may still be the page being left.
    let url = leptos_router::hooks::use_url().get_untracked();
    let path = url.path().to_owned();
    let mut href = path.clone();
    if !url.search().is_empty() {
        href = format!("{href}?{}", url.search());
    }
    if !url.hash().is_empty() {
        href = format!("{href}#{}", url.hash().trim_start_matches('#'));
    }
    let now = js_sys::Date::now();
    // When this document began loading: a loop is a new document that is asked for the same
    // page again within seconds, not this document drawing the page twice.
    let loaded_at = js_sys::Reflect::get(&window, &"performance".into())
        .and_then(|p| js_sys::Reflect::get(&p, &"timeOrigin".into()))
        .ok()
        .and_then(|t| t.as_f64())
        .unwrap_or(0.0);
    let storage = window.session_storage().ok().flatten();
    let key = "nintei.elsewhere";
    let looping = storage
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
        .and_then(|last| {
            let (at, last_path) = last.split_once(' ')?;
            let at = at.parse::<f64>().ok()?;
            Some(last_path == path && loaded_at > at && now - at < 3000.0)
        })
        .unwrap_or(false);
    if looping {
        return view! { <pages::not_found::NotFound /> }.into_any();
    }
    if let Some(s) = &storage {
        let _ = s.set_item(key, &format!("{now} {path}"));
    }
    // After the router has written the new address (its pushState would cancel a navigation
    // begun while it draws the page).
    set_timeout(
        move || {
            if let Some(w) = web_sys::window() {
                let _ = w.location().replace(&href);
            }
        },
        std::time::Duration::ZERO,
    );
    ().into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_is_in_the_build_the_server_answers_its_path_with() {
        for page in Page::ALL {
            let path = page.with_id(7);
            assert_eq!(page.bundle(), Bundle::of_path(&path), "{page:?} at {path}");
        }
    }

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
