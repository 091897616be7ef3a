//! Field errors of forms, and the normalisation of what people type.

use serde::{Deserialize, Serialize};

pub use crate::i18n::Message;

/// A problem with one field of a form, with a stable code for tests and the text for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name in the form and the JSON body.
    pub field: String,
    /// A stable code, e.g. `too_short`.
    pub code: String,
    /// What to do, from the catalogue.
    pub message: Message,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, code: &str, message: Message) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message,
        }
    }
}

/// Full-width digits and colons (typed with a Japanese keyboard) become ASCII; everything else
/// is kept.
pub fn normalize_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            other => other,
        })
        .collect()
}
