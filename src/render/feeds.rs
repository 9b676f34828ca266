//! Machine-readable outputs: Atom feed, sitemap, search index, graph JSON, and data exports
//! (JSON of the whole graph, CSV per kind; a comparison's CSV and JSON are written by
//! [`crate::comparison`]).

use super::{PageSink, RenderInput};
use crate::derive::Derived;
use crate::diagnostics::{Code, Diagnostic};
use crate::link::Graph;
use serde::Serialize;

fn put(sink: &dyn PageSink, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    sink.put(path, bytes)
        .map_err(|error| Diagnostic::error(Code::OutputFailed, path.to_string(), error))
}

/// [`put`] for a JSON file: its markup characters escaped ([`crate::text::html_safe_json`]).
fn put_json(sink: &dyn PageSink, path: &str, json: &[u8]) -> Result<(), Diagnostic> {
    put(sink, path, &crate::text::html_safe_json(json))
}

/// Atom feed, sitemap, robots.txt, whole-graph JSON and CSV per kind.
pub fn write_feeds_and_exports(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Result<(), Diagnostic> {
    put(
        sink,
        "atom.xml",
        render_xml_file(input, tera, "atom.xml", "feed", &atom_feed(input))?.as_bytes(),
    )?;
    for (path, sitemap) in split_sitemaps(&sitemap_paths(input), SITEMAP_LIMIT) {
        let template = match sitemap {
            Sitemap::Urls { .. } => "sitemap.xml",
            Sitemap::Index { .. } => "sitemap-index.xml",
        };
        put(
            sink,
            &path,
            render_xml_file(input, tera, template, "sitemap", &sitemap)?.as_bytes(),
        )?;
    }
    let robots = format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        input.config.base_url
    );
    put(sink, "robots.txt", robots.as_bytes())?;
    put_json(sink, "data/graph.json", &graph_export(input.graph)?)?;
    for (kind, members) in &input.derived.kinds {
        let path = format!("data/{kind}.csv");
        put(
            sink,
            &path,
            &kind_csv(input.graph, kind, members)
                .map_err(|error| Diagnostic::error(Code::OutputFailed, path.clone(), error))?,
        )?;
    }
    Ok(())
}

/// Renders the XML template `template` with `data` as `name` (the site comes from Tera's
/// global context).
fn render_xml<T: Serialize>(
    tera: &tera::Tera,
    template: &str,
    name: &'static str,
    data: &T,
) -> Result<String, tera::Error> {
    let mut context = tera::Context::new();
    context.insert(name, data);
    tera.render(template, &context)
}

/// [`render_xml`], a failure reported in the template (see [`super::templates::render_error`]).
fn render_xml_file<T: Serialize>(
    input: &RenderInput,
    tera: &tera::Tera,
    template: &str,
    name: &'static str,
    data: &T,
) -> Result<String, Diagnostic> {
    render_xml(tera, template, name, data).map_err(|error| {
        super::templates::render_error(input.templates, template, template, &error)
    })
}

/// The Atom feed as its template sees it: the newest date, and the entries newest first.
#[derive(Debug, Serialize)]
struct AtomFeed<'a> {
    /// RFC 3339 date of the newest entry (the epoch when there is none).
    updated: String,
    /// The entries, newest first.
    entries: Vec<AtomEntry<'a>>,
}

/// One entry of the Atom feed.
#[derive(Debug, Serialize)]
struct AtomEntry<'a> {
    title: &'a str,
    /// Absolute URL (`base_url` + the entry's path).
    url: String,
    /// RFC 3339 date.
    updated: String,
    summary: &'a str,
}

/// Entries with a date, newest first, capped by `feed_limit`.
fn atom_feed<'a>(input: &RenderInput<'a>) -> AtomFeed<'a> {
    let graph = input.graph;
    let config = input.config;
    let mut dated: Vec<(String, usize)> = graph
        .entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            entry
                .updated
                .as_ref()
                .or(entry.date.as_ref())
                .and_then(|date| date.end().or(date.start()))
                .map(|point| (atom_date(point), index))
        })
        .collect();
    dated.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(graph.entries[a.1].id.cmp(&graph.entries[b.1].id))
    });
    dated.truncate(config.feed_limit);
    let updated = dated.first().map_or_else(
        || "1970-01-01T00:00:00Z".to_string(),
        |(date, _)| date.clone(),
    );
    let entries = dated
        .into_iter()
        .map(|(date, index)| {
            let entry = &graph.entries[index];
            AtomEntry {
                title: &entry.title,
                url: format!("{}{}", config.base_url, entry.url_path),
                updated: date,
                summary: entry.summary.as_deref().unwrap_or(""),
            }
        })
        .collect();
    AtomFeed { updated, entries }
}

/// RFC 3339 timestamp for an EDTF point (missing month/day become the first).
fn atom_date(point: &crate::edtf::DatePoint) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        point.year,
        point.month.unwrap_or(1),
        point.day.unwrap_or(1)
    )
}

/// Most URLs one sitemap file may list (the sitemaps.org protocol's limit).
const SITEMAP_LIMIT: usize = 50_000;

/// One sitemap file, as its template (`sitemap.xml` or `sitemap-index.xml`) sees it.
#[derive(Debug, Serialize, PartialEq)]
#[serde(untagged)]
enum Sitemap<'a> {
    /// A `<urlset>`: site paths, each listed under `base_url`.
    Urls {
        /// Site paths (`countries/russia/`).
        paths: &'a [String],
    },
    /// A `<sitemapindex>` of the numbered parts.
    Index {
        /// File names of the parts (`sitemap-1.xml`).
        parts: Vec<String>,
    },
}

/// The sitemap files for `paths`, at most `limit` URLs in each: one `sitemap.xml`, or
/// numbered parts and `sitemap.xml` as their index.
fn split_sitemaps(paths: &[String], limit: usize) -> Vec<(String, Sitemap<'_>)> {
    if paths.len() <= limit {
        return vec![("sitemap.xml".to_string(), Sitemap::Urls { paths })];
    }
    let mut files: Vec<(String, Sitemap)> = paths
        .chunks(limit.max(1))
        .enumerate()
        .map(|(number, chunk)| {
            (
                format!("sitemap-{}.xml", number + 1),
                Sitemap::Urls { paths: chunk },
            )
        })
        .collect();
    let parts = files.iter().map(|(name, _)| name.clone()).collect();
    files.push(("sitemap.xml".to_string(), Sitemap::Index { parts }));
    files
}

/// The site paths a sitemap lists: site-wide pages, kind indexes, entries and tags, sorted.
fn sitemap_paths(input: &RenderInput) -> Vec<String> {
    let mut paths: Vec<String> = vec![
        String::new(),
        "timeline/".into(),
        "graph/".into(),
        "tags/".into(),
        "search/".into(),
        "comparisons/".into(),
    ];
    paths.extend(
        input
            .graph
            .schemas
            .kinds
            .values()
            .map(|kind| format!("{}/", kind.folder)),
    );
    paths.extend(
        input
            .graph
            .entries
            .iter()
            .map(|entry| entry.url_path.clone()),
    );
    paths.extend(input.derived.tags.keys().map(|tag| format!("tags/{tag}/")));
    paths.sort();
    paths.dedup();
    paths
}

/// One value of a field in the data export.
#[derive(Serialize)]
struct ExportValue<'a> {
    value: String,
    source: Option<&'a str>,
    as_of: Option<String>,
    note: Option<&'a str>,
}

/// An entry in the data export.
#[derive(Serialize)]
struct ExportNode<'a> {
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    url: &'a str,
    summary: Option<&'a str>,
    tags: &'a [String],
    date: Option<String>,
    fields: std::collections::BTreeMap<&'a str, Vec<ExportValue<'a>>>,
}

/// An edge in the data export.
#[derive(Serialize)]
struct ExportEdge<'a> {
    from: &'a str,
    to: &'a str,
    #[serde(rename = "type")]
    relation: &'a str,
}

/// The whole graph: every entry with its fields as plain values, and every edge. Serialised
/// straight from borrowed data, entry by entry, so no second copy of the graph is built.
fn graph_export(graph: &Graph) -> Result<Vec<u8>, Diagnostic> {
    let nodes = graph.entries.iter().map(|entry| ExportNode {
        id: &entry.id,
        kind: &entry.kind,
        title: &entry.title,
        url: &entry.url_path,
        summary: entry.summary.as_deref(),
        tags: &entry.tags,
        date: entry.date.as_ref().map(|date| date.iso()),
        fields: entry
            .fields
            .iter()
            .map(|field| {
                let values = field
                    .value
                    .values()
                    .into_iter()
                    .map(|(value, claim)| ExportValue {
                        value: value.plain_text(),
                        source: claim
                            .and_then(|claim| claim.source.as_ref())
                            .map(|source| source.target.as_str()),
                        as_of: claim
                            .and_then(|claim| claim.as_of.as_ref())
                            .map(|date| date.iso()),
                        note: claim.and_then(|claim| claim.note.as_deref()),
                    })
                    .collect();
                (field.name.as_str(), values)
            })
            .collect(),
    });
    let edges = graph.edges.iter().map(|edge| ExportEdge {
        from: &graph.entries[edge.from].id,
        to: &graph.entries[edge.to].id,
        relation: edge.relation.name(),
    });
    let mut out = Vec::new();
    write_object_of_arrays(&mut out, "nodes", nodes, "edges", edges).map_err(|error| {
        Diagnostic::error(Code::OutputFailed, "data/graph.json", error.to_string())
    })?;
    Ok(out)
}

/// Writes `{"first": [...], "second": [...]}` from two iterators, one item at a time.
fn write_object_of_arrays<A: Serialize, B: Serialize>(
    out: &mut Vec<u8>,
    first_name: &str,
    first: impl Iterator<Item = A>,
    second_name: &str,
    second: impl Iterator<Item = B>,
) -> serde_json::Result<()> {
    out.push(b'{');
    serde_json::to_writer(&mut *out, first_name)?;
    out.extend_from_slice(b":[");
    write_items(out, first)?;
    out.extend_from_slice(b"],");
    serde_json::to_writer(&mut *out, second_name)?;
    out.extend_from_slice(b":[");
    write_items(out, second)?;
    out.extend_from_slice(b"]}");
    Ok(())
}

fn write_items<T: Serialize>(
    out: &mut Vec<u8>,
    items: impl Iterator<Item = T>,
) -> serde_json::Result<()> {
    for (position, item) in items.enumerate() {
        if position > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, &item)?;
    }
    Ok(())
}

fn kind_csv(graph: &Graph, kind: &str, members: &[usize]) -> Result<Vec<u8>, String> {
    let schema = graph.schemas.kinds.get(kind);
    let field_names: Vec<&str> = schema
        .map(|schema| {
            schema
                .fields
                .iter()
                .map(|field| field.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id", "title", "summary", "tags"];
    header.extend(&field_names);
    writer
        .write_record(
            header
                .iter()
                .map(|cell| crate::text::spreadsheet_cell(cell).into_owned()),
        )
        .map_err(|error| error.to_string())?;
    for &member in members {
        let entry = &graph.entries[member];
        let mut record = vec![
            entry.id.clone(),
            entry.title.clone(),
            entry.summary.clone().unwrap_or_default(),
            entry.tags.join(" "),
        ];
        for name in &field_names {
            record.push(
                entry
                    .field(name)
                    .map(|value| {
                        value
                            .values()
                            .into_iter()
                            .map(|(value, _)| value.plain_text())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .unwrap_or_default(),
            );
        }
        // A spreadsheet must show, never run, what a contributor wrote (formula injection).
        writer
            .write_record(
                record
                    .iter()
                    .map(|cell| crate::text::spreadsheet_cell(cell).into_owned()),
            )
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// The data of every comparison (see [`crate::comparison::write_comparison_data`]), in entry order; the first
/// error stops the rest, as for the pages of a split list.
pub fn write_comparison_exports(
    input: &RenderInput,
    sink: &dyn PageSink,
) -> Result<(), Diagnostic> {
    input
        .derived
        .comparisons
        .values()
        .try_for_each(|table| crate::comparison::write_comparison_data(input.graph, table, sink))
}

/// A node of `graph/graph.json`.
#[derive(Serialize)]
struct LayoutNode<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    url: &'a str,
    x: f64,
    y: f64,
}

/// An edge of `graph/graph.json`, by node index.
#[derive(Serialize)]
struct LayoutEdge<'a> {
    source: usize,
    target: usize,
    #[serde(rename = "type")]
    relation: &'a str,
}

/// The global graph with baked positions, for `graph.js` and anyone else.
pub fn write_graph_json(
    graph: &Graph,
    derived: &Derived,
    sink: &dyn PageSink,
    path: &str,
) -> Result<(), Diagnostic> {
    let nodes = graph
        .entries
        .iter()
        .zip(&derived.layout)
        .map(|(entry, point)| LayoutNode {
            id: &entry.id,
            title: &entry.title,
            kind: &entry.kind,
            url: &entry.url_path,
            x: (point.x * 10.0).round() / 10.0,
            y: (point.y * 10.0).round() / 10.0,
        });
    let edges = graph.edges.iter().map(|edge| LayoutEdge {
        source: edge.from,
        target: edge.to,
        relation: edge.relation.name(),
    });
    let mut out = Vec::new();
    write_object_of_arrays(&mut out, "nodes", nodes, "edges", edges).map_err(|error| {
        Diagnostic::error(Code::OutputFailed, path.to_string(), error.to_string())
    })?;
    put_json(sink, path, &out)
}

/// An item of the search index (short keys keep the file small).
#[derive(Serialize)]
struct SearchItem<'a> {
    t: &'a str,
    a: &'a [String],
    s: Option<&'a str>,
    g: &'a [String],
    k: &'a str,
    u: &'a str,
}

/// The search index: title, aliases, summary, tags, kind and URL of every entry.
pub fn write_search_index(graph: &Graph, sink: &dyn PageSink) -> Result<(), Diagnostic> {
    let items = graph.entries.iter().map(|entry| SearchItem {
        t: &entry.title,
        a: &entry.aliases,
        s: entry.summary.as_deref(),
        g: &entry.tags,
        k: &entry.kind,
        u: &entry.url_path,
    });
    let mut out = vec![b'['];
    write_items(&mut out, items).map_err(|error| {
        Diagnostic::error(Code::OutputFailed, "search-index.json", error.to_string())
    })?;
    out.push(b']');
    put_json(sink, "search-index.json", &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn test_config() -> Config {
        Config {
            title: "Atlas\u{1}<one>".to_string(),
            base_url: "https://x.org/".to_string(),
            ..Config::default()
        }
    }

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index_of_parts() {
        let tera = crate::render::templates::built_in_with_site(&test_config());
        let paths: Vec<String> = ["", "a/", "b/", "c/", "d/"]
            .iter()
            .map(|path| path.to_string())
            .collect();
        let render = |sitemap: &Sitemap| {
            let template = match sitemap {
                Sitemap::Urls { .. } => "sitemap.xml",
                Sitemap::Index { .. } => "sitemap-index.xml",
            };
            render_xml(&tera, template, "sitemap", sitemap).expect("the sitemap renders")
        };
        let single = split_sitemaps(&paths, 5);
        assert_eq!(single.len(), 1);
        assert!(render(&single[0].1).contains("<loc>https://x.org/d/</loc>"));
        let split = split_sitemaps(&paths, 2);
        let names: Vec<&str> = split.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        assert_eq!(render(&split[0].1).matches("<url>").count(), 2);
        assert_eq!(render(&split[2].1).matches("<url>").count(), 1);
        let index = render(&split[3].1);
        assert!(index.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex"));
        assert!(index.contains("<sitemap><loc>https://x.org/sitemap-3.xml</loc></sitemap>\n"));
        assert!(index.ends_with("</sitemapindex>\n"));
    }

    #[test]
    fn the_atom_feed_turns_control_characters_into_spaces_and_escapes_markup() {
        let tera = crate::render::templates::built_in_with_site(&test_config());
        let feed = AtomFeed {
            updated: "2025-02-24T00:00:00Z".to_string(),
            entries: vec![AtomEntry {
                title: "Bad\u{1}title & <b>",
                url: "https://x.org/a/?q=1&r=2".to_string(),
                updated: "2025-02-24T00:00:00Z".to_string(),
                summary: "tab\there\u{1f}",
            }],
        };
        let xml = render_xml(&tera, "atom.xml", "feed", &feed).expect("the feed renders");
        assert!(
            !xml.chars()
                .any(|character| character.is_control() && character != '\n' && character != '\t'),
            "a control character reached the feed: {xml:?}"
        );
        assert!(xml.contains("<title>Atlas &lt;one&gt;</title>\n"));
        assert!(xml.contains("<entry>\n<title>Bad title &amp; &lt;b&gt;</title>\n"));
        assert!(xml.contains("<link href=\"https://x.org/a/?q=1&amp;r=2\"/>\n"));
        assert!(xml.contains("<summary>tab\there </summary>\n</entry>\n</feed>\n"));
    }
}
