//! View models: the plain, serialisable data each template receives.
//!
//! Values arrive as data (a field value by its type, a claim with its qualifiers and footnote
//! number, a citation by its parts); the components in `templates/values.html` give them
//! their markup, so a theme can change it, and Tera's autoescape escapes them.

use super::RenderInput;
use super::sanitize::RawHtml;
use crate::derive::{Derived, TimelineEvent};
use crate::edtf::Edtf;
use crate::link::Graph;
use crate::model::{Claim, Entry, Value};
use serde::Serialize;

/// A link to an entry.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLink {
    /// Title.
    pub title: String,
    /// Relative URL from the current page.
    pub url: String,
    /// Kind name.
    pub kind: String,
    /// One-line summary.
    pub summary: String,
}

/// Builds a link to entry `index` from a page whose root prefix is `root`.
pub fn entry_link(graph: &Graph, index: usize, root: &str) -> EntryLink {
    let entry = &graph.entries[index];
    EntryLink {
        title: entry.title.clone(),
        url: format!("{root}{}", entry.url_path),
        kind: entry.kind.clone(),
        summary: entry.summary.clone().unwrap_or_default(),
    }
}

/// Just a title and a URL: what lists that repeat many times (timeline events) need.
#[derive(Debug, Clone, Serialize)]
pub struct NamedLink {
    /// Title.
    pub title: String,
    /// Relative URL from the current page.
    pub url: String,
}

/// A kind in the navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavKind {
    /// Kind name.
    pub kind: String,
    /// Index page title.
    pub title: String,
    /// Site path of the index (`countries/`), to prefix with `root`.
    pub path: String,
    /// One line.
    pub summary: String,
}

/// A kind with its number of entries (the home page's cards). The count is not in the
/// navigation every page shows: adding an entry would change every page's global context and
/// render the whole site again.
#[derive(Debug, Clone, Serialize)]
pub struct KindCard {
    /// The kind, as in the navigation.
    #[serde(flatten)]
    pub kind: NavKind,
    /// Number of entries.
    pub count: usize,
}

/// The kinds with their entry counts, in folder order.
pub fn kind_cards(input: &RenderInput) -> Vec<KindCard> {
    nav_kinds(input)
        .into_iter()
        .map(|kind| KindCard {
            count: input.derived.kinds.get(&kind.kind).map_or(0, Vec::len),
            kind,
        })
        .collect()
}

/// The kinds, in folder order, for every page's navigation (global context).
pub fn nav_kinds(input: &RenderInput) -> Vec<NavKind> {
    input
        .graph
        .schemas
        .kinds
        .values()
        .map(|kind| NavKind {
            kind: kind.kind.clone(),
            title: kind.title.clone(),
            path: format!("{}/", kind.folder),
            summary: kind.summary.clone().unwrap_or_default(),
        })
        .collect()
}

/// A footnote citing a source entry.
#[derive(Debug, Clone, Serialize)]
pub struct Footnote {
    /// Its number on the page.
    pub number: usize,
    /// The source it cites.
    pub citation: CitationView,
    /// Anchor id.
    pub id: String,
}

/// Numbers the sources cited on one page, in order of first citation.
#[derive(Debug, Default)]
pub struct Footnotes {
    cited: Vec<usize>,
    /// Per footnote: the ids of the references back to it.
    pub notes: Vec<Footnote>,
}

impl Footnotes {
    /// The footnote number of source entry `source`, adding it on first use.
    pub fn cite(&mut self, graph: &Graph, source: usize, root: &str) -> usize {
        if let Some(position) = self.cited.iter().position(|&cited| cited == source) {
            return position + 1;
        }
        self.cited.push(source);
        let number = self.cited.len();
        self.notes.push(Footnote {
            number,
            citation: citation_view(graph, source, root),
            id: format!("src-{number}"),
        });
        number
    }
}

/// A source as the `citation` component shows it: `Publisher, “Title” (24 Feb 2025).
/// address`, the title linked to the source's page.
#[derive(Debug, Clone, Serialize)]
pub struct CitationView {
    /// The `publisher` field, when it is a plain string.
    pub publisher: Option<String>,
    /// The source entry's title.
    pub title: String,
    /// Relative URL of the source entry's page.
    pub url: String,
    /// The source's date.
    pub date: Option<DateView>,
    /// The source's own address (its `url` field).
    pub link: Option<ExternalLink>,
}

/// The citation of source entry `source`, from a page whose root prefix is `root`.
pub fn citation_view(graph: &Graph, source: usize, root: &str) -> CitationView {
    let entry = &graph.entries[source];
    CitationView {
        publisher: match single_value(entry, "publisher") {
            Some(Value::String(publisher)) => Some(publisher.clone()),
            _ => None,
        },
        title: entry.title.clone(),
        url: format!("{root}{}", entry.url_path),
        date: entry.date.as_ref().map(date_view),
        link: match single_value(entry, "url") {
            Some(Value::Url(url)) => Some(external_link(url)),
            _ => None,
        },
    }
}

/// A link out of the site: the address (made valid as an `href`) and the short host shown.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalLink {
    /// The address, with the characters URLs may not hold percent-encoded.
    pub href: String,
    /// The host, without `www.`.
    pub text: String,
}

fn external_link(url: &str) -> ExternalLink {
    ExternalLink {
        href: url_attribute(url),
        text: shorten_url(url),
    }
}

/// Percent-encodes the characters that may not appear in a URL (`[`, space, `"`, …) so an
/// address copied as-is from a browser still makes a valid `href` (the template escapes it).
pub fn url_attribute(url: &str) -> String {
    let mut encoded = String::with_capacity(url.len());
    for ch in url.chars() {
        match ch {
            ' ' | '"' | '<' | '>' | '[' | ']' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                let mut buffer = [0u8; 4];
                for byte in ch.encode_utf8(&mut buffer).bytes() {
                    encoded.push_str(&format!("%{byte:02X}"));
                }
            }
            other => encoded.push(other),
        }
    }
    encoded
}

fn shorten_url(url: &str) -> String {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or(url);
    host.trim_start_matches("www.").to_string()
}

fn single_value<'e>(entry: &'e Entry, name: &str) -> Option<&'e Value> {
    match entry.field(name)? {
        crate::model::FieldValue::Single(value) => Some(value),
        crate::model::FieldValue::Claims(claims) => claims.first().map(|claim| &claim.value),
    }
}

/// A field in an entry's infobox.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// Field name (for CSS).
    pub name: String,
    /// Label.
    pub label: String,
    /// Every value (several when claims disagree).
    pub values: Vec<ClaimView>,
    /// Whether there are several claims side by side.
    pub disputed: bool,
}

/// A date as templates show it: for `<time datetime>` and for reading.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// Machine-readable (see [`date_datetime`]).
    pub datetime: String,
    /// Display by precision (`24 Feb 2025`).
    pub display: String,
}

/// The view of `date`.
pub fn date_view(date: &Edtf) -> DateView {
    DateView {
        datetime: date_datetime(date),
        display: date.display(),
    }
}

/// An entry a `refs` value points at.
#[derive(Debug, Clone, Serialize)]
pub struct RefLink {
    /// Title.
    pub title: String,
    /// Relative URL from the current page.
    pub url: String,
    /// Kind name (for CSS).
    pub kind: String,
}

/// A field's value as the `value` component shows it, by type. Numbers and quantities arrive
/// formatted by lode's number formatting; everything is escaped by the template.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ValueView {
    /// A string, an enum value, a number or a quantity with its unit.
    Plain {
        /// The text shown.
        text: String,
    },
    /// A `text` field: inline Markdown already turned into HTML, like a body.
    Markdown {
        /// The HTML.
        html: String,
    },
    /// Yes or no.
    Bool {
        /// The value.
        value: bool,
    },
    /// A date.
    Date {
        /// The date.
        date: DateView,
    },
    /// A link out of the site.
    Url {
        /// The link.
        link: ExternalLink,
    },
    /// A list of strings.
    List {
        /// The items.
        items: Vec<String>,
    },
    /// References to entries (those that resolve).
    Refs {
        /// The entries.
        entries: Vec<RefLink>,
    },
}

/// The view of `value`, with links to referenced entries from a page at `root`; raw HTML in a
/// `text` value is treated as `raw_html` says.
pub fn value_view(graph: &Graph, value: &Value, root: &str, raw_html: RawHtml) -> ValueView {
    match value {
        Value::String(text) | Value::Enum(text) => ValueView::Plain { text: text.clone() },
        Value::Text(markdown) => ValueView::Markdown {
            html: super::markdown::inline_to_html(markdown, raw_html),
        },
        Value::Number(number) => ValueView::Plain {
            text: crate::quantity::format_number(*number),
        },
        Value::Quantity(quantity) => ValueView::Plain {
            text: quantity.display(),
        },
        Value::Date(date) => ValueView::Date {
            date: date_view(date),
        },
        Value::Bool(flag) => ValueView::Bool { value: *flag },
        Value::Url(url) => ValueView::Url {
            link: external_link(url),
        },
        Value::List(items) => ValueView::List {
            items: items.clone(),
        },
        Value::Refs(references) => ValueView::Refs {
            entries: references
                .iter()
                .filter_map(|reference| graph.by_id.get(&reference.target))
                .map(|&target| {
                    let entry = &graph.entries[target];
                    RefLink {
                        title: entry.title.clone(),
                        url: format!("{root}{}", entry.url_path),
                        kind: entry.kind.clone(),
                    }
                })
                .collect(),
        },
    }
}

/// A machine-readable date for `<time datetime>`: the start of the date, which HTML accepts
/// (`2025`, `2025-02`, `2025-02-24`); EDTF qualifiers and intervals are not valid there.
pub fn date_datetime(date: &Edtf) -> String {
    date.start()
        .or(date.end())
        .map(|point| point.iso())
        .unwrap_or_default()
}

/// A claim as the `claim` component shows it: the value, its qualifiers (as of, note) and
/// the number of the footnote citing its source.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    /// The value.
    pub value: ValueView,
    /// The date the value held at.
    pub as_of: Option<DateView>,
    /// A note on the value.
    pub note: Option<String>,
    /// The footnote number of its source, when the source resolves.
    pub footnote: Option<usize>,
}

/// The view of `value` and its claim, citing the claim's source in `footnotes` (`raw_html`:
/// see [`value_view`]).
pub fn claim_view(
    graph: &Graph,
    value: &Value,
    claim: Option<&Claim>,
    footnotes: &mut Footnotes,
    root: &str,
    raw_html: RawHtml,
) -> ClaimView {
    let value = value_view(graph, value, root, raw_html);
    let Some(claim) = claim else {
        return ClaimView {
            value,
            as_of: None,
            note: None,
            footnote: None,
        };
    };
    ClaimView {
        value,
        as_of: claim.as_of.as_ref().map(date_view),
        note: claim.note.clone(),
        footnote: claim
            .source
            .as_ref()
            .and_then(|source| graph.by_id.get(&source.target))
            .map(|&source| footnotes.cite(graph, source, root)),
    }
}

/// An event as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// Display date (`24 Feb 2025`).
    pub date: String,
    /// For `<time datetime>`.
    pub datetime: String,
    /// Year, for grouping (`2025`; `?` when unknown).
    pub year: String,
    /// Month of the start, for grouping (`None` for year precision).
    pub month: Option<u8>,
    /// Whether the date is a span.
    pub is_interval: bool,
    /// Title.
    pub title: String,
    /// The declaring entry's page.
    pub url: String,
    /// A label from the schema (`Proposed`), if any.
    pub label: String,
    /// Entries involved.
    pub involves: Vec<NamedLink>,
    /// The source.
    pub source: Option<CitationView>,
    /// Space-separated kinds involved (for the filter script).
    pub kinds: String,
    /// Space-separated tags of the involved entries (for the filter script).
    pub tags: String,
    /// Space-separated ids of the involved entries (for the filter script).
    pub ids: String,
}

/// Builds the view of one timeline event.
pub fn event_view(graph: &Graph, event: &TimelineEvent, root: &str) -> EventView {
    let involves: Vec<NamedLink> = event
        .involves
        .iter()
        .map(|&index| NamedLink {
            title: graph.entries[index].title.clone(),
            url: format!("{root}{}", graph.entries[index].url_path),
        })
        .collect();
    let mut kinds: Vec<&str> = event
        .involves
        .iter()
        .map(|&index| graph.entries[index].kind.as_str())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut tags: Vec<&str> = event
        .involves
        .iter()
        .flat_map(|&index| graph.entries[index].tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let ids: Vec<&str> = event
        .involves
        .iter()
        .map(|&index| graph.entries[index].id.as_str())
        .collect();
    EventView {
        date: event.date.display(),
        datetime: date_datetime(&event.date),
        year: year_label(event),
        month: event
            .date
            .start()
            .or(event.date.end())
            .and_then(|point| point.month),
        is_interval: event.date.is_interval(),
        title: event.title.clone(),
        url: format!("{root}{}", graph.entries[event.entry].url_path),
        label: event.label.clone().unwrap_or_default(),
        involves,
        source: event
            .source
            .map(|source| citation_view(graph, source, root)),
        kinds: kinds.join(" "),
        tags: tags.join(" "),
        ids: ids.join(" "),
    }
}

/// Events of one month (or of the year itself, for year-precision dates), in timeline order.
#[derive(Debug, Clone, Serialize)]
pub struct MonthGroup {
    /// `March`, or empty for events dated only to the year.
    pub month: String,
    /// Anchor id (`y2025-03`, or `y2025-0` for year-only events).
    pub id: String,
    /// Its events.
    pub events: Vec<EventView>,
}

/// Events grouped by year and month, in timeline order.
#[derive(Debug, Clone, Serialize)]
pub struct YearGroup {
    /// The year.
    pub year: String,
    /// Months of the year that have events.
    pub months: Vec<MonthGroup>,
    /// Number of events in the year.
    pub count: usize,
}

/// Groups event views by year, then month, keeping their order.
pub fn group_by_year(events: Vec<EventView>) -> Vec<YearGroup> {
    let mut groups: Vec<YearGroup> = Vec::new();
    for event in events {
        let month_number = event.month;
        let month = month_number
            .and_then(|month| crate::edtf::MONTH_NAMES.get(usize::from(month).saturating_sub(1)))
            .map_or_else(String::new, |name| (*name).to_string());
        let id = format!(
            "y{}-{}",
            event.year,
            month_number.map_or_else(|| "0".to_string(), |month| format!("{month:02}"))
        );
        if groups.last().is_none_or(|group| group.year != event.year) {
            groups.push(YearGroup {
                year: event.year.clone(),
                months: Vec::new(),
                count: 0,
            });
        }
        let Some(year) = groups.last_mut() else {
            continue;
        };
        year.count += 1;
        match year.months.last_mut() {
            Some(group) if group.id == id => group.events.push(event),
            _ => year.months.push(MonthGroup {
                month,
                id,
                events: vec![event],
            }),
        }
    }
    groups
}

/// A bar of a timeline's density strip: a year, its number of events, and the page (of a
/// timeline split into pages) holding its first event.
#[derive(Debug, Clone, PartialEq)]
pub struct YearBar {
    /// The year, as its heading shows it.
    pub year: String,
    /// Events in the year.
    pub count: usize,
    /// 1-based page of the year's first event.
    pub page: usize,
}

/// The year an event is grouped under (`?` when its date has none).
pub fn year_label(event: &TimelineEvent) -> String {
    event
        .date
        .sort_year()
        .map_or_else(|| "?".to_string(), |year| year.to_string())
}

/// A timeline's density strip (an SVG of event counts per year) as the `density` component
/// draws it: sizes and positions computed here, already formatted.
#[derive(Debug, Clone, Serialize)]
pub struct DensityView {
    /// Width of the view box.
    pub width: String,
    /// Height of the view box.
    pub height: String,
    /// A bar per year.
    pub bars: Vec<DensityBar>,
}

/// One year's bar of a [`DensityView`], linking to that year's heading.
#[derive(Debug, Clone, Serialize)]
pub struct DensityBar {
    /// The year.
    pub year: String,
    /// Events in the year.
    pub count: usize,
    /// The page holding the year's heading (empty: this page).
    pub page_url: String,
    /// The bar's rectangle.
    pub x: String,
    /// Top of the bar.
    pub y: String,
    /// Width of the bar.
    pub bar_width: String,
    /// Height of the bar.
    pub bar_height: String,
    /// Where the year's label goes.
    pub label_x: String,
    /// Baseline of the year's label.
    pub label_y: String,
}

/// The density strip of `years`; each bar links to that year's heading, on the page
/// `page_url` names for the bar's page (empty: this page). `None` without years.
pub fn density_view(years: &[YearBar], page_url: impl Fn(usize) -> String) -> Option<DensityView> {
    if years.is_empty() {
        return None;
    }
    let max = years.iter().map(|bar| bar.count).max().unwrap_or(1).max(1) as f64;
    let bar_width = 40.0;
    let height = 60.0;
    let bars = years
        .iter()
        .enumerate()
        .map(|(position, bar)| {
            let bar_height = (bar.count as f64 / max * height).max(2.0);
            let x = position as f64 * bar_width;
            DensityBar {
                year: bar.year.clone(),
                count: bar.count,
                page_url: page_url(bar.page),
                x: format!("{:.1}", x + 4.0),
                y: format!("{:.1}", height - bar_height),
                bar_width: format!("{:.1}", bar_width - 8.0),
                bar_height: format!("{bar_height:.1}"),
                label_x: format!("{:.1}", x + bar_width / 2.0),
                label_y: format!("{:.1}", height + 12.0),
            }
        })
        .collect();
    Some(DensityView {
        width: format!("{:.0}", bar_width * years.len() as f64),
        height: format!("{:.0}", height + 16.0),
        bars,
    })
}

/// Timeline views of the events at `positions`.
pub fn events_for(
    graph: &Graph,
    derived: &Derived,
    positions: &[usize],
    root: &str,
) -> Vec<EventView> {
    positions
        .iter()
        .map(|&position| event_view(graph, &derived.timeline[position], root))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_attribute_encodes_characters_not_allowed_in_urls() {
        assert_eq!(
            url_attribute("https://x.org/a-[[b]]?q=1&r=2"),
            "https://x.org/a-%5B%5Bb%5D%5D?q=1&r=2"
        );
        assert_eq!(url_attribute("https://x.org/plain"), "https://x.org/plain");
    }
}
