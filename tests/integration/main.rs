//! The one integration-test binary: fixture knowledge bases (folders under `tests/fixtures/`)
//! built end to end through the library, with snapshots of the pages' main content.

mod atlas;
// Kill tests: the swap is atomic only with Linux's `renameat2(RENAME_EXCHANGE)`.
#[cfg(target_os = "linux")]
mod atomic_write;
mod build_cache;
mod error_codes;
mod field_types;
mod hostile_html;
mod hostile_input;
mod incremental;
mod links;
mod mistakes;
mod one_mistake;
mod output_safety;
mod pages;
mod schema_errors;
mod serve;
mod support;
#[cfg(unix)]
mod symlinks;
mod timeline;
mod writing;
