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
        }
    }
}
