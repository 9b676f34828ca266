//! No script reaches a reader: knowledge bases written by an attacker.
//!
//! `hostile-html` puts an unsafe address (`javascript:`, `vbscript:`, `data:`, disguised by
//! case, spaces, a tab entity) in every place one can be written (body links, autolinks,
//! reference definitions, images, links in a wikilink's label, intros, `text` and `url`
//! fields) next to raw HTML and markup in every text field: each unsafe address is an error at
//! its position, and even rendered despite the errors nothing live comes out.
//! `hostile-html-legal` holds only raw HTML (every kind of CommonMark HTML block and inline
//! HTML, stray and unclosed tags): it builds, sanitised, and no file of it holds a script.

use crate::support::{build, check, errors, memory_fixture, page};
use lode::site::{self, BuildOptions};
use std::collections::BTreeMap;

/// The inline script lode's base template writes (the theme switch).
const THEME_SWITCH: &str = r#"<script>try{var t=localStorage.getItem("lode-theme");if(t==="light"||t==="dark")document.documentElement.setAttribute("data-theme",t)}catch(e){}</script>"#;

#[test]
fn every_unsafe_address_is_an_error_at_its_position() {
    let outcome = check("hostile-html");
    let expected = [
        "content/_index.md:4:10 a link with a `javascript:` address is not allowed",
        "content/notes/_index.md:11:56 an image with a `vbscript:` address is not allowed",
        "content/notes/evil.md:5:46 a link in `remark` has a `javascript:` address, which is not allowed",
        "content/notes/evil.md:7:11 `homepage` has a `javascript:` address, which is not allowed",
        "content/notes/evil.md:14:11 a link with a `javascript:` address is not allowed",
        "content/notes/evil.md:14:62 a link with a `javascript:` address is not allowed",
        "content/notes/evil.md:18:4 an image with a `data:` address is not allowed",
        "content/notes/evil.md:19:1 a link with a `javascript:` address is not allowed",
        "content/notes/evil.md:19:56 a link with a `javascript:` address is not allowed",
        "content/notes/evil.md:22:1 `normal-b` is not an entry, a page of the site or a static file (resolved to `/notes/evil/normal-b`)",
        "content/notes/evil.md:38:1 the link reference definition `[bad]` with a `javascript:` address is not allowed",
        "content/sources/evil-source.md:4:6 `url` has a `data:` address, which is not allowed",
    ];
    assert_eq!(errors(&outcome), expected);
    // The whole of each message: the line, the marker under the link, the help.
    let rendered: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.render(false))
        .collect();
    insta::assert_snapshot!("hostile_html_diagnostics", rendered.join("\n"));
}

/// Runs discover → render on fixture `name` and returns every file render made, whatever
/// the diagnostics: what a preview of a broken site would show.
fn render_despite_errors(name: &str) -> (BTreeMap<String, Vec<u8>>, usize) {
    let files = memory_fixture(name);
    let options = BuildOptions::default();
    let config = site::load_config(&files, &options).expect("the fixture's lode.yaml is valid");
    let mut diagnostics = Vec::new();
    let analysis = site::analyse(
        &files,
        &options,
        config,
        &mut site::Timings::default(),
        &mut diagnostics,
    );
    let sink = site::MemorySink::default();
    diagnostics.extend(lode::render::render(&analysis.render_input(&files), &sink));
    let error_count = diagnostics.iter().filter(|d| d.is_error()).count();
    (sink.into_files(), error_count)
}

/// `text` without lode's own script tags (the theme switch, `lode.js`, `graph.js`).
fn without_lode_scripts(text: &str) -> String {
    let files =
        regex::Regex::new(r#"<script src="(\./|(\.\./)*|/)(lode|graph)\.js" defer></script>"#)
            .expect("a valid pattern");
    files
        .replace_all(&text.replace(THEME_SWITCH, ""), "")
        .into_owned()
}

/// What live markup each file of `files` holds that it must not: any of `needles` (any case;
/// lode's own script tags aside); and in every HTML page, read as a browser reads it, a
/// script element of its own, an element with an `on…` attribute or an address attribute
/// with a scheme other than http, https, mailto or tel. `data_files` says whether to look for
/// the needles in CSV and JSON exports too (they hold a contributor's text as data: a
/// `<script>` in a title is a title there).
fn live_markup(
    files: &BTreeMap<String, Vec<u8>>,
    needles: &[&str],
    data_files: bool,
) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        let is_data = path.ends_with(".csv") || path.ends_with(".json");
        if !is_data || data_files {
            let stripped = without_lode_scripts(&text).to_lowercase();
            for &needle in needles {
                if stripped.contains(needle) {
                    found.push(format!("{path}: `{needle}`"));
                }
            }
        }
        if path.ends_with(".html") {
            found.extend(live_elements(path, &text));
        }
    }
    found
}

/// The elements of the HTML page `html` that could run code: script elements (other than
/// lode's, which have a `src` or are the theme switch), `on…` attributes, unsafe addresses.
fn live_elements(path: &str, html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for element in document.root_element().descendent_elements() {
        let value = element.value();
        if value.name() == "script" {
            let is_lode_file = value
                .attr("src")
                .is_some_and(|src| src.ends_with("lode.js") || src.ends_with("graph.js"));
            let is_theme_switch = element.inner_html().starts_with("try{var t=localStorage");
            if !(is_lode_file || is_theme_switch) {
                found.push(format!("{path}: a <script> element"));
            }
        }
        for (name, attribute) in value.attrs() {
            if name.starts_with("on") {
                found.push(format!("{path}: <{} {name}>", value.name()));
            }
            let is_address = matches!(
                name,
                "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "srcset"
            );
            if is_address && lode::url_safety::unsafe_scheme(attribute).is_some() {
                found.push(format!("{path}: <{} {name}=\"{attribute}\">", value.name()));
            }
        }
    }
    found
}

#[test]
fn nothing_live_is_rendered_even_despite_errors() {
    let (files, error_count) = render_despite_errors("hostile-html");
    assert_eq!(error_count, 12, "the errors of the test above");
    assert!(files.contains_key("notes/evil/index.html"));
    // Text fields here hold markup as text (`onerror=` shows, escaped), so only `<script`
    // is looked for as a string; the pages are read as a browser reads them.
    assert_eq!(
        live_markup(&files, &["<script"], false),
        Vec::<String>::new()
    );
    // Markup in text fields is shown as text, in every context.
    let evil = String::from_utf8_lossy(&files["notes/evil/index.html"]).into_owned();
    assert!(evil.contains("<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</h1>"));
    assert!(
        evil.contains("<dt>Remark &lt;script&gt;alert(&#39;field label&#39;)&lt;/script&gt;</dt>")
    );
    assert!(evil.contains(
        r#"<dd class="field-label">&lt;/title&gt;&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;</dd>"#
    ));
    assert!(evil.contains(
        "<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; · Hostile HTML</title>"
    ));
    assert!(evil.contains(
        r#"<meta name="description" content="&quot;&gt;&lt;svg onload=alert(&#39;summary&#39;)&gt;">"#
    ));
    let safe = String::from_utf8_lossy(&files["notes/safe/index.html"]).into_owned();
    assert!(
        safe.contains("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"),
        "a claim's note"
    );
    let atom = String::from_utf8_lossy(&files["atom.xml"]).into_owned();
    assert!(atom.contains("<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</title>"));
    let search = String::from_utf8_lossy(&files["search-index.json"]).into_owned();
    assert!(
        search.contains(r"\u003cscript\u003ealert('title')\u003c/script\u003e"),
        "{search}"
    );
    // The exports keep the text as data; a cell never starts a formula.
    let csv = String::from_utf8_lossy(&files["data/note.csv"]).into_owned();
    assert!(
        csv.contains(r#""'=HYPERLINK(""https://evil.example""); @SUM(1)""#),
        "{csv}"
    );
}

#[test]
fn sanitised_raw_html_builds_and_no_file_holds_a_script() {
    let (outcome, output) = build("hostile-html-legal");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(output.path().join("public")) {
        let entry = entry.expect("a readable output");
        if entry.file_type().is_file() {
            let path = entry
                .path()
                .strip_prefix(output.path().join("public"))
                .expect("inside the output")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(path, std::fs::read(entry.path()).expect("readable"));
        }
    }
    assert!(files.len() > 20, "{:?}", files.keys());
    assert_eq!(
        live_markup(&files, &["<script", "onerror=", "javascript:"], true),
        Vec::<String>::new()
    );
    // No raw NUL byte anywhere (a YAML `"\0"` in a summary is U+FFFD).
    let with_nul: Vec<&String> = files
        .iter()
        .filter(|(_, bytes)| bytes.contains(&0))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(with_nul, Vec::<&String>::new());
    assert!(page(&output, "notes/hex/index.html").contains("a NUL\u{FFFD}here"));
}

#[test]
fn a_body_stays_inside_its_container_whatever_its_tags() {
    let (_, output) = build("hostile-html-legal");
    let raw = scraper::Html::parse_document(&page(&output, "notes/raw/index.html"));
    let select = |selector: &str| {
        let selector = scraper::Selector::parse(selector).expect("a valid selector");
        raw.select(&selector).count()
    };
    // `</div></div></article>` in the body closes nothing of the page; `<div>never closed`
    // swallows nothing of it.
    assert_eq!(
        select("main > article > div.entry-layout > div.entry-main > div.prose"),
        1
    );
    assert_eq!(
        select("main > article > div.entry-layout > aside.entry-side"),
        1
    );
    assert_eq!(select("div.prose aside, div.prose section"), 0);
    let prose = raw
        .select(&scraper::Selector::parse("div.prose").expect("valid"))
        .next()
        .expect("the body");
    assert!(prose.text().any(|text| text.contains("never closed")));
    // The home page's intro ends in a stray `</div>`, the kind index's leaves a `<div>` open.
    let home = scraper::Html::parse_document(&page(&output, "index.html"));
    let footer = scraper::Selector::parse("body > footer.site-footer").expect("valid");
    assert_eq!(home.select(&footer).count(), 1);
    let notes = scraper::Html::parse_document(&page(&output, "notes/index.html"));
    assert_eq!(notes.select(&footer).count(), 1);
    let main = scraper::Selector::parse("body > main").expect("valid");
    assert_eq!(notes.select(&main).count(), 1);
    insta::assert_snapshot!(
        "hostile_html_legal_raw_main",
        crate::support::snapshot_main(&page(&output, "notes/raw/index.html"))
    );
}

#[test]
fn relative_links_to_entries_static_files_and_site_pages_work() {
    let (_, output) = build("hostile-html-legal");
    let raw = page(&output, "notes/raw/index.html");
    // By id, rewritten to the entry's page like a wikilink; a static file and a site page
    // left as written.
    assert!(raw.contains(r#"<a href="../../notes/hex/" title="0x1F">by id</a>"#));
    assert!(raw.contains(r#"<a href="/files/report.pdf">a report</a>"#));
    assert!(raw.contains(r#"<a href="../../timeline/">the timeline</a>"#));
}

#[test]
fn numbers_and_booleans_in_text_fields_show_as_written() {
    let (_, output) = build("hostile-html-legal");
    let hex = page(&output, "notes/hex/index.html");
    assert!(hex.contains("<h1>0x1F</h1>"), "not 31");
    assert!(
        hex.contains(r#"<dd class="field-label">TRUE</dd>"#),
        "not true"
    );
}

#[test]
fn csv_cells_never_start_a_formula_but_numbers_stay_numbers() {
    let (_, output) = build("hostile-html-legal");
    assert_eq!(
        page(&output, "comparisons/notes-table/table.csv"),
        "id,title,Amount,Label,Keywords\n\
         hex,0x1F,-3.5,TRUE,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\"); @SUM(1); -2+3; +1\"\n\
         raw,\"Raw HTML & \"\"quotes\"\" </title>\",\"-2,500\",</title><b>not bold</b>,plain; -1\n"
    );
    let kind_csv = page(&output, "data/note.csv");
    assert!(kind_csv.contains(",-3.5,"), "{kind_csv}");
    assert!(kind_csv.contains(",\"'=HYPERLINK("), "{kind_csv}");
}

/// The legal fixture in memory, with `unsafe_html: true` in its `lode.yaml`.
fn trusting_fixture() -> lode::discover::MemoryFiles {
    let mut files = memory_fixture("hostile-html-legal");
    files.insert(
        "lode.yaml",
        "title: Sanitised raw HTML\nbase_url: https://example.org/\nunsafe_html: true\n",
    );
    files
}

#[test]
fn unsafe_html_keeps_raw_html_but_balanced() {
    let files = trusting_fixture();
    let (outcome, site_files) =
        site::build_files_into_memory(&files, &BuildOptions::default()).expect("builds");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    let site_files = site_files.expect("a site");
    let raw = String::from_utf8_lossy(&site_files["notes/raw/index.html"]).into_owned();
    assert!(
        raw.contains("<script>\nalert('script block');\n</script>"),
        "{raw}"
    );
    assert!(raw.contains(
        r#"<div onclick="alert('div')" id="theme-toggle" style="position: fixed">a block</div>"#
    ));
    let document = scraper::Html::parse_document(&raw);
    let side = scraper::Selector::parse("div.entry-layout > aside.entry-side").expect("valid");
    assert_eq!(document.select(&side).count(), 1, "still balanced");
}

#[test]
fn switching_unsafe_html_renders_the_bodies_again_like_a_clean_build() {
    let mut engine = lode::incremental::Engine::new();
    let options = BuildOptions::default();
    let sanitising = memory_fixture("hostile-html-legal");
    let first = engine.build(&sanitising, &options).expect("builds");
    let first = first.files.expect("a site");
    let trusting = trusting_fixture();
    let second = engine.build(&trusting, &options).expect("builds");
    let second = second.files.expect("a site");
    let (_, clean) = site::build_files_into_memory(&trusting, &options).expect("builds");
    let clean = clean.expect("a site");
    assert_ne!(
        first["notes/raw/index.html"],
        second["notes/raw/index.html"]
    );
    assert_eq!(
        second.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &clean {
        assert!(
            second[path] == *bytes,
            "`{path}` differs from a clean build"
        );
    }
}

/// Every file of the atlas, rendered with raw HTML treated as `raw_html` says.
fn atlas_files(unsafe_html: bool) -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions {
        root: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        ..BuildOptions::default()
    };
    let files = lode::discover::DiskFiles::new(&options.root);
    let mut config = site::load_config(&files, &options).expect("lode.yaml is valid");
    config.unsafe_html = unsafe_html;
    let mut diagnostics = Vec::new();
    let analysis = site::analyse(
        &files,
        &options,
        config,
        &mut site::Timings::default(),
        &mut diagnostics,
    );
    let sink = site::MemorySink::default();
    diagnostics.extend(lode::render::render(&analysis.render_input(&files), &sink));
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "the atlas builds"
    );
    sink.into_files()
}

#[test]
fn the_sanitiser_takes_nothing_from_the_atlas() {
    // The allowlist covers everything lode's markdown makes (headings and their ids, code
    // highlighting, tables, footnotes, task lists): sanitised, every page of the atlas is the
    // page only balanced.
    let sanitised = atlas_files(false);
    let balanced = atlas_files(true);
    assert_eq!(sanitised.len(), balanced.len());
    let differing: Vec<&String> = sanitised
        .iter()
        .filter(|(path, bytes)| balanced.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(differing, Vec::<&String>::new());
}

#[test]
fn the_sanitiser_takes_nothing_from_the_fixtures_either() {
    // `field-types` holds code blocks, tables, task lists and footnotes; `pages` every page
    // family; `links` every kind of link.
    for name in ["field-types", "pages", "links"] {
        let sanitising = memory_fixture(name);
        let mut trusting = memory_fixture(name);
        let config = std::fs::read_to_string(crate::support::fixture(name).join("lode.yaml"))
            .unwrap_or_default();
        trusting.insert("lode.yaml", format!("{config}\nunsafe_html: true\n"));
        let options = BuildOptions::default();
        let (_, sanitised) = site::build_files_into_memory(&sanitising, &options).expect("builds");
        let (_, balanced) = site::build_files_into_memory(&trusting, &options).expect("builds");
        let (sanitised, balanced) = (sanitised.expect(name), balanced.expect(name));
        let differing: Vec<&String> = sanitised
            .iter()
            .filter(|(path, bytes)| balanced.get(*path) != Some(*bytes))
            .map(|(path, _)| path)
            .collect();
        assert_eq!(differing, Vec::<&String>::new(), "{name}");
    }
}
