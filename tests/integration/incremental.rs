//! The incremental engine's invariant: after any sequence of edits, its output is
//! byte-identical to a clean build of the same files, and so are its diagnostics.
//!
//! A small knowledge base (regions with every kind of field, a source, a comparison, a home
//! page) is kept as a model; random edits change the model, the model is written into
//! `MemoryFiles`, and after every step one engine, kept across all the steps of a case, builds
//! incrementally while a clean build runs beside it. Every file is compared.

use lode::diagnostics::Diagnostic;
use lode::discover::MemoryFiles;
use lode::incremental::Engine;
use lode::site::{self, BuildOptions};
use proptest::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;

/// One region entry of the model.
#[derive(Debug, Clone)]
struct Region {
    file: String,
    id_number: usize,
    title: String,
    aliases: Vec<String>,
    tags: Vec<String>,
    share: Option<u32>,
    founded: Option<u32>,
    neighbours: Vec<usize>,
    event_year: Option<u32>,
    words: Vec<String>,
    body_links: Vec<usize>,
    /// The number in the body's second heading, `## Part N` (anchor `#part-n`).
    part: u32,
    /// Body links to a heading of another entry: (target, the part number linked). An edit of
    /// the target's heading can break such a link, and the linking entry must say so.
    anchored_links: Vec<(usize, u32)>,
    /// A number in the sentence of each body link: the sentence its target's backlinks quote.
    link_note: u32,
}

/// The whole knowledge base as a model.
#[derive(Debug, Clone)]
struct Model {
    regions: Vec<Region>,
    next_number: usize,
    site_title: u32,
    schema_label: u32,
    template_comment: Option<u32>,
    static_text: Option<u32>,
    home_words: u32,
}

/// One edit of the model; the numbers pick an entry (modulo the count) or a new value.
#[derive(Debug, Clone)]
enum Edit {
    Body(usize, u32),
    Title(usize, u32),
    Tag(usize, u32),
    Alias(usize, u32),
    AddRef(usize, usize),
    RemoveRef(usize),
    AddBodyLink(usize, usize),
    RemoveBodyLink(usize),
    AddAnchoredLink(usize, usize),
    RemoveAnchoredLink(usize),
    Heading(usize, u32),
    LinkSentence(usize, u32),
    EventDate(usize, u32),
    Quantity(usize, u32),
    Founded(usize, Option<u32>),
    AddEntry(u32),
    DeleteEntry(usize),
    RenameEntry(usize),
    Schema(u32),
    Template(Option<u32>),
    Static(Option<u32>),
    Config(u32),
    Home(u32),
    /// A broken front matter (an error), repaired by the next edit of that entry.
    Break(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let index = 0usize..64;
    prop_oneof![
        4 => (index.clone(), 0u32..1000).prop_map(|(i, n)| Edit::Body(i, n)),
        2 => (index.clone(), 0u32..1000).prop_map(|(i, n)| Edit::Title(i, n)),
        1 => (index.clone(), 0u32..4).prop_map(|(i, n)| Edit::Tag(i, n)),
        1 => (index.clone(), 0u32..1000).prop_map(|(i, n)| Edit::Alias(i, n)),
        2 => (index.clone(), index.clone()).prop_map(|(i, j)| Edit::AddRef(i, j)),
        1 => index.clone().prop_map(Edit::RemoveRef),
        2 => (index.clone(), index.clone()).prop_map(|(i, j)| Edit::AddBodyLink(i, j)),
        1 => index.clone().prop_map(Edit::RemoveBodyLink),
        1 => (index.clone(), index.clone()).prop_map(|(i, j)| Edit::AddAnchoredLink(i, j)),
        1 => index.clone().prop_map(Edit::RemoveAnchoredLink),
        1 => (index.clone(), 0u32..4).prop_map(|(i, n)| Edit::Heading(i, n)),
        2 => (index.clone(), 0u32..1000).prop_map(|(i, n)| Edit::LinkSentence(i, n)),
        1 => (index.clone(), 1990u32..2030).prop_map(|(i, n)| Edit::EventDate(i, n)),
        1 => (index.clone(), 0u32..100).prop_map(|(i, n)| Edit::Quantity(i, n)),
        1 => (index.clone(), proptest::option::of(1990u32..2030))
            .prop_map(|(i, n)| Edit::Founded(i, n)),
        2 => (0u32..1000).prop_map(Edit::AddEntry),
        1 => index.clone().prop_map(Edit::DeleteEntry),
        1 => index.clone().prop_map(Edit::RenameEntry),
        1 => (0u32..5).prop_map(Edit::Schema),
        1 => proptest::option::of(0u32..5).prop_map(Edit::Template),
        1 => proptest::option::of(0u32..5).prop_map(Edit::Static),
        1 => (0u32..5).prop_map(Edit::Config),
        1 => (0u32..5).prop_map(Edit::Home),
        1 => index.prop_map(Edit::Break),
    ]
}

impl Model {
    fn new() -> Self {
        let mut model = Model {
            regions: Vec::new(),
            next_number: 0,
            site_title: 0,
            schema_label: 0,
            template_comment: None,
            static_text: None,
            home_words: 0,
        };
        // More regions than a local graph shows (16 nodes), and a hub linking to all of them
        // from its body: a page must follow what its body shows, not only its local graph.
        for seed in 0..18 {
            model.add_region(seed);
        }
        let count = model.regions.len();
        for index in 0..count {
            model.regions[index].neighbours = vec![(index + 1) % count];
            model.regions[index].body_links = vec![(index + 2) % count];
        }
        model.regions[0].body_links = (1..count).collect();
        model
    }

    fn add_region(&mut self, seed: u32) {
        let number = self.next_number;
        self.next_number += 1;
        self.regions.push(Region {
            file: format!("region-{number}"),
            id_number: number,
            title: format!("Region {number}"),
            aliases: Vec::new(),
            tags: vec![format!("tag{}", seed % 3)],
            share: Some(seed % 50),
            founded: Some(2000 + seed % 20),
            neighbours: Vec::new(),
            event_year: seed.is_multiple_of(2).then_some(2010 + seed % 10),
            words: vec![format!("word{seed}")],
            body_links: Vec::new(),
            part: 0,
            anchored_links: Vec::new(),
            link_note: 0,
        });
    }

    /// The position of the entry `pick` chooses, if there is any entry.
    fn pick(&self, pick: usize) -> Option<usize> {
        (!self.regions.is_empty()).then(|| pick % self.regions.len())
    }

    fn apply(&mut self, edit: &Edit, broken: &mut Option<usize>) {
        // Any edit of a broken entry repairs it first.
        let mut touch = |model: &mut Model, index: usize| {
            if *broken == Some(model.regions[index].id_number) {
                *broken = None;
            }
        };
        match *edit {
            Edit::Body(i, n) => self.with(i, &mut touch, |r| r.words.push(format!("text{n}"))),
            Edit::Title(i, n) => self.with(i, &mut touch, |r| {
                r.title = format!("Region {} {n}", r.id_number)
            }),
            Edit::Tag(i, n) => self.with(i, &mut touch, |r| r.tags = vec![format!("tag{n}")]),
            Edit::Alias(i, n) => self.with(i, &mut touch, |r| {
                r.aliases = vec![format!("Alias {} {n}", r.id_number)]
            }),
            Edit::AddRef(i, j) => {
                let target = self.pick(j).map(|j| self.regions[j].id_number);
                self.with(i, &mut touch, |r| {
                    if let Some(target) = target
                        && target != r.id_number
                        && !r.neighbours.contains(&target)
                    {
                        r.neighbours.push(target);
                    }
                })
            }
            Edit::RemoveRef(i) => self.with(i, &mut touch, |r| {
                r.neighbours.pop();
            }),
            Edit::AddBodyLink(i, j) => {
                let target = self.pick(j).map(|j| self.regions[j].id_number);
                self.with(i, &mut touch, |r| r.body_links.extend(target))
            }
            Edit::RemoveBodyLink(i) => self.with(i, &mut touch, |r| {
                r.body_links.pop();
            }),
            Edit::AddAnchoredLink(i, j) => {
                let target = self
                    .pick(j)
                    .map(|j| (self.regions[j].id_number, self.regions[j].part));
                self.with(i, &mut touch, |r| r.anchored_links.extend(target))
            }
            Edit::RemoveAnchoredLink(i) => self.with(i, &mut touch, |r| {
                r.anchored_links.pop();
            }),
            Edit::Heading(i, n) => self.with(i, &mut touch, |r| r.part = n),
            Edit::LinkSentence(i, n) => self.with(i, &mut touch, |r| r.link_note = n),
            Edit::EventDate(i, n) => self.with(i, &mut touch, |r| r.event_year = Some(n)),
            Edit::Quantity(i, n) => self.with(i, &mut touch, |r| r.share = Some(n)),
            Edit::Founded(i, n) => self.with(i, &mut touch, |r| r.founded = n),
            Edit::AddEntry(seed) => self.add_region(seed),
            Edit::DeleteEntry(i) => {
                if let Some(index) = self.pick(i) {
                    touch(self, index);
                    let gone = self.regions.remove(index).id_number;
                    for region in &mut self.regions {
                        region.neighbours.retain(|&n| n != gone);
                        region.body_links.retain(|&n| n != gone);
                        region.anchored_links.retain(|&(n, _)| n != gone);
                    }
                }
            }
            Edit::RenameEntry(i) => {
                // A new file name is a new id: references follow, as a contributor would fix them.
                if let Some(index) = self.pick(i) {
                    touch(self, index);
                    let old = self.regions[index].id_number;
                    let new = self.next_number;
                    self.next_number += 1;
                    self.regions[index].id_number = new;
                    self.regions[index].file = format!("region-{new}");
                    for region in &mut self.regions {
                        for reference in region.neighbours.iter_mut().chain(&mut region.body_links)
                        {
                            if *reference == old {
                                *reference = new;
                            }
                        }
                        for (reference, _) in &mut region.anchored_links {
                            if *reference == old {
                                *reference = new;
                            }
                        }
                    }
                }
            }
            Edit::Schema(n) => self.schema_label = n,
            Edit::Template(n) => self.template_comment = n,
            Edit::Static(n) => self.static_text = n,
            Edit::Config(n) => self.site_title = n,
            Edit::Home(n) => self.home_words = n,
            Edit::Break(i) => {
                if let Some(index) = self.pick(i) {
                    *broken = Some(self.regions[index].id_number);
                }
            }
        }
    }

    fn with(
        &mut self,
        pick: usize,
        touch: &mut impl FnMut(&mut Model, usize),
        change: impl FnOnce(&mut Region),
    ) {
        if let Some(index) = self.pick(pick) {
            touch(self, index);
            change(&mut self.regions[index]);
        }
    }

    /// Drops the anchored links whose heading a later `Heading` edit renamed: the one mistake
    /// besides the broken file that edits can leave, and a contributor's to fix.
    fn drop_dangling_anchors(&mut self) {
        let parts: HashMap<usize, u32> = self
            .regions
            .iter()
            .map(|region| (region.id_number, region.part))
            .collect();
        for region in &mut self.regions {
            region
                .anchored_links
                .retain(|(target, part)| parts.get(target) == Some(part));
        }
    }

    fn id_of(&self, number: usize) -> String {
        self.regions
            .iter()
            .find(|region| region.id_number == number)
            .map(|region| region.file.clone())
            .unwrap_or_else(|| format!("missing-{number}"))
    }

    fn files(&self, broken: Option<usize>, template: &str) -> MemoryFiles {
        let mut files = MemoryFiles::default();
        files.insert(
            "lode.yaml",
            format!(
                "title: Fixture {}\nbase_url: https://example.org/kb/\npage_size: 3\n",
                self.site_title
            ),
        );
        files.insert(
            "content/_index.md",
            format!(
                "---\ntitle: Home\n---\nWelcome, {} times.\n",
                self.home_words
            ),
        );
        files.insert(
            "content/regions/_index.md",
            format!(
                "---\ntitle: Regions\nkind: region\nfields:\n  share: {{ type: quantity, dimension: ratio, label: Share {} }}\n  founded: {{ type: date, label: Founded, timeline: Founded }}\n  neighbours: {{ type: refs, to: region, label: Neighbours, inverse: Neighbour of }}\n---\nEvery region.\n",
                self.schema_label
            ),
        );
        files.insert(
            "content/sources/_index.md",
            "---\ntitle: Sources\nkind: source\nfields:\n  publisher: { type: string, required: true }\n  url: { type: url }\n---\n",
        );
        files.insert(
            "content/sources/survey.md",
            "---\ntitle: Regional survey\npublisher: Survey Office\ndate: 2025-01-31\nurl: https://example.org/survey.pdf\n---\nThe survey every figure cites.\n",
        );
        files.insert(
            "content/comparisons/shares.md",
            "---\ntitle: Shares by region\ncompare: { kind: region, fields: [share, founded], charts: [share] }\n---\nSide by side.\n",
        );
        if let Some(comment) = self.template_comment {
            files.insert(
                "templates/base.html",
                format!("{template}\n<!-- edit {comment} -->\n"),
            );
        }
        if let Some(text) = self.static_text {
            files.insert("static/extra.css", format!("/* {text} */\n"));
        }
        for region in &self.regions {
            let text = if broken == Some(region.id_number) {
                format!("---\ntitle: [unclosed\n---\nBroken {}.\n", region.title)
            } else {
                self.region_text(region)
            };
            files.insert(&format!("content/regions/{}.md", region.file), text);
        }
        files
    }

    fn region_text(&self, region: &Region) -> String {
        let mut text = format!("---\ntitle: {}\n", region.title);
        if !region.aliases.is_empty() {
            let _ = writeln!(text, "aliases: [{}]", region.aliases.join(", "));
        }
        let _ = writeln!(text, "tags: [{}]", region.tags.join(", "));
        if let Some(share) = region.share {
            let _ = writeln!(
                text,
                "share: {{ value: {share}, unit: \"%\", source: survey, as_of: 2024 }}"
            );
        }
        if let Some(founded) = region.founded {
            let _ = writeln!(text, "founded: {founded}");
        }
        if !region.neighbours.is_empty() {
            let ids: Vec<String> = region.neighbours.iter().map(|&n| self.id_of(n)).collect();
            let _ = writeln!(text, "neighbours: [{}]", ids.join(", "));
        }
        if let Some(year) = region.event_year {
            let _ = writeln!(
                text,
                "events:\n  - {{ date: {year}-03, title: {} opens a port, source: survey }}",
                region.title
            );
        }
        text.push_str("---\n## Overview\n\n");
        text.push_str(&region.words.join(" "));
        text.push('\n');
        for &link in &region.body_links {
            let _ = writeln!(
                text,
                "\nSee [[{}]], note {}.",
                self.id_of(link),
                region.link_note
            );
        }
        let _ = writeln!(text, "\n## Part {}\n", region.part);
        for &(link, part) in &region.anchored_links {
            let _ = writeln!(text, "\nAs in [[{}#part-{part}]].", self.id_of(link));
        }
        text
    }
}

fn rendered(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.render(false)).collect()
}

/// Builds `files` incrementally with `engine` and cleanly, and says how they differ, if they
/// do; `Ok(true)` when both built a site, `Ok(false)` when both stopped at the same errors.
fn compare_with_clean(engine: &mut Engine, files: &MemoryFiles) -> Result<bool, String> {
    let options = BuildOptions::default();
    let incremental = engine.build(files, &options).map_err(|e| e.to_string())?;
    let (clean, clean_files) =
        site::build_files_into_memory(files, &options).map_err(|e| e.to_string())?;
    let (got, want) = (
        rendered(&incremental.outcome.diagnostics),
        rendered(&clean.diagnostics),
    );
    if got != want {
        return Err(format!(
            "diagnostics differ:\nincremental: {got:#?}\nclean: {want:#?}"
        ));
    }
    match (incremental.files, clean_files) {
        (None, None) => Ok(false),
        (Some(got), Some(want)) => {
            let got_paths: Vec<&String> = got.keys().collect();
            let want_paths: Vec<&String> = want.keys().collect();
            if got_paths != want_paths {
                return Err(format!(
                    "file lists differ:\nincremental: {got_paths:?}\nclean: {want_paths:?}"
                ));
            }
            for (path, bytes) in &want {
                if got[path] != *bytes {
                    return Err(format!(
                        "`{path}` differs:\nincremental:\n{}\nclean:\n{}",
                        String::from_utf8_lossy(&got[path]),
                        String::from_utf8_lossy(bytes)
                    ));
                }
            }
            Ok(true)
        }
        (got, want) => Err(format!(
            "one build failed: incremental has files: {}, clean has files: {}",
            got.is_some(),
            want.is_some()
        )),
    }
}

fn built_in_base_template() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/base.html");
    std::fs::read_to_string(path).expect("the built-in base template")
}

proptest! {
    // 24 cases of 10 edits: 240 random steps, each compared file by file with a clean build.
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_clean_builds_after_every_edit(
        edits in proptest::collection::vec(edit(), 10)
    ) {
        let template = built_in_base_template();
        let mut model = Model::new();
        let mut broken = None;
        let mut engine = Engine::new();
        let first = compare_with_clean(&mut engine, &model.files(broken, &template))
            .map_err(TestCaseError::fail)?;
        prop_assert!(first, "the starting knowledge base builds");
        for (step, edit) in edits.iter().enumerate() {
            model.apply(edit, &mut broken);
            let files = model.files(broken, &template);
            compare_with_clean(&mut engine, &files)
                .map_err(|difference| TestCaseError::fail(format!("after step {step} ({edit:?}): {difference}")))?;
        }
        // Whatever the edits broke, repairing the broken file (and the links to renamed
        // headings) gives a site again, equal to a clean build's.
        model.drop_dangling_anchors();
        let repaired = compare_with_clean(&mut engine, &model.files(None, &template))
            .map_err(|difference| TestCaseError::fail(format!("after the repair: {difference}")))?;
        prop_assert!(repaired, "the repaired knowledge base builds");
    }
}

#[test]
fn an_unchanged_knowledge_base_renders_no_page_again() {
    let template = built_in_base_template();
    let files = Model::new().files(None, &template);
    let mut engine = Engine::new();
    let options = BuildOptions::default();
    let first = engine.build(&files, &options).expect("builds");
    assert!(first.pages_rendered > 10, "{}", first.pages_rendered);
    let second = engine.build(&files, &options).expect("builds");
    assert_eq!(second.pages_rendered, 0);
}

#[test]
fn a_linked_title_edit_renders_the_linking_body_again_even_outside_its_local_graph() {
    let template = built_in_base_template();
    let mut model = Model::new();
    let mut engine = Engine::new();
    let options = BuildOptions::default();
    let first = engine
        .build(&model.files(None, &template), &options)
        .expect("builds");
    let hub = &first.files.expect("a site")["regions/region-0/index.html"];
    let hub = String::from_utf8_lossy(hub);
    let graph_start = hub.find("<svg").expect("the hub's local graph");
    let local_graph = &hub[graph_start..graph_start + hub[graph_start..].find("</svg>").unwrap()];
    // A region the hub links to from its body only (regions 1, 16 and 17 are also in its
    // front matter or link back), and that its full local graph leaves out: only the body
    // shows its title.
    let far = (2..16)
        .find(|&number| !local_graph.contains(&format!("Region {number}<")))
        .expect("a region outside the hub's local graph");
    model.regions[far].title = "Far region".to_string();
    let files = model.files(None, &template);
    let build = engine.build(&files, &options).expect("builds");
    let hub = &build.files.expect("a site")["regions/region-0/index.html"];
    let hub = String::from_utf8_lossy(hub);
    let body_start = hub.find(r#"<div class="prose">"#).expect("the body");
    let body = &hub[body_start..];
    let body = &body[..body.find("</div>").expect("the body's end")];
    assert!(body.contains(">Far region</a>"), "{body}");
}

#[test]
fn a_body_edit_renders_only_the_pages_that_show_it() {
    let template = built_in_base_template();
    let mut model = Model::new();
    let mut engine = Engine::new();
    let options = BuildOptions::default();
    let first = engine
        .build(&model.files(None, &template), &options)
        .expect("builds");
    model.regions[0].words.push("changed".to_string());
    let second = engine
        .build(&model.files(None, &template), &options)
        .expect("builds");
    // The entry's own page; nothing else shows its body's words.
    assert_eq!(second.pages_rendered, 1, "of {}", first.pages_rendered);
}

#[test]
fn a_renamed_heading_breaks_a_link_to_it_in_an_unchanged_entry_and_renaming_it_back_repairs_it() {
    let template = built_in_base_template();
    let mut model = Model::new();
    let target = model.regions[5].id_number;
    model.regions[1].anchored_links.push((target, 0));
    let mut engine = Engine::new();
    let builds = compare_with_clean(&mut engine, &model.files(None, &template));
    assert_eq!(builds, Ok(true), "the link to `#part-0` resolves at first");
    // Only the target changes; the linking entry's file stays the same.
    model.regions[5].part = 1;
    let files = model.files(None, &template);
    assert_eq!(compare_with_clean(&mut engine, &files), Ok(false));
    let build = engine
        .build(&files, &BuildOptions::default())
        .expect("builds");
    let messages: Vec<String> = rendered(&build.outcome.diagnostics);
    assert!(
        messages
            .iter()
            .any(|message| message.contains("region-1.md") && message.contains("#part-0")),
        "{messages:#?}"
    );
    model.regions[5].part = 0;
    let repaired = compare_with_clean(&mut engine, &model.files(None, &template));
    assert_eq!(repaired, Ok(true));
}

#[test]
fn removing_a_static_file_breaks_a_link_to_it_in_an_unchanged_entry() {
    let template = built_in_base_template();
    let mut model = Model::new();
    model.static_text = Some(1);
    model.regions[3]
        .words
        .push("[the styles](../../extra.css)".to_string());
    let mut engine = Engine::new();
    let builds = compare_with_clean(&mut engine, &model.files(None, &template));
    assert_eq!(
        builds,
        Ok(true),
        "the link to `extra.css` resolves at first"
    );
    model.static_text = None;
    let files = model.files(None, &template);
    assert_eq!(compare_with_clean(&mut engine, &files), Ok(false));
    model.static_text = Some(2);
    let repaired = compare_with_clean(&mut engine, &model.files(None, &template));
    assert_eq!(repaired, Ok(true));
}

#[test]
fn a_new_entry_without_links_renders_no_other_entry_page_again() {
    let template = built_in_base_template();
    let mut model = Model::new();
    let mut engine = Engine::new();
    let options = BuildOptions::default();
    let first = engine
        .build(&model.files(None, &template), &options)
        .expect("builds")
        .files
        .expect("a site");
    // No claim citing the survey, so the new entry has no edge at all: a new neighbour of a
    // hub would change the local graph of every page whose neighbourhood reaches the hub.
    model.add_region(7);
    let added = model.regions.last_mut().expect("the new region");
    added.share = None;
    let second = engine
        .build(&model.files(None, &template), &options)
        .expect("builds")
        .files
        .expect("a site");
    // A reused page shares its bytes with the last build's. The kinds' entry counts (on the
    // home page) are not in every page's navigation, so the other entries' pages stay.
    let entry_pages: Vec<&String> = first
        .keys()
        .filter(|path| path.starts_with("regions/region-") && path.ends_with("/index.html"))
        .collect();
    assert_eq!(entry_pages.len(), 18);
    for path in entry_pages {
        assert_eq!(
            first[path].as_ptr(),
            second[path].as_ptr(),
            "{path} rendered again"
        );
    }
    assert_ne!(
        first["index.html"], second["index.html"],
        "the home page counts entries"
    );
}
