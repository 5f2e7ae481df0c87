//! Repairs of the defects PortOne's published specs have had. Each repair is reported (a
//! [`Repair`] naming the schema or operation: build scripts print it as a cargo warning, the
//! xtask on stderr); anything that does not match a known defect exactly is left for the
//! normalizer to refuse.
//!
//! - A `discriminator.mapping` that sends a member's tag to another member, so that the member
//!   has no tag at all (in `CreatePlatformOrderTransferError` once: the tag
//!   `PLATFORM_CONTRACT_PLATFORM_FIXED_AMOUNT_..._MISMATCHED` pointed at
//!   `PlatformAdditionalFixedAmount...MismatchedError`, whose own tag was missing). A member's
//!   tag is its name in UPPER_SNAKE_CASE without `Error`: the tag goes back to the member named
//!   after it, and the member it was taken from gets its own tag if it has none left.
//! - Operations without `x-portone-error` (an early spec had none): when every error response
//!   of the operation uses one component schema, that schema is its error type.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use serde_json::{Map, Value};

use crate::model::HttpMethod;

use crate::refs::{SCHEMA_PREFIX, component_of, reference_to};

/// One repair the normalizer made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The schema or operation, e.g. `components.schemas.X` or `GET /path`.
    pub location: String,
    /// What was wrong and what was done.
    pub what: String,
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: repaired: {}", self.location, self.what)
    }
}

/// The tag a union member is named after: `PlatformAmountExceededError` ->
/// `PLATFORM_AMOUNT_EXCEEDED`.
pub fn tag_of_member(member: &str) -> String {
    member
        .strip_suffix("Error")
        .unwrap_or(member)
        .to_shouty_snake_case()
}

/// Repairs every union of `schemas` whose mapping gave a member's tag to another member.
pub(crate) fn discriminator_mappings(schemas: &mut Map<String, Value>) -> Vec<Repair> {
    let mut repairs = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let members: Vec<String> = schema
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(crate::refs::ref_name)
            .map(str::to_owned)
            .collect();
        let Some(mapping) = schema
            .pointer_mut("/discriminator/mapping")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let target = |value: &Value| value.as_str().and_then(component_of).map(str::to_owned);
        let tagged: BTreeSet<String> = mapping.values().filter_map(target).collect();
        for member in members.iter().filter(|m| !tagged.contains(*m)) {
            let tag = tag_of_member(member);
            let Some(wrong) = mapping.get(&tag).and_then(target) else {
                continue; // not the known defect: the normalizer refuses it
            };
            if &wrong == member || !members.contains(&wrong) {
                continue;
            }
            mapping.insert(tag.clone(), Value::String(reference_to(member)));
            let mut what = format!("tag {tag} mapped to {wrong}; it is {member}'s");
            let still_tagged = mapping.values().any(|v| target(v).as_ref() == Some(&wrong));
            if !still_tagged {
                let own = tag_of_member(&wrong);
                if mapping.contains_key(&own) {
                    continue; // both names taken: ambiguous, refused later
                }
                mapping.insert(own.clone(), Value::String(reference_to(&wrong)));
                what.push_str(&format!(", and {wrong} gets its own tag {own}"));
            }
            repairs.push(Repair {
                location: format!("components.schemas.{name}"),
                what,
            });
        }
    }
    repairs
}

/// Gives operations without `x-portone-error` the one component schema all their error
/// responses use.
pub(crate) fn error_schemas(paths: &mut Map<String, Value>) -> Vec<Repair> {
    let mut repairs = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(method) = HttpMethod::parse(method) else {
                continue;
            };
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            if op.contains_key("x-portone-error") {
                continue;
            }
            let schemas: BTreeSet<String> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(code, _)| !code.starts_with('2'))
                .filter_map(|(_, r)| {
                    r.pointer("/content/application~1json/schema/$ref")?
                        .as_str()
                        .map(str::to_owned)
                })
                .collect();
            let mut schemas = schemas.into_iter();
            let (Some(schema), None) = (schemas.next(), schemas.next()) else {
                continue; // none, or several: the normalizer refuses those
            };
            repairs.push(Repair {
                location: format!("{} {path}", method.as_str()),
                what: format!(
                    "no `x-portone-error`; every error response uses {}, which becomes it",
                    schema.trim_start_matches(SCHEMA_PREFIX)
                ),
            });
            op.insert(
                "x-portone-error".into(),
                serde_json::json!({ "$ref": schema }),
            );
        }
    }
    repairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_tags() {
        assert_eq!(tag_of_member("PaymentNotFoundError"), "PAYMENT_NOT_FOUND");
        assert_eq!(
            tag_of_member("B2bExternalServiceError"),
            "B2B_EXTERNAL_SERVICE"
        );
        assert_eq!(tag_of_member("Forbidden"), "FORBIDDEN");
    }
}
