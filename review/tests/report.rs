//! The Markdown report on PortOne's largest published update (2025-07-28 -> 2026-07-03): it fits
//! a pull-request description, summarizes first, groups repeated changes, labels unstable
//! operations and puts types no operation uses on one folded line.

mod common;

use std::sync::LazyLock;

use common::published;
use portone_review::diff::{Class, SpecDiff, diff_specs};

static BIG: LazyLock<SpecDiff> = LazyLock::new(|| {
    diff_specs(
        &published("history/2025-07-28.openapi.json"),
        &published("portone-v2.openapi.json"),
    )
    .unwrap()
});

#[test]
fn the_largest_update_fits_a_pull_request() {
    let md = BIG.to_markdown();
    assert!(md.chars().count() <= 60_000, "{} characters", md.len());
    // The summary table comes before any list.
    let table = md.find("| | breaking | additive |").unwrap();
    let first_item = md.find("\n- ").unwrap();
    assert!(table < first_item);
    assert!(md.contains(&format!(
        "| **total** | **{}** | **{}** |",
        BIG.count(Class::Breaking),
        BIG.count(Class::Additive)
    )));
    // The removed member-company operations and `getPlatform` are the breaking operations.
    assert!(md.contains("- **breaking**: removed `get_platform` (`GET /platform`)"));
}

#[test]
fn a_change_repeated_across_operations_is_one_line() {
    let md = BIG.to_markdown();
    let lines: Vec<&str> = md
        .lines()
        .filter(|l| l.contains("optional query parameter `test: boolean` added"))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let repeated = BIG
        .changes
        .iter()
        .filter(|c| {
            c.detail
                .starts_with("optional query parameter `test: boolean` added")
        })
        .count();
    assert!(repeated >= 50, "{repeated}");
    assert!(
        lines[0].contains(&format!("in {repeated} operations: ")),
        "{}",
        lines[0]
    );
}

#[test]
fn unstable_operations_are_labelled() {
    let md = BIG.to_markdown();
    assert!(
        md.contains("Unstable operations (`x-portone-unstable`"),
        "{md}"
    );
    assert!(
        md.contains(
            "added `get_all_payment_events_by_cursor` (`GET /payment-events-by-cursor`) *unstable*"
        ),
        "{md}"
    );
}

#[test]
fn types_no_operation_uses_are_counted_apart_on_one_line() {
    let unused = BIG.count_unused();
    assert!(unused > 250, "{unused}");
    // They are neither breaking nor listed one per line.
    assert!(BIG.count(Class::Breaking) < 50);
    let md = BIG.to_markdown();
    let section = md.find("### Types no operation uses").unwrap();
    let rest = &md[section..];
    let list = rest
        .lines()
        .find(|l| l.starts_with('`'))
        .expect("one line of type names");
    assert!(list.matches("`, `").count() > 100, "{list}");
    assert!(md.contains("<details><summary>the types</summary>"));
    assert!(
        BIG.summary()
            .ends_with(&format!(", {unused} in types no operation uses"))
    );
}

#[test]
fn a_report_cut_to_a_limit_says_where_the_rest_is() {
    let full = BIG.to_markdown();
    for limit in [20_000, 8_000, 2_000] {
        let short = BIG.to_markdown_within(limit, "spec-diff.full.md");
        assert!(short.chars().count() <= limit, "{limit}: {}", short.len());
        assert!(short.contains("spec-diff.full.md"), "{limit}");
        assert!(short.starts_with("## PortOne API changes"));
        assert!(
            short.matches("<details>").count() == short.matches("</details>").count(),
            "{limit}: folds stay balanced"
        );
        assert!(short.len() < full.len());
    }
    // A report that fits is not touched.
    assert_eq!(BIG.to_markdown_within(1_000_000, "x"), full);
}
