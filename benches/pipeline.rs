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
