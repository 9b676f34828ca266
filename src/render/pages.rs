//! Every page of the site: home, entries, kind indexes, timelines, comparisons, graph, tags,
//! search and 404. Entry pages render in parallel; each goes to the sink as soon as it is done.

use super::markdown::{BodyContext, body_to_html};
use super::views::{self, EntryLink, FieldView, Footnotes, entry_link};
use super::{PageSink, RenderInput, root_prefix};
use crate::derive::{ComparisonTable, local_neighbourhood};
use crate::diagnostics::Diagnostic;
use crate::graph_svg::{SvgEdge, SvgNode, local_graph_svg};
use crate::link::Graph;
use crate::schema::{COMPARISON_KIND, PAGE_KIND};
use crate::text::{escape_html, truncate};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Most nodes drawn in a local graph, so it stays readable.
const LOCAL_GRAPH_LIMIT: usize = 16;

/// Renders every entry's page, in parallel; returns template and sink errors.
pub fn render_entry_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Vec<Diagnostic> {
    let renderer = Renderer { input, tera, sink };
    (0..input.graph.entries.len())
        .into_par_iter()
        .flat_map_iter(|index| renderer.entry_page(index).err())
        .collect()
}

/// Renders the site-wide pages (home, kind indexes, timelines, comparisons, graph, tags,
/// search, 404) and the feeds and exports; returns template and sink errors.
pub fn render_list_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Vec<Diagnostic> {
    let renderer = Renderer { input, tera, sink };
    let site_pages: [&SitePage; 9] = [
        &|r| r.home(),
        &|r| r.kind_indexes(),
        &|r| r.timelines(),
        &|r| r.comparisons_index(),
        &|r| r.graph_page(),
        &|r| r.tag_pages(),
        &|r| r.search_page(),
        &|r| r.not_found_page(),
        &|r| super::feeds::write_feeds_and_exports(r.input, r.sink),
    ];
    // In parallel: long lists are split into pages of `page_size`, so no one page's data grows
    // with the site and rendering several at once keeps memory bounded.
    site_pages
        .par_iter()
        .filter_map(|page| page(&renderer).err())
        .collect()
}

/// A function rendering one site-wide page (or group of pages).
type SitePage = dyn Fn(&Renderer) -> Result<(), Diagnostic> + Sync;

struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    tera: &'a tera::Tera,
    sink: &'a dyn PageSink,
}

#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    root: &'a str,
    path: &'a str,
    title: &'a str,
    description: &'a str,
    page: T,
}

impl Renderer<'_> {
    fn graph(&self) -> &Graph {
        self.input.graph
    }

    /// The plain list of the graph and search pages, for readers without scripts: every entry
    /// in title order while they fit on one page (`page_size`); past that, one link per kind
    /// index (whose pages list them all) and the few top-level pages, so these pages do not
    /// grow with the site.
    fn plain_list(&self, root: &str) -> (Vec<EntryLink>, Vec<ListGroup>) {
        let graph = self.graph();
        let derived = self.input.derived;
        if graph.entries.len() <= self.page_size() {
            let items = derived
                .title_order
                .iter()
                .map(|&index| entry_link(graph, index, root))
                .collect();
            return (items, Vec::new());
        }
        let count_of = |kind: &str| derived.kinds.get(kind).map_or(0, Vec::len);
        let mut groups: Vec<ListGroup> = graph
            .schemas
            .kinds
            .values()
            .map(|kind| ListGroup {
                title: kind.title.clone(),
                url: format!("{root}{}/", kind.folder),
                count: count_of(&kind.kind),
                items: Vec::new(),
            })
            .collect();
        if count_of(COMPARISON_KIND) > 0 {
            groups.push(ListGroup {
                title: "Comparisons".to_string(),
                url: format!("{root}comparisons/"),
                count: count_of(COMPARISON_KIND),
                items: Vec::new(),
            });
        }
        (kind_links(graph, derived, PAGE_KIND, root), groups)
    }

    /// Renders `template` with the page data and stages it at `path` + `index.html`.
    fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        title: &str,
        description: &str,
        page: T,
    ) -> Result<(), Diagnostic> {
        let root = root_prefix(path);
        let context = tera::Context::from_serialize(&Page {
            root: &root,
            path,
            title,
            description,
            page,
        })
        .map_err(|error| {
            Diagnostic::error(
                format!("templates/{template}"),
                format!("cannot build the page data: {error}"),
            )
        })?;
        let html = self.tera.render(template, &context).map_err(|error| {
            Diagnostic::error(
                format!("templates/{template}"),
                format!("rendering `{path}` failed: {error}"),
            )
        })?;
        let file = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}index.html")
        };
        self.sink
            .put(&file, html.as_bytes())
            .map_err(|error| Diagnostic::error(file, error))
    }

    fn entry_page(&self, index: usize) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let derived = self.input.derived;
        let entry = &graph.entries[index];
        let root = root_prefix(&entry.url_path);
        let text = self.input.bodies.file_text(&entry.source)?;
        let body = body_to_html(
            entry.source.body_of(&text),
            &BodyContext {
                graph,
                links: &graph.body_links[index],
                headings: &graph.headings[index],
                root: &root,
            },
        );
        let mut footnotes = Footnotes::default();
        let fields = self.field_views(index, &root, &mut footnotes);
        let events = views::events_for(graph, derived, &derived.entry_events[index], &root);
        let comparison = derived
            .comparisons
            .get(&index)
            .map(|table| comparison_view(graph, table, &root, &mut footnotes));
        let sources: Vec<String> = entry
            .sources
            .iter()
            .filter_map(|source| graph.by_id.get(&source.target))
            .map(|&source| views::citation_html(graph, source, &root))
            .collect();
        let kind_schema = graph.schemas.kinds.get(&entry.kind);
        let view = EntryView {
            id: entry.id.clone(),
            kind: entry.kind.clone(),
            kind_title: kind_schema
                .map_or_else(|| kind_title(&entry.kind), |kind| kind.title.clone()),
            kind_url: kind_schema
                .map(|kind| format!("{root}{}/", kind.folder))
                .unwrap_or_else(|| {
                    if entry.kind == COMPARISON_KIND {
                        format!("{root}comparisons/")
                    } else {
                        String::new()
                    }
                }),
            summary: entry.summary.clone().unwrap_or_default(),
            aliases: entry.aliases.clone(),
            date: entry
                .date
                .as_ref()
                .map(views::date_html)
                .unwrap_or_default(),
            updated: entry
                .updated
                .as_ref()
                .map(views::date_html)
                .unwrap_or_default(),
            tags: entry
                .tags
                .iter()
                .map(|tag| TagLink {
                    name: tag.clone(),
                    url: format!("{root}tags/{tag}/"),
                })
                .collect(),
            fields,
            body,
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
            local_graph: self.local_graph(index, &root),
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
        self.page(
            template,
            &entry.url_path,
            &entry.title,
            entry.summary.as_deref().unwrap_or(""),
            view,
        )?;
        if let Some(table) = derived.comparisons.get(&index) {
            super::feeds::write_comparison_data(graph, table, self.sink)?;
        }
        Ok(())
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
                            views::claim_html(graph, value, claim, footnotes, root)
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

    fn local_graph(&self, index: usize, root: &str) -> String {
        let graph = self.graph();
        let derived = self.input.derived;
        let chosen = local_neighbourhood(index, &derived.neighbours, LOCAL_GRAPH_LIMIT);
        if chosen.len() < 2 {
            return String::new();
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
        local_graph_svg(&nodes, &edges, index as u64)
    }

    fn home(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let derived = self.input.derived;
        let root = root_prefix("");
        let intro = graph
            .home
            .as_ref()
            .map(|home| intro_html(graph, home, &root))
            .unwrap_or_default();
        let recent: Vec<views::EventView> = derived
            .timeline
            .iter()
            .rev()
            .take(8)
            .map(|event| views::event_view(graph, event, &root))
            .collect();
        let comparisons: Vec<EntryLink> = kind_links(graph, derived, COMPARISON_KIND, &root);
        let pages: Vec<EntryLink> = kind_links(graph, derived, PAGE_KIND, &root);
        let view = HomeView {
            intro,
            recent,
            comparisons,
            pages,
            entry_count: graph.entries.len(),
            event_count: derived.timeline.len(),
        };
        let config = self.input.config;
        self.page("home.html", "", &config.title, &config.description, view)
    }

    fn kind_indexes(&self) -> Result<(), Diagnostic> {
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
                intro_html(graph, &kind.source, &root)
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
    ) -> TableCell {
        let graph = self.graph();
        let Some(value) = graph.entries[member].field(field) else {
            return TableCell {
                html: String::new(),
                sort: String::new(),
            };
        };
        let values = value.values();
        let sort = sort_key(values.first().map(|(value, _)| *value));
        let html = values
            .into_iter()
            .map(|(value, claim)| views::claim_html(graph, value, claim, footnotes, root))
            .collect::<Vec<_>>()
            .join("<br>");
        TableCell { html, sort }
    }

    /// Rows (or events, or entries) per page of a long list.
    fn page_size(&self) -> usize {
        self.input.config.page_size.get()
    }

    fn timelines(&self) -> Result<(), Diagnostic> {
        let all: Vec<usize> = (0..self.input.derived.timeline.len()).collect();
        self.timeline_pages("timeline/", "Timeline", &all)
    }

    /// The timeline of the events at `positions`, at `base` and, past one page, `base`page/2/…
    fn timeline_pages(
        &self,
        base: &str,
        title: &str,
        positions: &[usize],
    ) -> Result<(), Diagnostic> {
        let pages = pages_of(positions, self.page_size());
        let years = self.year_starts(&pages);
        each_page(&pages, |number, events| {
            let path = page_path(base, number);
            let root = root_prefix(&path);
            let density = views::density_svg(&years, |page_number| {
                if page_number == number {
                    String::new()
                } else {
                    format!("{root}{}", page_path(base, page_number))
                }
            });
            self.timeline_page(
                &path,
                &paged_title(title, number, pages.len()),
                events,
                positions.len(),
                density,
                Pager::new(base, &root, number, pages.len()),
            )
        })
    }

    /// Each year of the events in `pages`, its number of events and the page its first event
    /// is on: the density strip shown on every page of a timeline.
    fn year_starts(&self, pages: &[&[usize]]) -> Vec<views::YearBar> {
        let timeline = &self.input.derived.timeline;
        let mut years: Vec<views::YearBar> = Vec::new();
        for (index, events) in pages.iter().enumerate() {
            for &position in events.iter() {
                let year = views::year_label(&timeline[position]);
                match years.last_mut() {
                    Some(bar) if bar.year == year => bar.count += 1,
                    _ => years.push(views::YearBar {
                        year,
                        count: 1,
                        page: index + 1,
                    }),
                }
            }
        }
        years
    }

    fn timeline_page(
        &self,
        path: &str,
        title: &str,
        positions: &[usize],
        total_count: usize,
        density: String,
        pager: Option<Pager>,
    ) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let root = root_prefix(path);
        let events = views::events_for(graph, self.input.derived, positions, &root);
        let mut kinds: BTreeSet<String> = BTreeSet::new();
        let mut tags: BTreeSet<String> = BTreeSet::new();
        for event in &events {
            kinds.extend(event.kinds.split_whitespace().map(str::to_string));
            tags.extend(event.tags.split_whitespace().map(str::to_string));
        }
        let view = TimelineView {
            groups: views::group_by_year(events),
            density,
            kinds: kinds.into_iter().collect(),
            tags: tags.into_iter().collect(),
            count: total_count,
            pager,
        };
        self.page(
            "timeline.html",
            path,
            title,
            "Events in date order, each with its source.",
            view,
        )
    }

    fn comparisons_index(&self) -> Result<(), Diagnostic> {
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

    fn graph_page(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let root = root_prefix("graph/");
        let mut kinds: Vec<String> = graph
            .entries
            .iter()
            .map(|entry| entry.kind.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        kinds.retain(|kind| kind != PAGE_KIND);
        let (items, groups) = self.plain_list(&root);
        super::feeds::write_graph_json(graph, self.input.derived, self.sink, "graph/graph.json")?;
        self.page(
            "graph.html",
            "graph/",
            "Graph",
            "Every entry and every link between them.",
            GraphView {
                kinds,
                items,
                groups,
                entry_count: graph.entries.len(),
                edge_count: graph.edges.len(),
            },
        )
    }

    fn tag_pages(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let tags = &self.input.derived.tags;
        let root = root_prefix("tags/");
        let groups: Vec<ListGroup> = tags
            .iter()
            .map(|(tag, members)| ListGroup {
                title: tag.clone(),
                url: format!("{root}tags/{tag}/"),
                count: members.len(),
                items: Vec::new(),
            })
            .collect();
        self.page(
            "list.html",
            "tags/",
            "Tags",
            "Every tag and its entries.",
            ListView {
                intro: String::new(),
                items: Vec::new(),
                groups,
                pager: None,
            },
        )?;
        for (tag, members) in tags {
            let base = format!("tags/{tag}/");
            let pages = pages_of(members, self.page_size());
            each_page(&pages, |number, page_members| {
                let path = page_path(&base, number);
                let root = root_prefix(&path);
                let items = page_members
                    .iter()
                    .map(|&index| entry_link(graph, index, &root))
                    .collect();
                self.page(
                    "list.html",
                    &path,
                    &paged_title(&format!("Tag: {tag}"), number, pages.len()),
                    &format!("Entries tagged {tag}."),
                    ListView {
                        intro: String::new(),
                        items,
                        groups: Vec::new(),
                        pager: Pager::new(&base, &root, number, pages.len()),
                    },
                )
            })?;
        }
        Ok(())
    }

    fn search_page(&self) -> Result<(), Diagnostic> {
        super::feeds::write_search_index(self.graph(), self.sink)?;
        let root = root_prefix("search/");
        let (items, groups) = self.plain_list(&root);
        self.page(
            "search.html",
            "search/",
            "Search",
            "Search every entry by title, alias, summary and tag.",
            ListView {
                intro: String::new(),
                items,
                groups,
                pager: None,
            },
        )
    }

    fn not_found_page(&self) -> Result<(), Diagnostic> {
        // A 404 page is served at any URL, so relative links cannot work there: it links with
        // the path of `base_url` instead (the one place that needs it).
        let base_path = base_path(&self.input.config.base_url);
        let context_root = base_path.clone();
        let context = tera::Context::from_serialize(&Page {
            root: &context_root,
            path: "404.html",
            title: "Page not found",
            description: "",
            page: (),
        })
        .map_err(|error| Diagnostic::error("templates/404.html", error.to_string()))?;
        let html = self.tera.render("404.html", &context).map_err(|error| {
            Diagnostic::error("templates/404.html", format!("rendering failed: {error}"))
        })?;
        self.sink
            .put("404.html", html.as_bytes())
            .map_err(|error| Diagnostic::error("404.html", error))
    }
}

/// Links to every entry of `kind`, in title order.
fn kind_links(
    graph: &Graph,
    derived: &crate::derive::Derived,
    kind: &str,
    root: &str,
) -> Vec<EntryLink> {
    derived
        .kinds
        .get(kind)
        .map(|list| {
            list.iter()
                .map(|&index| entry_link(graph, index, root))
                .collect()
        })
        .unwrap_or_default()
}

/// The prose of an `_index.md` (home page, kind or comparisons intro) as HTML. Its links
/// are not resolved through the graph: intros are not entries.
fn intro_html(graph: &Graph, source: &crate::source::SourceText, root: &str) -> String {
    body_to_html(
        source.body(),
        &BodyContext {
            graph,
            links: graph
                .intro_links
                .get(&source.path)
                .map_or(&[], Vec::as_slice),
            headings: &[],
            root,
        },
    )
}

/// The path part of `base_url` (`https://x.org/atlas/` → `/atlas/`).
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("/", |index| &after_scheme[index..]);
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
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

/// A sort key for a table cell: numbers zero-padded so text order is numeric order.
fn sort_key(value: Option<&crate::model::Value>) -> String {
    use crate::model::Value;
    match value {
        Some(Value::Quantity(quantity)) => format!("{:020.6}", quantity.base_value()),
        Some(Value::Number(number)) => format!("{number:020.6}"),
        Some(Value::Date(date)) => date.iso(),
        Some(other) => crate::derive::plain_value(other).to_lowercase(),
        None => String::new(),
    }
}

/// The view of a comparison: a table (entries as rows, or as columns when there are four or
/// fewer) and one bar chart per charted field.
fn comparison_view(
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
    date: String,
    updated: String,
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
    sources: Vec<String>,
    comparison: Option<ComparisonView>,
    footnotes: Vec<views::Footnote>,
    is_page: bool,
}

#[derive(Serialize)]
struct HomeView {
    intro: String,
    recent: Vec<views::EventView>,
    comparisons: Vec<EntryLink>,
    pages: Vec<EntryLink>,
    entry_count: usize,
    event_count: usize,
}

#[derive(Serialize)]
struct TableCell {
    html: String,
    sort: String,
}

#[derive(Serialize)]
struct KindRow {
    entry: EntryLink,
    cells: Vec<TableCell>,
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

#[derive(Serialize)]
struct TimelineView {
    groups: Vec<views::YearGroup>,
    density: String,
    kinds: Vec<String>,
    tags: Vec<String>,
    count: usize,
    pager: Option<Pager>,
}

#[derive(Serialize)]
struct ListGroup {
    title: String,
    url: String,
    count: usize,
    items: Vec<EntryLink>,
}

#[derive(Serialize)]
struct ListView {
    intro: String,
    items: Vec<EntryLink>,
    groups: Vec<ListGroup>,
    pager: Option<Pager>,
}

/// Where a page of a list split into numbered pages sits, and links to the others.
#[derive(Debug, Serialize, PartialEq)]
struct Pager {
    /// 1-based.
    current: usize,
    /// Number of pages.
    total: usize,
    /// URL of the previous page, or empty on the first.
    previous: String,
    /// URL of the next page, or empty on the last.
    next: String,
    /// The first, the last and the pages near the current one, with gaps between.
    links: Vec<PagerLink>,
}

/// One numbered link of a [`Pager`], or a gap (`…`).
#[derive(Debug, Serialize, PartialEq)]
struct PagerLink {
    number: usize,
    url: String,
    current: bool,
    gap: bool,
}

impl Pager {
    /// The pager of page `current` of `total` pages of the list at `base`; `None` when the
    /// list fits on one page.
    fn new(base: &str, root: &str, current: usize, total: usize) -> Option<Pager> {
        if total <= 1 {
            return None;
        }
        let url = |number: usize| format!("{root}{}", page_path(base, number));
        let mut links = Vec::new();
        let mut last_shown = 0;
        for number in 1..=total {
            let near = number.abs_diff(current) <= 2;
            if !(number == 1 || number == total || near) {
                continue;
            }
            if number > last_shown + 1 {
                links.push(PagerLink {
                    number: 0,
                    url: String::new(),
                    current: false,
                    gap: true,
                });
            }
            links.push(PagerLink {
                number,
                url: url(number),
                current: number == current,
                gap: false,
            });
            last_shown = number;
        }
        Some(Pager {
            current,
            total,
            previous: if current > 1 {
                url(current - 1)
            } else {
                String::new()
            },
            next: if current < total {
                url(current + 1)
            } else {
                String::new()
            },
            links,
        })
    }
}

/// Renders every page of a split list in parallel (`render_page` gets the 1-based number and
/// the page's items); the first error in page order, so the report does not depend on timing.
fn each_page<T: Sync>(
    pages: &[T],
    render_page: impl Fn(usize, &T) -> Result<(), Diagnostic> + Sync,
) -> Result<(), Diagnostic> {
    let results: Vec<Result<(), Diagnostic>> = pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| render_page(index + 1, page))
        .collect();
    results.into_iter().collect()
}

/// The path of page `number` of the list at `base`: `base` itself, then `base`page/2/, …
fn page_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// `items` in pages of `size`; always at least one page, so an empty list still has one.
fn pages_of(items: &[usize], size: usize) -> Vec<&[usize]> {
    if items.is_empty() {
        return vec![items];
    }
    items.chunks(size.max(1)).collect()
}

/// `title`, with "(page N of M)" past the first page of a split list.
fn paged_title(title: &str, number: usize, total: usize) -> String {
    if number <= 1 {
        title.to_string()
    } else {
        format!("{title} (page {number} of {total})")
    }
}

#[derive(Serialize)]
struct GraphView {
    kinds: Vec<String>,
    items: Vec<EntryLink>,
    groups: Vec<ListGroup>,
    entry_count: usize,
    edge_count: usize,
}

#[derive(Serialize)]
struct ComparisonRow {
    head: String,
    numeric: bool,
    cells: Vec<TableCell>,
}

#[derive(Serialize)]
struct ComparisonView {
    transposed: bool,
    header: Vec<String>,
    rows: Vec<ComparisonRow>,
    numeric_columns: Vec<bool>,
    charts: Vec<String>,
    csv_url: String,
    json_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_shows_the_ends_and_the_pages_near_the_current_one() {
        let pager = Pager::new("timeline/", "../../../", 6, 20).expect("20 pages");
        let shown: Vec<String> = pager
            .links
            .iter()
            .map(|link| match (link.gap, link.current) {
                (true, _) => "…".to_string(),
                (false, true) => format!("[{}]", link.number),
                (false, false) => link.number.to_string(),
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "[6]", "7", "8", "…", "20"]);
        assert_eq!(pager.previous, "../../../timeline/page/5/");
        assert_eq!(pager.next, "../../../timeline/page/7/");
        assert_eq!(pager.links[0].url, "../../../timeline/");
        assert!(Pager::new("timeline/", "../", 1, 1).is_none());
    }

    #[test]
    fn an_empty_list_still_has_one_page() {
        assert_eq!(pages_of(&[], 500), vec![&[] as &[usize]]);
        assert_eq!(pages_of(&[1, 2, 3], 2), vec![&[1, 2][..], &[3][..]]);
        assert_eq!(page_path("countries/", 1), "countries/");
        assert_eq!(page_path("countries/", 3), "countries/page/3/");
        assert_eq!(paged_title("Countries", 2, 3), "Countries (page 2 of 3)");
    }

    #[test]
    fn base_path_of_urls() {
        assert_eq!(base_path("https://x.org/"), "/");
        assert_eq!(base_path("https://x.org/atlas"), "/atlas/");
        assert_eq!(base_path("/"), "/");
    }
}
