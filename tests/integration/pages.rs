//! One snapshot per page family, from the `pages` fixture: an entry page, a kind index and its
//! pager, the timelines, a comparison, and the site's own pages (home, tags, search, graph,
//! 404). Snapshots hold each page's `<main>` with the local graph's coordinates redacted, so a
//! change of layout leaves them alone while any change of markup or content shows.

use crate::support::{build, errors, redact_local_graph_coordinates, snapshot_main, warnings};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every HTML page of the built `pages` fixture by path, built once for all the tests here.
/// The pages are read into memory so the temporary output folder can go at once.
fn pages() -> &'static BTreeMap<String, String> {
    static PAGES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let (outcome, output) = build("pages");
        assert_eq!(errors(&outcome), Vec::<String>::new());
        assert_eq!(warnings(&outcome), Vec::<String>::new());
        let public = output.path().join("public");
        walkdir::WalkDir::new(&public)
            .sort_by_file_name()
            .into_iter()
            .map(|entry| entry.expect("readable output folder"))
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "html"))
            .map(|entry| {
                let path = entry
                    .path()
                    .strip_prefix(&public)
                    .expect("inside the output folder")
                    .to_string_lossy()
                    .replace('\\', "/");
                let html = std::fs::read_to_string(entry.path()).expect("a UTF-8 page");
                (path, html)
            })
            .collect()
    })
}

/// The built page at `path`.
fn page(path: &str) -> &'static str {
    pages()
        .get(path)
        .unwrap_or_else(|| panic!("no page {path}; built: {:?}", pages().keys()))
}

#[test]
fn the_fixture_builds_a_page_of_every_family() {
    let built: Vec<&str> = pages().keys().map(String::as_str).collect();
    assert_eq!(
        built,
        [
            "404.html",
            "about/index.html",
            "comparisons/index.html",
            "comparisons/shares/index.html",
            "graph/index.html",
            "index.html",
            "regions/east/index.html",
            "regions/index.html",
            "regions/north/index.html",
            "regions/page/2/index.html",
            "regions/south/index.html",
            "regions/timeline/index.html",
            "regions/west/index.html",
            "search/index.html",
            "sources/index.html",
            "sources/survey/index.html",
            "sources/timeline/index.html",
            "tags/coast/index.html",
            "tags/cold/index.html",
            "tags/index.html",
            "timeline/index.html",
            "timeline/page/2/index.html",
        ]
    );
}

#[test]
fn entry_page() {
    insta::assert_snapshot!("entry", snapshot_main(page("regions/north/index.html")));
}

#[test]
fn entry_page_with_disputed_figures_and_no_relations() {
    insta::assert_snapshot!(
        "entry_south",
        snapshot_main(page("regions/south/index.html"))
    );
}

#[test]
fn plain_page() {
    insta::assert_snapshot!("plain_page", snapshot_main(page("about/index.html")));
}

#[test]
fn kind_index_and_its_pager() {
    let first = page("regions/index.html");
    let second = page("regions/page/2/index.html");
    assert!(
        first.contains("rel=\"next\""),
        "the first page links the next"
    );
    assert!(
        second.contains("rel=\"prev\""),
        "the second links the previous"
    );
    insta::assert_snapshot!("kind_index", snapshot_main(first));
    insta::assert_snapshot!("kind_index_page_2", snapshot_main(second));
}

#[test]
fn timelines() {
    let first = page("timeline/index.html");
    assert!(
        first.contains("rel=\"next\""),
        "four events, three to a page"
    );
    insta::assert_snapshot!("timeline", snapshot_main(first));
    insta::assert_snapshot!(
        "kind_timeline",
        snapshot_main(page("regions/timeline/index.html"))
    );
}

#[test]
fn comparison_page_and_index() {
    insta::assert_snapshot!(
        "comparison",
        snapshot_main(page("comparisons/shares/index.html"))
    );
    insta::assert_snapshot!(
        "comparisons_index",
        snapshot_main(page("comparisons/index.html"))
    );
}

#[test]
fn home_page() {
    insta::assert_snapshot!("home", snapshot_main(page("index.html")));
}

#[test]
fn tag_pages() {
    insta::assert_snapshot!("tags", snapshot_main(page("tags/index.html")));
    insta::assert_snapshot!("tag", snapshot_main(page("tags/cold/index.html")));
}

#[test]
fn search_page() {
    insta::assert_snapshot!("search", snapshot_main(page("search/index.html")));
}

#[test]
fn graph_page() {
    insta::assert_snapshot!("graph", snapshot_main(page("graph/index.html")));
}

#[test]
fn not_found_page() {
    insta::assert_snapshot!("not_found", snapshot_main(page("404.html")));
}

#[test]
fn the_redaction_hides_local_graph_coordinates_and_nothing_else() {
    let html = page("regions/north/index.html");
    let redacted = redact_local_graph_coordinates(html);
    let svg_start = redacted
        .find("<svg class=\"local-graph\"")
        .expect("North has a local graph");
    let svg = &redacted[svg_start..];
    let svg = &svg[..svg.find("</svg>").expect("the graph closes")];
    for attribute in ["cx", "cy", "x", "y", "x1", "y1", "x2", "y2"] {
        assert!(
            svg.contains(&format!(" {attribute}=\"…\"")),
            "{attribute} is redacted"
        );
        let shown = format!(" {attribute}=\"");
        let not_redacted = svg
            .match_indices(&shown)
            .filter(|(at, _)| !svg[at + shown.len()..].starts_with('…'))
            .count();
        assert_eq!(not_redacted, 0, "every {attribute} is redacted");
    }
    assert!(
        svg.contains("viewBox=\"0 0 800.0 500.0\""),
        "the frame stays"
    );
    assert!(svg.contains(" r=\"12.0\""), "radii stay");
    assert!(svg.contains("<title>North → East: neighbours</title>"));
    // Outside the local graph nothing changes.
    assert_eq!(redacted[..svg_start], html[..svg_start]);
    let after = svg_start + svg.len();
    let original_after = html[svg_start..]
        .find("</svg>")
        .map(|offset| svg_start + offset)
        .expect("the graph closes");
    assert_eq!(redacted[after..], html[original_after..]);
}
