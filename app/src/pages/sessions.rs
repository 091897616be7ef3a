//! `/sessions`: the public list of published training sessions, searched by prefecture, date
//! and category (anyone may look; physicians plan with it, the My Page what-if uses the same
//! list).

use domain::sessions::SEARCH_PAGE;
use domain::{Category, Prefecture};
use leptos::prelude::*;

use crate::api;
use crate::clock::today_jst;
use crate::components::decision::day;
use crate::components::paged::Paged;
use crate::i18n::use_i18n;

/// The public session list with its filters.
#[component]
pub fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let from = RwSignal::new(today_jst().to_string());
    let prefecture = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let query = move || {
        let mut q = Vec::new();
        if !from.get().trim().is_empty() {
            q.push(format!("from={}", from.get()));
        }
        if !prefecture.get().is_empty() {
            q.push(format!("prefecture={}", prefecture.get()));
        }
        if !category.get().is_empty() {
            q.push(format!("category={}", category.get()));
        }
        q.join("&")
    };
    let found = LocalResource::new(move || {
        let q = query();
        async move { api::find_sessions(&q).await }
    });
    let pages = Paged::new(
        SEARCH_PAGE,
        move || {
            query();
        },
        move |after| {
            let q = format!("{}&after={after}", query());
            async move { api::find_sessions(&q).await }
        },
    );
    view! {
        <h1>{move || i18n.t("sessions.title")}</h1>
        <section class="card filters">
            <div class="field">
                <label for="f-from">{move || i18n.t("sessions.from")}</label>
                <input id="f-from" type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="f-pref">{move || i18n.t("register.prefecture")}</label>
                <select id="f-pref" data-testid="filter-prefecture" on:change=move |ev| prefecture.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("sessions.any")}</option>
                    {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-cat">{move || i18n.t("whatif.category")}</label>
                <select id="f-cat" data-testid="filter-category" on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("sessions.any")}</option>
                    {Category::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("category.{c}"))}</option> } }).collect_view()}
                </select>
            </div>
        </section>
        <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
            {move || found.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="sessions-none">{i18n.t("sessions.none")}</p> }.into_any(),
                Ok(first) => {
                    let (list, full) = pages.rows(first);
                    let last = list.last().map(|s| s.id);
                    let count = if full { "sessions.count_more" } else { "sessions.count" };
                    view! {
                    <p class="muted">{i18n.f(count, &[("n", list.len().to_string())])}</p>
                    <ul class="list" data-testid="sessions">
                        {list.into_iter().map(|s| view! {
                            <li>
                                <strong>{s.title.clone()}</strong>
                                <span class="muted">{format!("{} {}–{}", day(s.date), s.starts_at, s.ends_at)}</span>
                                <span class="muted">{format!("{} · {}", i18n.prefecture(s.prefecture), s.venue)}{s.online.then(|| format!(" · {}", i18n.t("org.online")))}</span>
                                <div class="badges">
                                    <span class="badge">{i18n.t(&format!("category.{}", s.category))}</span>
                                    <span class="badge ok">{i18n.f("sessions.units", &[("n", s.units.to_string())])}</span>
                                </div>
                                <span class="muted">{s.organizing_body.clone()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    {pages.more_button(full, last, "sessions.more")}
                    }.into_any()
                }
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </Suspense>
    }
}
