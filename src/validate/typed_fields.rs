//! The fields a kind's schema declares (`_index.md`'s `fields:`): required ones present, and
//! each value of its declared type. Quantities are in `quantities`.

use super::{EntryValidation, describe_yaml, key};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::model::{FieldEntry, Value};
use crate::schema::{FieldSchema, FieldType, KindSchema, scalar_text};
use crate::yaml_position::PathSegment;
use serde_yaml::{Mapping, Value as Yaml};

impl EntryValidation<'_> {
    /// The values of the kind's fields, in declared order; missing required fields are
    /// reported.
    pub(super) fn schema_fields(&mut self, front: &Mapping, kind: &KindSchema) -> Vec<FieldEntry> {
        let mut fields = Vec::new();
        for field in &kind.fields {
            match front.get(field.name.as_str()) {
                None | Some(Yaml::Null) => {
                    if field.required {
                        self.missing_required_field(kind, field);
                    }
                }
                Some(value) => {
                    if let Some(value) = self.field_value(value, vec![key(&field.name)], field) {
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

    fn missing_required_field(&mut self, kind: &KindSchema, field: &FieldSchema) {
        let diagnostic = self
            .error_at_first_line(
                Code::MissingRequiredField,
                format!("missing required field `{}`", field.name),
            )
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

    /// Checks one bare value against the field type. `unit` is the claim's separate `unit:` key.
    pub(super) fn typed_value(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        field: &FieldSchema,
        unit: Option<(&str, Vec<PathSegment>)>,
    ) -> Option<Value> {
        let name = field.name.as_str();
        match &field.field_type {
            FieldType::String | FieldType::Text => self.text_value(value, path, field),
            FieldType::Number => match value.as_f64() {
                Some(number) if number.is_finite() => Some(Value::Number(number)),
                _ => self.wrong_type(value, path, name, "a number", format!("write `{name}: 42`")),
            },
            FieldType::Bool => match value {
                Yaml::Bool(flag) => Some(Value::Bool(*flag)),
                _ => self.wrong_type(
                    value,
                    path,
                    name,
                    "`true` or `false`",
                    format!("write `{name}: true`"),
                ),
            },
            FieldType::Date => self.date(value, path).map(Value::Date),
            FieldType::Url => self.url_value(value, path, name),
            FieldType::Enum(values) => self.enum_value(value, path, name, values),
            FieldType::Ref(_) => match value {
                Yaml::Sequence(_) => self.wrong_type(
                    value,
                    path,
                    name,
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

    /// Reports a value of the wrong YAML type and gives up on it.
    fn wrong_type<T>(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        name: &str,
        expected: &str,
        help: String,
    ) -> Option<T> {
        let found = describe_yaml(value);
        let diagnostic = self
            .error_at(
                Code::WrongType,
                path,
                format!("`{name}` expects {expected}, found {found}"),
            )
            .label(format!("expected {expected}"))
            .help(help);
        self.reject(diagnostic)
    }

    /// A `string` or `text` value, which must match the field's `pattern` if it has one.
    fn text_value(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        field: &FieldSchema,
    ) -> Option<Value> {
        let name = field.name.as_str();
        let Some(text) = self.written_text(value, path) else {
            return self.wrong_type(
                value,
                path,
                name,
                "text",
                format!("write `{name}: some text`"),
            );
        };
        if let Some(pattern) = &field.pattern
            && !pattern.is_match(&text)
        {
            let diagnostic = self
                .error_at(
                    Code::PatternMismatch,
                    path,
                    format!("`{text}` does not match the pattern of `{name}`"),
                )
                .label(format!("must match `{}`", pattern.as_str()))
                .help(format!(
                    "the schema requires `{name}` to match the regular expression `{}`",
                    pattern.as_str()
                ));
            return self.reject(diagnostic);
        }
        Some(if field.field_type == FieldType::Text {
            self.check_text_links(&text, path, name);
            Value::Text(text)
        } else {
            Value::String(text)
        })
    }

    /// Reports each link or image of the `text` value `text` whose address has an unsafe
    /// scheme, at the link inside the value (render drops the address all the same).
    fn check_text_links(&mut self, text: &str, path: &[PathSegment], name: &str) {
        for (offset, scheme) in crate::url_safety::unsafe_links_in_markdown(text) {
            let diagnostic = self
                .error_at(
                    Code::UnsafeAddressInField,
                    path,
                    format!("a link in `{name}` has a `{scheme}:` address, which is not allowed"),
                )
                .label("unsafe address")
                .help(format!(
                    "links may use http:, https:, mailto: and tel: addresses or relative ones; a \
                     `{scheme}:` address can run code or load content in every reader's browser"
                ));
            self.diagnostics
                .push(super::shift_marker(diagnostic, offset, text));
        }
    }

    /// A `url` value: an absolute address.
    fn url_value(&mut self, value: &Yaml, path: &[PathSegment], name: &str) -> Option<Value> {
        let Some(text) = value.as_str() else {
            return self.wrong_type(
                value,
                path,
                name,
                "an address",
                format!("write `{name}: https://example.org/`"),
            );
        };
        if is_absolute_url(text) {
            return Some(Value::Url(text.to_string()));
        }
        let diagnostic = match crate::url_safety::unsafe_scheme(text) {
            Some(scheme) => self
                .error_at(
                    Code::UnsafeAddressInField,
                    path,
                    format!("`{name}` has a `{scheme}:` address, which is not allowed"),
                )
                .label("unsafe address")
                .help(format!(
                    "addresses start with `https://`, `http://`, `mailto:` or `tel:`; a \
                     `{scheme}:` address can run code or load content in every reader's browser"
                )),
            None => self
                .error_at(
                    Code::UnsafeAddressInField,
                    path,
                    format!("`{text}` is not an absolute address"),
                )
                .help("addresses start with `https://`, `http://`, `mailto:` or `tel:`"),
        };
        self.reject(diagnostic)
    }

    /// An `enum` value: one of the schema's `values`.
    fn enum_value(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        name: &str,
        values: &[String],
    ) -> Option<Value> {
        let Some(text) = scalar_text(value) else {
            return self.wrong_type(
                value,
                path,
                name,
                "one of the listed values",
                format!("use one of: {}", values.join(", ")),
            );
        };
        if values.contains(&text) {
            return Some(Value::Enum(text));
        }
        let diagnostic = self.error_at(
            Code::NotAnEnumValue,
            path,
            format!("`{text}` is not a value of `{name}`"),
        );
        let diagnostic: Diagnostic = match did_you_mean(&text, values.iter().map(String::as_str)) {
            Some(close) => diagnostic.help(format!(
                "did you mean `{close}`? allowed: {}",
                values.join(", ")
            )),
            None => diagnostic.help(format!("allowed values: {}", values.join(", "))),
        };
        self.reject(diagnostic)
    }
}

/// A field type as the help of a missing field describes it.
fn describe_type(field_type: &FieldType) -> String {
    match field_type {
        FieldType::Quantity(dimension) => format!("a quantity of {}", dimension.name()),
        FieldType::Enum(values) => format!("one of {}", values.join(", ")),
        FieldType::Ref(kinds) => format!("the id of a {}", kinds.join(" or ")),
        FieldType::Refs(kinds) => format!("ids of {}", kinds.join(" or ")),
        other => other.name().to_string(),
    }
}

/// `https://…`, `http://…` (with something after the scheme), `mailto:…` or `tel:…`, with no
/// spaces or control characters anywhere (a browser would drop them and could read another
/// address than the one shown).
fn is_absolute_url(text: &str) -> bool {
    if text.contains(|character: char| character.is_whitespace() || character.is_control()) {
        return false;
    }
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) => !rest.is_empty(),
        None => ["mailto:", "tel:"].iter().any(|scheme| {
            text.strip_prefix(scheme)
                .is_some_and(|address| !address.is_empty())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_absolute() {
        assert!(is_absolute_url("https://usgs.gov/x"));
        assert!(is_absolute_url("mailto:a@b.org"));
        assert!(is_absolute_url("tel:+4420"));
        assert!(!is_absolute_url("usgs.gov"));
        assert!(!is_absolute_url("https://"));
        assert!(!is_absolute_url("tel:"));
        assert!(!is_absolute_url("https://x.org/\u{1}a"));
        assert!(!is_absolute_url("javascript:alert(1)"));
        assert!(!is_absolute_url("https://x.org/a b"));
    }
}
