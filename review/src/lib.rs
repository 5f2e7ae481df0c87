//! Review tooling for spec updates, used by `xtask` and the workspace tests (never by SDK users):
//!
//! - [`diff`]: the semantic diff of two specs, classified for Rust SDK users;
//! - [`surface`]: the API-surface manifest of a spec (what the generated client exposes).

#![forbid(unsafe_code)]

pub mod diff;
pub mod surface;
