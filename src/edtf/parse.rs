//! Reading EDTF text: [`parse`] and the hints that suggest the EDTF spelling of a
//! common non-EDTF date.

use super::{DatePoint, Edtf, EdtfError, FORMS_HELP, MONTH_NAMES, days_in_month, month_name};

/// The text being parsed (trimmed), and its byte offset in the caller's input.
struct Input<'a> {
    text: &'a str,
    base: usize,
}

impl Input<'_> {
    fn error(&self, offset: usize, message: String, help: String) -> EdtfError {
        EdtfError {
            message,
            offset: self.base + offset,
            help,
        }
    }

    /// The generic "not an EDTF date" error. A hint recognised from the shape of the
    /// whole text takes precedence over `fallback`.
    fn not_edtf(&self, offset: usize, fallback: Option<&str>) -> EdtfError {
        // A hint about the whole text points at the whole text.
        let (hint, offset) = match shape_hint(self.text) {
            Some(hint) => (Some(hint), 0),
            None => (fallback.map(str::to_string), offset),
        };
        let help = match hint {
            Some(hint) => format!("{hint}; {FORMS_HELP}"),
            None => FORMS_HELP.to_string(),
        };
        self.error(offset, format!("`{}` is not an EDTF date", self.text), help)
    }
}

/// Recognises common non-EDTF spellings of a whole date (`25/02/2025`, `2025/2/24`,
/// `2025.02.24`, `Feb 2025`, `c. 2025`) and suggests the EDTF spelling.
fn shape_hint(text: &str) -> Option<String> {
    circa_hint(text)
        .or_else(|| month_name_hint(text))
        .or_else(|| numeric_hint(text))
}

/// `c. 2025`, `ca. 2025-02`, `circa 2025` → `2025~`.
fn circa_hint(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let prefix = ["circa", "ca.", "c."]
        .into_iter()
        .find(|prefix| lower.starts_with(prefix))?;
    match parse(text.get(prefix.len()..)?) {
        Ok(Edtf::Point(p)) if !p.approximate && !p.uncertain => Some(format!(
            "mark an approximate date with ~ at the end: {}~",
            p.iso()
        )),
        _ => None,
    }
}

/// `Feb 2025`, `24 February 2025` → `2025-02`, `2025-02-24`.
fn month_name_hint(text: &str) -> Option<String> {
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let month = tokens.iter().find_map(|token| {
        let lower = token.to_lowercase();
        if lower.len() < 3 || !lower.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        MONTH_NAMES
            .iter()
            .position(|name| name.to_ascii_lowercase().starts_with(&lower))
    })?;
    let m = u8::try_from(month + 1).ok()?;
    let numbers = |len: std::ops::RangeInclusive<usize>| {
        tokens
            .iter()
            .find(|t| len.contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit()))
            .copied()
    };
    let year = numbers(4..=4);
    let day = numbers(1..=2).and_then(|d| d.parse::<u8>().ok());
    Some(match (year, day) {
        (Some(y), Some(d)) => format!("write the month as a number: {y}-{m:02}-{d:02}"),
        (Some(y), None) => format!("write the month as a number: {y}-{m:02}"),
        _ => format!(
            "write the month as a number, e.g. 2025-{m:02} for {} 2025",
            month_name(m)
        ),
    })
}

/// `25/02/2025`, `02/25/2025`, `2025/2/24`, `2025.02.24`, `2025-2-4`.
fn numeric_hint(text: &str) -> Option<String> {
    let sep = text.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = text.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    let short = |s: &str| s.len() <= 2;
    if a.len() == 4 && short(b) && short(c) {
        if sep == '-' && b.len() == 2 && c.len() == 2 {
            return None;
        }
        let (m, d) = (b.parse::<u8>().ok()?, c.parse::<u8>().ok()?);
        return Some(format!(
            "write year-month-day with hyphens and two-digit months and days: {a}-{m:02}-{d:02}"
        ));
    }
    if c.len() == 4 && short(a) && short(b) {
        let (x, y) = (a.parse::<u8>().ok()?, b.parse::<u8>().ok()?);
        let ymd = |m: u8, d: u8| format!("{c}-{m:02}-{d:02}");
        let named = |m: u8, d: u8| format!("{} ({d} {})", ymd(m, d), month_name(m));
        return match (x, y) {
            (x, y) if x > 12 && (1..=12).contains(&y) => {
                Some(format!("EDTF puts the year first: {}", ymd(y, x)))
            }
            (x, y) if y > 12 && (1..=12).contains(&x) => {
                Some(format!("EDTF puts the year first: {}", ymd(x, y)))
            }
            (x, y) if x == y && (1..=12).contains(&x) => {
                Some(format!("EDTF puts the year first: {}", ymd(x, y)))
            }
            (x, y) if (1..=12).contains(&x) && (1..=12).contains(&y) => Some(format!(
                "EDTF puts the year first: {} or {}",
                named(y, x),
                named(x, y)
            )),
            _ => None,
        };
    }
    None
}

/// Parses EDTF text (levels 0 and 1, years 0000–9999) into an [`Edtf`].
///
/// Leading and trailing whitespace is ignored; error offsets are byte offsets into
/// `text` itself. Intervals must have at least one date, and their start must not be
/// after their end (the first day of the start must not be later than the last day of
/// the end, so `2025-06/2025` is accepted and `2025-03/2025-02` is not).
pub fn parse(text: &str) -> Result<Edtf, EdtfError> {
    let trimmed = text.trim_start();
    let base = text.len() - trimmed.len();
    let input = Input {
        text: trimmed.trim_end(),
        base,
    };
    let s = input.text;
    if s.is_empty() {
        return Err(input.error(0, "the date is empty".to_string(), FORMS_HELP.to_string()));
    }
    if let Some(ws) = s.find(char::is_whitespace) {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let hint = parse(&compact)
            .ok()
            .map(|_| format!("remove the spaces: {compact}"));
        return Err(input.not_edtf(ws, hint.as_deref()));
    }
    let slashes: Vec<usize> = s.match_indices('/').map(|(i, _)| i).collect();
    match slashes.as_slice() {
        [] => {
            if s == ".." {
                return Err(input.not_edtf(
                    0,
                    Some("`..` only makes sense as one end of an interval, e.g. 2025/.."),
                ));
            }
            parse_point(&input, s, 0).map(Edtf::Point)
        }
        [slash] => parse_interval(&input, *slash),
        [_, second, ..] => Err(input.not_edtf(
            *second,
            Some("an interval has exactly one slash, e.g. 2025-02-18/2025-02-24"),
        )),
    }
}

enum Side {
    Date(DatePoint),
    Open,
    Unknown,
}

fn parse_side(input: &Input<'_>, s: &str, offset: usize) -> Result<Side, EdtfError> {
    match s {
        "" => Ok(Side::Unknown),
        ".." => Ok(Side::Open),
        _ => parse_point(input, s, offset).map(Side::Date),
    }
}

fn parse_interval(input: &Input<'_>, slash: usize) -> Result<Edtf, EdtfError> {
    let s = input.text;
    let (left, right) = (&s[..slash], &s[slash + 1..]);
    let start = parse_side(input, left, 0)?;
    let end = parse_side(input, right, slash + 1)?;
    let (start, start_open) = match start {
        Side::Date(p) => (Some(p), false),
        Side::Open => (None, true),
        Side::Unknown => (None, false),
    };
    let (end, end_open) = match end {
        Side::Date(p) => (Some(p), false),
        Side::Open => (None, true),
        Side::Unknown => (None, false),
    };
    match (start, end) {
        (None, None) => Err(input.not_edtf(
            0,
            Some("an interval needs at least one date, e.g. 2025/.. or ../2025"),
        )),
        (Some(a), Some(b)) if a.earliest() > b.latest() => Err(input.error(
            slash + 1,
            format!(
                "this interval ends ({}) before it starts ({})",
                b.display(),
                a.display()
            ),
            format!("put the earlier date first: {}/{}", b.edtf(), a.edtf()),
        )),
        _ => Ok(Edtf::Interval {
            start,
            end,
            start_open,
            end_open,
        }),
    }
}

/// Reads a run of digits (and `X`/`x` placeholders) of `s` starting at byte `from`.
fn digit_run(s: &str, from: usize) -> &str {
    let rest = s.get(from..).unwrap_or("");
    let len = rest
        .bytes()
        .take_while(|c| c.is_ascii_digit() || matches!(c, b'X' | b'x'))
        .count();
    &rest[..len]
}

/// Counts the ASCII digits of `s` starting at byte `from`.
fn leading_digits(s: &str, from: usize) -> usize {
    s.get(from..)
        .unwrap_or("")
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count()
}

fn unspecified_error(input: &Input<'_>, offset: usize, what: &str) -> EdtfError {
    input.error(
        offset,
        format!("unspecified digits such as `{what}` are not supported"),
        "write the digits out, mark the date as approximate (2010~) or give an interval \
         (2010/2019)"
            .to_string(),
    )
}

/// Parses one date (with its qualifier) `s`, which starts at byte `offset` of the input.
fn parse_point(input: &Input<'_>, s: &str, offset: usize) -> Result<DatePoint, EdtfError> {
    reject_unsupported_start(input, s, offset)?;
    let year = parse_year(input, s, offset)?;
    let mut pos = 4;
    let mut month = None;
    let mut day = None;
    if s.as_bytes().get(pos) == Some(&b'-') {
        let m = parse_month(input, s, offset, pos + 1, year)?;
        month = Some(m);
        pos += 3;
        if s.as_bytes().get(pos) == Some(&b'-') {
            day = Some(parse_day(input, s, offset, pos + 1, year, m)?);
            pos += 3;
        }
    }
    let date = DatePoint {
        year,
        month,
        day,
        approximate: false,
        uncertain: false,
    };
    reject_time(input, s, offset, pos, &date)?;
    let (approximate, uncertain, pos) = parse_qualifier(input, s, offset, pos)?;
    if pos < s.len() {
        return Err(input.not_edtf(offset + pos, None));
    }
    Ok(DatePoint {
        approximate,
        uncertain,
        ..date
    })
}

/// Refuses the level-1 forms lode does not support (negative and `Y` years) and a
/// qualifier written before the date.
fn reject_unsupported_start(input: &Input<'_>, s: &str, offset: usize) -> Result<(), EdtfError> {
    let b = s.as_bytes();
    match b.first() {
        Some(b'-') if b.get(1).is_some_and(u8::is_ascii_digit) => Err(input.error(
            offset,
            format!("negative years such as `{s}` are not supported"),
            "lode supports the years 0000 to 9999".to_string(),
        )),
        Some(b'Y' | b'y') => Err(input.error(
            offset,
            format!("years written with a Y, such as `{s}`, are not supported"),
            "lode supports four-digit years, 0000 to 9999".to_string(),
        )),
        Some(b'~' | b'?' | b'%') => {
            Err(input.not_edtf(offset, Some("put the qualifier after the date: 2025~")))
        }
        _ => Ok(()),
    }
}

/// Reads the four-digit year at the start of `s`.
fn parse_year(input: &Input<'_>, s: &str, offset: usize) -> Result<u16, EdtfError> {
    let year_text = digit_run(s, 0);
    if year_text.len() == 4 && year_text.contains(['X', 'x']) {
        return Err(unspecified_error(input, offset, year_text));
    }
    let year_digits = leading_digits(s, 0);
    if year_digits != 4 {
        let hint = if year_digits > 4 {
            "lode supports four-digit years, 0000 to 9999"
        } else {
            "write the year with four digits, e.g. 2025 or 0800"
        };
        return Err(input.not_edtf(offset, Some(hint)));
    }
    s[..4].parse().map_err(|_| input.not_edtf(offset, None))
}

/// Reads the month at byte `pos` of `s`; seasons (21–41) get their own error.
fn parse_month(
    input: &Input<'_>,
    s: &str,
    offset: usize,
    pos: usize,
    year: u16,
) -> Result<u8, EdtfError> {
    let m = two_digits(input, s, offset, pos)?;
    match m {
        1..=12 => Ok(m),
        21..=41 => Err(input.error(
            offset + pos,
            format!("seasons such as `{year:04}-{m}` are not supported"),
            format!(
                "use a month interval instead, e.g. {year:04}-03/{year:04}-05 for \
                 spring in the northern hemisphere"
            ),
        )),
        _ => Err(input.error(
            offset + pos,
            format!("month {m:02} does not exist"),
            format!(
                "months run from 01 (January) to 12 (December), e.g. {year:04}-12; \
                 or give just the year: {year:04}"
            ),
        )),
    }
}

/// Reads the day at byte `pos` of `s` and checks it exists in `month` of `year`.
fn parse_day(
    input: &Input<'_>,
    s: &str,
    offset: usize,
    pos: usize,
    year: u16,
    month: u8,
) -> Result<u8, EdtfError> {
    let d = two_digits(input, s, offset, pos)?;
    let last = days_in_month(year, month);
    if d != 0 && d <= last {
        return Ok(d);
    }
    let message = if d == 0 {
        "day 00 does not exist".to_string()
    } else {
        format!("{} {year:04} has {last} days, not {d}", month_name(month))
    };
    Err(input.error(
        offset + pos,
        message,
        format!(
            "write a real date such as {year:04}-{month:02}-{last:02}, or drop the \
             day: {year:04}-{month:02}"
        ),
    ))
}

/// Refuses a time (`T10:00`) after the date read so far.
fn reject_time(
    input: &Input<'_>,
    s: &str,
    offset: usize,
    pos: usize,
    date: &DatePoint,
) -> Result<(), EdtfError> {
    if !matches!(s.as_bytes().get(pos), Some(b'T' | b't' | b':')) {
        return Ok(());
    }
    Err(input.error(
        offset + pos,
        "times are not supported, only dates".to_string(),
        format!("give the date only, e.g. {}", date.iso()),
    ))
}

/// Reads an optional qualifier at byte `pos`: returns (approximate, uncertain, the
/// position after it). A second qualifier, or one in the middle of the date, is an error.
fn parse_qualifier(
    input: &Input<'_>,
    s: &str,
    offset: usize,
    pos: usize,
) -> Result<(bool, bool, usize), EdtfError> {
    let at = |pos: usize| s.as_bytes().get(pos).copied();
    let (approximate, uncertain) = match at(pos) {
        Some(b'~') => (true, false),
        Some(b'?') => (false, true),
        Some(b'%') => (true, true),
        _ => return Ok((false, false, pos)),
    };
    let after = pos + 1;
    match at(after) {
        Some(b'~' | b'?' | b'%') => Err(input.error(
            offset + after,
            format!("`{s}` has more than one qualifier"),
            "use a single qualifier at the end: ~ (approximate), ? (uncertain) or \
             % (approximate and uncertain)"
                .to_string(),
        )),
        Some(b'-') => Err(input.not_edtf(
            offset + pos,
            Some("put the qualifier at the end of the whole date, e.g. 2025-02~"),
        )),
        _ => Ok((approximate, uncertain, after)),
    }
}

/// Parses the two-digit month or day of `s` at byte `pos`.
fn two_digits(input: &Input<'_>, s: &str, offset: usize, pos: usize) -> Result<u8, EdtfError> {
    let run = digit_run(s, pos);
    if run.len() == 2 && run.contains(['X', 'x']) {
        return Err(unspecified_error(input, offset + pos, s));
    }
    if leading_digits(s, pos) != 2 {
        return Err(input.not_edtf(
            offset + pos,
            Some("months and days take two digits, e.g. 2025-02-04"),
        ));
    }
    s[pos..pos + 2]
        .parse()
        .map_err(|_| input.not_edtf(offset + pos, None))
}
