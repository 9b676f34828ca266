//! A knowledge base with many different mistakes: each is reported with the right
//! `path:line:column`, all at once, and `lode check` exits 1.

use crate::support::{check, errors, fixture};

#[test]
fn every_mistake_is_reported_at_its_position() {
    let outcome = check("mistakes");
    let found = errors(&outcome);
    let expected = [
        "content/countries/bad-event.md:5:18 month 13 does not exist",
        "content/countries/bad-link.md:4:12 `frist` in `partners` is not the id of any entry",
        "content/countries/bad-link.md:6:5 `[[nowhere]]` does not match any entry's id, title or alias",
        "content/countries/bad-link.md:6:21 `first` has no heading `#missing-heading`",
        "content/countries/bad-pattern.md:3:7 `usa` does not match the pattern of `iso2`",
        "content/countries/bad-pattern.md:4:10 `example.org` is not an absolute address",
        "content/countries/impossible-date.md:4:17 February 2025 has 28 days, not 30",
        "content/countries/malformed.md:3:9 the front matter is not valid YAML: did not find expected ',' or ']'",
        "content/countries/missing-title.md:1:1 missing `title`",
        "content/countries/timeline.md:1:1 the entry `timeline` would have the address `countries/timeline/`, which is the timeline of countries",
        "content/countries/unknown-field.md:4:1 unknown field `reserve`",
        "content/countries/unknown-unit.md:4:15 `Mtons` is not a known unit",
        "content/countries/wrong-type.md:4:11 `partners` must name entries by id",
        "content/countries/wrong-type.md:5:9 `opened` is not a value of `status`",
        "content/graph.md:1:1 the entry `graph` would have the address `graph/`, which is the site's own `graph/` page",
        "content/minerals.md:3:5 the entry `minerals` would have the address `minerals/`, which is the index of minerals",
        "content/minerals/first.md:2:1 duplicate id `first`",
        "content/minerals/wrong-dimension.md:4:24 `kt` is a unit of mass, but this field is a price",
        "content/notes/note.md:1:1 the folder `notes` has no kind",
        "content/timeline/_index.md:3:7 the folder `timeline` would take the address of the site's own `timeline/` page",
    ];
    assert_eq!(found, expected, "all errors, sorted by file and position");
    assert!(outcome.has_errors());
}

#[test]
fn unknown_field_says_did_you_mean() {
    let outcome = check("mistakes");
    let diagnostic = outcome
        .diagnostics
        .iter()
        .find(|d| d.message == "unknown field `reserve`")
        .expect("reported");
    assert_eq!(diagnostic.help.as_deref(), Some("did you mean `reserves`?"));
    let rendered = diagnostic.render(false);
    assert!(
        rendered.contains("reserve: 3 Mt"),
        "shows the offending line:\n{rendered}"
    );
    assert!(rendered.contains("^^^^^^^"), "marks the key:\n{rendered}");
}

#[test]
fn duplicate_id_names_both_files() {
    let outcome = check("mistakes");
    let diagnostic = outcome
        .diagnostics
        .iter()
        .find(|d| d.message == "duplicate id `first`")
        .expect("reported");
    assert!(
        diagnostic
            .help
            .as_deref()
            .unwrap_or("")
            .contains("content/countries/first.md")
    );
}

#[test]
fn the_binary_exits_1_on_content_errors_and_2_on_usage_errors() {
    let lode = env!("CARGO_BIN_EXE_lode");
    let status = std::process::Command::new(lode)
        .args(["check", "--root"])
        .arg(fixture("mistakes"))
        .output()
        .expect("runs");
    assert_eq!(status.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains("--> content/countries/unknown-field.md:4:1"),
        "{stderr}"
    );
    assert!(stderr.contains("check failed: 20 error(s)"), "{stderr}");
    let usage = std::process::Command::new(lode)
        .args(["build", "--no-such-flag"])
        .output()
        .expect("runs");
    assert_eq!(usage.status.code(), Some(2));
    let json = std::process::Command::new(lode)
        .args(["check", "--format", "json", "--root"])
        .arg(fixture("mistakes"))
        .output()
        .expect("runs");
    // JSON Lines: one object per diagnostic, each with its position and code.
    let stdout = String::from_utf8(json.stdout).expect("UTF-8");
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is valid JSON"))
        .collect();
    assert_eq!(objects.len(), 20 + 9);
    for object in &objects {
        for key in [
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "severity",
            "code",
            "message",
            "help",
        ] {
            assert!(object.get(key).is_some(), "{key} in {object}");
        }
        assert!(
            object["code"]
                .as_str()
                .is_some_and(|code| code.starts_with('L'))
        );
    }
    let unknown = objects
        .iter()
        .find(|object| {
            object["file"] == "content/countries/unknown-field.md" && object["code"] == "L0401"
        })
        .expect("the unknown field is reported");
    assert_eq!(
        (unknown["line"].as_u64(), unknown["column"].as_u64()),
        (Some(4), Some(1))
    );
    let github = std::process::Command::new(lode)
        .args(["check", "--format", "github", "--root"])
        .arg(fixture("mistakes"))
        .output()
        .expect("runs");
    assert_eq!(github.status.code(), Some(1));
    let stdout = String::from_utf8(github.stdout).expect("UTF-8");
    let commands: Vec<&str> = stdout.lines().collect();
    assert_eq!(commands.len(), 20 + 9, "{stdout}");
    assert!(
        commands
            .iter()
            .all(|line| line.starts_with("::error ") || line.starts_with("::warning ")),
        "{stdout}"
    );
    // `build` takes the same formats.
    let output = tempfile::tempdir().expect("temporary folder");
    let build = std::process::Command::new(lode)
        .args(["build", "--format", "json", "--root"])
        .arg(fixture("mistakes"))
        .arg("--output")
        .arg(output.path().join("public"))
        .output()
        .expect("runs");
    assert_eq!(build.status.code(), Some(1));
    let build_stdout = String::from_utf8(build.stdout).expect("UTF-8");
    assert_eq!(build_stdout.lines().count(), 20 + 9, "{build_stdout}");
    let fixture_prefix = fixture("mistakes");
    assert!(
        fixture_prefix.is_absolute(),
        "an absolute --root adds no prefix"
    );
    assert!(
        commands.iter().any(|line| line
            .starts_with("::error file=content/countries/unknown-field.md,line=4,col=1,")),
        "{stdout}"
    );
}

#[test]
fn a_bad_configuration_is_a_usage_error_with_position() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("lode.yaml"), "title: x\ntitel: y\n").expect("write");
    let lode = env!("CARGO_BIN_EXE_lode");
    let output = std::process::Command::new(lode)
        .args(["check", "--root"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lode.yaml:2:1"), "{stderr}");
}
