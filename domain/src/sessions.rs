//! Training sessions (研修会): the organizer's form, check-in scans, and the rule that decides
//! full or partial attendance (`rules.md`: checked in no later than start + 5 minutes, checked
//! out no earlier than end − 5 minutes; both tolerances are settings of the session).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::account::RegistryNumber;
use crate::catalog::{Category, Subject};
use crate::i18n::Message;
use crate::prefecture::Prefecture;
use crate::text::FieldError;
use crate::units::Units;

/// Sessions per page of the public search (the next page starts after the last one shown).
pub const SEARCH_PAGE: usize = 100;

/// How many days after a session its organizer may post it, by default (`rules.md`: posting
/// closes 30 days after the session; the server's `NINTEI_POSTING_DAYS` changes it), and how far
/// back a session may be submitted: units for a session long past go through the prefecture,
/// not the organizer.
pub const POSTING_WINDOW_DAYS: u64 = 30;

/// The longest designation number staff may enter.
pub const DESIGNATION_NUMBER_MAX: usize = 30;

/// The longest reason staff give when returning a session.
pub const RETURN_REASON_MAX: usize = 500;

crate::catalog::code_enum!(
    /// Where a session stands with its designation (指定): submitted by the organizer, designated
    /// by the prefecture (or JMA), or returned to the organizer with a reason. Only a designated
    /// session is published, takes scans and can be posted.
    Designation, "designation" {
        /// 指定待ち: submitted, waiting for staff.
        Submitted => "submitted",
        /// 指定済み.
        Designated => "designated",
        /// 差し戻し: returned with a reason; the organizer changes it and submits again.
        Returned => "returned",
    }
);

/// The designation number made for the `seq`-th session a prefecture designates in `year`:
/// `26-2026-0001` (JIS code, year, sequence).
pub fn designation_number(prefecture: Prefecture, year: i32, seq: u32) -> String {
    format!("{:02}-{year}-{seq:04}", prefecture.code())
}

/// Staff's decision on a submitted session: designate it, with the number they enter or (blank)
/// one made for them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DesignateRequest {
    /// The number to give; blank: the next of the prefecture and year.
    pub number: String,
}

impl DesignateRequest {
    /// The number staff entered (trimmed, at most [`DESIGNATION_NUMBER_MAX`] characters, no
    /// control characters), or `None` for one made by the server.
    pub fn parse(&self) -> Result<Option<String>, FieldError> {
        let n = crate::text::ascii_width(self.number.trim());
        if n.is_empty() {
            Ok(None)
        } else if n.chars().count() > DESIGNATION_NUMBER_MAX || n.chars().any(char::is_control) {
            Err(FieldError::new(
                "number",
                "invalid",
                Message::key("designation.number.invalid").arg("max", DESIGNATION_NUMBER_MAX),
            ))
        } else {
            Ok(Some(n))
        }
    }
}

/// Staff return a submitted session to its organizer, saying why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnRequest {
    /// What the organizer must change (required, at most [`RETURN_REASON_MAX`] characters).
    pub reason: String,
}

impl ReturnRequest {
    /// The reason, trimmed.
    pub fn parse(&self) -> Result<String, FieldError> {
        let r = self.reason.trim();
        if r.is_empty() || r.chars().count() > RETURN_REASON_MAX {
            Err(FieldError::new(
                "reason",
                "required",
                Message::key("designation.reason.required").arg("max", RETURN_REASON_MAX),
            ))
        } else {
            Ok(r.to_owned())
        }
    }
}

/// A session waiting in (or passed through) the staff's designation queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignationItem {
    /// The session, as its organizer sees it.
    pub session: crate::api::PublicSession,
    /// Lecturers named on the programme (registry numbers).
    pub lecturers: Vec<String>,
    /// Capacity.
    pub capacity: u32,
    /// Questions the submission raised (units against the duration, online practical units),
    /// for staff to weigh.
    pub questions: Vec<Message>,
}

/// How far ahead a session may be announced.
pub const MAX_DAYS_AHEAD: u64 = 730;

/// The longest contact a session may give.
pub const CONTACT_MAX: usize = 100;

/// The session form as typed by the organizer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Registry numbers of lecturers who receive the units, separated by commas or spaces.
    #[serde(default)]
    pub lecturers: String,
    /// Where attendees ask about the session: a phone number, an e-mail address or both
    /// (optional, at most [`CONTACT_MAX`] characters).
    #[serde(default)]
    pub contact: String,
    /// Minutes after the start that a check-in still counts as on time (default 5).
    #[serde(default)]
    pub tolerance_in_minutes: Option<u32>,
    /// Minutes before the end that a check-out still counts as staying to the end (default 5).
    #[serde(default)]
    pub tolerance_out_minutes: Option<u32>,
    /// Made by the client once per form (a UUID): a double tap creates one session.
    #[serde(default)]
    pub client_ref: Option<uuid::Uuid>,
    /// The organizer saw the form's questions ([`SessionSpec::questions`]) and submits anyway.
    #[serde(default)]
    pub confirm_questions: bool,
}

/// A session that passed every check.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Where attendees ask about it.
    #[serde(default)]
    pub contact: Option<String>,
    /// Prefecture.
    pub prefecture: Prefecture,
    /// Online.
    pub online: bool,
    /// Capacity.
    pub capacity: u32,
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
    pub fn parse(&self, today: NaiveDate) -> Result<SessionSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new(
                "title",
                "required",
                Message::key("session.title.required"),
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
                    Message::key("session.units.invalid_units"),
                ));
                None
            }
        };
        let date = self.date.trim().parse::<NaiveDate>().ok();
        match date {
            None => errors.push(FieldError::new(
                "date",
                "invalid_date",
                Message::key("session.date.invalid_date"),
            )),
            Some(d) if d < today - chrono::Days::new(POSTING_WINDOW_DAYS) => {
                errors.push(FieldError::new(
                    "date",
                    "too_old",
                    Message::key("session.date.too_old").arg("days", POSTING_WINDOW_DAYS),
                ));
            }
            Some(d) if d > today + chrono::Days::new(MAX_DAYS_AHEAD) => {
                errors.push(FieldError::new(
                    "date",
                    "too_far",
                    Message::key("session.date.too_far"),
                ));
            }
            Some(_) => {}
        }
        let (starts_at, ends_at) = (time(&self.starts_at), time(&self.ends_at));
        if starts_at.is_none() {
            errors.push(FieldError::new(
                "starts_at",
                "invalid_time",
                Message::key("session.starts_at.invalid_time"),
            ));
        }
        match (starts_at, ends_at) {
            (_, None) => errors.push(FieldError::new(
                "ends_at",
                "invalid_time",
                Message::key("session.ends_at.invalid_time"),
            )),
            (Some(s), Some(e)) if e <= s => errors.push(FieldError::new(
                "ends_at",
                "before_start",
                Message::key("session.ends_at.before_start"),
            )),
            _ => {}
        }
        let venue = self.venue.trim();
        if venue.is_empty() {
            errors.push(FieldError::new(
                "venue",
                "required",
                Message::key("session.venue.required"),
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
                Message::key("session.prefecture.required"),
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
                Message::key("session.capacity.invalid"),
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
                        Message::key("session.lecturers.not_digits").arg("number", part.trim()),
                    ));
                    break;
                }
            }
        }
        let contact = Some(self.contact.trim())
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if contact
            .as_ref()
            .is_some_and(|c| c.chars().count() > CONTACT_MAX)
        {
            errors.push(FieldError::new(
                "contact",
                "too_long",
                Message::key("session.contact.too_long").arg("max", CONTACT_MAX),
            ));
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
                    Message::key("session.tolerance.too_large"),
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
                contact,
                prefecture,
                online: self.online,
                capacity,
                lecturers,
                tolerance_in_minutes: ti,
                tolerance_out_minutes: to,
            }),
            _ => Err(errors),
        }
    }
}

impl SessionSpec {
    /// What staff should ask about before designating (see [`questions`]).
    pub fn questions(&self) -> Vec<Message> {
        questions(
            self.category,
            self.units,
            self.starts_at,
            self.ends_at,
            self.online,
        )
    }
}

/// What staff should ask about before designating a session (`rules.md`: 1 hour = 1 unit;
/// online basic and online practical units count 0): units that do not fit the time from start
/// to end, and a web seminar of a category whose online units count nothing. The organizer sees
/// the same questions before submitting.
pub fn questions(
    category: Category,
    units: Units,
    starts_at: NaiveTime,
    ends_at: NaiveTime,
    online: bool,
) -> Vec<Message> {
    let mut found = Vec::new();
    let minutes = (ends_at - starts_at).num_minutes();
    if i64::from(units.halves()) * 30 > minutes {
        found.push(
            Message::key("session.question.units_exceed_duration")
                .arg("units", units)
                .arg("minutes", minutes),
        );
    }
    if online
        && (category.is_occupational_basic() || category == Category::OccupationalLifelongPractical)
    {
        found.push(Message::key("session.question.online_counts_zero"));
    }
    found
}

crate::catalog::code_enum!(
    /// Check-in or check-out.
    ScanKind, "scan kind" {
        /// 入室
        In => "in",
        /// 退室
        Out => "out",
    }
);

/// How a physician attended, judged from their first check-in and last check-out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl Presence {
    /// In words, as the review and the attendance exports say it: 「全出席」, or
    /// 「一部出席・5分遅刻・退室記録なし」.
    pub fn describe(&self, lang: crate::Lang) -> String {
        let t = |key: &str| crate::i18n::t(lang, key);
        match *self {
            Presence::Full => t("review.full"),
            Presence::Partial {
                late_minutes,
                early_minutes,
                missing_in,
                missing_out,
            } => {
                let mut parts = vec![t("review.partial")];
                if missing_in {
                    parts.push(t("review.no_in"));
                } else if late_minutes > 0 {
                    parts.push(
                        Message::key("review.late")
                            .arg("n", late_minutes)
                            .render(lang),
                    );
                }
                if missing_out {
                    parts.push(t("review.no_out"));
                } else if early_minutes > 0 {
                    parts.push(
                        Message::key("review.early")
                            .arg("n", early_minutes)
                            .render(lang),
                    );
                }
                parts.join("・")
            }
        }
    }
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

/// One attendee from a paper attendance sheet (CSV: registry number, name, in, out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperAttendance {
    /// Line number in the file (1-based).
    pub line: usize,
    /// 医籍登録番号
    pub registry: RegistryNumber,
    /// The name as written on the sheet, checked against the registry number's physician.
    pub name: String,
    /// Check-in time (JST), if written.
    pub checked_in: Option<NaiveTime>,
    /// Check-out time (JST), if written.
    pub checked_out: Option<NaiveTime>,
    /// The day written with the times (a web seminar's log writes `2026-12-05 13:01:22`);
    /// it must be the session's.
    pub on: Option<NaiveDate>,
}

/// A sheet's time: `HH:MM` or `HH:MM:SS` (JST), or a meeting log's `YYYY-MM-DD HH:MM:SS`
/// (also with slashes), whose day is returned with it.
fn sheet_time(text: &str) -> Result<Option<(Option<NaiveDate>, NaiveTime)>, ()> {
    let t = crate::text::normalize_digits(text.trim()).replace('/', "-");
    if t.is_empty() {
        return Ok(None);
    }
    let time = |t: &str| {
        NaiveTime::parse_from_str(t, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
            .map_err(|_| ())
    };
    match t.split_once([' ', 'T']) {
        Some((day, at)) => {
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| ())?;
            Ok(Some((Some(day), time(at.trim())?)))
        }
        None => Ok(Some((None, time(&t)?))),
    }
}

/// Reads a paper attendance sheet: `registry number, name, in, out` per record (times `HH:MM`
/// JST; one of them may be blank; quoted fields may hold commas and line breaks). A first record
/// that does not start with a number is a header. Returns every readable record and every
/// problem, each with the line it starts on and what to do.
///
/// A web seminar's entry and exit log (`online`) has the same columns, a row per connection:
/// someone who reconnected has several rows, each a join and a leave (with the day, as meeting
/// logs write them); the whole-session rule then judges their first join and last leave.
pub fn parse_attendance_csv(
    text: &str,
    online: bool,
) -> (Vec<PaperAttendance>, Vec<crate::api::ImportProblem>) {
    let mut rows: Vec<PaperAttendance> = Vec::new();
    let mut problems = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    for (index, record) in reader.records().enumerate() {
        let (line, fields) = match record {
            Ok(r) => (
                r.position().map_or(index + 1, |p| {
                    usize::try_from(p.line()).unwrap_or(usize::MAX)
                }),
                r.iter().map(str::to_owned).collect::<Vec<String>>(),
            ),
            Err(e) => {
                let line = e.position().map_or(index + 1, |p| {
                    usize::try_from(p.line()).unwrap_or(usize::MAX)
                });
                problems.push(crate::api::ImportProblem {
                    line,
                    message: Message::key("sheet.unreadable").arg("line", line),
                });
                continue;
            }
        };
        if fields.iter().all(String::is_empty) {
            continue;
        }
        let first = crate::text::normalize_digits(fields.first().map_or("", String::as_str));
        if index == 0 && !first.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let mut problem = |message: Message| {
            problems.push(crate::api::ImportProblem {
                line,
                message: message.arg("line", line),
            });
        };
        if fields.len() != 4 {
            problem(Message::key("sheet.field_count").arg("n", fields.len()));
            continue;
        }
        let registry = match RegistryNumber::parse(&fields[0]) {
            Ok(r) => r,
            Err(_) => {
                problem(Message::key("sheet.not_digits").arg("number", &fields[0]));
                continue;
            }
        };
        if fields[1].is_empty() {
            problem(Message::key("sheet.name_missing"));
            continue;
        }
        let (checked_in, checked_out) = match (sheet_time(&fields[2]), sheet_time(&fields[3])) {
            (Ok(i), Ok(o)) => (i, o),
            (i, _) => {
                let bad = if i.is_err() { &fields[2] } else { &fields[3] };
                problem(Message::key("sheet.bad_time").arg("time", bad));
                continue;
            }
        };
        match (checked_in, checked_out) {
            (None, None) => {
                problem(Message::key("sheet.no_time"));
                continue;
            }
            (Some((Some(a), _)), Some((Some(b), _))) if a != b => {
                problem(Message::key("sheet.two_days"));
                continue;
            }
            (Some(i), Some(o)) if o.1 < i.1 => {
                problem(Message::key("sheet.out_before_in"));
                continue;
            }
            _ => {}
        }
        let on = checked_in
            .and_then(|t| t.0)
            .or(checked_out.and_then(|t| t.0));
        let (checked_in, checked_out) = (checked_in.map(|t| t.1), checked_out.map(|t| t.1));
        if let Some(first) = rows
            .iter()
            .find(|r| r.registry == registry)
            .filter(|_| !online)
        {
            problem(
                Message::key("sheet.duplicate")
                    .arg("number", registry.as_str())
                    .arg("first", first.line),
            );
            continue;
        }
        rows.push(PaperAttendance {
            line,
            registry,
            name: fields[1].clone(),
            checked_in,
            checked_out,
            on,
        });
    }
    (rows, problems)
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
            .parse(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
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
            "lecturers",
        ] {
            assert!(
                fields.contains(&f.to_owned()),
                "{f} missing from {fields:?}"
            );
        }
    }

    /// A good form for a session in Kyoto on 2026-12-05.
    fn kyoto_form() -> SessionForm {
        SessionForm {
            title: "産業医研修会".into(),
            category: "occupational.lifelong.update".into(),
            units: "2".into(),
            date: "2026-12-05".into(),
            starts_at: "13:00".into(),
            ends_at: "15:00".into(),
            venue: "京都府医師会館".into(),
            prefecture: "26".into(),
            capacity: "200".into(),
            ..SessionForm::default()
        }
    }

    #[test]
    fn units_longer_than_the_session_and_online_practical_units_are_questioned() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let keys = |form: SessionForm| -> Vec<String> {
            form.parse(day)
                .unwrap()
                .questions()
                .into_iter()
                .map(|m| m.key)
                .collect()
        };
        // 13:00–15:00 holds 2 units, not 2.5.
        assert!(keys(kyoto_form()).is_empty());
        let long = SessionForm {
            units: "2.5".into(),
            ..kyoto_form()
        };
        assert_eq!(keys(long), ["session.question.units_exceed_duration"]);
        let online_practical = SessionForm {
            category: "occupational.lifelong.practical".into(),
            online: true,
            ..kyoto_form()
        };
        assert_eq!(
            keys(online_practical),
            ["session.question.online_counts_zero"]
        );
        let online_update = SessionForm {
            online: true,
            ..kyoto_form()
        };
        assert!(keys(online_update).is_empty());
    }

    #[test]
    fn designation_numbers_are_made_per_prefecture_and_year_or_entered() {
        assert_eq!(
            designation_number(Prefecture::KYOTO, 2026, 7),
            "26-2026-0007"
        );
        let entered = DesignateRequest {
            number: " 京都第１２号 ".into(),
        };
        assert_eq!(entered.parse().unwrap().as_deref(), Some("京都第12号"));
        assert_eq!(DesignateRequest::default().parse().unwrap(), None);
        let long = DesignateRequest {
            number: "1".repeat(DESIGNATION_NUMBER_MAX + 1),
        };
        assert_eq!(long.parse().unwrap_err().field, "number");
        assert_eq!(
            ReturnRequest {
                reason: "  ".into()
            }
            .parse()
            .unwrap_err()
            .code,
            "required"
        );
    }

    #[test]
    fn a_contact_is_optional_trimmed_and_at_most_a_hundred_characters() {
        let form = |contact: &str| SessionForm {
            contact: contact.into(),
            ..kyoto_form()
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(form("  ").parse(day).unwrap().contact, None);
        assert_eq!(
            form(" 075-354-6102 ")
                .parse(day)
                .unwrap()
                .contact
                .as_deref(),
            Some("075-354-6102")
        );
        let long = "問".repeat(CONTACT_MAX + 1);
        let errors = form(&long).parse(day).unwrap_err();
        assert_eq!(errors[0].field, "contact");
    }

    #[test]
    fn a_good_session_form_uses_the_default_tolerances() {
        let form = SessionForm {
            lecturers: "123456、２３４５６７".into(),
            ..kyoto_form()
        };
        let spec = form
            .parse(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
            .unwrap();
        assert_eq!(spec.tolerance_in_minutes, 5);
        assert_eq!(spec.lecturers.len(), 2);
        assert_eq!(spec.lecturers[1].as_str(), "234567");
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn a_session_long_past_or_years_ahead_is_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut form = SessionForm {
            title: "研修会".into(),
            category: "occupational.lifelong.update".into(),
            units: "1".into(),
            starts_at: "13:00".into(),
            ends_at: "14:00".into(),
            venue: "会館".into(),
            prefecture: "26".into(),
            capacity: "10".into(),
            ..SessionForm::default()
        };
        for (date, code) in [
            ("2020-01-01", Some("too_old")),
            ("2026-10-27", None),
            ("2030-01-01", Some("too_far")),
        ] {
            form.date = date.into();
            let codes: Vec<String> = form
                .parse(today)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.code)
                .collect();
            assert_eq!(codes.first().map(String::as_str), code, "{date}");
        }
    }

    #[test]
    fn a_sheet_with_a_header_quotes_and_full_width_digits_is_read() {
        let (rows, problems) = parse_attendance_csv(
            "\u{feff}医籍登録番号,氏名,入室,退室\n400000,\"山田, 美咲\",12:55,１５:０２\n400001,佐藤 一郎,,15:00\n",
            false,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "山田, 美咲");
        assert_eq!(rows[0].checked_out, NaiveTime::from_hms_opt(15, 2, 0));
        assert_eq!(rows[1].checked_in, None);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let (rows, problems) = parse_attendance_csv(
            "400000,山田,13:00,15:00\nabc,誰か,13:00,15:00\n400001,,13:00,15:00\n400002,鈴木,1pm,15:00\n400003,田中,,\n400004,高橋,15:00,13:00\n400000,山田,13:00,15:00\n400005,伊藤,13:00\n",
            false,
        );
        assert_eq!(rows.len(), 1);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(problems[5].message.key, "sheet.duplicate");
        assert!(
            problems[5]
                .message
                .render(crate::Lang::Ja)
                .contains("1行目にもあります")
        );
    }

    #[test]
    fn a_quoted_name_may_hold_a_line_break() {
        let (rows, problems) = parse_attendance_csv(
            "400000,\"山田\n美咲\",12:55,15:02\n400001,佐藤,13:00,15:00\n",
            false,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "山田\n美咲");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn a_meeting_log_has_a_row_per_connection_with_the_day() {
        let log = "医籍登録番号,氏名,入室,退室\n400000,山田 美咲,2026/12/05 12:58:10,2026/12/05 13:40:00\n400000,山田 美咲,2026-12-05 13:41:30,2026-12-05 15:01:02\n400001,佐藤,2026-12-05 13:00,2026-12-06 00:10\n";
        let (rows, problems) = parse_attendance_csv(log, true);
        assert_eq!(rows.len(), 2, "{problems:?}");
        assert_eq!(rows[1].checked_in, NaiveTime::from_hms_opt(13, 41, 30));
        assert_eq!(rows[1].on, NaiveDate::from_ymd_opt(2026, 12, 5));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message.key, "sheet.two_days");
        // A paper sheet keeps one line per person.
        let (rows, problems) = parse_attendance_csv(log, false);
        assert_eq!(rows.len(), 1);
        assert_eq!(problems[0].message.key, "sheet.duplicate");
    }
}
