//! Diagnostics: content problems as data.
//!
//! Every stage returns its result together with a list of [`Diagnostic`]s and keeps going, so a
//! build reports all of its problems at once. A diagnostic carries everything needed to print it
//! the way rustc does (`path:line:column`, the offending line with a marker, a help line) without
//! going back to the file system.

pub mod codes;
pub mod formats;

pub use codes::Code;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is. Errors fail the build; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build cannot produce a correct site.
    Error,
    /// Worth fixing, but the site is still correct.
    Warning,
}

/// Splits per-file results into the values and the diagnostics, each in input order.
pub fn split_results<T>(results: Vec<Result<T, Diagnostic>>) -> (Vec<T>, Vec<Diagnostic>) {
    let mut values = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (values, diagnostics)
}

/// A position in a source file: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters (not bytes).
    pub column: usize,
}

/// How many characters of a very long line [`Diagnostic::at_clipped`] keeps.
pub const CLIPPED_LINE_CHARS: usize = 120;

/// One problem found in the content, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code (`L0401`), documented in `docs/errors.md`.
    pub code: Code,
    /// Path of the file, relative to the knowledge base root, with `/` separators.
    pub path: String,
    /// Where in the file; `None` when the problem is about the file as a whole.
    pub position: Option<Position>,
    /// The text of the offending line, kept so the diagnostic can be printed on its own.
    pub source_line: Option<String>,
    /// Length of the marked span in characters (at least 1).
    pub span_length: usize,
    /// The headline: what is wrong.
    pub message: String,
    /// A short label placed under the marker.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `path` at no particular position; add one with [`Diagnostic::at`].
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    /// A warning about `path`; add a position with [`Diagnostic::at`].
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    fn new(
        severity: Severity,
        code: Code,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            path: path.into(),
            position: None,
            source_line: None,
            span_length: 1,
            message: message.into(),
            label: String::new(),
            help: None,
        }
    }

    /// Points the diagnostic at `position` in `file_text` (the whole file), keeping a copy of the
    /// line so the message can show it.
    pub fn at(mut self, file_text: &str, position: Position) -> Self {
        self.source_line = file_text
            .lines()
            .nth(position.line.saturating_sub(1))
            .map(|line| line.trim_end_matches('\r').to_string());
        self.position = Some(position);
        self
    }

    /// [`Diagnostic::at`], keeping of the line only [`CLIPPED_LINE_CHARS`] characters past the
    /// column (or from the start, if more) and an ellipsis: for lines that may be megabytes
    /// long, whose whole text would swamp the message.
    pub fn at_clipped(mut self, file_text: &str, position: Position) -> Self {
        self = self.at(file_text, position);
        let keep = CLIPPED_LINE_CHARS.max(position.column + CLIPPED_LINE_CHARS / 2);
        if let Some(line) = &mut self.source_line
            && let Some((cut, _)) = line.char_indices().nth(keep)
        {
            line.truncate(cut);
            line.push('…');
        }
        self
    }

    /// Sets the line number of the position, keeping the line's text: for a diagnostic placed
    /// with [`Diagnostic::at`] on the text of its line alone.
    pub fn at_line_number(mut self, line: usize) -> Self {
        if let Some(position) = &mut self.position {
            position.line = line;
        }
        self
    }

    /// Points the diagnostic at a byte offset of `file_text`.
    pub fn at_offset(self, file_text: &str, offset: usize) -> Self {
        let position = position_of_offset(file_text, offset);
        self.at(file_text, position)
    }

    /// Sets how many characters the marker underlines.
    pub fn span(mut self, length_in_chars: usize) -> Self {
        self.span_length = length_in_chars.max(1);
        self
    }

    /// Sets the label written under the marker.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `true` for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column` (or just the path when there is no position).
    pub fn location(&self) -> String {
        match self.position {
            Some(position) => format!("{}:{}:{}", self.path, position.line, position.column),
            None => self.path.clone(),
        }
    }

    /// Renders the diagnostic like rustc does, with or without terminal colours.
    pub fn render(&self, colour: bool) -> String {
        let renderer = if colour {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level
            .primary_title(self.message.as_str())
            .id(self.code.as_str());
        let mut groups: Vec<Group> = Vec::new();
        match (&self.source_line, self.position) {
            (Some(line), Some(position)) => {
                let span = char_span_to_byte_range(line, position.column, self.span_length);
                groups.push(
                    title.element(
                        Snippet::source(line.as_str())
                            .line_start(position.line)
                            .path(self.path.as_str())
                            .annotation(
                                AnnotationKind::Primary
                                    .span(span)
                                    .label(self.label.as_str()),
                            ),
                    ),
                );
            }
            _ => {
                // No line to show: name the file in the title's own group.
                let origin = annotate_snippets::Origin::path(self.location());
                groups.push(title.element(origin));
            }
        }
        if let Some(help) = &self.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        renderer.render(&groups)
    }
}

/// Converts a 1-based character column plus a length in characters into a byte range of `line`,
/// clamped to the line so a marker never points outside it.
fn char_span_to_byte_range(line: &str, column: usize, length: usize) -> std::ops::Range<usize> {
    let start_char = column.saturating_sub(1);
    let byte_at = |char_index: usize| {
        line.char_indices()
            .nth(char_index)
            .map(|(byte, _)| byte)
            .unwrap_or(line.len())
    };
    let start = byte_at(start_char);
    let end = byte_at(start_char + length.max(1)).max(start);
    start..end
}

/// The 1-based line and character column of a byte offset in `text`. Offsets past the end are
/// clamped; an offset inside a multi-byte character counts as that character.
pub fn position_of_offset(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |index| index + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

/// Sorts diagnostics by file, then position, then message, so output is stable.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.position, a.severity, &a.message)
            .cmp(&(&b.path, b.position, b.severity, &b.message))
    });
}

/// Counts errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// The closest candidate to `wanted` by edit distance, if any is close enough to be a likely
/// typo ("did you mean").
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&wanted_lower, &candidate.to_lowercase());
        let better = match best {
            Some((best_score, best_candidate)) => {
                score > best_score || (score == best_score && candidate < best_candidate)
            }
            None => true,
        };
        if better {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.8)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "ab\nçé: x\n";
        assert_eq!(position_of_offset(text, 0), Position { line: 1, column: 1 });
        let offset = text.find('x').unwrap();
        assert_eq!(
            position_of_offset(text, offset),
            Position { line: 2, column: 5 }
        );
    }

    #[test]
    fn render_shows_path_line_column_marker_and_help() {
        let text = "---\ntitle: Russia\nreserve: 3 Mt\n---\n";
        let diagnostic = Diagnostic::error(
            Code::UnknownField,
            "countries/russia.md",
            "unknown field `reserve`",
        )
        .at(text, Position { line: 3, column: 1 })
        .span(7)
        .label("not a field of `country`")
        .help("did you mean `reserves`?");
        let out = diagnostic.render(false);
        assert!(
            out.contains("error[L0401]: unknown field `reserve`"),
            "{out}"
        );
        assert!(out.contains("countries/russia.md:3:1"), "{out}");
        assert!(out.contains("reserve: 3 Mt"), "{out}");
        assert!(out.contains("^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `reserves`?"), "{out}");
    }

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let names = ["reserves", "mine_production", "iso2"];
        assert_eq!(did_you_mean("reserve", names), Some("reserves"));
        assert_eq!(did_you_mean("zzzz", names), None);
    }
}
