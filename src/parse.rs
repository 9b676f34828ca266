//! Stage 2, **parse**: split each file into YAML front matter and a markdown body.
//!
//! Front matter sits between two `---` lines at the top of the file. The file may start with a
//! UTF-8 byte order mark and use LF or CRLF line ends. YAML is read by `serde_yaml` into a
//! [`serde_yaml::Value`]; positions of values are not stored but recovered on demand, only when a
//! diagnostic needs one (see [`crate::yaml_position`]), which keeps the common path fast.

use crate::diagnostics::{Code, Diagnostic, Position};
use crate::limits::Limits;
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

/// Parses every file within `limits`; files that cannot be parsed produce diagnostics and are
/// left out.
pub fn parse_all(sources: Vec<SourceFile>, limits: &Limits) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let results: Vec<Result<ParsedFile, Diagnostic>> = sources
        .into_par_iter()
        .map(|source| parse_file_within(source, limits))
        .collect();
    crate::diagnostics::split_results(results)
}

/// [`parse_all`], giving back the files that cannot be parsed with their diagnostics.
pub fn parse_all_keeping_failures(
    sources: Vec<SourceFile>,
    limits: &Limits,
) -> (Vec<ParsedFile>, Vec<ParseFailure>) {
    use rayon::prelude::*;
    let results: Vec<Result<ParsedFile, ParseFailure>> = sources
        .into_par_iter()
        .map(|source| parse_file_keeping_text(source, limits))
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(file) => parsed.push(file),
            Err(failure) => failures.push(failure),
        }
    }
    (parsed, failures)
}

/// Splits one file and reads its YAML, within the default [`Limits`].
pub fn parse_file(source: SourceFile) -> Result<ParsedFile, Diagnostic> {
    parse_file_within(source, &Limits::default())
}

/// Splits one file and reads its YAML. The file's size is checked against `limits` before
/// anything else, and the YAML's nesting once it is read (the YAML reader itself stops at 128
/// levels and expands aliases only so far, so reading is bounded either way).
pub fn parse_file_within(source: SourceFile, limits: &Limits) -> Result<ParsedFile, Diagnostic> {
    parse_file_keeping_text(source, limits).map_err(|failure| failure.diagnostic)
}

/// A file that could not be parsed: its one diagnostic, and the file itself, so the validate
/// stage can still register the entry's id and whatever names can be read (see
/// [`crate::validate::Validator::unparsable_entry`]).
#[derive(Debug)]
pub struct ParseFailure {
    /// Why the file could not be parsed.
    pub diagnostic: Diagnostic,
    /// The file as read (its byte order mark removed).
    pub source: SourceFile,
}

/// [`parse_file_within`], giving the file back when it cannot be parsed.
pub fn parse_file_keeping_text(
    source: SourceFile,
    limits: &Limits,
) -> Result<ParsedFile, ParseFailure> {
    if let Err(diagnostic) =
        crate::limits::check_entry_file_size(&source.path, &source.text, limits)
    {
        return Err(ParseFailure { diagnostic, source });
    }
    let SourceFile {
        path,
        content_path,
        mut text,
    } = source;
    strip_byte_order_mark(&mut text);
    let Some((front_matter_range, body_start)) = split_front_matter(&text) else {
        let diagnostic = no_front_matter_error(&path, &text);
        return Err(ParseFailure {
            diagnostic,
            source: SourceFile {
                path,
                content_path,
                text,
            },
        });
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
    let read = read_front_matter_yaml(&source).and_then(|front_matter| {
        check_yaml_depth(&source, &front_matter, limits)?;
        Ok(front_matter)
    });
    let front_matter = match read {
        Ok(front_matter) => front_matter,
        Err(diagnostic) => {
            let SourceText {
                path,
                content_path,
                text,
                ..
            } = source;
            return Err(ParseFailure {
                diagnostic,
                source: SourceFile {
                    path,
                    content_path,
                    text,
                },
            });
        }
    };
    Ok(ParsedFile {
        source: Arc::new(source),
        front_matter,
    })
}

/// The values of the top-level `keys` of a front matter that is not valid YAML as a whole:
/// each unindented `key: value` line among the first `max_lines` is read as YAML on its own,
/// so a mistake on another line does not hide it. Lines that do not read give nothing.
pub fn top_level_lines_of_broken_front_matter(
    text: &str,
    keys: &[&str],
    max_lines: usize,
) -> serde_yaml::Mapping {
    let mut found = serde_yaml::Mapping::new();
    let mut lines = text.lines().map(|line| line.trim_end_matches('\r'));
    let opened = lines.next().is_some_and(|first| first.trim_end() == "---");
    let front_matter = lines
        .take(if opened { max_lines } else { 0 })
        .take_while(|line| !matches!(line.trim_end(), "---" | "..."))
        .filter(|line| !line.starts_with([' ', '\t']));
    for line in front_matter {
        let Some((key, _)) = line.split_once(':') else {
            continue;
        };
        if !keys.contains(&key) {
            continue;
        }
        if let Ok(serde_yaml::Value::Mapping(one)) = serde_yaml::from_str(line) {
            found.extend(one);
        }
    }
    found
}

/// The error for a file without a front matter block, or with one that is never closed.
fn no_front_matter_error(path: &str, text: &str) -> Diagnostic {
    let unclosed = first_line(text).trim_end() == "---";
    let (message, help) = if unclosed {
        (
            "the front matter is not closed",
            "end the front matter with a line holding only `---`",
        )
    } else {
        (
            "the file has no front matter",
            "start the file with a front matter block:\n---\ntitle: The title\n---",
        )
    };
    Diagnostic::error(Code::NoFrontMatter, path.to_string(), message)
        .at(text, Position { line: 1, column: 1 })
        .label("front matter expected here")
        .help(help)
}

/// An error at the first list or mapping nested deeper than `limits.yaml_depth`.
fn check_yaml_depth(
    source: &SourceText,
    front_matter: &serde_yaml::Mapping,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    let Some(path) = crate::limits::first_too_deep(front_matter, limits.yaml_depth) else {
        return Ok(());
    };
    let diagnostic = Diagnostic::error(
        Code::FrontMatterTooDeep,
        source.path.clone(),
        format!(
            "the front matter nests lists and mappings more than {} levels deep",
            limits.yaml_depth
        ),
    )
    .label("too deep from here")
    .help(crate::limits::limit_help("yaml_depth", limits.yaml_depth));
    Err(crate::schema::diagnostic_at_path(diagnostic, source, &path))
}

/// The label and help of a YAML error whose message is `message`: the three that are not a
/// typo get their own.
fn yaml_error_label_and_help(message: &str) -> (&'static str, &'static str) {
    if message.contains("duplicate entry") {
        (
            "this key is already set above",
            "each key may appear once in a mapping: remove one of the two, or merge them",
        )
    } else if message.contains("repetition limit exceeded") {
        (
            "the aliases expand too far from here",
            "this value repeats aliases (`*name`) of values that repeat aliases, growing \
             exponentially (an alias bomb): write the values out, or use fewer levels",
        )
    } else if message.contains("recursion limit exceeded") {
        (
            "nested too deep here",
            "lists and mappings may nest at most 128 levels in YAML (and `limits.yaml_depth` \
             levels in lode): flatten the value",
        )
    } else {
        (
            "YAML error here",
            "check indentation and quoting: values containing `: `, `#`, `[` or `{` need quotes",
        )
    }
}

/// Where in `yaml` the reader must look for `error`. serde_yaml places a duplicate key at the
/// start of its mapping and an alias bomb nowhere; those two are found again by walking the
/// YAML (bounded: see [`crate::yaml_position::locate_alias_explosion`]).
fn yaml_error_position(yaml: &str, error: &serde_yaml::Error) -> Option<Position> {
    let message = error.to_string();
    let found_again = if message.contains("duplicate entry") {
        crate::yaml_position::locate_duplicate_key(yaml)
    } else if message.contains("repetition limit exceeded") {
        // serde_yaml gives up after 100 alias jumps per event of the document; a value of
        // several nodes per byte of YAML has exploded well before that.
        crate::yaml_position::locate_alias_explosion(yaml, yaml.len().saturating_mul(4).max(1024))
    } else {
        None
    };
    found_again.or_else(|| {
        error
            .location()
            .map(|location| clamp_to_yaml(yaml, location.line(), location.column()))
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
        let (label, help) = yaml_error_label_and_help(&message);
        let diagnostic = Diagnostic::error(Code::InvalidYaml, source.path.clone(), message)
            .label(label)
            .help(help);
        match yaml_error_position(yaml, &error) {
            Some(position) => source.diagnostic_at_yaml(diagnostic, position),
            None => diagnostic.at(&source.text, Position { line: 1, column: 1 }),
        }
    })?;
    match value {
        serde_yaml::Value::Mapping(mapping) => Ok(mapping),
        serde_yaml::Value::Null => Ok(serde_yaml::Mapping::new()),
        _ => Err(source.diagnostic_at_yaml(
            Diagnostic::error(
                Code::FrontMatterNotMapping,
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
///
/// Each id is the base itself if free, else `base-k` for the smallest `k` ≥ 1 not yet used.
/// Ids are only ever added, so that smallest free `k` never goes down for a base: remembering
/// where the search for each base stopped makes the ids of n headings O(n) in all, where
/// searching from 1 each time made 20,000 identical headings take 200 million steps.
#[derive(Debug, Default)]
pub struct HeadingIds {
    used: std::collections::HashSet<String>,
    /// Per base id that was taken: the suffix to try first next time.
    next_suffix: std::collections::HashMap<String, usize>,
}

impl HeadingIds {
    /// The id for a heading with this text (or this explicit `{#id}`).
    pub fn next_id(&mut self, text: &str, explicit: Option<&str>) -> String {
        let base = match explicit {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => crate::text::heading_slug(text),
        };
        if self.used.insert(base.clone()) {
            return base;
        }
        let counter = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{counter}");
            *counter += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod heading_id_tests {
    use super::HeadingIds;

    /// The ids the first version gave: the smallest free suffix, searched from 1 every time.
    fn ids_searching_from_one(headings: &[&str]) -> Vec<String> {
        let mut used = std::collections::HashSet::new();
        headings
            .iter()
            .map(|text| {
                let base = crate::text::heading_slug(text);
                let mut candidate = base.clone();
                let mut counter = 1;
                while !used.insert(candidate.clone()) {
                    candidate = format!("{base}-{counter}");
                    counter += 1;
                }
                candidate
            })
            .collect()
    }

    proptest::proptest! {
        /// Remembering the next suffix gives exactly the ids of searching from 1, including
        /// when a heading's own text looks like a suffixed id (`a-1`).
        #[test]
        fn same_ids_as_searching_from_one(
            headings in proptest::collection::vec("(a|a-1|a-2|b|a-1-1|b-1)", 0..40)
        ) {
            let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
            let mut ids = HeadingIds::default();
            let remembered: Vec<String> =
                headings.iter().map(|text| ids.next_id(text, None)).collect();
            proptest::prop_assert_eq!(remembered, ids_searching_from_one(&headings));
        }
    }

    #[test]
    fn twenty_thousand_identical_headings_get_distinct_ids() {
        let mut ids = HeadingIds::default();
        let last = (0..20_000).map(|_| ids.next_id("Same", None)).last();
        assert_eq!(last.as_deref(), Some("same-19999"));
    }
}
