//! The theme: built-in templates and static files (embedded by `build.rs`), overridden file by
//! file by the knowledge base's own `templates/` and `static/`.

use super::{PageSink, RenderInput};
use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// The built-in templates, as (path, bytes).
pub fn built_in_templates() -> &'static [(&'static str, &'static [u8])] {
    embedded::BUILT_IN_TEMPLATES
}

/// The built-in static files, as (path, bytes).
pub fn built_in_static() -> &'static [(&'static str, &'static [u8])] {
    embedded::BUILT_IN_STATIC
}

/// Loads built-in templates, then the knowledge base's own on top.
pub fn load(input: &RenderInput) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (path, bytes) in built_in_templates() {
        sources.insert(
            path.to_string(),
            (
                format!("(built-in) templates/{path}"),
                String::from_utf8_lossy(bytes).into_owned(),
            ),
        );
    }
    for file in input.templates {
        sources.insert(
            file.path.clone(),
            (
                format!("templates/{}", file.path),
                String::from_utf8_lossy(&file.bytes).into_owned(),
            ),
        );
    }
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    let templates: Vec<(String, String)> = sources
        .iter()
        .map(|(name, (_, text))| (name.clone(), text.clone()))
        .collect();
    if let Err(error) = tera.add_raw_templates(templates) {
        return Err(vec![Diagnostic::error("templates", format!("a template does not compile: {error}"))
            .help("fix the template named in the message (see https://keats.github.io/tera/ for the syntax)")]);
    }
    let config = input.config;
    let site = serde_json::json!({
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "base_url": config.base_url,
    });
    tera.global_context().insert("site", &site);
    tera.global_context()
        .insert("nav_kinds", &super::views::nav_kinds(input));
    tera.global_context()
        .insert("generator", &format!("lode {}", env!("CARGO_PKG_VERSION")));
    Ok(tera)
}

/// Copies static files (built-in, then overrides) and the generated highlight CSS.
pub fn copy_static(input: &RenderInput, sink: &dyn PageSink) -> Vec<Diagnostic> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert(
        "highlight.css".to_string(),
        super::highlight::highlight_css().into_bytes(),
    );
    for (path, bytes) in built_in_static() {
        files.insert(path.to_string(), bytes.to_vec());
    }
    for file in input.static_files {
        files.insert(file.path.clone(), file.bytes.clone());
    }
    files
        .into_iter()
        .filter_map(|(path, bytes)| {
            sink.put(&path, &bytes)
                .err()
                .map(|error| Diagnostic::error(format!("static/{path}"), error))
        })
        .collect()
}
