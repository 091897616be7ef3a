//! 登録情報: identity (read only) and contact details (editable).

use domain::FieldError;
use domain::api::{ContactForm, MyPage};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::decision::day;
use crate::components::form::{ErrorBanner, Field, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/mypage/profile`
#[component]
pub fn Profile() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(api::my_page);
    view! {
        <p><A href=Page::MyPage.path()>{move || i18n.t("common.back_mypage")}</A></p>
        <h1>{move || i18n.t("profile.title")}</h1>
        {loaded(page, move |p| view! { <ProfileForm page=p /> })}
    }
}

#[component]
fn ProfileForm(page: MyPage) -> impl IntoView {
    let i18n = use_i18n();
    let p = page.profile;
    let workplace = RwSignal::new(p.workplace_name.clone().unwrap_or_default());
    let phone = RwSignal::new(p.phone.clone().unwrap_or_default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |form: &ContactForm| {
        let form = form.clone();
        async move { api::update_profile(&form).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            errors.set(Vec::new());
            banner.set(None);
            saved.set(true);
        }
        Some(Err(e)) => {
            show_failure(&e, errors, banner);
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        save.dispatch(ContactForm {
            workplace_name: workplace.get(),
            phone: phone.get(),
        });
    };
    view! {
        <section class="card">
            <dl class="deadlines">
                <div><dt>{move || i18n.t("register.registry_number")}</dt><dd>{p.registry_number.clone()}</dd></div>
                <div><dt>{move || i18n.t("register.name_kanji")}</dt><dd>{p.name_kanji.clone()}</dd></div>
                <div><dt>{move || i18n.t("register.name_kana")}</dt><dd>{p.name_kana.clone()}</dd></div>
                <div><dt>{move || i18n.t("register.birth_date")}</dt><dd>{day(p.birth_date)}</dd></div>
                <div><dt>{move || i18n.t("register.prefecture")}</dt><dd>{move || i18n.prefecture(p.prefecture)}</dd></div>
            </dl>
            <p class="note">{move || i18n.t("profile.identity_note")}</p>
        </section>
        <section class="card">
            <h2>{move || i18n.t("profile.contact")}</h2>
            <ErrorBanner message=banner />
            {move || saved.get().then(|| view! { <p class="banner ok">{i18n.t("profile.saved")}</p> })}
            <form on:submit=on_submit novalidate>
                <Field name="workplace_name" label="register.workplace" value=workplace errors=errors autocomplete="organization" />
                <Field name="phone" label="profile.phone" value=phone errors=errors kind="tel" autocomplete="tel" inputmode="tel" />
                <button class="button wide" type="submit">{move || i18n.t("profile.save")}</button>
            </form>
        </section>
    }
}
