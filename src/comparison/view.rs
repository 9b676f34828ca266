//! The view of a comparison for its page: the table (entries as rows, or as columns when there
//! are four or fewer) and one bar chart per charted column, as plain data. The markup is in the
//! templates (`comparison.html` and the components of `comparison_components.html`), which a
//! site's own `templates/` can override; values are escaped by Tera's autoescape.

use super::{CellValue, ComparisonColumn, ComparisonTable};
use crate::link::Graph;
use crate::model::Value;
use crate::quantity::format_number;
use crate::render::views::{Footnotes, date_datetime};
use crate::text::truncate;
use serde::Serialize;

/// Tables with at most this many entries show the entries as columns.
const TRANSPOSE_AT_MOST: usize = 4;

/// A comparison's table and charts.
#[derive(Debug, Serialize)]
pub struct ComparisonView {
    /// Whether entries are the columns (and fields the rows).
    transposed: bool,
    /// The column headings after the first (row-heading) column.
    header: Vec<Heading>,
    /// The table's rows.
    rows: Vec<ComparisonRow>,
    /// Per field column: whether it is numeric.
    numeric_columns: Vec<bool>,
    /// One chart per charted column that has numbers.
    charts: Vec<BarChart>,
    /// The CSV export, relative to the page.
    csv_url: String,
    /// The JSON export, relative to the page.
    json_url: String,
}

/// A heading cell: a field's heading, or an entry linked to its page.
#[derive(Debug, Serialize)]
struct Heading {
    text: String,
    /// The entry's page; empty for a field's heading.
    url: String,
}

/// One row of the table.
#[derive(Debug, Serialize)]
struct ComparisonRow {
    head: Heading,
    /// Whether the row is a numeric field (transposed tables only).
    numeric: bool,
    cells: Vec<ComparisonCell>,
}

/// One cell: every claim of the field, and the key the table sorts by.
#[derive(Debug, Serialize)]
struct ComparisonCell {
    sort: String,
    claims: Vec<ClaimView>,
}

/// One claim of a cell.
#[derive(Debug, Serialize)]
struct ClaimView {
    /// The value as text (numbers in the column's unit).
    text: String,
    /// For ref fields: the entries named, linked (shown instead of `text`).
    links: Vec<Heading>,
    /// The claim's `as_of`.
    as_of: Option<DateView>,
    /// The claim's note.
    note: Option<String>,
    /// The footnote number of the claim's source.
    cite: Option<usize>,
}

/// A date for `<time>`: machine-readable and as shown.
#[derive(Debug, Serialize)]
struct DateView {
    datetime: String,
    display: String,
}

/// A horizontal bar chart of one numeric column, laid out: every coordinate is computed here
/// and formatted with a fixed number of decimals, so the SVG is the same on every build.
#[derive(Debug, Serialize)]
struct BarChart {
    /// The id of the chart's `<title>`.
    id: String,
    /// The column's heading.
    title: String,
    /// The view box's width and height.
    width: String,
    height: String,
    bars: Vec<Bar>,
}

/// One bar: its label at the left, the bar, and its value after it.
#[derive(Debug, Serialize)]
struct Bar {
    label: String,
    label_x: String,
    /// The baseline of both texts.
    text_y: String,
    x: String,
    y: String,
    width: String,
    height: String,
    value: String,
    value_x: String,
}

/// The view of `table`, with links relative to `root`; the claims' sources are numbered in
/// `footnotes`.
pub fn comparison_view(
    graph: &Graph,
    table: &ComparisonTable,
    root: &str,
    footnotes: &mut Footnotes,
) -> ComparisonView {
    let entry_heading = |row: usize| Heading {
        text: graph.entries[row].title.clone(),
        url: format!("{root}{}", graph.entries[row].url_path),
    };
    let field_heading = |column: &ComparisonColumn| Heading {
        text: column_heading(column),
        url: String::new(),
    };
    let transposed = table.rows.len() <= TRANSPOSE_AT_MOST;
    let (header, rows) = if transposed {
        let header = table.rows.iter().map(|&row| entry_heading(row)).collect();
        let rows = table
            .columns
            .iter()
            .enumerate()
            .map(|(column_index, column)| ComparisonRow {
                head: field_heading(column),
                numeric: column.numeric,
                cells: table
                    .cells
                    .iter()
                    .map(|row| cell_view(graph, &row[column_index], root, footnotes))
                    .collect(),
            })
            .collect();
        (header, rows)
    } else {
        let header = table.columns.iter().map(field_heading).collect();
        let rows = table
            .rows
            .iter()
            .zip(&table.cells)
            .map(|(&row, cells)| ComparisonRow {
                head: entry_heading(row),
                numeric: false,
                cells: cells
                    .iter()
                    .map(|cells| cell_view(graph, cells, root, footnotes))
                    .collect(),
            })
            .collect();
        (header, rows)
    };
    let charts = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| column.chart)
        .filter_map(|(column_index, column)| {
            bar_chart(graph, table, column_index, &column_heading(column))
        })
        .collect();
    ComparisonView {
        transposed,
        header,
        rows,
        numeric_columns: table.columns.iter().map(|column| column.numeric).collect(),
        charts,
        csv_url: "table.csv".into(),
        json_url: "table.json".into(),
    }
}

/// A column's heading: its label, and its unit if it has one (`Reserves (Mt)`).
pub(super) fn column_heading(column: &ComparisonColumn) -> String {
    match column.unit {
        Some(unit) => format!("{} ({unit})", column.label),
        None => column.label.clone(),
    }
}

/// A claim's value as plain text: numbers in the column's unit, the titles of the entries a
/// ref names, anything else as written.
pub(super) fn cell_text(graph: &Graph, cell: &CellValue) -> String {
    match (&cell.value, cell.number) {
        (_, Some(number)) => format_number(number),
        (Value::Refs(_), None) => cell
            .refs
            .iter()
            .map(|&target| graph.entries[target].title.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        (other, None) => other.plain_text(),
    }
}

/// One cell of the table; its sort key is its first claim's number (zero-padded, so text order
/// is numeric order) or lowercased text.
fn cell_view(
    graph: &Graph,
    cells: &[CellValue],
    root: &str,
    footnotes: &mut Footnotes,
) -> ComparisonCell {
    let sort = cells
        .first()
        .map(|cell| match cell.number {
            Some(number) => format!("{number:020.6}"),
            None => cell_text(graph, cell).to_lowercase(),
        })
        .unwrap_or_default();
    let claims = cells
        .iter()
        .map(|cell| ClaimView {
            text: cell_text(graph, cell),
            links: cell
                .refs
                .iter()
                .map(|&target| Heading {
                    text: graph.entries[target].title.clone(),
                    url: format!("{root}{}", graph.entries[target].url_path),
                })
                .collect(),
            as_of: cell.as_of.as_ref().map(|date| DateView {
                datetime: date_datetime(date),
                display: date.display(),
            }),
            note: cell.note.clone(),
            cite: cell
                .source
                .map(|source| footnotes.cite(graph, source, root)),
        })
        .collect();
    ComparisonCell { sort, claims }
}

/// Height of one bar's row in the chart.
const ROW_HEIGHT: f64 = 22.0;
/// Width of the longest bar.
const CHART_WIDTH: f64 = 360.0;

/// The bar chart of column `column_index`: a bar per claim, labelled with the entry and, for
/// disputed values, the claim's note or source. `None` when the column has no numbers.
fn bar_chart(
    graph: &Graph,
    table: &ComparisonTable,
    column_index: usize,
    title: &str,
) -> Option<BarChart> {
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
            bars.push((label, number, cell_text(graph, cell)));
        }
    }
    if bars.is_empty() {
        return None;
    }
    let max = bars
        .iter()
        .map(|bar| bar.1)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    // The label column fits the longest label (about 7 units a character at the chart's font
    // size), within bounds that keep the bars readable.
    let longest = bars
        .iter()
        .map(|bar| bar.0.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let label_width = (longest * 7.0 + 16.0).clamp(120.0, 460.0);
    let height = ROW_HEIGHT * bars.len() as f64 + 30.0;
    let bars = bars
        .into_iter()
        .enumerate()
        .map(|(position, (label, number, value))| {
            let y = 10.0 + position as f64 * ROW_HEIGHT;
            let width = (number / max * CHART_WIDTH).max(1.0);
            Bar {
                label,
                label_x: format!("{:.1}", label_width - 8.0),
                text_y: format!("{:.1}", y + 14.0),
                x: format!("{label_width:.1}"),
                y: format!("{y:.1}"),
                width: format!("{width:.1}"),
                height: format!("{:.1}", ROW_HEIGHT - 6.0),
                value,
                value_x: format!("{:.1}", label_width + width + 6.0),
            }
        })
        .collect();
    Some(BarChart {
        id: format!("chart-{column_index}"),
        title: title.to_string(),
        width: format!("{:.0}", label_width + CHART_WIDTH + 90.0),
        height: format!("{height:.0}"),
        bars,
    })
}
