//! Running cargo from the xtask: one command builder, one step runner.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use portone_openapi::source::SPEC_OVERRIDE_ENV;

/// `cargo` (the one running the xtask) in `dir`, generating from the pinned spec (a
/// `PORTONE_OPENAPI_SPEC` of the caller is removed).
pub fn cargo(dir: &Path) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(dir);
    cmd.env_remove(SPEC_OVERRIDE_ENV);
    cmd
}

/// Runs `cmd`; an error names `name` and the exit status.
pub fn run(name: &str, mut cmd: Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("{name}: cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

/// Runs `cmd` as a named step: prints `==> name` before and the time it took after.
pub fn step(name: &str, cmd: Command) -> Result<(), String> {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let result = run(name, cmd);
    eprintln!("<== {name}: {:.1}s", start.elapsed().as_secs_f64());
    result
}
