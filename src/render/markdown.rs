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
    // Whether the contributor wrote anything pulldown-cmark passes through as written: raw
    // HTML, or heading attributes (`{key=value}` becomes an HTML attribute). Without either,
    // the HTML is pulldown-cmark's and lode's own, escaped and balanced already, and the
    // sanitiser (the costliest step of a page) is not needed.
    let mut passes_markup_through = false;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        passes_markup_through |= passes_markup_through_event(&event);
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
    if passes_markup_through {
        finish_html(&html, context.raw_html, lode_ids)
    } else if html.contains('\0') {
        // pulldown-cmark passes a NUL through; HTML cannot hold one (CommonMark: U+FFFD).
        html.replace('\0', "\u{fffd}")
    } else {
        html
    }
}

/// Whether `event` (from the parser) carries markup written by the contributor into the HTML
/// as it is: raw HTML, or a heading's `{key=value}` attributes.
fn passes_markup_through_event(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Heading { attrs, .. }) => !attrs.is_empty(),
        _ => false,
    }
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

    fn body_html(body: &str) -> String {
        let graph = Graph::default();
        let context = BodyContext {
            graph: &graph,
            links: &[],
            headings: &[],
            root: "../../",
            raw_html: RawHtml::Sanitise,
            highlight_limit: 1 << 20,
        };
        body_to_html(body, &context)
    }

    #[test]
    fn a_body_without_raw_html_skips_the_sanitiser_but_heading_attributes_do_not() {
        // Plain markdown comes out as pulldown-cmark writes it (no re-serialisation).
        assert_eq!(body_html("Say \"hi\".\n"), "<p>Say “hi”.</p>\n");
        // `{key=value}` on a heading becomes an attribute: that goes through the sanitiser.
        let html = body_html("# Title {onclick=alert(1)}\n\ntext\n");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("Title"), "{html}");
        // A NUL never reaches the page.
        assert_eq!(body_html("a\0b\n"), "<p>a\u{fffd}b</p>\n");
    }

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
