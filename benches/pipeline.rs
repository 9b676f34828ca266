//! Micro-benchmarks of the pipeline's hot spots, each running the very functions `lode build`
//! runs: the fused read+parse+validate pass, link resolution and page rendering, on a small
//! generated knowledge base. Run with `cargo bench --bench pipeline`.

use lode::discover::{DiskFiles, KnowledgeBaseFiles};
use lode::site::{self, BuildOptions, MemorySink, Timings};
use std::path::PathBuf;

fn main() {
    divan::main();
}

/// A knowledge base of `count` linked entries in a temporary folder.
fn knowledge_base(count: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let content = dir.path().join("content/countries");
    std::fs::create_dir_all(&content).expect("create folder");
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: Countries\nkind: country\nfields:\n  reserves: { type: quantity, dimension: mass }\n  partners: { type: refs, to: country, inverse: Partner of }\n  joined: { type: date, timeline: Joined }\n---\nCountries.\n",
    )
    .expect("write schema");
    for index in 0..count {
        let next = (index + 1) % count;
        let other = (index * 7 + 3) % count;
        let text = format!(
            "---\ntitle: Country {index}\nreserves: {}.5 Mt\npartners: [c{next}]\njoined: 20{:02}-0{}\ntags: [t{}]\n---\n## Overview\n\nCountry {index} trades with [[c{next}]] and [[c{other}|a partner]].\n\n## Detail\n\n{}\n",
            index % 50,
            index % 25,
            1 + index % 9,
            index % 10,
            "Some words about the economy and its minerals. ".repeat(40)
        );
        std::fs::write(content.join(format!("c{index}.md")), text).expect("write entry");
    }
    let root = dir.path().to_path_buf();
    (dir, root)
}

/// The files `lode build` found in the knowledge base at `root`, not read yet.
fn found_files(files: &DiskFiles) -> Vec<lode::source::FoundFile> {
    files.discover("content").files
}

#[divan::bench(args = [100, 1000])]
fn read_parse_validate(bencher: divan::Bencher, count: usize) {
    let (_dir, root) = knowledge_base(count);
    let files = DiskFiles::new(&root);
    let config = lode::config::Config::default();
    bencher
        .with_inputs(|| found_files(&files))
        .bench_values(|found| {
            site::read_parse_validate(&files, found, &config, false, &mut Timings::default())
        });
}

#[divan::bench(args = [100, 1000])]
fn link_resolution(bencher: divan::Bencher, count: usize) {
    let (_dir, root) = knowledge_base(count);
    let files = DiskFiles::new(&root);
    let config = lode::config::Config::default();
    bencher
        .with_inputs(|| {
            let found = found_files(&files);
            site::read_parse_validate(&files, found, &config, false, &mut Timings::default()).0
        })
        .bench_values(|validated| lode::link::link(validated, &files));
}

#[divan::bench(args = [100, 1000])]
fn page_rendering(bencher: divan::Bencher, count: usize) {
    let (_dir, root) = knowledge_base(count);
    let files = DiskFiles::new(&root);
    let options = BuildOptions {
        root,
        ..BuildOptions::default()
    };
    let config = site::load_config(&files, &options).expect("valid configuration");
    let analysis = site::analyse(
        &files,
        &options,
        config,
        &mut Timings::default(),
        &mut Vec::new(),
    );
    bencher.bench(|| {
        let sink = MemorySink::default();
        let input = analysis.render_input(&files);
        lode::render::render(&input, &sink)
    });
}

/// A body of about `kilobytes` KB: prose with links, emphasis, a table, a code block and raw
/// HTML (some of it hostile), repeated.
fn large_body(kilobytes: usize) -> String {
    let section = "## Section\n\nSome *prose* with a [link](https://example.org/) and `code`, \
                   <span class=\"note\" onclick=\"alert(1)\">raw inline HTML</span>.\n\n\
                   | a | b |\n|---|---|\n| 1 | 2 |\n\n```\nlet x = 1;\n```\n\n\
                   <div><p>A raw <b>block</b></p><script>alert(1)</script></div>\n\n";
    section.repeat(kilobytes * 1024 / section.len() + 1)
}

/// One body to HTML: pulldown-cmark alone (what lode did before sanitising), then lode's
/// `body_to_html` sanitising (the default) and only balancing (`unsafe_html: true`). The
/// difference is the cost of `finish_html` per page.
#[divan::bench(args = [10, 100, 1000])]
fn body_html_markdown_only(bencher: divan::Bencher, kilobytes: usize) {
    let body = large_body(kilobytes);
    bencher.bench(|| {
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(&body, lode::parse::markdown_options()),
        );
        html
    });
}

#[divan::bench(args = [10, 100, 1000])]
fn body_html_sanitised(bencher: divan::Bencher, kilobytes: usize) {
    body_html(
        bencher,
        kilobytes,
        lode::render::sanitize::RawHtml::Sanitise,
    );
}

#[divan::bench(args = [10, 100, 1000])]
fn body_html_balanced(bencher: divan::Bencher, kilobytes: usize) {
    body_html(bencher, kilobytes, lode::render::sanitize::RawHtml::Trust);
}

fn body_html(bencher: divan::Bencher, kilobytes: usize, raw_html: lode::render::sanitize::RawHtml) {
    let body = large_body(kilobytes);
    let graph = lode::link::Graph::default();
    let context = lode::render::markdown::BodyContext {
        graph: &graph,
        links: &[],
        headings: &[],
        root: "../../",
        raw_html,
        highlight_limit: lode::limits::Limits::default().highlighted_code_block_size,
    };
    bencher.bench(|| lode::render::markdown::body_to_html(&body, &context));
}

/// The bodies of every entry of the atlas (`content/`), as written.
fn atlas_bodies() -> Vec<String> {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "md"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .map(|text| match text.splitn(3, "---\n").nth(2) {
            Some(body) => body.to_string(),
            None => text,
        })
        .collect()
}

/// Every atlas body to HTML, pulldown-cmark alone: the baseline of the two below.
#[divan::bench]
fn atlas_bodies_markdown_only(bencher: divan::Bencher) {
    let bodies = atlas_bodies();
    bencher.bench(|| {
        bodies
            .iter()
            .map(|body| {
                let mut html = String::new();
                pulldown_cmark::html::push_html(
                    &mut html,
                    pulldown_cmark::Parser::new_ext(body, lode::parse::markdown_options()),
                );
                html.len()
            })
            .sum::<usize>()
    });
}

/// Every atlas body through `body_to_html`, sanitised (divide by the number of entries for
/// the cost per page).
#[divan::bench]
fn atlas_bodies_sanitised(bencher: divan::Bencher) {
    atlas_bodies_with(bencher, lode::render::sanitize::RawHtml::Sanitise);
}

/// Every atlas body through `body_to_html`, only balanced (`unsafe_html: true`).
#[divan::bench]
fn atlas_bodies_balanced(bencher: divan::Bencher) {
    atlas_bodies_with(bencher, lode::render::sanitize::RawHtml::Trust);
}

fn atlas_bodies_with(bencher: divan::Bencher, raw_html: lode::render::sanitize::RawHtml) {
    let bodies = atlas_bodies();
    let graph = lode::link::Graph::default();
    let context = lode::render::markdown::BodyContext {
        graph: &graph,
        links: &[],
        headings: &[],
        root: "../../",
        raw_html,
        highlight_limit: lode::limits::Limits::default().highlighted_code_block_size,
    };
    bencher.bench(|| {
        bodies
            .iter()
            .map(|body| lode::render::markdown::body_to_html(body, &context).len())
            .sum::<usize>()
    });
}
