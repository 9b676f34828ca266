//! Stage 7, **write**: put the rendered site on disk, so that no build eats a site.
//!
//! A build writes a whole new site into a staging folder beside the output folder (same disk),
//! then swaps the two folders with one atomic `renameat2(RENAME_EXCHANGE)`: a build killed at
//! any instant leaves the previous site whole or the new one whole, never a mix. What the
//! previous write stage did well stays: a file whose bytes did not change is not written again
//! but hard-linked from the previous site (same file, same modification time, no bytes
//! copied), and a page the build cache remembers is proved by its length and hash and linked
//! the same way ([`Staging::keep_existing`]).
//!
//! The output folder's marker, `.lode-output`, lists every file lode wrote there (see
//! [`manifest`]): anything else in the folder (`.git`, `CNAME`, `.nojekyll`) is the user's,
//! linked into the new site before the swap and never deleted. After the swap, the previous
//! site (now in the staging folder's place) is taken apart: lode's files are removed, and a
//! user's file that the new site lacks is moved back into the output. A killed build's staging
//! folder is cleaned the same way by the next build, and only when a marker inside it proves
//! it is lode's.
//!
//! One build at a time writes an output folder: a lock file beside it ([`lock`]) holds the
//! builder's process id, and a second build is refused with a clear message. An output folder
//! that is, contains or lies inside the knowledge base's sources is refused before anything is
//! written ([`OutputFolder::open`]).
//!
//! Where `renameat2(RENAME_EXCHANGE)` is missing (systems other than Linux, or a file system
//! without it), the swap falls back to two renames (the old site aside, then the new one into
//! place), which is **not atomic**: a build killed between them leaves no output folder, and
//! the next build puts back the finished site it finds beside it.

pub mod lock;
pub mod manifest;

pub use manifest::{MARKER_FILE, Manifest, STAGING_MARKER_FILE};

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

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
    /// Where the next site is built: `.NAME.lode-staging`.
    staging: PathBuf,
    /// Where the previous site waits when the swap is two renames: `.NAME.lode-previous`.
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
    /// beside it (refusing if another build holds it); cleans what a killed build left; and
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

    /// What opening the folder found and repaired (a stale lock, a killed build's staging
    /// folder), for warnings.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Opens a fresh staging folder for the next site.
    pub fn stage(&self) -> Result<Staging<'_>, WriteError> {
        let staging = &self.paths.staging;
        std::fs::create_dir(staging).map_err(io_error(staging))?;
        // The new site's folder takes the place of the output: it keeps its permissions.
        if let Ok(metadata) = std::fs::metadata(&self.paths.output) {
            std::fs::set_permissions(staging, metadata.permissions()).map_err(io_error(staging))?;
        }
        let marker = staging.join(STAGING_MARKER_FILE);
        let text = format!(
            "A site being built by lode (pid {}) for `{}`. If no lode is running, the next build removes this folder.\n",
            std::process::id(),
            self.paths.output.display()
        );
        std::fs::write(&marker, text).map_err(io_error(&marker))?;
        Ok(Staging {
            folder: self,
            previous: PreviousOutput::read(&self.paths.output, self.manifest.clone())?,
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
    /// A staging folder of a build that did not finish: everything in it is lode's.
    Unfinished,
    /// A whole site with its marker: a finished staging folder not yet swapped in, or the
    /// previous site after the swap.
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
    if folder_is_empty(path)? {
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

/// Cleans what a build stopped half-way left beside the output: a staging folder it did not
/// finish is removed; a finished site (swapped out, or not yet swapped in) is taken apart as
/// after a swap; an output folder missing between the two renames of the fallback swap is put
/// back first. A folder at those names that lode cannot prove its own is an error.
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
    for candidate in [&paths.staging, &paths.aside] {
        match folder_state(candidate)? {
            FolderState::Absent => {}
            FolderState::Empty => std::fs::remove_dir(candidate).map_err(io_error(candidate))?,
            FolderState::Unfinished => {
                std::fs::remove_dir_all(candidate).map_err(io_error(candidate))?;
                notes.push(format!(
                    "removed `{}`, left by a build that was stopped before it finished",
                    candidate.display()
                ));
            }
            FolderState::Site(manifest) => {
                read_output_state(&paths.output)?;
                take_apart(candidate, &paths.output, &manifest, &steps, notes)?;
                notes.push(format!(
                    "cleaned `{}`, left by a build that was stopped before it finished",
                    candidate.display()
                ));
            }
            FolderState::NotOurs => return Err(WriteError::InTheWay(candidate.clone())),
        }
    }
    Ok(())
}

/// Takes apart `old`, a site folder no longer in place, against the output `into`: lode's
/// files (listed in `manifest`) and the markers are removed, and so is any other file `into`
/// also has (the twin linked there before the swap); a file of the user's that `into` lacks is
/// moved there. Nothing the user put in the output is deleted. What cannot be moved stays in
/// `old`, with a note.
fn take_apart(
    old: &Path,
    into: &Path,
    manifest: &Manifest,
    steps: &Steps,
    notes: &mut Vec<String>,
) -> Result<(), WriteError> {
    let walker = walkdir::WalkDir::new(old)
        .follow_links(false)
        .contents_first(true)
        .sort_by_file_name()
        .min_depth(1);
    for entry in walker {
        let entry = entry.map_err(|error| WriteError::Io {
            path: old.to_path_buf(),
            source: error.into(),
        })?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            // Emptied by now unless something in it had to stay.
            if folder_is_empty(path)? {
                steps.next("remove a folder of the previous site");
                std::fs::remove_dir(path).map_err(io_error(path))?;
            }
            continue;
        }
        let relative = relative_path(old, path);
        if entry.depth() == 1 && (relative == MARKER_FILE || relative == STAGING_MARKER_FILE) {
            // The markers go last: until the folder is empty they prove it is lode's, to a
            // build that finds it after this one was killed.
            continue;
        }
        let twin = into.join(&relative);
        if manifest.lists(&relative) || std::fs::symlink_metadata(&twin).is_ok() {
            steps.next("remove a file of the previous site");
            std::fs::remove_file(path).map_err(io_error(path))?;
            continue;
        }
        steps.next("move a file of yours back into the output");
        if let Err(error) = move_file(path, &twin) {
            notes.push(format!(
                "could not move `{relative}` back into the output ({error}); it is still in `{}`",
                old.display()
            ));
        }
    }
    let markers = [old.join(MARKER_FILE), old.join(STAGING_MARKER_FILE)];
    let only_markers_left = std::fs::read_dir(old)
        .map_err(io_error(old))?
        .all(|entry| entry.is_ok_and(|entry| markers.contains(&entry.path())));
    if only_markers_left {
        for marker in markers.iter().filter(|marker| is_regular_file(marker)) {
            steps.next("remove the previous site's marker");
            std::fs::remove_file(marker).map_err(io_error(marker))?;
        }
        steps.next("remove the previous site's folder");
        std::fs::remove_dir(old).map_err(io_error(old))?;
    }
    Ok(())
}

fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(from, to)
}

/// One entry of the previous output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PreviousEntry {
    /// A regular file of this many bytes.
    File(u64),
    /// A symbolic link, or anything else that is not a folder or regular file.
    Other,
    /// A folder, and whether it is empty.
    Folder { empty: bool },
}

/// The previous site in the output folder, as walked once when the build opens its staging
/// folder (links not followed, so a link in the output never leads a build elsewhere).
#[derive(Debug)]
struct PreviousOutput {
    /// What its marker lists.
    manifest: Manifest,
    entries: BTreeMap<String, PreviousEntry>,
}

impl PreviousOutput {
    fn read(output: &Path, manifest: Manifest) -> Result<Self, WriteError> {
        let mut previous = PreviousOutput {
            manifest,
            entries: BTreeMap::new(),
        };
        if !output.is_dir() {
            return Ok(previous);
        }
        let walker = walkdir::WalkDir::new(output)
            .follow_links(false)
            .sort_by_file_name()
            .min_depth(1);
        for entry in walker {
            let entry = entry.map_err(|error| WriteError::Io {
                path: output.to_path_buf(),
                source: error.into(),
            })?;
            let relative = relative_path(output, entry.path());
            if entry.depth() == 1 && (relative == MARKER_FILE || relative == STAGING_MARKER_FILE) {
                continue;
            }
            let kind = entry.file_type();
            let found = if kind.is_dir() {
                PreviousEntry::Folder {
                    empty: folder_is_empty(entry.path())?,
                }
            } else if kind.is_file() {
                let metadata = entry.metadata().map_err(|error| WriteError::Io {
                    path: entry.path().to_path_buf(),
                    source: error.into(),
                })?;
                PreviousEntry::File(metadata.len())
            } else {
                PreviousEntry::Other
            };
            previous.entries.insert(relative, found);
        }
        Ok(previous)
    }

    /// Whether the previous output has `relative` as a regular file of `length` bytes.
    fn has_file_of_length(&self, relative: &str, length: u64) -> bool {
        self.entries.get(relative) == Some(&PreviousEntry::File(length))
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

/// A staging folder being filled by the render stage.
#[derive(Debug)]
pub struct Staging<'o> {
    folder: &'o OutputFolder,
    previous: PreviousOutput,
    /// Every file of the new site so far (its manifest): a second put of one is an error.
    claimed: Mutex<BTreeSet<String>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    steps: Steps,
}

/// What a commit did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files whose bytes did not change: the previous site's file, linked, not written again.
    pub unchanged: usize,
    /// Stale files of lode's removed.
    pub removed: usize,
    /// Files lode did not write, kept in the output.
    pub kept: usize,
    /// What the user should know: files kept from an older lode's output, repairs.
    pub notes: Vec<String>,
}

impl Staging<'_> {
    /// Stages one file (`relative` uses `/`). Safe to call from several threads. A file whose
    /// bytes equal the previous site's copy is linked from there, not written again.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.claim(relative)?;
        self.steps.next("stage a file");
        if self
            .previous
            .has_file_of_length(relative, bytes.len() as u64)
            && std::fs::read(self.folder.paths.output.join(relative))
                .is_ok_and(|existing| existing == bytes)
        {
            self.link_previous(relative)?;
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let path = self.folder.paths.staging.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io_error(&path))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Keeps the previous site's copy of `relative` as this build's, if it is `length` bytes
    /// with xxh3 `hash` (it is then claimed like a staged file); `Ok(false)` otherwise.
    pub fn keep_existing(
        &self,
        relative: &str,
        length: u64,
        hash: u64,
    ) -> Result<bool, WriteError> {
        check_page_path(relative)?;
        let matches = self.previous.has_file_of_length(relative, length)
            && std::fs::read(self.folder.paths.output.join(relative))
                .is_ok_and(|existing| xxhash_rust::xxh3::xxh3_64(&existing) == hash);
        if !matches {
            return Ok(false);
        }
        self.claim(relative)?;
        self.steps.next("keep an unchanged file");
        self.link_previous(relative)?;
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    fn claim(&self, relative: &str) -> Result<(), WriteError> {
        check_page_path(relative)?;
        let first_claim = lock(&self.claimed, "claimed")?.insert(relative.to_string());
        if first_claim {
            Ok(())
        } else {
            Err(WriteError::WrittenTwice(relative.to_string()))
        }
    }

    /// Links the previous site's `relative` into the staging folder.
    fn link_previous(&self, relative: &str) -> Result<(), WriteError> {
        let target = self.folder.paths.staging.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        link_or_copy(&self.folder.paths.output.join(relative), &target)
    }

    /// Puts the new site in place of the previous one: the user's files are linked into the
    /// staging folder, its marker written, the two folders swapped, and the previous site
    /// taken apart.
    pub fn commit(self) -> Result<WriteReport, WriteError> {
        let claimed = lock(&self.claimed, "claimed")?.clone();
        let mut report = WriteReport {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            ..WriteReport::default()
        };
        self.carry_over_your_files(&claimed, &mut report)?;
        self.finish_marker(&claimed)?;
        let previous_at = self.swap_in()?;
        if let Manifest::Files(listed) = &self.previous.manifest {
            report.removed = listed.difference(&claimed).count();
        }
        if let Some(previous_at) = previous_at {
            // The new site is in place: a problem taking the old one apart is a note, and the
            // next build finishes the job (the folder keeps its marker).
            if let Err(error) = take_apart(
                &previous_at,
                &self.folder.paths.output,
                &self.previous.manifest,
                &self.steps,
                &mut report.notes,
            ) {
                report.notes.push(format!(
                    "the previous site in `{}` could not be removed ({error}); the next build removes it",
                    previous_at.display()
                ));
            }
        }
        Ok(report)
    }

    /// Links every file of the previous output that lode did not write into the staging
    /// folder, with the folders holding them (and empty folders of the user's). A file of the
    /// user's where the new site has a page is an error, unless the marker lists no files at
    /// all (an older lode's output: its pages are replaced).
    fn carry_over_your_files(
        &self,
        claimed: &BTreeSet<String>,
        report: &mut WriteReport,
    ) -> Result<(), WriteError> {
        let claimed_folders = folders_of(claimed.iter());
        let manifest = &self.previous.manifest;
        let lode_folders = match manifest {
            Manifest::Files(files) => folders_of(files.iter()),
            Manifest::Unknown => BTreeSet::new(),
        };
        let mut replaced = 0;
        for (relative, entry) in &self.previous.entries {
            let is_yours = match entry {
                PreviousEntry::Folder { empty } => *empty && !lode_folders.contains(relative),
                PreviousEntry::File(_) | PreviousEntry::Other => !manifest.lists(relative),
            };
            // A folder of the user's that the new site has too is there already.
            if !is_yours || (entry_is_folder(entry) && claimed_folders.contains(relative)) {
                continue;
            }
            if let Some(page) = page_in_the_way(relative, claimed, &claimed_folders) {
                if *manifest == Manifest::Unknown {
                    replaced += 1;
                    continue;
                }
                return Err(WriteError::ForeignInTheWay {
                    output: self.folder.paths.output.clone(),
                    file: relative.clone(),
                    page,
                });
            }
            self.steps.next("keep a file of yours");
            self.carry_over(relative, entry)?;
            if !entry_is_folder(entry) {
                report.kept += 1;
            }
        }
        if *manifest == Manifest::Unknown && (report.kept > 0 || replaced > 0) {
            report.notes.push(format!(
                "the output's {MARKER_FILE} lists no files (an older lode's, or made by hand): {replaced} file(s) at the new site's addresses were replaced and {} other file(s) kept as yours; delete the output folder once to drop files an older build left",
                report.kept
            ));
        }
        Ok(())
    }

    /// Links (or, for a folder, makes) the user's `relative` in the staging folder, making the
    /// folders above it with the previous output's permissions.
    fn carry_over(&self, relative: &str, entry: &PreviousEntry) -> Result<(), WriteError> {
        let output = &self.folder.paths.output;
        let staging = &self.folder.paths.staging;
        let mut folder = String::new();
        let segments: Vec<&str> = relative.split('/').collect();
        let folders = if entry_is_folder(entry) {
            &segments[..]
        } else {
            &segments[..segments.len() - 1]
        };
        for segment in folders {
            if !folder.is_empty() {
                folder.push('/');
            }
            folder.push_str(segment);
            let made = staging.join(&folder);
            if std::fs::symlink_metadata(&made).is_ok() {
                continue;
            }
            std::fs::create_dir(&made).map_err(io_error(&made))?;
            let permissions = std::fs::metadata(output.join(&folder))
                .map_err(io_error(&made))?
                .permissions();
            std::fs::set_permissions(&made, permissions).map_err(io_error(&made))?;
        }
        if entry_is_folder(entry) {
            return Ok(());
        }
        link_or_copy(&output.join(relative), &staging.join(relative))
    }

    /// Writes the new site's marker (its manifest), then removes the staging marker: from this
    /// instant the staging folder is a whole site.
    fn finish_marker(&self, claimed: &BTreeSet<String>) -> Result<(), WriteError> {
        let staging = &self.folder.paths.staging;
        let marker = staging.join(MARKER_FILE);
        self.steps.next("write the marker");
        std::fs::write(&marker, manifest::marker_text(claimed)).map_err(io_error(&marker))?;
        let unfinished = staging.join(STAGING_MARKER_FILE);
        self.steps.next("remove the staging marker");
        std::fs::remove_file(&unfinished).map_err(io_error(&unfinished))
    }

    /// Swaps the staging folder into the output's place; returns where the previous site now
    /// is, if there was one.
    fn swap_in(&self) -> Result<Option<PathBuf>, WriteError> {
        let paths = &self.folder.paths;
        if std::fs::symlink_metadata(&paths.output).is_err() {
            self.steps.next("move the site into place");
            std::fs::rename(&paths.staging, &paths.output).map_err(io_error(&paths.output))?;
            return Ok(None);
        }
        self.steps.next("swap the site into place");
        match exchange_folders(&paths.staging, &paths.output) {
            Ok(Exchanged::Yes) => Ok(Some(paths.staging.clone())),
            Ok(Exchanged::NotSupported) => {
                // Not atomic: between these two renames there is no output folder (the next
                // build puts back the finished site it finds beside it).
                self.steps.next("move the previous site aside");
                std::fs::rename(&paths.output, &paths.aside).map_err(io_error(&paths.aside))?;
                self.steps.next("move the site into place");
                std::fs::rename(&paths.staging, &paths.output).map_err(io_error(&paths.output))?;
                Ok(Some(paths.aside.clone()))
            }
            Err(error) => Err(io_error(&paths.output)(error)),
        }
    }

    /// Drops the staging folder; the output is untouched.
    pub fn abandon(self) {
        // Best effort: a leftover staging folder carries its marker, and the next build
        // removes it.
        let _ = std::fs::remove_dir_all(&self.folder.paths.staging);
    }
}

fn entry_is_folder(entry: &PreviousEntry) -> bool {
    matches!(entry, PreviousEntry::Folder { .. })
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

/// The page of the new site that needs the place of the user's `relative`: the same file, a
/// file inside it (it is a file where the site needs a folder), or a file above it (the site
/// needs a file where it is a folder).
fn page_in_the_way(
    relative: &str,
    claimed: &BTreeSet<String>,
    claimed_folders: &BTreeSet<String>,
) -> Option<String> {
    if claimed.contains(relative) {
        return Some(relative.to_string());
    }
    if claimed_folders.contains(relative) {
        let inside = format!("{relative}/");
        return claimed
            .range(inside.clone()..)
            .next()
            .filter(|page| page.starts_with(&inside))
            .cloned();
    }
    let mut end = 0;
    while let Some(offset) = relative[end..].find('/') {
        end += offset;
        if claimed.contains(&relative[..end]) {
            return Some(relative[..end].to_string());
        }
        end += 1;
    }
    None
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

/// Hard-links `from` at `to` (the same file: no bytes copied, the modification time kept);
/// copies a regular file where the file system cannot link.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), WriteError> {
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(link_error) => {
            let is_file = std::fs::symlink_metadata(from).is_ok_and(|metadata| metadata.is_file());
            if !is_file {
                return Err(io_error(to)(link_error));
            }
            std::fs::copy(from, to).map(|_| ()).map_err(io_error(to))
        }
    }
}

/// Whether the folders were exchanged, or the system cannot exchange them.
enum Exchanged {
    Yes,
    NotSupported,
}

/// Exchanges two folders in one atomic step (`renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange_folders(a: &Path, b: &Path) -> io::Result<Exchanged> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(Exchanged::Yes),
        // The kernel or the file system does not know the flag.
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(Exchanged::NotSupported),
        Err(error) => Err(error.into()),
    }
}

/// Elsewhere there is no atomic exchange: the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange_folders(_a: &Path, _b: &Path) -> io::Result<Exchanged> {
    Ok(Exchanged::NotSupported)
}

/// Locks one of the staging folder's lists of files (`what` names it in the error). A poisoned
/// lock is an error, never an empty or half-updated list taken for the truth.
fn lock<'m>(
    list: &'m Mutex<BTreeSet<String>>,
    what: &'static str,
) -> Result<MutexGuard<'m, BTreeSet<String>>, WriteError> {
    list.lock().map_err(|_| WriteError::Poisoned(what))
}

/// Whether `path` is a regular file (a link to one does not count).
fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_file())
}

fn folder_is_empty(path: &Path) -> Result<bool, WriteError> {
    let mut entries = std::fs::read_dir(path).map_err(io_error(path))?;
    Ok(entries.next().is_none())
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
