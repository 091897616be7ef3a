//! Properties of the engine that must hold for any ledger.

use chrono::{Days, NaiveDate};
use domain::{
    Category, Credit, Delivery, EvaluationInput, Facts, Period, Procedure, RuleSet, Source, Units,
    evaluate,
};
use proptest::prelude::*;

fn arb_credit() -> impl Strategy<Value = Credit> {
    (
        0u64..3650,
        0usize..Category::ALL.len(),
        0usize..25,
        0u32..12,
        any::<bool>(),
        0u8..3,
        any::<bool>(),
    )
        .prop_map(|(day, cat, subject, halves, online, source, consumed)| {
            let category = Category::ALL[cat];
            let subjects = category.subjects();
            let base = NaiveDate::from_ymd_opt(2018, 1, 1).expect("valid date");
            Credit {
                date: base + Days::new(day),
                category,
                subject: (!subjects.is_empty()).then(|| subjects[subject % subjects.len()]),
                units: Units::from_halves(halves),
                delivery: if online {
                    Delivery::Online
                } else {
                    Delivery::InPerson
                },
                source: [Source::System, Source::Handbook, Source::Staff][source as usize],
                consumed: consumed && day % 5 == 0,
                verified: false,
            }
        })
}

fn arb_input() -> impl Strategy<Value = EvaluationInput> {
    (
        0usize..4,
        0u64..3650,
        0u64..2200,
        prop::collection::vec(arb_credit(), 0..60),
        any::<bool>(),
    )
        .prop_map(|(p, as_of, start, credits, reason)| {
            let base = NaiveDate::from_ymd_opt(2018, 1, 1).expect("valid date");
            let valid_from = base + Days::new(start);
            EvaluationInput {
                procedure: Procedure::ALL[p],
                as_of: base + Days::new(as_of),
                certificate: Some(Period {
                    valid_from,
                    valid_until: domain::dates::add_years(valid_from, 5) - Days::new(1),
                }),
                credits,
                facts: Facts {
                    grace_reason: reason.then(|| "illness".to_owned()),
                    ..Facts::default()
                },
            }
        })
}

/// What must not change: eligibility, unmet codes, and what counted per requirement.
type Summary = (bool, Vec<String>, Vec<(String, Option<Units>)>);

fn summary(input: &EvaluationInput) -> Summary {
    let d = evaluate(&RuleSet::current(), input);
    let mut unmet: Vec<String> = d.unmet.iter().map(ToString::to_string).collect();
    unmet.sort();
    let reqs = d
        .requirements
        .iter()
        .map(|r| (r.code.to_string(), r.counted))
        .collect();
    (d.eligible, unmet, reqs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_decision_does_not_depend_on_the_order_of_credits(input in arb_input(), seed in any::<u64>()) {
        let mut shuffled = input.clone();
        let n = shuffled.credits.len();
        if n > 1 {
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.credits.swap(i, (s >> 33) as usize % (i + 1));
            }
        }
        prop_assert_eq!(summary(&input), summary(&shuffled));
    }

    #[test]
    fn adding_a_counted_credit_never_turns_eligible_into_not_eligible(input in arb_input(), extra in arb_credit()) {
        let before = evaluate(&RuleSet::current(), &input);
        let mut more = input.clone();
        more.credits.push(extra);
        let after = evaluate(&RuleSet::current(), &more);
        let counted = !after.credits.last().expect("the added credit").counted.is_zero();
        if before.eligible && counted {
            prop_assert!(after.eligible, "adding {:?} made it ineligible: {:?}", more.credits.last(), after.unmet);
        }
    }

    #[test]
    fn removing_a_credit_never_turns_not_eligible_into_eligible(input in arb_input(), which in any::<prop::sample::Index>()) {
        prop_assume!(!input.credits.is_empty());
        let before = evaluate(&RuleSet::current(), &input);
        let mut fewer = input.clone();
        fewer.credits.remove(which.index(input.credits.len()));
        let after = evaluate(&RuleSet::current(), &fewer);
        if !before.eligible {
            prop_assert!(!after.eligible);
        }
    }

    #[test]
    fn every_counted_credit_counts_at_most_its_own_units(input in arb_input()) {
        let d = evaluate(&RuleSet::current(), &input);
        prop_assert_eq!(d.credits.len(), input.credits.len());
        for (o, c) in d.credits.iter().zip(&input.credits) {
            prop_assert!(o.counted <= c.units);
        }
        prop_assert_eq!(d.eligible, d.unmet.is_empty());
    }
}
