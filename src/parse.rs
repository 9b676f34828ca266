//! Stage 2, **parse**: split each file into YAML front matter and a markdown body.
//!
//! Front matter sits between two `---` lines at the top of the file. The file may start with a
//! UTF-8 byte order mark and use LF or CRLF line ends. YAML is read by `serde_yaml` into a
//! [`serde_yaml::Value`]; positions of values are not stored but recovered on demand, only when a
//! diagnostic needs one (see [`crate::yaml_position`]), which keeps the common path fast.

use crate::diagnostics::{Diagnostic, Position};
use crate::source::{SourceFile, SourceText, strip_byte_order_mark};
use std::sync::Arc;

/// A source file split into its parts.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The file's text and where its parts are.
    pub source: Arc<SourceText>,
    /// The front matter as YAML values (always a mapping; empty when the block is empty).
    pub front_matter: serde_yaml::Mapping,
}

/// Parses every file; files that cannot be parsed produce diagnostics and are left out.
pub fn parse_all(sources: Vec<SourceFile>) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let results: Vec<Result<ParsedFile, Diagnostic>> =
        sources.into_par_iter().map(parse_file).collect();
    crate::diagnostics::split_results(results)
}

/// Splits one file and reads its YAML.
pub fn parse_file(source: SourceFile) -> Result<ParsedFile, Diagnostic> {
    let SourceFile {
        path,
        content_path,
        mut text,
    } = source;
    strip_byte_order_mark(&mut text);
    let Some((front_matter_range, body_start)) = split_front_matter(&text) else {
        let message = if first_line(&text).trim_end() == "---" {
            "the front matter is not closed"
        } else {
            "the file has no front matter"
        };
        let help = if first_line(&text).trim_end() == "---" {
            "end the front matter with a line holding only `---`"
        } else {
            "start the file with a front matter block:\n---\ntitle: The title\n---"
        };
        return Err(Diagnostic::error(path, message)
            .at(&text, Position { line: 1, column: 1 })
            .label("front matter expected here")
            .help(help));
    };
    let source = SourceText {
        path,
        content_path,
        front_matter_first_line: 2,
        front_matter_range,
        body_start,
        fingerprint: SourceText::fingerprint_of(&text),
        body_released: false,
        text,
    };
    let front_matter = read_front_matter_yaml(&source)?;
    Ok(ParsedFile {
        source: Arc::new(source),
        front_matter,
    })
}

/// serde_yaml reports errors found at the end of input (an unclosed `[`) one line past the
/// YAML; point at the end of the last non-empty line instead, where the reader must look.
fn clamp_to_yaml(yaml: &str, line: usize, column: usize) -> Position {
    let lines: Vec<&str> = yaml.lines().collect();
    if line <= lines.len() {
        return Position { line, column };
    }
    let last = lines
        .iter()
        .rposition(|text| !text.trim().is_empty())
        .unwrap_or(0);
    let width = lines
        .get(last)
        .map_or(0, |text| text.trim_end().chars().count());
    Position {
        line: last + 1,
        column: width.max(1),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Finds the YAML between the opening `---` line and the closing `---` (or `...`) line.
/// Returns the YAML's byte range and the body's start offset.
fn split_front_matter(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end_matches('\r').trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut line_start = yaml_start;
    while line_start <= text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |index| line_start + index);
        let line = text[line_start..line_end].trim_end_matches('\r').trim_end();
        if line == "---" || line == "..." {
            let body_start = (line_end + 1).min(text.len());
            return Some((yaml_start..line_start, body_start));
        }
        if line_end >= text.len() {
            break;
        }
        line_start = line_end + 1;
    }
    None
}

fn read_front_matter_yaml(source: &SourceText) -> Result<serde_yaml::Mapping, Diagnostic> {
    let yaml = source.front_matter_text();
    if yaml.trim().is_empty() {
        return Ok(serde_yaml::Mapping::new());
    }
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(|error| {
        let message = format!(
            "the front matter is not valid YAML: {}",
            crate::config::strip_location(&error.to_string())
        );
        let diagnostic = Diagnostic::error(source.path.clone(), message)
            .label("YAML error here")
            .help(
                "check indentation and quoting: values containing `: `, `#`, `[` or `{` need quotes",
            );
        match error.location() {
            Some(location) => {
                source.diagnostic_at_yaml(diagnostic, clamp_to_yaml(yaml, location.line(), location.column()))
            }
            None => diagnostic.at(&source.text, Position { line: 1, column: 1 }),
        }
    })?;
    match value {
        serde_yaml::Value::Mapping(mapping) => Ok(mapping),
        serde_yaml::Value::Null => Ok(serde_yaml::Mapping::new()),
        _ => Err(source.diagnostic_at_yaml(
            Diagnostic::error(
                source.path.clone(),
                "the front matter must be a list of `key: value` lines",
            )
            .label("expected `key: value`")
            .help("write fields as `title: Russia`, one per line"),
            Position { line: 1, column: 1 },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile {
            path: "content/a.md".into(),
            content_path: "a".into(),
            text: text.into(),
        }
    }

    /// What splitting a file gives: `Ok((front matter YAML, body))` or the error's message.
    type Split = Result<(String, String), String>;

    /// What splitting `text` gives.
    fn split(text: &str) -> Split {
        parse_file(source(text))
            .map(|parsed| {
                let yaml = parsed.source.front_matter_text().to_string();
                (yaml, parsed.source.body().to_string())
            })
            .map_err(|error| error.message)
    }

    #[test]
    fn front_matter_split_table() {
        let ok = |yaml: &str, body: &str| Ok((yaml.to_string(), body.to_string()));
        let cases: &[(&str, &str, Split)] = &[
            (
                "plain",
                "---\ntitle: A\n---\nBody\n",
                ok("title: A\n", "Body\n"),
            ),
            (
                "no final newline",
                "---\ntitle: A\n---\nBody",
                ok("title: A\n", "Body"),
            ),
            (
                "closing line is the last, without newline",
                "---\ntitle: A\n---",
                ok("title: A\n", ""),
            ),
            (
                "only front matter",
                "---\ntitle: A\n---\n",
                ok("title: A\n", ""),
            ),
            ("empty front matter", "---\n---\nBody\n", ok("", "Body\n")),
            (
                "`...` closes too",
                "---\ntitle: A\n...\nBody\n",
                ok("title: A\n", "Body\n"),
            ),
            (
                "trailing spaces on the fences",
                "--- \ntitle: A\n---  \nBody\n",
                ok("title: A\n", "Body\n"),
            ),
            (
                "`---` inside the body stays in the body",
                "---\ntitle: A\n---\nOne\n---\nTwo\n",
                ok("title: A\n", "One\n---\nTwo\n"),
            ),
            (
                "CRLF",
                "---\r\ntitle: A\r\n---\r\nBody\r\n",
                ok("title: A\r\n", "Body\r\n"),
            ),
            (
                "BOM",
                "\u{feff}---\ntitle: A\n---\nBody\n",
                ok("title: A\n", "Body\n"),
            ),
            (
                "BOM and CRLF, only front matter",
                "\u{feff}---\r\ntitle: A\r\n---",
                ok("title: A\r\n", ""),
            ),
            (
                "`----` does not open",
                "----\ntitle: A\n----\nBody\n",
                Err("the file has no front matter".into()),
            ),
            (
                "`----` does not close",
                "---\ntitle: A\n----\nBody\n",
                Err("the front matter is not closed".into()),
            ),
            (
                "a lone `---`",
                "---",
                Err("the front matter is not closed".into()),
            ),
            (
                "an indented `---` does not open",
                " ---\ntitle: A\n---\n",
                Err("the file has no front matter".into()),
            ),
            ("empty file", "", Err("the file has no front matter".into())),
        ];
        for (name, text, expected) in cases {
            assert_eq!(&split(text), expected, "{name}");
        }
    }

    #[test]
    fn splits_front_matter_and_body() {
        let parsed = parse_file(source("---\ntitle: A\n---\nBody\n")).unwrap();
        assert_eq!(parsed.source.front_matter_text(), "title: A\n");
        assert_eq!(parsed.source.body(), "Body\n");
        assert_eq!(parsed.front_matter.len(), 1);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let parsed = parse_file(source("\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n")).unwrap();
        assert_eq!(parsed.source.body(), "Body\r\n");
        let title = parsed.front_matter.get("title").and_then(|v| v.as_str());
        assert_eq!(title, Some("A"));
    }

    #[test]
    fn missing_front_matter_is_an_error_at_line_one() {
        let error = parse_file(source("# Hello\n")).unwrap_err();
        assert_eq!(error.position, Some(Position { line: 1, column: 1 }));
        assert!(error.message.contains("no front matter"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let error = parse_file(source("---\ntitle: A\n")).unwrap_err();
        assert!(error.message.contains("not closed"));
    }

    #[test]
    fn yaml_error_points_at_the_file_line() {
        let error = parse_file(source("---\ntitle: A\nbad: [1, 2\n---\n")).unwrap_err();
        let line = error.position.unwrap().line;
        assert!(line >= 3, "line {line}");
        assert!(error.message.contains("not valid YAML"));
    }
}

/// The markdown dialect of bodies. Link and render parse with the same options, so both see the
/// same headings and links in the same order.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Heading ids of one page: slugs of the heading text, made unique with `-1`, `-2`…
#[derive(Debug, Default)]
pub struct HeadingIds {
    used: std::collections::HashSet<String>,
}

impl HeadingIds {
    /// The id for a heading with this text (or this explicit `{#id}`).
    pub fn next_id(&mut self, text: &str, explicit: Option<&str>) -> String {
        let base = match explicit {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => crate::text::heading_slug(text),
        };
        let mut candidate = base.clone();
        let mut counter = 1;
        while !self.used.insert(candidate.clone()) {
            candidate = format!("{base}-{counter}");
            counter += 1;
        }
        candidate
    }
}
