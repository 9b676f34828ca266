//! Stage 4, **link**: one index of ids, paths, titles and aliases; every reference resolved into
//! the **graph**.
//!
//! Nodes are entries; edges are typed by the field they come from, or `mentions` for links in
//! bodies. Wikilinks are read with pulldown-cmark's own wikilink support, so text in code spans
//! and code blocks is never a link. Unknown targets, ambiguous titles, missing headings and refs
//! of the wrong kind are errors with a position and a "did you mean".

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::model::{Entry, Reference, Value};
use crate::parse::{HeadingIds, markdown_options};
use crate::schema::{COMPARISON_KIND, PAGE_KIND, Schemas, diagnostic_at_path};
use crate::source::{BodySource, SourceText};
use crate::validate::Validated;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
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
    pub entries: Vec<Entry>,
    /// Node id by entry id.
    pub by_id: HashMap<String, usize>,
    /// Edges, sorted and without duplicates.
    pub edges: Vec<Edge>,
    /// Per entry: resolved body links in document order.
    pub body_links: Vec<Vec<BodyLink>>,
    /// Per entry: headings in document order.
    pub headings: Vec<Vec<Heading>>,
    /// Home page prose.
    pub home: Option<Arc<SourceText>>,
    /// Intro of the comparisons index.
    pub comparisons_intro: Option<Arc<SourceText>>,
    /// Resolved links of each intro (`_index.md` prose), by the intro's path.
    pub intro_links: BTreeMap<String, Vec<BodyLink>>,
}

impl Graph {
    /// The entry with id `id`.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&index| &self.entries[index])
    }
}

/// What one pass over a body found, before resolution.
#[derive(Debug, Default)]
struct BodyScan {
    headings: Vec<Heading>,
    links: Vec<RawLink>,
    /// First mention of each title or alias pattern in plain text (outside links, headings,
    /// code and footnotes): (pattern, byte offset, length). Kept instead of the text itself,
    /// so memory does not grow with the bodies.
    mentions: Vec<(usize, usize, usize)>,
}

#[derive(Debug)]
struct RawLink {
    body_offset: usize,
    length: usize,
    target: String,
    is_wikilink: bool,
}

/// Resolves every reference of every entry into the graph. Bodies come from `bodies` (see
/// [`BodySource::file_text`]) once to scan them and once more to resolve their links, so no
/// more than a few bodies are in memory at a time.
pub fn link(validated: Validated, bodies: &dyn BodySource) -> (Graph, Vec<Diagnostic>) {
    let Validated {
        schemas,
        entries,
        home,
        comparisons_intro,
    } = validated;
    let mut diagnostics = Vec::new();
    let (entries, by_id) = index_ids(entries, &mut diagnostics);
    let names = NameIndex::new(&entries);
    let matcher = MentionMatcher::new(&names);
    // First pass: every body's headings, links and mentions, so links can then be checked
    // against the headings of any entry.
    let scans: Vec<Result<BodyScan, Diagnostic>> = entries
        .par_iter()
        .map(|entry| {
            let text = bodies.file_text(&entry.source)?;
            Ok(scan_body(entry.source.body_of(&text), matcher.as_ref()))
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
        matcher: matcher.as_ref(),
    };
    let results: Vec<(Vec<BodyLink>, Vec<Edge>, Vec<Diagnostic>)> = (0..entries.len())
        .into_par_iter()
        .map(|index| {
            // A body that cannot be read has its front matter resolved all the same, so one
            // bad file does not turn its neighbours into orphans; its read error is reported
            // once, by whichever pass met it first.
            match bodies.file_text(&entries[index].source) {
                Ok(text) => resolver.resolve_entry(index, Some(&text)),
                Err(diagnostic) => {
                    let mut resolved = resolver.resolve_entry(index, None);
                    if !unreadable[index] {
                        resolved.2.push(diagnostic);
                    }
                    resolved
                }
            }
        })
        .collect();
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
    let headings = scans.into_iter().map(|scan| scan.headings).collect();
    let graph = Graph {
        schemas,
        entries,
        by_id,
        edges,
        body_links,
        headings,
        home,
        comparisons_intro,
        intro_links,
    };
    diagnostics.extend(orphan_warnings(&graph));
    (graph, diagnostics)
}

/// Scans in entry order (an unreadable body scans as empty) and the read errors.
fn split_unreadable(scans: Vec<Result<BodyScan, Diagnostic>>) -> (Vec<BodyScan>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let scans = scans
        .into_iter()
        .map(|scan| {
            scan.unwrap_or_else(|diagnostic| {
                diagnostics.push(diagnostic);
                BodyScan::default()
            })
        })
        .collect();
    (scans, diagnostics)
}

/// Builds the id index; a duplicate id is an error naming both files, and the later file is
/// dropped so links still resolve to the first.
fn index_ids(
    entries: Vec<Entry>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Entry>, HashMap<String, usize>) {
    let mut by_id: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    let mut kept = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Some(&first) = by_id.get(&entry.id) {
            let first: &Entry = &kept[first];
            let diagnostic = Diagnostic::error(
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
    fn new(entries: &[Entry]) -> Self {
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

/// One parse of a body: headings with their ids, every link, and the first mention of each
/// title or alias (`matcher` finds them).
fn scan_body(body: &str, matcher: Option<&MentionMatcher>) -> BodyScan {
    let mut scan = BodyScan::default();
    let mut ids = HeadingIds::default();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let mut excluded_depth = 0usize;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match &event {
            Event::Start(
                Tag::Link { .. }
                | Tag::Heading { .. }
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::FootnoteDefinition(_),
            ) => excluded_depth += 1,
            Event::End(
                TagEnd::Link
                | TagEnd::Heading(_)
                | TagEnd::Image
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => excluded_depth = excluded_depth.saturating_sub(1),
            // Text events may be unescaped or smart-punctuated; keep the source range so
            // offsets stay exact.
            Event::Text(_) if excluded_depth == 0 => {
                if let (Some(matcher), Some(text)) = (matcher, body.get(range.clone())) {
                    matcher.first_mentions(text, range.start, &mut scan.mentions);
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level as u8, id.map(|id| id.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, text)) = heading.take() {
                    let id = ids.next_id(&text, explicit.as_deref());
                    scan.headings.push(Heading { level, text, id });
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, heading_text)) = heading.as_mut() {
                    heading_text.push_str(&text);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let is_wikilink = matches!(link_type, LinkType::WikiLink { .. });
                if is_wikilink || is_markdown_file_link(&dest_url) {
                    scan.links.push(RawLink {
                        body_offset: range.start,
                        length: range.len(),
                        target: dest_url.to_string(),
                        is_wikilink,
                    });
                }
            }
            _ => {}
        }
    }
    scan
}

/// A relative link to a `.md` file (`../countries/russia.md#economy`); external links are left
/// alone.
fn is_markdown_file_link(destination: &str) -> bool {
    if destination.contains("://")
        || destination.starts_with("mailto:")
        || destination.starts_with('/')
    {
        return false;
    }
    let path = destination.split('#').next().unwrap_or("");
    path.ends_with(".md")
}

/// The markdown of the sentence around `offset` (turned into plain text once links resolve).
fn sentence_markdown(body: &str, offset: usize) -> &str {
    let before = &body[..offset];
    let paragraph_start = before.rfind("\n\n").map_or(0, |index| index + 2);
    let after = &body[offset..];
    let paragraph_end = offset + after.find("\n\n").unwrap_or(after.len());
    let paragraph = &body[paragraph_start..paragraph_end];
    let local = offset - paragraph_start;
    let start = sentence_start(paragraph, local);
    let end = sentence_end(paragraph, local);
    &paragraph[start..end]
}

fn sentence_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut index = offset;
    while index > 1 {
        if matches!(bytes[index - 2], b'.' | b'!' | b'?') && bytes[index - 1] == b' ' {
            return index;
        }
        index -= 1;
    }
    0
}

fn sentence_end(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    // Skip past the link itself so a `.` inside it (`[[u.s.]]`) does not end the sentence.
    let mut index = text[offset..]
        .find("]]")
        .map_or(offset, |close| offset + close + 2);
    index = index.min(text.len());
    while index < bytes.len() {
        if matches!(bytes[index], b'.' | b'!' | b'?')
            && (index + 1 == bytes.len() || bytes[index + 1].is_ascii_whitespace())
        {
            return index + 1;
        }
        index += 1;
    }
    text.len()
}

/// Plain text of a markdown fragment: text, code and link labels; no markup. A wikilink
/// without a label (`[[russia]]`) reads as what `title_of` says about its target.
pub fn markdown_to_plain(markdown: &str, title_of: impl Fn(&str) -> Option<String>) -> String {
    let mut plain = String::new();
    let mut replace_next: Option<String> = None;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole: false },
                dest_url,
                ..
            }) => {
                replace_next = title_of(dest_url.split('#').next().unwrap_or(""));
            }
            Event::Text(text) | Event::Code(text) => match replace_next.take() {
                Some(title) => plain.push_str(&title),
                None => plain.push_str(&text),
            },
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            _ => {}
        }
    }
    plain
}

/// The file a body link is in.
#[derive(Clone, Copy)]
struct LinkingFile<'a> {
    source: &'a SourceText,
    /// The entry the file is, if it is one (a link to `#heading` alone stays on it).
    entry: Option<usize>,
}

struct Resolver<'a> {
    entries: &'a [Entry],
    by_id: &'a HashMap<String, usize>,
    names: &'a NameIndex,
    scans: &'a [BodyScan],
    schemas: &'a Schemas,
    matcher: Option<&'a MentionMatcher>,
}

impl Resolver<'_> {
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
            let allowed = schema.field_type.target_kinds().unwrap_or(&[]);
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
        let Some(text) = text else {
            return (Vec::new(), edges, diagnostics);
        };
        let body = entry.source.body_of(text);
        let mut links = Vec::new();
        let mut sentence_taken = BTreeSet::new();
        for raw in &self.scans[index].links {
            let from = LinkingFile {
                source: &entry.source,
                entry: Some(index),
            };
            if let Some(mut link) = self.body_link(from, text, raw, &mut diagnostics) {
                add_edge(link.target, Relation::Mentions);
                // One backlink per (source, target) pair, at the first link: only that one
                // needs its sentence.
                if link.target != index && sentence_taken.insert(link.target) {
                    link.backlink_sentence = Some(self.sentence_around(body, link.body_offset));
                }
                links.push(link);
            }
        }
        if let Some(matcher) = self.matcher {
            diagnostics.extend(unlinked_mentions(
                self.entries,
                index,
                text,
                &links,
                &self.scans[index],
                self.names,
                matcher,
            ));
        }
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
            let mut diagnostic = Diagnostic::error(
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
            let diagnostic = Diagnostic::error(entry.source.path.clone(), format!("`{field}` must point at a {expected}, but `{}` is a {target_kind}", reference.target))
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

    /// Resolves one link of a body. `from` is the file it is in, and the entry that file is
    /// (none for an `_index.md` intro); `text` is that file's whole text.
    fn body_link(
        &self,
        from: LinkingFile,
        text: &str,
        raw: &RawLink,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<BodyLink> {
        let source = from.source;
        let (page, anchor) = match raw.target.split_once('#') {
            Some((page, "")) => (page, None),
            Some((page, anchor)) => (page, Some(anchor)),
            None => (raw.target.as_str(), None),
        };
        let at = |diagnostic: Diagnostic| {
            source
                .diagnostic_at_body_offset(text, diagnostic, raw.body_offset)
                .span(raw.length)
        };
        let target = if page.is_empty() {
            from.entry.ok_or_else(|| {
                (
                    "an intro cannot link to its own headings".to_string(),
                    Some("name the entry whose heading you mean: [[id#heading]]".to_string()),
                )
            })
        } else if raw.is_wikilink {
            self.wikilink_target(page)
        } else {
            self.markdown_path_target(&source.content_path, page)
        };
        let target = match target {
            Ok(target) => target,
            Err(diagnostic_parts) => {
                let (message, help) = diagnostic_parts;
                let mut diagnostic =
                    Diagnostic::error(source.path.clone(), message).label("unknown link target");
                if let Some(help) = help {
                    diagnostic = diagnostic.help(help);
                }
                diagnostics.push(at(diagnostic));
                return None;
            }
        };
        let anchor = match anchor {
            None => None,
            Some(anchor) => {
                let headings = &self.scans[target].headings;
                let wanted = crate::text::heading_slug(anchor);
                match headings
                    .iter()
                    .find(|heading| heading.id == anchor || heading.id == wanted)
                {
                    Some(heading) => Some(heading.id.clone()),
                    None => {
                        let existing: Vec<String> = headings
                            .iter()
                            .map(|heading| format!("#{}", heading.id))
                            .collect();
                        let help = if existing.is_empty() {
                            format!(
                                "`{}` has no headings; link the page without `#{anchor}`",
                                self.entries[target].id
                            )
                        } else {
                            format!(
                                "headings of `{}`: {}",
                                self.entries[target].id,
                                existing.join(", ")
                            )
                        };
                        let diagnostic = Diagnostic::error(
                            source.path.clone(),
                            format!("`{}` has no heading `#{anchor}`", self.entries[target].id),
                        )
                        .label("no such heading")
                        .help(help);
                        diagnostics.push(at(diagnostic));
                        return None;
                    }
                }
            }
        };
        Some(BodyLink {
            body_offset: raw.body_offset,
            target,
            anchor,
            backlink_sentence: None,
        })
    }

    /// `russia`, `Russia` (title or alias, any case) or `countries/russia`.
    fn wikilink_target(&self, page: &str) -> Result<usize, (String, Option<String>)> {
        let page = page.trim();
        if let Some(&target) = self.by_id.get(page) {
            return Ok(target);
        }
        if page.contains('/') {
            let path = page.trim_matches('/').trim_end_matches(".md");
            if let Some(&target) = self.names.paths.get(path) {
                return Ok(target);
            }
        }
        match self.names.names.get(&page.to_lowercase()) {
            Some(matches) if matches.len() == 1 => Ok(matches[0]),
            Some(matches) => {
                let candidates: Vec<String> = matches
                    .iter()
                    .map(|&m| {
                        format!(
                            "[[{}]] ({})",
                            self.entries[m].id, self.entries[m].source.path
                        )
                    })
                    .collect();
                Err((
                    format!(
                        "`[[{page}]]` is ambiguous: {} entries have that title or alias",
                        matches.len()
                    ),
                    Some(format!("link one of them by id: {}", candidates.join(", "))),
                ))
            }
            None => {
                let ids = self.entries.iter().map(|entry| entry.id.as_str());
                let titles = self.entries.iter().map(|entry| entry.title.as_str());
                // Ids first: they are what a contributor should write.
                let help = did_you_mean(page, ids)
                    .or_else(|| did_you_mean(page, titles))
                    .map(|close| format!("did you mean `[[{close}]]`?"));
                Err((
                    format!("`[[{page}]]` does not match any entry's id, title or alias"),
                    help.or_else(|| Some("create the entry, or fix the link".to_string())),
                ))
            }
        }
    }

    /// `../countries/russia.md`, relative to the linking file.
    /// `page`, a relative path to a `.md` file, read from the file at `content_path`.
    fn markdown_path_target(
        &self,
        content_path: &str,
        page: &str,
    ) -> Result<usize, (String, Option<String>)> {
        let folder = content_path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let mut parts: Vec<&str> = folder.split('/').filter(|part| !part.is_empty()).collect();
        for part in page.trim_end_matches(".md").split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        let resolved = parts.join("/");
        match self.names.paths.get(&resolved) {
            Some(&target) => Ok(target),
            None => {
                let paths = self.names.paths.keys().map(String::as_str);
                let help = did_you_mean(&resolved, paths)
                    .map(|close| format!("did you mean `{close}.md`?"));
                Err((
                    format!(
                        "`{page}` is not a file of the knowledge base (resolved to `{resolved}.md`)"
                    ),
                    help,
                ))
            }
        }
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
        let links = scan_body(source.body(), None)
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
fn orphan_warnings(graph: &Graph) -> Vec<Diagnostic> {
    let mut connected = vec![false; graph.entries.len()];
    for edge in &graph.edges {
        connected[edge.from] = true;
        connected[edge.to] = true;
    }
    graph
        .entries
        .iter()
        .zip(connected)
        .filter(|(entry, connected)| {
            !connected && entry.kind != PAGE_KIND && entry.kind != COMPARISON_KIND
        })
        .map(|(entry, _)| {
            Diagnostic::warning(
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

/// Finds titles and aliases (four characters or more, any ASCII case, whole words) in text.
struct MentionMatcher {
    patterns: Vec<String>,
    automaton: aho_corasick::AhoCorasick,
}

impl MentionMatcher {
    fn new(names: &NameIndex) -> Option<Self> {
        let mut patterns: Vec<String> = names
            .names
            .keys()
            .filter(|name| name.chars().count() >= 4)
            .cloned()
            .collect();
        patterns.sort_unstable();
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        Some(MentionMatcher {
            patterns,
            automaton,
        })
    }

    /// Adds the first whole-word hit of each pattern not yet seen in `found`.
    fn first_mentions(&self, text: &str, offset: usize, found: &mut Vec<(usize, usize, usize)>) {
        for hit in self.automaton.find_iter(text) {
            let pattern = hit.pattern().as_usize();
            if is_word_boundary(text, hit.start(), hit.end())
                && !found.iter().any(|&(seen, _, _)| seen == pattern)
            {
                found.push((pattern, offset + hit.start(), hit.end() - hit.start()));
            }
        }
    }
}

/// Plain text of entry `index` (whose file's whole text is `text`) matching another entry's
/// title or alias, where the body never links to that entry: one warning per target, at the
/// first mention.
fn unlinked_mentions(
    entries: &[Entry],
    index: usize,
    text: &str,
    links: &[BodyLink],
    scan: &BodyScan,
    names: &NameIndex,
    matcher: &MentionMatcher,
) -> Vec<Diagnostic> {
    let entry = &entries[index];
    let body = entry.source.body_of(text);
    let linked: BTreeSet<usize> = links.iter().map(|link| link.target).collect();
    // The earliest mention of each target, whichever of its names it used.
    let mut first: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for &(pattern, offset, length) in &scan.mentions {
        let Some(targets) = names.names.get(&matcher.patterns[pattern]) else {
            continue;
        };
        for &target in targets {
            if target == index || linked.contains(&target) {
                continue;
            }
            let slot = first.entry(target).or_insert((offset, length));
            if offset < slot.0 {
                *slot = (offset, length);
            }
        }
    }
    first
        .into_iter()
        .map(|(target, (offset, length))| {
            let target_entry = &entries[target];
            let diagnostic = Diagnostic::warning(
                entry.source.path.clone(),
                format!("unlinked mention of `{}`", target_entry.title),
            )
            .label("could be a link")
            .help(format!(
                "link it: [[{}|{}]]",
                target_entry.id,
                body.get(offset..offset + length).unwrap_or_default()
            ));
            entry
                .source
                .diagnostic_at_body_offset(text, diagnostic, offset)
                .span(length)
        })
        .collect()
}

fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_wikilinks_but_not_in_code() {
        let body = "See [[russia]] and `[[china]]`.\n\n```\n[[brazil]]\n```\n\n## Economy\n";
        let scan = scan_body(body, None);
        let targets: Vec<_> = scan.links.iter().map(|link| link.target.as_str()).collect();
        assert_eq!(targets, ["russia"]);
        assert_eq!(scan.headings[0].id, "economy");
    }

    #[test]
    fn scan_finds_markdown_file_links_only() {
        let body = "[a](../countries/russia.md) [b](https://x.org/a.md) [c](other.html)";
        let scan = scan_body(body, None);
        let targets: Vec<_> = scan.links.iter().map(|link| link.target.as_str()).collect();
        assert_eq!(targets, ["../countries/russia.md"]);
    }

    #[test]
    fn sentence_is_the_one_around_the_link() {
        let body = "First sentence. Russia offered [[united-states|the US]] a deal. Last one.";
        let offset = body.find("[[").unwrap();
        let markdown = sentence_markdown(body, offset);
        assert_eq!(markdown, "Russia offered [[united-states|the US]] a deal.");
        assert_eq!(
            markdown_to_plain(markdown, |_| None),
            "Russia offered the US a deal."
        );
        let titled = markdown_to_plain("See [[usa]].", |_| Some("United States".into()));
        assert_eq!(titled, "See United States.");
    }

    #[test]
    fn word_boundaries() {
        assert!(is_word_boundary("in Russia.", 3, 9));
        assert!(!is_word_boundary("Russian", 0, 6));
    }
}
