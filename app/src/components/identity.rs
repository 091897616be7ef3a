//! My Page's identity panel: until the physician is verified it says why nothing is theirs yet
//! and what to do — open the mailed link (or send it again), then send a copy of the medical
//! licence to the prefectural staff — and where the check stands.

use domain::Prefecture;
use domain::application::{DocumentKind, DocumentView};
use domain::identity::{IdentityView, RequestKind, RequestStatus};
use domain::registry::RegistryMatch;
use leptos::prelude::*;

use crate::api;
use crate::components::decision::day;
use crate::components::upload::Upload;
use crate::i18n::use_i18n;

/// The panel; nothing once the physician is verified.
#[component]
pub fn IdentityPanel(identity: IdentityView, prefecture: Prefecture) -> impl IntoView {
    if identity.verified() {
        return ().into_any();
    }
    if !identity.email_verified {
        return view! { <EmailPending /> }.into_any();
    }
    view! { <LicenceCheck identity=identity prefecture=prefecture /> }.into_any()
}

#[component]
fn EmailPending() -> impl IntoView {
    let i18n = use_i18n();
    let resend = Action::new_local(|_: &()| api::resend_link());
    view! {
        <section class="card identity" data-testid="identity-email">
            <h2>{move || i18n.t("identity.email.title")}</h2>
            <p>{move || i18n.t("identity.email.text")}</p>
            <button class="button secondary" data-testid="resend-link" disabled=move || resend.pending().get() on:click=move |_| { resend.dispatch(()); }>
                {move || i18n.t("identity.email.resend")}
            </button>
            {move || resend.value().get().map(|r| match r {
                Ok(()) => view! { <p class="banner ok" role="status">{i18n.t("identity.email.sent")}</p> }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn LicenceCheck(identity: IdentityView, prefecture: Prefecture) -> impl IntoView {
    let i18n = use_i18n();
    let request = RwSignal::new(identity.request.clone());
    let docs = RwSignal::new(Vec::<DocumentView>::new());
    let send = Action::new_local(|id: &i32| {
        let id = *id;
        async move { api::send_licence(id).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(sent)) = send.value().get() {
            request.set(Some(sent));
            docs.set(Vec::new());
        }
    });
    let claim = identity
        .request
        .as_ref()
        .is_some_and(|r| r.kind == RequestKind::Claim);
    let lead = match (claim, identity.registry_match) {
        (true, _) => "identity.claim.text",
        (false, RegistryMatch::Partial) => "identity.licence.partial",
        (false, _) => "identity.licence.none",
    };
    let waiting = move || {
        request
            .get()
            .filter(|r| r.document_sent && r.status == RequestStatus::Pending)
    };
    let rejected = move || {
        request
            .get()
            .filter(|r| r.status == RequestStatus::Rejected)
    };
    view! {
        <section class="card identity" data-testid="identity-licence">
            <h2>{move || i18n.t("identity.title")}</h2>
            <p class="banner info">{move || i18n.t("identity.why")}</p>
            {move || match waiting() {
                Some(r) => view! {
                    <p data-testid="licence-sent">{i18n.f("identity.sent", &[
                        ("date", r.submitted_at.map(|t| day(domain::dates::today_jst(t))).unwrap_or_default()),
                        ("prefecture", i18n.prefecture(prefecture).to_owned()),
                    ])}</p>
                    <p class="hint">{i18n.t(if claim { "identity.claim.how_long" } else { "identity.licence.how_long" })}</p>
                }.into_any(),
                None => view! {
                    {rejected().map(|r| view! {
                        <p class="banner warn" role="alert" data-testid="licence-rejected">{i18n.t("identity.rejected")}<br />{r.reason.unwrap_or_default()}</p>
                    })}
                    <p>{i18n.t(lead)}</p>
                    <Upload kind=DocumentKind::MedicalLicence required=true docs=docs label="identity.licence.label" />
                    <button class="button wide" data-testid="send-licence" disabled=move || docs.get().is_empty() || send.pending().get() on:click=move |_| {
                        if let Some(d) = docs.get_untracked().last() { send.dispatch(d.id); }
                    }>{i18n.t("identity.licence.send")}</button>
                    {move || send.value().get().and_then(Result::err).map(|e| view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> })}
                }.into_any(),
            }}
        </section>
    }
}
