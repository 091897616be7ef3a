//! One application: status, next step, timeline, documents, decision.

use crate::api;
use crate::components::application::{Documents, FeeAndHandbook, StatusBadge, Timeline, title_of};
use crate::components::decision::{DecisionCard, day};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::{Page, edit_application_path, use_path_id};
use domain::application::{ApplicationDetail, Status};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/applications/:id`
#[component]
pub fn ApplicationPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_path_id();
    let detail = LocalResource::new(move || api::application(id()));
    let banner = RwSignal::new(None::<domain::Message>);
    let withdraw = Action::new_local(move |id: &i32| {
        let id = *id;
        async move { api::withdraw_application(id).await }
    });
    Effect::new(move |_| match withdraw.value().get() {
        Some(Ok(_)) => detail.refetch(),
        Some(Err(e)) => banner.set(Some(e.message())),
        None => {}
    });
    view! {
        <p><A href=Page::Applications.path()>{move || i18n.t("application.back")}</A></p>
        {move || banner.get().map(|m| view! { <p class="banner error" role="alert">{i18n.msg(&m)}</p> })}
        {loaded(detail, move |d| view! { <Detail detail=d withdraw=withdraw /> })}
    }
}

#[component]
fn Detail(
    detail: ApplicationDetail,
    withdraw: Action<i32, Result<ApplicationDetail, api::ApiFailure>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = detail.summary.clone();
    let id = s.id;
    let title = title_of(&s);
    let status = s.status;
    let can_withdraw = matches!(status, Status::Submitted | Status::CorrectionRequested);
    let next = move || i18n.t(&format!("application.next.{status}"));
    view! {
        <h1>{title}</h1>
        <section class="card" data-testid="application-detail">
            <div class="line"><StatusBadge status=status /><span class="muted">{move || i18n.t("application.number")}" "{id}</span></div>
            <p class="lead">{next}</p>
            {detail.correction_message.clone().filter(|_| status == Status::CorrectionRequested).map(|m| view! {
                <div class="banner info" data-testid="correction-message">
                    <strong>{move || i18n.t("application.correction")}</strong>
                    <p>{m}</p>
                    <A href=edit_application_path(id) attr:class="button wide" attr:data-testid="resubmit">{move || i18n.t("application.correct_and_resubmit")}</A>
                </div>
            })}
            {detail.granted.clone().map(|g| view! {
                <div class="banner ok" data-testid="granted">
                    <p>{move || i18n.f("application.granted", &[("number", g.number.clone()), ("from", day(g.period.valid_from)), ("until", day(g.period.valid_until))])}</p>
                </div>
            })}
            <dl class="deadlines">
                <div><dt>{move || i18n.t("application.submitted_on")}</dt><dd>{day(s.submitted_on)}</dd></div>
                {detail.round.map(|r| view! {
                    <div><dt>{move || i18n.t("application.round")}</dt><dd>{day(r.jma_deadline)}</dd></div>
                    <div><dt>{move || i18n.t("application.prefectural_deadline")}</dt><dd>{day(r.prefectural_deadline)}</dd></div>
                })}
            </dl>
        </section>
        {(!status.is_final() || detail.fee.is_some() || detail.handbook_arrived_on.is_some()).then(|| view! {
            <section class="card">
                <FeeAndHandbook detail=detail.clone() guide=true />
            </section>
        })}
        <h2>{move || i18n.t("application.timeline")}</h2>
        <section class="card"><Timeline events=detail.timeline.clone() /></section>
        <h2>{move || i18n.t("application.documents")}</h2>
        <section class="card"><Documents documents=detail.documents.clone() /></section>
        {detail.decision.clone().map(|d| view! {
            <h2>{move || i18n.t("application.decision")}</h2>
            <DecisionCard decision=d />
        })}
        {can_withdraw.then(|| view! {
            <div class="actions">
                <button class="button secondary" data-testid="withdraw" disabled=move || withdraw.pending().get() on:click=move |_| {
                    let ok = web_sys::window().and_then(|w| w.confirm_with_message(i18n.t("application.confirm_withdraw")).ok()).unwrap_or(false);
                    if ok { withdraw.dispatch(id); }
                }>{move || i18n.t("application.withdraw")}</button>
            </div>
        })}
    }
}
