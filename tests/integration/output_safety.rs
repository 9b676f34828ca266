//! The output folder never holds the sources, files lode did not write are never deleted, and
//! a `--root` that is not a knowledge base is a usage error (exit 2).

use crate::support::{copy_fixture, fixture};
use lode::site::{self, BuildOptions};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn lode() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lode"))
}

/// Every file and folder name under `folder`, with each file's bytes.
fn listing(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(folder)
        .min_depth(1)
        .into_iter()
        .map(|entry| entry.expect("walkable"))
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(folder)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            let bytes = if entry.file_type().is_file() {
                std::fs::read(entry.path()).expect("readable")
            } else {
                b"(folder)".to_vec()
            };
            (relative, bytes)
        })
        .collect()
}

#[test]
fn an_output_folder_that_is_holds_or_lies_in_the_sources_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("kb");
    copy_fixture("links", &root);
    std::fs::create_dir_all(root.join("static")).expect("folder");
    std::fs::write(root.join("static/site.css"), "a {}\n").expect("writes");
    // A marker in the root itself must not make it an output folder lode may clean.
    std::fs::write(root.join(lode::write::MARKER_FILE), "").expect("writes");
    let before = listing(dir.path());
    let cases: [(&str, &str); 7] = [
        (".", "is the knowledge base's root"),
        ("./", "is the knowledge base's root"),
        ("content/..", "is the knowledge base's root"),
        ("..", "contains the knowledge base's root"),
        ("content", "is the knowledge base's content folder"),
        (
            "content/countries/site",
            "lies inside the knowledge base's content folder",
        ),
        (
            "static/public",
            "lies inside the knowledge base's static folder",
        ),
    ];
    for (output, expected) in cases {
        // Relative to the working folder, as typed in a shell at the root.
        let result = lode()
            .current_dir(&root)
            .args(["build", "--output", output])
            .output()
            .expect("lode runs");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "--output {output}: {stderr}");
        assert!(stderr.contains("refusing to build into"), "{stderr}");
        assert!(stderr.contains(expected), "--output {output}: {stderr}");
        assert_eq!(
            listing(dir.path()),
            before,
            "--output {output} wrote or deleted something"
        );
    }
    // The same from lode.yaml's `output`.
    let config = root.join("lode.yaml");
    std::fs::write(&config, "title: Links\noutput: .\n").expect("writes");
    let result = lode()
        .args(["build", "--root"])
        .arg(&root)
        .output()
        .expect("lode runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(root.join("content/countries/russia.md").is_file());
}

#[test]
fn git_cname_and_nojekyll_in_a_marked_output_folder_outlive_every_build() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("kb");
    copy_fixture("links", &root);
    let output = dir.path().join("site");
    let options = BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        ..BuildOptions::default()
    };
    site::build(&options).expect("builds");
    std::fs::create_dir_all(output.join(".git/objects/ab")).expect("folder");
    std::fs::write(output.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").expect("writes");
    std::fs::write(output.join(".git/objects/ab/cdef"), "object").expect("writes");
    std::fs::write(output.join("CNAME"), "atlas.example.org\n").expect("writes");
    std::fs::write(output.join(".nojekyll"), "").expect("writes");
    std::fs::remove_file(root.join("content/countries/georgia.md")).expect("removes");
    let outcome = site::build(&options).expect("builds");
    let report = outcome.written.expect("written");
    assert_eq!((report.removed, report.kept), (1, 4), "{report:?}");
    assert!(
        !output.join("countries/georgia").exists(),
        "the stale page is gone"
    );
    assert_eq!(
        std::fs::read_to_string(output.join("CNAME")).expect("kept"),
        "atlas.example.org\n"
    );
    assert!(output.join(".nojekyll").is_file());
    assert_eq!(
        std::fs::read_to_string(output.join(".git/objects/ab/cdef")).expect("kept"),
        "object"
    );
    let marker = std::fs::read_to_string(output.join(lode::write::MARKER_FILE)).expect("marker");
    assert!(marker.contains("\nindex.html\n"), "{marker}");
    assert!(
        !marker.contains("CNAME") && !marker.contains(".git"),
        "{marker}"
    );
}

#[test]
fn a_marker_written_by_an_older_lode_keeps_your_files_too() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = dir.path().join("site");
    std::fs::create_dir_all(&output).expect("folder");
    // The marker as lode wrote it before it kept a manifest, beside a CNAME added by hand.
    std::fs::write(
        output.join(lode::write::MARKER_FILE),
        "This folder is written by lode. `lode build` may replace or delete any file in it.\n",
    )
    .expect("writes");
    std::fs::write(output.join("index.html"), "an older build's page").expect("writes");
    std::fs::write(output.join("CNAME"), "atlas.example.org\n").expect("writes");
    let options = BuildOptions {
        root: fixture("links"),
        output: Some(output.clone()),
        ..BuildOptions::default()
    };
    let outcome = site::build(&options).expect("builds");
    assert!(!outcome.has_errors());
    assert!(output.join("CNAME").is_file());
    let index = std::fs::read_to_string(output.join("index.html")).expect("built");
    assert!(index.contains("<main"), "the page is lode's now");
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.message.contains("lists no files")),
        "{:?}",
        outcome.diagnostics
    );
}

#[test]
fn a_root_that_does_not_exist_or_has_no_lode_yaml_exits_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let missing = dir.path().join("missing");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(empty.join("content")).expect("folder");
    for (root, reason) in [
        (&missing, "it does not exist"),
        (&empty, "it has no lode.yaml"),
    ] {
        for command in [vec!["build"], vec!["check"], vec!["serve", "--port", "0"]] {
            let result = lode()
                .args(&command)
                .arg("--root")
                .arg(root)
                .output()
                .expect("lode runs");
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert_eq!(result.status.code(), Some(2), "{command:?}: {stderr}");
            assert!(
                stderr.contains("is not a knowledge base root") && stderr.contains(reason),
                "{command:?}: {stderr}"
            );
        }
    }
    assert!(!missing.exists(), "nothing was made");
    assert_eq!(
        listing(&empty).into_keys().collect::<Vec<_>>(),
        ["content"],
        "nothing was written"
    );
}
