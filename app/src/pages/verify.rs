//! `/verify` and `/verify/:code`: anyone checks a printed certificate (no login): valid,
//! expired, lapsed or revoked as of today, with the holder's name, the certification, its
//! number and period, and nothing else.

use domain::notices::VerifiedCertificate;
use domain::standing::CertificateStatus;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::components::decision::day;
use crate::i18n::use_i18n;
use crate::routes::verify_path;

/// The form: type the code printed under the QR code.
#[component]
fn CodeForm(#[prop(optional)] initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(initial);
    let navigate = use_navigate();
    view! {
        <form class="card" on:submit=move |ev| {
            ev.prevent_default();
            let c: String = code.get().trim().to_owned();
            if !c.is_empty() {
                navigate(&verify_path(&c), NavigateOptions::default());
            }
        }>
            <div class="field">
                <label for="verify-code">{move || i18n.t("certcheck.code")}</label>
                <input id="verify-code" autocomplete="off" autocapitalize="characters" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button wide">{move || i18n.t("certcheck.submit")}</button>
        </form>
    }
}

/// `/verify`
#[component]
pub fn VerifyForm() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t("certcheck.title")}</h1>
        <p>{move || i18n.t("certcheck.lead")}</p>
        <CodeForm />
    }
}

/// `/verify/:code`
#[component]
pub fn VerifyCode() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let answer = LocalResource::new(move || {
        let c = code();
        async move { api::verify_certificate(&c).await }
    });
    view! {
        <h1>{move || i18n.t("certcheck.title")}</h1>
        {move || answer.get().map(|r| match r {
            Ok(v) => view! { <Answer v=v /> }.into_any(),
            Err(e) if e.status == 404 => view! {
                <p class="banner error" role="alert" data-testid="verify-not-found">{move || i18n.t("certcheck.not_found")}</p>
                <CodeForm initial=code() />
            }.into_any(),
            Err(e) => view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> }.into_any(),
        })}
    }
}

#[component]
fn Answer(v: VerifiedCertificate) -> impl IntoView {
    let i18n = use_i18n();
    let status = v.status;
    let tone = match status {
        CertificateStatus::Valid => "ok",
        CertificateStatus::Expired => "warn",
        CertificateStatus::Lapsed | CertificateStatus::Revoked => "error",
    };
    view! {
        <article class=format!("card verify verify-{tone}") data-testid="verify-answer">
            <p class=format!("verify-status badge status-{tone}") data-testid="verify-status">{move || i18n.t(&format!("certcheck.status.{status}"))}</p>
            <p>{move || i18n.t(&format!("certcheck.explain.{status}"))}</p>
            <dl>
                <div><dt>{move || i18n.t("proof.name")}</dt><dd data-testid="verify-name">{v.name.clone()}</dd></div>
                <div><dt>{move || i18n.t("proof.certification")}</dt><dd>{move || i18n.t(&format!("certification.{}", v.certification))}</dd></div>
                <div><dt>{move || i18n.t("proof.number")}</dt><dd>{v.number.clone()}</dd></div>
                <div><dt>{move || i18n.t("proof.period")}</dt><dd>{format!("{} – {}", day(v.valid_from), day(v.valid_until))}</dd></div>
            </dl>
            {v.superseded.then(|| view! { <p class="hint">{move || i18n.t("certcheck.superseded")}</p> })}
            <p class="muted">{move || i18n.f("certcheck.as_of", &[("d", day(v.as_of))])}</p>
        </article>
    }
}
