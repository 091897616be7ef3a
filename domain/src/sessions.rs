//! Training sessions (研修会): the organizer's form, check-in scans, and the rule that decides
//! full or partial attendance (`rules.md`: checked in no later than start + 5 minutes, checked
//! out no earlier than end − 5 minutes; both tolerances are settings of the session).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::account::RegistryNumber;
use crate::catalog::{Category, Subject};
use crate::prefecture::Prefecture;
use crate::text::FieldError;
use crate::units::Units;

/// The session form as typed by the organizer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    /// Title.
    pub title: String,
    /// Category code.
    pub category: String,
    /// Subject code, where the category has subjects.
    #[serde(default)]
    pub subject: String,
    /// Units, 0.5 steps.
    pub units: String,
    /// Day (JST), `YYYY-MM-DD`.
    pub date: String,
    /// Start, `HH:MM` JST.
    pub starts_at: String,
    /// End, `HH:MM` JST.
    pub ends_at: String,
    /// Venue, or the seminar platform for online sessions.
    pub venue: String,
    /// Prefecture of the venue (JIS code).
    pub prefecture: String,
    /// A web seminar attended individually.
    #[serde(default)]
    pub online: bool,
    /// Capacity.
    pub capacity: String,
    /// 指定番号 given by the association.
    pub designation_number: String,
    /// Registry numbers of lecturers who receive the units, separated by commas or spaces.
    #[serde(default)]
    pub lecturers: String,
    /// Minutes after the start that a check-in still counts as on time (default 5).
    #[serde(default)]
    pub tolerance_in_minutes: Option<u32>,
    /// Minutes before the end that a check-out still counts as staying to the end (default 5).
    #[serde(default)]
    pub tolerance_out_minutes: Option<u32>,
}

/// A session that passed every check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSpec {
    /// Title.
    pub title: String,
    /// Category.
    pub category: Category,
    /// Subject.
    pub subject: Option<Subject>,
    /// Units.
    pub units: Units,
    /// Day.
    pub date: NaiveDate,
    /// Start (JST).
    pub starts_at: NaiveTime,
    /// End (JST).
    pub ends_at: NaiveTime,
    /// Venue.
    pub venue: String,
    /// Prefecture.
    pub prefecture: Prefecture,
    /// Online.
    pub online: bool,
    /// Capacity.
    pub capacity: u32,
    /// 指定番号.
    pub designation_number: String,
    /// Lecturers' registry numbers.
    pub lecturers: Vec<RegistryNumber>,
    /// Check-in tolerance, minutes.
    pub tolerance_in_minutes: u32,
    /// Check-out tolerance, minutes.
    pub tolerance_out_minutes: u32,
}

/// The default tolerance of `rules.md`.
pub const DEFAULT_TOLERANCE_MINUTES: u32 = 5;

fn time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

impl SessionForm {
    /// Checks every field and returns all problems at once.
    pub fn parse(&self) -> Result<SessionSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new(
                "title",
                "required",
                "研修会名を200文字以内で入力してください",
                "Enter a title (up to 200 characters)",
            ));
        }
        let (category, subject) =
            crate::catalog::parse_category_subject(&self.category, &self.subject, &mut errors);
        let units = match Units::parse(&self.units) {
            Ok(u) if !u.is_zero() => Some(u),
            _ => {
                errors.push(FieldError::new(
                    "units",
                    "invalid_units",
                    "単位数を0.5単位刻みで入力してください",
                    "Enter the units in 0.5 steps",
                ));
                None
            }
        };
        let date = self.date.trim().parse::<NaiveDate>().ok();
        if date.is_none() {
            errors.push(FieldError::new(
                "date",
                "invalid_date",
                "開催日を「2026-12-05」の形で入力してください",
                "Enter the date as 2026-12-05",
            ));
        }
        let (starts_at, ends_at) = (time(&self.starts_at), time(&self.ends_at));
        if starts_at.is_none() {
            errors.push(FieldError::new(
                "starts_at",
                "invalid_time",
                "開始時刻を「13:00」の形で入力してください",
                "Enter the start as 13:00",
            ));
        }
        match (starts_at, ends_at) {
            (_, None) => errors.push(FieldError::new(
                "ends_at",
                "invalid_time",
                "終了時刻を「15:00」の形で入力してください",
                "Enter the end as 15:00",
            )),
            (Some(s), Some(e)) if e <= s => errors.push(FieldError::new(
                "ends_at",
                "before_start",
                "終了時刻は開始時刻より後にしてください",
                "The end must be after the start",
            )),
            _ => {}
        }
        let venue = self.venue.trim();
        if venue.is_empty() {
            errors.push(FieldError::new(
                "venue",
                "required",
                "会場（Web開催は配信方法）を入力してください",
                "Enter the venue (or the platform, online)",
            ));
        }
        let prefecture = self
            .prefecture
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(Prefecture::from_code);
        if prefecture.is_none() {
            errors.push(FieldError::new(
                "prefecture",
                "required",
                "都道府県を選んでください",
                "Choose a prefecture",
            ));
        }
        let capacity = self
            .capacity
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=100_000).contains(c));
        if capacity.is_none() {
            errors.push(FieldError::new(
                "capacity",
                "invalid",
                "定員を1以上の数で入力してください",
                "Enter the capacity as a number of 1 or more",
            ));
        }
        let designation = self.designation_number.trim();
        if designation.is_empty() {
            errors.push(FieldError::new(
                "designation_number",
                "required",
                "指定番号を入力してください",
                "Enter the designation number",
            ));
        }
        let mut lecturers = Vec::new();
        for part in self
            .lecturers
            .split([',', '、', ' ', '\u{3000}', '\n'])
            .filter(|p| !p.trim().is_empty())
        {
            match RegistryNumber::parse(part) {
                Ok(r) if !lecturers.contains(&r) => lecturers.push(r),
                Ok(_) => {}
                Err(_) => {
                    errors.push(FieldError::new(
                        "lecturers",
                        "not_digits",
                        format!("講師の医籍登録番号「{}」が数字ではありません", part.trim()),
                        format!("Lecturer registry number “{}” is not digits", part.trim()),
                    ));
                    break;
                }
            }
        }
        let tolerance = |v: Option<u32>| match v {
            None => Some(DEFAULT_TOLERANCE_MINUTES),
            Some(m) if m <= 60 => Some(m),
            Some(_) => None,
        };
        let tol_in = tolerance(self.tolerance_in_minutes);
        let tol_out = tolerance(self.tolerance_out_minutes);
        for (v, field) in [
            (tol_in, "tolerance_in_minutes"),
            (tol_out, "tolerance_out_minutes"),
        ] {
            if v.is_none() {
                errors.push(FieldError::new(
                    field,
                    "too_large",
                    "許容時間は60分以内にしてください",
                    "Keep the tolerance to 60 minutes or less",
                ));
            }
        }
        match (
            category, units, date, starts_at, ends_at, prefecture, capacity, tol_in, tol_out,
        ) {
            (
                Some(category),
                Some(units),
                Some(date),
                Some(starts_at),
                Some(ends_at),
                Some(prefecture),
                Some(capacity),
                Some(ti),
                Some(to),
            ) if errors.is_empty() => Ok(SessionSpec {
                title: title.to_owned(),
                category,
                subject,
                units,
                date,
                starts_at,
                ends_at,
                venue: venue.to_owned(),
                prefecture,
                online: self.online,
                capacity,
                designation_number: designation.to_owned(),
                lecturers,
                tolerance_in_minutes: ti,
                tolerance_out_minutes: to,
            }),
            _ => Err(errors),
        }
    }
}

/// Check-in or check-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanKind {
    /// 入室
    In,
    /// 退室
    Out,
}

/// How a physician attended, judged from their first check-in and last check-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "presence")]
pub enum Presence {
    /// Present for the whole session: the units are granted.
    Full,
    /// Late, left early, or a scan is missing: no units unless the organizer grants them.
    Partial {
        /// Minutes after start + tolerance that they checked in (0 when on time).
        late_minutes: u32,
        /// Minutes before end − tolerance that they checked out (0 when they stayed).
        early_minutes: u32,
        /// No check-in was recorded.
        missing_in: bool,
        /// No check-out was recorded.
        missing_out: bool,
    },
}

/// Applies the tolerance rule. Times are JST wall-clock times.
pub fn presence(
    start: NaiveDateTime,
    end: NaiveDateTime,
    tolerance_in_minutes: u32,
    tolerance_out_minutes: u32,
    first_in: Option<NaiveDateTime>,
    last_out: Option<NaiveDateTime>,
) -> Presence {
    let latest_in = start + chrono::Duration::minutes(i64::from(tolerance_in_minutes));
    let earliest_out = end - chrono::Duration::minutes(i64::from(tolerance_out_minutes));
    // Whole minutes beyond the limit, rounded up: one second late is one minute late.
    let beyond = |seconds: i64| u32::try_from((seconds.max(0) + 59) / 60).unwrap_or(u32::MAX);
    let late_minutes = first_in.map_or(0, |t| beyond((t - latest_in).num_seconds()));
    let early_minutes = last_out.map_or(0, |t| beyond((earliest_out - t).num_seconds()));
    let (missing_in, missing_out) = (first_in.is_none(), last_out.is_none());
    if !missing_in && !missing_out && late_minutes == 0 && early_minutes == 0 {
        Presence::Full
    } else {
        Presence::Partial {
            late_minutes,
            early_minutes,
            missing_in,
            missing_out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hm: &str) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_time(NaiveTime::parse_from_str(hm, "%H:%M:%S").unwrap())
    }

    fn judge(first_in: Option<&str>, last_out: Option<&str>) -> Presence {
        presence(
            at("13:00:00"),
            at("15:00:00"),
            5,
            5,
            first_in.map(at),
            last_out.map(at),
        )
    }

    #[test]
    fn checked_in_by_start_plus_five_and_out_from_end_minus_five_is_full_attendance() {
        assert_eq!(judge(Some("13:05:00"), Some("14:55:00")), Presence::Full);
        assert_eq!(judge(Some("12:40:00"), Some("15:20:00")), Presence::Full);
    }

    #[test]
    fn one_second_late_or_early_is_partial_attendance() {
        assert!(matches!(
            judge(Some("13:05:01"), Some("15:00:00")),
            Presence::Partial {
                late_minutes: 1,
                ..
            }
        ));
        assert!(matches!(
            judge(Some("13:00:00"), Some("14:54:59")),
            Presence::Partial {
                early_minutes: 1,
                ..
            }
        ));
        assert!(matches!(
            judge(Some("13:30:00"), Some("14:30:00")),
            Presence::Partial {
                late_minutes: 25,
                early_minutes: 25,
                ..
            }
        ));
    }

    #[test]
    fn a_missing_scan_is_partial_attendance() {
        assert!(matches!(
            judge(Some("13:00:00"), None),
            Presence::Partial {
                missing_out: true,
                ..
            }
        ));
        assert!(matches!(
            judge(None, Some("15:00:00")),
            Presence::Partial {
                missing_in: true,
                ..
            }
        ));
    }

    #[test]
    fn the_session_form_reports_every_problem() {
        let form = SessionForm {
            starts_at: "15:00".into(),
            ends_at: "13:00".into(),
            lecturers: "12x".into(),
            ..SessionForm::default()
        };
        let fields: Vec<String> = form
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "title",
            "category",
            "units",
            "date",
            "ends_at",
            "venue",
            "prefecture",
            "capacity",
            "designation_number",
            "lecturers",
        ] {
            assert!(
                fields.contains(&f.to_owned()),
                "{f} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn a_good_session_form_uses_the_default_tolerances() {
        let form = SessionForm {
            title: "産業医研修会".into(),
            category: "occupational.lifelong.update".into(),
            units: "2".into(),
            date: "2026-12-05".into(),
            starts_at: "13:00".into(),
            ends_at: "15:00".into(),
            venue: "京都府医師会館".into(),
            prefecture: "26".into(),
            capacity: "200".into(),
            designation_number: "26-0101".into(),
            lecturers: "123456、２３４５６７".into(),
            ..SessionForm::default()
        };
        let spec = form.parse().unwrap();
        assert_eq!(spec.tolerance_in_minutes, 5);
        assert_eq!(spec.lecturers.len(), 2);
        assert_eq!(spec.lecturers[1].as_str(), "234567");
    }
}
