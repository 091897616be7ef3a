//! A forgotten password: ask for a link (the answer never tells whether the address has an
//! account), then choose a new password from the link. Every signed-in device is signed out.

use domain::FieldError;
use domain::signin::ResetConfirm;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::form::{ErrorBanner, Field, show_failure};
use crate::i18n::use_i18n;
use crate::routes::{Page, take_link_token};

/// `/forgot-password`
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let sent = RwSignal::new(false);
    let ask = Action::new_local(move |email: &String| {
        let email = email.clone();
        async move { api::request_reset(&email).await }
    });
    Effect::new(move |_| match ask.value().get() {
        Some(Ok(())) => sent.set(true),
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        ask.dispatch(email.get());
    };
    view! {
        <section class="card narrow">
            <h1>{move || i18n.t("reset.title")}</h1>
            <ErrorBanner message=banner />
            <Show
                when=move || sent.get()
                fallback=move || view! {
                    <p>{move || i18n.t("reset.lead")}</p>
                    <form on:submit=on_submit novalidate>
                        <Field name="email" label="login.email" value=email errors=errors kind="email" autocomplete="username" inputmode="email" />
                        <button type="submit" class="button wide" disabled=move || ask.pending().get()>{move || i18n.t("reset.send")}</button>
                    </form>
                }
            >
                <p class="banner ok" role="status" data-testid="reset-sent">{move || i18n.t("reset.sent")}</p>
            </Show>
            <p class="aside"><A href=Page::Login.path()>{move || i18n.t("nav.login")}</A></p>
        </section>
    }
}

/// `/reset-password#TOKEN`
#[component]
pub fn ResetPassword() -> impl IntoView {
    let i18n = use_i18n();
    let token = StoredValue::new(take_link_token(Page::ResetPassword));
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let done = RwSignal::new(false);
    let set = Action::new_local(move |req: &ResetConfirm| {
        let req = req.clone();
        async move { api::confirm_reset(&req).await }
    });
    Effect::new(move |_| match set.value().get() {
        Some(Ok(())) => done.set(true),
        Some(Err(e)) => {
            show_failure(&e, errors, banner);
            // A spent or expired link is said in the banner, where it can be read.
            if let Some(f) = e.fields().into_iter().find(|f| f.field == "token") {
                banner.set(Some(f.message));
            }
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        set.dispatch(ResetConfirm {
            token: token.get_value(),
            password: password.get(),
        });
    };
    view! {
        <section class="card narrow">
            <h1>{move || i18n.t("reset.choose")}</h1>
            <ErrorBanner message=banner />
            <Show
                when=move || done.get()
                fallback=move || view! {
                    <form on:submit=on_submit novalidate>
                        <Field name="password" label="account.password.new" value=password errors=errors kind="password" autocomplete="new-password" />
                        <p class="hint">{move || i18n.t("account.password.rule")}</p>
                        <button type="submit" class="button wide" disabled=move || set.pending().get()>{move || i18n.t("reset.save")}</button>
                    </form>
                    <p class="aside"><A href=Page::ForgotPassword.path()>{move || i18n.t("reset.again")}</A></p>
                }
            >
                <p class="banner ok" role="status" data-testid="reset-done">{move || i18n.t("reset.done")}</p>
                <A href=Page::Login.path() attr:class="button wide">{move || i18n.t("nav.login")}</A>
            </Show>
        </section>
    }
}
