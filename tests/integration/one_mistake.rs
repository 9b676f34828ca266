//! One mistake, one error: a broken entry, source entry or kind schema in Rare Earth Atlas is
//! reported once, at the mistake, and not again in every file that links to it (issue 13
//! point 5). Each test breaks one file of the atlas (held in memory) and checks the rest.

use lode::diagnostics::Diagnostic;
use lode::discover::MemoryFiles;
use lode::site::{self, BuildOptions};
use std::path::Path;

/// The atlas's `lode.yaml` and `content/`, in memory.
fn atlas() -> MemoryFiles {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = MemoryFiles::default();
    files.insert(
        "lode.yaml",
        std::fs::read(root.join("lode.yaml")).expect("the atlas's lode.yaml"),
    );
    let content = root.join("content");
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.expect("a readable content folder");
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .expect("inside the repository")
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(
            &relative,
            std::fs::read(entry.path()).expect("a readable file"),
        );
    }
    files
}

/// The atlas with `path`'s text changed by `change`, checked: every diagnostic.
fn check_with(path: &str, change: impl FnOnce(&str) -> String) -> Vec<Diagnostic> {
    let mut files = atlas();
    let text =
        String::from_utf8(files.get(path).expect("the file exists").to_vec()).expect("UTF-8");
    let changed = change(&text);
    assert_ne!(changed, text, "the change changes {path}");
    files.insert(path, changed);
    site::check_files(&files, &BuildOptions::default())
        .expect("the configuration is valid")
        .diagnostics
}

/// `path:line:column [code] message` of each diagnostic, for readable failures.
fn summary(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{} [{}] {}", d.location(), d.code.as_str(), d.message))
        .collect()
}

/// Asserts there is exactly one diagnostic, in `path`, with `code`.
fn assert_one_error(diagnostics: &[Diagnostic], path: &str, code: &str) {
    let lines = summary(diagnostics);
    assert_eq!(lines.len(), 1, "one error, not a cascade: {lines:#?}");
    assert_eq!(diagnostics[0].path, path, "{lines:#?}");
    assert_eq!(diagnostics[0].code.as_str(), code, "{lines:#?}");
    assert!(diagnostics[0].is_error(), "{lines:#?}");
}

#[test]
fn the_atlas_checks_clean_to_start_with() {
    let diagnostics = site::check_files(&atlas(), &BuildOptions::default())
        .expect("valid configuration")
        .diagnostics;
    assert!(diagnostics.is_empty(), "{:#?}", summary(&diagnostics));
}

#[test]
fn a_bad_indent_in_a_linked_entry_is_one_error() {
    // The example: it gave 82 errors, 81 of them in other files.
    let path = "content/minerals/neodymium.md";
    let diagnostics = check_with(path, |text| text.replacen("\nsummary:", "\n  summary:", 1));
    assert_one_error(&diagnostics, path, "L0202");
}

#[test]
fn an_entry_without_a_title_is_one_error_and_keeps_its_id() {
    let path = "content/minerals/neodymium.md";
    let diagnostics = check_with(path, |text| text.replacen("title: Neodymium\n", "", 1));
    assert_one_error(&diagnostics, path, "L0402");
}

#[test]
fn a_wikilink_by_title_to_an_unparsable_entry_is_not_reported() {
    // `[[Neodymium]]` matches the title, read from its own line of the broken YAML.
    let mut files = atlas();
    let link_from = "content/minerals/praseodymium.md";
    let text = String::from_utf8(files.get(link_from).expect("exists").to_vec()).expect("UTF-8");
    files.insert(link_from, format!("{text}\nSee also [[Neodymium]].\n"));
    let broken = "content/minerals/neodymium.md";
    let text = String::from_utf8(files.get(broken).expect("exists").to_vec()).expect("UTF-8");
    files.insert(broken, text.replacen("\nsummary:", "\n  summary:", 1));
    let diagnostics = site::check_files(&files, &BuildOptions::default())
        .expect("valid configuration")
        .diagnostics;
    assert_one_error(&diagnostics, broken, "L0202");
}

#[test]
fn a_broken_source_entry_is_one_error() {
    let path = "content/sources/usgs-mcs-2025.md";
    let diagnostics = check_with(path, |text| text.replacen("\ntitle: ", "\ntitle: [", 1));
    assert_one_error(&diagnostics, path, "L0202");
}

#[test]
fn an_unparsable_kind_schema_is_one_error() {
    // Before: 725 errors (every mineral link, ref and comparison column).
    let path = "content/minerals/_index.md";
    let diagnostics = check_with(path, |text| {
        text.replacen("kind: mineral\n", "kind: mineral\n  oops: [\n", 1)
    });
    assert_one_error(&diagnostics, path, "L0202");
}

#[test]
fn a_kind_schema_without_a_kind_is_one_error() {
    let path = "content/minerals/_index.md";
    let diagnostics = check_with(path, |text| text.replacen("kind: mineral\n", "", 1));
    assert_one_error(&diagnostics, path, "L0304");
}

#[test]
fn a_broken_field_declaration_is_one_error() {
    // Before: the declaration's error, an unknown field in each of 7 minerals, and a
    // comparison column of an unknown field.
    let path = "content/minerals/_index.md";
    let diagnostics = check_with(path, |text| {
        text.replacen(
            "type: quantity, dimension: price",
            "type: quantty, dimension: price",
            1,
        )
    });
    assert_one_error(&diagnostics, path, "L0309");
}

#[test]
fn a_reference_field_to_an_unknown_kind_is_one_error() {
    let path = "content/countries/_index.md";
    let diagnostics = check_with(path, |text| {
        text.replacen("type: refs, to: mineral,", "type: refs, to: minerl,", 1)
    });
    assert_one_error(&diagnostics, path, "L0312");
}

#[test]
fn an_unknown_id_next_to_a_broken_entry_is_still_reported() {
    // Links to a broken entry are quiet; a real typo elsewhere is not.
    let mut files = atlas();
    let broken = "content/minerals/neodymium.md";
    let text = String::from_utf8(files.get(broken).expect("exists").to_vec()).expect("UTF-8");
    files.insert(broken, text.replacen("\nsummary:", "\n  summary:", 1));
    let typo = "content/minerals/praseodymium.md";
    let text = String::from_utf8(files.get(typo).expect("exists").to_vec()).expect("UTF-8");
    files.insert(typo, format!("{text}\nSee also [[neodymiun]].\n"));
    let diagnostics = site::check_files(&files, &BuildOptions::default())
        .expect("valid configuration")
        .diagnostics;
    let lines = summary(&diagnostics);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        diagnostics
            .iter()
            .any(|d| d.path == typo && d.code.as_str() == "L0504"),
        "{lines:#?}"
    );
}
