//! Prefectural staff: the identity checks of their prefecture. A queue of the licences and
//! claims physicians sent, then one request beside the registry's row for the number, the
//! licence to open, and the decision (a refusal needs a reason, which the physician reads).

use domain::application::QUEUE_PAGE;
use domain::identity::{Decision, QueueItem, RequestKind, RequestStatus};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::decision::day;
use crate::components::loaded::loaded;
use crate::components::paged::Paged;
use crate::components::shell::StaffTabs;
use crate::i18n::use_i18n;
use crate::routes::{Page, use_path_id};

/// `/identities`
#[component]
pub fn IdentityQueue() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(RequestStatus::Pending);
    let list = LocalResource::new(move || {
        let s = status.get();
        async move { api::identity_queue(s.code(), None).await }
    });
    let pages = Paged::new(
        QUEUE_PAGE,
        move || {
            status.get();
        },
        move |after| {
            let s = status.get_untracked();
            async move { api::identity_queue(s.code(), Some(after)).await }
        },
    );
    view! {
        <StaffTabs current=Page::Identities />
        <h1>{move || i18n.t("identities.title")}</h1>
        <p class="muted">{move || i18n.t("identities.lead")}</p>
        <section class="card filters">
            <div class="field">
                <label for="i-status">{move || i18n.t("review.filter.status")}</label>
                <select id="i-status" data-testid="identity-status" on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() { status.set(s); }
                }>
                    {RequestStatus::ALL.iter().map(|s| { let s = *s; view! { <option value=s.code() selected={s == RequestStatus::Pending}>{move || i18n.t(&format!("identities.status.{s}"))}</option> } }).collect_view()}
                </select>
            </div>
        </section>
        {loaded(list, move |first| {
            if first.is_empty() {
                return view! { <p class="muted" data-testid="identities-empty">{i18n.t("identities.empty")}</p> }.into_any();
            }
            let (items, full) = pages.rows(first);
            let last = items.last().map(|r| r.id);
            view! {
                <ul class="list" data-testid="identity-queue">
                    {items.into_iter().map(|item| view! {
                        <li>
                            <A href=Page::Identity.with_id(item.id) attr:class="row-link">
                                <span class="line">
                                    <strong>{item.name_kanji.clone()}</strong>
                                    <span class=format!("badge kind-{}", item.kind)>{i18n.t(&format!("identities.kind.{}", item.kind))}</span>
                                </span>
                                <span class="muted">{format!("{} · {}", item.name_kana, item.registry_number)}</span>
                                <span class="muted">{item.submitted_at.map(|t| i18n.f("identities.sent_on", &[("date", day(domain::dates::today_jst(t)))])).unwrap_or_default()}</span>
                            </A>
                        </li>
                    }).collect_view()}
                </ul>
                {pages.more_button(full, last, "identities.more")}
            }.into_any()
        })}
        <Unattached />
    }
}

/// Units recorded before a My Page existed whose noted birth date is not that of the physician
/// now holding the number: the staff give each to that physician once sure, with the reason.
#[component]
fn Unattached() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(api::unattached);
    let done = RwSignal::new(false);
    view! {
        <section class="card" data-testid="unattached" aria-labelledby="unattached-title">
            <h2 id="unattached-title">{move || i18n.t("unattached.title")}</h2>
            <p class="muted">{move || i18n.t("unattached.lead")}</p>
            {move || done.get().then(|| view! { <p class="banner ok" role="status" data-testid="unattached-done">{i18n.t("unattached.done")}</p> })}
            {loaded(list, move |items: Vec<domain::api::UnattachedCredit>| {
                if items.is_empty() {
                    return view! { <p class="muted" data-testid="unattached-none">{i18n.t("unattached.none")}</p> }.into_any();
                }
                view! {
                    <ul class="list">
                        {items.into_iter().map(|c| {
                            let id = c.credit_id;
                            let reason = RwSignal::new(String::new());
                            let field = format!("unattached-reason-{id}");
                            let attach = Action::new_local(move |r: &String| {
                                let req = domain::api::AttachRequest { reason: r.clone() };
                                async move { api::attach_unattached(id, &req).await }
                            });
                            Effect::new(move |_| {
                                if let Some(Ok(())) = attach.value().get() {
                                    done.set(true);
                                    list.refetch();
                                }
                            });
                            view! {
                                <li data-testid="unattached-item">
                                    <div class="line"><strong>{c.registry_number.clone()}</strong><span class="muted">{day(c.date)}</span></div>
                                    <div>{c.session_title.clone().unwrap_or_default()}" · "{i18n.t(&format!("category.{}", c.category))}" "{i18n.f("units.count", &[("n", c.units.to_string())])}</div>
                                    <div class="muted">{i18n.f("unattached.noted", &[("noted", day(c.noted_birth_date))])}</div>
                                    <div class="muted">{i18n.f("unattached.holder", &[("name", c.name.clone()), ("kana", c.kana.clone()), ("birth", day(c.birth_date))])}</div>
                                    <div class="field">
                                        <label for=field.clone()>{i18n.t("unattached.reason")}</label>
                                        <input id=field data-testid="unattached-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                                    </div>
                                    <button class="button wide" data-testid="unattached-attach" disabled=move || reason.get().trim().is_empty() || attach.pending().get()
                                        on:click=move |_| { attach.dispatch(reason.get_untracked()); }>{i18n.t("unattached.attach")}</button>
                                    {move || attach.value().get().and_then(Result::err).map(|e| view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

/// `/identities/:id`
#[component]
pub fn IdentityDetail() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_path_id();
    let item = LocalResource::new(move || api::identity_request(id()));
    view! {
        <p><A href=Page::Identities.path()>{move || i18n.t("identities.back")}</A></p>
        {loaded(item, move |item| view! { <IdentityBody item=item /> })}
    }
}

/// One row of the comparison: what the physician registered, what the registry says.
fn compare(label: &'static str, registered: String, registry: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let differs = registry.as_ref().is_some_and(|r| {
        domain::account::lookup_key(r) != domain::account::lookup_key(&registered)
    });
    view! {
        <tr class:differs=differs>
            <th scope="row">{move || i18n.t(label)}</th>
            <td>{registered}</td>
            <td>{registry.unwrap_or_else(|| "—".to_owned())}{differs.then(|| view! { <span class="badge status-expiring">{i18n.t("identities.differs")}</span> })}</td>
        </tr>
    }
}

#[component]
fn IdentityBody(item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let reason = RwSignal::new(String::new());
    let decide = Action::new_local(move |d: &(i32, Decision)| {
        let (id, d) = d.clone();
        async move { api::decide_identity(id, &d).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = decide.value().get() {
            navigate(Page::Identities.path(), Default::default());
        }
    });
    let id = item.id;
    let pending = item.status == RequestStatus::Pending;
    let registry = item.registry.clone();
    let prefecture = item.prefecture;
    view! {
        <h1>{item.name_kanji.clone()}</h1>
        <section class="card">
            <p class="line">
                <span class=format!("badge kind-{}", item.kind)>{move || i18n.t(&format!("identities.kind.{}", item.kind))}</span>
                <span class="badge">{move || i18n.t(&format!("identities.status.{}", item.status))}</span>
            </p>
            <p class="muted">{move || i18n.t(&format!("identities.explain.{}", item.kind))}</p>
            {item.current_holder.clone().map(|holder| view! {
                <p class="banner warn" data-testid="current-holder">{i18n.f("identities.holder", &[("name", holder)])}</p>
            })}
            <div class="table-wrap">
                <table class="compare" data-testid="identity-compare">
                    <thead><tr><th scope="col"></th><th scope="col">{move || i18n.t("identities.registered")}</th><th scope="col">{move || i18n.t("identities.registry")}</th></tr></thead>
                    <tbody>
                        {compare("profile.registry", item.registry_number.clone(), registry.as_ref().map(|r| r.registry_number.clone()))}
                        {compare("register.name_kanji", item.name_kanji.clone(), registry.as_ref().map(|r| r.name_kanji.clone()))}
                        {compare("register.name_kana", item.name_kana.clone(), registry.as_ref().map(|r| r.name_kana.clone()))}
                        {compare("register.birth_date", day(item.birth_date), registry.as_ref().map(|r| day(r.birth_date)))}
                        {compare("register.prefecture", i18n.prefecture(prefecture).to_owned(), registry.as_ref().map(|r| i18n.prefecture(r.prefecture).to_owned()))}
                    </tbody>
                </table>
            </div>
            {registry.is_none().then(|| view! { <p class="hint">{i18n.t("identities.not_in_registry")}</p> })}
            {item.document_id.map(|d| view! {
                <p><a class="button secondary" href=api::document_url(d) target="_blank" rel="noopener" data-testid="open-licence">{i18n.t("identities.open_licence")}</a></p>
            })}
            {item.reason.clone().map(|r| view! { <p class="banner warn">{i18n.t("identities.reason")}": "{r}</p> })}
        </section>
        {pending.then(|| view! {
            <section class="card">
                <h2>{i18n.t("identities.decide")}</h2>
                <p class="hint">{i18n.t(if item.kind == RequestKind::Claim { "identities.verify.claim_hint" } else { "identities.verify.hint" })}</p>
                <button class="button wide" data-testid="identity-verify" disabled=move || decide.pending().get() on:click=move |_| {
                    let ok = item.kind != RequestKind::Claim || web_sys::window().and_then(|w| w.confirm_with_message(i18n.t("identities.verify.claim_confirm")).ok()).unwrap_or(false);
                    if ok { decide.dispatch((id, Decision { verified: true, reason: String::new() })); }
                }>{i18n.t("identities.verify")}</button>
                <div class="field">
                    <label for="i-reason">{i18n.t("identities.reason")}</label>
                    <textarea id="i-reason" data-testid="identity-reason" rows="3" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <p class="hint">{i18n.t("identities.reason.hint")}</p>
                </div>
                <button class="button wide danger" data-testid="identity-reject" disabled=move || decide.pending().get() on:click=move |_| {
                    decide.dispatch((id, Decision { verified: false, reason: reason.get_untracked() }));
                }>{i18n.t("identities.reject")}</button>
                {move || decide.value().get().and_then(Result::err).map(|e| view! {
                    <div class="banner error" role="alert"><p>{i18n.msg(&e.message())}</p>
                        <ul>{e.fields().into_iter().map(|f| view! { <li>{i18n.msg(&f.message)}</li> }).collect_view()}</ul></div>
                })}
            </section>
        })}
    }
}
