//! Loads, pins and normalizes PortOne's V2 OpenAPI spec.
//!
//! Shared by `portone-gen`'s build script (which generates the client from the
//! normalized spec) and by `xtask` (fetch, surface, diff). The spec itself is never
//! committed: it is materialized next to the lock file by `cargo xtask fetch`.

#![forbid(unsafe_code)]

#[cfg(feature = "codegen")]
pub mod codegen;
pub mod diff;
pub mod model;
pub mod normalize;
pub mod sample;
pub mod source;
#[cfg(feature = "codegen")]
pub mod surface;

pub use model::*;
pub use normalize::{
    NormalizeError, Normalized, Options, normalize, rust_method_name, rust_type_name,
};
pub use source::{Spec, SpecError, SpecLock};

/// Why the spec for a build could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No spec has been materialized.
    #[error(
        "no PortOne OpenAPI spec at {0}: run `cargo xtask fetch` (offline: `cargo xtask fetch --from PATH`)"
    )]
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

/// For build scripts: prints the `cargo::rerun-if-*` lines for the spec and the lock, reads the
/// `unstable` feature of the crate being built, and loads the spec (see [`load_for_build`]).
pub fn load_in_build_script() -> Result<(Spec, Normalized), LoadError> {
    let (path, locked) = build_spec_path();
    println!("cargo::rerun-if-env-changed={}", source::SPEC_OVERRIDE_ENV);
    println!("cargo::rerun-if-changed={}", path.display());
    if locked {
        println!("cargo::rerun-if-changed={}", source::lock_path().display());
    }
    let options = Options {
        unstable: std::env::var_os("CARGO_FEATURE_UNSTABLE").is_some(),
    };
    load_for_build(&options)
}

/// Ends a build script with one `error:` line (cargo shows it under the build failure).
pub fn exit_build_script(message: impl std::fmt::Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
