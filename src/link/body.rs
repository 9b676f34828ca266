//! Links in bodies: one scan of each body (headings, links, mentions), the sentence a backlink
//! shows, and the resolution of each link to an entry and a heading.

use super::mentions::{MentionMatcher, unlinked_mentions};
use super::{BodyLink, Edge, Heading, LinkingFile, Relation, Resolver};
use crate::diagnostics::{Diagnostic, did_you_mean};
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
}

/// A link of a body as written: where, and to what.
#[derive(Debug, Clone)]
pub(super) struct RawLink {
    body_offset: usize,
    length: usize,
    target: String,
    is_wikilink: bool,
}

/// One parse of a body: headings with their ids, every link, and the first mention of each
/// title or alias (`matcher` finds them).
pub(super) fn scan_body(body: &str, matcher: Option<&MentionMatcher>) -> BodyScan {
    let mut scan = BodyScan::default();
    let mut headings = Vec::new();
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
    scan.headings = headings.into();
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
    /// (none for an `_index.md` intro); `text` is that file's whole text.
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
}
