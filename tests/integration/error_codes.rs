//! Every diagnostic code is documented in docs/errors.md, and every example there gives its
//! code.
//!
//! An example is a code's `## Lxxxx Name` section holding one or more fenced blocks whose info
//! string ends with ` file=PATH` (written over a copy of `tests/fixtures/errors-base`), then
//! one ```` ```text ```` block whose every non-empty line must appear in the rendered
//! diagnostics, then a `Fix:` paragraph.

use crate::support;
use lode::diagnostics::{Code, Diagnostic};
use lode::site::{self, BuildOptions, SetupError};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::path::Path;

/// The fixture every example is written over.
const BASE_FIXTURE: &str = "errors-base";

fn docs_errors_md() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors.md"))
        .expect("docs/errors.md exists")
}

/// Each code of [`Code::ALL`] has its own `## Lxxxx` heading in docs/errors.md.
#[test]
fn every_code_has_a_heading_in_docs_errors_md() {
    let docs = docs_errors_md();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| {
            !docs
                .lines()
                .any(|line| line.starts_with(&format!("## {code} ")))
        })
        .collect();
    assert!(missing.is_empty(), "undocumented codes: {missing:?}");
}

/// One file an example writes over the base fixture.
#[derive(Debug)]
struct ExampleFile {
    /// Relative to the knowledge base root.
    path: String,
    /// The block's text, as it is written (see [`ExampleFile::bytes`]).
    text: String,
    /// `encoding=latin1` in the info string: each character is written as one byte, so an
    /// example can hold a file that is not UTF-8.
    latin1: bool,
}

impl ExampleFile {
    /// The bytes to write: the text as UTF-8, or as Latin-1 when the block asks.
    fn bytes(&self) -> Result<Vec<u8>, String> {
        if !self.latin1 {
            return Ok(self.text.clone().into_bytes());
        }
        self.text
            .chars()
            .map(|character| {
                u8::try_from(u32::from(character))
                    .map_err(|_| format!("`{character}` in {} is not Latin-1", self.path))
            })
            .collect()
    }
}

/// One `## Lxxxx Name` section of docs/errors.md.
#[derive(Debug, Default)]
struct Section {
    /// The heading's text: `L0401 UnknownField`.
    heading: String,
    /// Its prose, without the code blocks.
    prose: String,
    files: Vec<ExampleFile>,
    /// The contents of every ```` ```text ```` block.
    expected: Vec<String>,
    /// Problems with the section's own shape (a block in the wrong place).
    format_problems: Vec<String>,
    /// Whether a paragraph starting with `Fix:` follows the expected output.
    has_fix: bool,
}

impl Section {
    fn code_text(&self) -> &str {
        self.heading.split_whitespace().next().unwrap_or_default()
    }

    fn has_example(&self) -> bool {
        !self.files.is_empty() || !self.expected.is_empty()
    }
}

/// A fenced block's info string, read: `yaml file=content/x.md` is a file to write.
enum Block {
    File { path: String, latin1: bool },
    Expected,
    Other,
}

fn block_kind(info: &str) -> Block {
    let words: Vec<&str> = info.split_whitespace().collect();
    match words.last().and_then(|last| last.strip_prefix("file=")) {
        Some(path) => Block::File {
            path: path.to_string(),
            latin1: words.contains(&"encoding=latin1"),
        },
        None if info.trim() == "text" => Block::Expected,
        None => Block::Other,
    }
}

/// docs/errors.md cut into its `##` sections, in order.
fn sections(markdown: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_heading = false;
    let mut block: Option<(Block, String)> = None;
    let mut paragraph: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                sections.push(Section::default());
                in_heading = true;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => in_heading = false,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                block = Some((block_kind(&info), String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let (Some((kind, text)), Some(section)) = (block.take(), sections.last_mut()) {
                    add_block(section, kind, text);
                }
            }
            Event::Start(Tag::Paragraph) => paragraph = Some(String::new()),
            Event::End(TagEnd::Paragraph) => {
                if let (Some(text), Some(section)) = (paragraph.take(), sections.last_mut()) {
                    if text.starts_with("Fix:") {
                        if section.expected.is_empty() {
                            section.format_problems.push(
                                "`Fix:` comes before the ```text block of the message".into(),
                            );
                        }
                        section.has_fix = true;
                    }
                    section.prose.push_str(&text);
                    section.prose.push('\n');
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, block_text)) = &mut block {
                    block_text.push_str(&text);
                } else if let Some(section) = sections.last_mut() {
                    if in_heading {
                        section.heading.push_str(&text);
                    } else if let Some(paragraph) = &mut paragraph {
                        paragraph.push_str(&text);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(paragraph) = &mut paragraph {
                    paragraph.push(' ');
                }
            }
            _ => {}
        }
    }
    sections
}

/// Files the fenced block `text` of `kind` into `section`, noting blocks out of order.
fn add_block(section: &mut Section, kind: Block, text: String) {
    match kind {
        Block::File { path, latin1 } => {
            if !section.expected.is_empty() {
                section
                    .format_problems
                    .push(format!("file block `{path}` comes after the ```text block"));
            }
            section.files.push(ExampleFile { path, text, latin1 });
        }
        Block::Expected => {
            if section.files.is_empty() {
                section
                    .format_problems
                    .push("a ```text block without a file block before it".into());
            }
            section.expected.push(text);
        }
        Block::Other => {}
    }
}

/// The code a section's heading names, if it is one of [`Code::ALL`] with the right name.
fn code_of(section: &Section) -> Option<Code> {
    let code = Code::ALL
        .iter()
        .copied()
        .find(|code| code.as_str() == section.code_text())?;
    let wanted = format!("{} {code:?}", code.as_str());
    (section.heading.trim() == wanted).then_some(code)
}

/// Every `##` heading names a real code by its number and name, at most once; codes that
/// content cannot trigger say so and have no example; the others have exactly one example in
/// the agreed shape.
#[test]
fn docs_errors_md_sections_match_the_codes() {
    let sections = sections(&docs_errors_md());
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for section in &sections {
        let heading = &section.heading;
        let Some(code) = code_of(section) else {
            problems.push(format!("`## {heading}` is not `## Lxxxx Name` of a code"));
            continue;
        };
        if !seen.insert(code) {
            problems.push(format!("`## {heading}` appears twice"));
        }
        problems.extend(
            section
                .format_problems
                .iter()
                .map(|problem| format!("{heading}: {problem}")),
        );
        let not_triggered = section.prose.contains("Not triggered by content alone");
        if code.triggered_by_content() {
            if !section.has_example() {
                problems.push(format!("{heading}: no example (a ` file=PATH` block)"));
            } else if section.expected.len() != 1 {
                problems.push(format!(
                    "{heading}: {} ```text blocks, not one",
                    section.expected.len()
                ));
            } else if !section.has_fix {
                problems.push(format!("{heading}: no `Fix:` line"));
            }
            if not_triggered {
                problems.push(format!(
                    "{heading}: says it is not triggered by content, but codes.rs says it is"
                ));
            }
        } else {
            if section.has_example() {
                problems.push(format!(
                    "{heading}: an example, but codes.rs says content cannot trigger it"
                ));
            }
            if !not_triggered {
                problems.push(format!(
                    "{heading}: does not say \"Not triggered by content alone\""
                ));
            }
        }
    }
    for code in Code::ALL {
        if code.triggered_by_content() && !seen.contains(code) {
            problems.push(format!("{code} {code:?}: no section, so no example"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What checking (or building) an example gave: every diagnostic, rendered.
struct ExampleRun {
    diagnostics: Vec<Diagnostic>,
    rendered: String,
}

/// Codes only a render produces (templates and pages): their examples are built into memory,
/// the others checked.
fn needs_a_build(code: Code) -> bool {
    code.as_str().starts_with("L07")
}

/// Writes `files` over a copy of the base fixture and checks (or builds) it.
fn run_example(code: Code, files: &[ExampleFile]) -> Result<ExampleRun, String> {
    let root = tempfile::tempdir().map_err(|error| format!("temporary folder: {error}"))?;
    support::copy_fixture(BASE_FIXTURE, root.path());
    for file in files {
        write_example_file(root.path(), file)?;
    }
    let options = BuildOptions {
        root: root.path().to_path_buf(),
        ..BuildOptions::default()
    };
    let result = if needs_a_build(code) {
        site::build_into_memory(&options).map(|(outcome, _)| outcome)
    } else {
        site::check(&options)
    };
    let diagnostics = match result {
        Ok(outcome) => outcome.diagnostics,
        // An invalid lode.yaml stops before any content is read: its one diagnostic.
        Err(SetupError::Config(diagnostic)) => vec![*diagnostic],
        Err(other) => return Err(format!("setup error: {other}")),
    };
    let rendered = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.render(false))
        .collect::<Vec<_>>()
        .join("\n");
    Ok(ExampleRun {
        diagnostics,
        rendered,
    })
}

fn write_example_file(root: &Path, file: &ExampleFile) -> Result<(), String> {
    if file.path.starts_with('/') || file.path.split('/').any(|part| part == "..") {
        return Err(format!("`{}` is not a path inside the root", file.path));
    }
    let target = root.join(&file.path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", file.path))?;
    }
    std::fs::write(&target, file.bytes()?).map_err(|error| format!("{}: {error}", file.path))
}

/// Why the example of `section` (for `code`) fails, or `None` when it gives its code and
/// every line of its message.
fn example_failure(section: &Section, code: Code) -> Option<String> {
    let heading = &section.heading;
    let expected = section.expected.first()?;
    let run = match run_example(code, &section.files) {
        Ok(run) => run,
        Err(error) => return Some(format!("{heading}: {error}")),
    };
    let mut reasons = Vec::new();
    let title = expected.lines().next().unwrap_or_default();
    if !title.starts_with(&format!("error[{code}]: "))
        && !title.starts_with(&format!("warning[{code}]: "))
    {
        reasons.push(format!(
            "the ```text block starts with `{title}`, not `error[{code}]: …` or `warning[{code}]: …`"
        ));
    }
    if !run
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.code == code)
    {
        reasons.push(format!("no diagnostic with code {code}"));
    }
    for line in expected
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
    {
        if !run.rendered.contains(line) {
            reasons.push(format!("the output lacks `{line}`"));
        }
    }
    if reasons.is_empty() {
        return None;
    }
    Some(format!(
        "{heading}:\n  - {}\n  actual diagnostics:\n{}",
        reasons.join("\n  - "),
        indent(&run.rendered)
    ))
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "    (none)".to_string();
    }
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The base fixture checks and builds clean, so whatever an example reports is the example's.
#[test]
fn errors_base_fixture_checks_and_builds_with_no_diagnostic() {
    let outcome = support::check(BASE_FIXTURE);
    assert!(
        outcome.diagnostics.is_empty(),
        "{:?}",
        support::errors(&outcome)
    );
    assert_eq!(outcome.entry_count, 3);
    let options = BuildOptions {
        root: support::fixture(BASE_FIXTURE),
        ..BuildOptions::default()
    };
    let (outcome, site) = site::build_into_memory(&options).expect("valid configuration");
    let rendered: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect();
    assert!(rendered.is_empty(), "{}", rendered.join("\n"));
    assert!(site.is_some_and(|files| files.contains_key("minerals/neodymium/index.html")));
}

/// Every example of docs/errors.md, written over the base fixture, gives its code and every
/// line of its ```` ```text ```` block. All failures are listed together.
#[test]
fn every_example_in_docs_errors_md_gives_its_code() {
    let sections = sections(&docs_errors_md());
    let failures: Vec<String> = sections
        .iter()
        .filter_map(|section| Some((section, code_of(section)?)))
        .filter_map(|(section, code)| example_failure(section, code))
        .collect();
    assert!(
        failures.is_empty(),
        "{} example(s) of docs/errors.md fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The reader of docs/errors.md sees files, the expected message and the fix, and notices a
/// block out of place: a check of the checker.
#[test]
fn sections_reader_finds_files_message_and_fix() {
    let markdown = "# Title\n\nIntro.\n\n## L0401 UnknownField\n\nA field.\n\n\
        ```yaml file=content/minerals/x.md\n---\ntitle: X\n---\n```\n\n\
        ```text\nerror[L0401]: unknown field\n```\n\nFix: remove it.\n\n\
        ## L0102 NotUtf8\n\n```text\nerror[L0102]: x\n```\n\n\
        ```markdown encoding=latin1 file=content/a.md\ncaf\u{e9}\n```\n";
    let sections = sections(markdown);
    assert_eq!(sections.len(), 2);
    let first = &sections[0];
    assert_eq!(first.heading, "L0401 UnknownField");
    assert_eq!(code_of(first), Some(Code::UnknownField));
    assert_eq!(first.files.len(), 1);
    assert_eq!(first.files[0].path, "content/minerals/x.md");
    assert_eq!(first.files[0].text, "---\ntitle: X\n---\n");
    assert_eq!(first.expected, ["error[L0401]: unknown field\n"]);
    assert!(first.has_fix);
    assert!(first.format_problems.is_empty());
    let second = &sections[1];
    assert_eq!(
        second.format_problems.len(),
        2,
        "{:?}",
        second.format_problems
    );
    assert_eq!(second.files[0].bytes(), Ok(b"caf\xe9\n".to_vec()));
    assert!(!second.has_fix);
}
