//! Recovering the line and column of a value inside YAML text, after the fact.
//!
//! serde_yaml reports positions only in its errors. Rather than parse every file twice (once for
//! values, once for positions), we keep plain [`serde_yaml::Value`]s and, only when a diagnostic
//! needs a position, walk the YAML again with serde_yaml's own deserializer along a
//! [`YamlPath`]. When the walk reaches the wanted node it fails on purpose; serde_yaml attaches
//! the node's mark to that error, and the mark is the position we want. Errors are rare, so the
//! cost is paid only where it buys a message.

use crate::diagnostics::Position;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// One step into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// The value of a mapping key.
    Key(String),
    /// The key itself (to point at a misspelt field name).
    KeyName(String),
    /// An item of a sequence.
    Index(usize),
}

/// A path to a node: `events[2].date` is `[Key("events"), Index(2), Key("date")]`.
pub type YamlPath = Vec<PathSegment>;

/// A path kept compactly, for values that live as long as the site (references, events): one
/// small string (`events\u{1f}2\u{1f}refs`) instead of a vector of strings. Turned back into
/// segments only when a diagnostic needs the position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactPath(Box<str>);

/// Separates segments in a [`CompactPath`]; no YAML key written by lode's code contains it.
const SEPARATOR: char = '\u{1f}';

impl CompactPath {
    /// Packs `segments`; `KeyName` segments are stored as keys.
    pub fn new(segments: &[PathSegment]) -> Self {
        let parts: Vec<String> = segments
            .iter()
            .map(|segment| match segment {
                PathSegment::Key(name) | PathSegment::KeyName(name) => format!("k{name}"),
                PathSegment::Index(index) => format!("i{index}"),
            })
            .collect();
        CompactPath(parts.join(&SEPARATOR.to_string()).into_boxed_str())
    }

    /// The segments again.
    pub fn segments(&self) -> YamlPath {
        if self.0.is_empty() {
            return Vec::new();
        }
        self.0
            .split(SEPARATOR)
            .map(|part| match part.split_at(1) {
                ("i", index) => index
                    .parse()
                    .map(PathSegment::Index)
                    .unwrap_or_else(|_| PathSegment::Key(index.to_string())),
                (_, name) => PathSegment::Key(name.to_string()),
            })
            .collect()
    }
}

/// Builds a path from a dotted field name and optional index, e.g. `path_of(&["events"], Some(2))`.
pub fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

const FOUND: &str = "\u{0}lode-found";

/// The 1-based line and column of the node at `path` in `yaml`, if it exists.
pub fn locate(yaml: &str, path: &[PathSegment]) -> Option<Position> {
    let deserializer = serde_yaml::Deserializer::from_str(yaml);
    let result = Seek { path }.deserialize(deserializer);
    match result {
        Err(error) if error.to_string().contains(FOUND) => {
            error.location().map(|location| Position {
                line: location.line(),
                column: location.column(),
            })
        }
        _ => None,
    }
}

/// The position of the first mapping key in `yaml` that repeats an earlier key of the same
/// mapping: serde_yaml reports a duplicate at the mapping's start, not at the repeat.
pub fn locate_duplicate_key(yaml: &str) -> Option<Position> {
    let deserializer = serde_yaml::Deserializer::from_str(yaml);
    found_position(DuplicateSeek.deserialize(deserializer))
}

/// The position of the first value in `yaml` whose aliases expand it to more than `budget`
/// nodes (an alias bomb: `b: &b [*a, *a, …]`, `c: &c [*b, *b, …]`…), at that value, or at its
/// anchor when it is itself reached through an alias. serde_yaml stops such a document
/// ("repetition limit exceeded") without saying where. The walk stops soon after `budget`
/// nodes, so it costs no more than the budget.
pub fn locate_alias_explosion(yaml: &str, budget: usize) -> Option<Position> {
    let deserializer = serde_yaml::Deserializer::from_str(yaml);
    found_position(ExpansionSeek { budget }.deserialize(deserializer))
}

/// The mark of an error made on purpose with [`FOUND`].
fn found_position<T>(result: Result<T, serde_yaml::Error>) -> Option<Position> {
    match result {
        Err(error) if error.to_string().contains(FOUND) => {
            error.location().map(|location| Position {
                line: location.line(),
                column: location.column(),
            })
        }
        _ => None,
    }
}

/// Walks a whole document; fails with [`FOUND`] on the first key that repeats one of its
/// mapping.
struct DuplicateSeek;

impl<'de> DeserializeSeed<'de> for DuplicateSeek {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DuplicateSeek {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while map.next_key_seed(KeyOnce { seen: &mut seen })?.is_some() {
            map.next_value_seed(DuplicateSeek)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(DuplicateSeek)?.is_some() {}
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let ((), variant) = data
            .variant::<IgnoredAny>()
            .map(|(_, variant)| ((), variant))?;
        de::VariantAccess::newtype_variant_seed(variant, DuplicateSeek)
    }
}

/// A mapping key, failing with [`FOUND`] when `seen` has it already. Keys are compared as
/// serde_yaml compares them: by type and value (`1` and `"1"` differ).
struct KeyOnce<'s> {
    seen: &'s mut std::collections::HashSet<String>,
}

impl KeyOnce<'_> {
    fn first_time<E: de::Error>(self, key: String) -> Result<(), E> {
        if self.seen.insert(key) {
            Ok(())
        } else {
            Err(E::custom(FOUND))
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeyOnce<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyOnce<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        self.first_time(format!("s{key}"))
    }
    fn visit_i64<E: de::Error>(self, key: i64) -> Result<(), E> {
        self.first_time(format!("n{key}"))
    }
    fn visit_u64<E: de::Error>(self, key: u64) -> Result<(), E> {
        self.first_time(format!("n{key}"))
    }
    fn visit_f64<E: de::Error>(self, key: f64) -> Result<(), E> {
        self.first_time(format!("f{key}"))
    }
    fn visit_bool<E: de::Error>(self, key: bool) -> Result<(), E> {
        self.first_time(format!("b{key}"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.first_time("~".to_string())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// Counts the nodes of a value, aliases expanded; fails with [`FOUND`] at the first list or
/// mapping whose count passes `budget` (its children all stayed within it).
struct ExpansionSeek {
    budget: usize,
}

impl<'de> DeserializeSeed<'de> for ExpansionSeek {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ExpansionSeek {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut count = 1;
        while let Some(key) = map.next_key_seed(ExpansionSeek {
            budget: self.budget,
        })? {
            count += key
                + map.next_value_seed(ExpansionSeek {
                    budget: self.budget,
                })?;
            if count > self.budget {
                return Err(de::Error::custom(FOUND));
            }
        }
        Ok(count)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 1;
        while let Some(item) = seq.next_element_seed(ExpansionSeek {
            budget: self.budget,
        })? {
            count += item;
            if count > self.budget {
                return Err(de::Error::custom(FOUND));
            }
        }
        Ok(count)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_none<E: de::Error>(self) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (_, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

/// The source text of the plain (unquoted) scalar that starts at `position` in `yaml`: the
/// characters up to a space, a comment or a flow delimiter (`,`, `]`, `}`). What a number or a
/// boolean was written as (`0x1F`, `1.50`, `TRUE`), where YAML only keeps its value.
pub fn plain_scalar_at(yaml: &str, position: Position) -> Option<&str> {
    let line = yaml.lines().nth(position.line.checked_sub(1)?)?;
    let start = line
        .char_indices()
        .nth(position.column.checked_sub(1)?)
        .map(|(index, _)| index)?;
    let rest = &line[start..];
    let end = rest
        .find(|character: char| {
            character.is_whitespace() || matches!(character, ',' | ']' | '}' | '#')
        })
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|token| !token.is_empty())
}

/// Seeks along `path`; at the end, fails with [`FOUND`] so serde_yaml records the mark.
struct Seek<'p> {
    path: &'p [PathSegment],
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let wanted = match first {
            PathSegment::Key(name) | PathSegment::KeyName(name) => name,
            PathSegment::Index(_) => return Ok(()),
        };
        while let Some(found) = map.next_key_seed(KeySeek {
            wanted,
            stop_here: matches!(first, PathSegment::KeyName(_)),
        })? {
            if found {
                return map.next_value_seed(Seek { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let PathSegment::Index(wanted) = first else {
            return Ok(());
        };
        let mut index = 0;
        loop {
            if index == *wanted {
                return seq.next_element_seed(Seek { path: rest }).map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.found_scalar()
    }
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        // A tagged value (`!tag x`): point at the tag.
        Err(de::Error::custom(FOUND))
    }
}

impl Seek<'_> {
    fn found_scalar<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

/// Reads a mapping key; answers whether it is the wanted one, or fails on it when the path
/// asks for the key itself.
struct KeySeek<'w> {
    wanted: &'w str,
    stop_here: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeek<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeek<'_> {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        let matched = key == self.wanted;
        if matched && self.stop_here {
            return Err(E::custom(FOUND));
        }
        Ok(matched)
    }
    fn visit_i64<E: de::Error>(self, key: i64) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }
    fn visit_u64<E: de::Error>(self, key: u64) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }
    fn visit_f64<E: de::Error>(self, key: f64) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }
    fn visit_bool<E: de::Error>(self, key: bool) -> Result<bool, E> {
        self.visit_str(&key.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.visit_str("~")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "title: Russia\nreserves:\n  - { value: 3.8, unit: Mt, source: usgs }\n  - { value: 28, unit: Mt }\nevents:\n  - date: 2025-02-30\n    title: x\n";

    fn at(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn finds_top_level_values_and_keys() {
        assert_eq!(locate(YAML, &[key("title")]), at(1, 8));
        assert_eq!(
            locate(YAML, &[PathSegment::KeyName("reserves".into())]),
            at(2, 1)
        );
    }

    #[test]
    fn finds_values_inside_flow_mappings_in_lists() {
        let path = [key("reserves"), PathSegment::Index(1), key("value")];
        assert_eq!(locate(YAML, &path), at(4, 14));
    }

    #[test]
    fn finds_values_deep_in_block_lists() {
        let path = [key("events"), PathSegment::Index(0), key("date")];
        assert_eq!(locate(YAML, &path), at(6, 11));
    }

    #[test]
    fn plain_scalars_are_read_back_as_written() {
        let yaml = "title: 0x1F # hex\nlist: [1.50, TRUE]\nflow: { a: é, b: 0o17 }\n";
        let token =
            |path: &[PathSegment]| locate(yaml, path).and_then(|at| plain_scalar_at(yaml, at));
        assert_eq!(token(&[key("title")]), Some("0x1F"));
        assert_eq!(token(&[key("list"), PathSegment::Index(0)]), Some("1.50"));
        assert_eq!(token(&[key("list"), PathSegment::Index(1)]), Some("TRUE"));
        assert_eq!(token(&[key("flow"), key("b")]), Some("0o17"));
    }

    #[test]
    fn compact_paths_round_trip() {
        let path = vec![
            key("events"),
            PathSegment::Index(12),
            key("refs"),
            PathSegment::Index(0),
        ];
        assert_eq!(CompactPath::new(&path).segments(), path);
        assert_eq!(CompactPath::new(&[]).segments(), Vec::new());
    }

    #[test]
    fn duplicate_keys_are_found_at_the_repeat() {
        let yaml = "title: A\nnested:\n  x: 1\n  y: 2\n  x: 3\ntitle: B\n";
        assert_eq!(locate_duplicate_key(yaml), at(5, 3));
        assert_eq!(locate_duplicate_key("a: 1\nb: 2\na: 3\n"), at(3, 1));
        assert_eq!(locate_duplicate_key("a: 1\n\"1\": 2\n1: 3\n"), None);
    }

    #[test]
    fn alias_explosions_are_found_at_the_value_that_explodes() {
        let yaml = "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n";
        // a: 5 nodes, b: 21, c: 85.
        assert_eq!(locate_alias_explosion(yaml, 50), at(3, 4));
        assert_eq!(locate_alias_explosion(yaml, 10), at(2, 4));
        assert_eq!(locate_alias_explosion(yaml, 1000), None);
    }

    #[test]
    fn missing_paths_give_none() {
        assert_eq!(locate(YAML, &[key("nope")]), None);
        assert_eq!(locate(YAML, &[key("events"), PathSegment::Index(5)]), None);
    }
}
