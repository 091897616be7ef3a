//! What the engine decides on: a physician's credits and facts on a given day, and the case-file
//! format of `shared/spec/eligibility-cases.md` that wraps it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::{Category, Delivery, Procedure, Source, Subject};
use crate::units::Units;

/// A validity period, both ends inclusive.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day (the expiry date).
    pub valid_until: NaiveDate,
}

impl Period {
    /// Whether `date` falls inside the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_until
    }
}

/// One credit as the engine sees it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// Day attended (JST calendar date).
    pub date: NaiveDate,
    /// What kind of training.
    pub category: Category,
    /// Required for `occupational.basic.early` and `sports.course.*`, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// Units granted.
    pub units: Units,
    /// In person (default) or online.
    #[serde(default)]
    pub delivery: Delivery,
    /// Organizer-registered (default), handbook-declared, or a staff adjustment.
    #[serde(default)]
    pub source: Source,
    /// Already used by an approved renewal.
    #[serde(default)]
    pub consumed: bool,
    /// For handbook credits: whether staff have checked it against the original handbook.
    #[serde(default)]
    pub verified: bool,
}

impl Credit {
    /// A credit registered by an organizer, in person, with no subject.
    pub fn new(date: NaiveDate, category: Category, units: Units) -> Credit {
        Credit {
            date,
            category,
            subject: None,
            units,
            delivery: Delivery::InPerson,
            source: Source::System,
            consumed: false,
            verified: false,
        }
    }

    /// Checks that the subject fits the category; returns the problem in words.
    pub fn check_subject(&self) -> Result<(), String> {
        match (self.category.requires_subject(), self.subject) {
            (true, None) => Err(format!(
                "a subject is required for category {}",
                self.category
            )),
            (true, Some(s)) if !self.category.subjects().contains(&s) => Err(format!(
                "subject {s} does not belong to category {}",
                self.category
            )),
            (false, Some(s)) => Err(format!(
                "category {} takes no subject, but {s} was given",
                self.category
            )),
            _ => Ok(()),
        }
    }

    /// Whether this is a handbook credit that staff have not verified yet.
    pub fn is_unverified_handbook(&self) -> bool {
        self.source == Source::Handbook && !self.verified
    }
}

/// The certificate exemption of `sports.new`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SportsExemption {
    /// Sports physician certified by the Japanese Orthopaedic Association.
    Joa,
    /// Sports doctor certified by the Japan Sport Association.
    Jspo,
}

/// A practical activity as a health sports physician (実践活動).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// When it took place.
    pub date: NaiveDate,
    /// A short description.
    pub description: String,
}

/// Facts other than credits that a procedure may need.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Completion date (修了認定日) of the UOEH basic or intensive course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uoeh_completion_date: Option<NaiveDate>,
    /// JOA or JSPO certification that exempts from the sports course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sports_exemption: Option<SportsExemption>,
    /// Practical activities (sports renewal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// The special reason for a late renewal in the grace period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_reason: Option<String>,
}

impl Facts {
    /// The grace reason, if one was really stated (blank text is no reason).
    pub fn stated_grace_reason(&self) -> Option<&str> {
        self.grace_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

/// Everything the engine needs for one decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationInput {
    /// What is applied for.
    pub procedure: Procedure,
    /// The day of the application or of the preview.
    pub as_of: NaiveDate,
    /// For renewals: the current validity period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Period>,
    /// The physician's credits.
    #[serde(default)]
    pub credits: Vec<Credit>,
    /// Other facts.
    #[serde(default)]
    pub facts: Facts,
}

/// A problem with an input, naming the field (`credits[3].subject`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InputError {
    /// Path of the offending field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl EvaluationInput {
    /// Checks what the types alone cannot: subjects against categories, certificate presence
    /// and order of its dates.
    pub fn validate(&self) -> Result<(), InputError> {
        validate_parts(self.procedure, self.certificate.as_ref(), &self.credits)
    }
}

fn validate_parts(
    procedure: Procedure,
    certificate: Option<&Period>,
    credits: &[Credit],
) -> Result<(), InputError> {
    {
        for (i, credit) in credits.iter().enumerate() {
            credit.check_subject().map_err(|message| InputError {
                field: format!("credits[{i}].subject"),
                message,
            })?;
        }
        match (certificate, procedure.is_renewal()) {
            (None, true) => Err(InputError {
                field: "certificate".into(),
                message: format!("a renewal ({procedure}) needs the current validity period"),
            }),
            (Some(p), _) if p.valid_from > p.valid_until => Err(InputError {
                field: "certificate.valid_until".into(),
                message: "the expiry date is before the start of the validity period".into(),
            }),
            _ => Ok(()),
        }
    }
}

/// The expected decision written in a case file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    /// Whether the physician is eligible.
    pub eligible: bool,
    /// Unmet requirement codes, in any order.
    #[serde(default)]
    pub unmet: Vec<String>,
}

/// A case file: an input, a name and the expected decision. Unknown top-level fields (notes,
/// comments) are ignored; unknown fields inside credits, certificate or facts are errors, since
/// a typo there would silently change the decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    /// What the case shows.
    #[serde(default)]
    pub name: Option<String>,
    /// What is applied for.
    pub procedure: Procedure,
    /// The day of the application or of the preview.
    pub as_of: NaiveDate,
    /// For renewals: the current validity period.
    #[serde(default)]
    pub certificate: Option<Period>,
    /// The physician's credits.
    #[serde(default)]
    pub credits: Vec<Credit>,
    /// Other facts.
    #[serde(default)]
    pub facts: Facts,
    /// What the engine must decide.
    #[serde(default)]
    pub expect: Option<Expectation>,
}

impl CaseFile {
    /// Reads a case file's JSON text; the error names the field at fault.
    pub fn from_json(text: &str) -> Result<CaseFile, InputError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let case: CaseFile = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            InputError {
                field: if path == "." { "(file)".into() } else { path },
                message: e.into_inner().to_string(),
            }
        })?;
        validate_parts(case.procedure, case.certificate.as_ref(), &case.credits)?;
        Ok(case)
    }

    /// The engine input of this case.
    pub fn into_input(self) -> EvaluationInput {
        EvaluationInput {
            procedure: self.procedure,
            as_of: self.as_of,
            certificate: self.certificate,
            credits: self.credits,
            facts: self.facts,
        }
    }
}
