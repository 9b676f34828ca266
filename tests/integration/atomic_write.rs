//! No build eats a site: the real `lode` binary, killed with SIGKILL at every step of its
//! write stage (and at random instants), leaves the previous site whole or the new one whole,
//! with the files lode did not write still there; a second build at the same time is refused
//! without touching the site, and a killed build's lock is taken over.

use crate::support::copy_fixture;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

/// Two knowledge bases that give different sites, and the one output folder both build into.
struct Sites {
    _dir: tempfile::TempDir,
    /// The `links` fixture.
    a: PathBuf,
    /// `a` with a page removed, one added, one edited and a static file added.
    b: PathBuf,
    output: PathBuf,
}

fn two_knowledge_bases() -> Sites {
    let dir = tempfile::tempdir().expect("temporary folder");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    copy_fixture("links", &a);
    copy_fixture("links", &b);
    let countries = b.join("content/countries");
    std::fs::remove_file(countries.join("georgia.md")).expect("removes");
    std::fs::write(
        countries.join("kazakhstan.md"),
        "---\ntitle: Kazakhstan\n---\nA neighbour of [[russia]].\n",
    )
    .expect("writes");
    let china = countries.join("china.md");
    let text = std::fs::read_to_string(&china).expect("readable");
    std::fs::write(&china, format!("{text}\nIt also mines them.\n")).expect("writes");
    std::fs::create_dir_all(b.join("static")).expect("folder");
    std::fs::write(b.join("static/extra.css"), "body { margin: 0 }\n").expect("writes");
    let output = dir.path().join("site");
    Sites {
        _dir: dir,
        a,
        b,
        output,
    }
}

fn lode_build(root: &Path, output: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lode"));
    command
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output);
    command
}

/// Builds `root` into `output` to the end; returns its stderr.
fn build(root: &Path, output: &Path) -> String {
    let result = lode_build(root, output).output().expect("lode runs");
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{stderr}");
    stderr
}

/// A build started with the test hook that stops it before write step `step`.
enum Run {
    /// Stopped there, and still running.
    Paused(Child),
    /// The write stage has fewer steps: the build ran to its end.
    Finished(ExitStatus, String),
}

fn start_paused(root: &Path, output: &Path, step: usize) -> Run {
    let mut child = lode_build(root, output)
        .env(lode::write::TEST_ONLY_PAUSE_AT_WRITE_STEP, step.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lode starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.starts_with("lode: paused before write step") {
            return Run::Paused(child);
        }
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = child.wait().expect("lode ends");
    Run::Finished(status, seen)
}

fn kill(mut child: Child) {
    // `Child::kill` is SIGKILL on Unix: nothing of lode's runs after it.
    child.kill().expect("killed");
    child.wait().expect("reaped");
}

/// One entry of a folder: a file's bytes, a folder, or a link's target.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    File(Vec<u8>),
    Folder,
    Link(PathBuf),
}

/// Everything under `folder`, by relative path (the markers too).
fn tree(folder: &Path) -> BTreeMap<String, Node> {
    let mut nodes = BTreeMap::new();
    for entry in walkdir::WalkDir::new(folder).min_depth(1) {
        let entry = entry.expect("walkable");
        let relative = entry
            .path()
            .strip_prefix(folder)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let node = if entry.path_is_symlink() {
            Node::Link(std::fs::read_link(entry.path()).expect("a link"))
        } else if entry.file_type().is_dir() {
            Node::Folder
        } else {
            Node::File(std::fs::read(entry.path()).expect("readable"))
        };
        nodes.insert(relative, node);
    }
    nodes
}

/// What a user keeps in an output folder besides the site.
fn add_your_files(output: &Path) {
    std::fs::write(output.join("CNAME"), "atlas.example.org\n").expect("writes");
    std::fs::write(output.join(".nojekyll"), "").expect("writes");
    std::fs::create_dir_all(output.join(".git/refs/heads")).expect("folder");
    std::fs::write(output.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").expect("writes");
    std::fs::write(output.join("countries/notes.txt"), "my notes\n").expect("writes");
    std::os::unix::fs::symlink("index.html", output.join("latest.html")).expect("links");
}

/// Asserts that lode left nothing beside `output` but the spare site, marked as lode's (no
/// lock, no site set aside).
fn nothing_beside(output: &Path) {
    let parent = output.parent().expect("a parent");
    let name = output.file_name().expect("a name").to_string_lossy();
    let spare = format!(".{name}.lode-staging");
    let left: Vec<String> = std::fs::read_dir(parent)
        .expect("readable")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|entry| entry.starts_with(&format!(".{name}.lode")) && *entry != spare)
        .collect();
    assert!(left.is_empty(), "left beside the output: {left:?}");
    let spare = parent.join(spare);
    assert!(
        !spare.exists() || spare.join(lode::write::STAGING_MARKER_FILE).is_file(),
        "the spare is marked as lode's"
    );
}

/// The sites `a` and `b` give in the output, with the user's files in both.
fn expected_sites(sites: &Sites) -> (BTreeMap<String, Node>, BTreeMap<String, Node>) {
    build(&sites.a, &sites.output);
    add_your_files(&sites.output);
    let old = tree(&sites.output);
    build(&sites.b, &sites.output);
    let new = tree(&sites.output);
    assert_ne!(old, new);
    for yours in [
        "CNAME",
        ".nojekyll",
        ".git/HEAD",
        ".git/refs/heads",
        "countries/notes.txt",
        "latest.html",
    ] {
        assert_eq!(old.get(yours), new.get(yours), "{yours} kept as it was");
        assert!(new.contains_key(yours), "{yours} kept");
    }
    assert!(old.contains_key("countries/georgia/index.html"));
    assert!(
        !new.contains_key("countries/georgia/index.html"),
        "a stale page is removed"
    );
    build(&sites.a, &sites.output);
    assert_eq!(
        tree(&sites.output),
        old,
        "building a again gives a's site again"
    );
    nothing_beside(&sites.output);
    (old, new)
}

#[test]
fn a_build_killed_at_any_step_of_its_write_stage_leaves_the_old_site_or_the_new_one() {
    let sites = two_knowledge_bases();
    let (old, new) = expected_sites(&sites);
    let (mut saw_old, mut saw_new) = (0, 0);
    let mut step = 1;
    loop {
        match start_paused(&sites.b, &sites.output, step) {
            Run::Paused(child) => kill(child),
            Run::Finished(status, stderr) => {
                assert!(status.success(), "{stderr}");
                assert_eq!(tree(&sites.output), new);
                break;
            }
        }
        let after_kill = tree(&sites.output);
        if after_kill == old {
            saw_old += 1;
        } else if after_kill == new {
            saw_new += 1;
        } else {
            panic!(
                "killed before write step {step}: the output mixes the two sites: {:#?}",
                differences(&after_kill, &old, &new)
            );
        }
        // The next build cleans what the killed one left, and gives its own site exactly:
        // b's every few steps, a's before the next kill.
        if step % 5 == 0 {
            let stderr = build(&sites.b, &sites.output);
            assert!(stderr.contains("stopped before it finished"), "{stderr}");
            assert_eq!(
                tree(&sites.output),
                new,
                "after the kill before step {step}"
            );
            nothing_beside(&sites.output);
        }
        build(&sites.a, &sites.output);
        assert_eq!(
            tree(&sites.output),
            old,
            "a's build after the kill before step {step}"
        );
        nothing_beside(&sites.output);
        step += 1;
    }
    eprintln!(
        "{} kills: {saw_old} left the old site, {saw_new} the new one",
        step - 1
    );
    assert!(step > 30, "the write stage has many steps: {step}");
    assert!(
        saw_old > 0 && saw_new > 0,
        "kills before and after the swap: {saw_old} and {saw_new}"
    );
}

/// Paths whose entries differ from both sites, for a failure's message.
fn differences(
    now: &BTreeMap<String, Node>,
    old: &BTreeMap<String, Node>,
    new: &BTreeMap<String, Node>,
) -> Vec<String> {
    let mut paths: Vec<&String> = now.keys().chain(old.keys()).chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| now.get(*path) != old.get(*path) || now.get(*path) != new.get(*path))
        .map(|path| {
            let state = |tree: &BTreeMap<String, Node>| match tree.get(path) {
                None => "absent",
                Some(node) if now.get(path) == Some(node) => "same",
                Some(_) => "differs",
            };
            format!("{path}: old {}, new {}", state(old), state(new))
        })
        .collect()
}

#[test]
fn a_build_killed_at_random_instants_leaves_the_old_site_or_the_new_one() {
    let sites = two_knowledge_bases();
    let (old, new) = expected_sites(&sites);
    let started = std::time::Instant::now();
    build(&sites.b, &sites.output);
    let whole = started.elapsed();
    build(&sites.a, &sites.output);
    // A fixed pseudo-random sequence of kill times across the build (and past its end): where
    // each lands depends on the machine, but every outcome must be one of the two sites.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let fraction = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let mut child = lode_build(&sites.b, &sites.output)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("lode starts");
        std::thread::sleep(whole.mul_f64(fraction * 1.2));
        let _ = child.kill();
        child.wait().expect("reaped");
        let after_kill = tree(&sites.output);
        assert!(
            after_kill == old || after_kill == new,
            "the output mixes the two sites: {:#?}",
            differences(&after_kill, &old, &new)
        );
        build(&sites.a, &sites.output);
        assert_eq!(tree(&sites.output), old);
    }
}

#[test]
fn a_second_build_is_refused_while_one_writes_and_a_killed_ones_lock_is_taken_over() {
    let sites = two_knowledge_bases();
    let (old, new) = expected_sites(&sites);
    let Run::Paused(first) = start_paused(&sites.b, &sites.output, 3) else {
        panic!("the first build pauses in its write stage");
    };
    let pid = first.id();
    let second = lode_build(&sites.a, &sites.output)
        .output()
        .expect("lode runs");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "another lode process (pid {pid}) is building into it right now"
        )),
        "{stderr}"
    );
    assert_eq!(
        tree(&sites.output),
        old,
        "the refused build touched nothing"
    );
    kill(first);
    assert_eq!(tree(&sites.output), old);
    let stderr = build(&sites.b, &sites.output);
    assert!(
        stderr.contains(&format!(
            "a build (pid {pid}) was stopped before it finished; its lock was taken over"
        )),
        "{stderr}"
    );
    assert_eq!(tree(&sites.output), new);
    nothing_beside(&sites.output);
}

#[test]
fn a_build_of_a_knowledge_base_whose_cache_is_in_use_builds_without_it() {
    let sites = two_knowledge_bases();
    let Run::Paused(first) = start_paused(&sites.a, &sites.output, 2) else {
        panic!("the first build pauses in its write stage");
    };
    let elsewhere = sites.output.with_file_name("elsewhere");
    let stderr = build(&sites.a, &elsewhere);
    assert!(stderr.contains("the build cache is in use"), "{stderr}");
    kill(first);
    let again = build(&sites.a, &elsewhere);
    assert!(!again.contains("the build cache is in use"), "{again}");
}

#[test]
fn two_builds_at_once_never_mix_their_sites() {
    let sites = two_knowledge_bases();
    let (old, new) = expected_sites(&sites);
    for round in 0..8 {
        let (first, second) = if round % 2 == 0 {
            (&sites.a, &sites.b)
        } else {
            (&sites.b, &sites.a)
        };
        let spawn = |root: &Path| {
            lode_build(root, &sites.output)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("lode starts")
        };
        let (one, two) = (spawn(first), spawn(second));
        for run in [one, two] {
            let result = run.wait_with_output().expect("lode ends");
            let stderr = String::from_utf8_lossy(&result.stderr);
            match result.status.code() {
                Some(0) => {}
                Some(2) => assert!(stderr.contains("is building into it right now"), "{stderr}"),
                other => panic!("exit {other:?}: {stderr}"),
            }
        }
        let now = tree(&sites.output);
        assert!(
            now == old || now == new,
            "round {round}: the output mixes the two sites: {:#?}",
            differences(&now, &old, &new)
        );
        nothing_beside(&sites.output);
    }
}
