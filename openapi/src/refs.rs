//! References to component schemas (`{"$ref": "#/components/schemas/Name"}`): the one place
//! that knows their form.

use serde_json::Value;

/// What every component schema reference starts with.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The component a reference string names: `#/components/schemas/Payment` -> `Payment`.
pub fn component_of(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_PREFIX)
}

/// The component a schema object refers to with its `$ref`, if it has one.
pub fn ref_name(schema: &Value) -> Option<&str> {
    component_of(schema.get("$ref")?.as_str()?)
}

/// A reference to the component `name`.
pub fn reference_to(name: &str) -> String {
    format!("{SCHEMA_PREFIX}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_go_in_and_out_of_references() {
        assert_eq!(
            component_of("#/components/schemas/Payment"),
            Some("Payment")
        );
        assert_eq!(component_of("#/definitions/Payment"), None);
        assert_eq!(
            ref_name(&json!({"$ref": reference_to("Paid")})),
            Some("Paid")
        );
        assert_eq!(ref_name(&json!({"type": "string"})), None);
    }
}
