//! The application form: new, renewal or change of registered details, prefilled from My Page,
//! with the engine's live decision beside it and document uploads with progress. Used again to
//! correct and resubmit after the prefecture asks for a correction.

use chrono::NaiveDate;
use domain::api::MyPage;
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationKind, DocumentKind, required_documents,
};
use domain::{Activity, Certification, Facts, FieldError, RuleSet, SportsExemption, evaluate};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::clock::today_jst;
use crate::components::application::{FeeAndHandbook, format_yen};
use crate::components::decision::DecisionCard;
use crate::components::form::{ErrorBanner, FieldErrors, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;

use crate::components::upload::Upload;
use crate::ids::new_id as client_ref;

/// `/applications/new?kind=&certification=` or `?edit={id}`
#[component]
pub fn ApplicationFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let edit = move || query.read().get("edit").and_then(|s| s.parse::<i32>().ok());
    let kind = move || {
        query
            .read()
            .get("kind")
            .and_then(|s| s.parse::<ApplicationKind>().ok())
    };
    let certification = move || {
        query
            .read()
            .get("certification")
            .and_then(|s| s.parse::<Certification>().ok())
    };
    let data = LocalResource::new(move || {
        let edit = edit();
        async move {
            let page = api::my_page().await?;
            let existing = match edit {
                Some(id) => Some(api::application(id).await?),
                None => None,
            };
            Ok::<_, api::ApiFailure>((page, existing))
        }
    });
    view! {
        <p><A href=Page::Applications.path()>{move || i18n.t("application.back")}</A></p>
        {loaded(data, move |(page, existing)| {
                {
                    let (k, c) = match &existing {
                        Some(d) => (Some(d.summary.kind), Some(d.summary.certification)),
                        None => (kind(), certification()),
                    };
                    match (k, c) {
                        (Some(k), Some(c)) => view! { <FormBody page=page kind=k certification=c existing=existing /> }.into_any(),
                        _ => view! { <p class="banner error">{i18n.t("application.form.unknown")}</p> }.into_any(),
                    }
                }
            })}
    }
}

fn date_of(text: &str) -> Option<NaiveDate> {
    text.trim().parse().ok()
}

#[component]
fn FormBody(
    page: MyPage,
    kind: ApplicationKind,
    certification: Certification,
    existing: Option<ApplicationDetail>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let prior = existing
        .as_ref()
        .map(|d| d.form.clone())
        .unwrap_or_default();
    let editing = existing.as_ref().map(|d| d.summary.id);
    let uoeh = RwSignal::new(prior.facts.uoeh_completion_date.is_some());
    let uoeh_date = RwSignal::new(
        prior
            .facts
            .uoeh_completion_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let exemption = RwSignal::new(
        prior
            .facts
            .sports_exemption
            .map(|e| format!("{e:?}").to_lowercase())
            .unwrap_or_default(),
    );
    let grace_reason = RwSignal::new(prior.facts.grace_reason.clone().unwrap_or_default());
    let activities = RwSignal::new(
        prior
            .facts
            .activities
            .iter()
            .map(|a| (a.date.to_string(), a.description.clone()))
            .collect::<Vec<_>>(),
    );
    let workplace = RwSignal::new(if kind == ApplicationKind::WorkplaceChange {
        prior.workplace_name.clone()
    } else {
        String::new()
    });
    let other = RwSignal::new(prior.other_changes.clone());
    let new_kanji = RwSignal::new(prior.new_name_kanji.clone());
    let new_kana = RwSignal::new(prior.new_name_kana.clone());
    let docs = RwSignal::new(
        existing
            .as_ref()
            .map(|d| d.documents.clone())
            .unwrap_or_default(),
    );
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None::<domain::Message>);
    let reference = StoredValue::new(client_ref());
    let today = today_jst();
    let membership = page.profile.membership;
    let expired = page
        .certificates
        .iter()
        .find(|c| c.certification == certification)
        .is_some_and(|c| c.current.valid_until < today);

    let facts = move || Facts {
        uoeh_completion_date: if uoeh.get() {
            date_of(&uoeh_date.get())
        } else {
            None
        },
        sports_exemption: match exemption.get().as_str() {
            "joa" => Some(SportsExemption::Joa),
            "jspo" => Some(SportsExemption::Jspo),
            _ => None,
        },
        activities: activities
            .get()
            .iter()
            .filter_map(|(d, text)| {
                Some(Activity {
                    date: date_of(d)?,
                    description: text.clone(),
                })
            })
            .collect(),
        grace_reason: Some(grace_reason.get()).filter(|r| !r.trim().is_empty()),
    };
    let page_for_decision = page.clone();
    let decision = Memo::new(move |_| {
        let procedure = kind.procedure(certification)?;
        let mut p = page_for_decision.clone();
        p.facts = facts();
        Some(evaluate(
            &RuleSet::current(),
            &p.evaluation_input(procedure, today, &[]),
        ))
    });
    let required = move || required_documents(kind, certification, &facts(), membership);
    let missing = move || {
        let have: Vec<DocumentKind> = docs.get().iter().map(|d| d.kind).collect();
        required()
            .into_iter()
            .filter(|k| !have.contains(k))
            .collect::<Vec<_>>()
    };
    let ready = move || decision.get().is_none_or(|d| d.eligible) && missing().is_empty();

    let submit = Action::new_local(move |form: &ApplicationForm| {
        let form = form.clone();
        async move {
            match editing {
                Some(id) => api::resubmit_application(id, &form).await,
                None => api::submit_application(&form).await,
            }
        }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(d)) => navigate(&Page::Application.with_id(d.summary.id), Default::default()),
        Some(Err(e)) => show_failure(&e, errors, banner),
        None => {}
    });
    let confirming = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ApplicationForm {
            kind: Some(kind),
            certification: Some(certification),
            facts: facts(),
            workplace_name: workplace.get(),
            other_changes: other.get(),
            new_name_kanji: new_kanji.get(),
            new_name_kana: new_kana.get(),
            documents: docs.get().iter().map(|d| d.id).collect(),
            client_ref: Some(reference.get_value()),
        };
        match form.parse(today) {
            // The first tap shows what will be sent and what follows; the second sends it.
            Ok(_) if !confirming.get_untracked() => {
                errors.set(Vec::new());
                banner.set(None);
                confirming.set(true);
            }
            Ok(_) => {
                submit.dispatch(form);
            }
            Err(found) => errors.set(found),
        }
    };
    let fee_note = kind.has_fee().then(|| {
        view! { <p class="note" data-testid="fee-note">{move || i18n.f("application.fee.text", &[("yen", format_yen(RuleSet::current().fee_yen))])}</p> }
    });
    // The handbook original is asked for when the decision counts a handbook unit, as the
    // server's checklist does (a UOEH-route application counts none).
    let from_handbook = StoredValue::new(
        page.ledger
            .iter()
            .filter_map(domain::api::LedgerEntry::to_credit)
            .map(|c| c.source == domain::Source::Handbook)
            .collect::<Vec<bool>>(),
    );
    let uses_handbook = move || {
        decision.get().is_some_and(|d| {
            d.credits.iter().any(|o| {
                !o.counted.is_zero()
                    && from_handbook.with_value(|h| h.get(o.index).copied().unwrap_or(false))
            })
        })
    };
    let optional_docs: Vec<DocumentKind> = match (kind, certification) {
        (ApplicationKind::Renewal, Certification::Sports) => vec![DocumentKind::ActivityEvidence],
        _ => vec![DocumentKind::Other],
    };
    view! {
        <h1>{move || format!("{} {}", i18n.t(&format!("certification.{certification}")), i18n.t(&format!("application.kind.{kind}")))}</h1>
        {existing.clone().and_then(|d| d.correction_message).map(|m| view! {
            <div class="banner info"><strong>{move || i18n.t("application.correction")}</strong><p>{m}</p></div>
        })}
        <section class="card profile">
            <p class="who">{page.profile.name_kanji.clone()}" ("{page.profile.name_kana.clone()}")"</p>
            <p class="muted">{move || i18n.t("profile.registry")}" "{page.profile.registry_number.clone()}" · "{move || i18n.prefecture(page.profile.prefecture)}</p>
        </section>
        <form on:submit=on_submit novalidate data-testid="application-form">
            <ErrorBanner message=banner />
            {(kind == ApplicationKind::New && certification == Certification::Occupational).then(|| view! {
                <section class="card">
                    <h2>{move || i18n.t("application.form.route")}</h2>
                    <div class="choices stacked">
                        <label class="choice"><input type="radio" name="route" prop:checked=move || !uoeh.get() on:change=move |_| uoeh.set(false) />{move || i18n.t("application.form.route.training")}</label>
                        <label class="choice"><input type="radio" name="route" data-testid="route-uoeh" prop:checked=move || uoeh.get() on:change=move |_| uoeh.set(true) />{move || i18n.t("application.form.route.uoeh")}</label>
                    </div>
                    {move || uoeh.get().then(|| view! {
                        <div class="field">
                            <label for="f-uoeh">{i18n.t("application.form.uoeh_date")}</label>
                            <input id="f-uoeh" type="date" prop:value=move || uoeh_date.get() on:input=move |ev| uoeh_date.set(event_target_value(&ev)) />
                            <FieldErrors name="facts.uoeh_completion_date" errors=errors />
                        </div>
                    })}
                </section>
            })}
            {(kind == ApplicationKind::New && certification == Certification::Sports).then(|| view! {
                <section class="card">
                    <div class="field">
                        <label for="f-exemption">{move || i18n.t("application.form.exemption")}</label>
                        <select id="f-exemption" prop:value=move || exemption.get() on:change=move |ev| exemption.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t("application.form.exemption.none")}</option>
                            <option value="joa">{move || i18n.t("application.form.exemption.joa")}</option>
                            <option value="jspo">{move || i18n.t("application.form.exemption.jspo")}</option>
                        </select>
                    </div>
                </section>
            })}
            {(kind == ApplicationKind::Renewal && expired).then(|| view! {
                <section class="card">
                    <div class="field">
                        <label for="f-grace">{move || i18n.t("application.form.grace_reason")}</label>
                        <textarea id="f-grace" rows="3" prop:value=move || grace_reason.get() on:input=move |ev| grace_reason.set(event_target_value(&ev))></textarea>
                        <p class="hint">{move || i18n.t("application.form.grace_hint")}</p>
                        <FieldErrors name="facts.grace_reason" errors=errors />
                    </div>
                </section>
            })}
            {(kind == ApplicationKind::Renewal && certification == Certification::Sports).then(|| view! {
                <section class="card">
                    <h2>{move || i18n.t("application.form.activities")}</h2>
                    <p class="hint">{move || i18n.t("application.form.activities_hint")}</p>
                    {move || activities.get().into_iter().enumerate().map(|(i, (d, text))| view! {
                        <div class="row2">
                            <input type="date" aria-label=i18n.t("application.form.activity_date") prop:value=d on:input=move |ev| activities.update(|a| a[i].0 = event_target_value(&ev)) />
                            <input type="text" aria-label=i18n.t("application.form.activity_text") prop:value=text on:input=move |ev| activities.update(|a| a[i].1 = event_target_value(&ev)) />
                        </div>
                    }).collect_view()}
                    <button type="button" class="button secondary" on:click=move |_| activities.update(|a| a.push((today.to_string(), String::new())))>{move || i18n.t("application.form.add_activity")}</button>
                </section>
            })}
            {(kind == ApplicationKind::WorkplaceChange).then(|| view! {
                <section class="card">
                    <p class="muted">{move || i18n.t("application.form.current_workplace")}" "{page.profile.workplace_name.clone().unwrap_or_default()}</p>
                    <div class="field">
                        <label for="f-workplace">{move || i18n.t("application.form.workplace")}</label>
                        <input id="f-workplace" type="text" prop:value=move || workplace.get() on:input=move |ev| workplace.set(event_target_value(&ev)) />
                        <FieldErrors name="workplace_name" errors=errors />
                    </div>
                    <h3>{move || i18n.t("application.form.new_name")}</h3>
                    <p class="hint">{move || i18n.t("application.form.new_name.hint")}</p>
                    <div class="field">
                        <label for="f-new-kanji">{move || i18n.t("register.name_kanji")}</label>
                        <input id="f-new-kanji" type="text" autocomplete="name" prop:value=move || new_kanji.get() on:input=move |ev| new_kanji.set(event_target_value(&ev)) />
                        <FieldErrors name="new_name_kanji" errors=errors />
                    </div>
                    <div class="field">
                        <label for="f-new-kana">{move || i18n.t("register.name_kana")}</label>
                        <input id="f-new-kana" type="text" prop:value=move || new_kana.get() on:input=move |ev| new_kana.set(event_target_value(&ev)) />
                        <FieldErrors name="new_name_kana" errors=errors />
                    </div>
                    <div class="field">
                        <label for="f-other">{move || i18n.t("application.form.other_changes")}</label>
                        <textarea id="f-other" rows="3" prop:value=move || other.get() on:input=move |ev| other.set(event_target_value(&ev))></textarea>
                        <FieldErrors name="other_changes" errors=errors />
                    </div>
                </section>
            })}
            <section class="card">
                <h2>{move || i18n.t("application.documents")}</h2>
                <p class="hint">{move || i18n.t("application.documents.hint")}</p>
                {move || {
                    let mut kinds = required();
                    for k in &optional_docs {
                        if !kinds.contains(k) { kinds.push(*k); }
                    }
                    let needed = required();
                    kinds.into_iter().map(|k| view! { <Upload kind=k required=needed.contains(&k) docs=docs /> }).collect_view()
                }}
                <FieldErrors name="documents" errors=errors />
            </section>
            {move || decision.get().map(|d| view! {
                <h2>{i18n.t("application.decision.live")}</h2>
                <DecisionCard decision=d />
            })}
            <section class="card">
                {fee_note}
                {move || uses_handbook().then(|| view! { <p class="note warn" data-testid="handbook-send">{i18n.t("application.handbook.text")}</p> })}
                {move || (!ready()).then(|| view! { <p class="banner info" data-testid="not-ready">{i18n.t("application.form.not_ready")}</p> })}
                <FieldErrors name="decision" errors=errors />
                {move || confirming.get().then(|| {
                    let count = docs.get().len();
                    view! {
                        <div class="banner info" role="status" data-testid="confirm-application">
                            <h3>{i18n.t("application.confirm.title")}</h3>
                            <ul class="list">
                                <li>{format!("{} {}", i18n.t(&format!("certification.{certification}")), i18n.t(&format!("application.kind.{kind}")))}</li>
                                <li>{i18n.f("application.confirm.documents", &[("n", count.to_string())])}</li>
                                {kind.has_fee().then(|| view! { <li>{i18n.f("application.confirm.fee", &[("yen", format_yen(RuleSet::current().fee_yen))])}</li> })}
                                {uses_handbook().then(|| view! { <li>{i18n.t("application.confirm.handbook")}</li> })}
                            </ul>
                            <p>{i18n.t("application.confirm.next")}</p>
                        </div>
                    }
                })}
                <button class="button wide" type="submit" data-testid="submit-application" disabled=move || !ready() || submit.pending().get()>
                    {move || match (confirming.get(), editing.is_some()) {
                        (false, _) => i18n.t("application.form.review"),
                        (true, true) => i18n.t("application.form.resubmit"),
                        (true, false) => i18n.t("application.form.submit"),
                    }}
                </button>
                {move || confirming.get().then(|| view! {
                    <button type="button" class="button secondary wide" data-testid="confirm-back" on:click=move |_| confirming.set(false)>{i18n.t("application.confirm.back")}</button>
                })}
            </section>
        </form>
        {existing.map(|d| view! { <section class="card"><FeeAndHandbook detail=d /></section> })}
    }
}
