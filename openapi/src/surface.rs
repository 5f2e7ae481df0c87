//! The API surface of the generated client: a compact, deterministic manifest.
