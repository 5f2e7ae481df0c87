//! Generates the PortOne client from the normalized spec (see `portone_openapi::codegen`): the
//! one generator run of a build.
//!
//! Writes to `OUT_DIR`:
//! - `client.rs`: progenitor's output (positional methods, typify types);
//! - `open_types.rs`: every string enum and discriminated union as an open type;
//! - `operations.rs`: the operation table used by the hooks and the facade;
//! - `facade.rs`: the generated part of `portone-client` (operation groups, request builders,
//!   streams), which that crate includes; its path is this package's `links` metadata
//!   `facade` (`DEP_PORTONE_GEN_FACADE` in the build scripts of dependents).

use std::path::Path;

use portone_openapi::codegen::{Generated, generate};

#[path = "build/facade.rs"]
mod facade;
#[path = "build/paginate.rs"]
mod paginate;
#[path = "build/requests.rs"]
mod requests;

fn main() {
    if let Err(message) = run() {
        portone_openapi::exit_build_script(message);
    }
}

fn run() -> Result<(), String> {
    let (spec, normalized) =
        portone_openapi::load_in_build_script(&portone_openapi::features::options_from_features())
            .map_err(|e| e.to_string())?;
    let generated = generate(&normalized).map_err(|e| format!("{}: {e}", spec.origin))?;
    let facade = facade::emit_facade(&normalized, &generated)?;

    let out_dir = std::env::var("OUT_DIR").map_err(|e| e.to_string())?;
    let out = Path::new(&out_dir);
    for (name, file) in [
        ("client.rs", &generated.client),
        ("open_types.rs", &generated.open_types),
        ("operations.rs", &generated.operations),
        ("facade.rs", &facade),
    ] {
        let path = out.join(name);
        std::fs::write(&path, Generated::text(file))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("cargo::metadata=facade={}", out.join("facade.rs").display());
    println!(
        "cargo::rustc-env=PORTONE_SPEC_VERSION={}",
        normalized.model.info_version
    );
    println!("cargo::rustc-env=PORTONE_SPEC_SHA256={}", spec.sha256);
    Ok(())
}
