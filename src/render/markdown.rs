//! Markdown bodies to HTML: resolved links, heading ids, highlighted code.
//!
//! The body is parsed with the same options as the link stage, so the n-th heading here is the
//! n-th heading there and every link is found again by its byte offset. The HTML then goes
//! through [`finish_html`]: raw HTML sanitised (or, with `unsafe_html: true`, only balanced).
//! A link or image with an unsafe scheme is an error of the link stage; here its address is
//! dropped all the same, so it can never reach a page.

use super::sanitize::{RawHtml, finish_html};
use crate::link::{BodyLink, Graph, Heading};
use crate::parse::markdown_options;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// What rendering one body needs to know about the rest of the site.
pub struct BodyContext<'a> {
    /// The graph, for link targets' URLs and titles.
    pub graph: &'a Graph,
    /// This entry's resolved links.
    pub links: &'a [BodyLink],
    /// This entry's headings, in order.
    pub headings: &'a [Heading],
    /// `../../` from this page to the site root.
    pub root: &'a str,
    /// What raw HTML in the body becomes.
    pub raw_html: RawHtml,
    /// Code blocks longer than this many bytes are shown plain, not highlighted
    /// (`limits.highlighted_code_block_size`).
    pub highlight_limit: usize,
}

/// Renders a markdown body to HTML.
pub fn body_to_html(body: &str, context: &BodyContext) -> String {
    let links: HashMap<usize, &BodyLink> = context
        .links
        .iter()
        .map(|link| (link.body_offset, link))
        .collect();
    let mut headings = context.headings.iter();
    let mut events: Vec<Event> = Vec::new();
    let mut code: Option<(Option<String>, String)> = None;
    // For `[[russia]]` without a label, pulldown-cmark gives the raw target as the link text;
    // show the target's title instead.
    let mut replace_next_text_with: Option<String> = None;
    // The ids lode writes (headings, footnote definitions): the only ones the sanitiser keeps.
    let mut lode_ids: HashSet<String> = context
        .headings
        .iter()
        .map(|heading| heading.id.clone())
        .collect();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(chunk) => text.push_str(&chunk),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((language, text)) = code.take() {
                        events.push(Event::Html(CowStr::from(
                            crate::render::highlight::code_block_html(
                                &text,
                                language.as_deref(),
                                context.highlight_limit,
                            ),
                        )));
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let id = headings
                    .next()
                    .map(|heading| CowStr::from(heading.id.clone()));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                code = Some((language, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match links.get(&range.start) {
                Some(link) => {
                    let target = &context.graph.entries[link.target];
                    let mut href = format!("{}{}", context.root, target.url_path);
                    if let Some(anchor) = &link.anchor {
                        href.push('#');
                        href.push_str(anchor);
                    }
                    if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
                        replace_next_text_with = Some(target.title.clone());
                    }
                    let title = if title.is_empty() {
                        CowStr::from(target.title.clone())
                    } else {
                        title
                    };
                    events.push(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: CowStr::from(href),
                        title,
                        id,
                    }));
                }
                None => events.push(without_unsafe_address(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))),
            },
            Event::Text(text) => match replace_next_text_with.take() {
                Some(title) => events.push(Event::Text(CowStr::from(title))),
                None => events.push(Event::Text(text)),
            },
            Event::Start(Tag::FootnoteDefinition(label)) => {
                lode_ids.insert(label.to_string());
                events.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            other => events.push(without_unsafe_address(other)),
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    finish_html(&html, context.raw_html, lode_ids)
}

/// Renders one line of inline markdown (a `text` field) without a wrapping paragraph.
pub fn inline_to_html(markdown: &str, raw_html: RawHtml) -> String {
    let mut html = String::new();
    let events = Parser::new_ext(markdown, markdown_options())
        .filter(|event| {
            !matches!(
                event,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .map(without_unsafe_address);
    pulldown_cmark::html::push_html(&mut html, events);
    finish_html(html.trim_end(), raw_html, HashSet::new())
}

/// `event` with the address of a link or image emptied when its scheme is unsafe (see
/// [`crate::url_safety`]): the link stage reports it, and it must not reach the page even
/// where a page is shown despite errors.
fn without_unsafe_address(event: Event) -> Event {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if crate::url_safety::unsafe_scheme(&dest_url).is_some() => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if crate::url_safety::unsafe_scheme(&dest_url).is_some() => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_has_no_paragraph() {
        assert_eq!(
            inline_to_html("Some *text*", RawHtml::Sanitise),
            "Some <em>text</em>"
        );
    }

    #[test]
    fn inline_markdown_loses_raw_html_handlers_and_unsafe_links() {
        assert_eq!(
            inline_to_html(
                "a <img src=x onerror=alert(1)> [b](javascript:alert(1)) [c](<jav&#x09;ascript:x>)",
                RawHtml::Sanitise
            ),
            "a <img src=\"x\"> <a href=\"\">b</a> <a href=\"\">c</a>"
        );
        // Trusted raw HTML stays, but a markdown link with an unsafe scheme never does.
        assert_eq!(
            inline_to_html("<b onclick=\"f()\">x</b> [y](vbscript:x)", RawHtml::Trust),
            "<b onclick=\"f()\">x</b> <a href=\"\">y</a>"
        );
    }
}
