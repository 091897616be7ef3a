//! The physician's own ledger entries: handbook declarations (手帳管理) and the history filter.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::{Category, Certification, Subject};
use crate::text::{FieldError, Message};
use crate::units::Units;

crate::catalog::code_enum!(
    /// What a ledger row is. The ledger is append-only: a correction replaces the row it
    /// points at, a withdrawal cancels it; neither edits it.
    EntryKind, "ledger entry kind" {
        /// A credit.
        Entry => "entry",
        /// Replaces the row it corrects.
        Correction => "correction",
        /// Withdraws the row it corrects.
        Withdrawal => "withdrawal",
    }
);

/// The handbook form as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandbookForm {
    /// Day attended, `YYYY-MM-DD`.
    pub date: String,
    /// Category code.
    pub category: String,
    /// Subject code (when the category has subjects).
    #[serde(default)]
    pub subject: String,
    /// Units, in 0.5 steps.
    pub units: String,
    /// The organizer written in the handbook.
    pub organizer_name: String,
    /// A note (session title, sticker number…).
    #[serde(default)]
    pub note: String,
    /// `in_person` or `online` (empty: in person, as most handbook sessions were); online
    /// units count within the online cap.
    #[serde(default)]
    pub delivery: String,
}

/// A handbook declaration that passed every check.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandbookDeclaration {
    /// Day attended.
    pub date: NaiveDate,
    /// Category.
    pub category: Category,
    /// Subject.
    pub subject: Option<Subject>,
    /// Units.
    pub units: Units,
    /// Organizer as written in the handbook.
    pub organizer_name: String,
    /// Note.
    pub note: Option<String>,
    /// In person or online.
    #[serde(default)]
    pub delivery: crate::catalog::Delivery,
}

impl HandbookForm {
    /// Checks every field: only sessions up to `cutoff` (2025-03-31) are in the paper handbook.
    pub fn parse(
        &self,
        cutoff: NaiveDate,
        today: NaiveDate,
    ) -> Result<HandbookDeclaration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = match self.date.trim().replace('/', "-").parse::<NaiveDate>() {
            Ok(d) if d > cutoff => {
                errors.push(FieldError::new(
                    "date",
                    "after_cutoff",
                    Message::key("handbook.date.after_cutoff").arg_date("cutoff", cutoff),
                ));
                None
            }
            Ok(d) if d > today => {
                errors.push(FieldError::new(
                    "date",
                    "future",
                    Message::key("handbook.date.future"),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "date",
                    "invalid_date",
                    Message::key("handbook.date.invalid_date"),
                ));
                None
            }
        };
        let (category, subject) =
            crate::catalog::parse_category_subject(&self.category, &self.subject, &mut errors);
        let units = match Units::parse(&self.units) {
            Ok(u) if u.is_zero() => {
                errors.push(FieldError::new(
                    "units",
                    "zero",
                    Message::key("handbook.units.zero"),
                ));
                None
            }
            Ok(u) => Some(u),
            Err(e) => {
                errors.push(FieldError::new("units", "invalid_units", e.message()));
                None
            }
        };
        let organizer = self.organizer_name.trim();
        if organizer.is_empty() || organizer.chars().count() > 100 {
            errors.push(FieldError::new(
                "organizer_name",
                "required",
                Message::key("handbook.organizer_name.required"),
            ));
        }
        let delivery = match self.delivery.trim() {
            "" => Some(crate::catalog::Delivery::InPerson),
            code => code.parse::<crate::catalog::Delivery>().ok().or_else(|| {
                errors.push(FieldError::new(
                    "delivery",
                    "unknown",
                    Message::key("handbook.delivery.unknown"),
                ));
                None
            }),
        };
        let note = self.note.trim();
        if note.chars().count() > 500 {
            errors.push(FieldError::new(
                "note",
                "too_long",
                Message::key("handbook.note.too_long"),
            ));
        }
        match (date, category, units, delivery) {
            (Some(date), Some(category), Some(units), Some(delivery)) if errors.is_empty() => {
                Ok(HandbookDeclaration {
                    date,
                    category,
                    subject,
                    units,
                    organizer_name: organizer.to_owned(),
                    note: (!note.is_empty()).then(|| note.to_owned()),
                    delivery,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Filters of the credit history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    /// Only this certification.
    #[serde(default)]
    pub certification: Option<Certification>,
    /// Only this category.
    #[serde(default)]
    pub category: Option<Category>,
    /// From this day (empty: no limit).
    #[serde(default, deserialize_with = "crate::text::empty_as_none")]
    pub from: Option<NaiveDate>,
    /// Up to this day (empty: no limit).
    #[serde(default, deserialize_with = "crate::text::empty_as_none")]
    pub to: Option<NaiveDate>,
}

impl HistoryFilter {
    /// Whether an entry passes the filter.
    pub fn accepts(&self, date: NaiveDate, category: Category) -> bool {
        self.certification
            .is_none_or(|c| category.certification() == c)
            && self.category.is_none_or(|c| category == c)
            && self.from.is_none_or(|f| date >= f)
            && self.to.is_none_or(|t| date <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn form() -> HandbookForm {
        HandbookForm {
            date: "2024-10-05".into(),
            category: "occupational.basic.early".into(),
            subject: "mental_health".into(),
            units: "1.5".into(),
            organizer_name: "京都府医師会".into(),
            note: String::new(),
            delivery: String::new(),
        }
    }

    #[test]
    fn a_handbook_unit_up_to_march_2025_is_accepted() {
        let decl = form().parse(d("2025-03-31"), d("2026-11-24")).unwrap();
        assert_eq!(decl.units, Units::from_halves(3));
        assert_eq!(decl.subject.unwrap().code(), "mental_health");
    }

    #[test]
    fn a_handbook_unit_after_march_2025_is_refused_with_the_reason() {
        let late = HandbookForm {
            date: "2025-04-01".into(),
            ..form()
        };
        let errors = late.parse(d("2025-03-31"), d("2026-11-24")).unwrap_err();
        assert_eq!(errors[0].code, "after_cutoff");
        assert!(
            errors[0]
                .message
                .render(crate::Lang::Ja)
                .contains("2025年3月31日")
        );
    }

    #[test]
    fn units_must_be_half_steps_and_a_subject_is_needed_where_the_category_has_them() {
        let bad = HandbookForm {
            units: "1.25".into(),
            subject: String::new(),
            ..form()
        };
        let fields: Vec<String> = bad
            .parse(d("2025-03-31"), d("2026-11-24"))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["subject", "units"]);
    }
}
