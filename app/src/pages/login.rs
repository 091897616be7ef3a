//! Log in: the password, then — where two-step sign-in is on — the code of the authenticator
//! app (or a recovery code). An account with a first password or a required second factor to
//! set up goes to its account page first.

use domain::FieldError;
use domain::api::LoginRequest;
use domain::signin::SessionStage;
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
    let code = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let asking_code = RwSignal::new(false);
    // Where the session stands once a step answered.
    let arrive = move |stage: SessionStage| {
        let navigate = navigate.clone();
        match stage {
            SessionStage::TwoFactor => {
                errors.set(Vec::new());
                asking_code.set(true);
            }
            stage => {
                let next = if stage == SessionStage::Setup {
                    Page::Account.path().to_owned()
                } else {
                    safe_next(
                        query.read_untracked().get("next").as_deref(),
                        Page::Home.path(),
                    )
                };
                // Navigate only once the new session is known, or the next page sees none.
                leptos::task::spawn_local(async move {
                    auth.reload().await;
                    navigate(&next, Default::default());
                });
            }
        }
    };
    let submit = Action::new_local(move |req: &LoginRequest| {
        let req = req.clone();
        async move { api::login(&req).await }
    });
    let second = Action::new_local(move |code: &String| {
        let code = code.clone();
        async move { api::second_factor(&code).await }
    });
    let arrive2 = arrive.clone();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(answer)) => arrive(answer.stage),
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    Effect::new(move |_| match second.value().get() {
        Some(Ok(answer)) => arrive2(answer.stage),
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        submit.dispatch(LoginRequest {
            email: email.get(),
            password: password.get(),
        });
    };
    let on_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        second.dispatch(code.get());
    };
    view! {
        <section class="card narrow">
            <h1>{move || i18n.t("login.title")}</h1>
            <ErrorBanner message=banner />
            <Show
                when=move || asking_code.get()
                fallback=move || view! {
                    <form on:submit=on_submit novalidate>
                        <Field name="email" label="login.email" value=email errors=errors kind="email" autocomplete="username" inputmode="email" />
                        <Field name="password" label="login.password" value=password errors=errors kind="password" autocomplete="current-password" />
                        <button type="submit" class="button wide" disabled=move || submit.pending().get()>{move || i18n.t("login.submit")}</button>
                    </form>
                    <p class="aside"><A href=Page::ForgotPassword.path() attr:data-testid="forgot-password">{move || i18n.t("login.forgot")}</A></p>
                    <p class="aside">{move || i18n.t("login.no_account")}" "<A href=Page::Register.path()>{move || i18n.t("nav.register")}</A></p>
                }
            >
                <form on:submit=on_code novalidate data-testid="code-form">
                    <p>{move || i18n.t("login.code.lead")}</p>
                    <Field name="code" label="login.code" value=code errors=errors autocomplete="one-time-code" inputmode="text" />
                    <p class="hint">{move || i18n.t("login.code.recovery")}</p>
                    <button type="submit" class="button wide" disabled=move || second.pending().get()>{move || i18n.t("login.code.submit")}</button>
                </form>
            </Show>
        </section>
    }
}
