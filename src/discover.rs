//! Stage 1, **discover**: find the source files, and read them when a later stage asks.
//!
//! This module and [`crate::write`] are the only ones that touch the disk. Parse reads each
//! file once, through [`read_source`]; link and render read a body again through
//! [`source_text`], which proves by a hash that the file is unchanged, so no stage holds every
//! body in memory at once. Walks are sorted so
//! every later stage sees files in the same order; hidden files and editor temporaries are
//! skipped; symbolic links are never followed, so nothing outside the root is read.

use crate::diagnostics::Diagnostic;
use crate::parse::SourceText;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A markdown file read from the content folder.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the knowledge base root, with `/` separators (`content/countries/russia.md`).
    pub path: String,
    /// Path relative to the content folder, without the `.md` extension (`countries/russia`).
    pub content_path: String,
    /// The file's text, as read (BOM and CRLF are handled by the parse stage).
    pub text: String,
}

/// A file of a theme: a template or a static asset.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path relative to `templates/` or `static/`, with `/` separators.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// A markdown file found under the content folder, not read yet: the parse stage reads each
/// file ([`read_source`]) just before parsing it, so the bodies of all files are never in
/// memory at once.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Path relative to the knowledge base root, with `/` separators.
    pub path: String,
    /// Path relative to the content folder, without the `.md` extension.
    pub content_path: String,
    /// Where to read it.
    absolute: PathBuf,
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

/// Reads the configuration file, if the knowledge base has one.
pub fn read_config_text(root: &Path) -> std::io::Result<Option<String>> {
    let path = root.join(crate::config::CONFIG_FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Walks `root/content_dir`, `root/templates` and `root/static`.
pub fn discover(root: &Path, content_dir: &str) -> Discovered {
    let mut discovered = Discovered::default();
    let content_root = root.join(content_dir);
    if !content_root.is_dir() {
        discovered.diagnostics.push(
            Diagnostic::error(content_dir, "the content folder does not exist").help(format!(
                "create `{}` with an `_index.md`, or run `lode init DIR` for a new knowledge base",
                content_root.display()
            )),
        );
        return discovered;
    }
    discovered.files = walk_sorted(&content_root, &mut discovered.diagnostics, root)
        .into_iter()
        .filter(|(relative, _)| relative.ends_with(".md"))
        .map(|(relative, absolute)| FoundFile {
            path: join_display(content_dir, &relative),
            content_path: relative.trim_end_matches(".md").to_string(),
            absolute,
        })
        .collect();
    discovered.templates = read_theme_folder(root, "templates", &mut discovered.diagnostics);
    discovered.static_files = read_theme_folder(root, "static", &mut discovered.diagnostics);
    discovered
}

/// Reads one markdown file; a file that is not UTF-8 is an error naming the first bad byte.
pub fn read_source(found: &FoundFile) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(&found.absolute).map_err(|error| {
        Diagnostic::error(found.path.clone(), format!("cannot read the file: {error}"))
    })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        Diagnostic::error(found.path.clone(), "the file is not valid UTF-8 text").help(format!(
            "byte {} is not UTF-8; save the file as UTF-8 in your editor",
            error.utf8_error().valid_up_to()
        ))
    })?;
    Ok(SourceFile {
        path: found.path.clone(),
        content_path: found.content_path.clone(),
        text,
    })
}

/// The text of `source`: borrowed while the parse stage's copy is held, otherwise read again
/// from `root` (the knowledge base root): entries drop their bodies once validated, and the
/// link and render stages read each file again when they need its body.
///
/// A file that changed since it was discovered is an error, never a page mixing two versions:
/// the offsets of its links and headings belong to the text that was checked.
pub fn source_text<'s>(
    root: &Path,
    source: &'s SourceText,
) -> Result<std::borrow::Cow<'s, str>, Diagnostic> {
    if !source.body_released {
        return Ok(std::borrow::Cow::Borrowed(&source.text));
    }
    let changed = || {
        Diagnostic::error(
            source.path.clone(),
            "the file changed while the site was being built",
        )
        .help("build again once your edits are saved")
    };
    let bytes = std::fs::read(root.join(&source.path)).map_err(|error| {
        Diagnostic::error(
            source.path.clone(),
            format!("cannot read the file again: {error}"),
        )
    })?;
    let mut text = String::from_utf8(bytes).map_err(|_| changed())?;
    crate::parse::strip_byte_order_mark(&mut text);
    if SourceText::fingerprint_of(&text) != source.fingerprint {
        return Err(changed());
    }
    Ok(std::borrow::Cow::Owned(text))
}

fn read_theme_folder(
    root: &Path,
    folder: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ThemeFile> {
    let base = root.join(folder);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for (relative, absolute) in walk_sorted(&base, diagnostics, root) {
        match std::fs::read(&absolute) {
            Ok(bytes) => files.push(ThemeFile {
                path: relative,
                bytes,
            }),
            Err(error) => diagnostics.push(Diagnostic::error(
                join_display(folder, &relative),
                format!("cannot read the file: {error}"),
            )),
        }
    }
    files
}

/// Sorted walk of regular files under `base`, skipping hidden files, editor temporaries and
/// symbolic links. Returns (path relative to base with `/`, absolute path).
fn walk_sorted(
    base: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    root: &Path,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let walker = WalkDir::new(base)
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
                    .map(|p| display_relative(root, p))
                    .unwrap_or_default();
                diagnostics.push(Diagnostic::error(path, format!("cannot read: {error}")));
                continue;
            }
        };
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::warning(display_relative(root, entry.path()), "symbolic link skipped")
                    .help("lode does not follow links, so nothing outside the knowledge base is read; copy the file instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = display_relative(base, entry.path());
        files.push((relative, entry.path().to_path_buf()));
    }
    files
}

/// Hidden files, and the temporaries editors leave next to the files they edit.
fn is_ignored_name(name: &str) -> bool {
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
        let found = discover(dir.path(), "content");
        let paths: Vec<_> = found.files.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            paths,
            ["content/_index.md", "content/b/a.md", "content/b/z.md"]
        );
        assert!(found.diagnostics.is_empty());
    }
}
