//! Builds the table of every checked comparison (derive runs it): rows, each row's claims per
//! column, and quantities put into one display unit per column. Only numbers, units and
//! dates come out; render formats them. Nothing here can fail: link already checked the spec.

use super::check::RowSource;
use super::{CellValue, ComparisonColumn, ComparisonTable};
use crate::link::Graph;
use crate::model::{Entry, FieldValue, Value};
use crate::quantity;
use std::collections::BTreeMap;

/// The table of every comparison that passed its checks, by entry index. `kinds` lists each
/// kind's entries in title order (the row order of a `kind:` comparison).
pub fn build_tables(
    graph: &Graph,
    kinds: &BTreeMap<String, Vec<usize>>,
) -> BTreeMap<usize, ComparisonTable> {
    graph
        .comparisons
        .iter()
        .map(|(&index, checked)| {
            let rows = rows(graph, &checked.rows, kinds);
            let mut columns = checked.columns.clone();
            let mut cells: Vec<Vec<Vec<CellValue>>> = rows
                .iter()
                .map(|&row| {
                    columns
                        .iter()
                        .map(|column| cell_values(graph, &graph.entries[row], &column.field))
                        .collect()
                })
                .collect();
            for (column_index, column) in columns.iter_mut().enumerate() {
                normalise_column(column, column_index, &mut cells, graph, &rows);
            }
            let table = ComparisonTable {
                entry: index,
                columns,
                rows,
                cells,
            };
            (index, table)
        })
        .collect()
}

/// The row entries, in order.
fn rows(graph: &Graph, source: &RowSource, kinds: &BTreeMap<String, Vec<usize>>) -> Vec<usize> {
    match source {
        RowSource::Kind { kind, tag } => kinds
            .get(kind)
            .map(|members| {
                members
                    .iter()
                    .copied()
                    .filter(|&member| {
                        tag.as_ref()
                            .is_none_or(|tag| graph.entries[member].tags.contains(tag))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        RowSource::Entries(entries) => entries.clone(),
    }
}

/// Every claim of a field (quantities still in base units).
fn cell_values(graph: &Graph, entry: &Entry, field: &str) -> Vec<CellValue> {
    let Some(value) = entry.field(field) else {
        return Vec::new();
    };
    value
        .values()
        .into_iter()
        .map(|(value, claim)| CellValue {
            value: value.clone(),
            number: match value {
                Value::Quantity(quantity) => Some(quantity.base_value()),
                Value::Number(number) => Some(*number),
                _ => None,
            },
            refs: match value {
                Value::Refs(references) => references
                    .iter()
                    .filter_map(|reference| graph.by_id.get(&reference.target).copied())
                    .collect(),
                _ => Vec::new(),
            },
            source: claim
                .and_then(|claim| claim.source.as_ref())
                .and_then(|source| graph.by_id.get(&source.target).copied()),
            as_of: claim.and_then(|claim| claim.as_of),
            note: claim.and_then(|claim| claim.note.clone()),
        })
        .collect()
}

/// Puts every number of a quantity column into one display unit chosen from all its values.
fn normalise_column(
    column: &mut ComparisonColumn,
    column_index: usize,
    cells: &mut [Vec<Vec<CellValue>>],
    graph: &Graph,
    rows: &[usize],
) {
    let dimension = rows
        .iter()
        .find_map(|&row| match graph.entries[row].field(&column.field) {
            Some(FieldValue::Single(Value::Quantity(quantity))) => Some(quantity.unit.dimension),
            Some(FieldValue::Claims(claims)) => {
                claims.iter().find_map(|claim| match &claim.value {
                    Value::Quantity(quantity) => Some(quantity.unit.dimension),
                    _ => None,
                })
            }
            _ => None,
        });
    let Some(dimension) = dimension else { return };
    let base_values: Vec<f64> = cells
        .iter()
        .flat_map(|row| row[column_index].iter().filter_map(|cell| cell.number))
        .collect();
    let unit = quantity::choose_display_unit(dimension, &base_values);
    column.unit = Some(unit.symbol);
    for row in cells.iter_mut() {
        for cell in &mut row[column_index] {
            if let Some(base) = cell.number {
                cell.number = Some(base / unit.factor);
            }
        }
    }
}
