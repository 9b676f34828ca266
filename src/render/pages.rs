//! The comparisons index page. Each comparison's own table and charts are built by
//! [`crate::comparison`] and shown on its entry page.

use super::renderer::{Renderer, intro_html, kind_links};
use super::root_prefix;
use super::site_pages::ListView;
use super::views::EntryLink;
use crate::diagnostics::Diagnostic;
use crate::schema::COMPARISON_KIND;

impl Renderer<'_> {
    pub(super) fn comparisons_index(&self) -> Result<(), Diagnostic> {
        let graph = self.graph();
        let root = root_prefix("comparisons/");
        let items: Vec<EntryLink> = kind_links(graph, self.input.derived, COMPARISON_KIND, &root);
        let intro = graph
            .comparisons_intro
            .as_ref()
            .map(|intro| intro_html(graph, intro, &root, self.raw_html(), self.highlight_limit()))
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
