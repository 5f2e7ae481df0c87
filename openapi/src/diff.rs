//! Semantic diff of two specs, classified for Rust SDK users.
