//! The real knowledge base, Rare Earth Atlas, checked as a contributor would.

use lode::site::{self, BuildOptions};
use std::path::Path;

#[test]
fn rare_earth_atlas_checks_without_errors() {
    let options = BuildOptions {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        ..BuildOptions::default()
    };
    let outcome = site::check(&options).expect("lode.yaml is valid");
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(false))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
