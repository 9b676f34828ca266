//! Helpers shared by the integration tests.

use lode::diagnostics::Diagnostic;
use lode::site::{self, BuildOptions, Outcome};
use std::path::{Path, PathBuf};

/// The folder of fixture `name`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `lode check` on a fixture.
pub fn check(name: &str) -> Outcome {
    let options = BuildOptions {
        root: fixture(name),
        ..BuildOptions::default()
    };
    site::check(&options).expect("fixture configuration is valid")
}

/// Builds a fixture into a fresh temporary folder; returns the outcome and the folder.
pub fn build(name: &str) -> (Outcome, tempfile::TempDir) {
    let output = tempfile::tempdir().expect("temporary folder");
    let options = BuildOptions {
        root: fixture(name),
        output: Some(output.path().join("public")),
        ..BuildOptions::default()
    };
    let outcome = site::build(&options).expect("fixture configuration is valid");
    (outcome, output)
}

/// Reads a built page.
pub fn page(output: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(output.path().join("public").join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The `<main>` element of a page: what snapshots compare.
pub fn main_content(html: &str) -> String {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page closes </main>") + "</main>".len();
    html[start..end].to_string()
}

/// What a snapshot compares: the `<main>` element of a page, with the local graph's
/// coordinates redacted so a change of layout does not rewrite every entry page's snapshot.
pub fn snapshot_main(html: &str) -> String {
    redact_local_graph_coordinates(&main_content(html))
}

/// `html` with every coordinate attribute (`cx`, `x1`, `y`, …) inside a local graph's `<svg>`
/// replaced by `…`. The nodes, edges, links, labels and radii stay: they are what the graph
/// says; where the layout puts them is the layout's own tests' business.
pub fn redact_local_graph_coordinates(html: &str) -> String {
    let coordinate =
        regex::Regex::new(r#"\s(cx|cy|x|y|x1|y1|x2|y2)="[^"]*""#).expect("a valid pattern");
    let mut redacted = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<svg class=\"local-graph\"") {
        let end = rest[start..]
            .find("</svg>")
            .map_or(rest.len(), |offset| start + offset);
        redacted.push_str(&rest[..start]);
        redacted.push_str(&coordinate.replace_all(&rest[start..end], " $1=\"…\""));
        rest = &rest[end..];
    }
    redacted.push_str(rest);
    redacted
}

/// `path:line:column message` of every error, for compact assertions.
pub fn errors(outcome: &Outcome) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(short)
        .collect()
}

/// `path:line:column message` of every warning.
pub fn warnings(outcome: &Outcome) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(short)
        .collect()
}

fn short(diagnostic: &Diagnostic) -> String {
    format!("{} {}", diagnostic.location(), diagnostic.message)
}

/// Copies fixture `name` into `destination`, to vary it in a test.
pub fn copy_fixture(name: &str, destination: &Path) {
    let source = fixture(name);
    for entry in walkdir::WalkDir::new(&source)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry
            .path()
            .strip_prefix(&source)
            .expect("inside the fixture");
        let target = destination.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Fixture `name` held in memory, to run the pipeline (and vary the files) without touching
/// the disk again.
pub fn memory_fixture(name: &str) -> lode::discover::MemoryFiles {
    let source = fixture(name);
    let mut files = lode::discover::MemoryFiles::default();
    for entry in walkdir::WalkDir::new(&source)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
    {
        let relative = entry
            .path()
            .strip_prefix(&source)
            .expect("inside the fixture")
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(
            &relative,
            std::fs::read(entry.path()).expect("readable file"),
        );
    }
    files
}
