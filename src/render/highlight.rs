//! Code highlighting with syntect, emitting CSS classes (not inline styles) so the light and
//! dark themes are plain CSS. The syntax set is loaded once, lazily, the first time a page has a
//! code block: a site without code never pays for it.

use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Prefix of every highlight class, so theme CSS never collides with the site's own.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntax_set() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A `<pre><code>` block, highlighted when the language is known and the code is at most
/// `highlight_limit` bytes, escaped otherwise (highlighting costs far more per byte than
/// anything else in a page, so a huge block is shown plain; validate warns about it).
pub fn code_block_html(code: &str, language: Option<&str>, highlight_limit: usize) -> String {
    let class = language
        .map(|language| format!(" class=\"language-{}\"", escape_attribute(language)))
        .unwrap_or_default();
    let highlighted = language
        .filter(|_| code.len() <= highlight_limit)
        .and_then(|language| highlight(code, language));
    match highlighted {
        Some(html) => format!("<pre class=\"code\"><code{class}>{html}</code></pre>\n"),
        None => format!(
            "<pre class=\"code\"><code{class}>{}</code></pre>\n",
            crate::text::escape_html(code)
        ),
    }
}

fn highlight(code: &str, language: &str) -> Option<String> {
    let syntaxes = syntax_set();
    let syntax = syntaxes.find_syntax_by_token(language)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// CSS for code in a light theme and a dark one (under `prefers-color-scheme: dark` and the
/// `data-theme="dark"` switch).
pub fn highlight_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let light = themes
        .themes
        .get("InspiredGitHub")
        .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
        .unwrap_or_default();
    let dark = themes
        .themes
        .get("base16-ocean.dark")
        .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
        .unwrap_or_default();
    format!(
        "/* Code highlighting: light theme. */\n{light}\n/* Dark theme, chosen by the reader's system or the theme switch. */\n@media (prefers-color-scheme: dark) {{\n:root:not([data-theme=light]) {{ --code-dark: 1; }}\n{}\n}}\n{}\n",
        scope_css(&dark, ":root:not([data-theme=light])"),
        scope_css(&dark, "[data-theme=dark]")
    )
}

/// Prefixes every selector of `css` with `scope`.
fn scope_css(css: &str, scope: &str) -> String {
    let mut out = String::new();
    for block in css.split_inclusive('}') {
        match block.split_once('{') {
            Some((selectors, body))
                if !selectors.trim().is_empty() && !selectors.trim_start().starts_with("/*") =>
            {
                let scoped: Vec<String> = selectors
                    .split(',')
                    .map(|selector| format!("{scope} {}", selector.trim()))
                    .collect();
                out.push_str(&scoped.join(", "));
                out.push_str(" {");
                out.push_str(body);
            }
            Some((selectors, body)) => {
                // A comment before the first rule: keep the rule, scoped, after the comment.
                let (comment, rule) = match selectors.rfind("*/") {
                    Some(end) => selectors.split_at(end + 2),
                    None => ("", selectors),
                };
                out.push_str(comment);
                if !rule.trim().is_empty() {
                    out.push_str(&format!("{scope} {}", rule.trim()));
                }
                out.push_str(" {");
                out.push_str(body);
            }
            None => out.push_str(block),
        }
    }
    out
}

fn escape_attribute(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes_unknown_is_escaped() {
        let html = code_block_html("fn main() {}\n", Some("rust"), 1000);
        assert!(html.contains("hl-"), "{html}");
        let plain = code_block_html("<x>\n", Some("nosuchlang"), 1000);
        assert!(plain.contains("&lt;x&gt;"), "{plain}");
    }

    #[test]
    fn css_has_light_and_dark_rules() {
        let css = highlight_css();
        assert!(css.contains(".hl-"));
        assert!(css.contains("[data-theme=dark] .hl-"));
    }
}
