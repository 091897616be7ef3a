//! The one catalogue of every word a person reads: pages, field errors, mails, CSV headers and
//! PDFs. Text travels as a [`Message`] (a key and named arguments) and is rendered in one
//! language where it is shown: the browser renders the server's errors in the language the
//! person chose; the server renders mails and files from the same catalogue.
//!
//! Keys are checked by tests (`domain/tests/catalogue.rs`): every key used exists in both
//! languages, every key defined is used, and both languages name the same arguments.

mod catalog;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A display language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 日本語 (default).
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code (`ja`, `en`).
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

/// Something a person reads, before it is put into words: a catalogue key and its arguments.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The catalogue key, e.g. `upload.too_large`.
    pub key: String,
    /// Named arguments filling `{name}` placeholders.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// An argument of a message: plain text (a name, a number, a date) or a message of its own
/// (a document's name, a status), rendered in the same language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// Shown as it is.
    Text(String),
    /// Rendered from the catalogue too.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Message(Message),
}

impl Message {
    /// The message of `key`, without arguments.
    pub fn key(key: impl Into<String>) -> Message {
        Message {
            key: key.into(),
            args: BTreeMap::new(),
        }
    }

    /// Adds an argument shown as it is.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl ToString) -> Message {
        self.args
            .insert(name.to_owned(), Arg::Text(value.to_string()));
        self
    }

    /// Adds an argument rendered from the catalogue (`key`).
    #[must_use]
    pub fn arg_key(mut self, name: &str, key: impl Into<String>) -> Message {
        self.args
            .insert(name.to_owned(), Arg::Message(Message::key(key)));
        self
    }

    /// Adds an argument that is a message of its own, rendered in the same language.
    #[must_use]
    pub fn arg_msg(mut self, name: &str, message: Message) -> Message {
        self.args.insert(name.to_owned(), Arg::Message(message));
        self
    }

    /// Adds a calendar day, written as each language writes dates (2025年3月31日, 31/3/2025).
    #[must_use]
    pub fn arg_date(mut self, name: &str, day: chrono::NaiveDate) -> Message {
        use chrono::Datelike;
        let date = Message::key("date")
            .arg("y", day.year())
            .arg("m", day.month())
            .arg("d", day.day());
        self.args.insert(name.to_owned(), Arg::Message(date));
        self
    }

    /// The text in `lang`. A key missing from the catalogue shows itself, so it is noticed.
    pub fn render(&self, lang: Lang) -> String {
        let n = match self.args.get("n") {
            Some(Arg::Text(n)) => Some(n.as_str()),
            _ => None,
        };
        let key = counted_key(lang, &self.key, n);
        let mut text = text(lang, &key).unwrap_or(&self.key).to_owned();
        for (name, value) in &self.args {
            let value = match value {
                Arg::Text(t) => t.clone(),
                Arg::Message(m) => m.render(lang),
            };
            text = text.replace(&format!("{{{name}}}"), &value);
        }
        text
    }
}

/// The key whose text fits the count `n`: English says "1 unit" but "2 units", so a key may
/// have a `.one` variant, used when `n` is exactly 1 (Japanese has no plural, and no variant).
pub fn counted_key<'a>(lang: Lang, key: &'a str, n: Option<&str>) -> std::borrow::Cow<'a, str> {
    if lang == Lang::En && n == Some("1") {
        let one = format!("{key}.one");
        if text(lang, &one).is_some() {
            return std::borrow::Cow::Owned(one);
        }
    }
    std::borrow::Cow::Borrowed(key)
}

fn index() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        catalog::CATALOG
            .iter()
            .map(|(k, ja, en)| (*k, (*ja, *en)))
            .collect()
    })
}

/// The template of `key` in `lang`. Category, subject and prefecture names are the glossary's,
/// kept once beside their codes (`category.<code>`, `subject.<code>`, `prefecture.<jis>`).
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    let en = lang == Lang::En;
    if let Some(c) = key
        .strip_prefix("category.")
        .and_then(|c| c.parse::<crate::Category>().ok())
    {
        return Some(if en { c.name_en() } else { c.name_ja() });
    }
    if let Some(s) = key
        .strip_prefix("subject.")
        .and_then(|s| s.parse::<crate::Subject>().ok())
    {
        return Some(if en { s.name_en() } else { s.name_ja() });
    }
    if let Some(p) = key
        .strip_prefix("prefecture.")
        .and_then(|p| p.parse::<u8>().ok())
        .and_then(crate::Prefecture::from_code)
    {
        return Some(if en { p.name_en() } else { p.name_ja() });
    }
    index()
        .get(key)
        .map(|(ja, en_text)| if en { *en_text } else { *ja })
}

/// Every key the catalogue defines, with both texts (for the catalogue's own tests).
pub fn entries() -> &'static [(&'static str, &'static str, &'static str)] {
    catalog::CATALOG
}

/// Whether `key` has a text (a catalogue entry or a glossary name).
pub fn has(key: &str) -> bool {
    text(Lang::Ja, key).is_some()
}

/// The text of `key` in `lang`; a missing key shows itself.
pub fn t(lang: Lang, key: &str) -> String {
    Message::key(key).render(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_fill_their_placeholders_in_the_chosen_language() {
        let m = Message::key("upload.too_large").arg("mb", 10);
        assert!(
            m.render(Lang::Ja).contains("10 MB"),
            "{}",
            m.render(Lang::Ja)
        );
        assert!(m.render(Lang::En).contains("10 MB"));
        assert_ne!(m.render(Lang::Ja), m.render(Lang::En));
    }

    #[test]
    fn english_counts_one_unit_and_several_units() {
        let missing = |n: &str| {
            Message::key("decision.missing_units")
                .arg("n", n)
                .arg_key("label", "category.occupational.lifelong.update")
                .render(Lang::En)
        };
        assert!(missing("1").starts_with("1 more unit "), "{}", missing("1"));
        assert!(
            missing("2").starts_with("2 more units "),
            "{}",
            missing("2")
        );
        assert!(missing("0.5").starts_with("0.5 more units "));
        let count = |n: &str| Message::key("units.count").arg("n", n);
        assert_eq!(count("1").render(Lang::En), "1 unit");
        assert_eq!(count("3").render(Lang::En), "3 units");
        assert_eq!(count("1").render(Lang::Ja), "1 単位");
    }

    #[test]
    fn a_message_argument_is_rendered_in_the_same_language() {
        let m = Message::key("blocker.missing_document")
            .arg_key("document", "document.medical_licence");
        assert!(m.render(Lang::Ja).contains("医師免許証"));
        assert!(m.render(Lang::En).contains("licence"));
    }

    #[test]
    fn glossary_names_come_from_their_codes() {
        assert_eq!(
            text(Lang::Ja, "category.occupational.lifelong.update"),
            Some("生涯研修（更新）")
        );
        assert_eq!(text(Lang::En, "prefecture.26"), Some("Kyoto"));
    }

    #[test]
    fn messages_travel_as_key_and_arguments() {
        let m = Message::key("upload.too_large").arg("mb", 10);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"key":"upload.too_large","args":{"mb":"10"}}"#);
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), m);
        let plain: Message = serde_json::from_str(r#"{"key":"common.loading"}"#).unwrap();
        assert!(plain.args.is_empty());
    }
}
