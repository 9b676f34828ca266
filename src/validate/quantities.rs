//! Values of `quantity` fields: `3.8 Mt` as one string, `{ value: 3.8, unit: Mt }`, or a
//! claim's number with its own `unit:`. Parsing and units are [`crate::quantity`]'s; this
//! checks the YAML shapes and places each error at its value (or at the unit in it).

use super::{EntryValidation, child, describe_yaml, shift_marker};
use crate::diagnostics::Code;
use crate::model::Value;
use crate::quantity::{self, Dimension, Quantity};
use crate::schema::{FieldSchema, scalar_text};
use crate::yaml_position::PathSegment;
use serde_yaml::{Mapping, Value as Yaml};

/// The keys of a quantity written as a mapping.
const QUANTITY_KEYS: [&str; 2] = ["value", "unit"];

impl EntryValidation<'_> {
    /// A quantity of `dimension` at `path`; `unit` is the text and path of a separate
    /// `unit:` (a claim's, or the mapping form's).
    pub(super) fn quantity(
        &mut self,
        value: &Yaml,
        path: &[PathSegment],
        field: &FieldSchema,
        dimension: Dimension,
        unit: Option<(&str, Vec<PathSegment>)>,
    ) -> Option<Value> {
        let name = field.name.as_str();
        if let Some(figure) = finite_number(value) {
            return self.figure_with_unit(figure, path, name, dimension, unit);
        }
        match (value, unit) {
            (Yaml::Mapping(mapping), None) => {
                self.quantity_mapping(mapping, path, field, dimension)
            }
            (Yaml::String(text), None) => match quantity::parse_quantity_in(dimension, text) {
                Ok(parsed) => Some(Value::Quantity(parsed)),
                Err(error) => {
                    // The error's offset is the bad part of the text: the unit, or the number.
                    let diagnostic = shift_marker(
                        self.error_at(Code::InvalidQuantity, path, error.message.clone())
                            .help(error.help.clone()),
                        error.offset,
                        text,
                    );
                    self.reject(diagnostic)
                }
            },
            _ => {
                let diagnostic = self
                    .error_at(
                        Code::InvalidQuantity,
                        path,
                        format!(
                            "`{name}` expects a quantity, found {}",
                            describe_yaml(value)
                        ),
                    )
                    .help(units_help(dimension));
                self.reject(diagnostic)
            }
        }
    }

    /// `{ value: 3.8, unit: Mt }`.
    fn quantity_mapping(
        &mut self,
        mapping: &Mapping,
        path: &[PathSegment],
        field: &FieldSchema,
        dimension: Dimension,
    ) -> Option<Value> {
        self.check_mapping_keys(mapping, path, &QUANTITY_KEYS, "a quantity");
        let Some(inner) = mapping.get("value") else {
            let diagnostic = self
                .error_at(
                    Code::InvalidQuantity,
                    path,
                    format!("`{}` has no `value`", field.name),
                )
                .help("write `{ value: 3.8, unit: Mt }`");
            return self.reject(diagnostic);
        };
        let unit_text = mapping.get("unit").and_then(scalar_text);
        self.quantity(
            inner,
            &child(path, "value"),
            field,
            dimension,
            Some((unit_text.as_deref().unwrap_or(""), child(path, "unit"))),
        )
    }

    /// A number whose unit is given apart (`unit:`), which must be of `dimension`.
    fn figure_with_unit(
        &mut self,
        figure: f64,
        path: &[PathSegment],
        name: &str,
        dimension: Dimension,
        unit: Option<(&str, Vec<PathSegment>)>,
    ) -> Option<Value> {
        let Some((unit, unit_path)) = unit else {
            let diagnostic = self
                .error_at(
                    Code::InvalidQuantity,
                    path,
                    format!("the figure in `{name}` has no unit"),
                )
                .label("unit missing")
                .help(units_help(dimension));
            return self.reject(diagnostic);
        };
        if unit.is_empty() {
            let diagnostic = self
                .error_at(
                    Code::InvalidQuantity,
                    path,
                    format!("the figure in `{name}` has no unit"),
                )
                .help(units_help(dimension));
            return self.reject(diagnostic);
        }
        match quantity::parse_unit_in(dimension, unit) {
            Ok(unit) => Some(Value::Quantity(Quantity {
                value: figure,
                unit,
            })),
            Err(error) => {
                let diagnostic = self
                    .error_at(Code::InvalidQuantity, &unit_path, error.message.clone())
                    .help(error.help.clone());
                self.reject(diagnostic)
            }
        }
    }
}

/// The value if it is a YAML number and a finite one: `.nan`, `.inf` and `-.inf` are YAML
/// numbers too, but no figure anyone can read, compare or sum (they showed as "NaN Mt").
fn finite_number(value: &Yaml) -> Option<f64> {
    value.as_f64().filter(|number| number.is_finite())
}

/// "write a number and a unit of mass: g, kg, t, …".
fn units_help(dimension: Dimension) -> String {
    format!(
        "write a number and a unit of {}: {}",
        dimension.name(),
        dimension
            .units()
            .map(|unit| unit.symbol)
            .collect::<Vec<_>>()
            .join(", ")
    )
}
