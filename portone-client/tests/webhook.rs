//! Webhook verification and decoding, against signatures computed independently with Python's
//! `hmac`/`base64` (`webhook_vectors/generate.py`, cross-checked with `openssl dgst -mac HMAC`).

#![cfg(feature = "webhook")]

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeZone as _, Utc};
use http::{HeaderMap, HeaderName, HeaderValue};
use portone_client::webhook::{
    HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, TIMESTAMP_TOLERANCE, WebhookDelivery,
    WebhookError, WebhookEvent, WebhookVerifier,
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Vectors {
    secret: String,
    signing: Vec<SigningVector>,
    events: Vec<EventVector>,
}

#[derive(Deserialize)]
struct SigningVector {
    name: String,
    secret: String,
    key_hex: String,
    id: String,
    timestamp: String,
    body: String,
    signature: String,
}

#[derive(Deserialize)]
struct EventVector {
    #[serde(rename = "type")]
    event_type: String,
    id: String,
    timestamp: String,
    body: String,
    signature: String,
    data: Option<Value>,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("webhook_vectors/vectors.json")).expect("vectors.json parses")
}

/// The timestamp every vector is signed at.
const TS: i64 = 1_748_000_000;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("in range")
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn pairs<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> [(&'static str, &'a str); 3] {
    [
        (HEADER_ID, id),
        (HEADER_TIMESTAMP, ts),
        (HEADER_SIGNATURE, sig),
    ]
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(&vectors().secret).expect("valid secret")
}

/// A small valid event body and its headers, signed by `verifier()` at `TS`.
fn signed_paid() -> (String, [(&'static str, String); 3]) {
    let body = json!({
        "type": "Transaction.Paid",
        "timestamp": "2025-05-23T11:33:20+09:00",
        "data": {"paymentId": "p-1", "storeId": "s-1", "transactionId": "t-1"},
    })
    .to_string();
    let headers = verifier().signed_headers("msg_paid", TS, &body);
    (body, headers)
}

fn as_pairs<'a>(headers: &'a [(&'static str, String); 3]) -> Vec<(&'static str, &'a str)> {
    headers.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

// ---------------------------------------------------------------------------------------------
// Known-answer vectors

#[test]
fn signing_matches_independent_vectors() {
    let vectors = vectors();
    assert_eq!(vectors.signing.len(), 12);
    for v in &vectors.signing {
        let ts: i64 = v.timestamp.parse().expect("numeric");
        let from_secret = WebhookVerifier::new(&v.secret).expect(&v.name);
        let from_key = WebhookVerifier::from_key(&hex(&v.key_hex)).expect(&v.name);
        assert_eq!(
            from_secret.sign(&v.id, ts, &v.body),
            v.signature,
            "{}",
            v.name
        );
        assert_eq!(from_key.sign(&v.id, ts, &v.body), v.signature, "{}", v.name);
    }
}

#[test]
fn independent_vectors_verify() {
    for v in vectors().signing {
        let verifier = WebhookVerifier::new(&v.secret).expect(&v.name);
        let headers = pairs(&v.id, &v.timestamp, &v.signature);
        let result = verifier.verify_delivery_at(at(TS), v.body.as_bytes(), headers);
        if v.body.is_empty() {
            // The signature is valid; an empty body is not an event.
            assert!(
                matches!(result, Err(WebhookError::InvalidPayload { raw: None, .. })),
                "{}: {result:?}",
                v.name
            );
            continue;
        }
        let delivery = result.unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(delivery.id, v.id);
        assert_eq!(delivery.timestamp, at(TS));
        match delivery.event {
            WebhookEvent::TransactionPaid(event) => {
                assert_eq!(event.data.payment_id, "주문-가나다-001", "{}", v.name);
                assert_eq!(event.data.store_id.as_deref(), Some("상점"));
                assert_eq!(event.timestamp.to_rfc3339(), "2025-05-23T11:33:20+09:00");
            }
            WebhookEvent::BillingKeyIssued(event) => {
                assert_eq!(event.data.billing_key, "빌링키 🔑", "{}", v.name);
                assert_eq!(
                    event.timestamp,
                    Utc.with_ymd_and_hms(2025, 5, 23, 2, 33, 20).unwrap()
                        + chrono::Duration::milliseconds(123)
                );
            }
            other => panic!("{}: unexpected {other:?}", v.name),
        }
    }
}

/// The example of the Standard Webhooks specification, verified as-is: a valid signature over a
/// body that is not a PortOne event.
#[test]
fn standard_webhooks_reference_vector() {
    let verifier = WebhookVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = r#"{"test": 2432232314}"#;
    let sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert_eq!(
        verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
        sig
    );
    let headers = pairs("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", sig);
    let err = verifier
        .verify_at(at(1_614_265_330), body, headers)
        .unwrap_err();
    let WebhookError::InvalidPayload { raw, source } = err else {
        panic!("{err:?}")
    };
    assert_eq!(raw.as_deref(), Some(&json!({"test": 2432232314_u64})));
    assert!(
        source.to_string().contains("missing field `type`"),
        "{source}"
    );
}

#[test]
fn verification_is_over_raw_bytes_not_reserialized_json() {
    let vectors = vectors();
    let compact = &vectors.signing[0];
    let escaped = &vectors.signing[1];
    assert_eq!(compact.name, "ascii/compact_korean");
    assert_eq!(escaped.name, "ascii/escaped_korean");
    // Same JSON value, different bytes, different signatures.
    assert_eq!(
        serde_json::from_str::<Value>(&compact.body).unwrap(),
        serde_json::from_str::<Value>(&escaped.body).unwrap()
    );
    let verifier = verifier();
    let swapped = pairs(&compact.id, &compact.timestamp, &escaped.signature);
    let err = verifier
        .verify_at(at(TS), compact.body.as_bytes(), swapped)
        .unwrap_err();
    assert!(matches!(
        err,
        WebhookError::NoMatchingSignature { v1_entries: 1 }
    ));
}

// ---------------------------------------------------------------------------------------------
// Timestamp tolerance

#[test]
fn tolerance_edges_in_both_directions() {
    assert_eq!(TIMESTAMP_TOLERANCE.as_secs(), 300);
    let (body, headers) = signed_paid();
    let verifier = verifier();
    let check = |now: DateTime<Utc>| verifier.verify_at(now, &body, &headers);

    assert!(check(at(TS)).is_ok());
    assert!(check(at(TS + 300)).is_ok(), "300 s late passes");
    assert!(check(at(TS - 300)).is_ok(), "300 s early passes");
    // The receiver's clock counts in whole seconds, like PortOne's SDKs.
    assert!(check(at(TS + 300) + chrono::Duration::milliseconds(999)).is_ok());
    assert!(matches!(
        check(at(TS + 301)),
        Err(WebhookError::TimestampTooOld { timestamp: TS, now }) if now == TS + 301
    ));
    assert!(matches!(
        check(at(TS - 301)),
        Err(WebhookError::TimestampTooNew { timestamp: TS, now }) if now == TS - 301
    ));
    assert!(matches!(
        check(at(TS - 301) + chrono::Duration::milliseconds(999)),
        Err(WebhookError::TimestampTooNew { .. })
    ));
}

#[test]
fn system_clock_is_the_default() {
    let verifier = verifier();
    let (body, _) = signed_paid();
    let now = Utc::now().timestamp();
    let fresh = verifier.signed_headers("msg_now", now, &body);
    assert!(verifier.verify(&body, &fresh).is_ok());
    let stale = verifier.signed_headers("msg_old", now - 3600, &body);
    assert!(matches!(
        verifier.verify(&body, &stale),
        Err(WebhookError::TimestampTooOld { .. })
    ));
    let future = verifier.signed_headers("msg_future", now + 3600, &body);
    assert!(matches!(
        verifier.verify_delivery(&body, &future),
        Err(WebhookError::TimestampTooNew { .. })
    ));
}

#[test]
fn extreme_timestamps_and_clocks_do_not_overflow() {
    let verifier = verifier();
    let (body, _) = signed_paid();
    let max = i64::MAX.to_string();
    let sig = verifier.sign("id", i64::MAX, &body);
    assert!(matches!(
        verifier.verify_at(at(TS), &body, pairs("id", &max, &sig)),
        Err(WebhookError::TimestampTooNew {
            timestamp: i64::MAX,
            ..
        })
    ));
    let sig = verifier.sign("id", 0, &body);
    assert!(matches!(
        verifier.verify_at(DateTime::<Utc>::MAX_UTC, &body, pairs("id", "0", &sig)),
        Err(WebhookError::TimestampTooOld { timestamp: 0, .. })
    ));
    assert!(matches!(
        verifier.verify_at(DateTime::<Utc>::MIN_UTC, &body, pairs("id", &max, "v1,x")),
        Err(WebhookError::TimestampTooNew { .. })
    ));
}

#[test]
fn malformed_timestamps_are_rejected() {
    let verifier = verifier();
    let (body, _) = signed_paid();
    let huge = "9".repeat(100);
    for bad in [
        "abc",
        "-1",
        "+1748000000",
        "1748000000.5",
        "1.748e9",
        "1748000000x",
        "0x68",
        "9223372036854775808",
        huge.as_str(),
        "１７４８",
    ] {
        let err = verifier
            .verify_at(at(TS), &body, pairs("id", bad, "v1,x"))
            .unwrap_err();
        let WebhookError::InvalidTimestamp { value } = &err else {
            panic!("{bad:?}: {err:?}")
        };
        assert!(
            value.len() <= 32 * 3 + 3,
            "quoted value is bounded: {value}"
        );
        assert!(
            err.to_string()
                .starts_with("`webhook-timestamp` header is not")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tampering and signatures

#[test]
fn tampered_body_id_or_timestamp_fails() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    let [(_, id), (_, ts), (_, sig)] = &headers;
    let no_match = |r: Result<WebhookEvent, WebhookError>| {
        matches!(r, Err(WebhookError::NoMatchingSignature { v1_entries: 1 }))
    };

    let tampered_body = body.replace("p-1", "p-2");
    assert!(no_match(verifier.verify_at(
        at(TS),
        &tampered_body,
        &headers
    )));
    let mut extra_space = body.clone();
    extra_space.push(' ');
    assert!(no_match(verifier.verify_at(at(TS), &extra_space, &headers)));
    assert!(no_match(verifier.verify_at(
        at(TS),
        &body,
        pairs("msg_paiD", ts, sig)
    )));
    let later = (TS + 1).to_string();
    assert!(no_match(verifier.verify_at(
        at(TS),
        &body,
        pairs(id, &later, sig)
    )));
    // A timestamp with the same value but other text is another message.
    let padded = format!("0{ts}");
    assert!(no_match(verifier.verify_at(
        at(TS),
        &body,
        pairs(id, &padded, sig)
    )));

    let other_secret = WebhookVerifier::from_key(b"another key").unwrap();
    assert!(no_match(other_secret.verify_at(at(TS), &body, &headers)));
    // Unauthenticated bodies are never parsed: garbage or empty is a signature failure.
    assert!(no_match(verifier.verify_at(at(TS), "{", &headers)));
    assert!(no_match(verifier.verify_at(at(TS), "", &headers)));
    // Untouched, it passes.
    assert!(verifier.verify_at(at(TS), &body, &headers).is_ok());
}

#[test]
fn any_matching_v1_signature_accepts() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    let good = &headers[2].1;
    let good_b64 = good.strip_prefix("v1,").unwrap();
    let wrong = WebhookVerifier::from_key(b"rotated-away")
        .unwrap()
        .sign("msg_paid", TS, &body);
    let accept = |sig: &str| {
        verifier
            .verify_at(at(TS), &body, pairs("msg_paid", &TS.to_string(), sig))
            .map(|_| ())
    };

    for sig in [
        format!("{wrong} {good}"),
        format!("{good} {wrong}"),
        format!("v1,garbage!! {good}"),
        format!("v1, v1 , v1,AAAA {good} v1,==="),
        format!("v2,{good_b64} {good}"),
        format!("v1a,{good_b64}   {good}"),
        format!("  {good}  "),
        // Padding is optional.
        format!("v1,{}", good_b64.trim_end_matches('=')),
    ] {
        assert!(accept(&sig).is_ok(), "{sig}");
    }
}

#[test]
fn only_v1_entries_count() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    let good_b64 = headers[2].1.strip_prefix("v1,").unwrap().to_owned();
    let ts = TS.to_string();
    let check = |sig: &str| verifier.verify_at(at(TS), &body, pairs("msg_paid", &ts, sig));

    for (sig, v1_entries) in [
        (format!("v2,{good_b64}"), 0),
        (format!("V1,{good_b64}"), 0),
        (format!("v1a,{good_b64} v0,{good_b64}"), 0),
        (good_b64.clone(), 0),
        (format!("{good_b64},v1"), 0),
        ("v1".to_owned(), 0),
        ("v1,".to_owned(), 1),
        ("v1,not-base64!".to_owned(), 1),
        // A valid signature cut short, or with a byte appended, is not a match.
        (format!("v1,{}", &good_b64[..40]), 1),
        (format!("v1,{good_b64}AA"), 1),
        (format!("v1,{good_b64}x v1,abc"), 2),
        // The signature of another version's scheme shape, and commas inside.
        (format!("v1,{good_b64},extra"), 1),
    ] {
        match check(&sig) {
            Err(WebhookError::NoMatchingSignature { v1_entries: n }) => {
                assert_eq!(n, v1_entries, "{sig}");
            }
            other => panic!("{sig}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

#[test]
fn header_map_names_are_case_insensitive() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    let mut map = HeaderMap::new();
    for ((_, value), name) in
        headers
            .iter()
            .zip(["Webhook-Id", "WEBHOOK-TIMESTAMP", "webhook-Signature"])
    {
        map.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    assert!(verifier.verify_at(at(TS), &body, &map).is_ok());
    assert!(verifier.verify_at(at(TS), body.as_bytes(), map).is_ok());
}

#[test]
fn plain_pairs_in_many_shapes() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    let [(_, id), (_, ts), (_, sig)] = headers.clone();

    let mixed_case = [
        ("WEBHOOK-ID", id.as_str()),
        ("Webhook-Timestamp", &ts),
        ("webhook-signature", &sig),
    ];
    assert!(verifier.verify_at(at(TS), &body, mixed_case).is_ok());
    assert!(verifier.verify_at(at(TS), &body, &mixed_case[..]).is_ok());

    let owned: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_uppercase(), v.clone()))
        .collect();
    assert!(verifier.verify_at(at(TS), &body, &owned).is_ok());

    let hash: HashMap<&str, &[u8]> = headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
    assert!(verifier.verify_at(at(TS), &body, &hash).is_ok());

    let tree: BTreeMap<String, Vec<u8>> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone().into_bytes()))
        .collect();
    assert!(verifier.verify_at(at(TS), &body, tree).is_ok());

    // Unrelated headers are ignored; surrounding spaces and tabs are not part of a value.
    let padded = format!(" \t{ts} ");
    let with_noise = [
        ("content-type", "application/json"),
        ("webhook-id", id.as_str()),
        ("webhook-timestamp", &padded),
        ("webhook-signature", &sig),
        ("webhook-other", "x"),
    ];
    assert!(verifier.verify_at(at(TS), &body, with_noise).is_ok());
}

#[test]
fn missing_headers_are_named() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    for missing in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
        let rest: Vec<_> = as_pairs(&headers)
            .into_iter()
            .filter(|(n, _)| *n != missing)
            .collect();
        let err = verifier.verify_at(at(TS), &body, &rest).unwrap_err();
        assert!(
            matches!(err, WebhookError::MissingHeader { name } if name == missing),
            "{err:?}"
        );
        assert_eq!(err.to_string(), format!("missing `{missing}` header"));
    }
    let none: [(&str, &str); 0] = [];
    assert!(matches!(
        verifier.verify_at(at(TS), &body, none),
        Err(WebhookError::MissingHeader { name: "webhook-id" })
    ));
}

#[test]
fn duplicated_headers_are_rejected() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    for (i, (name, value)) in headers.iter().enumerate() {
        // In a HeaderMap, the duplicate being the very same value still counts.
        let mut map = HeaderMap::new();
        for (n, v) in &headers {
            map.insert(*n, HeaderValue::from_str(v).unwrap());
        }
        map.append(*name, HeaderValue::from_str(value).unwrap());
        let err = verifier.verify_at(at(TS), &body, &map).unwrap_err();
        assert!(
            matches!(err, WebhookError::DuplicateHeader { name: n, count: 2 } if n == *name),
            "{err:?}"
        );

        // In a list of pairs, with another spelling of the name.
        let mut list: Vec<(String, &str)> = as_pairs(&headers)
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        list.insert(i, (name.to_uppercase(), "other"));
        let err = verifier.verify_at(at(TS), &body, &list).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("`{name}` header appears 2 times; exactly one is allowed")
        );
    }
}

#[test]
fn non_utf8_and_empty_header_values_are_rejected() {
    let verifier = verifier();
    let (body, headers) = signed_paid();
    for (name, _) in &headers {
        let mut map = HeaderMap::new();
        for (n, v) in &headers {
            map.insert(*n, HeaderValue::from_str(v).unwrap());
        }
        map.insert(*name, HeaderValue::from_bytes(b"v1,\xff\xfe").unwrap());
        let err = verifier.verify_at(at(TS), &body, &map).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidHeader { name: n, problem: "not valid UTF-8" } if n == *name),
            "{err:?}"
        );

        for empty in ["", "  "] {
            let list: Vec<_> = as_pairs(&headers)
                .into_iter()
                .map(|(n, v)| (n, if n == *name { empty } else { v }))
                .collect();
            let err = verifier.verify_at(at(TS), &body, &list).unwrap_err();
            assert_eq!(err.to_string(), format!("`{name}` header is empty"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

#[test]
fn secrets_are_checked_at_construction() {
    let key = b"portone-webhook-test-secret";
    let reference = WebhookVerifier::from_key(key).unwrap().sign("i", 1, "b");
    for ok in [
        "whsec_cG9ydG9uZS13ZWJob29rLXRlc3Qtc2VjcmV0",
        "cG9ydG9uZS13ZWJob29rLXRlc3Qtc2VjcmV0",
        "  whsec_cG9ydG9uZS13ZWJob29rLXRlc3Qtc2VjcmV0\n",
    ] {
        let verifier = WebhookVerifier::new(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
        assert_eq!(verifier.sign("i", 1, "b"), reference);
    }
    for (bad, reason) in [
        ("", "it is empty"),
        ("whsec_", "it is empty"),
        (" \n", "it is empty"),
        ("whsec_not*base64", "not valid base64"),
        ("whsec_cG9y dG9u", "not valid base64"),
        ("whsec_cG9ydG9uZS1=====", "not valid base64"),
        ("whsec_YQ=x", "not valid base64"),
        ("whsec_whsec_cG9y", "not valid base64"),
    ] {
        let err = WebhookVerifier::new(bad).unwrap_err();
        assert!(matches!(err, WebhookError::InvalidSecret { .. }), "{bad:?}");
        let text = err.to_string();
        assert!(text.starts_with("invalid webhook secret: "), "{text}");
        assert!(text.contains(reason), "{bad:?}: {text}");
        let secret_part = bad.trim().trim_start_matches("whsec_");
        if secret_part.len() > 2 {
            assert!(!text.contains(secret_part), "{text}");
            assert!(!format!("{err:?}").contains(secret_part));
        }
    }
    assert!(matches!(
        WebhookVerifier::from_key(b""),
        Err(WebhookError::InvalidSecret {
            reason: "it is empty"
        })
    ));
}

#[test]
fn debug_never_shows_the_secret() {
    let verifier = WebhookVerifier::new("whsec_cG9ydG9uZS13ZWJob29rLXRlc3Qtc2VjcmV0").unwrap();
    let debug = format!("{verifier:?} {verifier:#?}");
    for leak in ["cG9y", "portone-webhook", "706f72"] {
        assert!(!debug.contains(leak), "{debug}");
    }
    assert_eq!(
        format!("{verifier:?}"),
        "WebhookVerifier { key: <redacted> }"
    );
}

#[test]
fn verifier_is_shareable() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<WebhookVerifier>();
    assert_traits::<WebhookEvent>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<WebhookError>();
}

// ---------------------------------------------------------------------------------------------
// Events

fn verify_event(v: &EventVector) -> WebhookDelivery {
    let verifier = verifier();
    verifier
        .verify_delivery_at(
            at(TS),
            v.body.as_bytes(),
            pairs(&v.id, &v.timestamp, &v.signature),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", v.event_type))
}

#[test]
fn every_event_type_decodes() {
    let vectors = vectors();
    let known: Vec<&EventVector> = vectors.events.iter().filter(|v| v.data.is_some()).collect();
    assert_eq!(known.len(), 16);
    let mut types: Vec<&str> = known.iter().map(|v| v.event_type.as_str()).collect();
    types.sort_unstable();
    let mut expected = WebhookEvent::KNOWN_TYPES.to_vec();
    expected.sort_unstable();
    assert_eq!(types, expected, "the vectors cover exactly the known types");

    for (i, v) in known.iter().enumerate() {
        let delivery = verify_event(v);
        let event = &delivery.event;
        let data = v.data.as_ref().unwrap();
        let field = |name: &str| data.get(name).and_then(Value::as_str);
        assert_eq!(delivery.id, v.id);
        assert_eq!(event.event_type(), v.event_type);
        assert!(!event.is_unrecognized(), "{}", v.event_type);
        assert_eq!(
            event.timestamp().unwrap().to_rfc3339(),
            format!("2025-05-23T11:33:{i:02}+09:00")
        );
        assert_eq!(event.payment_id(), field("paymentId"), "{}", v.event_type);
        assert_eq!(event.transaction_id(), field("transactionId"));
        assert_eq!(event.billing_key(), field("billingKey"));
        assert_eq!(event.store_id(), Some("store-4f2c1a"));

        // Variant-specific fields, and nothing left over.
        match event {
            WebhookEvent::TransactionReady(e)
            | WebhookEvent::TransactionPaid(e)
            | WebhookEvent::TransactionVirtualAccountIssued(e)
            | WebhookEvent::TransactionFailed(e)
            | WebhookEvent::TransactionPayPending(e)
            | WebhookEvent::TransactionDisputeCreated(e)
            | WebhookEvent::TransactionDisputeResolved(e) => {
                assert_eq!(e.data.payment_id, "order-2025-0001");
                assert_eq!(e.data.transaction_id, "0196f3c2-tx");
                assert!(e.data.extra.is_empty() && e.extra.is_empty());
            }
            WebhookEvent::TransactionPartialCancelled(e)
            | WebhookEvent::TransactionCancelled(e)
            | WebhookEvent::TransactionCancelPending(e) => {
                assert_eq!(
                    Some(e.data.cancellation_id.as_str()),
                    field("cancellationId")
                );
                assert!(e.data.extra.is_empty() && e.extra.is_empty());
            }
            WebhookEvent::TransactionConfirm(e) => {
                assert_eq!(e.data.total_amount, 15000);
                assert!(e.data.extra.is_empty() && e.extra.is_empty());
            }
            WebhookEvent::BillingKeyReady(e)
            | WebhookEvent::BillingKeyIssued(e)
            | WebhookEvent::BillingKeyFailed(e)
            | WebhookEvent::BillingKeyDeleted(e)
            | WebhookEvent::BillingKeyUpdated(e) => {
                assert_eq!(e.data.billing_key, "billing-key-0001");
                assert!(e.data.extra.is_empty() && e.extra.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }

        // Serializing gives back exactly what PortOne sent.
        let sent: Value = serde_json::from_str(&v.body).unwrap();
        assert_eq!(
            serde_json::to_value(event).unwrap(),
            sent,
            "{}",
            v.event_type
        );
        let again: WebhookEvent = serde_json::from_value(sent).unwrap();
        assert_eq!(&again, event);
    }
}

#[test]
fn unknown_event_types_are_kept_whole() {
    let vectors = vectors();
    let v = vectors.events.iter().find(|v| v.data.is_none()).unwrap();
    let delivery = verify_event(v);
    let sent: Value = serde_json::from_str(&v.body).unwrap();
    #[allow(deprecated)]
    let WebhookEvent::Unrecognized(unknown) = &delivery.event else {
        panic!("{:?}", delivery.event)
    };
    assert_eq!(unknown.event_type(), "Payout.Completed");
    assert_eq!(unknown.as_json(), &sent);
    assert_eq!(delivery.event.event_type(), "Payout.Completed");
    assert_eq!(
        delivery.event.timestamp().unwrap().to_rfc3339(),
        "2025-05-23T11:34:00+09:00"
    );
    assert_eq!(delivery.event.payment_id(), None);
    assert_eq!(serde_json::to_value(&delivery.event).unwrap(), sent);

    // Any shape is accepted as long as `type` is a string.
    for body in [
        json!({"type": ""}),
        json!({"type": "X", "data": [1, 2], "timestamp": 5}),
    ] {
        let event: WebhookEvent = serde_json::from_value(body.clone()).unwrap();
        assert!(event.is_unrecognized());
        assert_eq!(serde_json::to_value(&event).unwrap(), body);
        assert_eq!(event.timestamp(), None);
    }
}

#[test]
fn unknown_fields_are_kept() {
    let body = json!({
        "type": "Transaction.Confirm",
        "timestamp": "2025-05-23T02:33:20Z",
        "data": {
            "paymentId": "p", "transactionId": "t", "storeId": "s", "totalAmount": 9007199254740993_i64,
            "currency": "KRW", "items": [{"name": "상품", "qty": 2}],
        },
        "version": "2024-04-25",
    });
    let verifier = verifier();
    let text = body.to_string();
    let headers = verifier.signed_headers("msg_extra", TS, &text);
    let event = verifier.verify_at(at(TS), &text, &headers).unwrap();
    let WebhookEvent::TransactionConfirm(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.data.total_amount, 9_007_199_254_740_993);
    assert_eq!(e.data.extra.get("currency"), Some(&json!("KRW")));
    assert_eq!(
        e.data.extra.get("items"),
        Some(&json!([{"name": "상품", "qty": 2}]))
    );
    assert_eq!(e.extra.get("version"), Some(&json!("2024-04-25")));
    assert!(!e.extra.contains_key("type"));
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn store_id_is_optional() {
    let event: WebhookEvent = serde_json::from_value(json!({
        "type": "BillingKey.Failed", "timestamp": "2025-05-23T02:33:20Z", "data": {"billingKey": "bk"},
    }))
    .unwrap();
    let WebhookEvent::BillingKeyFailed(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.data.store_id, None);
    assert_eq!(event.store_id(), None);
    assert_eq!(
        serde_json::to_value(&event).unwrap()["data"],
        json!({"billingKey": "bk"})
    );
}

#[test]
fn authentic_but_undecodable_bodies_keep_what_was_sent() {
    let verifier = verifier();
    let check = |body: &str| {
        let headers = verifier.signed_headers("msg_bad", TS, body);
        match verifier.verify_at(at(TS), body, &headers) {
            Err(WebhookError::InvalidPayload { source, raw }) => (source.to_string(), raw),
            other => panic!("{body}: {other:?}"),
        }
    };

    for malformed in [
        "",
        "{",
        "{\"type\":\"Transaction.Paid\",}",
        "nul",
        "\u{feff}{}",
        "{\"a\":1} x",
    ] {
        let (_, raw) = check(malformed);
        assert_eq!(raw, None, "{malformed:?}");
    }
    // Non-UTF-8 bytes are rejected without a panic.
    let bytes: &[u8] = b"{\"type\":\"\xff\"}";
    let sig = verifier.sign("msg_bin", TS, bytes);
    assert!(matches!(
        verifier.verify_at(at(TS), bytes, pairs("msg_bin", &TS.to_string(), &sig)),
        Err(WebhookError::InvalidPayload { raw: None, .. })
    ));

    for (body, message) in [
        (json!([1, 2]), "must be a JSON object"),
        (json!("Transaction.Paid"), "must be a JSON object"),
        (json!({"data": {}}), "missing field `type`"),
        (json!({"type": 7}), "`type` is not a string"),
        (
            json!({"type": "Transaction.Paid", "timestamp": "2025-05-23T02:33:20Z", "data": {"transactionId": "t"}}),
            "`Transaction.Paid` event: missing field `paymentId`",
        ),
        (
            json!({"type": "Transaction.Confirm", "timestamp": "2025-05-23T02:33:20Z",
                   "data": {"paymentId": "p", "transactionId": "t", "totalAmount": "15000"}}),
            "`Transaction.Confirm` event: invalid type: string \"15000\", expected i64",
        ),
        (
            json!({"type": "BillingKey.Issued", "timestamp": "yesterday", "data": {"billingKey": "b"}}),
            "`BillingKey.Issued` event: ",
        ),
        (
            json!({"type": "BillingKey.Issued", "timestamp": "2025-05-23T02:33:20Z"}),
            "`BillingKey.Issued` event: missing field `data`",
        ),
    ] {
        let (text, raw) = check(&body.to_string());
        assert!(text.contains(message), "{body}: {text}");
        assert_eq!(raw.as_deref(), Some(&body));
    }

    let headers = verifier.signed_headers("msg_bad", TS, "{");
    let err = verifier.verify_at(at(TS), "{", &headers).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("webhook signature is valid but the body is not a valid PortOne event: "),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn error_messages_are_readable() {
    let cases = [
        (
            WebhookError::TimestampTooOld {
                timestamp: 1,
                now: 302,
            },
            "webhook timestamp 1 is more than 300 s before the current time 302 (replayed or delayed delivery)",
        ),
        (
            WebhookError::TimestampTooNew {
                timestamp: 302,
                now: 1,
            },
            "webhook timestamp 302 is more than 300 s after the current time 1 (check the server clock)",
        ),
        (
            WebhookError::NoMatchingSignature { v1_entries: 0 },
            "no `v1` signature in `webhook-signature` matches the message (0 `v1` entries checked)",
        ),
        (
            WebhookError::InvalidTimestamp {
                value: "abc".into(),
            },
            "`webhook-timestamp` header is not a Unix time in seconds: \"abc\"",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
    }
}

#[test]
fn sign_and_signed_headers_agree_with_verify() {
    let verifier = verifier();
    let body = "{\"type\":\"Transaction.Ready\",\"timestamp\":\"2025-05-23T02:33:20Z\",\"data\":{\"paymentId\":\"결제-1\",\"transactionId\":\"t\"}}";
    let headers = verifier.signed_headers("msg_한글", TS, body);
    assert_eq!(headers[2].1, verifier.sign("msg_한글", TS, body.as_bytes()));
    let delivery = verifier.verify_delivery_at(at(TS), body, &headers).unwrap();
    assert_eq!(delivery.id, "msg_한글");
    assert_eq!(delivery.event.payment_id(), Some("결제-1"));
    // Several signatures, e.g. during a secret rotation, in one header.
    let old = WebhookVerifier::from_key(b"old").unwrap();
    let both = format!(
        "{} {}",
        old.sign("m", TS, body),
        verifier.sign("m", TS, body)
    );
    assert!(
        old.verify_at(at(TS), body, pairs("m", &TS.to_string(), &both))
            .is_ok()
    );
    assert!(
        verifier
            .verify_at(at(TS), body, pairs("m", &TS.to_string(), &both))
            .is_ok()
    );
}
