//! `cargo xtask ...`: maintainer tasks for the PortOne SDK workspace.

#![forbid(unsafe_code)]

mod build_report;
mod cargo;
mod diff;
mod doc_coverage;
mod fetch;
mod mutants;
mod package;
mod reference;
mod spec_pr;
mod spec_store;
mod stability;
mod surface;
mod test;
mod update_spec;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer tasks for the PortOne Rust SDK"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Materialize the pinned spec: from the local cache, the lock's archive URL or its source URL.
    Fetch(fetch::FetchArgs),
    /// Restore PortOne's published specs the tests compare with (`../shared/openapi`) where
    /// they are missing, from the spec cache or PortOne's source repository, sha256-checked.
    FetchReference(reference::ReferenceArgs),
    /// Compare two specs: a Markdown report of the changes, classified for Rust SDK users.
    Diff(diff::DiffArgs),
    /// Print the API-surface manifest (what the generated client exposes) of a spec.
    Surface(surface::SurfaceArgs),
    /// How much of what the spec documents reaches the generated docs (fields, values, cases,
    /// parameters, errors); fails below 100%.
    DocCoverage(doc_coverage::DocCoverageArgs),
    /// Take a new spec: show the diff report, pin it, regenerate, leave the surface snapshot
    /// pending review, and say what to run next.
    UpdateSpec(update_spec::UpdateSpecArgs),
    /// Commit what `update-spec` changed to one branch and open or refresh its pull request
    /// (the last step of the spec-update workflow; `--dry-run` prints the commands).
    SpecPr(spec_pr::SpecPrArgs),
    /// Run every check: fmt, clippy, all tests, and the generator on the history specs.
    Test(test::TestArgs),
    /// Measure dev builds of portone-client (clean, facade edit, spec change): time and memory.
    BuildReport(build_report::BuildReportArgs),
    /// Package the published crates with the pinned spec; `--check` builds and tests a project
    /// outside the workspace against the packages, offline.
    Package(package::PackageArgs),
    /// Compile a program written against each history spec's facade against the SDK of the
    /// next newer spec: everything the newer facade has unchanged must compile.
    Stability(stability::StabilityArgs),
    /// Mutation testing (cargo-mutants) of the safety-critical files; fails on a missed mutant
    /// not listed as equivalent in `xtask/mutants-equivalent.txt`. Slow: not part of CI.
    Mutants(mutants::MutantsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        // Its own exit statuses: 1 = breaking changes, 2 = a spec could not be read.
        Command::Diff(args) => return diff::run(&args),
        Command::Fetch(args) => fetch::run(&args).map(|_| ()),
        Command::FetchReference(args) => reference::run(&args),
        Command::Surface(args) => surface::run(&args),
        Command::DocCoverage(args) => doc_coverage::run(&args),
        Command::Test(args) => test::run(&args),
        Command::UpdateSpec(args) => update_spec::run(&args),
        Command::SpecPr(args) => spec_pr::run(&args),
        Command::BuildReport(args) => build_report::run(&args),
        Command::Package(args) => package::run_command(&args),
        Command::Stability(args) => stability::run(&args),
        Command::Mutants(args) => mutants::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}
