//! Calendar arithmetic used by the rules ("+ 5 years" is calendar addition; 29 February
//! becomes 28 February).

use chrono::{DateTime, FixedOffset, Months, NaiveDate, NaiveTime, Utc};

/// Japan Standard Time (UTC+9, no daylight saving): credits, sessions and deadlines are JST
/// calendar days.
pub fn jst() -> FixedOffset {
    JST
}

const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

/// Today's date in Japan at the instant `now`.
pub fn today_jst(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&jst()).date_naive()
}

/// The instant of a JST wall-clock time on a JST day.
pub fn jst_instant(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    (day.and_time(time) - chrono::Duration::hours(9)).and_utc()
}

/// `date` plus whole calendar months; the day is clamped to the end of a shorter month.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` minus whole calendar months; the day is clamped to the end of a shorter month.
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// `date` plus whole calendar years (29 February becomes 28 February).
pub fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    add_months(date, years.saturating_mul(12))
}

/// The day after `date`.
pub fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// The day before `date`.
pub fn previous_day(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn five_years_after_29_february_is_28_february() {
        assert_eq!(add_years(d("2024-02-29"), 5), d("2029-02-28"));
        assert_eq!(add_years(d("2021-05-31"), 5), d("2026-05-31"));
    }

    #[test]
    fn two_months_before_the_end_of_may_is_the_end_of_march() {
        assert_eq!(sub_months(d("2026-05-31"), 2), d("2026-03-31"));
        assert_eq!(sub_months(d("2026-04-30"), 2), d("2026-02-28"));
    }
}
