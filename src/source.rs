//! The source seam: a knowledge base's markdown files as the stages see them, wherever they are
//! kept.
//!
//! Discover finds files ([`FoundFile`]) and reads them ([`SourceFile`]); parse splits them into
//! a [`SourceText`]; link and render get a body back through a [`BodySource`]. Both discover and
//! parse use this module, and neither imports the other. The byte order mark and the
//! fingerprint that proves a file read again is the file that was validated live here, so the
//! disk ([`crate::discover::DiskFiles`]) and memory ([`crate::discover::MemoryFiles`]) follow
//! the same rules.

use crate::diagnostics::{Code, Diagnostic, Position};
use std::borrow::Cow;

/// A markdown file found under the content folder, not read yet: the read+parse+validate pass
/// reads each file just before parsing it, so the bodies of all files are never in memory at
/// once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Path relative to the knowledge base root, with `/` separators
    /// (`content/countries/russia.md`); where the file is read from.
    pub path: String,
    /// Path relative to the content folder, without the `.md` extension (`countries/russia`).
    pub content_path: String,
}

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

impl SourceFile {
    /// The file `found`, whose bytes are `bytes`; a file that is not UTF-8 is an error at the
    /// line and column of the first bad byte.
    pub fn from_bytes(found: &FoundFile, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
        let text = String::from_utf8(bytes)
            .map_err(|error| not_utf8_error(&found.path, error.as_bytes(), error.utf8_error()))?;
        Ok(SourceFile {
            path: found.path.clone(),
            content_path: found.content_path.clone(),
            text,
        })
    }
}

/// The error for a file (`bytes`, at `path`) that is not UTF-8: at the line and column (in
/// characters) of the first bad byte, showing the line with the bad bytes as `U+FFFD`.
fn not_utf8_error(path: &str, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let valid_up_to = error.valid_up_to();
    let line_start = bytes[..valid_up_to]
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = bytes[..line_start]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1;
    // Everything before the bad byte is valid UTF-8, so the column counts characters.
    let column = String::from_utf8_lossy(&bytes[line_start..valid_up_to])
        .chars()
        .count()
        + 1;
    let line_end = bytes[valid_up_to..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |newline| valid_up_to + newline);
    let line_text = String::from_utf8_lossy(&bytes[line_start..line_end]);
    Diagnostic::error(Code::NotUtf8, path, "the file is not valid UTF-8 text")
        .at_clipped(&line_text, Position { line: 1, column })
        .at_line_number(line)
        .label("not UTF-8")
        .help(format!(
            "byte {valid_up_to} (0x{:02x}) is not UTF-8; save the file as UTF-8 in your editor",
            bytes[valid_up_to]
        ))
}

/// The text of one source file, shared by every stage that needs to point into it.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Path relative to the knowledge base root (`content/countries/russia.md`).
    pub path: String,
    /// Path relative to the content folder, without `.md` (`countries/russia`).
    pub content_path: String,
    /// The whole file, without a byte order mark.
    pub text: String,
    /// Byte range of the YAML between the `---` lines.
    pub front_matter_range: std::ops::Range<usize>,
    /// 1-based line of the first YAML line in the file.
    pub front_matter_first_line: usize,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
    /// A hash of `text`, so a file read again later can be proved to be the same file.
    pub fingerprint: u64,
    /// `true` once the body was cut from `text` to save memory (see
    /// [`SourceText::without_body`]); `text` then ends where the body starts, and a stage that
    /// needs the body asks a [`BodySource`] for the file again.
    pub body_released: bool,
}

impl SourceText {
    /// The YAML text of the front matter.
    pub fn front_matter_text(&self) -> &str {
        &self.text[self.front_matter_range.clone()]
    }

    /// The markdown body. Only while the text is held: after [`SourceText::without_body`] use
    /// [`SourceText::body_of`] on the text a [`BodySource`] gives back.
    pub fn body(&self) -> &str {
        debug_assert!(
            !self.body_released,
            "the body of {} was read after it was released",
            self.path
        );
        self.body_of(&self.text)
    }

    /// The markdown body of `text`, this file's text read again (same offsets).
    pub fn body_of<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.body_start..).unwrap_or("")
    }

    /// The hash kept in [`SourceText::fingerprint`].
    pub fn fingerprint_of(text: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// A copy holding the front matter but not the body. Once every stage that reads bodies has
    /// run, entries keep only this (later diagnostics still point into the front matter), so
    /// the build does not hold every body in memory at once.
    pub fn without_body(&self) -> SourceText {
        SourceText {
            path: self.path.clone(),
            content_path: self.content_path.clone(),
            text: self
                .text
                .get(..self.body_start)
                .unwrap_or_default()
                .to_string(),
            front_matter_range: self.front_matter_range.clone(),
            front_matter_first_line: self.front_matter_first_line,
            body_start: self.body_start,
            fingerprint: self.fingerprint,
            body_released: true,
        }
    }

    /// Converts a position inside the front matter YAML into a position in the file.
    pub fn position_in_file(&self, yaml_position: Position) -> Position {
        Position {
            line: yaml_position.line + self.front_matter_first_line - 1,
            column: yaml_position.column,
        }
    }

    /// A diagnostic pointing at a position inside the front matter YAML.
    pub fn diagnostic_at_yaml(
        &self,
        diagnostic: Diagnostic,
        yaml_position: Position,
    ) -> Diagnostic {
        diagnostic.at(&self.text, self.position_in_file(yaml_position))
    }

    /// A diagnostic pointing at a byte offset of the body; `text` is the whole file (this
    /// source's own text while it holds its body, or the text read again).
    pub fn diagnostic_at_body_offset(
        &self,
        text: &str,
        diagnostic: Diagnostic,
        body_offset: usize,
    ) -> Diagnostic {
        diagnostic.at_offset(text, self.body_start + body_offset)
    }
}

/// Where link and render get a file's text back once entries have dropped their bodies: the
/// mirror of [`crate::render::PageSink`]. The disk ([`crate::discover::DiskFiles`]) reads the
/// file again; memory ([`crate::discover::MemoryFiles`], for tests and a dev server) hands over
/// the text it holds. Either way the text must be the one that was validated.
pub trait BodySource: Sync {
    /// The whole text of `source`'s file (cut its body out with [`SourceText::body_of`]):
    /// borrowed while `source` still holds it, otherwise fetched again and proved unchanged by
    /// its fingerprint. A file that changed since it was validated is an error, never a page
    /// mixing two versions: the offsets of its links and headings belong to the checked text.
    fn file_text<'s>(&self, source: &'s SourceText) -> Result<Cow<'s, str>, Diagnostic>;
}

/// [`BodySource::file_text`] for a source whose file's bytes `fetch_again` gives (or fails
/// to give, with a reason): the rules every body source follows.
pub fn held_or_fetched_again<'s>(
    source: &'s SourceText,
    fetch_again: impl FnOnce() -> Result<Vec<u8>, String>,
) -> Result<Cow<'s, str>, Diagnostic> {
    if !source.body_released {
        return Ok(Cow::Borrowed(&source.text));
    }
    let changed = || {
        Diagnostic::error(
            Code::FileChangedDuringBuild,
            source.path.clone(),
            "the file changed while the site was being built",
        )
        .help("build again once your edits are saved")
    };
    let bytes = fetch_again().map_err(|error| {
        Diagnostic::error(
            Code::FileChangedDuringBuild,
            source.path.clone(),
            format!("cannot read the file again: {error}"),
        )
    })?;
    let mut text = String::from_utf8(bytes).map_err(|_| changed())?;
    strip_byte_order_mark(&mut text);
    if SourceText::fingerprint_of(&text) != source.fingerprint {
        return Err(changed());
    }
    Ok(Cow::Owned(text))
}

/// Removes a UTF-8 byte order mark: editors on Windows may write one, and it is not content.
pub fn strip_byte_order_mark(text: &mut String) {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn released(text: &str) -> SourceText {
        SourceText {
            path: "content/a.md".into(),
            content_path: "a".into(),
            text: text.into(),
            front_matter_range: 4..13,
            front_matter_first_line: 2,
            body_start: 17,
            fingerprint: SourceText::fingerprint_of(text),
            body_released: false,
        }
        .without_body()
    }

    #[test]
    fn a_file_fetched_again_must_have_the_validated_text() {
        let text = "---\ntitle: A\n---\nBody\n";
        let source = released(text);
        assert_eq!(source.text, "---\ntitle: A\n---\n");
        let again = held_or_fetched_again(&source, || Ok(text.as_bytes().to_vec())).unwrap();
        assert_eq!(source.body_of(&again), "Body\n");
        let with_mark = format!("\u{feff}{text}");
        assert!(held_or_fetched_again(&source, || Ok(with_mark.into_bytes())).is_ok());
        let edited = held_or_fetched_again(&source, || Ok(b"---\ntitle: A\n---\nB\n".to_vec()));
        assert_eq!(
            edited.unwrap_err().message,
            "the file changed while the site was being built"
        );
        let gone = held_or_fetched_again(&source, || Err("no such file".into()));
        assert_eq!(
            gone.unwrap_err().message,
            "cannot read the file again: no such file"
        );
    }

    #[test]
    fn not_utf8_names_the_first_bad_byte() {
        let found = FoundFile {
            path: "content/a.md".into(),
            content_path: "a".into(),
        };
        let error = SourceFile::from_bytes(&found, b"ab\xffc".to_vec()).unwrap_err();
        assert_eq!(error.message, "the file is not valid UTF-8 text");
        assert!(error.help.unwrap().contains("byte 2"));
    }
}
