//! Dates in the Library of Congress Extended Date/Time Format (EDTF, ISO 8601-2),
//! levels 0 and 1.
//!
//! Supported forms:
//!
//! * dates with year, month or day precision: `2025`, `2025-02`, `2025-02-24`;
//! * a qualifier on a whole date: `2025~` (approximate), `2025?` (uncertain),
//!   `2025%` (approximate and uncertain), also `2025-02~`, `2025-02-24?`;
//! * intervals of any of the above: `2024/2025`, `2025-02-18/2025-02-24`,
//!   `2025-02/2025-06`, `2025~/2026?`;
//! * open interval ends written `..` (`2025/..`, `../2025`) and unknown ends written as
//!   nothing (`2025/`, `/2025`).
//!
//! Years are four digits, 0000–9999 (proleptic Gregorian calendar, so 0000 is a leap
//! year). Level 1 features that lode does not use — unspecified digits (`201X`),
//! seasons (`2025-21`), negative years and `Y`-prefixed years — are rejected with a
//! "not supported" error, as are times (`2025-02-24T10:00`).
//!
//! Errors ([`EdtfError`]) are written for people editing YAML by hand: each carries a
//! message, the byte offset of the problem in the input and a line of help.

mod parse;

pub use parse::parse;

use std::cmp::Ordering;
use std::fmt;

/// How precisely a date is given. `Year < Month < Day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// Only the year is given (`2025`).
    Year,
    /// Year and month are given (`2025-02`).
    Month,
    /// Year, month and day are given (`2025-02-24`).
    Day,
}

/// One calendar date of year, month or day precision, with optional qualifiers.
///
/// A `day` without a `month` is ignored by [`DatePoint::precision`], [`DatePoint::iso`]
/// and [`DatePoint::display`]; [`parse`] never produces one.
///
/// Ordering (total, consistent with `Eq`): by year; then by month, where a missing month
/// (year precision) sorts before every month; then by day, where a missing day sorts
/// before every day (so a year sorts before its months, and a month before its days);
/// then by qualifiers: plain < approximate < uncertain < approximate and uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DatePoint {
    /// The year, 0–9999.
    pub year: u16,
    /// The month, 1–12, if given.
    pub month: Option<u8>,
    /// The day of the month, 1–31, if given (only meaningful together with `month`).
    pub day: Option<u8>,
    /// The date is approximate (`~`, or `%` together with `uncertain`).
    pub approximate: bool,
    /// The date is uncertain (`?`, or `%` together with `approximate`).
    pub uncertain: bool,
}

/// A parsed EDTF value: a single date or an interval between two dates.
///
/// Ordering (total, consistent with `Eq`, stable for sorting; callers break ties by
/// title):
///
/// 1. by start: an interval without a start sorts before everything (an open start `..`
///    before an unknown one), otherwise by the start [`DatePoint`] (see its ordering:
///    year, month, day with less precise first, then qualifiers);
/// 2. then by end: a single date sorts before any interval with the same start, then
///    intervals with an end date ordered by that date, then intervals with an unknown end,
///    and last intervals with an open end (`..`);
/// 3. finally by the `start_open`/`end_open` flags (only relevant for values that
///    [`parse`] never produces, such as a start date together with `start_open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edtf {
    /// A single date, such as `2025-02~`.
    Point(DatePoint),
    /// An interval such as `2024/2025`, `2025/..` or `/2025`.
    ///
    /// A missing end with its `*_open` flag set is an open end (`..`); a missing end
    /// without it is an unknown end (written as nothing).
    Interval {
        /// The first date of the interval, if known and bounded.
        start: Option<DatePoint>,
        /// The last date of the interval, if known and bounded.
        end: Option<DatePoint>,
        /// With `start == None`: the interval is open at the start (`..`), rather than
        /// having an unknown start.
        start_open: bool,
        /// With `end == None`: the interval is open at the end (`..`), rather than
        /// having an unknown end.
        end_open: bool,
    },
}

/// Why a piece of text is not an accepted EDTF date.
///
/// `Display` shows only the message; show `help` separately (for example as a note
/// under a source snippet that points at `offset`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EdtfError {
    /// What is wrong, in plain English, e.g. "February 2025 has 28 days, not 30".
    pub message: String,
    /// Byte offset into the parsed text where the problem starts.
    pub offset: usize,
    /// How to fix it, e.g. "write a real date such as 2025-02-28, or drop the day: 2025-02".
    pub help: String,
}

const MONTH_ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The accepted forms, shown as help under most date errors.
const FORMS_HELP: &str = "accepted forms: 2025, 2025-02, 2025-02-24; add ~ (approximate), \
? (uncertain) or % (both) at the end, e.g. 2025~ or 2025-02?; intervals: 2024/2025, \
2025-02-18/2025-02-24, 2025/.. (open end), 2025/ (unknown end)";

fn month_abbr(month: u8) -> &'static str {
    MONTH_ABBR
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("???")
}

/// The English name of `month` (1–12), `???` for anything else.
fn month_name(month: u8) -> &'static str {
    MONTH_NAMES
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("???")
}

fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl DatePoint {
    /// The precision of this date: [`Precision::Day`] if month and day are given,
    /// [`Precision::Month`] if only the month is, else [`Precision::Year`].
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            (None, _) => Precision::Year,
        }
    }

    /// English rendering for readers: "2025", "Feb 2025", "24 Feb 2025", with "c. "
    /// in front when approximate and "?" after when uncertain ("c. Feb 2025?").
    pub fn display(&self) -> String {
        let core = match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", month_abbr(m), self.year),
            (Some(m), None) => format!("{} {}", month_abbr(m), self.year),
            (None, _) => self.year.to_string(),
        };
        let prefix = if self.approximate { "c. " } else { "" };
        let suffix = if self.uncertain { "?" } else { "" };
        format!("{prefix}{core}{suffix}")
    }

    /// The date without qualifiers, as used in `<time datetime="…">`: "2025", "2025-02"
    /// or "2025-02-24".
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            (None, _) => format!("{:04}", self.year),
        }
    }

    /// The date in EDTF, including its qualifier ("2025-02~").
    fn edtf(&self) -> String {
        format!("{}{}", self.iso(), self.qualifier())
    }

    fn qualifier(&self) -> &'static str {
        match (self.approximate, self.uncertain) {
            (false, false) => "",
            (true, false) => "~",
            (false, true) => "?",
            (true, true) => "%",
        }
    }

    fn qualifier_rank(&self) -> u8 {
        u8::from(self.approximate) + 2 * u8::from(self.uncertain)
    }

    /// The first day covered by this date, as (year, month, day).
    fn earliest(&self) -> (u16, u8, u8) {
        match (self.month, self.day) {
            (Some(m), Some(d)) => (self.year, m, d),
            (Some(m), None) => (self.year, m, 1),
            (None, _) => (self.year, 1, 1),
        }
    }

    /// The last day covered by this date, as (year, month, day).
    fn latest(&self) -> (u16, u8, u8) {
        match (self.month, self.day) {
            (Some(m), Some(d)) => (self.year, m, d),
            (Some(m), None) => (self.year, m, days_in_month(self.year, m)),
            (None, _) => (self.year, 12, 31),
        }
    }
}

impl Ord for DatePoint {
    fn cmp(&self, other: &Self) -> Ordering {
        self.year
            .cmp(&other.year)
            .then_with(|| self.month.cmp(&other.month))
            .then_with(|| self.day.cmp(&other.day))
            .then_with(|| self.qualifier_rank().cmp(&other.qualifier_rank()))
    }
}

impl PartialOrd for DatePoint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Edtf {
    /// The start of the value: the date itself for a single date, the start of an
    /// interval, or `None` for an interval with an open or unknown start.
    pub fn start(&self) -> Option<&DatePoint> {
        match self {
            Edtf::Point(p) => Some(p),
            Edtf::Interval { start, .. } => start.as_ref(),
        }
    }

    /// The end of the value: the date itself for a single date, the end of an
    /// interval, or `None` for an interval with an open or unknown end.
    pub fn end(&self) -> Option<&DatePoint> {
        match self {
            Edtf::Point(p) => Some(p),
            Edtf::Interval { end, .. } => end.as_ref(),
        }
    }

    /// Whether this is an interval (including intervals with open or unknown ends).
    pub fn is_interval(&self) -> bool {
        matches!(self, Edtf::Interval { .. })
    }

    /// The precision of the start, or of the end if there is no start
    /// ([`Precision::Year`] if there is neither).
    pub fn precision(&self) -> Precision {
        self.start()
            .or_else(|| self.end())
            .map_or(Precision::Year, DatePoint::precision)
    }

    /// The year to group this value under: the start's year, else the end's year.
    pub fn sort_year(&self) -> Option<u16> {
        self.start().or_else(|| self.end()).map(|p| p.year)
    }

    /// English rendering for readers.
    ///
    /// Single dates as [`DatePoint::display`]. Intervals: "2024–2025",
    /// "18–24 Feb 2025", "Feb–Jun 2025", "18 Feb – 3 Mar 2025", "Dec 2024 – Feb 2025"
    /// (the en dash is spaced when either side contains a space); an interval whose
    /// start equals its end shows just that date; open ends give "from 2025" and
    /// "until 2025", unknown ends "2025 – ?" and "? – 2025". The compact same-month and
    /// same-year forms are only used when neither end carries a qualifier.
    pub fn display(&self) -> String {
        match self {
            Edtf::Point(p) => p.display(),
            Edtf::Interval {
                start,
                end,
                start_open,
                end_open,
            } => match (start, end) {
                (Some(s), Some(e)) => display_range(s, e),
                (Some(s), None) if *end_open => format!("from {}", s.display()),
                (Some(s), None) => format!("{} – ?", s.display()),
                (None, Some(e)) if *start_open => format!("until {}", e.display()),
                (None, Some(e)) => format!("? – {}", e.display()),
                (None, None) => match (start_open, end_open) {
                    (true, true) => "any time".to_string(),
                    (true, false) => "until ?".to_string(),
                    (false, true) => "from ?".to_string(),
                    (false, false) => "unknown date".to_string(),
                },
            },
        }
    }

    /// Canonical EDTF text ("2025-02~", "2024/2025", "2025/..", "2025/"); parsing it
    /// gives back an equal value (for every value [`parse`] can produce).
    pub fn iso(&self) -> String {
        match self {
            Edtf::Point(p) => p.edtf(),
            Edtf::Interval {
                start,
                end,
                start_open,
                end_open,
            } => {
                let side = |point: &Option<DatePoint>, open: bool| match point {
                    Some(p) => p.edtf(),
                    None if open => "..".to_string(),
                    None => String::new(),
                };
                format!("{}/{}", side(start, *start_open), side(end, *end_open))
            }
        }
    }

    /// 0 = open start, 1 = unknown start, 2 = has a start date.
    fn start_rank(&self) -> u8 {
        match self {
            Edtf::Point(_) | Edtf::Interval { start: Some(_), .. } => 2,
            Edtf::Interval {
                start: None,
                start_open: true,
                ..
            } => 0,
            Edtf::Interval { start: None, .. } => 1,
        }
    }

    /// 0 = single date, 1 = end date, 2 = unknown end, 3 = open end.
    fn end_rank(&self) -> u8 {
        match self {
            Edtf::Point(_) => 0,
            Edtf::Interval { end: Some(_), .. } => 1,
            Edtf::Interval {
                end: None,
                end_open: false,
                ..
            } => 2,
            Edtf::Interval { end: None, .. } => 3,
        }
    }

    fn interval_end(&self) -> Option<&DatePoint> {
        match self {
            Edtf::Point(_) => None,
            Edtf::Interval { end, .. } => end.as_ref(),
        }
    }

    fn open_flags(&self) -> (bool, bool) {
        match self {
            Edtf::Point(_) => (false, false),
            Edtf::Interval {
                start_open,
                end_open,
                ..
            } => (*start_open, *end_open),
        }
    }
}

fn display_range(s: &DatePoint, e: &DatePoint) -> String {
    if s == e {
        return s.display();
    }
    let plain = !(s.approximate || s.uncertain || e.approximate || e.uncertain);
    if plain && s.year == e.year {
        match ((s.month, s.day), (e.month, e.day)) {
            ((Some(sm), Some(sd)), (Some(em), Some(ed))) if sm == em => {
                return format!("{sd}–{ed} {} {}", month_abbr(sm), s.year);
            }
            ((Some(sm), Some(sd)), (Some(em), Some(ed))) => {
                return format!(
                    "{sd} {} – {ed} {} {}",
                    month_abbr(sm),
                    month_abbr(em),
                    s.year
                );
            }
            ((Some(sm), None), (Some(em), None)) => {
                return format!("{}–{} {}", month_abbr(sm), month_abbr(em), s.year);
            }
            _ => {}
        }
    }
    let (left, right) = (s.display(), e.display());
    if left.contains(' ') || right.contains(' ') {
        format!("{left} – {right}")
    } else {
        format!("{left}–{right}")
    }
}

impl Ord for Edtf {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start_rank()
            .cmp(&other.start_rank())
            .then_with(|| self.start().cmp(&other.start()))
            .then_with(|| self.end_rank().cmp(&other.end_rank()))
            .then_with(|| self.interval_end().cmp(&other.interval_end()))
            .then_with(|| self.open_flags().cmp(&other.open_flags()))
    }
}

impl PartialOrd for Edtf {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Edtf {
    /// Writes the canonical EDTF text, as [`Edtf::iso`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl serde::Serialize for Edtf {
    /// Serializes as the canonical EDTF string, as [`Edtf::iso`].
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl std::str::FromStr for Edtf {
    type Err = EdtfError;

    /// Same as [`parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(year: u16, month: Option<u8>, day: Option<u8>) -> DatePoint {
        DatePoint {
            year,
            month,
            day,
            approximate: false,
            uncertain: false,
        }
    }

    fn ok(text: &str) -> Edtf {
        match parse(text) {
            Ok(v) => v,
            Err(e) => panic!("{text:?} failed: {} ({})", e.message, e.help),
        }
    }

    fn err(text: &str) -> EdtfError {
        match parse(text) {
            Ok(v) => panic!("{text:?} unexpectedly parsed as {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_level0_dates() {
        assert_eq!(ok("2025"), Edtf::Point(pt(2025, None, None)));
        assert_eq!(ok("2025-02"), Edtf::Point(pt(2025, Some(2), None)));
        assert_eq!(ok("2025-02-24"), Edtf::Point(pt(2025, Some(2), Some(24))));
        assert_eq!(ok("0000"), Edtf::Point(pt(0, None, None)));
        assert_eq!(ok("9999-12-31"), Edtf::Point(pt(9999, Some(12), Some(31))));
        assert_eq!(ok("0800"), Edtf::Point(pt(800, None, None)));
    }

    #[test]
    fn parses_qualifiers() {
        let p = |a, u| {
            Edtf::Point(DatePoint {
                approximate: a,
                uncertain: u,
                ..pt(2025, None, None)
            })
        };
        assert_eq!(ok("2025~"), p(true, false));
        assert_eq!(ok("2025?"), p(false, true));
        assert_eq!(ok("2025%"), p(true, true));
        let Edtf::Point(m) = ok("2025-02~") else {
            panic!("not a point")
        };
        assert!(m.approximate && !m.uncertain);
        assert_eq!(m.month, Some(2));
        let Edtf::Point(d) = ok("2025-02-24?") else {
            panic!("not a point")
        };
        assert!(!d.approximate && d.uncertain);
        assert_eq!(d.day, Some(24));
    }

    #[test]
    fn parses_intervals() {
        assert_eq!(
            ok("2024/2025"),
            Edtf::Interval {
                start: Some(pt(2024, None, None)),
                end: Some(pt(2025, None, None)),
                start_open: false,
                end_open: false,
            }
        );
        assert_eq!(
            ok("2025-02-18/2025-02-24"),
            Edtf::Interval {
                start: Some(pt(2025, Some(2), Some(18))),
                end: Some(pt(2025, Some(2), Some(24))),
                start_open: false,
                end_open: false,
            }
        );
        assert!(ok("2025-02/2025-06").is_interval());
        assert_eq!(
            ok("2025/.."),
            Edtf::Interval {
                start: Some(pt(2025, None, None)),
                end: None,
                start_open: false,
                end_open: true,
            }
        );
        assert_eq!(
            ok("2025/"),
            Edtf::Interval {
                start: Some(pt(2025, None, None)),
                end: None,
                start_open: false,
                end_open: false,
            }
        );
        assert_eq!(
            ok("../2025"),
            Edtf::Interval {
                start: None,
                end: Some(pt(2025, None, None)),
                start_open: true,
                end_open: false,
            }
        );
        assert_eq!(
            ok("/2025"),
            Edtf::Interval {
                start: None,
                end: Some(pt(2025, None, None)),
                start_open: false,
                end_open: false,
            }
        );
        let Edtf::Interval { start, end, .. } = ok("2025~/2026?") else {
            panic!("not an interval")
        };
        assert!(start.is_some_and(|s| s.approximate));
        assert!(end.is_some_and(|e| e.uncertain));
    }

    #[test]
    fn interval_order_is_checked_by_covered_days() {
        ok("2025/2025");
        ok("2025-06/2025");
        ok("2025/2025-02");
        ok("2025-02-24/2025-02-24");
        let e = err("2025-03/2025-02");
        assert_eq!(
            e.message,
            "this interval ends (Feb 2025) before it starts (Mar 2025)"
        );
        assert_eq!(e.offset, 8);
        assert_eq!(e.help, "put the earlier date first: 2025-02/2025-03");
        let e = err("2026/2025-12-31");
        assert_eq!(e.offset, 5);
    }

    #[test]
    fn surrounding_whitespace_is_ignored_and_offsets_follow_input() {
        assert_eq!(ok("  2025-02 \n"), ok("2025-02"));
        let e = err("  2025-13");
        assert_eq!(e.offset, 7);
    }

    #[test]
    fn leap_years() {
        ok("2024-02-29");
        ok("2000-02-29");
        ok("0000-02-29");
        let e = err("1900-02-29");
        assert_eq!(e.message, "February 1900 has 28 days, not 29");
        let e = err("2025-02-29");
        assert_eq!(e.message, "February 2025 has 28 days, not 29");
    }

    #[test]
    fn bad_day_error() {
        let e = err("2025-02-30");
        assert_eq!(e.message, "February 2025 has 28 days, not 30");
        assert_eq!(
            e.help,
            "write a real date such as 2025-02-28, or drop the day: 2025-02"
        );
        assert_eq!(e.offset, 8);
        assert_eq!(err("2025-04-31").message, "April 2025 has 30 days, not 31");
        assert_eq!(
            err("2025-01-32").message,
            "January 2025 has 31 days, not 32"
        );
        let e = err("2025-01-00");
        assert_eq!(e.message, "day 00 does not exist");
        assert_eq!(e.offset, 8);
        // In the end of an interval the offset is into the whole text.
        assert_eq!(err("2025-02-01/2025-02-30").offset, 19);
    }

    #[test]
    fn bad_month_error() {
        let e = err("2025-13");
        assert_eq!(e.offset, 5);
        assert_eq!(&"2025-13"[e.offset..], "13");
        assert_eq!(e.message, "month 13 does not exist");
        assert!(e.help.contains("01 (January) to 12 (December)"));
        assert_eq!(err("2025-00").offset, 5);
        assert_eq!(err("2025-13-01").offset, 5);
        assert_eq!(err("2024/2025-13").offset, 10);
    }

    #[test]
    fn unknown_forms() {
        let e = err("25/02/2025");
        assert_eq!(e.message, "`25/02/2025` is not an EDTF date");
        assert!(e.help.contains("2025-02-25"), "{}", e.help);
        assert!(e.help.contains("accepted forms"));
        let e = err("02/25/2025");
        assert!(e.help.contains("2025-02-25"), "{}", e.help);
        let e = err("03/02/2025");
        assert!(e.help.contains("2025-02-03 (3 February)"), "{}", e.help);
        assert!(e.help.contains("2025-03-02 (2 March)"), "{}", e.help);
        let e = err("2025/02/24");
        assert!(e.help.contains("2025-02-24"), "{}", e.help);
        let e = err("2025.2.4");
        assert!(e.help.contains("2025-02-04"), "{}", e.help);
        let e = err("2025-2-4");
        assert!(e.help.contains("2025-02-04"), "{}", e.help);
        assert_eq!(e.offset, 0);
        assert_eq!(err("2025-02-4").offset, 0);
        assert_eq!(err("2025-02-4x").offset, 8);

        for text in [
            "25",
            "20251",
            "abc",
            "2025-",
            "2025-02-",
            "2025-02-24-01",
            "2025x",
            "..",
            "/",
            "../..",
            "../",
            "/..",
            "2025//",
            "2024 / 2025",
            "Feb 2025",
            "2025-02-2",
            "~2025",
            "2025?-02",
            "2025-1",
            "2025-001",
            "٢٠٢٥",
        ] {
            let e = err(text);
            assert!(e.offset <= text.len(), "{text}: {e:?}");
            assert!(!e.help.is_empty(), "{text}");
            assert!(text.is_char_boundary(e.offset), "{text}");
        }
        assert_eq!(err("2025x").offset, 4);
        assert_eq!(err("2025-02x").offset, 7);
        assert!(err("201x").message.contains("not supported"));
        assert!(err("20251").help.contains("0000 to 9999"));
        assert_eq!(err("2025-02-24-01").offset, 10);
        assert_eq!(err("2025//").offset, 5);
        assert_eq!(err("2024 / 2025").offset, 4);
        assert!(
            err("2024 / 2025")
                .help
                .starts_with("remove the spaces: 2024/2025;")
        );
        assert_eq!(err("25/02/2025").offset, 0);
        let e = err("Feb 2025");
        assert_eq!(e.offset, 0);
        assert!(
            e.help.starts_with("write the month as a number: 2025-02;"),
            "{}",
            e.help
        );
        let e = err("24 February 2025");
        assert!(
            e.help
                .starts_with("write the month as a number: 2025-02-24;"),
            "{}",
            e.help
        );
        let e = err("sept");
        assert!(e.help.contains("2025-09 for September 2025"), "{}", e.help);
        let e = err("c. 2025");
        assert!(
            e.help
                .starts_with("mark an approximate date with ~ at the end: 2025~;"),
            "{}",
            e.help
        );
        let e = err("circa 2025-02");
        assert!(e.help.contains("2025-02~"), "{}", e.help);
        let e = err("hello world");
        assert!(e.help.starts_with("accepted forms"), "{}", e.help);
        assert_eq!(e.offset, 5);
        assert!(err("2025?-02").help.contains("2025-02~"));
        assert!(err("~2025").help.contains("2025~"));
        assert!(err("25").help.contains("four digits"));
        assert!(err("../..").help.contains("at least one date"));
    }

    #[test]
    fn empty_input() {
        let e = err("");
        assert_eq!(e.message, "the date is empty");
        assert_eq!(err("   ").offset, 3);
    }

    #[test]
    fn unsupported_features() {
        let e = err("201X");
        assert!(e.message.contains("not supported"), "{}", e.message);
        assert_eq!(e.offset, 0);
        let e = err("2025-XX");
        assert!(e.message.contains("not supported"));
        assert_eq!(e.offset, 5);
        let e = err("2025-21");
        assert!(e.message.contains("seasons"));
        assert!(e.message.contains("not supported"));
        assert_eq!(e.offset, 5);
        assert!(err("-0500").message.contains("not supported"));
        assert!(err("Y170000").message.contains("not supported"));
        let e = err("2025-02-24T10:00");
        assert!(e.message.contains("not supported"));
        assert_eq!(e.offset, 10);
        let e = err("2025?~");
        assert!(e.message.contains("more than one qualifier"));
        assert_eq!(e.offset, 5);
    }

    #[test]
    fn precision() {
        assert_eq!(ok("2025").precision(), Precision::Year);
        assert_eq!(ok("2025-02").precision(), Precision::Month);
        assert_eq!(ok("2025-02-24~").precision(), Precision::Day);
        assert_eq!(ok("2025-02/2026").precision(), Precision::Month);
        assert_eq!(ok("../2025-02-01").precision(), Precision::Day);
        assert!(Precision::Year < Precision::Month && Precision::Month < Precision::Day);
        let odd = DatePoint {
            day: Some(3),
            ..pt(2025, None, None)
        };
        assert_eq!(odd.precision(), Precision::Year);
        assert_eq!(odd.iso(), "2025");
        assert_eq!(odd.display(), "2025");
    }

    #[test]
    fn accessors() {
        let p = ok("2025-02");
        assert_eq!(p.start(), p.end());
        assert!(!p.is_interval());
        assert_eq!(p.sort_year(), Some(2025));
        let i = ok("../2024");
        assert_eq!(i.start(), None);
        assert_eq!(i.end().map(|e| e.year), Some(2024));
        assert_eq!(i.sort_year(), Some(2024));
        let i = ok("2023/..");
        assert_eq!(i.sort_year(), Some(2023));
        assert_eq!(i.end(), None);
        let none = Edtf::Interval {
            start: None,
            end: None,
            start_open: true,
            end_open: true,
        };
        assert_eq!(none.sort_year(), None);
        assert_eq!(none.precision(), Precision::Year);
    }

    #[test]
    fn point_iso_and_display() {
        let cases = [
            ("2025", "2025", "2025"),
            ("2025-02", "2025-02", "Feb 2025"),
            ("2025-02-24", "2025-02-24", "24 Feb 2025"),
            ("2025-02-04", "2025-02-04", "4 Feb 2025"),
            ("2025~", "2025", "c. 2025"),
            ("2025-02~", "2025-02", "c. Feb 2025"),
            ("2025?", "2025", "2025?"),
            ("2025-02?", "2025-02", "Feb 2025?"),
            ("2025%", "2025", "c. 2025?"),
            ("0800", "0800", "800"),
        ];
        for (text, iso, display) in cases {
            let v = ok(text);
            assert_eq!(
                v.start().map(DatePoint::iso).as_deref(),
                Some(iso),
                "{text}"
            );
            assert_eq!(v.display(), display, "{text}");
        }
        let months: Vec<String> = (1..=12)
            .map(|m| pt(2025, Some(m), None).display())
            .collect();
        assert_eq!(months[0], "Jan 2025");
        assert_eq!(months[11], "Dec 2025");
    }

    #[test]
    fn interval_display() {
        let cases = [
            ("2024/2025", "2024–2025"),
            ("2025-02-18/2025-02-24", "18–24 Feb 2025"),
            ("2025-02/2025-06", "Feb–Jun 2025"),
            ("2025-02-18/2025-03-03", "18 Feb – 3 Mar 2025"),
            ("2024-12/2025-02", "Dec 2024 – Feb 2025"),
            ("2024-12-24/2025-01-03", "24 Dec 2024 – 3 Jan 2025"),
            ("2024/2025-02", "2024 – Feb 2025"),
            ("2025-02/2025-02-10", "Feb 2025 – 10 Feb 2025"),
            ("2025/..", "from 2025"),
            ("2025-02/..", "from Feb 2025"),
            ("../2025", "until 2025"),
            ("2025/", "2025 – ?"),
            ("/2025", "? – 2025"),
            ("2024~/2025", "c. 2024 – 2025"),
            ("2024?/2025", "2024?–2025"),
            ("2025-02~/2025-06", "c. Feb 2025 – Jun 2025"),
            ("2025-02-24/2025-02-24", "24 Feb 2025"),
            ("2025~/..", "from c. 2025"),
        ];
        for (text, display) in cases {
            assert_eq!(ok(text).display(), display, "{text}");
        }
        let both = |start_open, end_open| Edtf::Interval {
            start: None,
            end: None,
            start_open,
            end_open,
        };
        assert_eq!(both(true, true).display(), "any time");
        assert_eq!(both(false, false).display(), "unknown date");
        assert_eq!(both(true, false).display(), "until ?");
        assert_eq!(both(false, true).display(), "from ?");
    }

    #[test]
    fn iso_round_trips() {
        for text in [
            "2025",
            "2025-02",
            "2025-02-24",
            "2025~",
            "2025?",
            "2025%",
            "2025-02~",
            "2025-02-24%",
            "2024/2025",
            "2025-02-18/2025-02-24",
            "2025-02/2025-06",
            "2025/..",
            "../2025",
            "2025/",
            "/2025",
            "2024~/2025?",
            "0001-01-01",
        ] {
            let v = ok(text);
            assert_eq!(v.iso(), text);
            assert_eq!(v.to_string(), text);
            assert_eq!(ok(&v.iso()), v);
            assert_eq!(text.parse::<Edtf>(), Ok(v));
        }
    }

    #[test]
    fn serializes_as_iso_string() {
        let v = ok("2025-02~/..");
        assert_eq!(
            serde_json::to_string(&v).ok().as_deref(),
            Some("\"2025-02~/..\"")
        );
        assert_eq!(
            serde_json::to_value(ok("2025")).ok(),
            Some(serde_json::Value::String("2025".to_string()))
        );
    }

    #[test]
    fn error_display_is_message() {
        let e = err("2025-13");
        assert_eq!(e.to_string(), e.message);
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn point_ordering() {
        let mut v = [
            ok("2025-02-01"),
            ok("2025-02"),
            ok("2025"),
            ok("2024-12-31"),
            ok("2025%"),
            ok("2025?"),
            ok("2025~"),
            ok("2025-01"),
        ];
        v.sort();
        let texts: Vec<String> = v.iter().map(Edtf::iso).collect();
        assert_eq!(
            texts,
            [
                "2024-12-31",
                "2025",
                "2025~",
                "2025?",
                "2025%",
                "2025-01",
                "2025-02",
                "2025-02-01"
            ]
        );
        assert!(pt(2025, None, None) < pt(2025, Some(1), None));
        assert!(pt(2025, Some(1), None) < pt(2025, Some(1), Some(1)));
        assert!(pt(2025, Some(12), Some(31)) < pt(2026, None, None));
    }

    #[test]
    fn edtf_ordering() {
        let mut v: Vec<Edtf> = [
            "2025/..",
            "2025/",
            "2025/2026",
            "2025/2025-06",
            "2025",
            "/2024",
            "../2030",
            "2024-06",
            "2025~",
            "2025~/2026",
        ]
        .iter()
        .map(|t| ok(t))
        .collect();
        v.sort();
        let texts: Vec<String> = v.iter().map(Edtf::iso).collect();
        assert_eq!(
            texts,
            [
                "../2030",
                "/2024",
                "2024-06",
                "2025",
                "2025/2025-06",
                "2025/2026",
                "2025/",
                "2025/..",
                "2025~",
                "2025~/2026",
            ]
        );
    }

    #[test]
    fn ordering_is_total_and_consistent_with_eq() {
        let mut values: Vec<Edtf> = [
            "2025",
            "2025~",
            "2025?",
            "2025%",
            "2025-01",
            "2025-01-01",
            "2024/2025",
            "2025/..",
            "2025/",
            "../2025",
            "/2025",
            "2025/2025",
            "2025-01/2025",
            "2025-01-01/2025-01-02",
        ]
        .iter()
        .map(|t| ok(t))
        .collect();
        // Values parse never produces still need a consistent order.
        for (start_open, end_open) in [(true, true), (true, false), (false, true), (false, false)] {
            values.push(Edtf::Interval {
                start: Some(pt(2025, None, None)),
                end: None,
                start_open,
                end_open,
            });
            values.push(Edtf::Interval {
                start: None,
                end: None,
                start_open,
                end_open,
            });
        }
        for a in &values {
            for b in &values {
                let ab = a.cmp(b);
                assert_eq!(ab, b.cmp(a).reverse(), "{a:?} vs {b:?}");
                assert_eq!(ab == Ordering::Equal, a == b, "{a:?} vs {b:?}");
                assert_eq!(a.partial_cmp(b), Some(ab));
                for c in &values {
                    if ab != Ordering::Greater && b.cmp(c) != Ordering::Greater {
                        assert_ne!(a.cmp(c), Ordering::Greater, "{a:?} {b:?} {c:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn days_in_every_month() {
        let expected = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        for (m, days) in (1..=12).zip(expected) {
            assert_eq!(days_in_month(2025, m), days);
            let last = format!("2025-{m:02}-{days:02}");
            ok(&last);
            let past = format!("2025-{m:02}-{:02}", days + 1);
            assert!(parse(&past).is_err(), "{past}");
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2025, 13), 0);
    }
}

/// Property tests: the order is total and consistent with `Eq` over every value (including
/// ones [`parse`] never produces), sorting does not depend on the input order, and the
/// canonical text ([`Edtf::iso`]) of every value `parse` can produce parses back to it.
/// [`Edtf::display`] is English for readers ("c. Feb 2025?") and is not meant to re-parse.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Any point, valid or not as a calendar date (a day without a month included).
    fn any_point() -> impl Strategy<Value = DatePoint> {
        (
            0u16..=9999,
            proptest::option::of(0u8..=13),
            proptest::option::of(0u8..=32),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(year, month, day, approximate, uncertain)| DatePoint {
                year,
                month,
                day,
                approximate,
                uncertain,
            })
    }

    /// Any value of the type, including ones `parse` never produces.
    fn any_edtf() -> impl Strategy<Value = Edtf> {
        prop_oneof![
            any_point().prop_map(Edtf::Point),
            (
                proptest::option::of(any_point()),
                proptest::option::of(any_point()),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(start, end, start_open, end_open)| Edtf::Interval {
                    start,
                    end,
                    start_open,
                    end_open,
                }),
        ]
    }

    /// A real calendar date of year, month or day precision, as `parse` produces.
    fn calendar_point() -> impl Strategy<Value = DatePoint> {
        (
            0u16..=9999,
            0u8..=12,
            1u8..=31,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(year, month, day, with_day, approximate, uncertain)| {
                let month = (month > 0).then_some(month);
                let day = month
                    .filter(|_| with_day)
                    .map(|m| day.min(days_in_month(year, m)));
                DatePoint {
                    year,
                    month,
                    day,
                    approximate,
                    uncertain,
                }
            })
    }

    /// One end of an interval as `parse` produces it: a date, open (`..`) or unknown.
    fn calendar_side() -> impl Strategy<Value = (Option<DatePoint>, bool)> {
        prop_oneof![
            3 => calendar_point().prop_map(|p| (Some(p), false)),
            1 => Just((None, true)),
            1 => Just((None, false)),
        ]
    }

    /// A value `parse` can produce: a calendar date, or an interval with at least one date
    /// whose start does not begin after its end finishes.
    fn parseable_edtf() -> impl Strategy<Value = Edtf> {
        prop_oneof![
            calendar_point().prop_map(Edtf::Point),
            (calendar_side(), calendar_side())
                .prop_filter("an interval needs a date", |(start, end)| {
                    start.0.is_some() || end.0.is_some()
                })
                .prop_map(|((start, start_open), (end, end_open))| {
                    // Swap dates given the wrong way round, as a writer would be told to.
                    let (start, end) = match (start, end) {
                        (Some(a), Some(b)) if a.earliest() > b.latest() => (Some(b), Some(a)),
                        other => other,
                    };
                    Edtf::Interval {
                        start,
                        end,
                        start_open,
                        end_open,
                    }
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn order_is_antisymmetric_and_consistent_with_eq(a in any_edtf(), b in any_edtf()) {
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            prop_assert_eq!(a.partial_cmp(&b), Some(a.cmp(&b)));
            prop_assert_eq!(a.cmp(&a), Ordering::Equal);
        }

        #[test]
        fn order_is_transitive(mut triple in proptest::array::uniform3(any_edtf())) {
            // Sorted, then checked pair by pair: covers both
            // `a <= b <= c ⇒ a <= c` and its strict form.
            triple.sort();
            let [a, b, c] = triple;
            prop_assert!(a <= b && b <= c);
            prop_assert!(a <= c, "{:?} <= {:?} <= {:?} but not {:?} <= {:?}", a, b, c, a, c);
            if a < b || b < c {
                prop_assert!(a < c);
            }
        }

        #[test]
        fn date_point_order_is_total_and_transitive(
            a in any_point(), b in any_point(), c in any_point()
        ) {
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
        }

        #[test]
        fn sorting_does_not_depend_on_input_order(
            (values, shuffled) in proptest::collection::vec(any_edtf(), 0..40)
                .prop_flat_map(|values| (Just(values.clone()), Just(values).prop_shuffle()))
        ) {
            let mut sorted = values;
            sorted.sort();
            let mut sorted_shuffled = shuffled;
            sorted_shuffled.sort();
            prop_assert_eq!(sorted, sorted_shuffled);
        }

        #[test]
        fn canonical_text_parses_back_to_an_equal_value(value in parseable_edtf()) {
            let text = value.iso();
            prop_assert_eq!(parse(&text), Ok(value), "{}", text);
            prop_assert_eq!(value.to_string(), text);
        }

        #[test]
        fn parsed_text_round_trips_through_its_canonical_text(
            text in "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?(/([0-9]{4}(-[0-9]{2})?[~?%]?|\\.\\.)?)?"
        ) {
            if let Ok(value) = parse(&text) {
                prop_assert_eq!(parse(&value.iso()), Ok(value));
            }
        }

        #[test]
        fn parse_never_panics_and_offsets_stay_in_the_text(text in "\\PC{0,30}|[0-9~?%/.XxY -]{0,30}") {
            if let Err(error) = parse(&text) {
                prop_assert!(text.is_char_boundary(error.offset), "offset {} in {:?}", error.offset, text);
            }
        }
    }
}
