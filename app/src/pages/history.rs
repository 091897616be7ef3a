//! 受講履歴: the ledger with filters and totals per category, the CSV export, and a printable
//! transcript.

use std::collections::BTreeMap;

use domain::api::LedgerEntry;
use domain::ledger::HistoryFilter;
use domain::{Category, Certification, Units};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::pages::mypage::History as Entries;
use crate::routes::Page;

/// Units per category of `entries`.
pub fn totals(entries: &[LedgerEntry]) -> Vec<(Category, Units)> {
    let mut by: BTreeMap<Category, Units> = BTreeMap::new();
    for e in entries {
        *by.entry(e.category).or_default() += e.units;
    }
    by.into_iter().collect()
}

/// `/mypage/history`
#[component]
pub fn History() -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(HistoryFilter::default());
    let page_no = RwSignal::new(1u32);
    // A new filter starts again at the first page.
    Effect::new(move |_| {
        filter.track();
        page_no.set(1);
    });
    let page = LocalResource::new(move || {
        let (f, n) = (filter.get(), page_no.get());
        async move { api::credits(&f, n).await }
    });
    view! {
        <p><A href=Page::MyPage.path()>{move || i18n.t("common.back_mypage")}</A></p>
        <h1>{move || i18n.t("history.title")}</h1>
        <div class="actions">
            // The file holds what the screen shows: the same filters.
            <a class="button secondary" href=move || format!("{}?lang={}&{}", api::CREDITS_CSV, i18n.lang.get().code(), api::history_query(&filter.get())) download="nintei-credits.csv" data-testid="csv-link">{move || i18n.t("history.csv")}</a>
            <a class="button secondary" href=move || format!("{}?{}", api::TRANSCRIPT_PDF, api::history_query(&filter.get())) download="nintei-transcript.pdf" data-testid="transcript-pdf-link">{move || i18n.t("proof.transcript_download")}</a>
            <A href=Page::Transcript.path() attr:class="button secondary">{move || i18n.t("history.print")}</A>
        </div>
        <section class="card">
            <h2>{move || i18n.t("history.filter")}</h2>
            <div class="row">
                <div class="field">
                    <label for="h-cert">{move || i18n.t("mypage.certificates")}</label>
                    <select id="h-cert" data-testid="filter-certification" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| { f.certification = v.parse::<Certification>().ok(); f.category = None; });
                    }>
                        <option value="">{move || i18n.t("history.all")}</option>
                        {[Certification::Occupational, Certification::Sports].map(|c| view! { <option value=c.code()>{move || i18n.t(&format!("certification.{c}"))}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="h-cat">{move || i18n.t("whatif.category")}</label>
                    <select id="h-cat" data-testid="filter-category" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.category = v.parse::<Category>().ok());
                    }>
                        <option value="">{move || i18n.t("history.all")}</option>
                        {move || {
                            let cert = filter.get().certification;
                            Category::ALL.iter().copied().filter(|c| cert.is_none_or(|x| c.certification() == x))
                                .map(|c| view! { <option value=c.code()>{i18n.t(&format!("category.{c}"))}</option> })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="h-from">{move || i18n.t("history.from")}</label>
                    <input id="h-from" type="date" on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| f.from = v.parse().ok()); } />
                </div>
                <div class="field">
                    <label for="h-to">{move || i18n.t("history.to")}</label>
                    <input id="h-to" type="date" on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| f.to = v.parse().ok()); } />
                </div>
            </div>
        </section>
        {loaded(page, move |p| {
                {
                    let pages = p.total_count.div_ceil(p.per_page).max(1);
                    let current = p.page;
                    view! {
                        <section class="card">
                            <h2>{i18n.t("history.totals")}</h2>
                            <dl class="deadlines" data-testid="totals">
                                {p.totals.into_iter().map(|t| view! {
                                    <div data-category=t.category.code()><dt>{i18n.t(&format!("category.{}", t.category))}</dt><dd>{i18n.f("units.count", &[("n", t.units.to_string())])}</dd></div>
                                }).collect_view()}
                                <div><dt><strong>{i18n.t("common.total")}</strong></dt><dd data-testid="grand-total"><strong>{i18n.f("units.count", &[("n", p.grand_total.to_string())])}</strong></dd></div>
                            </dl>
                            <p class="muted">{i18n.f("history.count", &[("n", p.total_count.to_string())])}</p>
                        </section>
                        <Entries ledger=p.entries filtered=filter.get_untracked() != HistoryFilter::default() />
                        {(pages > 1).then(|| view! {
                            <div class="actions pager">
                                <button class="button secondary" disabled={current <= 1} on:click=move |_| page_no.update(|n| *n = n.saturating_sub(1).max(1))>{i18n.t("history.prev")}</button>
                                <span class="muted">{format!("{current} / {pages}")}</span>
                                <button class="button secondary" disabled={current >= pages} on:click=move |_| page_no.update(|n| *n += 1)>{i18n.t("history.next")}</button>
                            </div>
                        })}
                    }.into_any()
                }
            })}
    }
}
