//! The outbox: every notification mail.

use crate::api;
use crate::components::loaded::loaded;
use crate::components::paged::Paged;
use crate::i18n::use_i18n;
use domain::application::QUEUE_PAGE;
use leptos::prelude::*;

/// `/admin/outbox`: every notification mail (kept here when no SMTP server is configured).
#[component]
pub fn Outbox() -> impl IntoView {
    let i18n = use_i18n();
    let mails = LocalResource::new(|| api::outbox(None));
    let pages = Paged::new(QUEUE_PAGE, || (), |before| api::outbox(Some(before)));
    view! {
        <p><leptos_router::components::A href=crate::routes::Page::Admin.path()>{move || i18n.t("nav.admin")}</leptos_router::components::A></p>
        <h1>{move || i18n.t("outbox.title")}</h1>
        <p class="lead">{move || i18n.t("outbox.lead")}</p>
        {loaded(mails, move |r| match r {
                list if list.is_empty() => view! { <p class="muted">{i18n.t("outbox.none")}</p> }.into_any(),
                first => {
                    let (list, full) = pages.rows(first);
                    let last = list.last().map(|m| m.id);
                    view! {
                    <ul class="list" data-testid="outbox">
                        {list.into_iter().map(|m| view! {
                            <li class="card">
                                <div class="line"><strong>{m.subject.clone()}</strong><span class=if m.sent_at.is_some() { "badge ok" } else { "badge" }>{if m.sent_at.is_some() { i18n.t("outbox.sent") } else { i18n.t("outbox.kept") }}</span></div>
                                <div class="muted">{m.to.clone()}" · "{m.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</div>
                                <pre class="mail">{m.body.clone()}</pre>
                            </li>
                        }).collect_view()}
                    </ul>
                    {pages.more_button(full, last, "outbox.more")}
                    }.into_any()
                }
            })}
    }
}
