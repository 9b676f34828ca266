//! Which addresses may reach a reader in an `href` or `src`: http, https, mailto, tel, and
//! relative addresses (paths, `#fragments`, `?queries`). Anything else (`javascript:`,
//! `vbscript:`, `data:`, `file:`, …) is refused wherever it was written.
//!
//! The scheme is read the way a browser reads it (the WHATWG URL parser), not the way it
//! looks: leading and trailing control characters and spaces are ignored and tabs and newlines
//! anywhere are dropped, so `" JaVa\tScRiPt:alert(1)"` is a `javascript:` address. Character
//! references (`jav&#x09;ascript:`) are decoded by the markdown parser before an address gets
//! here, so they cannot hide a scheme either.

/// The schemes a link or image may use.
pub const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// What an address is, for deciding whether it may be linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressKind {
    /// No scheme: a path, a fragment or a query, read relative to the page.
    Relative,
    /// One of [`SAFE_SCHEMES`] (lowercased).
    Safe(String),
    /// Any other scheme (lowercased, as the browser would read it).
    Unsafe(String),
}

/// Whether `address` is relative, uses a safe scheme, or an unsafe one.
pub fn address_kind(address: &str) -> AddressKind {
    match browser_scheme(address) {
        None => AddressKind::Relative,
        Some(scheme) if SAFE_SCHEMES.contains(&scheme.as_str()) => AddressKind::Safe(scheme),
        Some(scheme) => AddressKind::Unsafe(scheme),
    }
}

/// The links and images of inline markdown (a `text` field) whose address has an unsafe
/// scheme: (byte offset in `markdown`, scheme), in order.
pub fn unsafe_links_in_markdown(markdown: &str) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new_ext(markdown, crate::parse::markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                unsafe_scheme(&dest_url).map(|scheme| (range.start, scheme))
            }
            _ => None,
        })
        .collect()
}

/// The unsafe scheme of `address`, if it has one.
pub fn unsafe_scheme(address: &str) -> Option<String> {
    match address_kind(address) {
        AddressKind::Unsafe(scheme) => Some(scheme),
        AddressKind::Relative | AddressKind::Safe(_) => None,
    }
}

/// The scheme a browser would find in `address`, lowercased; `None` for a relative address.
///
/// Follows the URL standard's "scheme start" and "scheme" states after its preprocessing:
/// C0 controls and spaces at either end are stripped, ASCII tab and newline removed anywhere;
/// a scheme is an ASCII letter followed by letters, digits, `+`, `-` or `.`, then `:`.
pub fn browser_scheme(address: &str) -> Option<String> {
    let trimmed = address.trim_matches(|character: char| character <= ' ');
    let mut characters = trimmed
        .chars()
        .filter(|character| !matches!(character, '\t' | '\n' | '\r'));
    let first = characters.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let mut scheme = String::new();
    scheme.push(first.to_ascii_lowercase());
    for character in characters {
        match character {
            ':' => return Some(scheme),
            letter if letter.is_ascii_alphanumeric() || matches!(letter, '+' | '-' | '.') => {
                scheme.push(letter.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn safe_schemes_and_relative_addresses_pass() {
        assert_eq!(
            address_kind("https://x.org/a"),
            AddressKind::Safe("https".into())
        );
        assert_eq!(
            address_kind("HTTP://x.org"),
            AddressKind::Safe("http".into())
        );
        assert_eq!(
            address_kind("mailto:a@b.org"),
            AddressKind::Safe("mailto".into())
        );
        assert_eq!(
            address_kind("tel:+4412345"),
            AddressKind::Safe("tel".into())
        );
        for relative in [
            "../countries/russia/",
            "#economy",
            "?q=1",
            "//cdn.example.org/x.js",
            "a/b:c",
            "report.pdf",
            "",
        ] {
            assert_eq!(address_kind(relative), AddressKind::Relative, "{relative}");
        }
    }

    #[test]
    fn dangerous_schemes_are_found_however_they_are_disguised() {
        for (address, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            ("  javascript:alert(1)", "javascript"),
            ("\u{1}\u{8}javascript:alert(1)", "javascript"),
            ("jav\tascript:alert(1)", "javascript"),
            ("java\nscript:alert(1)", "javascript"),
            ("java\rscript:alert(1)", "javascript"),
            ("vbscript:msgbox(1)", "vbscript"),
            ("data:text/html,<script>alert(1)</script>", "data"),
            ("file:///etc/passwd", "file"),
            ("ftp://x.org/", "ftp"),
            ("c:\\windows", "c"),
        ] {
            assert_eq!(
                unsafe_scheme(address).as_deref(),
                Some(scheme),
                "{address:?}"
            );
        }
    }

    #[test]
    fn unsafe_links_of_inline_markdown_are_found_with_their_offsets() {
        assert_eq!(
            unsafe_links_in_markdown("a [b](https://x.org) [c](javascript:1) ![d](data:x)"),
            [(21, "javascript".to_string()), (39, "data".to_string())]
        );
    }

    proptest! {
        /// Whatever controls, spaces, tabs or newlines are sprinkled into `javascript:` and
        /// whatever its case, the browser's reading of it is found.
        #[test]
        fn javascript_is_found_through_any_sprinkling(
            leading in "[\u{0}-\u{20}]{0,4}",
            noise in proptest::collection::vec("[\t\n\r]{0,2}", 11),
            upper in proptest::collection::vec(any::<bool>(), 10),
        ) {
            let mut address = leading;
            for (index, letter) in "javascript".chars().enumerate() {
                address.push_str(&noise[index]);
                address.push(if upper[index] { letter.to_ascii_uppercase() } else { letter });
            }
            address.push_str(&noise[10]);
            address.push_str(":alert(1)");
            let scheme = unsafe_scheme(&address);
            prop_assert_eq!(scheme.as_deref(), Some("javascript"));
        }
    }
}
