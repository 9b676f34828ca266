//! Stage 1, **discover**: find the source files, and read them when a later stage asks.
//!
//! This module and [`crate::write`] are the only ones that touch the disk. The files of a
//! knowledge base are reached through [`KnowledgeBaseFiles`]: [`DiskFiles`] walks and reads a
//! folder, [`MemoryFiles`] holds them in memory (tests, and a dev server). The read+parse+validate
//! pass reads each file once, through [`KnowledgeBaseFiles::read_source`]; link and render get a
//! body again through [`BodySource::file_text`], which proves by a hash that the file is
//! unchanged, so no stage holds every body in memory at once. Walks are sorted so every later
//! stage sees files in the same order; hidden files and editor temporaries are skipped.
//!
//! Nothing outside the root is read through a symbolic link: a link (a file, a folder, or the
//! `content`, `templates` or `static` folder itself, and `lode.yaml`) is followed only when its
//! target, with every link resolved, lies inside the root; any other is refused with an error
//! naming the link, and its target is never opened.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{BodySource, FoundFile, SourceFile, SourceText, held_or_fetched_again};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A file of a theme: a template or a static asset.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path relative to `templates/` or `static/`, with `/` separators.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Everything the discover stage found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown files under the content folder, sorted by path.
    pub files: Vec<FoundFile>,
    /// Templates from the knowledge base's own `templates/` folder (override the built-in ones).
    pub templates: Vec<ThemeFile>,
    /// Files from the knowledge base's own `static/` folder (override the built-in ones).
    pub static_files: Vec<ThemeFile>,
    /// Content files in `static/` of the content folder or anywhere else are not discovered; the
    /// problems met while walking are.
    pub diagnostics: Vec<Diagnostic>,
}

/// A knowledge base's files, wherever they are kept: what the pipeline reads, from the
/// configuration to the bodies link and render fetch again.
pub trait KnowledgeBaseFiles: BodySource {
    /// The text of the configuration file, if the knowledge base has one.
    fn config_text(&self) -> std::io::Result<Option<String>>;

    /// The markdown files under `content_dir` (relative to the root), sorted by path and not
    /// read yet, and the theme overrides of `templates/` and `static/`, read.
    fn discover(&self, content_dir: &str) -> Discovered;

    /// Reads one markdown file; a file that is not UTF-8 is an error naming the first bad byte.
    fn read_source(&self, found: &FoundFile) -> Result<SourceFile, Diagnostic>;
}

/// The files of a knowledge base on disk, under its root folder.
#[derive(Debug, Clone)]
pub struct DiskFiles {
    root: PathBuf,
    /// The root with every link resolved: what a link's target must lie inside.
    inside: PathBuf,
}

impl DiskFiles {
    /// The knowledge base whose root folder (holding `lode.yaml` and `content/`) is `root`.
    pub fn new(root: &Path) -> Self {
        DiskFiles {
            root: root.to_path_buf(),
            // A root that cannot be resolved (it is checked before a build) stays as given: no
            // resolved target starts with it, so every link is refused, never wrongly followed.
            inside: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }
}

impl KnowledgeBaseFiles for DiskFiles {
    fn config_text(&self) -> std::io::Result<Option<String>> {
        let path = self.root.join(crate::config::CONFIG_FILE_NAME);
        if let LinkTarget::Outside(target) = link_target(&path, &self.inside)? {
            // Refused before it is opened: its text would be shown in a parse error.
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "it is a symbolic link to `{}`, outside the knowledge base, and lode reads nothing outside its root; copy the file into the root instead",
                    target.display()
                ),
            ));
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    fn discover(&self, content_dir: &str) -> Discovered {
        discover(&self.root, &self.inside, content_dir)
    }

    fn read_source(&self, found: &FoundFile) -> Result<SourceFile, Diagnostic> {
        let bytes = std::fs::read(self.root.join(&found.path)).map_err(|error| {
            Diagnostic::error(
                Code::FileUnreadable,
                found.path.clone(),
                format!("cannot read the file: {error}"),
            )
        })?;
        SourceFile::from_bytes(found, bytes)
    }
}

impl BodySource for DiskFiles {
    fn file_text<'s>(&self, source: &'s SourceText) -> Result<Cow<'s, str>, Diagnostic> {
        held_or_fetched_again(source, || {
            std::fs::read(self.root.join(&source.path)).map_err(|error| error.to_string())
        })
    }
}

/// The files of a knowledge base on disk, with the content files' bytes held in memory between
/// builds, so that a dev server reads again only the files its watcher says changed
/// ([`HeldDiskFiles::forget`]). Discovery (the walk, templates, static files) is the disk's,
/// every time.
#[derive(Debug)]
pub struct HeldDiskFiles {
    disk: DiskFiles,
    held: std::sync::Mutex<BTreeMap<String, std::sync::Arc<[u8]>>>,
}

impl HeldDiskFiles {
    /// The knowledge base at `root`, nothing held yet.
    pub fn new(root: &Path) -> Self {
        HeldDiskFiles {
            disk: DiskFiles::new(root),
            held: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// Forgets the held bytes of `changed` files (absolute paths) and of every file under a
    /// changed folder; a path outside the root forgets everything.
    pub fn forget(&mut self, changed: &[PathBuf]) {
        let held = self
            .held
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.disk.root) else {
                held.clear();
                return;
            };
            let relative = display_relative(Path::new(""), relative);
            let folder = format!("{relative}/");
            held.retain(|held_path, _| *held_path != relative && !held_path.starts_with(&folder));
        }
    }

    fn held_bytes(&self, path: &str) -> std::io::Result<std::sync::Arc<[u8]>> {
        let lock = || {
            self.held
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(bytes) = lock().get(path) {
            return Ok(std::sync::Arc::clone(bytes));
        }
        let bytes: std::sync::Arc<[u8]> = std::fs::read(self.disk.root.join(path))?.into();
        lock().insert(path.to_string(), std::sync::Arc::clone(&bytes));
        Ok(bytes)
    }
}

impl KnowledgeBaseFiles for HeldDiskFiles {
    fn config_text(&self) -> std::io::Result<Option<String>> {
        self.disk.config_text()
    }

    fn discover(&self, content_dir: &str) -> Discovered {
        let discovered = self.disk.discover(content_dir);
        // Files gone from the disk are dropped, so memory follows the knowledge base.
        let present: std::collections::BTreeSet<&str> = discovered
            .files
            .iter()
            .map(|file| file.path.as_str())
            .collect();
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|path, _| present.contains(path.as_str()));
        discovered
    }

    fn read_source(&self, found: &FoundFile) -> Result<SourceFile, Diagnostic> {
        let bytes = self.held_bytes(&found.path).map_err(|error| {
            Diagnostic::error(
                Code::FileUnreadable,
                found.path.clone(),
                format!("cannot read the file: {error}"),
            )
        })?;
        SourceFile::from_bytes(found, bytes.to_vec())
    }
}

impl BodySource for HeldDiskFiles {
    fn file_text<'s>(&self, source: &'s SourceText) -> Result<Cow<'s, str>, Diagnostic> {
        held_or_fetched_again(source, || {
            self.held_bytes(&source.path)
                .map(|bytes| bytes.to_vec())
                .map_err(|error| error.to_string())
        })
    }
}

/// Why `root` is not a knowledge base root (it does not exist, is not a folder, or has no
/// `lode.yaml`), if it is not one.
pub fn root_problem(root: &Path) -> std::io::Result<Option<&'static str>> {
    match std::fs::metadata(root) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => return Ok(Some("it is not a folder")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some("it does not exist"));
        }
        Err(error) => return Err(error),
    }
    let config = root.join(crate::config::CONFIG_FILE_NAME);
    match std::fs::symlink_metadata(config) {
        Ok(_) => Ok(None),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Some(
            "it has no lode.yaml (pass --root the folder that holds lode.yaml and content/, or run `lode init DIR` for a new knowledge base)",
        )),
        Err(error) => Err(error),
    }
}

/// Walks `root/content_dir`, `root/templates` and `root/static` (`inside`: the root, resolved).
fn discover(root: &Path, inside: &Path, content_dir: &str) -> Discovered {
    let mut discovered = Discovered::default();
    let content_root = root.join(content_dir);
    if !content_root.is_dir() {
        discovered
            .diagnostics
            .push(no_content_folder(content_dir, &content_root.display()));
        return discovered;
    }
    let walk = Walk {
        root,
        inside,
        diagnostics: &mut discovered.diagnostics,
    };
    let content = walk.top_folder(content_dir);
    discovered.files = content
        .into_iter()
        .filter_map(|(relative, _)| found_markdown_file(content_dir, &relative))
        .collect();
    discovered.templates =
        read_theme_folder(root, inside, "templates", &mut discovered.diagnostics);
    discovered.static_files =
        read_theme_folder(root, inside, "static", &mut discovered.diagnostics);
    discovered
}

/// The error for a knowledge base without its content folder (`shown` is where it was looked
/// for).
fn no_content_folder(content_dir: &str, shown: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::ContentFolderMissing,
        content_dir,
        "the content folder does not exist",
    )
    .help(format!(
        "create `{shown}` with an `_index.md`, or run `lode init DIR` for a new knowledge base"
    ))
}

/// The found file for `relative` (a path under the content folder), if it is markdown.
fn found_markdown_file(content_dir: &str, relative: &str) -> Option<FoundFile> {
    relative.ends_with(".md").then(|| FoundFile {
        path: join_display(content_dir, relative),
        content_path: relative.trim_end_matches(".md").to_string(),
    })
}

/// The files of a knowledge base held in memory, by path relative to the root with `/`
/// separators (`lode.yaml`, `content/_index.md`, `templates/entry.html`): the whole pipeline
/// runs from them without touching the disk. A folder exists when it holds a file; hidden files
/// and editor temporaries are skipped as on disk, and the walk order is the disk's.
#[derive(Debug, Clone, Default)]
pub struct MemoryFiles {
    files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFiles {
    /// Adds or replaces the file at `path` (relative to the root, `/` separators).
    pub fn insert(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(normalized_path(path), bytes.into());
    }

    /// The file at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&normalized_path(path)).map(Vec::as_slice)
    }

    /// Files under `folder` as (path relative to it, bytes), in the order of a sorted walk of
    /// the disk (folder by folder, names in byte order), without hidden files or temporaries.
    fn files_under(&self, folder: &str) -> Vec<(&str, &[u8])> {
        let folder = normalized_path(folder);
        let mut files: Vec<(&str, &[u8])> = self
            .files
            .iter()
            .filter_map(|(path, bytes)| {
                let relative = if folder.is_empty() {
                    path.as_str()
                } else {
                    path.strip_prefix(folder.as_str())?.strip_prefix('/')?
                };
                let visible = !relative.split('/').any(is_ignored_name);
                visible.then_some((relative, bytes.as_slice()))
            })
            .collect();
        files.sort_by(|(a, _), (b, _)| a.split('/').cmp(b.split('/')));
        files
    }

    fn theme_folder(&self, folder: &str) -> Vec<ThemeFile> {
        self.files_under(folder)
            .into_iter()
            .map(|(relative, bytes)| ThemeFile {
                path: relative.to_string(),
                bytes: bytes.to_vec(),
            })
            .collect()
    }
}

impl KnowledgeBaseFiles for MemoryFiles {
    fn config_text(&self) -> std::io::Result<Option<String>> {
        match self.get(crate::config::CONFIG_FILE_NAME) {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes.to_vec())
                .map(Some)
                .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error)),
        }
    }

    fn discover(&self, content_dir: &str) -> Discovered {
        let mut discovered = Discovered::default();
        let content = self.files_under(content_dir);
        if content.is_empty() {
            discovered
                .diagnostics
                .push(no_content_folder(content_dir, &content_dir));
            return discovered;
        }
        discovered.files = content
            .into_iter()
            .filter_map(|(relative, _)| found_markdown_file(content_dir, relative))
            .collect();
        discovered.templates = self.theme_folder("templates");
        discovered.static_files = self.theme_folder("static");
        discovered
    }

    fn read_source(&self, found: &FoundFile) -> Result<SourceFile, Diagnostic> {
        let bytes = self.get(&found.path).ok_or_else(|| {
            Diagnostic::error(
                Code::FileChangedDuringBuild,
                found.path.clone(),
                "cannot read the file: it is not there",
            )
        })?;
        SourceFile::from_bytes(found, bytes.to_vec())
    }
}

impl BodySource for MemoryFiles {
    fn file_text<'s>(&self, source: &'s SourceText) -> Result<Cow<'s, str>, Diagnostic> {
        held_or_fetched_again(source, || {
            self.get(&source.path)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| "it is not there".to_string())
        })
    }
}

/// `path` without empty or `.` segments (`./content//a.md` → `content/a.md`), the key of a
/// file in memory.
fn normalized_path(path: &str) -> String {
    path.split('/')
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect::<Vec<_>>()
        .join("/")
}

fn read_theme_folder(
    root: &Path,
    inside: &Path,
    folder: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ThemeFile> {
    if !root.join(folder).is_dir() {
        return Vec::new();
    }
    let walk = Walk {
        root,
        inside,
        diagnostics,
    };
    let found = walk.top_folder(folder);
    let mut files = Vec::new();
    for (relative, absolute) in found {
        match std::fs::read(&absolute) {
            Ok(bytes) => files.push(ThemeFile {
                path: relative,
                bytes,
            }),
            Err(error) => diagnostics.push(Diagnostic::error(
                Code::FileUnreadable,
                join_display(folder, &relative),
                format!("cannot read the file: {error}"),
            )),
        }
    }
    files
}

/// Where a path leads, if it is a symbolic link.
enum LinkTarget {
    /// Not a link (or absent).
    NotALink,
    /// A link whose target, resolved, lies inside the root.
    Inside(PathBuf),
    /// A link leading outside the root (to this resolved target).
    Outside(PathBuf),
}

/// Whether `path` is a symbolic link, and whether its target lies inside `inside`. A broken
/// link is an error (`NotFound`).
fn link_target(path: &Path, inside: &Path) -> std::io::Result<LinkTarget> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {}
        Ok(_) => return Ok(LinkTarget::NotALink),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(LinkTarget::NotALink);
        }
        Err(error) => return Err(error),
    }
    let target = std::fs::canonicalize(path)?;
    Ok(if target.starts_with(inside) {
        LinkTarget::Inside(target)
    } else {
        LinkTarget::Outside(target)
    })
}

/// A sorted walk of a knowledge base's folder on disk, following symbolic links only where
/// they stay inside the root.
struct Walk<'a> {
    /// The root as given (diagnostics name files relative to it).
    root: &'a Path,
    /// The root, resolved.
    inside: &'a Path,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// A file found by a walk: its path relative to the walked folder (with `/`), and the path to
/// read it at.
type WalkedFile = (String, PathBuf);

impl Walk<'_> {
    /// The regular files under `root/folder` (a folder that exists), sorted; hidden files and
    /// editor temporaries skipped. The folder itself must lie inside the root once its links
    /// are resolved (a `static` that is a link to elsewhere, or `content: ../x`, is refused).
    fn top_folder(mut self, folder: &str) -> Vec<WalkedFile> {
        let base = self.root.join(folder);
        let resolved = match std::fs::canonicalize(&base) {
            Ok(resolved) => resolved,
            Err(error) => {
                self.diagnostics.push(Diagnostic::error(
                    Code::FileUnreadable,
                    folder,
                    format!("cannot read the folder: {error}"),
                ));
                return Vec::new();
            }
        };
        if !resolved.starts_with(self.inside) {
            self.diagnostics.push(
                Diagnostic::error(Code::OutsideKnowledgeBase,
                    folder,
                    "this folder lies outside the knowledge base: not read",
                )
                .help(format!(
                    "it leads to `{}`; lode reads nothing outside the knowledge base root, so move the folder into it (a symbolic link is followed only when its target is inside the root)",
                    resolved.display()
                )),
            );
            return Vec::new();
        }
        let mut files = Vec::new();
        self.walk(&base, &base, &mut vec![resolved], &mut files);
        files
    }

    /// Walks `folder` (under `base`, which paths are made relative to); `followed` holds the
    /// resolved folders being walked, from `base` down through every link followed, so that a
    /// link back into one of them is a loop, not an endless walk.
    fn walk(
        &mut self,
        base: &Path,
        folder: &Path,
        followed: &mut Vec<PathBuf>,
        files: &mut Vec<WalkedFile>,
    ) {
        let walker = WalkDir::new(folder)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0 || !is_ignored_name(&entry.file_name().to_string_lossy())
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error
                        .path()
                        .map(|p| display_relative(self.root, p))
                        .unwrap_or_default();
                    self.diagnostics.push(Diagnostic::error(
                        Code::FileUnreadable,
                        path,
                        format!("cannot read: {error}"),
                    ));
                    continue;
                }
            };
            if entry.depth() > 0 && entry.path_is_symlink() {
                self.follow(base, entry.path(), followed, files);
            } else if entry.file_type().is_file() {
                files.push((
                    display_relative(base, entry.path()),
                    entry.path().to_path_buf(),
                ));
            }
        }
    }

    /// A symbolic link met by the walk: its file, or its folder walked, when the target lies
    /// inside the root; otherwise a diagnostic naming the link (the target is not opened).
    fn follow(
        &mut self,
        base: &Path,
        link: &Path,
        followed: &mut Vec<PathBuf>,
        files: &mut Vec<WalkedFile>,
    ) {
        let shown = display_relative(self.root, link);
        let target = match link_target(link, self.inside) {
            Ok(LinkTarget::Inside(target)) => target,
            Ok(LinkTarget::Outside(target)) => {
                self.diagnostics.push(
                    Diagnostic::error(Code::OutsideKnowledgeBase,
                        shown,
                        "symbolic link to outside the knowledge base: not read",
                    )
                    .help(format!(
                        "it points to `{}`; lode reads nothing outside the knowledge base root, so copy the file into it instead",
                        target.display()
                    )),
                );
                return;
            }
            Ok(LinkTarget::NotALink) => return,
            Err(error) => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        Code::BrokenSymbolicLink,
                        shown,
                        "broken symbolic link skipped",
                    )
                    .help(format!("its target cannot be read: {error}")),
                );
                return;
            }
        };
        if target.is_dir() {
            if followed.iter().any(|walked| walked.starts_with(&target)) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::SymbolicLinkLoop,
                        shown,
                        "symbolic link loop: not followed",
                    )
                    .help(format!(
                        "it points to `{}`, a folder that holds the link itself",
                        target.display()
                    )),
                );
                return;
            }
            followed.push(target);
            self.walk(base, link, followed, files);
            followed.pop();
        } else if target.is_file() {
            files.push((display_relative(base, link), link.to_path_buf()));
        }
    }
}

/// Hidden files, and the temporaries editors leave next to the files they edit.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
}

fn display_relative(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn join_display(folder: &str, relative: &str) -> String {
    let folder = folder.trim_end_matches('/');
    if folder.is_empty() || folder == "." {
        relative.to_string()
    } else {
        format!("{folder}/{relative}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_hidden_and_editor_files() {
        assert!(is_ignored_name(".git"));
        assert!(is_ignored_name("russia.md~"));
        assert!(is_ignored_name(".russia.md.swp"));
        assert!(is_ignored_name("#russia.md#"));
        assert!(!is_ignored_name("russia.md"));
    }

    /// The same small tree on disk (under a temporary root) and in memory.
    fn tree_on_disk_and_in_memory(paths: &[&str]) -> (tempfile::TempDir, MemoryFiles) {
        let dir = tempfile::tempdir().unwrap();
        let mut memory = MemoryFiles::default();
        for path in paths {
            let absolute = dir.path().join(path);
            std::fs::create_dir_all(absolute.parent().unwrap()).unwrap();
            std::fs::write(&absolute, path.as_bytes()).unwrap();
            memory.insert(path, path.as_bytes());
        }
        (dir, memory)
    }

    #[test]
    fn memory_discovers_what_the_disk_does_in_the_same_order() {
        let (dir, memory) = tree_on_disk_and_in_memory(&[
            "content/a-c.md",
            "content/a/b.md",
            "content/a.md",
            "content/B.md",
            "content/_index.md",
            "content/.hidden/x.md",
            "content/notes.txt",
            "content/x.md~",
            "templates/entry.html",
            "templates/.entry.html.swp",
            "static/style.css",
        ]);
        let disk = DiskFiles::new(dir.path());
        let from_disk = disk.discover("content");
        let from_memory = memory.discover("./content/");
        let paths = |found: &Discovered| -> Vec<String> {
            found.files.iter().map(|file| file.path.clone()).collect()
        };
        assert_eq!(
            paths(&from_disk),
            [
                "content/B.md",
                "content/_index.md",
                "content/a/b.md",
                "content/a-c.md",
                "content/a.md"
            ]
        );
        assert_eq!(
            from_memory
                .files
                .iter()
                .map(|f| &f.content_path)
                .collect::<Vec<_>>(),
            from_disk
                .files
                .iter()
                .map(|f| &f.content_path)
                .collect::<Vec<_>>()
        );
        let names = |files: &[ThemeFile]| -> Vec<String> {
            files.iter().map(|file| file.path.clone()).collect()
        };
        assert_eq!(names(&from_memory.templates), names(&from_disk.templates));
        assert_eq!(names(&from_memory.templates), ["entry.html"]);
        assert_eq!(names(&from_memory.static_files), ["style.css"]);
        let found = &from_disk.files[0];
        assert_eq!(
            disk.read_source(found).unwrap().text,
            memory.read_source(found).unwrap().text
        );
        assert!(from_memory.diagnostics.is_empty());
        let missing = memory.discover("articles");
        assert_eq!(
            missing.diagnostics[0].message,
            "the content folder does not exist"
        );
    }

    #[test]
    fn a_body_fetched_again_from_disk_or_memory_is_checked_against_its_fingerprint() {
        let text = "---\ntitle: A\n---\nBody\n";
        let (dir, mut memory) = tree_on_disk_and_in_memory(&[]);
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), text).unwrap();
        memory.insert("content/a.md", text);
        let disk = DiskFiles::new(dir.path());
        let found = FoundFile {
            path: "content/a.md".into(),
            content_path: "a".into(),
        };
        let parsed = crate::parse::parse_file(disk.read_source(&found).unwrap()).unwrap();
        let released = parsed.source.without_body();
        for bodies in [&disk as &dyn BodySource, &memory] {
            let again = bodies.file_text(&released).unwrap();
            assert_eq!(released.body_of(&again), "Body\n");
        }
        std::fs::write(dir.path().join("content/a.md"), "---\ntitle: B\n---\n").unwrap();
        memory.insert("content/a.md", "---\ntitle: B\n---\n");
        for bodies in [&disk as &dyn BodySource, &memory] {
            let error = bodies.file_text(&released).unwrap_err();
            assert_eq!(
                error.message,
                "the file changed while the site was being built"
            );
        }
    }

    #[test]
    fn walk_is_sorted_and_skips_ignored_files() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("b")).unwrap();
        std::fs::write(content.join("b/z.md"), "x").unwrap();
        std::fs::write(content.join("b/a.md"), "x").unwrap();
        std::fs::write(content.join("b/a.md~"), "x").unwrap();
        std::fs::write(content.join(".hidden.md"), "x").unwrap();
        std::fs::write(content.join("_index.md"), "x").unwrap();
        let found = DiskFiles::new(dir.path()).discover("content");
        let paths: Vec<_> = found.files.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            paths,
            ["content/_index.md", "content/b/a.md", "content/b/z.md"]
        );
        assert!(found.diagnostics.is_empty());
    }
}
