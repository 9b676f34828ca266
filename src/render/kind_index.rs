//! Kind indexes: one table per kind, a row per entry and a column per schema field, split
//! into pages of `page_size` rows.

use super::pager::{Pager, each_page, page_path, paged_title, pages_of};
use super::renderer::{Renderer, intro_html};
use super::root_prefix;
use super::views::{self, EntryLink, Footnotes, entry_link};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use serde::Serialize;

impl Renderer<'_> {
    pub(super) fn kind_indexes(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let derived = self.input.derived;
        // Kinds in parallel: a kind's pages and its timeline are independent of the others.
        let kinds: Vec<&crate::schema::KindSchema> = graph.schemas.kinds.values().collect();
        kinds.par_iter().try_for_each(|kind| {
            let base = format!("{}/", kind.folder);
            let members: &[usize] = derived.kinds.get(&kind.kind).map_or(&[], Vec::as_slice);
            let pages = pages_of(members, self.page_size());
            each_page(&pages, |number, rows| {
                self.kind_index_page(kind, &base, rows, number, pages.len())
            })?;
            let events: Vec<usize> = derived
                .timeline
                .iter()
                .enumerate()
                .filter(|(_, event)| {
                    event
                        .involves
                        .iter()
                        .any(|&involved| graph.entries[involved].kind == kind.kind)
                })
                .map(|(position, _)| position)
                .collect();
            self.timeline_pages(
                &format!("{}/timeline/", kind.folder),
                &format!("Timeline: {}", kind.title),
                &events,
            )
        })
    }

    /// Page `number` (of `total`) of a kind's index: a table of `members` with one column per
    /// schema field. Long tables are split so no page (nor its rendering) grows with the site.
    fn kind_index_page(
        &self,
        kind: &crate::schema::KindSchema,
        base: &str,
        members: &[usize],
        number: usize,
        total: usize,
    ) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let path = page_path(base, number);
        let root = root_prefix(&path);
        let columns: Vec<String> = kind
            .fields
            .iter()
            .map(|field| field.label.clone())
            .collect();
        let mut footnotes = Footnotes::default();
        let rows: Vec<KindRow> = members
            .iter()
            .map(|&member| KindRow {
                entry: entry_link(graph, member, &root),
                cells: kind
                    .fields
                    .iter()
                    .map(|field| self.kind_cell(member, &field.name, &mut footnotes, &root))
                    .collect(),
            })
            .collect();
        let view = KindView {
            kind: kind.kind.clone(),
            kind_title: kind.title.clone(),
            intro: if number == 1 {
                intro_html(
                    graph,
                    &kind.source,
                    &root,
                    self.raw_html(),
                    self.highlight_limit(),
                )
            } else {
                String::new()
            },
            columns,
            rows,
            footnotes: footnotes.notes,
            timeline_url: format!("{root}{}/timeline/", kind.folder),
            csv_url: format!("{root}data/{}.csv", kind.kind),
            pager: Pager::new(base, &root, number, total),
        };
        let description = kind.summary.clone().unwrap_or_default();
        self.page(
            "kind.html",
            &path,
            &paged_title(&kind.title, number, total),
            &description,
            view,
        )
    }

    /// One cell of a kind's table: every value of the field, with its sort key.
    fn kind_cell(
        &self,
        member: usize,
        field: &str,
        footnotes: &mut Footnotes,
        root: &str,
    ) -> KindCell {
        let graph = self.graph();
        let Some(value) = graph.entries[member].field(field) else {
            return KindCell {
                claims: Vec::new(),
                sort: String::new(),
            };
        };
        let values = value.values();
        let sort = sort_key(values.first().map(|(value, _)| *value));
        let claims = values
            .into_iter()
            .map(|(value, claim)| {
                views::claim_view(graph, value, claim, footnotes, root, self.raw_html())
            })
            .collect();
        KindCell { claims, sort }
    }
}

/// A sort key for a table cell: numbers zero-padded so text order is numeric order.
fn sort_key(value: Option<&crate::model::Value>) -> String {
    use crate::model::Value;
    match value {
        Some(Value::Quantity(quantity)) => format!("{:020.6}", quantity.base_value()),
        Some(Value::Number(number)) => format!("{number:020.6}"),
        Some(Value::Date(date)) => date.iso(),
        Some(other) => other.plain_text().to_lowercase(),
        None => String::new(),
    }
}

#[derive(Serialize)]
struct KindRow {
    entry: EntryLink,
    cells: Vec<KindCell>,
}

#[derive(Serialize)]
struct KindView {
    kind: String,
    kind_title: String,
    intro: String,
    columns: Vec<String>,
    rows: Vec<KindRow>,
    footnotes: Vec<views::Footnote>,
    timeline_url: String,
    csv_url: String,
    pager: Option<Pager>,
}

/// One cell of a kind's table, with the key its column sorts by.
#[derive(Serialize)]
struct KindCell {
    claims: Vec<views::ClaimView>,
    sort: String,
}
