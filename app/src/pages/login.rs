//! Log in.

use domain::FieldError;
use domain::api::LoginRequest;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::auth::use_auth;
use crate::components::form::{ErrorBanner, Field, show_failure};
use crate::i18n::use_i18n;
use crate::routes::{Page, safe_next};

/// `/login` (`?next=/mypage/qr` comes back there after logging in)
#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let submit = Action::new_local(move |req: &LoginRequest| {
        let req = req.clone();
        async move { api::login(&req).await }
    });
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(()) => {
                    // Navigate only once the new session is known, or the next page sees none.
                    let navigate = navigate.clone();
                    let next = safe_next(
                        query.read_untracked().get("next").as_deref(),
                        Page::Home.path(),
                    );
                    leptos::task::spawn_local(async move {
                        auth.reload().await;
                        navigate(&next, Default::default());
                    });
                }
                Err(e) => {
                    show_failure(&e, errors, banner);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        submit.dispatch(LoginRequest {
            email: email.get(),
            password: password.get(),
        });
    };
    view! {
        <section class="card narrow">
            <h1>{move || i18n.t("login.title")}</h1>
            <ErrorBanner message=banner />
            <form on:submit=on_submit novalidate>
                <Field name="email" label="login.email" value=email errors=errors kind="email" autocomplete="username" inputmode="email" />
                <Field name="password" label="login.password" value=password errors=errors kind="password" autocomplete="current-password" />
                <button type="submit" class="button wide" disabled=move || submit.pending().get()>{move || i18n.t("login.submit")}</button>
            </form>
            <p class="aside">{move || i18n.t("login.no_account")}" "<A href=Page::Register.path()>{move || i18n.t("nav.register")}</A></p>
        </section>
    }
}
