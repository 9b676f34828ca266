//! `lode build` with its cache in `.lode-cache/`: nothing changed stops at once, an edit
//! renders only what it touches and leaves the same output as a clean build, and a corrupt,
//! truncated or foreign cache is a warning and a full build, never trusted.

use crate::support::fixture;
use lode::site::{self, BuildOptions, Outcome};
use std::collections::BTreeMap;
use std::path::Path;

/// A copy of fixture `name` in a temporary folder, so the cache and output land there.
fn copy_of_fixture(name: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    copy_folder(&fixture(name), folder.path());
    folder
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("readable fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies");
        }
    }
}

fn build(root: &Path, use_cache: bool, output: &str) -> Outcome {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(root.join(output)),
        use_cache,
        ..BuildOptions::default()
    };
    site::build(&options).expect("the fixture's configuration is valid")
}

/// Every file under `folder`, by relative path.
fn files_under(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry.expect("walkable");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(folder).expect("inside");
            files.insert(
                relative.to_string_lossy().replace('\\', "/"),
                std::fs::read(entry.path()).expect("readable"),
            );
        }
    }
    files
}

fn assert_same_as_clean(root: &Path) {
    let clean = build(root, false, "clean");
    assert!(!clean.has_errors());
    assert!(
        files_under(&root.join("public")) == files_under(&root.join("clean")),
        "the cached build's output differs from a clean build's"
    );
}

#[test]
fn nothing_changed_stops_at_once_and_an_edit_gives_a_clean_builds_output() {
    let root = copy_of_fixture("pages");
    let first = build(root.path(), true, "public");
    assert!(first.nothing_changed.is_none() && first.written.is_some());
    let again = build(root.path(), true, "public");
    assert_eq!(again.nothing_changed, Some(count_warnings(&first)));
    assert!(again.written.is_none(), "nothing is written");

    let north = root.path().join("content/regions/north.md");
    let text = std::fs::read_to_string(&north).expect("readable");
    std::fs::write(&north, format!("{text}\nOne more sentence.\n")).expect("writes");
    let edited = build(root.path(), true, "public");
    let written = edited.written.expect("a real build");
    assert!(
        written.written < 5,
        "only the pages showing the body: {written:?}"
    );
    assert_same_as_clean(root.path());

    std::fs::write(&north, text.replace("title: North", "title: Northland")).expect("writes");
    build(root.path(), true, "public");
    assert_same_as_clean(root.path());
}

#[test]
fn a_deleted_output_file_is_rendered_again() {
    let root = copy_of_fixture("pages");
    build(root.path(), true, "public");
    std::fs::remove_file(root.path().join("public/regions/north/index.html")).expect("removes");
    let again = build(root.path(), true, "public");
    assert!(again.nothing_changed.is_none());
    assert_same_as_clean(root.path());
}

#[test]
fn an_output_file_changed_by_hand_is_rendered_again() {
    let root = copy_of_fixture("pages");
    build(root.path(), true, "public");
    let page = root.path().join("public/regions/north/index.html");
    std::fs::write(&page, "tampered").expect("writes");
    let edited = root.path().join("content/regions/south.md");
    let text = std::fs::read_to_string(&edited).expect("readable");
    std::fs::write(&edited, format!("{text}\nMore.\n")).expect("writes");
    build(root.path(), true, "public");
    assert_same_as_clean(root.path());
}

#[test]
fn a_corrupt_truncated_or_foreign_cache_is_a_warning_and_a_full_build() {
    let root = copy_of_fixture("pages");
    build(root.path(), true, "public");
    let cache = root.path().join(".lode-cache/pages.bin");
    let good = std::fs::read(&cache).expect("the cache was written");
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff;
    // A body cut short fails its checksum first; a header cut short is "truncated".
    let spoilt: [(&str, Vec<u8>); 4] = [
        ("checksum mismatch", flipped),
        ("checksum mismatch", good[..good.len() / 2].to_vec()),
        ("truncated", good[..6].to_vec()),
        (
            "not a build cache",
            b"something else entirely, written by someone else".to_vec(),
        ),
    ];
    for (problem, bytes) in spoilt {
        std::fs::write(&cache, bytes).expect("writes");
        let outcome = build(root.path(), true, "public");
        let warning = outcome
            .diagnostics
            .iter()
            .find(|d| d.message.contains("build cache unreadable"))
            .unwrap_or_else(|| panic!("no warning for a cache that is {problem}"));
        assert!(warning.message.contains(problem), "{}", warning.message);
        assert!(outcome.nothing_changed.is_none() && outcome.written.is_some());
        assert_same_as_clean(root.path());
        // The build wrote a good cache again.
        let next = build(root.path(), true, "public");
        assert!(next.nothing_changed.is_some(), "after {problem}");
    }
}

fn count_warnings(outcome: &Outcome) -> usize {
    lode::diagnostics::count(&outcome.diagnostics).1
}

/// Regression: the summary a nothing-changed build repeats counted the write stage's one-time
/// notes (here: an empty marker from an older lode), so it said `lode check` lists a warning
/// that check does not have.
#[test]
fn nothing_changed_counts_only_the_warnings_lode_check_lists() {
    let root = copy_of_fixture("pages");
    let output = root.path().join("public");
    std::fs::create_dir_all(&output).expect("folder");
    std::fs::write(output.join(lode::write::MARKER_FILE), "").expect("an empty marker");
    std::fs::write(output.join("CNAME"), "atlas.example\n").expect("a file of mine");
    let first = build(root.path(), true, "public");
    assert!(
        first
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.message.contains("lists no files")),
        "the first build notes the old marker: {:?}",
        first.diagnostics
    );
    let checked = site::check(&BuildOptions {
        root: root.path().to_path_buf(),
        ..BuildOptions::default()
    })
    .expect("checks");
    let again = build(root.path(), true, "public");
    assert_eq!(again.nothing_changed, Some(count_warnings(&checked)));
}
