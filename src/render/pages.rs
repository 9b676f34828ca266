//! Comparison pages: the comparisons index and each comparison's table and charts.

use super::renderer::{Renderer, intro_html, kind_links};
use super::root_prefix;
use super::site_pages::ListView;
use super::views::{self, EntryLink, Footnotes};
use crate::derive::ComparisonTable;
use crate::diagnostics::Diagnostic;
use crate::link::Graph;
use crate::schema::COMPARISON_KIND;
use crate::text::{escape_html, truncate};
use serde::Serialize;

impl Renderer<'_> {
    pub(super) fn comparisons_index(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let root = root_prefix("comparisons/");
        let items: Vec<EntryLink> = kind_links(graph, self.input.derived, COMPARISON_KIND, &root);
        let intro = graph
            .comparisons_intro
            .as_ref()
            .map(|intro| intro_html(graph, intro, &root))
            .unwrap_or_default();
        self.page(
            "list.html",
            "comparisons/",
            "Comparisons",
            "Tables and charts comparing entries field by field.",
            ListView {
                intro,
                items,
                groups: Vec::new(),
                pager: None,
            },
        )
    }
}

/// The view of a comparison: a table (entries as rows, or as columns when there are four or
/// fewer) and one bar chart per charted field.
pub(super) fn comparison_view(
    graph: &Graph,
    table: &ComparisonTable,
    root: &str,
    footnotes: &mut Footnotes,
) -> ComparisonView {
    let header_of = |column: &crate::derive::ComparisonColumn| match column.unit {
        Some(unit) => format!("{} ({unit})", column.label),
        None => column.label.clone(),
    };
    let cell_html = |cells: &[crate::derive::CellValue], footnotes: &mut Footnotes| -> TableCell {
        let sort = cells
            .first()
            .map(|cell| {
                cell.number.map_or_else(
                    || cell.text.to_lowercase(),
                    |number| format!("{number:020.6}"),
                )
            })
            .unwrap_or_default();
        let html = cells
            .iter()
            .map(|cell| {
                let mut html = if cell.refs.is_empty() {
                    escape_html(&cell.text)
                } else {
                    cell.refs.iter().map(|&target| format!("<a href=\"{root}{}\">{}</a>", graph.entries[target].url_path, escape_html(&graph.entries[target].title))).collect::<Vec<_>>().join(", ")
                };
                let mut qualifiers = Vec::new();
                if let Some(as_of) = &cell.as_of {
                    qualifiers.push(format!("as of {}", views::date_html(as_of)));
                }
                if let Some(note) = &cell.note {
                    qualifiers.push(escape_html(note));
                }
                if !qualifiers.is_empty() {
                    html.push_str(&format!(" <span class=\"claim-note\">({})</span>", qualifiers.join("; ")));
                }
                if let Some(source) = cell.source {
                    let number = footnotes.cite(graph, source, root);
                    html.push_str(&format!("<sup class=\"cite\"><a href=\"#src-{number}\" aria-label=\"source {number}\">[{number}]</a></sup>"));
                }
                html
            })
            .collect::<Vec<_>>()
            .join("<br>");
        TableCell { html, sort }
    };
    let transposed = table.rows.len() <= 4;
    let (header, rows) = if transposed {
        let header = table
            .rows
            .iter()
            .map(|&row| {
                format!(
                    "<a href=\"{root}{}\">{}</a>",
                    graph.entries[row].url_path,
                    escape_html(&graph.entries[row].title)
                )
            })
            .collect();
        let rows = table
            .columns
            .iter()
            .enumerate()
            .map(|(column_index, column)| ComparisonRow {
                head: escape_html(&header_of(column)),
                numeric: column.numeric,
                cells: table
                    .cells
                    .iter()
                    .map(|row| cell_html(&row[column_index], footnotes))
                    .collect(),
            })
            .collect();
        (header, rows)
    } else {
        let header = table
            .columns
            .iter()
            .map(|column| escape_html(&header_of(column)))
            .collect();
        let rows = table
            .rows
            .iter()
            .zip(&table.cells)
            .map(|(&row, cells)| ComparisonRow {
                head: format!(
                    "<a href=\"{root}{}\">{}</a>",
                    graph.entries[row].url_path,
                    escape_html(&graph.entries[row].title)
                ),
                numeric: false,
                cells: cells
                    .iter()
                    .map(|cells| cell_html(cells, footnotes))
                    .collect(),
            })
            .collect();
        (header, rows)
    };
    let numeric_columns = table.columns.iter().map(|column| column.numeric).collect();
    let charts = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| column.chart)
        .map(|(column_index, column)| bar_chart_svg(graph, table, column_index, &header_of(column)))
        .collect();
    ComparisonView {
        transposed,
        header,
        rows,
        numeric_columns,
        charts,
        csv_url: "table.csv".into(),
        json_url: "table.json".into(),
    }
}

/// A horizontal bar chart of one numeric column: a bar per claim, labelled with the entry and,
/// for disputed values, the claim's note or source.
fn bar_chart_svg(
    graph: &Graph,
    table: &ComparisonTable,
    column_index: usize,
    title: &str,
) -> String {
    let mut bars: Vec<(String, f64, String)> = Vec::new();
    for (row, cells) in table.rows.iter().zip(&table.cells) {
        let cells = &cells[column_index];
        for cell in cells {
            let Some(number) = cell.number else { continue };
            let mut label = graph.entries[*row].title.clone();
            if cells.len() > 1 {
                let qualifier = cell
                    .note
                    .clone()
                    .or_else(|| {
                        cell.source
                            .map(|source| graph.entries[source].title.clone())
                    })
                    .unwrap_or_default();
                label = format!("{label} — {}", truncate(&qualifier, 40));
            }
            bars.push((label, number, cell.text.clone()));
        }
    }
    if bars.is_empty() {
        return String::new();
    }
    let max = bars
        .iter()
        .map(|bar| bar.1)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let row_height = 22.0;
    // The label column fits the longest label (about 7 units a character at the chart's font
    // size), within bounds that keep the bars readable.
    let longest = bars
        .iter()
        .map(|bar| bar.0.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let label_width = (longest * 7.0 + 16.0).clamp(120.0, 460.0);
    let chart_width = 360.0;
    let height = row_height * bars.len() as f64 + 30.0;
    let title_id = format!("chart-{column_index}");
    let mut svg = format!(
        "<figure class=\"chart\"><svg viewBox=\"0 0 {:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{title_id}\"><title id=\"{title_id}\">{}</title>",
        label_width + chart_width + 90.0,
        escape_html(title)
    );
    for (position, (label, number, text)) in bars.iter().enumerate() {
        let y = 10.0 + position as f64 * row_height;
        let width = (number / max * chart_width).max(1.0);
        svg.push_str(&format!(
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_width:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{:.1}\"/><text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_width - 8.0,
            y + 14.0,
            escape_html(label),
            row_height - 6.0,
            label_width + width + 6.0,
            y + 14.0,
            escape_html(text)
        ));
    }
    svg.push_str(&format!(
        "</svg><figcaption>{}</figcaption></figure>",
        escape_html(title)
    ));
    svg
}

#[derive(Serialize)]
pub(super) struct TableCell {
    html: String,
    sort: String,
}

#[derive(Serialize)]
pub(super) struct ComparisonRow {
    head: String,
    numeric: bool,
    cells: Vec<TableCell>,
}

#[derive(Serialize)]
pub(super) struct ComparisonView {
    transposed: bool,
    header: Vec<String>,
    rows: Vec<ComparisonRow>,
    numeric_columns: Vec<bool>,
    charts: Vec<String>,
    csv_url: String,
    json_url: String,
}
