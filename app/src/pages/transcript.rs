//! The printable transcript of the ledger.

use crate::api;
use crate::components::decision::day;
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;
use domain::api::MyPage;
use leptos::prelude::*;
use leptos_router::components::A;

/// `/mypage/transcript`: a page made for printing.
#[component]
pub fn Transcript() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(api::my_page);
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="no-print actions">
            <A href=Page::History.path() attr:class="button secondary">{move || i18n.t("history.title")}</A>
            <button class="button" on:click=print>{move || i18n.t("transcript.print")}</button>
        </div>
        {loaded(page, move |p| {
                transcript(i18n, p).into_any()
            })}
    }
}

fn transcript(i18n: crate::i18n::I18n, p: MyPage) -> impl IntoView {
    let sums = crate::pages::history::totals(&p.ledger);
    let grand: domain::Units = sums.iter().map(|(_, u)| *u).sum();
    view! {
        <article class="transcript" data-testid="transcript">
            <h1>{i18n.t("transcript.title")}</h1>
            <p>{i18n.f("common.aside", &[("text", p.profile.name_kanji.clone()), ("aside", p.profile.name_kana.clone())])}</p>
            <p>{i18n.t("mypage.registry")}": "{p.profile.registry_number.clone()}" · "{i18n.t("transcript.issued")}": "{day(p.today)}</p>
            <table>
                <thead><tr><th>{i18n.t("whatif.date")}</th><th>{i18n.t("whatif.category")}</th><th>{i18n.t("common.units")}</th><th>{i18n.t("handbook.organizer")}</th></tr></thead>
                <tbody>
                    {p.ledger.iter().map(|e| view! {
                        <tr>
                            <td>{day(e.date)}</td>
                            <td>{i18n.t(&format!("category.{}", e.category))}{e.subject.map(|s| format!("・{}", i18n.t(&format!("subject.{s}"))))}
                                {(e.verification == Some(domain::api::Verification::Pending)).then(|| i18n.f("common.aside", &[("text", String::new()), ("aside", i18n.t("mypage.verification.pending").to_owned())]))}</td>
                            <td class="num">{e.units.to_string()}</td>
                            <td>{e.session_title.clone().or(e.organizer_name.clone()).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {sums.into_iter().map(|(c, u)| view! { <tr><th scope="row">{i18n.t("transcript.subtotal")}</th><td>{i18n.t(&format!("category.{c}"))}</td><td class="num">{u.to_string()}</td><td></td></tr> }).collect_view()}
                    <tr data-testid="transcript-total"><th scope="row">{i18n.t("common.total")}</th><td></td><td class="num"><strong>{grand.to_string()}</strong></td><td></td></tr>
                </tfoot>
            </table>
            <p class="muted">{i18n.t("transcript.note")}</p>
        </article>
    }
}
