//! Text helpers every stage shares: escaping for HTML and XML, truncation, and slugs.
//!
//! Each exists once, here, so an output context cannot quietly use a weaker escaper than
//! another (the Atom feed once escaped like HTML and let control characters through, which
//! made invalid XML).

/// Escapes `text` for HTML element content and for attribute values in either kind of quotes.
///
/// `pulldown-cmark-escape` leaves `'` alone, which breaks a single-quoted attribute, so lode
/// keeps its own escaper: the five characters Tera's autoescape handles, and NUL, which
/// becomes U+FFFD as the HTML parser would make it (a YAML `"\0"` escape can put one in a
/// title). Tera's autoescape uses this too (see [`escape_html_into`]).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        push_escaped_html(&mut out, character);
    }
    out
}

/// [`escape_html`] writing into `output`: Tera's escape function for every `.html` and `.xml`
/// template (XML templates escape with the stricter `xml` filter on top).
pub fn escape_html_into(text: &str, output: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Runs of plain text are written whole; only the characters that need it are replaced.
    let mut start = 0;
    for (index, character) in text.char_indices() {
        if matches!(character, '&' | '<' | '>' | '"' | '\'' | '\0') {
            output.write_all(&text.as_bytes()[start..index])?;
            let mut escaped = String::new();
            push_escaped_html(&mut escaped, character);
            output.write_all(escaped.as_bytes())?;
            start = index + character.len_utf8();
        }
    }
    output.write_all(&text.as_bytes()[start..])
}

/// [`push_escaped`], with NUL replaced by U+FFFD.
fn push_escaped_html(out: &mut String, character: char) {
    match character {
        '\0' => out.push('\u{FFFD}'),
        other => push_escaped(out, other),
    }
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

/// Serialised JSON with `<`, `>` and `&` (and U+2028, U+2029) written as `\u` escapes: the
/// same data for any JSON reader, but no `<script>` or `</script>` a browser could ever see if
/// the file were sniffed as HTML or pasted into a page's `<script>`. Those characters occur
/// only inside JSON strings, where the escapes mean the same.
pub fn html_safe_json(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut rest = json;
    while let Some((&byte, tail)) = rest.split_first() {
        match byte {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            // U+2028 and U+2029 (E2 80 A8, E2 80 A9) end a line in older JavaScript.
            0xE2 if tail.starts_with(&[0x80, 0xA8]) || tail.starts_with(&[0x80, 0xA9]) => {
                let escape: &[u8] = if tail[1] == 0xA8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                };
                out.extend_from_slice(escape);
                rest = &tail[2..];
                continue;
            }
            other => out.push(other),
        }
        rest = tail;
    }
    out
}

/// `text` as a CSV cell that a spreadsheet shows and never runs: a cell beginning with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (after any spaces) is read as a formula by
/// Excel, LibreOffice and Google Sheets, so it gets a leading `'` (OWASP's advice against
/// formula injection), which spreadsheets show as text and do not display.
///
/// A plain number (`-3.5`, `-2,500`, `+1e3`) is left alone, whatever its column: it is data,
/// it stays a number in the spreadsheet, and no formula is only digits, a sign, `,` and `.`.
/// NUL (a YAML `"\0"` escape can make one) becomes U+FFFD, as in HTML.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    let text: std::borrow::Cow<str> = if text.contains('\0') {
        std::borrow::Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let starts_formula = text
        .trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_formula && !is_plain_number(&text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        text
    }
}

/// A decimal number as lode writes one or a contributor types one: an optional sign, digits
/// (optionally grouped by `,`), an optional fraction and an optional exponent.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let integer_ok = digits(integer)
        || (integer.contains(',')
            && integer
                .split(',')
                .enumerate()
                .all(|(index, group)| digits(group) && (index == 0 || group.len() == 3)));
    let fraction_ok = fraction.is_empty() || digits(fraction);
    let exponent_ok = exponent
        .is_none_or(|exponent| digits(exponent.strip_prefix(['-', '+']).unwrap_or(exponent)));
    integer_ok && fraction_ok && exponent_ok
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
/// `cote-d-ivoire`), lowercase, words joined by `-`. Letters and digits that have no
/// transliteration (Egyptian hieroglyphs, some symbols) are spelt by code point (`𓃄` →
/// `u130c4`), so text with a letter or digit never gives an empty suggestion (which the
/// help would show as `id: `, not an id at all); text without any gives an empty slug.
pub fn id_slug(text: &str) -> String {
    let slug = slug::slugify(text);
    if !slug.is_empty() {
        return slug;
    }
    text.chars()
        .filter(|character| character.is_alphanumeric())
        .map(|character| format!("u{:x}", u32::from(character)))
        .collect::<Vec<_>>()
        .join("-")
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
    fn html_escaping_replaces_nul_and_writes_the_same_into_a_writer() {
        assert_eq!(escape_html("a\0b"), "a\u{FFFD}b");
        let text = "x<y>&\"'\0é";
        let mut written = Vec::new();
        escape_html_into(text, &mut written).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), escape_html(text));
    }

    #[test]
    fn xml_escaping_replaces_forbidden_control_characters() {
        assert_eq!(escape_xml("a\u{1}b\u{1f}c"), "a b c");
        assert_eq!(escape_xml("tab\there\nline"), "tab\there\nline");
        assert_eq!(escape_xml("<&>"), "&lt;&amp;&gt;");
    }

    #[test]
    fn json_never_holds_markup_characters_but_means_the_same() {
        let value = serde_json::json!({"title": "<script>alert('x')</script> & \u{2028}\u{2029}é"});
        let json = html_safe_json(&serde_json::to_vec(&value).unwrap());
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        assert!(
            !text.contains('\u{2028}') && !text.contains('\u{2029}'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn spreadsheet_cells_never_start_a_formula() {
        for formula in [
            "=HYPERLINK(\"https://evil.example\",\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "\t=1",
            "\r=1",
            "  =1+1",
            "-",
            "-3.5 Mt",
            "-∞",
            "-1,23",
        ] {
            assert_eq!(
                spreadsheet_cell(formula),
                format!("'{formula}"),
                "{formula:?}"
            );
        }
        assert_eq!(spreadsheet_cell("a\0b"), "a\u{FFFD}b");
        assert_eq!(spreadsheet_cell("=\0"), "'=\u{FFFD}");
        for data in [
            "-3.5",
            "-2,500",
            "+1e3",
            "-1.5E-7",
            "42",
            "Russia",
            "a=b",
            "",
            "3,800,000",
        ] {
            assert_eq!(spreadsheet_cell(data), data, "{data:?}");
        }
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

    /// Found by the slug property test: a letter without a transliteration gave an empty
    /// suggestion.
    #[test]
    fn id_slugs_of_untransliterated_letters_are_not_empty() {
        assert_eq!(id_slug("𓃄"), "u130c4");
        assert_eq!(id_slug("𓃄 𓃅"), "u130c4-u130c5");
        assert_eq!(id_slug("!!!"), "");
    }

    #[test]
    fn heading_slugs_keep_other_scripts() {
        assert_eq!(heading_slug("Mine output (2024)"), "mine-output-2024");
        assert_eq!(heading_slug("Россия"), "россия");
        assert_eq!(heading_slug("!!!"), "section");
    }
}

/// Property tests of the two slugs. Both must be idempotent (a slug is its own slug, so a
/// suggested id is accepted as written), keep to their alphabets, never be empty when the
/// text has a letter or digit, and never be a path step (`.`, `..`, anything with `/` or `\`),
/// since ids become folder names and anchors become parts of addresses.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text of every kind: any characters, and text built from the characters slugs treat
    /// specially (separators, dots, slashes, accents, other scripts, combining marks).
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,24}",
            ".{0,24}",
            "[a-zA-Z0-9 ._/\\\\-]{0,24}",
            "[éÉßİıǅﬁ½²Ⅻ⑤Ωσς Россия中文ـ\u{0301}\u{200d}-]{0,12}",
        ]
    }

    fn is_path_step(slug: &str) -> bool {
        slug == "." || slug == ".." || slug.contains('/') || slug.contains('\\')
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn id_slug_is_idempotent_and_plain(text in text()) {
            let slug = id_slug(&text);
            prop_assert_eq!(id_slug(&slug), slug.clone(), "{:?}", text);
            prop_assert!(
                slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{:?} -> {:?}", text, slug
            );
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
                "{:?} -> {:?}", text, slug);
            prop_assert!(!is_path_step(&slug));
            if text.chars().any(char::is_alphanumeric) {
                prop_assert!(!slug.is_empty(), "{:?} -> empty", text);
            }
        }

        #[test]
        fn heading_slug_is_idempotent_and_plain(text in text()) {
            let slug = heading_slug(&text);
            prop_assert_eq!(heading_slug(&slug), slug.clone(), "{:?}", text);
            prop_assert!(!slug.is_empty());
            prop_assert!(
                slug.chars().all(|c| c.is_alphanumeric() || c == '-'),
                "{:?} -> {:?}", text, slug
            );
            // Lowercase as far as Unicode goes: a capital without a lowercase form (`𝕊`)
            // stays as it is, so the promise is that lowercasing changes nothing.
            prop_assert_eq!(slug.to_lowercase(), slug.clone(), "{:?}", text);
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
                "{:?} -> {:?}", text, slug);
            prop_assert!(!is_path_step(&slug));
            // Every lowercase letter and digit is kept, in order; only separators change.
            let kept: String = text.chars().flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric()).collect();
            if !kept.is_empty() {
                prop_assert_eq!(slug.replace('-', ""), kept, "{:?} -> {:?}", text, slug);
            }
        }
    }
}
