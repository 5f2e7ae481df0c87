//! `cargo xtask surface`: print the API-surface manifest of a spec, and the CI check that the
//! committed snapshot matches the pinned spec.

use std::path::{Path, PathBuf};

use portone_openapi::source;
use portone_openapi::{Spec, SpecLock};
use portone_review::surface::Surface;

use crate::workspace_root;

#[derive(clap::Args, Debug, Default)]
pub struct SurfaceArgs {
    /// The spec file (default: the materialized, pinned spec).
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Instead of printing, check that the committed snapshot matches the pinned spec (the CI
    /// check of `cargo xtask test`).
    #[arg(long, conflicts_with = "spec")]
    pub check: bool,
}

/// The committed insta snapshot of the surface of the pinned spec.
pub fn snapshot_path() -> PathBuf {
    workspace_root().join("tests/tests/snapshots/surface__api.snap")
}

/// Builds the surface of the spec at `path`.
pub fn surface_of(path: &Path) -> Result<Surface, String> {
    let spec = Spec::from_path(path).map_err(|e| e.to_string())?;
    Surface::build(&spec).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(args: &SurfaceArgs) -> Result<(), String> {
    if args.check {
        check_pinned()?;
        eprintln!("{} matches the pinned spec", snapshot_path().display());
        return Ok(());
    }
    let path = match &args.spec {
        Some(path) => path.clone(),
        None => {
            let path = source::materialized_spec_path();
            let spec = Spec::from_path(&path)
                .map_err(|e| format!("{e} (run `cargo xtask fetch`, or pass --spec PATH)"))?;
            let lock = SpecLock::read(&source::lock_path()).map_err(|e| e.to_string())?;
            if let Err(e) = lock.verify(&spec) {
                eprintln!("warning: {e}");
            }
            path
        }
    };
    let surface = surface_of(&path)?;
    print!("{}", surface.text());
    Ok(())
}

/// The manifest stored in an insta snapshot file: what follows its `---` metadata block.
pub fn snapshot_contents(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[end + "\n---\n".len()..])
}

/// At most this many differing lines are shown by [`check_snapshot`].
const SHOWN: usize = 20;

/// Checks that the committed snapshot at `snapshot` is the surface of the spec at `spec_path`,
/// with a message saying what differs and what to run when it is not.
pub fn check_snapshot(spec_path: &Path, snapshot: &Path) -> Result<(), String> {
    let surface = surface_of(spec_path)?;
    let fix = "if the spec was updated on purpose, run `cargo xtask update-spec --from PATH_OR_URL` \
               (or `cargo test -p portone-tests --all-features --test surface` then `cargo insta review`) \
               and commit the lock and the snapshot together; otherwise restore the lock \
               (`git checkout openapi/portone-v2.lock.json`) and run `cargo xtask fetch`";
    let file = std::fs::read_to_string(snapshot).map_err(|e| {
        format!(
            "cannot read the API-surface snapshot {}: {e}; {fix}",
            snapshot.display()
        )
    })?;
    let Some(committed) = snapshot_contents(&file) else {
        return Err(format!(
            "{} is not an insta snapshot (no `---` header); {fix}",
            snapshot.display()
        ));
    };
    let current = surface.text();
    if committed.trim_end() == current.trim_end() {
        return Ok(());
    }
    let old: Vec<&str> = committed.lines().collect();
    let new: Vec<&str> = current.lines().collect();
    let mut message = format!(
        "the API-surface snapshot {} does not match the pinned spec {} (info.version {}, sha256 {})",
        snapshot.display(),
        spec_path.display(),
        surface.spec_version,
        &surface.spec_sha256[..12]
    );
    if let (Some(a), Some(b)) = (old.first(), new.first())
        && a != b
    {
        message.push_str(&format!(
            "\n  the snapshot was made from `{a}`, the lock pins `{b}`"
        ));
    }
    let old_set: std::collections::BTreeSet<&str> = old.iter().copied().collect();
    let new_set: std::collections::BTreeSet<&str> = new.iter().copied().collect();
    let removed: Vec<&str> = old
        .iter()
        .copied()
        .filter(|l| !new_set.contains(l))
        .collect();
    let added: Vec<&str> = new
        .iter()
        .copied()
        .filter(|l| !old_set.contains(l))
        .collect();
    message.push_str(&format!(
        "\n  {} line(s) only in the snapshot, {} only in the current surface:",
        removed.len(),
        added.len()
    ));
    for line in removed.iter().take(SHOWN) {
        message.push_str(&format!("\n  - {line}"));
    }
    for line in added.iter().take(SHOWN) {
        message.push_str(&format!("\n  + {line}"));
    }
    if removed.len() > SHOWN || added.len() > SHOWN {
        message.push_str("\n  ...");
    }
    message.push_str(&format!("\n{fix}"));
    Err(message)
}

/// The CI check: the committed snapshot is the surface of the materialized, pinned spec.
pub fn check_pinned() -> Result<(), String> {
    let spec_path = source::materialized_spec_path();
    let spec = Spec::from_path(&spec_path).map_err(|e| e.to_string())?;
    SpecLock::read(&source::lock_path())
        .and_then(|lock| lock.verify(&spec))
        .map_err(|e| e.to_string())?;
    check_snapshot(&spec_path, &snapshot_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"},
        "paths": {}, "components": {"schemas": {
            "Status": {"type": "string", "enum": ["PAID"]},
            "Payment": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}}"#;

    fn snapshot_of(contents: &str) -> String {
        format!("---\nsource: tests/tests/surface.rs\nexpression: text\n---\n{contents}")
    }

    #[test]
    fn reads_the_contents_of_a_snapshot() {
        assert_eq!(snapshot_contents(&snapshot_of("a\nb\n")), Some("a\nb\n"));
        assert_eq!(snapshot_contents("no header"), None);
    }

    #[test]
    fn a_matching_snapshot_passes_and_a_stale_one_says_what_to_run() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec.json");
        std::fs::write(&spec, SPEC).unwrap();
        let snap = dir.path().join("surface__api.snap");
        let text = surface_of(&spec).unwrap().text();
        std::fs::write(&snap, snapshot_of(&text)).unwrap();
        check_snapshot(&spec, &snap).unwrap();

        let stale = text.replace("value Status.Paid = \"PAID\"\n", "");
        std::fs::write(&snap, snapshot_of(&stale)).unwrap();
        let err = check_snapshot(&spec, &snap).unwrap_err();
        assert!(err.contains("+ value Status.Paid = \"PAID\""), "{err}");
        assert!(
            err.contains("0 line(s) only in the snapshot, 1 only in the current"),
            "{err}"
        );
        assert!(err.contains("cargo xtask update-spec"), "{err}");
        assert!(err.contains("cargo insta review"), "{err}");

        let other_spec = text.replacen("spec 1.0.0", "spec 0.9.0", 1);
        std::fs::write(&snap, snapshot_of(&other_spec)).unwrap();
        let err = check_snapshot(&spec, &snap).unwrap_err();
        assert!(
            err.contains("the snapshot was made from `spec 0.9.0"),
            "{err}"
        );

        std::fs::write(&snap, "not a snapshot").unwrap();
        let err = check_snapshot(&spec, &snap).unwrap_err();
        assert!(err.contains("not an insta snapshot"), "{err}");
        let err = check_snapshot(&spec, &dir.path().join("missing.snap")).unwrap_err();
        assert!(
            err.contains("cannot read the API-surface snapshot"),
            "{err}"
        );
    }
}
