//! Links in bodies: one scan of each body (headings, links, mentions), the sentence a backlink
//! shows, and the resolution of each link to an entry and a heading.
//!
//! Every address a body links to is checked: an unsafe scheme (see [`crate::url_safety`]) is an
//! error at the link (for a reference link, at its definition, so one definition used twice is
//! one error), and a relative link must reach an entry (by id, by its file's path or by its
//! page's address), a page of the site or a static file, like a wikilink must reach an entry.

use super::mentions::{MentionMatcher, unlinked_mentions};
use super::{BodyLink, Edge, Heading, LinkingFile, Relation, Resolver};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::parse::{HeadingIds, markdown_options};
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What one pass over a body found, before resolution.
#[derive(Debug, Default, Clone)]
pub(super) struct BodyScan {
    /// Headings in document order, with their ids (shared with the graph and the memo).
    pub(super) headings: Arc<[Heading]>,
    /// Links to entries (wikilinks and relative `.md` links), not resolved yet.
    pub(super) links: Vec<RawLink>,
    /// First mention of each title or alias pattern in plain text (outside links, headings,
    /// code and footnotes): (pattern, byte offset, length). Kept instead of the text itself,
    /// so memory does not grow with the bodies.
    pub(super) mentions: Vec<(usize, usize, usize)>,
    /// Links, images and link reference definitions whose address has an unsafe scheme, in
    /// body order.
    pub(super) unsafe_addresses: Vec<UnsafeAddress>,
    /// The byte ranges of the body's plain text (the text `mentions` were looked for in), so
    /// a new matcher finds its mentions without parsing the markdown again
    /// ([`BodyScan::with_mentions_of`]).
    pub(super) plain_text: Vec<std::ops::Range<usize>>,
}

impl BodyScan {
    /// Whether `matches` holds for the page part (before `#`) of any of the body's links to
    /// entries.
    pub(super) fn links_any(&self, matches: impl Fn(&str) -> bool) -> bool {
        self.links.iter().any(|link| {
            let page = link.target.split('#').next().unwrap_or("");
            !page.is_empty() && matches(page)
        })
    }

    /// This scan with its mentions looked for again by `matcher` in `body` (the same body):
    /// what [`scan_body`] would give with that matcher, found in the remembered plain text.
    pub(super) fn with_mentions_of(&self, body: &str, matcher: Option<&MentionMatcher>) -> Self {
        let mut mentions = Vec::new();
        if let Some(matcher) = matcher {
            for range in &self.plain_text {
                if let Some(text) = body.get(range.clone()) {
                    matcher.first_mentions(text, range.start, &mut mentions);
                }
            }
        }
        BodyScan {
            mentions,
            ..self.clone()
        }
    }
}

/// A link of a body as written: where, and to what.
#[derive(Debug, Clone)]
pub(super) struct RawLink {
    body_offset: usize,
    length: usize,
    target: String,
    kind: RawLinkKind,
}

/// How a link names its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawLinkKind {
    /// `[[russia]]`: an id, title, alias or content path.
    Wikilink,
    /// `[x](../countries/russia.md)`: a `.md` file, relative to the linking file.
    MarkdownFile,
    /// `[x](russia)`, `[x](../china/)`, `[x](/files/report.pdf)`: any other relative address.
    Relative,
}

/// A link, image or link reference definition whose address has an unsafe scheme.
#[derive(Debug, Clone)]
pub(super) struct UnsafeAddress {
    body_offset: usize,
    length: usize,
    /// The scheme, as a browser reads it (`javascript`).
    scheme: String,
    /// `a link`, `an image` or `the link reference definition `[label]``.
    what: String,
}

/// Where a link's address goes, by its form.
enum Destination {
    /// Nothing to check: a safe scheme, `//host/…`, an e-mail autolink, or this page
    /// (`#heading`, `?query`, empty).
    Unchecked,
    /// An unsafe scheme.
    Unsafe(String),
    /// A relative address to resolve.
    Resolved(RawLinkKind),
}

/// What the address `destination` of a link of type `link_type` is.
fn destination(link_type: LinkType, destination: &str) -> Destination {
    if matches!(link_type, LinkType::WikiLink { .. }) {
        return Destination::Resolved(RawLinkKind::Wikilink);
    }
    // pulldown-cmark gives an e-mail autolink's address without its `mailto:`.
    if link_type == LinkType::Email {
        return Destination::Unchecked;
    }
    match crate::url_safety::address_kind(destination) {
        crate::url_safety::AddressKind::Unsafe(scheme) => Destination::Unsafe(scheme),
        crate::url_safety::AddressKind::Safe(_) => Destination::Unchecked,
        crate::url_safety::AddressKind::Relative => {
            let path = destination.split(['#', '?']).next().unwrap_or("");
            if path.is_empty() || destination.starts_with("//") {
                Destination::Unchecked
            } else if path.ends_with(".md") && !path.starts_with('/') {
                Destination::Resolved(RawLinkKind::MarkdownFile)
            } else {
                Destination::Resolved(RawLinkKind::Relative)
            }
        }
    }
}

/// Whether a link of this type takes its address from a link reference definition (whose
/// address is checked once, at the definition).
fn is_reference(link_type: LinkType) -> bool {
    matches!(
        link_type,
        LinkType::Reference
            | LinkType::ReferenceUnknown
            | LinkType::Collapsed
            | LinkType::CollapsedUnknown
            | LinkType::Shortcut
            | LinkType::ShortcutUnknown
    )
}

/// One parse of a body: headings with their ids, every link, and the first mention of each
/// title or alias (`matcher` finds them).
pub(super) fn scan_body(body: &str, matcher: Option<&MentionMatcher>) -> BodyScan {
    let mut scan = BodyScan::default();
    let mut headings = Vec::new();
    let mut ids = HeadingIds::default();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let mut excluded_depth = 0usize;
    let mut events = Parser::new_ext(body, markdown_options()).into_offset_iter();
    for (event, range) in events.by_ref() {
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
                scan.plain_text.push(range.clone());
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
                    headings.push(Heading { level, text, id });
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
            }) => match destination(link_type, &dest_url) {
                Destination::Resolved(kind) => scan.links.push(RawLink {
                    body_offset: range.start,
                    length: range.len(),
                    target: dest_url.to_string(),
                    kind,
                }),
                Destination::Unsafe(scheme) if !is_reference(link_type) => {
                    scan.unsafe_addresses.push(UnsafeAddress {
                        body_offset: range.start,
                        length: range.len(),
                        scheme,
                        what: "a link".to_string(),
                    });
                }
                Destination::Unsafe(_) | Destination::Unchecked => {}
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) if !is_reference(link_type) => {
                if let Some(scheme) = crate::url_safety::unsafe_scheme(&dest_url) {
                    scan.unsafe_addresses.push(UnsafeAddress {
                        body_offset: range.start,
                        length: range.len(),
                        scheme,
                        what: "an image".to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    // Definitions are checked whether or not a link uses them: an unused one still holds the
    // address for the next contributor to use.
    for (label, definition) in events.reference_definitions().iter() {
        if let Some(scheme) = crate::url_safety::unsafe_scheme(&definition.dest) {
            scan.unsafe_addresses.push(UnsafeAddress {
                body_offset: definition.span.start,
                length: definition.span.len(),
                scheme,
                what: format!("the link reference definition `[{label}]`"),
            });
        }
    }
    // The definitions come out of a hash map: sort them into body order.
    scan.unsafe_addresses
        .sort_by_key(|address| (address.body_offset, address.length));
    scan.headings = headings.into();
    scan
}

/// The errors for the unsafe addresses of a body (see [`BodyScan::unsafe_addresses`]) in
/// `source`, whose whole text is `text`.
pub(super) fn unsafe_address_errors<'a>(
    source: &'a crate::source::SourceText,
    text: &'a str,
    scan: &'a BodyScan,
) -> impl Iterator<Item = Diagnostic> + 'a {
    scan.unsafe_addresses.iter().map(move |address| {
        let scheme = &address.scheme;
        let diagnostic = Diagnostic::error(
            Code::UnsafeLink,
            source.path.clone(),
            format!("{} with a `{scheme}:` address is not allowed", address.what),
        )
        .label("unsafe address")
        .help(format!(
            "links and images may use http:, https:, mailto: and tel: addresses or relative \
             ones; a `{scheme}:` address can run code or load content in every reader's browser"
        ));
        source
            .diagnostic_at_body_offset(text, diagnostic, address.body_offset)
            .span(address.length)
    })
}

/// The markdown of the sentence around `offset` (turned into plain text once links resolve).
pub(super) fn sentence_markdown(body: &str, offset: usize) -> &str {
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

impl Resolver<'_> {
    /// The resolved links of entry `index`'s body (`text` is its file's whole text), the first
    /// link to each other entry with its sentence. A `mentions` edge per link to another entry
    /// goes into `edges`; the problems, unlinked mentions included, into `diagnostics`.
    pub(super) fn entry_body_links(
        &self,
        index: usize,
        text: &str,
        edges: &mut Vec<Edge>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<BodyLink> {
        let entry = &self.entries[index];
        let body = entry.source.body_of(text);
        diagnostics.extend(unsafe_address_errors(
            &entry.source,
            text,
            &self.scans[index],
        ));
        let mut links = Vec::new();
        let mut sentence_taken = BTreeSet::new();
        for raw in &self.scans[index].links {
            let from = LinkingFile {
                source: &entry.source,
                entry: Some(index),
            };
            if let Some(mut link) = self.body_link(from, text, raw, diagnostics) {
                if link.target != index {
                    edges.push(Edge {
                        from: index,
                        to: link.target,
                        relation: Relation::Mentions,
                    });
                }
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
        links
    }

    /// Resolves one link of a body. `from` is the file it is in, and the entry that file is
    /// (none for an `_index.md` intro); `text` is that file's whole text. `None` when the link
    /// is broken (reported in `diagnostics`) or reaches something other than an entry (a page
    /// of the site, a static file), which render leaves as written.
    pub(super) fn body_link(
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
        } else {
            match raw.kind {
                RawLinkKind::Wikilink => self.wikilink_target(page),
                RawLinkKind::MarkdownFile => self.markdown_path_target(&source.content_path, page),
                RawLinkKind::Relative => match self.relative_target(from, page) {
                    Ok(Some(target)) => Ok(target),
                    // A page of the site or a static file: nothing to rewrite.
                    Ok(None) => return None,
                    Err(problem) => Err(problem),
                },
            }
        };
        let target = match target {
            Ok(target) => target,
            // The target failed to validate: that is its own error, not this link's.
            Err(_) if self.unreadable.may_be_linked_as(page) => return None,
            Err(diagnostic_parts) => {
                let (message, help) = diagnostic_parts;
                let mut diagnostic =
                    Diagnostic::error(Code::UnknownLinkTarget, source.path.clone(), message)
                        .label("unknown link target");
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
                            Code::UnknownHeading,
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

    /// Where a relative link other than a `.md` file goes (`page` without its `#anchor`):
    /// `Some` entry when it names one by id (`russia`), by its file's path without `.md`,
    /// relative to the linking file or from the content root (`../countries/russia`,
    /// `/countries/russia`), or by its page's address relative to the linking page
    /// (`../china/`); `None` when it reaches a page of the site or a static file.
    fn relative_target(
        &self,
        from: LinkingFile,
        page: &str,
    ) -> Result<Option<usize>, (String, Option<String>)> {
        let path = page.split('?').next().unwrap_or("");
        let bare = path
            .trim_end_matches("index.html")
            .trim_end_matches('/')
            .trim_end_matches(".md");
        if !bare.contains('/')
            && let Some(&target) = self.by_id.get(bare)
        {
            return Ok(Some(target));
        }
        let file_folder = from
            .source
            .content_path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        if let Some(content_path) = resolve_relative(file_folder, bare)
            && let Some(&target) = self.names.paths.get(&content_path)
        {
            return Ok(Some(target));
        }
        let page_address = match from.entry {
            Some(entry) => self.entries[entry].url_path.as_str(),
            None => intro_address(&from.source.content_path),
        };
        let address = resolve_relative(page_address.trim_end_matches('/'), path);
        if let Some(address) = &address {
            let address = address.trim_end_matches("index.html").trim_end_matches('/');
            if let Some(&target) = self.addresses.get(address) {
                return Ok(Some(target));
            }
            if self.is_site_address(address) {
                return Ok(None);
            }
        }
        let ids = self.entries.iter().map(|entry| entry.id.as_str());
        let help = match did_you_mean(bare.rsplit('/').next().unwrap_or(bare), ids) {
            Some(close) => format!("did you mean `[[{close}]]`?"),
            None => "link an entry with `[[id]]` or its `.md` file; a file of your own goes in \
                     `static/`"
                .to_string(),
        };
        let message = match address {
            Some(address) => format!(
                "`{page}` is not an entry, a page of the site or a static file (resolved to `/{address}`)"
            ),
            None => format!("`{page}` points above the site's root"),
        };
        Err((message, Some(help)))
    }

    /// Whether `address` (from the site root, without a leading or trailing `/`) is a file
    /// or page lode writes besides the entries' pages: a static file, a root file (feed,
    /// sitemap, search index…), a site page (`timeline`, `tags/…`), a kind's index, timeline
    /// or its pages, or a file beside an entry's page (a comparison's `table.csv`).
    fn is_site_address(&self, address: &str) -> bool {
        if address.is_empty()
            || self.static_files.contains(address)
            || ROOT_FILES.contains(&address)
        {
            return true;
        }
        let (first, rest) = address.split_once('/').unwrap_or((address, ""));
        if crate::schema::SITE_FOLDERS.contains(&first) {
            return true;
        }
        let is_list_folder = first == crate::schema::COMPARISON_FOLDER
            || self.schemas.kind_of_folder(first).is_some();
        if is_list_folder
            && (rest.is_empty()
                || rest == "timeline"
                || rest.starts_with("page/")
                || rest.starts_with("timeline/"))
        {
            return true;
        }
        // A comparison's data beside its page (`comparisons/x/table.csv`).
        address.rsplit_once('/').is_some_and(|(folder, file)| {
            matches!(file, "table.csv" | "table.json") && self.addresses.contains_key(folder)
        })
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

/// Files lode writes at the site's root besides pages and static files.
const ROOT_FILES: [&str; 7] = [
    "404.html",
    "atom.xml",
    "robots.txt",
    "search-index.json",
    "sitemap.xml",
    "sitemap-index.xml",
    "index.html",
];

/// The address (from the site root, ending in `/`, empty for the home page) of the page an
/// `_index.md` intro is shown on: `countries/_index` → `countries/`, `_index` → ``.
fn intro_address(content_path: &str) -> &str {
    content_path.trim_end_matches("_index")
}

/// `path` (with `/` between parts; from the root when it starts with `/`) read from the folder
/// `base` (no leading or trailing `/`), `.` and `..` applied: `None` when it climbs above the
/// root.
fn resolve_relative(base: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|part| !part.is_empty()).collect()
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_found_again_in_the_remembered_plain_text_equal_a_new_scan() {
        let body = "Russia and china trade.\n\n## Russia\n\n`china` in code, [Russia](x) \
                    linked, then China again and *Brazil* in emphasis.\n";
        let first = MentionMatcher::new(vec!["russia".to_string()]).expect("a matcher");
        let second = MentionMatcher::new(vec!["brazil".to_string(), "china".to_string()])
            .expect("a matcher");
        let scanned = scan_body(body, Some(&first));
        assert_eq!(scanned.mentions.len(), 1);
        let again = scanned.with_mentions_of(body, Some(&second));
        let fresh = scan_body(body, Some(&second));
        assert_eq!(again.mentions, fresh.mentions);
        assert_eq!(fresh.mentions.len(), 2, "{:?}", fresh.mentions);
        assert!(scanned.with_mentions_of(body, None).mentions.is_empty());
    }

    #[test]
    fn scan_finds_wikilinks_but_not_in_code() {
        let body = "See [[russia]] and `[[china]]`.\n\n```\n[[brazil]]\n```\n\n## Economy\n";
        let scan = scan_body(body, None);
        let targets: Vec<_> = scan.links.iter().map(|link| link.target.as_str()).collect();
        assert_eq!(targets, ["russia"]);
        assert_eq!(scan.headings[0].id, "economy");
    }

    #[test]
    fn scan_finds_relative_links_but_not_external_ones() {
        let body = "[a](../countries/russia.md) [b](https://x.org/a.md) [c](other.html) \
                    [d](#economy) [e](mailto:a@b.org) <a@b.org> [f](//cdn.org/x) [g](/x.pdf)";
        let scan = scan_body(body, None);
        let links: Vec<_> = scan
            .links
            .iter()
            .map(|link| (link.target.as_str(), link.kind))
            .collect();
        assert_eq!(
            links,
            [
                ("../countries/russia.md", RawLinkKind::MarkdownFile),
                ("other.html", RawLinkKind::Relative),
                ("/x.pdf", RawLinkKind::Relative),
            ]
        );
        assert!(scan.unsafe_addresses.is_empty());
    }

    #[test]
    fn scan_finds_every_unsafe_address_once() {
        let body = "[a](javascript:alert(1)) ![b](data:image/png;base64,x) <vbscript:x> \
                    [c](<jav&#x09;ascript:1>) [d][r] [e][r] [[russia|label [f](file:///etc)]]\n\n\
                    [r]: JavaScript:alert(2)\n";
        let scan = scan_body(body, None);
        let found: Vec<(&str, &str, &str)> = scan
            .unsafe_addresses
            .iter()
            .map(|address| {
                let at = &body[address.body_offset..address.body_offset + address.length];
                (address.what.as_str(), address.scheme.as_str(), at)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("a link", "javascript", "[a](javascript:alert(1))"),
                ("an image", "data", "![b](data:image/png;base64,x)"),
                ("a link", "vbscript", "<vbscript:x>"),
                ("a link", "javascript", "[c](<jav&#x09;ascript:1>)"),
                ("a link", "file", "[f](file:///etc)"),
                (
                    "the link reference definition `[r]`",
                    "javascript",
                    "[r]: JavaScript:alert(2)"
                ),
            ]
        );
        // A link inside a wikilink's label wins (links do not nest), and unsafe links are not
        // resolved: nothing is left to resolve.
        assert!(scan.links.is_empty());
    }

    #[test]
    fn relative_paths_resolve_from_a_folder() {
        assert_eq!(
            resolve_relative("countries/russia", "../china"),
            Some("countries/china".into())
        );
        assert_eq!(
            resolve_relative("countries", "./a/b/"),
            Some("countries/a/b".into())
        );
        assert_eq!(
            resolve_relative("countries", "/files/x.pdf"),
            Some("files/x.pdf".into())
        );
        assert_eq!(resolve_relative("", "../x"), None);
        assert_eq!(intro_address("countries/_index"), "countries/");
        assert_eq!(intro_address("_index"), "");
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
}
