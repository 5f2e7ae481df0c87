//! The Markdown report of a [`SpecDiff`], sized for a pull-request description.
//!
//! Layout: a title, a summary table (breaking and additive changes per kind of subject, changes
//! in types no operation uses apart), then the breaking changes, then the additive ones, then
//! the changes in unused types on one folded line. Long lists are folded in `<details>`; a
//! change repeated across many operations or schemas (the same optional parameter added to 64
//! operations) is one line listing them. Unstable operations are labelled *unstable* wherever
//! they appear. [`render_within`] shortens the lists until the report fits a limit (GitHub
//! takes 65,536 characters in a PR description).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diff::{Change, ChangeKind, Class, SpecDiff, SpecInfo, Subject};

/// A change repeated on at least this many subjects is one line.
const GROUP_AT: usize = 3;
/// Lists longer than this are folded.
const FOLD_AT: usize = 12;

/// The kinds of subject, in report order.
const SECTIONS: [&str; 5] = [
    "Operations",
    "Schemas",
    "Fields",
    "Enum values",
    "Union cases",
];

fn section_of(subject: &Subject) -> &'static str {
    match subject {
        Subject::Operation { .. } => SECTIONS[0],
        Subject::Schema { .. } => SECTIONS[1],
        Subject::Field { .. } => SECTIONS[2],
        Subject::EnumValue { .. } => SECTIONS[3],
        Subject::UnionCase { .. } => SECTIONS[4],
    }
}

/// The whole report.
pub fn render(diff: &SpecDiff) -> String {
    render_lists(diff, usize::MAX, None)
}

/// The report in at most `max_chars` characters: lists are cut (longest first) and say how many
/// items `full_report` has beyond them.
pub fn render_within(diff: &SpecDiff, max_chars: usize, full_report: &str) -> String {
    let full = render(diff);
    if full.chars().count() <= max_chars {
        return full;
    }
    let mut limit = 200;
    loop {
        let text = render_lists(diff, limit, Some(full_report));
        if text.chars().count() <= max_chars || limit == 0 {
            return truncate(text, max_chars, full_report);
        }
        limit /= 2;
    }
}

/// Last resort: cut at a line boundary.
fn truncate(text: String, max_chars: usize, full_report: &str) -> String {
    if text.chars().count() <= max_chars {
        return text;
    }
    let note = format!("\n\n*(cut here: the full report is `{full_report}`)*\n");
    let budget = max_chars.saturating_sub(note.chars().count());
    let mut out = String::new();
    for line in text.lines() {
        if out.chars().count() + line.chars().count() + 1 > budget {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    // Close a fold left open by the cut.
    if out.matches("<details>").count() > out.matches("</details>").count() {
        out.push_str("</details>\n");
    }
    out.push_str(&note);
    out
}

/// One line of a list: a change, or a change repeated on several subjects.
struct Line {
    text: String,
}

fn class_label(class: Class) -> &'static str {
    match class {
        Class::Breaking => "**breaking**",
        Class::Additive => "additive",
    }
}

fn kind_label(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    }
}

/// The lines of one list, repeated changes grouped.
fn lines_of(changes: &[&Change]) -> Vec<Line> {
    // Group key: what happened, independent of the subject it happened to.
    let mut groups: BTreeMap<(Class, ChangeKind, String), Vec<&Change>> = BTreeMap::new();
    let mut order = Vec::new();
    for change in changes {
        let key = (change.class, change.kind, group_key(change));
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(change);
    }
    let mut lines = Vec::new();
    for key in order {
        let members = &groups[&key];
        let repeated = !key.2.is_empty() && members.len() >= GROUP_AT;
        if !repeated {
            for change in members {
                lines.push(Line {
                    text: single_line(change),
                });
            }
            continue;
        }
        let (class, kind, what) = &key;
        let owners: Vec<String> = members.iter().map(|c| owner(&c.subject)).collect();
        let noun = match members[0].subject {
            Subject::Operation { .. } => "operations",
            _ => "schemas",
        };
        lines.push(Line {
            text: format!(
                "- {}: {} {what} in {} {noun}: {}",
                class_label(*class),
                kind_label(*kind),
                members.len(),
                owners.join(", ")
            ),
        });
    }
    lines
}

/// What a change is, without its owner (operation or schema); empty when changes of this kind
/// are never grouped (plain additions and removals of operations and schemas).
fn group_key(change: &Change) -> String {
    match &change.subject {
        Subject::Operation { .. } | Subject::Schema { .. } if change.detail.is_empty() => {
            String::new()
        }
        Subject::Operation { .. } | Subject::Schema { .. } => change.detail.clone(),
        Subject::Field { field, .. } => detailed(&format!("field `{field}`"), &change.detail),
        Subject::EnumValue { value, .. } => detailed(&format!("value `{value}`"), &change.detail),
        Subject::UnionCase { tag, .. } => detailed(&format!("case `{tag}`"), &change.detail),
    }
}

fn detailed(what: &str, detail: &str) -> String {
    if detail.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {detail}")
    }
}

/// The operation or schema a subject belongs to, as a list item.
fn owner(subject: &Subject) -> String {
    match subject {
        Subject::Operation {
            rust_name,
            unstable,
            ..
        } => {
            if *unstable {
                format!("`{rust_name}` *unstable*")
            } else {
                format!("`{rust_name}`")
            }
        }
        other => format!("`{}`", other.schema().unwrap_or_default()),
    }
}

fn single_line(change: &Change) -> String {
    let mut text = format!(
        "- {}: {} {}",
        class_label(change.class),
        kind_label(change.kind),
        change.subject
    );
    if !change.detail.is_empty() {
        let _ = write!(text, ": {}", change.detail);
    }
    text
}

fn side(info: &SpecInfo) -> String {
    if info.sha256.is_empty() {
        format!("`{}`", info.version)
    } else {
        format!(
            "`{}` (sha256 `{}`)",
            info.version,
            &info.sha256[..info.sha256.len().min(12)]
        )
    }
}

/// Renders with at most `limit` lines per list; cut lists point at `full_report`.
fn render_lists(diff: &SpecDiff, limit: usize, full_report: Option<&str>) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## PortOne API changes: {} -> {}\n",
        side(&diff.old),
        side(&diff.new)
    );
    let _ = writeln!(md, "**{}**\n", diff.summary());
    if diff.changes.is_empty() {
        md.push_str("No change to the generated API.\n");
        return md;
    }
    let used: Vec<&Change> = diff.changes.iter().filter(|c| !c.unused).collect();
    let unused: Vec<&Change> = diff.changes.iter().filter(|c| c.unused).collect();
    write_summary_table(&mut md, diff, &used, &unused);
    write_unstable_note(&mut md, &used);
    md.push('\n');
    write_class_lists(&mut md, &used, limit, full_report);
    if !unused.is_empty() {
        write_unused(&mut md, &unused, limit, full_report);
    }
    md.push_str(
        "Breaking = code written against `portone-client` may not compile or may change meaning; \
         additive = it keeps working. Rules: `MAINTAINING.md`.\n",
    );
    md
}

/// The summary table: breaking and additive changes per kind of subject, the totals, and the
/// changes in types no operation uses.
fn write_summary_table(md: &mut String, diff: &SpecDiff, used: &[&Change], unused: &[&Change]) {
    md.push_str("| | breaking | additive |\n|---|---:|---:|\n");
    for section in SECTIONS {
        let count = |class: Class| {
            used.iter()
                .filter(|c| c.class == class && section_of(&c.subject) == section)
                .count()
        };
        let (b, a) = (count(Class::Breaking), count(Class::Additive));
        if b + a > 0 {
            let _ = writeln!(md, "| {section} | {b} | {a} |");
        }
    }
    let _ = writeln!(
        md,
        "| **total** | **{}** | **{}** |",
        diff.count(Class::Breaking),
        diff.count(Class::Additive)
    );
    if !unused.is_empty() {
        let _ = writeln!(
            md,
            "| types no operation uses | {} | {} |",
            unused.iter().filter(|c| c.class == Class::Breaking).count(),
            unused.iter().filter(|c| c.class == Class::Additive).count()
        );
    }
}

/// How many changes concern unstable operations, if any do.
fn write_unstable_note(md: &mut String, used: &[&Change]) {
    let unstable = |kind: ChangeKind| {
        used.iter()
            .filter(|c| c.kind == kind && c.subject.is_unstable())
            .count()
    };
    let (ua, uc, ur) = (
        unstable(ChangeKind::Added),
        unstable(ChangeKind::Changed),
        unstable(ChangeKind::Removed),
    );
    if ua + uc + ur > 0 {
        let _ = writeln!(
            md,
            "\nUnstable operations (`x-portone-unstable`, behind the `unstable` feature): \
             {ua} added, {uc} changes, {ur} removed; each is labelled *unstable*."
        );
    }
}

/// The breaking changes, then the additive ones, each class listed per kind of subject.
fn write_class_lists(md: &mut String, used: &[&Change], limit: usize, full_report: Option<&str>) {
    for (class, title) in [
        (Class::Breaking, "Breaking changes"),
        (Class::Additive, "Additive changes"),
    ] {
        let of_class: Vec<&Change> = used.iter().copied().filter(|c| c.class == class).collect();
        if of_class.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {title} ({})\n", of_class.len());
        for section in SECTIONS {
            let changes: Vec<&Change> = of_class
                .iter()
                .copied()
                .filter(|c| section_of(&c.subject) == section)
                .collect();
            if changes.is_empty() {
                continue;
            }
            let lines = lines_of(&changes);
            let heading = format!("{section} ({})", changes.len());
            // Breaking changes stay open unless the list is long; additive ones fold.
            let fold = class == Class::Additive || lines.len() > FOLD_AT;
            write_list(md, &heading, &lines, fold, limit, full_report);
        }
    }
}

/// The changes in types no operation uses: how many, and the types on one folded line.
fn write_unused(md: &mut String, unused: &[&Change], limit: usize, full_report: Option<&str>) {
    let names: std::collections::BTreeSet<String> = unused
        .iter()
        .map(|c| format!("`{}`", c.subject.schema().unwrap_or_default()))
        .collect();
    let removed = unused
        .iter()
        .filter(|c| c.kind == ChangeKind::Removed && matches!(c.subject, Subject::Schema { .. }))
        .count();
    let _ = writeln!(
        md,
        "### Types no operation uses\n\n{} changes ({removed} schemas removed) in {} types that \
         no operation sends or receives; they break only code that names these types.\n",
        unused.len(),
        names.len()
    );
    let lines = vec![Line {
        text: names.into_iter().collect::<Vec<_>>().join(", "),
    }];
    write_list(md, "the types", &lines, true, limit, full_report);
}

fn write_list(
    md: &mut String,
    heading: &str,
    lines: &[Line],
    fold: bool,
    limit: usize,
    full_report: Option<&str>,
) {
    if fold {
        let _ = writeln!(md, "<details><summary>{heading}</summary>\n");
    } else {
        let _ = writeln!(md, "#### {heading}\n");
    }
    for line in lines.iter().take(limit) {
        md.push_str(&line.text);
        md.push('\n');
    }
    if lines.len() > limit {
        let _ = writeln!(
            md,
            "- ... {} more in the full report{}",
            lines.len() - limit,
            full_report.map_or(String::new(), |f| format!(" (`{f}`)"))
        );
    }
    if fold {
        md.push_str("\n</details>\n");
    }
    md.push('\n');
}
