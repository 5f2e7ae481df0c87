//! The cargo features of `portone-gen` and `portone-client`: one per top-level PortOne
//! category (`x-portone-categories`), so that a build compiles only the categories it uses.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToShoutySnakeCase};

use crate::Options;

/// Top-level categories that have a cargo feature (named by [`feature_name`]). A category of the
/// spec that is not listed here is always generated; `tests/tests/features.rs` checks that this
/// list, the pinned spec and the crates' `[features]` agree.
pub const CATEGORIES: &[&str] = &[
    "payment",
    "identityVerification",
    "pgSpecific",
    "reconciliation",
    "b2b",
    "platform",
    "paymentSession",
    "checkoutProfile",
    "ap",
    "common",
];

/// Categories generated whatever the features: the client logs in with them (bearer tokens).
pub const ALWAYS_GENERATED: &[&str] = &["auth"];

/// The cargo feature of a category: its id in kebab-case (`identityVerification` ->
/// `identity-verification`).
pub fn feature_name(category: &str) -> String {
    category.to_kebab_case()
}

/// The environment variable cargo sets for a build script when the feature of `category` is
/// enabled (`CARGO_FEATURE_IDENTITY_VERIFICATION`).
pub fn feature_env(category: &str) -> String {
    format!(
        "CARGO_FEATURE_{}",
        feature_name(category).to_shouty_snake_case()
    )
}

/// For build scripts: the options the features of the crate being built select (`unstable`, and
/// the categories whose feature is off are excluded).
pub fn options_from_features() -> Options {
    let enabled = |env: &str| std::env::var_os(env).is_some();
    Options {
        unstable: enabled("CARGO_FEATURE_UNSTABLE"),
        excluded_categories: CATEGORIES
            .iter()
            .filter(|category| !enabled(&feature_env(category)))
            .map(|category| (*category).to_owned())
            .collect::<BTreeSet<_>>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            feature_name("identityVerification"),
            "identity-verification"
        );
        assert_eq!(feature_name("b2b"), "b2b");
        assert_eq!(
            feature_env("identityVerification"),
            "CARGO_FEATURE_IDENTITY_VERIFICATION"
        );
        assert_eq!(feature_env("pgSpecific"), "CARGO_FEATURE_PG_SPECIFIC");
        assert!(CATEGORIES.iter().all(|c| !ALWAYS_GENERATED.contains(c)));
    }
}
