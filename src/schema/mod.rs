//! Kind schemas, declared by the front matter of each folder's `_index.md`.
//!
//! A kind needs no Rust: `countries/_index.md` says `kind: country` and lists its `fields`, so
//! contributors see the schema next to the entries. Schema mistakes are content errors like any
//! other, with positions.
//!
//! This file holds the schema types; `read` reads the `_index.md` files into them (`fields`
//! one field spec), and `positions` places errors in a file's front matter.

mod fields;
mod positions;
mod read;

pub use positions::{diagnostic_at_path, error_at_key, error_at_path, error_at_value};
pub use read::{folder_of_index, read_schemas};

use crate::quantity::Dimension;
use crate::source::SourceText;
use serde_yaml::Value as Yaml;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The type of a schema field, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// One line of plain text.
    String,
    /// One line of inline markdown.
    Text,
    /// A plain number.
    Number,
    /// A value with a unit of the given dimension.
    Quantity(Dimension),
    /// An EDTF date.
    Date,
    /// `true` or `false`.
    Bool,
    /// One of a fixed list of values.
    Enum(Vec<String>),
    /// An absolute `http(s)://` or `mailto:` address.
    Url,
    /// One entry id, of one of the listed kinds.
    Ref(Vec<String>),
    /// A list of entry ids, of the listed kinds.
    Refs(Vec<String>),
    /// A list of short strings.
    List,
}

impl FieldType {
    /// The type's name as written in a schema.
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Quantity(_) => "quantity",
            FieldType::Date => "date",
            FieldType::Bool => "bool",
            FieldType::Enum(_) => "enum",
            FieldType::Url => "url",
            FieldType::Ref(_) => "ref",
            FieldType::Refs(_) => "refs",
            FieldType::List => "list",
        }
    }

    /// `true` for types whose values can be charted and summed.
    pub fn is_numeric(&self) -> bool {
        matches!(self, FieldType::Number | FieldType::Quantity(_))
    }

    /// The kinds a `ref`/`refs` field may point at.
    pub fn target_kinds(&self) -> Option<&[String]> {
        match self {
            FieldType::Ref(kinds) | FieldType::Refs(kinds) => Some(kinds),
            _ => None,
        }
    }
}

/// All type names, for help messages.
pub const FIELD_TYPE_NAMES: [&str; 11] = [
    "string", "text", "number", "quantity", "date", "bool", "enum", "url", "ref", "refs", "list",
];

/// One field of a kind.
#[derive(Debug, Clone)]
pub struct FieldSchema {
    /// The key used in front matter.
    pub name: String,
    /// What values it takes.
    pub field_type: FieldType,
    /// Whether every entry of the kind must have it.
    pub required: bool,
    /// Human label for pages (defaults to the name with `_` as spaces, capitalised).
    pub label: String,
    /// A regular expression string values must match.
    pub pattern: Option<regex::Regex>,
    /// For `ref`/`refs`: the label of the relation as seen from the target.
    pub inverse: Option<String>,
    /// For `date`: the label under which the entry appears on the timeline.
    pub timeline: Option<String>,
}

/// A kind: its name, folder, fields and index page prose.
#[derive(Debug, Clone)]
pub struct KindSchema {
    /// The kind's name (`country`).
    pub kind: String,
    /// The folder it lives in, relative to content (`countries`).
    pub folder: String,
    /// Title of the index page (`Countries`).
    pub title: String,
    /// One line for lists of kinds.
    pub summary: Option<String>,
    /// Fields in declared order.
    pub fields: Vec<FieldSchema>,
    /// The `_index.md` file (its body is the index page's intro).
    pub source: Arc<SourceText>,
}

impl KindSchema {
    /// The field called `name`, if the kind has one.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|field| field.name == name)
    }
}

/// Built-in entry fields, allowed on every kind.
pub const BUILT_IN_FIELDS: [&str; 10] = [
    "title", "id", "aliases", "summary", "tags", "date", "updated", "draft", "sources", "events",
];

/// The built-in kind of comparison pages, which needs no `_index.md`.
pub const COMPARISON_KIND: &str = "comparison";
/// The built-in kind of plain top-level pages such as `about.md`.
pub const PAGE_KIND: &str = "page";
/// The folder of comparison pages.
pub const COMPARISON_FOLDER: &str = "comparisons";

/// Top-level addresses of the site's own pages (`timeline/`, `graph/`, …), which no kind folder
/// and no top-level page may take: two pages at one address would silently replace each other.
pub const SITE_FOLDERS: [&str; 5] = ["timeline", "graph", "tags", "search", "data"];

/// Every kind of the knowledge base, by name and by folder.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    /// Kinds by name.
    pub kinds: BTreeMap<String, KindSchema>,
    /// Kind names by folder.
    pub folders: BTreeMap<String, String>,
    /// Kinds and fields whose declarations could not be read.
    pub broken: BrokenDeclarations,
}

/// Kinds and fields whose declarations could not be read. Each is one mistake with one error,
/// at the declaration; what depends on it (the folder's entries, refs to the kind, values of
/// the field, comparisons of them) is not reported again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokenDeclarations {
    /// Folders whose `_index.md` could not be read or declares no usable kind.
    pub folders: BTreeSet<String>,
    /// The kind names those folders declare, as far as they could be read.
    pub kinds: BTreeSet<String>,
    /// Fields whose declaration could not be read, as (kind, field).
    pub fields: BTreeSet<(String, String)>,
}

impl BrokenDeclarations {
    /// Whether `field` of `kind` was declared but could not be read.
    pub fn has_field(&self, kind: &str, field: &str) -> bool {
        self.fields.contains(&(kind.to_string(), field.to_string()))
    }
}

impl Schemas {
    /// The kind declared for `folder`.
    pub fn kind_of_folder(&self, folder: &str) -> Option<&KindSchema> {
        self.folders
            .get(folder)
            .and_then(|kind| self.kinds.get(kind))
    }
}

/// The text of a scalar (strings as they are, numbers and bools printed).
pub fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(text) => Some(text.clone()),
        Yaml::Number(number) => Some(number.to_string()),
        Yaml::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// A mapping key as text.
pub fn yaml_key_text(key: &Yaml) -> String {
    scalar_text(key).unwrap_or_else(|| "?".to_string())
}

/// `[a-z0-9-]+`, not starting or ending with `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Upper-cases the first letter.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_letters_digits_and_dashes() {
        assert!(is_valid_id("russia"));
        assert!(is_valid_id("us-ukraine-2025"));
        assert!(!is_valid_id("Russia"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id(""));
    }
}
