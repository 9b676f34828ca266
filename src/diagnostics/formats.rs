//! Diagnostics for machines: JSON Lines (`--format json`) and GitHub Actions workflow commands
//! (`--format github`), beside the rustc-style text of [`Diagnostic::render`].
//!
//! Both give one line per diagnostic, so a tool can read them as they come. Columns count
//! characters from 1, as in the text format; the end is the last marked character, on the same
//! line (lode's markers never span lines).

use super::{Diagnostic, Severity};
use serde::Serialize;

/// One diagnostic as a line of JSON Lines. `file` is relative to the knowledge base root.
#[derive(Debug, Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    label: Option<&'a str>,
    help: Option<&'a str>,
}

/// The diagnostic as one line of JSON (no newline): `file`, `line`, `column`, `end_line`,
/// `end_column` (`null` when the problem is about the whole file), `severity`, `code`,
/// `message`, `label` and `help` (`null` when there is none).
pub fn json_line(diagnostic: &Diagnostic) -> String {
    let end = end_column(diagnostic);
    let line = diagnostic.position.map(|position| position.line);
    let record = JsonDiagnostic {
        file: &diagnostic.path,
        line,
        column: diagnostic.position.map(|position| position.column),
        end_line: line,
        end_column: end,
        severity: diagnostic.severity,
        code: diagnostic.code.as_str(),
        message: &diagnostic.message,
        label: Some(diagnostic.label.as_str()).filter(|label| !label.is_empty()),
        help: diagnostic.help.as_deref(),
    };
    // Serialising strings, numbers and `null` cannot fail; should it ever, the line still
    // says which diagnostic it was rather than vanishing.
    serde_json::to_string(&record).unwrap_or_else(|error| {
        format!(
            "{{\"file\":{:?},\"code\":{:?},\"message\":\"(not serialisable: {error})\"}}",
            diagnostic.path,
            diagnostic.code.as_str()
        )
    })
}

/// The diagnostic as a GitHub Actions workflow command, e.g.
/// `::error file=content/x.md,line=3,col=5,endLine=3,endColumn=9,title=L0401::unknown field`.
/// `path_prefix` is where the knowledge base root is in the repository (`""` when it is the
/// repository's root), so GitHub can place the annotation on the file. The message carries the
/// help on a second line.
pub fn github_command(diagnostic: &Diagnostic, path_prefix: &str) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let file = if path_prefix.is_empty() {
        diagnostic.path.clone()
    } else {
        format!("{}/{}", path_prefix.trim_end_matches('/'), diagnostic.path)
    };
    let mut properties = vec![format!("file={}", escape_property(&file))];
    if let Some(position) = diagnostic.position {
        properties.push(format!("line={}", position.line));
        properties.push(format!("col={}", position.column));
        properties.push(format!("endLine={}", position.line));
        if let Some(end) = end_column(diagnostic) {
            properties.push(format!("endColumn={end}"));
        }
    }
    properties.push(format!(
        "title={}",
        escape_property(diagnostic.code.as_str())
    ));
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// The column of the last marked character, when the diagnostic has a position.
fn end_column(diagnostic: &Diagnostic) -> Option<usize> {
    diagnostic
        .position
        .map(|position| position.column + diagnostic.span_length.max(1) - 1)
}

/// A workflow command's message: `%`, CR and LF are written as `%25`, `%0D` and `%0A`, so a
/// message cannot end the command early or start another one.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,` as `%3A` and
/// `%2C`, which would otherwise end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Position};

    fn unknown_field() -> Diagnostic {
        Diagnostic::error(
            Code::UnknownField,
            "content/countries/x.md",
            "unknown field `colour`",
        )
        .at("---\ncolour: red\n---\n", Position { line: 2, column: 1 })
        .span(6)
        .label("not a field of `country`")
        .help("did you mean `color`?")
    }

    #[test]
    fn json_lines_give_every_part_of_a_diagnostic() {
        let line = json_line(&unknown_field());
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(value["file"], "content/countries/x.md");
        assert_eq!(value["line"], 2);
        assert_eq!(value["column"], 1);
        assert_eq!(value["end_line"], 2);
        assert_eq!(value["end_column"], 6);
        assert_eq!(value["severity"], "error");
        assert_eq!(value["code"], "L0401");
        assert_eq!(value["message"], "unknown field `colour`");
        assert_eq!(value["label"], "not a field of `country`");
        assert_eq!(value["help"], "did you mean `color`?");
    }

    #[test]
    fn json_gives_null_positions_for_a_whole_file() {
        let diagnostic = Diagnostic::warning(Code::Orphan, "content/a.md", "orphan");
        let value: serde_json::Value =
            serde_json::from_str(&json_line(&diagnostic)).expect("valid JSON");
        assert!(value["line"].is_null());
        assert!(value["end_column"].is_null());
        assert!(value["help"].is_null());
        assert!(value["label"].is_null());
        assert_eq!(value["severity"], "warning");
    }

    #[test]
    fn github_commands_place_the_annotation_and_carry_the_help() {
        assert_eq!(
            github_command(&unknown_field(), ""),
            "::error file=content/countries/x.md,line=2,col=1,endLine=2,endColumn=6,\
             title=L0401::unknown field `colour`%0Ahelp: did you mean `color`?"
        );
        assert_eq!(
            github_command(&unknown_field(), "site/"),
            "::error file=site/content/countries/x.md,line=2,col=1,endLine=2,endColumn=6,\
             title=L0401::unknown field `colour`%0Ahelp: did you mean `color`?"
        );
    }

    #[test]
    fn github_commands_escape_what_would_end_them() {
        let diagnostic = Diagnostic::warning(
            Code::Orphan,
            "content/a,b:c.md",
            "100% sure\r\n::error::injected",
        );
        let command = github_command(&diagnostic, "");
        assert_eq!(
            command,
            "::warning file=content/a%2Cb%3Ac.md,title=L0509::100%25 sure%0D%0A::error::injected"
        );
        assert_eq!(command.lines().count(), 1);
    }
}
