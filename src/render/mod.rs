//! Stage 6, **render**: markdown to HTML, then Tera templates to pages, in parallel.
//!
//! Render reads only validated, linked and derived data. Site-wide data (site title, the list
//! of kinds) lives once in Tera's global context; each page's context holds only that page's
//! data. Every internal URL is relative (`root` is `../..` back to the site root), so the same
//! output works at a domain root and under a sub-path. Pages go to a [`PageSink`] as soon as they
//! are rendered, so memory does not grow with the site.

mod entry_page;
pub mod feeds;
pub mod highlight;
mod kind_index;
pub mod markdown;
mod pager;
pub mod pages;
mod renderer;
pub mod sanitize;
mod site_pages;
pub mod templates;
mod timeline;
pub mod views;

use crate::config::Config;
use crate::derive::Derived;
use crate::diagnostics::Diagnostic;
use crate::discover::ThemeFile;
use crate::link::Graph;
use crate::source::BodySource;
use rayon::prelude::*;
use renderer::Renderer;

/// Where rendered files go (the write stage's staging folder, or memory in tests).
pub trait PageSink: Sync {
    /// Accepts one file; `path` is relative to the output root, with `/`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String>;

    /// Accepts one file whose bytes are already shared (a page reused from an earlier build);
    /// a sink that keeps files in memory holds them without copying.
    fn put_shared(&self, path: &str, bytes: crate::build_cache::Bytes) -> Result<(), String> {
        self.put(path, &bytes)
    }

    /// Keeps the file already at `path` in the output, if it is `length` bytes with xxh3
    /// `hash` (a page reused from the previous build on disk); `Ok(false)` when it is not
    /// there or not that file, and the page must be rendered. Sinks without an output folder
    /// keep nothing.
    fn keep_existing(&self, _path: &str, _length: u64, _hash: u64) -> Result<bool, String> {
        Ok(false)
    }
}

/// Everything render needs, borrowed.
pub struct RenderInput<'a> {
    /// Where entry bodies are fetched again (entries keep only their front matter after link).
    pub bodies: &'a dyn BodySource,
    /// Site configuration.
    pub config: &'a Config,
    /// The linked graph.
    pub graph: &'a Graph,
    /// Derived views.
    pub derived: &'a Derived,
    /// The knowledge base's own templates (override built-in ones).
    pub templates: &'a [ThemeFile],
    /// The knowledge base's own static files (override built-in ones).
    pub static_files: &'a [ThemeFile],
    /// Pages of the previous build to reuse when their inputs are unchanged (none: render all).
    pub page_cache: Option<&'a crate::build_cache::PageCache>,
}

/// Renders the whole site into `sink`. Returns the diagnostics (template errors, write errors).
pub fn render(input: &RenderInput, sink: &dyn PageSink) -> Vec<Diagnostic> {
    let tera = match templates::load(input) {
        Ok(tera) => tera,
        Err(diagnostics) => return diagnostics,
    };
    let mut diagnostics = render_entry_pages(input, &tera, sink);
    diagnostics.extend(render_list_pages(input, &tera, sink));
    diagnostics
}

/// Every entry's page (the bulk of the work), with the templates [`templates::load`] gave.
pub fn render_entry_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Vec<Diagnostic> {
    entry_page::render_entry_pages(input, tera, sink)
}

/// The pages of the entries at `indices` only (an incremental build that knows no other page
/// can have changed; see [`crate::incremental`]).
pub fn render_some_entry_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
    indices: &[usize],
) -> Vec<Diagnostic> {
    entry_page::render_some_entry_pages(input, tera, sink, indices)
}

/// The site-wide pages, feeds, exports and static files.
pub fn render_list_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Vec<Diagnostic> {
    let renderer = Renderer { input, tera, sink };
    let site_pages: [&SitePage; 12] = [
        &|r| r.home(),
        &|r| r.kind_indexes(),
        &|r| r.timelines(),
        &|r| r.comparisons_index(),
        &|r| r.graph_page(),
        &|r| r.tag_pages(),
        &|r| r.search_page(),
        &|r| r.not_found_page(),
        &|r| feeds::write_feeds_and_exports(r.input, r.tera, r.sink),
        &|r| feeds::write_graph_json(r.input.graph, r.input.derived, r.sink, "graph/graph.json"),
        &|r| feeds::write_search_index(r.input.graph, r.sink),
        &|r| feeds::write_comparison_exports(r.input, r.sink),
    ];
    // In parallel: long lists are split into pages of `page_size`, so no one page's data grows
    // with the site and rendering several at once keeps memory bounded.
    let mut diagnostics: Vec<Diagnostic> = site_pages
        .par_iter()
        .filter_map(|page| page(&renderer).err())
        .collect();
    diagnostics.extend(templates::copy_static(input, sink));
    templates::fold_repeated_render_errors(diagnostics)
}

/// A function rendering one site-wide page (or group of pages), or writing a feed or export.
type SitePage = dyn Fn(&Renderer) -> Result<(), Diagnostic> + Sync;

/// `../` repeated once per folder of `url_path` (`countries/russia/` → `../../`); `./` at the root.
pub fn root_prefix(url_path: &str) -> String {
    let depth = url_path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_climbs_one_level_per_folder() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("timeline/"), "../");
        assert_eq!(root_prefix("countries/russia/"), "../../");
    }
}
