use super::*;
use staging::page_in_the_way;
use std::collections::BTreeMap;

/// A knowledge base root and an output folder inside it, in a temporary folder.
struct Place {
    _dir: tempfile::TempDir,
    root: PathBuf,
    output: PathBuf,
}

fn place() -> Place {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    std::fs::create_dir_all(root.join("content")).unwrap();
    let output = root.join("public");
    Place {
        _dir: dir,
        root,
        output,
    }
}

impl Place {
    fn sources(&self) -> Vec<SourceFolder> {
        vec![
            ("root", self.root.clone()),
            ("content folder", self.root.join("content")),
        ]
    }

    fn open(&self) -> Result<OutputFolder, WriteError> {
        OutputFolder::open(&self.output, &self.sources())
    }

    /// Builds a site of `files` (path, bytes) into the output.
    fn build(&self, files: &[(&str, &str)]) -> WriteReport {
        let folder = self.open().unwrap();
        let staging = folder.stage().unwrap();
        for (path, bytes) in files {
            staging.put(path, bytes.as_bytes()).unwrap();
        }
        staging.commit().unwrap()
    }

    /// Every file under the output (markers too), by relative path.
    fn files(&self) -> BTreeMap<String, String> {
        walkdir::WalkDir::new(&self.output)
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| !entry.file_type().is_dir())
            .map(|entry| {
                (
                    relative_path(&self.output, entry.path()),
                    std::fs::read_to_string(entry.path()).unwrap_or_default(),
                )
            })
            .filter(|(path, _)| path != MARKER_FILE)
            .collect()
    }

    fn paths(&self) -> OutputPaths {
        OutputPaths::beside(&canonical_even_if_absent(&self.output).unwrap()).unwrap()
    }

    /// Asserts that nothing but the spare is left beside the output.
    fn nothing_beside(&self) {
        let paths = self.paths();
        for path in [&paths.aside, &paths.lock] {
            assert!(!path.exists(), "{} is left", path.display());
        }
        if paths.staging.exists() {
            assert!(
                matches!(
                    folder_state(&paths.staging).unwrap(),
                    FolderState::Unfinished
                ),
                "the spare is marked"
            );
        }
    }
}

fn map(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

#[test]
fn a_file_put_twice_is_an_error_not_a_silent_replacement() {
    let place = place();
    let folder = place.open().unwrap();
    let staging = folder.stage().unwrap();
    staging.put("timeline/index.html", b"one").unwrap();
    assert!(matches!(
        staging.put("timeline/index.html", b"two"),
        Err(WriteError::WrittenTwice(path)) if path == "timeline/index.html"
    ));
    staging.abandon();
}

#[test]
fn a_page_path_leaving_the_folder_or_taking_a_markers_name_is_refused() {
    let place = place();
    let folder = place.open().unwrap();
    let staging = folder.stage().unwrap();
    for path in [
        "../lode.yaml",
        "/etc/x",
        "a//b",
        MARKER_FILE,
        STAGING_MARKER_FILE,
    ] {
        assert!(
            matches!(staging.put(path, b"x"), Err(WriteError::UnsafePath(_))),
            "{path}"
        );
    }
    staging.abandon();
}

/// Panics in a thread while holding `list`, as a render thread that fails mid-put would.
fn poison(list: &Mutex<BTreeSet<String>>) {
    let result = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let _held = list.lock().unwrap();
                panic!("a render thread fails while holding the lock");
            })
            .join()
    });
    assert!(result.is_err());
}

#[test]
fn a_poisoned_list_of_files_is_an_error_not_an_empty_list() {
    let place = place();
    let folder = place.open().unwrap();
    let staging = folder.stage().unwrap();
    staging.put("a/index.html", b"one").unwrap();
    poison(&staging.claimed);
    assert!(matches!(
        staging.put("b/index.html", b"two"),
        Err(WriteError::Poisoned("claimed"))
    ));
    assert!(matches!(
        staging.commit(),
        Err(WriteError::Poisoned("claimed"))
    ));
    assert!(!place.output.exists(), "nothing was committed");
}

#[test]
fn refuses_foreign_non_empty_folder() {
    let place = place();
    std::fs::create_dir_all(&place.output).unwrap();
    std::fs::write(place.output.join("precious.txt"), "mine").unwrap();
    assert!(matches!(place.open(), Err(WriteError::NotOurs(_))));
    assert_eq!(
        std::fs::read_to_string(place.output.join("precious.txt")).unwrap(),
        "mine"
    );
}

fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).unwrap().ino()
}

#[test]
fn commit_writes_changed_links_unchanged_removes_stale() {
    let place = place();
    let first = place.build(&[("a/index.html", "one"), ("b/index.html", "two")]);
    assert_eq!((first.written, first.unchanged, first.removed), (2, 0, 0));
    let kept_before = inode(&place.output.join("a/index.html"));
    let second = place.build(&[("a/index.html", "one"), ("c/index.html", "three")]);
    assert_eq!(
        (second.written, second.unchanged, second.removed),
        (1, 1, 1)
    );
    assert_eq!(
        inode(&place.output.join("a/index.html")),
        kept_before,
        "an unchanged file is the same file, not a copy"
    );
    assert_eq!(
        place.files(),
        map(&[("a/index.html", "one"), ("c/index.html", "three")])
    );
    assert!(place.output.join(MARKER_FILE).is_file());
    place.nothing_beside();
    // The spare (the first site) and the output share the unchanged file.
    assert_eq!(
        inode(&place.paths().staging.join("a/index.html")),
        kept_before
    );
    let third = place.build(&[("a/index.html", "one"), ("c/index.html", "three")]);
    assert_eq!((third.written, third.unchanged, third.removed), (0, 2, 0));
    assert_eq!(
        place.files(),
        map(&[("a/index.html", "one"), ("c/index.html", "three")])
    );
    assert!(
        !place.paths().staging.join("b").exists(),
        "the spare lost the stale page"
    );
}

#[test]
fn a_changed_page_never_writes_into_the_file_the_live_site_shares_with_the_spare() {
    let place = place();
    place.build(&[("a.html", "one")]);
    place.build(&[("a.html", "one")]);
    let live = place.output.join("a.html");
    assert_eq!(inode(&live), inode(&place.paths().staging.join("a.html")));
    let folder = place.open().unwrap();
    let staging = folder.stage().unwrap();
    staging.put("a.html", b"two").unwrap();
    assert_eq!(
        std::fs::read_to_string(&live).unwrap(),
        "one",
        "the live site is untouched"
    );
    staging.commit().unwrap();
    drop(folder);
    assert_eq!(place.files(), map(&[("a.html", "two")]));
    assert_eq!(
        std::fs::read_to_string(place.paths().staging.join("a.html")).unwrap(),
        "one",
        "the spare is the previous site"
    );
}

#[test]
fn a_page_where_the_spare_has_a_folder_and_a_folder_where_it_has_a_file() {
    let place = place();
    place.build(&[("a/index.html", "a"), ("b", "b")]);
    place.build(&[("a/index.html", "a"), ("b", "b")]);
    place.build(&[("a", "a file now"), ("b/index.html", "a folder now")]);
    assert_eq!(
        place.files(),
        map(&[("a", "a file now"), ("b/index.html", "a folder now")])
    );
    place.build(&[("a/index.html", "a"), ("b", "b")]);
    assert_eq!(place.files(), map(&[("a/index.html", "a"), ("b", "b")]));
}

#[test]
fn abandon_leaves_output_untouched() {
    let place = place();
    place.build(&[("a.html", "old")]);
    let folder = place.open().unwrap();
    let staging = folder.stage().unwrap();
    staging.put("a.html", b"new").unwrap();
    staging.abandon();
    drop(folder);
    assert_eq!(place.files(), map(&[("a.html", "old")]));
    place.nothing_beside();
}

#[test]
fn files_lode_did_not_write_are_kept_and_stale_pages_removed() {
    let place = place();
    place.build(&[("index.html", "home"), ("old/index.html", "old")]);
    std::fs::create_dir_all(place.output.join(".git/refs/heads")).unwrap();
    std::fs::write(place.output.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(place.output.join("CNAME"), "atlas.example\n").unwrap();
    std::fs::write(place.output.join(".nojekyll"), "").unwrap();
    std::fs::write(place.output.join("old/notes.txt"), "mine").unwrap();
    let report = place.build(&[("index.html", "home 2")]);
    assert_eq!((report.written, report.removed, report.kept), (1, 1, 4));
    assert_eq!(
        place.files(),
        map(&[
            (".git/HEAD", "ref: refs/heads/main\n"),
            (".nojekyll", ""),
            ("CNAME", "atlas.example\n"),
            ("index.html", "home 2"),
            ("old/notes.txt", "mine"),
        ])
    );
    assert!(
        place.output.join(".git/refs/heads").is_dir(),
        "an empty folder of the user's is kept"
    );
    place.nothing_beside();
}

#[test]
fn a_file_of_yours_where_the_site_now_has_a_page_stops_the_build_untouched() {
    let place = place();
    place.build(&[("index.html", "home")]);
    std::fs::write(place.output.join("robots.txt"), "mine").unwrap();
    let folder = place.open().unwrap();
    let staging = folder.stage().unwrap();
    staging.put("index.html", b"home 2").unwrap();
    staging.put("robots.txt", b"lode's").unwrap();
    assert!(matches!(
        staging.commit(),
        Err(WriteError::ForeignInTheWay { file, .. }) if file == "robots.txt"
    ));
    drop(folder);
    assert_eq!(
        place.files(),
        map(&[("index.html", "home"), ("robots.txt", "mine")])
    );
}

#[test]
fn a_marker_without_a_manifest_keeps_every_file_the_build_does_not_replace() {
    let place = place();
    std::fs::create_dir_all(place.output.join("stale")).unwrap();
    std::fs::write(place.output.join(MARKER_FILE), "").unwrap();
    std::fs::write(place.output.join("index.html"), "an older build's").unwrap();
    std::fs::write(place.output.join("stale/index.html"), "stale").unwrap();
    let report = place.build(&[("index.html", "home")]);
    assert_eq!(report.kept, 1);
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
    assert_eq!(
        place.files(),
        map(&[("index.html", "home"), ("stale/index.html", "stale")])
    );
}

#[test]
fn an_output_holding_the_sources_is_refused_before_anything_is_made() {
    let place = place();
    std::fs::write(place.root.join(MARKER_FILE), "").unwrap();
    let sources = place.sources();
    let cases = [
        (place.root.clone(), "is"),
        (place.root.join("."), "is"),
        (place.root.join("content/../"), "is"),
        (place.root.parent().unwrap().to_path_buf(), "contains"),
        (place.root.join("content"), "is"),
        (place.root.join("content/site"), "lies inside"),
    ];
    for (output, expected) in cases {
        match OutputFolder::open(&output, &sources) {
            Err(WriteError::HoldsSources { relation, .. }) => {
                assert_eq!(relation, expected, "{}", output.display())
            }
            other => panic!("{}: {other:?}", output.display()),
        }
    }
    let beside = std::fs::read_dir(place.root.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert_eq!(beside, ["kb"], "no lock or staging folder was made");
}

#[test]
fn a_second_build_of_the_same_output_is_refused_while_the_first_holds_it() {
    let place = place();
    let first = place.open().unwrap();
    assert!(matches!(place.open(), Err(WriteError::Locked { .. })));
    drop(first);
    place.open().unwrap();
}

#[test]
fn an_unfinished_staging_folder_is_reused_and_a_foreign_one_refused() {
    let place = place();
    place.build(&[("index.html", "home")]);
    let paths = place.paths();
    std::fs::create_dir_all(paths.staging.join("a")).unwrap();
    std::fs::write(paths.staging.join(STAGING_MARKER_FILE), "").unwrap();
    std::fs::write(paths.staging.join("a/index.html"), "half").unwrap();
    std::fs::write(paths.staging.join("index.html"), "hom").unwrap();
    place.build(&[("index.html", "home"), ("b.html", "b")]);
    assert_eq!(
        place.files(),
        map(&[("b.html", "b"), ("index.html", "home")])
    );
    place.nothing_beside();
    std::fs::remove_dir_all(&paths.staging).unwrap();
    std::fs::create_dir_all(&paths.staging).unwrap();
    std::fs::write(paths.staging.join("thesis.docx"), "precious").unwrap();
    assert!(matches!(place.open(), Err(WriteError::InTheWay(_))));
    assert!(paths.staging.join("thesis.docx").is_file());
}

#[test]
fn a_swapped_out_site_left_unmarked_gives_back_your_new_files_and_becomes_the_spare() {
    let place = place();
    place.build(&[("index.html", "new")]);
    let paths = place.paths();
    // The previous site as a build killed just after its swap leaves it: its marker, a page
    // of lode's, and a file of yours made during that build, which the new site lacks.
    std::fs::create_dir_all(&paths.staging).unwrap();
    std::fs::write(
        paths.staging.join(MARKER_FILE),
        manifest::marker_text(&["index.html".to_string()]),
    )
    .unwrap();
    std::fs::write(paths.staging.join("index.html"), "old").unwrap();
    std::fs::write(paths.staging.join("CNAME"), "mine").unwrap();
    drop(place.open().unwrap());
    assert_eq!(
        place.files(),
        map(&[("CNAME", "mine"), ("index.html", "new")])
    );
    place.nothing_beside();
}

#[test]
fn a_missing_output_is_put_back_from_the_site_beside_it() {
    let place = place();
    place.build(&[("index.html", "home")]);
    let paths = place.paths();
    std::fs::rename(&paths.output, &paths.aside).unwrap();
    let folder = place.open().unwrap();
    assert_eq!(folder.notes().len(), 1);
    drop(folder);
    assert_eq!(place.files(), map(&[("index.html", "home")]));
    place.nothing_beside();
}

#[test]
fn the_canonical_path_of_a_missing_folder_resolves_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
    let canonical_real = std::fs::canonicalize(&real).unwrap();
    assert_eq!(
        canonical_even_if_absent(&dir.path().join("link/a/../b")).unwrap(),
        canonical_real.join("b")
    );
    assert_eq!(
        canonical_even_if_absent(&dir.path().join("link/./")).unwrap(),
        canonical_real
    );
}

#[test]
fn folders_of_and_pages_in_the_way() {
    let claimed: BTreeSet<String> = ["a/b/c.html", "d.html"].map(String::from).into();
    let folders = folders_of(claimed.iter());
    assert_eq!(folders.iter().collect::<Vec<_>>(), ["a", "a/b"]);
    assert_eq!(
        page_in_the_way("d.html", &claimed, &folders).as_deref(),
        Some("d.html")
    );
    assert_eq!(
        page_in_the_way("a/b", &claimed, &folders).as_deref(),
        Some("a/b/c.html")
    );
    assert_eq!(
        page_in_the_way("d.html/x", &claimed, &folders).as_deref(),
        Some("d.html")
    );
    assert_eq!(page_in_the_way("a/x", &claimed, &folders), None);
}

#[test]
fn without_an_atomic_exchange_the_renames_give_the_same_sites_and_a_spare() {
    swap::RENAMES_INSTEAD_OF_EXCHANGE.with(|renames| renames.set(true));
    let place = place();
    place.build(&[("a.html", "one"), ("b.html", "b")]);
    place.build(&[("a.html", "one"), ("c.html", "c")]);
    std::fs::write(place.output.join("CNAME"), "mine").unwrap();
    let report = place.build(&[("a.html", "two"), ("c.html", "c")]);
    assert_eq!((report.written, report.unchanged, report.kept), (1, 1, 1));
    assert_eq!(
        place.files(),
        map(&[("CNAME", "mine"), ("a.html", "two"), ("c.html", "c")])
    );
    place.nothing_beside();
    swap::RENAMES_INSTEAD_OF_EXCHANGE.with(|renames| renames.set(false));
}
