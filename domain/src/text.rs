//! Bilingual messages: every error a person can see carries Japanese and English text that says
//! what to do.

use serde::{Deserialize, Serialize};

/// A message in both locales.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Japanese (shown by default).
    pub ja: String,
    /// English.
    pub en: String,
}

impl Message {
    /// A message from its two texts.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Message {
        Message {
            ja: ja.into(),
            en: en.into(),
        }
    }
}

/// A problem with one field of a form, with a stable code for tests and the text for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name in the form and the JSON body.
    pub field: String,
    /// A stable code, e.g. `too_short`.
    pub code: String,
    /// What to do, in both locales.
    pub message: Message,
}

impl FieldError {
    /// A field error.
    pub fn new(
        field: &str,
        code: &str,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: Message::new(ja, en),
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
