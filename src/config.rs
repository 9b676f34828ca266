//! Site configuration: `lode.yaml` at the knowledge base root.
//!
//! Unknown keys and wrong types are errors with line and column (serde's `deny_unknown_fields`
//! plus serde_yaml's error locations), reported as ordinary [`Diagnostic`]s.

use crate::diagnostics::{Code, Diagnostic, Position};
use serde::Deserialize;

/// The configuration file's name.
pub const CONFIG_FILE_NAME: &str = "lode.yaml";

/// What `lode.yaml` may say. Every key is optional.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The site's name, shown in the header and feed.
    pub title: String,
    /// One sentence on what the site is, for the home page, feed and `<meta>`.
    pub description: String,
    /// Absolute URL the site is published at; used only where absolute URLs are required
    /// (feed, sitemap, canonical link). Internal links are always relative.
    pub base_url: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// Output folder, relative to the root unless absolute.
    pub output: String,
    /// Content folder, relative to the root.
    pub content: String,
    /// When true, every quantity value and every event must cite a source; otherwise a missing
    /// source is only a warning.
    pub require_sources: bool,
    /// Number of entries in the Atom feed.
    pub feed_limit: usize,
    /// Rows per page of kind indexes, timelines and tag pages: a longer list is split into
    /// numbered pages (`countries/`, `countries/page/2/`, …).
    pub page_size: std::num::NonZeroUsize,
    /// When true, raw HTML in markdown (bodies, intros, `text` fields) is kept as written,
    /// scripts and all, only balanced; for sites whose every contributor is trusted. When
    /// false (the default), it is sanitised with an allowlist.
    pub unsafe_html: bool,
    /// Bounds on the work any one input may cause (see [`crate::limits`]).
    pub limits: crate::limits::Limits,
}

/// Rows per page of long lists unless `lode.yaml` says otherwise: a 500-row table is still
/// quick to load and to sort in the browser. (Checked at compile time: it is not zero.)
const DEFAULT_PAGE_SIZE: std::num::NonZeroUsize = match std::num::NonZeroUsize::new(500) {
    Some(size) => size,
    None => panic!("the default page size must not be zero"),
};

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Knowledge base".to_string(),
            description: String::new(),
            base_url: "/".to_string(),
            language: "en".to_string(),
            output: "public".to_string(),
            content: "content".to_string(),
            require_sources: false,
            feed_limit: 30,
            page_size: DEFAULT_PAGE_SIZE,
            unsafe_html: false,
            limits: crate::limits::Limits::default(),
        }
    }
}

impl Config {
    /// Reads the configuration from the text of `lode.yaml`. An empty file gives the defaults.
    pub fn from_yaml(text: &str) -> Result<Config, Box<Diagnostic>> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let mut config: Config = serde_yaml::from_str(text).map_err(|error| {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidConfig,
                CONFIG_FILE_NAME,
                format!(
                    "invalid configuration: {}",
                    strip_location(&error.to_string())
                ),
            )
            .help(
                "known keys: title, description, base_url, language, output, content, \
                 require_sources, feed_limit, page_size, unsafe_html, limits (entry_file_size, \
                 name_length, tags_per_entry, yaml_depth, highlighted_code_block_size)",
            );
            if let Some(location) = error.location() {
                diagnostic = diagnostic.at(
                    text,
                    Position {
                        line: location.line(),
                        column: location.column(),
                    },
                );
            }
            Box::new(diagnostic)
        })?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        Ok(config)
    }
}

/// serde_yaml appends " at line X column Y" to its messages; the diagnostic shows that already.
pub(crate) fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_known_keys_and_defaults_the_rest() {
        let config = Config::from_yaml("title: Atlas\nbase_url: https://x.org/sub\n").unwrap();
        assert_eq!(config.title, "Atlas");
        assert_eq!(config.base_url, "https://x.org/sub/");
        assert_eq!(config.output, "public");
    }

    #[test]
    fn unknown_key_is_an_error_with_line_and_column() {
        let error = Config::from_yaml("title: Atlas\ntitel: x\n").unwrap_err();
        assert_eq!(error.position, Some(Position { line: 2, column: 1 }));
        assert!(
            error.message.contains("unknown field `titel`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn page_size_must_be_a_positive_number() {
        let config = Config::from_yaml("page_size: 50\n").unwrap();
        assert_eq!(config.page_size.get(), 50);
        assert_eq!(Config::default().page_size.get(), 500);
        let error = Config::from_yaml("title: Atlas\npage_size: 0\n").unwrap_err();
        assert_eq!(error.position.map(|p| p.line), Some(2));
        assert!(error.message.contains("nonzero"), "{}", error.message);
    }

    #[test]
    fn limits_default_and_can_be_raised_one_by_one() {
        let config = Config::from_yaml("limits:\n  tags_per_entry: 200\n").unwrap();
        assert_eq!(config.limits.tags_per_entry, 200);
        assert_eq!(config.limits.name_length, 300);
        assert_eq!(config.limits.entry_file_size, 1024 * 1024);
        assert_eq!(Config::default().limits, crate::limits::Limits::default());
        let error = Config::from_yaml("limits:\n  tag_per_entry: 200\n").unwrap_err();
        assert_eq!(error.position.map(|p| p.line), Some(2));
        assert!(
            error.message.contains("unknown field `tag_per_entry`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn wrong_type_is_an_error_with_line_and_column() {
        let error = Config::from_yaml("title: Atlas\nfeed_limit: many\n").unwrap_err();
        assert_eq!(error.position.map(|p| p.line), Some(2));
    }
}
