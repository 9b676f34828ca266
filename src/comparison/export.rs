//! `table.csv` and `table.json` beside a comparison page, with the same values as its table.
//! CSV cells that a spreadsheet would run as a formula are neutralised
//! ([`crate::text::spreadsheet_cell`]); the JSON keeps the text as it is.

use super::ComparisonTable;
use super::view::{cell_text, column_heading};
use crate::diagnostics::{Code, Diagnostic};
use crate::link::Graph;
use crate::render::PageSink;
use crate::text::spreadsheet_cell;
use serde_json::json;

/// Writes both exports of `table` into `sink`.
pub fn write_comparison_data(
    graph: &Graph,
    table: &ComparisonTable,
    sink: &dyn PageSink,
) -> Result<(), Diagnostic> {
    let entry = &graph.entries[table.entry];
    let csv_path = format!("{}table.csv", entry.url_path);
    let json_path = format!("{}table.json", entry.url_path);
    let csv_error = |error: csv::Error| {
        Diagnostic::error(Code::OutputFailed, csv_path.clone(), error.to_string())
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id".to_string(), "title".to_string()];
    header.extend(table.columns.iter().map(column_heading));
    writer
        .write_record(
            header
                .iter()
                .map(|cell| spreadsheet_cell(cell).into_owned()),
        )
        .map_err(csv_error)?;
    let mut rows_json = Vec::new();
    for (&row, cells) in table.rows.iter().zip(&table.cells) {
        let row_entry = &graph.entries[row];
        let mut record = vec![row_entry.id.clone(), row_entry.title.clone()];
        let mut cells_json = serde_json::Map::new();
        for (column, values) in table.columns.iter().zip(cells) {
            let texts: Vec<String> = values.iter().map(|value| cell_text(graph, value)).collect();
            record.push(texts.join(" | "));
            let claims: Vec<serde_json::Value> = values
                .iter()
                .zip(texts)
                .map(|(value, text)| {
                    let id = |index: usize| graph.entries[index].id.clone();
                    json!({
                        "text": text, "number": value.number,
                        "refs": value.refs.iter().map(|&target| id(target)).collect::<Vec<_>>(),
                        "source": value.source.map(id),
                        "as_of": value.as_of.as_ref().map(|date| date.iso()), "note": value.note,
                    })
                })
                .collect();
            cells_json.insert(column.field.clone(), serde_json::Value::Array(claims));
        }
        writer
            .write_record(
                record
                    .iter()
                    .map(|cell| spreadsheet_cell(cell).into_owned()),
            )
            .map_err(csv_error)?;
        rows_json.push(json!({"id": row_entry.id, "title": row_entry.title, "cells": cells_json}));
    }
    let csv_bytes = writer.into_inner().map_err(|error| {
        Diagnostic::error(Code::OutputFailed, csv_path.clone(), error.to_string())
    })?;
    put(sink, &csv_path, &csv_bytes)?;
    let columns: Vec<serde_json::Value> = table
        .columns
        .iter()
        .map(|column| json!({"field": column.field, "label": column.label, "unit": column.unit}))
        .collect();
    let document = json!({"title": entry.title, "columns": columns, "rows": rows_json});
    let json_bytes = serde_json::to_vec(&document).map_err(|error| {
        Diagnostic::error(Code::OutputFailed, json_path.clone(), error.to_string())
    })?;
    put(sink, &json_path, &crate::text::html_safe_json(&json_bytes))
}

fn put(sink: &dyn PageSink, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    sink.put(path, bytes)
        .map_err(|error| Diagnostic::error(Code::OutputFailed, path.to_string(), error))
}
