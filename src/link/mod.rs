//! Stage 4, **link**: one index of ids, paths, titles and aliases; every reference resolved into
//! the **graph**.
//!
//! Nodes are entries; edges are typed by the field they come from, or `mentions` for links in
//! bodies. Wikilinks are read with pulldown-cmark's own wikilink support, so text in code spans
//! and code blocks is never a link. Unknown targets, ambiguous titles, missing headings and refs
//! of the wrong kind are errors with a position and a "did you mean".

mod body;
mod mentions;

pub use body::markdown_to_plain;

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::key::Key;
use crate::model::{Entry, Reference, Value};
use crate::schema::{COMPARISON_KIND, PAGE_KIND, Schemas, diagnostic_at_path};
use crate::source::{BodySource, SourceText};
use crate::validate::{UnreadableEntries, Validated};
use body::{BodyScan, scan_body, sentence_markdown, unsafe_address_errors};
use mentions::MentionMatcher;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The kind that `sources`, claims' `source` and events' `source` must point at.
const SOURCE_KIND: &str = "source";

/// How an edge came about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// A `ref`/`refs` field of the source entry's kind, by field name.
    Field(String),
    /// The built-in `sources` field, or a claim's or event's `source`.
    Source,
    /// An entry named in an item of `events:`.
    Event,
    /// A link in the body.
    Mentions,
}

impl Relation {
    /// A short machine name (`partners`, `sources`, `events`, `mentions`).
    pub fn name(&self) -> &str {
        match self {
            Relation::Field(name) => name,
            Relation::Source => "sources",
            Relation::Event => "events",
            Relation::Mentions => "mentions",
        }
    }
}

/// A directed, typed edge between two entries (indexes into [`Graph::entries`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    /// The entry that refers.
    pub from: usize,
    /// The entry referred to.
    pub to: usize,
    /// How.
    pub relation: Relation,
}

/// A heading of a body, with the id render will give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Plain text.
    pub text: String,
    /// Unique anchor id on the page.
    pub id: String,
}

/// A link in a body, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    /// Byte offset of the link in the body (the key render uses to find it again).
    pub body_offset: usize,
    /// The target entry.
    pub target: usize,
    /// The heading id on the target, if the link named one.
    pub anchor: Option<String>,
    /// For the first link to each other entry: the sentence around it, as plain text, shown
    /// among the target's backlinks. Taken while the body is in memory, so the bodies can be
    /// released before render.
    pub backlink_sentence: Option<Box<str>>,
}

/// The knowledge graph: validated entries, their resolved links, and the typed edges.
#[derive(Debug, Default)]
pub struct Graph {
    /// Kinds.
    pub schemas: Schemas,
    /// Entries, the nodes; indexes are node ids.
    pub entries: Vec<Arc<Entry>>,
    /// Node id by entry id.
    pub by_id: HashMap<String, usize>,
    /// Edges, sorted and without duplicates.
    pub edges: Vec<Edge>,
    /// Per entry: resolved body links in document order (shared with link's memo).
    pub body_links: Vec<Arc<[BodyLink]>>,
    /// Per entry: headings in document order (shared with link's memo).
    pub headings: Vec<Arc<[Heading]>>,
    /// Home page prose.
    pub home: Option<Arc<SourceText>>,
    /// Intro of the comparisons index.
    pub comparisons_intro: Option<Arc<SourceText>>,
    /// Resolved links of each intro (`_index.md` prose), by the intro's path.
    pub intro_links: BTreeMap<String, Vec<BodyLink>>,
    /// The comparisons that passed their checks, by entry index (see [`crate::comparison`]).
    pub comparisons: BTreeMap<usize, crate::comparison::CheckedComparison>,
    /// What validation read besides each entry's own file ([`Validated::inputs_key`]): with an
    /// entry's file, it determines the entry, so later stages can key their memos on both.
    pub inputs_key: u64,
    /// The entries that failed to validate ([`Validated::unreadable`]): what depends on them is
    /// not reported again.
    pub failed_entries: UnreadableEntries,
}

impl Graph {
    /// The entry with id `id`.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&index| &*self.entries[index])
    }
}

/// Resolves every reference of every entry into the graph. Bodies come from `bodies` (see
/// [`BodySource::file_text`]) once to scan them and once more to resolve their links, so no
/// more than a few bodies are in memory at a time. This knows no static files: a relative
/// link to one is an error here (see [`link_remembering`]).
pub fn link(validated: Validated, bodies: &dyn BodySource) -> (Graph, Vec<Diagnostic>) {
    link_remembering(
        validated,
        bodies,
        &BTreeSet::new(),
        &mut LinkMemo::default(),
    )
}

/// What linking remembers for the next build: the mention matcher under the hash of its
/// patterns, each body's scan under the hash of the file's text and the matcher's patterns
/// (a scan reads nothing else), and each entry's resolution under `resolution_key`. Empty,
/// it remembers nothing.
#[derive(Default)]
pub struct LinkMemo {
    matcher: Option<(u64, Arc<MentionMatcher>)>,
    scans: HashMap<String, (ScanKey, Arc<BodyScan>)>,
    resolutions: HashMap<String, (u64, Resolution)>,
}

/// One entry's resolved body links, its edges and the problems found resolving them.
type Resolution = (Arc<[BodyLink]>, Vec<Edge>, Vec<Diagnostic>);

/// [`link`], reusing the matcher and the scans of unchanged bodies from `memo`, and
/// remembering this build's in it. `static_files` are the paths (from the output's root) of
/// the static files the site will have, which relative links in bodies may point at.
pub fn link_remembering(
    validated: Validated,
    bodies: &dyn BodySource,
    static_files: &BTreeSet<String>,
    memo: &mut LinkMemo,
) -> (Graph, Vec<Diagnostic>) {
    let Validated {
        schemas,
        entries,
        home,
        comparisons_intro,
        inputs_key,
        unreadable: failed_entries,
    } = validated;
    let mut diagnostics = Vec::new();
    let (entries, by_id) = index_ids(entries, &mut diagnostics);
    let names = NameIndex::new(&entries);
    let patterns = mentions::patterns(&names);
    let matcher_key = mentions::patterns_key(&patterns);
    let remembered_matcher = memo
        .matcher
        .take()
        .filter(|(key, _)| *key == matcher_key)
        .map(|(_, matcher)| matcher);
    let matcher: Option<Arc<MentionMatcher>> = match (remembered_matcher, entries.first()) {
        (Some(matcher), _) => Some(matcher),
        (None, Some(first)) => mentions::matcher_or_warning(
            MentionMatcher::new(patterns),
            mentions::content_folder(first),
            &mut diagnostics,
        )
        .map(Arc::new),
        // No entries, nothing to mention.
        (None, None) => None,
    };
    if let Some(matcher) = &matcher {
        memo.matcher = Some((matcher_key, Arc::clone(matcher)));
    }
    // First pass: every body's headings, links and mentions, so links can then be checked
    // against the headings of any entry.
    let previous_scans = std::mem::take(&mut memo.scans);
    let scans: Vec<Result<Arc<BodyScan>, Diagnostic>> = entries
        .par_iter()
        .map(|entry| {
            let key = scan_key(matcher_key, entry.source.fingerprint);
            let remembered = previous_scans.get(&entry.source.path);
            if let Some((remembered_key, scan)) = remembered
                && *remembered_key == key
            {
                return Ok(Arc::clone(scan));
            }
            let text = bodies.file_text(&entry.source)?;
            let body = entry.source.body_of(&text);
            // The same text under another matcher (a title or alias changed somewhere): only
            // the mentions change, and they are found again in the remembered plain text.
            if let Some((remembered_key, scan)) = remembered
                && remembered_key.text == entry.source.fingerprint
            {
                return Ok(Arc::new(scan.with_mentions_of(body, matcher.as_deref())));
            }
            Ok(Arc::new(scan_body(body, matcher.as_deref())))
        })
        .collect();
    memo.scans = entries
        .iter()
        .zip(&scans)
        .filter_map(|(entry, scan)| {
            let scan = scan.as_ref().ok()?;
            let key = scan_key(matcher_key, entry.source.fingerprint);
            Some((entry.source.path.clone(), (key, Arc::clone(scan))))
        })
        .collect();
    let unreadable: Vec<bool> = scans.iter().map(Result::is_err).collect();
    let (scans, read_errors) = split_unreadable(scans);
    diagnostics.extend(read_errors);
    let resolver = Resolver {
        entries: &entries,
        by_id: &by_id,
        names: &names,
        scans: &scans,
        schemas: &schemas,
        matcher: matcher.as_deref(),
        static_files,
        unreadable: &failed_entries,
        addresses: entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.url_path.trim_end_matches('/'), index))
            .collect(),
    };
    // Which links are not reported depends on the entries that failed to validate.
    let shared_key = crate::key::of_keys(
        resolver_key(inputs_key, matcher_key, static_files, &entries, &scans),
        &[failed_entries.key()],
    );
    let previous_resolutions = std::mem::take(&mut memo.resolutions);
    let results: Vec<(Option<u64>, Resolution)> = (0..entries.len())
        .into_par_iter()
        .map(|index| {
            let source = &entries[index].source;
            let key = resolution_key(shared_key, source);
            if let Some((remembered, resolution)) = previous_resolutions.get(&source.path)
                && *remembered == key
            {
                return (Some(key), resolution.clone());
            }
            // A body that cannot be read has its front matter resolved all the same, so one
            // bad file does not turn its neighbours into orphans; its read error is reported
            // once, by whichever pass met it first. Such a resolution is not remembered: the
            // file is read again next time.
            match bodies.file_text(source) {
                Ok(text) => (
                    Some(key),
                    shared(resolver.resolve_entry(index, Some(&text))),
                ),
                Err(diagnostic) => {
                    let mut resolved = resolver.resolve_entry(index, None);
                    if !unreadable[index] {
                        resolved.2.push(diagnostic);
                    }
                    (None, shared(resolved))
                }
            }
        })
        .collect();
    memo.resolutions = entries
        .iter()
        .zip(&results)
        .filter_map(|(entry, (key, resolution))| {
            Some((entry.source.path.clone(), ((*key)?, resolution.clone())))
        })
        .collect();
    let results = results.into_iter().map(|(_, resolution)| resolution);
    let mut edges = Vec::new();
    let mut body_links = Vec::with_capacity(entries.len());
    for (links, entry_edges, entry_diagnostics) in results {
        body_links.push(links);
        edges.extend(entry_edges);
        diagnostics.extend(entry_diagnostics);
    }
    edges.sort();
    edges.dedup();
    let intros: Vec<&SourceText> = home
        .iter()
        .chain(comparisons_intro.iter())
        .chain(schemas.kinds.values().map(|kind| &kind.source))
        .map(|source| source.as_ref())
        .collect();
    let intro_links = intro_links(&resolver, &intros, &mut diagnostics);
    let headings = scans
        .iter()
        .map(|scan| Arc::clone(&scan.headings))
        .collect();
    let mut graph = Graph {
        schemas,
        entries,
        by_id,
        edges,
        body_links,
        headings,
        home,
        comparisons_intro,
        intro_links,
        comparisons: BTreeMap::new(),
        inputs_key,
        failed_entries,
    };
    diagnostics.extend(orphan_warnings(&graph, &scans));
    let (comparisons, comparison_diagnostics) = crate::comparison::check_comparisons(&graph);
    graph.comparisons = comparisons;
    diagnostics.extend(comparison_diagnostics);
    (graph, diagnostics)
}

/// The hash of everything an entry's resolution reads besides the entry itself: what every
/// entry's validation read (so an entry is a function of its file and this), the mention
/// matcher, and of every entry what a link to it is checked against — its position, id, file,
/// kind, title, aliases, address and headings; and the static files a relative link may
/// name. Hashing these costs a small fraction of
/// resolving every entry again.
fn resolver_key(
    inputs_key: u64,
    matcher_key: u64,
    static_files: &BTreeSet<String>,
    entries: &[Arc<Entry>],
    scans: &[Arc<BodyScan>],
) -> u64 {
    let per_entry: Vec<u64> = entries
        .par_iter()
        .zip(scans)
        .map(|(entry, scan)| {
            let mut key = Key::new();
            key.text(&entry.id)
                .text(&entry.source.path)
                .text(&entry.source.content_path)
                .text(&entry.kind)
                .text(&entry.title)
                .text(&entry.url_path)
                .number(u64::from(entry.draft))
                .number(entry.aliases.len() as u64);
            for alias in &entry.aliases {
                key.text(alias);
            }
            key.number(scan.headings.len() as u64);
            for heading in scan.headings.iter() {
                key.number(u64::from(heading.level))
                    .text(&heading.text)
                    .text(&heading.id);
            }
            key.finish()
        })
        .collect();
    crate::key::of_keys(
        resolver_inputs_key(inputs_key, matcher_key, static_files),
        &per_entry,
    )
}

/// The shared part of [`resolver_key`]: the validation inputs, the matcher, and the static
/// files a relative link may point at.
fn resolver_inputs_key(inputs_key: u64, matcher_key: u64, static_files: &BTreeSet<String>) -> u64 {
    let mut key = Key::new();
    key.number(inputs_key)
        .number(matcher_key)
        .number(static_files.len() as u64);
    for path in static_files {
        key.text(path);
    }
    key.finish()
}

/// A resolution with its body links made shareable (the graph and the memo hold the same).
fn shared((links, edges, diagnostics): (Vec<BodyLink>, Vec<Edge>, Vec<Diagnostic>)) -> Resolution {
    (links.into(), edges, diagnostics)
}

/// The key of one entry's resolution: the shared inputs' hash ([`resolver_key`]) and the
/// entry's own file, by its path and its text's fingerprint.
fn resolution_key(shared_key: u64, source: &SourceText) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&shared_key.to_le_bytes());
    hasher.update(&source.fingerprint.to_le_bytes());
    hasher.update(source.path.as_bytes());
    hasher.digest()
}

/// The key of a body's scan: the file's text and the matcher's patterns, by their hashes. A
/// scan whose text is the same but whose matcher is not keeps all but its mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ScanKey {
    text: u64,
    matcher: u64,
}

fn scan_key(matcher_key: u64, fingerprint: u64) -> ScanKey {
    ScanKey {
        text: fingerprint,
        matcher: matcher_key,
    }
}

/// Scans in entry order (an unreadable body scans as empty) and the read errors.
fn split_unreadable(
    scans: Vec<Result<Arc<BodyScan>, Diagnostic>>,
) -> (Vec<Arc<BodyScan>>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let scans = scans
        .into_iter()
        .map(|scan| {
            scan.unwrap_or_else(|diagnostic| {
                diagnostics.push(diagnostic);
                Arc::new(BodyScan::default())
            })
        })
        .collect();
    (scans, diagnostics)
}

/// Builds the id index; a duplicate id is an error naming both files, and the later file is
/// dropped so links still resolve to the first.
fn index_ids(
    entries: Vec<Arc<Entry>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Arc<Entry>>, HashMap<String, usize>) {
    let mut by_id: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    let mut kept: Vec<Arc<Entry>> = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Some(&first) = by_id.get(&entry.id) {
            let first: &Entry = &kept[first];
            let diagnostic = Diagnostic::error(
                Code::DuplicateId,
                entry.source.path.clone(),
                format!("duplicate id `{}`", entry.id),
            )
            .help(format!(
                "`{}` already has the id `{}`; ids must be unique — rename one file or set `id:`",
                first.source.path, entry.id
            ));
            let path = [crate::yaml_position::PathSegment::Key("id".into())];
            diagnostics.push(
                diagnostic_at_path(diagnostic, &entry.source, &path)
                    .label(format!("also used by {}", first.source.path)),
            );
            continue;
        }
        by_id.insert(entry.id.clone(), kept.len());
        kept.push(entry);
    }
    (kept, by_id)
}

/// Titles and aliases, lowercased, to the entries that carry them.
struct NameIndex {
    names: HashMap<String, Vec<usize>>,
    /// Content paths without `.md` (`countries/russia`) to entries.
    paths: HashMap<String, usize>,
}

impl NameIndex {
    fn new(entries: &[Arc<Entry>]) -> Self {
        let mut names: HashMap<String, Vec<usize>> = HashMap::new();
        let mut paths = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            for name in std::iter::once(&entry.title).chain(&entry.aliases) {
                let list = names.entry(name.to_lowercase()).or_default();
                if !list.contains(&index) {
                    list.push(index);
                }
            }
            paths.insert(entry.source.content_path.clone(), index);
        }
        NameIndex { names, paths }
    }
}

/// The file a body link is in.
#[derive(Clone, Copy)]
struct LinkingFile<'a> {
    source: &'a SourceText,
    /// The entry the file is, if it is one (a link to `#heading` alone stays on it).
    entry: Option<usize>,
}

struct Resolver<'a> {
    entries: &'a [Arc<Entry>],
    by_id: &'a HashMap<String, usize>,
    names: &'a NameIndex,
    scans: &'a [Arc<BodyScan>],
    schemas: &'a Schemas,
    matcher: Option<&'a MentionMatcher>,
    /// Paths of the static files the output will hold (`style.css`, `files/report.pdf`).
    static_files: &'a BTreeSet<String>,
    /// Entries that failed to validate: links to them are not reported again (their own
    /// error is the one mistake).
    unreadable: &'a UnreadableEntries,
    /// Page addresses without the trailing `/` (`countries/russia`) to entries.
    addresses: HashMap<&'a str, usize>,
}

impl Resolver<'_> {
    /// Whether `kind` is a kind of this knowledge base or a built-in one.
    fn is_kind(&self, kind: &str) -> bool {
        self.schemas.kinds.contains_key(kind) || kind == COMPARISON_KIND || kind == PAGE_KIND
    }

    /// Every reference of entry `index`: its links, its edges, and the problems found,
    /// unlinked mentions included. `text` is the file's whole text; without it (the file could
    /// not be read) only the front matter's references are resolved.
    fn resolve_entry(
        &self,
        index: usize,
        text: Option<&str>,
    ) -> (Vec<BodyLink>, Vec<Edge>, Vec<Diagnostic>) {
        let entry = &self.entries[index];
        let mut edges = Vec::new();
        let mut diagnostics = Vec::new();
        let mut add_edge = |to: usize, relation: Relation| {
            if to != index {
                edges.push(Edge {
                    from: index,
                    to,
                    relation,
                });
            }
        };
        for field in &entry.fields {
            let Some(schema) = self
                .schemas
                .kinds
                .get(&entry.kind)
                .and_then(|kind| kind.field(&field.name))
            else {
                continue;
            };
            let mut allowed = schema.field_type.target_kinds().unwrap_or(&[]);
            // A `to:` naming an unknown kind is reported at the schema; until it is fixed, the
            // field's references are not checked against it (one mistake, one error).
            if allowed.iter().any(|kind| !self.is_kind(kind)) {
                allowed = &[];
            }
            for (value, claim) in field.value.values() {
                if let Value::Refs(references) = value {
                    for reference in references {
                        if let Some(target) =
                            self.reference(entry, reference, allowed, &field.name, &mut diagnostics)
                        {
                            add_edge(target, Relation::Field(field.name.clone()));
                        }
                    }
                }
                if let Some(source) = claim.and_then(|claim| claim.source.as_ref())
                    && let Some(target) =
                        self.source_reference(entry, source, "source", &mut diagnostics)
                {
                    add_edge(target, Relation::Source);
                }
            }
        }
        for source in &entry.sources {
            if let Some(target) = self.source_reference(entry, source, "sources", &mut diagnostics)
            {
                add_edge(target, Relation::Source);
            }
        }
        for event in &entry.events {
            for reference in &event.refs {
                if let Some(target) =
                    self.reference(entry, reference, &[], "refs", &mut diagnostics)
                {
                    add_edge(target, Relation::Event);
                }
            }
            if let Some(source) = &event.source
                && let Some(target) =
                    self.source_reference(entry, source, "source", &mut diagnostics)
            {
                add_edge(target, Relation::Source);
            }
        }
        if let Some(comparison) = &entry.comparison {
            for reference in &comparison.entries {
                self.reference(entry, reference, &[], "entries", &mut diagnostics);
            }
        }
        let links = match text {
            Some(text) => self.entry_body_links(index, text, &mut edges, &mut diagnostics),
            None => Vec::new(),
        };
        (links, edges, diagnostics)
    }

    /// The sentence around the link at `body_offset` in `body`, as plain text.
    fn sentence_around(&self, body: &str, body_offset: usize) -> Box<str> {
        let markdown = sentence_markdown(body, body_offset.min(body.len()));
        let plain = markdown_to_plain(markdown, |page| {
            let page = page.trim();
            self.by_id
                .get(page)
                .or_else(|| self.by_id.get(&page.to_lowercase()))
                .map(|&target| self.entries[target].title.clone())
        });
        crate::text::truncate(plain.trim(), 300).into_boxed_str()
    }

    /// Resolves a reference that must name a `source` entry.
    fn source_reference(
        &self,
        entry: &Entry,
        reference: &Reference,
        field: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<usize> {
        self.reference(
            entry,
            reference,
            &[SOURCE_KIND.to_string()],
            field,
            diagnostics,
        )
    }

    /// Resolves a front-matter reference by id and checks the target's kind.
    fn reference(
        &self,
        entry: &Entry,
        reference: &Reference,
        allowed_kinds: &[String],
        field: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<usize> {
        let Some(&target) = self.by_id.get(&reference.target) else {
            if self.unreadable.has_id(&reference.target) {
                return None;
            }
            let mut diagnostic = Diagnostic::error(
                Code::UnknownId,
                entry.source.path.clone(),
                format!(
                    "`{}` in `{field}` is not the id of any entry",
                    reference.target
                ),
            )
            .label("unknown id");
            let candidates = self.entries.iter().filter(|candidate| {
                allowed_kinds.is_empty() || allowed_kinds.contains(&candidate.kind)
            });
            diagnostic = match did_you_mean(
                &reference.target,
                candidates.map(|candidate| candidate.id.as_str()),
            ) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => match self.names.names.get(&reference.target.to_lowercase()) {
                    Some(matches) => diagnostic.help(format!(
                        "refer to entries by id: `{}`",
                        self.entries[matches[0]].id
                    )),
                    None => diagnostic
                        .help("write the id of an existing entry (its file name without `.md`)"),
                },
            };
            diagnostics.push(diagnostic_at_path(
                diagnostic,
                &entry.source,
                &reference.path.segments(),
            ));
            return None;
        };
        let target_kind = &self.entries[target].kind;
        if !allowed_kinds.is_empty() && !allowed_kinds.contains(target_kind) {
            let expected = allowed_kinds.join(" or ");
            let diagnostic = Diagnostic::error(Code::WrongTargetKind, entry.source.path.clone(), format!("`{field}` must point at a {expected}, but `{}` is a {target_kind}", reference.target))
                .label(format!("a {target_kind}, not a {expected}"))
                .help(format!("the schema says `to: {}`; name a {expected} here, or widen `to:` in the kind's _index.md", allowed_kinds.join(", ")));
            diagnostics.push(diagnostic_at_path(
                diagnostic,
                &entry.source,
                &reference.path.segments(),
            ));
            return None;
        }
        Some(target)
    }
}

/// The links of every intro (the prose of an `_index.md`: home, comparisons, each kind),
/// resolved like an entry's, keyed by the intro's path. Intros are not entries: their links
/// make no edges and no backlinks.
fn intro_links(
    resolver: &Resolver,
    intros: &[&SourceText],
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<BodyLink>> {
    let mut resolved = BTreeMap::new();
    for source in intros {
        let scan = scan_body(source.body(), None);
        diagnostics.extend(unsafe_address_errors(source, &source.text, &scan));
        let links = scan
            .links
            .iter()
            .filter_map(|raw| {
                let from = LinkingFile {
                    source,
                    entry: None,
                };
                resolver.body_link(from, &source.text, raw, diagnostics)
            })
            .collect();
        resolved.insert(source.path.clone(), links);
    }
    resolved
}

/// Entries with no edge in or out, other than plain pages.
///
/// An entry whose links all go to entries that failed to validate is not an orphan, only cut
/// off until they are fixed: it gets no warning (one mistake, one error).
fn orphan_warnings(graph: &Graph, scans: &[Arc<BodyScan>]) -> Vec<Diagnostic> {
    let mut connected = vec![false; graph.entries.len()];
    for edge in &graph.edges {
        connected[edge.from] = true;
        connected[edge.to] = true;
    }
    graph
        .entries
        .iter()
        .zip(scans)
        .zip(connected)
        .filter(|((entry, scan), connected)| {
            !connected
                && entry.kind != PAGE_KIND
                && entry.kind != COMPARISON_KIND
                && !links_to_failed_entry(entry, scan, &graph.failed_entries)
        })
        .map(|((entry, _), _)| entry)
        .map(|entry| {
            Diagnostic::warning(
                Code::Orphan,
                entry.source.path.clone(),
                format!(
                    "`{}` is an orphan: nothing links to it and it links to nothing",
                    entry.id
                ),
            )
            .at(
                &entry.source.text,
                crate::diagnostics::Position { line: 1, column: 1 },
            )
            .help(format!(
                "link it from a related entry with `[[{}]]`, or link related entries from it",
                entry.id
            ))
        })
        .collect()
}

/// Whether `entry` refers or links to an entry that failed to validate.
fn links_to_failed_entry(entry: &Entry, scan: &BodyScan, failed: &UnreadableEntries) -> bool {
    if failed.is_empty() {
        return false;
    }
    let mut references = entry.sources.iter();
    let in_fields = entry.fields.iter().any(|field| {
        field.value.values().into_iter().any(|(value, claim)| {
            let refs_failed = match value {
                Value::Refs(references) => references
                    .iter()
                    .any(|reference| failed.has_id(&reference.target)),
                _ => false,
            };
            refs_failed
                || claim
                    .and_then(|claim| claim.source.as_ref())
                    .is_some_and(|source| failed.has_id(&source.target))
        })
    });
    let in_events = entry.events.iter().any(|event| {
        event
            .refs
            .iter()
            .chain(event.source.iter())
            .any(|reference| failed.has_id(&reference.target))
    });
    in_fields
        || in_events
        || references.any(|reference| failed.has_id(&reference.target))
        || scan.links_any(|target| failed.may_be_linked_as(target))
}
