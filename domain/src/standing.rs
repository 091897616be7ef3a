//! Where a certificate stands on a day (what the public verification page says), and which
//! expiry reminder is due (the daily reminder round). Pure: the day is always given.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::{add_months, sub_months};
use crate::engine::WindowBasis;
use crate::rules::CovidSpecial;
use crate::{Certification, EvaluationInput, Facts, Period, Procedure, RuleSet, evaluate};

/// What the verification page says of a certificate as of a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// Inside its validity period.
    Valid,
    /// Past its expiry, but still renewable (grace period or the COVID special measure).
    Expired,
    /// Past expiry and every late route: the holder must apply anew.
    Lapsed,
    /// Revoked by JMA.
    Revoked,
}

impl std::fmt::Display for CertificateStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Expired => "expired",
            CertificateStatus::Lapsed => "lapsed",
            CertificateStatus::Revoked => "revoked",
        })
    }
}

fn renewal_of(certification: Certification) -> Procedure {
    match certification {
        Certification::Occupational => Procedure::OccupationalRenewal,
        Certification::Sports => Procedure::SportsRenewal,
    }
}

/// The status of a certificate whose current period is `period` on `today`: the engine's own
/// renewal window decides between expired and lapsed, so the page and My Page agree.
pub fn status(
    rules: &RuleSet,
    certification: Certification,
    period: Period,
    revoked: bool,
    today: NaiveDate,
) -> CertificateStatus {
    if revoked {
        return CertificateStatus::Revoked;
    }
    if today <= period.valid_until {
        return CertificateStatus::Valid;
    }
    let decision = evaluate(
        rules,
        &EvaluationInput {
            procedure: renewal_of(certification),
            as_of: today,
            certificate: Some(period),
            credits: Vec::new(),
            facts: Facts::default(),
        },
    );
    match decision.window.map(|w| w.basis) {
        Some(WindowBasis::Lapsed) | None => CertificateStatus::Lapsed,
        Some(_) => CertificateStatus::Expired,
    }
}

/// The reminders of a certificate period, in the order they fall due.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Six months before expiry (renewals open about now).
    SixMonths,
    /// Three months before expiry.
    ThreeMonths,
    /// The day JMA recommends applying by (two months before expiry).
    Recommended,
    /// One month before expiry.
    OneMonth,
    /// The first day after expiry: the grace period (or the COVID special measure) begins.
    GraceStart,
    /// The COVID special measure, which this late certificate relies on, ends within three
    /// months.
    CovidEnding,
}

impl Stage {
    /// The stage's code (catalogue keys `reminder.<code>.*`, notification keys).
    pub fn code(self) -> &'static str {
        match self {
            Stage::SixMonths => "six_months",
            Stage::ThreeMonths => "three_months",
            Stage::Recommended => "recommended",
            Stage::OneMonth => "one_month",
            Stage::GraceStart => "grace_start",
            Stage::CovidEnding => "covid_ending",
        }
    }
}

/// Months before the COVID special measure ends that its reminder goes out.
pub const COVID_ENDING_MONTHS: u32 = 3;

/// The renewal timing of `certification`: grace months, recommended months before expiry, and
/// the COVID special measure.
fn timing(rules: &RuleSet, certification: Certification) -> (u32, u32, Option<CovidSpecial>) {
    match certification {
        Certification::Occupational => {
            let r = &rules.occupational_renewal;
            (r.grace_months, r.recommended_months_before, r.covid_special)
        }
        Certification::Sports => {
            let r = &rules.sports_renewal;
            (r.grace_months, r.recommended_months_before, r.covid_special)
        }
    }
}

/// The days each stage falls due for a certificate valid until `valid_until`, in order.
pub fn stage_days(
    rules: &RuleSet,
    certification: Certification,
    valid_until: NaiveDate,
) -> Vec<(Stage, NaiveDate)> {
    let (_, recommended, covid) = timing(rules, certification);
    let mut days = vec![
        (Stage::SixMonths, sub_months(valid_until, 6)),
        (Stage::ThreeMonths, sub_months(valid_until, 3)),
        (Stage::Recommended, sub_months(valid_until, recommended)),
        (Stage::OneMonth, sub_months(valid_until, 1)),
        (Stage::GraceStart, valid_until + chrono::Duration::days(1)),
    ];
    // Recommended may coincide with another stage under another rule set: keep one per day.
    days.sort_by_key(|(s, d)| (*d, *s));
    days.dedup_by_key(|(_, d)| *d);
    if let Some(c) = covid.filter(|c| valid_until >= c.expiry_from) {
        let day = sub_months(c.ends, COVID_ENDING_MONTHS);
        if day > valid_until {
            days.push((Stage::CovidEnding, day));
        }
    }
    days
}

/// The last day any reminder of this certificate can still be due: the end of its grace
/// period, or of the COVID special measure when it relies on it.
pub fn reminders_end(
    rules: &RuleSet,
    certification: Certification,
    valid_until: NaiveDate,
) -> NaiveDate {
    let (grace_months, _, covid) = timing(rules, certification);
    let grace_end = add_months(valid_until, grace_months);
    match covid.filter(|c| valid_until >= c.expiry_from) {
        Some(c) => grace_end.max(c.ends),
        None => grace_end,
    }
}

/// The reminder due on `today` for a certificate valid until `valid_until`: the latest stage
/// whose day has come, as long as the next stage's day has not (a round that missed days sends
/// the stage of today, never a backlog), and none once every late route has ended.
pub fn due(
    rules: &RuleSet,
    certification: Certification,
    valid_until: NaiveDate,
    today: NaiveDate,
) -> Option<Stage> {
    if today > reminders_end(rules, certification, valid_until) {
        return None;
    }
    stage_days(rules, certification, valid_until)
        .into_iter()
        .take_while(|(_, day)| *day <= today)
        .last()
        .map(|(stage, _)| stage)
}

/// The widest span of expiry days that can have a reminder due on `today`: the round reads
/// only certificates expiring in it.
pub fn expiries_with_reminders(rules: &RuleSet, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let mut earliest = today;
    for certification in [Certification::Occupational, Certification::Sports] {
        let (grace_months, _, covid) = timing(rules, certification);
        earliest = earliest.min(sub_months(today, grace_months));
        if let Some(c) = covid.filter(|c| today <= c.ends) {
            earliest = earliest.min(c.expiry_from);
        }
    }
    (earliest, add_months(today, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn period(until: &str) -> Period {
        Period {
            valid_from: d("2022-04-01"),
            valid_until: d(until),
        }
    }

    #[test]
    fn a_certificate_is_valid_until_its_last_day_then_expired_then_lapsed() {
        let rules = RuleSet::current();
        let sports = Certification::Sports;
        let p = period("2027-03-31");
        let at = |day: &str| status(&rules, sports, p, false, d(day));
        assert_eq!(at("2027-03-31"), CertificateStatus::Valid);
        assert_eq!(at("2027-04-01"), CertificateStatus::Expired);
        assert_eq!(at("2027-09-30"), CertificateStatus::Expired);
        assert_eq!(at("2027-10-01"), CertificateStatus::Lapsed);
        assert_eq!(
            status(&rules, sports, p, true, d("2026-12-05")),
            CertificateStatus::Revoked
        );
    }

    #[test]
    fn an_occupational_certificate_under_the_covid_measure_stays_renewable_until_it_ends() {
        let rules = RuleSet::current();
        let p = period("2024-03-31");
        let occ = Certification::Occupational;
        assert_eq!(
            status(&rules, occ, p, false, d("2026-12-05")),
            CertificateStatus::Expired
        );
        assert_eq!(
            status(&rules, occ, p, false, d("2028-04-01")),
            CertificateStatus::Lapsed
        );
    }

    #[test]
    fn each_stage_falls_due_on_its_day_and_only_until_the_next() {
        let rules = RuleSet::current();
        let sports = Certification::Sports;
        let until = d("2027-06-30");
        let at = |day: &str| due(&rules, sports, until, d(day));
        assert_eq!(at("2026-12-29"), None);
        assert_eq!(at("2026-12-30"), Some(Stage::SixMonths));
        assert_eq!(at("2027-03-29"), Some(Stage::SixMonths));
        assert_eq!(at("2027-03-30"), Some(Stage::ThreeMonths));
        assert_eq!(at("2027-04-30"), Some(Stage::Recommended));
        assert_eq!(at("2027-05-30"), Some(Stage::OneMonth));
        assert_eq!(at("2027-06-30"), Some(Stage::OneMonth));
        assert_eq!(at("2027-07-01"), Some(Stage::GraceStart));
        assert_eq!(at("2027-12-30"), Some(Stage::GraceStart));
        assert_eq!(at("2028-01-01"), None);
    }

    #[test]
    fn a_late_occupational_certificate_is_told_when_the_covid_measure_nears_its_end() {
        let rules = RuleSet::current();
        let occ = Certification::Occupational;
        let until = d("2025-06-30");
        assert_eq!(
            due(&rules, occ, until, d("2027-12-30")),
            Some(Stage::GraceStart)
        );
        assert_eq!(
            due(&rules, occ, until, d("2027-12-31")),
            Some(Stage::CovidEnding)
        );
        assert_eq!(
            due(&rules, occ, until, d("2028-03-31")),
            Some(Stage::CovidEnding)
        );
        assert_eq!(due(&rules, occ, until, d("2028-04-01")), None);
        // A sports certificate does not rely on it (its measure ended in 2023).
        assert_eq!(
            due(&rules, Certification::Sports, until, d("2027-12-31")),
            None
        );
    }

    #[test]
    fn the_round_reads_every_expiry_that_can_have_a_reminder_due() {
        let rules = RuleSet::current();
        let today = d("2026-12-05");
        let (from, to) = expiries_with_reminders(&rules, today);
        for until in [from, to, d("2024-01-31"), d("2027-06-05")] {
            let _ = due(&rules, Certification::Occupational, until, today);
        }
        assert!(due(&rules, Certification::Sports, to, today).is_some());
        assert!(from <= d("2020-02-01"));
        let before = from - chrono::Duration::days(1);
        for c in [Certification::Occupational, Certification::Sports] {
            assert_eq!(due(&rules, c, before, today), None);
            assert_eq!(due(&rules, c, to + chrono::Duration::days(1), today), None);
        }
    }
}
