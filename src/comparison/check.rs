//! The cross-entry checks of a comparison, run by link once every entry is in the graph: the
//! kind exists, every field is a field of the compared kinds with one dimension, every chart
//! is of a numeric column among `fields`. A comparison that passes becomes a
//! [`CheckedComparison`], the only thing build reads.

use super::ComparisonColumn;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::link::Graph;
use crate::model::{ComparisonSpec, Entry};
use crate::quantity::Dimension;
use crate::schema::{COMPARISON_KIND, FieldSchema, FieldType, diagnostic_at_path};
use crate::yaml_position::PathSegment;
use std::collections::{BTreeMap, BTreeSet};

/// A comparison whose spec passed every check: which entries are its rows, and its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedComparison {
    /// Where the rows come from.
    pub rows: RowSource,
    /// The columns, in the order asked for (without units yet: build chooses them).
    pub columns: Vec<ComparisonColumn>,
}

/// The rows of a comparison, as its spec names them.
#[derive(Debug, Clone, PartialEq)]
pub enum RowSource {
    /// Every entry of a (known) kind, optionally only those with a tag, in title order.
    Kind {
        /// The kind.
        kind: String,
        /// The tag every row must have.
        tag: Option<String>,
    },
    /// The listed entries that exist, in the order listed (link reports the others).
    Entries(Vec<usize>),
}

/// Checks every comparison entry of the graph; returns those that passed, by entry index,
/// and the problems of the others.
pub fn check_comparisons(graph: &Graph) -> (BTreeMap<usize, CheckedComparison>, Vec<Diagnostic>) {
    let mut checked = BTreeMap::new();
    let mut diagnostics = Vec::new();
    let comparisons: Vec<(usize, &ComparisonSpec)> = graph
        .entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.kind == COMPARISON_KIND)
        .filter_map(|(index, entry)| entry.comparison.as_ref().map(|spec| (index, spec)))
        .collect();
    if comparisons.is_empty() {
        return (checked, diagnostics);
    }
    // Which kinds have entries with which tags is looked up once for all comparisons.
    let members = members_by_kind(graph);
    for (index, spec) in comparisons {
        match check_comparison(graph, &graph.entries[index], spec, &members) {
            Ok(comparison) => {
                checked.insert(index, comparison);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (checked, diagnostics)
}

fn members_by_kind(graph: &Graph) -> BTreeMap<&str, Vec<&Entry>> {
    let mut members: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for entry in &graph.entries {
        members.entry(entry.kind.as_str()).or_default().push(entry);
    }
    members
}

/// One comparison's checks: every problem found, or the checked comparison.
fn check_comparison(
    graph: &Graph,
    entry: &Entry,
    spec: &ComparisonSpec,
    members: &BTreeMap<&str, Vec<&Entry>>,
) -> Result<CheckedComparison, Vec<Diagnostic>> {
    let (rows, row_kinds) = match &spec.kind {
        Some(kind) => {
            if !graph.schemas.kinds.contains_key(kind) {
                // A kind whose `_index.md` is broken is reported there; the comparison is not
                // built either way.
                if graph.schemas.broken.kinds.contains(kind) {
                    return Err(Vec::new());
                }
                return Err(vec![unknown_kind(graph, entry, kind)]);
            }
            let has_rows = members.get(kind.as_str()).is_some_and(|entries| {
                entries.iter().any(|member| {
                    spec.tag
                        .as_ref()
                        .is_none_or(|tag| member.tags.contains(tag))
                })
            });
            let row_kinds = if has_rows {
                BTreeSet::from([kind.as_str()])
            } else {
                BTreeSet::new()
            };
            let rows = RowSource::Kind {
                kind: kind.clone(),
                tag: spec.tag.clone(),
            };
            (rows, row_kinds)
        }
        None => {
            let rows: Vec<usize> = spec
                .entries
                .iter()
                .filter_map(|reference| graph.by_id.get(&reference.target).copied())
                .collect();
            // An entry that failed to validate is reported already; without its kind, the
            // columns cannot be checked. (An unknown id is reported by the link stage, and the
            // other rows are still checked.)
            if spec.entries.iter().any(|reference| {
                !graph.by_id.contains_key(&reference.target)
                    && graph.failed_entries.has_id(&reference.target)
            }) {
                return Err(Vec::new());
            }
            let row_kinds = rows
                .iter()
                .map(|&row| graph.entries[row].kind.as_str())
                .collect();
            (RowSource::Entries(rows), row_kinds)
        }
    };
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    // A field whose declaration is broken is reported at the declaration; the comparison is
    // not built, but says nothing more about it.
    let mut uses_broken_field = false;
    for (position, field) in spec.fields.iter().enumerate() {
        if row_kinds
            .iter()
            .any(|kind| graph.schemas.broken.has_field(kind, field))
        {
            uses_broken_field = true;
            continue;
        }
        match column(graph, entry, spec, &row_kinds, field, position) {
            Ok(column) => columns.push(column),
            Err(problem) => problems.push(problem),
        }
    }
    if uses_broken_field {
        return Err(problems);
    }
    for (position, chart) in spec.charts.iter().enumerate() {
        problems.extend(chart_problem(entry, spec, &columns, chart, position));
    }
    if problems.is_empty() {
        Ok(CheckedComparison { rows, columns })
    } else {
        Err(problems)
    }
}

/// The path of `compare.<name>` (or of its item `item`) in the front matter.
fn compare_path(name: &str, item: Option<usize>) -> Vec<PathSegment> {
    let mut path = vec![
        PathSegment::Key("compare".into()),
        PathSegment::Key(name.into()),
    ];
    if let Some(item) = item {
        path.push(PathSegment::Index(item));
    }
    path
}

/// `compare.kind` names no kind.
fn unknown_kind(graph: &Graph, entry: &Entry, kind: &str) -> Diagnostic {
    let known = graph.schemas.kinds.keys().map(String::as_str);
    let diagnostic = Diagnostic::error(
        Code::CompareUnknownKind,
        entry.source.path.clone(),
        format!("unknown kind `{kind}`"),
    );
    let diagnostic = match did_you_mean(kind, known.clone()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None => diagnostic.help(format!(
            "known kinds: {}",
            known.collect::<Vec<_>>().join(", ")
        )),
    };
    diagnostic_at_path(diagnostic, &entry.source, &compare_path("kind", None))
}

/// The column of field `field` (at `position` in `fields`): one schema per compared kind that
/// has the field, all of one dimension.
fn column(
    graph: &Graph,
    entry: &Entry,
    spec: &ComparisonSpec,
    row_kinds: &BTreeSet<&str>,
    field: &str,
    position: usize,
) -> Result<ComparisonColumn, Diagnostic> {
    let schemas: Vec<&FieldSchema> = row_kinds
        .iter()
        .filter_map(|kind| graph.schemas.kinds.get(*kind))
        .filter_map(|schema| schema.field(field))
        .collect();
    let place = |diagnostic| {
        diagnostic_at_path(
            diagnostic,
            &entry.source,
            &compare_path("fields", Some(position)),
        )
    };
    let Some(first) = schemas.first() else {
        return Err(place(unknown_field(graph, entry, row_kinds, field)));
    };
    let dimensions: BTreeSet<Dimension> = schemas
        .iter()
        .filter_map(|schema| match schema.field_type {
            FieldType::Quantity(dimension) => Some(dimension),
            _ => None,
        })
        .collect();
    if dimensions.len() > 1 {
        let names: Vec<&str> = dimensions
            .iter()
            .map(|dimension| dimension.name())
            .collect();
        let diagnostic = Diagnostic::error(Code::CompareMixedDimensions,
            entry.source.path.clone(),
            format!(
                "the column `{field}` mixes units of different dimensions ({})",
                names.join(" and ")
            ),
        )
        .help("compare entries whose kinds give this field the same dimension, or compare another field");
        return Err(place(diagnostic));
    }
    Ok(ComparisonColumn {
        field: field.to_string(),
        label: first.label.clone(),
        unit: None,
        numeric: schemas.iter().all(|schema| schema.field_type.is_numeric()),
        chart: spec.charts.iter().any(|chart| chart == field),
    })
}

/// `field` is a field of none of the compared kinds (not yet placed).
fn unknown_field(
    graph: &Graph,
    entry: &Entry,
    row_kinds: &BTreeSet<&str>,
    field: &str,
) -> Diagnostic {
    let known: BTreeSet<&str> = row_kinds
        .iter()
        .filter_map(|kind| graph.schemas.kinds.get(*kind))
        .flat_map(|schema| schema.fields.iter().map(|field| field.name.as_str()))
        .collect();
    let kinds: Vec<&str> = row_kinds.iter().copied().collect();
    let diagnostic = Diagnostic::error(
        Code::CompareUnknownField,
        entry.source.path.clone(),
        format!(
            "unknown field `{field}` for a comparison of {}",
            kinds.join(", ")
        ),
    );
    match did_you_mean(field, known.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None => diagnostic.help(format!(
            "fields: {}",
            known.into_iter().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// What is wrong with chart `chart` (at `position` in `charts`), if anything: it must be a
/// numeric column among `fields`. A chart of a field whose column failed its own check is
/// left to that error.
fn chart_problem(
    entry: &Entry,
    spec: &ComparisonSpec,
    columns: &[ComparisonColumn],
    chart: &str,
    position: usize,
) -> Option<Diagnostic> {
    let diagnostic = match columns.iter().find(|column| column.field == chart) {
        Some(column) if column.numeric => return None,
        Some(_) => Diagnostic::error(
            Code::CompareChart,
            entry.source.path.clone(),
            format!("cannot chart `{chart}`: it is not a numeric field"),
        )
        .help("charts take `number` or `quantity` fields"),
        None if !spec.fields.iter().any(|field| field == chart) => Diagnostic::error(
            Code::CompareChart,
            entry.source.path.clone(),
            format!("`{chart}` is charted but not among `fields`"),
        )
        .help(format!(
            "add `{chart}` to `fields`, or remove it from `charts`"
        )),
        None => return None,
    };
    Some(diagnostic_at_path(
        diagnostic,
        &entry.source,
        &compare_path("charts", Some(position)),
    ))
}
