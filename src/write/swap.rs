//! Moving whole sites: the atomic exchange of two folders, hard links, and what happens to a
//! site once it is out of place (the user's files in it are moved back, never deleted).

use super::manifest::Manifest;
use super::{MARKER_FILE, STAGING_MARKER_FILE, Steps, WriteError, io_error, relative_path};
use std::io;
use std::path::Path;

/// Whether two folders were exchanged, or the system cannot exchange them.
pub(super) enum Exchanged {
    Yes,
    NotSupported,
}

#[cfg(test)]
thread_local! {
    /// Makes this thread's swaps take the fallback of systems without an atomic exchange.
    pub(super) static RENAMES_INSTEAD_OF_EXCHANGE: std::cell::Cell<bool> =
        const { std::cell::Cell::new(false) };
}

/// Exchanges two folders in one atomic step (`renameat2(RENAME_EXCHANGE)`): at every instant
/// each name holds one whole folder.
#[cfg(target_os = "linux")]
pub(super) fn exchange_folders(a: &Path, b: &Path) -> io::Result<Exchanged> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    #[cfg(test)]
    if RENAMES_INSTEAD_OF_EXCHANGE.with(std::cell::Cell::get) {
        return Ok(Exchanged::NotSupported);
    }
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(Exchanged::Yes),
        // The kernel or the file system does not know the flag.
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(Exchanged::NotSupported),
        Err(error) => Err(error.into()),
    }
}

/// Elsewhere there is no atomic exchange: the caller falls back to renames.
#[cfg(not(target_os = "linux"))]
pub(super) fn exchange_folders(_a: &Path, _b: &Path) -> io::Result<Exchanged> {
    Ok(Exchanged::NotSupported)
}

/// Hard-links `from` at `to` (the same file: no bytes copied, the modification time kept);
/// copies a regular file where the file system cannot link.
pub(super) fn link_or_copy(from: &Path, to: &Path) -> Result<(), WriteError> {
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

/// Moves into `output` every file of `site` (a site out of place) that lode did not write
/// (not in `manifest`) and that `output` lacks: a file the user made in the output while a
/// build ran. Nothing is deleted; what cannot be moved stays, with a note.
pub(super) fn move_your_new_files(
    site: &Path,
    output: &Path,
    manifest: &Manifest,
    steps: &Steps,
    notes: &mut Vec<String>,
) -> Result<(), WriteError> {
    let walker = walkdir::WalkDir::new(site)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1);
    for entry in walker {
        let entry = entry.map_err(|error| WriteError::Io {
            path: site.to_path_buf(),
            source: error.into(),
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = relative_path(site, entry.path());
        let is_marker =
            entry.depth() == 1 && (relative == MARKER_FILE || relative == STAGING_MARKER_FILE);
        let there = output.join(&relative);
        if is_marker || manifest.lists(&relative) || std::fs::symlink_metadata(&there).is_ok() {
            continue;
        }
        steps.next("move a file of yours into the output");
        if let Err(error) = move_file(entry.path(), &there) {
            notes.push(format!(
                "could not move `{relative}` into the output ({error}); it is still in `{}`",
                site.display()
            ));
        }
    }
    Ok(())
}

/// Takes apart `old`, a whole site no longer in place that is not needed as the spare: the
/// user's files the output lacks are moved there (see [`move_your_new_files`]), then lode's
/// files and the twins of the user's are removed. The markers go last, so that until it is
/// empty the folder proves it is lode's to a build that finds it after this one was killed.
pub(super) fn take_apart(
    old: &Path,
    into: &Path,
    manifest: &Manifest,
    steps: &Steps,
    notes: &mut Vec<String>,
) -> Result<(), WriteError> {
    move_your_new_files(old, into, manifest, steps, notes)?;
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
        let relative = relative_path(old, path);
        if entry.file_type().is_dir() {
            if std::fs::read_dir(path)
                .map_err(io_error(path))?
                .next()
                .is_none()
            {
                steps.next("remove a folder of the previous site");
                std::fs::remove_dir(path).map_err(io_error(path))?;
            }
            continue;
        }
        if entry.depth() == 1 && (relative == MARKER_FILE || relative == STAGING_MARKER_FILE) {
            continue;
        }
        // Lode's, or a twin of a file the output has (a file that could not be moved stays).
        if manifest.lists(&relative) || std::fs::symlink_metadata(into.join(&relative)).is_ok() {
            steps.next("remove a file of the previous site");
            std::fs::remove_file(path).map_err(io_error(path))?;
        }
    }
    let markers = [old.join(MARKER_FILE), old.join(STAGING_MARKER_FILE)];
    let only_markers_left = std::fs::read_dir(old)
        .map_err(io_error(old))?
        .all(|entry| entry.is_ok_and(|entry| markers.contains(&entry.path())));
    if only_markers_left {
        for marker in &markers {
            if std::fs::symlink_metadata(marker).is_ok() {
                steps.next("remove the previous site's marker");
                std::fs::remove_file(marker).map_err(io_error(marker))?;
            }
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
