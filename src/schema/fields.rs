//! One field spec of a kind (`reserves: { type: quantity, dimension: mass, required: true }`)
//! into a [`FieldSchema`]; every mistake in it is a positioned diagnostic.

use super::positions::{error_at_key, error_at_value, unknown_key};
use super::{
    BUILT_IN_FIELDS, FIELD_TYPE_NAMES, FieldSchema, FieldType, capitalise, scalar_text,
    yaml_key_text,
};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::quantity::Dimension;
use crate::source::SourceText;
use serde_yaml::{Mapping, Value as Yaml};

/// The keys a field spec may have.
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

/// Built-in fields a schema may redeclare to add `required`, `label` or `timeline`.
const REDECLARABLE_BUILT_INS: [&str; 2] = ["date", "updated"];

/// Records `diagnostic` and gives up on the field (or the part of it) it is about.
fn reject<T>(diagnostics: &mut Vec<Diagnostic>, diagnostic: Diagnostic) -> Option<T> {
    diagnostics.push(diagnostic);
    None
}

/// The field `name` of the `_index.md` in `source`, from its `spec`; `None` (with the reasons
/// in `diagnostics`) when it cannot be used.
pub(super) fn read_field(
    source: &SourceText,
    name: &str,
    spec: &Yaml,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FieldSchema> {
    check_field_name(source, name, diagnostics)?;
    let Yaml::Mapping(spec) = spec else {
        let diagnostic = error_at_value(
            Code::SchemaValueWrongType,
            source,
            &["fields", name],
            format!("the spec of field `{name}` must be a mapping"),
        )
        .help(format!("write `{name}: {{ type: string }}`"));
        return reject(diagnostics, diagnostic);
    };
    for key in spec.keys() {
        let key = yaml_key_text(key);
        if !FIELD_KEYS.contains(&key.as_str()) {
            diagnostics.push(unknown_key(
                source,
                &["fields", name],
                &key,
                &FIELD_KEYS,
                "a field spec",
            ));
        }
    }
    let field_type = read_field_type(source, name, spec, diagnostics)?;
    if REDECLARABLE_BUILT_INS.contains(&name) && field_type != FieldType::Date {
        let diagnostic = error_at_value(
            Code::InvalidFieldName,
            source,
            &["fields", name, "type"],
            format!("the built-in field `{name}` is a date"),
        )
        .help("write `type: date`");
        return reject(diagnostics, diagnostic);
    }
    let required = read_required(source, name, spec, diagnostics);
    let label = string_option(source, spec, name, "label", diagnostics)
        .unwrap_or_else(|| capitalise(&name.replace('_', " ")));
    let pattern = read_pattern(source, name, spec, diagnostics);
    let inverse = string_option(source, spec, name, "inverse", diagnostics);
    let timeline = string_option(source, spec, name, "timeline", diagnostics);
    check_options_fit_type(source, name, &field_type, &inverse, &timeline, diagnostics);
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

/// A field name is `[a-z][a-z0-9_]*` and not a built-in field (except the dates, which a
/// schema may redeclare).
fn check_field_name(
    source: &SourceText,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<()> {
    if !is_valid_field_name(name) {
        let diagnostic = error_at_key(
            Code::InvalidFieldName,
            source,
            &["fields"],
            name,
            format!("`{name}` is not a valid field name"),
        )
        .help("use lowercase letters, digits and `_`, starting with a letter");
        return reject(diagnostics, diagnostic);
    }
    if BUILT_IN_FIELDS.contains(&name) && !REDECLARABLE_BUILT_INS.contains(&name) {
        let diagnostic = error_at_key(
            Code::InvalidFieldName,
            source,
            &["fields"],
            name,
            format!("`{name}` is a built-in field"),
        )
        .help("built-in fields exist on every kind; remove it from `fields`");
        return reject(diagnostics, diagnostic);
    }
    Some(())
}

/// `required: true|false` (`false` if unset or wrong).
fn read_required(
    source: &SourceText,
    name: &str,
    spec: &Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    match spec.get("required") {
        None => false,
        Some(Yaml::Bool(value)) => *value,
        Some(_) => {
            diagnostics.push(
                error_at_value(
                    Code::SchemaValueWrongType,
                    source,
                    &["fields", name, "required"],
                    "`required` must be `true` or `false`",
                )
                .help("write `required: true`"),
            );
            false
        }
    }
}

/// `pattern:`, a regular expression string values must match.
fn read_pattern(
    source: &SourceText,
    name: &str,
    spec: &Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<regex::Regex> {
    let text = string_option(source, spec, name, "pattern", diagnostics)?;
    match regex::Regex::new(&text) {
        Ok(regex) => Some(regex),
        Err(error) => {
            let diagnostic = error_at_value(
                Code::InvalidPattern,
                source,
                &["fields", name, "pattern"],
                "the pattern is not a valid regular expression",
            )
            .help(error.to_string());
            reject(diagnostics, diagnostic)
        }
    }
}

/// `inverse` is for references and `timeline` for dates.
fn check_options_fit_type(
    source: &SourceText,
    name: &str,
    field_type: &FieldType,
    inverse: &Option<String>,
    timeline: &Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if inverse.is_some() && field_type.target_kinds().is_none() {
        diagnostics.push(
            error_at_value(
                Code::OptionNotForType,
                source,
                &["fields", name, "inverse"],
                "`inverse` applies only to `ref` and `refs` fields",
            )
            .help("remove `inverse`, or make the field a `ref`/`refs`"),
        );
    }
    if timeline.is_some() && *field_type != FieldType::Date {
        diagnostics.push(
            error_at_value(
                Code::OptionNotForType,
                source,
                &["fields", name, "timeline"],
                "`timeline` applies only to `date` fields",
            )
            .help("remove `timeline`, or make the field a `date`"),
        );
    }
}

/// The field's `type:`, with the parameters its type needs.
fn read_field_type(
    source: &SourceText,
    name: &str,
    spec: &Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FieldType> {
    let Some(type_name) = spec.get("type").and_then(Yaml::as_str) else {
        let diagnostic = error_at_value(
            Code::UnknownFieldType,
            source,
            &["fields", name],
            format!("field `{name}` has no `type`"),
        )
        .help(format!(
            "add `type:` with one of: {}",
            FIELD_TYPE_NAMES.join(", ")
        ));
        return reject(diagnostics, diagnostic);
    };
    let field_type = match type_name {
        "string" => FieldType::String,
        "text" => FieldType::Text,
        "number" => FieldType::Number,
        "date" => FieldType::Date,
        "bool" => FieldType::Bool,
        "url" => FieldType::Url,
        "list" => FieldType::List,
        "quantity" => FieldType::Quantity(read_dimension(source, name, spec, diagnostics)?),
        "enum" => FieldType::Enum(read_enum_values(source, name, spec, diagnostics)?),
        "ref" => FieldType::Ref(read_target_kinds(source, name, spec, diagnostics)?),
        "refs" => FieldType::Refs(read_target_kinds(source, name, spec, diagnostics)?),
        other => {
            let diagnostic = error_at_value(
                Code::UnknownFieldType,
                source,
                &["fields", name, "type"],
                format!("unknown field type `{other}`"),
            );
            let diagnostic = match did_you_mean(other, FIELD_TYPE_NAMES) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => diagnostic.help(format!("use one of: {}", FIELD_TYPE_NAMES.join(", "))),
            };
            return reject(diagnostics, diagnostic);
        }
    };
    Some(field_type)
}

/// A quantity field's `dimension:`.
fn read_dimension(
    source: &SourceText,
    name: &str,
    spec: &Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Dimension> {
    let Some(dimension_name) = spec.get("dimension").and_then(Yaml::as_str) else {
        let diagnostic = error_at_value(
            Code::QuantityDimension,
            source,
            &["fields", name, "type"],
            format!("quantity field `{name}` needs a `dimension`"),
        )
        .help("add `dimension:` with one of: mass, money, ratio, price");
        return reject(diagnostics, diagnostic);
    };
    match Dimension::parse(dimension_name) {
        Some(dimension) => Some(dimension),
        None => {
            let diagnostic = error_at_value(
                Code::QuantityDimension,
                source,
                &["fields", name, "dimension"],
                format!("unknown dimension `{dimension_name}`"),
            )
            .help("use one of: mass, money, ratio, price");
            reject(diagnostics, diagnostic)
        }
    }
}

/// An enum field's `values:`, a non-empty list.
fn read_enum_values(
    source: &SourceText,
    name: &str,
    spec: &Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let values = match spec.get("values") {
        Some(Yaml::Sequence(items)) => items.iter().map(scalar_text).collect(),
        _ => None,
    };
    non_empty_or_reject(
        values,
        || {
            error_at_value(
                Code::EnumWithoutValues,
                source,
                &["fields", name, "type"],
                format!("enum field `{name}` needs a list of `values`"),
            )
            .help("add e.g. `values: [proposed, signed, stalled]`")
        },
        diagnostics,
    )
}

/// A reference field's `to:`, one kind or a non-empty list of kinds.
fn read_target_kinds(
    source: &SourceText,
    name: &str,
    spec: &Mapping,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let kinds = match spec.get("to") {
        Some(Yaml::String(kind)) => Some(vec![kind.clone()]),
        Some(Yaml::Sequence(items)) => items.iter().map(scalar_text).collect(),
        _ => None,
    };
    non_empty_or_reject(
        kinds,
        || {
            error_at_value(
                Code::ReferenceTarget,
                source,
                &["fields", name, "type"],
                format!("field `{name}` needs `to:`, the kind(s) it points at"),
            )
            .help("add e.g. `to: country` or `to: [country, company]`")
        },
        diagnostics,
    )
}

/// `list` when it was read and is not empty; otherwise reports the diagnostic `error` makes
/// and gives up on the option.
fn non_empty_or_reject(
    list: Option<Vec<String>>,
    error: impl FnOnce() -> Diagnostic,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    match list {
        Some(list) if !list.is_empty() => Some(list),
        _ => reject(diagnostics, error()),
    }
}

/// An optional text option of the field spec, such as `label`.
fn string_option(
    source: &SourceText,
    spec: &Mapping,
    field: &str,
    key: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let value = spec.get(key)?;
    match scalar_text(value) {
        Some(text) => Some(text),
        None => {
            let diagnostic = error_at_value(
                Code::SchemaValueWrongType,
                source,
                &["fields", field, key],
                format!("`{key}` must be text"),
            )
            .help(format!("write `{key}: some text`"));
            reject(diagnostics, diagnostic)
        }
    }
}

/// `[a-z][a-z0-9_]*`.
fn is_valid_field_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
