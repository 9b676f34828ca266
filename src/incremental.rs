//! The incremental engine: builds the same knowledge base again and again, redoing only the
//! work whose inputs changed, with output byte-identical to a clean build.
//!
//! Each piece of work is a pure function, and its result is remembered under the hash of
//! everything it reads:
//!
//! - **validation** of an entry file: its path and text, the configuration and every
//!   `_index.md` ([`site::AnalysisMemo`]);
//! - **linking** an entry: its file, and of every entry what a link is checked against
//!   (`link::LinkMemo`);
//! - the **derived views**: every entry's file, front matter and body link targets, and the
//!   edges ([`crate::derive::derive_key()`]); failing that, the **global layout**: the number of
//!   entries and the undirected edges;
//! - every **output page**: its template context serialised into the hash, plus the site
//!   fingerprint (templates, Tera globals, lode's version); an entry page's body HTML is
//!   rendered only when the page is, and stands in its key by the hash of what it is made from
//!   (the file's text, its links' targets' addresses and titles, its heading ids).
//!
//! So an output is rendered again exactly when something it shows changed, and a change that
//! shows on no page (a typo fixed in a source's notes that no page quotes) renders nothing.
//!
//! Building every page's context to hash it still costs time in proportion to the site, so
//! one rule is kept by hand, for the commonest edit — a body changed and nothing else (see
//! `LastSite::pages_showing_changed_bodies`): then only the pages that read a body are
//! considered at all. The property test in `tests/integration/incremental.rs` applies random
//! edit sequences and compares every file with a clean build after every step; it fails when
//! that rule leaves out a page.

use crate::build_cache::{Bytes, PageCache, Remembered};
use crate::derive::Derived;
use crate::diagnostics::sort_diagnostics;
use crate::discover::{KnowledgeBaseFiles, ThemeFile};
use crate::render::{PageSink, RenderInput};
use crate::site::{self, AnalysisMemo, BuildOptions, Outcome, SetupError, SiteFiles};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// A knowledge base built again and again, remembering between builds.
#[derive(Default)]
pub struct Engine {
    analysis: AnalysisMemo,
    /// Every output of the last good build, under its key.
    pages: BTreeMap<String, Remembered>,
    /// The last good build's site and what it was made from.
    last: Option<LastSite>,
}

/// The last good build: its files, and what decides whether a new build can start from them.
struct LastSite {
    /// Templates, Tera globals and lode's version ([`site::site_fingerprint`]).
    fingerprint: u64,
    /// The static files' paths and bytes, hashed.
    static_key: u64,
    /// The derived views it was rendered from; the same `Arc` comes back from derive's memo
    /// exactly when nothing derive reads has changed.
    derived: Arc<Derived>,
    /// Each entry's text fingerprint, in entry order.
    fingerprints: Vec<u64>,
    /// Every file of the site.
    files: SiteFiles,
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
            let static_key = static_files_key(&analysis.discovered.static_files);
            let changed_bodies = self.last.as_ref().and_then(|last| {
                last.pages_showing_changed_bodies(&analysis, fingerprint, static_key)
            });
            let mut kept_pages = std::mem::take(&mut self.pages);
            // A build that renders only some pages looks up only theirs, and keeps the
            // others' as they were: nothing here grows with the site.
            let looked_up = match &changed_bodies {
                Some(pages) => pages
                    .iter()
                    .map(|&index| format!("{}index.html", analysis.graph.entries[index].url_path))
                    .filter_map(|file| kept_pages.remove_entry(&file))
                    .collect(),
                None => std::mem::take(&mut kept_pages),
            };
            let cache = PageCache::following(looked_up, fingerprint);
            let input = RenderInput {
                page_cache: Some(&cache),
                ..analysis.render_input(files)
            };
            let sink = SharedMemorySink::default();
            match &changed_bodies {
                Some(pages) => site::render_entry_pages_timed(&input, &sink, pages, outcome),
                None => site::render_timed(&input, &sink, outcome),
            }
            let reused_pages = cache.reused_count();
            // The pages rendered or reused so far are kept even when the build failed: each
            // stays valid under its own key for the next try.
            kept_pages.extend(cache.into_current());
            self.pages = kept_pages;
            if !outcome.has_errors() {
                let rendered = sink.into_files();
                let pages = rendered
                    .keys()
                    .filter(|path| path.ends_with(".html"))
                    .count();
                build.pages_rendered = pages.saturating_sub(reused_pages);
                let site = match (changed_bodies, self.last.take()) {
                    (Some(_), Some(mut last)) => {
                        last.files.extend(rendered);
                        last.files
                    }
                    _ => rendered,
                };
                self.last = Some(LastSite {
                    fingerprint,
                    static_key,
                    derived: Arc::clone(&analysis.derived),
                    fingerprints: entry_fingerprints(&analysis),
                    files: site.clone(),
                });
                build.files = Some(site);
            }
        }
        sort_diagnostics(&mut build.outcome.diagnostics);
        Ok(build)
    }
}

impl LastSite {
    /// When the only change since this build is to bodies, the entries whose pages can show a
    /// changed body; `None` when anything else may have changed, and every page must be
    /// considered.
    ///
    /// The argument, checked by the property test: derive's memo gave back this build's very
    /// views, so every entry's file path, front matter and body link targets are the same, as
    /// are the configuration and every `_index.md` (derive's key covers them); templates,
    /// Tera globals and static files are the same too. What a changed body can still change
    /// is read by entry pages only: its own page (body, table of contents) and the pages its
    /// body links to (the sentence each backlink quotes). No list, feed or export reads a
    /// body, its headings or its link sentences.
    fn pages_showing_changed_bodies(
        &self,
        analysis: &site::Analysis,
        fingerprint: u64,
        static_key: u64,
    ) -> Option<Vec<usize>> {
        let entries = &analysis.graph.entries;
        let same_inputs = self.fingerprint == fingerprint
            && self.static_key == static_key
            && Arc::ptr_eq(&self.derived, &analysis.derived)
            && self.fingerprints.len() == entries.len();
        if !same_inputs {
            return None;
        }
        let mut pages = BTreeSet::new();
        for (index, entry) in entries.iter().enumerate() {
            if entry.source.fingerprint != self.fingerprints[index] {
                pages.insert(index);
                // The targets are unchanged (derive's key), so these are the pages whose
                // backlinks quote this body, before and after the edit.
                pages.extend(
                    analysis.graph.body_links[index]
                        .iter()
                        .map(|link| link.target),
                );
            }
        }
        Some(pages.into_iter().collect())
    }
}

/// Each entry's text fingerprint, in entry order.
fn entry_fingerprints(analysis: &site::Analysis) -> Vec<u64> {
    let entries = &analysis.graph.entries;
    entries
        .iter()
        .map(|entry| entry.source.fingerprint)
        .collect()
}

/// The hash of the static files' paths and bytes.
fn static_files_key(static_files: &[ThemeFile]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for file in static_files {
        for part in [file.path.as_bytes(), &file.bytes] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    hasher.digest()
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
