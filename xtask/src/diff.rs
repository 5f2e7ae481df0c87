//! `cargo xtask diff OLD NEW`: the semantic diff of two specs as a Markdown report.

use std::path::PathBuf;

use portone_openapi::Spec;
use portone_review::diff::{SpecDiff, diff_specs};

use crate::spec_store::read_source;

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old spec: a file path or http(s) URL.
    pub old: String,
    /// The new spec: a file path or http(s) URL.
    pub new: String,
    /// Exit with a non-zero status when a change is breaking for Rust SDK users.
    #[arg(long)]
    pub fail_on_breaking: bool,
    /// Also write the report to this file.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Reads and parses a spec from a path or URL.
pub fn load(source: &str) -> Result<Spec, String> {
    let bytes = read_source(source)?;
    Spec::from_bytes(&bytes, source).map_err(|e| e.to_string())
}

/// Diffs two parsed specs.
pub fn diff(old: &Spec, new: &Spec) -> Result<SpecDiff, String> {
    diff_specs(old, new).map_err(|e| e.to_string())
}

pub fn run(args: &DiffArgs) -> Result<(), String> {
    let report = diff(&load(&args.old)?, &load(&args.new)?)?;
    let markdown = report.to_markdown();
    print!("{markdown}");
    if let Some(path) = &args.output {
        std::fs::write(path, &markdown)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!("{}", report.summary());
    if args.fail_on_breaking && report.is_breaking() {
        return Err(format!(
            "{} breaking change(s) for Rust SDK users (--fail-on-breaking)",
            report.count(portone_review::diff::Class::Breaking)
        ));
    }
    Ok(())
}
