//! Admin: find accounts of any role, create staff and organizer accounts, and act on one
//! account (disable, enable, force a password reset) with its audit trail beside.

use domain::account::Role;
use domain::api::CreateUser;
use domain::signin::{AccountEdit, AccountSummary, AuditEntry};
use domain::{FieldError, Prefecture};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::form::{ErrorBanner, Field, FieldErrors, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::{Page, use_path_id};

/// `/admin`
#[component]
pub fn Admin() -> impl IntoView {
    let i18n = use_i18n();
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
            prefecture: chosen_prefecture(&prefecture.get()),
            organizer_body: typed_body(body.get()),
        };
        create.dispatch(req);
    };
    view! {
        <crate::components::shell::StaffTabs current=crate::routes::Page::Admin />
        <p class="links">
            <A href=Page::Audit.path() attr:data-testid="link-audit">{move || i18n.t("audit.title")}</A>
            <A href=Page::Outbox.path() attr:data-testid="link-outbox">{move || i18n.t("admin.outbox")}</A>
        </p>
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
        <AccountSearch />
    }
}

/// Search accounts by e-mail or name; each opens its page.
#[component]
fn AccountSearch() -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let q = asked.get();
        async move { api::admin_accounts(&q).await }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        asked.set(q.get());
    };
    view! {
        <section class="card">
            <h2>{move || i18n.t("admin.users")}</h2>
            <form class="search" role="search" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="f-account-q">{move || i18n.t("admin.search")}</label>
                    <input id="f-account-q" type="search" data-testid="account-q" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
                </div>
                <button class="button wide secondary" type="submit">{move || i18n.t("admin.search.submit")}</button>
            </form>
            {loaded(found, move |list: Vec<AccountSummary>| {
                if list.is_empty() {
                    return view! { <p class="muted">{i18n.t("admin.search.none")}</p> }.into_any();
                }
                view! {
                    <ul class="list" data-testid="accounts">
                        {list.into_iter().map(|u| view! {
                            <li>
                                <A href=Page::AdminAccount.with_id(u.id)><strong>{u.display_name}</strong></A>
                                " "<span class="badge">{i18n.t(&format!("role.{}", u.role.code()))}</span>
                                {u.disabled.then(|| view! { " "<span class="badge error">{i18n.t("admin.disabled")}</span> })}
                                <br /><span class="muted">{u.email}</span>
                                <br /><span class="muted" data-testid="last-login">{last_login(u.last_login_at)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

/// `/admin/accounts/:id`
#[component]
pub fn AdminAccount() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_path_id();
    let account = LocalResource::new(move || api::admin_account(id()));
    let trail = LocalResource::new(move || api::admin_trail(id()));
    let banner = RwSignal::new(None);
    let notice = RwSignal::new(None::<&'static str>);
    let set_disabled = Action::new_local(move |disabled: &bool| {
        let disabled = *disabled;
        async move { api::admin_set_disabled(id(), disabled).await.map(|_| ()) }
    });
    let reset = Action::new_local(move |(): &()| api::admin_force_reset(id()));
    Effect::new(move |_| {
        for (r, key) in [
            (set_disabled.value().get(), "admin.saved"),
            (reset.value().get(), "admin.reset.sent"),
        ] {
            match r {
                Some(Ok(())) => {
                    banner.set(None);
                    notice.set(Some(key));
                    account.refetch();
                    trail.refetch();
                }
                Some(Err(e)) => banner.set(Some(e.message())),
                None => {}
            }
        }
    });
    view! {
        <crate::components::shell::StaffTabs current=Page::Admin />
        <ErrorBanner message=banner />
        {move || notice.get().map(|k| view! { <p class="banner ok" role="status" data-testid="admin-notice">{i18n.t(k)}</p> })}
        {loaded(account, move |u: AccountSummary| view! {
            <section class="card" data-testid="admin-account">
                <h1>{u.display_name.clone()}</h1>
                <p>{u.email.clone()}" · "{i18n.t(&format!("role.{}", u.role.code()))}</p>
                <p class="muted">
                    {u.prefecture.map(|p| view! { {i18n.prefecture(p)}" " })}
                    {u.organizer_body.clone().map(|b| view! { {b}" " })}
                    <span data-testid="last-login">{last_login(u.last_login_at)}</span>
                </p>
                <p>
                    <span class=if u.disabled { "badge error" } else { "badge ok" }>{i18n.t(if u.disabled { "admin.disabled" } else { "admin.active" })}</span>
                    " "<span class="badge">{i18n.t(if u.two_factor { "account.two_factor.status_on" } else { "account.two_factor.status_off" })}</span>
                </p>
                <div class="actions">
                    {if u.disabled {
                        view! { <button class="button" data-testid="account-enable" on:click=move |_| { set_disabled.dispatch(false); }>{i18n.t("admin.enable")}</button> }.into_any()
                    } else {
                        view! { <button class="button secondary" data-testid="account-disable" on:click=move |_| { set_disabled.dispatch(true); }>{i18n.t("admin.disable")}</button> }.into_any()
                    }}
                    <button class="button secondary" data-testid="account-reset" on:click=move |_| { reset.dispatch(()); }>{i18n.t("admin.reset")}</button>
                </div>
                <p class="hint">{i18n.t("admin.reset.hint")}</p>
            </section>
            {(u.role != Role::Physician).then(|| view! { <EditAccount account=u.clone() on_saved=Callback::new(move |_| { notice.set(Some("admin.saved")); account.refetch(); trail.refetch(); }) /> })}
        }.into_any())}
        <section class="card">
            <h2>{move || i18n.t("admin.trail")}</h2>
            {loaded(trail, move |list: Vec<AuditEntry>| view! { <crate::pages::audit::AuditList entries=list /> }.into_any())}
        </section>
    }
}

/// "最終ログイン 2026-12-07 09:12" (JST), or that the account never signed in.
/// The prefecture chosen in the form's select (its code), or none.
fn chosen_prefecture(code: &str) -> Option<Prefecture> {
    code.parse().ok().and_then(Prefecture::from_code)
}

/// The organizing body as typed, or none when left blank.
fn typed_body(body: String) -> Option<String> {
    Some(body).filter(|b| !b.trim().is_empty())
}

fn last_login(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let i18n = use_i18n();
    match at {
        Some(t) => {
            let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("JST");
            i18n.f(
                "admin.last_login",
                &[(
                    "at",
                    t.with_timezone(&jst).format("%Y-%m-%d %H:%M").to_string(),
                )],
            )
        }
        None => i18n.t("admin.never_logged_in").to_owned(),
    }
}

/// An admin changes a staff, organizer or admin account's name, prefecture or organizing body.
#[component]
fn EditAccount(account: AccountSummary, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = account.id;
    let name = RwSignal::new(account.display_name.clone());
    let prefecture = RwSignal::new(
        account
            .prefecture
            .map(|p| p.code().to_string())
            .unwrap_or_default(),
    );
    let body = RwSignal::new(account.organizer_body.clone().unwrap_or_default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let save = Action::new_local(move |req: &AccountEdit| {
        let req = req.clone();
        async move { api::admin_edit(id, &req).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            errors.set(Vec::new());
            banner.set(None);
            on_saved.run(());
        }
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(AccountEdit {
            display_name: name.get(),
            prefecture: chosen_prefecture(&prefecture.get()),
            organizer_body: typed_body(body.get()),
        });
    };
    view! {
        <section class="card" data-testid="edit-account">
            <h2>{move || i18n.t("admin.edit")}</h2>
            <ErrorBanner message=banner />
            <form on:submit=on_submit novalidate>
                <Field name="display_name" label="admin.display_name" value=name errors=errors />
                <div class="field">
                    <label for="e-prefecture">{move || i18n.t("register.prefecture")}</label>
                    <select id="e-prefecture" data-testid="edit-prefecture" prop:value=move || prefecture.get() on:change=move |ev| prefecture.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                    <FieldErrors name="prefecture" errors=errors />
                </div>
                <Field name="organizer_body" label="admin.body" value=body errors=errors />
                <button class="button wide" type="submit" data-testid="edit-save" disabled=move || save.pending().get()>{move || i18n.t("admin.edit.save")}</button>
            </form>
        </section>
    }
}
