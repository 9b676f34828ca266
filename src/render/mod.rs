//! Stage 6, **render**: markdown to HTML, then Tera templates to pages, in parallel.
//!
//! Render reads only validated, linked and derived data. Site-wide data (site title, the list
//! of kinds) lives once in Tera's global context; each page's context holds only that page's
//! data. Every internal URL is relative (`root` is `../..` back to the site root), so the same
//! output works at a domain root and under a sub-path. Pages go to a [`PageSink`] as soon as they
//! are rendered, so memory does not grow with the site.

pub mod feeds;
pub mod highlight;
pub mod markdown;
pub mod pages;
pub mod templates;
pub mod views;

use crate::config::Config;
use crate::derive::Derived;
use crate::diagnostics::Diagnostic;
use crate::discover::ThemeFile;
use crate::link::Graph;
use crate::source::BodySource;

/// Where rendered files go (the write stage's staging folder, or memory in tests).
pub trait PageSink: Sync {
    /// Accepts one file; `path` is relative to the output root, with `/`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String>;
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
    pages::render_entry_pages(input, tera, sink)
}

/// The site-wide pages, feeds, exports and static files.
pub fn render_list_pages(
    input: &RenderInput,
    tera: &tera::Tera,
    sink: &dyn PageSink,
) -> Vec<Diagnostic> {
    let mut diagnostics = pages::render_list_pages(input, tera, sink);
    diagnostics.extend(templates::copy_static(input, sink));
    diagnostics
}

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
