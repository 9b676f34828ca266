//! View models: the plain, serialisable data each template receives.
//!
//! Values that need markup (field values with links, footnote markers) are built here as
//! escaped HTML strings, so templates stay simple and a theme can still move them around.

use super::RenderInput;
use crate::derive::{Derived, TimelineEvent};
use crate::edtf::Edtf;
use crate::link::Graph;
use crate::model::{Claim, Entry, Value};
use crate::text::escape_html;
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
    /// Number of entries.
    pub count: usize,
    /// One line.
    pub summary: String,
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
            count: input.derived.kinds.get(&kind.kind).map_or(0, Vec::len),
            summary: kind.summary.clone().unwrap_or_default(),
        })
        .collect()
}

/// A footnote citing a source entry.
#[derive(Debug, Clone, Serialize)]
pub struct Footnote {
    /// Its number on the page.
    pub number: usize,
    /// The citation as HTML (publisher, title linked to the source page, date, address).
    pub html: String,
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
            html: citation_html(graph, source, root),
            id: format!("src-{number}"),
        });
        number
    }
}

/// `Publisher, “Title” (24 Feb 2025). address` with the title linked to the source's page.
pub fn citation_html(graph: &Graph, source: usize, root: &str) -> String {
    let entry = &graph.entries[source];
    let mut html = String::new();
    if let Some(Value::String(publisher)) = single_value(entry, "publisher") {
        html.push_str(&escape_html(publisher));
        html.push_str(", ");
    }
    html.push_str(&format!(
        "“<a href=\"{root}{}\">{}</a>”",
        entry.url_path,
        escape_html(&entry.title)
    ));
    if let Some(date) = &entry.date {
        html.push_str(&format!(
            " (<time datetime=\"{}\">{}</time>)",
            escape_html(&date_datetime(date)),
            escape_html(&date.display())
        ));
    }
    html.push('.');
    if let Some(Value::Url(url)) = single_value(entry, "url") {
        html.push_str(&format!(
            " <a class=\"external\" href=\"{}\" rel=\"noopener\">{}</a>",
            url_attribute(url),
            escape_html(&shorten_url(url))
        ));
    }
    html
}

/// Percent-encodes the characters that may not appear in a URL (`[`, space, `"`, …) so an
/// address copied as-is from a browser still makes a valid `href`.
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
    escape_html(&encoded)
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
    /// Every value (several when claims disagree), as HTML.
    pub values: Vec<String>,
    /// Whether there are several claims side by side.
    pub disputed: bool,
}

/// A value as HTML, with links to referenced entries.
pub fn value_html(graph: &Graph, value: &Value, root: &str) -> String {
    match value {
        Value::String(text) | Value::Enum(text) => escape_html(text),
        Value::Text(markdown) => super::markdown::inline_to_html(markdown),
        Value::Number(number) => crate::quantity::format_number(*number),
        Value::Quantity(quantity) => escape_html(&quantity.display()),
        Value::Date(date) => date_html(date),
        Value::Bool(flag) => if *flag { "yes" } else { "no" }.to_string(),
        Value::Url(url) => format!(
            "<a class=\"external\" href=\"{}\" rel=\"noopener\">{}</a>",
            url_attribute(url),
            escape_html(&shorten_url(url))
        ),
        Value::List(items) => items
            .iter()
            .map(|item| escape_html(item))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Refs(references) => references
            .iter()
            .filter_map(|reference| graph.by_id.get(&reference.target))
            .map(|&target| {
                let entry = &graph.entries[target];
                format!(
                    "<a href=\"{root}{}\" class=\"ref kind-{}\">{}</a>",
                    entry.url_path,
                    escape_html(&entry.kind),
                    escape_html(&entry.title)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `<time datetime="2025-02-24">24 Feb 2025</time>`.
pub fn date_html(date: &Edtf) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        escape_html(&date_datetime(date)),
        escape_html(&date.display())
    )
}

/// A machine-readable date for `<time datetime>`: the start of the date, which HTML accepts
/// (`2025`, `2025-02`, `2025-02-24`); EDTF qualifiers and intervals are not valid there.
pub fn date_datetime(date: &Edtf) -> String {
    date.start()
        .or(date.end())
        .map(|point| point.iso())
        .unwrap_or_default()
}

/// A claim's value with its qualifiers (as of, note) and footnote marker, as HTML.
pub fn claim_html(
    graph: &Graph,
    value: &Value,
    claim: Option<&Claim>,
    footnotes: &mut Footnotes,
    root: &str,
) -> String {
    let mut html = value_html(graph, value, root);
    let Some(claim) = claim else { return html };
    let mut qualifiers = Vec::new();
    if let Some(as_of) = &claim.as_of {
        qualifiers.push(format!("as of {}", date_html(as_of)));
    }
    if let Some(note) = &claim.note {
        qualifiers.push(escape_html(note));
    }
    if !qualifiers.is_empty() {
        html.push_str(&format!(
            " <span class=\"claim-note\">({})</span>",
            qualifiers.join("; ")
        ));
    }
    if let Some(source) = claim
        .source
        .as_ref()
        .and_then(|source| graph.by_id.get(&source.target))
    {
        let number = footnotes.cite(graph, *source, root);
        html.push_str(&format!("<sup class=\"cite\"><a href=\"#src-{number}\" aria-label=\"source {number}\">[{number}]</a></sup>"));
    }
    html
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
    /// The source, as HTML citation.
    pub source_html: String,
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
        source_html: event
            .source
            .map(|source| citation_html(graph, source, root))
            .unwrap_or_default(),
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

/// An SVG strip of event counts per year; each bar links to that year's heading, on the page
/// `page_url` names for the bar's page (empty: this page).
pub fn density_svg(years: &[YearBar], page_url: impl Fn(usize) -> String) -> String {
    if years.is_empty() {
        return String::new();
    }
    let max = years.iter().map(|bar| bar.count).max().unwrap_or(1).max(1) as f64;
    let bar_width = 40.0;
    let height = 60.0;
    let width = bar_width * years.len() as f64;
    let mut svg = format!(
        "<svg class=\"density\" viewBox=\"0 0 {width:.0} {:.0}\" role=\"group\" aria-labelledby=\"density-title\"><title id=\"density-title\">Events per year</title>",
        height + 16.0
    );
    for (position, bar) in years.iter().enumerate() {
        let count = bar.count;
        let bar_height = (count as f64 / max * height).max(2.0);
        let x = position as f64 * bar_width;
        svg.push_str(&format!(
            "<a href=\"{page}#y{year}\"><title>{year}: {count} {noun}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar_height:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\">{year}</text></a>",
            x + 4.0,
            height - bar_height,
            bar_width - 8.0,
            x + bar_width / 2.0,
            height + 12.0,
            page = page_url(bar.page),
            year = escape_html(&bar.year),
            noun = if count == 1 { "event" } else { "events" }
        ));
    }
    svg.push_str("</svg>");
    svg
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
            "https://x.org/a-%5B%5Bb%5D%5D?q=1&amp;r=2"
        );
        assert_eq!(url_attribute("https://x.org/plain"), "https://x.org/plain");
    }
}
