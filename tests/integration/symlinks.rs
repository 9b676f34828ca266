//! Symbolic links: nothing outside the root is read through one (content, templates, static,
//! a top-level folder that is itself a link, `lode.yaml`); a refused link is an error naming
//! it, never showing the outside file's text; links that stay inside the root are followed.

use crate::support::copy_fixture;
use lode::site::{self, BuildOptions, Outcome};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

const SECRET: &str = "TOP SECRET: the outside file's text";

/// A copy of the `links` fixture at `kb/`, and a folder beside it (outside the root) holding
/// files a link might lead to.
struct Place {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

fn place() -> Place {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("kb");
    copy_fixture("links", &root);
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("theme")).expect("folder");
    std::fs::write(outside.join("secret.txt"), SECRET).expect("writes");
    std::fs::write(outside.join("theme/secret.css"), SECRET).expect("writes");
    std::fs::write(
        outside.join("secret.md"),
        format!("---\ntitle: Secret\n---\n{SECRET}\n"),
    )
    .expect("writes");
    std::fs::write(
        outside.join("lode.yaml"),
        format!("title: x\n{SECRET}: [\n"),
    )
    .expect("writes");
    Place {
        _dir: dir,
        root,
        outside,
    }
}

impl Place {
    fn output(&self) -> PathBuf {
        self.root.join("public")
    }

    fn build(&self) -> Outcome {
        site::build(&BuildOptions {
            root: self.root.clone(),
            output: Some(self.output()),
            ..BuildOptions::default()
        })
        .expect("the configuration is valid")
    }

    /// Runs the `lode` binary's build; returns the exit code and stderr.
    fn build_command(&self) -> (Option<i32>, String) {
        let result = std::process::Command::new(env!("CARGO_BIN_EXE_lode"))
            .args(["build", "--root"])
            .arg(&self.root)
            .output()
            .expect("lode runs");
        (
            result.status.code(),
            String::from_utf8_lossy(&result.stderr).into_owned(),
        )
    }
}

/// The error naming `path`, if there is one.
fn error_at<'o>(outcome: &'o Outcome, path: &str) -> Option<&'o lode::diagnostics::Diagnostic> {
    outcome
        .diagnostics
        .iter()
        .find(|d| d.is_error() && d.path == path)
}

fn nothing_under(folder: &Path, text: &str) {
    if !folder.exists() {
        return;
    }
    for entry in walkdir::WalkDir::new(folder) {
        let entry = entry.expect("walkable");
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).expect("readable");
            assert!(
                !String::from_utf8_lossy(&bytes).contains(text),
                "{} holds the outside file's text",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_top_level_static_folder_linked_outside_the_root_is_refused() {
    let place = place();
    symlink(place.outside.join("theme"), place.root.join("static")).expect("links");
    let outcome = place.build();
    let error = error_at(&outcome, "static").expect("an error naming the folder");
    assert!(
        error.message.contains("outside the knowledge base"),
        "{}",
        error.message
    );
    assert!(outcome.written.is_none(), "nothing was written");
    nothing_under(&place.output(), SECRET);
    let (code, stderr) = place.build_command();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[test]
fn a_top_level_content_or_templates_folder_linked_outside_the_root_is_refused() {
    let place = place();
    let content = place.root.join("content");
    let moved = place.outside.join("content");
    std::fs::rename(&content, &moved).expect("moves");
    symlink(&moved, &content).expect("links");
    symlink(place.outside.join("theme"), place.root.join("templates")).expect("links");
    let outcome = place.build();
    assert!(
        error_at(&outcome, "content").is_some(),
        "{:?}",
        outcome.diagnostics
    );
    assert!(
        error_at(&outcome, "templates").is_some(),
        "{:?}",
        outcome.diagnostics
    );
    assert!(outcome.written.is_none());
}

#[test]
fn files_linked_outside_the_root_are_errors_naming_them_and_never_read() {
    let place = place();
    let spy = place.root.join("content/countries/spy.md");
    symlink(place.outside.join("secret.md"), &spy).expect("links");
    std::fs::create_dir_all(place.root.join("static")).expect("folder");
    symlink(
        place.outside.join("secret.txt"),
        place.root.join("static/leak.txt"),
    )
    .expect("links");
    std::fs::create_dir_all(place.root.join("templates")).expect("folder");
    symlink(
        place.outside.join("secret.txt"),
        place.root.join("templates/entry.html"),
    )
    .expect("links");
    let outcome = place.build();
    for path in [
        "content/countries/spy.md",
        "static/leak.txt",
        "templates/entry.html",
    ] {
        let error = error_at(&outcome, path).unwrap_or_else(|| panic!("no error at {path}"));
        assert!(error.message.contains("symbolic link"), "{}", error.message);
        assert!(!error.render(false).contains(SECRET));
    }
    assert!(outcome.written.is_none());
    nothing_under(&place.output(), SECRET);
    let (code, stderr) = place.build_command();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[test]
fn a_lode_yaml_linked_outside_the_root_exits_2_without_showing_it() {
    let place = place();
    let config = place.root.join("lode.yaml");
    std::fs::remove_file(&config).expect("removes");
    symlink(place.outside.join("lode.yaml"), &config).expect("links");
    let (code, stderr) = place.build_command();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    assert!(!place.output().exists());
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_lode"))
        .args(["check", "--root"])
        .arg(&place.root)
        .output()
        .expect("lode runs");
    assert_eq!(check.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&check.stderr).contains(SECRET));
}

#[test]
fn links_that_stay_inside_the_root_are_followed() {
    let place = place();
    // lode.yaml, a static file, an entry and a whole folder of entries, each a link to a
    // file or folder elsewhere in the root.
    let config = place.root.join("lode.yaml");
    std::fs::create_dir_all(place.root.join("config")).expect("folder");
    std::fs::rename(&config, place.root.join("config/lode.yaml")).expect("moves");
    symlink("config/lode.yaml", &config).expect("links");
    std::fs::create_dir_all(place.root.join("assets")).expect("folder");
    std::fs::write(place.root.join("assets/logo.txt"), "logo").expect("writes");
    std::fs::create_dir_all(place.root.join("static")).expect("folder");
    symlink("../assets/logo.txt", place.root.join("static/logo.txt")).expect("links");
    std::fs::create_dir_all(place.root.join("drafts")).expect("folder");
    std::fs::write(
        place.root.join("drafts/kazakhstan.md"),
        "---\ntitle: Kazakhstan\n---\nBeside [[russia]].\n",
    )
    .expect("writes");
    symlink(
        "../../drafts/kazakhstan.md",
        place.root.join("content/countries/kazakhstan.md"),
    )
    .expect("links");
    let companies = place.root.join("content/companies");
    std::fs::rename(&companies, place.root.join("drafts/companies")).expect("moves");
    symlink("../drafts/companies", &companies).expect("links");
    let outcome = place.build();
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    let output = place.output();
    assert_eq!(
        std::fs::read_to_string(output.join("logo.txt")).expect("copied"),
        "logo"
    );
    assert!(output.join("countries/kazakhstan/index.html").is_file());
    assert!(output.join("companies/rusal/index.html").is_file());
}

#[test]
fn a_link_loop_is_an_error_not_an_endless_walk() {
    let place = place();
    symlink("..", place.root.join("content/countries/again")).expect("links");
    let outcome = place.build();
    let error = error_at(&outcome, "content/countries/again").expect("an error naming the link");
    assert!(error.message.contains("loop"), "{}", error.message);
}
