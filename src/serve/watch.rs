//! Watching the knowledge base: `content/`, `templates/`, `static/` and `lode.yaml`, through
//! `notify` with a debouncer, and batches of changes coalesced until the files are quiet, so a
//! `git checkout` that touches a thousand files gives one rebuild.

use crate::discover::is_ignored_name;
use notify_debouncer_mini::notify::{self, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How long a file must be quiet before its change is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// The watched folders of one knowledge base, and the changes seen in them.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher>,
    watched: BTreeSet<PathBuf>,
    folders: Vec<PathBuf>,
    changes: Receiver<Result<Vec<PathBuf>, String>>,
}

/// A batch of changed paths, or what went wrong watching.
pub type Batch = Result<Vec<PathBuf>, String>;

impl Watcher {
    /// Watches `root/lode.yaml` and the folders `content_dir`, `templates` and `static` under
    /// `root` (a folder that does not exist yet is watched once it appears).
    pub fn start(root: &Path, content_dir: &str) -> Result<Self, notify::Error> {
        let (sender, changes) = channel();
        let folders = vec![
            root.join(content_dir),
            root.join("templates"),
            root.join("static"),
        ];
        let relevant_root = root.to_path_buf();
        let relevant_folders = folders.clone();
        let debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
            forward(&relevant_root, &relevant_folders, &sender, result);
        })?;
        let mut watcher = Watcher {
            debouncer,
            watched: BTreeSet::new(),
            folders,
            changes,
        };
        // Not recursive: the root holds the output and build folders, which are not watched.
        watcher
            .debouncer
            .watcher()
            .watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_folders()?;
        Ok(watcher)
    }

    /// Waits for the next changes: blocks for a first batch, then keeps collecting until
    /// nothing new came for one debounce period. `None` once the watcher has stopped.
    pub fn next_changes(&mut self) -> Option<Batch> {
        let mut changed = match self.changes.recv().ok()? {
            Ok(paths) => paths,
            Err(error) => return Some(Err(error)),
        };
        loop {
            match self.changes.recv_timeout(DEBOUNCE) {
                Ok(Ok(paths)) => changed.extend(paths),
                Ok(Err(error)) => return Some(Err(error)),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        changed.sort();
        changed.dedup();
        if let Err(error) = self.watch_new_folders() {
            return Some(Err(error.to_string()));
        }
        Some(Ok(changed))
    }

    /// Starts watching the folders that exist now and were not watched yet.
    fn watch_new_folders(&mut self) -> Result<(), notify::Error> {
        for folder in &self.folders {
            if folder.is_dir() && !self.watched.contains(folder) {
                self.debouncer
                    .watcher()
                    .watch(folder, RecursiveMode::Recursive)?;
                self.watched.insert(folder.clone());
            }
        }
        Ok(())
    }
}

/// Sends the relevant paths of one debounced batch on (nothing when none is relevant).
fn forward(root: &Path, folders: &[PathBuf], sender: &Sender<Batch>, result: DebounceEventResult) {
    let batch = match result {
        Ok(events) => {
            let paths: Vec<PathBuf> = events
                .into_iter()
                .map(|event| event.path)
                .filter(|path| is_relevant(root, folders, path))
                .collect();
            if paths.is_empty() {
                return;
            }
            Ok(paths)
        }
        Err(error) => Err(error.to_string()),
    };
    // The receiver is gone only when the server stops; there is nobody left to tell.
    let _stopping = sender.send(batch);
}

/// Whether a change at `path` can change the site: `lode.yaml`, one of the watched `folders`
/// appearing or going, or a file inside one whose names are not hidden or editor temporaries.
/// (The root itself is watched only for its own entries: its output and build folders are not.)
pub fn is_relevant(root: &Path, folders: &[PathBuf], path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let names: Vec<String> = relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    match names.as_slice() {
        [] => false,
        [only] => only == "lode.yaml" || folders.iter().any(|folder| folder == path),
        _ => {
            folders.iter().any(|folder| path.starts_with(folder))
                && names.iter().all(|name| !is_ignored_name(name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configuration_and_files_in_watched_folders_are_relevant() {
        let root = Path::new("/kb");
        let folders = [root.join("content"), root.join("templates")];
        let is_relevant = |root, path: &str| is_relevant(root, &folders, Path::new(path));
        assert!(is_relevant(root, "/kb/lode.yaml"));
        assert!(is_relevant(root, "/kb/templates"));
        assert!(!is_relevant(root, "/kb/target/debug/lode"));
        assert!(is_relevant(root, "/kb/content/countries/russia.md"));
        assert!(is_relevant(root, "/kb/templates/entry.html"));
        assert!(!is_relevant(root, "/kb/public"));
        assert!(!is_relevant(root, "/kb/README.md"));
        assert!(!is_relevant(root, "/kb/content/.russia.md.swp"));
        assert!(!is_relevant(root, "/kb/content/russia.md~"));
        assert!(!is_relevant(root, "/kb/content/.git/index"));
        assert!(!is_relevant(root, "/elsewhere/lode.yaml"));
    }
}
