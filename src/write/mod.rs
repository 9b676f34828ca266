//! Stage 7, **write**: put the rendered site on disk, so that no build eats a site.
//!
//! A build assembles the whole new site in a staging folder beside the output folder (same
//! disk), then swaps the two folders with one atomic `renameat2(RENAME_EXCHANGE)`: a build
//! killed at any instant leaves the previous site whole or the new one whole, never a mix.
//!
//! What the previous write stage did well stays, and costs no more: the site swapped out is
//! kept as the *spare* and becomes the next build's staging folder, so assembling a site only
//! touches what changed. A page whose bytes equal the output's copy is that copy, hard-linked
//! (not written again: same file, same modification time), and once the two sites share a file
//! keeping it costs nothing; a page the build cache remembers is proved by its length and hash
//! and linked the same way ([`Staging::keep_existing`]). The output folder itself is only read
//! until the swap. See [`staging`].
//!
//! The output folder's marker, `.lode-output`, lists every file lode wrote there (see
//! [`manifest`]): anything else in the folder (`.git`, `CNAME`, `.nojekyll`) is the user's,
//! linked into each new site before the swap and never deleted. A folder at the staging
//! folder's name is reused or cleaned only when a marker inside it proves it is lode's.
//!
//! One build at a time writes an output folder: a lock file beside it ([`lock`]) holds the
//! builder's process id, and a second build is refused with a clear message. An output folder
//! that is, contains or lies inside the knowledge base's sources is refused before anything is
//! written ([`OutputFolder::open`]).
//!
//! Where `renameat2(RENAME_EXCHANGE)` is missing (systems other than Linux, or a file system
//! without it), the swap falls back to renames (the old site aside, the new one into place,
//! the old one to the spare's place), which is **not atomic**: a build killed between the
//! first two leaves no output folder, and the next build puts back the whole site it finds
//! beside it.

mod index;
pub mod lock;
pub mod manifest;
mod staging;
mod swap;

pub use manifest::{MARKER_FILE, Manifest, STAGING_MARKER_FILE};
pub use staging::{Staging, WriteReport};

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why the output folder cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder holds files lode did not write, and no marker says lode may write there.
    #[error(
        "refusing to write into `{0}`: it is not empty and was not created by lode (no {MARKER_FILE} file); to let lode build into it and keep the files you put there, create an empty {MARKER_FILE} file in it"
    )]
    NotOurs(PathBuf),
    /// The output path names something that is not a folder.
    #[error("refusing to write into `{0}`: it is not a folder")]
    NotAFolder(PathBuf),
    /// The output folder would hold (or be held by) the knowledge base's own files.
    #[error(
        "refusing to build into `{output}`: it {relation} the knowledge base's {what} `{source_folder}`, and the sources must never be in the output folder (a build replaces and deletes files there); choose an output folder apart from them, such as the default `public` beside `content`"
    )]
    HoldsSources {
        /// The output folder, canonical.
        output: PathBuf,
        /// "is", "contains" or "lies inside".
        relation: &'static str,
        /// What the source is: "root", "content folder", …
        what: &'static str,
        /// The source folder, canonical.
        source_folder: PathBuf,
    },
    /// Another build is writing this output folder.
    #[error(
        "refusing to build into `{output}`: {holder} is building into it right now (lock file `{lock}`); wait for it to finish, or stop it and build again"
    )]
    Locked {
        /// The output folder.
        output: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// Who holds it, in words.
        holder: String,
    },
    /// A folder beside the output has the name of lode's staging folder but no marker of lode's.
    #[error(
        "refusing to build: `{0}` is in the way of lode's staging folder and is not lode's (no {STAGING_MARKER_FILE} or {MARKER_FILE} in it); move it away"
    )]
    InTheWay(PathBuf),
    /// A file of the output folder that lode did not write is where the new site has a page.
    #[error(
        "refusing to build into `{output}`: `{file}` there was not written by lode, and the site now has `{page}` in its place; lode never deletes a file it did not write, so move it away and build again"
    )]
    ForeignInTheWay {
        /// The output folder.
        output: PathBuf,
        /// The user's file or folder, relative to the output.
        file: String,
        /// The page of the site that needs its place.
        page: String,
    },
    /// Two pages of the site want the same file.
    #[error(
        "`{0}` would be written twice: two pages of the site have the same address, and one would silently replace the other"
    )]
    WrittenTwice(String),
    /// A page path that would not name a plain file inside the output folder.
    #[error("`{0}` is not a path lode may write inside the output folder")]
    UnsafePath(String),
    /// A thread panicked while it held the staging folder's list of `what` files, so which
    /// files were staged is unknown: committing could drop or keep the wrong ones.
    #[error(
        "the staging folder's list of {0} files was left half-updated by a thread that panicked"
    )]
    Poisoned(&'static str),
    /// The lock file cannot be used.
    #[error(transparent)]
    Lock(lock::LockError),
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

/// The name of the environment variable of a test hook: set to `N`, the write stage stops
/// before its `N`th file operation, says so on stderr and sleeps, so that a test can kill the
/// process at that exact point. Nothing else reads it; unset (always, outside tests), it does
/// nothing.
pub const TEST_ONLY_PAUSE_AT_WRITE_STEP: &str = "LODE_TEST_ONLY_PAUSE_AT_WRITE_STEP";

/// The output folder and the three names lode uses beside it.
#[derive(Debug, Clone)]
struct OutputPaths {
    /// The output folder (absolute, symbolic links resolved).
    output: PathBuf,
    /// Where the next site is assembled, and the previous one is kept between builds:
    /// `.NAME.lode-staging`.
    staging: PathBuf,
    /// Where the previous site waits when the swap is renames: `.NAME.lode-previous`.
    aside: PathBuf,
    /// The lock file: `.NAME.lode-lock`.
    lock: PathBuf,
}

impl OutputPaths {
    fn beside(output: &Path) -> Result<Self, WriteError> {
        let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
            return Err(WriteError::NotAFolder(output.to_path_buf()));
        };
        let name = name.to_string_lossy();
        Ok(OutputPaths {
            output: output.to_path_buf(),
            staging: parent.join(format!(".{name}.lode-staging")),
            aside: parent.join(format!(".{name}.lode-previous")),
            lock: parent.join(format!(".{name}.lode-lock")),
        })
    }
}

/// A source folder of the knowledge base the output must keep apart from: what it is ("root",
/// "content folder", …) and where.
pub type SourceFolder = (&'static str, PathBuf);

/// An output folder opened for one build: checked, locked, and cleaned of any earlier build
/// that was stopped half-way.
#[derive(Debug)]
pub struct OutputFolder {
    paths: OutputPaths,
    /// What the output's marker lists (an absent or empty folder lists nothing).
    manifest: Manifest,
    notes: Vec<String>,
    _lock: lock::LockFile,
}

impl OutputFolder {
    /// Opens `output` for a build of the knowledge base whose folders are `sources` (the root
    /// first): refuses an output that is, contains or lies inside one of them; takes the lock
    /// beside it (refusing if another build holds it); repairs what a killed build left; and
    /// refuses a non-empty folder that lode did not create.
    pub fn open(output: &Path, sources: &[SourceFolder]) -> Result<OutputFolder, WriteError> {
        let output = canonical_even_if_absent(output).map_err(io_error(output))?;
        refuse_output_holding_sources(&output, sources)?;
        let paths = OutputPaths::beside(&output)?;
        if let Some(parent) = output.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let held = lock::acquire(&paths.lock).map_err(|error| match error {
            lock::LockError::Held { .. } => WriteError::Locked {
                output: output.clone(),
                lock: paths.lock.clone(),
                holder: error.to_string().trim_start_matches("held by ").to_string(),
            },
            other => WriteError::Lock(other),
        })?;
        let mut notes = Vec::new();
        if let Some(pid) = held.taken_over_from {
            notes.push(format!(
                "a build (pid {pid}) was stopped before it finished; its lock was taken over"
            ));
        }
        recover(&paths, &mut notes)?;
        let manifest = read_output_state(&paths.output)?;
        prepare_spare(&paths, &mut notes)?;
        Ok(OutputFolder {
            paths,
            manifest,
            notes,
            _lock: held,
        })
    }

    /// The output folder (absolute, links resolved).
    pub fn path(&self) -> &Path {
        &self.paths.output
    }

    /// What opening the folder found and repaired (a stale lock, a killed build's folders),
    /// for warnings.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Opens the staging folder for the next site: the spare site, or a new folder.
    pub fn stage(&self) -> Result<Staging<'_>, WriteError> {
        let staging = &self.paths.staging;
        if matches!(folder_state(staging)?, FolderState::Absent) {
            std::fs::create_dir(staging).map_err(io_error(staging))?;
            // The new site's folder takes the place of the output: it keeps its permissions.
            if let Ok(metadata) = std::fs::metadata(&self.paths.output) {
                std::fs::set_permissions(staging, metadata.permissions())
                    .map_err(io_error(staging))?;
            }
        }
        let marker = staging.join(STAGING_MARKER_FILE);
        let text = format!(
            "A site being assembled by lode (pid {}) for `{}`; the next build reuses it. Safe to delete when no lode is running.\n",
            std::process::id(),
            self.paths.output.display()
        );
        std::fs::write(&marker, text).map_err(io_error(&marker))?;
        // Two walks of as many folders as the site has pages: side by side.
        let (previous, base) = rayon::join(
            || index::FolderIndex::of(&self.paths.output),
            || index::FolderIndex::of(staging),
        );
        Ok(Staging {
            folder: self,
            previous: previous?,
            base: base?,
            claimed: Mutex::new(BTreeSet::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            steps: Steps::from_environment(),
        })
    }
}

/// Refuses an output folder that is, contains or lies inside a source folder (`sources[0]` is
/// the root: the output may lie inside it, as the default `public` does).
fn refuse_output_holding_sources(
    output: &Path,
    sources: &[SourceFolder],
) -> Result<(), WriteError> {
    for (index, (what, source)) in sources.iter().enumerate() {
        let source = canonical_even_if_absent(source).map_err(io_error(source))?;
        let relation = if source == output {
            Some("is")
        } else if source.starts_with(output) {
            Some("contains")
        } else if index > 0 && output.starts_with(&source) {
            Some("lies inside")
        } else {
            None
        };
        if let Some(relation) = relation {
            return Err(WriteError::HoldsSources {
                output: output.to_path_buf(),
                relation,
                what,
                source_folder: source,
            });
        }
    }
    Ok(())
}

/// `path` made absolute with every symbolic link resolved, even when its last components do
/// not exist yet: the part that exists is canonicalised, the rest appended (`..` in it taken
/// lexically, since nothing below a missing folder exists).
pub fn canonical_even_if_absent(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut resolved = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if exists {
                    match std::fs::canonicalize(&resolved) {
                        Ok(canonical) => resolved = canonical,
                        Err(error) if error.kind() == io::ErrorKind::NotFound => exists = false,
                        Err(error) => return Err(error),
                    }
                }
            }
        }
    }
    Ok(resolved)
}

/// What a folder at one of lode's names is.
enum FolderState {
    Absent,
    /// A site being assembled, or a spare: everything in it is lode's, or a link to a file of
    /// the output.
    Unfinished,
    /// A whole site with its marker: a staging folder finished but not swapped in, or the
    /// previous site swapped out by a build killed before it marked it as the spare.
    Site(Manifest),
    Empty,
    NotOurs,
}

fn folder_state(path: &Path) -> Result<FolderState, WriteError> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(FolderState::Absent),
        Err(error) => return Err(io_error(path)(error)),
    };
    if !metadata.is_dir() {
        return Ok(FolderState::NotOurs);
    }
    if is_regular_file(&path.join(STAGING_MARKER_FILE)) {
        return Ok(FolderState::Unfinished);
    }
    if let Some(manifest) = read_marker(path)? {
        return Ok(FolderState::Site(manifest));
    }
    let mut entries = std::fs::read_dir(path).map_err(io_error(path))?;
    if entries.next().is_none() {
        Ok(FolderState::Empty)
    } else {
        Ok(FolderState::NotOurs)
    }
}

/// The marker of `folder`, if it has one (a regular file, not a link).
fn read_marker(folder: &Path) -> Result<Option<Manifest>, WriteError> {
    let marker = folder.join(MARKER_FILE);
    if !is_regular_file(&marker) {
        return Ok(None);
    }
    let bytes = std::fs::read(&marker).map_err(io_error(&marker))?;
    Ok(Some(manifest::parse_marker(&String::from_utf8_lossy(
        &bytes,
    ))))
}

/// What the output folder's marker lists; an absent or empty folder lists nothing, and a
/// non-empty folder without a marker is not lode's.
fn read_output_state(output: &Path) -> Result<Manifest, WriteError> {
    match folder_state(output)? {
        FolderState::Absent | FolderState::Empty => Ok(Manifest::Files(BTreeSet::new())),
        FolderState::Site(manifest) => Ok(manifest),
        FolderState::Unfinished | FolderState::NotOurs => {
            if std::fs::symlink_metadata(output).is_ok_and(|metadata| !metadata.is_dir()) {
                Err(WriteError::NotAFolder(output.to_path_buf()))
            } else {
                Err(WriteError::NotOurs(output.to_path_buf()))
            }
        }
    }
}

/// Repairs what the renames of the fallback swap leave when a build is killed between them:
/// a missing output folder is put back from the whole site beside it (the new one first), and
/// the previous site set aside goes to the spare's place (or is taken apart, if the spare is
/// there). A folder at those names that lode cannot prove its own is an error.
fn recover(paths: &OutputPaths, notes: &mut Vec<String>) -> Result<(), WriteError> {
    let steps = Steps::none();
    if matches!(folder_state(&paths.output)?, FolderState::Absent) {
        for candidate in [&paths.staging, &paths.aside] {
            if let FolderState::Site(_) = folder_state(candidate)? {
                std::fs::rename(candidate, &paths.output).map_err(io_error(&paths.output))?;
                notes.push(format!(
                    "the output folder was missing after an interrupted build; the whole site found at `{}` was put back",
                    candidate.display()
                ));
                break;
            }
        }
    }
    let staging_is_free = matches!(folder_state(&paths.staging)?, FolderState::Absent);
    match folder_state(&paths.aside)? {
        FolderState::Absent => {}
        FolderState::NotOurs => return Err(WriteError::InTheWay(paths.aside.clone())),
        _ if staging_is_free => {
            std::fs::rename(&paths.aside, &paths.staging).map_err(io_error(&paths.staging))?;
        }
        FolderState::Empty => {
            std::fs::remove_dir(&paths.aside).map_err(io_error(&paths.aside))?;
        }
        FolderState::Unfinished => {
            std::fs::remove_dir_all(&paths.aside).map_err(io_error(&paths.aside))?;
        }
        FolderState::Site(manifest) => {
            read_output_state(&paths.output)?;
            swap::take_apart(&paths.aside, &paths.output, &manifest, &steps, notes)?;
            notes.push(format!(
                "cleaned `{}`, left by a build that was stopped before it finished",
                paths.aside.display()
            ));
        }
    }
    Ok(())
}

/// Makes the staging folder's place ready for the next site: a spare (or a site being
/// assembled, or nothing) is fine; the previous site left there by a build killed just after
/// its swap gets the user's new files moved out and is marked as the spare. Anything else at
/// that name is an error.
fn prepare_spare(paths: &OutputPaths, notes: &mut Vec<String>) -> Result<(), WriteError> {
    match folder_state(&paths.staging)? {
        FolderState::Absent | FolderState::Empty | FolderState::Unfinished => Ok(()),
        FolderState::NotOurs => Err(WriteError::InTheWay(paths.staging.clone())),
        FolderState::Site(spare_manifest) => {
            let steps = Steps::none();
            // Its marker lists its own files (those of a site swapped out, or of one finished
            // and not swapped in): only the user's files the output lacks are moved.
            swap::move_your_new_files(
                &paths.staging,
                &paths.output,
                &spare_manifest,
                &steps,
                notes,
            )?;
            staging::mark_spare(&paths.staging, &steps)
        }
    }
}

/// The write stage's file operations, counted for the test hook
/// ([`TEST_ONLY_PAUSE_AT_WRITE_STEP`]).
#[derive(Debug)]
struct Steps {
    done: AtomicUsize,
    pause_at: Option<usize>,
}

impl Steps {
    fn from_environment() -> Self {
        Steps {
            done: AtomicUsize::new(0),
            pause_at: std::env::var(TEST_ONLY_PAUSE_AT_WRITE_STEP)
                .ok()
                .and_then(|value| value.trim().parse().ok()),
        }
    }

    fn none() -> Self {
        Steps {
            done: AtomicUsize::new(0),
            pause_at: None,
        }
    }

    /// Called before each file operation (`what` names it, for the test's message).
    fn next(&self, what: &str) {
        let step = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        if self.pause_at == Some(step) {
            eprintln!("lode: paused before write step {step} ({what})");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
    }
}

/// Every folder above the files `paths` (`a/b/c.html` gives `a` and `a/b`).
fn folders_of<'a>(paths: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    let mut folders = BTreeSet::new();
    for path in paths {
        let mut end = 0;
        while let Some(offset) = path[end..].find('/') {
            end += offset;
            folders.insert(path[..end].to_string());
            end += 1;
        }
    }
    folders
}

/// Refuses a page path that is not a plain relative path, or that would take a marker's name.
fn check_page_path(relative: &str) -> Result<(), WriteError> {
    if manifest::is_plain_relative_path(relative)
        && relative != MARKER_FILE
        && relative != STAGING_MARKER_FILE
    {
        Ok(())
    } else {
        Err(WriteError::UnsafePath(relative.to_string()))
    }
}

/// Whether `path` is a regular file (a link to one does not count).
fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_file())
}

/// `path` relative to `base`, with `/` separators.
fn relative_path(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

// The tests make symbolic links and compare inodes.
#[cfg(all(test, unix))]
mod tests;
