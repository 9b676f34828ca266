//! What an entry that cannot be validated still tells: its id and the names that could be read.
//!
//! An entry whose front matter cannot be read (bad YAML, no title, a bad id) is one mistake,
//! and it gets one error. Without its id, every ref, wikilink and backlink to it elsewhere
//! would be reported as an unknown id too — a cascade that buries the one real error. So the
//! entry still registers its id (from its `id:` or its file name) and whatever titles and
//! aliases could be read, and the link stage does not report links to those names. The build
//! fails all the same (the entry's own error is an error), so nothing is rendered with a
//! dangling link.

use serde_yaml::{Mapping, Value as Yaml};
use std::collections::BTreeSet;

/// The names of one entry that failed to validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableEntry {
    /// Its path in the content folder without `.md` (`minerals/neodymium`).
    pub content_path: String,
    /// Its id: the front matter's `id:` if it could be read, else the file name.
    pub id: String,
    /// Its title and aliases, as far as they could be read.
    pub names: Vec<String>,
}

impl UnreadableEntry {
    /// The names of an entry whose front matter was read as YAML but did not validate.
    pub fn from_front_matter(content_path: &str, front: &Mapping) -> Self {
        let id = match front.get("id") {
            Some(Yaml::String(id)) => id.clone(),
            _ => file_name_id(content_path),
        };
        let mut names: Vec<String> = front
            .get("title")
            .and_then(Yaml::as_str)
            .map(str::to_string)
            .into_iter()
            .collect();
        if let Some(Yaml::Sequence(aliases)) = front.get("aliases") {
            names.extend(aliases.iter().filter_map(Yaml::as_str).map(str::to_string));
        }
        UnreadableEntry {
            content_path: content_path.to_string(),
            id,
            names,
        }
    }

    /// The names of an entry whose front matter is not even YAML: its top-level `id:`,
    /// `title:` and one-line `aliases: [...]` lines are read one by one, each on its own, so
    /// a mistake on another line does not hide them.
    pub fn from_unparsable_text(content_path: &str, text: &str) -> Self {
        let front = crate::parse::top_level_lines_of_broken_front_matter(
            text,
            &["id", "title", "aliases"],
            LINES_SEARCHED_FOR_NAMES,
        );
        Self::from_front_matter(content_path, &front)
    }
}

/// At most this many lines of an unparsable front matter are looked at for names: enough for
/// any real front matter, and bounded for a hostile one.
const LINES_SEARCHED_FOR_NAMES: usize = 500;

/// The id an entry gets from its file name (`minerals/neodymium` → `neodymium`).
fn file_name_id(content_path: &str) -> String {
    content_path
        .rsplit('/')
        .next()
        .unwrap_or(content_path)
        .to_string()
}

/// Every entry that failed to validate, by the names a link may use for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnreadableEntries {
    ids: BTreeSet<String>,
    /// Titles, aliases and ids, lowercased (wikilinks match them in any case).
    names: BTreeSet<String>,
    /// Content paths (`minerals/neodymium`), which wikilinks and `.md` links may use.
    paths: BTreeSet<String>,
}

impl UnreadableEntries {
    /// Registers one entry's names.
    pub fn insert(&mut self, entry: &UnreadableEntry) {
        self.ids.insert(entry.id.clone());
        self.names.insert(entry.id.to_lowercase());
        self.names
            .extend(entry.names.iter().map(|name| name.trim().to_lowercase()));
        self.paths.insert(entry.content_path.clone());
    }

    /// `true` when no entry failed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether a front-matter reference to `id` names an entry that failed to validate.
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Whether a body link to `page` (a wikilink's page, a `.md` file's path or a relative
    /// address, without its `#anchor`) may name an entry that failed to validate: by id,
    /// title or alias in any case, or by a path whose last part is such an entry's id.
    pub fn may_be_linked_as(&self, page: &str) -> bool {
        let page = page.trim();
        if self.names.contains(&page.to_lowercase()) {
            return true;
        }
        let path = page
            .split('?')
            .next()
            .unwrap_or("")
            .trim_end_matches("index.html")
            .trim_matches('/')
            .trim_end_matches(".md");
        if self.paths.contains(path) {
            return true;
        }
        let last = path.rsplit('/').next().unwrap_or(path);
        self.ids.contains(last)
    }

    /// A hash of every name, for the keys of what the link stage remembers between builds.
    pub fn key(&self) -> u64 {
        let mut key = crate::key::Key::new();
        for set in [&self.ids, &self.names, &self.paths] {
            key.number(set.len() as u64);
            for name in set {
                key.text(name);
            }
        }
        key.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_line_by_line_from_unparsable_yaml() {
        let text =
            "---\ntitle: Neodymium\n  summary: bad: indent\naliases: [Nd, \"Neo\"]\n---\nbody\n";
        let entry = UnreadableEntry::from_unparsable_text("minerals/neodymium", text);
        assert_eq!(entry.id, "neodymium");
        assert_eq!(entry.names, ["Neodymium", "Nd", "Neo"]);
    }

    #[test]
    fn an_id_line_wins_over_the_file_name() {
        let text = "---\nid: nd\ntitle: [broken\n---\n";
        let entry = UnreadableEntry::from_unparsable_text("minerals/neodymium", text);
        assert_eq!(entry.id, "nd");
        assert!(entry.names.is_empty());
    }

    #[test]
    fn a_file_without_front_matter_gives_only_its_file_name() {
        let entry = UnreadableEntry::from_unparsable_text("minerals/neodymium", "title: x\n");
        assert_eq!(entry.id, "neodymium");
        assert!(entry.names.is_empty());
    }

    #[test]
    fn links_match_by_id_name_and_path() {
        let mut entries = UnreadableEntries::default();
        entries.insert(&UnreadableEntry {
            content_path: "minerals/neodymium".into(),
            id: "neodymium".into(),
            names: vec!["Neodymium".into(), "Nd".into()],
        });
        assert!(entries.has_id("neodymium"));
        assert!(!entries.has_id("Neodymium"));
        for page in [
            "neodymium",
            "NEODYMIUM",
            "nd",
            "minerals/neodymium",
            "../minerals/neodymium.md",
            "/minerals/neodymium/",
        ] {
            assert!(entries.may_be_linked_as(page), "{page}");
        }
        assert!(!entries.may_be_linked_as("praseodymium"));
        assert!(!entries.may_be_linked_as("minerals/"));
    }
}
