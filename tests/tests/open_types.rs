//! Every discriminated union and string enum of the spec, exercised through the generated
//! types: each case decodes to its own variant and round-trips, unknown tags and values are
//! kept, and a known tag with a malformed payload is an error.

use portone_openapi::sample::{Fields, Sampler};
use portone_tests::{ENUMS, UNIONS, normalized, spec};
use serde_json::{Value, json};

fn probe(name: &str) -> portone_tests::Probe {
    UNIONS
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no probe for union {name}"))
        .decode
}

/// Moves `property` to the end of the object (the decoder must not rely on tag order).
fn tag_last(value: &Value, property: &str) -> Value {
    let mut object = value.as_object().unwrap().clone();
    let tag = object.remove(property).unwrap();
    object.insert(property.to_owned(), tag);
    Value::Object(object)
}

/// A value of another JSON type than `value`.
fn wrong_type(value: &Value) -> Value {
    match value {
        Value::String(_) => json!(12345),
        _ => json!("not-the-right-type"),
    }
}

#[test]
fn every_union_case_decodes_to_its_own_variant() {
    let spec = spec();
    let normalized = normalized();
    let model = &normalized.model;
    assert_eq!(UNIONS.len(), model.unions.len());
    let (mut cases, mut malformed, mut without_fields) = (0, 0, 0);
    let mut sampler = Sampler::new(&spec.json, 0, Fields::All);
    for union in &model.unions {
        let decode = probe(&union.name);
        for (i, case) in union.cases.iter().enumerate() {
            for fields in [Fields::All, Fields::Required] {
                sampler.reseed(i as u64).fields(fields);
                let sample = sampler.union_case(&union.name, &case.tag).unwrap();
                for input in [sample.clone(), tag_last(&sample, &union.property)] {
                    let decoded = decode(&input.to_string())
                        .unwrap_or_else(|e| panic!("{}::{} ({input}): {e}", union.name, case.tag));
                    assert_eq!(decoded.tag, case.tag, "{} {input}", union.name);
                    assert!(!decoded.unrecognized, "{} {input}", union.name);
                    assert_eq!(
                        decoded.reserialized, sample,
                        "{}::{} round trip",
                        union.name, case.tag
                    );
                }
            }
            cases += 1;

            // Unknown fields are ignored.
            sampler.reseed(7).fields(Fields::Required);
            let mut extra = sampler.union_case(&union.name, &case.tag).unwrap();
            extra["fieldAddedLater"] = json!({"nested": [1, 2]});
            let decoded = decode(&extra.to_string()).unwrap();
            assert_eq!(
                (decoded.tag.as_str(), decoded.unrecognized),
                (case.tag.as_str(), false)
            );

            // A known tag with a malformed payload is an error, never the catch-all.
            let member = &normalized.spec["components"]["schemas"][&case.member];
            let props = member["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let Some(field) = props.keys().find(|p| **p != union.property) else {
                without_fields += 1;
                continue;
            };
            sampler.reseed(3).fields(Fields::All);
            let mut bad = sampler.union_case(&union.name, &case.tag).unwrap();
            bad[field] = wrong_type(&bad[field]);
            let result = decode(&bad.to_string());
            assert!(
                result.is_err(),
                "{}::{} with a bad `{field}` decoded: {result:?}",
                union.name,
                case.tag
            );
            malformed += 1;
        }

        // An unknown tag is kept, whole, in the catch-all and serializes back unchanged.
        sampler.reseed(11).fields(Fields::All);
        let mut unknown = sampler
            .union_case(&union.name, &union.cases[0].tag)
            .unwrap();
        unknown[&union.property] = json!("CASE_ADDED_LATER");
        unknown["fieldAddedLater"] = json!(true);
        for input in [unknown.clone(), tag_last(&unknown, &union.property)] {
            let decoded = decode(&input.to_string()).unwrap();
            assert!(decoded.unrecognized, "{}", union.name);
            assert_eq!(decoded.tag, "CASE_ADDED_LATER");
            assert_eq!(decoded.reserialized, unknown);
        }
    }
    eprintln!(
        "unions: {} types, {cases} cases decoded and round-tripped, {malformed} malformed payloads rejected, \
         {without_fields} cases have no field to corrupt",
        model.unions.len()
    );
    assert_eq!(
        cases,
        model.unions.iter().map(|u| u.cases.len()).sum::<usize>()
    );
}

#[test]
fn a_union_object_without_its_tag_is_an_error() {
    let model = normalized().model;
    for union in &model.unions {
        let err = probe(&union.name)("{\"message\":\"x\"}").unwrap_err();
        assert!(
            err.contains(&format!("missing field `{}`", union.property)),
            "{}: {err}",
            union.name
        );
        let err = probe(&union.name)("[]").unwrap_err();
        assert!(err.contains("invalid type"), "{}: {err}", union.name);
    }
}

#[test]
fn every_enum_value_round_trips_and_unknown_values_are_kept() {
    let model = normalized().model;
    assert_eq!(ENUMS.len(), model.enums.len());
    let mut values = 0;
    for e in &model.enums {
        let decode = ENUMS.iter().find(|p| p.name == e.name).unwrap().decode;
        for v in &e.values {
            let decoded = decode(&json!(v.value).to_string()).unwrap();
            assert_eq!(decoded.tag, v.value);
            assert!(!decoded.unrecognized, "{}::{}", e.name, v.value);
            assert_eq!(decoded.reserialized, json!(v.value));
            values += 1;
        }
        let decoded = decode("\"VALUE_ADDED_LATER\"").unwrap();
        assert!(decoded.unrecognized);
        assert_eq!(decoded.reserialized, json!("VALUE_ADDED_LATER"));
        assert!(decode("42").is_err(), "{} accepts a number", e.name);
    }
    eprintln!(
        "enums: {} types, {values} known values round-tripped, unknown values kept",
        model.enums.len()
    );
}

#[test]
fn documented_misdecodings_are_fixed() {
    use portone_gen::types::{GetPaymentError, Payment, PaymentStatus};
    let e: GetPaymentError =
        serde_json::from_str(r#"{"type":"PAYMENT_NOT_FOUND","message":"없음"}"#).unwrap();
    assert!(matches!(e, GetPaymentError::PaymentNotFound(_)), "{e:?}");
    let e: GetPaymentError =
        serde_json::from_str(r#"{"type":"SOMETHING_NEW","message":"x"}"#).unwrap();
    assert_eq!(e.tag(), "SOMETHING_NEW");

    let spec = spec();
    let mut sampler = Sampler::new(&spec.json, 1, Fields::Required);
    let va = sampler
        .union_case("Payment", "VIRTUAL_ACCOUNT_ISSUED")
        .unwrap();
    let p: Payment = serde_json::from_value(va).unwrap();
    assert!(matches!(p, Payment::VirtualAccountIssued(_)), "{p:?}");

    let s: PaymentStatus = serde_json::from_str("\"REFUNDED\"").unwrap();
    assert_eq!(s, PaymentStatus::Unrecognized("REFUNDED".into()));
    assert_eq!(
        "PAID".parse::<PaymentStatus>().unwrap(),
        PaymentStatus::Paid
    );
}

#[test]
fn enums_with_an_unknown_value_keep_it_apart_from_the_catch_all() {
    // Some enums (e.g. `PlatformAccountStatus`) have a real `UNKNOWN` value; it must decode
    // to its own variant, not to the catch-all.
    let model = normalized().model;
    let with_unknown: Vec<_> = model
        .enums
        .iter()
        .filter(|e| e.values.iter().any(|v| v.value == "UNKNOWN"))
        .collect();
    assert!(!with_unknown.is_empty());
    for e in with_unknown {
        let decode = ENUMS.iter().find(|p| p.name == e.name).unwrap().decode;
        let decoded = decode("\"UNKNOWN\"").unwrap();
        assert!(!decoded.unrecognized, "{}", e.name);
        assert!(decode("\"NEW\"").unwrap().unrecognized, "{}", e.name);
    }
}

#[test]
fn constructors_take_the_required_fields_in_spec_order() {
    use portone_gen::types::{
        BillingKeyPaymentInput, CancelPaymentBody, Currency, PaymentAmountInput,
    };
    let cancel = CancelPaymentBody::new("고객 요청");
    assert_eq!(
        serde_json::to_value(&cancel).unwrap(),
        json!({"reason": "고객 요청"})
    );
    let mut pay =
        BillingKeyPaymentInput::new("bk-1", "주문", PaymentAmountInput::new(1000), Currency::Krw);
    pay.store_id = Some("store-1".into());
    assert_eq!(
        serde_json::to_value(&pay).unwrap(),
        json!({"billingKey": "bk-1", "orderName": "주문", "amount": {"total": 1000}, "currency": "KRW", "storeId": "store-1"})
    );
}
