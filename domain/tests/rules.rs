//! One test per rule of `shared/spec/rules.md`, named as the rule reads.

use chrono::NaiveDate;
use domain::engine::{Exclusion, Route, WindowBasis};
use domain::{
    Activity, Category, Credit, Decision, Delivery, EvaluationInput, Facts, OccupationalSubject,
    Period, Procedure, RequirementCode, RuleSet, Source, SportsExemption, Subject, Units, evaluate,
};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn credit(date: &str, category: Category, units: u32) -> Credit {
    Credit::new(d(date), category, Units::whole(units))
}

fn online(mut c: Credit) -> Credit {
    c.delivery = Delivery::Online;
    c
}

fn decide(
    procedure: Procedure,
    as_of: &str,
    cert: Option<(&str, &str)>,
    credits: Vec<Credit>,
    facts: Facts,
) -> Decision {
    let input = EvaluationInput {
        procedure,
        as_of: d(as_of),
        certificate: cert.map(|(f, u)| Period {
            valid_from: d(f),
            valid_until: d(u),
        }),
        credits,
        facts,
    };
    input.validate().expect("valid test input");
    evaluate(&RuleSet::current(), &input)
}

fn renewal(as_of: &str, credits: Vec<Credit>) -> Decision {
    decide(
        Procedure::OccupationalRenewal,
        as_of,
        Some(("2021-06-01", "2026-05-31")),
        credits,
        Facts::default(),
    )
}

fn full_lifelong(date: &str) -> Vec<Credit> {
    vec![
        credit(date, Category::OccupationalLifelongUpdate, 1),
        credit(date, Category::OccupationalLifelongPractical, 1),
        credit(date, Category::OccupationalLifelongSpecialized, 18),
    ]
}

fn early(date: &str, subject: OccupationalSubject, units: u32) -> Credit {
    let mut c = credit(date, Category::OccupationalBasicEarly, units);
    c.subject = Some(Subject::Occupational(subject));
    c
}

fn full_basic(date: &str) -> Vec<Credit> {
    let mut credits: Vec<Credit> = RuleSet::current()
        .occupational_new
        .early_subjects
        .iter()
        .map(|m| {
            let mut c = early(date, m.subject, 0);
            c.units = m.minimum;
            c
        })
        .collect();
    credits.push(credit(date, Category::OccupationalBasicPractical, 10));
    credits.push(credit(date, Category::OccupationalBasicLate, 26));
    credits
}

/// Facts with one sports activity.
fn one_activity(date: &str, description: &str) -> Facts {
    Facts {
        activities: vec![Activity {
            date: d(date),
            description: description.into(),
        }],
        ..Facts::default()
    }
}

fn unmet(decision: &Decision) -> Vec<String> {
    let mut v: Vec<String> = decision.unmet.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

#[test]
fn half_units_add_up_to_whole_requirements() {
    let mut credits = full_lifelong("2023-01-01");
    credits[2].units = Units::from_halves(35);
    credits.push(Credit::new(
        d("2024-01-01"),
        Category::OccupationalLifelongSpecialized,
        Units::from_halves(1),
    ));
    assert!(renewal("2026-03-01", credits).eligible);
}

#[test]
fn a_credit_dated_after_the_evaluation_day_does_not_count_yet() {
    let decision = renewal("2023-01-01", full_lifelong("2024-01-01"));
    assert!(!decision.eligible);
    assert!(
        decision
            .credits
            .iter()
            .all(|c| c.excluded == Some(Exclusion::AfterAsOf))
    );
}

#[test]
fn lifelong_units_never_count_toward_basic_training() {
    let mut credits = full_basic("2024-01-01");
    credits.pop();
    credits.push(credit(
        "2024-01-01",
        Category::OccupationalLifelongSpecialized,
        26,
    ));
    let decision = decide(
        Procedure::OccupationalNew,
        "2025-01-01",
        None,
        credits,
        Facts::default(),
    );
    assert_eq!(unmet(&decision), ["basic.late.total"]);
    assert_eq!(
        decision.credits.last().unwrap().excluded,
        Some(Exclusion::WrongCategory)
    );
}

#[test]
fn online_basic_units_count_zero() {
    let mut credits = full_basic("2024-01-01");
    let practical = credits
        .iter_mut()
        .find(|c| c.category == Category::OccupationalBasicPractical)
        .unwrap();
    practical.delivery = Delivery::Online;
    let decision = decide(
        Procedure::OccupationalNew,
        "2025-01-01",
        None,
        credits,
        Facts::default(),
    );
    assert_eq!(unmet(&decision), ["basic.practical.total"]);
    assert!(
        decision
            .credits
            .iter()
            .any(|c| c.excluded == Some(Exclusion::OnlineBasic))
    );
}

#[test]
fn each_early_subject_must_reach_its_own_minimum_even_when_the_early_total_is_reached() {
    let mut credits = full_basic("2024-01-01");
    credits
        .retain(|c| c.subject != Some(Subject::Occupational(OccupationalSubject::HazardousWork)));
    credits.push(early("2024-01-01", OccupationalSubject::General, 2));
    let decision = decide(
        Procedure::OccupationalNew,
        "2025-01-01",
        None,
        credits,
        Facts::default(),
    );
    assert_eq!(unmet(&decision), ["basic.early.subject.hazardous_work"]);
}

#[test]
fn a_new_application_must_be_made_within_five_years_of_the_last_basic_day() {
    let credits = full_basic("2020-02-29");
    let on_time = decide(
        Procedure::OccupationalNew,
        "2025-02-28",
        None,
        credits.clone(),
        Facts::default(),
    );
    assert!(on_time.eligible);
    assert_eq!(
        on_time.deadlines.application_window_end,
        Some(d("2025-02-28"))
    );
    let late = decide(
        Procedure::OccupationalNew,
        "2025-03-01",
        None,
        credits,
        Facts::default(),
    );
    assert_eq!(unmet(&late), ["basic.window"]);
}

#[test]
fn a_uoeh_graduate_with_some_basic_units_is_shown_no_basic_shortfall_and_relies_on_none() {
    let facts = Facts {
        uoeh_completion_date: Some(d("2023-03-20")),
        ..Facts::default()
    };
    let mut handbook = credit("2024-05-01", Category::OccupationalBasicEarly, 2);
    handbook.subject = Some(Subject::Occupational(OccupationalSubject::General));
    handbook.source = Source::Handbook;
    let decision = decide(
        Procedure::OccupationalNew,
        "2026-03-20",
        None,
        vec![handbook],
        facts,
    );
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Uoeh));
    let codes: Vec<String> = decision
        .requirements
        .iter()
        .map(|r| r.code.to_string())
        .collect();
    assert_eq!(codes, ["uoeh.window"], "no basic line is shown as missing");
    assert!(
        decision.credits.iter().all(|c| c.counted.is_zero()),
        "nothing consumed"
    );
    assert!(
        !decision.relies_on_unverified_handbook,
        "no handbook original needed"
    );
}

#[test]
fn a_uoeh_graduate_qualifies_without_units_within_five_years_of_completion() {
    let facts = Facts {
        uoeh_completion_date: Some(d("2021-03-20")),
        ..Facts::default()
    };
    let decision = decide(
        Procedure::OccupationalNew,
        "2026-03-20",
        None,
        vec![],
        facts.clone(),
    );
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Uoeh));
    let late = decide(
        Procedure::OccupationalNew,
        "2026-03-21",
        None,
        vec![],
        facts,
    );
    assert!(!late.eligible);
    assert!(unmet(&late).contains(&"uoeh.window".to_owned()));
    assert!(unmet(&late).contains(&"basic.late.total".to_owned()));
}

#[test]
fn a_renewal_opens_six_months_before_expiry_and_says_when() {
    // Valid until 2026-05-31: every unit is there, but three years early nothing can be sent
    // (a renewal approved then would leave the rest of the period's units counting for nothing).
    let early = renewal("2023-06-01", full_lifelong("2023-01-01"));
    assert!(!early.eligible);
    assert_eq!(unmet(&early), ["period"]);
    assert_eq!(early.deadlines.renewal_opens, Some(d("2025-11-30")));
    let line = domain::words::missing(&early)[0].render(domain::Lang::Ja);
    assert!(line.contains("2025-11-30"), "{line}");
    assert!(!renewal("2025-11-29", full_lifelong("2023-01-01")).eligible);
    assert!(renewal("2025-11-30", full_lifelong("2023-01-01")).eligible);
}

#[test]
fn renewal_counts_only_units_inside_the_validity_period() {
    let mut credits = full_lifelong("2023-01-01");
    credits[2].date = d("2021-05-31");
    let decision = renewal("2026-03-01", credits);
    assert_eq!(unmet(&decision), ["lifelong.specialized", "lifelong.total"]);
    assert_eq!(decision.credits[2].excluded, Some(Exclusion::OutsidePeriod));
}

#[test]
fn renewal_needs_at_least_one_unit_of_update_practical_and_specialised() {
    let credits = vec![credit(
        "2023-01-01",
        Category::OccupationalLifelongSpecialized,
        20,
    )];
    assert_eq!(
        unmet(&renewal("2026-03-01", credits)),
        ["lifelong.practical", "lifelong.update"]
    );
}

#[test]
fn at_most_five_online_lifelong_units_count_and_the_rest_of_a_credit_is_marked_over_the_cap() {
    let credits = vec![
        credit("2023-01-01", Category::OccupationalLifelongPractical, 1),
        online(credit(
            "2023-01-01",
            Category::OccupationalLifelongUpdate,
            4,
        )),
        online(credit(
            "2023-02-01",
            Category::OccupationalLifelongSpecialized,
            4,
        )),
        credit("2023-03-01", Category::OccupationalLifelongSpecialized, 14),
    ];
    let decision = renewal("2026-03-01", credits);
    let total = decision
        .requirements
        .iter()
        .find(|r| r.code == RequirementCode::LifelongTotal)
        .unwrap();
    assert_eq!(total.counted, Some(Units::whole(20)));
    assert!(decision.eligible);
    let capped: Units = decision.credits[1..3].iter().map(|c| c.counted).sum();
    assert_eq!(capped, Units::whole(5));
    assert!(
        decision
            .credits
            .iter()
            .any(|c| c.excluded == Some(Exclusion::OnlineOverCap))
    );
}

#[test]
fn the_online_cap_is_spent_first_on_a_kind_that_would_otherwise_be_missing() {
    let credits = vec![
        credit("2023-01-01", Category::OccupationalLifelongPractical, 1),
        credit("2023-01-01", Category::OccupationalLifelongSpecialized, 14),
        online(credit(
            "2022-01-01",
            Category::OccupationalLifelongSpecialized,
            5,
        )),
        online(credit(
            "2024-01-01",
            Category::OccupationalLifelongUpdate,
            1,
        )),
    ];
    let decision = renewal("2026-03-01", credits);
    assert!(decision.eligible, "{:?}", decision.unmet);
    assert_eq!(decision.credits[3].counted, Units::whole(1));
}

#[test]
fn online_lifelong_practical_units_count_zero() {
    let mut credits = full_lifelong("2023-01-01");
    credits[1] = online(credits[1].clone());
    let decision = renewal("2026-03-01", credits);
    assert_eq!(unmet(&decision), ["lifelong.practical", "lifelong.total"]);
    assert_eq!(
        decision.credits[1].excluded,
        Some(Exclusion::OnlinePractical)
    );
}

#[test]
fn units_used_by_an_approved_renewal_are_consumed() {
    let mut credits = full_lifelong("2023-01-01");
    credits[0].consumed = true;
    let decision = renewal("2026-03-01", credits);
    assert_eq!(unmet(&decision), ["lifelong.total", "lifelong.update"]);
    assert_eq!(decision.credits[0].excluded, Some(Exclusion::Consumed));
}

#[test]
fn the_new_period_follows_on_from_the_old_one_whatever_the_approval_date() {
    let decision = renewal("2026-03-01", full_lifelong("2023-01-01"));
    let next = decision.next_period.unwrap();
    assert_eq!(
        (next.valid_from, next.valid_until),
        (d("2026-06-01"), d("2031-05-31"))
    );
    let deadlines = &decision.deadlines;
    assert_eq!(deadlines.recommended_submission, Some(d("2026-03-31")));
    assert_eq!(deadlines.grace_end, Some(d("2026-11-30")));
    assert_eq!(deadlines.covid_special_end, Some(d("2028-03-31")));
}

#[test]
fn the_covid_special_end_is_not_shown_for_a_certificate_expiring_after_the_measure_ends() {
    let decision = decide(
        Procedure::OccupationalRenewal,
        "2026-03-01",
        Some(("2024-05-14", "2029-05-13")),
        full_lifelong("2025-01-01"),
        Facts::default(),
    );
    assert_eq!(decision.deadlines.covid_special_end, None);
}

#[test]
fn a_late_renewal_within_grace_needs_a_stated_reason() {
    let cert = Some(("2016-06-01", "2021-05-31"));
    let credits = full_lifelong("2019-01-01");
    // The COVID special covers this certificate too, so test grace with a rule set without it.
    let mut rules = RuleSet::current();
    rules.occupational_renewal.covid_special = None;
    let mut input = EvaluationInput {
        procedure: Procedure::OccupationalRenewal,
        as_of: d("2021-09-01"),
        certificate: cert.map(|(f, u)| Period {
            valid_from: d(f),
            valid_until: d(u),
        }),
        credits,
        facts: Facts::default(),
    };
    let without = evaluate(&rules, &input);
    assert_eq!(unmet(&without), ["period"]);
    assert_eq!(without.window.unwrap().basis, WindowBasis::GraceNeedsReason);
    input.facts.grace_reason = Some("  ".into());
    assert!(
        !evaluate(&rules, &input).eligible,
        "a blank reason is no reason"
    );
    input.facts.grace_reason = Some("work abroad".into());
    let with = evaluate(&rules, &input);
    assert!(with.eligible);
    assert_eq!(with.window.unwrap().basis, WindowBasis::Grace);
    input.as_of = d("2021-12-01");
    assert_eq!(
        evaluate(&rules, &input).window.unwrap().basis,
        WindowBasis::Lapsed
    );
}

#[test]
fn under_the_covid_special_units_after_expiry_count_until_the_measure_ends() {
    let cert = Some(("2020-06-01", "2025-05-31"));
    let mut credits = full_lifelong("2022-01-01");
    credits[2].date = d("2027-01-01");
    let decision = decide(
        Procedure::OccupationalRenewal,
        "2027-02-01",
        cert,
        credits.clone(),
        Facts::default(),
    );
    assert!(decision.eligible);
    assert_eq!(decision.window.unwrap().basis, WindowBasis::CovidSpecial);
    assert_eq!(decision.next_period.unwrap().valid_from, d("2025-06-01"));
    assert_eq!(decision.deadlines.covid_special_end, Some(d("2028-03-31")));
    let after = decide(
        Procedure::OccupationalRenewal,
        "2028-04-01",
        cert,
        credits,
        Facts::default(),
    );
    assert_eq!(
        unmet(&after),
        ["lifelong.specialized", "lifelong.total", "period"]
    );
}

#[test]
fn the_covid_special_does_not_cover_certificates_that_expired_before_february_2020() {
    let decision = decide(
        Procedure::OccupationalRenewal,
        "2020-09-01",
        Some(("2015-01-01", "2020-01-31")),
        full_lifelong("2019-01-01"),
        Facts::default(),
    );
    assert_eq!(decision.window.unwrap().basis, WindowBasis::Lapsed);
    assert_eq!(decision.deadlines.covid_special_end, None);
}

#[test]
fn sports_new_needs_every_one_of_the_25_subjects_and_web_attendance_counts() {
    let subjects: Vec<Subject> = [Category::SportsCourseEarly, Category::SportsCourseLate]
        .into_iter()
        .flat_map(|c| c.subjects().into_iter().map(move |s| (c, s)))
        .map(|(_, s)| s)
        .collect();
    assert_eq!(subjects.len(), 25);
    let credits: Vec<Credit> = subjects
        .iter()
        .map(|s| {
            let category = if matches!(s, Subject::SportsEarly(_)) {
                Category::SportsCourseEarly
            } else {
                Category::SportsCourseLate
            };
            let mut c = online(credit("2022-01-01", category, 1));
            c.subject = Some(*s);
            c
        })
        .collect();
    let all = decide(
        Procedure::SportsNew,
        "2026-01-01",
        None,
        credits.clone(),
        Facts::default(),
    );
    assert!(all.eligible);
    let missing = decide(
        Procedure::SportsNew,
        "2026-01-01",
        None,
        credits[1..].to_vec(),
        Facts::default(),
    );
    assert_eq!(unmet(&missing), ["course.early_01"]);
}

#[test]
fn a_joa_sports_physician_is_exempt_from_the_course() {
    let facts = Facts {
        sports_exemption: Some(SportsExemption::Joa),
        ..Facts::default()
    };
    let decision = decide(Procedure::SportsNew, "2026-01-01", None, vec![], facts);
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Exemption));
}

#[test]
fn sports_renewal_needs_five_refresher_units_and_an_activity_inside_the_period() {
    let cert = Some(("2021-06-01", "2026-05-31"));
    let credits = vec![credit("2022-01-01", Category::SportsRefresher, 5)];
    let facts = one_activity("2021-05-01", "before the period");
    let decision = decide(Procedure::SportsRenewal, "2026-04-01", cert, credits, facts);
    assert_eq!(unmet(&decision), ["activity"]);
}

#[test]
fn a_sports_activity_without_a_description_is_not_counted() {
    let cert = Some(("2021-06-01", "2026-05-31"));
    let credits = vec![credit("2022-01-01", Category::SportsRefresher, 5)];
    let blank = one_activity("2023-05-01", "  ");
    let decision = decide(
        Procedure::SportsRenewal,
        "2026-04-01",
        cert,
        credits.clone(),
        blank,
    );
    assert_eq!(unmet(&decision), ["activity"]);
    let described = one_activity("2023-05-01", "学校医として運動器検診");
    let decision = decide(
        Procedure::SportsRenewal,
        "2026-04-01",
        cert,
        credits,
        described,
    );
    assert!(decision.eligible, "{:?}", unmet(&decision));
}

#[test]
fn the_sports_covid_measure_has_ended() {
    let cert = Some(("2020-06-01", "2025-05-31"));
    let credits = vec![credit("2022-01-01", Category::SportsRefresher, 5)];
    let facts = one_activity("2022-05-01", "school physician");
    let decision = decide(Procedure::SportsRenewal, "2026-01-10", cert, credits, facts);
    assert_eq!(unmet(&decision), ["period"]);
    assert_eq!(decision.window.unwrap().basis, WindowBasis::Lapsed);
}

#[test]
fn unverified_handbook_units_count_but_are_flagged() {
    let mut credits = full_lifelong("2021-07-01");
    credits[2].source = Source::Handbook;
    let decision = renewal("2026-03-01", credits.clone());
    assert!(decision.eligible);
    assert!(decision.relies_on_unverified_handbook);
    credits[2].verified = true;
    assert!(!renewal("2026-03-01", credits).relies_on_unverified_handbook);
}

#[test]
fn the_next_review_round_is_the_first_whose_prefectural_intake_is_still_open() {
    let decision = renewal("2026-03-01", full_lifelong("2023-01-01"));
    let round = decision.deadlines.next_round.unwrap();
    assert_eq!(round.jma_deadline, d("2026-05-01"));
    assert_eq!(round.prefectural_deadline, d("2026-04-03"));
    let decision = renewal("2026-04-04", full_lifelong("2023-01-01"));
    assert_eq!(
        decision.deadlines.next_round.unwrap().jma_deadline,
        d("2026-07-01")
    );
}

#[test]
fn a_subject_that_does_not_fit_its_category_is_an_input_error() {
    let mut c = credit("2023-01-01", Category::OccupationalLifelongUpdate, 1);
    c.subject = Some(Subject::SportsEarly(1));
    assert!(c.check_subject().is_err());
    let mut c = credit("2023-01-01", Category::OccupationalBasicEarly, 1);
    assert!(c.check_subject().is_err());
    c.subject = Some(Subject::SportsLate(3));
    assert!(c.check_subject().is_err());
}
