//! `cargo xtask package`: the crates users depend on, packaged with the pinned spec, and (with
//! `--check`) proven from the outside: a separate project (`consumer/`) builds them offline and
//! runs its own test against the packaged mock, and the docs build as docs.rs builds them.

use std::path::{Path, PathBuf};
use std::process::Command;

use portone_openapi::source::{self, sha256_hex};
use portone_openapi::{Spec, SpecLock};

use crate::cargo::{cargo, run, step};
use crate::workspace_root;

/// The published crates, in dependency order.
pub const PACKAGES: &[&str] = &[
    "portone-openapi",
    "portone-gen",
    "portone-mock",
    "portone-client",
];

/// The crate that carries the spec, and the spec's file name in it.
const SPEC_PACKAGE: &str = "portone-openapi";
const SPEC_FILE: &str = "portone-v2.openapi.json";
const LOCK_FILE: &str = "portone-v2.lock.json";

#[derive(clap::Args, Debug, Default)]
pub struct PackageArgs {
    /// Package even if the crates have uncommitted changes (the materialized spec, which git
    /// ignores, never counts as one).
    #[arg(long)]
    pub allow_dirty: bool,
    /// Then build and test `consumer/` against the packages (offline; with payment + identity
    /// verification, and with every category) and build the docs of portone-client as docs.rs
    /// does (all features, `--cfg docsrs`, warnings are errors).
    #[arg(long)]
    pub check: bool,
    /// Target dir of the consumer builds (default: the workspace's, which shares the compiled
    /// third-party crates).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
}

/// Where the packages are unpacked (the `[patch.crates-io]` paths of the consumer).
pub fn unpacked_dir() -> PathBuf {
    workspace_root().join("target/package/unpacked")
}

pub fn run_command(args: &PackageArgs) -> Result<(), String> {
    let lock = check_spec()?;
    if !args.allow_dirty {
        check_clean()?;
    }
    let mut package = cargo(&workspace_root());
    // `--allow-dirty`: cargo counts the git-ignored spec as an uncommitted change; the check
    // above covers everything else. `--no-verify`: the consumer build below is the proof.
    package.args(["package", "--no-verify", "--allow-dirty"]);
    for name in PACKAGES {
        package.args(["-p", name]);
    }
    step("cargo package", package)?;
    let packages = unpack()?;
    check_packaged_spec(&lock)?;
    for (name, path) in &packages {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!("  {name}: {} ({} KiB)", path.display(), size / 1024);
    }
    if args.check {
        check_consumer(args.target_dir.as_deref())?;
    }
    Ok(())
}

/// The materialized spec must be the pinned one: it is what the packages carry.
fn check_spec() -> Result<SpecLock, String> {
    let lock = SpecLock::read(&source::lock_path()).map_err(|e| e.to_string())?;
    let path = source::materialized_spec_path();
    if !path.exists() {
        return Err(format!(
            "no materialized spec at {}: run `cargo xtask fetch` before packaging",
            path.display()
        ));
    }
    let spec = Spec::from_path(&path).map_err(|e| e.to_string())?;
    if spec.sha256 != lock.sha256 {
        return Err(format!(
            "the materialized spec (sha256 {}) is not the pinned one ({}): run `cargo xtask \
             fetch` to restore it (or `cargo xtask update-spec` to pin a new one) before packaging",
            &spec.sha256[..12],
            &lock.sha256[..12]
        ));
    }
    Ok(lock)
}

/// No uncommitted change in what the packages are made of.
fn check_clean() -> Result<(), String> {
    let root = workspace_root();
    let output = Command::new("git")
        .args(["status", "--porcelain", "--"])
        .args(["Cargo.toml", "Cargo.lock", "README.md", "openapi"])
        .args(PACKAGES.iter().skip(1))
        .current_dir(&root)
        .output()
        .map_err(|e| format!("cannot run git (to check for uncommitted changes): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git status failed: {} (outside a git checkout, pass --allow-dirty)",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let changes = String::from_utf8_lossy(&output.stdout);
    if changes.trim().is_empty() {
        return Ok(());
    }
    let files: Vec<&str> = changes.lines().map(|l| l.get(3..).unwrap_or(l)).collect();
    Err(format!(
        "uncommitted changes in {}: commit them, or pass --allow-dirty",
        files.join(", ")
    ))
}

/// Unpacks every `.crate` into [`unpacked_dir`]; returns (name, `.crate` path).
fn unpack() -> Result<Vec<(String, PathBuf)>, String> {
    let version = env!("CARGO_PKG_VERSION");
    let dir = unpacked_dir();
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut packages = Vec::new();
    for name in PACKAGES {
        let file = workspace_root().join(format!("target/package/{name}-{version}.crate"));
        let mut tar = Command::new("tar");
        tar.arg("-xzf").arg(&file).arg("-C").arg(&dir);
        run(&format!("unpacking {}", file.display()), tar)?;
        packages.push(((*name).to_owned(), file));
    }
    Ok(packages)
}

/// The package of the spec crate carries the pinned spec and the lock.
fn check_packaged_spec(lock: &SpecLock) -> Result<(), String> {
    let dir = package_dir(SPEC_PACKAGE);
    let spec = std::fs::read(dir.join(SPEC_FILE))
        .map_err(|e| format!("the {SPEC_PACKAGE} package has no {SPEC_FILE}: {e}"))?;
    let sha256 = sha256_hex(&spec);
    if sha256 != lock.sha256 {
        return Err(format!(
            "the {SPEC_PACKAGE} package carries a spec with sha256 {sha256}, the lock pins {}",
            lock.sha256
        ));
    }
    let packaged_lock = SpecLock::read(&dir.join(LOCK_FILE)).map_err(|e| e.to_string())?;
    if &packaged_lock != lock {
        return Err(format!("the {SPEC_PACKAGE} package carries another lock"));
    }
    eprintln!(
        "  {SPEC_PACKAGE} carries the pinned spec (info.version {}, sha256 {})",
        lock.info_version,
        &lock.sha256[..12]
    );
    Ok(())
}

/// The unpacked package of `name`.
pub fn package_dir(name: &str) -> PathBuf {
    unpacked_dir().join(format!("{name}-{}", env!("CARGO_PKG_VERSION")))
}

/// `cargo` in `dir` (the consumer project, or an unpacked package), offline, with the SDK's
/// crates patched to the unpacked packages (so `portone-client = "0.1"` resolves to them, as it
/// would to crates.io).
pub fn packages_cargo(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = cargo(dir);
    cmd.args(args).arg("--offline");
    let this_package = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    for name in PACKAGES {
        let path = package_dir(name);
        if path.file_name().and_then(|n| n.to_str()) == Some(this_package) {
            continue;
        }
        cmd.arg("--config").arg(format!(
            "patch.crates-io.{name}.path={:?}",
            path.display().to_string()
        ));
    }
    cmd
}

fn check_consumer(target_dir: Option<&Path>) -> Result<(), String> {
    let consumer = workspace_root().join("consumer");
    let target = target_dir.map_or_else(|| workspace_root().join("target"), Path::to_owned);
    let packages_cargo = |dir: &Path, args: &[&str]| {
        let mut cmd = packages_cargo(dir, args);
        cmd.arg("--target-dir").arg(&target);
        cmd
    };
    step(
        "consumer: cargo test (portone-client with payment + identity verification)",
        packages_cargo(&consumer, &["test"]),
    )?;
    step(
        "consumer: cargo test --features every-category (portone-client's default features)",
        packages_cargo(&consumer, &["test", "--features", "every-category"]),
    )?;
    // As docs.rs does: `cargo doc` in the unpacked package, with its metadata's settings.
    for name in PACKAGES {
        let mut doc = packages_cargo(&package_dir(name), &["doc", "--all-features", "--no-deps"]);
        doc.env("RUSTDOCFLAGS", "--cfg docsrs -D warnings");
        step(
            &format!(
                "docs of {name} as docs.rs builds them (all features, --cfg docsrs, warnings are errors)"
            ),
            doc,
        )?;
    }
    Ok(())
}
