//! Review tooling for spec updates, used by `xtask` and the workspace tests (never by SDK users):
//!
//! - [`diff`]: the semantic diff of two specs, classified for users of `portone-client`;
//! - [`report`]: that diff as Markdown sized for a pull request;
//! - [`surface`]: the API-surface manifest of a spec (what the generated client exposes);
//! - [`doc_coverage`]: how much of what the spec documents reaches the generated docs;
//! - [`facade`]: what `portone-client` offers for a spec (calls, request structs, accessors);
//! - [`user_program`]: a program written against one spec's facade, to compile against another.

#![forbid(unsafe_code)]

pub mod diff;
pub mod doc_coverage;
pub mod facade;
pub mod report;
pub mod surface;
pub mod user_program;
