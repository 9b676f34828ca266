//! Stage 3, **validate**: raw front matter (what the YAML said) into typed entries (what later
//! stages accept).
//!
//! Raw values are `serde_yaml::Value`s; validated ones are the types of [`crate::model`]. Every
//! problem becomes a diagnostic pointing at the offending value, and validation goes on, so a
//! build reports all mistakes at once. An entry with errors is still returned when it has a
//! title and id, so links to it do not cascade into spurious "unknown target" errors; the build
//! fails at the end all the same.
//!
//! The checks are split by what they check: `built_in` the fields every entry has (title, id,
//! tags, dates, draft, sources), `typed_fields` the fields its kind's schema declares (with
//! `quantities` for figures with units), `claims` sourced values, `events` an entry's dated
//! events, `comparison` a comparison page's `compare:` spec; `values` holds the readers they
//! share (lists of text, entry references, dates).

mod built_in;
mod claims;
mod comparison;
mod events;
mod quantities;
mod typed_fields;
mod unreadable;
mod values;

pub use unreadable::{UnreadableEntries, UnreadableEntry};

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic, Position, did_you_mean};
use crate::model::{Entry, FieldEntry, FieldValue, Value};
use crate::parse::ParsedFile;
use crate::schema::{
    self, COMPARISON_FOLDER, COMPARISON_KIND, KindSchema, PAGE_KIND, Schemas, yaml_key_text,
};
use crate::source::{SourceFile, SourceText};
use crate::yaml_position::PathSegment;
use serde_yaml::{Mapping, Value as Yaml};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Validated entries plus the schemas they were checked against.
#[derive(Debug, Default)]
pub struct Validated {
    /// Kinds of the knowledge base.
    pub schemas: Schemas,
    /// Entries in path order (drafts left out unless asked for).
    pub entries: Vec<Arc<Entry>>,
    /// The root `_index.md` (home page prose), if present.
    pub home: Option<Arc<SourceText>>,
    /// The `comparisons/_index.md` intro, if present.
    pub comparisons_intro: Option<Arc<SourceText>>,
    /// The hash of everything each entry's validation read besides its own file (see
    /// [`Validator::inputs_key`]): an entry is a pure function of this and its file.
    pub inputs_key: u64,
    /// The ids and names of the entries that failed to validate, so links to them are not
    /// reported a second time as unknown ids.
    pub unreadable: UnreadableEntries,
}

/// Whether a content path is a folder's `_index` (a kind schema, or the home page).
pub fn is_index_path(content_path: &str) -> bool {
    content_path == "_index" || content_path.ends_with("/_index")
}

/// What validating one entry file gives: the entry (if it has a title and id) and its
/// diagnostics. A file in a folder that declares no kind is not validated at all; it is kept
/// aside so that [`Validator::finish`] reports the folder once, at its first file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The validated entry, if it had a title and a valid id (shared: a build's memo and its
    /// graph hold the same entry).
    pub entry: Option<Arc<Entry>>,
    /// Every problem found in the file.
    pub diagnostics: Vec<Diagnostic>,
    /// The file (front matter only), when its folder has no kind.
    in_folder_without_kind: Option<Arc<SourceText>>,
    /// The id and names of the entry, when it failed to validate (see [`UnreadableEntry`]).
    unreadable: Option<UnreadableEntry>,
}

impl FileResult {
    /// The result for the entry file at `content_path` that could not be read: its one
    /// diagnostic, and its id from its file name.
    pub fn unreadable(diagnostic: Diagnostic, content_path: &str) -> Self {
        Self::failed(
            diagnostic,
            UnreadableEntry::from_front_matter(content_path, &Mapping::new()),
        )
    }

    /// The result for an entry file that could not be parsed: its one diagnostic, and its id
    /// and the names that can still be read from its text.
    pub fn unparsable(failure: crate::parse::ParseFailure) -> Self {
        let names = UnreadableEntry::from_unparsable_text(
            &failure.source.content_path,
            &failure.source.text,
        );
        Self::failed(failure.diagnostic, names)
    }

    fn failed(diagnostic: Diagnostic, names: UnreadableEntry) -> Self {
        FileResult {
            entry: None,
            diagnostics: vec![diagnostic],
            in_folder_without_kind: None,
            unreadable: Some(names),
        }
    }

    /// Applies `change` to the entry, if there is one (e.g. to drop its body).
    pub fn map_entry(mut self, change: impl FnOnce(Entry) -> Entry) -> Self {
        // Just validated, the entry has no other owner: unwrapping it copies nothing.
        self.entry = self
            .entry
            .map(|entry| Arc::new(change(Arc::unwrap_or_clone(entry))));
        self
    }
}

/// Validation against the schemas read from the `_index.md` files. Entries are validated one
/// by one (and in parallel) as they are parsed, so no file's raw YAML outlives its validation.
pub struct Validator<'a> {
    schemas: Schemas,
    config: &'a Config,
    include_drafts: bool,
    home: Option<Arc<SourceText>>,
    comparisons_intro: Option<Arc<SourceText>>,
    diagnostics: Vec<Diagnostic>,
    inputs_key: u64,
}

impl<'a> Validator<'a> {
    /// Reads the kinds from the parsed `_index.md` files; `unparsable_index_files` are those
    /// that could not be parsed (already reported), whose folders' entries are then not
    /// reported again.
    pub fn new(
        index_files: &[ParsedFile],
        unparsable_index_files: &[SourceFile],
        config: &'a Config,
        include_drafts: bool,
    ) -> Self {
        let references: Vec<&ParsedFile> = index_files.iter().collect();
        let unparsable: Vec<&SourceFile> = unparsable_index_files.iter().collect();
        let (schemas, diagnostics) = schema::read_schemas(&references, &unparsable);
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
            inputs_key: validation_inputs_key(
                index_files,
                unparsable_index_files,
                config,
                include_drafts,
            ),
        }
    }

    /// The hash of what every entry's validation reads besides its own file: the
    /// configuration, whether drafts are included, and every `_index.md`'s path and text.
    pub fn inputs_key(&self) -> u64 {
        self.inputs_key
    }

    /// Validates one entry file against its folder's kind.
    pub fn entry(&self, file: &ParsedFile) -> FileResult {
        let folder = top_folder(&file.source.content_path);
        let kind = self.schemas.kind_of_folder(folder);
        let kind_name = match (folder, kind) {
            ("", _) => PAGE_KIND,
            (COMPARISON_FOLDER, None) => COMPARISON_KIND,
            (_, Some(kind)) => kind.kind.as_str(),
            // The folder's `_index.md` is broken, and reported: its entries cannot be
            // checked, but they keep their ids and names.
            (_, None) if self.schemas.broken.folders.contains(folder) => {
                return FileResult {
                    entry: None,
                    diagnostics: Vec::new(),
                    in_folder_without_kind: None,
                    unreadable: Some(UnreadableEntry::from_front_matter(
                        &file.source.content_path,
                        &file.front_matter,
                    )),
                };
            }
            (_, None) => {
                return FileResult {
                    entry: None,
                    diagnostics: Vec::new(),
                    in_folder_without_kind: Some(Arc::new(file.source.without_body())),
                    unreadable: None,
                };
            }
        };
        let mut context = EntryValidation {
            source: &file.source,
            config: self.config,
            diagnostics: Vec::new(),
        };
        let entry = context.entry(
            &file.front_matter,
            EntryKind {
                name: kind_name,
                schema: kind,
                folder,
            },
            &self.schemas,
        );
        context
            .diagnostics
            .extend(crate::limits::oversized_code_blocks(
                &file.source,
                self.config.limits.highlighted_code_block_size,
            ));
        let unreadable = match entry {
            Some(_) => None,
            None => Some(UnreadableEntry::from_front_matter(
                &file.source.content_path,
                &file.front_matter,
            )),
        };
        FileResult {
            entry: entry.map(Arc::new),
            diagnostics: context.diagnostics,
            in_folder_without_kind: None,
            unreadable,
        }
    }

    /// Gathers the per-file results, in path order, into the validated knowledge base. A
    /// folder without a kind is reported once, at its first file.
    pub fn finish(self, results: Vec<FileResult>) -> (Validated, Vec<Diagnostic>) {
        let Validator {
            schemas,
            include_drafts,
            home,
            comparisons_intro,
            mut diagnostics,
            inputs_key,
            ..
        } = self;
        let mut entries = Vec::with_capacity(results.len());
        let mut folders_without_kind = BTreeSet::new();
        let mut unreadable = UnreadableEntries::default();
        for result in results {
            if let Some(names) = &result.unreadable {
                unreadable.insert(names);
            }
            if let Some(source) = result.in_folder_without_kind {
                let folder = top_folder(&source.content_path);
                if folders_without_kind.insert(folder.to_string()) {
                    diagnostics.push(folder_without_kind(&source, folder));
                }
            }
            diagnostics.extend(result.diagnostics);
            if let Some(entry) = result.entry
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
                inputs_key,
                unreadable,
            },
            diagnostics,
        )
    }
}

/// See [`Validator::inputs_key`].
fn validation_inputs_key(
    index_files: &[ParsedFile],
    unparsable_index_files: &[SourceFile],
    config: &Config,
    include_drafts: bool,
) -> u64 {
    let mut key = crate::key::Key::new();
    key.text(&format!("{config:?}"))
        .number(u64::from(include_drafts));
    for file in index_files {
        key.text(&file.source.path).text(&file.source.text);
    }
    key.number(unparsable_index_files.len() as u64);
    for file in unparsable_index_files {
        key.text(&file.path).text(&file.text);
    }
    key.finish()
}

/// The error for the files of a folder that declares no kind, at the first of them.
fn folder_without_kind(source: &SourceText, folder: &str) -> Diagnostic {
    Diagnostic::error(Code::FolderWithoutKind,
        source.path.clone(),
        format!("the folder `{folder}` has no kind"),
    )
    .at(&source.text, Position { line: 1, column: 1 })
    .label("this entry's folder declares no kind")
    .help(format!(
        "add `{}/{folder}/_index.md` with `kind:` and `fields:` in its front matter (see CONTRIBUTING.md)",
        source.path.split('/').next().unwrap_or("content")
    ))
}

/// The folder part of a content path (`countries/russia` → `countries`; `about` → ``).
fn top_folder(content_path: &str) -> &str {
    content_path
        .split_once('/')
        .map_or("", |(folder, _)| folder)
}

/// The site path of an entry: `countries/russia/`, `about/`, `comparisons/x/`.
fn url_path_for(id: &str, folder: &str) -> String {
    if folder.is_empty() {
        format!("{id}/")
    } else {
        format!("{folder}/{id}/")
    }
}

/// The kind an entry is checked against: its name, its schema (none for the built-in kinds)
/// and the folder it lives in.
#[derive(Clone, Copy)]
struct EntryKind<'k> {
    name: &'k str,
    schema: Option<&'k KindSchema>,
    folder: &'k str,
}

/// The validation of one entry: its file, and the diagnostics found so far.
struct EntryValidation<'a> {
    source: &'a Arc<SourceText>,
    config: &'a Config,
    diagnostics: Vec<Diagnostic>,
}

impl EntryValidation<'_> {
    /// The typed entry, or `None` when it has no usable title, id or address (the reasons are
    /// in the diagnostics).
    fn entry(&mut self, front: &Mapping, kind: EntryKind, schemas: &Schemas) -> Option<Entry> {
        self.check_unknown_fields(front, kind, &schemas.broken);
        let title = self.title(front)?;
        let id = self.id(front)?;
        self.check_address(front, &id, kind.folder, schemas)?;
        let url_path = url_path_for(&id, kind.folder);
        let mut entry = Entry {
            id,
            kind: kind.name.to_string(),
            url_path,
            title,
            aliases: self.aliases(front),
            summary: self.optional_string(front, "summary"),
            tags: self.tags(front),
            date: None,
            updated: self.date_field(front, "updated"),
            draft: self.bool_field(front, "draft"),
            sources: self.references(front, "sources"),
            events: self.events(front),
            fields: Vec::new(),
            comparison: None,
            source: Arc::clone(self.source),
        };
        if entry.kind == COMPARISON_KIND {
            entry.comparison = self.comparison(front);
        }
        if let Some(schema) = kind.schema {
            entry.fields = self.schema_fields(front, schema);
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

    /// An error pointing at the node at `path` in the front matter.
    fn error_at(&self, code: Code, path: &[PathSegment], message: impl Into<String>) -> Diagnostic {
        schema::error_at_path(code, self.source, path, message)
    }

    /// A scalar as text the way the contributor wrote it: a string as YAML read it; a number
    /// or a boolean as its source text (`title: 0x1F` is "0x1F", not "31"; `1.50` keeps its
    /// zero), found only then, by its position, so strings never pay for it. `None` for a
    /// list, a mapping or nothing.
    fn written_text(&self, value: &Yaml, path: &[PathSegment]) -> Option<String> {
        if !matches!(value, Yaml::Number(_) | Yaml::Bool(_)) {
            return schema::scalar_text(value);
        }
        let yaml = self.source.front_matter_text();
        let written = crate::yaml_position::locate(yaml, path)
            .and_then(|position| crate::yaml_position::plain_scalar_at(yaml, position))
            // The token must be this very scalar, read again to the same value.
            .filter(|token| serde_yaml::from_str::<Yaml>(token).ok().as_ref() == Some(value));
        written
            .map(str::to_string)
            .or_else(|| schema::scalar_text(value))
    }

    /// An error pointing at the file's first line (for what is missing rather than wrong).
    fn error_at_first_line(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, self.source.path.clone(), message)
            .at(&self.source.text, Position { line: 1, column: 1 })
    }

    /// Records `diagnostic` and gives up on the value it is about.
    fn reject<T>(&mut self, diagnostic: Diagnostic) -> Option<T> {
        self.diagnostics.push(diagnostic);
        None
    }

    /// Reports every key of `mapping` (at `path`) that is not among `known`.
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
            let diagnostic = self.error_at(
                Code::UnknownKey,
                &key_path,
                format!("unknown key `{name}` in {what}"),
            );
            let diagnostic = match did_you_mean(&name, known.iter().copied()) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => diagnostic.help(format!("known keys: {}", known.join(", "))),
            };
            self.diagnostics.push(diagnostic);
        }
    }

    /// A figure or event without `source:`: an error when the site requires sources, a
    /// warning otherwise.
    fn missing_source(&mut self, path: &[PathSegment], message: &str) {
        let mut diagnostic = self
            .error_at(Code::MissingSource, path, message)
            .help("add `source: <id of a source entry>` so readers can check it");
        if !self.config.require_sources {
            diagnostic.severity = crate::diagnostics::Severity::Warning;
        }
        self.diagnostics.push(diagnostic);
    }
}

/// The path segment of the value of key `name`.
fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// `path` followed by the key `name`.
fn child(path: &[PathSegment], name: &str) -> Vec<PathSegment> {
    let mut child = path.to_vec();
    child.push(key(name));
    child
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

/// What a YAML value is, for "expected …, found …" messages.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// Parses `text` as the file `content/{content_path}.md`.
    fn parsed(content_path: &str, text: &str) -> ParsedFile {
        crate::parse::parse_file(SourceFile {
            path: format!("content/{content_path}.md"),
            content_path: content_path.into(),
            text: text.into(),
        })
        .expect("test files parse")
    }

    /// A kind with a quantity, a string and an enum field.
    fn minerals_kind() -> ParsedFile {
        parsed(
            "minerals/_index",
            "---\nkind: mineral\nfields:\n  reserves: { type: quantity, dimension: mass }\n  \
             grade: { type: string }\n  status: { type: enum, values: [mined, closed] }\n---\n",
        )
    }

    /// `path:line:column message` of every diagnostic of validating `entries` against the
    /// kinds of `index_files`.
    fn diagnostics_of(index_files: &[ParsedFile], entries: &[ParsedFile]) -> Vec<String> {
        let config = Config::default();
        let validator = Validator::new(index_files, &[], &config, false);
        let results = entries.iter().map(|file| validator.entry(file)).collect();
        let (_, diagnostics) = validator.finish(results);
        diagnostics
            .iter()
            .map(|diagnostic| format!("{} {}", diagnostic.location(), diagnostic.message))
            .collect()
    }

    #[test]
    fn a_not_a_number_or_infinite_figure_is_not_a_quantity() {
        let entry = parsed(
            "minerals/a",
            "---\ntitle: A\nreserves:\n  - { value: .nan, unit: Mt, source: s }\n  \
             - { value: -.inf, unit: Mt, source: s }\n---\n",
        );
        let mapping = parsed(
            "minerals/b",
            "---\ntitle: B\nreserves: { value: .inf, unit: Mt }\n---\n",
        );
        assert_eq!(
            diagnostics_of(&[minerals_kind()], &[entry, mapping]),
            [
                "content/minerals/a.md:4:14 `reserves` expects a quantity, found the number .nan",
                "content/minerals/a.md:5:14 `reserves` expects a quantity, found the number -.inf",
                "content/minerals/b.md:3:20 `reserves` expects a quantity, found the number .inf",
            ]
        );
    }

    #[test]
    fn a_claims_unit_on_a_field_that_is_not_a_quantity_is_an_error_at_the_unit() {
        let entry = parsed(
            "minerals/a",
            "---\ntitle: A\ngrade:\n  - { value: high, unit: Mt, source: s }\n---\n",
        );
        assert_eq!(
            diagnostics_of(&[minerals_kind()], &[entry]),
            ["content/minerals/a.md:4:26 `unit` applies only to quantity fields"]
        );
    }

    #[test]
    fn a_string_quantity_of_the_wrong_dimension_marks_the_unit() {
        let entry = parsed("minerals/a", "---\ntitle: A\nreserves: 12 USD/kg\n---\n");
        assert_eq!(
            diagnostics_of(&[minerals_kind()], &[entry]),
            ["content/minerals/a.md:3:14 `USD/kg` is a unit of price, but this field is a mass"]
        );
    }

    #[test]
    fn a_folder_without_a_kind_is_reported_once_at_its_first_file() {
        let first = parsed("notes/a", "---\ntitle: A\n---\n");
        let second = parsed("notes/b", "---\ntitle: B\n---\n");
        let other = parsed("drafts/c", "---\ntitle: C\n---\n");
        assert_eq!(
            diagnostics_of(&[], &[first, second, other]),
            [
                "content/notes/a.md:1:1 the folder `notes` has no kind",
                "content/drafts/c.md:1:1 the folder `drafts` has no kind",
            ]
        );
    }
}
