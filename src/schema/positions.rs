//! Errors positioned in a file's front matter: at a value, at a key, or at the nearest
//! parent that exists. Positions come from [`crate::yaml_position::locate`], computed only when
//! a diagnostic needs one.

use crate::diagnostics::{Code, Diagnostic, Position, did_you_mean};
use crate::source::SourceText;
use crate::yaml_position::{PathSegment, locate};

/// An error pointing at the value at `path` in the front matter (or at line 1 if not found).
pub fn error_at_value(
    code: Code,
    source: &SourceText,
    path: &[&str],
    message: impl Into<String>,
) -> Diagnostic {
    let segments: Vec<PathSegment> = path
        .iter()
        .map(|key| PathSegment::Key(key.to_string()))
        .collect();
    error_at_path(code, source, &segments, message)
}

/// An error pointing at the node at `path` (keys and indexes) in the front matter.
pub fn error_at_path(
    code: Code,
    source: &SourceText,
    path: &[PathSegment],
    message: impl Into<String>,
) -> Diagnostic {
    diagnostic_at_path(
        Diagnostic::error(code, source.path.clone(), message),
        source,
        path,
    )
}

/// Positions `diagnostic` at the node at `path`, falling back to its parents, then line 2.
pub fn diagnostic_at_path(
    diagnostic: Diagnostic,
    source: &SourceText,
    path: &[PathSegment],
) -> Diagnostic {
    let yaml = source.front_matter_text();
    let mut prefix = path;
    loop {
        if let Some(position) = locate(yaml, prefix) {
            let length = value_length_at(yaml, position);
            return source.diagnostic_at_yaml(diagnostic, position).span(length);
        }
        match prefix.split_last() {
            Some((_, rest)) if !rest.is_empty() => prefix = rest,
            _ => break,
        }
    }
    diagnostic.at(
        &source.text,
        Position {
            line: source.front_matter_first_line,
            column: 1,
        },
    )
}

/// An error pointing at the key `name` of the mapping at `parent`.
pub fn error_at_key(
    code: Code,
    source: &SourceText,
    parent: &[&str],
    name: &str,
    message: impl Into<String>,
) -> Diagnostic {
    let mut segments: Vec<PathSegment> = parent
        .iter()
        .map(|key| PathSegment::Key(key.to_string()))
        .collect();
    segments.push(PathSegment::KeyName(name.to_string()));
    error_at_path(code, source, &segments, message)
}

/// "unknown key `name` in …", at the key, with a "did you mean" among `known` or their list.
pub(super) fn unknown_key(
    source: &SourceText,
    parent: &[&str],
    name: &str,
    known: &[&str],
    what: &str,
) -> Diagnostic {
    let diagnostic = error_at_key(
        Code::UnknownSchemaKey,
        source,
        parent,
        name,
        format!("unknown key `{name}` in {what}"),
    );
    match did_you_mean(name, known.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None => diagnostic.help(format!("known keys: {}", known.join(", "))),
    }
}

/// How many characters to underline for the scalar starting at `position`: up to the end of
/// the token (a flow separator, a comment or the end of the line). A comma ends a plain
/// scalar only inside a flow collection (`{ a: 1, b: 2 }`): in block context
/// `title: Neodymium, the magnet metal` is one scalar, to the end of the line.
fn value_length_at(yaml: &str, position: Position) -> usize {
    let Some(line) = yaml.lines().nth(position.line - 1) else {
        return 1;
    };
    let before: String = line.chars().take(position.column - 1).collect();
    let rest: String = line.chars().skip(position.column - 1).collect();
    let rest = rest.trim_end_matches('\r');
    if rest.starts_with('{') || rest.starts_with('[') {
        return 1;
    }
    let in_flow = opens_a_flow_collection(&before);
    let quoted = rest.starts_with('"') || rest.starts_with('\'');
    let mut length = 0;
    let mut previous = ' ';
    for (index, ch) in rest.chars().enumerate() {
        if quoted && index > 0 && (ch == '"' || ch == '\'') {
            return index + 1;
        }
        let ends_plain = match ch {
            ',' => in_flow,
            '}' | ']' => true,
            // `#` starts a comment only after a space (`C#` is a plain scalar).
            '#' => previous.is_whitespace(),
            _ => false,
        };
        if !quoted && ends_plain {
            break;
        }
        length = index + 1;
        previous = ch;
    }
    let trimmed: String = rest.chars().take(length).collect();
    trimmed.trim_end().chars().count().max(1)
}

/// Whether `text` (a line up to some column) leaves a `{` or `[` open, outside quotes: the
/// column is then inside a flow collection.
fn opens_a_flow_collection(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for ch in text.chars() {
        match (quote, ch) {
            (Some(open), _) if ch == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_length_stops_at_flow_separators() {
        let yaml = "a: { value: 3.8, unit: Mt }\n";
        assert_eq!(
            value_length_at(
                yaml,
                Position {
                    line: 1,
                    column: 13
                }
            ),
            3
        );
        assert_eq!(
            value_length_at(
                yaml,
                Position {
                    line: 1,
                    column: 24
                }
            ),
            2
        );
    }

    #[test]
    fn value_length_in_block_context_runs_past_commas_to_a_comment() {
        let at = |yaml: &str, column| value_length_at(yaml, Position { line: 1, column });
        // Block context: the comma is part of the title.
        assert_eq!(at("title: Neodymium, the magnet metal\n", 8), 27);
        assert_eq!(at("title: Neodymium, the metal # a comment\n", 8), 20);
        assert_eq!(at("lang: C# and Rust\n", 7), 11);
        // Flow context, even after a quoted `{` earlier on the line.
        assert_eq!(at("a: { b: \"{\", c: x, d: y }\n", 17), 1);
        assert_eq!(at("tags: [a b, c]\n", 8), 3);
    }
}
