//! No input stalls a build, and every broken input is one positioned error.
//!
//! `hostile-input` holds the small cases as files (a byte order mark, CRLF, a NUL, an empty
//! file, a file of only `---`, ids that try to leave the output folder, a duplicate key, a
//! billion-laughs alias bomb, deep YAML); the large or unportable ones (20,000 headings,
//! 10,000 nested `>` or `[`, a 300 KB title, 200,000 tags, a file past the size limit, a huge
//! code block, invalid UTF-8, names differing by case or Unicode normalisation) are made here
//! at runtime, on top of the fixture held in memory. How long they take is measured by
//! `bench/hostile.py`, not here: tests are not timed.

use crate::support::{check, errors, memory_fixture, warnings};
use lode::discover::MemoryFiles;
use lode::site::{self, BuildOptions, Outcome};

/// Every diagnostic of `outcome`, rendered as lode prints it (without colours).
fn rendered(outcome: &Outcome) -> String {
    outcome
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `lode check` on `files`.
fn check_memory(files: &MemoryFiles) -> Outcome {
    site::check_files(files, &BuildOptions::default()).expect("the configuration is valid")
}

/// The `notes` kind and nothing else, plus `files` (path under `content/notes/`, bytes).
fn notes_with(files: &[(&str, Vec<u8>)]) -> MemoryFiles {
    let mut memory = MemoryFiles::default();
    memory.insert("lode.yaml", "title: Hostile input\n");
    memory.insert(
        "content/notes/_index.md",
        "---\ntitle: Notes\nkind: note\n---\nNotes.\n",
    );
    for (name, bytes) in files {
        memory.insert(&format!("content/notes/{name}"), bytes.clone());
    }
    memory
}

/// The diagnostics of the notes kind with `files` added, as `path:line:column message`.
fn diagnostics_of(files: &[(&str, Vec<u8>)]) -> (Vec<String>, Vec<String>) {
    let outcome = check_memory(&notes_with(files));
    (errors(&outcome), warnings(&outcome))
}

/// The built pages of the notes kind with `files` added, which must build without error.
fn build_pages(files: &[(&str, Vec<u8>)]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let (outcome, site) =
        site::build_files_into_memory(&notes_with(files), &BuildOptions::default())
            .expect("the configuration is valid");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    site.expect("a site without errors is built")
        .into_iter()
        .map(|(path, bytes)| (path, bytes.to_vec()))
        .collect()
}

#[test]
fn small_hostile_files_give_one_positioned_error_each() {
    let outcome = check("hostile-input");
    let expected = [
        // The anchor `&d` of the first value past the expansion budget.
        "content/notes/alias-bomb.md:6:4 the front matter is not valid YAML: repetition limit exceeded",
        "content/notes/backslash.md:3:5 `a\\b` is not a valid id",
        // The 33rd `[`.
        "content/notes/deep-yaml.md:4:40 the front matter nests lists and mappings more than 32 levels deep",
        "content/notes/deeper-yaml.md:3:136 the front matter is not valid YAML: recursion limit exceeded",
        // The second `summary:`, not the mapping's start.
        "content/notes/duplicate-key.md:5:1 the front matter is not valid YAML: duplicate entry with key \"summary\"",
        "content/notes/empty.md:1:1 the file has no front matter",
        "content/notes/only-dashes.md:1:1 the front matter is not closed",
        "content/notes/percent.md:3:5 `%2e%2e` is not a valid id",
        "content/notes/slash.md:3:5 `a/b` is not a valid id",
        "content/notes/traversal.md:3:5 `../../etc` is not a valid id",
    ];
    assert_eq!(errors(&outcome), expected);
    insta::assert_snapshot!("hostile_input_diagnostics", rendered(&outcome));
}

#[test]
fn bom_crlf_and_nul_files_build_and_the_nul_is_replaced() {
    let files = memory_fixture("hostile-input");
    let (_, site) = site::build_files_into_memory(&files, &BuildOptions::default())
        .expect("the configuration is valid");
    // The fixture has errors, so nothing is built: render the good files alone.
    assert!(site.is_none());
    let pick = |name: &'static str| {
        let bytes = files
            .get(&format!("content/notes/{name}"))
            .expect("fixture file")
            .to_vec();
        (name, bytes)
    };
    let pages = build_pages(&[pick("bom.md"), pick("crlf.md"), pick("nul.md")]);
    let page = |path: &str| String::from_utf8(pages[path].clone()).expect("UTF-8 page");
    assert!(page("notes/bom/index.html").contains("<h1>With a byte order mark</h1>"));
    assert!(!page("notes/bom/index.html").contains('\u{feff}'));
    let crlf = page("notes/crlf/index.html");
    assert!(crlf.contains("<h1>With CRLF</h1>"), "{crlf}");
    assert!(crlf.contains("id=\"a-heading\""), "{crlf}");
    assert!(pages.contains_key("tags/line-ends/index.html"));
    let nul = page("notes/nul/index.html");
    // The NUL becomes U+FFFD, as CommonMark says (and as in text fields): never a NUL byte.
    assert!(nul.contains("<p>A NUL \u{fffd} in the body.</p>"), "{nul}");
    assert!(pages.values().all(|bytes| !bytes.contains(&0)));
}

#[test]
fn invalid_utf8_is_an_error_at_the_line_and_column_of_the_first_bad_byte() {
    let mut bytes = b"---\ntitle: Bad bytes\n---\nFirst line.\nCaf\xc3\xa9 then ".to_vec();
    bytes.extend_from_slice(b"\xff\xfe and more.\n");
    let outcome = check_memory(&notes_with(&[("bad.md", bytes)]));
    assert_eq!(
        errors(&outcome),
        ["content/notes/bad.md:5:11 the file is not valid UTF-8 text"]
    );
    insta::assert_snapshot!("hostile_input_invalid_utf8", rendered(&outcome));
}

#[test]
fn twenty_thousand_identical_headings_get_distinct_ids() {
    let body = "## Same\n\ntext\n\n".repeat(20_000);
    let text = format!("---\ntitle: Headings\n---\n{body}");
    let pages = build_pages(&[("headings.md", text.into_bytes())]);
    let page = String::from_utf8(pages["notes/headings/index.html"].clone()).expect("UTF-8");
    assert!(page.contains("id=\"same\""));
    assert!(page.contains("id=\"same-1\""));
    assert!(page.contains("id=\"same-19999\""));
    assert!(!page.contains("id=\"same-20000\""));
}

#[test]
fn ten_thousand_nested_quotes_and_brackets_build_escaped() {
    let quotes = format!("---\ntitle: Quotes\n---\n{} deep\n", ">".repeat(10_000));
    let brackets = format!(
        "---\ntitle: Brackets\n---\n{}x{} <script>\n",
        "[ ".repeat(10_000),
        " ]".repeat(10_000)
    );
    let pages = build_pages(&[
        ("quotes.md", quotes.into_bytes()),
        ("brackets.md", brackets.into_bytes()),
    ]);
    let quotes = String::from_utf8(pages["notes/quotes/index.html"].clone()).expect("UTF-8");
    assert!(quotes.contains("deep"));
    let brackets = String::from_utf8(pages["notes/brackets/index.html"].clone()).expect("UTF-8");
    assert!(brackets.contains("[ [ [ x ] ] ]"));
    let prose = &brackets[brackets.find("<div class=\"prose\">").expect("a body")..];
    assert!(!prose[..prose.find("</div>").expect("closed")].contains("<script"));
}

#[test]
fn a_title_past_the_name_length_limit_is_an_error_and_never_reaches_the_matcher() {
    let title = "a".repeat(300_001);
    let text = format!("---\ntitle: Fine\naliases: [{title}]\n---\nBody.\n");
    let (errors, _) = diagnostics_of(&[
        ("long.md", text.into_bytes()),
        (
            "long-title.md",
            format!("---\ntitle: {title}\n---\nBody.\n").into_bytes(),
        ),
    ]);
    assert_eq!(
        errors,
        [
            "content/notes/long-title.md:2:8 the title is 300001 characters long, longer than the limit of 300",
            "content/notes/long.md:3:11 the alias is 300001 characters long, longer than the limit of 300",
        ]
    );
}

#[test]
fn a_long_repetitive_title_within_a_raised_limit_builds() {
    // The mention matcher is linear in a name's length: 100,000 `a`s take milliseconds.
    let mut files = notes_with(&[
        (
            "long-title.md",
            format!("---\ntitle: {}\n---\nBody.\n", "a".repeat(100_000)).into_bytes(),
        ),
        (
            "mentions.md",
            b"---\ntitle: Mentions\n---\nIt says aaaa and aaaaaaaa.\n".to_vec(),
        ),
    ]);
    files.insert("lode.yaml", "limits:\n  name_length: 200000\n");
    let outcome = check_memory(&files);
    assert_eq!(errors(&outcome), Vec::<String>::new());
}

#[test]
fn tags_past_the_limit_are_one_error_and_make_no_pages() {
    let tags: Vec<String> = (0..200_000).map(|index| format!("t{index}")).collect();
    let text = format!(
        "---\ntitle: Tags\ntags: [{}]\n---\nBody.\n",
        tags.join(", ")
    );
    let mut files = notes_with(&[("tags.md", text.into_bytes())]);
    files.insert("lode.yaml", "limits:\n  entry_file_size: 4000000\n");
    let outcome = check_memory(&files);
    assert_eq!(
        errors(&outcome),
        ["content/notes/tags.md:3:248 the entry has 200000 tags, more than the limit of 50"]
    );
    insta::assert_snapshot!("hostile_input_tags", rendered(&outcome));
}

#[test]
fn a_file_past_the_size_limit_is_an_error_before_its_yaml_is_read() {
    // Broken YAML past the limit: were it read, this would be a YAML error instead.
    let text = format!(
        "---\ntitle: Big\n---\n{}\n{}",
        "word ".repeat(250_000),
        "x".repeat(1000)
    );
    let (errors, _) = diagnostics_of(&[("big.md", text.into_bytes())]);
    assert_eq!(
        errors,
        [
            "content/notes/big.md:4:1 the file is 1251020 bytes, larger than the limit of 1048576 bytes"
        ]
    );
}

#[test]
fn a_code_block_past_the_highlight_limit_is_shown_plain_with_a_warning() {
    let code = "let x = \"<b>\";\n".repeat(20);
    let text = format!(
        "---\ntitle: Code\n---\nIntro.\n\n```rust\n{code}```\n\n```rust\nfn small() {{}}\n```\n"
    );
    let mut files = notes_with(&[("code.md", text.into_bytes())]);
    files.insert("lode.yaml", "limits:\n  highlighted_code_block_size: 100\n");
    let outcome = check_memory(&files);
    assert_eq!(
        warnings(&outcome)[1..],
        [
            "content/notes/code.md:6:1 this code block is 300 bytes, larger than the limit of 100 bytes for highlighting: it is shown without colours"
        ]
    );
    let (_, site) = site::build_files_into_memory(&files, &BuildOptions::default())
        .expect("the configuration is valid");
    let site = site.expect("built");
    let page = String::from_utf8(site["notes/code/index.html"].to_vec()).expect("UTF-8");
    assert!(
        page.contains("<code class=\"language-rust\">let x = &quot;&lt;b&gt;&quot;;\n"),
        "{page}"
    );
    // The small block is still highlighted.
    assert!(
        page.contains("<span class=\"hl-source hl-rust\">"),
        "{page}"
    );
}

#[test]
fn names_differing_by_case_or_normalisation_are_errors_not_collisions() {
    let entry = |title: &str| format!("---\ntitle: {title}\n---\nBody.\n").into_bytes();
    let (errors, _) = diagnostics_of(&[
        ("Russia.md", entry("Russia upper")),
        ("russia.md", entry("Russia lower")),
        ("caf\u{e9}.md", entry("Cafe NFC")),
        ("cafe\u{301}.md", entry("Cafe NFD")),
    ]);
    assert_eq!(
        errors,
        [
            "content/notes/Russia.md:1:1 the file name `Russia` is not a valid id",
            "content/notes/cafe\u{301}.md:1:1 the file name `cafe\u{301}` is not a valid id",
            "content/notes/caf\u{e9}.md:1:1 the file name `caf\u{e9}` is not a valid id",
        ]
    );
}

#[test]
fn kind_folders_differing_by_case_are_an_error_not_a_collision() {
    let mut files = notes_with(&[]);
    files.insert(
        "content/Notes/_index.md",
        "---\ntitle: Upper notes\nkind: upper-note\n---\n",
    );
    files.insert("content/Notes/a.md", "---\ntitle: A\n---\n");
    files.insert("content/notes/a.md", "---\ntitle: A too\n---\n");
    let outcome = check_memory(&files);
    assert_eq!(
        errors(&outcome)[0],
        "content/Notes/_index.md:1:1 the folder name `Notes` is not a valid kind folder"
    );
    insta::assert_snapshot!("hostile_input_folder_case", rendered(&outcome));
}
