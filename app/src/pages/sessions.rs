//! `/sessions`: the public list of published training sessions, searched by prefecture, date
//! and category (anyone may look; physicians plan with it, the My Page what-if uses the same
//! list).

use domain::api::PublicSession;
use domain::sessions::SEARCH_PAGE;
use domain::{Category, Prefecture};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::auth::use_auth;
use crate::clock::today_jst;
use crate::components::decision::day;
use crate::components::loaded::loaded;
use crate::components::paged::Paged;
use crate::i18n::use_i18n;
use crate::routes::{Page, use_path_id};

/// The prefecture filter's value for "every prefecture" chosen on purpose (in the URL, so that
/// a physician's own prefecture is not chosen again for them).
const ANY: &str = "all";

/// The public session list with its filters, kept in the address (a search can be shared,
/// and the back button returns to it). A physician's own prefecture is chosen at first.
#[component]
pub fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let url = use_query_map().get_untracked();
    let from = RwSignal::new(url.get("from").unwrap_or_else(|| today_jst().to_string()));
    let prefecture = RwSignal::new(url.get("prefecture").unwrap_or_default());
    let category = RwSignal::new(url.get("category").unwrap_or_default());
    if prefecture.get_untracked().is_empty() {
        let auth = use_auth();
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            match auth.me.get().and_then(|m| m.physician) {
                Some(p) if prefecture.get_untracked().is_empty() => {
                    prefecture.set(p.prefecture.code().to_string());
                    true
                }
                _ => auth.checked.get(),
            }
        });
    }
    let navigate = use_navigate();
    Effect::new(move |_| {
        let mut q = vec![format!("from={}", from.get())];
        if !prefecture.get().is_empty() {
            q.push(format!("prefecture={}", prefecture.get()));
        }
        if !category.get().is_empty() {
            q.push(format!("category={}", category.get()));
        }
        navigate(
            &format!("{}?{}", Page::Sessions.path(), q.join("&")),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    let query = move || {
        let mut q = Vec::new();
        if !from.get().trim().is_empty() {
            q.push(format!("from={}", from.get()));
        }
        let pref = prefecture.get();
        if !pref.is_empty() && pref != ANY {
            q.push(format!("prefecture={pref}"));
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
                <select id="f-pref" data-testid="filter-prefecture" prop:value=move || prefecture.get() on:change=move |ev| {
                    let v = event_target_value(&ev);
                    prefecture.set(if v.is_empty() { ANY.to_owned() } else { v });
                }>
                    <option value=ANY>{move || i18n.t("sessions.any")}</option>
                    {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-cat">{move || i18n.t("whatif.category")}</label>
                <select id="f-cat" data-testid="filter-category" prop:value=move || category.get() on:change=move |ev| category.set(event_target_value(&ev))>
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
                                <A href=Page::SessionDetail.with_id(s.id) attr:class="row-link" attr:data-testid="session-link"><strong>{s.title.clone()}</strong></A>
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

/// `/sessions/:id`: one published session, everything a physician needs to decide and go.
#[component]
pub fn SessionDetail() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_path_id();
    let session = LocalResource::new(move || api::session(id()));
    let navigate = use_navigate();
    view! {
        // Back to the search as it was (its filters are in the address the browser keeps).
        <p>
            <button type="button" class="button secondary" data-testid="back" on:click=move |_| {
                let history = web_sys::window().and_then(|w| w.history().ok());
                match history {
                    Some(h) if h.length().unwrap_or(0) > 1 => { let _ = h.back(); }
                    _ => navigate(Page::Sessions.path(), NavigateOptions::default()),
                }
            }>{move || i18n.t("sessions.back")}</button>
        </p>
        {loaded(session, move |s| view! { <Detail s=s /> })}
    }
}

#[component]
fn Detail(s: PublicSession) -> impl IntoView {
    let i18n = use_i18n();
    let delivery = if s.online {
        "sessions.online"
    } else {
        "sessions.in_person"
    };
    view! {
        <article class="card" data-testid="session-detail">
            <h1>{s.title.clone()}</h1>
            <div class="badges">
                <span class="badge">{i18n.t(&format!("category.{}", s.category))}</span>
                {s.subject.map(|sub| view! { <span class="badge">{i18n.t(&format!("subject.{sub}"))}</span> })}
                <span class="badge ok">{i18n.f("sessions.units", &[("n", s.units.to_string())])}</span>
            </div>
            <dl class="deadlines">
                <div><dt>{i18n.t("sessions.when")}</dt><dd>{format!("{} {}–{}", day(s.date), s.starts_at, s.ends_at)}</dd></div>
                <div><dt>{i18n.t("sessions.delivery")}</dt><dd>{i18n.t(delivery)}</dd></div>
                <div><dt>{i18n.t("sessions.venue")}</dt><dd>{s.venue.clone()}</dd></div>
                <div><dt>{i18n.t("register.prefecture")}</dt><dd>{i18n.prefecture(s.prefecture)}</dd></div>
                <div><dt>{i18n.t("sessions.organizer")}</dt><dd>{s.organizing_body.clone()}</dd></div>
                {s.contact.clone().map(|c| view! { <div><dt>{i18n.t("sessions.contact")}</dt><dd class="wrap" data-testid="session-contact">{c}</dd></div> })}
            </dl>
            <p class="muted">{i18n.t("sessions.contact_note")}</p>
        </article>
    }
}
