//! Reviewers: the prefecture's queue (filters by status, procedure, certification and round) and JMA's rounds
//! with bulk approval; one application with the engine's decision beside its credits and
//! documents, and the actions the reviewer's role may take.

use domain::account::Role;
use domain::application::{ApplicationSummary, QUEUE_PAGE, ReviewDashboard, Status};
use leptos::prelude::*;

use crate::api;
use crate::auth::use_auth;
use crate::components::application::ApplicationList;
use crate::components::decision::day;
use crate::components::loaded::loaded;
use crate::components::paged::Paged;
use crate::components::shell::StaffTabs;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/review`
#[component]
pub fn ReviewQueue() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let round = RwSignal::new(String::new());
    let certification = RwSignal::new(String::new());
    let prefecture = RwSignal::new(String::new());
    let registry = RwSignal::new(String::new());
    let query = move || {
        let mut q = Vec::new();
        let number = registry.get();
        if !number.trim().is_empty() {
            q.push(format!("q={}", js_sys::encode_uri_component(number.trim())));
        }
        for (name, value) in [
            ("status", status.get()),
            ("kind", kind.get()),
            ("certification", certification.get()),
            ("round", round.get()),
            ("prefecture", prefecture.get()),
        ] {
            if !value.is_empty() {
                q.push(format!("{name}={value}"));
            }
        }
        q.join("&")
    };
    let list = LocalResource::new(move || {
        let q = query();
        async move { api::review_queue(&q).await }
    });
    // Older pages, fetched on request; a change of filter starts again.
    let pages = Paged::new(
        QUEUE_PAGE,
        move || {
            query();
        },
        move |before| {
            let q = format!("{}&before={before}", query());
            async move { api::review_queue(&q).await }
        },
    );
    // Rounds offered: those of the applications in view, soonest first.
    let all = LocalResource::new(|| api::review_queue(""));
    let rounds = move || {
        let mut r: Vec<chrono::NaiveDate> = all
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.round)
            .collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    let bulk = Action::new_local(|round: &chrono::NaiveDate| {
        let round = *round;
        async move { api::bulk_approve(round, false).await }
    });
    // The confirmation names how many would be approved (asked of the server, which sees every
    // page of the round) before anything is approved.
    let preview = Action::new_local(|round: &chrono::NaiveDate| {
        let round = *round;
        async move { api::bulk_approve(round, true).await.map(|r| (round, r)) }
    });
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            list.refetch();
        }
    });
    let is_jma = move || use_auth().role() == Some(Role::JmaStaff);
    view! {
        <StaffTabs current=Page::Review />
        <h1>{move || if is_jma() { i18n.t("review.title.jma") } else { i18n.t("review.title.prefecture") }}</h1>
        <Dashboard prefecture=prefecture status=status />
        <section class="card filters">
            <div class="field">
                <label for="q-registry">{move || i18n.t("review.filter.registry")}</label>
                <input id="q-registry" type="search" autocomplete="off" data-testid="registry-filter" aria-describedby="q-registry-hint"
                    prop:value=move || registry.get() on:change=move |ev| registry.set(event_target_value(&ev)) />
                <p class="hint" id="q-registry-hint">{move || i18n.t("review.filter.registry.hint")}</p>
            </div>
            <div class="field">
                <label for="q-status">{move || i18n.t("review.filter.status")}</label>
                <select id="q-status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("review.filter.all")}</option>
                    {Status::ALL.iter().map(|s| { let s = *s; view! { <option value=s.code()>{move || i18n.t(&format!("application.status.{s}"))}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q-kind">{move || i18n.t("review.filter.kind")}</label>
                <select id="q-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("review.filter.all")}</option>
                    {domain::application::ApplicationKind::ALL.iter().map(|k| { let k = *k; view! { <option value=k.code()>{move || i18n.t(&format!("application.kind.{k}"))}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q-cert">{move || i18n.t("review.filter.certification")}</label>
                <select id="q-cert" data-testid="certification-filter" prop:value=move || certification.get() on:change=move |ev| certification.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("review.filter.all")}</option>
                    {domain::Certification::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("certification.{c}"))}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q-round">{move || i18n.t("review.filter.round")}</label>
                <select id="q-round" data-testid="round-filter" prop:value=move || round.get() on:change=move |ev| round.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("review.filter.all")}</option>
                    {move || rounds().into_iter().map(|r| view! { <option value=r.to_string()>{day(r)}</option> }).collect_view()}
                </select>
            </div>
            // JMA receives every prefecture's applications: one prefecture at a time on request.
            {move || is_jma().then(|| view! {
                <div class="field">
                    <label for="q-pref">{i18n.t("review.filter.prefecture")}</label>
                    <select id="q-pref" data-testid="prefecture-filter" prop:value=move || prefecture.get() on:change=move |ev| prefecture.set(event_target_value(&ev))>
                        <option value="">{i18n.t("review.filter.all")}</option>
                        {domain::Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                </div>
            })}
            <a class="button secondary wide" data-testid="queue-csv" download="nintei-applications.csv"
                href=move || format!("{}?lang={}&{}", api::QUEUE_CSV, i18n.lang.get().code(), query())>{move || i18n.t("review.export")}</a>
            {move || (is_jma() && !round.get().is_empty()).then(|| {
                let r = round.get().parse::<chrono::NaiveDate>().ok();
                view! {
                    <button class="button wide" data-testid="bulk-approve" disabled=move || bulk.pending().get() || preview.pending().get() on:click=move |_| {
                        if let Some(r) = r {
                            confirming.set(true);
                            preview.dispatch(r);
                        }
                    }>{i18n.t("review.bulk")}</button>
                    <p class="hint">{i18n.t("review.bulk.hint")}</p>
                    {move || (confirming.get()).then(|| preview.value().get().map(|answer| match answer {
                        Ok((round, would)) => view! {
                            <div class="banner info" role="alertdialog" aria-labelledby="bulk-confirm" data-testid="bulk-confirm">
                                <p id="bulk-confirm">{i18n.f("review.bulk.confirm", &[("n", would.approved.len().to_string()), ("skipped", would.skipped.len().to_string()), ("round", day(round))])}</p>
                                <div class="actions">
                                    <button class="button" data-testid="bulk-confirm-yes" disabled=would.approved.is_empty() on:click=move |_| { confirming.set(false); bulk.dispatch(round); }>{i18n.f("review.bulk.yes", &[("n", would.approved.len().to_string())])}</button>
                                    <button class="button secondary" on:click=move |_| confirming.set(false)>{i18n.t("common.cancel")}</button>
                                </div>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
                    }))}
                }
            })}
            {move || bulk.value().get().map(|r| match r {
                Ok(r) => view! { <p class="banner ok" data-testid="bulk-result">{i18n.f("review.bulk.result", &[("approved", r.approved.len().to_string()), ("skipped", r.skipped.len().to_string())])}</p> }.into_any(),
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </section>
        {loaded(list, move |first: Vec<ApplicationSummary>| {
            let (items, full) = pages.rows(first);
            let last = items.last().map(|s| s.id);
            view! {
                <ApplicationList items=items href=Page::ReviewApplication applicant=true />
                {pages.more_button(full, last, "review.more")}
            }
        })}
    }
}

/// The overview above the queue: applications by status (each a filter, with the longest
/// wait), the next deadlines, and the rounds of the last year with their outcome and CSV.
#[component]
fn Dashboard(prefecture: RwSignal<String>, status: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let figures = LocalResource::new(move || {
        let p = prefecture.get();
        async move { api::review_dashboard(&p).await }
    });
    let cert = move |c: domain::Certification| i18n.t(&format!("certification.{c}"));
    view! {
        <section class="card dashboard" aria-labelledby="dashboard-title" data-testid="dashboard">
            <h2 id="dashboard-title">{move || i18n.t("review.dashboard.title")}</h2>
            {loaded(figures, move |d: ReviewDashboard| {
                let today = d.today;
                view! {
                    <ul class="counts">
                        {d.by_status.into_iter().filter(|c| c.status != Status::Withdrawn).map(|c| {
                            let s = c.status;
                            let waiting = c.oldest.filter(|_| !s.is_final()).map(|o| (today - o).num_days().max(0));
                            view! {
                                <li>
                                    <button type="button" class="count" data-testid=format!("count-{s}")
                                        aria-pressed=move || (status.get() == s.code()).to_string()
                                        on:click=move |_| status.set(if status.get_untracked() == s.code() { String::new() } else { s.code().to_owned() })>
                                        <span class="n">{c.count}</span>
                                        <span>{move || i18n.t(&format!("application.status.{s}"))}</span>
                                        {waiting.map(|n| view! { <span class="muted" data-testid="waiting">{move || i18n.f("review.dashboard.waiting", &[("n", n.to_string())])}</span> })}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <h3>{move || i18n.t("review.dashboard.upcoming")}</h3>
                    <ul class="plain">
                        {d.upcoming.into_iter().map(|u| view! {
                            <li><strong>{move || cert(u.certification)}</strong>" "
                                {move || i18n.f("review.dashboard.deadline", &[("prefectural", day(u.prefectural_deadline)), ("jma", day(u.jma_deadline))])}</li>
                        }).collect_view()}
                    </ul>
                    <h3>{move || i18n.t("review.dashboard.rounds")}</h3>
                    {if d.rounds.is_empty() {
                        view! { <p class="muted">{move || i18n.t("review.dashboard.rounds.none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list rounds" data-testid="rounds">
                                {d.rounds.into_iter().map(|r| {
                                    let figures = [
                                        ("approved", r.approved),
                                        ("rejected", r.rejected),
                                        ("forwarded", r.forwarded),
                                        ("at_prefecture", r.at_prefecture),
                                        ("moved", r.moved),
                                    ];
                                    let csv = format!(
                                        "{}?lang={}&round={}&certification={}&prefecture={}",
                                        api::QUEUE_CSV,
                                        i18n.lang.get_untracked().code(),
                                        r.round,
                                        r.certification.code(),
                                        prefecture.get_untracked(),
                                    );
                                    view! {
                                        <li data-testid="round">
                                            <div class="line"><strong>{move || cert(r.certification)}</strong></div>
                                            <div class="muted">{move || i18n.f("review.dashboard.round", &[("round", day(r.round)), ("prefectural", day(r.prefectural_deadline))])}</div>
                                            <dl class="figures">
                                                {figures.into_iter().map(|(k, n)| view! {
                                                    <div data-testid=format!("round-{k}")><dt>{move || i18n.t(&format!("review.dashboard.{k}"))}</dt><dd>{n}</dd></div>
                                                }).collect_view()}
                                            </dl>
                                            <a class="button secondary" href=csv download="nintei-round.csv" data-testid="round-csv">{move || i18n.t("review.dashboard.csv")}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}
