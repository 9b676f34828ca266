//! Bounds on the work any input may cause: the `limits:` mapping of `lode.yaml`.
//!
//! Each limit is checked before the work it protects (a file's size before its YAML is read, a
//! name's length before the mention matcher is built), so no file can stall a build or make it
//! use memory out of proportion to the file. Going over a limit is a positioned error naming
//! the setting (`limits.<name>`), except for a highlighted code block, which is shown plain.

use crate::diagnostics::{Code, Diagnostic, Position};
use crate::source::SourceText;
use serde::Deserialize;

/// The `limits:` mapping of `lode.yaml`. Every key is optional.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest entry file, in bytes (front matter and body together).
    pub entry_file_size: usize,
    /// Longest title or alias, in characters.
    pub name_length: usize,
    /// Most tags one entry may have.
    pub tags_per_entry: usize,
    /// Deepest nesting of lists and mappings in a front matter (the top mapping is depth 1).
    pub yaml_depth: usize,
    /// Largest code block that is syntax-highlighted, in bytes; a larger one is shown plain
    /// (escaped) with a warning.
    pub highlighted_code_block_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // The atlas's largest entry is under 20 KB, the synthetic generator's under 10 KB.
            entry_file_size: 1024 * 1024,
            name_length: 300,
            tags_per_entry: 50,
            yaml_depth: 32,
            highlighted_code_block_size: 256 * 1024,
        }
    }
}

/// The help line of a diagnostic about limit `name` (`entry_file_size`), whose value is
/// `value`.
pub fn limit_help(name: &str, value: usize) -> String {
    format!("the limit is {value}; raise `limits.{name}` in lode.yaml if this is intended")
}

/// An error when `text` (the whole file at `path`) is longer than `limits.entry_file_size`,
/// pointing at the line where the limit is crossed. Checked before the YAML is read.
pub fn check_entry_file_size(path: &str, text: &str, limits: &Limits) -> Result<(), Diagnostic> {
    let limit = limits.entry_file_size;
    if text.len() <= limit {
        return Ok(());
    }
    let line_start = text[..floor_char_boundary(text, limit)]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    let line = text[..line_start].matches('\n').count() + 1;
    let diagnostic = Diagnostic::error(
        Code::FileTooLarge,
        path,
        format!(
            "the file is {} bytes, larger than the limit of {limit} bytes",
            text.len()
        ),
    )
    .label("the limit is crossed on this line")
    .help(limit_help("entry_file_size", limit));
    Err(diagnostic.at_clipped(text, Position { line, column: 1 }))
}

/// A warning at each code block of `source`'s body longer than `limit` bytes: render shows it
/// plain, not highlighted. A body no longer than the limit cannot hold such a block, so only
/// bodies longer than it are read through the markdown parser again.
pub fn oversized_code_blocks(source: &SourceText, limit: usize) -> Vec<Diagnostic> {
    let body = source.body();
    if body.len() <= limit {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    let mut block: Option<(usize, usize)> = None;
    let parser = pulldown_cmark::Parser::new_ext(body, crate::parse::markdown_options());
    for (event, range) in parser.into_offset_iter() {
        match (event, block.as_mut()) {
            (pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(_)), None) => {
                block = Some((range.start, 0));
            }
            (pulldown_cmark::Event::Text(text), Some((_, length))) => *length += text.len(),
            (pulldown_cmark::Event::End(pulldown_cmark::TagEnd::CodeBlock), Some(_)) => {
                if let Some((start, length)) = block.take()
                    && length > limit
                {
                    let warning = Diagnostic::warning(
                        Code::CodeBlockTooLong,
                        source.path.clone(),
                        format!(
                            "this code block is {length} bytes, larger than the limit of {limit} \
                             bytes for highlighting: it is shown without colours"
                        ),
                    )
                    .label("shown plain")
                    .help(limit_help("highlighted_code_block_size", limit));
                    warnings.push(source.diagnostic_at_body_offset(&source.text, warning, start));
                }
            }
            _ => {}
        }
    }
    warnings
}

/// The largest index at most `index` that starts a character of `text`.
fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The path (from the top mapping) of the first node nested deeper than `limit`, if any: depth 1
/// is the top mapping, each list or mapping inside adds one. Iterative, so a deep value cannot
/// overflow the stack.
pub fn first_too_deep(
    front_matter: &serde_yaml::Mapping,
    limit: usize,
) -> Option<Vec<crate::yaml_position::PathSegment>> {
    use crate::yaml_position::PathSegment;
    use serde_yaml::Value;
    // Each item: a value, its depth, and its path.
    let mut stack: Vec<(&Value, usize, Vec<PathSegment>)> = Vec::new();
    let top: Vec<(&Value, &Value)> = front_matter.iter().collect();
    for (key, value) in top.into_iter().rev() {
        let name = crate::schema::yaml_key_text(key);
        stack.push((value, 2, vec![PathSegment::Key(name)]));
    }
    while let Some((value, depth, path)) = stack.pop() {
        let children: Vec<(&Value, PathSegment)> = match value {
            Value::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| (item, PathSegment::Index(index)))
                .collect(),
            Value::Mapping(mapping) => mapping
                .iter()
                .map(|(key, item)| (item, PathSegment::Key(crate::schema::yaml_key_text(key))))
                .collect(),
            // A tag (`!name`) adds no nesting of its own.
            Value::Tagged(tagged) => {
                stack.push((&tagged.value, depth, path));
                continue;
            }
            _ => continue,
        };
        if depth > limit {
            return Some(path);
        }
        for (child, segment) in children.into_iter().rev() {
            let mut child_path = path.clone();
            child_path.push(segment);
            stack.push((child, depth + 1, child_path));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_size_limit_is_an_error_on_the_line_crossing_it() {
        let limits = Limits {
            entry_file_size: 10,
            ..Limits::default()
        };
        assert!(check_entry_file_size("a.md", "---\nab\n", &limits).is_ok());
        let error = check_entry_file_size("a.md", "---\nabcdef\nghijk\n", &limits).unwrap_err();
        assert_eq!(error.position, Some(Position { line: 2, column: 1 }));
        assert_eq!(error.source_line.as_deref(), Some("abcdef"));
        assert!(error.help.unwrap().contains("limits.entry_file_size"));
    }

    #[test]
    fn depth_counts_the_top_mapping_as_one() {
        let yaml: serde_yaml::Mapping = serde_yaml::from_str("a: [[1]]\nb: 2\n").unwrap();
        assert!(first_too_deep(&yaml, 3).is_none());
        let path = first_too_deep(&yaml, 2).unwrap();
        assert_eq!(path.len(), 2);
    }
}
