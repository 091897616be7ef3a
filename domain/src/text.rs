//! Field errors of forms, and the normalisation of what people type.

use serde::{Deserialize, Serialize};

pub use crate::i18n::Message;

/// A problem with one field of a form, with a stable code for tests and the text for people.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// The same problem, reported on another field (a shared check used by another form).
    pub fn renamed(mut self, field: &str) -> FieldError {
        self.field = field.to_owned();
        self
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

/// A query parameter left empty (`?from=`, a filter field the person cleared) is no filter,
/// not a malformed one: `#[serde(default, deserialize_with = "crate::text::empty_as_none")]`.
pub fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match Option::<String>::deserialize(deserializer)? {
        Some(text) if !text.trim().is_empty() => text
            .trim()
            .parse()
            .map(Some)
            .map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}

/// Full-width Latin letters, digits and signs (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ, typed with a Japanese
/// input method left on) as ASCII, and the ideographic space as a space. Everything else is kept.
pub fn ascii_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// Half-width katakana (ｶﾞｸ, typed on some phones and older systems) as full-width (ガク); the
/// voiced marks join the letter before them. Everything else is kept.
pub fn full_width_kana(text: &str) -> String {
    const BASE: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let base: Vec<char> = BASE.chars().collect();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // ﾞ (voiced) and ﾟ (semi-voiced) change the letter before them.
            '\u{FF9E}' | '\u{FF9F}' => {
                let voiced = c == '\u{FF9E}';
                let prev = out.pop();
                let joined = prev.and_then(|p| {
                    let step = match (voiced, p) {
                        (true, 'カ'..='ト') | (true, 'ハ'..='ホ') => 1,
                        (false, 'ハ'..='ホ') => 2,
                        (true, 'ウ') => 0x4E,
                        _ => return None,
                    };
                    char::from_u32(p as u32 + step)
                });
                match (joined, prev) {
                    (Some(j), _) => out.push(j),
                    (None, Some(p)) => {
                        out.push(p);
                        out.push(if voiced { '゛' } else { '゜' });
                    }
                    (None, None) => out.push(if voiced { '゛' } else { '゜' }),
                }
            }
            '\u{FF66}'..='\u{FF9D}' => {
                out.push(base[(c as u32 - 0xFF66) as usize]);
            }
            '\u{FF61}' => out.push('。'),
            '\u{FF62}' => out.push('「'),
            '\u{FF63}' => out.push('」'),
            '\u{FF64}' => out.push('、'),
            '\u{FF65}' => out.push('・'),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod kana_tests {
    use super::full_width_kana;

    #[test]
    fn half_width_katakana_becomes_full_width_with_its_voiced_marks() {
        assert_eq!(full_width_kana("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ タロウ");
        assert_eq!(full_width_kana("ﾊﾟﾋﾞﾌﾟ"), "パビプ");
        assert_eq!(full_width_kana("ｳﾞｧｲｵﾘﾝ"), "ヴァイオリン");
        assert_eq!(full_width_kana("ｯｰﾝ"), "ッーン");
        assert_eq!(full_width_kana("山田"), "山田");
    }
}
