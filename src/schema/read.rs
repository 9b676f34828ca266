//! Reading every folder's `_index.md` into a [`KindSchema`]: the kind's name, title, summary
//! and fields (see `fields`), and the checks across kinds (one kind per name, `to:` naming
//! kinds that exist, no folder at a site page's address).

use super::fields::read_field;
use super::positions::{error_at_value, unknown_key};
use super::{
    COMPARISON_FOLDER, COMPARISON_KIND, KindSchema, PAGE_KIND, SITE_FOLDERS, Schemas, capitalise,
    is_valid_id, scalar_text, yaml_key_text,
};
use crate::diagnostics::{Code, Diagnostic, Position, did_you_mean};
use crate::parse::ParsedFile;
use crate::source::{SourceFile, SourceText};
use serde_yaml::{Mapping, Value as Yaml};

/// The keys an `_index.md` that declares a kind may have.
const KIND_KEYS: [&str; 4] = ["title", "kind", "fields", "summary"];

/// Reads every folder's `_index.md` into a kind schema. `unparsable` are the `_index.md` files
/// that could not be parsed (their errors are already reported): their folders are recorded as
/// broken, with the `kind:` they declare if that line can be read, so their entries and refs to
/// them are not reported again.
pub fn read_schemas(
    index_files: &[&ParsedFile],
    unparsable: &[&SourceFile],
) -> (Schemas, Vec<Diagnostic>) {
    let mut schemas = Schemas::default();
    let mut diagnostics = Vec::new();
    for file in unparsable {
        let Some(folder) = folder_of_index(&file.content_path) else {
            continue;
        };
        let front =
            crate::parse::top_level_lines_of_broken_front_matter(&file.text, &["kind"], 500);
        note_broken_folder(&mut schemas, folder, &front);
    }
    for file in index_files {
        let Some(folder) = folder_of_index(&file.source.content_path) else {
            continue; // the home page's `_index.md`
        };
        if folder == COMPARISON_FOLDER && !file.front_matter.contains_key("kind") {
            continue; // comparisons is a built-in kind; its `_index.md` only gives the intro
        }
        if SITE_FOLDERS.contains(&folder) {
            diagnostics.push(folder_at_a_site_page(&file.source, folder));
            note_broken_kind(&mut schemas, file, folder);
            continue;
        }
        if !is_valid_id(folder) {
            diagnostics.push(folder_not_an_id(&file.source, folder));
            note_broken_kind(&mut schemas, file, folder);
            continue;
        }
        let Some(kind) = read_kind(file, folder, &mut schemas, &mut diagnostics) else {
            // The reasons are in `diagnostics`.
            note_broken_kind(&mut schemas, file, folder);
            continue;
        };
        if let Some(existing) = schemas.kinds.get(&kind.kind) {
            diagnostics.push(
                error_at_value(
                    Code::KindDeclaredTwice,
                    &file.source,
                    &["kind"],
                    format!("the kind `{}` is declared twice", kind.kind),
                )
                .help(format!(
                    "`{}` already declares it; give this folder another kind name",
                    existing.source.path
                )),
            );
            schemas.broken.folders.insert(folder.to_string());
            continue;
        }
        schemas
            .folders
            .insert(folder.to_string(), kind.kind.clone());
        schemas.kinds.insert(kind.kind.clone(), kind);
    }
    check_reference_targets(&schemas, &mut diagnostics);
    (schemas, diagnostics)
}

/// Records that `folder` declares no usable kind (see [`note_broken_folder`]).
fn note_broken_kind(schemas: &mut Schemas, file: &ParsedFile, folder: &str) {
    note_broken_folder(schemas, folder, &file.front_matter);
}

/// Records that `folder`, whose `_index.md` front matter (as far as it could be read) is
/// `front`, declares no usable kind; and the kind name it meant: its `kind:` if it wrote one,
/// else the guess its folder name gives (`minerals` → `mineral`), so other kinds' `to:` naming
/// it are not reported too.
fn note_broken_folder(schemas: &mut Schemas, folder: &str, front: &Mapping) {
    schemas.broken.folders.insert(folder.to_string());
    let kind = match front.get("kind").and_then(Yaml::as_str) {
        Some(kind) => kind.to_string(),
        None => singular(folder),
    };
    schemas.broken.kinds.insert(kind);
}

/// `countries/_index` → `countries`; the root `_index` → `None`.
pub fn folder_of_index(content_path: &str) -> Option<&str> {
    content_path.strip_suffix("/_index")
}

/// A kind folder's name is part of its pages' addresses, so it follows the rule of ids
/// (lowercase ASCII letters, digits, `-`): otherwise `Notes/` and `notes/`, or `café/` written
/// in NFC and in NFD, would be two folders here and one on a case-insensitive or normalising
/// file system (macOS, Windows), where one's pages would overwrite the other's.
fn folder_not_an_id(source: &SourceText, folder: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FolderNameNotAKind,
        source.path.clone(),
        format!("the folder name `{folder}` is not a valid kind folder"),
    )
    .at(&source.text, Position { line: 1, column: 1 })
    .label("in this folder")
    .help(format!(
        "folder names use lowercase letters, digits and `-` (so no two can collide on a \
         case-insensitive file system): rename the folder, e.g. to `{}`",
        crate::text::id_slug(folder)
    ))
}

/// A kind folder named like a site page (`timeline/`) would take that page's address.
fn folder_at_a_site_page(source: &SourceText, folder: &str) -> Diagnostic {
    error_at_value(
        Code::FolderTakesSitePage,
        source,
        &["kind"],
        format!("the folder `{folder}` would take the address of the site's own `{folder}/` page"),
    )
    .label("this kind's index would be at the same address")
    .help(format!(
        "rename the folder; {} are the site's own pages",
        SITE_FOLDERS.map(|name| format!("`{name}/`")).join(", ")
    ))
}

/// The kind declared by the `_index.md` of `folder`; `None` when it declares none usable.
fn read_kind(
    file: &ParsedFile,
    folder: &str,
    schemas: &mut Schemas,
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
    let kind_name = read_kind_name(source, front, folder, diagnostics)?;
    let title =
        kind_text(source, front, "title", diagnostics).unwrap_or_else(|| capitalise(folder));
    let summary = kind_text(source, front, "summary", diagnostics);
    let mut fields = Vec::new();
    match front.get("fields") {
        None | Some(Yaml::Null) => {}
        Some(Yaml::Mapping(mapping)) => {
            for (key, spec) in mapping {
                let name = yaml_key_text(key);
                match read_field(source, &name, spec, diagnostics) {
                    Some(field) => fields.push(field),
                    None => {
                        schemas.broken.fields.insert((kind_name.to_string(), name));
                    }
                }
            }
        }
        Some(_) => diagnostics.push(
            error_at_value(
                Code::SchemaValueWrongType,
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

/// The `kind:` name: present, a valid id, and not a built-in kind.
fn read_kind_name<'f>(
    source: &SourceText,
    front: &'f Mapping,
    folder: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'f str> {
    let Some(kind_name) = front.get("kind").and_then(Yaml::as_str) else {
        let diagnostic = Diagnostic::error(
            Code::IndexWithoutKind,
            source.path.clone(),
            format!("the folder `{folder}` has an `_index.md` without a `kind`"),
        )
        .at(&source.text, Position { line: 1, column: 1 })
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
                Code::InvalidKindName,
                source,
                &["kind"],
                format!("`{kind_name}` is not a valid kind name"),
            )
            .help(format!(
                "use lowercase letters, digits and `-`, e.g. `{}`",
                suggested_kind_name(kind_name)
            )),
        );
        return None;
    }
    if kind_name == COMPARISON_KIND || kind_name == PAGE_KIND {
        diagnostics.push(
            error_at_value(
                Code::BuiltInKind,
                source,
                &["kind"],
                format!("`{kind_name}` is a built-in kind"),
            )
            .help("choose another name for this kind"),
        );
        return None;
    }
    Some(kind_name)
}

/// A valid kind name close to `kind_name` (`Company` → `company`), for a help line; `country`
/// when nothing of it survives.
fn suggested_kind_name(kind_name: &str) -> String {
    let slug = crate::text::id_slug(kind_name);
    if slug.is_empty() {
        "country".to_string()
    } else {
        slug
    }
}

/// The kind's `title` or `summary`, if set. It must be text: a list, a mapping or nothing
/// there is an error (it used to be dropped without a word, the index silently falling back
/// to the folder's name).
fn kind_text(
    source: &SourceText,
    front: &Mapping,
    key: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let value = front.get(key)?;
    match scalar_text(value) {
        Some(text) => Some(text),
        None => {
            diagnostics.push(
                error_at_value(
                    Code::SchemaValueWrongType,
                    source,
                    &[key],
                    format!("`{key}` must be text"),
                )
                .help(format!("write `{key}: some text`")),
            );
            None
        }
    }
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
                    || schemas.broken.kinds.contains(target)
                    || target == COMPARISON_KIND
                    || target == PAGE_KIND
                {
                    continue;
                }
                let mut diagnostic = error_at_value(
                    Code::ReferenceTarget,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// `line:column message` of every diagnostic of reading `text` as `countries/_index.md`,
    /// and the kind's title and summary.
    fn read_countries(text: &str) -> (Vec<String>, Option<(String, Option<String>)>) {
        let file = crate::parse::parse_file(SourceFile {
            path: "content/countries/_index.md".into(),
            content_path: "countries/_index".into(),
            text: text.into(),
        })
        .expect("test file parses");
        let (schemas, diagnostics) = read_schemas(&[&file], &[]);
        let messages = diagnostics
            .iter()
            .map(|diagnostic| format!("{} {}", diagnostic.location(), diagnostic.message))
            .collect();
        let kind = schemas
            .kinds
            .get("country")
            .map(|kind| (kind.title.clone(), kind.summary.clone()));
        (messages, kind)
    }

    #[test]
    fn a_kind_title_or_summary_that_is_not_text_is_an_error_at_its_line() {
        let (messages, kind) =
            read_countries("---\nkind: country\ntitle: [Countries]\nsummary: { a: b }\n---\n");
        assert_eq!(
            messages,
            [
                "content/countries/_index.md:3:8 `title` must be text",
                "content/countries/_index.md:4:10 `summary` must be text",
            ]
        );
        assert_eq!(kind, Some(("Countries".to_string(), None)));
    }

    #[test]
    fn a_kind_description_is_an_unknown_key_not_silently_ignored() {
        let (messages, _) =
            read_countries("---\nkind: country\ndescription: Nations of the world\n---\n");
        assert_eq!(
            messages,
            ["content/countries/_index.md:3:1 unknown key `description` in an `_index.md`"]
        );
    }

    #[test]
    fn singular_of_folder_names() {
        assert_eq!(singular("countries"), "country");
        assert_eq!(singular("minerals"), "mineral");
        assert_eq!(singular("people"), "people");
    }
}
