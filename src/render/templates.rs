//! The theme: built-in templates and static files (embedded by `build.rs`), overridden file by
//! file by the knowledge base's own `templates/` and `static/`.

use super::{PageSink, RenderInput};
use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic};
use crate::discover::ThemeFile;
use crate::text::escape_xml;
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
    let mut tera = compile(&sources(input.templates))?;
    insert_site(&mut tera, input.config);
    tera.global_context()
        .insert("nav_kinds", &super::views::nav_kinds(input));
    Ok(tera)
}

/// The Tera globals [`load`] sets, serialised: part of the site fingerprint of the build
/// cache, so a change to any of them renders every page again.
pub fn globals_for_fingerprint(input: &RenderInput) -> Vec<u8> {
    let globals = serde_json::json!({
        "site": {
            "title": input.config.title,
            "description": input.config.description,
            "language": input.config.language,
            "base_url": input.config.base_url,
        },
        "nav_kinds": super::views::nav_kinds(input),
    });
    globals.to_string().into_bytes()
}

/// Every template by name: the built-in ones, replaced by the knowledge base's own of the same
/// name; each with the path diagnostics show and its text.
fn sources(overrides: &[ThemeFile]) -> BTreeMap<String, (String, String)> {
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
    for file in overrides {
        sources.insert(
            file.path.clone(),
            (
                format!("templates/{}", file.path),
                String::from_utf8_lossy(&file.bytes).into_owned(),
            ),
        );
    }
    sources
}

/// The site-wide values every template sees as `site`, and the generator's name.
fn insert_site(tera: &mut tera::Tera, config: &Config) {
    let site = serde_json::json!({
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "base_url": config.base_url,
    });
    tera.global_context().insert("site", &site);
    tera.global_context()
        .insert("generator", &format!("lode {}", env!("CARGO_PKG_VERSION")));
}

/// The built-in templates alone, with `config` as the site (no kinds): what tests of a single
/// template render with.
#[cfg(test)]
pub(crate) fn built_in_with_site(config: &Config) -> tera::Tera {
    let mut tera = compile(&sources(&[])).expect("the built-in templates compile");
    insert_site(&mut tera, config);
    tera
}

/// Registers lode's filters: `xml`, XML escaping for the feed and sitemaps, which (unlike
/// Tera's HTML autoescape) turns control characters into spaces, as XML 1.0 requires.
fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter("xml", |text: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&escape_xml(text))
    });
}

/// Compiles `sources` (template name → (the path diagnostics show, text)) into one Tera.
///
/// A template that does not compile is reported at its own path (and line, when Tera gives
/// one), so a knowledge base with many overrides learns which file to fix.
fn compile(sources: &BTreeMap<String, (String, String)>) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's own escaper, plus NUL to U+FFFD.
    tera.set_escape_fn(crate::text::escape_html_into);
    register_filters(&mut tera);
    let templates = sources
        .iter()
        .map(|(name, (_, text))| (name.as_str(), text.as_str()));
    match tera.add_raw_templates(templates) {
        Ok(()) => Ok(tera),
        Err(error) => Err(vec![compile_error(sources, &error)]),
    }
}

/// The diagnostic for a Tera compile error, placed in the template it names.
fn compile_error(sources: &BTreeMap<String, (String, String)>, error: &tera::Error) -> Diagnostic {
    let help =
        "fix the template named in the message (see https://keats.github.io/tera/ for the syntax)";
    let (name, span) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            (Some(report.filename()), Some(report.span()))
        }
        tera::ErrorKind::MissingParent { current, .. } => (Some(current.as_str()), None),
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. } => (Some(tpl.as_str()), None),
        _ => (None, None),
    };
    // A report's Display draws its own snippet of the template; the diagnostic draws the
    // line itself, so only the report's message goes in the headline (else it shows twice).
    let reason = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            report.message().to_string()
        }
        _ => error.to_string(),
    };
    let Some((path, text)) = name.and_then(|name| sources.get(name)) else {
        return Diagnostic::error(
            Code::TemplateDoesNotCompile,
            "templates",
            format!("a template does not compile: {error}"),
        )
        .help(help);
    };
    let diagnostic = Diagnostic::error(
        Code::TemplateDoesNotCompile,
        path.clone(),
        format!("this template does not compile: {reason}"),
    )
    .help(help);
    match span {
        Some(span) => diagnostic.at(
            text,
            crate::diagnostics::Position {
                line: span.start_line,
                column: span.start_col + 1,
            },
        ),
        None => diagnostic,
    }
}

/// The diagnostic for page `page` that template `template` failed to render. Placed in the
/// template Tera names (the page's own, or one it extends or includes) at the marked line, with
/// only Tera's message in the headline and under the marker: its own report would draw the
/// line a second time. The template sources are gathered again only here, on the error path.
pub fn render_error(
    templates: &[ThemeFile],
    template: &str,
    page: &str,
    error: &tera::Error,
) -> Diagnostic {
    let tera::ErrorKind::RenderingError(report) = error.kind() else {
        return Diagnostic::error(
            Code::RenderFailed,
            format!("templates/{template}"),
            format!("rendering `{page}` failed: {error}"),
        );
    };
    let reason = report.message();
    let sources = sources(templates);
    let Some((path, text)) = sources.get(report.filename()) else {
        return Diagnostic::error(
            Code::RenderFailed,
            format!("templates/{template}"),
            format!("rendering `{page}` failed: {reason}"),
        );
    };
    let span = report.span();
    let length = if span.end_line == span.start_line {
        span.end_col.saturating_sub(span.start_col)
    } else {
        1
    };
    Diagnostic::error(
        Code::RenderFailed,
        path.clone(),
        format!("rendering `{page}` failed: {reason}"),
    )
    .at(
        text,
        crate::diagnostics::Position {
            line: span.start_line,
            column: span.start_col + 1,
        },
    )
    .span(length)
    .label("failed here")
    .help(
        "fix the template at the marked place; the variables each page gives its template are \
         those the built-in template of the same name uses",
    )
}

/// `diagnostics` with each render error that repeats an earlier one (the same template, place
/// and reason, on another page) folded into the first, whose help then counts the pages: one
/// mistake in a template that every entry page uses is one error, not one per entry.
pub fn fold_repeated_render_errors(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut repeats: Vec<usize> = Vec::new();
    let mut first_of: BTreeMap<(String, Option<crate::diagnostics::Position>, String), usize> =
        BTreeMap::new();
    for diagnostic in diagnostics {
        // `rendering `countries/china/` failed: <reason>`: the same reason at the same place.
        let reason = match diagnostic.message.split_once(" failed: ") {
            Some((_, reason)) if diagnostic.code == Code::RenderFailed => reason.to_string(),
            _ => {
                kept.push(diagnostic);
                repeats.push(0);
                continue;
            }
        };
        let key = (diagnostic.path.clone(), diagnostic.position, reason);
        match first_of.get(&key) {
            Some(&first) => repeats[first] += 1,
            None => {
                first_of.insert(key, kept.len());
                kept.push(diagnostic);
                repeats.push(0);
            }
        }
    }
    for (diagnostic, others) in kept.iter_mut().zip(repeats) {
        if others > 0 {
            let help = diagnostic.help.take().unwrap_or_default();
            diagnostic.help = Some(format!(
                "{help}; the same error stopped {others} other page(s)"
            ));
        }
    }
    kept
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
                .map(|error| Diagnostic::error(Code::OutputFailed, format!("static/{path}"), error))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(templates: &[(&str, &str, &str)]) -> BTreeMap<String, (String, String)> {
        templates
            .iter()
            .map(|(name, path, text)| (name.to_string(), (path.to_string(), text.to_string())))
            .collect()
    }

    #[test]
    fn a_template_that_does_not_compile_is_reported_at_its_own_path_and_line() {
        let sources = sources(&[
            (
                "base.html",
                "(built-in) templates/base.html",
                "<main>{% block main %}{% endblock main %}</main>",
            ),
            (
                "entry.html",
                "templates/entry.html",
                "{% extends \"base.html\" %}\n{% block main %}\n{{ title \n{% endblock main %}",
            ),
        ]);
        let Err(diagnostics) = compile(&sources) else {
            panic!("a broken template compiled");
        };
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].path, "templates/entry.html");
        assert!(
            diagnostics[0]
                .position
                .is_some_and(|position| position.line >= 3)
        );
        // The line is shown once, by the diagnostic: not again inside its headline.
        let message = &diagnostics[0].message;
        assert!(
            !message.contains('\n') && !message.contains("-->"),
            "{message}"
        );
    }

    #[test]
    fn a_render_error_is_placed_in_its_template_and_repeats_fold_into_one() {
        let templates = [ThemeFile {
            path: "entry.html".to_string(),
            bytes: b"<h1>\n{{ page.nothing | upper }}</h1>".to_vec(),
        }];
        let tera = compile(&super::sources(&templates)).expect("the templates compile");
        let render = |page: &str| {
            let error = tera
                .render("entry.html", &tera::Context::new())
                .expect_err("an undefined value cannot be upper-cased");
            render_error(&templates, "entry.html", page, &error)
        };
        let first = render("a/");
        assert_eq!(first.code, Code::RenderFailed);
        assert_eq!(first.path, "templates/entry.html");
        assert_eq!(first.position.map(|position| position.line), Some(2));
        assert!(
            first.message.starts_with("rendering `a/` failed: "),
            "{}",
            first.message
        );
        assert!(!first.message.contains("-->"), "{}", first.message);
        let other = Diagnostic::error(
            Code::RenderFailed,
            "templates/x.html",
            "rendering `c/` failed: no",
        );
        let folded = fold_repeated_render_errors(vec![first, render("b/"), render("c/"), other]);
        assert_eq!(folded.len(), 2, "{folded:#?}");
        assert!(folded[0].message.contains("`a/`"));
        assert!(
            folded[0]
                .help
                .as_deref()
                .is_some_and(|help| help.ends_with("the same error stopped 2 other page(s)"))
        );
        assert_eq!(folded[1].path, "templates/x.html");
    }

    #[test]
    fn a_template_extending_a_missing_one_names_itself() {
        let sources = sources(&[(
            "entry.html",
            "templates/entry.html",
            "{% extends \"nowhere.html\" %}{% block main %}{% endblock main %}",
        )]);
        let Err(diagnostics) = compile(&sources) else {
            panic!("a template with a missing parent compiled");
        };
        assert_eq!(diagnostics[0].path, "templates/entry.html");
        assert!(diagnostics[0].message.contains("nowhere.html"));
    }
}
