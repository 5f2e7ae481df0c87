//! References to component schemas (`{"$ref": "#/components/schemas/Name"}`), and the
//! discriminator mappings made of them: the one place that knows their form.

use serde_json::{Map, Value};

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

/// The discriminator of a union schema: the tag property and its mapping (tag -> member).
#[derive(Debug, Clone, Copy)]
pub struct Discriminator<'s> {
    /// The tag property (`type`, `status`).
    pub property: &'s str,
    mapping: &'s Map<String, Value>,
}

impl<'s> Discriminator<'s> {
    /// The discriminator of `schema`, if it has a property name and a mapping.
    pub fn of(schema: &'s Value) -> Option<Discriminator<'s>> {
        let discriminator = schema.get("discriminator")?;
        Some(Discriminator {
            property: discriminator.get("propertyName")?.as_str()?,
            mapping: discriminator.get("mapping")?.as_object()?,
        })
    }

    /// The member component of `tag`.
    pub fn member(&self, tag: &str) -> Option<&'s str> {
        component_of(self.mapping.get(tag)?.as_str()?)
    }

    /// Every tag with its member component (`None` where the mapping names no component).
    pub fn cases(&self) -> impl Iterator<Item = (&'s str, Option<&'s str>)> + 's {
        self.mapping
            .iter()
            .map(|(tag, target)| (tag.as_str(), target.as_str().and_then(component_of)))
    }
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

    #[test]
    fn a_discriminator_maps_tags_to_members() {
        let union = json!({"oneOf": [], "discriminator": {"propertyName": "status", "mapping": {
            "PAID": reference_to("PaidPayment"), "ODD": "elsewhere"}}});
        let d = Discriminator::of(&union).unwrap();
        assert_eq!(d.property, "status");
        assert_eq!(d.member("PAID"), Some("PaidPayment"));
        assert_eq!(d.member("ODD"), None);
        assert_eq!(d.member("NEW"), None);
        assert_eq!(d.cases().count(), 2);
        assert!(Discriminator::of(&json!({"oneOf": []})).is_none());
    }
}
