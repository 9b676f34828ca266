//! Stage 7, **write**: put the rendered site on disk, safely.
//!
//! Rendered files first go to a staging folder beside the output (same disk, so memory does not
//! grow with the site's HTML and the final move is a rename). Only when everything rendered
//! without error is the staging folder committed: each file whose bytes changed is renamed into
//! place (atomic), unchanged files are left alone (deploys upload only what changed), stale files
//! are removed. A failed build abandons the staging folder and leaves the previous site as it
//! was. `lode` writes into or cleans only a folder it created itself, as its marker file says.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The file that marks an output folder as made by lode.
pub const MARKER_FILE: &str = ".lode-output";

/// Why the output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder holds files lode did not write.
    #[error(
        "refusing to write into `{0}`: it is not empty and was not created by lode (no {MARKER_FILE} file)"
    )]
    NotOurs(PathBuf),
    /// Two pages of the site want the same file.
    #[error(
        "`{0}` would be written twice: two pages of the site have the same address, and one would silently replace the other"
    )]
    WrittenTwice(String),
    /// A thread panicked while it held the staging folder's list of `what` files, so which
    /// files were staged is unknown: committing could drop or keep the wrong ones.
    #[error(
        "the staging folder's list of {0} files was left half-updated by a thread that panicked"
    )]
    Poisoned(&'static str),
    /// A file system error.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A staging folder being filled by the render stage.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Files staged because they are new or changed.
    files: Mutex<BTreeSet<String>>,
    /// Files whose bytes equal the output's copy: never staged, left alone.
    unchanged: Mutex<BTreeSet<String>>,
    /// Every file put so far, staged or not: a second put of one is an error, not a race.
    claimed: Mutex<BTreeSet<String>>,
}

/// What a commit did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files left alone because their bytes did not change.
    pub unchanged: usize,
    /// Stale files removed.
    pub removed: usize,
}

/// Checks that `output` is ours (or absent or empty) and opens a fresh staging folder beside it.
pub fn prepare(output: &Path) -> Result<Staging, WriteError> {
    check_output_is_ours(output)?;
    let staging = staging_path(output);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io_error(&staging))?;
    Ok(Staging {
        output: output.to_path_buf(),
        staging,
        files: Mutex::new(BTreeSet::new()),
        unchanged: Mutex::new(BTreeSet::new()),
        claimed: Mutex::new(BTreeSet::new()),
    })
}

/// Refuses a non-empty folder that has no marker file.
pub fn check_output_is_ours(output: &Path) -> Result<(), WriteError> {
    match std::fs::read_dir(output) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(WriteError::Io {
            path: output.to_path_buf(),
            source: error,
        }),
        Ok(mut entries) => {
            let empty = entries.next().is_none();
            if empty || output.join(MARKER_FILE).is_file() {
                Ok(())
            } else {
                Err(WriteError::NotOurs(output.to_path_buf()))
            }
        }
    }
}

fn staging_path(output: &Path) -> PathBuf {
    let name = output.file_name().map_or_else(
        || "public".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    output.with_file_name(format!(".{name}.lode-staging"))
}

impl Staging {
    /// Stages one file (`relative` uses `/`). Safe to call from several threads. A file whose
    /// bytes equal the output's current copy is not staged at all, so a rebuild with nothing
    /// changed writes nothing.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let first_claim = lock(&self.claimed, "claimed")?.insert(relative.to_string());
        if !first_claim {
            return Err(WriteError::WrittenTwice(relative.to_string()));
        }
        if output_has_bytes(&self.output.join(relative), bytes) {
            lock(&self.unchanged, "unchanged")?.insert(relative.to_string());
            return Ok(());
        }
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io_error(&path))?;
        lock(&self.files, "staged")?.insert(relative.to_string());
        Ok(())
    }

    /// Keeps the output's current copy of `relative` as this build's, if it is `length` bytes
    /// with xxh3 `hash` (it is then claimed like a staged file); `Ok(false)` otherwise.
    pub fn keep_existing(
        &self,
        relative: &str,
        length: u64,
        hash: u64,
    ) -> Result<bool, WriteError> {
        let path = self.output.join(relative);
        let matches = match std::fs::metadata(&path) {
            Ok(metadata) if metadata.is_file() && metadata.len() == length => std::fs::read(&path)
                .is_ok_and(|existing| xxhash_rust::xxh3::xxh3_64(&existing) == hash),
            _ => false,
        };
        if !matches {
            return Ok(false);
        }
        let first_claim = lock(&self.claimed, "claimed")?.insert(relative.to_string());
        if !first_claim {
            return Err(WriteError::WrittenTwice(relative.to_string()));
        }
        lock(&self.unchanged, "unchanged")?.insert(relative.to_string());
        Ok(true)
    }

    /// Moves changed files into the output (atomic renames), leaves unchanged ones, removes
    /// stale ones.
    pub fn commit(self) -> Result<WriteReport, WriteError> {
        let staged = lock(&self.files, "staged")?.clone();
        let unchanged = lock(&self.unchanged, "unchanged")?.clone();
        if unchanged.is_empty() && folder_is_absent_or_empty(&self.output) {
            // A clean build: the staging folder becomes the output in one rename, instead of a
            // folder and a rename per page.
            if self.output.exists() {
                std::fs::remove_dir(&self.output).map_err(io_error(&self.output))?;
            }
            std::fs::rename(&self.staging, &self.output).map_err(io_error(&self.output))?;
            write_marker(&self.output)?;
            return Ok(WriteReport {
                written: staged.len(),
                ..WriteReport::default()
            });
        }
        std::fs::create_dir_all(&self.output).map_err(io_error(&self.output))?;
        let mut report = WriteReport {
            unchanged: unchanged.len(),
            ..WriteReport::default()
        };
        for relative in &staged {
            let source = self.staging.join(relative);
            let target = self.output.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            if target.is_dir() {
                std::fs::remove_dir_all(&target).map_err(io_error(&target))?;
            }
            std::fs::rename(&source, &target).map_err(io_error(&target))?;
            report.written += 1;
        }
        let mut keep = staged;
        keep.extend(unchanged);
        report.removed = remove_stale(&self.output, &keep)?;
        write_marker(&self.output)?;
        std::fs::remove_dir_all(&self.staging).map_err(io_error(&self.staging))?;
        Ok(report)
    }

    /// Drops the staging folder; the output is untouched.
    pub fn abandon(self) {
        // Best effort: a leftover staging folder is removed by the next build anyway.
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

/// Locks one of the staging folder's lists of files (`what` names it in the error). A poisoned
/// lock is an error, never an empty or half-updated list taken for the truth.
fn lock<'m>(
    list: &'m Mutex<BTreeSet<String>>,
    what: &'static str,
) -> Result<MutexGuard<'m, BTreeSet<String>>, WriteError> {
    list.lock().map_err(|_| WriteError::Poisoned(what))
}

/// Writes the marker file that says lode owns the folder.
fn write_marker(output: &Path) -> Result<(), WriteError> {
    let marker = output.join(MARKER_FILE);
    if marker.is_file() {
        return Ok(());
    }
    let text =
        "This folder is written by lode. `lode build` may replace or delete any file in it.\n";
    std::fs::write(&marker, text).map_err(io_error(&marker))
}

/// True when `path` does not exist or is an empty folder.
fn folder_is_absent_or_empty(path: &Path) -> bool {
    match std::fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_none(),
        Err(error) => error.kind() == io::ErrorKind::NotFound,
    }
}

/// Whether `path` is a file holding exactly `bytes` (sizes first, so most changed files cost
/// no read).
fn output_has_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() && metadata.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|existing| existing == bytes)
        }
        _ => false,
    }
}

/// Removes files in `output` that the new build did not produce, then empty folders.
fn remove_stale(output: &Path, keep: &BTreeSet<String>) -> Result<usize, WriteError> {
    let mut removed = 0;
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(output)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = entry.map_err(|error| WriteError::Io {
            path: output.to_path_buf(),
            source: error.into(),
        })?;
        let relative = entry
            .path()
            .strip_prefix(output)
            .map(|path| {
                path.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default();
        if entry.file_type().is_dir() {
            folders.push(entry.path().to_path_buf());
            continue;
        }
        if relative == MARKER_FILE || keep.contains(&relative) {
            continue;
        }
        std::fs::remove_file(entry.path()).map_err(io_error(entry.path()))?;
        removed += 1;
    }
    // Deepest first, so a folder emptied by removing its children goes too.
    folders.sort_by_key(|folder| std::cmp::Reverse(folder.components().count()));
    for folder in folders {
        if std::fs::read_dir(&folder)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false)
        {
            std::fs::remove_dir(&folder).map_err(io_error(&folder))?;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_put_twice_is_an_error_not_a_silent_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = prepare(&output).unwrap();
        staging.put("timeline/index.html", b"one").unwrap();
        assert!(matches!(
            staging.put("timeline/index.html", b"two"),
            Err(WriteError::WrittenTwice(path)) if path == "timeline/index.html"
        ));
        staging.abandon();
    }

    /// Panics in a thread while holding `list`, as a render thread that fails mid-put would.
    fn poison(list: &Mutex<BTreeSet<String>>) {
        let result = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let _held = list.lock().unwrap();
                    panic!("a render thread fails while holding the lock");
                })
                .join()
        });
        assert!(result.is_err());
    }

    #[test]
    fn a_poisoned_list_of_files_is_an_error_not_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = prepare(&output).unwrap();
        poison(&staging.claimed);
        assert!(matches!(
            staging.put("a/index.html", b"one"),
            Err(WriteError::Poisoned("claimed"))
        ));
        let staging = prepare(&output).unwrap();
        staging.put("a/index.html", b"one").unwrap();
        poison(&staging.files);
        assert!(matches!(
            staging.put("b/index.html", b"two"),
            Err(WriteError::Poisoned("staged"))
        ));
        assert!(matches!(
            staging.commit(),
            Err(WriteError::Poisoned("staged"))
        ));
        assert!(!output.exists(), "nothing was committed");
    }

    #[test]
    fn refuses_foreign_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "mine").unwrap();
        assert!(matches!(prepare(dir.path()), Err(WriteError::NotOurs(_))));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn commit_writes_changed_keeps_unchanged_removes_stale() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = prepare(&output).unwrap();
        staging.put("a/index.html", b"one").unwrap();
        staging.put("b/index.html", b"two").unwrap();
        assert_eq!(
            staging.commit().unwrap(),
            WriteReport {
                written: 2,
                unchanged: 0,
                removed: 0
            }
        );
        let staging = prepare(&output).unwrap();
        staging.put("a/index.html", b"one").unwrap();
        staging.put("c/index.html", b"three").unwrap();
        assert_eq!(
            staging.commit().unwrap(),
            WriteReport {
                written: 1,
                unchanged: 1,
                removed: 1
            }
        );
        assert!(!output.join("b").exists());
        assert!(output.join(MARKER_FILE).is_file());
        assert!(!staging_path(&output).exists());
    }

    #[test]
    fn abandon_leaves_output_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = prepare(&output).unwrap();
        staging.put("a.html", b"old").unwrap();
        staging.commit().unwrap();
        let staging = prepare(&output).unwrap();
        staging.put("a.html", b"new").unwrap();
        staging.abandon();
        assert_eq!(std::fs::read(output.join("a.html")).unwrap(), b"old");
    }
}
