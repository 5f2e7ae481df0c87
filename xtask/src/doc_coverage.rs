//! `cargo xtask doc-coverage`: how much of what a spec documents reaches the generated docs.

use std::path::PathBuf;

use portone_openapi::{Options, Spec, codegen, normalize, source};
use portone_review::doc_coverage::Coverage;

#[derive(clap::Args, Debug, Default)]
pub struct DocCoverageArgs {
    /// The spec file (default: the materialized, pinned spec).
    #[arg(long)]
    pub spec: Option<PathBuf>,
}

pub fn run(args: &DocCoverageArgs) -> Result<(), String> {
    let path = args
        .spec
        .clone()
        .unwrap_or_else(source::materialized_spec_path);
    let spec = Spec::from_path(&path)
        .map_err(|e| format!("{e} (run `cargo xtask fetch`, or pass --spec PATH)"))?;
    let normalized = normalize(&spec, &Options::everything()).map_err(|e| e.to_string())?;
    let generated = codegen::generate(&normalized)?;
    let coverage = Coverage::measure(&normalized, &generated)?;
    println!(
        "Documentation coverage of {} (every operation, unstable included):\n",
        path.display()
    );
    print!("{coverage}");
    if coverage.complete() {
        Ok(())
    } else {
        Err("some items the spec documents have no docs".into())
    }
}
