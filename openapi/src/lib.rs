//! Loads, pins and normalizes PortOne's V2 OpenAPI spec.
//!
//! The build dependency of `portone-gen` and `portone-client`, whose build scripts generate the
//! client from the normalized spec, also used by `portone-mock` (feature `sample`) and `xtask`.
//! The spec is never committed to git: `cargo xtask fetch` materializes it next to the lock
//! file, and the published package carries it (see `MAINTAINING.md`).

#![forbid(unsafe_code)]

#[cfg(feature = "codegen")]
pub mod codegen;
pub mod docs;
pub mod features;
pub mod model;
pub mod moves;
pub mod normalize;
pub mod refs;
pub mod repair;
#[cfg(feature = "sample")]
pub mod sample;
pub mod source;

pub use model::*;
pub use normalize::{
    NormalizeError, Normalized, Options, normalize, rust_method_name, rust_type_name,
};
pub use source::{Spec, SpecError, SpecLock};

/// Why the spec for a build could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No spec has been materialized (or packaged) where the build looks for it.
    #[error("{}", missing_spec_message(&source::spec_dir(), .0))]
    NotMaterialized(std::path::PathBuf),
    /// `PORTONE_OPENAPI_SPEC` names a file that does not exist.
    #[error(
        "PORTONE_OPENAPI_SPEC={0} does not exist (build scripts run in the crate directory: use an absolute path)"
    )]
    OverrideMissing(std::path::PathBuf),
    /// The spec could not be read or is not the pinned one.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The spec has a construct the normalizer does not understand.
    #[error("cannot normalize the spec: {0}")]
    Normalize(NormalizeError),
}

/// What to do about a missing spec, depending on where this crate's sources are: the workspace
/// (run the xtask), a `git = ...` dependency (the spec is never committed) or a package.
fn missing_spec_message(dir: &std::path::Path, path: &std::path::Path) -> String {
    let env = source::SPEC_OVERRIDE_ENV;
    let from_git = dir
        .components()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w[0].as_os_str() == "git" && w[1].as_os_str() == "checkouts");
    if from_git {
        format!(
            "portone-openapi from git has no PortOne OpenAPI spec (the repository never commits \
             it): set {env}=/absolute/path/to/v2.openapi.json (from {}) or depend on the \
             registry package, which carries the pinned spec",
            source::DEFAULT_SOURCE_URL
        )
    } else if dir.join("Cargo.toml.orig").exists() {
        format!(
            "this portone-openapi package has no spec at {} (it was not packaged with `cargo \
             xtask package`): use a published version, or set {env}=/absolute/path/to/v2.openapi.json",
            path.display()
        )
    } else {
        format!(
            "no PortOne OpenAPI spec at {}: run `cargo xtask fetch` (offline: `cargo xtask fetch \
             --from PATH`)",
            path.display()
        )
    }
}

/// Which spec file a build uses: `PORTONE_OPENAPI_SPEC` if set, else the materialized one.
/// The second value says whether the lock applies (only to the materialized spec).
pub fn build_spec_path() -> (std::path::PathBuf, bool) {
    match std::env::var_os(source::SPEC_OVERRIDE_ENV) {
        Some(path) if !path.is_empty() => (path.into(), false),
        _ => (source::materialized_spec_path(), true),
    }
}

/// Loads the spec a build should use (see [`build_spec_path`]), checks it against the lock
/// when it is the materialized one, and normalizes it.
pub fn load_for_build(options: &Options) -> Result<(Spec, Normalized), LoadError> {
    let (path, locked) = build_spec_path();
    if !path.exists() {
        return Err(if locked {
            LoadError::NotMaterialized(path)
        } else {
            LoadError::OverrideMissing(path)
        });
    }
    let spec = Spec::from_path(&path)?;
    if locked {
        SpecLock::read(&source::lock_path())?.verify(&spec)?;
    }
    let normalized = normalize(&spec, options).map_err(LoadError::Normalize)?;
    Ok((spec, normalized))
}

/// For build scripts: prints the `cargo::rerun-if-*` lines for the spec and the lock, and loads
/// the spec (see [`load_for_build`]). `options` usually come from the features of the crate being
/// built ([`features::options_from_features`]).
pub fn load_in_build_script(options: &Options) -> Result<(Spec, Normalized), LoadError> {
    let (path, locked) = build_spec_path();
    println!("cargo::rerun-if-env-changed={}", source::SPEC_OVERRIDE_ENV);
    println!("cargo::rerun-if-changed={}", path.display());
    if locked {
        println!("cargo::rerun-if-changed={}", source::lock_path().display());
    }
    let loaded = load_for_build(options)?;
    for repair in &loaded.1.repairs {
        println!("cargo::warning={repair}");
    }
    Ok(loaded)
}

/// Ends a build script with one `error:` line (cargo shows it under the build failure).
pub fn exit_build_script(message: impl std::fmt::Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::missing_spec_message;

    #[test]
    fn a_missing_spec_says_what_to_do_where_the_sources_are() {
        let tmp = std::env::temp_dir().join(format!("portone-openapi-{}", std::process::id()));
        let git = Path::new("/home/u/.cargo/git/checkouts/portone-rust-1a2b/4f63e85/openapi");
        let message = missing_spec_message(git, &git.join("portone-v2.openapi.json"));
        assert!(
            message.contains("PORTONE_OPENAPI_SPEC=/absolute/path"),
            "{message}"
        );
        assert!(message.contains("registry package"), "{message}");

        std::fs::create_dir_all(&tmp).unwrap();
        let message = missing_spec_message(&tmp, &tmp.join("portone-v2.openapi.json"));
        assert!(message.contains("run `cargo xtask fetch`"), "{message}");

        std::fs::write(tmp.join("Cargo.toml.orig"), "").unwrap();
        let message = missing_spec_message(&tmp, &tmp.join("portone-v2.openapi.json"));
        assert!(
            message.contains("not packaged with `cargo xtask package`"),
            "{message}"
        );
        std::fs::remove_dir_all(&tmp).unwrap();
        assert!(!message.contains('\n'));
    }
}
