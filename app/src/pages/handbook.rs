//! 手帳管理: declare units from the paper handbook (up to 2025-03-31), correct or withdraw them
//! until staff verify them. The same `HandbookForm::parse` runs here and on the server.

use domain::api::{HandbookRequest, LedgerEntry};
use domain::ledger::HandbookForm;
use domain::{Category, FieldError, RuleSet, Source, Units};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::clock::today_jst;
use crate::components::decision::day;
use crate::components::form::{ErrorBanner, Field, FieldErrors, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;

use crate::ids::new_id as client_ref;

/// Most handbook sessions were attended in person.
const IN_PERSON: &str = "in_person";

/// Units above which one entry is asked about before it is saved (a session rarely gives more).
const LARGE_ENTRY: u32 = 20;

/// `/mypage/handbook`
#[component]
pub fn Handbook() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(api::my_page);
    let editing = RwSignal::new(None::<i32>);
    let date = RwSignal::new(String::new());
    let category = RwSignal::new(Category::OccupationalLifelongUpdate.code().to_owned());
    let subject = RwSignal::new(String::new());
    let units = RwSignal::new(String::new());
    let organizer = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let delivery = RwSignal::new(IN_PERSON.to_owned());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let saved = RwSignal::new(false);
    // One reference per submission, kept across retries of that submission.
    let pending_ref = StoredValue::new(client_ref());

    let reset = move || {
        editing.set(None);
        for s in [date, units, organizer, note, subject] {
            s.set(String::new());
        }
        delivery.set(IN_PERSON.to_owned());
        pending_ref.set_value(client_ref());
    };
    let save = Action::new_local(move |(id, req): &(Option<i32>, HandbookRequest)| {
        let (id, req) = (*id, req.clone());
        async move {
            match id {
                Some(id) => api::correct_handbook(id, &req).await,
                None => api::declare_handbook(&req).await,
            }
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            errors.set(Vec::new());
            banner.set(None);
            saved.set(true);
            reset();
            page.refetch();
        }
        Some(Err(e)) => {
            show_failure(&e, errors, banner);
        }
        None => {}
    });
    let withdraw = Action::new_local(move |id: &i32| {
        let id = *id;
        async move { api::withdraw_handbook(id).await }
    });
    Effect::new(move |_| match withdraw.value().get() {
        Some(Ok(())) => page.refetch(),
        Some(Err(e)) => banner.set(Some(e.message())),
        None => {}
    });
    let ask_large = RwSignal::new(None::<String>);
    let large_confirmed = RwSignal::new(false);
    Effect::new(move |_| {
        // A changed number is asked about again.
        units.track();
        large_confirmed.set(false);
        ask_large.set(None);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let form = HandbookForm {
            date: date.get(),
            category: category.get(),
            subject: subject.get(),
            units: units.get(),
            organizer_name: organizer.get(),
            note: note.get(),
            delivery: delivery.get(),
        };
        match form.parse(RuleSet::current().handbook_cutoff, today_jst()) {
            // One entry of many units is usually a slip of the keyboard: ask once.
            Ok(d) if d.units > Units::whole(LARGE_ENTRY) && !large_confirmed.get_untracked() => {
                errors.set(Vec::new());
                ask_large.set(Some(d.units.to_string()));
            }
            Ok(_) => {
                ask_large.set(None);
                large_confirmed.set(false);
                save.dispatch((
                    editing.get(),
                    HandbookRequest {
                        form,
                        client_ref: Some(pending_ref.get_value()),
                    },
                ));
            }
            Err(found) => errors.set(found),
        }
    };
    let start_edit = move |e: &LedgerEntry| {
        editing.set(Some(e.id));
        date.set(day(e.date));
        category.set(e.category.code().to_owned());
        subject.set(e.subject.map(|s| s.code()).unwrap_or_default());
        units.set(e.units.to_string());
        organizer.set(e.organizer_name.clone().unwrap_or_default());
        note.set(e.note.clone().unwrap_or_default());
        delivery.set(e.delivery.code().to_owned());
        pending_ref.set_value(client_ref());
        errors.set(Vec::new());
        // The form is at the top of the page; the entry was tapped further down.
        if let Some(form) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("handbook-form"))
        {
            form.scroll_into_view();
        }
    };
    view! {
        <p><A href=Page::MyPage.path()>{move || i18n.t("common.back_mypage")}</A></p>
        <h1>{move || i18n.t("handbook.title")}</h1>
        <p class="lead">{move || i18n.t("handbook.lead")}</p>
        <section class="card" id="handbook-form">
            <h2>{move || if editing.get().is_some() { i18n.t("handbook.form.edit") } else { i18n.t("handbook.form.new") }}</h2>
            <ErrorBanner message=banner />
            {move || saved.get().then(|| view! { <p class="banner ok" data-testid="handbook-saved">{i18n.t("handbook.saved")}</p> })}
            <form on:submit=on_submit novalidate>
                <Field name="date" label="whatif.date" value=date errors=errors kind="date" />
                <div class="field">
                    <label for="f-category">{move || i18n.t("whatif.category")}</label>
                    <select id="f-category" name="category" prop:value=move || category.get() on:change=move |ev| { category.set(event_target_value(&ev)); subject.set(String::new()); }>
                        {Category::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("category.{c}"))}</option> } }).collect_view()}
                    </select>
                    <FieldErrors name="category" errors=errors />
                </div>
                {move || {
                    let cat = category.get().parse::<Category>().ok()?;
                    cat.requires_subject().then(|| view! {
                        <div class="field">
                            <label for="f-subject">{i18n.t("whatif.subject")}</label>
                            <select id="f-subject" name="subject" prop:value=move || subject.get() on:change=move |ev| subject.set(event_target_value(&ev))>
                                <option value="">{i18n.t("register.choose")}</option>
                                {cat.subjects().into_iter().map(|s| view! { <option value=s.code()>{i18n.t(&format!("subject.{s}"))}</option> }).collect_view()}
                            </select>
                            <FieldErrors name="subject" errors=errors />
                        </div>
                    })
                }}
                <Field name="units" label="common.units" value=units errors=errors inputmode="decimal" />
                <div class="field">
                    <label for="f-delivery">{move || i18n.t("handbook.delivery")}</label>
                    <select id="f-delivery" name="delivery" data-testid="handbook-delivery" prop:value=move || delivery.get() on:change=move |ev| delivery.set(event_target_value(&ev))>
                        <option value=IN_PERSON>{move || i18n.t("csv.in_person")}</option>
                        <option value="online">{move || i18n.t("org.online")}</option>
                    </select>
                    <FieldErrors name="delivery" errors=errors />
                </div>
                <Field name="organizer_name" label="handbook.organizer" value=organizer errors=errors />
                <Field name="note" label="handbook.note" value=note errors=errors />
                {move || ask_large.get().map(|n| view! {
                    <div class="banner info" role="alert" data-testid="handbook-large">
                        <p>{i18n.f("handbook.large", &[("n", n)])}</p>
                        <button type="submit" class="button" data-testid="handbook-large-ok" on:click=move |_| large_confirmed.set(true)>{i18n.t("handbook.large_ok")}</button>
                    </div>
                })}
                <div class="actions">
                    <button class="button" type="submit" data-testid="handbook-submit" disabled=move || save.pending().get()>
                        {move || if editing.get().is_some() { i18n.t("handbook.update") } else { i18n.t("handbook.save") }}
                    </button>
                    {move || editing.get().is_some().then(|| view! { <button type="button" class="button secondary" on:click=move |_| reset()>{i18n.t("handbook.cancel")}</button> })}
                </div>
            </form>
        </section>
        {loaded(page, move |p| {
                {
                    let entries: Vec<LedgerEntry> = p.ledger.into_iter().filter(|e| e.source == Source::Handbook).collect();
                    if entries.is_empty() {
                        return view! { <p class="muted">{i18n.t("handbook.none")}</p> }.into_any();
                    }
                    let total: Units = entries.iter().map(|e| e.units).sum();
                    let verified: Units = entries
                        .iter()
                        .filter(|e| e.verification == Some(domain::api::Verification::Verified))
                        .map(|e| e.units)
                        .sum();
                    view! {
                        <p class="lead" data-testid="handbook-total">{i18n.f("handbook.total", &[("total", total.to_string()), ("verified", verified.to_string())])}</p>
                        <ul class="list history" data-testid="handbook-list">
                            {entries.into_iter().map(|e| {
                                let editable = e.is_editable();
                                let (e_edit, id) = (e.clone(), e.id);
                                let status = match e.verification {
                                    Some(domain::api::Verification::Verified) => "verified",
                                    Some(domain::api::Verification::Rejected) => "rejected",
                                    _ => "pending",
                                };
                                view! {
                                    <li>
                                        <div class="line"><span class="date">{day(e.date)}</span><span class="units">{i18n.f("units.count", &[("n", e.units.to_string())])}</span></div>
                                        <div>{i18n.t(&format!("category.{}", e.category))}{e.subject.map(|s| format!("・{}", i18n.t(&format!("subject.{s}"))))}</div>
                                        <div class="badges">
                                            <span class=format!("badge verify-{status}")>{i18n.t(&format!("mypage.verification.{status}"))}</span>
                                            <span class="muted">{e.organizer_name.clone()}</span>
                                        </div>
                                        {if editable {
                                            view! {
                                                <div class="actions">
                                                    <button class="button secondary" on:click=move |_| start_edit(&e_edit)>{i18n.t("handbook.edit")}</button>
                                                    <button class="button secondary" on:click=move |_| {
                                                        let ok = web_sys::window().and_then(|w| w.confirm_with_message(i18n.t("handbook.confirm_delete")).ok()).unwrap_or(false);
                                                        if ok { withdraw.dispatch(id); }
                                                    }>{i18n.t("handbook.delete")}</button>
                                                </div>
                                            }.into_any()
                                        } else {
                                            view! { <p class="muted">{i18n.t("handbook.locked")}</p> }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
    }
}
