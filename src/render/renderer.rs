//! The state every page function shares, and the one function that turns a view into a page.

use super::markdown::{BodyContext, body_to_html};
use super::sanitize::RawHtml;
use super::views::{EntryLink, entry_link};
use super::{PageSink, RenderInput, root_prefix};
use crate::build_cache::Output;
use crate::diagnostics::{Code, Diagnostic};
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
        let place = PagePlace {
            template,
            root,
            path,
            file,
            title,
            description,
        };
        self.page_with_late_part(&place, page, Late::none())
    }

    /// Renders a page whose context gets one costly part (an entry's body HTML) only when the
    /// page is really rendered: with a page cache, the key is the hash of the context without
    /// that part plus `late.key`, the hash of everything the part is made from, so a page that
    /// is reused never pays for it.
    pub(super) fn page_with_late_part<T: Serialize>(
        &self,
        place: &PagePlace,
        page: T,
        late: Late<'_, T>,
    ) -> Result<(), Diagnostic> {
        let mut page = Page {
            root: place.root,
            path: place.path,
            title: place.title,
            description: place.description,
            page,
        };
        let file = place.file;
        // The page's bytes are a pure function of this context and the site fingerprint.
        let key = self
            .input
            .page_cache
            .map(|cache| (cache, context_key(cache, place.template, &page, late.key)));
        if let Some((cache, Some(key))) = key
            && let Some(output) = cache.reuse(file, key)
        {
            let kept = match &output {
                Output::Bytes(bytes) => self.sink.put_shared(file, bytes.clone()).map(|()| true),
                Output::Digest { length, hash } => self.sink.keep_existing(file, *length, *hash),
            };
            // Not kept: the output folder no longer holds that file, so it is rendered.
            if kept.map_err(|error| Diagnostic::error(Code::OutputFailed, file, error))? {
                cache.reused(file, key, output);
                return Ok(());
            }
        }
        (late.fill)(&mut page.page)?;
        let context = tera::Context::from_serialize(&page).map_err(|error| {
            Diagnostic::error(
                Code::OutputFailed,
                format!("templates/{}", place.template),
                format!("cannot build the page data: {error}"),
            )
        })?;
        let html = self
            .tera
            .render(place.template, &context)
            .map_err(|error| {
                super::templates::render_error(
                    self.input.templates,
                    place.template,
                    place.path,
                    &error,
                )
            })?;
        let bytes = crate::build_cache::Bytes::from(html.into_bytes());
        // Shared, not copied: a sink in memory and the page memo hold the same bytes.
        let put = self
            .sink
            .put_shared(file, bytes.clone())
            .map_err(|error| Diagnostic::error(Code::OutputFailed, file, error));
        if let Some((cache, Some(key))) = key {
            cache.remember(file, key, bytes);
        }
        put
    }

    /// What raw HTML in markdown becomes on this site (`unsafe_html`).
    pub(super) fn raw_html(&self) -> RawHtml {
        RawHtml::from_config(self.input.config)
    }

    /// The largest code block that is highlighted (`limits.highlighted_code_block_size`).
    pub(super) fn highlight_limit(&self) -> usize {
        self.input.config.limits.highlighted_code_block_size
    }

    /// Rows (or events, or entries) per page of a long list.
    pub(super) fn page_size(&self) -> usize {
        self.input.config.page_size.get()
    }
}

/// Where a page goes and what its common context says.
pub(super) struct PagePlace<'a> {
    /// The template that renders it.
    pub(super) template: &'a str,
    /// `../` back to the site root.
    pub(super) root: &'a str,
    /// Its URL path (`countries/russia/`).
    pub(super) path: &'a str,
    /// Its file (`countries/russia/index.html`).
    pub(super) file: &'a str,
    /// Its title.
    pub(super) title: &'a str,
    /// Its description (meta tags).
    pub(super) description: &'a str,
}

/// Puts a page's late part into its data.
pub(super) type FillLate<'f, T> = Box<dyn FnOnce(&mut T) -> Result<(), Diagnostic> + 'f>;

/// The part of a page's data filled in only when the page is rendered: `key` hashes all it
/// is made from, `fill` makes it.
pub(super) struct Late<'f, T> {
    /// Hash of the part's inputs (0 when there is no such part).
    pub(super) key: u64,
    /// Puts the part into the page's data.
    pub(super) fill: FillLate<'f, T>,
}

impl<T> Late<'_, T> {
    /// No late part.
    pub(super) fn none() -> Self {
        Late {
            key: 0,
            fill: Box::new(|_| Ok(())),
        }
    }
}

/// The cache key of a page: the template, the context serialised straight into the hash, and
/// the late part's key; `None` if the context cannot be serialised (the page is then rendered,
/// and the same error is reported by Tera).
fn context_key<P: Serialize>(
    cache: &crate::build_cache::PageCache,
    template: &str,
    page: &P,
    late_key: u64,
) -> Option<u64> {
    let mut hasher = cache.key_hasher(template);
    serde_json::to_writer(crate::build_cache::HashWriter(&mut hasher), page).ok()?;
    hasher.update(&late_key.to_le_bytes());
    Some(hasher.digest())
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

/// The prose of an `_index.md` (home page, kind or comparisons intro) as HTML, its raw HTML
/// treated as `raw_html` says, code blocks past `highlight_limit` bytes shown plain. Its links
/// are not resolved through the graph: intros are not entries.
pub(super) fn intro_html(
    graph: &Graph,
    source: &crate::source::SourceText,
    root: &str,
    raw_html: RawHtml,
    highlight_limit: usize,
) -> String {
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
            raw_html,
            highlight_limit,
        },
    )
}
