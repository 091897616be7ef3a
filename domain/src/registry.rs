//! JMA's registry of certified physicians (認定医名簿), as imported from its CSV export: one line
//! per validity period, checked line by line with the same rules as the registration form, and
//! grouped into certificates. A registering physician is matched against it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::{
    KanaName, Membership, PersonName, RegistryNumber, lookup_key, parse_birth_date,
};
use crate::api::ImportProblem;
use crate::catalog::Certification;
use crate::i18n::Message;
use crate::input::Period;
use crate::prefecture::Prefecture;

/// The columns of the export, in order (the header line must name them).
pub const COLUMNS: [&str; 11] = [
    "registry_number",
    "name_kanji",
    "name_kana",
    "birth_date",
    "prefecture",
    "membership",
    "certification",
    "certificate_number",
    "first_certified",
    "valid_from",
    "valid_until",
];

/// The most lines one import reads.
pub const MAX_LINES: usize = 500_000;

/// A physician as the registry knows them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryPerson {
    /// 医籍登録番号.
    pub registry_number: String,
    /// 氏名.
    pub name_kanji: String,
    /// フリガナ (full-width katakana).
    pub name_kana: String,
    /// 生年月日.
    pub birth_date: NaiveDate,
    /// Prefecture of the association.
    pub prefecture: Prefecture,
    /// Member or not.
    pub membership: Membership,
}

/// One certificate of the registry with its periods (oldest first).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryCertificate {
    /// 認定番号.
    pub certificate_number: String,
    /// Which certification.
    pub certification: Certification,
    /// First certified on.
    pub first_certified: NaiveDate,
    /// Its holder.
    pub person: RegistryPerson,
    /// Validity periods, oldest first; the last is the current one.
    pub periods: Vec<Period>,
}

impl RegistryCertificate {
    /// The latest period.
    pub fn current(&self) -> Option<Period> {
        self.periods.last().copied()
    }
}

crate::catalog::code_enum!(
    /// How a registering physician's details compare with the registry's row of their number.
    RegistryMatch, "registry match" {
        /// Number, date of birth and kana name all match: verified at once.
        Full => "full",
        /// The number is in the registry but the date of birth or the kana differs: staff
        /// check.
        Partial => "partial",
        /// The number is not in the registry (not certified yet): staff check the licence.
        None => "none",
    }
);

/// Compares what a physician registered with the registry's person of that number. Kana is
/// compared whatever the spacing, width or hiragana/katakana.
pub fn match_identity(
    person: Option<&RegistryPerson>,
    birth_date: NaiveDate,
    name_kana: &str,
) -> RegistryMatch {
    match person {
        None => RegistryMatch::None,
        Some(p)
            if p.birth_date == birth_date && lookup_key(&p.name_kana) == lookup_key(name_kana) =>
        {
            RegistryMatch::Full
        }
        Some(_) => RegistryMatch::Partial,
    }
}

/// A line that passed every check of its own.
#[derive(Clone, Debug)]
struct Line {
    line: usize,
    person: RegistryPerson,
    certification: Certification,
    certificate_number: String,
    first_certified: NaiveDate,
    period: Period,
}

fn date(text: &str) -> Option<NaiveDate> {
    crate::text::normalize_digits(text.trim())
        .replace('/', "-")
        .parse()
        .ok()
}

/// Reads a registry export: a header line naming [`COLUMNS`], then one line per validity period.
/// Returns the certificates and every problem, each with its line number and what to fix;
/// nothing should be written while there is a problem.
pub fn parse_registry_csv(
    text: &str,
    today: NaiveDate,
) -> (Vec<RegistryCertificate>, Vec<ImportProblem>) {
    let mut problems = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_ok = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect::<Vec<_>>() == COLUMNS)
        .unwrap_or(false);
    if !header_ok {
        problems.push(ImportProblem {
            line: 1,
            message: Message::key("registry.header").arg("columns", COLUMNS.join(",")),
        });
        return (Vec::new(), problems);
    }
    let mut lines = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                problems.push(ImportProblem {
                    line,
                    message: Message::key("sheet.unreadable").arg("line", line),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if index >= MAX_LINES {
            problems.push(ImportProblem {
                line,
                message: Message::key("registry.too_many").arg("max", MAX_LINES),
            });
            break;
        }
        match read_line(line, &record, today) {
            Ok(l) => lines.push(l),
            Err(p) => problems.extend(p),
        }
    }
    let certificates = group(lines, &mut problems);
    problems.sort_by_key(|p| p.line);
    (certificates, problems)
}

fn read_line(
    line: usize,
    record: &csv::StringRecord,
    today: NaiveDate,
) -> Result<Line, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let field = |i: usize| record.get(i).unwrap_or("");
    let mut problem = |column: &str, fix: Message| {
        problems.push(ImportProblem {
            line,
            message: Message::key("registry.problem")
                .arg("line", line)
                .arg("column", column)
                .arg_msg("fix", fix),
        });
    };
    if record.len() != COLUMNS.len() {
        problem(
            "",
            Message::key("registry.field_count")
                .arg("n", record.len())
                .arg("expected", COLUMNS.len()),
        );
        return Err(problems);
    }
    let registry = RegistryNumber::parse(field(0))
        .map_err(|e| problem(COLUMNS[0], e.message))
        .ok();
    let name = PersonName::parse(field(1))
        .map_err(|e| problem(COLUMNS[1], e.message))
        .ok();
    let kana = KanaName::parse(field(2))
        .map_err(|e| problem(COLUMNS[2], e.message))
        .ok();
    let birth = parse_birth_date(field(3), today)
        .map_err(|e| problem(COLUMNS[3], e.message))
        .ok();
    let prefecture = field(4).parse::<u8>().ok().and_then(Prefecture::from_code);
    if prefecture.is_none() {
        problem(COLUMNS[4], Message::key("registry.prefecture"));
    }
    let membership = field(5).parse::<Membership>().ok();
    if membership.is_none() {
        problem(COLUMNS[5], Message::key("registry.membership"));
    }
    let certification = field(6).parse::<Certification>().ok();
    if certification.is_none() {
        problem(COLUMNS[6], Message::key("registry.certification"));
    }
    let number = field(7);
    let number_ok = !number.is_empty()
        && number.chars().count() <= 20
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !number_ok {
        problem(COLUMNS[7], Message::key("registry.certificate_number"));
    }
    let dates: Vec<Option<NaiveDate>> = (8..=10).map(|i| date(field(i))).collect();
    for (i, d) in dates.iter().enumerate() {
        if d.is_none() {
            problem(COLUMNS[8 + i], Message::key("registry.date"));
        }
    }
    if let (Some(first), Some(from), Some(until)) = (dates[0], dates[1], dates[2]) {
        if from > until {
            problem(COLUMNS[10], Message::key("registry.until_before_from"));
        } else if first > from {
            problem(COLUMNS[8], Message::key("registry.first_after_from"));
        } else if crate::dates::add_years(from, 5) < until {
            problem(COLUMNS[10], Message::key("registry.period_too_long"));
        }
    }
    match (
        registry,
        name,
        kana,
        birth,
        prefecture,
        membership,
        certification,
        dates[0],
        dates[1],
        dates[2],
    ) {
        (
            Some(registry),
            Some(name),
            Some(kana),
            Some(birth_date),
            Some(prefecture),
            Some(membership),
            Some(certification),
            Some(first_certified),
            Some(valid_from),
            Some(valid_until),
        ) if problems.is_empty() => Ok(Line {
            line,
            person: RegistryPerson {
                registry_number: registry.as_str().to_owned(),
                name_kanji: name.as_str().to_owned(),
                name_kana: kana.as_str().to_owned(),
                birth_date,
                prefecture,
                membership,
            },
            certification,
            certificate_number: number.to_owned(),
            first_certified,
            period: Period {
                valid_from,
                valid_until,
            },
        }),
        _ => Err(problems),
    }
}

/// Groups lines into certificates, checking that a certificate's lines agree with each other,
/// that its periods do not overlap, and that a registry number is one person throughout.
fn group(lines: Vec<Line>, problems: &mut Vec<ImportProblem>) -> Vec<RegistryCertificate> {
    let mut people: HashMap<String, (usize, RegistryPerson)> = HashMap::new();
    let mut certificates: BTreeMap<String, (usize, RegistryCertificate)> = BTreeMap::new();
    let mut bad = |line: usize, key: &str, first: usize| {
        problems.push(ImportProblem {
            line,
            message: Message::key(key).arg("line", line).arg("first", first),
        });
    };
    for l in lines {
        match people.get(&l.person.registry_number) {
            Some((first, p)) if *p != l.person => {
                bad(l.line, "registry.person_differs", *first);
                continue;
            }
            Some(_) => {}
            None => {
                people.insert(l.person.registry_number.clone(), (l.line, l.person.clone()));
            }
        }
        match certificates.get_mut(&l.certificate_number) {
            Some((first, c)) => {
                if c.person.registry_number != l.person.registry_number
                    || c.certification != l.certification
                    || c.first_certified != l.first_certified
                {
                    bad(l.line, "registry.certificate_differs", *first);
                } else if c.periods.iter().any(|p| {
                    p.valid_from <= l.period.valid_until && l.period.valid_from <= p.valid_until
                }) {
                    bad(l.line, "registry.period_overlaps", *first);
                } else {
                    c.periods.push(l.period);
                }
            }
            None => {
                certificates.insert(
                    l.certificate_number.clone(),
                    (
                        l.line,
                        RegistryCertificate {
                            certificate_number: l.certificate_number,
                            certification: l.certification,
                            first_certified: l.first_certified,
                            person: l.person,
                            periods: vec![l.period],
                        },
                    ),
                );
            }
        }
    }
    certificates
        .into_values()
        .map(|(_, mut c)| {
            c.periods.sort_by_key(|p| p.valid_from);
            c
        })
        .collect()
}

/// What an import did or would do.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryImportReport {
    /// Only checked, nothing written.
    pub dry_run: bool,
    /// Lines read (periods).
    pub lines: usize,
    /// Certificates in the file.
    pub certificates: usize,
    /// Certificates new to the registry.
    pub created: usize,
    /// Certificates whose details or periods changed.
    pub updated: usize,
    /// Certificates already as in the file.
    pub unchanged: usize,
    /// Every problem; nothing is written while there is one.
    pub problems: Vec<ImportProblem>,
    /// What changed, certificate by certificate (the first 200).
    pub changes: Vec<RegistryChange>,
    /// My Pages whose certificates were brought up to date.
    pub my_pages_updated: usize,
}

/// One change an import makes to a certificate already in the registry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryChange {
    /// 認定番号.
    pub certificate_number: String,
    /// What changed.
    pub message: Message,
}

/// A registry entry found by staff.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryHit {
    /// The person.
    pub person: RegistryPerson,
    /// Their certificates (current period last).
    pub certificates: Vec<RegistryCertificateView>,
    /// A verified My Page is linked to this number.
    pub linked: bool,
}

/// A certificate of a registry hit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryCertificateView {
    /// 認定番号.
    pub certificate_number: String,
    /// Which certification.
    pub certification: Certification,
    /// First certified on.
    pub first_certified: NaiveDate,
    /// Current period.
    pub current: Period,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    const HEADER: &str = "registry_number,name_kanji,name_kana,birth_date,prefecture,membership,certification,certificate_number,first_certified,valid_from,valid_until\n";

    #[test]
    fn a_certificates_periods_are_its_lines_grouped_by_number() {
        let text = format!(
            "\u{feff}{HEADER}500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2011-04-01,2021-04-01,2026-03-31\n500001,京都 一郎,きょうと いちろう,1970-05-01,26,member,occupational,S200001,2011-04-01,2016-04-01,2021-03-31\n"
        );
        let (certs, problems) = parse_registry_csv(&text, today());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].periods.len(), 2);
        assert_eq!(
            certs[0].current().unwrap().valid_until.to_string(),
            "2026-03-31"
        );
        assert_eq!(certs[0].person.name_kana, "キョウト\u{3000}イチロウ");
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number_and_column() {
        let text = format!(
            "{HEADER}12x,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S1,2011-04-01,2021-04-01,2026-03-31\n500002,大阪 二郎,Osaka,1890-01-01,48,someone,dentist,,2011-04-01,2021-04-01,2020-03-31\n500003,奈良 三子,ナラ ミツコ,1975-01-01,29,member,sports\n"
        );
        let (certs, problems) = parse_registry_csv(&text, today());
        assert!(certs.is_empty());
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 3, 3, 3, 3, 3, 3, 4]);
        let columns: Vec<String> = problems
            .iter()
            .filter(|p| p.line == 3)
            .map(|p| match p.message.args.get("column") {
                Some(crate::i18n::Arg::Text(c)) => c.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            columns,
            [
                "name_kana",
                "birth_date",
                "prefecture",
                "membership",
                "certification",
                "certificate_number",
                "valid_until"
            ]
        );
        assert!(
            problems[1]
                .message
                .render(crate::Lang::Ja)
                .starts_with("3行目")
        );
    }

    #[test]
    fn a_header_that_is_not_the_exports_is_refused_first() {
        let (_, problems) = parse_registry_csv("番号,氏名\n1,a\n", today());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message.key, "registry.header");
    }

    #[test]
    fn a_number_is_one_person_and_a_certificates_periods_do_not_overlap() {
        let text = format!(
            "{HEADER}500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2011-04-01,2021-04-01,2026-03-31\n500001,京都 一郎,キョウト イチロウ,1971-05-01,26,member,sports,K200001,2015-04-01,2020-04-01,2025-03-31\n500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2011-04-01,2025-04-01,2030-03-31\n"
        );
        let (_, problems) = parse_registry_csv(&text, today());
        let keys: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.key.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                (3, "registry.person_differs"),
                (4, "registry.period_overlaps")
            ]
        );
    }

    #[test]
    fn a_registration_matches_fully_only_with_the_same_birth_date_and_kana() {
        let person = RegistryPerson {
            registry_number: "500001".into(),
            name_kanji: "京都 一郎".into(),
            name_kana: "キョウト\u{3000}イチロウ".into(),
            birth_date: NaiveDate::from_ymd_opt(1970, 5, 1).unwrap(),
            prefecture: Prefecture::KYOTO,
            membership: Membership::Member,
        };
        let born = person.birth_date;
        assert_eq!(
            match_identity(Some(&person), born, "ｷｮｳﾄ ｲﾁﾛｳ"),
            RegistryMatch::Full
        );
        assert_eq!(
            match_identity(Some(&person), born, "きょうといちろう"),
            RegistryMatch::Full
        );
        assert_eq!(
            match_identity(Some(&person), born.succ_opt().unwrap(), "キョウト イチロウ"),
            RegistryMatch::Partial
        );
        assert_eq!(
            match_identity(Some(&person), born, "キョウト ジロウ"),
            RegistryMatch::Partial
        );
        assert_eq!(
            match_identity(None, born, "キョウト イチロウ"),
            RegistryMatch::None
        );
    }
}
