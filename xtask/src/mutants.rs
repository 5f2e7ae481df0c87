//! `cargo xtask mutants`: mutation testing (cargo-mutants) of the safety-critical files — which
//! promises does no test hold? Fails on a missed mutant that `xtask/mutants-equivalent.txt`
//! does not list, with a reason, as equivalent (a change no test can tell apart).
//!
//! Too slow for every CI run (every mutant rebuilds and runs the tests: about an hour on two
//! cores): run it before resolving work on these files, and after changing them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::workspace_root;

/// The files whose mistakes could send a payment twice, leak a secret, mistake an outcome, or
/// decode a value wrongly.
pub const SAFETY_CRITICAL: &[&str] = &[
    "portone-client/src/retry.rs",
    "portone-client/src/pipeline.rs",
    "portone-gen/src/path.rs",
    "portone-gen/src/wire.rs",
    "portone-client/src/webhook.rs",
    "portone-gen/src/open.rs",
    "portone-client/src/body.rs",
    "portone-client/src/call.rs",
    "portone-client/src/auth.rs",
    "portone-client/src/error.rs",
];

/// Missed mutants that no test can catch, with the reason (committed).
const EQUIVALENT: &str = "xtask/mutants-equivalent.txt";

#[derive(clap::Args, Debug, Default)]
pub struct MutantsArgs {
    /// Only this file (repeatable; default: every safety-critical file).
    #[arg(long)]
    pub file: Vec<String>,
    /// Only list the mutants, do not test them.
    #[arg(long)]
    pub list: bool,
    /// Judge an earlier run's results in `target/mutants` without running again.
    #[arg(long)]
    pub report_only: bool,
    /// Test again only what the previous run did not catch (after adding tests for its misses).
    #[arg(long)]
    pub iterate: bool,
}

pub fn run(args: &MutantsArgs) -> Result<(), String> {
    let root = workspace_root();
    let files: Vec<&str> = if args.file.is_empty() {
        SAFETY_CRITICAL.to_vec()
    } else {
        args.file.iter().map(String::as_str).collect()
    };
    // One cargo-mutants run per file, each with its own results: a run stopped half-way keeps
    // the files it finished, and `--iterate` resumes one file at a time.
    let equivalent = equivalents(&root.join(EQUIVALENT))?;
    if !args.report_only {
        for file in &files {
            if args.iterate && settled(&root, file, &equivalent)? {
                // cargo-mutants would find nothing to test and replace the finished results
                // with an empty run.
                eprintln!("cargo xtask mutants: {file}: every mutant already judged");
                continue;
            }
            run_file(&root, file, args)?;
        }
    }
    if args.list {
        return Ok(());
    }
    let mut results = Results::default();
    for file in &files {
        results.extend(current_results(&root, file)?);
    }
    println!("{}", results.table());
    let unexplained: Vec<&String> = results
        .missed
        .iter()
        .filter(|m| !equivalent.contains_key(&key(m)))
        .collect();
    let stale: Vec<&String> = equivalent
        .keys()
        .filter(|k| files.iter().any(|f| k.starts_with(f)))
        .filter(|k| !results.missed.iter().any(|m| key(m) == **k))
        .collect();
    for key in &stale {
        eprintln!("note: {EQUIVALENT} lists `{key}`, which was not missed this time");
    }
    if !results.untested.is_empty() {
        return Err(format!(
            "{} mutants of the files as they are now were never tested (the code changed since, \
             or a run stopped): run `cargo xtask mutants --iterate`",
            results.untested.len()
        ));
    }
    if unexplained.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} missed mutants no test catches and {EQUIVALENT} does not explain:\n  {}",
            unexplained.len(),
            unexplained
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        ))
    }
}

/// The finished results of `file`, of its mutants as it is now.
fn current_results(root: &Path, file: &str) -> Result<Results, String> {
    let read = Results::read(&output_of(root, file).join("mutants.out"))?;
    Ok(read.of_current(&current_mutants(root, file)?))
}

/// Whether a finished run judged every current mutant of `file` and each one it missed is a
/// listed equivalent: `--iterate` has nothing left to do there.
fn settled(root: &Path, file: &str, equivalent: &BTreeMap<String, String>) -> Result<bool, String> {
    if Results::read(&output_of(root, file).join("mutants.out")).is_err() {
        return Ok(false);
    }
    Ok(current_results(root, file)?.settled(equivalent))
}

/// Where the results of `file` go: `target/mutants/<file with / as _>`.
fn output_of(root: &Path, file: &str) -> PathBuf {
    root.join("target/mutants").join(file.replace('/', "_"))
}

/// The mutants cargo-mutants makes of `file` as it is now.
fn current_mutants(root: &Path, file: &str) -> Result<Vec<String>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["mutants", "--list", "--file", file])
        .output()
        .map_err(|e| format!("cannot run cargo-mutants ({e})"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo mutants --list failed on {file}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.trim().is_empty())
        .collect())
}

/// Runs cargo-mutants on one file.
fn run_file(root: &Path, file: &str, args: &MutantsArgs) -> Result<(), String> {
    let output = output_of(root, file);
    // cargo-mutants writes `mutants.out` into `--output` but creates no directory above it (a
    // fresh clone has no `target/mutants`); an existing one is fine (`--iterate` reuses it).
    std::fs::create_dir_all(&output)
        .map_err(|e| format!("cannot create {}: {e}", output.display()))?;
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // The copy must include the git-ignored materialized spec (cargo-mutants never copies
    // `target/` unless asked).
    cmd.current_dir(root).args([
        "mutants",
        "--no-shuffle",
        "--all-features",
        "--gitignore",
        "false",
        "--file",
        file,
    ]);
    // The promises are held by the unit tests, the facade's tests and the workspace tests.
    for package in ["portone-gen", "portone-client", "portone-tests"] {
        cmd.args(["--test-package", package]);
    }
    cmd.arg("--output").arg(&output);
    if args.list {
        cmd.arg("--list");
    }
    if args.iterate {
        cmd.arg("--iterate");
    }
    // Tests take up to ~30 s (the fault suite, the mock's end-to-end run); the surface
    // tests (generator output, no runtime code) are skipped; doctests would compile dozens
    // of programs per mutant.
    cmd.args(["--timeout", "120", "--build-timeout", "900"]);
    cmd.args(["--", "--lib", "--tests", "--", "--skip", "surface"]);
    eprintln!("cargo xtask mutants: {file}");
    let status = cmd.status().map_err(|e| {
        format!("cannot run cargo-mutants ({e}): install it with `cargo install cargo-mutants`")
    })?;
    // cargo-mutants exits non-zero when a mutant is missed; the judgment comes later.
    if !args.list && Results::read(&output.join("mutants.out")).is_err() {
        return Err(format!(
            "cargo-mutants failed on {file} ({status}) before testing mutants"
        ));
    }
    Ok(())
}

/// A mutant without its line and column (`file: description`), stable across edits elsewhere.
pub fn key(mutant: &str) -> String {
    let mut parts = mutant.splitn(4, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(file), Some(line), Some(column), Some(rest))
            if line.chars().all(|c| c.is_ascii_digit())
                && column.chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{file}:{rest}")
        }
        _ => mutant.to_owned(),
    }
}

/// `file: description # reason` lines; a line without a reason is an error.
fn equivalents(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        match line.rsplit_once(" # ") {
            Some((mutant, reason)) if !reason.trim().is_empty() => {
                out.insert(key(mutant.trim()), reason.trim().to_owned());
            }
            _ => {
                return Err(format!(
                    "{}:{}: an equivalent mutant needs ` # <reason>`",
                    path.display(),
                    number + 1
                ));
            }
        }
    }
    Ok(out)
}

/// cargo-mutants' result files.
#[derive(Default)]
struct Results {
    caught: Vec<String>,
    missed: Vec<String>,
    timeout: Vec<String>,
    unviable: Vec<String>,
    untested: Vec<String>,
}

impl Results {
    fn read(dir: &Path) -> Result<Results, String> {
        let lines = |name: &str| -> Vec<String> {
            std::fs::read_to_string(dir.join(name))
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .filter(|l| !l.trim().is_empty())
                .collect()
        };
        // cargo-mutants writes `end_time` when a run finishes.
        let finished = std::fs::read_to_string(dir.join("outcomes.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|outcomes| outcomes["end_time"].is_string());
        if !finished {
            return Err(format!(
                "no finished cargo-mutants run in {} (not run yet, or stopped before the end: \
                 `--iterate` resumes it)",
                dir.display()
            ));
        }
        let mut caught = lines("caught.txt");
        // Caught by an earlier run (`--iterate`).
        caught.extend(lines("previously_caught.txt"));
        Ok(Results {
            caught,
            missed: lines("missed.txt"),
            timeout: lines("timeout.txt"),
            unviable: lines("unviable.txt"),
            untested: Vec::new(),
        })
    }

    /// The outcomes of `current` (the file's mutants as it is now: results of an earlier
    /// version under other line numbers are left out); a current mutant no run has tested is
    /// `untested`.
    fn of_current(self, current: &[String]) -> Results {
        let keep = |list: Vec<String>| -> Vec<String> {
            list.into_iter().filter(|m| current.contains(m)).collect()
        };
        let mut out = Results {
            caught: keep(self.caught),
            missed: keep(self.missed),
            timeout: keep(self.timeout),
            unviable: keep(self.unviable),
            untested: Vec::new(),
        };
        out.untested = current
            .iter()
            .filter(|m| {
                ![&out.caught, &out.missed, &out.timeout, &out.unviable]
                    .iter()
                    .any(|list| list.contains(m))
            })
            .cloned()
            .collect();
        out
    }

    /// Nothing untested, and every missed mutant a listed equivalent.
    fn settled(&self, equivalent: &BTreeMap<String, String>) -> bool {
        self.untested.is_empty() && self.missed.iter().all(|m| equivalent.contains_key(&key(m)))
    }

    fn extend(&mut self, other: Results) {
        self.untested.extend(other.untested);
        self.caught.extend(other.caught);
        self.missed.extend(other.missed);
        self.timeout.extend(other.timeout);
        self.unviable.extend(other.unviable);
    }

    /// Per file: mutants, caught, missed, timeouts (caught by the timeout), unviable.
    fn table(&self) -> String {
        let file = |m: &String| m.split(':').next().unwrap_or_default().to_owned();
        let mut rows: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        for (column, list) in [
            &self.caught,
            &self.missed,
            &self.timeout,
            &self.unviable,
            &self.untested,
        ]
        .into_iter()
        .enumerate()
        {
            for mutant in list {
                rows.entry(file(mutant)).or_default()[column] += 1;
            }
        }
        let mut out = String::from(
            "| file | mutants | caught | missed | timeout | unviable | untested |\n|---|---:|---:|---:|---:|---:|---:|\n",
        );
        let mut total = [0usize; 5];
        for (file, counts) in &rows {
            let all: usize = counts.iter().sum();
            out.push_str(&format!(
                "| {file} | {all} | {} | {} | {} | {} | {} |\n",
                counts[0], counts[1], counts[2], counts[3], counts[4]
            ));
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        out.push_str(&format!(
            "| **all** | {} | {} | {} | {} | {} | {} |\n",
            total.iter().sum::<usize>(),
            total[0],
            total[1],
            total[2],
            total[3],
            total[4]
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_line_and_column() {
        assert_eq!(
            key(
                "portone-client/src/retry.rs:110:9: replace RetryConfig::retries_transport -> bool with true"
            ),
            "portone-client/src/retry.rs: replace RetryConfig::retries_transport -> bool with true"
        );
        assert_eq!(key("no position here"), "no position here");
    }

    #[test]
    fn a_file_is_settled_when_nothing_is_untested_and_every_miss_is_explained() {
        let explained = BTreeMap::from([(key("a.rs:2:1: y"), "reason".to_owned())]);
        let judged = Results {
            caught: vec!["a.rs:1:1: x".into()],
            missed: vec!["a.rs:2:1: y".into()],
            ..Results::default()
        };
        assert!(judged.settled(&explained));
        assert!(!judged.settled(&BTreeMap::new()), "an unexplained miss");
        let untested = Results {
            untested: vec!["a.rs:3:1: new".into()],
            ..judged
        };
        assert!(!untested.settled(&explained));
    }

    #[test]
    fn only_the_current_mutants_count_and_the_rest_is_untested() {
        let earlier = Results {
            caught: vec!["a.rs:1:1: x".into(), "a.rs:9:1: moved since".into()],
            missed: vec!["a.rs:2:1: y".into()],
            ..Results::default()
        };
        let current = ["a.rs:1:1: x", "a.rs:2:1: y", "a.rs:3:1: new"].map(String::from);
        let now = earlier.of_current(&current);
        assert_eq!(now.caught, ["a.rs:1:1: x"]);
        assert_eq!(now.missed, ["a.rs:2:1: y"]);
        assert_eq!(now.untested, ["a.rs:3:1: new"]);
        assert!(
            now.table().contains("| a.rs | 3 | 1 | 1 | 0 | 0 | 1 |"),
            "{}",
            now.table()
        );
    }

    #[test]
    fn equivalents_need_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eq.txt");
        std::fs::write(
            &path,
            "// comment\na.rs:1:2: replace x with y # same behaviour\n",
        )
        .unwrap();
        let eq = equivalents(&path).unwrap();
        assert_eq!(
            eq.get("a.rs: replace x with y").map(String::as_str),
            Some("same behaviour")
        );
        std::fs::write(&path, "a.rs:1:2: replace x with y\n").unwrap();
        assert!(
            equivalents(&path)
                .unwrap_err()
                .contains("needs ` # <reason>`")
        );
    }
}
