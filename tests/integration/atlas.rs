//! The real knowledge base, Rare Earth Atlas, held to its content standards: no errors, no
//! warnings (so no orphans and no unlinked mentions), enough entries of each kind, every
//! figure and event sourced, every entry summarised and written out.

use lode::discover::DiskFiles;
use lode::link::Graph;
use lode::model::{FieldValue, Value};
use lode::site::{self, BuildOptions, Timings};
use lode::source::BodySource;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

struct Atlas {
    graph: Graph,
    diagnostics: Vec<lode::diagnostics::Diagnostic>,
    event_count: usize,
}

/// The atlas, analysed once for all the tests in this file.
fn atlas() -> &'static Atlas {
    static ATLAS: OnceLock<Atlas> = OnceLock::new();
    ATLAS.get_or_init(|| {
        let options = BuildOptions {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
            ..BuildOptions::default()
        };
        let files = DiskFiles::new(&options.root);
        let config = site::load_config(&files, &options).expect("lode.yaml is valid");
        let mut diagnostics = Vec::new();
        let analysis = site::analyse(
            &files,
            &options,
            config,
            &mut Timings::default(),
            &mut diagnostics,
        );
        let event_count = analysis.derived.timeline.len();
        Atlas {
            graph: analysis.graph,
            diagnostics,
            event_count,
        }
    })
}

#[test]
fn rare_earth_atlas_checks_without_errors_or_warnings() {
    let rendered: Vec<String> = atlas()
        .diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect();
    assert!(
        rendered.is_empty(),
        "{} diagnostics:\n{}",
        rendered.len(),
        rendered.join("\n")
    );
}

#[test]
fn every_kind_has_enough_entries() {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in &atlas().graph.entries {
        *counts.entry(entry.kind.as_str()).or_insert(0) += 1;
    }
    let minimum = [
        ("country", 12),
        ("mineral", 15),
        ("company", 15),
        ("proposal", 10),
        ("person", 8),
        ("event", 30),
        ("source", 15),
        ("comparison", 4),
        ("page", 1),
    ];
    for (kind, at_least) in minimum {
        let count = counts.get(kind).copied().unwrap_or(0);
        assert!(
            count >= at_least,
            "{kind}: {count} entries, need at least {at_least} (all counts: {counts:?})"
        );
    }
    assert!(
        atlas().event_count >= 30,
        "timeline has {} events",
        atlas().event_count
    );
    assert!(atlas().graph.entry("about").is_some(), "an About page");
}

#[test]
fn every_figure_and_event_cites_an_existing_source() {
    let graph = &atlas().graph;
    let is_source = |id: &str| graph.entry(id).is_some_and(|entry| entry.kind == "source");
    let mut problems = Vec::new();
    for entry in &graph.entries {
        for field in &entry.fields {
            match &field.value {
                FieldValue::Single(Value::Quantity(_)) | FieldValue::Single(Value::Number(_)) => {
                    problems.push(format!(
                        "{}: `{}` has no source",
                        entry.source.path, field.name
                    ));
                }
                FieldValue::Claims(claims) => {
                    for claim in claims {
                        if matches!(claim.value, Value::Quantity(_) | Value::Number(_))
                            && !claim
                                .source
                                .as_ref()
                                .is_some_and(|source| is_source(&source.target))
                        {
                            problems.push(format!(
                                "{}: a claim of `{}` has no existing source",
                                entry.source.path, field.name
                            ));
                        }
                    }
                }
                FieldValue::Single(_) => {}
            }
        }
        for event in &entry.events {
            if !event
                .source
                .as_ref()
                .is_some_and(|source| is_source(&source.target))
            {
                problems.push(format!(
                    "{}: event `{}` has no existing source",
                    entry.source.path, event.title
                ));
            }
        }
        if entry.kind == "event" && !entry.sources.iter().any(|source| is_source(&source.target)) {
            problems.push(format!(
                "{}: event entry cites no source",
                entry.source.path
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_entry_has_a_summary_and_at_least_150_words() {
    let mut problems = Vec::new();
    for entry in &atlas().graph.entries {
        if entry
            .summary
            .as_deref()
            .is_none_or(|summary| summary.trim().is_empty())
        {
            problems.push(format!("{}: no summary", entry.source.path));
        }
        let files = DiskFiles::new(Path::new(env!("CARGO_MANIFEST_DIR")));
        let text = files.file_text(&entry.source).expect("readable entry");
        let plain =
            lode::link::markdown_to_plain(entry.source.body_of(&text), |_| Some("x".to_string()));
        let words = plain.split_whitespace().count();
        if words < 150 {
            problems.push(format!("{}: {words} words", entry.source.path));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every `href`/`src` of an HTML page, with the page's own path.
fn local_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for piece in html.split(attribute).skip(1) {
            let value = piece.split('"').next().unwrap_or_default();
            let external = value.contains("://")
                || value.starts_with("mailto:")
                || value.starts_with("data:")
                || value.starts_with('/');
            if !external && !value.is_empty() {
                found.push(value.replace("&amp;", "&"));
            }
        }
    }
    found
}

/// `reference` (relative to the page at `page`) as a site path, and its `#fragment`.
fn resolve(page: &str, reference: &str) -> (String, Option<String>) {
    let (path, fragment) = match reference.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment.to_string())),
        None => (reference, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop(); // the page's file name
    if path.is_empty() {
        return (page.to_string(), fragment);
    }
    for segment in path.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut resolved = parts.join("/");
    if path.ends_with('/') || resolved.is_empty() {
        if !resolved.is_empty() {
            resolved.push('/');
        }
        resolved.push_str("index.html");
    }
    (resolved, fragment)
}

#[test]
fn every_link_of_the_built_atlas_leads_to_a_file_and_an_anchor_that_exist() {
    // Built with tiny pages, so the pagers, the page/N/ paths and the density bars linking
    // across timeline pages are crawled too.
    let options = BuildOptions {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        ..BuildOptions::default()
    };
    let files = DiskFiles::new(&options.root);
    let mut config = site::load_config(&files, &options).expect("lode.yaml is valid");
    config.page_size = std::num::NonZeroUsize::new(7).expect("not zero");
    let mut diagnostics = Vec::new();
    let analysis = site::analyse(
        &files,
        &options,
        config,
        &mut Timings::default(),
        &mut diagnostics,
    );
    let input = analysis.render_input(&files);
    let sink = site::MemorySink::default();
    let problems = lode::render::render(&input, &sink);
    assert!(problems.is_empty(), "{problems:?}");
    let files = sink.files.lock().expect("not poisoned");
    assert!(files.contains_key("timeline/page/2/index.html"));
    assert!(files.contains_key("companies/page/2/index.html"));
    // More entries than fit on a page: the search and graph pages link the kind indexes
    // instead of listing every entry.
    for page in ["search/index.html", "graph/index.html"] {
        let html = String::from_utf8_lossy(&files[page]);
        assert!(
            html.contains("<h2 id=\"all-entries\">Entries by kind</h2>")
                || html.contains("<h2>Entries by kind</h2>"),
            "{page}"
        );
        assert!(
            html.contains("<a href=\"../companies/\">Companies"),
            "{page}"
        );
        assert!(
            html.matches("<li class=\"kind-").count() < 10,
            "{page} lists entries"
        );
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, bytes) in files.iter().filter(|(path, _)| path.ends_with(".html")) {
        // The 404 page links by base_url's path, from wherever it is served.
        if page == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for reference in local_references(&html) {
            checked += 1;
            let (target, fragment) = resolve(page, &reference);
            let Some(target_bytes) = files.get(&target) else {
                broken.push(format!("{page}: {reference} (no {target})"));
                continue;
            };
            if let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty()) {
                let text = String::from_utf8_lossy(target_bytes);
                if !text.contains(&format!("id=\"{fragment}\"")) {
                    broken.push(format!("{page}: {reference} (no #{fragment} in {target})"));
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
