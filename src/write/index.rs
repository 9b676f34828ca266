//! A folder's entries as one walk found them (links not followed): what the write stage
//! compares the new site against, in the output folder and in the spare site it reuses. The
//! walk reads only the folders (names and kinds of entries, as the system lists them), never
//! each file's metadata: at 10,000 pages that would cost tens of thousands of calls per build;
//! a file's length and identity are asked for when a page needs them.

use super::{MARKER_FILE, STAGING_MARKER_FILE, WriteError, relative_path};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A regular file.
    File,
    /// A folder, and whether it is empty.
    Folder {
        /// Nothing in it.
        empty: bool,
    },
    /// A symbolic link, or anything else that is neither a folder nor a regular file.
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    pub(super) kind: Kind,
}

impl Entry {
    pub(super) fn is_folder(&self) -> bool {
        matches!(self.kind, Kind::Folder { .. })
    }
}

/// Whether two paths are one file (hard links), by their device and inode numbers; never,
/// where the system has none to compare (every unchanged file is then linked again, which is
/// slower but right).
pub(super) fn is_same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Every entry under a folder, by path relative to it with `/`, without the top-level markers.
#[derive(Debug, Default)]
pub(super) struct FolderIndex {
    pub(super) entries: BTreeMap<String, Entry>,
}

impl FolderIndex {
    /// Walks `folder` (nothing, if it does not exist). Links are not followed, so a path the
    /// index holds reaches its entry through real folders only.
    pub(super) fn of(folder: &Path) -> Result<Self, WriteError> {
        let mut index = FolderIndex::default();
        if !folder.is_dir() {
            return Ok(index);
        }
        let walker = walkdir::WalkDir::new(folder)
            .follow_links(false)
            .sort_by_file_name()
            .min_depth(1);
        let mut parents = BTreeSet::new();
        for entry in walker {
            let walk_error = |error: walkdir::Error| WriteError::Io {
                path: folder.to_path_buf(),
                source: error.into(),
            };
            let entry = entry.map_err(walk_error)?;
            let relative = relative_path(folder, entry.path());
            if entry.depth() == 1 && (relative == MARKER_FILE || relative == STAGING_MARKER_FILE) {
                continue;
            }
            if let Some((parent, _)) = relative.rsplit_once('/') {
                parents.insert(parent.to_string());
            }
            let file_type = entry.file_type();
            let kind = if file_type.is_dir() {
                Kind::Folder { empty: true }
            } else if file_type.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            index.entries.insert(relative, Entry { kind });
        }
        for parent in parents {
            if let Some(entry) = index.entries.get_mut(&parent) {
                entry.kind = Kind::Folder { empty: false };
            }
        }
        Ok(index)
    }

    pub(super) fn get(&self, relative: &str) -> Option<&Entry> {
        self.entries.get(relative)
    }

    /// Whether `relative` is a regular file.
    pub(super) fn is_file(&self, relative: &str) -> bool {
        self.get(relative)
            .is_some_and(|entry| entry.kind == Kind::File)
    }
}
