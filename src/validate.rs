//! Stage 3, **validate**: raw front matter (what the YAML said) into typed entries (what later
//! stages accept).
//!
//! Raw values are `serde_yaml::Value`s; validated ones are the types of [`crate::model`]. Every
//! problem becomes a diagnostic pointing at the offending value, and validation goes on, so a
//! build reports all mistakes at once. An entry with errors is still returned when it has a
//! title and id, so links to it do not cascade into spurious "unknown target" errors; the build
//! fails at the end all the same.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Position, did_you_mean};
use crate::edtf::{self, Edtf};
use crate::model::{
    Claim, ComparisonSpec, Entry, EntryEvent, FieldEntry, FieldValue, Reference, Value,
};
use crate::parse::ParsedFile;
use crate::quantity::{self, Quantity};
use crate::schema::{
    self, BUILT_IN_FIELDS, COMPARISON_FOLDER, COMPARISON_KIND, FieldSchema, FieldType, KindSchema,
    PAGE_KIND, Schemas, is_valid_id, scalar_text, yaml_key_text,
};
use crate::source::SourceText;
use crate::yaml_position::{CompactPath, PathSegment};
use serde_yaml::{Mapping, Value as Yaml};

/// Validated entries plus the schemas they were checked against.
#[derive(Debug, Default)]
pub struct Validated {
    /// Kinds of the knowledge base.
    pub schemas: Schemas,
    /// Entries in path order (drafts left out unless asked for).
    pub entries: Vec<Entry>,
    /// The root `_index.md` (home page prose), if present.
    pub home: Option<std::sync::Arc<SourceText>>,
    /// The `comparisons/_index.md` intro, if present.
    pub comparisons_intro: Option<std::sync::Arc<SourceText>>,
}

/// Whether a content path is a folder's `_index` (a kind schema, or the home page).
pub fn is_index_path(content_path: &str) -> bool {
    content_path == "_index" || content_path.ends_with("/_index")
}

/// Validation against the schemas read from the `_index.md` files. Entries are validated one
/// by one (and in parallel) as they are parsed, so no file's raw YAML outlives its validation.
pub struct Validator<'a> {
    schemas: Schemas,
    config: &'a Config,
    include_drafts: bool,
    home: Option<std::sync::Arc<SourceText>>,
    comparisons_intro: Option<std::sync::Arc<SourceText>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    /// Reads the kinds from the parsed `_index.md` files.
    pub fn new(index_files: &[ParsedFile], config: &'a Config, include_drafts: bool) -> Self {
        let references: Vec<&ParsedFile> = index_files.iter().collect();
        let (schemas, diagnostics) = schema::read_schemas(&references);
        let find = |path: &str| {
            index_files
                .iter()
                .find(|file| file.source.content_path == path)
                .map(|file| file.source.clone())
        };
        Validator {
            schemas,
            config,
            include_drafts,
            home: find("_index"),
            comparisons_intro: find(&format!("{COMPARISON_FOLDER}/_index")),
            diagnostics,
        }
    }

    /// Validates one entry file: the entry (if it has a title and id) and its diagnostics.
    pub fn entry(&self, file: &ParsedFile) -> (Option<Entry>, Vec<Diagnostic>) {
        let mut context = EntryValidation {
            source: &file.source,
            config: self.config,
            diagnostics: Vec::new(),
        };
        let entry = context.entry(&file.front_matter, &self.schemas);
        (entry, context.diagnostics)
    }

    /// Gathers the per-entry results, in path order, into the validated knowledge base.
    pub fn finish(
        self,
        results: Vec<(Option<Entry>, Vec<Diagnostic>)>,
    ) -> (Validated, Vec<Diagnostic>) {
        let Validator {
            schemas,
            include_drafts,
            home,
            comparisons_intro,
            mut diagnostics,
            ..
        } = self;
        let mut entries = Vec::with_capacity(results.len());
        let mut folders_without_kind = std::collections::BTreeSet::new();
        for (entry, entry_diagnostics) in results {
            for diagnostic in entry_diagnostics {
                // One "folder without a kind" error per folder is enough.
                if diagnostic.message.starts_with("the folder `")
                    && !folders_without_kind.insert(diagnostic.message.clone())
                {
                    continue;
                }
                diagnostics.push(diagnostic);
            }
            if let Some(entry) = entry
                && (include_drafts || !entry.draft)
            {
                entries.push(entry);
            }
        }
        (
            Validated {
                schemas,
                entries,
                home,
                comparisons_intro,
            },
            diagnostics,
        )
    }
}

/// The folder part of a content path (`countries/russia` → `countries`; `about` → ``).
fn top_folder(content_path: &str) -> &str {
    content_path
        .split_once('/')
        .map_or("", |(folder, _)| folder)
}

struct EntryValidation<'a> {
    source: &'a std::sync::Arc<SourceText>,
    config: &'a Config,
    diagnostics: Vec<Diagnostic>,
}

impl EntryValidation<'_> {
    fn entry(&mut self, front: &Mapping, schemas: &Schemas) -> Option<Entry> {
        let folder = top_folder(&self.source.content_path);
        let kind: Option<&KindSchema> = schemas.kind_of_folder(folder);
        let kind_name = match (folder, kind) {
            ("", _) => PAGE_KIND.to_string(),
            (COMPARISON_FOLDER, None) => COMPARISON_KIND.to_string(),
            (_, Some(kind)) => kind.kind.clone(),
            (_, None) => {
                let diagnostic = Diagnostic::error(
                    self.source.path.clone(),
                    format!("the folder `{folder}` has no kind"),
                )
                .at(&self.source.text, Position { line: 1, column: 1 })
                .label("this entry's folder declares no kind")
                .help(format!(
                    "add `{}/{folder}/_index.md` with `kind:` and `fields:` in its front matter (see CONTRIBUTING.md)",
                    self.source.path.split('/').next().unwrap_or("content")
                ));
                self.diagnostics.push(diagnostic);
                return None;
            }
        };
        self.check_unknown_fields(front, kind, &kind_name);
        let title = self.title(front)?;
        let id = self.id(front)?;
        self.check_address(front, &id, folder, schemas)?;
        let url_path = url_path_for(&id, folder);
        let mut entry = Entry {
            id,
            kind: kind_name,
            url_path,
            title,
            aliases: self.string_list(front, "aliases"),
            summary: self.optional_string(front, "summary"),
            tags: self.tags(front),
            date: None,
            updated: self.date_field(front, "updated"),
            draft: self.bool_field(front, "draft"),
            sources: self.references(front, "sources"),
            events: self.events(front),
            fields: Vec::new(),
            comparison: None,
            source: std::sync::Arc::clone(self.source),
        };
        if entry.kind == COMPARISON_KIND {
            entry.comparison = self.comparison(front);
        }
        if let Some(kind) = kind {
            entry.fields = self.schema_fields(front, kind);
        }
        // `date` may be redeclared by the schema (then it is validated there, with `required`).
        entry.date = match entry.fields.iter().find(|field| field.name == "date") {
            Some(FieldEntry {
                value: FieldValue::Single(Value::Date(date)),
                ..
            }) => Some(*date),
            _ => self.date_field(front, "date"),
        };
        entry
            .fields
            .retain(|field| field.name != "date" && field.name != "updated");
        Some(entry)
    }

    fn error_at(&self, path: &[PathSegment], message: impl Into<String>) -> Diagnostic {
        schema::error_at_path(self.source, path, message)
    }

    fn check_unknown_fields(
        &mut self,
        front: &Mapping,
        kind: Option<&KindSchema>,
        kind_name: &str,
    ) {
        for key in front.keys() {
            let name = yaml_key_text(key);
            let known_in_kind = kind.is_some_and(|kind| kind.field(&name).is_some());
            let known = BUILT_IN_FIELDS.contains(&name.as_str())
                || known_in_kind
                || (kind_name == COMPARISON_KIND && name == "compare");
            if known {
                continue;
            }
            let mut candidates: Vec<&str> = BUILT_IN_FIELDS.to_vec();
            if let Some(kind) = kind {
                candidates.extend(kind.fields.iter().map(|field| field.name.as_str()));
            }
            if kind_name == COMPARISON_KIND {
                candidates.push("compare");
            }
            let diagnostic = self
                .error_at(
                    &[PathSegment::KeyName(name.clone())],
                    format!("unknown field `{name}`"),
                )
                .label(format!("not a field of `{kind_name}`"));
            let diagnostic = match did_you_mean(&name, candidates.iter().copied()) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => diagnostic.help(format!(
                    "fields of `{kind_name}`: {}",
                    candidates.join(", ")
                )),
            };
            self.diagnostics.push(diagnostic);
        }
    }

    fn title(&mut self, front: &Mapping) -> Option<String> {
        match front.get("title") {
            Some(value) => match scalar_text(value).filter(|text| !text.trim().is_empty()) {
                Some(title) => Some(title.trim().to_string()),
                None => {
                    let diagnostic = self
                        .error_at(&[key("title")], "`title` must be non-empty text")
                        .help("write `title: The title`");
                    self.diagnostics.push(diagnostic);
                    None
                }
            },
            None => {
                let diagnostic = Diagnostic::error(self.source.path.clone(), "missing `title`")
                    .at(&self.source.text, Position { line: 1, column: 1 })
                    .label("every entry needs a title")
                    .help("add `title: The title` to the front matter");
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// An error at the `id:` value when the front matter sets one; otherwise the id comes
    /// from the file name, and the error points at the file's first line.
    fn error_at_id(&self, front: &Mapping, message: String) -> Diagnostic {
        if front.contains_key("id") {
            self.error_at(&[key("id")], message)
        } else {
            Diagnostic::error(self.source.path.clone(), message)
                .at(&self.source.text, Position { line: 1, column: 1 })
        }
    }

    fn id(&mut self, front: &Mapping) -> Option<String> {
        let (id, from_field) = match front.get("id") {
            Some(value) => (scalar_text(value).unwrap_or_default(), true),
            None => (
                self.source
                    .content_path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                false,
            ),
        };
        if is_valid_id(&id) {
            return Some(id);
        }
        let suggestion = crate::text::id_slug(&id);
        let message = if from_field {
            format!("`{id}` is not a valid id")
        } else {
            format!("the file name `{id}` is not a valid id")
        };
        let diagnostic = self.error_at_id(front, message);
        self.diagnostics.push(diagnostic.help(format!(
            "ids use lowercase letters, digits and `-`: rename the file or set `id: {suggestion}`"
        )));
        None
    }

    /// An entry lives at `folder/id/` (a top-level page at `id/`): that address must not be
    /// one of the site's own pages, a kind's index or a kind's timeline, which it would
    /// silently replace.
    fn check_address(
        &mut self,
        front: &Mapping,
        id: &str,
        folder: &str,
        schemas: &Schemas,
    ) -> Option<()> {
        let taken_by = match (folder, schemas.kind_of_folder(folder)) {
            ("", _) if crate::schema::SITE_FOLDERS.contains(&id) => {
                format!("the site's own `{id}/` page")
            }
            ("", _) if id == COMPARISON_FOLDER => "the index of comparisons".to_string(),
            ("", _) => match schemas.kind_of_folder(id) {
                Some(kind) => format!("the index of {}", kind.title.to_lowercase()),
                None => return Some(()),
            },
            (_, Some(kind)) if id == "timeline" => {
                format!("the timeline of {}", kind.title.to_lowercase())
            }
            _ => return Some(()),
        };
        let address = url_path_for(id, folder);
        let message =
            format!("the entry `{id}` would have the address `{address}`, which is {taken_by}");
        let diagnostic = self.error_at_id(front, message);
        self.diagnostics.push(
            diagnostic
                .label("this address is taken")
                .help("rename the file or set another `id:`"),
        );
        None
    }

    fn optional_string(&mut self, front: &Mapping, name: &str) -> Option<String> {
        let value = front.get(name)?;
        match scalar_text(value) {
            Some(text) => Some(text),
            None => {
                let diagnostic = self
                    .error_at(&[key(name)], format!("`{name}` must be text"))
                    .help(format!("write `{name}: some text`"));
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn string_list(&mut self, front: &Mapping, name: &str) -> Vec<String> {
        match front.get(name) {
            None | Some(Yaml::Null) => Vec::new(),
            Some(value) => self.list_of_strings(value, &[key(name)], name),
        }
    }

    fn list_of_strings(&mut self, value: &Yaml, path: &[PathSegment], name: &str) -> Vec<String> {
        match value {
            Yaml::Sequence(items) => {
                let mut strings = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    match scalar_text(item) {
                        Some(text) => strings.push(text),
                        None => {
                            let mut item_path = path.to_vec();
                            item_path.push(PathSegment::Index(index));
                            let diagnostic = self
                                .error_at(&item_path, format!("items of `{name}` must be text"))
                                .help("write a list like `[a, b, c]`");
                            self.diagnostics.push(diagnostic);
                        }
                    }
                }
                strings
            }
            other => match scalar_text(other) {
                Some(text) => vec![text],
                None => {
                    let diagnostic = self
                        .error_at(path, format!("`{name}` must be a list"))
                        .help("write a list like `[a, b, c]`");
                    self.diagnostics.push(diagnostic);
                    Vec::new()
                }
            },
        }
    }

    fn tags(&mut self, front: &Mapping) -> Vec<String> {
        let tags = self.string_list(front, "tags");
        let mut valid = Vec::new();
        for (index, tag) in tags.into_iter().enumerate() {
            if is_valid_id(&tag) {
                valid.push(tag);
            } else {
                let diagnostic = self
                    .error_at(
                        &[key("tags"), PathSegment::Index(index)],
                        format!("`{tag}` is not a valid tag"),
                    )
                    .help(format!(
                        "tags use lowercase letters, digits and `-`, e.g. `{}`",
                        crate::text::id_slug(&tag)
                    ));
                self.diagnostics.push(diagnostic);
            }
        }
        valid.sort();
        valid.dedup();
        valid
    }

    fn bool_field(&mut self, front: &Mapping, name: &str) -> bool {
        match front.get(name) {
            None => false,
            Some(Yaml::Bool(flag)) => *flag,
            Some(_) => {
                let diagnostic = self
                    .error_at(&[key(name)], format!("`{name}` must be `true` or `false`"))
                    .help(format!("write `{name}: true`"));
                self.diagnostics.push(diagnostic);
                false
            }
        }
    }

    fn date_field(&mut self, front: &Mapping, name: &str) -> Option<Edtf> {
        let value = front.get(name)?;
        self.date(value, &[key(name)])
    }

    fn date(&mut self, value: &Yaml, path: &[PathSegment]) -> Option<Edtf> {
        let Some(text) = scalar_text(value) else {
            let diagnostic = self
                .error_at(path, "expected a date")
                .help("write a date like 2025-02-24, 2025-02 or 2025");
            self.diagnostics.push(diagnostic);
            return None;
        };
        match edtf::parse(&text) {
            Ok(date) => Some(date),
            Err(error) => {
                let diagnostic = self
                    .error_at(path, error.message.clone())
                    .help(error.help.clone());
                let diagnostic = shift_marker(diagnostic, error.offset, &text);
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn references(&mut self, front: &Mapping, name: &str) -> Vec<Reference> {
        match front.get(name) {
            None | Some(Yaml::Null) => Vec::new(),
            Some(value) => self.reference_list(value, &[key(name)], name),
        }
    }

    fn reference_list(&mut self, value: &Yaml, path: &[PathSegment], name: &str) -> Vec<Reference> {
        match value {
            Yaml::Sequence(items) => items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| {
                    let mut item_path = path.to_vec();
                    item_path.push(PathSegment::Index(index));
                    self.reference(item, item_path, name)
                })
                .collect(),
            other => self
                .reference(other, path.to_vec(), name)
                .into_iter()
                .collect(),
        }
    }

    fn reference(&mut self, value: &Yaml, path: Vec<PathSegment>, name: &str) -> Option<Reference> {
        match value.as_str() {
            Some(id) if !id.trim().is_empty() => Some(Reference {
                target: id.trim().to_string(),
                path: CompactPath::new(&path),
            }),
            _ => {
                let diagnostic = self
                    .error_at(&path, format!("`{name}` must name entries by id"))
                    .help("write an id such as `russia`");
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn events(&mut self, front: &Mapping) -> Vec<EntryEvent> {
        let items = match front.get("events") {
            None | Some(Yaml::Null) => return Vec::new(),
            Some(Yaml::Sequence(items)) => items,
            Some(_) => {
                let diagnostic = self.error_at(&[key("events")], "`events` must be a list").help("write `events:` then items like `- { date: 2025-02-24, title: What happened, source: some-source }`");
                self.diagnostics.push(diagnostic);
                return Vec::new();
            }
        };
        let mut events = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = vec![key("events"), PathSegment::Index(index)];
            if let Some(event) = self.event(item, path) {
                events.push(event);
            }
        }
        events
    }

    fn event(&mut self, item: &Yaml, path: Vec<PathSegment>) -> Option<EntryEvent> {
        let Yaml::Mapping(mapping) = item else {
            let diagnostic = self
                .error_at(&path, "an event must be a mapping")
                .help("write `- { date: 2025-02-24, title: What happened, source: some-source }`");
            self.diagnostics.push(diagnostic);
            return None;
        };
        const EVENT_KEYS: [&str; 4] = ["date", "title", "refs", "source"];
        self.check_mapping_keys(mapping, &path, &EVENT_KEYS, "an event");
        let child = |name: &str| {
            let mut child = path.clone();
            child.push(key(name));
            child
        };
        let date = match mapping.get("date") {
            Some(value) => self.date(value, &child("date")),
            None => {
                let diagnostic = self
                    .error_at(&path, "this event has no `date`")
                    .help("add `date: 2025-02-24` (or 2025-02, or 2025)");
                self.diagnostics.push(diagnostic);
                None
            }
        };
        let title = match mapping.get("title").and_then(scalar_text) {
            Some(title) => Some(title),
            None => {
                let diagnostic = self
                    .error_at(&path, "this event has no `title`")
                    .help("add `title: What happened`");
                self.diagnostics.push(diagnostic);
                None
            }
        };
        let refs = match mapping.get("refs") {
            Some(value) => self.reference_list(value, &child("refs"), "refs"),
            None => Vec::new(),
        };
        let source = match mapping.get("source") {
            Some(value) => self.reference(value, child("source"), "source"),
            None => {
                self.missing_source(&path, "this event cites no source");
                None
            }
        };
        Some(EntryEvent {
            date: date?,
            title: title?,
            refs,
            source,
            path: CompactPath::new(&path),
        })
    }

    fn missing_source(&mut self, path: &[PathSegment], message: &str) {
        let mut diagnostic = self
            .error_at(path, message)
            .help("add `source: <id of a source entry>` so readers can check it");
        if !self.config.require_sources {
            diagnostic.severity = crate::diagnostics::Severity::Warning;
        }
        self.diagnostics.push(diagnostic);
    }

    fn check_mapping_keys(
        &mut self,
        mapping: &Mapping,
        path: &[PathSegment],
        known: &[&str],
        what: &str,
    ) {
        for name in mapping.keys().map(yaml_key_text) {
            if known.contains(&name.as_str()) {
                continue;
            }
            let mut key_path = path.to_vec();
            key_path.push(PathSegment::KeyName(name.clone()));
            let diagnostic = self.error_at(&key_path, format!("unknown key `{name}` in {what}"));
            let diagnostic = match did_you_mean(&name, known.iter().copied()) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => diagnostic.help(format!("known keys: {}", known.join(", "))),
            };
            self.diagnostics.push(diagnostic);
        }
    }

    fn schema_fields(&mut self, front: &Mapping, kind: &KindSchema) -> Vec<FieldEntry> {
        let mut fields = Vec::new();
        for field in &kind.fields {
            match front.get(field.name.as_str()) {
                None | Some(Yaml::Null) => {
                    if field.required {
                        let diagnostic = Diagnostic::error(
                            self.source.path.clone(),
                            format!("missing required field `{}`", field.name),
                        )
                        .at(&self.source.text, Position { line: 1, column: 1 })
                        .label(format!(
                            "`{}` entries must have `{}`",
                            kind.kind, field.name
                        ))
                        .help(format!(
                            "add `{}:` ({}) to the front matter",
                            field.name,
                            describe_type(&field.field_type)
                        ));
                        self.diagnostics.push(diagnostic);
                    }
                }
                Some(value) => {
                    if let Some(value) = self.field_value(value, field) {
                        fields.push(FieldEntry {
                            name: field.name.clone(),
                            value,
                        });
                    }
                }
            }
        }
        fields
    }

    fn field_value(&mut self, value: &Yaml, field: &FieldSchema) -> Option<FieldValue> {
        let path = vec![key(&field.name)];
        if let Yaml::Mapping(mapping) = value
            && mapping.contains_key("value")
            && ["source", "as_of", "note"]
                .iter()
                .any(|key| mapping.contains_key(*key))
        {
            // A single claim written as a mapping: `{ value: 3.8, unit: Mt, source: usgs }`.
            return self
                .claim(value, path, field)
                .map(|claim| FieldValue::Claims(vec![claim]));
        }
        if let Some(items) = as_claim_list(value) {
            let claims: Vec<Claim> = items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| {
                    let mut claim_path = path.clone();
                    claim_path.push(PathSegment::Index(index));
                    self.claim(item, claim_path, field)
                })
                .collect();
            return (!claims.is_empty()).then_some(FieldValue::Claims(claims));
        }
        let typed = self.typed_value(value, &path, field, None)?;
        if matches!(typed, Value::Quantity(_)) {
            self.missing_source(
                &path,
                &format!("the figure in `{}` cites no source", field.name),
            );
        }
        Some(FieldValue::Single(typed))
    }

    fn claim(&mut self, item: &Yaml, path: Vec<PathSegment>, field: &FieldSchema) -> Option<Claim> {
        let Yaml::Mapping(mapping) = item else {
            return None;
        };
        const CLAIM_KEYS: [&str; 5] = ["value", "unit", "source", "as_of", "note"];
        self.check_mapping_keys(mapping, &path, &CLAIM_KEYS, "a claim");
        let child = |name: &str| {
            let mut child = path.clone();
            child.push(key(name));
            child
        };
        let unit = mapping.get("unit").and_then(scalar_text);
        let value = mapping.get("value").and_then(|value| {
            self.typed_value(
                value,
                &child("value"),
                field,
                unit.as_deref().map(|unit| (unit, child("unit"))),
            )
        });
        let source = match mapping.get("source") {
            Some(value) => self.reference(value, child("source"), "source"),
            None => {
                self.missing_source(
                    &path,
                    &format!("this claim of `{}` cites no source", field.name),
                );
                None
            }
        };
        let as_of = mapping
            .get("as_of")
            .and_then(|value| self.date(value, &child("as_of")));
        let note = mapping.get("note").and_then(scalar_text);
        Some(Claim {
            value: value?,
            source,
            as_of,
            note,
        })
    }

    /// Checks one bare value against the field type. `unit` is the claim's separate `unit:` key.
    fn typed_value(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        field: &FieldSchema,
        unit: Option<(&str, Vec<PathSegment>)>,
    ) -> Option<Value> {
        let name = field.name.as_str();
        let wrong_type = |this: &mut Self, expected: &str, help: String| {
            let found = describe_yaml(value);
            let diagnostic = this
                .error_at(path, format!("`{name}` expects {expected}, found {found}"))
                .label(format!("expected {expected}"))
                .help(help);
            this.diagnostics.push(diagnostic);
            None
        };
        match &field.field_type {
            FieldType::String | FieldType::Text => {
                let Some(text) = scalar_text(value) else {
                    return wrong_type(self, "text", format!("write `{name}: some text`"));
                };
                if let Some(pattern) = &field.pattern
                    && !pattern.is_match(&text)
                {
                    let diagnostic = self
                        .error_at(
                            path,
                            format!("`{text}` does not match the pattern of `{name}`"),
                        )
                        .label(format!("must match `{}`", pattern.as_str()))
                        .help(format!(
                            "the schema requires `{name}` to match the regular expression `{}`",
                            pattern.as_str()
                        ));
                    self.diagnostics.push(diagnostic);
                    return None;
                }
                Some(if field.field_type == FieldType::Text {
                    Value::Text(text)
                } else {
                    Value::String(text)
                })
            }
            FieldType::Number => match value.as_f64() {
                Some(number) if number.is_finite() => Some(Value::Number(number)),
                _ => wrong_type(self, "a number", format!("write `{name}: 42`")),
            },
            FieldType::Bool => match value {
                Yaml::Bool(flag) => Some(Value::Bool(*flag)),
                _ => wrong_type(self, "`true` or `false`", format!("write `{name}: true`")),
            },
            FieldType::Date => self.date(value, path).map(Value::Date),
            FieldType::Url => {
                let Some(text) = value.as_str() else {
                    return wrong_type(
                        self,
                        "an address",
                        format!("write `{name}: https://example.org/`"),
                    );
                };
                if is_absolute_url(text) {
                    Some(Value::Url(text.to_string()))
                } else {
                    let diagnostic = self
                        .error_at(path, format!("`{text}` is not an absolute address"))
                        .help("addresses start with `https://`, `http://` or `mailto:`");
                    self.diagnostics.push(diagnostic);
                    None
                }
            }
            FieldType::Enum(values) => {
                let Some(text) = scalar_text(value) else {
                    return wrong_type(
                        self,
                        "one of the listed values",
                        format!("use one of: {}", values.join(", ")),
                    );
                };
                if values.contains(&text) {
                    return Some(Value::Enum(text));
                }
                let diagnostic =
                    self.error_at(path, format!("`{text}` is not a value of `{name}`"));
                let diagnostic = match did_you_mean(&text, values.iter().map(String::as_str)) {
                    Some(close) => diagnostic.help(format!(
                        "did you mean `{close}`? allowed: {}",
                        values.join(", ")
                    )),
                    None => diagnostic.help(format!("allowed values: {}", values.join(", "))),
                };
                self.diagnostics.push(diagnostic);
                None
            }
            FieldType::Ref(_) => match value {
                Yaml::Sequence(_) => wrong_type(
                    self,
                    "one entry id",
                    format!("`{name}` is a `ref`: write one id, e.g. `{name}: russia`"),
                ),
                _ => self
                    .reference(value, path.to_vec(), name)
                    .map(|reference| Value::Refs(vec![reference])),
            },
            FieldType::Refs(_) => Some(Value::Refs(self.reference_list(value, path, name))),
            FieldType::List => Some(Value::List(self.list_of_strings(value, path, name))),
            FieldType::Quantity(dimension) => self.quantity(value, path, field, *dimension, unit),
        }
    }

    fn quantity(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        field: &FieldSchema,
        dimension: quantity::Dimension,
        unit: Option<(&str, Vec<PathSegment>)>,
    ) -> Option<Value> {
        let name = field.name.as_str();
        let units_help = || {
            format!(
                "write a number and a unit of {}: {}",
                dimension.name(),
                dimension
                    .units()
                    .map(|unit| unit.symbol)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        match (value, unit) {
            (Yaml::Mapping(mapping), None) => {
                const QUANTITY_KEYS: [&str; 2] = ["value", "unit"];
                self.check_mapping_keys(mapping, path, &QUANTITY_KEYS, "a quantity");
                let mut value_path = path.to_vec();
                value_path.push(key("value"));
                let mut unit_path = path.to_vec();
                unit_path.push(key("unit"));
                let Some(inner) = mapping.get("value") else {
                    let diagnostic = self
                        .error_at(path, format!("`{name}` has no `value`"))
                        .help("write `{ value: 3.8, unit: Mt }`");
                    self.diagnostics.push(diagnostic);
                    return None;
                };
                let unit_text = mapping.get("unit").and_then(scalar_text);
                self.quantity(
                    inner,
                    &value_path,
                    field,
                    dimension,
                    Some((unit_text.as_deref().unwrap_or(""), unit_path)),
                )
            }
            (Yaml::Number(number), Some((unit, unit_path))) => {
                let number = number.as_f64().unwrap_or(f64::NAN);
                if unit.is_empty() {
                    let diagnostic = self
                        .error_at(path, format!("the figure in `{name}` has no unit"))
                        .help(units_help());
                    self.diagnostics.push(diagnostic);
                    return None;
                }
                match quantity::parse_unit_in(dimension, unit) {
                    Ok(unit) => Some(Value::Quantity(Quantity {
                        value: number,
                        unit,
                    })),
                    Err(error) => {
                        let diagnostic = self
                            .error_at(&unit_path, error.message.clone())
                            .help(error.help.clone());
                        self.diagnostics.push(diagnostic);
                        None
                    }
                }
            }
            (Yaml::Number(_), None) => {
                let diagnostic = self
                    .error_at(path, format!("the figure in `{name}` has no unit"))
                    .label("unit missing")
                    .help(units_help());
                self.diagnostics.push(diagnostic);
                None
            }
            (Yaml::String(text), None) => match quantity::parse_quantity(text) {
                Ok(parsed) if parsed.unit.dimension == dimension => Some(Value::Quantity(parsed)),
                Ok(parsed) => {
                    let diagnostic = self
                        .error_at(
                            path,
                            format!(
                                "`{}` is a unit of {}, but `{name}` is a {}",
                                parsed.unit.symbol,
                                parsed.unit.dimension.name(),
                                dimension.name()
                            ),
                        )
                        .help(units_help());
                    self.diagnostics.push(diagnostic);
                    None
                }
                Err(error) => {
                    let diagnostic = shift_marker(
                        self.error_at(path, error.message.clone())
                            .help(error.help.clone()),
                        error.offset,
                        text,
                    );
                    self.diagnostics.push(diagnostic);
                    None
                }
            },
            _ => {
                let diagnostic = self
                    .error_at(
                        path,
                        format!(
                            "`{name}` expects a quantity, found {}",
                            describe_yaml(value)
                        ),
                    )
                    .help(units_help());
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn comparison(&mut self, front: &Mapping) -> Option<ComparisonSpec> {
        let path = vec![key("compare")];
        let Some(Yaml::Mapping(compare)) = front.get("compare") else {
            let diagnostic = Diagnostic::error(self.source.path.clone(), "a comparison needs `compare:`")
                .at(&self.source.text, Position { line: 1, column: 1 })
                .help("add `compare: { kind: country, fields: [reserves] }` or `compare: { entries: [russia, china], fields: [reserves] }`");
            self.diagnostics.push(diagnostic);
            return None;
        };
        const COMPARE_KEYS: [&str; 5] = ["kind", "tag", "entries", "fields", "charts"];
        self.check_mapping_keys(compare, &path, &COMPARE_KEYS, "`compare`");
        let child = |name: &str| vec![key("compare"), key(name)];
        let kind = compare.get("kind").and_then(scalar_text);
        let tag = compare.get("tag").and_then(scalar_text);
        let entries = compare
            .get("entries")
            .map(|value| self.reference_list(value, &child("entries"), "entries"));
        if kind.is_some() == entries.is_some() {
            let diagnostic = self.error_at(&path, "say either `kind:` or `entries:` (one of the two)").help("`kind: country` compares all countries; `entries: [russia, china]` compares those");
            self.diagnostics.push(diagnostic);
        }
        let fields = compare
            .get("fields")
            .map(|value| self.list_of_strings(value, &child("fields"), "fields"))
            .unwrap_or_default();
        if fields.is_empty() {
            let diagnostic = self
                .error_at(&path, "a comparison needs `fields:`")
                .help("add `fields: [reserves, mine_production]`");
            self.diagnostics.push(diagnostic);
        }
        let charts = compare
            .get("charts")
            .map(|value| self.list_of_strings(value, &child("charts"), "charts"))
            .unwrap_or_default();
        Some(ComparisonSpec {
            kind,
            tag,
            entries: entries.unwrap_or_default(),
            fields,
            charts,
        })
    }
}

/// A claim list is a sequence of mappings that each have a `value`.
fn as_claim_list(value: &Yaml) -> Option<&Vec<Yaml>> {
    match value {
        Yaml::Sequence(items)
            if !items.is_empty()
                && items.iter().all(
                    |item| matches!(item, Yaml::Mapping(mapping) if mapping.contains_key("value")),
                ) =>
        {
            Some(items)
        }
        _ => None,
    }
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// Moves a diagnostic's marker `offset` bytes into the scalar it points at, so an error in the
/// middle of a value (`2025-13`) marks the bad part.
fn shift_marker(mut diagnostic: Diagnostic, offset: usize, text: &str) -> Diagnostic {
    if let (Some(position), Some(line)) = (
        diagnostic.position.as_mut(),
        diagnostic.source_line.as_ref(),
    ) {
        let start: usize = position.column - 1;
        let rest: String = line.chars().skip(start).collect();
        let skip_quote = usize::from(rest.starts_with('"') || rest.starts_with('\''));
        let chars_before = text
            .get(..offset.min(text.len()))
            .map_or(0, |prefix| prefix.chars().count());
        position.column += skip_quote + chars_before;
        diagnostic.span_length = text.chars().count().saturating_sub(chars_before).max(1);
    }
    diagnostic
}

fn describe_yaml(value: &Yaml) -> String {
    match value {
        Yaml::Null => "nothing".to_string(),
        Yaml::Bool(flag) => format!("`{flag}`"),
        Yaml::Number(number) => format!("the number {number}"),
        Yaml::String(text) => format!("the text `{text}`"),
        Yaml::Sequence(_) => "a list".to_string(),
        Yaml::Mapping(_) => "a mapping".to_string(),
        Yaml::Tagged(_) => "a tagged value".to_string(),
    }
}

fn describe_type(field_type: &FieldType) -> String {
    match field_type {
        FieldType::Quantity(dimension) => format!("a quantity of {}", dimension.name()),
        FieldType::Enum(values) => format!("one of {}", values.join(", ")),
        FieldType::Ref(kinds) => format!("the id of a {}", kinds.join(" or ")),
        FieldType::Refs(kinds) => format!("ids of {}", kinds.join(" or ")),
        other => other.name().to_string(),
    }
}

fn is_absolute_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) => !rest.is_empty() && !rest.contains(char::is_whitespace),
        None => text.starts_with("mailto:") && text.len() > 7,
    }
}

/// The site path of an entry: `countries/russia/`, `about/`, `comparisons/x/`.
fn url_path_for(id: &str, folder: &str) -> String {
    if folder.is_empty() {
        format!("{id}/")
    } else {
        format!("{folder}/{id}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_absolute() {
        assert!(is_absolute_url("https://usgs.gov/x"));
        assert!(!is_absolute_url("usgs.gov"));
        assert!(!is_absolute_url("https://"));
    }
}
