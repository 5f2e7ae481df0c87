//! `cargo xtask spec-pr`: the last step of the spec-update workflow. Commits what `update-spec`
//! changed (lock, moves, API-surface snapshot) to one branch and opens, or refreshes, the one
//! pull request whose body is the report, labelled `breaking` or `additive`. Uses `git` and the
//! GitHub CLI (`gh`, authenticated by `GH_TOKEN`); `--dry-run` prints the commands instead.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::workspace_root;

/// The files an update changes, all committed together.
const UPDATED_FILES: &[&str] = &[
    "openapi/portone-v2.lock.json",
    "openapi/portone-v2.moves.json",
    "tests/tests/snapshots/surface__api.snap",
];

#[derive(clap::Args, Debug)]
pub struct SpecPrArgs {
    /// The outcome `update-spec --outcome` wrote.
    #[arg(long)]
    pub outcome: PathBuf,
    /// The report `update-spec --report` wrote (the pull request's body).
    #[arg(long)]
    pub report: PathBuf,
    /// The pull request's branch (force-pushed: there is one open update at a time).
    #[arg(long, default_value = "portone-spec-update")]
    pub branch: String,
    /// The branch the pull request goes into.
    #[arg(long, default_value = "main")]
    pub base: String,
    /// Print the commands instead of running them.
    #[arg(long)]
    pub dry_run: bool,
}

/// What the update changed, from `update-spec --outcome`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether a new spec was pinned.
    pub changed: bool,
    /// Whether a change breaks users of `portone-client`.
    pub breaking: bool,
    /// `N breaking, M additive`.
    pub summary: String,
    /// The new spec's `info.version`.
    pub version: String,
}

impl Outcome {
    /// Parses the JSON `update-spec --outcome` writes.
    pub fn parse(text: &str) -> Result<Outcome, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| format!("outcome: {e}"))?;
        let flag = |name: &str| {
            json[name]
                .as_bool()
                .ok_or_else(|| format!("outcome: no boolean `{name}`"))
        };
        let text = |name: &str| {
            json[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("outcome: no string `{name}`"))
        };
        Ok(Outcome {
            changed: flag("changed")?,
            breaking: flag("breaking")?,
            summary: text("summary")?,
            version: text("version")?,
        })
    }

    /// `breaking` or `additive`.
    pub fn label(&self) -> &'static str {
        if self.breaking {
            "breaking"
        } else {
            "additive"
        }
    }

    /// The pull request's title (and the commit's subject).
    pub fn title(&self) -> String {
        format!("PortOne spec update ({}): {}", self.version, self.summary)
    }
}

/// One step: a command, or "edit the open pull request, else create one".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Run this command.
    Run(Vec<String>),
    /// Edit the branch's open pull request with `edit`, or open one with `create`.
    Upsert {
        /// Finds the open pull request of the branch (prints how many there are).
        find: Vec<String>,
        /// Refreshes it.
        edit: Vec<String>,
        /// Opens it.
        create: Vec<String>,
    },
}

fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The steps for `outcome` (none when nothing changed).
// Long only because rustfmt puts each word of these command lines on its own line: the
// commands read best as one list.
pub fn plan(outcome: &Outcome, report: &str, branch: &str, base: &str) -> Vec<Step> {
    if !outcome.changed {
        return Vec::new();
    }
    let title = outcome.title();
    let label = outcome.label();
    let other = if outcome.breaking {
        "additive"
    } else {
        "breaking"
    };
    let mut steps = vec![
        Step::Run(words(&["git", "checkout", "-B", branch])),
        Step::Run([words(&["git", "add", "--"]), words(UPDATED_FILES)].concat()),
        Step::Run(words(&[
            "git",
            "-c",
            "user.name=portone-spec-bot",
            "-c",
            "user.email=portone-spec-bot@users.noreply.github.com",
            "commit",
            "-m",
            &title,
        ])),
        Step::Run(words(&["git", "push", "--force", "origin", branch])),
    ];
    for (name, color, description) in [
        (
            "breaking",
            "d73a4a",
            "Breaks code written against portone-client",
        ),
        (
            "additive",
            "0e8a16",
            "Existing code keeps compiling and working",
        ),
    ] {
        steps.push(Step::Run(words(&[
            "gh",
            "label",
            "create",
            name,
            "--force",
            "--color",
            color,
            "--description",
            description,
        ])));
    }
    steps.push(Step::Upsert {
        find: words(&[
            "gh", "pr", "list", "--head", branch, "--state", "open", "--json", "number", "--jq",
            "length",
        ]),
        edit: words(&[
            "gh",
            "pr",
            "edit",
            branch,
            "--title",
            &title,
            "--body-file",
            report,
            "--add-label",
            label,
            "--remove-label",
            other,
        ]),
        create: words(&[
            "gh",
            "pr",
            "create",
            "--base",
            base,
            "--head",
            branch,
            "--title",
            &title,
            "--body-file",
            report,
            "--label",
            label,
        ]),
    });
    steps
}

fn run_command(words: &[String]) -> Result<String, String> {
    let output = Command::new(&words[0])
        .args(&words[1..])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", words[0]))?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed: {}",
            words.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

pub fn run(args: &SpecPrArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.outcome)
        .map_err(|e| format!("cannot read {}: {e}", args.outcome.display()))?;
    let outcome = Outcome::parse(&text)?;
    if !args.report.exists() && outcome.changed {
        return Err(format!("no report at {}", args.report.display()));
    }
    let report = args.report.display().to_string();
    let steps = plan(&outcome, &report, &args.branch, &args.base);
    if steps.is_empty() {
        eprintln!("the pinned spec is PortOne's latest: no pull request");
        return Ok(());
    }
    for step in &steps {
        match step {
            Step::Run(words) if args.dry_run => println!("{}", words.join(" ")),
            Step::Run(words) => {
                run_command(words)?;
            }
            Step::Upsert { find, edit, create } if args.dry_run => {
                println!("{}", find.join(" "));
                println!("  if one is open: {}", edit.join(" "));
                println!("  else:           {}", create.join(" "));
            }
            Step::Upsert { find, edit, create } => {
                let open = run_command(find)?;
                run_command(if open == "0" { create } else { edit })?;
            }
        }
    }
    eprintln!("pull request: {} ({})", outcome.title(), outcome.label());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BREAKING: &str = r#"{"changed": true, "breaking": true,
        "summary": "2 breaking, 5 additive", "version": "1.17.0", "moved": []}"#;

    #[test]
    fn a_breaking_update_is_one_labelled_pull_request() {
        let outcome = Outcome::parse(BREAKING).unwrap();
        assert_eq!(outcome.label(), "breaking");
        let steps = plan(&outcome, "target/spec-update/report.md", "upd", "main");
        let Step::Run(add) = &steps[1] else { panic!() };
        for file in UPDATED_FILES {
            assert!(add.contains(&(*file).to_owned()), "{file}");
        }
        assert!(steps.contains(&Step::Run(words(&[
            "git", "push", "--force", "origin", "upd"
        ]))));
        let Some(Step::Upsert { edit, create, .. }) = steps.last() else {
            panic!("the last step opens or refreshes the pull request")
        };
        let title = "PortOne spec update (1.17.0): 2 breaking, 5 additive";
        assert!(create.windows(2).any(|w| w == ["--title", title]));
        assert!(create.windows(2).any(|w| w == ["--label", "breaking"]));
        assert!(
            create
                .windows(2)
                .any(|w| w == ["--body-file", "target/spec-update/report.md"])
        );
        assert!(edit.windows(2).any(|w| w == ["--remove-label", "additive"]));
    }

    #[test]
    fn nothing_changed_is_no_pull_request_and_bad_outcomes_are_named() {
        let same = Outcome::parse(
            r#"{"changed": false, "breaking": false, "summary": "0 breaking, 0 additive", "version": "1"}"#,
        )
        .unwrap();
        assert!(plan(&same, "r.md", "b", "main").is_empty());
        let err = Outcome::parse(r#"{"changed": true}"#).unwrap_err();
        assert!(err.contains("`breaking`"), "{err}");
        assert!(Outcome::parse("not json").is_err());
    }
}
