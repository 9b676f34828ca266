//! The state every page function shares, and the one function that turns a view into a page.

use super::markdown::{BodyContext, body_to_html};
use super::views::{EntryLink, entry_link};
use super::{PageSink, RenderInput, root_prefix};
use crate::diagnostics::Diagnostic;
use crate::link::Graph;
use serde::Serialize;

/// What page functions borrow: the input, the compiled templates and where pages go.
pub(super) struct Renderer<'a> {
    /// Everything render reads.
    pub(super) input: &'a RenderInput<'a>,
    /// The compiled templates.
    pub(super) tera: &'a tera::Tera,
    /// Where pages go.
    pub(super) sink: &'a dyn PageSink,
}

/// The context of every page template: where it is, its title, and its own data as `page`.
#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    root: &'a str,
    path: &'a str,
    title: &'a str,
    description: &'a str,
    page: T,
}

impl Renderer<'_> {
    pub(super) fn graph(&self) -> &Graph {
        self.input.graph
    }

    /// Renders `template` with the page data and stages it at `path` + `index.html`.
    pub(super) fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        title: &str,
        description: &str,
        page: T,
    ) -> Result<(), Diagnostic> {
        let file = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}index.html")
        };
        self.page_at(
            template,
            &root_prefix(path),
            path,
            &file,
            title,
            description,
            page,
        )
    }

    /// Renders `template` into the file `file`, for a page at `path` whose links start with
    /// `root`: what [`Renderer::page`] does for every page, and the 404 page (served at any
    /// address, so linked from `base_url`'s path) directly.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn page_at<T: Serialize>(
        &self,
        template: &str,
        root: &str,
        path: &str,
        file: &str,
        title: &str,
        description: &str,
        page: T,
    ) -> Result<(), Diagnostic> {
        let page = Page {
            root,
            path,
            title,
            description,
            page,
        };
        // The page's bytes are a pure function of this context and the site fingerprint.
        let key = match self.input.page_cache {
            Some(cache) => serde_json::to_vec(&page)
                .ok()
                .map(|context| (cache, cache.key(template, &context))),
            None => None,
        };
        if let Some((cache, key)) = key
            && let Some(bytes) = cache.reuse(file, key)
        {
            cache.remember(file, key, &bytes);
            return self
                .sink
                .put(file, &bytes)
                .map_err(|error| Diagnostic::error(file, error));
        }
        let context = tera::Context::from_serialize(&page).map_err(|error| {
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
        if let Some((cache, key)) = key {
            cache.remember(file, key, html.as_bytes());
        }
        self.sink
            .put(file, html.as_bytes())
            .map_err(|error| Diagnostic::error(file, error))
    }

    /// Rows (or events, or entries) per page of a long list.
    pub(super) fn page_size(&self) -> usize {
        self.input.config.page_size.get()
    }
}

/// Links to every entry of `kind`, in title order.
pub(super) fn kind_links(
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
pub(super) fn intro_html(graph: &Graph, source: &crate::source::SourceText, root: &str) -> String {
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
