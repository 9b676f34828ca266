//! The build cache: rendered pages remembered by the hash of everything they were made from,
//! kept between runs in `.lode-cache/` at the knowledge base's root.
//!
//! A page's bytes are a pure function of its template context, the template set, the Tera
//! globals and lode's version. [`PageCache::key`] hashes the context and mixes in one site
//! fingerprint covering the rest, so a page whose key is unchanged is reused without rendering:
//! "every output knows its inputs" exactly, with no hand-kept dependency list to go stale.
//!
//! The file is versioned and checksummed; one that fails to read or verify is reported as a
//! warning and ignored (then rewritten), never trusted. It is written atomically.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use xxhash_rust::xxh3::Xxh3;

pub use bytes::Bytes;

/// The folder, relative to the root.
pub const CACHE_FOLDER: &str = ".lode-cache";
/// The file of rendered pages inside it.
const PAGES_FILE: &str = "pages.bin";
/// First bytes of the file: tells a lode cache from anything else.
const MAGIC: &[u8; 11] = b"LODE-CACHE\n";
/// Bumped whenever the layout of the file changes.
const FORMAT_VERSION: u32 = 2;

/// Why a cache file was not used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CacheError {
    /// Not a lode cache, or of another format or lode version.
    #[error("not a build cache of this lode version")]
    Foreign,
    /// The contents do not match their checksum.
    #[error("checksum mismatch")]
    Corrupt,
    /// The file ends early.
    #[error("truncated")]
    Truncated,
}

/// One remembered output: the key it was made under, and what it was.
pub type Remembered = (u64, Output);

/// A remembered output: its bytes (a server holds the site in memory, and shares them), or
/// only its length and hash (a build on disk, whose output folder holds the bytes; reusing the
/// page means proving the file there is still that one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// The bytes themselves.
    Bytes(Bytes),
    /// The length and xxh3 hash of the bytes.
    Digest {
        /// Length in bytes.
        length: u64,
        /// xxh3 of the bytes.
        hash: u64,
    },
}

impl Output {
    /// The digest of `bytes`.
    pub fn digest_of(bytes: &[u8]) -> Output {
        Output::Digest {
            length: bytes.len() as u64,
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
        }
    }

    /// This output as a digest.
    pub fn to_digest(&self) -> (u64, u64) {
        match self {
            Output::Bytes(bytes) => (bytes.len() as u64, xxhash_rust::xxh3::xxh3_64(bytes)),
            Output::Digest { length, hash } => (*length, *hash),
        }
    }
}

/// Pages of the previous build (read only) and of this one (collected as they are rendered).
#[derive(Debug, Default)]
pub struct PageCache {
    previous: HashMap<String, Remembered>,
    current: Mutex<BTreeMap<String, Remembered>>,
    fingerprint: u64,
    reused: AtomicUsize,
    /// Remember digests rather than bytes (a build on disk).
    digests_only: bool,
}

impl PageCache {
    /// A cache starting from `previous` pages, for a build whose site fingerprint is
    /// `fingerprint` (see [`site_fingerprint`]).
    pub fn new(previous: HashMap<String, Remembered>, fingerprint: u64) -> Self {
        PageCache {
            previous,
            current: Mutex::new(BTreeMap::new()),
            fingerprint,
            reused: AtomicUsize::new(0),
            digests_only: false,
        }
    }

    /// A cache for a build on disk: this build's outputs are remembered by digest only.
    pub fn on_disk(previous: HashMap<String, Remembered>, fingerprint: u64) -> Self {
        PageCache {
            digests_only: true,
            ..PageCache::new(previous, fingerprint)
        }
    }

    /// A cache whose previous pages are the `current` ones of another build (a server's
    /// rebuilds hand their pages on in memory).
    pub fn following(previous: BTreeMap<String, Remembered>, fingerprint: u64) -> Self {
        PageCache::new(previous.into_iter().collect(), fingerprint)
    }

    /// How many outputs were reused rather than rendered so far.
    pub fn reused_count(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// The key of an output made by `template` from `context` (its serialised data).
    pub fn key(&self, template: &str, context: &[u8]) -> u64 {
        let mut hasher = self.key_hasher(template);
        hasher.update(context);
        hasher.digest()
    }

    /// A hasher that has taken in the site fingerprint and `template`: feed it the context
    /// (e.g. by serialising into a [`HashWriter`]) and digest it for the key.
    pub fn key_hasher(&self, template: &str) -> Xxh3 {
        let mut hasher = Xxh3::new();
        hasher.update(&self.fingerprint.to_le_bytes());
        hasher.update(&(template.len() as u64).to_le_bytes());
        hasher.update(template.as_bytes());
        hasher
    }

    /// The previous build's output of `file`, if it was made under `key`. The caller reuses
    /// it (then calls [`PageCache::reused`]) or, if a digest cannot be proved, renders.
    pub fn reuse(&self, file: &str, key: u64) -> Option<Output> {
        match self.previous.get(file) {
            Some((previous_key, output)) if *previous_key == key => Some(output.clone()),
            _ => None,
        }
    }

    /// Records that `file` was reused as `output`, made under `key`.
    pub fn reused(&self, file: &str, key: u64, output: Output) {
        self.reused.fetch_add(1, Ordering::Relaxed);
        self.remember_output(file, key, output);
    }

    /// Remembers `bytes` as this build's `file`, made under `key`.
    pub fn remember(&self, file: &str, key: u64, bytes: Bytes) {
        let output = if self.digests_only {
            Output::digest_of(&bytes)
        } else {
            Output::Bytes(bytes)
        };
        self.remember_output(file, key, output);
    }

    fn remember_output(&self, file: &str, key: u64, output: Output) {
        // A poisoned lock only means another page panicked; the map itself is whole.
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        current.insert(file.to_string(), (key, output));
    }

    /// This build's pages, for the next build.
    pub fn into_current(self) -> BTreeMap<String, Remembered> {
        self.current
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The hash of everything a page depends on besides its own context: lode's version and the
/// template set's bytes and the Tera globals, serialised by the caller (`parts`).
pub fn site_fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.digest()
}

/// An [`std::io::Write`] that hashes what is written: a context serialised into it is hashed
/// without being held in memory.
pub struct HashWriter<'h>(pub &'h mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The lock file inside the cache folder: one build at a time uses a knowledge base's cache.
const LOCK_FILE: &str = "lock";

/// Takes the lock of the cache of the knowledge base at `root` (making the folder), so that two
/// builds of one knowledge base (into two output folders) never write its cache at once. A
/// cache folder that is a symbolic link (or not a folder) is not used, since lode writes
/// nothing outside the root. The problem, in words, when the cache cannot be used.
pub fn lock(root: &Path) -> Result<crate::write::lock::LockFile, String> {
    let folder = root.join(CACHE_FOLDER);
    match std::fs::symlink_metadata(&folder) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => {
            return Err(format!(
                "`{CACHE_FOLDER}` is not a folder (a symbolic link?); the build cache is not used"
            ));
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir(&folder)
                .map_err(|error| format!("cannot make the build cache folder: {error}"))?;
        }
        Err(error) => return Err(format!("cannot read the build cache folder: {error}")),
    }
    crate::write::lock::acquire(&folder.join(LOCK_FILE)).map_err(|error| match error {
        crate::write::lock::LockError::Held { .. } => {
            format!("the build cache is in use ({error}); this build does not use it")
        }
        other => other.to_string(),
    })
}

/// Where the pages file of the knowledge base at `root` lives.
pub fn pages_path(root: &Path) -> PathBuf {
    root.join(CACHE_FOLDER).join(PAGES_FILE)
}

/// The header: magic, format version, lode's version (length-prefixed).
fn header() -> Vec<u8> {
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(version.len() as u32).to_le_bytes());
    out.extend_from_slice(version);
    out
}

/// What the cache says of the build that wrote it, besides its pages: enough to tell that
/// nothing changed since, and to say so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// The hash of every input of that build (see `site::inputs_key`).
    pub inputs: u64,
    /// Entries it built.
    pub entries: u64,
    /// Warnings it reported.
    pub warnings: u64,
}

/// The file's bytes for `pages`: header, checksum of the body, body.
pub fn encode(summary: &BuildSummary, pages: &BTreeMap<String, Remembered>) -> Vec<u8> {
    let mut body = Vec::new();
    for number in [summary.inputs, summary.entries, summary.warnings] {
        body.extend_from_slice(&number.to_le_bytes());
    }
    body.extend_from_slice(&(pages.len() as u64).to_le_bytes());
    for (file, (key, output)) in pages {
        let (length, hash) = output.to_digest();
        body.extend_from_slice(&(file.len() as u64).to_le_bytes());
        body.extend_from_slice(file.as_bytes());
        body.extend_from_slice(&key.to_le_bytes());
        body.extend_from_slice(&length.to_le_bytes());
        body.extend_from_slice(&hash.to_le_bytes());
    }
    let mut out = header();
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Reads back what [`encode`] wrote; anything else is an error, never a partial cache.
pub fn decode(data: &[u8]) -> Result<(BuildSummary, HashMap<String, Remembered>), CacheError> {
    let header = header();
    if data.len() < header.len() {
        return Err(if header.starts_with(data) {
            CacheError::Truncated
        } else {
            CacheError::Foreign
        });
    }
    if data[..header.len()] != header[..] {
        return Err(CacheError::Foreign);
    }
    let mut reader = Reader(&data[header.len()..]);
    let checksum = reader.u64()?;
    if xxhash_rust::xxh3::xxh3_64(reader.0) != checksum {
        return Err(CacheError::Corrupt);
    }
    let summary = BuildSummary {
        inputs: reader.u64()?,
        entries: reader.u64()?,
        warnings: reader.u64()?,
    };
    let count = reader.u64()?;
    let mut pages = HashMap::new();
    for _ in 0..count {
        let file = reader.bytes()?;
        let file = String::from_utf8(file.to_vec()).map_err(|_| CacheError::Corrupt)?;
        let key = reader.u64()?;
        let length = reader.u64()?;
        let hash = reader.u64()?;
        pages.insert(file, (key, Output::Digest { length, hash }));
    }
    if reader.0.is_empty() {
        Ok((summary, pages))
    } else {
        Err(CacheError::Corrupt)
    }
}

/// A cursor over the body.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], CacheError> {
        if self.0.len() < count {
            return Err(CacheError::Truncated);
        }
        let (head, rest) = self.0.split_at(count);
        self.0 = rest;
        Ok(head)
    }

    fn u64(&mut self) -> Result<u64, CacheError> {
        let bytes = self.take(8)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(array))
    }

    fn bytes(&mut self) -> Result<&'a [u8], CacheError> {
        let length = usize::try_from(self.u64()?).map_err(|_| CacheError::Corrupt)?;
        self.take(length)
    }
}

/// The previous build's pages and summary as loaded from `path`: none when there is no file;
/// an unreadable or invalid file is none too, and a message for the warning the caller reports.
pub type Loaded = (
    Option<(BuildSummary, HashMap<String, Remembered>)>,
    Option<String>,
);

/// Loads the previous build's pages from `path` (see [`Loaded`]).
pub fn load(path: &Path) -> Loaded {
    match std::fs::read(path) {
        Ok(data) => match decode(&data) {
            Ok(loaded) => (Some(loaded), None),
            Err(error) => (None, Some(error.to_string())),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => (None, None),
        Err(error) => (None, Some(error.to_string())),
    }
}

/// Writes `pages` to `path` atomically (a temporary file beside it, then a rename), creating
/// the folder, which holds a `.gitignore` so the cache is never committed.
pub fn store(
    path: &Path,
    summary: &BuildSummary,
    pages: &BTreeMap<String, Remembered>,
) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    std::fs::write(folder.join(".gitignore"), "*\n")?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, encode(summary, pages))?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BTreeMap<String, Remembered> {
        let mut pages = BTreeMap::new();
        pages.insert("index.html".to_string(), (7, Output::digest_of(b"<html>")));
        pages.insert("a/index.html".to_string(), (9, Output::digest_of(b"")));
        pages
    }

    #[test]
    fn what_is_encoded_decodes_to_the_same_pages() {
        let summary = BuildSummary {
            inputs: 1,
            entries: 2,
            warnings: 3,
        };
        let decoded = decode(&encode(&summary, &sample())).expect("decodes");
        let expected: HashMap<_, _> = sample().into_iter().collect();
        assert_eq!(decoded, (summary, expected));
    }

    #[test]
    fn a_truncated_cache_is_refused() {
        let data = encode(&BuildSummary::default(), &sample());
        for length in [0, 5, data.len() - 1] {
            assert!(decode(&data[..length]).is_err(), "length {length}");
        }
    }

    #[test]
    fn a_flipped_byte_is_refused() {
        let mut data = encode(&BuildSummary::default(), &sample());
        let last = data.len() - 1;
        data[last] ^= 1;
        assert_eq!(decode(&data), Err(CacheError::Corrupt));
    }

    #[test]
    fn a_foreign_file_is_refused() {
        assert_eq!(
            decode(b"not a cache at all, longer than the header"),
            Err(CacheError::Foreign)
        );
    }

    #[test]
    fn a_page_is_reused_only_under_the_same_key() {
        let previous: HashMap<_, _> = sample().into_iter().collect();
        let cache = PageCache::new(previous, 1);
        assert_eq!(
            cache.reuse("index.html", 7),
            Some(Output::digest_of(b"<html>"))
        );
        assert_eq!(cache.reuse("index.html", 8), None);
        assert_eq!(cache.reuse("missing.html", 7), None);
    }

    #[test]
    fn the_key_changes_with_the_fingerprint_and_the_template() {
        let one = PageCache::new(HashMap::new(), 1);
        let two = PageCache::new(HashMap::new(), 2);
        assert_ne!(one.key("a.html", b"{}"), two.key("a.html", b"{}"));
        assert_ne!(one.key("a.html", b"{}"), one.key("b.html", b"{}"));
    }
}
