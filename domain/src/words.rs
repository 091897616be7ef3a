//! The engine's decision in words, as catalogue messages: the readiness card on My Page and the
//! reminder mails say the same thing because both take their lines from here.

use chrono::NaiveDate;

use crate::engine::WindowBasis;
use crate::{Decision, Message, Requirement, RequirementCode};

/// A day as the app writes it everywhere: `YYYY-MM-DD` (unambiguous in both languages).
pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The name of a requirement.
pub fn label(code: RequirementCode) -> Message {
    match code {
        RequirementCode::BasicEarlySubject(s) => Message::key("common.aside")
            .arg_key("text", "req.basic.early.total")
            .arg_key("aside", format!("subject.{s}")),
        RequirementCode::Course(s) => Message::key(format!("subject.{s}")),
        other => Message::key(format!("req.{other}")),
    }
}

/// One requirement in words; none for a subject of the sports course (the card sums those up).
pub fn requirement(r: &Requirement, d: &Decision) -> Option<Message> {
    Some(match r.code {
        RequirementCode::Course(_) => return None,
        RequirementCode::Period => {
            let w = d.window?;
            if w.basis == WindowBasis::InPeriod && !r.met {
                return Some(
                    Message::key("decision.period.not_open")
                        .arg("d", d.deadlines.renewal_opens.map(day).unwrap_or_default()),
                );
            }
            let key = match w.basis {
                WindowBasis::InPeriod => "decision.period.in_period",
                WindowBasis::CovidSpecial => "decision.period.covid_special",
                WindowBasis::Grace => "decision.period.grace",
                WindowBasis::GraceNeedsReason => "decision.period.grace_needs_reason",
                WindowBasis::Lapsed => "decision.period.lapsed",
            };
            let until = match w.basis {
                WindowBasis::CovidSpecial => d.deadlines.covid_special_end,
                _ => d.deadlines.grace_end,
            };
            Message::key(key).arg("d", until.map(day).unwrap_or_default())
        }
        RequirementCode::BasicWindow => match (r.until, r.met) {
            (None, _) => Message::key("decision.window.basic.none"),
            (Some(u), true) => Message::key("decision.window.basic").arg("d", day(u)),
            (Some(u), false) => Message::key("decision.window.basic.over").arg("d", day(u)),
        },
        RequirementCode::UoehWindow => {
            Message::key("decision.window.uoeh").arg("d", r.until.map(day).unwrap_or_default())
        }
        RequirementCode::Activity => match r.count.unwrap_or(0) {
            0 => Message::key("decision.activity.missing"),
            n => Message::key("decision.activity.met").arg("n", n),
        },
        _ => {
            let (needed, counted) = (r.needed.unwrap_or_default(), r.counted.unwrap_or_default());
            if r.met {
                Message::key("decision.met_units")
                    .arg_msg("label", label(r.code))
                    .arg("c", counted)
                    .arg("n", needed)
            } else {
                Message::key("decision.missing_units")
                    .arg_msg("label", label(r.code))
                    .arg("n", r.missing())
            }
        }
    })
}

/// What is still missing, one message a line (empty when the decision is eligible).
pub fn missing(d: &Decision) -> Vec<Message> {
    d.requirements
        .iter()
        .filter(|r| !r.met)
        .filter_map(|r| requirement(r, d))
        .collect()
}
