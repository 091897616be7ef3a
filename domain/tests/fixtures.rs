//! Runs every case file found in `shared/fixtures/eligibility/` (discovered at run time, so that
//! cases written later are checked without touching this file).

use std::path::PathBuf;

use domain::{CaseFile, RuleSet, evaluate};

fn fixtures_dir() -> PathBuf {
    std::env::var_os("NINTEI_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/eligibility")
        })
}

#[test]
fn every_shared_eligibility_case_gets_its_expected_decision() {
    let dir = fixtures_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the fixtures folder {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());

    let rules = RuleSet::current();
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable case file");
        let case = match CaseFile::from_json(&text) {
            Ok(case) => case,
            Err(e) => {
                failures.push(format!("{}: cannot be read: {e}", path.display()));
                continue;
            }
        };
        let name = case.name.clone().unwrap_or_default();
        let expect = case
            .expect
            .clone()
            .expect("a shared case states what it expects");
        let decision = evaluate(&rules, &case.into_input());
        let mut got: Vec<String> = decision.unmet.iter().map(ToString::to_string).collect();
        let mut want = expect.unmet.clone();
        got.sort();
        want.sort();
        if decision.eligible != expect.eligible || got != want {
            failures.push(format!(
                "{} ({name}): expected eligible={} unmet={want:?}, got eligible={} unmet={got:?}",
                path.display(),
                expect.eligible,
                decision.eligible,
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!("{} eligibility cases checked", files.len());
}
