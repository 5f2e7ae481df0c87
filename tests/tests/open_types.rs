//! Every discriminated union and string enum of the spec, exercised through the generated
//! types: each case decodes to its own variant and round-trips, unknown tags and values are
//! kept, and a known tag with a malformed payload is an error.

use portone_gen::types::{GetPaymentError, Payment, PaymentStatus};
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

// Long by design: one walk over every union case with its counts, so that a failure names
// the union and the case.
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
fn a_union_object_without_a_string_tag_is_an_error() {
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
        let err = probe(&union.name)(&format!("{{\"{}\":7}}", union.property)).unwrap_err();
        assert!(
            err.contains("expected a string discriminator"),
            "{}: {err}",
            union.name
        );
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
        let err = decode("42").expect_err("an enum accepts a number");
        // serde's message names what was expected: the enum's name.
        assert!(
            err.contains(&format!("expected a {} string", e.name)),
            "{}: {err}",
            e.name
        );
    }
    eprintln!(
        "enums: {} types, {values} known values round-tripped, unknown values kept",
        model.enums.len()
    );
}

#[test]
fn documented_misdecodings_are_fixed() {
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
    assert!(s.is_unrecognized());
    assert_eq!(s.as_str(), "REFUNDED");
    assert_eq!(s, PaymentStatus::from("REFUNDED"));
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
fn request_types_are_built_with_new_and_setters() {
    use portone_gen::types::{
        BillingKeyPaymentInput, BillingKeyPaymentInputRequired, CancelPaymentBody, Currency,
        GetPaymentsBody, PageInput, PaymentAmountInput,
    };
    // One required field: positional; optional ones by setter.
    let cancel = CancelPaymentBody::new("고객 요청").amount(1000);
    assert_eq!(
        serde_json::to_value(&cancel).unwrap(),
        json!({"reason": "고객 요청", "amount": 1000})
    );
    // Two or more: named.
    let pay = BillingKeyPaymentInput::new(BillingKeyPaymentInputRequired {
        order_name: "주문",
        billing_key: "bk-1",
        amount: PaymentAmountInput::new(1000),
        currency: Currency::Krw,
    })
    .store_id("store-1")
    .currency("USD");
    assert_eq!(
        serde_json::to_value(&pay).unwrap(),
        json!({"billingKey": "bk-1", "orderName": "주문", "amount": {"total": 1000}, "currency": "USD", "storeId": "store-1"})
    );
    // None required: `new()`, the same as `default()`.
    let list = GetPaymentsBody::new().page(PageInput::new().number(2).size(50));
    assert_eq!(
        serde_json::to_value(&list).unwrap(),
        json!({"page": {"number": 2, "size": 50}})
    );
    assert_eq!(GetPaymentsBody::new(), GetPaymentsBody::default());
}

#[test]
fn union_accessors_read_what_every_case_has_even_from_an_unknown_case() {
    let spec = spec();
    let mut sampler = Sampler::new(&spec.json, 3, Fields::Required);
    for tag in portone_gen::types::Payment::TAGS {
        let json = sampler.union_case("Payment", tag).unwrap();
        let payment: Payment = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(payment.id(), json["id"].as_str(), "{tag}");
        assert_eq!(payment.store_id(), json["storeId"].as_str(), "{tag}");
        assert_eq!(payment.order_name(), json["orderName"].as_str(), "{tag}");
        let amount = payment.amount().expect("every payment has an amount");
        assert_eq!(
            serde_json::to_value(&*amount).unwrap(),
            json["amount"],
            "{tag}"
        );
    }
    // A status PortOne adds later still yields what it shares with the known ones.
    let future: Payment = serde_json::from_value(json!({
        "status": "REFUNDED",
        "id": "order-9",
        "amount": {"total": 100, "taxFree": 0, "discount": 0, "paid": 100, "cancelled": 0, "cancelledTaxFree": 0},
        "orderName": 42,
    }))
    .unwrap();
    assert!(future.is_unrecognized());
    assert_eq!(future.tag(), "REFUNDED");
    assert_eq!(future.id(), Some("order-9"));
    assert_eq!(future.amount().map(|a| a.total), Some(100));
    assert_eq!(future.store_id(), None, "absent");
    assert_eq!(future.order_name(), None, "not a string");
}

#[test]
#[allow(deprecated)]
fn unknown_payloads_are_opaque_and_kept_whole() {
    let json = json!({"type": "SOMETHING_NEW", "message": "x", "extra": [1]});
    let e: GetPaymentError = serde_json::from_value(json.clone()).unwrap();
    let GetPaymentError::Unrecognized(unknown) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(unknown.tag(), "SOMETHING_NEW");
    assert_eq!(unknown.as_str(), "SOMETHING_NEW");
    assert_eq!(unknown.as_json(), &json);
    assert_eq!(serde_json::to_value(&e).unwrap(), json);
    // The forward-compatible way to match a case this SDK may learn later.
    let described = match &e {
        GetPaymentError::PaymentNotFound(_) => "not found",
        other if other.tag() == "SOMETHING_NEW" => "the new case",
        _ => "another case",
    };
    assert_eq!(described, "the new case");
    let GetPaymentError::Unrecognized(unknown) = e else {
        unreachable!("matched above")
    };
    assert_eq!(unknown.into_json(), json, "by value, the object as sent");
    let PaymentStatus::Unrecognized(value) = PaymentStatus::from("REFUNDED") else {
        panic!("REFUNDED is not a known status")
    };
    assert_eq!(value.as_str(), "REFUNDED");
}

#[test]
fn a_union_tag_is_read_however_the_json_spells_or_orders_it() {
    // An escaped tag reaches the decoder as a string of its own (not borrowed from the text).
    let escaped = r#"{"type":"PAYMENT\u005fNOT_FOUND","message":"x"}"#;
    let e: GetPaymentError = serde_json::from_str(escaped).unwrap();
    assert!(matches!(e, GetPaymentError::PaymentNotFound(_)), "{e:?}");
    // From a `Value`, with an entry read before the tag and replayed to the member ("message"
    // sorts before "type", and `tag_last` keeps it so with any map order).
    let tag_last = tag_last(
        &json!({"message": "x", "type": "PAYMENT_NOT_FOUND"}),
        "type",
    );
    let e: GetPaymentError = serde_json::from_value(tag_last.clone()).unwrap();
    assert!(matches!(e, GetPaymentError::PaymentNotFound(_)), "{e:?}");
    assert_eq!(serde_json::to_value(&e).unwrap()["message"], "x");
}
