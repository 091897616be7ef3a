//! JMA's registry of certified physicians. JMA staff and admins import its CSV export: the file
//! is checked first (a dry run that writes nothing and lists every bad line), then imported,
//! with the upload's progress and a report of what changed. Staff search it by registry number,
//! certificate number, or name with date of birth, and see whether a My Page is linked.

use domain::account::Role;
use domain::registry::{RegistryHit, RegistryImportReport};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::auth::use_auth;
use crate::components::decision::day;
use crate::components::shell::StaffTabs;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/registry`
#[component]
pub fn Registry() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let imports = move || matches!(auth.role(), Some(Role::JmaStaff | Role::Admin));
    view! {
        <StaffTabs current=Page::Registry />
        <h1>{move || i18n.t("registry.title")}</h1>
        {move || imports().then(|| view! { <Import /> })}
        <Search />
        {move || (auth.role() == Some(Role::JmaStaff)).then(|| view! { <Revoke /> })}
    }
}

/// JMA staff revoke a certificate by its number, with a reason: the first tap asks, the second
/// revokes. The holder's My Page and the public verification say so at once.
#[component]
fn Revoke() -> impl IntoView {
    let i18n = use_i18n();
    let number = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let asking = RwSignal::new(false);
    let revoke = Action::new_local(move |(n, r): &(String, String)| {
        let (n, r) = (n.trim().to_owned(), r.clone());
        async move { api::revoke_certificate(&n, &r).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = revoke.value().get() {
            asking.set(false);
        }
    });
    let ready = move || !number.get().trim().is_empty() && !reason.get().trim().is_empty();
    view! {
        <section class="card" data-testid="revoke">
            <h2>{move || i18n.t("revoke.title")}</h2>
            <p class="muted">{move || i18n.t("revoke.lead")}</p>
            <div class="field">
                <label for="r-number">{move || i18n.t("revoke.number")}</label>
                <input id="r-number" data-testid="revoke-number" autocomplete="off" prop:value=move || number.get() on:input=move |ev| { asking.set(false); number.set(event_target_value(&ev)); } />
            </div>
            <div class="field">
                <label for="r-reason">{move || i18n.t("revoke.reason")}</label>
                <textarea id="r-reason" data-testid="revoke-reason" rows="3" prop:value=move || reason.get() on:input=move |ev| { asking.set(false); reason.set(event_target_value(&ev)); }></textarea>
            </div>
            {move || if asking.get() {
                view! {
                    <div class="banner warn" role="alert" data-testid="revoke-ask">
                        <p>{i18n.f("revoke.ask", &[("number", number.get().trim().to_owned())])}</p>
                        <button class="button danger wide" data-testid="revoke-confirm" disabled=move || revoke.pending().get() on:click=move |_| { revoke.dispatch((number.get_untracked(), reason.get_untracked())); }>{i18n.t("revoke.confirm")}</button>
                        <button class="button secondary wide" on:click=move |_| asking.set(false)>{i18n.t("common.cancel")}</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button class="button danger wide" data-testid="revoke-start" disabled=move || !ready() on:click=move |_| asking.set(true)>{i18n.t("revoke.start")}</button>
                }.into_any()
            }}
            {move || revoke.value().get().map(|r| match r {
                Ok(_) => view! { <p class="banner ok" role="status" data-testid="revoked">{i18n.t("revoke.done")}</p> }.into_any(),
                Err(e) => view! { <div class="banner error" role="alert"><p>{i18n.msg(&e.message())}</p>
                    <ul>{e.fields().into_iter().map(|f| view! { <li>{i18n.msg(&f.message)}</li> }).collect_view()}</ul></div> }.into_any(),
            })}
        </section>
    }
}

/// Where an import stands.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    /// Nothing sent.
    Idle,
    /// Sending the file: percent.
    Uploading(u32),
    /// Sent; the server checks and writes.
    Processing,
    /// The server's report.
    Done(RegistryImportReport),
    /// It failed, with what to do.
    Failed(domain::Message),
}

#[component]
fn Import() -> impl IntoView {
    let i18n = use_i18n();
    let file = RwSignal::new(None::<(String, Vec<u8>)>);
    let stage = RwSignal::new(Stage::Idle);
    // The import is offered once a dry run of this very file found nothing wrong.
    let checked = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(f) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        stage.set(Stage::Idle);
        checked.set(false);
        spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                Ok(b) => js_sys::Uint8Array::new(&b).to_vec(),
                Err(_) => Vec::new(),
            };
            file.set(Some((f.name(), bytes)));
        });
    };
    let run = move |dry_run: bool| {
        let Some((_, bytes)) = file.get_untracked() else {
            return;
        };
        stage.set(Stage::Uploading(0));
        spawn_local(async move {
            let answer = api::import_registry(&bytes, dry_run, move |p| {
                stage.set(if p >= 100 {
                    Stage::Processing
                } else {
                    Stage::Uploading(p)
                });
            })
            .await;
            match answer {
                Ok(report) => {
                    checked.set(dry_run && report.problems.is_empty());
                    stage.set(Stage::Done(report));
                }
                Err(e) => stage.set(Stage::Failed(e.message())),
            }
        });
    };
    let busy = move || matches!(stage.get(), Stage::Uploading(_) | Stage::Processing);
    view! {
        <section class="card" data-testid="registry-import">
            <h2>{move || i18n.t("registry.import.title")}</h2>
            <p class="muted">{move || i18n.t("registry.import.lead")}</p>
            <div class="field">
                <label for="r-file">{move || i18n.t("registry.import.file")}</label>
                <input id="r-file" type="file" accept=".csv,text/csv" data-testid="registry-file" on:change=on_file />
                <p class="hint">{move || i18n.t("registry.import.columns")}</p>
            </div>
            <div class="row">
                <button class="button secondary" data-testid="registry-check" disabled=move || file.get().is_none() || busy() on:click=move |_| run(true)>{move || i18n.t("registry.import.check")}</button>
                <button class="button" data-testid="registry-run" disabled=move || !checked.get() || busy() on:click=move |_| run(false)>{move || i18n.t("registry.import.run")}</button>
            </div>
            {move || match stage.get() {
                Stage::Idle => ().into_any(),
                Stage::Uploading(p) => view! {
                    <div class="bar" role="progressbar" aria-label=i18n.t("registry.import.progress") aria-valuenow=p aria-valuemin="0" aria-valuemax="100"><div class="bar-fill" style=format!("width:{p}%")></div></div>
                    <p class="hint">{i18n.f("registry.import.uploading", &[("p", p.to_string())])}</p>
                }.into_any(),
                Stage::Processing => view! {
                    <div class="bar busy" role="progressbar" aria-label=i18n.t("registry.import.progress") aria-valuemin="0" aria-valuemax="100"><div class="bar-fill" style="width:100%"></div></div>
                    <p class="hint" role="status">{i18n.t("registry.import.processing")}</p>
                }.into_any(),
                Stage::Failed(m) => view! { <p class="banner error" role="alert">{i18n.msg(&m)}</p> }.into_any(),
                Stage::Done(report) => view! { <Report report=report /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Report(report: RegistryImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let summary = i18n.f(
        if report.dry_run {
            "registry.report.dry_run"
        } else {
            "registry.report.done"
        },
        &[
            ("lines", report.lines.to_string()),
            ("certificates", report.certificates.to_string()),
            ("created", report.created.to_string()),
            ("updated", report.updated.to_string()),
            ("unchanged", report.unchanged.to_string()),
            ("pages", report.my_pages_updated.to_string()),
        ],
    );
    if !report.problems.is_empty() {
        return view! {
            <div class="banner error" role="alert" data-testid="registry-problems">
                <p>{i18n.f("registry.report.problems", &[("n", report.problems.len().to_string())])}</p>
                <ul>{report.problems.iter().take(200).map(|p| view! { <li>{i18n.msg(&p.message)}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any();
    }
    view! {
        <p class=if report.dry_run { "banner info" } else { "banner ok" } role="status" data-testid="registry-report">{summary}</p>
        {(!report.changes.is_empty()).then(|| view! {
            <h3>{i18n.t("registry.report.changes")}</h3>
            <ul class="list changes" data-testid="registry-changes">
                {report.changes.iter().map(|c| view! { <li><strong>{c.certificate_number.clone()}</strong>" "{i18n.msg(&c.message)}</li> }).collect_view()}
            </ul>
        })}
    }
    .into_any()
}

#[component]
fn Search() -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let birth_date = RwSignal::new(String::new());
    let search = Action::new_local(move |_: &()| {
        let (q, b) = (q.get_untracked(), birth_date.get_untracked());
        async move { api::search_registry(&q, &b).await }
    });
    view! {
        <section class="card" data-testid="registry-search">
            <h2>{move || i18n.t("registry.search.title")}</h2>
            <form class="row" on:submit=move |ev| { ev.prevent_default(); search.dispatch(()); }>
                <div class="field">
                    <label for="r-q">{move || i18n.t("registry.search.q")}</label>
                    <input id="r-q" data-testid="registry-q" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="r-birth">{move || i18n.t("registry.search.birth_date")}</label>
                    <input id="r-birth" type="date" prop:value=move || birth_date.get() on:input=move |ev| birth_date.set(event_target_value(&ev)) />
                </div>
                <button class="button" type="submit" data-testid="registry-search-run" disabled=move || search.pending().get()>{move || i18n.t("registry.search.run")}</button>
            </form>
            <p class="hint">{move || i18n.t("registry.search.how")}</p>
            {move || search.value().get().map(|r| match r {
                Ok(hits) if hits.is_empty() => view! { <p class="muted" role="status">{i18n.t("registry.search.none")}</p> }.into_any(),
                Ok(hits) => view! { <ul class="list" data-testid="registry-hits">{hits.into_iter().map(|h| view! { <Hit hit=h /> }).collect_view()}</ul> }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Hit(hit: RegistryHit) -> impl IntoView {
    let i18n = use_i18n();
    let p = hit.person;
    view! {
        <li>
            <div class="line">
                <strong>{p.name_kanji.clone()}</strong>
                {if hit.linked {
                    view! { <span class="badge status-valid" data-testid="linked">{move || i18n.t("registry.linked")}</span> }.into_any()
                } else {
                    view! { <span class="badge">{move || i18n.t("registry.not_linked")}</span> }.into_any()
                }}
            </div>
            <div class="muted">{format!("{} · {} · ", p.name_kana, p.registry_number)}{day(p.birth_date)}" · "{move || i18n.prefecture(p.prefecture)}</div>
            <ul>
                {hit.certificates.into_iter().map(|c| view! {
                    <li>{move || i18n.t(&format!("certification.{}", c.certification))}" "{c.certificate_number.clone()}" "
                        <span class="muted">{format!("{} – {}", day(c.current.valid_from), day(c.current.valid_until))}</span></li>
                }).collect_view()}
            </ul>
        </li>
    }
}
