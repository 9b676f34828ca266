//! Claims: a schema field's value with the source it was read in (`{ value: 3.8, unit: Mt,
//! source: usgs, as_of: 2024 }`), alone or as a list of disputed figures side by side.

use super::{EntryValidation, child};
use crate::diagnostics::Code;
use crate::model::{Claim, FieldValue, Value};
use crate::schema::{FieldSchema, FieldType, scalar_text};
use crate::yaml_position::PathSegment;
use serde_yaml::{Mapping, Value as Yaml};

/// The keys a claim may have.
const CLAIM_KEYS: [&str; 5] = ["value", "unit", "source", "as_of", "note"];

/// The keys that make a mapping with a `value` a claim rather than a quantity's
/// `{ value, unit }`.
const CLAIM_ONLY_KEYS: [&str; 3] = ["source", "as_of", "note"];

impl EntryValidation<'_> {
    /// A schema field's value at `path`: one claim, a list of claims, or a bare value (a bare
    /// figure is reported as citing no source).
    pub(super) fn field_value(
        &mut self,
        value: &Yaml,
        path: Vec<PathSegment>,
        field: &FieldSchema,
    ) -> Option<FieldValue> {
        if let Yaml::Mapping(mapping) = value
            && is_single_claim(mapping)
        {
            return self
                .claim(mapping, path, field)
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

    /// One claim; its `unit:` is read only by quantity fields, and reported on any other.
    fn claim(
        &mut self,
        mapping: &Mapping,
        path: Vec<PathSegment>,
        field: &FieldSchema,
    ) -> Option<Claim> {
        self.check_mapping_keys(mapping, &path, &CLAIM_KEYS, "a claim");
        let unit = mapping.get("unit").and_then(scalar_text);
        if unit.is_some() && !matches!(field.field_type, FieldType::Quantity(_)) {
            self.unit_on_non_quantity(&child(&path, "unit"), field);
        }
        let value = mapping.get("value").and_then(|value| {
            self.typed_value(
                value,
                &child(&path, "value"),
                field,
                unit.as_deref().map(|unit| (unit, child(&path, "unit"))),
            )
        });
        let source = match mapping.get("source") {
            Some(value) => self.reference(value, child(&path, "source"), "source"),
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
            .and_then(|value| self.date(value, &child(&path, "as_of")));
        let note = mapping
            .get("note")
            .and_then(|note| self.written_text(note, &child(&path, "note")));
        Some(Claim {
            value: value?,
            source,
            as_of,
            note,
        })
    }

    /// A claim's `unit:` on a field that is not a quantity would be silently dropped.
    fn unit_on_non_quantity(&mut self, unit_path: &[PathSegment], field: &FieldSchema) {
        let diagnostic = self
            .error_at(
                Code::UnitNotForField,
                unit_path,
                "`unit` applies only to quantity fields",
            )
            .label(format!(
                "`{}` is a `{}` field",
                field.name,
                field.field_type.name()
            ))
            .help("remove `unit:`, or make the field a `quantity` in the kind's `_index.md`");
        self.diagnostics.push(diagnostic);
    }
}

/// A mapping with a `value` and one of the claim-only keys is one claim.
fn is_single_claim(mapping: &Mapping) -> bool {
    mapping.contains_key("value") && CLAIM_ONLY_KEYS.iter().any(|key| mapping.contains_key(*key))
}

/// A claim list is a non-empty sequence of mappings that each have a `value`.
fn as_claim_list(value: &Yaml) -> Option<Vec<&Mapping>> {
    let Yaml::Sequence(items) = value else {
        return None;
    };
    let claims: Vec<&Mapping> = items
        .iter()
        .filter_map(|item| match item {
            Yaml::Mapping(mapping) if mapping.contains_key("value") => Some(mapping),
            _ => None,
        })
        .collect();
    (!claims.is_empty() && claims.len() == items.len()).then_some(claims)
}
