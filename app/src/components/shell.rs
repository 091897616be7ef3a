//! The header: app name, role-aware navigation and the language switch.

use domain::account::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::auth::use_auth;
use crate::i18n::{Lang, use_i18n};
use crate::routes::Page;

/// The header shown on every page.
#[component]
pub fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    // A helper's phone at the door has no account: no login or registration links there.
    let location = use_location();
    let at_door = move || location.pathname.get().starts_with(Page::Door.path());
    // An account with a first password or a required second factor to set up sees only its
    // account page until that is done.
    let to_setup = navigate;
    Effect::new(move |_| {
        let setup = auth
            .me
            .get()
            .is_some_and(|m| m.stage == domain::signin::SessionStage::Setup);
        if setup && location.pathname.get() != Page::Account.path() {
            to_setup(Page::Account.path(), Default::default());
        }
    });
    // Logging out loads the login page afresh: nothing the account saw stays in the page's
    // memory, and a staff or door page need not hand over to the physician's build.
    let logout = move |_| {
        spawn_local(async move {
            let _ = api::logout().await;
            auth.me.set(None);
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(Page::Login.path());
            }
        });
    };
    let switch = move |_| {
        i18n.lang
            .update(|l| *l = if *l == Lang::Ja { Lang::En } else { Lang::Ja })
    };
    view! {
        <header class="shell">
            <A href=Page::Home.path() attr:class="brand">
                <span class="brand-mark">"認"</span>
                <span>{move || i18n.t("app.name")}</span>
            </A>
            <nav class="nav">
                {move || match auth.me.get() {
                    None if at_door() => ().into_any(),
                    None => view! {
                        <A href=Page::Login.path()>{move || i18n.t("nav.login")}</A>
                        <A href=Page::Register.path()>{move || i18n.t("nav.register")}</A>
                    }.into_any(),
                    Some(me) => view! {
                        {(me.role == Role::Physician).then(|| view! {
                            <A href=Page::MyPage.path()>{move || i18n.t("nav.mypage")}</A>
                            <A href=Page::Applications.path()>{move || i18n.t("nav.applications")}</A>
                        })}
                        {matches!(me.role, Role::PrefecturalStaff | Role::JmaStaff).then(|| view! {
                            <A href=Page::Review.path()>{move || i18n.t("nav.review")}</A>
                        })}
                        {(me.role == Role::Organizer).then(|| view! {
                            <A href=Page::Organizer.path()>{move || i18n.t("nav.organizer")}</A>
                        })}
                        {(me.role == Role::Admin).then(|| view! {
                            <A href=Page::Admin.path()>{move || i18n.t("nav.admin")}</A>
                        })}
                        <A href=Page::Account.path() attr:data-testid="nav-account">{move || i18n.t("nav.account")}</A>
                        <button on:click=logout data-testid="logout">{move || i18n.t("nav.logout")}</button>
                    }.into_any(),
                }}
                <button class="lang" on:click=switch data-testid="lang-switch">{move || i18n.t("lang.switch")}</button>
            </nav>
        </header>
    }
}

/// The staff's sections: applications, identity checks (prefectural staff) and the registry.
#[component]
pub fn StaffTabs(current: Page) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let tab = move |page: Page, key: &'static str| {
        view! {
            <A href=page.path() attr:class=if page == current { "tab current" } else { "tab" } attr:aria-current=(page == current).then_some("page")>
                {move || i18n.t(key)}
            </A>
        }
    };
    view! {
        <nav class="tabs" aria-label=move || i18n.t("staff.sections")>
            {move || {
                let role = auth.role();
                view! {
                    {matches!(role, Some(Role::PrefecturalStaff | Role::JmaStaff)).then(|| tab(Page::Review, "staff.tab.applications"))}
                    {matches!(role, Some(Role::PrefecturalStaff | Role::JmaStaff)).then(|| tab(Page::Designation, "staff.tab.designation"))}
                    {(role == Some(Role::PrefecturalStaff)).then(|| tab(Page::Identities, "staff.tab.identities"))}
                    {(role == Some(Role::Admin)).then(|| tab(Page::Admin, "staff.tab.accounts"))}
                    {tab(Page::Registry, "staff.tab.registry")}
                }
            }}
        </nav>
    }
}
