//! The built-in fields every entry has, whatever its kind: `title`, `id` (and the address it
//! gives), `aliases`, `summary`, `tags`, `updated`, `draft`, `sources`; and the check that
//! every key of the front matter is a known field.

use super::{EntryKind, EntryValidation, key, url_path_for};
use crate::diagnostics::{Code, did_you_mean};
use crate::edtf::Edtf;
use crate::model::Reference;
use crate::schema::{
    BUILT_IN_FIELDS, BrokenDeclarations, COMPARISON_FOLDER, COMPARISON_KIND, Schemas, is_valid_id,
    yaml_key_text,
};
use crate::yaml_position::PathSegment;
use serde_yaml::{Mapping, Value as Yaml};

/// The key a comparison page adds to the built-in fields.
const COMPARE_KEY: &str = "compare";

impl EntryValidation<'_> {
    /// Reports every front-matter key that is neither built in nor declared by the kind.
    pub(super) fn check_unknown_fields(
        &mut self,
        front: &Mapping,
        kind: EntryKind,
        broken: &BrokenDeclarations,
    ) {
        let is_comparison = kind.name == COMPARISON_KIND;
        for key in front.keys() {
            let name = yaml_key_text(key);
            // A field whose declaration is broken is reported there, not at every value.
            let known_in_kind = kind
                .schema
                .is_some_and(|schema| schema.field(&name).is_some())
                || broken.has_field(kind.name, &name);
            let known = BUILT_IN_FIELDS.contains(&name.as_str())
                || known_in_kind
                || (is_comparison && name == COMPARE_KEY);
            if known {
                continue;
            }
            let mut candidates: Vec<&str> = BUILT_IN_FIELDS.to_vec();
            if let Some(schema) = kind.schema {
                candidates.extend(schema.fields.iter().map(|field| field.name.as_str()));
            }
            if is_comparison {
                candidates.push(COMPARE_KEY);
            }
            let kind_name = kind.name;
            let diagnostic = self
                .error_at(
                    Code::UnknownField,
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

    /// The entry's title: required, non-empty text (trimmed).
    pub(super) fn title(&mut self, front: &Mapping) -> Option<String> {
        let Some(value) = front.get("title") else {
            let diagnostic = self
                .error_at_first_line(Code::MissingTitle, "missing `title`")
                .label("every entry needs a title")
                .help("add `title: The title` to the front matter");
            return self.reject(diagnostic);
        };
        match self
            .written_text(value, &[key("title")])
            .filter(|text| !text.trim().is_empty())
        {
            Some(title) => {
                let title = title.trim().to_string();
                if self.name_is_too_long(&title, &[key("title")], "title") {
                    return None;
                }
                Some(title)
            }
            None => {
                let diagnostic = self
                    .error_at(
                        Code::MissingTitle,
                        &[key("title")],
                        "`title` must be non-empty text",
                    )
                    .help("write `title: The title`");
                self.reject(diagnostic)
            }
        }
    }

    /// An error at the `id:` value when the front matter sets one; otherwise the id comes
    /// from the file name, and the error points at the file's first line.
    fn error_at_id(
        &self,
        code: Code,
        front: &Mapping,
        message: String,
    ) -> crate::diagnostics::Diagnostic {
        if front.contains_key("id") {
            self.error_at(code, &[key("id")], message)
        } else {
            self.error_at_first_line(code, message)
        }
    }

    /// The entry's id: `id:` if set, else the file name; either must be a valid id.
    pub(super) fn id(&mut self, front: &Mapping) -> Option<String> {
        let (id, from_field) = match front.get("id") {
            Some(value) => (
                self.written_text(value, &[key("id")]).unwrap_or_default(),
                true,
            ),
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
        let diagnostic = self.error_at_id(Code::InvalidId, front, message).help(format!(
            "ids use lowercase letters, digits and `-`: rename the file or set `id: {suggestion}`"
        ));
        self.reject(diagnostic)
    }

    /// An entry lives at `folder/id/` (a top-level page at `id/`): that address must not be
    /// one of the site's own pages, a kind's index or a kind's timeline, which it would
    /// silently replace.
    pub(super) fn check_address(
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
        let diagnostic = self
            .error_at_id(Code::AddressTaken, front, message)
            .label("this address is taken")
            .help("rename the file or set another `id:`");
        self.reject(diagnostic)
    }

    /// A built-in text field such as `summary`, if set.
    pub(super) fn optional_string(&mut self, front: &Mapping, name: &str) -> Option<String> {
        let value = front.get(name)?;
        match self.written_text(value, &[key(name)]) {
            Some(text) => Some(text),
            None => {
                let diagnostic = self
                    .error_at(
                        Code::WrongType,
                        &[key(name)],
                        format!("`{name}` must be text"),
                    )
                    .help(format!("write `{name}: some text`"));
                self.reject(diagnostic)
            }
        }
    }

    /// A built-in list of text such as `aliases` (empty if unset).
    pub(super) fn string_list(&mut self, front: &Mapping, name: &str) -> Vec<String> {
        match front.get(name) {
            None | Some(Yaml::Null) => Vec::new(),
            Some(value) => self.list_of_strings(value, &[key(name)], name),
        }
    }

    /// An error (pushed) when `name`, the title or an alias at `path`, is longer than
    /// `limits.name_length`: such a name is left out, so it never reaches the mention matcher.
    fn name_is_too_long(&mut self, name: &str, path: &[PathSegment], what: &str) -> bool {
        let limit = self.config.limits.name_length;
        let length = name.chars().count();
        if length <= limit {
            return false;
        }
        let diagnostic = self
            .error_at(
                Code::NameTooLong,
                path,
                format!("the {what} is {length} characters long, longer than the limit of {limit}"),
            )
            .label("too long")
            .help(crate::limits::limit_help("name_length", limit));
        self.diagnostics.push(diagnostic);
        true
    }

    /// The entry's aliases (empty if unset); one longer than `limits.name_length` is an error
    /// and left out.
    pub(super) fn aliases(&mut self, front: &Mapping) -> Vec<String> {
        let aliases = self.string_list(front, "aliases");
        let mut kept = Vec::with_capacity(aliases.len());
        for (index, alias) in aliases.into_iter().enumerate() {
            let path = [key("aliases"), PathSegment::Index(index)];
            if !self.name_is_too_long(&alias, &path, "alias") {
                kept.push(alias);
            }
        }
        kept
    }

    /// The entry's tags: each must be a valid id; sorted, without repeats; at most
    /// `limits.tags_per_entry` (one error at the first one over, and the rest left out, so
    /// a list of a million tags costs one error and no pages).
    pub(super) fn tags(&mut self, front: &Mapping) -> Vec<String> {
        let limit = self.config.limits.tags_per_entry;
        // Counted before any tag is read: reading one may cost a position lookup.
        let tags = match front.get("tags") {
            Some(Yaml::Sequence(items)) if items.len() > limit => {
                let diagnostic = self
                    .error_at(
                        Code::TooManyTags,
                        &[key("tags"), PathSegment::Index(limit)],
                        format!(
                            "the entry has {} tags, more than the limit of {limit}",
                            items.len()
                        ),
                    )
                    .label("one too many")
                    .help(crate::limits::limit_help("tags_per_entry", limit));
                self.diagnostics.push(diagnostic);
                let kept = Yaml::Sequence(items[..limit].to_vec());
                self.list_of_strings(&kept, &[key("tags")], "tags")
            }
            _ => self.string_list(front, "tags"),
        };
        let mut valid = Vec::new();
        for (index, tag) in tags.into_iter().enumerate() {
            if is_valid_id(&tag) {
                valid.push(tag);
            } else {
                let diagnostic = self
                    .error_at(
                        Code::InvalidTag,
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

    /// A built-in flag such as `draft` (`false` if unset or wrong).
    pub(super) fn bool_field(&mut self, front: &Mapping, name: &str) -> bool {
        match front.get(name) {
            None => false,
            Some(Yaml::Bool(flag)) => *flag,
            Some(_) => {
                let diagnostic = self
                    .error_at(
                        Code::WrongType,
                        &[key(name)],
                        format!("`{name}` must be `true` or `false`"),
                    )
                    .help(format!("write `{name}: true`"));
                self.diagnostics.push(diagnostic);
                false
            }
        }
    }

    /// A built-in date such as `updated`, if set.
    pub(super) fn date_field(&mut self, front: &Mapping, name: &str) -> Option<Edtf> {
        let value = front.get(name)?;
        self.date(value, &[key(name)])
    }

    /// A built-in list of entry references such as `sources` (empty if unset).
    pub(super) fn references(&mut self, front: &Mapping, name: &str) -> Vec<Reference> {
        match front.get(name) {
            None | Some(Yaml::Null) => Vec::new(),
            Some(value) => self.reference_list(value, &[key(name)], name),
        }
    }
}
