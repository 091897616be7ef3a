//! `/account`: the account's own security — password, login e-mail, two-step sign-in with its
//! recovery codes, and the devices signed in. An account with a first password to choose or a
//! required second factor to set up is sent here and can open nothing else until it is done.
//! `/confirm-email#TOKEN` is the link that completes an e-mail change.

use domain::FieldError;
use domain::signin::{
    AccountView, DeviceSession, EmailChange, PasswordChange, SessionStage, TwoFactorOff,
    TwoFactorSetup, device_label,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::auth::use_auth;
use crate::components::form::{ErrorBanner, Field, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::{Page, take_link_token};

/// `/account`
#[component]
pub fn Account() -> impl IntoView {
    let i18n = use_i18n();
    let view_ = LocalResource::new(api::account);
    view! {
        <h1>{move || i18n.t("account.title")}</h1>
        {loaded(view_, move |a: AccountView| {
            let setup = a.stage == SessionStage::Setup;
            let refresh = Callback::new(move |()| view_.refetch());
            view! {
                <p class="lead" data-testid="account-email">{a.email.clone()}" · "{i18n.t(&format!("role.{}", a.role.code()))}</p>
                {setup.then(|| {
                    let key = if a.must_change_password { "account.setup.password" } else { "account.setup.two_factor" };
                    view! { <p class="banner" role="status" data-testid="account-setup">{i18n.t(key)}</p> }
                })}
                {(!setup || a.must_change_password).then(|| view! { <PasswordSection refresh=refresh first=a.must_change_password /> })}
                {(!a.must_change_password).then(|| view! { <TwoFactorSection account=a.clone() refresh=refresh /> })}
                {(!setup).then(|| view! {
                    <EmailSection />
                    <DevicesSection />
                })}
            }.into_any()
        })}
    }
}

/// Change the password (the current one required); the other devices are signed out.
#[component]
fn PasswordSection(refresh: Callback<()>, first: bool) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let done = RwSignal::new(false);
    let change = Action::new_local(move |req: &PasswordChange| {
        let req = req.clone();
        async move { api::change_password(&req).await }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => {
            errors.set(Vec::new());
            current.set(String::new());
            password.set(String::new());
            done.set(true);
            // A first password moves the session on: the page is drawn again for it. Otherwise
            // nothing on the page changed but this section, which keeps its notice.
            if first {
                auth.refresh();
                refresh.run(());
            }
        }
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        done.set(false);
        change.dispatch(PasswordChange {
            current: current.get(),
            password: password.get(),
        });
    };
    let current_label = if first {
        "account.password.given"
    } else {
        "account.password.current"
    };
    view! {
        <section class="card" data-testid="password-section">
            <h2>{move || i18n.t("account.password.title")}</h2>
            <ErrorBanner message=banner />
            {move || done.get().then(|| view! { <p class="banner ok" role="status" data-testid="password-changed">{i18n.t("account.password.changed")}</p> })}
            <form on:submit=on_submit novalidate>
                <Field name="current" label=current_label value=current errors=errors kind="password" autocomplete="current-password" />
                <Field name="password" label="account.password.new" value=password errors=errors kind="password" autocomplete="new-password" />
                <p class="hint">{move || i18n.t("account.password.rule")}</p>
                <button type="submit" class="button wide" disabled=move || change.pending().get()>{move || i18n.t("account.password.save")}</button>
            </form>
        </section>
    }
}

/// Change the login e-mail: the new address confirms by its link; the old one is told.
#[component]
fn EmailSection() -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let sent = RwSignal::new(false);
    let change = Action::new_local(move |req: &EmailChange| {
        let req = req.clone();
        async move { api::change_email(&req).await }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            errors.set(Vec::new());
            password.set(String::new());
            sent.set(true);
        }
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        sent.set(false);
        change.dispatch(EmailChange {
            password: password.get(),
            email: email.get(),
        });
    };
    view! {
        <section class="card" data-testid="email-section">
            <h2>{move || i18n.t("account.email.title")}</h2>
            <ErrorBanner message=banner />
            {move || sent.get().then(|| view! { <p class="banner ok" role="status" data-testid="email-sent">{i18n.t("account.email.sent")}</p> })}
            <form on:submit=on_submit novalidate>
                <Field name="email" label="account.email.new" value=email errors=errors kind="email" autocomplete="email" inputmode="email" />
                <Field name="password" id="f-email-password" label="account.password.current" value=password errors=errors kind="password" autocomplete="current-password" />
                <button type="submit" class="button wide" disabled=move || change.pending().get()>{move || i18n.t("account.email.save")}</button>
            </form>
        </section>
    }
}

/// Two-step sign-in: set it up (QR code, a first code, recovery codes shown once), make new
/// recovery codes, or turn it off where the role allows.
#[component]
fn TwoFactorSection(account: AccountView, refresh: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let start = Action::new_local(move |(): &()| api::start_two_factor());
    Effect::new(move |_| match start.value().get() {
        Some(Ok(s)) => setup.set(Some(s)),
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let enable = Action::new_local(move |c: &String| {
        let c = c.clone();
        async move { api::enable_two_factor(&c).await }
    });
    Effect::new(move |_| match enable.value().get() {
        Some(Ok(on)) => {
            errors.set(Vec::new());
            setup.set(None);
            code.set(String::new());
            codes.set(Some(on.codes));
            auth.refresh();
        }
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let renew = Action::new_local(move |c: &String| {
        let c = c.clone();
        async move { api::new_recovery_codes(&c).await }
    });
    Effect::new(move |_| match renew.value().get() {
        Some(Ok(r)) => {
            errors.set(Vec::new());
            code.set(String::new());
            codes.set(Some(r.codes));
        }
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let disable = Action::new_local(move |req: &TwoFactorOff| {
        let req = req.clone();
        async move { api::disable_two_factor(&req).await }
    });
    Effect::new(move |_| match disable.value().get() {
        Some(Ok(())) => refresh.run(()),
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let on_enable = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        enable.dispatch(code.get());
    };
    let on_renew = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        banner.set(None);
        renew.dispatch(code.get());
    };
    let on_disable = move |_| {
        banner.set(None);
        disable.dispatch(TwoFactorOff {
            password: password.get(),
            code: code.get(),
        });
    };
    let on = account.two_factor;
    let may_turn_off = !account.two_factor_required;
    let left = account.recovery_codes_left;
    view! {
        <section class="card" data-testid="two-factor-section">
            <h2>{move || i18n.t("account.two_factor.title")}</h2>
            <ErrorBanner message=banner />
            {move || match codes.get() {
                Some(list) => view! {
                    <p class="banner ok" role="status" data-testid="two-factor-on">{i18n.t("account.two_factor.on")}</p>
                    <p>{i18n.t("account.recovery.keep")}</p>
                    <ul class="codes" data-testid="recovery-codes">
                        {list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ul>
                    <button class="button wide" data-testid="recovery-done" on:click=move |_| { codes.set(None); refresh.run(()); }>{i18n.t("account.recovery.done")}</button>
                }.into_any(),
                None if on => view! {
                    <p><span class="badge ok">{i18n.t("account.two_factor.status_on")}</span></p>
                    <p class="muted" data-testid="recovery-left">{i18n.f("account.recovery.left", &[("n", left.to_string())])}</p>
                    <form on:submit=on_renew novalidate>
                        <Field name="code" id="f-renew-code" label="login.code" value=code errors=errors autocomplete="one-time-code" />
                        <button type="submit" class="button wide secondary">{i18n.t("account.recovery.new")}</button>
                        {may_turn_off.then(|| view! {
                            <Field name="password" id="f-off-password" label="account.password.current" value=password errors=errors kind="password" autocomplete="current-password" />
                            <button type="button" class="button wide secondary" data-testid="two-factor-off" on:click=on_disable>{i18n.t("account.two_factor.disable")}</button>
                        })}
                    </form>
                }.into_any(),
                None => match setup.get() {
                    Some(s) => view! {
                        <ol class="steps">
                            <li>{i18n.t("account.two_factor.step_scan")}</li>
                            <li>{i18n.t("account.two_factor.step_code")}</li>
                        </ol>
                        <div class="qr" role="img" aria-label=i18n.t("account.two_factor.qr") inner_html=s.qr_svg></div>
                        <p class="hint">{i18n.t("account.two_factor.by_hand")}</p>
                        <p><code class="secret" data-testid="totp-secret">{s.secret}</code></p>
                        <form on:submit=on_enable novalidate>
                            <Field name="code" label="login.code" value=code errors=errors autocomplete="one-time-code" inputmode="numeric" />
                            <button type="submit" class="button wide" disabled=move || enable.pending().get()>{i18n.t("account.two_factor.enable")}</button>
                        </form>
                    }.into_any(),
                    None => view! {
                        <p>{i18n.t("account.two_factor.lead")}</p>
                        <button class="button wide" data-testid="two-factor-start" on:click=move |_| { banner.set(None); start.dispatch(()); }>{i18n.t("account.two_factor.start")}</button>
                    }.into_any(),
                },
            }}
        </section>
    }
}

/// The devices signed in; end one, or all but this one.
#[component]
fn DevicesSection() -> impl IntoView {
    let i18n = use_i18n();
    let devices = LocalResource::new(api::devices);
    let banner = RwSignal::new(None);
    let end = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::end_device(&id).await }
    });
    let end_all = Action::new_local(move |(): &()| api::end_other_devices());
    Effect::new(move |_| {
        let results = [end.value().get(), end_all.value().get()];
        for r in results.into_iter().flatten() {
            match r {
                Ok(()) => devices.refetch(),
                Err(e) => banner.set(Some(e.message())),
            }
        }
    });
    let when = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    view! {
        <section class="card" data-testid="devices-section">
            <h2>{move || i18n.t("account.devices.title")}</h2>
            <ErrorBanner message=banner />
            {loaded(devices, move |list: Vec<DeviceSession>| {
                let others = list.iter().filter(|d| !d.current).count();
                view! {
                    <ul class="list" data-testid="devices">
                        {list.into_iter().map(|d| {
                            let name = d.device.as_deref().and_then(device_label).unwrap_or_else(|| i18n.t("account.devices.unknown").to_owned());
                            let seen = when(d.last_seen_at.unwrap_or(d.created_at));
                            let id = d.id.clone();
                            view! {
                                <li class="line">
                                    <span>
                                        <strong>{name}</strong>
                                        {d.current.then(|| view! { " " <span class="badge ok">{i18n.t("account.devices.this")}</span> })}
                                        <br /><span class="muted">{i18n.f("account.devices.seen", &[("at", seen)])}</span>
                                    </span>
                                    {(!d.current).then(|| view! {
                                        <button class="button secondary" data-testid="device-end" on:click=move |_| { end.dispatch(id.clone()); }>{i18n.t("account.devices.end")}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(others > 0).then(|| view! {
                        <button class="button wide secondary" data-testid="devices-end-others" on:click=move |_| { end_all.dispatch(()); }>{i18n.t("account.devices.end_others")}</button>
                    })}
                }.into_any()
            })}
        </section>
    }
}

/// `/confirm-email#TOKEN`
#[component]
pub fn ConfirmEmail() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let token = take_link_token(Page::ConfirmEmail);
    let result = LocalResource::new(move || {
        let token = token.clone();
        async move {
            let answer = api::confirm_email_change(&token).await;
            if answer.is_ok() {
                auth.reload().await;
            }
            answer
        }
    });
    view! {
        <section class="card narrow">
            <h1>{move || i18n.t("account.email.title")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{i18n.t("verify.checking")}</p> }>
                {move || result.get().map(|r| match r {
                    Ok(()) => view! { <p class="banner ok" role="status" data-testid="email-changed">{i18n.t("account.email.changed")}</p> }.into_any(),
                    Err(e) => {
                        let m = e.fields().into_iter().next().map(|f| f.message).unwrap_or_else(|| e.message());
                        view! { <p class="banner error" role="alert" data-testid="email-change-failed">{i18n.msg(&m)}</p> }.into_any()
                    }
                })}
            </Suspense>
            <A href=Page::Account.path() attr:class="button wide secondary">{move || i18n.t("account.title")}</A>
        </section>
    }
}
