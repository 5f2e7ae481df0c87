//! `cargo xtask diff OLD NEW`: the semantic diff of two specs as a Markdown report.
//!
//! Exit status: 0 = compared (with `--fail-on-breaking`: and nothing breaks), 1 = breaking
//! changes with `--fail-on-breaking`, 2 = a spec could not be read, normalized or generated.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use portone_openapi::Spec;
use portone_review::diff::{Class, SpecDiff, diff_specs};

use crate::spec_store::read_source;

/// The largest report that fits a GitHub pull-request description (65,536) with room to spare.
pub const PR_REPORT_CHARS: usize = 60_000;

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old spec: a file path or http(s) URL.
    pub old: String,
    /// The new spec: a file path or http(s) URL.
    pub new: String,
    /// Exit with status 1 when a change breaks code written against `portone-client`
    /// (status 2 means a spec could not be read).
    #[arg(long)]
    pub fail_on_breaking: bool,
    /// Write the report, sized for a pull-request description (at most 60,000 characters), to
    /// this file; when it had to be shortened, the full report goes next to it
    /// (`<name>.full.md`).
    #[arg(long, alias = "output")]
    pub report: Option<PathBuf>,
}

/// Reads and parses a spec from a path or URL.
pub fn load(source: &str) -> Result<Spec, String> {
    let bytes = read_source(source)?;
    Spec::from_bytes(&bytes, source).map_err(|e| e.to_string())
}

/// Writes the PR-sized report to `path` and, if it had to be shortened, the full report next
/// to it. Returns the path of the full report when one was written.
pub fn write_report(diff: &SpecDiff, path: &Path) -> Result<Option<PathBuf>, String> {
    let full_path = path.with_extension("full.md");
    let full_name = full_path.file_name().map_or_else(
        || full_path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let short = diff.to_markdown_within(PR_REPORT_CHARS, &full_name);
    let full = diff.to_markdown();
    let write = |p: &Path, text: &str| {
        std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    write(path, &short)?;
    if short == full {
        let _ = std::fs::remove_file(&full_path);
        Ok(None)
    } else {
        write(&full_path, &full)?;
        Ok(Some(full_path))
    }
}

pub fn run(args: &DiffArgs) -> ExitCode {
    let compared = load(&args.old)
        .and_then(|old| Ok((old, load(&args.new)?)))
        .and_then(|(old, new)| diff_specs(&old, &new).map_err(|e| e.to_string()));
    let report = match compared {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report.to_markdown());
    if let Some(path) = &args.report {
        match write_report(&report, path) {
            Ok(full) => {
                eprintln!("report written to {}", path.display());
                if let Some(full) = full {
                    eprintln!("full report written to {}", full.display());
                }
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    eprintln!("{}", report.summary());
    if args.fail_on_breaking && report.is_breaking() {
        eprintln!(
            "error: {} breaking change(s) for users of portone-client (--fail-on-breaking)",
            report.count(Class::Breaking)
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
