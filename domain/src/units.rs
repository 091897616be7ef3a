//! Exact training units, counted in half units so that no floating point is ever summed.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number of training units (単位), stored exactly as a count of half units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Units(u32);

/// Why a value is not a valid number of units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitsError {
    /// Negative amounts are refused: a correction is a new ledger entry, never a negative credit.
    #[error("units must not be negative")]
    Negative,
    /// Only whole and half units exist (30 minutes = 0.5 units).
    #[error("units must be a multiple of 0.5")]
    NotHalfStep,
    /// A single entry above this is certainly a typing mistake.
    #[error("units must be at most {max}", max = Units::MAX_ENTRY)]
    TooLarge,
    /// The text could not be read as a number.
    #[error("units must be a number such as 1 or 1.5")]
    NotANumber,
}

impl UnitsError {
    /// What to do, from the catalogue.
    pub fn message(&self) -> crate::Message {
        let m = crate::Message::key;
        match self {
            UnitsError::Negative => m("units.negative"),
            UnitsError::NotHalfStep => m("units.not_half_step"),
            UnitsError::TooLarge => m("units.too_large").arg("max", Units::MAX_ENTRY),
            UnitsError::NotANumber => m("units.not_a_number"),
        }
    }
}

impl Units {
    /// Zero units.
    pub const ZERO: Units = Units(0);
    /// The largest amount a single credit or session may carry.
    pub const MAX_ENTRY: u32 = 100;

    /// Whole units.
    pub const fn whole(n: u32) -> Units {
        Units(n * 2)
    }

    /// A count of half units (1 = 0.5 units).
    pub const fn from_halves(halves: u32) -> Units {
        Units(halves)
    }

    /// The count of half units.
    pub const fn halves(self) -> u32 {
        self.0
    }

    /// Reads an amount from JSON: any total (a 40-year career holds hundreds of units), a
    /// multiple of 0.5, not negative. The limit of one entry belongs to forms ([`Units::parse`]),
    /// never to decoding an answer.
    pub fn from_json_number(value: f64) -> Result<Units, UnitsError> {
        if !value.is_finite() {
            return Err(UnitsError::NotANumber);
        }
        if value < 0.0 {
            return Err(UnitsError::Negative);
        }
        let doubled = value * 2.0;
        if doubled.fract() != 0.0 {
            return Err(UnitsError::NotHalfStep);
        }
        if doubled > f64::from(u32::MAX) {
            return Err(UnitsError::NotANumber);
        }
        Ok(Units(doubled as u32))
    }

    /// Reads text typed by a person: "2", "1.5", "０．５" (full-width digits are accepted).
    pub fn parse(text: &str) -> Result<Units, UnitsError> {
        let normalized: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                other => other,
            })
            .collect();
        let (whole, half) = match normalized.split_once('.') {
            None => (normalized.as_str(), ""),
            Some((w, f)) => (w, f),
        };
        if whole.is_empty() && half.is_empty() {
            return Err(UnitsError::NotANumber);
        }
        if whole.starts_with('-') {
            return Err(UnitsError::Negative);
        }
        let whole_n: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| UnitsError::NotANumber)?
        };
        if !half.chars().all(|c| c.is_ascii_digit()) {
            return Err(UnitsError::NotANumber);
        }
        let fraction = half.trim_end_matches('0');
        let extra = match fraction {
            "" => 0,
            "5" => 1,
            _ => return Err(UnitsError::NotHalfStep),
        };
        if whole_n > Self::MAX_ENTRY || (whole_n == Self::MAX_ENTRY && extra == 1) {
            return Err(UnitsError::TooLarge);
        }
        Ok(Units(whole_n * 2 + extra))
    }

    /// Subtraction that stops at zero.
    pub fn saturating_sub(self, other: Units) -> Units {
        Units(self.0.saturating_sub(other.0))
    }

    /// Is this zero?
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The value as a float, for display and JSON only; never sum floats.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 2.0
    }

    /// Fraction of `needed` reached, in per mille (0..=1000), for progress bars.
    pub fn per_mille_of(self, needed: Units) -> u32 {
        if needed.0 == 0 {
            return 1000;
        }
        (u64::from(self.0.min(needed.0)) * 1000 / u64::from(needed.0)) as u32
    }
}

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(2) {
            write!(f, "{}", self.0 / 2)
        } else {
            write!(f, "{}.5", self.0 / 2)
        }
    }
}

impl Add for Units {
    type Output = Units;
    fn add(self, rhs: Units) -> Units {
        Units(self.0 + rhs.0)
    }
}

impl AddAssign for Units {
    fn add_assign(&mut self, rhs: Units) {
        self.0 += rhs.0;
    }
}

impl Sub for Units {
    type Output = Units;
    /// Saturating: a shortfall never goes below zero.
    fn sub(self, rhs: Units) -> Units {
        self.saturating_sub(rhs)
    }
}

impl Sum for Units {
    fn sum<I: Iterator<Item = Units>>(iter: I) -> Units {
        iter.fold(Units::ZERO, Add::add)
    }
}

impl Serialize for Units {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(2) {
            serializer.serialize_u32(self.0 / 2)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Units {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Units, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Units::from_json_number(n),
            Raw::Text(t) => Units::parse(&t),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_of_a_long_career_decode_from_json() {
        // A category or grand total far above one entry's limit (the history page decoded
        // totals with the entry limit and failed once a category passed 100 units).
        for (json, halves) in [("150", 300), ("612.5", 1225), ("100.5", 201), ("0", 0)] {
            let units: Units = serde_json::from_str(json).unwrap();
            assert_eq!(units, Units::from_halves(halves), "{json}");
            assert_eq!(serde_json::to_string(&units).unwrap(), json);
        }
        for bad in ["-1", "1.25", "1e300"] {
            assert!(serde_json::from_str::<Units>(bad).is_err(), "{bad}");
        }
        // A form still refuses an entry above the limit.
        assert_eq!(Units::parse("150"), Err(UnitsError::TooLarge));
    }

    #[test]
    fn half_units_are_summed_exactly() {
        let total: Units = (0..20).map(|_| Units::from_halves(1)).sum();
        assert_eq!(total, Units::whole(10));
        assert_eq!(total.to_string(), "10");
        assert_eq!(Units::from_halves(3).to_string(), "1.5");
    }

    #[test]
    fn typed_text_is_read_in_half_steps() {
        assert_eq!(Units::parse("1.5"), Ok(Units::from_halves(3)));
        assert_eq!(Units::parse(" 2 "), Ok(Units::whole(2)));
        assert_eq!(Units::parse("０．５"), Ok(Units::from_halves(1)));
        assert_eq!(Units::parse(".5"), Ok(Units::from_halves(1)));
        assert_eq!(Units::parse("1.50"), Ok(Units::from_halves(3)));
        assert_eq!(Units::parse("1.25"), Err(UnitsError::NotHalfStep));
        assert_eq!(Units::parse("-1"), Err(UnitsError::Negative));
        assert_eq!(Units::parse("abc"), Err(UnitsError::NotANumber));
        assert_eq!(Units::parse(""), Err(UnitsError::NotANumber));
        assert_eq!(Units::parse("101"), Err(UnitsError::TooLarge));
    }

    #[test]
    fn json_numbers_must_be_half_steps() {
        assert_eq!(
            serde_json::from_str::<Units>("2.5").unwrap(),
            Units::from_halves(5)
        );
        assert!(serde_json::from_str::<Units>("0.1").is_err());
        assert!(serde_json::from_str::<Units>("-2").is_err());
        assert_eq!(
            serde_json::to_string(&Units::from_halves(5)).unwrap(),
            "2.5"
        );
        assert_eq!(serde_json::to_string(&Units::whole(3)).unwrap(), "3");
    }
}
