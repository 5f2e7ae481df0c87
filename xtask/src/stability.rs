//! `cargo xtask stability`: the proof that PortOne's additive changes stay additive for users of
//! `portone-client`. For each spec of the history and the next newer one, a user program written
//! against the older spec's facade (every call with its required arguments, every request struct
//! built the documented way, every union accessor; see `portone_review::user_program`) is
//! compiled against the SDK generated from the newer spec. Every item the newer facade has
//! unchanged must compile; the others are the breaking changes, counted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use portone_openapi::Spec;
use portone_openapi::moves::{MOVES_ENV, Moves};
use portone_openapi::source::{self, SPEC_OVERRIDE_ENV};
use portone_review::facade::FacadeSurface;
use portone_review::user_program::UserProgram;
use serde_json::Value;

use crate::workspace_root;

#[derive(clap::Args, Debug, Default)]
pub struct StabilityArgs {
    /// Directory of older specs (default: `$PORTONE_OPENAPI_HISTORY`, else
    /// `../shared/openapi/history`); the pinned spec is the newest.
    #[arg(long)]
    pub history: Option<PathBuf>,
}

/// What compiling one user program found.
#[derive(Debug, Default)]
struct Outcome {
    expected: usize,
    compiled: BTreeMap<&'static str, usize>,
    broken_expected: Vec<String>,
    excluded: BTreeMap<&'static str, usize>,
    excluded_failing: usize,
    excluded_names: Vec<String>,
}

fn counts(by_kind: &BTreeMap<&'static str, usize>) -> String {
    ["call", "stream", "build", "read"]
        .iter()
        .map(|k| format!("{} {k}", by_kind.get(k).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(args: &StabilityArgs) -> Result<(), String> {
    let mut specs = crate::test::history_specs(args.history.as_deref());
    if specs.is_empty() {
        return Err("no history specs: nothing to compare (set PORTONE_OPENAPI_HISTORY)".into());
    }
    specs.push(source::materialized_spec_path());
    let mut pairs: Vec<(PathBuf, PathBuf)> = specs
        .windows(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect();
    pairs.push((before_moves()?, source::materialized_spec_path()));
    let mut failures = Vec::new();
    let mut table = String::from(
        "| older spec -> newer spec | unchanged in the newer facade | compiled | breaking for facade users (excluded) | of those, fail to compile |\n|---|---:|---|---|---:|\n",
    );
    for (old, new) in &pairs {
        let outcome = check_pair(old, new)?;
        let name = |p: &Path| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("?")
                .trim_end_matches(".openapi")
                .to_owned()
        };
        table.push_str(&format!(
            "| {} -> {} | {} | {} ({}) | {} ({}) | {} |\n",
            name(old),
            name(new),
            outcome.expected,
            outcome.compiled.values().sum::<usize>(),
            counts(&outcome.compiled),
            outcome.excluded.values().sum::<usize>(),
            counts(&outcome.excluded),
            outcome.excluded_failing,
        ));
        for item in &outcome.broken_expected {
            failures.push(format!("{} -> {}: {item}", name(old), name(new)));
        }
        // The synthetic pair differs only by moves, which the aliases make additive.
        if name(old) == "before-moves" {
            for item in &outcome.excluded_names {
                failures.push(format!(
                    "{} -> {}: {item} is not kept by a deprecated alias",
                    name(old),
                    name(new)
                ));
            }
        }
    }
    println!("\n{table}");
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} items that the newer facade has unchanged do not compile:\n  {}",
            failures.len(),
            failures.join("\n  ")
        ))
    }
}

/// Categories PortOne really moved (`billingKey` -> `payment.billingKey`, `cashReceipt` ->
/// `payment.cashReceipt`), undone on a copy of the pinned spec: the older side of a synthetic
/// pair whose moved calls and streams must compile through the deprecated aliases.
fn before_moves() -> Result<PathBuf, String> {
    let pinned = Spec::from_path(&source::materialized_spec_path()).map_err(|e| e.to_string())?;
    let mut json = pinned.json.clone();
    let mut moved = 0;
    for item in json["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
    {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            let Some(category) = op.get("x-portone-category").and_then(Value::as_str) else {
                continue;
            };
            if let Some(old) = category
                .strip_prefix("payment.")
                .filter(|rest| ["billingKey", "cashReceipt"].contains(rest))
            {
                op["x-portone-category"] = Value::String(old.to_owned());
                moved += 1;
            }
        }
    }
    if moved == 0 {
        return Err(
            "the pinned spec has no payment.billingKey or payment.cashReceipt operation \
                    to move back: update the synthetic pair in stability.rs"
                .into(),
        );
    }
    let dir = workspace_root().join("target/stability");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("before-moves.openapi.json");
    let text = serde_json::to_string(&json).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn surface(path: &Path, moves: &Moves) -> Result<FacadeSurface, String> {
    let spec = Spec::from_path(path).map_err(|e| e.to_string())?;
    FacadeSurface::build(&spec, moves).map_err(|e| format!("{}: {e}", path.display()))
}

fn check_pair(old: &Path, new: &Path) -> Result<Outcome, String> {
    eprintln!(
        "\n==> a program written against {} compiled against the SDK of {}",
        old.display(),
        new.display()
    );
    let root = workspace_root();
    let dir = root.join("target/stability").join(
        old.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("program"),
    );
    // The operations that moved group between the two specs get deprecated aliases, as
    // `update-spec` records them: the program's calls at the old paths must still compile.
    let old_facade = surface(old, &Moves::default())?;
    let mut moves = Moves::default();
    for (method, from) in surface(new, &Moves::default())?.moves_since(&old_facade) {
        moves.record(&method, &from, env!("CARGO_PKG_VERSION"));
    }
    let new_facade = surface(new, &moves)?;
    let program = UserProgram::generate(&old_facade, &new_facade);
    write_crate(&dir, &program)?;
    let moves_file = dir.join("moves.json");
    moves.write(&moves_file)?;
    eprintln!(
        "    {} operations moved group: kept at the old path as deprecated aliases",
        moves.moved.len()
    );
    let mut check = crate::cargo::cargo(&dir);
    check
        .args(["check", "--offline", "--message-format=json", "--quiet"])
        .arg("--target-dir")
        .arg(root.join("target/stability/target"))
        .env(
            SPEC_OVERRIDE_ENV,
            std::path::absolute(new).map_err(|e| e.to_string())?,
        )
        .env(MOVES_ENV, &moves_file);
    let errors = compile_errors(check)?;
    let outcome = Outcome::of(&program, &errors)?;
    outcome.print();
    Ok(outcome)
}

impl Outcome {
    /// Which items of `program` compiled, given the compiler's errors (line, message).
    fn of(program: &UserProgram, errors: &[(usize, String)]) -> Result<Outcome, String> {
        let mut outcome = Outcome::default();
        let mut failing = std::collections::BTreeSet::new();
        for (line, message) in errors {
            match program.item_at(*line) {
                Some(item) => {
                    failing.insert(item.name.clone());
                    if item.expected {
                        outcome
                            .broken_expected
                            .push(format!("{} (line {line}): {message}", item.name));
                    }
                }
                None => {
                    return Err(format!(
                        "the program does not compile outside its items (line {line}): {message}"
                    ));
                }
            }
        }
        for item in &program.items {
            if item.expected {
                outcome.expected += 1;
                if !failing.contains(&item.name) {
                    *outcome.compiled.entry(item.kind).or_default() += 1;
                }
            } else {
                *outcome.excluded.entry(item.kind).or_default() += 1;
                outcome.excluded_names.push(item.name.clone());
                if failing.contains(&item.name) {
                    outcome.excluded_failing += 1;
                }
            }
        }
        Ok(outcome)
    }

    /// The pair's summary lines.
    fn print(&self) {
        eprintln!(
            "    {} of {} items the newer facade has unchanged compile ({}); {} excluded as \
             breaking ({}), {} of which fail to compile",
            self.compiled.values().sum::<usize>(),
            self.expected,
            counts(&self.compiled),
            self.excluded.values().sum::<usize>(),
            counts(&self.excluded),
            self.excluded_failing
        );
        if !self.excluded_names.is_empty() {
            let shown: Vec<&str> = self
                .excluded_names
                .iter()
                .take(8)
                .map(String::as_str)
                .collect();
            eprintln!(
                "    breaking: {}{}",
                shown.join(", "),
                if self.excluded_names.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                }
            );
        }
    }
}

fn write_crate(dir: &Path, program: &UserProgram) -> Result<(), String> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
    let client = workspace_root().join("portone-client");
    let manifest = format!(
        "[package]\nname = \"stability-user\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\nportone-client = {{ path = {:?}, features = [\"unstable\"] }}\n\
         serde_json = \"1\"\n",
        client.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    // The workspace's versions of every dependency (offline, and the same as the tests use).
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    std::fs::write(src.join("lib.rs"), &program.source).map_err(|e| e.to_string())
}

/// Runs `cargo check --message-format=json` and returns the errors in `src/lib.rs`: (line,
/// message). An error elsewhere (the SDK itself does not build) fails the whole check.
fn compile_errors(mut cmd: Command) -> Result<Vec<(usize, String)>, String> {
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run cargo check: {e}"))?;
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let text = message["message"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let in_program = message["target"]["name"] == "stability_user";
        let span = message["message"]["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["is_primary"] == true && s["file_name"] == "src/lib.rs");
        match (in_program, span.and_then(|s| s["line_start"].as_u64())) {
            (true, Some(line)) => errors.push((line as usize, text)),
            _ => {
                let rendered = message["message"]["rendered"].as_str().unwrap_or(&text);
                return Err(format!("the SDK does not build: {rendered}"));
            }
        }
    }
    if errors.is_empty() && !output.status.success() {
        return Err(format!(
            "cargo check failed without an error in the program: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(errors)
}
