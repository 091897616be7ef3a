//! The eligibility engine: one pure function from (rule set, input) to a decision that explains
//! itself. The browser preview and the server decision call the same function.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalog::{
    Category, Certification, Delivery, OccupationalSubject, Procedure, Subject, UnknownCode,
};
use crate::dates::{add_months, add_years, next_day, sub_months};
use crate::input::{EvaluationInput, Period};
use crate::rules::{CovidSpecial, ReviewRounds, RuleSet};
use crate::units::Units;

/// A requirement of a procedure, by the codes of `eligibility-cases.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequirementCode {
    /// `basic.early.total`
    BasicEarlyTotal,
    /// `basic.early.subject.<subject>`
    BasicEarlySubject(OccupationalSubject),
    /// `basic.practical.total`
    BasicPracticalTotal,
    /// `basic.late.total`
    BasicLateTotal,
    /// `basic.window`
    BasicWindow,
    /// `uoeh.window`
    UoehWindow,
    /// `period`
    Period,
    /// `lifelong.total`
    LifelongTotal,
    /// `lifelong.update`
    LifelongUpdate,
    /// `lifelong.practical`
    LifelongPractical,
    /// `lifelong.specialized`
    LifelongSpecialized,
    /// `course.<subject>`
    Course(Subject),
    /// `refresher.total`
    RefresherTotal,
    /// `activity`
    Activity,
}

impl fmt::Display for RequirementCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RequirementCode::*;
        match self {
            BasicEarlyTotal => f.write_str("basic.early.total"),
            BasicEarlySubject(s) => write!(f, "basic.early.subject.{s}"),
            BasicPracticalTotal => f.write_str("basic.practical.total"),
            BasicLateTotal => f.write_str("basic.late.total"),
            BasicWindow => f.write_str("basic.window"),
            UoehWindow => f.write_str("uoeh.window"),
            Period => f.write_str("period"),
            LifelongTotal => f.write_str("lifelong.total"),
            LifelongUpdate => f.write_str("lifelong.update"),
            LifelongPractical => f.write_str("lifelong.practical"),
            LifelongSpecialized => f.write_str("lifelong.specialized"),
            Course(s) => write!(f, "course.{s}"),
            RefresherTotal => f.write_str("refresher.total"),
            Activity => f.write_str("activity"),
        }
    }
}

impl FromStr for RequirementCode {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        use RequirementCode::*;
        let fixed = match s {
            "basic.early.total" => Some(BasicEarlyTotal),
            "basic.practical.total" => Some(BasicPracticalTotal),
            "basic.late.total" => Some(BasicLateTotal),
            "basic.window" => Some(BasicWindow),
            "uoeh.window" => Some(UoehWindow),
            "period" => Some(Period),
            "lifelong.total" => Some(LifelongTotal),
            "lifelong.update" => Some(LifelongUpdate),
            "lifelong.practical" => Some(LifelongPractical),
            "lifelong.specialized" => Some(LifelongSpecialized),
            "refresher.total" => Some(RefresherTotal),
            "activity" => Some(Activity),
            _ => None,
        };
        if let Some(code) = fixed {
            return Ok(code);
        }
        let subject = |rest: &str| rest.parse::<Subject>().ok();
        if let Some(Subject::Occupational(o)) =
            s.strip_prefix("basic.early.subject.").and_then(subject)
        {
            return Ok(BasicEarlySubject(o));
        }
        if let Some(sub @ (Subject::SportsEarly(_) | Subject::SportsLate(_))) =
            s.strip_prefix("course.").and_then(subject)
        {
            return Ok(Course(sub));
        }
        Err(UnknownCode {
            what: "requirement",
            given: s.to_owned(),
            expected: "a code of eligibility-cases.md".to_owned(),
        })
    }
}

impl Serialize for RequirementCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RequirementCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Why a credit did not count (in full).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Dated after the evaluation day: not attended yet.
    AfterAsOf,
    /// Of a category this procedure does not use (e.g. lifelong units for basic training).
    WrongCategory,
    /// Already used by an approved renewal.
    Consumed,
    /// Dated outside the evaluation window.
    OutsidePeriod,
    /// An individually attended web seminar in basic training counts 0.
    OnlineBasic,
    /// Online lifelong practical training counts 0.
    OnlinePractical,
    /// Beyond the cap on online lifelong units (the rest of the credit may count).
    OnlineOverCap,
}

/// How one credit was used.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditOutcome {
    /// Position of the credit in the input.
    pub index: usize,
    /// Units that counted (may be part of the credit when a cap applies).
    pub counted: Units,
    /// Why the credit, or the rest of it, did not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
    /// A handbook credit that counts now but awaits verification of the original handbook.
    #[serde(default)]
    pub unverified_handbook: bool,
}

/// One requirement of the procedure: what is needed, what counted, whether it is met.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// Which requirement.
    pub code: RequirementCode,
    /// Whether it is met.
    pub met: bool,
    /// For unit requirements: units needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needed: Option<Units>,
    /// For unit requirements: units that counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted: Option<Units>,
    /// For counted things that are not units (activities): how many counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// For windows: the last day on which the application can be made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Requirement {
    fn units(code: RequirementCode, needed: Units, counted: Units) -> Requirement {
        Requirement {
            code,
            met: counted >= needed,
            needed: Some(needed),
            counted: Some(counted),
            count: None,
            until: None,
        }
    }

    fn window(code: RequirementCode, met: bool, until: Option<NaiveDate>) -> Requirement {
        Requirement {
            code,
            met,
            needed: None,
            counted: None,
            count: None,
            until,
        }
    }

    /// Units still missing (zero when met or not a unit requirement).
    pub fn missing(&self) -> Units {
        match (self.needed, self.counted) {
            (Some(n), Some(c)) => n - c,
            _ => Units::ZERO,
        }
    }
}

/// On what basis a renewal's evaluation window stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowBasis {
    /// The evaluation day is inside the validity period.
    InPeriod,
    /// Late, under the COVID special measure: units after expiry count up to the day.
    CovidSpecial,
    /// Late, within the grace period, with a stated reason.
    Grace,
    /// Late, within the grace period, but no reason was stated: state one to apply.
    GraceNeedsReason,
    /// Too late: the certificate has lapsed; apply anew.
    Lapsed,
}

/// The days that units are counted in, for a renewal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First day counted.
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// Why this window.
    pub basis: WindowBasis,
}

/// A JMA review round and the prefectural intake deadline before it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRound {
    /// JMA receipt deadline.
    pub jma_deadline: NaiveDate,
    /// Last day for the prefectural association to receive the application.
    pub prefectural_deadline: NaiveDate,
}

/// The days that matter to the physician.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// Expiry of the current certificate (renewals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<NaiveDate>,
    /// JMA asks for the application about this day (2 months before expiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommended_submission: Option<NaiveDate>,
    /// Last day of the grace period (with a special reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_end: Option<NaiveDate>,
    /// Last day of the COVID special measure, when it covers this certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covid_special_end: Option<NaiveDate>,
    /// Renewals: the first day a renewal can be applied for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_opens: Option<NaiveDate>,
    /// Last day to apply for a new certificate on the basis of basic training or UOEH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_window_end: Option<NaiveDate>,
    /// The next review round that an application made today can reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_round: Option<ReviewRound>,
}

/// How a new certificate is reached.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Units of training (basic training, the sports course, lifelong or refresher training).
    Training,
    /// UOEH basic or intensive course.
    Uoeh,
    /// JOA or JSPO certification.
    Exemption,
}

/// The engine's decision, explaining itself.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// What was decided.
    pub procedure: Procedure,
    /// The rule set version used.
    pub rule_set: String,
    /// The evaluation day.
    pub as_of: NaiveDate,
    /// Whether an application made on `as_of` is eligible.
    pub eligible: bool,
    /// Every unmet requirement (empty when eligible).
    pub unmet: Vec<RequirementCode>,
    /// Every requirement, met or not.
    pub requirements: Vec<Requirement>,
    /// For each input credit, how it was used.
    pub credits: Vec<CreditOutcome>,
    /// How eligibility is reached (when eligible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// Renewals: the window units are counted in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Renewals: the validity period approval would give.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_period: Option<Period>,
    /// The days that matter.
    pub deadlines: Deadlines,
    /// Counted units include handbook units that staff have not verified yet; a final approval
    /// needs them verified.
    pub relies_on_unverified_handbook: bool,
}

/// Decides `input` under `rules`. Pure, total (never panics on valid types), and independent of
/// the order of the credits.
pub fn evaluate(rules: &RuleSet, input: &EvaluationInput) -> Decision {
    let mut outcomes: Vec<CreditOutcome> = input
        .credits
        .iter()
        .enumerate()
        .map(|(index, _)| CreditOutcome {
            index,
            counted: Units::ZERO,
            excluded: None,
            unverified_handbook: false,
        })
        .collect();
    let mut decision = match input.procedure {
        Procedure::OccupationalNew => occupational_new(rules, input, &mut outcomes),
        Procedure::OccupationalRenewal => occupational_renewal(rules, input, &mut outcomes),
        Procedure::SportsNew => sports_new(rules, input, &mut outcomes),
        Procedure::SportsRenewal => sports_renewal(rules, input, &mut outcomes),
    };
    for (outcome, credit) in outcomes.iter_mut().zip(&input.credits) {
        outcome.unverified_handbook = !outcome.counted.is_zero() && credit.is_unverified_handbook();
    }
    decision.relies_on_unverified_handbook = outcomes.iter().any(|o| o.unverified_handbook);
    let rounds = match input.procedure.certification() {
        Certification::Occupational => &rules.occupational_rounds,
        Certification::Sports => &rules.sports_rounds,
    };
    decision.deadlines.next_round =
        next_review_round(rounds, input.as_of, rounds.prefectural_lead_days);
    decision.credits = outcomes;
    decision.unmet = if decision.eligible {
        Vec::new()
    } else {
        decision.unmet
    };
    decision.rule_set = rules.version.clone();
    decision
}

fn base_decision(input: &EvaluationInput) -> Decision {
    Decision {
        procedure: input.procedure,
        rule_set: String::new(),
        as_of: input.as_of,
        eligible: false,
        unmet: Vec::new(),
        requirements: Vec::new(),
        credits: Vec::new(),
        route: None,
        window: None,
        next_period: None,
        deadlines: Deadlines::default(),
        relies_on_unverified_handbook: false,
    }
}

/// Marks a credit excluded; returns false so callers can `continue` on the result.
fn exclude(outcome: &mut CreditOutcome, why: Exclusion) {
    outcome.counted = Units::ZERO;
    outcome.excluded = Some(why);
}

fn unmet_of(requirements: &[Requirement]) -> Vec<RequirementCode> {
    requirements
        .iter()
        .filter(|r| !r.met)
        .map(|r| r.code)
        .collect()
}

fn occupational_new(
    rules: &RuleSet,
    input: &EvaluationInput,
    outcomes: &mut [CreditOutcome],
) -> Decision {
    let r = &rules.occupational_new;
    let mut early_by_subject: BTreeMap<OccupationalSubject, Units> = BTreeMap::new();
    let (mut early, mut practical, mut late) = (Units::ZERO, Units::ZERO, Units::ZERO);
    let mut last_basic: Option<NaiveDate> = None;

    for (credit, outcome) in input.credits.iter().zip(outcomes.iter_mut()) {
        if credit.date > input.as_of {
            exclude(outcome, Exclusion::AfterAsOf);
        } else if !credit.category.is_occupational_basic() {
            exclude(outcome, Exclusion::WrongCategory);
        } else if credit.consumed {
            exclude(outcome, Exclusion::Consumed);
        } else if credit.delivery == Delivery::Online && !r.online_basic_counts {
            exclude(outcome, Exclusion::OnlineBasic);
        } else {
            outcome.counted = credit.units;
            match credit.category {
                Category::OccupationalBasicEarly => {
                    early += credit.units;
                    if let Some(Subject::Occupational(s)) = credit.subject {
                        *early_by_subject.entry(s).or_default() += credit.units;
                    }
                }
                Category::OccupationalBasicPractical => practical += credit.units,
                _ => late += credit.units,
            }
            if !credit.units.is_zero() {
                last_basic = last_basic.max(Some(credit.date));
            }
        }
    }

    let mut requirements = vec![Requirement::units(
        RequirementCode::BasicEarlyTotal,
        r.early_total,
        early,
    )];
    requirements.extend(r.early_subjects.iter().map(|m| {
        let counted = early_by_subject
            .get(&m.subject)
            .copied()
            .unwrap_or_default();
        Requirement::units(
            RequirementCode::BasicEarlySubject(m.subject),
            m.minimum,
            counted,
        )
    }));
    requirements.push(Requirement::units(
        RequirementCode::BasicPracticalTotal,
        r.practical_total,
        practical,
    ));
    requirements.push(Requirement::units(
        RequirementCode::BasicLateTotal,
        r.late_total,
        late,
    ));
    let basic_until = last_basic.map(|d| add_years(d, r.window_years));
    requirements.push(Requirement::window(
        RequirementCode::BasicWindow,
        basic_until.is_some_and(|until| input.as_of <= until),
        basic_until,
    ));
    let basic_met = requirements.iter().all(|q| q.met);

    let mut decision = base_decision(input);
    let mut uoeh_met = false;
    let mut window_end = basic_until;
    if let Some(done) = input.facts.uoeh_completion_date {
        let until = add_years(done, r.uoeh_window_years);
        uoeh_met = done <= input.as_of && input.as_of <= until;
        requirements.push(Requirement::window(
            RequirementCode::UoehWindow,
            uoeh_met,
            Some(until),
        ));
        window_end = window_end.max(Some(until));
    }
    decision.eligible = basic_met || uoeh_met;
    decision.route = if basic_met {
        Some(Route::Training)
    } else if uoeh_met {
        Some(Route::Uoeh)
    } else {
        None
    };
    if decision.route == Some(Route::Uoeh) {
        // The certificate rests on the UOEH course alone: basic units are neither listed as
        // shortfalls nor relied on (so none is consumed, and no handbook is asked for).
        requirements.retain(|q| q.code == RequirementCode::UoehWindow);
        for outcome in outcomes.iter_mut() {
            outcome.counted = Units::ZERO;
        }
    }
    decision.unmet = unmet_of(&requirements);
    decision.requirements = requirements;
    decision.deadlines.application_window_end = window_end;
    decision
}

/// What a renewal's window and deadlines depend on: the same rules for both certifications.
#[derive(Clone, Copy)]
struct RenewalTiming {
    opens_months: u32,
    grace_months: u32,
    recommended_months_before: u32,
    covid: Option<CovidSpecial>,
}

/// The certificate being renewed and its evaluation window.
struct RenewalFrame {
    cert: Period,
    window: Window,
    period_met: bool,
}

/// The frame of a renewal; none when no certificate is given.
fn renewal_frame(input: &EvaluationInput, timing: RenewalTiming) -> Option<RenewalFrame> {
    let cert = input.certificate?;
    let as_of = input.as_of;
    let in_grace = as_of <= add_months(cert.valid_until, timing.grace_months);
    let covid_applies = timing
        .covid
        .is_some_and(|c| cert.valid_until >= c.expiry_from && as_of <= c.ends);
    let grace_reason = input.facts.stated_grace_reason();
    let opens = sub_months(cert.valid_until, timing.opens_months);
    let (to, basis, period_met) = if as_of < opens {
        // Inside the period, but too early to apply: `period` is unmet until it opens.
        (cert.valid_until, WindowBasis::InPeriod, false)
    } else if as_of <= cert.valid_until {
        (cert.valid_until, WindowBasis::InPeriod, true)
    } else if covid_applies {
        (as_of, WindowBasis::CovidSpecial, true)
    } else if in_grace && grace_reason.is_some() {
        (cert.valid_until, WindowBasis::Grace, true)
    } else if in_grace {
        (cert.valid_until, WindowBasis::GraceNeedsReason, false)
    } else {
        (cert.valid_until, WindowBasis::Lapsed, false)
    };
    Some(RenewalFrame {
        cert,
        window: Window {
            from: cert.valid_from,
            to,
            basis,
        },
        period_met,
    })
}

/// A renewal's decision: eligible when every requirement is met, with its window, the period
/// it would grant and the days around expiry.
fn renewal_decision(
    rules: &RuleSet,
    input: &EvaluationInput,
    frame: &RenewalFrame,
    timing: RenewalTiming,
    requirements: Vec<Requirement>,
) -> Decision {
    let cert = frame.cert;
    let mut decision = base_decision(input);
    decision.unmet = unmet_of(&requirements);
    decision.eligible = decision.unmet.is_empty();
    decision.route = decision.eligible.then_some(Route::Training);
    decision.requirements = requirements;
    decision.window = Some(frame.window);
    decision.next_period = Some(next_period(rules, cert));
    decision.deadlines = Deadlines {
        expiry: Some(cert.valid_until),
        recommended_submission: Some(sub_months(
            cert.valid_until,
            timing.recommended_months_before,
        )),
        grace_end: Some(add_months(cert.valid_until, timing.grace_months)),
        renewal_opens: Some(sub_months(cert.valid_until, timing.opens_months)),
        // Only a certificate that expires while the measure still runs can ever use it.
        covid_special_end: timing
            .covid
            .filter(|c| cert.valid_until >= c.expiry_from && cert.valid_until < c.ends)
            .map(|c| c.ends),
        ..Deadlines::default()
    };
    decision
}

fn next_period(rules: &RuleSet, cert: Period) -> Period {
    Period {
        valid_from: next_day(cert.valid_until),
        valid_until: add_years(cert.valid_until, rules.validity_years),
    }
}

/// A renewal with no certificate given: nothing can count; `period` is unmet.
fn renewal_without_certificate(
    input: &EvaluationInput,
    outcomes: &mut [CreditOutcome],
) -> Decision {
    for outcome in outcomes.iter_mut() {
        exclude(outcome, Exclusion::OutsidePeriod);
    }
    let mut decision = base_decision(input);
    decision.requirements = vec![Requirement::window(RequirementCode::Period, false, None)];
    decision.unmet = vec![RequirementCode::Period];
    decision
}

fn occupational_renewal(
    rules: &RuleSet,
    input: &EvaluationInput,
    outcomes: &mut [CreditOutcome],
) -> Decision {
    let r = &rules.occupational_renewal;
    let timing = RenewalTiming {
        opens_months: rules.renewal_opens_months_before,
        grace_months: r.grace_months,
        recommended_months_before: r.recommended_months_before,
        covid: r.covid_special,
    };
    let Some(frame) = renewal_frame(input, timing) else {
        return renewal_without_certificate(input, outcomes);
    };
    let window = frame.window;

    let mut in_person: BTreeMap<Category, Units> = BTreeMap::new();
    // Online update and specialised credits compete for the cap: (index, remaining units).
    let mut online: Vec<usize> = Vec::new();
    for (i, (credit, outcome)) in input.credits.iter().zip(outcomes.iter_mut()).enumerate() {
        if credit.date > input.as_of {
            exclude(outcome, Exclusion::AfterAsOf);
        } else if !credit.category.is_occupational_lifelong() {
            exclude(outcome, Exclusion::WrongCategory);
        } else if credit.consumed {
            exclude(outcome, Exclusion::Consumed);
        } else if credit.date < window.from || credit.date > window.to {
            exclude(outcome, Exclusion::OutsidePeriod);
        } else if credit.delivery == Delivery::Online {
            if credit.category == Category::OccupationalLifelongPractical {
                exclude(outcome, Exclusion::OnlinePractical);
            } else {
                online.push(i);
            }
        } else {
            outcome.counted = credit.units;
            *in_person.entry(credit.category).or_default() += credit.units;
        }
    }

    // Allocate the online cap. Order-independent: candidates are taken chronologically with a
    // total order on their content; first enough of each kind that has no in-person unit to meet
    // its minimum, then the rest. Adding a credit can therefore never lower what counts.
    online.sort_by(|&a, &b| {
        let (x, y) = (&input.credits[a], &input.credits[b]);
        (x.date, x.category, x.units, x.source, a).cmp(&(y.date, y.category, y.units, y.source, b))
    });
    let mut cap_left = r.online_cap;
    let mut allocate = |kind: Option<Category>, wanted: Units, outcomes: &mut [CreditOutcome]| {
        let mut wanted = wanted.min(cap_left);
        for &i in &online {
            if wanted.is_zero() {
                break;
            }
            let credit = &input.credits[i];
            if kind.is_some_and(|k| k != credit.category) {
                continue;
            }
            let take = (credit.units - outcomes[i].counted).min(wanted);
            outcomes[i].counted += take;
            wanted = wanted - take;
            cap_left = cap_left - take;
        }
    };
    for kind in [
        Category::OccupationalLifelongUpdate,
        Category::OccupationalLifelongSpecialized,
    ] {
        let have = in_person.get(&kind).copied().unwrap_or_default();
        allocate(Some(kind), r.each_kind_minimum - have, outcomes);
    }
    allocate(None, r.online_cap, outcomes);
    for &i in &online {
        if outcomes[i].counted < input.credits[i].units {
            outcomes[i].excluded = Some(Exclusion::OnlineOverCap);
        }
        *in_person.entry(input.credits[i].category).or_default() += outcomes[i].counted;
    }

    let of = |c: Category| in_person.get(&c).copied().unwrap_or_default();
    let total: Units = in_person.values().copied().sum();
    let requirements = vec![
        Requirement::window(RequirementCode::Period, frame.period_met, None),
        Requirement::units(RequirementCode::LifelongTotal, r.lifelong_total, total),
        Requirement::units(
            RequirementCode::LifelongUpdate,
            r.each_kind_minimum,
            of(Category::OccupationalLifelongUpdate),
        ),
        Requirement::units(
            RequirementCode::LifelongPractical,
            r.each_kind_minimum,
            of(Category::OccupationalLifelongPractical),
        ),
        Requirement::units(
            RequirementCode::LifelongSpecialized,
            r.each_kind_minimum,
            of(Category::OccupationalLifelongSpecialized),
        ),
    ];
    renewal_decision(rules, input, &frame, timing, requirements)
}

fn sports_new(
    rules: &RuleSet,
    input: &EvaluationInput,
    outcomes: &mut [CreditOutcome],
) -> Decision {
    let r = &rules.sports_new;
    let mut by_subject: BTreeMap<Subject, Units> = BTreeMap::new();
    for (credit, outcome) in input.credits.iter().zip(outcomes.iter_mut()) {
        if credit.date > input.as_of {
            exclude(outcome, Exclusion::AfterAsOf);
        } else if !matches!(
            credit.category,
            Category::SportsCourseEarly | Category::SportsCourseLate
        ) {
            exclude(outcome, Exclusion::WrongCategory);
        } else if credit.consumed {
            exclude(outcome, Exclusion::Consumed);
        } else if credit.delivery == Delivery::Online && !r.online_counts {
            exclude(outcome, Exclusion::OnlineBasic);
        } else {
            outcome.counted = credit.units;
            if let Some(subject) = credit.subject {
                *by_subject.entry(subject).or_default() += credit.units;
            }
        }
    }
    let requirements: Vec<Requirement> = [Category::SportsCourseEarly, Category::SportsCourseLate]
        .into_iter()
        .flat_map(Category::subjects)
        .map(|s| {
            let counted = by_subject.get(&s).copied().unwrap_or_default();
            Requirement::units(RequirementCode::Course(s), r.subject_minimum, counted)
        })
        .collect();
    let mut decision = base_decision(input);
    decision.unmet = unmet_of(&requirements);
    let course_met = decision.unmet.is_empty();
    decision.eligible = course_met || input.facts.sports_exemption.is_some();
    decision.route = if course_met {
        Some(Route::Training)
    } else if decision.eligible {
        Some(Route::Exemption)
    } else {
        None
    };
    decision.requirements = requirements;
    decision
}

fn sports_renewal(
    rules: &RuleSet,
    input: &EvaluationInput,
    outcomes: &mut [CreditOutcome],
) -> Decision {
    let r = &rules.sports_renewal;
    let timing = RenewalTiming {
        opens_months: rules.renewal_opens_months_before,
        grace_months: r.grace_months,
        recommended_months_before: r.recommended_months_before,
        covid: r.covid_special,
    };
    let Some(frame) = renewal_frame(input, timing) else {
        return renewal_without_certificate(input, outcomes);
    };
    let window = frame.window;
    let inside = |d: NaiveDate| window.from <= d && d <= window.to && d <= input.as_of;
    let mut refresher = Units::ZERO;
    for (credit, outcome) in input.credits.iter().zip(outcomes.iter_mut()) {
        if credit.date > input.as_of {
            exclude(outcome, Exclusion::AfterAsOf);
        } else if credit.category != Category::SportsRefresher {
            exclude(outcome, Exclusion::WrongCategory);
        } else if credit.consumed {
            exclude(outcome, Exclusion::Consumed);
        } else if !inside(credit.date) {
            exclude(outcome, Exclusion::OutsidePeriod);
        } else {
            outcome.counted = credit.units;
            refresher += credit.units;
        }
    }
    // An activity counts with its description: a blank line is not a record of anything.
    let activities = input
        .facts
        .activities
        .iter()
        .filter(|a| inside(a.date) && !a.description.trim().is_empty())
        .count() as u32;
    let requirements = vec![
        Requirement::window(RequirementCode::Period, frame.period_met, None),
        Requirement::units(
            RequirementCode::RefresherTotal,
            r.refresher_total,
            refresher,
        ),
        Requirement {
            code: RequirementCode::Activity,
            met: activities > 0,
            needed: None,
            counted: None,
            count: Some(activities),
            until: None,
        },
    ];
    renewal_decision(rules, input, &frame, timing, requirements)
}

/// The first review round whose prefectural intake is still open on `as_of`.
pub fn next_review_round(
    rounds: &ReviewRounds,
    as_of: NaiveDate,
    lead_days: u32,
) -> Option<ReviewRound> {
    let mut deadlines: Vec<NaiveDate> = (as_of.year()..=as_of.year() + 2)
        .flat_map(|y| {
            rounds
                .months
                .iter()
                .filter_map(move |&m| NaiveDate::from_ymd_opt(y, m, rounds.day))
        })
        .collect();
    deadlines.sort_unstable();
    deadlines.into_iter().find_map(|jma_deadline| {
        let prefectural_deadline = jma_deadline - chrono::Days::new(u64::from(lead_days));
        (prefectural_deadline >= as_of).then_some(ReviewRound {
            jma_deadline,
            prefectural_deadline,
        })
    })
}
