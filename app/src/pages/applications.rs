//! The physician's applications: the list with what can be applied for, and one application
//! with its status timeline, the fee and handbook notes, its documents, and what to do next.

use domain::Certification;
use domain::application::ApplicationKind;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::application::ApplicationList;
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::{Page, new_application_path};

/// `/applications`
#[component]
pub fn Applications() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(api::my_applications);
    let page = LocalResource::new(api::my_page);
    view! {
        <p><A href=Page::MyPage.path()>{move || i18n.t("common.back_mypage")}</A></p>
        <h1>{move || i18n.t("application.list.title")}</h1>
        <section class="card">
            <h2>{move || i18n.t("application.start")}</h2>
            {loaded(page, move |p| {
                    {
                    let held: Vec<Certification> = p.certificates.iter().map(|c| c.certification).collect();
                    let mut starts = Vec::new();
                    for c in [Certification::Occupational, Certification::Sports] {
                        let kinds: &[ApplicationKind] = if held.contains(&c) {
                            &[ApplicationKind::Renewal, ApplicationKind::WorkplaceChange]
                        } else {
                            &[ApplicationKind::New]
                        };
                        for k in kinds {
                            starts.push((*k, c));
                        }
                    }
                    view! {
                        <div class="stack">
                            {starts.into_iter().map(|(k, c)| view! {
                                <A href=new_application_path(k, c) attr:class="button secondary wide" attr:data-testid=format!("start-{c}-{k}")>
                                    {move || format!("{} {}", i18n.t(&format!("certification.{c}")), i18n.t(&format!("application.kind.{k}")))}
                                </A>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
                })}
        </section>
        <h2>{move || i18n.t("application.list.mine")}</h2>
        {loaded(list, move |items| view! { <ApplicationList items=items href=Page::Application /> })}
    }
}
