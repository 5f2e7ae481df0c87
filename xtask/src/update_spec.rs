//! `cargo xtask update-spec`: take a new spec, show what changes for SDK users, pin it,
//! regenerate, and leave the API-surface snapshot pending review.

use std::path::PathBuf;
use std::process::Command;

use portone_openapi::moves::Moves;
use portone_openapi::source::{self, DEFAULT_SOURCE_URL};
use portone_openapi::{Spec, SpecLock};
use portone_review::diff::{SpecDiff, diff_specs_with};
use portone_review::surface::Surface;

use crate::fetch::explicit_source;
use crate::spec_store::{self, is_url, read_source};
use crate::workspace_root;

#[derive(clap::Args, Debug, Default)]
pub struct UpdateSpecArgs {
    /// A file path or http(s) URL (default: $PORTONE_OPENAPI_SOURCE, else the lock's source URL).
    #[arg(long)]
    pub from: Option<String>,
    /// A URL that serves exactly this spec for good, recorded in the lock (default: for
    /// PortOne's URL, its source repository's file at the latest commit, when the hashes match).
    #[arg(long)]
    pub archive: Option<String>,
    /// Also write the Markdown report, sized for a pull-request description, to this file (the
    /// full report next to it when it had to be shortened).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Write the outcome as JSON to this file: `changed`, `breaking`, `summary`, `version`,
    /// `moved` (for the update workflow).
    #[arg(long)]
    pub outcome: Option<PathBuf>,
    /// Accept the new API-surface snapshot (the update workflow: the pull request's diff is the
    /// review) instead of leaving it pending for `cargo insta review`.
    #[arg(long)]
    pub accept_snapshot: bool,
    /// Show the report and check that the new spec generates, but change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Where the lock and the materialized spec live (the real ones, or a copy in tests).
#[derive(Debug, Clone)]
pub struct Paths {
    /// The lock file.
    pub lock: PathBuf,
    /// The materialized spec.
    pub spec: PathBuf,
    /// The moves file (facade methods that moved group and keep deprecated aliases).
    pub moves: PathBuf,
}

impl Paths {
    fn workspace() -> Paths {
        Paths {
            lock: source::lock_path(),
            spec: source::materialized_spec_path(),
            moves: portone_openapi::moves::moves_path(),
        }
    }
}

/// A new spec, read and checked, not yet pinned.
pub struct Prepared {
    /// The current lock, if any.
    pub lock: Option<SpecLock>,
    /// The new spec and its exact bytes.
    pub new: Spec,
    bytes: Vec<u8>,
    /// Where it was read from.
    pub from: String,
    /// The pinned spec, when it is materialized.
    pub old: Option<Spec>,
    /// The diff against the pinned spec, or why there is none.
    pub report: Result<SpecDiff, String>,
    /// Whether the new spec differs from the pinned one.
    pub changed: bool,
}

/// Reads the new spec, diffs it against the pinned one and checks that it generates.
/// Changes no file.
pub fn prepare(paths: &Paths, from: &str) -> Result<Prepared, String> {
    let lock = if paths.lock.exists() {
        Some(SpecLock::read(&paths.lock).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let bytes = read_source(from)?;
    let new = Spec::from_bytes(&bytes, from).map_err(|e| e.to_string())?;
    let changed = lock.as_ref().is_none_or(|l| l.verify(&new).is_err());
    let old = match &lock {
        None => Err(format!("no lock file at {}", paths.lock.display())),
        Some(lock) => match Spec::from_path(&paths.spec) {
            Err(e) => Err(format!("the pinned spec is not materialized ({e})")),
            Ok(old) => lock.verify(&old).map(|()| old).map_err(|e| e.to_string()),
        },
    };
    let moves = Moves::read(&paths.moves)?;
    let report = old
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|old| diff_specs_with(old, &new, &moves).map_err(|e| e.to_string()));
    Surface::build(&new).map_err(|e| {
        format!("the new spec cannot be generated, nothing was changed: {from}: {e}")
    })?;
    Ok(Prepared {
        lock,
        new,
        bytes,
        from: from.to_owned(),
        old: old.ok(),
        report,
        changed,
    })
}

/// Records the facade methods that moved group in the moves file (so the old paths stay as
/// deprecated aliases) and compares again: the moves are then additive. Returns the moves
/// recorded now.
pub fn record_moves(
    paths: &Paths,
    prepared: &mut Prepared,
) -> Result<Vec<(String, String)>, String> {
    let (Some(old), Ok(report)) = (&prepared.old, &prepared.report) else {
        return Ok(Vec::new());
    };
    let mut moves = Moves::read(&paths.moves)?;
    let before = moves.clone();
    for (method, from) in &report.moved {
        moves.record(method, from, env!("CARGO_PKG_VERSION"));
    }
    if moves == before {
        return Ok(Vec::new());
    }
    moves.write(&paths.moves)?;
    let recorded = report.moved.clone();
    prepared.report = diff_specs_with(old, &prepared.new, &moves).map_err(|e| e.to_string());
    Ok(recorded)
}

/// Pins the prepared spec: rewrites the lock (with `archive`, a URL serving exactly this spec)
/// and the materialized spec.
pub fn apply(
    paths: &Paths,
    prepared: &Prepared,
    archive: Option<String>,
) -> Result<SpecLock, String> {
    let published = if is_url(&prepared.from) {
        prepared.from.clone()
    } else {
        prepared
            .lock
            .as_ref()
            .map_or(DEFAULT_SOURCE_URL.to_owned(), |l| l.source.clone())
    };
    let mut lock = SpecLock::for_spec(&prepared.new, published);
    lock.archive = archive;
    if std::fs::read(&paths.spec).ok().as_deref() != Some(prepared.bytes.as_slice()) {
        std::fs::write(&paths.spec, &prepared.bytes)
            .map_err(|e| format!("cannot write {}: {e}", paths.spec.display()))?;
    }
    lock.write(&paths.lock).map_err(|e| e.to_string())?;
    Ok(lock)
}

/// The archive URL to record: `--archive` (checked to serve exactly the new spec), else one
/// found upstream; without one the pin is restorable only from local caches (a warning).
fn archive_for(given: Option<&str>, prepared: &Prepared) -> Result<Option<String>, String> {
    if let Some(url) = given {
        let bytes = read_source(url)?;
        let found = portone_openapi::source::sha256_hex(&bytes);
        if found != prepared.new.sha256 {
            return Err(format!(
                "--archive {url} serves sha256 {found}, not the new spec's {}",
                prepared.new.sha256
            ));
        }
        return Ok(Some(url.to_owned()));
    }
    match spec_store::find_archive(&prepared.from, &prepared.new.sha256) {
        Ok(url) => {
            eprintln!("archive: {url}");
            Ok(Some(url))
        }
        Err(why) => {
            eprintln!(
                "warning: no archive URL for this spec ({why}); it can be restored only from \
                 a spec cache: give one with --archive URL"
            );
            Ok(None)
        }
    }
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = crate::cargo::cargo(&workspace_root());
    cmd.args(args);
    cmd
}

pub fn run(args: &UpdateSpecArgs) -> Result<(), String> {
    let paths = Paths::workspace();
    let lock = SpecLock::read(&paths.lock).ok();
    let from = explicit_source(args.from.as_deref()).unwrap_or_else(|| {
        lock.as_ref()
            .map_or(DEFAULT_SOURCE_URL.to_owned(), |l| l.source.clone())
    });
    let mut prepared = prepare(&paths, &from)?;
    if !prepared.changed && prepared.lock.as_ref().is_some_and(|l| l.archive.is_some()) {
        eprintln!(
            "{from} is already the pinned spec (sha256 {}); checking the snapshot",
            &prepared.new.sha256[..12]
        );
        spec_store::remember(&prepared.bytes);
        write_outcome(args, &prepared, &[])?;
        return crate::surface::check_pinned();
    }
    if args.dry_run {
        show_report(args, &prepared)?;
        eprintln!("dry run: the new spec generates; nothing was changed");
        return Ok(());
    }
    let archive = archive_for(args.archive.as_deref(), &prepared)?;
    // Both the outgoing and the incoming pin stay restorable offline.
    if let Ok(old) = std::fs::read(&paths.spec) {
        spec_store::remember(&old);
    }
    spec_store::remember(&prepared.bytes);
    let moved = record_moves(&paths, &mut prepared)?;
    show_report(args, &prepared)?;
    if !moved.is_empty() {
        eprintln!(
            "recorded {} moved operations in {}: their old paths stay as deprecated aliases",
            moved.len(),
            paths.moves.display()
        );
    }
    let lock = apply(&paths, &prepared, archive)?;
    write_outcome(args, &prepared, &moved)?;
    if !prepared.changed {
        eprintln!("the pinned spec is unchanged; recorded its archive URL in the lock");
        return crate::surface::check_pinned();
    }
    eprintln!(
        "pinned {} (info.version {}, sha256 {}, {} operations, {} schemas) in {}",
        from,
        lock.info_version,
        &lock.sha256[..12],
        lock.operations,
        lock.schemas,
        paths.lock.display()
    );
    regenerate_and_snapshot(args)
}

/// Regenerates from the newly pinned spec, runs the API-surface snapshot test and accepts or
/// leaves its diff for review; prints the next steps.
fn regenerate_and_snapshot(args: &UpdateSpecArgs) -> Result<(), String> {
    crate::cargo::step(
        "regenerate: cargo build -p portone-client --all-features",
        cargo(&["build", "-p", "portone-client", "--all-features"]),
    )?;
    let mut snapshot = cargo(&[
        "test",
        "-p",
        "portone-tests",
        "--all-features",
        "--test",
        "surface",
    ]);
    snapshot
        .env("INSTA_UPDATE", "new")
        .env("INSTA_FORCE_PASS", "1");
    crate::cargo::step(
        "API-surface snapshot: cargo test -p portone-tests --all-features --test surface",
        snapshot,
    )?;
    let snapshot = crate::surface::snapshot_path();
    let pending = snapshot.with_extension("snap.new");
    if !pending.exists() {
        eprintln!("\nthe API surface did not change");
    } else if args.accept_snapshot {
        std::fs::rename(&pending, &snapshot)
            .map_err(|e| format!("cannot accept {}: {e}", pending.display()))?;
        eprintln!(
            "\nthe API surface changed: accepted into {}",
            snapshot.display()
        );
    } else {
        eprintln!(
            "\nthe API surface changed: {} is pending review",
            pending.display()
        );
    }
    eprintln!(
        "\nnext steps:\n  1. cargo insta review       (accept the surface diff; without cargo-insta: mv {} {})\n  \
         2. cargo xtask test         (everything CI runs, older specs included)\n  \
         3. commit openapi/portone-v2.lock.json, openapi/portone-v2.moves.json and \
         tests/tests/snapshots/surface__api.snap, with the report in the pull-request description{}",
        pending.display(),
        snapshot.display(),
        if args.report.is_some() {
            " (saved with --report)"
        } else {
            ""
        }
    );
    Ok(())
}

/// Prints the report and writes it where `--report` says.
fn show_report(args: &UpdateSpecArgs, prepared: &Prepared) -> Result<(), String> {
    match &prepared.report {
        Ok(report) => {
            print!("{}", report.to_markdown());
            if let Some(path) = &args.report {
                let full = crate::diff::write_report(report, path)?;
                eprintln!("report written to {}", path.display());
                if let Some(full) = full {
                    eprintln!("full report written to {}", full.display());
                }
            }
            eprintln!("{}", report.summary());
        }
        Err(why) => eprintln!(
            "warning: no diff report: {why}; the snapshot review still shows every change"
        ),
    }
    Ok(())
}

/// The outcome as JSON for the update workflow (`--outcome`).
fn write_outcome(
    args: &UpdateSpecArgs,
    prepared: &Prepared,
    moved: &[(String, String)],
) -> Result<(), String> {
    let Some(path) = &args.outcome else {
        return Ok(());
    };
    let report = prepared.report.as_ref().ok();
    let outcome = serde_json::json!({
        "changed": prepared.changed,
        // Without a diff (no pinned spec to compare with) the update is treated as breaking.
        "breaking": report.is_none_or(SpecDiff::is_breaking),
        "summary": report.map_or_else(|| "no diff report".to_owned(), SpecDiff::summary),
        "version": prepared.new.info_version(),
        "moved": moved.iter().map(|(method, from)| format!("{from}.{method}")).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&outcome).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn shared(name: &str) -> String {
        let path = workspace_root().join("../shared/openapi").join(name);
        assert!(
            path.exists(),
            "{} is missing: these tests need PortOne's published specs in ../shared/openapi",
            path.display()
        );
        path.display().to_string()
    }

    /// A workspace copy where the 2026-05-22 spec is pinned and materialized.
    fn pinned_copy(dir: &Path) -> Paths {
        let paths = Paths {
            lock: dir.join("lock.json"),
            spec: dir.join("spec.json"),
            moves: dir.join("moves.json"),
        };
        let old = shared("history/2026-05-22.openapi.json");
        std::fs::copy(&old, &paths.spec).unwrap();
        let spec = Spec::from_path(&paths.spec).unwrap();
        SpecLock::for_spec(&spec, DEFAULT_SOURCE_URL)
            .write(&paths.lock)
            .unwrap();
        paths
    }

    #[test]
    fn update_shows_the_diff_then_pins_the_new_spec() {
        let dir = tempfile::tempdir().unwrap();
        let paths = pinned_copy(dir.path());
        let new = shared("portone-v2.openapi.json");
        let prepared = prepare(&paths, &new).unwrap();
        assert!(prepared.changed);
        let report = prepared.report.as_ref().unwrap().to_markdown();
        assert!(
            report.contains("added value `INNOPAY` in 3 schemas: `PgCompany`, `PgProvider`"),
            "{report}"
        );
        assert!(report.contains("**0 breaking, "), "{report}");
        // Nothing is written before `apply`.
        let old_lock = SpecLock::read(&paths.lock).unwrap();
        assert_eq!(
            old_lock.sha256,
            Spec::from_path(&paths.spec).unwrap().sha256
        );

        let lock = apply(
            &paths,
            &prepared,
            Some("https://example.invalid/a.json".into()),
        )
        .unwrap();
        assert_eq!(SpecLock::read(&paths.lock).unwrap(), lock);
        assert_eq!(
            lock.sha256,
            "6fa978721dc6cb3a1d3403567d106e17214049e72ddcff581f68c0f712150af1"
        );
        assert_eq!(
            lock.source, DEFAULT_SOURCE_URL,
            "a file source keeps the URL"
        );
        assert_eq!(
            lock.archive.as_deref(),
            Some("https://example.invalid/a.json")
        );
        assert_eq!(
            std::fs::read(&paths.spec).unwrap(),
            std::fs::read(&new).unwrap()
        );

        let again = prepare(&paths, &new).unwrap();
        assert!(!again.changed);
        assert_eq!(again.report.unwrap().changes, vec![]);
    }

    #[test]
    fn a_spec_that_does_not_generate_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let paths = pinned_copy(dir.path());
        let before = std::fs::read(&paths.lock).unwrap();
        let bad = dir.path().join("bad.json");
        std::fs::write(
            &bad,
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "2"}, "paths": {},
                "components": {"schemas": {"U": {"oneOf": [{"type": "string"}]}}}}"#,
        )
        .unwrap();
        let err = prepare(&paths, &bad.display().to_string())
            .err()
            .expect("must fail");
        assert!(
            err.contains("cannot be generated, nothing was changed"),
            "{err}"
        );
        assert!(err.contains("components.schemas.U"), "{err}");
        assert_eq!(std::fs::read(&paths.lock).unwrap(), before);

        let err = prepare(&paths, "/nonexistent/spec.json")
            .err()
            .expect("must fail");
        assert!(err.contains("cannot read /nonexistent/spec.json"), "{err}");
    }

    /// PortOne moved `billingKey` operations to `payment.billingKey`: recorded, the moves keep
    /// deprecated aliases and the report calls them additive.
    #[test]
    fn moved_operations_are_recorded_and_become_additive() {
        let dir = tempfile::tempdir().unwrap();
        let latest = shared("portone-v2.openapi.json");
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&latest).unwrap()).unwrap();
        for item in json["paths"].as_object_mut().unwrap().values_mut() {
            for op in item.as_object_mut().unwrap().values_mut() {
                if op["x-portone-category"] == "payment.billingKey" {
                    op["x-portone-category"] = "billingKey".into();
                }
            }
        }
        let paths = Paths {
            lock: dir.path().join("lock.json"),
            spec: dir.path().join("spec.json"),
            moves: dir.path().join("moves.json"),
        };
        std::fs::write(&paths.spec, serde_json::to_vec(&json).unwrap()).unwrap();
        SpecLock::for_spec(&Spec::from_path(&paths.spec).unwrap(), DEFAULT_SOURCE_URL)
            .write(&paths.lock)
            .unwrap();
        let mut prepared = prepare(&paths, &latest).unwrap();
        let before = prepared.report.as_ref().unwrap();
        assert!(before.is_breaking(), "{}", before.to_markdown());
        assert!(
            before.to_markdown().contains(
                "moved from `portone.billing_key()` to `portone.payment().billing_key()`"
            ),
            "{}",
            before.to_markdown()
        );
        let moved = record_moves(&paths, &mut prepared).unwrap();
        assert!(moved.len() >= 5, "{moved:?}");
        assert!(moved.contains(&("delete_billing_key".into(), "billingKey".into())));
        let after = prepared.report.as_ref().unwrap();
        assert!(!after.is_breaking(), "{}", after.to_markdown());
        assert!(after.to_markdown().contains("stays as a deprecated alias"));
        let recorded = Moves::read(&paths.moves).unwrap();
        assert_eq!(recorded.moved.len(), moved.len());
        // Recording again changes nothing.
        assert!(record_moves(&paths, &mut prepared).unwrap().is_empty());
    }

    #[test]
    fn an_archive_url_must_serve_the_new_spec() {
        let dir = tempfile::tempdir().unwrap();
        let paths = pinned_copy(dir.path());
        let new = shared("portone-v2.openapi.json");
        let prepared = prepare(&paths, &new).unwrap();
        assert_eq!(
            archive_for(Some(&new), &prepared).unwrap().as_deref(),
            Some(new.as_str())
        );
        let err =
            archive_for(Some(&shared("history/2026-05-22.openapi.json")), &prepared).unwrap_err();
        assert!(err.contains("not the new spec's"), "{err}");
        // A spec read from a file has no upstream archive: a warning, not an error.
        assert_eq!(archive_for(None, &prepared).unwrap(), None);
    }

    #[test]
    fn without_the_pinned_spec_the_report_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let paths = pinned_copy(dir.path());
        std::fs::remove_file(&paths.spec).unwrap();
        let prepared = prepare(&paths, &shared("portone-v2.openapi.json")).unwrap();
        let why = prepared.report.err().unwrap();
        assert!(why.contains("not materialized"), "{why}");
    }
}
