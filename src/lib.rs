//! `lode`: a static-site generator for typed, sourced knowledge bases.
//!
//! The pipeline runs in one direction, each stage owning its data:
//! discover → parse → validate → link → derive → render → write. See `ARCHITECTURE.md`.

// Diagnostics travel in `Result::Err` on the (rare) error path only; boxing every one of them
// would cost an allocation per diagnostic and clutter every stage for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod build_cache;
pub mod comparison;
pub mod config;
pub mod derive;
pub mod diagnostics;
pub mod discover;
pub mod edtf;
pub mod graph_svg;
pub mod incremental;
pub mod key;
pub mod layout;
pub mod limits;
pub mod link;
pub mod model;
pub mod parse;
pub mod quantity;
pub mod render;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod text;
pub mod url_safety;
pub mod validate;
pub mod write;
pub mod yaml_position;
