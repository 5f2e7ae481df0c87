//! Each repair of `portone_openapi::repair` on a copy of the pinned spec with the defect put
//! in: the repaired spec normalizes to exactly what the original does, with one repair
//! reported; what is not the known defect is still refused.

use portone_openapi::repair::tag_of_member;
use portone_openapi::source::materialized_spec_path;
use portone_openapi::{Options, Spec, normalize};
use serde_json::{Value, json};

fn pinned() -> Value {
    let spec =
        Spec::from_path(&materialized_spec_path()).expect("the pinned spec (cargo xtask fetch)");
    spec.json
}

fn spec_of(json: &Value) -> Spec {
    Spec::from_bytes(&serde_json::to_vec(json).unwrap(), "defective copy").unwrap()
}

/// A union and two of its members whose tags are their names: (union, member, its tag, other
/// member, its tag).
fn two_conventional_members(json: &Value) -> (String, String, String, String, String) {
    let schemas = json["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        let Some(mapping) = schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object)
        else {
            continue;
        };
        let conventional: Vec<(String, String)> = mapping
            .iter()
            .filter_map(|(tag, target)| {
                let member = target.as_str()?.rsplit('/').next()?.to_owned();
                (tag_of_member(&member) == *tag).then(|| (tag.clone(), member))
            })
            .collect();
        if let [(tag_m, m), (tag_n, n), ..] = conventional.as_slice() {
            return (
                name.clone(),
                m.clone(),
                tag_m.clone(),
                n.clone(),
                tag_n.clone(),
            );
        }
    }
    panic!("no union with two members named after their tags");
}

#[test]
fn a_tag_mapped_to_the_wrong_member_is_given_back() {
    let original = pinned();
    let baseline = normalize(&spec_of(&original), &Options::everything()).unwrap();
    assert!(baseline.repairs.is_empty(), "{:?}", baseline.repairs);

    // The defect PortOne shipped once: M's tag points at N, N's own tag is missing, M has none.
    let (union, m, tag_m, n, tag_n) = two_conventional_members(&original);
    let mut defective = original.clone();
    let mapping = defective["components"]["schemas"][&union]["discriminator"]["mapping"]
        .as_object_mut()
        .unwrap();
    mapping.insert(tag_m.clone(), json!(format!("#/components/schemas/{n}")));
    mapping.remove(&tag_n);
    let repaired = normalize(&spec_of(&defective), &Options::everything()).unwrap();
    assert_eq!(repaired.repairs.len(), 1, "{:?}", repaired.repairs);
    let repair = repaired.repairs[0].to_string();
    assert!(
        repair.starts_with(&format!("components.schemas.{union}: repaired:")),
        "{repair}"
    );
    assert!(
        repair.contains(&m) && repair.contains(&n) && repair.contains(&tag_n),
        "{repair}"
    );
    assert_eq!(repaired.model, baseline.model);

    // A member without a tag and no tag named after it: really ambiguous, refused.
    let mut ambiguous = original.clone();
    ambiguous["components"]["schemas"][&union]["discriminator"]["mapping"]
        .as_object_mut()
        .unwrap()
        .remove(&tag_m);
    let err = normalize(&spec_of(&ambiguous), &Options::everything()).unwrap_err();
    assert!(
        err.problem.contains(&format!("member {m} has no tag")),
        "{err}"
    );
}

#[test]
fn an_operation_without_x_portone_error_gets_its_one_error_schema() {
    let original = pinned();
    let baseline = normalize(&spec_of(&original), &Options::everything()).unwrap();
    let mut defective = original.clone();
    let op = defective["paths"]["/payments/{paymentId}"]["get"]
        .as_object_mut()
        .unwrap();
    assert!(op.remove("x-portone-error").is_some());
    let repaired = normalize(&spec_of(&defective), &Options::everything()).unwrap();
    assert_eq!(repaired.repairs.len(), 1, "{:?}", repaired.repairs);
    assert_eq!(
        repaired.repairs[0].to_string(),
        "GET /payments/{paymentId}: repaired: no `x-portone-error`; every error response uses \
         GetPaymentError, which becomes it"
    );
    assert_eq!(repaired.model, baseline.model);

    // Two error schemas: nothing to choose from, refused.
    let mut ambiguous = defective.clone();
    ambiguous["paths"]["/payments/{paymentId}"]["get"]["responses"]["404"]["content"]["application/json"]
        ["schema"] = json!({"$ref": "#/components/schemas/ForbiddenError"});
    let err = normalize(&spec_of(&ambiguous), &Options::everything()).unwrap_err();
    assert!(
        err.problem.contains("`x-portone-error` is missing"),
        "{err}"
    );
}
