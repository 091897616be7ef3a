//! The readiness card: the engine's decision in plain words, with a progress bar per
//! requirement and the days that matter.

use chrono::NaiveDate;
use domain::engine::{Deadlines, Route};
use domain::{Decision, Requirement, RequirementCode, Subject};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{I18n, use_i18n};

pub use domain::words::day;

/// One line of the card: the requirement in words (`domain::words`, the same lines as the
/// reminder mails), and a progress bar for unit requirements.
fn requirement_line(i18n: &I18n, r: &Requirement, d: &Decision) -> Option<AnyView> {
    let code = r.code.to_string();
    let text = i18n.msg(&domain::words::requirement(r, d)?);
    let progress: Option<u32> = match r.code {
        RequirementCode::Period | RequirementCode::BasicWindow | RequirementCode::UoehWindow => {
            None
        }
        RequirementCode::Activity => Some(if r.count.unwrap_or(0) == 0 { 0 } else { 1000 }),
        _ => Some(
            r.counted
                .unwrap_or_default()
                .per_mille_of(r.needed.unwrap_or_default()),
        ),
    };
    let met = r.met;
    // The bar is named by the requirement it measures.
    let bar_name = text.clone();
    Some(
        view! {
            <li class="req" class:met=met data-code=code>
                <span class="req-mark" aria-hidden="true">{if met { "✓" } else { "!" }}</span>
                <div class="req-body">
                    <span class="req-text">{text}</span>
                    {progress.map(|p| view! {
                        <div class="bar" role="progressbar" aria-label=bar_name aria-valuemin="0" aria-valuemax="100" aria-valuenow=(p / 10).to_string()>
                            <div class="bar-fill" style=format!("width:{}%", p / 10)></div>
                        </div>
                    })}
                </div>
            </li>
        }
        .into_any(),
    )
}

/// The sports course, summarised: subjects done out of 25, and the ones missing by name.
fn course_summary(i18n: &I18n, d: &Decision) -> Option<AnyView> {
    let course: Vec<&Requirement> = d
        .requirements
        .iter()
        .filter(|r| matches!(r.code, RequirementCode::Course(_)))
        .collect();
    if course.is_empty() {
        return None;
    }
    let done = course.iter().filter(|r| r.met).count();
    let missing: Vec<Subject> = course
        .iter()
        .filter(|r| !r.met)
        .filter_map(|r| match r.code {
            RequirementCode::Course(s) => Some(s),
            _ => None,
        })
        .collect();
    let shown: Vec<String> = missing
        .iter()
        .take(5)
        .map(|s| {
            i18n.f(
                "decision.missing_course",
                &[("label", i18n.t(&format!("subject.{s}")).to_owned())],
            )
        })
        .collect();
    let more = missing.len().saturating_sub(5);
    let per_mille = (done * 1000 / course.len()) as u32;
    Some(
        view! {
            <li class="req" class:met=missing.is_empty() data-code="course">
                <span class="req-mark" aria-hidden="true">{if missing.is_empty() { "✓" } else { "!" }}</span>
                <div class="req-body">
                    <span class="req-text">{i18n.f("decision.course_progress", &[("c", done.to_string())])}</span>
                    <div class="bar"><div class="bar-fill" style=format!("width:{}%", per_mille / 10)></div></div>
                    <ul class="missing-list">
                        {shown.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                        {(more > 0).then(|| view! { <li>{i18n.f("decision.course_more", &[("n", more.to_string())])}</li> })}
                    </ul>
                </div>
            </li>
        }
        .into_any(),
    )
}

fn deadline_rows(
    i18n: &I18n,
    d: &Deadlines,
    next: Option<domain::Period>,
) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut push = |key: &str, value: Option<NaiveDate>| {
        if let Some(v) = value {
            rows.push((i18n.t(key).to_owned(), day(v)));
        }
    };
    push("deadline.expiry", d.expiry);
    push("deadline.recommended", d.recommended_submission);
    push("deadline.grace_end", d.grace_end);
    push("deadline.covid_end", d.covid_special_end);
    push("deadline.window_end", d.application_window_end);
    // The next review round matters to a renewal only near its expiry: for a certificate valid
    // for years it would read like a deadline that applies now (the recommended day says when).
    let relevant = |r: &domain::engine::ReviewRound| {
        d.expiry
            .is_none_or(|e| r.jma_deadline + chrono::Days::new(183) >= e)
    };
    if let Some(r) = d.next_round.filter(relevant) {
        rows.push((
            i18n.f("deadline.next_round", &[("jma", day(r.jma_deadline))]),
            day(r.prefectural_deadline),
        ));
    }
    if let Some(p) = next {
        rows.push((
            i18n.t("deadline.next_period").to_owned(),
            format!("{} – {}", day(p.valid_from), day(p.valid_until)),
        ));
    }
    rows
}

/// The decision for one procedure.
#[component]
pub fn DecisionCard(
    decision: Decision,
    /// The physician's application for this procedure already under way (My Page): the card
    /// says so and links to it instead of saying 申請できます.
    #[prop(default = None)]
    under_way: Option<domain::api::OpenApplication>,
    /// On a reviewer's page: whether the application's checklist (fee, documents, handbook) is
    /// complete. The card then says what the reviewer may do, never 申請できます while the
    /// checklist is unmet.
    #[prop(default = None)]
    checklist_complete: Option<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = decision;
    let procedure = d.procedure.to_string();
    let unmet: Vec<String> = {
        let mut v: Vec<String> = d.unmet.iter().map(ToString::to_string).collect();
        v.sort();
        v
    };
    let headline = match (checklist_complete, d.eligible) {
        (None, true) => i18n.t("decision.eligible"),
        (None, false) => i18n.t("decision.not_eligible"),
        (Some(true), true) => i18n.t("decision.review.ready"),
        (Some(false), true) => i18n.t("decision.review.checklist"),
        (Some(_), false) => i18n.t("decision.review.unmet"),
    };
    let headline_ok = d.eligible && checklist_complete != Some(false);
    let route = match d.route {
        Some(Route::Uoeh) => Some(i18n.t("decision.route.uoeh")),
        Some(Route::Exemption) => Some(i18n.t("decision.route.exemption")),
        _ => None,
    };
    let lines: Vec<AnyView> = d
        .requirements
        .iter()
        .filter_map(|r| requirement_line(&i18n, r, &d))
        .collect();
    let course = course_summary(&i18n, &d);
    let rows = deadline_rows(&i18n, &d.deadlines, d.next_period);
    view! {
        <section
            class="card decision"
            class:eligible=d.eligible
            data-testid=format!("decision-{procedure}")
            data-eligible=d.eligible.to_string()
            data-unmet=unmet.join(",")
            data-as-of=day(d.as_of)
        >
            <h3>{i18n.t(&format!("procedure.{procedure}"))}</h3>
            {match under_way {
                Some(a) => view! {
                    <p class="headline" data-testid="decision-under-way">
                        <A href=crate::routes::Page::Application.with_id(a.id) attr:class="badge info">
                            {i18n.f("mypage.under_way", &[("status", i18n.t(&format!("application.status.{}", a.status)).to_owned())])}
                        </A>
                    </p>
                }.into_any(),
                None => view! {
                    <p class="headline">
                        <span class="badge" class:ok=headline_ok data-testid="decision-headline">{headline}</span>
                    </p>
                }.into_any(),
            }}
            {route.map(|r| view! { <p class="note">{r}</p> })}
            {d.relies_on_unverified_handbook.then(|| view! { <p class="note warn">{i18n.t("decision.unverified")}</p> })}
            <ul class="reqs">{lines}{course}</ul>
            <dl class="deadlines">
                {rows.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
            </dl>
        </section>
    }
}
