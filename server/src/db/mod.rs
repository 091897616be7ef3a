//! Database access. sea-orm types stay in here and in `entities/`; functions take and return
//! domain types.

pub mod accounts;
pub mod applications;
pub mod checkin;
pub mod doors;
pub mod ledger;
pub mod mypage;
pub mod secrets;
pub mod sessions;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Japan Standard Time (UTC+9, no daylight saving).
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("a valid offset")
}

/// Today's date in Japan: credits and deadlines are JST calendar days.
pub fn today_jst(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&jst()).date_naive()
}
