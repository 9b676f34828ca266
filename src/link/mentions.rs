//! Unlinked mentions: plain text naming another entry's title or alias where the body never
//! links to it, found with one Aho–Corasick automaton of every title and alias.

use super::body::BodyScan;
use super::{BodyLink, NameIndex};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Finds titles and aliases (four characters or more, any ASCII case, whole words) in text.
pub(super) struct MentionMatcher {
    patterns: Vec<String>,
    automaton: aho_corasick::AhoCorasick,
}

impl MentionMatcher {
    /// The matcher of every title and alias of four characters or more. Building it fails only
    /// past the automaton's limits (billions of states), which the caller reports.
    ///
    /// Always a contiguous NFA, never a DFA: left to choose, aho-corasick builds a DFA for up
    /// to 100 patterns, and fills each DFA state's missing transitions by walking that state's
    /// chain of failure links, once per byte class. A name that repeats itself (`aaaa…`, or a
    /// phrase pasted many times) has failure chains as long as the name, so a DFA of it takes
    /// time growing with the square of its length (a 300 KB title: over a minute). The NFA
    /// keeps failure links and follows them while searching, which is linear to build; in a
    /// site of more than 100 names it is what aho-corasick chose anyway.
    pub(super) fn new(patterns: Vec<String>) -> Result<Self, aho_corasick::BuildError> {
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&patterns)?;
        Ok(MentionMatcher {
            patterns,
            automaton,
        })
    }

    /// Adds the first whole-word hit of each pattern not yet seen in `found`.
    pub(super) fn first_mentions(
        &self,
        text: &str,
        offset: usize,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
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

/// The patterns of the matcher: every title and alias of four characters or more, sorted.
pub(super) fn patterns(names: &NameIndex) -> Vec<String> {
    let mut patterns: Vec<String> = names
        .names
        .keys()
        .filter(|name| name.chars().count() >= 4)
        .cloned()
        .collect();
    patterns.sort_unstable();
    patterns
}

/// The hash of `patterns`, under which a matcher (and the scans it made) are remembered.
pub(super) fn patterns_key(patterns: &[String]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for pattern in patterns {
        hasher.update(&(pattern.len() as u64).to_le_bytes());
        hasher.update(pattern.as_bytes());
    }
    hasher.digest()
}

/// The matcher, if it could be built; if not, a warning (in `diagnostics`) that unlinked
/// mentions were not checked, rather than their warnings silently stopping. `content_folder`
/// is where the warning points (the check is about every file in it).
pub(super) fn matcher_or_warning<E: std::fmt::Display>(
    built: Result<MentionMatcher, E>,
    content_folder: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<MentionMatcher> {
    match built {
        Ok(matcher) => Some(matcher),
        Err(error) => {
            diagnostics.push(
                Diagnostic::warning(Code::MentionsNotChecked,
                    content_folder,
                    format!("unlinked mentions were not checked: the search for titles and aliases cannot be built ({error})"),
                )
                .help("there are too many titles and aliases, or too long ones, to search for at once; links themselves were all checked"),
            );
            None
        }
    }
}

/// The content folder (`content`), read off the paths of an entry's file.
pub(super) fn content_folder(entry: &Entry) -> &str {
    let source = &entry.source;
    source
        .path
        .strip_suffix(&format!("{}.md", source.content_path))
        .map_or("", |folder| folder.trim_end_matches('/'))
}

/// Plain text of entry `index` (whose file's whole text is `text`) matching another entry's
/// title or alias, where the body never links to that entry: one warning per target, at the
/// first mention.
pub(super) fn unlinked_mentions(
    entries: &[Arc<Entry>],
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
                Code::UnlinkedMention,
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
    fn the_matcher_is_a_contiguous_nfa_even_for_few_names() {
        // Left to choose, aho-corasick makes a DFA of up to 100 patterns, whose construction
        // is quadratic in a repetitive name (a 300 KB title took minutes). Fails if that
        // choice comes back.
        let matcher =
            MentionMatcher::new(vec!["a".repeat(20_000), "russia".to_string()]).expect("builds");
        assert_eq!(
            matcher.automaton.kind(),
            aho_corasick::AhoCorasickKind::ContiguousNFA
        );
        let mut found = Vec::new();
        matcher.first_mentions("in Russia.", 0, &mut found);
        assert_eq!(found, [(1, 3, 6)]);
    }

    #[test]
    fn word_boundaries() {
        assert!(is_word_boundary("in Russia.", 3, 9));
        assert!(!is_word_boundary("Russian", 0, 6));
    }

    #[test]
    fn a_matcher_that_cannot_be_built_is_a_warning_not_silence() {
        // The automaton's own limits (2^31 states) cannot be reached in a test; its error
        // travels the same way as this one.
        let mut diagnostics = Vec::new();
        let built: Result<MentionMatcher, &str> = Err("state identifier overflow");
        assert!(matcher_or_warning(built, "content", &mut diagnostics).is_none());
        assert_eq!(diagnostics.len(), 1);
        assert!(!diagnostics[0].is_error());
        assert_eq!(diagnostics[0].path, "content");
        assert_eq!(
            diagnostics[0].message,
            "unlinked mentions were not checked: the search for titles and aliases cannot be built (state identifier overflow)"
        );
        let names = NameIndex {
            names: [("russia".to_string(), vec![0])].into(),
            paths: Default::default(),
        };
        let built = MentionMatcher::new(patterns(&names));
        assert!(matcher_or_warning(built, "content", &mut diagnostics).is_some());
        assert_eq!(diagnostics.len(), 1);
    }
}
