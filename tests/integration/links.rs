//! The knowledge graph: every link form, links in code, headings, relations both ways,
//! backlinks with their sentence, and the resolution errors.

use crate::support::{build, check, errors, page, warnings};
use lode::discover::KnowledgeBaseFiles;

#[test]
fn every_link_form_resolves_to_a_relative_url() {
    let (outcome, output) = build("links");
    assert_eq!(errors(&outcome), Vec::<String>::new());
    let rusal = page(&output, "companies/rusal/index.html");
    for expected in [
        "Rusal is based in <a href=\"../../countries/russia/\" title=\"Russia\">Russia</a>",
        "The title form <a href=\"../../countries/russia/\" title=\"Russia\">Russia</a>",
        "the alias <a href=\"../../countries/russia/\" title=\"Russia\">Russia</a>",
        "the path form <a href=\"../../countries/china/\" title=\"China\">China</a>",
        "<a href=\"../../countries/russia/\" title=\"Russia\">the Kremlin</a>",
        "<a href=\"../../countries/russia/#economy\" title=\"Russia\">Russia</a>",
        "<a href=\"../../countries/china/\" title=\"China\">China’s page</a>",
        "<a href=\"../../countries/china/\" title=\"China\">its file</a>",
        "<a href=\"https://example.org/x.md\">a file</a>",
        "<code>[[inside-code]]</code>",
        "[[also-code]]",
        "<a href=\"../../countries/china/\" title=\"China\">Beijing</a>",
    ] {
        assert!(rusal.contains(expected), "missing {expected}");
    }
}

#[test]
fn relations_show_both_ways_and_backlinks_carry_their_sentence() {
    let (_, output) = build("links");
    let russia = page(&output, "countries/russia/index.html");
    assert!(russia.contains("<h2>Companies headquartered here</h2><ul class=\"entry-list\"><li class=\"kind-company\"><a href=\"../../companies/rusal/\">Rusal</a>"));
    assert!(russia.contains("<h2>Partners</h2>"));
    assert!(russia.contains("<h2 id=\"backlinks-heading\">Mentioned in</h2>"));
    assert!(russia.contains("<h3>Companies</h3><ul><li><a href=\"../../companies/rusal/\">Rusal</a><blockquote>Rusal is based in Russia.</blockquote>"));
    assert!(russia.contains("<h3>Countries</h3><ul><li><a href=\"../../countries/georgia/\">Georgia</a><blockquote>A country in the Caucasus, partner of Russia.</blockquote>"));
    let china = page(&output, "countries/china/index.html");
    assert!(china.contains("<h2>Partner of</h2>"));
    assert!(china.contains("class=\"local-graph\""));
    assert!(china.contains("<section class=\"related\""));
}

#[test]
fn unlinked_mentions_and_orphans_are_warnings_with_positions() {
    let outcome = check("links");
    assert_eq!(
        warnings(&outcome),
        [
            "content/companies/rusal.md:16:67 unlinked mention of `Georgia`",
            "content/countries/russia.md:10:33 unlinked mention of `China`"
        ]
    );
}

#[test]
fn resolution_errors_name_position_and_candidates() {
    let outcome = check("links-errors");
    assert_eq!(
        errors(&outcome),
        [
            "content/companies/georgia-mining.md:4:15 `headquarters` must point at a country, but `rusal` is a company",
            "content/companies/georgia-mining.md:6:12 `[[Georgia]]` is ambiguous: 2 entries have that title or alias",
            "content/companies/georgia-mining.md:6:34 `[[atlantis]]` does not match any entry's id, title or alias",
            "content/companies/georgia-mining.md:6:65 `russia` has no heading `#nope`",
        ]
    );
    let help = |message: &str| {
        outcome
            .diagnostics
            .iter()
            .find(|d| d.message.contains(message))
            .and_then(|d| d.help.clone())
            .unwrap_or_default()
    };
    assert!(
        help("ambiguous").contains("[[georgia-mining]]")
            && help("ambiguous").contains("[[georgia]]")
    );
    assert_eq!(help("#nope"), "headings of `russia`: #economy");
}

#[test]
fn did_you_mean_suggests_the_closest_id() {
    let dir = tempfile::tempdir().expect("temporary folder");
    crate::support::copy_fixture("links", dir.path());
    std::fs::write(
        dir.path().join("content/countries/typo.md"),
        "---\ntitle: Typo\n---\nSee [[rusia]].\n",
    )
    .expect("write");
    let options = lode::site::BuildOptions {
        root: dir.path().to_path_buf(),
        ..Default::default()
    };
    let outcome = lode::site::check(&options).expect("runs");
    let diagnostic = outcome
        .diagnostics
        .iter()
        .find(|d| d.message.contains("rusia"))
        .expect("reported");
    assert_eq!(diagnostic.location(), "content/countries/typo.md:4:5");
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("did you mean `[[russia]]`?")
    );
}

#[test]
fn links_in_an_intro_resolve_like_links_in_an_entry() {
    let dir = tempfile::tempdir().expect("temporary folder");
    crate::support::copy_fixture("links", dir.path());
    let schema = dir.path().join("content/countries/_index.md");
    let text = std::fs::read_to_string(&schema).expect("read")
        + "See [[russia]], [the Kremlin's economy](russia.md#economy) and [[rusal|one company]].\n";
    std::fs::write(&schema, text).expect("write");
    let options = lode::site::BuildOptions {
        root: dir.path().to_path_buf(),
        output: Some(dir.path().join("public")),
        ..Default::default()
    };
    let outcome = lode::site::build(&options).expect("runs");
    assert_eq!(crate::support::errors(&outcome), Vec::<String>::new());
    let index = std::fs::read_to_string(dir.path().join("public/countries/index.html"))
        .expect("kind index built");
    for link in [
        "<a href=\"../countries/russia/\" title=\"Russia\">Russia</a>",
        "<a href=\"../countries/russia/#economy\" title=\"Russia\">the Kremlin’s economy</a>",
        "<a href=\"../companies/rusal/\" title=\"Rusal\">one company</a>",
    ] {
        assert!(index.contains(link), "{link} not in:\n{index}");
    }
}

#[test]
fn a_broken_link_in_an_intro_is_an_error_at_its_position() {
    let dir = tempfile::tempdir().expect("temporary folder");
    crate::support::copy_fixture("links", dir.path());
    let schema = dir.path().join("content/countries/_index.md");
    let text = std::fs::read_to_string(&schema).expect("read") + "See [[rusia]] and [[#top]].\n";
    std::fs::write(&schema, text).expect("write");
    let options = lode::site::BuildOptions {
        root: dir.path().to_path_buf(),
        ..Default::default()
    };
    let outcome = lode::site::check(&options).expect("runs");
    assert_eq!(
        crate::support::errors(&outcome),
        [
            "content/countries/_index.md:7:5 `[[rusia]]` does not match any entry's id, title or alias",
            "content/countries/_index.md:7:19 an intro cannot link to its own headings",
        ]
    );
    let help = outcome
        .diagnostics
        .iter()
        .find_map(|d| d.help.clone().filter(|_| d.message.contains("rusia")));
    assert_eq!(help.as_deref(), Some("did you mean `[[russia]]`?"));
}

#[test]
fn the_graph_exports_are_json_documents_of_nodes_and_edges() {
    // Regression: `data/graph.json` once held a serialised `Result` of bytes
    // (`{"Ok":[123,34,…]}`) instead of the graph.
    let (_, output) = build("links");
    for path in ["data/graph.json", "graph/graph.json"] {
        let text = page(&output, path);
        let document: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"));
        let nodes = document["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has no `nodes` array: {}", &text[..80]));
        let ids: Vec<&str> = nodes
            .iter()
            .filter_map(|node| node["id"].as_str())
            .collect();
        assert_eq!(ids.len(), nodes.len(), "{path}: every node has an id");
        assert!(
            ids.contains(&"russia") && ids.contains(&"rusal"),
            "{path}: {ids:?}"
        );
        let edges = document["edges"].as_array().expect("edges array");
        assert!(!edges.is_empty(), "{path} has edges");
    }
    let export: serde_json::Value =
        serde_json::from_str(&page(&output, "data/graph.json")).expect("JSON");
    let russia = export["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|node| node["id"] == "russia"))
        .expect("russia is a node");
    assert_eq!(russia["kind"], "country");
    assert!(russia["fields"].is_object(), "{russia}");
    let search: serde_json::Value =
        serde_json::from_str(&page(&output, "search-index.json")).expect("JSON");
    assert!(search.as_array().is_some_and(|items| items.len() == 4));
}

#[test]
fn a_body_changed_before_linking_is_one_error_and_its_front_matter_still_links() {
    // Entries keep only their front matter once validated; link fetches each body again and
    // must notice a file saved in between, once, without dropping the entry's field edges.
    let mut files = crate::support::memory_fixture("links");
    let config = lode::config::Config::default();
    let found = files.discover("content").files;
    let (validated, _) = lode::site::read_parse_validate(
        &files,
        found,
        &config,
        false,
        &mut lode::site::Timings::default(),
    );
    let rusal = "content/companies/rusal.md";
    let text =
        String::from_utf8(files.get(rusal).expect("in the fixture").to_vec()).expect("UTF-8");
    files.insert(rusal, text.replace("based in", "based, for now, in"));
    let (graph, diagnostics) = lode::link::link(validated, &files);
    let changed: Vec<&lode::diagnostics::Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.message == "the file changed while the site was being built")
        .collect();
    assert_eq!(changed.len(), 1, "{diagnostics:?}");
    assert_eq!(changed[0].path, "content/companies/rusal.md");
    let rusal = graph.by_id["rusal"];
    let russia = graph.by_id["russia"];
    assert!(
        graph.edges.iter().any(|edge| edge.from == rusal
            && edge.to == russia
            && edge.relation.name() == "headquarters"),
        "the `headquarters` field still links"
    );
    assert!(graph.body_links[rusal].is_empty());
}

#[test]
fn a_small_site_lists_every_entry_on_its_search_and_graph_pages() {
    let (_, output) = build("links");
    for path in ["search/index.html", "graph/index.html"] {
        let html = page(&output, path);
        assert!(html.contains("All entries</h2>"), "{path}");
        for title in ["China", "Georgia", "Russia", "Rusal"] {
            assert!(
                html.contains(&format!("\">{title}</a>")),
                "{path} lists {title}"
            );
        }
    }
}
