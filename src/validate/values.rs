//! Readers shared by every check: lists of text, references to entries by id, and dates.

use super::{EntryValidation, shift_marker};
use crate::diagnostics::Code;
use crate::edtf::{self, Edtf};
use crate::model::Reference;
use crate::schema::scalar_text;
use crate::yaml_position::{CompactPath, PathSegment};
use serde_yaml::Value as Yaml;

impl EntryValidation<'_> {
    /// A list of short texts; one scalar counts as a list of one. Items that are not text are
    /// reported and left out.
    pub(super) fn list_of_strings(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        name: &str,
    ) -> Vec<String> {
        let Yaml::Sequence(items) = value else {
            return match self.written_text(value, path) {
                Some(text) => vec![text],
                None => {
                    let diagnostic = self
                        .error_at(Code::WrongType, path, format!("`{name}` must be a list"))
                        .help("write a list like `[a, b, c]`");
                    self.diagnostics.push(diagnostic);
                    Vec::new()
                }
            };
        };
        let mut strings = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let mut item_path = path.to_vec();
            item_path.push(PathSegment::Index(index));
            match self.written_text(item, &item_path) {
                Some(text) => strings.push(text),
                None => {
                    let diagnostic = self
                        .error_at(
                            Code::WrongType,
                            &item_path,
                            format!("items of `{name}` must be text"),
                        )
                        .help("write a list like `[a, b, c]`");
                    self.diagnostics.push(diagnostic);
                }
            }
        }
        strings
    }

    /// A list of entry ids; one id counts as a list of one.
    pub(super) fn reference_list(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        name: &str,
    ) -> Vec<Reference> {
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

    /// One entry id, kept with where it was written (link resolves it).
    pub(super) fn reference(
        &mut self,
        value: &Yaml,
        path: Vec<PathSegment>,
        name: &str,
    ) -> Option<Reference> {
        match value.as_str() {
            Some(id) if !id.trim().is_empty() => Some(Reference {
                target: id.trim().to_string(),
                path: CompactPath::new(&path),
            }),
            _ => {
                let diagnostic = self
                    .error_at(
                        Code::WrongType,
                        &path,
                        format!("`{name}` must name entries by id"),
                    )
                    .help("write an id such as `russia`");
                self.reject(diagnostic)
            }
        }
    }

    /// An EDTF date; a parse error marks the bad part of the value.
    pub(super) fn date(&mut self, value: &Yaml, path: &[PathSegment]) -> Option<Edtf> {
        let Some(text) = scalar_text(value) else {
            let diagnostic = self
                .error_at(Code::InvalidDate, path, "expected a date")
                .help("write a date like 2025-02-24, 2025-02 or 2025");
            return self.reject(diagnostic);
        };
        match edtf::parse(&text) {
            Ok(date) => Some(date),
            Err(error) => {
                let diagnostic = self
                    .error_at(Code::InvalidDate, path, error.message.clone())
                    .help(error.help.clone());
                let diagnostic = shift_marker(diagnostic, error.offset, &text);
                self.reject(diagnostic)
            }
        }
    }
}
