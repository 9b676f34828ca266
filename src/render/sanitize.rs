//! The last step of every piece of HTML made from markdown (bodies, intros, `text` fields):
//! raw HTML written by contributors is sanitised, and the result is always balanced.
//!
//! Markdown lets a contributor write raw HTML, so a body could carry `<script>`, an
//! `onerror=` handler or a `javascript:` link to every reader, or a stray `</div>` that closes
//! the page's own content container. By default ([`RawHtml::Sanitise`]) the whole HTML of a
//! body goes through `ammonia` with an allowlist: harmless formatting tags stay, scripts,
//! styles, frames, objects, event handlers and unsafe URL schemes go, and ids survive only when
//! lode made them (headings, footnotes), so raw HTML cannot clobber the page's own ids. A site
//! that trusts its contributors sets `unsafe_html: true` ([`RawHtml::Trust`]): raw HTML is
//! kept as written, but still parsed and serialised again with html5ever (through `scraper`),
//! so its tags are balanced and cannot break out of the body either.
//!
//! Both parse the fragment as a browser would (html5ever), so what is balanced here is
//! balanced in the reader's browser.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

/// How raw HTML in markdown is treated (`unsafe_html` in `lode.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawHtml {
    /// Sanitised with an allowlist (the default).
    #[default]
    Sanitise,
    /// Kept as written (only balanced): for sites whose every contributor is trusted.
    Trust,
}

impl RawHtml {
    /// The policy `lode.yaml` asks for.
    pub fn from_config(config: &crate::config::Config) -> Self {
        if config.unsafe_html {
            RawHtml::Trust
        } else {
            RawHtml::Sanitise
        }
    }
}

/// Tags removed with everything inside them: their content is code, or markup a reader must
/// not get (a frame, an object, a form's hidden parts), never text to keep.
const DROPPED_WITH_CONTENT: [&str; 16] = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "xmp", "title", "textarea", "select",
];

/// Tags lode itself writes that ammonia's default allowlist lacks: task-list checkboxes.
const EXTRA_TAGS: [&str; 1] = ["input"];

/// Makes `html` (made from markdown, raw HTML included) safe and balanced by `raw_html`.
/// `lode_ids` are the ids lode gave (headings, footnote definitions): under
/// [`RawHtml::Sanitise`] every other `id` is removed.
pub fn finish_html(html: &str, raw_html: RawHtml, lode_ids: HashSet<String>) -> String {
    match raw_html {
        RawHtml::Sanitise => sanitise(html, lode_ids),
        RawHtml::Trust => balance(html),
    }
}

/// The allowlist: ammonia's defaults (formatting, lists, tables, links, images, details…)
/// plus what lode's own markdown output needs (classes for code highlighting and footnotes,
/// heading and footnote ids, table alignment, task-list checkboxes); links and images only
/// with http, https, mailto, tel or relative addresses.
fn sanitise(html: &str, lode_ids: HashSet<String>) -> String {
    let lode_ids = Arc::new(lode_ids);
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(EXTRA_TAGS)
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attributes("input", ["checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_generic_attributes(["class", "id"])
        .clean_content_tags(DROPPED_WITH_CONTENT.into_iter().collect())
        .url_schemes(crate::url_safety::SAFE_SCHEMES.into_iter().collect())
        // Internal links stay as lode wrote them; there is no `target`, so no opener to guard.
        .link_rel(None)
        .attribute_filter(move |_element, attribute, value| {
            keep_attribute(&lode_ids, attribute, value)
        });
    builder.clean(html).to_string()
}

/// The attribute filter of [`sanitise`]: an `id` only when lode made it, a `style` only as
/// the table alignment pulldown-cmark writes; the rest (already allowlisted by tag and name)
/// as written.
fn keep_attribute<'value>(
    lode_ids: &HashSet<String>,
    attribute: &str,
    value: &'value str,
) -> Option<Cow<'value, str>> {
    match attribute {
        "id" => lode_ids.contains(value).then_some(Cow::Borrowed(value)),
        "style" => is_table_alignment(value).then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// `text-align: left|center|right`, exactly as pulldown-cmark writes a table column's alignment.
fn is_table_alignment(style: &str) -> bool {
    matches!(
        style.trim().trim_end_matches(';'),
        "text-align: left" | "text-align: center" | "text-align: right"
    )
}

/// `html` parsed as a fragment of a `<body>` and written out again: unclosed tags closed,
/// stray end tags dropped, nothing else removed.
fn balance(html: &str) -> String {
    scraper::Html::parse_fragment(html)
        .root_element()
        .inner_html()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sanitised(html: &str) -> String {
        finish_html(html, RawHtml::Sanitise, HashSet::new())
    }

    #[test]
    fn scripts_handlers_and_frames_are_removed() {
        assert_eq!(sanitised("<p>a<script>alert(1)</script>b</p>"), "<p>ab</p>");
        assert_eq!(sanitised("<img src=x onerror=alert(1)>"), "<img src=\"x\">");
        assert_eq!(
            sanitised("<iframe src=\"https://x.org\">text</iframe><style>p{}</style>ok"),
            "ok"
        );
        assert_eq!(
            sanitised("<object data=x><embed src=y></object><svg><script>1</script></svg>"),
            ""
        );
        assert_eq!(
            sanitised("<a href=\"javascript:alert(1)\">x</a><a href=\"JAVA&#x09;script:1\">y</a>"),
            "<a>x</a><a>y</a>"
        );
        assert_eq!(sanitised("<a href=\"data:text/html,x\">x</a>"), "<a>x</a>");
    }

    #[test]
    fn harmless_formatting_stays() {
        let html = "<details><summary>More</summary><p><b>bold</b> <kbd>K</kbd> \
                    <sub>2</sub> <abbr title=\"x\">X</abbr></p></details>";
        assert_eq!(sanitised(html), html);
        assert_eq!(
            sanitised("<a href=\"https://x.org/\" title=\"t\">x</a> <a href=\"../a/\">a</a>"),
            "<a href=\"https://x.org/\" title=\"t\">x</a> <a href=\"../a/\">a</a>"
        );
    }

    #[test]
    fn only_lode_ids_and_table_alignment_survive() {
        let ids = HashSet::from(["economy".to_string()]);
        assert_eq!(
            finish_html(
                "<h2 id=\"economy\">E</h2><div id=\"theme-toggle\">x</div>",
                RawHtml::Sanitise,
                ids
            ),
            "<h2 id=\"economy\">E</h2><div>x</div>"
        );
        assert_eq!(
            sanitised("<td style=\"text-align: center\">a</td>"),
            sanitised("<td style=\"text-align: center\">a</td>")
        );
        assert_eq!(
            sanitised(
                "<table><tr><td style=\"text-align: center\">a</td><td style=\"position: fixed\">b</td></tr></table>"
            ),
            "<table><tbody><tr><td style=\"text-align: center\">a</td><td>b</td></tr></tbody></table>"
        );
    }

    #[test]
    fn task_list_checkboxes_stay_disabled() {
        assert_eq!(
            sanitised("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
            "<input disabled=\"\" type=\"checkbox\" checked=\"\">"
        );
        assert_eq!(sanitised("<input type=\"text\" value=\"x\">"), "<input>");
    }

    #[test]
    fn both_policies_balance_tags() {
        for raw_html in [RawHtml::Sanitise, RawHtml::Trust] {
            let finish = |html: &str| finish_html(html, raw_html, HashSet::new());
            assert_eq!(finish("<p>a</p></div></div><p>b</p>"), "<p>a</p><p>b</p>");
            assert_eq!(finish("<div><p>a</p>"), "<div><p>a</p></div>");
            assert_eq!(
                finish("<em>a<strong>b</em>c"),
                "<em>a<strong>b</strong></em><strong>c</strong>"
            );
        }
    }

    #[test]
    fn trusted_html_is_kept_as_written() {
        let html = "<script>if (a < b && c) {}</script><div onclick=\"go()\" id=\"x\">y</div>\
                    <my-widget data-x=\"1\"></my-widget>";
        assert_eq!(finish_html(html, RawHtml::Trust, HashSet::new()), html);
    }
}
