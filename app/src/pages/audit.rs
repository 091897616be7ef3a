//! `/admin/audit`: the audit log for admins — who did what to which record, when — filtered
//! by kind of record, action and days, newest first, a page at a time.

use chrono::NaiveDate;
use domain::signin::{AuditEntry, AuditQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// The kinds of record the log speaks about.
const ENTITIES: [&str; 6] = [
    "user",
    "session",
    "application",
    "document",
    "credit",
    "registry",
];

/// `/admin/audit`
#[component]
pub fn Audit() -> impl IntoView {
    let i18n = use_i18n();
    let entity = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let query = RwSignal::new(AuditQuery::default());
    let entries = LocalResource::new(move || {
        let q = query.get();
        async move { api::admin_audit(&q).await }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(AuditQuery {
            entity: Some(entity.get()).filter(|e| !e.is_empty()),
            action: Some(action.get().trim().to_owned()).filter(|a| !a.is_empty()),
            from: from.get().parse::<NaiveDate>().ok(),
            to: to.get().parse::<NaiveDate>().ok(),
            ..AuditQuery::default()
        });
    };
    view! {
        <crate::components::shell::StaffTabs current=Page::Admin />
        <h1>{move || i18n.t("audit.title")}</h1>
        <form class="card filters" on:submit=on_submit novalidate>
            <div class="field">
                <label for="f-audit-entity">{move || i18n.t("audit.entity")}</label>
                <select id="f-audit-entity" data-testid="audit-entity" on:change=move |ev| entity.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t("audit.all")}</option>
                    {ENTITIES.map(|e| view! { <option value=e>{move || i18n.t(&format!("audit.entity.{e}"))}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-audit-action">{move || i18n.t("audit.action")}</label>
                <input id="f-audit-action" data-testid="audit-action" autocomplete="off" prop:value=move || action.get() on:input=move |ev| action.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="f-audit-from">{move || i18n.t("audit.from")}</label>
                <input id="f-audit-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="f-audit-to">{move || i18n.t("audit.to")}</label>
                <input id="f-audit-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
            </div>
            <button class="button wide" type="submit" data-testid="audit-search">{move || i18n.t("audit.search")}</button>
        </form>
        {loaded(entries, move |list: Vec<AuditEntry>| {
            let last = (list.len() == 100).then(|| list.last().map(|e| e.id)).flatten();
            view! {
                <AuditList entries=list />
                {last.map(|before| view! {
                    <button class="button wide secondary" on:click=move |_| query.update(|q| q.before = Some(before))>{i18n.t("audit.older")}</button>
                })}
            }.into_any()
        })}
    }
}

/// Entries of the audit log, newest first.
#[component]
pub fn AuditList(entries: Vec<AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p class="muted">{move || i18n.t("audit.none")}</p> }.into_any();
    }
    let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("JST");
    view! {
        <ul class="list" data-testid="audit">
            {entries.into_iter().map(|e| {
                let action_key = format!("audit.action.{}", e.action);
                let action = if domain::i18n::has(&action_key) { i18n.t(&action_key).to_owned() } else { e.action.clone() };
                let entity_key = format!("audit.entity.{}", e.entity);
                let entity = if domain::i18n::has(&entity_key) { i18n.t(&entity_key).to_owned() } else { e.entity.clone() };
                let who = e.actor_email.clone().unwrap_or_else(|| i18n.t("audit.system").to_owned());
                // A status after the step: an application's, or how far a sign-in came.
                let status = e.to_status.clone().map(|st| {
                    [format!("application.status.{st}"), format!("audit.stage.{st}")]
                        .into_iter()
                        .find(|k| domain::i18n::has(k))
                        .map_or(st, |k| i18n.t(&k).to_owned())
                });
                view! {
                    <li data-action=e.action.clone()>
                        <div class="badges">
                            <strong>{action}</strong>
                            <span class="badge">{entity}" "{e.entity_id}</span>
                            {status.map(|s| view! { <span class="badge">{s}</span> })}
                        </div>
                        <span class="muted">{e.at.with_timezone(&jst).format("%Y-%m-%d %H:%M:%S").to_string()}" · "{who}</span>
                        {e.note.clone().map(|n| view! { <span>{n}</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }.into_any()
}
