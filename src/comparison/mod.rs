//! Comparisons, in one module: a comparison entry's `compare:` spec is **checked** once the
//! graph is linked (rows, columns, charts: every problem an error at its place in the front
//! matter), **built** into a table of numbers, units and dates when derive runs, and **viewed**
//! and **exported** when render runs (the table and its bar charts as template data, and the
//! `table.csv`/`table.json` beside the page).
//!
//! Each step hands the next plain, already-checked data: build reports nothing (derive emits
//! no diagnostics), and the view formats what build computed without deciding anything again.

mod build;
mod check;
mod export;
mod view;

pub use build::build_tables;
pub use check::{CheckedComparison, check_comparisons};
pub use export::write_comparison_data;
pub use view::{ComparisonView, comparison_view};

use crate::edtf::Edtf;
use crate::model::Value;

/// One claim in a comparison cell: the value, and its number in the column's display unit.
#[derive(Debug, Clone, PartialEq)]
pub struct CellValue {
    /// The claimed value, as validated.
    pub value: Value,
    /// For numbers and quantities: the value in the column's display unit (for sorting,
    /// charts and display).
    pub number: Option<f64>,
    /// Entries the value refers to (for ref fields), resolved.
    pub refs: Vec<usize>,
    /// The source entry of the claim.
    pub source: Option<usize>,
    /// The claim's `as_of`.
    pub as_of: Option<Edtf>,
    /// The claim's note.
    pub note: Option<String>,
}

/// One column of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonColumn {
    /// Field name.
    pub field: String,
    /// Header label.
    pub label: String,
    /// The display unit, for quantity columns; chosen by build from all the column's values.
    pub unit: Option<&'static str>,
    /// Whether the column is numeric (sortable as numbers, chartable).
    pub numeric: bool,
    /// Whether a chart was asked for.
    pub chart: bool,
}

/// A comparison table: rows are entries, columns are fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonTable {
    /// The comparison entry.
    pub entry: usize,
    /// Columns in the order asked for.
    pub columns: Vec<ComparisonColumn>,
    /// Row entries, in the order asked for (or by title for `kind:`).
    pub rows: Vec<usize>,
    /// `cells[row][column]`: every claim of that field.
    pub cells: Vec<Vec<Vec<CellValue>>>,
}
