//! Entry pages: an entry's body, infobox, timeline, sources and connections.

use super::markdown::{BodyContext, body_to_html};
use super::renderer::{Late, PagePlace, Renderer};
use super::sanitize::RawHtml;
use super::views::{self, EntryLink, FieldView, Footnotes, entry_link};
use super::{PageSink, RenderInput, root_prefix};
use crate::comparison::{ComparisonView, comparison_view};
use crate::derive::local_neighbourhood;
use crate::diagnostics::Diagnostic;
use crate::graph_svg::{SvgEdge, SvgNode, local_graph_svg};
use crate::key::Key;
use crate::link::Graph;
use crate::schema::{COMPARISON_KIND, PAGE_KIND};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Most nodes drawn in a local graph, so it stays readable.
const LOCAL_GRAPH_LIMIT: usize = 16;

/// Renders every entry's page, in parallel; returns template and sink errors.
pub(super) fn render_entry_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Vec<Diagnostic> {
    let renderer = Renderer { input, tera, sink };
    let diagnostics = (0..input.graph.entries.len())
        .into_par_iter()
        .flat_map_iter(|index| renderer.entry_page(index).err())
        .collect();
    super::templates::fold_repeated_render_errors(diagnostics)
}

/// Renders the pages of the entries at `indices` only, in parallel; returns template and sink
/// errors.
pub(super) fn render_some_entry_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
    indices: &[usize],
) -> Vec<Diagnostic> {
    let renderer = Renderer { input, tera, sink };
    let diagnostics = indices
        .par_iter()
        .flat_map_iter(|&index| renderer.entry_page(index).err())
        .collect();
    super::templates::fold_repeated_render_errors(diagnostics)
}

impl Renderer<'_> {
    fn entry_page(&self, index: usize) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let derived = self.input.derived;
        let entry = &graph.entries[index];
        let root = root_prefix(&entry.url_path);
        let mut footnotes = Footnotes::default();
        let fields = self.field_views(index, &root, &mut footnotes);
        let events = views::events_for(graph, derived, &derived.entry_events[index], &root);
        let comparison = derived
            .comparisons
            .get(&index)
            .map(|table| comparison_view(graph, table, &root, &mut footnotes));
        let sources: Vec<views::CitationView> = entry
            .sources
            .iter()
            .filter_map(|source| graph.by_id.get(&source.target))
            .map(|&source| views::citation_view(graph, source, &root))
            .collect();
        let kind_schema = graph.schemas.kinds.get(&entry.kind);
        let view = EntryView {
            id: entry.id.clone(),
            kind: entry.kind.clone(),
            kind_title: kind_schema
                .map_or_else(|| kind_title(&entry.kind), |kind| kind.title.clone()),
            kind_url: kind_index_url(graph, &entry.kind, &root),
            summary: entry.summary.clone().unwrap_or_default(),
            aliases: entry.aliases.clone(),
            date: entry.date.as_ref().map(views::date_view),
            updated: entry.updated.as_ref().map(views::date_view),
            tags: entry
                .tags
                .iter()
                .map(|tag| TagLink {
                    name: tag.clone(),
                    url: format!("{root}tags/{tag}/"),
                })
                .collect(),
            fields,
            // Filled in only if the page is rendered (see `Late`).
            body: String::new(),
            toc: graph.headings[index]
                .iter()
                .filter(|heading| heading.level == 2 || heading.level == 3)
                .map(|heading| TocItem {
                    level: heading.level,
                    text: heading.text.clone(),
                    id: heading.id.clone(),
                })
                .collect(),
            relations: self.outgoing_relations(index, &root),
            inverse: derived.inverse[index]
                .iter()
                .map(|relation| RelationGroup {
                    label: relation.label.clone(),
                    entries: relation
                        .entries
                        .iter()
                        .map(|&other| entry_link(graph, other, &root))
                        .collect(),
                })
                .collect(),
            backlinks: self.backlink_groups(index, &root),
            related: derived.related[index]
                .iter()
                .map(|&other| entry_link(graph, other, &root))
                .collect(),
            // Filled in only if the page is rendered (see `Late`).
            local_graph: String::new(),
            events: views::group_by_year(events),
            sources,
            comparison,
            footnotes: footnotes.notes,
            is_page: entry.kind == PAGE_KIND,
        };
        let template = if entry.kind == COMPARISON_KIND {
            "comparison.html"
        } else {
            "entry.html"
        };
        let file = format!("{}index.html", entry.url_path);
        let place = PagePlace {
            template,
            root: &root,
            path: &entry.url_path,
            file: &file,
            title: &entry.title,
            description: entry.summary.as_deref().unwrap_or(""),
        };
        // The body and the local graph are the costly parts of an entry page: they are made
        // only if the page is rendered, and stand in its key by the hash of their inputs.
        let local_graph = self.local_graph_input(index, &root);
        let late = Late {
            key: body_key(graph, index, &root, self.raw_html(), self.highlight_limit())
                ^ local_graph_key(&local_graph).rotate_left(1),
            fill: Box::new(|view: &mut EntryView| {
                view.body = self.body_html(index, &root)?;
                view.local_graph = match local_graph {
                    Some((nodes, edges, seed)) => local_graph_svg(&nodes, &edges, seed),
                    None => String::new(),
                };
                Ok(())
            }),
        };
        self.page_with_late_part(&place, view, late)
    }

    /// The entry's body as HTML (its file fetched again).
    fn body_html(&self, index: usize, root: &str) -> Result<String, Diagnostic> {
        let graph = self.graph();
        let entry = &graph.entries[index];
        let text = self.input.bodies.file_text(&entry.source)?;
        Ok(body_to_html(
            entry.source.body_of(&text),
            &BodyContext {
                graph,
                links: &graph.body_links[index],
                headings: &graph.headings[index],
                root,
                raw_html: self.raw_html(),
                highlight_limit: self.highlight_limit(),
            },
        ))
    }

    fn field_views(&self, index: usize, root: &str, footnotes: &mut Footnotes) -> Vec<FieldView> {
        let graph = self.graph();
        let entry = &graph.entries[index];
        let Some(kind) = graph.schemas.kinds.get(&entry.kind) else {
            return Vec::new();
        };
        entry
            .fields
            .iter()
            .filter_map(|field| {
                let schema = kind.field(&field.name)?;
                let values = field.value.values();
                Some(FieldView {
                    name: field.name.clone(),
                    label: schema.label.clone(),
                    disputed: values.len() > 1,
                    values: values
                        .into_iter()
                        .map(|(value, claim)| {
                            views::claim_view(graph, value, claim, footnotes, root, self.raw_html())
                        })
                        .collect(),
                })
            })
            .collect()
    }

    fn outgoing_relations(&self, index: usize, root: &str) -> Vec<RelationGroup> {
        let graph = self.graph();
        let entry = &graph.entries[index];
        let Some(kind) = graph.schemas.kinds.get(&entry.kind) else {
            return Vec::new();
        };
        let mut groups = Vec::new();
        for field in &kind.fields {
            if field.field_type.target_kinds().is_none() {
                continue;
            }
            let Some(value) = entry.field(&field.name) else {
                continue;
            };
            let mut targets = BTreeSet::new();
            let mut ordered = Vec::new();
            for (value, _) in value.values() {
                if let crate::model::Value::Refs(references) = value {
                    for reference in references {
                        if let Some(&target) = graph.by_id.get(&reference.target)
                            && targets.insert(target)
                        {
                            ordered.push(entry_link(graph, target, root));
                        }
                    }
                }
            }
            if !ordered.is_empty() {
                groups.push(RelationGroup {
                    label: field.label.clone(),
                    entries: ordered,
                });
            }
        }
        groups
    }

    fn backlink_groups(&self, index: usize, root: &str) -> Vec<BacklinkGroup> {
        let graph = self.graph();
        let mut groups: BTreeMap<String, Vec<BacklinkView>> = BTreeMap::new();
        for backlink in &self.input.derived.backlinks[index] {
            let from = &graph.entries[backlink.from];
            let title = kind_display_title(graph, &from.kind);
            groups.entry(title).or_default().push(BacklinkView {
                entry: entry_link(graph, backlink.from, root),
                sentence: graph.body_links[backlink.from]
                    .get(backlink.link)
                    .and_then(|link| link.backlink_sentence.as_deref())
                    .unwrap_or_default()
                    .to_string(),
            });
        }
        groups
            .into_iter()
            .map(|(kind_title, mut items)| {
                items.sort_by(|a, b| a.entry.title.cmp(&b.entry.title));
                BacklinkGroup { kind_title, items }
            })
            .collect()
    }

    /// What the entry's local graph is drawn from: its nodes, its edges and the layout's
    /// seed; `None` when it has no neighbour (no graph is drawn).
    fn local_graph_input(&self, index: usize, root: &str) -> Option<LocalGraphInput> {
        let graph = self.graph();
        let derived = self.input.derived;
        let chosen = local_neighbourhood(index, &derived.neighbours, LOCAL_GRAPH_LIMIT);
        if chosen.len() < 2 {
            return None;
        }
        let nodes: Vec<SvgNode> = chosen
            .iter()
            .map(|&node| {
                let entry = &graph.entries[node];
                SvgNode {
                    title: entry.title.clone(),
                    kind: entry.kind.clone(),
                    href: format!("{root}{}", entry.url_path),
                    is_center: node == index,
                }
            })
            .collect();
        // Edges among the chosen nodes, found pair by pair in the sorted neighbour lists: a page
        // whose neighbourhood holds a hub (a source cited everywhere) must not walk all of the
        // hub's edges.
        let mut edges = Vec::new();
        for (from_position, &from) in chosen.iter().enumerate() {
            for (to_position, &to) in chosen.iter().enumerate().skip(from_position + 1) {
                if derived.neighbours[from].binary_search(&to).is_err() {
                    continue;
                }
                let (small, other) =
                    if derived.edges_by_node[from].len() <= derived.edges_by_node[to].len() {
                        (from, to)
                    } else {
                        (to, from)
                    };
                let label = derived.edges_by_node[small]
                    .iter()
                    .map(|&edge| &graph.edges[edge])
                    .find(|edge| edge.from == other || edge.to == other)
                    .map(|edge| edge.relation.name().to_string())
                    .unwrap_or_default();
                edges.push(SvgEdge {
                    from: from_position,
                    to: to_position,
                    label,
                });
            }
        }
        // Seeded by the entry's id, not its position: adding an entry shifts positions, and
        // would otherwise redraw (and re-render) every later entry's local graph.
        let seed = xxhash_rust::xxh3::xxh3_64(graph.entries[index].id.as_bytes());
        Some((nodes, edges, seed))
    }
}

/// A local graph's nodes, edges and layout seed.
type LocalGraphInput = (Vec<SvgNode>, Vec<SvgEdge>, u64);

/// The hash of everything [`local_graph_svg`] reads (0 for no graph).
fn local_graph_key(input: &Option<LocalGraphInput>) -> u64 {
    let Some((nodes, edges, seed)) = input else {
        return 0;
    };
    let mut key = Key::new();
    key.number(*seed);
    for node in nodes {
        key.text(&node.title)
            .text(&node.kind)
            .text(&node.href)
            .number(u64::from(node.is_center));
    }
    for edge in edges {
        key.number(edge.from as u64)
            .number(edge.to as u64)
            .text(&edge.label);
    }
    key.finish()
}

/// The hash of everything [`body_to_html`] reads for entry `index`: the file's text (by its
/// fingerprint), the root prefix, what raw HTML becomes (`unsafe_html`), the largest code
/// block highlighted, each link's offset, anchor and target's address and title, and the
/// heading ids.
fn body_key(
    graph: &Graph,
    index: usize,
    root: &str,
    raw_html: RawHtml,
    highlight_limit: usize,
) -> u64 {
    let mut key = Key::new();
    key.number(graph.entries[index].source.fingerprint)
        .text(root)
        .number(u64::from(raw_html == RawHtml::Trust))
        .number(highlight_limit as u64);
    for link in graph.body_links[index].iter() {
        let target = &graph.entries[link.target];
        key.number(link.body_offset as u64)
            .text(link.anchor.as_deref().unwrap_or("\0"))
            .text(&target.url_path)
            .text(&target.title);
    }
    for heading in graph.headings[index].iter() {
        key.text(&heading.id);
    }
    key.finish()
}

/// The relative URL of the index listing entries of `kind` (comparisons have their own; the
/// top-level pages have none, so it is empty).
fn kind_index_url(graph: &Graph, kind: &str, root: &str) -> String {
    match graph.schemas.kinds.get(kind) {
        Some(schema) => format!("{root}{}/", schema.folder),
        None if kind == COMPARISON_KIND => format!("{root}comparisons/"),
        None => String::new(),
    }
}

fn kind_title(kind: &str) -> String {
    match kind {
        COMPARISON_KIND => "Comparisons".to_string(),
        PAGE_KIND => "Pages".to_string(),
        other => crate::schema::capitalise(other),
    }
}

fn kind_display_title(graph: &Graph, kind: &str) -> String {
    graph
        .schemas
        .kinds
        .get(kind)
        .map_or_else(|| kind_title(kind), |schema| schema.title.clone())
}

#[derive(Serialize)]
struct TagLink {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct TocItem {
    level: u8,
    text: String,
    id: String,
}

#[derive(Serialize)]
struct RelationGroup {
    label: String,
    entries: Vec<EntryLink>,
}

#[derive(Serialize)]
struct BacklinkView {
    entry: EntryLink,
    sentence: String,
}

#[derive(Serialize)]
struct BacklinkGroup {
    kind_title: String,
    items: Vec<BacklinkView>,
}

#[derive(Serialize)]
struct EntryView {
    id: String,
    kind: String,
    kind_title: String,
    kind_url: String,
    summary: String,
    aliases: Vec<String>,
    date: Option<views::DateView>,
    updated: Option<views::DateView>,
    tags: Vec<TagLink>,
    fields: Vec<FieldView>,
    body: String,
    toc: Vec<TocItem>,
    relations: Vec<RelationGroup>,
    inverse: Vec<RelationGroup>,
    backlinks: Vec<BacklinkGroup>,
    related: Vec<EntryLink>,
    local_graph: String,
    events: Vec<views::YearGroup>,
    sources: Vec<views::CitationView>,
    comparison: Option<ComparisonView>,
    footnotes: Vec<views::Footnote>,
    is_page: bool,
}
