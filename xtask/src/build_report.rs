//! `cargo xtask build-report`: what building `portone-client` costs a developer.
//!
//! Measures three dev builds of `portone-client` and prints a table with wall time, CPU time and
//! peak memory:
//!
//! 1. clean: every dependency built from scratch (`cargo clean` of the report's target dir);
//! 2. facade edit: a comment line appended to `portone-client/src/lib.rs`;
//! 3. spec change: one operation description changed in a copy of the spec, built with
//!    `PORTONE_OPENAPI_SPEC` pointing at it (both build scripts regenerate).
//!
//! The builds run on a snapshot of the workspace sources (copied to
//! `<target-dir>/workspace`, without `target/` and `.git/`) into their own target dir, so the
//! edits never touch the working tree and the builds never disturb anyone else's target dir.
//! Each build runs under `/usr/bin/time -v` (GNU time, Debian package `time`) for the peak
//! resident memory of the largest process; the summed memory of all the build's processes is
//! also sampled from `/proc` every 100 ms (two `rustc` can run at once with `-j2`).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use portone_openapi::source::SPEC_OVERRIDE_ENV;
use serde_json::Value;

use crate::workspace_root;

/// GNU time, which reports the peak resident memory of a command.
const GNU_TIME: &str = "/usr/bin/time";

#[derive(clap::Args, Debug)]
pub struct BuildReportArgs {
    /// Parallel jobs for cargo (the reference machine has 2 cores).
    #[arg(long, short, default_value_t = 2)]
    pub jobs: u32,
    /// Target dir of the measured builds (default: `target/build-report` in the workspace).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// Also write cargo's `--timings` HTML report of each build.
    #[arg(long)]
    pub timings: bool,
    /// Features of portone-client to build (e.g. `rustls-ring,webhook`).
    #[arg(long, short = 'F')]
    pub features: Option<String>,
    /// Build portone-client without its default features.
    #[arg(long)]
    pub no_default_features: bool,
}

/// Targets of issue 8, on a 2-core machine.
const CLEAN_TARGET: Duration = Duration::from_secs(75);
const FACADE_TARGET: Duration = Duration::from_secs(12);
const SPEC_TARGET: Duration = Duration::from_secs(25);
/// 2 GB (decimal), in KiB.
const MEMORY_TARGET_KB: u64 = 2_000_000_000 / 1024;

/// One measured build.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// What was built.
    pub step: &'static str,
    /// Wall-clock time.
    pub wall: Duration,
    /// User + system CPU time of all processes (from GNU time).
    pub cpu: Duration,
    /// Peak resident memory of the largest single process, in KiB (from GNU time).
    pub max_rss_kb: u64,
    /// Peak of the summed resident memory of the build's processes, in KiB (sampled).
    pub peak_total_kb: u64,
    /// The wall-time target.
    pub target: Duration,
}

pub fn run(args: &BuildReportArgs) -> Result<(), String> {
    if !Path::new(GNU_TIME).exists() {
        return Err(format!(
            "{GNU_TIME} not found: the build report needs GNU time for peak memory \
             (Debian/Ubuntu: `apt-get install time`)"
        ));
    }
    let root = workspace_root();
    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| root.join("target/build-report"));
    let target_dir = std::path::absolute(&target_dir).map_err(|e| e.to_string())?;
    let snapshot = target_dir.join("workspace");
    let build_dir = target_dir.join("target");

    eprintln!(
        "==> snapshot of the workspace sources in {}",
        snapshot.display()
    );
    if snapshot.exists() {
        fs::remove_dir_all(&snapshot)
            .map_err(|e| format!("cannot remove {}: {e}", snapshot.display()))?;
    }
    copy_sources(&root, &snapshot)?;
    let spec_path = snapshot.join("openapi/portone-v2.openapi.json");
    if !spec_path.exists() {
        return Err("no materialized spec: run `cargo xtask fetch` first".into());
    }

    // Downloads are not build time.
    let mut fetch = cargo(&snapshot);
    fetch.args(["fetch", "--quiet"]);
    crate::cargo::run("cargo fetch", fetch)?;

    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "==> load average before measuring: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let build = |step: &'static str, target: Duration, spec: Option<&Path>| {
        let mut cmd = cargo(&snapshot);
        cmd.args(["build", "-p", "portone-client", "-j"])
            .arg(args.jobs.to_string())
            .arg("--target-dir")
            .arg(&build_dir);
        if args.timings {
            cmd.arg("--timings");
        }
        if args.no_default_features {
            cmd.arg("--no-default-features");
        }
        if let Some(features) = &args.features {
            cmd.arg("--features").arg(features);
        }
        if let Some(spec) = spec {
            cmd.env(SPEC_OVERRIDE_ENV, spec);
        }
        measure(step, target, cmd, &target_dir)
    };

    eprintln!("==> cargo clean of {}", build_dir.display());
    let mut clean = cargo(&snapshot);
    clean
        .args(["clean", "--quiet", "--target-dir"])
        .arg(&build_dir);
    crate::cargo::run("cargo clean", clean)?;

    let mut results = Vec::new();
    results.push(build(
        "clean dev build of portone-client",
        CLEAN_TARGET,
        None,
    )?);

    let facade = snapshot.join("portone-client/src/lib.rs");
    append(&facade, "\n// build-report: an edit of the facade\n")?;
    results.push(build(
        "rebuild after a facade edit (portone-client/src/lib.rs)",
        FACADE_TARGET,
        None,
    )?);

    let changed_spec = target_dir.join("changed-spec.openapi.json");
    write_changed_spec(&spec_path, &changed_spec)?;
    results.push(build(
        "rebuild after a spec change (one description)",
        SPEC_TARGET,
        Some(&changed_spec),
    )?);

    let features = match (&args.features, args.no_default_features) {
        (None, false) => "default features".to_owned(),
        (None, true) => "no default features".to_owned(),
        (Some(f), false) => format!("default features + {f}"),
        (Some(f), true) => format!("features {f} only"),
    };
    println!("{}", table(&results, args.jobs, &features));
    if args.timings {
        println!(
            "cargo --timings reports: {}",
            build_dir.join("cargo-timings").display()
        );
    }
    Ok(())
}

/// `cargo` run in `dir`, with the caller's build settings that would skew the figures removed.
fn cargo(dir: &Path) -> Command {
    let mut cmd = crate::cargo::cargo(dir);
    for var in [
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_JOBS",
        "CARGO_INCREMENTAL",
        "CARGO_BUILD_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Copies the workspace sources (everything but `target/` and `.git/` at the top level).
fn copy_sources(from: &Path, to: &Path) -> Result<(), String> {
    fn copy_dir(from: &Path, to: &Path, top: bool) -> Result<(), String> {
        fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
        let entries =
            fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name();
            if top && (name == "target" || name == ".git") {
                continue;
            }
            let kind = entry.file_type().map_err(|e| e.to_string())?;
            let (src, dst) = (entry.path(), to.join(&name));
            if kind.is_dir() {
                copy_dir(&src, &dst, false)?;
            } else if kind.is_file() {
                fs::copy(&src, &dst).map_err(|e| format!("cannot copy {}: {e}", src.display()))?;
            }
        }
        Ok(())
    }
    copy_dir(from, to, true)
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    let mut content =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    content.push_str(text);
    fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes `spec` with the description of its first described operation changed.
fn write_changed_spec(spec: &Path, to: &Path) -> Result<(), String> {
    let bytes = fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let mut json: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not JSON: {e}", spec.display()))?;
    change_one_description(&mut json)?;
    let text = serde_json::to_vec(&json).map_err(|e| e.to_string())?;
    fs::write(to, text).map_err(|e| format!("cannot write {}: {e}", to.display()))
}

/// Appends a sentence to the description of the first operation that has one.
pub fn change_one_description(spec: &mut Value) -> Result<String, String> {
    let paths = spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no `paths` object")?;
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if let Some(Value::String(description)) = operation.get_mut("description") {
                description.push_str(" (changed by cargo xtask build-report)");
                return Ok(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    Err("the spec has no operation with a description".into())
}

/// Runs `cmd` under GNU time, sampling the memory of its process tree.
fn measure(
    step: &'static str,
    target: Duration,
    cmd: Command,
    scratch: &Path,
) -> Result<Measurement, String> {
    eprintln!("==> {step}");
    let stats = scratch.join("time-v.txt");
    let log = scratch.join("build.log");
    let log_file =
        fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let mut timed = Command::new(GNU_TIME);
    timed
        .arg("-v")
        .arg("-o")
        .arg(&stats)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .current_dir(cmd.get_current_dir().unwrap_or(Path::new(".")))
        .stdout(Stdio::null())
        .stderr(log_file);
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    let start = Instant::now();
    let mut child = timed
        .spawn()
        .map_err(|e| format!("cannot run {GNU_TIME}: {e}"))?;
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = Arc::clone(&done);
        let pid = child.id();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(tree_rss_kb(pid));
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    let status = child.wait().map_err(|e| e.to_string());
    let wall = start.elapsed();
    done.store(true, Ordering::Relaxed);
    let peak_total_kb = sampler.join().unwrap_or(0);
    let status = status?;
    if !status.success() {
        let text = fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{step}: the build failed ({status}); last lines of {}:\n{}",
            log.display(),
            tail.join("\n")
        ));
    }
    let text =
        fs::read_to_string(&stats).map_err(|e| format!("cannot read {}: {e}", stats.display()))?;
    let stats = parse_time_v(&text)
        .ok_or_else(|| format!("cannot read GNU time's report in {}", stats.display()))?;
    let measurement = Measurement {
        step,
        wall,
        cpu: stats.cpu,
        max_rss_kb: stats.max_rss_kb,
        peak_total_kb,
        target,
    };
    eprintln!(
        "    {:.1} s wall, {:.0} s CPU, peak RSS {} (largest process), {} (whole build)",
        wall.as_secs_f64(),
        stats.cpu.as_secs_f64(),
        gb(stats.max_rss_kb),
        gb(peak_total_kb)
    );
    Ok(measurement)
}

/// What GNU time's `-v` report says.
#[derive(Debug, PartialEq)]
pub struct TimeStats {
    /// User + system CPU time.
    pub cpu: Duration,
    /// "Maximum resident set size (kbytes)".
    pub max_rss_kb: u64,
}

/// Parses GNU time's `-v` report.
pub fn parse_time_v(text: &str) -> Option<TimeStats> {
    let field = |name: &str| {
        text.lines().find_map(|line| {
            line.trim()
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(str::trim)
        })
    };
    let seconds = |name: &str| field(name)?.parse::<f64>().ok();
    let user = seconds("User time (seconds)")?;
    let system = seconds("System time (seconds)")?;
    let max_rss_kb = field("Maximum resident set size (kbytes)")?.parse().ok()?;
    Some(TimeStats {
        cpu: Duration::from_secs_f64(user + system),
        max_rss_kb,
    })
}

/// Summed resident memory (KiB) of `root` and all its descendants, from `/proc`.
fn tree_rss_kb(root: u32) -> u64 {
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    let mut parent = HashMap::new();
    let mut rss = HashMap::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let value = |name: &str| {
            status.lines().find_map(|line| {
                line.strip_prefix(name)?
                    .split_whitespace()
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
        };
        if let Some(ppid) = value("PPid:") {
            parent.insert(pid, ppid as u32);
        }
        rss.insert(pid, value("VmRSS:").unwrap_or(0));
    }
    rss.iter()
        .filter(|(pid, _)| descends_from(**pid, root, &parent))
        .map(|(_, kb)| kb)
        .sum()
}

fn descends_from(mut pid: u32, root: u32, parent: &HashMap<u32, u32>) -> bool {
    for _ in 0..64 {
        if pid == root {
            return true;
        }
        match parent.get(&pid) {
            Some(&ppid) if ppid != 0 => pid = ppid,
            _ => return false,
        }
    }
    false
}

/// KiB as decimal gigabytes.
fn gb(kb: u64) -> String {
    format!("{:.2} GB", kb as f64 * 1024.0 / 1e9)
}

/// The report as a Markdown table.
pub fn table(results: &[Measurement], jobs: u32, features: &str) -> String {
    let mut out = format!(
        "\nBuild cost of portone-client ({features}; dev profile, -j{jobs}, {} cores)\n\n\
         | build | wall | CPU (user+sys) | peak RSS, largest process | peak RSS, whole build | target | met |\n\
         |---|---:|---:|---:|---:|---|---|\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for m in results {
        let met = m.wall <= m.target && m.peak_total_kb.max(m.max_rss_kb) <= MEMORY_TARGET_KB;
        out.push_str(&format!(
            "| {} | {:.1} s | {:.0} s | {} | {} | <= {} s, <= 2 GB | {} |\n",
            m.step,
            m.wall.as_secs_f64(),
            m.cpu.as_secs_f64(),
            gb(m.max_rss_kb),
            gb(m.peak_total_kb),
            m.target.as_secs(),
            if met { "yes" } else { "NO" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIME_V: &str = "\tCommand being timed: \"cargo build -p portone-client\"
\tUser time (seconds): 95.31
\tSystem time (seconds): 9.69
\tPercent of CPU this job got: 178%
\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:58.71
\tMaximum resident set size (kbytes): 1654320
\tExit status: 0
";

    #[test]
    fn parses_gnu_time_reports() {
        assert_eq!(
            parse_time_v(TIME_V),
            Some(TimeStats {
                cpu: Duration::from_secs(105),
                max_rss_kb: 1_654_320,
            })
        );
        assert_eq!(parse_time_v("Exit status: 0"), None);
        assert_eq!(
            parse_time_v(&TIME_V.replace("1654320", "lots")),
            None,
            "a malformed figure is no figure"
        );
    }

    #[test]
    fn changes_exactly_one_description() {
        let mut spec = serde_json::json!({
            "paths": {
                "/a": { "get": { "summary": "no description" } },
                "/b": {
                    "get": { "description": "first" },
                    "post": { "description": "second" }
                }
            }
        });
        assert_eq!(change_one_description(&mut spec).as_deref(), Ok("GET /b"));
        assert_eq!(
            spec["paths"]["/b"]["get"]["description"],
            "first (changed by cargo xtask build-report)"
        );
        assert_eq!(spec["paths"]["/b"]["post"]["description"], "second");
        assert!(change_one_description(&mut serde_json::json!({ "paths": {} })).is_err());
        assert!(change_one_description(&mut serde_json::json!({})).is_err());
    }

    #[test]
    fn the_process_tree_of_this_test_has_memory() {
        assert!(tree_rss_kb(std::process::id()) > 0);
        assert_eq!(tree_rss_kb(u32::MAX), 0);
    }

    #[test]
    fn the_table_flags_missed_targets() {
        let fast = Measurement {
            step: "fast",
            wall: Duration::from_secs(10),
            cpu: Duration::from_secs(15),
            max_rss_kb: 1_000_000,
            peak_total_kb: 1_500_000,
            target: Duration::from_secs(12),
        };
        let slow = Measurement {
            step: "slow",
            wall: Duration::from_secs(13),
            ..fast.clone()
        };
        let heavy = Measurement {
            step: "heavy",
            peak_total_kb: 1_960_000,
            ..fast.clone()
        };
        let text = table(&[fast, slow, heavy], 2, "default features");
        assert!(
            text.contains("(default features; dev profile, -j2,"),
            "{text}"
        );
        let line = |step: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("| {step} ")))
                .map(str::to_owned)
                .unwrap_or_default()
        };
        assert!(line("fast").ends_with("| yes |"), "{text}");
        assert!(
            line("fast").contains("| 10.0 s | 15 s | 1.02 GB | 1.54 GB |"),
            "{text}"
        );
        assert!(line("slow").ends_with("| NO |"), "{text}");
        assert!(line("heavy").ends_with("| NO |"), "{text}");
    }
}
