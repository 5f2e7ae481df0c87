//! What the review tests share.

use std::path::PathBuf;

use portone_openapi::Spec;

/// One of PortOne's published specs in `../shared/openapi` (`portone-v2.openapi.json`,
/// `history/<date>.openapi.json`).
pub fn published(name: &str) -> Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/openapi")
        .join(name);
    Spec::from_path(&path).unwrap_or_else(|e| {
        panic!("{e}: these tests need PortOne's published specs in ../shared/openapi")
    })
}
