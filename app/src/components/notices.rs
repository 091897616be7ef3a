//! My Page's notices: expiry reminders and application steps (the same words as the mails),
//! and the physician's choice of which of them also come by e-mail.

use domain::notices::{NoticeSettings, Notices};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::decision::day;
use crate::i18n::use_i18n;

/// The notices card (nothing while it loads; a failure says so in the card).
#[component]
pub fn NoticeList() -> impl IntoView {
    let i18n = use_i18n();
    let notices = LocalResource::new(api::notices);
    view! {
        <section class="card notices" data-testid="notices" aria-labelledby="notices-title">
            <h2 id="notices-title">{move || i18n.t("notice.title")}</h2>
            {move || notices.get().map(|r| match r {
                Ok(n) => view! { <NoticeBody notices=n /> }.into_any(),
                Err(e) => view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn NoticeBody(notices: Notices) -> impl IntoView {
    let i18n = use_i18n();
    let reminders = RwSignal::new(notices.settings.reminders_by_mail);
    let applications = RwSignal::new(notices.settings.applications_by_mail);
    let save = Action::new_local(move |s: &NoticeSettings| {
        let s = *s;
        async move { api::set_notice_settings(&s).await }
    });
    let items = if notices.items.is_empty() {
        view! { <p class="muted">{move || i18n.t("notice.empty")}</p> }.into_any()
    } else {
        view! {
            <ul class="list">
                {notices.items.into_iter().take(5).map(|n| {
                    let when = day(domain::dates::today_jst(n.created_at));
                    let text = n.message.clone();
                    view! {
                        <li data-testid="notice">
                            <span>{move || i18n.msg(&text)}</span>
                            <span class="muted">{when}{n.mailed.then(|| view! { " · "{move || i18n.t("notice.mailed")} })}</span>
                            {n.link.map(|href| view! { <A href=href attr:class="button secondary">{move || i18n.t("notice.open")}</A> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        {items}
        <details>
            <summary>{move || i18n.t("notice.settings")}</summary>
            <div class="choices stacked">
                <label class="choice"><input type="checkbox" data-testid="mail-reminders" prop:checked=move || reminders.get() on:change=move |ev| reminders.set(event_target_checked(&ev)) />{move || i18n.t("notice.mail_reminders")}</label>
                <label class="choice"><input type="checkbox" data-testid="mail-applications" prop:checked=move || applications.get() on:change=move |ev| applications.set(event_target_checked(&ev)) />{move || i18n.t("notice.mail_applications")}</label>
            </div>
            <button type="button" class="button secondary" data-testid="save-notice-settings" on:click=move |_| {
                save.dispatch(NoticeSettings { reminders_by_mail: reminders.get(), applications_by_mail: applications.get() });
            }>{move || i18n.t("notice.save")}</button>
            <p role="status" class="muted">{move || save.value().get().map(|r| match r {
                Ok(_) => i18n.t("notice.saved").to_owned(),
                Err(e) => i18n.msg(&e.message()),
            })}</p>
        </details>
    }
}
