//! The one catalogue is complete and tidy: every key used by the client, the server or the
//! domain exists in both languages, every key defined is used, and both languages name the same
//! arguments. Sources are read as text, so a key written anywhere is checked.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use domain::i18n::{entries, has};

fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("source folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["domain/src", "app/src", "server/src"] {
        walk(&root.join(dir), &mut files);
    }
    files
        .into_iter()
        .filter(|f| !f.ends_with("i18n/catalog.rs"))
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("read source");
            (f, text)
        })
        .collect()
}

/// String literals of `text` (plain `"…"` literals, enough for keys).
fn literals(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

fn looks_like_key(s: &str) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    !first.is_empty()
        && first.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.contains('.')
        && s.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Literals that look like keys but are codes or names of other things.
fn is_other_code(s: &str) -> bool {
    s.parse::<domain::Category>().is_ok()
        || s.parse::<domain::Procedure>().is_ok()
        || s.starts_with("occupational.")
        || s.starts_with("sports.")
        || s.starts_with("basic.")
        || s.starts_with("lifelong.")
        || s.starts_with("refresher.")
        || s.starts_with("course.")
        || s.starts_with("uoeh.")
        || s.starts_with("nintei.")
        || s.starts_with("facts.")
        || s.starts_with("certificate.")
        || [".png", ".csv", ".js", ".wasm", ".css", ".html", ".typ"]
            .iter()
            .any(|ext| s.ends_with(ext))
        || [
            "example.jp",
            "index.html",
            "sw.js",
            "nintei.sqlite",
            "jma.staff",
            "kyoto.staff",
            "tokyo.staff",
            "kyoto.organizer",
            "tokyo.organizer",
            "demo.physician",
            "sea_orm.warn",
        ]
        .iter()
        .any(|o| s.contains(o))
}

#[test]
fn every_key_is_unique_and_has_both_languages() {
    let mut seen = HashSet::new();
    for (k, ja, en) in entries() {
        assert!(seen.insert(*k), "duplicate key {k}");
        assert!(
            !ja.trim().is_empty() && !en.trim().is_empty(),
            "{k} lacks a language"
        );
    }
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.insert(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

#[test]
fn both_languages_name_the_same_arguments() {
    let mut wrong = Vec::new();
    for (k, ja, en) in entries() {
        if placeholders(ja) != placeholders(en) {
            wrong.push(format!(
                "{k}: {:?} vs {:?}",
                placeholders(ja),
                placeholders(en)
            ));
        }
    }
    assert!(wrong.is_empty(), "arguments differ:\n{}", wrong.join("\n"));
}

#[test]
fn every_key_written_in_the_sources_is_in_the_catalogue() {
    let mut missing = BTreeSet::new();
    for (file, text) in sources() {
        for lit in literals(&text) {
            if looks_like_key(lit) && !has(lit) && !is_other_code(lit) {
                missing.insert(format!("{}: {lit}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from domain/src/i18n/catalog.rs:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_key_in_the_catalogue_is_used() {
    let sources = sources();
    let mut written: HashSet<String> = HashSet::new();
    // Families built at run time: `format!("application.status.{}", …)` uses every key under
    // `application.status.`.
    let mut families: Vec<String> = Vec::new();
    for (_, text) in &sources {
        for lit in literals(text) {
            written.insert(lit.to_owned());
            if let Some(prefix) = lit.split('{').next()
                && lit.contains('{')
                && prefix.ends_with('.')
                && looks_like_key(&format!("{prefix}x"))
            {
                families.push(prefix.to_owned());
            }
        }
    }
    let unused: Vec<&str> = entries()
        .iter()
        .map(|(k, _, _)| *k)
        // A `.one` variant is used wherever its key is (English "1 unit", domain::i18n::counted_key).
        .map(|k| k.strip_suffix(".one").unwrap_or(k))
        .filter(|k| !written.contains(*k) && !families.iter().any(|f| k.starts_with(f.as_str())))
        .collect();
    assert!(
        unused.is_empty(),
        "keys nobody uses:\n{}",
        unused.join("\n")
    );
}

#[test]
fn every_code_shown_by_name_has_a_name() {
    use domain::application::{ApplicationKind, DocumentKind, FeeChannel, Status, Step};
    let keys = Status::ALL
        .iter()
        .map(|s| format!("application.status.{s}"))
        .chain(Status::ALL.iter().map(|s| format!("application.next.{s}")))
        .chain(
            ApplicationKind::ALL
                .iter()
                .map(|k| format!("application.kind.{k}")),
        )
        .chain(Step::ALL.iter().map(|s| format!("application.step.{s}")))
        .chain(DocumentKind::ALL.iter().map(|d| format!("document.{d}")))
        .chain(FeeChannel::ALL.iter().map(|c| format!("fee.{c}")))
        .chain(
            domain::Source::ALL
                .iter()
                .map(|c| format!("mypage.source.{c}")),
        )
        .chain(
            domain::api::Verification::ALL
                .iter()
                .map(|v| format!("mypage.verification.{v}")),
        )
        .chain(
            domain::Certification::ALL
                .iter()
                .map(|c| format!("certification.{c}")),
        )
        .chain(["malformed", "bad_signature", "expired"].map(|q| format!("qr.{q}")));
    let missing: Vec<String> = keys.filter(|k| !has(k)).collect();
    assert!(missing.is_empty(), "{missing:?}");
    for c in domain::Category::ALL {
        assert!(has(&format!("category.{c}")));
        for s in c.subjects() {
            assert!(has(&format!("subject.{s}")), "subject.{s}");
        }
    }
    for p in 1..=47u8 {
        assert!(has(&format!("prefecture.{p}")));
    }
}

#[test]
fn english_texts_and_the_client_write_no_japanese_punctuation() {
    // English reads "(…)" and ", ", never "（…）" or "、"; a client literal that glues words
    // with full-width brackets shows them in both languages (use `common.aside`).
    const FULL_WIDTH: [char; 6] = ['（', '）', '「', '」', '、', '。'];
    let wrong: Vec<String> = entries()
        .iter()
        .filter(|(_, _, en)| en.contains(FULL_WIDTH))
        .map(|(k, _, en)| format!("{k}: {en}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "English texts with Japanese punctuation:\n{}",
        wrong.join("\n")
    );
    let mut glued = Vec::new();
    for (file, text) in sources() {
        if !file.to_string_lossy().contains("app/src") {
            continue;
        }
        for lit in literals(&text) {
            if lit.contains(['（', '）']) {
                glued.push(format!("{}: {lit}", file.display()));
            }
        }
    }
    assert!(
        glued.is_empty(),
        "full-width brackets in client literals:\n{}",
        glued.join("\n")
    );
}
