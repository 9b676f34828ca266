//! The incremental engine: builds the same knowledge base again and again, redoing only the
//! work whose inputs changed, with output byte-identical to a clean build.
//!
//! Nothing here keeps a hand-written list of what depends on what. Each piece of work is a
//! pure function, and its result is remembered under the hash of everything it reads:
//!
//! - **validation** of an entry file: its path and text, the configuration and every
//!   `_index.md` ([`site::AnalysisMemo`]);
//! - the **global layout**: the number of entries and the undirected edges;
//! - every **output page**: its template context serialised into the hash, plus the site
//!   fingerprint (templates, Tera globals, lode's version); an entry page's body HTML is
//!   rendered only when the page is, and stands in its key by the hash of what it is made from
//!   (the file's text, its links' targets' addresses and titles, its heading ids).
//!
//! So an output is rendered again exactly when something it shows changed, and a change that
//! shows on no page (a typo fixed in a source's notes that no page quotes) renders nothing. The
//! property test in `tests/integration/incremental.rs` applies random edit sequences and
//! compares every file with a clean build after every step.

use crate::build_cache::{Bytes, PageCache, Remembered};
use crate::diagnostics::sort_diagnostics;
use crate::discover::KnowledgeBaseFiles;
use crate::render::{PageSink, RenderInput};
use crate::site::{self, AnalysisMemo, BuildOptions, Outcome, SetupError, SiteFiles};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A knowledge base built again and again, remembering between builds.
#[derive(Default)]
pub struct Engine {
    analysis: AnalysisMemo,
    /// Every output of the last good build, under its key.
    pages: BTreeMap<String, Remembered>,
}

/// One build of the engine.
#[derive(Debug, Default)]
pub struct EngineBuild {
    /// Diagnostics, timings, entry count.
    pub outcome: Outcome,
    /// Every file of the site by path, when the build had no errors.
    pub files: Option<SiteFiles>,
    /// Pages (HTML files) rendered rather than reused.
    pub pages_rendered: usize,
}

impl Engine {
    /// An engine that remembers nothing yet: its first build is a clean one.
    pub fn new() -> Self {
        Engine::default()
    }

    /// Builds `files` into memory, reusing what the previous builds remembered where its
    /// inputs are unchanged. A failed build keeps what the last good one remembered.
    pub fn build(
        &mut self,
        files: &dyn KnowledgeBaseFiles,
        options: &BuildOptions,
    ) -> Result<EngineBuild, SetupError> {
        let config = site::load_config(files, options)?;
        let mut build = EngineBuild::default();
        let outcome = &mut build.outcome;
        let analysis = site::analyse_remembering(
            files,
            options,
            config,
            &mut outcome.timings,
            &mut outcome.diagnostics,
            &mut self.analysis,
        );
        outcome.entry_count = analysis.graph.entries.len();
        if !outcome.has_errors() {
            let fingerprint = site::site_fingerprint(&analysis, files);
            let cache = PageCache::following(std::mem::take(&mut self.pages), fingerprint);
            let input = RenderInput {
                page_cache: Some(&cache),
                ..analysis.render_input(files)
            };
            let sink = SharedMemorySink::default();
            site::render_timed(&input, &sink, outcome);
            let reused_pages = cache.reused_count();
            // The pages rendered or reused so far are kept even when the build failed: each
            // stays valid under its own key for the next try.
            self.pages = cache.into_current();
            if !outcome.has_errors() {
                let files = sink.into_files();
                let pages = files.keys().filter(|path| path.ends_with(".html")).count();
                build.pages_rendered = pages.saturating_sub(reused_pages);
                build.files = Some(files);
            }
        }
        sort_diagnostics(&mut build.outcome.diagnostics);
        Ok(build)
    }
}

/// A sink holding the site in memory, sharing the bytes of reused pages rather than copying.
#[derive(Debug, Default)]
struct SharedMemorySink {
    files: Mutex<SiteFiles>,
}

impl SharedMemorySink {
    fn into_files(self) -> SiteFiles {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl PageSink for SharedMemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.put_shared(path, Bytes::copy_from_slice(bytes))
    }

    fn put_shared(&self, path: &str, bytes: Bytes) -> Result<(), String> {
        let previous = self
            .files
            .lock()
            .map_err(|_| "memory sink poisoned".to_string())?
            .insert(path.to_string(), bytes);
        match previous {
            // Like the staging folder: two pages at one address is an error, never a race.
            Some(_) => Err(crate::write::WriteError::WrittenTwice(path.to_string()).to_string()),
            None => Ok(()),
        }
    }
}
