//! The bodies of lode's fuzz targets, kept in a library so that each `fuzz_targets/*.rs`
//! is one line and the same functions can be driven by any fuzzer (libFuzzer through
//! `cargo fuzz`, or a plain loop replaying a corpus).
//!
//! Each function takes arbitrary bytes and must never panic: every content problem is
//! supposed to come back as a `Diagnostic`, and rendering that diagnostic (with its source
//! line and marker) must not panic either.

use lode::config::Config;
use lode::diagnostics::Diagnostic;
use lode::discover::MemoryFiles;
use lode::parse::{ParsedFile, parse_file};
use lode::site::{BuildOptions, build_files_into_memory};
use lode::source::{FoundFile, SourceFile};
use lode::validate::Validator;

/// A kind schema with a field of every type, so validation reaches every typed reader.
const THING_SCHEMA: &str = "---
title: Things
kind: thing
fields:
  code:      { type: string, pattern: \"^[A-Z]+$\", label: Code }
  blurb:     { type: text, label: Blurb }
  count:     { type: number, label: Count }
  mass:      { type: quantity, dimension: mass, label: Mass }
  budget:    { type: quantity, dimension: money, label: Budget }
  share:     { type: quantity, dimension: ratio, label: Share }
  price:     { type: quantity, dimension: price, label: Price }
  opened:    { type: date, label: Opened, timeline: Opened }
  active:    { type: bool, label: Active }
  status:    { type: enum, values: [planned, running, closed], label: Status }
  homepage:  { type: url, label: Homepage }
  parent:    { type: ref, to: thing, label: Parent, inverse: Children }
  friends:   { type: refs, to: thing, label: Friends, inverse: Friend of }
  uses:      { type: list, label: Uses }
---
Things of every field type.
";

/// The `source` kind, which `sources:` and claims' `source:` refer to.
const SOURCE_SCHEMA: &str = "---
title: Sources
kind: source
fields:
  publisher: { type: string, required: true }
  url:       { type: url }
---
";

/// A well-formed entry of kind `thing`, validated against a fuzzed schema.
const FIXED_THING: &str = "---
title: Fixed thing
code: ABC
mass: 3.8 Mt
opened: 2025-02~
status: running
friends: [fixed-thing]
tags: [alpha]
---
Body.
";

fn source_file(path: &str, text: String) -> SourceFile {
    let content_path = path
        .strip_prefix("content/")
        .and_then(|rest| rest.strip_suffix(".md"))
        .unwrap_or(path)
        .to_string();
    SourceFile {
        path: path.to_string(),
        content_path,
        text,
    }
}

/// Parses a file that is part of the harness (never fuzzed), so it must parse.
fn parse_fixed(path: &str, text: &str) -> ParsedFile {
    match parse_file(source_file(path, text.to_string())) {
        Ok(parsed) => parsed,
        Err(diagnostic) => panic!("the harness's own file {path} does not parse: {diagnostic:?}"),
    }
}

/// Renders every diagnostic both ways, as `lode check` prints them: annotating a source
/// line must not panic whatever the position.
fn render_all(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        let _ = diagnostic.render(false);
        let _ = diagnostic.render(true);
        let _ = diagnostic.location();
    }
}

/// Target `front_matter`: the bytes (after a first byte choosing the role) are read as UTF-8,
/// split into front matter and body, parsed as YAML and validated, as one of
/// - `0`: an entry of a kind with a field of every type (`content/things/fuzzed.md`);
/// - `1`: a top-level page (`content/fuzzed.md`);
/// - `2`: a kind's schema (`content/things/_index.md`), with a fixed entry validated against it;
/// - `3`: the home page's `_index.md`;
/// - anything else: a comparison page (`content/comparisons/fuzzed.md`).
pub fn front_matter(data: &[u8]) {
    let Some((&role, rest)) = data.split_first() else {
        return;
    };
    let path = match role % 5 {
        0 => "content/things/fuzzed.md",
        1 => "content/fuzzed.md",
        2 => "content/things/_index.md",
        3 => "content/_index.md",
        _ => "content/comparisons/fuzzed.md",
    };
    let found = FoundFile {
        path: path.to_string(),
        content_path: source_file(path, String::new()).content_path,
    };
    let source = match SourceFile::from_bytes(&found, rest.to_vec()) {
        Ok(source) => source,
        Err(diagnostic) => return render_all(&[diagnostic]),
    };
    let fuzzed = match parse_file(source) {
        Ok(parsed) => parsed,
        Err(diagnostic) => return render_all(&[diagnostic]),
    };
    let mut index_files = vec![parse_fixed("content/sources/_index.md", SOURCE_SCHEMA)];
    let mut entry_files = Vec::new();
    if lode::validate::is_index_path(&fuzzed.source.content_path) {
        if role % 5 == 3 {
            index_files.push(parse_fixed("content/things/_index.md", THING_SCHEMA));
        }
        index_files.push(fuzzed);
        entry_files.push(parse_fixed("content/things/fixed-thing.md", FIXED_THING));
    } else {
        index_files.push(parse_fixed("content/things/_index.md", THING_SCHEMA));
        entry_files.push(parse_fixed("content/things/fixed-thing.md", FIXED_THING));
        entry_files.push(fuzzed);
    }
    let config = Config::default();
    let validator = Validator::new(&index_files, &config, false);
    let results = entry_files
        .iter()
        .map(|file| validator.entry(file))
        .collect();
    let (_validated, diagnostics) = validator.finish(results);
    render_all(&diagnostics);
}

/// Target `markdown`: a whole clean build, in memory, of a small knowledge base whose entry
/// `countries/fuzzed` has the input (read as UTF-8, bad bytes replaced) as its body. The
/// body goes through link scanning and resolution, markdown rendering, highlighting and
/// sanitising. Beyond not panicking, a page built without errors must keep the promise of
/// `render/sanitize.rs`: the body cannot add a script or close the page's `<main>`.
pub fn markdown(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let mut files = MemoryFiles::default();
    files.insert("lode.yaml", "title: Fuzz\n");
    files.insert(
        "content/_index.md",
        "---\ntitle: Home\n---\nSee [[russia]] and [[fuzzed]].\n",
    );
    files.insert(
        "content/countries/_index.md",
        "---\ntitle: Countries\nkind: country\nfields:\n  partners: { type: refs, to: country, label: Partners, inverse: Partner of }\n---\n",
    );
    files.insert(
        "content/countries/russia.md",
        "---\ntitle: Russia\naliases: [Russian Federation]\n---\n## Economy\n\nMentions [[fuzzed]].\n",
    );
    files.insert(
        "content/countries/fuzzed.md",
        format!("---\ntitle: Fuzzed\npartners: [russia]\n---\n{body}"),
    );
    files.insert("static/files/report.pdf", "%PDF-1.4\n");
    let options = BuildOptions::default();
    let (outcome, site) = match build_files_into_memory(&files, &options) {
        Ok(built) => built,
        Err(setup_error) => panic!("the harness's own lode.yaml was refused: {setup_error}"),
    };
    render_all(&outcome.diagnostics);
    let Some(site) = site else {
        return;
    };
    let Some(page) = site.get("countries/fuzzed/index.html") else {
        panic!("a build without errors has no page for the fuzzed entry");
    };
    let page = String::from_utf8_lossy(page.as_ref());
    let main_opens = page.matches("<main").count();
    let main_closes = page.matches("</main>").count();
    assert_eq!(
        (main_opens, main_closes),
        (1, 1),
        "the body opened or closed <main>"
    );
    let main_start = page.find("<main").unwrap_or(0);
    let main_end = page.find("</main>").unwrap_or(page.len());
    let main = page[main_start..main_end].to_ascii_lowercase();
    assert!(
        !main.contains("<script"),
        "a script reached the page: {main}"
    );
}
