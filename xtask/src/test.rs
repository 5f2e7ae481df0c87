//! `cargo xtask test`: everything CI checks, in one command.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use portone_openapi::source::{self, SPEC_OVERRIDE_ENV};
use portone_openapi::{Spec, SpecLock};

use crate::cargo::step;
use crate::fetch::{self, FetchArgs};
use crate::package::PackageArgs;
use crate::workspace_root;

/// The smallest feature set CI builds: what most merchants use.
const MINIMAL_FEATURES: &str = "rustls,payment,identity-verification";

/// Directory of older specs the generator must also handle.
pub const HISTORY_ENV: &str = "PORTONE_OPENAPI_HISTORY";

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Skip `cargo fmt --check` and clippy.
    #[arg(long)]
    pub no_lint: bool,
    /// Skip generating and testing against the history specs.
    #[arg(long)]
    pub no_history: bool,
}

fn cargo() -> Command {
    crate::cargo::cargo(&workspace_root())
}

/// Makes sure the pinned spec is materialized (fetching it if missing or stale).
pub fn ensure_spec() -> Result<(), String> {
    let lock = SpecLock::read(&source::lock_path()).map_err(|e| e.to_string())?;
    let current = Spec::from_path(&source::materialized_spec_path());
    if current.is_ok_and(|spec| lock.verify(&spec).is_ok()) {
        return Ok(());
    }
    fetch::run(&FetchArgs::default()).map(|_| ())
}

/// The history specs, oldest first: in `dir`, else `$PORTONE_OPENAPI_HISTORY`, else
/// `../shared/openapi/history`.
pub fn history_specs(dir: Option<&std::path::Path>) -> Vec<PathBuf> {
    let dir = match (dir, std::env::var_os(HISTORY_ENV)) {
        (Some(dir), _) => dir.to_owned(),
        (None, Some(dir)) => PathBuf::from(dir),
        (None, None) => workspace_root().join("../shared/openapi/history"),
    };
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    specs.sort();
    specs
}

pub fn run(args: &TestArgs) -> Result<(), String> {
    let start = Instant::now();
    ensure_spec()?;
    eprintln!("\n==> API-surface snapshot matches the pinned spec");
    crate::surface::check_pinned()?;
    if !args.no_lint {
        let mut fmt = cargo();
        fmt.args(["fmt", "--all", "--check"]);
        step("cargo fmt --check", fmt)?;
    }
    if !args.no_history {
        let specs = history_specs(None);
        if specs.is_empty() {
            eprintln!(
                "warning: no history specs found (set {HISTORY_ENV} to a directory of older specs); \
                 regeneration against older specs was NOT tested"
            );
        }
        for spec in specs {
            let mut cmd = cargo();
            cmd.env(SPEC_OVERRIDE_ENV, &spec);
            cmd.args(["test", "-p", "portone-tests", "--all-features"]);
            step(&format!("tests against {}", spec.display()), cmd)?;
        }
    }
    if !args.no_history {
        eprintln!("\n==> additive spec changes stay additive for facade users");
        crate::stability::run(&crate::stability::StabilityArgs::default())?;
    }
    if !args.no_lint {
        let mut clippy = cargo();
        clippy.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]);
        step("cargo clippy", clippy)?;
        let mut minimal = cargo();
        minimal.args(["clippy", "-p", "portone-client", "--lib", "--examples"]);
        minimal.args(["--no-default-features", "--features", MINIMAL_FEATURES]);
        minimal.args(["--", "-D", "warnings"]);
        step(
            &format!("cargo clippy -p portone-client with only {MINIMAL_FEATURES}"),
            minimal,
        )?;
    }
    let mut all = cargo();
    all.args(["test", "--workspace", "--all-features"]);
    step("cargo test --workspace --all-features", all)?;
    let mut stable = cargo();
    stable.args(["test", "-p", "portone-gen"]);
    step("cargo test -p portone-gen (stable operations only)", stable)?;
    eprintln!("\n==> the packages, from a project outside the workspace");
    crate::package::run_command(&PackageArgs {
        allow_dirty: true,
        check: true,
        target_dir: None,
    })?;
    eprintln!(
        "\nall checks passed in {:.0}s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
