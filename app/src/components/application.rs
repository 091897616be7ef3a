//! Pieces shared by the physician's and the reviewers' application pages.

use domain::application::{
    ApplicationDetail, ApplicationSummary, Blocker, DocumentView, PrefectureOffice, TimelineEvent,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::decision::day;
use crate::i18n::use_i18n;

/// The status as a coloured badge.
#[component]
pub fn StatusBadge(status: domain::application::Status) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge app-{status}") data-testid="application-status">
            {move || i18n.t(&format!("application.status.{status}"))}
        </span>
    }
}

/// "認定産業医 更新申請"
pub fn title_of(s: &ApplicationSummary) -> impl Fn() -> String + Copy + 'static + use<> {
    let i18n = use_i18n();
    let (c, k) = (s.certification, s.kind);
    move || {
        format!(
            "{} {}",
            i18n.t(&format!("certification.{c}")),
            i18n.t(&format!("application.kind.{k}"))
        )
    }
}

/// A list of applications, each linking to the page `href` of its id.
#[component]
pub fn ApplicationList(
    items: Vec<ApplicationSummary>,
    href: crate::routes::Page,
    /// Show the applicant (reviewers' lists).
    #[prop(default = false)]
    applicant: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="muted" data-testid="applications-empty">{move || i18n.t("application.none")}</p> }.into_any();
    }
    view! {
        <ul class="list applications" data-testid="application-list">
            {items.into_iter().map(|s| {
                let title = title_of(&s);
                view! {
                    <li>
                        <A href=href.with_id(s.id) attr:class="row-link">
                            <div class="line"><strong>{title}</strong><StatusBadge status=s.status /></div>
                            {applicant.then(|| view! { <div>{s.name.clone()}" · "{s.registry_number.clone()}</div> })}
                            <div class="muted">
                                {move || i18n.t("application.submitted_on")}" "{day(s.submitted_on)}
                                {s.round.map(|r| view! { " · "{move || i18n.t("application.round")}" "{day(r)} })}
                                {(applicant && s.all_system_units).then(|| view! { " · "<span class="badge ok">{move || i18n.t("review.system_only")}</span> })}
                            </div>
                            {applicant.then(|| received(&s))}
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// What the prefecture has received for an application (the fee, the original handbook, each
/// when asked for) and the certificate number once granted: a reviewer's list at a glance.
fn received(s: &ApplicationSummary) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let badge = |due: bool, done: bool, ok: &'static str, missing: &'static str| {
        due.then(|| {
            let (class, key) = if done {
                ("badge ok", ok)
            } else {
                ("badge status-warn", missing)
            };
            view! { <span class=class>{move || i18n.t(key)}</span> }
        })
    };
    let fee = badge(
        s.fee_due && !s.status.is_final(),
        s.fee_paid_on.is_some(),
        "review.fee.paid",
        "review.fee.missing",
    );
    let handbook = badge(
        s.handbook_needed && !s.status.is_final(),
        s.handbook_arrived_on.is_some(),
        "review.handbook.arrived",
        "review.handbook.missing",
    );
    let number = s.certificate_number.clone().map(|n| {
        view! { <span data-testid="certificate-number">{move || i18n.f("review.certificate_number", &[("number", n.clone())])}</span> }
    });
    view! { <div class="received" data-testid="received">{fee}" "{handbook}{number}</div> }
}

/// A fee step's note is stored as `YYYY-MM-DD channel`: show the channel's name.
fn fee_note(note: String, step: domain::application::Step) -> impl IntoView {
    let i18n = use_i18n();
    move || match (step, note.rsplit_once(' ')) {
        (domain::application::Step::RecordFee, Some((date, channel)))
            if channel.parse::<domain::application::FeeChannel>().is_ok() =>
        {
            format!("{date} {}", i18n.t(&format!("fee.{channel}")))
        }
        _ => note.clone(),
    }
}

/// Every step with its date.
#[component]
pub fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="timeline" data-testid="timeline">
            {events.into_iter().map(|e| {
                let at = e.at.with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"));
                let step = e.step;
                view! {
                    <li>
                        <div class="line"><strong>{move || i18n.t(&format!("application.step.{step}"))}</strong><span class="muted">{at.format("%Y-%m-%d %H:%M").to_string()}</span></div>
                        <div class="muted">{e.by.clone()}</div>
                        {e.note.clone().map(|n| view! { <div class="note">{fee_note(n, step)}</div> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// Attached documents, each a download link.
#[component]
pub fn Documents(documents: Vec<DocumentView>) -> impl IntoView {
    let i18n = use_i18n();
    if documents.is_empty() {
        return view! { <p class="muted">{move || i18n.t("application.documents.none")}</p> }
            .into_any();
    }
    view! {
        <ul class="list" data-testid="documents">
            {documents.into_iter().map(|d| {
                let kind = d.kind;
                view! {
                    <li>
                        <div class="line">
                            <a href=api::document_url(d.id) download=d.file_name.clone()>{d.file_name.clone()}</a>
                            <span class="muted">{format!("{} · {}", d.file_type.code().to_uppercase(), size_text(d.size))}</span>
                        </div>
                        <div class="muted">{move || i18n.t(&format!("document.{kind}"))}</div>
                        <div class="muted hash">"SHA-256 "{d.sha256.clone()}</div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// "1.2 MB", "340 KB"
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// What is still missing before the application can move on.
#[component]
pub fn Blockers(blockers: Vec<Blocker>) -> impl IntoView {
    let i18n = use_i18n();
    if blockers.is_empty() {
        return view! { <p class="banner ok" data-testid="checklist-complete">{move || i18n.t("review.complete")}</p> }.into_any();
    }
    view! {
        <ul class="blockers" data-testid="blockers">
            {blockers.into_iter().map(|b| view! { <li>{move || i18n.msg(&b.message)}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The fee and handbook explanations and what has been recorded.
#[component]
pub fn FeeAndHandbook(
    detail: ApplicationDetail,
    /// Say where to pay and send (the physician's pages; staff know their own office).
    #[prop(optional)]
    guide: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    // A withdrawn, rejected or approved application asks for nothing more: only what was
    // recorded is shown.
    let open = !detail.summary.status.is_final();
    let office = detail.office.clone().filter(|_| guide);
    let office_h = office.clone();
    let fee = detail.fee_yen.filter(|_| open || detail.fee.is_some()).map(|yen| {
        let recorded = detail.fee;
        view! {
            <div class="info-block" data-testid="fee">
                <h3>{move || i18n.t("application.fee.title")}</h3>
                <p>{move || i18n.f("application.fee.text", &[("yen", format_yen(yen))])}</p>
                {match recorded {
                    Some(f) => view! { <p class="badge ok">{move || i18n.f("application.fee.recorded", &[("date", day(f.paid_on)), ("channel", i18n.t(&format!("fee.{}", f.channel)).to_owned())])}</p> }.into_any(),
                    None => view! {
                        <p class="badge status-expiring">{move || i18n.t("application.fee.pending")}</p>
                        {guide.then(|| how_to(&office, &[("office.bank_account", |o| o.bank_account.clone()), ("office.counter", |o| o.counter.clone()), ("office.postal_cash", |o| o.postal_address.clone())]))}
                    }.into_any(),
                }}
            </div>
        }
    });
    let asks_handbook =
        detail.checklist.handbook_needed && (open || detail.handbook_arrived_on.is_some());
    let handbook = asks_handbook.then(|| {
        let arrived = detail.handbook_arrived_on;
        view! {
            <div class="info-block" data-testid="handbook-note">
                <h3>{move || i18n.t("application.handbook.title")}</h3>
                <p>{move || i18n.t("application.handbook.text")}</p>
                {match arrived {
                    Some(d) => view! { <p class="badge ok">{move || i18n.f("application.handbook.arrived", &[("date", day(d))])}</p> }.into_any(),
                    None => view! {
                        <p class="badge status-expiring">{move || i18n.t("application.handbook.pending")}</p>
                        {guide.then(|| how_to(&office_h, &[("office.postal_handbook", |o| o.postal_address.clone()), ("office.counter", |o| o.counter.clone())]))}
                    }.into_any(),
                }}
            </div>
        }
    });
    view! { {fee}{handbook} }
}

/// One line of an office's details: its label and how to read it.
type OfficeLine = (&'static str, fn(&PrefectureOffice) -> Option<String>);

/// Where to pay or send, from the prefectural association's details (or where to ask).
fn how_to(office: &Option<PrefectureOffice>, rows: &[OfficeLine]) -> AnyView {
    let i18n = use_i18n();
    let Some(o) = office else {
        return view! { <p class="hint" data-testid="office-ask">{i18n.t("office.ask")}</p> }
            .into_any();
    };
    let lines: Vec<(&'static str, String)> = rows
        .iter()
        .filter_map(|(key, get)| get(o).map(|v| (*key, v)))
        .collect();
    let phone = o.phone.clone();
    let name = o.name.clone();
    view! {
        <div class="office" data-testid="office">
            {lines.into_iter().map(|(key, value)| view! { <p><strong>{i18n.t(key)}</strong><br />{value}</p> }).collect_view()}
            {phone.map(|p| view! { <p><strong>{i18n.f("office.phone", &[("name", name.clone())])}</strong><br /><a class="tel" href=format!("tel:{p}")>{p.clone()}</a></p> })}
        </div>
    }
    .into_any()
}

/// 10000 → "10,000"
pub fn format_yen(yen: u32) -> String {
    let digits = yen.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
