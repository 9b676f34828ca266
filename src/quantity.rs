//! Quantities with units ("3.8 Mt", "2,500 t", "90%", "110 USD/kg"), converted to a
//! base unit within their [`Dimension`] so that values written in different units can
//! be compared, sorted and shown in one common unit.
//!
//! | dimension | base unit | other units                                  |
//! |-----------|-----------|----------------------------------------------|
//! | mass      | `t`       | `g`, `kg`, `kt`, `Mt`, `lb`, `oz` (troy)     |
//! | money     | `USD`     | `k USD`, `M USD`, `B USD`                    |
//! | ratio     | `%`       |                                              |
//! | price     | `USD/kg`  | `USD/t`, `USD/lb`, `USD/oz` (troy), `USD/mtu` |
//!
//! `USD/mtu` is US dollars per metric ton unit (10 kg). Unit symbols are matched
//! exactly first, then ignoring case and spaces (`KG`, `usd/kg`, `M usd`), then through a
//! few aliases (`tonnes`, `lbs`, `USD M`, `million USD`, `percent`, …). `MT` is
//! refused as ambiguous (metric tonne or megatonne?).

use std::fmt::Write as _;

/// What a quantity measures. Values can only be compared within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// Mass; base unit tonnes (`t`).
    Mass,
    /// Amounts of money; base unit US dollars (`USD`).
    Money,
    /// Ratios and shares; base unit percent (`%`).
    Ratio,
    /// Prices per mass; base unit US dollars per kilogram (`USD/kg`).
    Price,
}

/// A unit of measurement within a [`Dimension`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// The canonical symbol, e.g. `"kt"` or `"M USD"`.
    pub symbol: &'static str,
    /// The dimension this unit measures.
    pub dimension: Dimension,
    /// Multiply a value in this unit by `factor` to get the value in the base unit.
    pub factor: f64,
}

const fn unit(symbol: &'static str, dimension: Dimension, factor: f64) -> Unit {
    Unit {
        symbol,
        dimension,
        factor,
    }
}

/// Kilograms per pound (international avoirdupois pound).
const KG_PER_LB: f64 = 0.453_592_37;
/// Kilograms per troy ounce.
const KG_PER_TROY_OZ: f64 = 0.031_103_476_8;

/// All units, grouped by dimension in the order used in help texts.
static UNITS: [Unit; 17] = [
    unit("g", Dimension::Mass, 0.000_001),
    unit("kg", Dimension::Mass, 0.001),
    unit("t", Dimension::Mass, 1.0),
    unit("kt", Dimension::Mass, 1e3),
    unit("Mt", Dimension::Mass, 1e6),
    unit("lb", Dimension::Mass, KG_PER_LB / 1000.0),
    unit("oz", Dimension::Mass, KG_PER_TROY_OZ / 1000.0),
    unit("USD", Dimension::Money, 1.0),
    unit("k USD", Dimension::Money, 1e3),
    unit("M USD", Dimension::Money, 1e6),
    unit("B USD", Dimension::Money, 1e9),
    unit("%", Dimension::Ratio, 1.0),
    unit("USD/kg", Dimension::Price, 1.0),
    unit("USD/t", Dimension::Price, 0.001),
    unit("USD/lb", Dimension::Price, 1.0 / KG_PER_LB),
    unit("USD/oz", Dimension::Price, 1.0 / KG_PER_TROY_OZ),
    unit("USD/mtu", Dimension::Price, 0.1),
];

/// Other spellings accepted by [`find_unit`], mapped to canonical symbols.
const ALIASES: [(&str, &str); 21] = [
    ("tonne", "t"),
    ("tonnes", "t"),
    ("lbs", "lb"),
    ("ozt", "oz"),
    ("troy oz", "oz"),
    ("USD k", "k USD"),
    ("thousand USD", "k USD"),
    ("USD M", "M USD"),
    ("USD mn", "M USD"),
    ("million USD", "M USD"),
    ("USD B", "B USD"),
    ("USD bn", "B USD"),
    ("billion USD", "B USD"),
    ("percent", "%"),
    ("USD/tonne", "USD/t"),
    ("USD/lbs", "USD/lb"),
    ("USD/ozt", "USD/oz"),
    ("USD/troy oz", "USD/oz"),
    ("USD/dmtu", "USD/mtu"),
    ("USD/MTU", "USD/mtu"),
    ("k$", "k USD"),
];

/// Normalised spellings that could mean more than one unit, with advice.
const AMBIGUOUS: [(&str, &str); 2] = [
    (
        "mt",
        "`MT` could mean metric tonnes or megatonnes: write t for tonnes or Mt for megatonnes.",
    ),
    (
        "usd/mt",
        "`USD/MT` is ambiguous: write USD/t for US dollars per metric tonne.",
    ),
];

impl Dimension {
    const ALL: [Dimension; 4] = [
        Dimension::Mass,
        Dimension::Money,
        Dimension::Ratio,
        Dimension::Price,
    ];

    /// Parses a dimension name: "mass", "money", "ratio" or "price" (surrounding
    /// whitespace and ASCII case are ignored).
    pub fn parse(name: &str) -> Option<Dimension> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(name))
    }

    /// The lowercase name: "mass", "money", "ratio" or "price".
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Mass => "mass",
            Dimension::Money => "money",
            Dimension::Ratio => "ratio",
            Dimension::Price => "price",
        }
    }

    /// The base unit (factor 1) that values of this dimension are normalised to:
    /// `t`, `USD`, `%` or `USD/kg`.
    pub fn base_unit(self) -> &'static Unit {
        let symbol = match self {
            Dimension::Mass => "t",
            Dimension::Money => "USD",
            Dimension::Ratio => "%",
            Dimension::Price => "USD/kg",
        };
        self.units()
            .find(|u| u.symbol == symbol)
            .unwrap_or(&UNITS[0])
    }

    /// All units of this dimension, in a fixed order (metric first).
    pub fn units(self) -> impl Iterator<Item = &'static Unit> {
        UNITS.iter().filter(move |u| u.dimension == self)
    }

    /// The units [`choose_display_unit`] picks from, smallest first: `t`, `kt`, `Mt`
    /// for mass; `USD`, `M USD`, `B USD` for money; `%` for ratios; `USD/kg` for prices.
    pub fn preferred_units(self) -> impl Iterator<Item = &'static Unit> {
        let symbols: &'static [&'static str] = match self {
            Dimension::Mass => &["t", "kt", "Mt"],
            Dimension::Money => &["USD", "M USD", "B USD"],
            Dimension::Ratio => &["%"],
            Dimension::Price => &["USD/kg"],
        };
        self.units().filter(|u| symbols.contains(&u.symbol))
    }

    /// "a mass", "an amount of money", … for messages.
    fn noun_phrase(self) -> &'static str {
        match self {
            Dimension::Mass => "a mass",
            Dimension::Money => "an amount of money",
            Dimension::Ratio => "a ratio",
            Dimension::Price => "a price",
        }
    }

    /// "g, kg, t, kt, Mt, lb, oz".
    fn unit_list(self) -> String {
        self.units()
            .map(|u| u.symbol)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Lowercase and without whitespace, for tolerant matching.
fn normalise(symbol: &str) -> String {
    symbol
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn unit_by_symbol(symbol: &str) -> Option<&'static Unit> {
    UNITS.iter().find(|u| u.symbol == symbol)
}

/// Finds a unit by its symbol.
///
/// Tries, in order: the exact canonical symbol (surrounding whitespace ignored); an exact
/// alias (`tonnes`, `lbs`, `ozt`, `USD M`, `USD bn`, `million USD`, `percent`,
/// `USD/tonne`, …); then the same ignoring case and whitespace (`KG`, `usd / kg`,
/// `m usd`). Spellings that are ambiguous after normalising, such as `MT` (metric tonne
/// or megatonne?), give `None`; the exact `Mt` is megatonnes.
pub fn find_unit(symbol: &str) -> Option<&'static Unit> {
    let symbol = symbol.trim();
    if let Some(unit) = unit_by_symbol(symbol) {
        return Some(unit);
    }
    if let Some((_, canonical)) = ALIASES.iter().find(|(alias, _)| *alias == symbol) {
        return unit_by_symbol(canonical);
    }
    let norm = normalise(symbol);
    if AMBIGUOUS.iter().any(|(key, _)| *key == norm) {
        return None;
    }
    UNITS
        .iter()
        .find(|u| normalise(u.symbol) == norm)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| normalise(alias) == norm)
                .and_then(|(_, canonical)| unit_by_symbol(canonical))
        })
}

/// The canonical symbols of all units, grouped by dimension (mass, money, ratio, price).
pub fn all_unit_symbols() -> Vec<&'static str> {
    UNITS.iter().map(|u| u.symbol).collect()
}

/// A number with a unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    /// The number, in `unit`.
    pub value: f64,
    /// The unit the number was written in.
    pub unit: &'static Unit,
}

impl Quantity {
    /// The value converted to its dimension's base unit (e.g. tonnes for 3.8 Mt:
    /// 3,800,000).
    pub fn base_value(&self) -> f64 {
        self.value * self.unit.factor
    }

    /// The value converted to `unit`, which should be of the same dimension (the
    /// result is meaningless otherwise).
    pub fn in_unit(&self, unit: &Unit) -> f64 {
        self.base_value() / unit.factor
    }

    /// The quantity in its own unit, formatted with [`format_number`]: "3.8 Mt",
    /// "2,500 t", "90%".
    pub fn display(&self) -> String {
        join_unit(format_number(self.value), self.unit)
    }
}

/// Why a quantity or unit was not accepted.
///
/// `Display` shows only the message; show `help` separately.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QuantityError {
    /// What is wrong, in plain English, e.g. "`kt` is a unit of mass, but this field is a
    /// price".
    pub message: String,
    /// Byte offset into the parsed text where the problem starts (for unit problems, the
    /// start of the unit).
    pub offset: usize,
    /// How to fix it, e.g. a "did you mean" suggestion and the accepted units.
    pub help: String,
}

const NUMBER_HELP: &str = "write a number followed by a unit, e.g. 3.8 Mt, 2,500 t, 90% or \
110 USD/kg; use a point for decimals (3.8) and commas only between groups of three digits \
(2,500)";

/// "mass: g, kg, …; money: USD, …; ratio: %; price: USD/kg, …".
fn all_units_help() -> String {
    Dimension::ALL
        .iter()
        .map(|d| format!("{}: {}", d.name(), d.unit_list()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The closest symbol (canonical or alias) among `units` to `written`, if close enough
/// to be worth suggesting. Returns the canonical symbol.
fn closest_unit<'a>(written: &str, units: impl Iterator<Item = &'a Unit>) -> Option<&'static str> {
    let written = normalise(written);
    let units: Vec<&Unit> = units.collect();
    let mut best: Option<(usize, &'static str)> = None;
    let candidates = units.iter().map(|u| (u.symbol, u.symbol)).chain(
        ALIASES
            .iter()
            .filter(|(_, canonical)| units.iter().any(|u| u.symbol == *canonical))
            .copied(),
    );
    for (spelling, canonical) in candidates {
        let spelling = normalise(spelling);
        let distance = strsim::damerau_levenshtein(&written, &spelling);
        let longest = written.chars().count().max(spelling.chars().count());
        let close = distance <= 2 && distance < longest && distance * 2 <= longest;
        if close && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, canonical));
        }
    }
    best.map(|(_, symbol)| symbol)
}

/// The error for a unit that is not known; `units` are the candidates for a suggestion
/// and `list` the units to show.
fn unknown_unit_error<'a>(
    written: &str,
    offset: usize,
    units: impl Iterator<Item = &'a Unit>,
    list: String,
) -> QuantityError {
    let norm = normalise(written);
    let advice = AMBIGUOUS
        .iter()
        .find(|(key, _)| *key == norm)
        .map(|(_, advice)| advice.to_string())
        .or_else(|| closest_unit(written, units).map(|s| format!("did you mean `{s}`?")));
    let help = match advice {
        Some(advice) => format!("{advice} Known units: {list}"),
        None => format!("known units: {list}"),
    };
    QuantityError {
        message: format!("`{written}` is not a known unit"),
        offset,
        help,
    }
}

fn wrong_dimension_error(
    written: &str,
    offset: usize,
    unit: &Unit,
    wanted: Dimension,
) -> QuantityError {
    QuantityError {
        message: format!(
            "`{written}` is a unit of {}, but this field is {}",
            unit.dimension.name(),
            wanted.noun_phrase()
        ),
        offset,
        help: format!("use a unit of {}: {}", wanted.name(), wanted.unit_list()),
    }
}

/// Splits `text` into its number and unit; returns the value, the unit text (trimmed)
/// and the unit's byte offset.
fn split_quantity(text: &str) -> Result<(f64, &str, usize), QuantityError> {
    let b = text.as_bytes();
    let at = |pos: usize| b.get(pos).copied();
    let start = text.len() - text.trim_start().len();
    let error = |offset: usize, message: String| QuantityError {
        message,
        offset,
        help: NUMBER_HELP.to_string(),
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(error(start, "the quantity is empty".to_string()));
    }

    let mut pos = start;
    if matches!(at(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    let int_start = pos;
    while at(pos).is_some_and(|c| c.is_ascii_digit() || c == b',') {
        pos += 1;
    }
    let int_part = &text[int_start..pos];
    if !int_part.starts_with(|c: char| c.is_ascii_digit()) {
        let mut e = error(start, format!("`{trimmed}` does not start with a number"));
        if trimmed.starts_with('$') {
            e.help = "write the number first and the currency as a unit, e.g. 110 USD/kg or \
                      25 M USD"
                .to_string();
        }
        return Err(e);
    }
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    let grouping_ok = !int_part.contains(',') || (first_ok && groups.all(|g| g.len() == 3));
    if !grouping_ok {
        let comma = int_start + int_part.find(',').unwrap_or(0);
        return Err(error(
            comma,
            format!("`{}` is not a valid number", &text[start..pos]),
        ));
    }
    if at(pos) == Some(b'.') {
        pos += 1;
        let frac_start = pos;
        while at(pos).is_some_and(|c| c.is_ascii_digit()) {
            pos += 1;
        }
        if pos == frac_start {
            return Err(error(
                pos,
                format!(
                    "`{}` needs digits after the decimal point",
                    &text[start..pos]
                ),
            ));
        }
    }
    if matches!(at(pos), Some(b'.' | b',')) {
        return Err(error(
            pos,
            format!("`{}` is not a valid number", text[start..].trim_end()),
        ));
    }
    let number: String = text[start..pos].chars().filter(|&c| c != ',').collect();
    let value = match number.parse::<f64>() {
        Ok(v) if v.is_finite() => v,
        _ => {
            return Err(error(
                start,
                format!("`{}` is not a usable number", &text[start..pos]),
            ));
        }
    };

    let rest = &text[pos..];
    let unit_offset = pos + (rest.len() - rest.trim_start().len());
    let unit = rest.trim();
    if unit.is_empty() {
        return Err(QuantityError {
            message: format!("`{}` has no unit", &text[start..pos]),
            offset: unit_offset,
            help: format!("add a unit after the number; {}", all_units_help()),
        });
    }
    Ok((value, unit, unit_offset))
}

/// Parses a number followed by a unit symbol, with optional space between: "3.8 Mt",
/// "2,500 t", "90%", "110 USD/kg", "-5 %".
///
/// The number may have a sign, commas between groups of three digits and a decimal
/// point (`3,8` is refused rather than guessed). The unit is looked up with
/// [`find_unit`]. Error offsets are byte offsets into `text`; for an unknown unit the
/// offset is where the unit starts and the help suggests the closest symbol.
pub fn parse_quantity(text: &str) -> Result<Quantity, QuantityError> {
    let (value, written, offset) = split_quantity(text)?;
    match find_unit(written) {
        Some(unit) => Ok(Quantity { value, unit }),
        None => Err(unknown_unit_error(
            written,
            offset,
            UNITS.iter(),
            all_units_help(),
        )),
    }
}

/// Like [`parse_quantity`], but the unit must be of `dimension`; otherwise the error
/// (at the unit's offset) is as for [`parse_unit_in`].
pub fn parse_quantity_in(dimension: Dimension, text: &str) -> Result<Quantity, QuantityError> {
    let (value, written, offset) = split_quantity(text)?;
    let unit = resolve_unit_in(dimension, written, offset)?;
    Ok(Quantity { value, unit })
}

/// Looks up a unit symbol (as [`find_unit`]) that must be of `dimension`.
///
/// Errors: an unknown unit ("`kgs` is not a known unit", with a "did you mean" among
/// the dimension's units), or a unit of another dimension ("`kt` is a unit of mass, but
/// this field is a price"); the help lists the units of `dimension`. The offset is that
/// of the symbol within `symbol` (after leading whitespace).
pub fn parse_unit_in(dimension: Dimension, symbol: &str) -> Result<&'static Unit, QuantityError> {
    let offset = symbol.len() - symbol.trim_start().len();
    resolve_unit_in(dimension, symbol.trim(), offset)
}

fn resolve_unit_in(
    dimension: Dimension,
    written: &str,
    offset: usize,
) -> Result<&'static Unit, QuantityError> {
    if written.is_empty() {
        return Err(QuantityError {
            message: "the unit is missing".to_string(),
            offset,
            help: format!(
                "use a unit of {}: {}",
                dimension.name(),
                dimension.unit_list()
            ),
        });
    }
    match find_unit(written) {
        Some(unit) if unit.dimension == dimension => Ok(unit),
        Some(unit) => Err(wrong_dimension_error(written, offset, unit, dimension)),
        None => Err(unknown_unit_error(
            written,
            offset,
            dimension.units(),
            format!("{} ({})", dimension.unit_list(), dimension.name()),
        )),
    }
}

/// Chooses one unit to show a whole column of values (given in the base unit) in.
///
/// Takes the median of the absolute values of the finite non-zero values — the lower
/// median for an even count, so that the smaller half of the column still reads well —
/// and returns the largest of the dimension's [preferred
/// units](Dimension::preferred_units) in which that median is at least 1. Falls back to
/// the smallest preferred unit (the base unit) when there are no such values or the
/// median is below 1 in every preferred unit.
///
/// Example: 2,500 t and 3.8 Mt give kt (the lower median, 2,500 t, is 2.5 kt but only
/// 0.0025 Mt), so the column reads "2.5 kt" and "3,800 kt".
pub fn choose_display_unit(dimension: Dimension, base_values: &[f64]) -> &'static Unit {
    let mut values: Vec<f64> = base_values
        .iter()
        .map(|v| v.abs())
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let preferred: Vec<&'static Unit> = dimension.preferred_units().collect();
    let smallest = preferred
        .first()
        .copied()
        .unwrap_or_else(|| dimension.base_unit());
    if values.is_empty() {
        return smallest;
    }
    values.sort_by(f64::total_cmp);
    let median = values[(values.len() - 1) / 2];
    preferred
        .iter()
        .rev()
        .find(|u| median / u.factor >= 1.0 - 1e-9)
        .copied()
        .unwrap_or(smallest)
}

/// Most decimals [`format_number`] ever shows.
const MAX_DECIMALS: usize = 12;

/// Formats a number for people, deterministically.
///
/// * Three significant digits, but never fewer than all the integer digits:
///   `3.8`, `28.5`, `123`, `3,800`, `0.64`, `0.0025`, `0.006`; trailing zeros and a
///   trailing point are dropped, so integers have no `.0`.
/// * Commas between groups of three integer digits from 1,000 up: `2,500`,
///   `3,800,000`.
/// * Never `-0`: a value that rounds to zero is `0`. At most 12 decimals, so
///   magnitudes below 1e-12 show as `0`.
/// * `NaN`, `∞` and `-∞` for non-finite values.
pub fn format_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    let abs = value.abs();
    let decimals = if abs >= 1.0 {
        let int_digits = format!("{:.0}", abs.trunc()).len();
        3usize.saturating_sub(int_digits)
    } else if abs == 0.0 {
        0
    } else {
        let long = format!("{abs:.width$}", width = MAX_DECIMALS + 1);
        let fraction = long.strip_prefix("0.").unwrap_or(&long);
        let zeros = fraction.bytes().take_while(|&c| c == b'0').count();
        (zeros + 3).min(MAX_DECIMALS)
    };
    let mut digits = format!("{abs:.decimals$}");
    if digits.contains('.') {
        let kept = digits.trim_end_matches('0').trim_end_matches('.').len();
        digits.truncate(kept);
    }
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut out = String::new();
    let is_zero = digits.bytes().all(|c| c == b'0' || c == b'.');
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    let len = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac_part.is_empty() {
        let _ = write!(out, ".{frac_part}");
    }
    out
}

fn join_unit(number: String, unit: &Unit) -> String {
    if unit.symbol == "%" {
        format!("{number}%")
    } else {
        format!("{number} {}", unit.symbol)
    }
}

/// Formats a base-unit value in `unit` (of the same dimension) with its symbol:
/// `format_in(3_800_000.0, kt)` is "3,800 kt"; percentages have no space ("90%").
pub fn format_in(base_value: f64, unit: &Unit) -> String {
    join_unit(format_number(base_value / unit.factor), unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(symbol: &str) -> &'static Unit {
        match unit_by_symbol(symbol) {
            Some(unit) => unit,
            None => panic!("no unit {symbol}"),
        }
    }

    fn q(text: &str) -> Quantity {
        match parse_quantity(text) {
            Ok(q) => q,
            Err(e) => panic!("{text:?} failed: {} ({})", e.message, e.help),
        }
    }

    fn qerr(text: &str) -> QuantityError {
        match parse_quantity(text) {
            Ok(q) => panic!("{text:?} unexpectedly parsed as {q:?}"),
            Err(e) => e,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn dimension_names_and_parse() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.name()), Some(d));
            assert_eq!(
                serde_json::to_string(&d).ok(),
                Some(format!("\"{}\"", d.name()))
            );
        }
        assert_eq!(Dimension::parse(" Price "), Some(Dimension::Price));
        assert_eq!(Dimension::parse("MASS"), Some(Dimension::Mass));
        assert_eq!(Dimension::parse("length"), None);
        assert_eq!(Dimension::parse(""), None);
    }

    #[test]
    fn base_units_have_factor_one() {
        for d in Dimension::ALL {
            let base = d.base_unit();
            assert_eq!(base.dimension, d);
            assert_eq!(base.factor, 1.0);
            assert!(d.units().any(|u| std::ptr::eq(u, base)));
            assert!(d.units().all(|u| u.dimension == d));
            let preferred: Vec<_> = d.preferred_units().collect();
            assert!(std::ptr::eq(preferred[0], base));
            assert!(preferred.windows(2).all(|w| w[0].factor < w[1].factor));
        }
        assert_eq!(Dimension::Mass.base_unit().symbol, "t");
        assert_eq!(Dimension::Money.base_unit().symbol, "USD");
        assert_eq!(Dimension::Ratio.base_unit().symbol, "%");
        assert_eq!(Dimension::Price.base_unit().symbol, "USD/kg");
    }

    #[test]
    fn unit_symbols_are_unique_and_listed() {
        let symbols = all_unit_symbols();
        assert_eq!(symbols.len(), UNITS.len());
        for s in &symbols {
            assert_eq!(symbols.iter().filter(|x| x == &s).count(), 1);
            assert_eq!(find_unit(s).map(|u| u.symbol), Some(*s));
        }
        let norms: Vec<String> = symbols.iter().map(|s| normalise(s)).collect();
        for n in &norms {
            assert_eq!(norms.iter().filter(|x| x == &n).count(), 1, "{n}");
        }
        for (alias, canonical) in ALIASES {
            assert_eq!(
                find_unit(alias).map(|u| u.symbol),
                Some(canonical),
                "{alias}"
            );
        }
        let units: Vec<&str> = Dimension::Mass.units().map(|u| u.symbol).collect();
        assert_eq!(units, ["g", "kg", "t", "kt", "Mt", "lb", "oz"]);
    }

    #[test]
    fn find_unit_tolerates_case_and_spacing() {
        let cases = [
            ("KG", "kg"),
            (" kg ", "kg"),
            ("Kt", "kt"),
            ("usd", "USD"),
            ("M usd", "M USD"),
            ("MUSD", "M USD"),
            ("musd", "M USD"),
            ("usd m", "M USD"),
            ("Million USD", "M USD"),
            ("BUSD", "B USD"),
            ("kUSD", "k USD"),
            ("USD / kg", "USD/kg"),
            ("usd/KG", "USD/kg"),
            ("usd/mtu", "USD/mtu"),
            ("Tonnes", "t"),
            ("LBS", "lb"),
            ("Percent", "%"),
            ("T", "t"),
            ("G", "g"),
        ];
        for (written, symbol) in cases {
            assert_eq!(
                find_unit(written).map(|u| u.symbol),
                Some(symbol),
                "{written}"
            );
        }
        assert_eq!(find_unit("Mt").map(|u| u.symbol), Some("Mt"));
        assert_eq!(find_unit("MT"), None);
        assert_eq!(find_unit("mt"), None);
        assert_eq!(find_unit("USD/MT"), None);
        assert_eq!(find_unit("furlong"), None);
        assert_eq!(find_unit(""), None);
    }

    #[test]
    fn mass_conversions() {
        let t = u("t");
        assert!(close(q("1 g").in_unit(t), 0.000_001));
        assert!(close(q("1 kg").in_unit(t), 0.001));
        assert!(close(q("1 t").in_unit(t), 1.0));
        assert!(close(q("1 kt").in_unit(t), 1000.0));
        assert!(close(q("1 Mt").in_unit(t), 1_000_000.0));
        assert!(close(q("1 lb").in_unit(u("kg")), 0.453_592_37));
        assert!(close(q("1 oz").in_unit(u("g")), 31.103_476_8));
        assert!(close(q("1 t").in_unit(u("g")), 1_000_000.0));
        assert!(close(q("1 kg").in_unit(u("lb")), 2.204_622_621_848_776));
        assert_eq!(q("3.8 Mt").base_value(), 3_800_000.0);
        assert_eq!(q("3.8 Mt").in_unit(u("kt")), 3800.0);
        assert_eq!(q("2,500 t").in_unit(u("kt")), 2.5);
        assert_eq!(format_in(q("3.8 Mt").base_value(), u("kt")), "3,800 kt");
        assert_eq!(format_in(q("2,500 t").base_value(), u("kt")), "2.5 kt");
        assert_eq!(format_in(q("1 t").base_value(), u("g")), "1,000,000 g");
        assert_eq!(format_in(q("1 lb").base_value(), u("kg")), "0.454 kg");
        assert_eq!(format_in(q("1 oz").base_value(), u("g")), "31.1 g");
    }

    #[test]
    fn money_conversions() {
        let usd = u("USD");
        assert!(close(q("1 USD").in_unit(usd), 1.0));
        assert!(close(q("1 k USD").in_unit(usd), 1e3));
        assert!(close(q("1 M USD").in_unit(usd), 1e6));
        assert!(close(q("1 B USD").in_unit(usd), 1e9));
        assert!(close(q("250 M USD").in_unit(u("B USD")), 0.25));
        assert!(close(q("3 USD bn").in_unit(u("M USD")), 3000.0));
        assert_eq!(
            format_in(q("1.2 B USD").base_value(), u("M USD")),
            "1,200 M USD"
        );
    }

    #[test]
    fn ratio_conversions() {
        let p = q("90%");
        assert_eq!(p.value, 90.0);
        assert_eq!(p.unit.symbol, "%");
        assert_eq!(p.base_value(), 90.0);
        assert_eq!(p.display(), "90%");
        assert_eq!(q("12.5 %").display(), "12.5%");
        assert_eq!(format_in(45.0, u("%")), "45%");
    }

    #[test]
    fn price_conversions() {
        let per_kg = u("USD/kg");
        assert!(close(q("1 USD/kg").in_unit(per_kg), 1.0));
        assert!(close(q("1000 USD/t").in_unit(per_kg), 1.0));
        assert!(close(q("1 USD/lb").in_unit(per_kg), 1.0 / 0.453_592_37));
        assert!(close(q("1 USD/oz").in_unit(per_kg), 1.0 / 0.031_103_476_8));
        assert!(close(q("1 USD/oz").in_unit(per_kg), 32.150_746_568_627_98));
        assert!(close(q("1 USD/mtu").in_unit(per_kg), 0.1));
        assert!(close(q("400 USD/mtu").in_unit(u("USD/t")), 40_000.0));
        assert!(close(
            q("10 USD/lb").in_unit(u("USD/t")),
            22_046.226_218_487_76
        ));
        assert_eq!(
            format_in(q("110 USD/kg").base_value(), u("USD/t")),
            "110,000 USD/t"
        );
        assert_eq!(format_in(q("2,000 USD/t").base_value(), per_kg), "2 USD/kg");
        assert_eq!(format_in(q("1 USD/lb").base_value(), per_kg), "2.2 USD/kg");
    }

    #[test]
    fn round_trip_every_unit() {
        for unit in UNITS.iter() {
            let text = format!("2,500 {}", unit.symbol);
            let quantity = q(&text);
            assert!(std::ptr::eq(quantity.unit, unit), "{text}");
            assert_eq!(quantity.value, 2500.0);
            assert!(close(quantity.in_unit(unit), 2500.0), "{text}");
            assert_eq!(format_in(quantity.base_value(), unit), quantity.display());
            let base = unit.dimension.base_unit();
            assert!(
                close(quantity.in_unit(base), 2500.0 * unit.factor),
                "{text}"
            );
        }
    }

    #[test]
    fn parses_numbers() {
        assert_eq!(q("3.8 Mt").value, 3.8);
        assert_eq!(q("3.8Mt").value, 3.8);
        assert_eq!(q("  2,500 t ").value, 2500.0);
        assert_eq!(q("1,234,567.5 kg").value, 1_234_567.5);
        assert_eq!(q("-5 %").value, -5.0);
        assert_eq!(q("+5 %").value, 5.0);
        assert_eq!(q("0.006 t").value, 0.006);
        assert_eq!(q("110 USD/kg").unit.symbol, "USD/kg");
        assert_eq!(q("25 M USD").unit.symbol, "M USD");
        assert_eq!(q("3.8 Mt").display(), "3.8 Mt");
        assert_eq!(q("2500 t").display(), "2,500 t");
    }

    #[test]
    fn number_errors() {
        let e = qerr("3,8 t");
        assert_eq!(e.offset, 1);
        assert!(e.message.contains("not a valid number"), "{}", e.message);
        assert!(e.help.contains("2,500"));
        assert_eq!(qerr("25,00 t").offset, 2);
        assert_eq!(qerr("2500,000 t").offset, 4);
        assert_eq!(qerr("1.2.3 t").offset, 3);
        let e = qerr("5. t");
        assert_eq!(e.offset, 2);
        let e = qerr("Mt 3.8");
        assert_eq!(e.offset, 0);
        assert!(e.message.contains("does not start with a number"));
        let e = qerr("$110/kg");
        assert!(e.help.contains("110 USD/kg"));
        let e = qerr("  ");
        assert_eq!(e.message, "the quantity is empty");
        let e = qerr(" 3.8");
        assert_eq!(e.message, "`3.8` has no unit");
        assert_eq!(e.offset, 4);
        assert!(e.help.contains("mass: g, kg, t, kt, Mt, lb, oz"));
        let e = qerr(".5 t");
        assert_eq!(e.offset, 0);
        let huge = format!("{} t", "9".repeat(400));
        assert!(qerr(&huge).message.contains("not a usable number"));
    }

    #[test]
    fn unknown_unit_errors() {
        let e = qerr("3.8 kgs");
        assert_eq!(e.message, "`kgs` is not a known unit");
        assert_eq!(e.offset, 4);
        assert!(e.help.starts_with("did you mean `kg`?"), "{}", e.help);
        assert!(
            e.help
                .contains("price: USD/kg, USD/t, USD/lb, USD/oz, USD/mtu")
        );
        let e = qerr("3.8 MT");
        assert_eq!(e.offset, 4);
        assert!(e.help.contains("metric tonnes or megatonnes"), "{}", e.help);
        let e = qerr("3.8   furlongs");
        assert_eq!(e.offset, 6);
        assert!(e.help.starts_with("known units:"), "{}", e.help);
        assert!(qerr("5 USD/kgg").help.contains("`USD/kg`"));
        assert!(qerr("5 tonnnes").help.contains("`t`"));
        assert!(qerr("5 x").help.starts_with("known units:"));
        let e = qerr("5 USD/MT");
        assert!(e.help.contains("USD/t"), "{}", e.help);
    }

    #[test]
    fn parse_unit_in_checks_dimension() {
        assert_eq!(
            parse_unit_in(Dimension::Price, "USD/kg").map(|u| u.symbol),
            Ok("USD/kg")
        );
        assert_eq!(
            parse_unit_in(Dimension::Mass, " KT").map(|u| u.symbol),
            Ok("kt")
        );
        let e = match parse_unit_in(Dimension::Price, "kt") {
            Err(e) => e,
            Ok(u) => panic!("accepted {u:?}"),
        };
        assert_eq!(
            e.message,
            "`kt` is a unit of mass, but this field is a price"
        );
        assert_eq!(e.offset, 0);
        assert_eq!(
            e.help,
            "use a unit of price: USD/kg, USD/t, USD/lb, USD/oz, USD/mtu"
        );
        let e = match parse_unit_in(Dimension::Mass, "  USD") {
            Err(e) => e,
            Ok(u) => panic!("accepted {u:?}"),
        };
        assert_eq!(
            e.message,
            "`USD` is a unit of money, but this field is a mass"
        );
        assert_eq!(e.offset, 2);
        let e = match parse_unit_in(Dimension::Mass, "kgs") {
            Err(e) => e,
            Ok(u) => panic!("accepted {u:?}"),
        };
        assert!(e.help.starts_with("did you mean `kg`?"), "{}", e.help);
        assert!(
            e.help.contains("g, kg, t, kt, Mt, lb, oz (mass)"),
            "{}",
            e.help
        );
        assert!(!e.help.contains("USD"));
        // The suggestion comes from the field's dimension.
        let e = match parse_unit_in(Dimension::Price, "USD/kgs") {
            Err(e) => e,
            Ok(u) => panic!("accepted {u:?}"),
        };
        assert!(e.help.starts_with("did you mean `USD/kg`?"), "{}", e.help);
        let e = match parse_unit_in(Dimension::Ratio, "") {
            Err(e) => e,
            Ok(u) => panic!("accepted {u:?}"),
        };
        assert_eq!(e.message, "the unit is missing");
        assert_eq!(e.help, "use a unit of ratio: %");
    }

    #[test]
    fn parse_quantity_in_checks_dimension() {
        let ok = parse_quantity_in(Dimension::Price, "110 USD/kg");
        assert_eq!(ok.map(|q| q.value), Ok(110.0));
        let e = match parse_quantity_in(Dimension::Price, "2,500 kt") {
            Err(e) => e,
            Ok(q) => panic!("accepted {q:?}"),
        };
        assert_eq!(
            e.message,
            "`kt` is a unit of mass, but this field is a price"
        );
        assert_eq!(e.offset, 6);
        let e = match parse_quantity_in(Dimension::Money, "5 M usdd") {
            Err(e) => e,
            Ok(q) => panic!("accepted {q:?}"),
        };
        assert_eq!(e.offset, 2);
        assert!(e.help.contains("`M USD`"), "{}", e.help);
        assert!(parse_quantity_in(Dimension::Mass, "5").is_err());
    }

    #[test]
    fn error_display_is_message() {
        let e = qerr("3 zz");
        assert_eq!(e.to_string(), e.message);
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn column_unit_choice_for_mass() {
        let mixed = [q("2,500 t").base_value(), q("3.8 Mt").base_value()];
        assert_eq!(choose_display_unit(Dimension::Mass, &mixed).symbol, "kt");
        let mostly_mt = [q("3.8 Mt").base_value(), q("1.2 Mt").base_value(), 500.0];
        assert_eq!(
            choose_display_unit(Dimension::Mass, &mostly_mt).symbol,
            "Mt"
        );
        let small = [q("500 kg").base_value(), q("20 t").base_value(), 7.0];
        assert_eq!(choose_display_unit(Dimension::Mass, &small).symbol, "t");
        let tiny = [q("5 g").base_value()];
        assert_eq!(choose_display_unit(Dimension::Mass, &tiny).symbol, "t");
        let exact = [q("1 kt").base_value()];
        assert_eq!(choose_display_unit(Dimension::Mass, &exact).symbol, "kt");
        let with_zero_and_nan = [0.0, f64::NAN, f64::INFINITY, 4e6, -5e6];
        assert_eq!(
            choose_display_unit(Dimension::Mass, &with_zero_and_nan).symbol,
            "Mt"
        );
        assert_eq!(choose_display_unit(Dimension::Mass, &[]).symbol, "t");
        assert_eq!(choose_display_unit(Dimension::Mass, &[0.0]).symbol, "t");
        // Order of the input does not matter.
        let a = [1e3, 2e6, 3e6, 5.0];
        let mut b = a;
        b.reverse();
        assert_eq!(
            choose_display_unit(Dimension::Mass, &a),
            choose_display_unit(Dimension::Mass, &b)
        );
    }

    #[test]
    fn column_unit_choice_for_other_dimensions() {
        assert_eq!(
            choose_display_unit(Dimension::Money, &[2.5e9, 4e9]).symbol,
            "B USD"
        );
        assert_eq!(
            choose_display_unit(Dimension::Money, &[2.5e8, 4e9]).symbol,
            "M USD"
        );
        assert_eq!(
            choose_display_unit(Dimension::Money, &[25_000.0]).symbol,
            "USD"
        );
        assert_eq!(
            choose_display_unit(Dimension::Ratio, &[0.5, 90.0]).symbol,
            "%"
        );
        assert_eq!(
            choose_display_unit(Dimension::Price, &[0.001, 1e6]).symbol,
            "USD/kg"
        );
    }

    #[test]
    fn format_number_cases() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.000_000_000_000_1, "0"),
            (-0.0004, "-0.0004"),
            (1.0, "1"),
            (3.8, "3.8"),
            (28.5, "28.5"),
            (0.64, "0.64"),
            (0.006, "0.006"),
            (0.0025, "0.0025"),
            (0.123_456, "0.123"),
            (0.099_96, "0.1"),
            (123.456, "123"),
            (99.96, "100"),
            (999.6, "1,000"),
            (2500.0, "2,500"),
            (3800.0, "3,800"),
            (3800.4, "3,800"),
            (10_000.0, "10,000"),
            (1_234_567.0, "1,234,567"),
            (-1_234_567.0, "-1,234,567"),
            (-3.8, "-3.8"),
            (1.005, "1"),
            (2.0 / 3.0, "0.667"),
            (3_799_999.999_999_999_5, "3,800,000"),
            (0.1 + 0.2, "0.3"),
            (1e20, "100,000,000,000,000,000,000"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "∞"),
            (f64::NEG_INFINITY, "-∞"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_number(value), expected, "{value}");
        }
    }

    #[test]
    fn format_in_and_display() {
        assert_eq!(format_in(3_800_000.0, u("kt")), "3,800 kt");
        assert_eq!(format_in(3_800_000.0, u("Mt")), "3.8 Mt");
        assert_eq!(format_in(0.0, u("Mt")), "0 Mt");
        assert_eq!(format_in(-0.0, u("%")), "0%");
        assert_eq!(q("0.64 USD/lb").display(), "0.64 USD/lb");
        assert_eq!(q("1.50 M USD").display(), "1.5 M USD");
    }
}

/// Property tests of normalisation: a value taken to its dimension's base unit (or any unit
/// of the dimension) and back is the value again within floating-point tolerance, the same
/// amount written in two units normalises to the same base value and reads the same once
/// shown in one unit, and a written quantity parses to the number and unit it was written
/// with.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Relative tolerance: a few ulps of rounding per multiplication or division.
    const TOLERANCE: f64 = 1e-12;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
    }

    fn any_unit() -> impl Strategy<Value = &'static Unit> {
        proptest::sample::select(UNITS.iter().collect::<Vec<_>>())
    }

    /// Two units of the same dimension (possibly the same unit).
    fn unit_pair() -> impl Strategy<Value = (&'static Unit, &'static Unit)> {
        any_unit().prop_flat_map(|first| {
            let same_dimension: Vec<&'static Unit> = first.dimension.units().collect();
            (Just(first), proptest::sample::select(same_dimension))
        })
    }

    /// Finite values across the magnitudes a knowledge base holds, and beyond, with a sign.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-1e15f64..1e15),
            (-1e6f64..1e6),
            (0u64..1_000_000).prop_map(|n| n as f64),
            (1e-9f64..1e-3),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn base_unit_and_back_gives_the_value(unit in any_unit(), value in value()) {
            let quantity = Quantity { value, unit };
            let base = Quantity { value: quantity.base_value(), unit: unit.dimension.base_unit() };
            prop_assert!(close(base.in_unit(unit), value), "{} {} -> {} -> {}",
                value, unit.symbol, base.value, base.in_unit(unit));
            prop_assert!(close(quantity.in_unit(unit), value));
        }

        #[test]
        fn another_unit_and_back_gives_the_value((from, to) in unit_pair(), value in value()) {
            let there = Quantity { value, unit: from }.in_unit(to);
            let back = Quantity { value: there, unit: to }.in_unit(from);
            prop_assert!(close(back, value), "{} {} -> {} {} -> {}",
                value, from.symbol, there, to.symbol, back);
        }

        #[test]
        fn the_same_amount_in_two_units_normalises_alike(
            (first, second) in unit_pair(),
            value in value(),
        ) {
            let written_first = Quantity { value, unit: first };
            let written_second = Quantity { value: written_first.in_unit(second), unit: second };
            prop_assert!(close(written_first.base_value(), written_second.base_value()));
            // Shown in the unit a column would choose for both, they read the same.
            let display = choose_display_unit(
                first.dimension,
                &[written_first.base_value(), written_second.base_value()],
            );
            prop_assert!(close(written_first.in_unit(display), written_second.in_unit(display)));
        }

        #[test]
        fn a_column_chooses_its_unit_whatever_units_it_was_written_in(
            values in proptest::collection::vec((1u32..10_000_000).prop_map(f64::from), 1..8),
            (first, second) in unit_pair(),
        ) {
            // The same masses, once written all in `first`, once all in `second`.
            let in_first: Vec<f64> = values.iter()
                .map(|&v| Quantity { value: v, unit: first }.base_value()).collect();
            let in_second: Vec<f64> = values.iter()
                .map(|&v| Quantity { value: Quantity { value: v, unit: first }.in_unit(second),
                    unit: second }.base_value()).collect();
            prop_assert_eq!(
                choose_display_unit(first.dimension, &in_first).symbol,
                choose_display_unit(first.dimension, &in_second).symbol
            );
        }

        #[test]
        fn written_quantities_parse_to_their_number_and_unit(
            unit in any_unit(),
            value in value(),
            space in proptest::bool::ANY,
        ) {
            let separator = if space { " " } else { "" };
            let text = format!("{value}{separator}{}", unit.symbol);
            let parsed = parse_quantity(&text);
            prop_assert!(parsed.is_ok(), "{:?}: {:?}", text, parsed);
            let Ok(parsed) = parsed else { return Ok(()) };
            prop_assert_eq!(parsed.value, value);
            prop_assert_eq!(parsed.unit.symbol, unit.symbol);
            let in_dimension = parse_quantity_in(unit.dimension, &text);
            prop_assert_eq!(in_dimension.map(|q| q.unit.symbol), Ok(unit.symbol));
        }

        #[test]
        fn parsing_never_panics_and_offsets_stay_in_the_text(text in "\\PC{0,20}|[0-9,. +-]{0,10}[a-zA-Z/$% ]{0,8}") {
            if let Err(error) = parse_quantity(&text) {
                prop_assert!(text.is_char_boundary(error.offset), "{} in {:?}", error.offset, text);
            }
        }
    }
}
