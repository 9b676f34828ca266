//! A comparison page's `compare:` spec: which entries (a kind, optionally a tag, or a list of
//! ids), which fields as columns, which of them charted.

use super::{EntryValidation, key};
use crate::diagnostics::Code;
use crate::model::ComparisonSpec;
use crate::schema::scalar_text;
use serde_yaml::{Mapping, Value as Yaml};

impl EntryValidation<'_> {
    /// The `compare:` spec of a comparison page.
    pub(super) fn comparison(&mut self, front: &Mapping) -> Option<ComparisonSpec> {
        let path = vec![key("compare")];
        let Some(Yaml::Mapping(compare)) = front.get("compare") else {
            let diagnostic = self.error_at_first_line(Code::MissingCompare, "a comparison needs `compare:`")
                .help("add `compare: { kind: country, fields: [reserves] }` or `compare: { entries: [russia, china], fields: [reserves] }`");
            return self.reject(diagnostic);
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
            let diagnostic = self.error_at(Code::CompareKindOrEntries, &path, "say either `kind:` or `entries:` (one of the two)").help("`kind: country` compares all countries; `entries: [russia, china]` compares those");
            self.diagnostics.push(diagnostic);
        }
        let fields = compare
            .get("fields")
            .map(|value| self.list_of_strings(value, &child("fields"), "fields"))
            .unwrap_or_default();
        if fields.is_empty() {
            let diagnostic = self
                .error_at(
                    Code::CompareWithoutFields,
                    &path,
                    "a comparison needs `fields:`",
                )
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
