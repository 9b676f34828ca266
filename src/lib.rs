//! `lode`: a static-site generator for typed, sourced knowledge bases.
//!
//! The pipeline runs in one direction, each stage owning its data:
//! discover → parse → validate → link → derive → render → write. See `ARCHITECTURE.md`.

pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod edtf;
pub mod link;
pub mod model;
pub mod parse;
pub mod quantity;
pub mod schema;
pub mod validate;
pub mod yaml_position;
