//! One application under review: checklist, credits, documents, steps and the timeline.

use crate::api;
use crate::auth::use_auth;
use crate::clock::today_jst;
use crate::components::application::{
    Blockers, Documents, FeeAndHandbook, StatusBadge, Timeline, title_of,
};
use crate::components::decision::{DecisionCard, day};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::{Page, use_path_id};
use domain::account::Role;
use domain::api::Verification;
use domain::application::{ApplicationDetail, FeeChannel, ReviewAction, Status};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/review/:id`
#[component]
pub fn ReviewDetail() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_path_id();
    let detail = LocalResource::new(move || api::application(id()));
    let banner = RwSignal::new(None::<domain::Message>);
    let errors = RwSignal::new(Vec::<domain::FieldError>::new());
    let act = Action::new_local(move |a: &(i32, ReviewAction)| {
        let (id, a) = a.clone();
        async move { api::review_action(id, &a).await }
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(_)) => {
            banner.set(None);
            errors.set(Vec::new());
            detail.refetch();
        }
        Some(Err(e)) => {
            errors.set(e.fields());
            banner.set(Some(e.message()));
        }
        None => {}
    });
    view! {
        <p><A href=Page::Review.path()>{move || i18n.t("review.back")}</A></p>
        {move || banner.get().map(|m| view! { <div class="banner error" role="alert" data-testid="review-error"><p>{i18n.msg(&m)}</p>
            <ul>{errors.get().into_iter().map(|f| view! { <li>{i18n.msg(&f.message)}</li> }).collect_view()}</ul></div> })}
        // The actions depend on who is signed in, which a page opened afresh learns after it
        // shows: the body is drawn again when the account arrives.
        {loaded(detail, move |d| {
            let role = use_auth().role();
            view! { <ReviewBody detail=d act=act role=role /> }
        })}
    }
}

type ActAction = Action<(i32, ReviewAction), Result<ApplicationDetail, api::ApiFailure>>;

#[component]
fn ReviewBody(detail: ApplicationDetail, act: ActAction, role: Option<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let s = detail.summary.clone();
    let id = s.id;
    let status = s.status;
    let title = title_of(&s);
    let prefecture = role == Some(Role::PrefecturalStaff);
    let jma = role == Some(Role::JmaStaff);
    let open = matches!(status, Status::Submitted | Status::CorrectionRequested);
    let complete = detail.blockers.is_empty();
    let send = move |a: ReviewAction| {
        act.dispatch((id, a));
    };
    let today = today_jst().to_string();
    let fee_date = RwSignal::new(today.clone());
    // The credit being marked "not in the original", and why (asked on the page, not in a
    // browser dialog that a phone hides and a screen reader announces badly).
    let rejecting = RwSignal::new(None::<i32>);
    let reject_reason = RwSignal::new(String::new());
    let fee_channel = RwSignal::new(FeeChannel::Counter.code().to_owned());
    let handbook_date = RwSignal::new(today);
    let message = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let p = detail.physician.clone();
    let credits = detail.credits.clone();
    view! {
        <h1>{title}</h1>
        <section class="card">
            <div class="line"><StatusBadge status=status /><span class="muted">{move || i18n.t("application.number")}" "{id}</span></div>
            <p class="who">{p.name_kanji.clone()}" ("{p.name_kana.clone()}")"</p>
            <dl class="deadlines">
                <div><dt>{move || i18n.t("profile.registry")}</dt><dd>{p.registry_number.clone()}</dd></div>
                <div><dt>{move || i18n.t("profile.birth_date")}</dt><dd>{day(p.birth_date)}</dd></div>
                <div><dt>{move || i18n.t("profile.membership")}</dt><dd>{move || i18n.t(if p.membership == domain::account::Membership::Member { "register.member" } else { "register.non_member" })}</dd></div>
                <div><dt>{move || i18n.t("profile.workplace")}</dt><dd>{p.workplace_name.clone().unwrap_or_default()}</dd></div>
                <div><dt>{move || i18n.t("application.submitted_on")}</dt><dd>{day(s.submitted_on)}</dd></div>
                {detail.round.map(|r| view! { <div><dt>{move || i18n.t("application.round")}</dt><dd>{day(r.jma_deadline)}</dd></div> })}
            </dl>
            {(!detail.form.workplace_name.is_empty() || !detail.form.other_changes.is_empty()).then(|| view! {
                <p><strong>{move || i18n.t("application.form.workplace")}</strong>" "{detail.form.workplace_name.clone()}</p>
                <p>{detail.form.other_changes.clone()}</p>
            })}
            {(!detail.form.new_name_kanji.is_empty()).then(|| view! {
                <p data-testid="new-name"><strong>{move || i18n.t("application.form.new_name")}</strong>" "{format!("{} → {}", p.name_kanji, i18n.f("common.aside", &[("text", detail.form.new_name_kanji.clone()), ("aside", detail.form.new_name_kana.clone())]))}</p>
            })}
            {detail.form.facts.grace_reason.clone().map(|r| view! { <p><strong>{move || i18n.t("application.form.grace_reason")}</strong>" "{r}</p> })}
        </section>
        <h2>{move || i18n.t("review.checklist")}</h2>
        <section class="card"><Blockers blockers=detail.blockers.clone() /><FeeAndHandbook detail=detail.clone() /></section>
        <div class="grid">
            <div>
                <h2>{move || i18n.t("review.credits")}</h2>
                <section class="card">
                    {if credits.is_empty() { view! { <p class="muted">{move || i18n.t("review.no_credits")}</p> }.into_any() } else { view! {
                        <ul class="list history" data-testid="review-credits">
                            {credits.into_iter().map(|c| {
                                let e = c.entry.clone();
                                let pending = e.verification == Some(Verification::Pending);
                                let state = match e.verification { Some(Verification::Verified) => "verified", Some(Verification::Rejected) => "rejected", Some(Verification::Pending) => "pending", None => "system" };
                                let credit_id = e.id;
                                view! {
                                    <li>
                                        <div class="line"><span class="date">{day(e.date)}</span><span class="units">{c.counted.to_string()}" / "{e.units.to_string()}" "{move || i18n.t("common.units")}</span></div>
                                        <div>{move || i18n.t(&format!("category.{}", e.category))}</div>
                                        <div class="badges">
                                            {(state != "system").then(|| view! { <span class=format!("badge verify-{state}")>{move || i18n.t(&format!("mypage.verification.{state}"))}</span> })}
                                            <span class="muted">{move || i18n.t(&format!("mypage.source.{}", e.source))}</span>
                                            <span class="muted">{e.organizer_name.clone().or(e.session_title.clone())}</span>
                                        </div>
                                        {(prefecture && open && pending).then(|| view! {
                                            <div class="actions">
                                                <button class="button secondary" data-testid=format!("verify-{credit_id}") on:click=move |_| send(ReviewAction::VerifyCredit { credit_id, verified: true, reason: None })>{move || i18n.t("review.verify")}</button>
                                                <button class="button secondary" data-testid=format!("reject-{credit_id}") on:click=move |_| { reject_reason.set(String::new()); rejecting.set(Some(credit_id)); }>{move || i18n.t("review.reject_credit")}</button>
                                            </div>
                                            {move || (rejecting.get() == Some(credit_id)).then(|| view! {
                                                <div class="field">
                                                    <label for=format!("reject-why-{credit_id}")>{i18n.t("review.reject_credit_reason")}</label>
                                                    <textarea id=format!("reject-why-{credit_id}") data-testid="reject-reason" prop:value=move || reject_reason.get() on:input=move |ev| reject_reason.set(event_target_value(&ev))></textarea>
                                                </div>
                                                <div class="actions">
                                                    <button class="button" data-testid="reject-send" disabled=move || reject_reason.get().trim().is_empty() on:click=move |_| {
                                                        let why = reject_reason.get().trim().to_owned();
                                                        rejecting.set(None);
                                                        send(ReviewAction::VerifyCredit { credit_id, verified: false, reason: Some(why) });
                                                    }>{i18n.t("review.reject_credit_send")}</button>
                                                    <button class="button secondary" on:click=move |_| rejecting.set(None)>{i18n.t("common.cancel")}</button>
                                                </div>
                                            })}
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any() }}
                </section>
                <h2>{move || i18n.t("application.documents")}</h2>
                <section class="card"><Documents documents=detail.documents.clone() /></section>
            </div>
            <div>
                {detail.decision.clone().map(|d| view! { <h2>{move || i18n.t("application.decision")}</h2><DecisionCard decision=d checklist_complete=Some(complete) /> })}
            </div>
        </div>
        {(prefecture && open).then(|| view! {
            <h2>{move || i18n.t("review.actions")}</h2>
            <section class="card" data-testid="prefecture-actions">
                // Once recorded, the fee is not offered again (the server refuses a second record).
                {(detail.fee_yen.is_some() && detail.checklist.fee_missing).then(|| view! {
                    <h3>{move || i18n.t("review.fee")}</h3>
                    <div class="row2">
                        <input type="date" aria-label=move || i18n.t("review.fee_date") prop:value=move || fee_date.get() on:input=move |ev| fee_date.set(event_target_value(&ev)) />
                        <select aria-label=move || i18n.t("review.fee_channel") prop:value=move || fee_channel.get() on:change=move |ev| fee_channel.set(event_target_value(&ev))>
                            {FeeChannel::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("fee.{c}"))}</option> } }).collect_view()}
                        </select>
                    </div>
                    <button class="button secondary wide" data-testid="record-fee" on:click=move |_| {
                        if let (Ok(paid_on), Ok(channel)) = (fee_date.get().parse(), fee_channel.get().parse()) { send(ReviewAction::RecordFee { paid_on, channel }); }
                    }>{move || i18n.t("review.record_fee")}</button>
                })}
                {detail.checklist.handbook_needed.then(|| view! {
                    <h3>{move || i18n.t("application.handbook.title")}</h3>
                    <input type="date" aria-label=move || i18n.t("review.handbook_date") prop:value=move || handbook_date.get() on:input=move |ev| handbook_date.set(event_target_value(&ev)) />
                    <button class="button secondary wide" data-testid="record-handbook" on:click=move |_| {
                        if let Ok(arrived_on) = handbook_date.get().parse() { send(ReviewAction::RecordHandbook { arrived_on }); }
                    }>{move || i18n.t("review.record_handbook")}</button>
                })}
                {(status == Status::Submitted).then(|| view! {
                    <h3>{move || i18n.t("review.request_correction")}</h3>
                    <textarea rows="3" aria-label=move || i18n.t("review.correction_message") prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                    <button class="button secondary wide" data-testid="request-correction" on:click=move |_| send(ReviewAction::RequestCorrection { message: message.get() })>{move || i18n.t("review.request_correction")}</button>
                    <h3>{move || i18n.t("review.forward")}</h3>
                    <button class="button wide" data-testid="forward" on:click=move |_| send(ReviewAction::Forward)>{move || i18n.t("review.forward")}</button>
                })}
            </section>
        })}
        {(jma && status == Status::Forwarded).then(|| view! {
            <h2>{move || i18n.t("review.actions")}</h2>
            <section class="card" data-testid="jma-actions">
                <button class="button wide" data-testid="approve" on:click=move |_| send(ReviewAction::Approve)>{move || i18n.t("review.approve")}</button>
                <h3>{move || i18n.t("review.reject")}</h3>
                <textarea rows="3" aria-label=move || i18n.t("review.reject_reason") prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <button class="button secondary wide" data-testid="reject" on:click=move |_| send(ReviewAction::Reject { reason: reason.get() })>{move || i18n.t("review.reject")}</button>
            </section>
        })}
        <h2>{move || i18n.t("application.timeline")}</h2>
        <section class="card"><Timeline events=detail.timeline.clone() /></section>
    }
}
