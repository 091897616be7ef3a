//! Time to evaluate a 1,000-credit ledger natively (target: under 1 ms).

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::{
    Category, Credit, Delivery, EvaluationInput, Facts, Period, Procedure, RuleSet, Units, evaluate,
};

fn ledger(procedure: Procedure) -> EvaluationInput {
    let start = NaiveDate::from_ymd_opt(2021, 6, 1).expect("valid date");
    let kinds = [
        Category::OccupationalLifelongUpdate,
        Category::OccupationalLifelongPractical,
        Category::OccupationalLifelongSpecialized,
        Category::OccupationalBasicLate,
    ];
    let credits = (0..1000u32)
        .map(|i| {
            let mut c = Credit::new(
                start + Days::new(u64::from(i % 1800)),
                kinds[i as usize % 4],
                Units::from_halves(1 + i % 4),
            );
            if i % 7 == 0 {
                c.delivery = Delivery::Online;
            }
            c
        })
        .collect();
    EvaluationInput {
        procedure,
        as_of: NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date"),
        certificate: Some(Period {
            valid_from: start,
            valid_until: NaiveDate::from_ymd_opt(2026, 5, 31).expect("valid date"),
        }),
        credits,
        facts: Facts::default(),
    }
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::current();
    for procedure in [Procedure::OccupationalRenewal, Procedure::OccupationalNew] {
        let input = ledger(procedure);
        c.bench_function(&format!("evaluate {procedure} with 1000 credits"), |b| {
            b.iter(|| evaluate(std::hint::black_box(&rules), std::hint::black_box(&input)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
