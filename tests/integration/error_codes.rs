//! Every diagnostic code is documented in docs/errors.md.

use lode::diagnostics::Code;

/// Each code of [`Code::ALL`] has its own `## Lxxxx` heading in docs/errors.md.
#[test]
fn every_code_has_a_heading_in_docs_errors_md() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors.md"))
        .expect("docs/errors.md exists");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| {
            !docs
                .lines()
                .any(|line| line.starts_with(&format!("## {code} ")))
        })
        .collect();
    assert!(missing.is_empty(), "undocumented codes: {missing:?}");
}
