//! Validated data: what the validate stage produces and every later stage accepts.
//!
//! These types are deliberately distinct from the raw YAML values, so render can never see
//! unvalidated data.

use crate::edtf::Edtf;
use crate::quantity::Quantity;
use crate::source::SourceText;
use crate::yaml_position::CompactPath;
use std::sync::Arc;

/// A reference to another entry by id, as written, with where it was written. Resolved by the
/// link stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The id as written.
    pub target: String,
    /// Where in the front matter, for diagnostics.
    pub path: CompactPath,
}

/// One validated value of a schema field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Plain text.
    String(String),
    /// Inline markdown.
    Text(String),
    /// A number.
    Number(f64),
    /// A value with a unit.
    Quantity(Quantity),
    /// An EDTF date.
    Date(Edtf),
    /// A flag.
    Bool(bool),
    /// One of the schema's values.
    Enum(String),
    /// An absolute address.
    Url(String),
    /// One (`ref`) or more (`refs`) entry references.
    Refs(Vec<Reference>),
    /// Short strings.
    List(Vec<String>),
}

impl Value {
    /// The value as plain text, for table cells, sort keys, CSV and JSON: numbers and
    /// quantities in lode's number format, dates as displayed, refs as ids.
    pub fn plain_text(&self) -> String {
        match self {
            Value::String(text) | Value::Text(text) | Value::Enum(text) | Value::Url(text) => {
                text.clone()
            }
            Value::Number(number) => crate::quantity::format_number(*number),
            Value::Quantity(quantity) => quantity.display(),
            Value::Date(date) => date.display(),
            Value::Bool(flag) => if *flag { "yes" } else { "no" }.to_string(),
            Value::Refs(references) => references
                .iter()
                .map(|reference| reference.target.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Value::List(items) => items.join("; "),
        }
    }
}

/// A value with the source it was read in.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The claimed value.
    pub value: Value,
    /// The `source` entry it comes from.
    pub source: Option<Reference>,
    /// The date the figure is for.
    pub as_of: Option<Edtf>,
    /// A note, e.g. who makes the claim.
    pub note: Option<String>,
}

/// A field's value: bare, or a list of sourced claims (disputed figures side by side).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Written as a bare value.
    Single(Value),
    /// Written as claims.
    Claims(Vec<Claim>),
}

impl FieldValue {
    /// Every value with its claim, if any.
    pub fn values(&self) -> Vec<(&Value, Option<&Claim>)> {
        match self {
            FieldValue::Single(value) => vec![(value, None)],
            FieldValue::Claims(claims) => claims
                .iter()
                .map(|claim| (&claim.value, Some(claim)))
                .collect(),
        }
    }
}

/// A schema field with its value, in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEntry {
    /// Field name.
    pub name: String,
    /// Its value.
    pub value: FieldValue,
}

/// An item of an entry's `events:` list.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryEvent {
    /// When.
    pub date: Edtf,
    /// What happened.
    pub title: String,
    /// Other entries involved.
    pub refs: Vec<Reference>,
    /// The source entry.
    pub source: Option<Reference>,
    /// Where in the front matter.
    pub path: CompactPath,
}

/// What a comparison page compares.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonSpec {
    /// All entries of this kind…
    pub kind: Option<String>,
    /// …optionally only those with this tag.
    pub tag: Option<String>,
    /// Or an explicit list.
    pub entries: Vec<Reference>,
    /// Fields to compare, in column order.
    pub fields: Vec<String>,
    /// Numeric fields to chart.
    pub charts: Vec<String>,
}

/// A validated entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Unique id (`russia`).
    pub id: String,
    /// Kind name (`country`, or the built-ins `comparison` and `page`).
    pub kind: String,
    /// Site path without leading slash, ending in `/` (`countries/russia/`).
    pub url_path: String,
    /// Title.
    pub title: String,
    /// Other names for links.
    pub aliases: Vec<String>,
    /// One line.
    pub summary: Option<String>,
    /// Sorted, unique tags.
    pub tags: Vec<String>,
    /// The entry's date.
    pub date: Option<Edtf>,
    /// Last update.
    pub updated: Option<Edtf>,
    /// Hidden unless built with drafts.
    pub draft: bool,
    /// Source entries the whole entry rests on.
    pub sources: Vec<Reference>,
    /// Dated events.
    pub events: Vec<EntryEvent>,
    /// Schema fields in schema order.
    pub fields: Vec<FieldEntry>,
    /// For comparison pages.
    pub comparison: Option<ComparisonSpec>,
    /// The file it came from.
    pub source: Arc<SourceText>,
}

impl Entry {
    /// The entry keeping only the front matter of its file (see
    /// [`SourceText::without_body`]): called once validated, so bodies do not pile up in memory.
    pub fn without_body(mut self) -> Entry {
        self.source = Arc::new(self.source.without_body());
        self
    }

    /// The value of field `name`.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields
            .iter()
            .find(|field| field.name == name)
            .map(|field| &field.value)
    }
}
