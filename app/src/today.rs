//! Today's date as the browser's clock sees it (the server's JST date is used where it matters).

use chrono::NaiveDate;

/// Today's date in Japan (UTC+9), from the browser's clock.
pub fn today_jst() -> NaiveDate {
    let ms = js_sys::Date::now();
    let days = ((ms / 1000.0 + 9.0 * 3600.0) / 86_400.0).floor() as i64;
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
        .unwrap_or(NaiveDate::MIN)
}
