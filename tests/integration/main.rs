//! The one integration-test binary: fixture knowledge bases (folders under `tests/fixtures/`)
//! built end to end through the library, with snapshots of the pages' main content.

mod atlas;
mod build_cache;
mod field_types;
mod hostile_html;
mod hostile_input;
mod incremental;
mod links;
mod mistakes;
mod pages;
mod schema_errors;
mod serve;
mod support;
mod timeline;
mod writing;
