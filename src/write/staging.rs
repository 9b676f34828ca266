//! The staging folder: where the next site is assembled, whole, before it is swapped in.
//!
//! It is the spare site the last build swapped out (or a new folder). Its files are made to be
//! the new site's: a page whose bytes equal the output's copy becomes a hard link to that copy
//! (nothing is done when it already is one), any other page is written as a new file, and what
//! the new site lacks is removed. A file is never written in place — it may be a link shared
//! with the live site — but removed and created anew. The output folder itself is only read
//! until the swap.

use super::index::{Entry, FolderIndex, Kind, is_same_file};
use super::manifest::{self, Manifest};
use super::swap::{self, Exchanged};
use super::{
    MARKER_FILE, OutputFolder, STAGING_MARKER_FILE, Steps, WriteError, folders_of, io_error,
};
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A staging folder being filled by the render stage.
#[derive(Debug)]
pub struct Staging<'o> {
    pub(super) folder: &'o OutputFolder,
    /// The output folder as the build found it.
    pub(super) previous: FolderIndex,
    /// The staging folder as the build found it (the spare site).
    pub(super) base: FolderIndex,
    /// Every file of the new site so far (its manifest): a second put of one is an error.
    pub(super) claimed: Mutex<BTreeSet<String>>,
    pub(super) written: AtomicUsize,
    pub(super) unchanged: AtomicUsize,
    pub(super) steps: Steps,
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
    fn output(&self) -> &Path {
        &self.folder.paths.output
    }

    fn staging(&self) -> &Path {
        &self.folder.paths.staging
    }

    /// Stages one file (`relative` uses `/`). Safe to call from several threads. A file whose
    /// bytes equal the output's copy is that copy, linked: not written again.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.claim(relative)?;
        self.steps.next("stage a file");
        let length = bytes.len() as u64;
        let live = self.live_file(relative);
        if let Some(live) = &live
            && live.len() == length
            && std::fs::read(self.output().join(relative)).is_ok_and(|existing| existing == bytes)
        {
            self.link_from_output(relative, live)?;
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        let path = self.staging().join(relative);
        // The spare site may hold these very bytes already (a page changed back), in a file of
        // its own: it is kept. A file it shares with the output is never reused, since the
        // output's copy differs.
        let spare_has_them = self.spare_file(relative).is_some_and(|spare| {
            spare.len() == length
                && !live.is_some_and(|live| is_same_file(&spare, &live))
                && std::fs::read(&path).is_ok_and(|existing| existing == bytes)
        });
        if spare_has_them {
            return Ok(());
        }
        self.clear(relative)?;
        write_new_file(&path, bytes).map_err(io_error(&path))
    }

    /// Keeps the output's copy of `relative` as this build's, if it is `length` bytes with
    /// xxh3 `hash` (it is then claimed like a staged file); `Ok(false)` otherwise.
    pub fn keep_existing(
        &self,
        relative: &str,
        length: u64,
        hash: u64,
    ) -> Result<bool, WriteError> {
        super::check_page_path(relative)?;
        let Some(live) = self.live_file(relative).filter(|live| live.len() == length) else {
            return Ok(false);
        };
        let matches = std::fs::read(self.output().join(relative))
            .is_ok_and(|existing| xxhash_rust::xxh3::xxh3_64(&existing) == hash);
        if !matches {
            return Ok(false);
        }
        self.claim(relative)?;
        self.steps.next("keep an unchanged file");
        self.link_from_output(relative, &live)?;
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    fn claim(&self, relative: &str) -> Result<(), WriteError> {
        super::check_page_path(relative)?;
        let first_claim = lock(&self.claimed, "claimed")?.insert(relative.to_string());
        if first_claim {
            Ok(())
        } else {
            Err(WriteError::WrittenTwice(relative.to_string()))
        }
    }

    /// The metadata of the output's `relative`, if the walk found it a regular file (reached
    /// through real folders only).
    fn live_file(&self, relative: &str) -> Option<std::fs::Metadata> {
        if !self.previous.is_file(relative) {
            return None;
        }
        std::fs::symlink_metadata(self.output().join(relative))
            .ok()
            .filter(std::fs::Metadata::is_file)
    }

    /// The metadata of the spare site's `relative`, if the walk found it a regular file.
    fn spare_file(&self, relative: &str) -> Option<std::fs::Metadata> {
        if !self.base.is_file(relative) {
            return None;
        }
        std::fs::symlink_metadata(self.staging().join(relative))
            .ok()
            .filter(std::fs::Metadata::is_file)
    }

    /// Makes the staging folder's `relative` the output's file `live` (a hard link), unless it
    /// is already.
    fn link_from_output(&self, relative: &str, live: &std::fs::Metadata) -> Result<(), WriteError> {
        if self
            .spare_file(relative)
            .is_some_and(|spare| is_same_file(&spare, live))
        {
            return Ok(());
        }
        self.clear(relative)?;
        swap::link_or_copy(
            &self.output().join(relative),
            &self.staging().join(relative),
        )
    }

    /// Makes room for a new `relative` in the staging folder: removes what the spare site has
    /// there (a file, or a whole folder), and makes the folders above it (removing a file of
    /// the spare site that is where one of them must be).
    fn clear(&self, relative: &str) -> Result<(), WriteError> {
        let path = self.staging().join(relative);
        if self.base.get(relative).is_some() {
            remove_entry(&path).map_err(io_error(&path))?;
        }
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if std::fs::create_dir_all(parent).is_ok() {
            return Ok(());
        }
        let mut above = self.staging().to_path_buf();
        for segment in relative.split('/').take(relative.split('/').count() - 1) {
            above.push(segment);
            let in_the_way = std::fs::symlink_metadata(&above).is_ok_and(|m| !m.is_dir());
            if in_the_way {
                remove_entry(&above).map_err(io_error(&above))?;
            }
        }
        std::fs::create_dir_all(parent).map_err(io_error(parent))
    }

    /// Puts the new site in place of the previous one: the spare site's stale files removed,
    /// the user's files linked in, the marker written, the two folders swapped; the previous
    /// site, swapped out, is kept as the next build's spare.
    pub fn commit(self) -> Result<WriteReport, WriteError> {
        let claimed = lock(&self.claimed, "claimed")?.clone();
        let mut report = WriteReport {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            ..WriteReport::default()
        };
        let yours = self.your_files(&claimed, &mut report)?;
        self.remove_what_the_site_lacks(&claimed, &yours)?;
        for (relative, entry) in &yours {
            self.steps.next("keep a file of yours");
            self.carry_over(relative, entry)?;
        }
        report.kept = yours.iter().filter(|(_, entry)| !entry.is_folder()).count();
        self.finish_marker(&claimed)?;
        if let Manifest::Files(listed) = &self.folder.manifest {
            report.removed = listed.difference(&claimed).count();
        }
        if let Some(spare) = self.swap_in()? {
            self.keep_spare(&spare, &mut report.notes);
        }
        Ok(report)
    }

    /// The output's entries that lode did not write, to carry into the new site (files and
    /// empty folders of the user's). One where the new site has a page is an error, unless
    /// the marker lists no files at all (an older lode's output: its pages are replaced).
    fn your_files(
        &self,
        claimed: &BTreeSet<String>,
        report: &mut WriteReport,
    ) -> Result<Vec<(String, Entry)>, WriteError> {
        let claimed_folders = folders_of(claimed.iter());
        let manifest = &self.folder.manifest;
        let lode_folders = match manifest {
            Manifest::Files(files) => folders_of(files.iter()),
            Manifest::Unknown => BTreeSet::new(),
        };
        let mut yours = Vec::new();
        let mut replaced = 0;
        for (relative, entry) in &self.previous.entries {
            let is_yours = match entry.kind {
                Kind::Folder { empty } => empty && !lode_folders.contains(relative),
                Kind::File | Kind::Other => !manifest.lists(relative),
            };
            // A folder of the user's that the new site has too is made by its pages.
            if !is_yours || (entry.is_folder() && claimed_folders.contains(relative)) {
                continue;
            }
            if let Some(page) = page_in_the_way(relative, claimed, &claimed_folders) {
                if *manifest == Manifest::Unknown {
                    replaced += 1;
                    continue;
                }
                return Err(WriteError::ForeignInTheWay {
                    output: self.output().to_path_buf(),
                    file: relative.clone(),
                    page,
                });
            }
            yours.push((relative.clone(), *entry));
        }
        let kept = yours.iter().filter(|(_, entry)| !entry.is_folder()).count();
        if *manifest == Manifest::Unknown && (kept > 0 || replaced > 0) {
            report.notes.push(format!(
                "the output's {MARKER_FILE} lists no files (an older lode's, or made by hand): {replaced} file(s) at the new site's addresses were replaced and {kept} other file(s) kept as yours; delete the output folder once to drop files an older build left"
            ));
        }
        Ok(yours)
    }

    /// Removes from the staging folder every entry of the spare site that the new site does
    /// not have: files first, then the folders left empty (deepest first).
    fn remove_what_the_site_lacks(
        &self,
        claimed: &BTreeSet<String>,
        yours: &[(String, Entry)],
    ) -> Result<(), WriteError> {
        let your_paths: BTreeSet<&str> = yours.iter().map(|(path, _)| path.as_str()).collect();
        let mut wanted_folders = folders_of(claimed.iter().chain(yours.iter().map(|(p, _)| p)));
        wanted_folders.extend(
            yours
                .iter()
                .filter(|(_, entry)| entry.is_folder())
                .map(|(path, _)| path.clone()),
        );
        // Reverse order puts everything inside a folder before the folder.
        for (relative, entry) in self.base.entries.iter().rev() {
            let path = self.staging().join(relative);
            if entry.is_folder() {
                if !wanted_folders.contains(relative) {
                    self.steps.next("remove a stale folder");
                    remove_folder_if_empty(&path).map_err(io_error(&path))?;
                }
            } else if !claimed.contains(relative) && !your_paths.contains(relative.as_str()) {
                self.steps.next("remove a stale file");
                remove_file_unless_replaced(&path).map_err(io_error(&path))?;
            }
        }
        Ok(())
    }

    /// Links (or, for a folder, makes) the user's `relative` in the staging folder, unless the
    /// spare site has it already; folders above it are made with the output's permissions.
    fn carry_over(&self, relative: &str, entry: &Entry) -> Result<(), WriteError> {
        let output = self.output();
        let staging = self.staging();
        let segments: Vec<&str> = relative.split('/').collect();
        let folders = if entry.is_folder() {
            segments.len()
        } else {
            segments.len() - 1
        };
        let mut folder = PathBuf::new();
        for segment in &segments[..folders] {
            folder.push(segment);
            let made = staging.join(&folder);
            match std::fs::symlink_metadata(&made) {
                Ok(metadata) if metadata.is_dir() => continue,
                Ok(_) => remove_entry(&made).map_err(io_error(&made))?,
                Err(_) => {}
            }
            std::fs::create_dir(&made).map_err(io_error(&made))?;
            let permissions = std::fs::metadata(output.join(&folder))
                .map_err(io_error(&made))?
                .permissions();
            std::fs::set_permissions(&made, permissions).map_err(io_error(&made))?;
        }
        if entry.is_folder() {
            return Ok(());
        }
        let source = output.join(relative);
        let target = staging.join(relative);
        if let Ok(there) = std::fs::symlink_metadata(&target) {
            let already =
                std::fs::symlink_metadata(&source).is_ok_and(|yours| is_same_file(&there, &yours));
            if already {
                return Ok(());
            }
            remove_entry(&target).map_err(io_error(&target))?;
        }
        swap::link_or_copy(&source, &target)
    }

    /// Writes the new site's marker (its manifest), then removes the staging marker: from this
    /// instant the staging folder is a whole site.
    fn finish_marker(&self, claimed: &BTreeSet<String>) -> Result<(), WriteError> {
        let marker = self.staging().join(MARKER_FILE);
        self.steps.next("write the marker");
        remove_file_unless_replaced(&marker).map_err(io_error(&marker))?;
        write_new_file(&marker, manifest::marker_text(claimed).as_bytes())
            .map_err(io_error(&marker))?;
        let unfinished = self.staging().join(STAGING_MARKER_FILE);
        self.steps.next("remove the staging marker");
        std::fs::remove_file(&unfinished).map_err(io_error(&unfinished))
    }

    /// Swaps the staging folder into the output's place; returns where the previous site now
    /// is (the staging folder's place), if there was one.
    fn swap_in(&self) -> Result<Option<PathBuf>, WriteError> {
        let paths = &self.folder.paths;
        if std::fs::symlink_metadata(&paths.output).is_err() {
            self.steps.next("move the site into place");
            std::fs::rename(&paths.staging, &paths.output).map_err(io_error(&paths.output))?;
            return Ok(None);
        }
        self.steps.next("swap the site into place");
        match swap::exchange_folders(&paths.staging, &paths.output) {
            Ok(Exchanged::Yes) => Ok(Some(paths.staging.clone())),
            Ok(Exchanged::NotSupported) => {
                // Not atomic: between the first two renames there is no output folder (the
                // next build puts back the whole site it finds beside it).
                self.steps.next("move the previous site aside");
                std::fs::rename(&paths.output, &paths.aside).map_err(io_error(&paths.aside))?;
                self.steps.next("move the site into place");
                std::fs::rename(&paths.staging, &paths.output).map_err(io_error(&paths.output))?;
                self.steps.next("keep the previous site as the spare");
                std::fs::rename(&paths.aside, &paths.staging).map_err(io_error(&paths.staging))?;
                Ok(Some(paths.staging.clone()))
            }
            Err(error) => Err(io_error(&paths.output)(error)),
        }
    }

    /// The previous site, swapped out, becomes the next build's spare: a file of the user's
    /// made in the output during this build (so only in the previous site) is moved into the
    /// new one, then the spare is marked. The new site is in place already, so a problem here
    /// is a note: the next build finishes the job.
    fn keep_spare(&self, spare: &Path, notes: &mut Vec<String>) {
        let manifest = &self.folder.manifest;
        let result = swap::move_your_new_files(spare, self.output(), manifest, &self.steps, notes)
            .and_then(|()| mark_spare(spare, &self.steps));
        if let Err(error) = result {
            notes.push(format!(
                "the previous site in `{}` could not be kept as the spare ({error}); the next build takes care of it",
                spare.display()
            ));
        }
    }

    /// Stops here, leaving the output untouched; the staging folder stays, marked unfinished,
    /// for the next build to reuse.
    pub fn abandon(self) {}
}

/// Marks the previous site as a spare: the staging marker first, then its site marker goes,
/// so that it always carries one of the two.
pub(super) fn mark_spare(spare: &Path, steps: &Steps) -> Result<(), WriteError> {
    let unfinished = spare.join(STAGING_MARKER_FILE);
    steps.next("mark the spare");
    std::fs::write(
        &unfinished,
        "The previous site, kept by lode for the next build to reuse (its unchanged files are the output's, hard-linked). Safe to delete.\n",
    )
    .map_err(io_error(&unfinished))?;
    let marker = spare.join(MARKER_FILE);
    steps.next("remove the spare's site marker");
    remove_file_unless_replaced(&marker).map_err(io_error(&marker))
}

/// The page of the new site that needs the place of the user's `relative`: the same file, a
/// file inside it (it is a file where the site needs a folder), or a file above it (the site
/// needs a file where it is a folder).
pub(super) fn page_in_the_way(
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

/// Creates `path` and writes `bytes` into it; an existing file is an error, never written
/// into (it could be a link shared with the live site).
fn write_new_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}

/// Removes a file, a link or a whole folder (of the staging folder: lode's files, or links to
/// the output's).
fn remove_entry(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(error) if is_gone(&error) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Removes a stale file, unless a folder took its place (or it is gone).
fn remove_file_unless_replaced(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => std::fs::remove_file(path),
        Err(error) if is_gone(&error) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Whether the error says the path is not there: absent, or a file took the place of a folder
/// above it.
fn is_gone(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// Removes a stale folder if it is empty now (something wanted may be in it, or a file may
/// have taken its place).
fn remove_folder_if_empty(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir(path) {
        Ok(()) => Ok(()),
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::DirectoryNotEmpty
                    | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Locks one of the staging folder's lists of files (`what` names it in the error). A poisoned
/// lock is an error, never an empty or half-updated list taken for the truth.
pub(super) fn lock<'m>(
    list: &'m Mutex<BTreeSet<String>>,
    what: &'static str,
) -> Result<MutexGuard<'m, BTreeSet<String>>, WriteError> {
    list.lock().map_err(|_| WriteError::Poisoned(what))
}
