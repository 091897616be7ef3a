//! The one place URL strings live.

/// A page of the app.
#[expect(
    clippy::enum_variant_names,
    reason = "My Page (マイページ) is the product's own name"
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/`
    Home,
    /// `/login`
    Login,
    /// `/register`
    Register,
    /// `/mypage`
    MyPage,
    /// `/admin`
    Admin,
    /// `/mypage/handbook`
    Handbook,
    /// `/mypage/history`
    History,
    /// `/mypage/transcript`
    Transcript,
    /// `/mypage/qr`
    Qr,
    /// `/mypage/profile`
    Profile,
    /// `/organizer`
    Organizer,
    /// `/applications`: the physician's applications.
    Applications,
    /// `/review`: the reviewers' queue.
    Review,
    /// `/admin/outbox`
    Outbox,
    /// `/sessions`: the public session list.
    Sessions,
}

/// `/applications/new?kind=&certification=`: the form for a new application.
pub fn new_application_path(
    kind: domain::application::ApplicationKind,
    certification: domain::Certification,
) -> String {
    format!("/applications/new?kind={kind}&certification={certification}")
}

/// `/applications/new?edit={id}`: the form again, to correct and resubmit.
pub fn edit_application_path(id: i32) -> String {
    format!("/applications/new?edit={id}")
}

/// `/applications/{id}`
pub fn application_path(id: i32) -> String {
    format!("/applications/{id}")
}

/// `/review/{id}`
pub fn review_application_path(id: i32) -> String {
    format!("/review/{id}")
}

/// `/organizer/sessions/{id}/checkin`
pub fn checkin_path(session: i32) -> String {
    format!("/organizer/sessions/{session}/checkin")
}

/// `/organizer/sessions/{id}/review`
pub fn review_path(session: i32) -> String {
    format!("/organizer/sessions/{session}/review")
}

impl Page {
    /// The path of the page.
    pub const fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Login => "/login",
            Page::Register => "/register",
            Page::MyPage => "/mypage",
            Page::Admin => "/admin",
            Page::Handbook => "/mypage/handbook",
            Page::History => "/mypage/history",
            Page::Transcript => "/mypage/transcript",
            Page::Qr => "/mypage/qr",
            Page::Profile => "/mypage/profile",
            Page::Organizer => "/organizer",
            Page::Applications => "/applications",
            Page::Review => "/review",
            Page::Outbox => "/admin/outbox",
            Page::Sessions => "/sessions",
        }
    }
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
