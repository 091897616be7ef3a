//! マイページ登録: the physician registration form. The same `RegistrationForm::parse` runs here
//! before sending and on the server after receiving.

use domain::account::RegistrationForm;
use domain::{FieldError, Prefecture};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::auth::use_auth;
use crate::clock::today_jst;
use crate::components::form::{ErrorBanner, Field, FieldErrors, show_failure};
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/register`
#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let registry_number = RwSignal::new(String::new());
    let name_kanji = RwSignal::new(String::new());
    let name_kana = RwSignal::new(String::new());
    let birth_date = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let prefecture = RwSignal::new(String::new());
    let membership = RwSignal::new(String::new());
    let workplace = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let claim = RwSignal::new(false);
    // The number has a My Page already: offer the claim (staff check the licence).
    let number_taken = move || {
        errors
            .get()
            .iter()
            .any(|e| e.field == "registry_number" && e.code == "taken")
            || claim.get()
    };

    let submit = Action::new_local(move |form: &RegistrationForm| {
        let form = form.clone();
        async move { api::register(&form).await }
    });
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(()) => {
                    // Navigate only once the new session is known, or the next page sees none.
                    let navigate = navigate.clone();
                    leptos::task::spawn_local(async move {
                        auth.reload().await;
                        navigate(Page::MyPage.path(), Default::default());
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
        let form = RegistrationForm {
            registry_number: registry_number.get(),
            name_kanji: name_kanji.get(),
            name_kana: name_kana.get(),
            birth_date: birth_date.get(),
            email: email.get(),
            password: password.get(),
            prefecture: prefecture.get(),
            membership: membership.get(),
            workplace_name: workplace.get(),
            claim: claim.get(),
        };
        match form.parse(today_jst()) {
            Ok(_) => {
                errors.set(Vec::new());
                submit.dispatch(form);
            }
            Err(found) => errors.set(found),
        }
    };
    view! {
           <section class="card narrow">
               <h1>{move || i18n.t("register.title")}</h1>
               <p class="lead">{move || i18n.t("register.lead")}</p>
               <ErrorBanner message=banner />
               <form on:submit=on_submit novalidate>
                   <Field name="registry_number" label="register.registry_number" value=registry_number errors=errors inputmode="numeric" />
    {move || number_taken().then(|| view! {
                       <div class="field claim" data-testid="claim">
                           <label class="choice">
                               <input type="checkbox" data-testid="claim-box" prop:checked=move || claim.get() on:change=move |ev| claim.set(event_target_checked(&ev)) />
                               {i18n.t("register.claim")}
                           </label>
                           <p class="hint">{i18n.t("register.claim.hint")}</p>
                       </div>
                   })}
                   <Field name="name_kanji" label="register.name_kanji" value=name_kanji errors=errors autocomplete="name" />
                   <Field name="name_kana" label="register.name_kana" value=name_kana errors=errors />
                   <Field name="birth_date" label="register.birth_date" value=birth_date errors=errors kind="date" autocomplete="bday" />
                   <Field name="email" label="register.email" value=email errors=errors kind="email" autocomplete="email" inputmode="email" />
                   <Field name="password" label="register.password" value=password errors=errors kind="password" autocomplete="new-password" />
                   <div class="field" class:invalid=move || errors.get().iter().any(|e| e.field == "membership")>
                       <span class="label">{move || i18n.t("register.membership")}</span>
                       <div class="choices">
                           <label class="choice"><input type="radio" name="membership" value="member" on:change=move |_| membership.set("member".into()) />{move || i18n.t("register.member")}</label>
                           <label class="choice"><input type="radio" name="membership" value="non_member" on:change=move |_| membership.set("non_member".into()) />{move || i18n.t("register.non_member")}</label>
                       </div>
                       <FieldErrors name="membership" errors=errors />
                   </div>
                   <div class="field" class:invalid=move || errors.get().iter().any(|e| e.field == "prefecture")>
                       <label for="f-prefecture">{move || i18n.t("register.prefecture")}</label>
                       <select id="f-prefecture" name="prefecture" on:change=move |ev| prefecture.set(event_target_value(&ev))>
                           <option value="">{move || i18n.t("register.choose")}</option>
                           {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                       </select>
                       <p class="hint">{move || i18n.t("register.prefecture.hint")}</p>
                       <FieldErrors name="prefecture" errors=errors />
                   </div>
                   <Field name="workplace_name" label="register.workplace" value=workplace errors=errors autocomplete="organization" />
                   <button type="submit" class="button wide" disabled=move || submit.pending().get()>{move || i18n.t("register.submit")}</button>
               </form>
               <p class="aside">{move || i18n.t("register.have_account")}" "<A href=Page::Login.path()>{move || i18n.t("nav.login")}</A></p>
           </section>
       }
}
