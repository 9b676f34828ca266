//! Kind schemas, declared by the front matter of each folder's `_index.md`.
//!
//! A kind needs no Rust: `countries/_index.md` says `kind: country` and lists its `fields`, so
//! contributors see the schema next to the entries. Schema mistakes are content errors like any
//! other, with positions.

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::parse::ParsedFile;
use crate::quantity::Dimension;
use crate::source::SourceText;
use crate::yaml_position::{PathSegment, locate};
use serde_yaml::Value as Yaml;
use std::collections::BTreeMap;
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

/// Built-in fields a schema may redeclare to add `required`, `label` or `timeline`.
const REDECLARABLE_BUILT_INS: [&str; 2] = ["date", "updated"];

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
}

impl Schemas {
    /// The kind declared for `folder`.
    pub fn kind_of_folder(&self, folder: &str) -> Option<&KindSchema> {
        self.folders
            .get(folder)
            .and_then(|kind| self.kinds.get(kind))
    }
}

/// Reads every folder's `_index.md` into a kind schema.
pub fn read_schemas(index_files: &[&ParsedFile]) -> (Schemas, Vec<Diagnostic>) {
    let mut schemas = Schemas::default();
    let mut diagnostics = Vec::new();
    for file in index_files {
        let Some(folder) = folder_of_index(&file.source.content_path) else {
            continue; // the home page's `_index.md`
        };
        if folder == COMPARISON_FOLDER && !file.front_matter.contains_key("kind") {
            continue; // comparisons is a built-in kind; its `_index.md` only gives the intro
        }
        if SITE_FOLDERS.contains(&folder) {
            diagnostics.push(
                error_at_value(
                    &file.source,
                    &["kind"],
                    format!("the folder `{folder}` would take the address of the site's own `{folder}/` page"),
                )
                .label("this kind's index would be at the same address")
                .help(format!(
                    "rename the folder; {} are the site's own pages",
                    SITE_FOLDERS.map(|name| format!("`{name}/`")).join(", ")
                )),
            );
            continue;
        }
        match read_kind(file, folder, &mut diagnostics) {
            Some(kind) => {
                if let Some(existing) = schemas.kinds.get(&kind.kind) {
                    diagnostics.push(
                        error_at_value(
                            &file.source,
                            &["kind"],
                            format!("the kind `{}` is declared twice", kind.kind),
                        )
                        .help(format!(
                            "`{}` already declares it; give this folder another kind name",
                            existing.source.path
                        )),
                    );
                    continue;
                }
                schemas
                    .folders
                    .insert(folder.to_string(), kind.kind.clone());
                schemas.kinds.insert(kind.kind.clone(), kind);
            }
            None => continue,
        }
    }
    check_reference_targets(&schemas, &mut diagnostics);
    (schemas, diagnostics)
}

/// `countries/_index` → `countries`; the root `_index` → `None`.
pub fn folder_of_index(content_path: &str) -> Option<&str> {
    content_path.strip_suffix("/_index")
}

const KIND_KEYS: [&str; 5] = ["title", "kind", "fields", "summary", "description"];
const FIELD_KEYS: [&str; 9] = [
    "type",
    "required",
    "label",
    "pattern",
    "dimension",
    "values",
    "to",
    "inverse",
    "timeline",
];

fn read_kind(
    file: &ParsedFile,
    folder: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<KindSchema> {
    let source = &file.source;
    let front = &file.front_matter;
    for key in front.keys() {
        let name = yaml_key_text(key);
        if !KIND_KEYS.contains(&name.as_str()) {
            diagnostics.push(unknown_key(
                source,
                &[],
                &name,
                &KIND_KEYS,
                "an `_index.md`",
            ));
        }
    }
    let Some(kind_name) = front.get("kind").and_then(Yaml::as_str) else {
        let diagnostic = Diagnostic::error(
            source.path.clone(),
            format!("the folder `{folder}` has an `_index.md` without a `kind`"),
        )
        .at(
            &source.text,
            crate::diagnostics::Position { line: 1, column: 1 },
        )
        .help(format!(
            "add `kind: {}` and its `fields:` to the front matter of `{}`",
            singular(folder),
            source.path
        ));
        diagnostics.push(diagnostic);
        return None;
    };
    if !is_valid_id(kind_name) {
        diagnostics.push(
            error_at_value(
                source,
                &["kind"],
                format!("`{kind_name}` is not a valid kind name"),
            )
            .help("use lowercase letters, digits and `-`, e.g. `country`"),
        );
        return None;
    }
    if kind_name == COMPARISON_KIND || kind_name == PAGE_KIND {
        diagnostics.push(
            error_at_value(
                source,
                &["kind"],
                format!("`{kind_name}` is a built-in kind"),
            )
            .help("choose another name for this kind"),
        );
        return None;
    }
    let title = front
        .get("title")
        .and_then(Yaml::as_str)
        .map_or_else(|| capitalise(folder), str::to_string);
    let summary = front
        .get("summary")
        .and_then(Yaml::as_str)
        .map(str::to_string);
    let mut fields = Vec::new();
    match front.get("fields") {
        None | Some(Yaml::Null) => {}
        Some(Yaml::Mapping(mapping)) => {
            for (key, spec) in mapping {
                let name = yaml_key_text(key);
                if let Some(field) = read_field(source, &name, spec, diagnostics) {
                    fields.push(field);
                }
            }
        }
        Some(_) => diagnostics.push(
            error_at_value(
                source,
                &["fields"],
                "`fields` must be a mapping of field names to their specs",
            )
            .help(
                "write `fields:` then one indented line per field, e.g. `  iso2: { type: string }`",
            ),
        ),
    }
    Some(KindSchema {
        kind: kind_name.to_string(),
        folder: folder.to_string(),
        title,
        summary,
        fields,
        source: source.clone(),
    })
}

fn read_field(
    source: &SourceText,
    name: &str,
    spec: &Yaml,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FieldSchema> {
    let path = ["fields", name];
    if !is_valid_field_name(name) {
        diagnostics.push(
            error_at_key(
                source,
                &["fields"],
                name,
                format!("`{name}` is not a valid field name"),
            )
            .help("use lowercase letters, digits and `_`, starting with a letter"),
        );
        return None;
    }
    if BUILT_IN_FIELDS.contains(&name) && !REDECLARABLE_BUILT_INS.contains(&name) {
        diagnostics.push(
            error_at_key(
                source,
                &["fields"],
                name,
                format!("`{name}` is a built-in field"),
            )
            .help("built-in fields exist on every kind; remove it from `fields`"),
        );
        return None;
    }
    let Yaml::Mapping(spec) = spec else {
        diagnostics.push(
            error_at_value(
                source,
                &path,
                format!("the spec of field `{name}` must be a mapping"),
            )
            .help(format!("write `{name}: {{ type: string }}`")),
        );
        return None;
    };
    for key in spec.keys() {
        let key = yaml_key_text(key);
        if !FIELD_KEYS.contains(&key.as_str()) {
            diagnostics.push(unknown_key(
                source,
                &path,
                &key,
                &FIELD_KEYS,
                "a field spec",
            ));
        }
    }
    let field_type = read_field_type(source, name, spec, diagnostics)?;
    if REDECLARABLE_BUILT_INS.contains(&name) && field_type != FieldType::Date {
        diagnostics.push(
            error_at_value(
                source,
                &["fields", name, "type"],
                format!("the built-in field `{name}` is a date"),
            )
            .help("write `type: date`"),
        );
        return None;
    }
    let required = match spec.get("required") {
        None => false,
        Some(Yaml::Bool(value)) => *value,
        Some(_) => {
            diagnostics.push(
                error_at_value(
                    source,
                    &["fields", name, "required"],
                    "`required` must be `true` or `false`",
                )
                .help("write `required: true`"),
            );
            false
        }
    };
    let label = string_option(source, spec, name, "label", diagnostics)
        .unwrap_or_else(|| capitalise(&name.replace('_', " ")));
    let pattern = string_option(source, spec, name, "pattern", diagnostics).and_then(|text| {
        match regex::Regex::new(&text) {
            Ok(regex) => Some(regex),
            Err(error) => {
                diagnostics.push(
                    error_at_value(
                        source,
                        &["fields", name, "pattern"],
                        "the pattern is not a valid regular expression",
                    )
                    .help(error.to_string()),
                );
                None
            }
        }
    });
    let inverse = string_option(source, spec, name, "inverse", diagnostics);
    let timeline = string_option(source, spec, name, "timeline", diagnostics);
    if inverse.is_some() && field_type.target_kinds().is_none() {
        diagnostics.push(
            error_at_value(
                source,
                &["fields", name, "inverse"],
                "`inverse` applies only to `ref` and `refs` fields",
            )
            .help("remove `inverse`, or make the field a `ref`/`refs`"),
        );
    }
    if timeline.is_some() && field_type != FieldType::Date {
        diagnostics.push(
            error_at_value(
                source,
                &["fields", name, "timeline"],
                "`timeline` applies only to `date` fields",
            )
            .help("remove `timeline`, or make the field a `date`"),
        );
    }
    Some(FieldSchema {
        name: name.to_string(),
        field_type,
        required,
        label,
        pattern,
        inverse,
        timeline,
    })
}

fn read_field_type(
    source: &SourceText,
    name: &str,
    spec: &serde_yaml::Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FieldType> {
    let Some(type_name) = spec.get("type").and_then(Yaml::as_str) else {
        diagnostics.push(
            error_at_value(
                source,
                &["fields", name],
                format!("field `{name}` has no `type`"),
            )
            .help(format!(
                "add `type:` with one of: {}",
                FIELD_TYPE_NAMES.join(", ")
            )),
        );
        return None;
    };
    let type_path = ["fields", name, "type"];
    let field_type = match type_name {
        "string" => FieldType::String,
        "text" => FieldType::Text,
        "number" => FieldType::Number,
        "date" => FieldType::Date,
        "bool" => FieldType::Bool,
        "url" => FieldType::Url,
        "list" => FieldType::List,
        "quantity" => {
            let Some(dimension_name) = spec.get("dimension").and_then(Yaml::as_str) else {
                diagnostics.push(
                    error_at_value(
                        source,
                        &type_path,
                        format!("quantity field `{name}` needs a `dimension`"),
                    )
                    .help("add `dimension:` with one of: mass, money, ratio, price"),
                );
                return None;
            };
            let Some(dimension) = Dimension::parse(dimension_name) else {
                diagnostics.push(
                    error_at_value(
                        source,
                        &["fields", name, "dimension"],
                        format!("unknown dimension `{dimension_name}`"),
                    )
                    .help("use one of: mass, money, ratio, price"),
                );
                return None;
            };
            FieldType::Quantity(dimension)
        }
        "enum" => {
            let values = match spec.get("values") {
                Some(Yaml::Sequence(items)) => {
                    items.iter().map(scalar_text).collect::<Option<Vec<_>>>()
                }
                _ => None,
            };
            match values {
                Some(values) if !values.is_empty() => FieldType::Enum(values),
                _ => {
                    diagnostics.push(
                        error_at_value(
                            source,
                            &type_path,
                            format!("enum field `{name}` needs a list of `values`"),
                        )
                        .help("add e.g. `values: [proposed, signed, stalled]`"),
                    );
                    return None;
                }
            }
        }
        "ref" | "refs" => {
            let kinds = match spec.get("to") {
                Some(Yaml::String(kind)) => Some(vec![kind.clone()]),
                Some(Yaml::Sequence(items)) => {
                    items.iter().map(scalar_text).collect::<Option<Vec<_>>>()
                }
                _ => None,
            };
            match kinds {
                Some(kinds) if !kinds.is_empty() => {
                    if type_name == "ref" {
                        FieldType::Ref(kinds)
                    } else {
                        FieldType::Refs(kinds)
                    }
                }
                _ => {
                    diagnostics.push(
                        error_at_value(
                            source,
                            &type_path,
                            format!("field `{name}` needs `to:`, the kind(s) it points at"),
                        )
                        .help("add e.g. `to: country` or `to: [country, company]`"),
                    );
                    return None;
                }
            }
        }
        other => {
            let mut diagnostic =
                error_at_value(source, &type_path, format!("unknown field type `{other}`"));
            diagnostic = match did_you_mean(other, FIELD_TYPE_NAMES) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => diagnostic.help(format!("use one of: {}", FIELD_TYPE_NAMES.join(", "))),
            };
            diagnostics.push(diagnostic);
            return None;
        }
    };
    Some(field_type)
}

/// Every `to:` must name a kind that exists (or a built-in one).
fn check_reference_targets(schemas: &Schemas, diagnostics: &mut Vec<Diagnostic>) {
    for kind in schemas.kinds.values() {
        for field in &kind.fields {
            let Some(targets) = field.field_type.target_kinds() else {
                continue;
            };
            for target in targets {
                if schemas.kinds.contains_key(target)
                    || target == COMPARISON_KIND
                    || target == PAGE_KIND
                {
                    continue;
                }
                let mut diagnostic = error_at_value(
                    &kind.source,
                    &["fields", &field.name, "to"],
                    format!(
                        "field `{}` points at the unknown kind `{target}`",
                        field.name
                    ),
                );
                diagnostic = match did_you_mean(target, schemas.kinds.keys().map(String::as_str)) {
                    Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                    None => diagnostic.help(format!(
                        "known kinds: {}",
                        schemas.kinds.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                };
                diagnostics.push(diagnostic);
            }
        }
    }
}

fn string_option(
    source: &SourceText,
    spec: &serde_yaml::Mapping,
    field: &str,
    key: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    match spec.get(key) {
        None => None,
        Some(value) => match scalar_text(value) {
            Some(text) => Some(text),
            None => {
                diagnostics.push(
                    error_at_value(
                        source,
                        &["fields", field, key],
                        format!("`{key}` must be text"),
                    )
                    .help(format!("write `{key}: some text`")),
                );
                None
            }
        },
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

fn is_valid_field_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `countries` → `country`, as a hint for the kind name of a folder.
fn singular(folder: &str) -> String {
    let last = folder.rsplit('/').next().unwrap_or(folder);
    if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = last.strip_suffix('s') {
        stem.to_string()
    } else {
        last.to_string()
    }
}

/// Upper-cases the first letter.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An error pointing at the value at `path` in the front matter (or at line 1 if not found).
pub fn error_at_value(
    source: &SourceText,
    path: &[&str],
    message: impl Into<String>,
) -> Diagnostic {
    let segments: Vec<PathSegment> = path
        .iter()
        .map(|key| PathSegment::Key(key.to_string()))
        .collect();
    error_at_path(source, &segments, message)
}

/// An error pointing at the node at `path` (keys and indexes) in the front matter.
pub fn error_at_path(
    source: &SourceText,
    path: &[PathSegment],
    message: impl Into<String>,
) -> Diagnostic {
    diagnostic_at_path(
        Diagnostic::error(source.path.clone(), message),
        source,
        path,
    )
}

/// Positions `diagnostic` at the node at `path`, falling back to its parents, then line 2.
pub fn diagnostic_at_path(
    diagnostic: Diagnostic,
    source: &SourceText,
    path: &[PathSegment],
) -> Diagnostic {
    let yaml = source.front_matter_text();
    let mut prefix = path;
    loop {
        if let Some(position) = locate(yaml, prefix) {
            let length = value_length_at(yaml, position);
            return source.diagnostic_at_yaml(diagnostic, position).span(length);
        }
        match prefix.split_last() {
            Some((_, rest)) if !rest.is_empty() => prefix = rest,
            _ => break,
        }
    }
    diagnostic.at(
        &source.text,
        crate::diagnostics::Position {
            line: source.front_matter_first_line,
            column: 1,
        },
    )
}

/// An error pointing at the key `name` of the mapping at `parent`.
pub fn error_at_key(
    source: &SourceText,
    parent: &[&str],
    name: &str,
    message: impl Into<String>,
) -> Diagnostic {
    let mut segments: Vec<PathSegment> = parent
        .iter()
        .map(|key| PathSegment::Key(key.to_string()))
        .collect();
    segments.push(PathSegment::KeyName(name.to_string()));
    error_at_path(source, &segments, message)
}

fn unknown_key(
    source: &SourceText,
    parent: &[&str],
    name: &str,
    known: &[&str],
    what: &str,
) -> Diagnostic {
    let diagnostic = error_at_key(
        source,
        parent,
        name,
        format!("unknown key `{name}` in {what}"),
    );
    match did_you_mean(name, known.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None => diagnostic.help(format!("known keys: {}", known.join(", "))),
    }
}

/// How many characters to underline for the scalar starting at `position`: up to the end of
/// the token (a flow separator, a comment or the end of the line).
fn value_length_at(yaml: &str, position: crate::diagnostics::Position) -> usize {
    let Some(line) = yaml.lines().nth(position.line - 1) else {
        return 1;
    };
    let rest: String = line.chars().skip(position.column - 1).collect();
    let rest = rest.trim_end_matches('\r');
    if rest.starts_with('{') || rest.starts_with('[') {
        return 1;
    }
    let quoted = rest.starts_with('"') || rest.starts_with('\'');
    let mut length = 0;
    for (index, ch) in rest.chars().enumerate() {
        if quoted && index > 0 && (ch == '"' || ch == '\'') {
            return index + 1;
        }
        if !quoted && matches!(ch, ',' | '}' | ']' | '#') {
            break;
        }
        length = index + 1;
    }
    let trimmed: String = rest.chars().take(length).collect();
    trimmed.trim_end().chars().count().max(1)
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

    #[test]
    fn singular_of_folder_names() {
        assert_eq!(singular("countries"), "country");
        assert_eq!(singular("minerals"), "mineral");
        assert_eq!(singular("people"), "people");
    }

    #[test]
    fn value_length_stops_at_flow_separators() {
        let yaml = "a: { value: 3.8, unit: Mt }\n";
        assert_eq!(
            value_length_at(
                yaml,
                crate::diagnostics::Position {
                    line: 1,
                    column: 13
                }
            ),
            3
        );
        assert_eq!(
            value_length_at(
                yaml,
                crate::diagnostics::Position {
                    line: 1,
                    column: 24
                }
            ),
            2
        );
    }
}
