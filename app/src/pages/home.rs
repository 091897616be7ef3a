//! The landing page: what this is, and where each role goes.

use domain::account::Role;
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};

use crate::auth::use_auth;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/`
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <section class="hero">
            <h1>{move || i18n.t("app.tagline")}</h1>
            <p>{move || i18n.t("home.lead")}</p>
        </section>
        {move || match auth.me.get() {
            Some(me) if me.role == Role::Physician => view! { <Redirect path=Page::MyPage.path() /> }.into_any(),
            Some(me) => {
                let key = format!("home.role.{}", me.role.code());
                let pref = me.prefecture.map(|p| i18n.prefecture(p).to_owned()).unwrap_or_default();
                let body = me.organizer_body.clone().unwrap_or_default();
                view! {
                    <section class="card">
                        <h2>{i18n.f("home.welcome", &[("name", me.display_name.clone())])}</h2>
                        <p>{i18n.f(&key, &[("pref", pref), ("body", body)])}</p>
                        {(me.role == Role::Admin).then(|| view! { <A href=Page::Admin.path() attr:class="button">{i18n.t("nav.admin")}</A> })}
                        {(me.role == Role::Organizer).then(|| view! { <A href=Page::Organizer.path() attr:class="button">{i18n.t("org.title")}</A> })}
                    </section>
                }.into_any()
            }
            None => view! {
                <section class="card">
                    <p>{move || i18n.t("home.physician")}</p>
                    <div class="actions">
                        <A href=Page::Login.path() attr:class="button">{move || i18n.t("nav.login")}</A>
                        <A href=Page::Register.path() attr:class="button secondary">{move || i18n.t("nav.register")}</A>
                    </div>
                    <p><A href=Page::Sessions.path() attr:data-testid="link-sessions">{move || i18n.t("nav.sessions")}</A></p>
                    <p><A href=Page::VerifyCertificate.path() attr:data-testid="link-verify">{move || i18n.t("certcheck.title")}</A></p>
                </section>
            }.into_any(),
        }}
    }
}
