//! `cargo xtask build-report`: what building `portone-client` costs a user and a developer.
//!
//! Measures dev builds and prints a table with wall time, CPU time and peak memory:
//!
//! 1. the anchor: a clean build of a project that depends on `portone-rs` 0.1.0 (the other Rust
//!    PortOne crate on crates.io), the yardstick of the consumer targets (`--no-anchor` skips it);
//! 2. a clean build of `consumer/` from the packages (`cargo xtask package`), as a user's project
//!    builds `portone-client = "0.1"`: with its default features, then with only payment +
//!    identity verification;
//! 3. in the workspace: a clean build of `portone-client` (the warm-up for the next two), a facade
//!    edit (a comment line appended to `portone-client/src/lib.rs`) and a spec change (one
//!    operation description changed in a copy of the spec, built with `PORTONE_OPENAPI_SPEC`
//!    pointing at it).
//!
//! Every build has its own target dir under the report's (`target/build-report` by default).
//! The workspace builds run on a snapshot of its sources (copied to `<target-dir>/workspace`,
//! without `target/` and `.git/`), so the edits never touch the working tree. Each build runs
//! under `/usr/bin/time -v` (GNU time, Debian package `time`) for the peak resident memory of the
//! largest process; the summed memory of all the build's processes is also sampled from `/proc`
//! every 100 ms (two `rustc` can run at once with `-j2`). Downloads are done before measuring.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use portone_openapi::source::SPEC_OVERRIDE_ENV;
use serde_json::Value;

use crate::package::{PackageArgs, packages_cargo};
use crate::workspace_root;

/// GNU time, which reports the peak resident memory of a command.
const GNU_TIME: &str = "/usr/bin/time";

/// The version of `portone-rs` the consumer targets are measured against.
const ANCHOR_CRATE: &str = "portone-rs = \"=0.1.0\"";

#[derive(clap::Args, Debug)]
pub struct BuildReportArgs {
    /// Parallel jobs for cargo (the reference machine has 2 cores).
    #[arg(long, short, default_value_t = 2)]
    pub jobs: u32,
    /// Where the builds go (default: `target/build-report` in the workspace).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// Also write cargo's `--timings` HTML report of each build.
    #[arg(long)]
    pub timings: bool,
    /// Skip the anchor build (the consumer targets are then not judged).
    #[arg(long)]
    pub no_anchor: bool,
}

/// Targets of issue 12, on a 2-core machine.
const CONSUMER_DEFAULT_RATIO: f64 = 0.9;
const CONSUMER_MINIMAL_RATIO: f64 = 0.6;
const FACADE_TARGET: Duration = Duration::from_secs(2);
const SPEC_TARGET: Duration = Duration::from_secs(10);
/// 1.5 GB (decimal), in KiB: the largest process of any build.
const MEMORY_TARGET_KB: u64 = 1_500_000_000 / 1024;

/// What a build is measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Informational (the anchor, the warm-up).
    None,
    /// At most this long.
    Wall(Duration),
    /// At most this fraction of the anchor's wall time.
    OfAnchor(f64),
}

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
    pub target: Target,
}

pub fn run(args: &BuildReportArgs) -> Result<(), String> {
    if !Path::new(GNU_TIME).exists() {
        return Err(format!(
            "{GNU_TIME} not found: the build report needs GNU time for peak memory \
             (Debian/Ubuntu: `apt-get install time`)"
        ));
    }
    let projects = Projects::prepare(args)?;
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "==> load average before measuring: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let results = projects.measure(args)?;
    println!("{}", table(&results, args.jobs));
    if args.timings {
        println!(
            "cargo --timings reports: {}/target-*/cargo-timings",
            projects.report_dir.display()
        );
    }
    Ok(())
}

/// What the report builds: copies of the workspace and the consumer on the packages, and the
/// anchor project.
struct Projects {
    report_dir: PathBuf,
    snapshot: PathBuf,
    consumer: PathBuf,
    anchor: PathBuf,
}

impl Projects {
    /// Packages the crates, copies the projects and downloads their dependencies (downloads
    /// are not build time).
    fn prepare(args: &BuildReportArgs) -> Result<Projects, String> {
        let root = workspace_root();
        let report_dir = args
            .target_dir
            .clone()
            .unwrap_or_else(|| root.join("target/build-report"));
        let report_dir = std::path::absolute(&report_dir).map_err(|e| e.to_string())?;
        fs::create_dir_all(&report_dir)
            .map_err(|e| format!("cannot create {}: {e}", report_dir.display()))?;

        eprintln!("==> packages (cargo xtask package)");
        crate::package::run_command(&PackageArgs {
            allow_dirty: true,
            ..PackageArgs::default()
        })?;
        let snapshot = fresh_copy(&root, &report_dir.join("workspace"), true)?;
        let consumer = fresh_copy(&root.join("consumer"), &report_dir.join("consumer"), false)?;
        let anchor = report_dir.join("anchor");
        write_anchor(&anchor)?;

        let mut fetch = cargo(&snapshot);
        fetch.args(["fetch", "--quiet"]);
        crate::cargo::run("cargo fetch (workspace)", fetch)?;
        if !args.no_anchor {
            let mut fetch = cargo(&anchor);
            fetch.args(["fetch", "--quiet"]);
            crate::cargo::run("cargo fetch (anchor)", fetch)?;
        }
        Ok(Projects {
            report_dir,
            snapshot,
            consumer,
            anchor,
        })
    }

    /// Runs and measures every build of the report, in order.
    fn measure(&self, args: &BuildReportArgs) -> Result<Vec<Measurement>, String> {
        let mut results = Vec::new();
        if !args.no_anchor {
            let mut cmd = cargo(&self.anchor);
            cmd.args(["build", "--offline"]);
            results.push(self.build(
                args,
                "anchor: a project depending on portone-rs 0.1.0",
                Target::None,
                cmd,
                "target-anchor",
            )?);
        }
        let consumers: [(&str, &[&str], f64, &str); 2] = [
            (
                "consumer: portone-client, default features",
                &["build", "--features", "every-category"],
                CONSUMER_DEFAULT_RATIO,
                "target-consumer-default",
            ),
            (
                "consumer: portone-client, payment + identity-verification",
                &["build"],
                CONSUMER_MINIMAL_RATIO,
                "target-consumer-minimal",
            ),
        ];
        for (label, cargo_args, ratio, target_dir) in consumers {
            let cmd = packages_cargo(&self.consumer, cargo_args);
            results.push(self.build(args, label, Target::OfAnchor(ratio), cmd, target_dir)?);
        }
        results.extend(self.measure_workspace(args)?);
        Ok(results)
    }

    /// The workspace's clean build, then its rebuilds after a facade edit and a spec change.
    fn measure_workspace(&self, args: &BuildReportArgs) -> Result<Vec<Measurement>, String> {
        let workspace_build = || {
            let mut cmd = cargo(&self.snapshot);
            cmd.args(["build", "-p", "portone-client"]);
            cmd
        };
        let mut results = vec![self.build(
            args,
            "workspace: clean build of portone-client",
            Target::None,
            workspace_build(),
            "target-workspace",
        )?];
        let facade = self.snapshot.join("portone-client/src/lib.rs");
        append(&facade, "\n// build-report: an edit of the facade\n")?;
        results.push(self.build(
            args,
            "workspace: rebuild after a facade edit (portone-client/src/lib.rs)",
            Target::Wall(FACADE_TARGET),
            workspace_build(),
            "target-workspace",
        )?);
        let changed_spec = self.report_dir.join("changed-spec.openapi.json");
        write_changed_spec(
            &self.snapshot.join("openapi/portone-v2.openapi.json"),
            &changed_spec,
        )?;
        let mut cmd = workspace_build();
        cmd.env(SPEC_OVERRIDE_ENV, &changed_spec);
        results.push(self.build(
            args,
            "workspace: rebuild after a spec change (one description)",
            Target::Wall(SPEC_TARGET),
            cmd,
            "target-workspace",
        )?);
        Ok(results)
    }

    /// One measured build in its own target dir (cleaned first, unless it measures a rebuild).
    fn build(
        &self,
        args: &BuildReportArgs,
        step: &'static str,
        target: Target,
        mut cmd: Command,
        dir: &str,
    ) -> Result<Measurement, String> {
        let build_dir = self.report_dir.join(dir);
        let rebuild = matches!(target, Target::Wall(_));
        if build_dir.exists() && !rebuild {
            fs::remove_dir_all(&build_dir)
                .map_err(|e| format!("cannot remove {}: {e}", build_dir.display()))?;
        }
        cmd.arg("-j").arg(args.jobs.to_string());
        cmd.arg("--target-dir").arg(&build_dir);
        if args.timings {
            cmd.arg("--timings");
        }
        measure(step, target, cmd, &self.report_dir)
    }
}

/// The project that depends on `portone-rs` (a `main` that uses nothing: a dependency's build).
fn write_anchor(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = format!(
        "[package]\nname = \"anchor\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{ANCHOR_CRATE}\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(dir.join("src/main.rs"), "fn main() {}\n").map_err(|e| e.to_string())
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

/// A fresh copy of the directory `from` at `to` (without `target/`, and `.git/` at the top).
fn fresh_copy(from: &Path, to: &Path, skip_git: bool) -> Result<PathBuf, String> {
    fn copy_dir(from: &Path, to: &Path, top: bool, skip_git: bool) -> Result<(), String> {
        fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
        let entries =
            fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name();
            if top && (name == "target" || (skip_git && name == ".git")) {
                continue;
            }
            let kind = entry.file_type().map_err(|e| e.to_string())?;
            let (src, dst) = (entry.path(), to.join(&name));
            if kind.is_dir() {
                copy_dir(&src, &dst, false, skip_git)?;
            } else if kind.is_file() || kind.is_symlink() {
                fs::copy(&src, &dst).map_err(|e| format!("cannot copy {}: {e}", src.display()))?;
            }
        }
        Ok(())
    }
    eprintln!("==> a copy of {} in {}", from.display(), to.display());
    if to.exists() {
        fs::remove_dir_all(to).map_err(|e| format!("cannot remove {}: {e}", to.display()))?;
    }
    copy_dir(from, to, true, skip_git)?;
    Ok(to.to_owned())
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
    target: Target,
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

/// The report as a Markdown table; consumer targets are judged against the anchor's wall time.
pub fn table(results: &[Measurement], jobs: u32) -> String {
    let anchor = results
        .iter()
        .find(|m| m.step.starts_with("anchor"))
        .map(|m| m.wall);
    let mut out = format!(
        "\nBuild cost of portone-client (dev profile, -j{jobs}, {} cores)\n\n\
         | build | wall | CPU (user+sys) | peak RSS, largest process | peak RSS, whole build | target | met |\n\
         |---|---:|---:|---:|---:|---|---|\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for m in results {
        let memory_met = m.max_rss_kb <= MEMORY_TARGET_KB;
        let (target, met) = match (m.target, anchor) {
            (Target::None, _) => ("<= 1.5 GB".to_owned(), Some(memory_met)),
            (Target::Wall(limit), _) => (
                format!("<= {} s, <= 1.5 GB", limit.as_secs()),
                Some(m.wall <= limit && memory_met),
            ),
            (Target::OfAnchor(ratio), Some(anchor)) => {
                let limit = anchor.mul_f64(ratio);
                (
                    format!(
                        "<= {ratio}x anchor ({:.1} s; now {:.2}x), <= 1.5 GB",
                        limit.as_secs_f64(),
                        m.wall.as_secs_f64() / anchor.as_secs_f64()
                    ),
                    Some(m.wall <= limit && memory_met),
                )
            }
            (Target::OfAnchor(ratio), None) => (format!("<= {ratio}x anchor (not measured)"), None),
        };
        out.push_str(&format!(
            "| {} | {:.1} s | {:.0} s | {} | {} | {target} | {} |\n",
            m.step,
            m.wall.as_secs_f64(),
            m.cpu.as_secs_f64(),
            gb(m.max_rss_kb),
            gb(m.peak_total_kb),
            match met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "?",
            }
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
        let anchor = Measurement {
            step: "anchor: a project",
            wall: Duration::from_secs(60),
            cpu: Duration::from_secs(100),
            max_rss_kb: 1_000_000,
            peak_total_kb: 1_500_000,
            target: Target::None,
        };
        let fast = Measurement {
            step: "fast",
            wall: Duration::from_secs(1),
            target: Target::Wall(Duration::from_secs(2)),
            ..anchor.clone()
        };
        let slow = Measurement {
            step: "slow",
            wall: Duration::from_secs(3),
            ..fast.clone()
        };
        let heavy = Measurement {
            step: "heavy",
            max_rss_kb: 1_500_000,
            ..fast.clone()
        };
        let consumer = Measurement {
            step: "consumer",
            wall: Duration::from_secs(50),
            target: Target::OfAnchor(0.9),
            ..anchor.clone()
        };
        let text = table(&[anchor.clone(), fast, slow, heavy, consumer.clone()], 2);
        assert!(text.contains("(dev profile, -j2,"), "{text}");
        let line = |text: &str, step: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("| {step} ")))
                .map(str::to_owned)
                .unwrap_or_default()
        };
        assert!(line(&text, "fast").ends_with("| yes |"), "{text}");
        assert!(
            line(&text, "fast").contains("| 1.0 s | 100 s | 1.02 GB | 1.54 GB |"),
            "{text}"
        );
        assert!(line(&text, "slow").ends_with("| NO |"), "{text}");
        assert!(line(&text, "heavy").ends_with("| NO |"), "{text}");
        assert!(
            line(&text, "consumer").contains("<= 0.9x anchor (54.0 s; now 0.83x)"),
            "{text}"
        );
        assert!(line(&text, "consumer").ends_with("| yes |"), "{text}");
        let alone = table(&[consumer], 2);
        assert!(line(&alone, "consumer").ends_with("| ? |"), "{alone}");
    }
}
