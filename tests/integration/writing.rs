//! The write stage: atomic, incremental, and safe with folders lode did not create.

use crate::support::{fixture, memory_fixture};
use lode::site::{self, BuildOptions};

fn options(output: &std::path::Path) -> BuildOptions {
    BuildOptions {
        root: fixture("field-types"),
        output: Some(output.to_path_buf()),
        ..BuildOptions::default()
    }
}

#[test]
fn a_second_build_with_nothing_changed_rewrites_no_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = dir.path().join("public");
    let first = site::build(&options(&output)).expect("builds");
    let written = first.written.expect("written").written;
    assert!(written > 10);
    let page = output.join("things/alpha/index.html");
    let modified = |path: &std::path::Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .expect("built")
    };
    let before = modified(&page);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = site::build(&options(&output)).expect("builds");
    assert_eq!(modified(&page), before, "the file was not rewritten");
    let report = second.written.expect("written");
    assert_eq!(
        (report.written, report.unchanged, report.removed),
        (0, written, 0)
    );
}

#[test]
fn two_builds_give_byte_identical_output() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    site::build(&options(&a)).expect("builds");
    site::build(&options(&b)).expect("builds");
    let list = |root: &std::path::Path| {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                (
                    entry
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(entry.path())
                        .display()
                        .to_string(),
                    std::fs::read(entry.path()).unwrap_or_default(),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(list(&a), list(&b));
}

#[test]
fn refuses_a_foreign_non_empty_output_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("thesis.docx"), "precious").expect("write");
    let result = site::build(&options(dir.path()));
    assert!(result.is_err());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("thesis.docx")).expect("still there"),
        "precious"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = dir.path().join("public");
    site::build(&options(&output)).expect("builds");
    let before = std::fs::read(output.join("things/alpha/index.html")).expect("built");
    let broken = BuildOptions {
        root: fixture("mistakes"),
        output: Some(output.clone()),
        ..BuildOptions::default()
    };
    let outcome = site::build(&broken).expect("runs");
    assert!(outcome.has_errors());
    assert!(outcome.written.is_none());
    assert_eq!(
        std::fs::read(output.join("things/alpha/index.html")).expect("still there"),
        before
    );
}

#[test]
fn a_body_edited_during_the_build_fails_it_instead_of_mixing_versions() {
    // Bodies leave memory after the link stage and render fetches each file again: a file
    // saved in between must stop the build, since its links were resolved on the old text.
    // The whole pipeline runs from files held in memory and renders into memory.
    let mut files = memory_fixture("field-types");
    let options = BuildOptions::default();
    let config = site::load_config(&files, &options).expect("valid configuration");
    let mut diagnostics = Vec::new();
    let analysis = site::analyse(
        &files,
        &options,
        config,
        &mut site::Timings::default(),
        &mut diagnostics,
    );
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let alpha = "content/things/alpha.md";
    let text =
        String::from_utf8(files.get(alpha).expect("in the fixture").to_vec()).expect("UTF-8");
    files.insert(alpha, format!("{text}\nOne more line.\n"));
    let input = analysis.render_input(&files);
    let sink = site::MemorySink::default();
    let problems = lode::render::render(&input, &sink);
    let messages: Vec<String> = problems
        .iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    assert!(
        messages.contains(
            &"content/things/alpha.md: the file changed while the site was being built".to_string()
        ),
        "{messages:?}"
    );
    let files = sink.files.lock().expect("not poisoned");
    assert!(!files.contains_key("things/alpha/index.html"));
    assert!(files.contains_key("things/beta/index.html"));
}
