//! Time and the device's storage as the browser gives them (the server's clock and JST date are
//! used where it matters).

use chrono::{DateTime, NaiveDate, Utc};

/// Now, by the browser's clock.
pub fn now_utc() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Today's date in Japan (UTC+9), from the browser's clock.
pub fn today_jst() -> NaiveDate {
    domain::dates::today_jst(now_utc())
}

/// `HH:MM` in Japan.
pub fn hm_jst(t: DateTime<Utc>) -> String {
    t.with_timezone(&domain::dates::jst())
        .format("%H:%M")
        .to_string()
}

/// The browser's `localStorage`, where the device keeps what must survive a reload.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
