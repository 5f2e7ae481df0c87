//! The category features: the list in `portone_openapi::features`, the spec's categories and
//! the `[features]` of `portone-gen` and `portone-client` agree, and a selection of categories
//! generates the same types as the whole spec, only fewer of them.

use std::collections::{BTreeMap, BTreeSet};

use portone_openapi::features::{ALWAYS_GENERATED, CATEGORIES, feature_name};
use portone_openapi::{Options, normalize};
use portone_tests::spec;
use serde_json::Value;

/// `[features]` of a workspace package, from `cargo metadata`.
fn features(package: &str) -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == package)
        .unwrap_or_else(|| panic!("no package {package}"));
    serde_json::from_value(package["features"].clone()).unwrap()
}

/// Top-level categories the spec uses: those of `x-portone-categories` and those operations
/// without a category fall into (the first segment of their path).
fn spec_categories() -> BTreeSet<String> {
    let spec = spec();
    let normalized = normalize(&spec, &Options::everything()).unwrap();
    let mut categories: BTreeSet<String> = spec.json["x-portone-categories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    categories.extend(
        normalized
            .model
            .operations
            .iter()
            .map(|op| op.top_category()),
    );
    categories
}

#[test]
fn every_category_of_the_spec_has_a_feature_in_both_crates() {
    let listed: BTreeSet<String> = CATEGORIES.iter().map(|c| (*c).to_owned()).collect();
    for category in spec_categories() {
        assert!(
            listed.contains(&category) || ALWAYS_GENERATED.contains(&category.as_str()),
            "category {category} of the spec has no cargo feature: add it to \
             portone_openapi::features::CATEGORIES and to the [features] of portone-gen and \
             portone-client (named {})",
            feature_name(&category)
        );
    }
    let generated = features("portone-gen");
    let facade = features("portone-client");
    for category in CATEGORIES {
        let feature = feature_name(category);
        assert_eq!(
            generated.get(&feature),
            Some(&Vec::new()),
            "portone-gen: feature {feature}"
        );
        assert_eq!(
            facade.get(&feature),
            Some(&vec![format!("portone-gen/{feature}")]),
            "portone-client: feature {feature} must enable portone-gen/{feature}"
        );
        for (crate_name, features) in [("portone-gen", &generated), ("portone-client", &facade)] {
            assert!(
                features["default"].contains(&feature),
                "{crate_name}: {feature} must be a default feature"
            );
        }
    }
    for category in ALWAYS_GENERATED {
        assert!(!facade.contains_key(&feature_name(category)));
    }
}

#[test]
fn a_selection_generates_the_same_types_only_fewer() {
    let spec = spec();
    let all = normalize(&spec, &Options::everything()).unwrap();
    let minimal = Options {
        unstable: false,
        excluded_categories: CATEGORIES
            .iter()
            .filter(|c| !matches!(**c, "payment" | "identityVerification"))
            .map(|c| (*c).to_owned())
            .collect(),
    };
    let some = normalize(&spec, &minimal).unwrap();
    let kept: BTreeSet<String> = some
        .model
        .operations
        .iter()
        .map(|o| o.top_category())
        .collect();
    assert_eq!(
        kept,
        ["auth", "identityVerification", "payment"]
            .map(str::to_owned)
            .into()
    );
    let schemas = |n: &portone_openapi::Normalized| -> BTreeMap<String, Value> {
        serde_json::from_value(n.spec["components"]["schemas"].clone()).unwrap()
    };
    let (all_schemas, some_schemas) = (schemas(&all), schemas(&some));
    for (name, schema) in &some_schemas {
        assert_eq!(
            Some(schema),
            all_schemas.get(name),
            "{name} must not change with the selection"
        );
    }
    for union in &some.model.unions {
        let full = all
            .model
            .unions
            .iter()
            .find(|u| u.name == union.name)
            .unwrap();
        assert_eq!(
            union, full,
            "union {} must not change with the selection",
            union.name
        );
    }
    println!(
        "payment + identity verification: {} of {} operations, {} of {} schemas",
        some.model.operations.len(),
        all.model.operations.len(),
        some_schemas.len(),
        all_schemas.len()
    );
    // Left out: exactly what only the other categories' operations reached.
    assert!(some.model.omitted_schemas > 0);
    assert_eq!(
        some_schemas.len() + some.model.omitted_schemas,
        all_schemas.len()
    );
}
