//! A knowledge base whose `_index.md` files make every schema mistake once: each is reported
//! with its message at its `path:line:column`, all at once, and the rendered diagnostics
//! (labels, markers, help) are snapshotted.

use crate::support::{check, errors, warnings};

#[test]
fn every_schema_mistake_is_reported_at_its_position() {
    let outcome = check("schema-errors");
    let expected = [
        "content/cities/_index.md:3:9 `fields` must be a mapping of field names to their specs",
        "content/countries/_index.md:3:8 `title` must be text",
        "content/countries/_index.md:4:10 `summary` must be text",
        "content/countries/_index.md:5:1 unknown key `description` in an `_index.md`",
        "content/countries/_index.md:7:3 `Capital` is not a valid field name",
        "content/countries/_index.md:8:3 `title` is a built-in field",
        "content/countries/_index.md:9:9 the spec of field `iso2` must be a mapping",
        "content/countries/_index.md:10:25 unknown key `lable` in a field spec",
        "content/countries/_index.md:11:20 the built-in field `updated` is a date",
        "content/countries/_index.md:12:39 `required` must be `true` or `false`",
        "content/countries/_index.md:13:33 `label` must be text",
        "content/countries/_index.md:14:34 the pattern is not a valid regular expression",
        "content/countries/_index.md:15:34 `inverse` applies only to `ref` and `refs` fields",
        "content/countries/_index.md:16:38 `timeline` applies only to `date` fields",
        "content/countries/_index.md:17:15 field `population` has no `type`",
        "content/countries/_index.md:18:21 quantity field `reserves` needs a `dimension`",
        "content/countries/_index.md:19:37 unknown dimension `wealth`",
        "content/countries/_index.md:20:19 enum field `status` needs a list of `values`",
        "content/countries/_index.md:21:21 field `partners` needs `to:`, the kind(s) it points at",
        "content/countries/_index.md:22:20 unknown field type `uri`",
        "content/countries/_index.md:23:27 field `rival` points at the unknown kind `contry`",
        "content/nations/_index.md:3:7 the kind `country` is declared twice",
        "content/pages/_index.md:2:7 `page` is a built-in kind",
        "content/places/_index.md:2:7 `Place` is not a valid kind name",
        "content/regions/_index.md:1:1 the folder `regions` has an `_index.md` without a `kind`",
        "content/tags/_index.md:2:7 the folder `tags` would take the address of the site's own `tags/` page",
    ];
    assert_eq!(
        errors(&outcome),
        expected,
        "all errors, sorted by file and position"
    );
    assert_eq!(warnings(&outcome), Vec::<String>::new());
}

#[test]
fn schema_mistakes_render_with_their_labels_and_help() {
    let outcome = check("schema-errors");
    let rendered: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.render(false))
        .collect();
    insta::assert_snapshot!("schema_errors_rendered", rendered.join("\n\n"));
}
