//! マイページ: certificates, readiness computed in the browser by the same engine as the server,
//! a what-if with planned sessions or units, and the attendance history.

use chrono::NaiveDate;
use domain::api::{CertificateView, LedgerEntry, MyPage, PublicSession};
use domain::dates;
use domain::engine::WindowBasis;
use domain::{Category, Credit, Procedure, RuleSet, Source, Subject, Units, evaluate};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::decision::{DecisionCard, day};
use crate::components::identity::IdentityPanel;
use crate::components::loaded::loaded;
use crate::i18n::{I18n, use_i18n};
use crate::routes::{Page, new_application_path};
use domain::application::ApplicationKind;

/// A planned item of the what-if.
#[derive(Clone, Debug, PartialEq)]
struct Planned {
    key: String,
    credit: Credit,
}

/// `/mypage`
#[component]
pub fn MyPagePage() -> impl IntoView {
    let page = LocalResource::new(api::my_page);
    loaded(page, |data| view! { <Loaded page=data /> })
}

/// Status of a certificate on `today`, from the engine's renewal window.
fn status_key(page: &MyPage, cert: &CertificateView, rules: &RuleSet) -> &'static str {
    let procedure = match cert.certification {
        domain::Certification::Occupational => Procedure::OccupationalRenewal,
        domain::Certification::Sports => Procedure::SportsRenewal,
    };
    let decision = evaluate(rules, &page.evaluation_input(procedure, page.today, &[]));
    match decision.window.map(|w| w.basis) {
        Some(WindowBasis::InPeriod)
            if (cert.current.valid_until - page.today).num_days() <= 183 =>
        {
            "expiring"
        }
        Some(WindowBasis::InPeriod) | None => "valid",
        Some(WindowBasis::CovidSpecial) => "covid_special",
        Some(WindowBasis::Grace | WindowBasis::GraceNeedsReason) => "grace",
        Some(WindowBasis::Lapsed) => "lapsed",
    }
}

/// A certificate JMA revoked: said so, with the way back (a new application), no proof to print.
fn revoked_card(cert: &CertificateView, on: chrono::NaiveDate) -> AnyView {
    let i18n = use_i18n();
    let certification = cert.certification;
    view! {
        <article class="card cert" data-testid=format!("certificate-{certification}")>
            <header>
                <h3>{move || i18n.t(&format!("certification.{certification}"))}</h3>
                <span class="badge status-revoked">{move || i18n.t("status.revoked")}</span>
            </header>
            <dl>
                <div><dt>{move || i18n.t("mypage.number")}</dt><dd>{cert.number.clone()}</dd></div>
            </dl>
            <p class="banner warn" data-testid=format!("revoked-{certification}")>{move || i18n.f("mypage.revoked", &[("d", day(on))])}</p>
            <A href=new_application_path(ApplicationKind::New, certification) attr:class="button wide apply" attr:data-testid=format!("apply-{certification}")>{move || i18n.t("mypage.apply_new")}</A>
        </article>
    }
    .into_any()
}

#[component]
fn Loaded(page: MyPage) -> impl IntoView {
    let i18n = use_i18n();
    let rules = RuleSet::current();
    let planned = RwSignal::new(Vec::<Planned>::new());
    let procedures = page.procedures();
    let today = page.today;
    let sessions = LocalResource::new(move || api::sessions(today));
    // Sessions planned on an earlier visit (kept on the server) join the preview once both
    // lists are here.
    let saved_plans = LocalResource::new(api::plans);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let (Some(Ok(ids)), Some(Ok(list))) = (saved_plans.get(), sessions.get()) else {
            return false;
        };
        planned.update(|p| {
            for s in list.iter().filter(|s| ids.contains(&s.id)) {
                let key = format!("session-{}", s.id);
                if !p.iter().any(|x| x.key == key) {
                    p.push(Planned {
                        key,
                        credit: s.planned_credit(),
                    });
                }
            }
        });
        true
    });

    let cards: Vec<AnyView> = page
        .certificates
        .iter()
        .map(|c| {
            if let Some(on) = c.revoked_on {
                return revoked_card(c, on);
            }
            let key = status_key(&page, c, &rules);
            let days = (c.current.valid_until - page.today).num_days();
            let cert = c.clone();
            // A lapsed certificate is applied for anew (a renewal could never be sent).
            let (apply_path, apply_label) = if page.lapsed(c.certification) {
                (new_application_path(ApplicationKind::New, c.certification), "mypage.apply_new")
            } else {
                (new_application_path(ApplicationKind::Renewal, c.certification), "mypage.apply")
            };
            // An application under way is shown with its status, never offered again; a renewal
            // that does not open yet says when it does (no form that cannot be sent).
            let under_way = page.open_for(page.procedure_for(c.certification));
            let renewal_opens = Some(dates::sub_months(c.current.valid_until, rules.renewal_opens_months_before))
                .filter(|opens| !page.lapsed(c.certification) && page.today < *opens);
            let apply = match (under_way, renewal_opens) {
                (None, Some(opens)) => view! {
                    <p class="muted" data-testid=format!("renewal-opens-{}", cert.certification)>{move || i18n.f("mypage.renewal_opens", &[("d", day(opens))])}</p>
                }.into_any(),
                (under_way, _) => match under_way {
                Some(a) => view! {
                    <A href=Page::Application.with_id(a.id) attr:class="button wide secondary" attr:data-testid=format!("under-way-{}", cert.certification)>
                        {move || i18n.f("mypage.under_way", &[("status", i18n.t(&format!("application.status.{}", a.status)).to_owned())])}
                    </A>
                }.into_any(),
                None => view! {
                    <A href=apply_path attr:class="button wide apply" attr:data-testid=format!("apply-{}", cert.certification)>{move || i18n.t(apply_label)}</A>
                }.into_any(),
                },
            };
            view! {
                <article class="card cert" data-testid=format!("certificate-{}", cert.certification)>
                    <header>
                        <h3>{move || i18n.t(&format!("certification.{}", cert.certification))}</h3>
                        <span class=format!("badge status-{key}")>{move || i18n.t(&format!("status.{key}"))}</span>
                    </header>
                    <dl>
                        <div><dt>{move || i18n.t("mypage.number")}</dt><dd>{cert.number.clone()}</dd></div>
                        <div><dt>{move || i18n.t("mypage.valid")}</dt><dd>{format!("{} – {}", day(cert.current.valid_from), day(cert.current.valid_until))}</dd></div>
                    </dl>
                    <p class="days">{move || if days >= 0 {
                        i18n.f("mypage.days_left", &[("n", days.to_string())])
                    } else {
                        i18n.f("mypage.days_over", &[("n", (-days).to_string())])
                    }}</p>
                    {apply}
                    <a class="button wide secondary" href=api::certificate_pdf(&cert.number) download="nintei-certificate.pdf" data-testid=format!("certificate-pdf-{}", cert.certification)>{move || i18n.t("proof.download")}</a>
                </article>
            }
            .into_any()
        })
        .collect();
    let has_certs = !cards.is_empty();
    // The 25-subject sports course card is long: shown to those it concerns (sports units, a
    // sports certificate or application) and to whoever asks for it.
    let sports_concerns = page
        .ledger
        .iter()
        .any(|e| e.category.certification() == domain::Certification::Sports)
        || page
            .certificates
            .iter()
            .any(|c| c.certification == domain::Certification::Sports)
        || page.open_for(Procedure::SportsNew).is_some();
    let show_sports_new = RwSignal::new(sports_concerns);
    let profile = page.profile.clone();
    let page_for_decisions = page.clone();
    let decisions = move || {
        let plans = planned.get();
        let credits: Vec<Credit> = plans.iter().map(|p| p.credit.clone()).collect();
        // Planned sessions move the evaluation day to the planned application day.
        let as_of = credits
            .iter()
            .map(|c| c.date)
            .max()
            .unwrap_or(today)
            .max(today);
        procedures
            .iter()
            .filter(|p| **p != Procedure::SportsNew || show_sports_new.get())
            .map(|p| {
                let decision = evaluate(
                    &RuleSet::current(),
                    &page_for_decisions.evaluation_input(*p, as_of, &credits),
                );
                view! { <DecisionCard decision=decision under_way=page_for_decisions.open_for(*p) /> }
            })
            .collect_view()
    };
    let certifications: Vec<domain::Certification> = page
        .procedures()
        .iter()
        .map(|p| p.certification())
        .collect();
    let ledger = page.ledger.clone();
    let verified = page.identity.verified();
    let identity = page.identity.clone();
    view! {
        <IdentityPanel identity=identity prefecture=profile.prefecture />
        <section class="profile">
            <h1>{move || i18n.t("mypage.title")}</h1>
            <p class="who" data-testid="profile-name">{profile.name_kanji.clone()}" "<span class="muted">{profile.name_kana.clone()}</span></p>
            <p class="muted">{move || i18n.t("mypage.registry")}": "{profile.registry_number.clone()}</p>
            <nav class="quick">
                // Until verified the QR code, handbook and applications are closed: no dead ends.
                {verified.then(|| view! {
                    <A href=Page::Qr.path() attr:class="button" attr:data-testid="link-qr">{move || i18n.t("mypage.links.qr")}</A>
                    <A href=Page::Handbook.path() attr:class="button secondary" attr:data-testid="link-handbook">{move || i18n.t("mypage.links.handbook")}</A>
                })}
                <A href=Page::History.path() attr:class="button secondary">{move || i18n.t("mypage.links.history")}</A>
                <A href=Page::Profile.path() attr:class="button secondary">{move || i18n.t("mypage.links.profile")}</A>
                {verified.then(|| view! {
                    <A href=Page::Applications.path() attr:class="button secondary" attr:data-testid="link-applications">{move || i18n.t("nav.applications")}</A>
                })}
                <A href=Page::Sessions.path() attr:class="button secondary">{move || i18n.t("nav.sessions")}</A>
            </nav>
        </section>
        <h2>{move || i18n.t("mypage.certificates")}</h2>
        {if has_certs { view! { <div class="grid">{cards}</div> }.into_any() } else { view! { <p class="muted">{move || i18n.t("mypage.no_certificates")}</p> }.into_any() }}
        {verified.then(|| view! { <crate::components::notices::NoticeList /> })}
        <h2>{move || i18n.t("mypage.readiness")}</h2>
        {move || (!planned.get().is_empty()).then(|| view! {
            <div class="banner info" data-testid="whatif-active">
                <p>{i18n.f("whatif.planned", &[("n", planned.get().len().to_string())])}</p>
                // What is planned stays visible, each removable on its own.
                <ul class="list planned" data-testid="whatif-planned">
                    {planned.get().into_iter().map(|p| {
                        let key = p.key.clone();
                        let c = p.credit;
                        view! {
                            <li class="line">
                                <span>{day(c.date)}" "{i18n.t(&format!("category.{}", c.category))}" "{i18n.f("units.count", &[("n", c.units.to_string())])}</span>
                                <button type="button" class="button secondary" on:click=move |_| drop_plans(planned, Some(key.clone()))>{i18n.t("whatif.remove")}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button type="button" class="button secondary" on:click=move |_| drop_plans(planned, None)>{i18n.t("whatif.clear")}</button>
            </div>
        })}
        <div class="grid">{decisions}</div>
        {move || (!show_sports_new.get()).then(|| view! {
            <button type="button" class="button secondary wide" data-testid="show-sports-new" on:click=move |_| show_sports_new.set(true)>{i18n.t("mypage.show_sports_new")}</button>
        })}
        <WhatIf planned=planned sessions=sessions certifications=certifications today=today />
        <h2>{move || i18n.t("mypage.history")}</h2>
        <History ledger=ledger.into_iter().take(10).collect() />
        <p><A href=Page::History.path()>{move || i18n.t("mypage.links.history")}</A></p>
    }
}

fn toggle(planned: RwSignal<Vec<Planned>>, key: String, credit: Credit) {
    let mut now_planned = false;
    planned.update(|list| {
        if let Some(i) = list.iter().position(|p| p.key == key) {
            list.remove(i);
        } else {
            list.push(Planned {
                key: key.clone(),
                credit,
            });
            now_planned = true;
        }
    });
    keep_on_server(&key, now_planned);
}

/// Takes plans off the preview (one, or all with `None`).
fn drop_plans(planned: RwSignal<Vec<Planned>>, key: Option<String>) {
    let gone: Vec<String> = planned
        .get_untracked()
        .into_iter()
        .map(|p| p.key)
        .filter(|k| key.as_ref().is_none_or(|key| key == k))
        .collect();
    planned.update(|l| l.retain(|p| !gone.contains(&p.key)));
    for k in gone {
        keep_on_server(&k, false);
    }
}

/// A published session planned or dropped is kept on the server (so that a change or
/// cancellation reaches the physician); sessions typed by hand stay on the device. A failure
/// (offline, identity not verified yet) leaves the plan on this page only.
fn keep_on_server(key: &str, planned: bool) {
    let Some(id) = key
        .strip_prefix("session-")
        .and_then(|id| id.parse::<i32>().ok())
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        let _ = if planned {
            api::plan(id).await
        } else {
            api::unplan(id).await
        };
    });
}

#[component]
fn WhatIf(
    planned: RwSignal<Vec<Planned>>,
    sessions: LocalResource<Result<Vec<PublicSession>, api::ApiFailure>>,
    certifications: Vec<domain::Certification>,
    today: NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let categories: Vec<Category> = Category::ALL
        .iter()
        .copied()
        .filter(|c| certifications.contains(&c.certification()))
        .collect();
    let category = RwSignal::new(
        categories
            .first()
            .copied()
            .unwrap_or(Category::OccupationalLifelongUpdate),
    );
    let subject = RwSignal::new(String::new());
    let units = RwSignal::new("1".to_owned());
    let date = RwSignal::new(day(today));
    let problem = RwSignal::new(None::<domain::Message>);
    let counter = StoredValue::new(0u32);
    let certs = certifications.clone();
    let add = move |_| {
        let parsed_units = Units::parse(&units.get());
        let parsed_date = date.get().parse::<NaiveDate>();
        let subject_value: Option<Subject> = subject.get().parse().ok();
        let cat = category.get();
        match (parsed_units, parsed_date) {
            (Ok(u), Ok(d)) if !u.is_zero() => {
                let mut credit = Credit::new(d, cat, u);
                credit.subject = if cat.requires_subject() {
                    subject_value.or_else(|| cat.subjects().first().copied())
                } else {
                    None
                };
                credit.source = Source::System;
                counter.update_value(|n| *n += 1);
                let key = format!("manual-{}", counter.get_value());
                problem.set(None);
                toggle(planned, key, credit);
            }
            (Err(e), _) => problem.set(Some(e.message())),
            _ => problem.set(Some(domain::Message::key("whatif.date"))),
        }
    };
    view! {
        <section class="card whatif">
            <h3>{move || i18n.t("whatif.title")}</h3>
            <p class="muted">{move || i18n.t("whatif.lead")}</p>
            <h4>{move || i18n.t("whatif.sessions")}</h4>
            <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
                {move || sessions.get().map(|r| {
                    let list: Vec<PublicSession> = r.unwrap_or_default().into_iter().filter(|s| certs.contains(&s.category.certification())).collect();
                    if list.is_empty() {
                        return view! { <p class="muted">{i18n.t("whatif.no_sessions")}</p> }.into_any();
                    }
                    view! {
                        <ul class="sessions">
                            {list.into_iter().map(|s| {
                                let key = format!("session-{}", s.id);
                                let credit = s.planned_credit();
                                let k2 = key.clone();
                                let checked = move || planned.get().iter().any(|p| p.key == k2);
                                view! {
                                    <li>
                                        <label class="session">
                                            <input type="checkbox" data-testid=format!("plan-session-{}", s.id) prop:checked=checked on:change=move |_| toggle(planned, key.clone(), credit.clone()) />
                                            <span>
                                                <strong>{s.title.clone()}</strong>
                                                <span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span>
                                                <span class="badge">{i18n.t(&format!("category.{}", s.category))}" "{i18n.f("units.count", &[("n", s.units.to_string())])}</span>
                                            </span>
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Suspense>
            <h4>{move || i18n.t("whatif.add_units")}</h4>
            <div class="row">
                <div class="field">
                    <label for="w-category">{move || i18n.t("whatif.category")}</label>
                    <select id="w-category" data-testid="whatif-category" on:change=move |ev| {
                        if let Ok(c) = event_target_value(&ev).parse::<Category>() {
                            category.set(c);
                            subject.set(String::new());
                        }
                    }>
                        {categories.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("category.{c}"))}</option> } }).collect_view()}
                    </select>
                </div>
                {move || {
                    let cat = category.get();
                    cat.requires_subject().then(|| view! {
                        <div class="field">
                            <label for="w-subject">{i18n.t("whatif.subject")}</label>
                            <select id="w-subject" on:change=move |ev| subject.set(event_target_value(&ev))>
                                {cat.subjects().into_iter().map(|s| view! { <option value=s.code()>{i18n.t(&format!("subject.{s}"))}</option> }).collect_view()}
                            </select>
                        </div>
                    })
                }}
                <div class="field small">
                    <label for="w-units">{move || i18n.t("common.units")}</label>
                    <input id="w-units" data-testid="whatif-units" inputmode="decimal" prop:value=move || units.get() on:input=move |ev| units.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="w-date">{move || i18n.t("whatif.date")}</label>
                    <input id="w-date" type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                </div>
            </div>
            {move || problem.get().map(|p| view! { <p class="field-error">{i18n.msg(&p)}</p> })}
            <button class="button" data-testid="whatif-add" on:click=add>{move || i18n.t("whatif.add")}</button>
        </section>
    }
}

fn entry_line(i18n: &I18n, e: &LedgerEntry) -> String {
    let mut text = i18n.t(&format!("category.{}", e.category)).to_owned();
    if let Some(s) = e.subject {
        text.push_str(&format!("・{}", i18n.t(&format!("subject.{s}"))));
    }
    text
}

/// The list of ledger entries (newest first), shared with the history page.
#[component]
pub fn History(
    ledger: Vec<LedgerEntry>,
    /// The list is filtered: an empty one means nothing matches, not that nothing exists.
    #[prop(optional)]
    filtered: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if ledger.is_empty() {
        let key = if filtered {
            "history.no_match"
        } else {
            "mypage.no_credits"
        };
        return view! { <p class="muted" data-testid="history-empty">{move || i18n.t(key)}</p> }
            .into_any();
    }
    view! {
        <ul class="list history" data-testid="history">
            {ledger.into_iter().map(|e| {
                let e2 = e.clone();
                view! {
                    <li>
                        <div class="line">
                            <span class="date">{day(e.date)}</span>
                            <span class="units">{move || i18n.f("units.count", &[("n", e.units.to_string())])}</span>
                        </div>
                        <div>{move || entry_line(&i18n, &e2)}</div>
                        <div class="badges">
                            <span class="badge">{move || i18n.t(&format!("mypage.source.{}", e.source))}</span>
                            {e.verification.map(|v| {
                                let key = match v {
                                    domain::api::Verification::Pending => "pending",
                                    domain::api::Verification::Verified => "verified",
                                    domain::api::Verification::Rejected => "rejected",
                                };
                                view! { <span class=format!("badge verify-{key}")>{move || i18n.t(&format!("mypage.verification.{key}"))}</span> }
                            })}
                            {(e.delivery == domain::Delivery::Online).then(|| view! { <span class="badge">{move || i18n.t("mypage.online")}</span> })}
                            {e.consumed.then(|| {
                                let by = e.consumed_by.map(|id| format!(" #{id}")).unwrap_or_default();
                                view! { <span class="badge">{move || i18n.t("mypage.consumed")}{by.clone()}</span> }
                            })}
                            {e.session_title.clone().map(|t| view! { <span class="muted">{t}</span> })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
