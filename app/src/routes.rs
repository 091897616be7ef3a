//! The one place URL strings live.

/// A page of the app.
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
        }
    }
}
