//! Text helpers every stage shares: escaping for HTML and XML, truncation, and slugs.
//!
//! Each exists once, here, so an output context cannot quietly use a weaker escaper than
//! another (the Atom feed once escaped like HTML and let control characters through, which
//! made invalid XML).

/// Escapes `text` for HTML element content and for attribute values in either kind of quotes.
///
/// `pulldown-cmark-escape` leaves `'` alone, which breaks a single-quoted attribute, so lode
/// keeps its own escaper: the same five characters Tera's autoescape handles.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        push_escaped(&mut out, character);
    }
    out
}

/// Escapes `text` for XML (Atom, sitemaps, SVG) content and quoted attributes.
///
/// XML 1.0 forbids control characters other than tab, newline and carriage return even when
/// escaped, so they become spaces: a stray control character in a title must not make the
/// whole feed unreadable.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\t' | '\n' | '\r' => out.push(character),
            control if control.is_control() => out.push(' '),
            other => push_escaped(&mut out, other),
        }
    }
    out
}

/// Pushes `character` onto `out`, as an entity when it is one of the five characters that
/// HTML and XML both give meaning to (`& < > " '`).
fn push_escaped(out: &mut String, character: char) {
    match character {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        other => out.push(other),
    }
}

/// `text` cut after `max` characters, ending in "…" when it was cut (trailing space before
/// the ellipsis is dropped). Counts characters, never bytes, so it cannot split one.
pub fn truncate(text: &str, max: usize) -> String {
    let mut characters = text.char_indices();
    match characters.nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
    }
}

/// An ASCII slug for suggesting an id or tag: transliterated (`Côte d'Ivoire` →
/// `cote-d-ivoire`), lowercase, words joined by `-`.
pub fn id_slug(text: &str) -> String {
    slug::slugify(text)
}

/// The anchor of a heading: lowercase letters and digits of `text` in any script, words
/// joined by `-` (`"Mine output (2024)"` → `mine-output-2024`); `section` when nothing is
/// left. Unicode is kept because anchors are read, not typed, and readers of other
/// languages should see their words.
pub fn heading_slug(text: &str) -> String {
    let mut slug = String::new();
    for character in text.chars().flat_map(char::to_lowercase) {
        if character.is_alphanumeric() {
            slug.push(character);
        } else if (character.is_whitespace() || character == '-' || character == '_')
            && !slug.is_empty()
            && !slug.ends_with('-')
        {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping_covers_both_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x">R&D's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn xml_escaping_replaces_forbidden_control_characters() {
        assert_eq!(escape_xml("a\u{1}b\u{1f}c"), "a b c");
        assert_eq!(escape_xml("tab\there\nline"), "tab\there\nline");
        assert_eq!(escape_xml("<&>"), "&lt;&amp;&gt;");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly10!", 10), "exactly10!");
        assert_eq!(truncate("one two three", 8), "one two…");
        assert_eq!(truncate("ééééé", 3), "ééé…");
    }

    #[test]
    fn id_slugs_transliterate() {
        assert_eq!(id_slug("United States"), "united-states");
        assert_eq!(id_slug("  A -- b!"), "a-b");
        assert_eq!(id_slug("Côte d'Ivoire"), "cote-d-ivoire");
    }

    #[test]
    fn heading_slugs_keep_other_scripts() {
        assert_eq!(heading_slug("Mine output (2024)"), "mine-output-2024");
        assert_eq!(heading_slug("Россия"), "россия");
        assert_eq!(heading_slug("!!!"), "section");
    }
}
