//! The site-wide pages: home, graph, tags, search and 404.

use super::pager::{Pager, each_page, page_path, paged_title, pages_of};
use super::renderer::{Renderer, intro_html, kind_links};
use super::root_prefix;
use super::views::{self, EntryLink, entry_link};
use crate::diagnostics::Diagnostic;
use crate::schema::{COMPARISON_KIND, PAGE_KIND};
use serde::Serialize;
use std::collections::BTreeSet;

impl Renderer<'_> {
    /// The plain list of the graph and search pages, for readers without scripts: every entry
    /// in title order while they fit on one page (`page_size`); past that, one link per kind
    /// index (whose pages list them all) and the few top-level pages, so these pages do not
    /// grow with the site.
    pub(super) fn plain_list(&self, root: &str) -> (Vec<EntryLink>, Vec<ListGroup>) {
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

    pub(super) fn home(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let derived = self.input.derived;
        let root = root_prefix("");
        let intro = graph
            .home
            .as_ref()
            .map(|home| intro_html(graph, home, &root, self.raw_html(), self.highlight_limit()))
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
            kinds: views::kind_cards(self.input),
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

    pub(super) fn graph_page(&self) -> Result<(), Diagnostic> {
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

    pub(super) fn tag_pages(&self) -> Result<(), Diagnostic> {
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

    pub(super) fn search_page(&self) -> Result<(), Diagnostic> {
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

    pub(super) fn not_found_page(&self) -> Result<(), Diagnostic> {
        // A 404 page is served at any URL, so relative links cannot work there: it links with
        // the path of `base_url` instead (the one place that needs it).
        let base_path = base_path(&self.input.config.base_url);
        self.page_at(
            "404.html",
            &base_path,
            "404.html",
            "404.html",
            "Page not found",
            "",
            (),
        )
    }
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

#[derive(Serialize)]
pub(super) struct HomeView {
    kinds: Vec<views::KindCard>,
    intro: String,
    recent: Vec<views::EventView>,
    comparisons: Vec<EntryLink>,
    pages: Vec<EntryLink>,
    entry_count: usize,
    event_count: usize,
}

#[derive(Serialize)]
pub(super) struct ListGroup {
    title: String,
    url: String,
    count: usize,
    items: Vec<EntryLink>,
}

#[derive(Serialize)]
pub(super) struct ListView {
    pub(super) intro: String,
    pub(super) items: Vec<EntryLink>,
    pub(super) groups: Vec<ListGroup>,
    pub(super) pager: Option<Pager>,
}

#[derive(Serialize)]
pub(super) struct GraphView {
    kinds: Vec<String>,
    items: Vec<EntryLink>,
    groups: Vec<ListGroup>,
    entry_count: usize,
    edge_count: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_urls() {
        assert_eq!(base_path("https://x.org/"), "/");
        assert_eq!(base_path("https://x.org/atlas"), "/atlas/");
        assert_eq!(base_path("/"), "/");
    }
}
