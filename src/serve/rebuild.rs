//! The one seam between `lode serve` and the pipeline: [`Rebuild::rebuild`] turns "these files
//! changed" into a new site in memory, or the diagnostics that stop it.
//!
//! Each rebuild runs the [`crate::incremental::Engine`] on the knowledge base's files, of which
//! only the changed ones are read again ([`HeldDiskFiles`]). Nothing else in `serve/` (server,
//! watcher, reload channel, overlay) knows how a rebuild is done.

use crate::diagnostics::{Diagnostic, count};
use crate::discover::HeldDiskFiles;
use crate::incremental::Engine;
use crate::site::{BuildOptions, SiteFiles};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Builds the site of one knowledge base into memory, again and again.
pub struct Rebuild {
    options: BuildOptions,
    files: HeldDiskFiles,
    engine: Engine,
}

/// What one rebuild produced.
#[derive(Debug)]
pub struct RebuildReport {
    /// Every file of the site by path (`countries/russia/index.html`), when the build had no
    /// errors; `None` when it failed (the server then keeps its last good site).
    pub files: Option<SiteFiles>,
    /// Every diagnostic, sorted, warnings included.
    pub diagnostics: Vec<Diagnostic>,
    /// A usage or configuration problem (`lode.yaml`), as `lode check` prints it.
    pub setup_error: Option<String>,
    /// How many pages (HTML files) this rebuild rendered.
    pub pages_rendered: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
}

impl Rebuild {
    /// A rebuild of the knowledge base `options` describe (`base_url` already set to where it
    /// is served).
    pub fn new(options: BuildOptions) -> Self {
        Rebuild {
            files: HeldDiskFiles::new(&options.root),
            options,
            engine: Engine::new(),
        }
    }

    /// Rebuilds after `changed` files (absolute paths; empty for the first build) changed.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> RebuildReport {
        let start = Instant::now();
        self.files.forget(changed);
        match self.engine.build(&self.files, &self.options) {
            Ok(build) => RebuildReport {
                pages_rendered: build.pages_rendered,
                files: build.files,
                diagnostics: build.outcome.diagnostics,
                setup_error: None,
                elapsed: start.elapsed(),
            },
            Err(error) => RebuildReport {
                files: None,
                diagnostics: Vec::new(),
                setup_error: Some(error.to_string()),
                pages_rendered: 0,
                elapsed: start.elapsed(),
            },
        }
    }
}

impl RebuildReport {
    /// The text the overlay shows when this rebuild failed, exactly as `lode check` prints it
    /// without colour (each diagnostic followed by a blank line; a configuration error alone);
    /// `None` when the build succeeded.
    pub fn problems_text(&self) -> Option<String> {
        if let Some(error) = &self.setup_error {
            return Some(format!("{error}\n"));
        }
        if self.files.is_some() {
            return None;
        }
        Some(diagnostics_text(&self.diagnostics, false))
    }

    /// Errors and warnings among the diagnostics.
    pub fn error_and_warning_counts(&self) -> (usize, usize) {
        let (errors, warnings) = count(&self.diagnostics);
        (errors + usize::from(self.setup_error.is_some()), warnings)
    }
}

/// Every diagnostic rendered as `lode check` prints it: each one, then a blank line.
pub fn diagnostics_text(diagnostics: &[Diagnostic], colour: bool) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| format!("{}\n\n", diagnostic.render(colour)))
        .collect()
}
