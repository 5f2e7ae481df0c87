//! Generates the PortOne client from the normalized spec (see `portone_openapi::codegen`).
//!
//! Writes to `OUT_DIR`:
//! - `client.rs`: progenitor's output (positional methods, typify types);
//! - `open_types.rs`: every string enum and discriminated union as an open type;
//! - `operations.rs`: the operation table used by the hooks and the facade.

use std::path::Path;

use portone_openapi::codegen::{Generated, generate};

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

    let out_dir = std::env::var("OUT_DIR").map_err(|e| e.to_string())?;
    let out = Path::new(&out_dir);
    for (name, file) in [
        ("client.rs", &generated.client),
        ("open_types.rs", &generated.open_types),
        ("operations.rs", &generated.operations),
    ] {
        let path = out.join(name);
        std::fs::write(&path, Generated::text(file))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "cargo::rustc-env=PORTONE_SPEC_VERSION={}",
        normalized.model.info_version
    );
    println!("cargo::rustc-env=PORTONE_SPEC_SHA256={}", spec.sha256);
    Ok(())
}
