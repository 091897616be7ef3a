//! Admin: create staff and organizer accounts, list them.

use domain::account::Role;
use domain::api::CreateUser;
use domain::{FieldError, Prefecture};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorBanner, Field, FieldErrors, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;

/// `/admin`
#[component]
pub fn Admin() -> impl IntoView {
    let i18n = use_i18n();
    let users = LocalResource::new(api::users);
    let role = RwSignal::new("organizer".to_owned());
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let prefecture = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let created = RwSignal::new(None::<String>);
    let create = Action::new_local(move |req: &CreateUser| {
        let req = req.clone();
        async move { api::create_user(&req).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(user)) => {
            errors.set(Vec::new());
            banner.set(None);
            created.set(Some(user.email));
            users.refetch();
        }
        Some(Err(e)) => {
            show_failure(&e, errors, banner);
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateUser {
            role: Role::from_code(&role.get()).unwrap_or(Role::Organizer),
            email: email.get(),
            display_name: name.get(),
            password: password.get(),
            prefecture: prefecture
                .get()
                .parse()
                .ok()
                .and_then(Prefecture::from_code),
            organizer_body: Some(body.get()).filter(|b| !b.trim().is_empty()),
        };
        create.dispatch(req);
    };
    view! {
        <crate::components::shell::StaffTabs current=crate::routes::Page::Admin />
        <p><leptos_router::components::A href=crate::routes::Page::Outbox.path() attr:data-testid="link-outbox">{move || i18n.t("admin.outbox")}</leptos_router::components::A></p>
        <section class="card">
            <h1>{move || i18n.t("admin.create")}</h1>
            <ErrorBanner message=banner />
            {move || created.get().map(|e| view! { <p class="banner ok">{i18n.t("admin.created")}": "{e}</p> })}
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for="f-role">{move || i18n.t("admin.role")}</label>
                    <select id="f-role" on:change=move |ev| role.set(event_target_value(&ev))>
                        {[Role::Organizer, Role::PrefecturalStaff, Role::JmaStaff, Role::Admin]
                            .map(|r| view! { <option value=r.code()>{move || i18n.t(&format!("role.{}", r.code()))}</option> })
                            .collect_view()}
                    </select>
                    <FieldErrors name="role" errors=errors />
                </div>
                <Field name="email" label="login.email" value=email errors=errors kind="email" />
                <Field name="display_name" label="admin.display_name" value=name errors=errors />
                <Field name="password" label="login.password" value=password errors=errors kind="password" autocomplete="new-password" />
                <div class="field">
                    <label for="f-prefecture">{move || i18n.t("register.prefecture")}</label>
                    <select id="f-prefecture" on:change=move |ev| prefecture.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                    <FieldErrors name="prefecture" errors=errors />
                </div>
                <Field name="organizer_body" label="admin.body" value=body errors=errors />
                <button class="button wide" type="submit">{move || i18n.t("admin.create")}</button>
            </form>
        </section>
        <section class="card">
            <h2>{move || i18n.t("admin.users")}</h2>
            {loaded(users, move |list| {
                    view! {
                        <ul class="list">
                            {list.into_iter().map(|u| view! {
                                <li>
                                    <strong>{u.display_name}</strong>
                                    <span class="badge">{i18n.t(&format!("role.{}", u.role.code()))}</span>
                                    <span class="muted">{u.email}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
        </section>
    }
}
