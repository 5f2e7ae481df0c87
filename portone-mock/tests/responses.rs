//! Every operation of every spec (latest and history) is called with sampled valid requests
//! (none may be refused as `INVALID_REQUEST`), and every response body the mock produces -
//! each success and each documented error of each operation - is checked against the spec
//! with the `jsonschema` crate (see `common::SchemaCheck`), not with the mock's own code.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use portone_mock::{ERROR_HEADER, MockConfig};
use portone_openapi::sample::Fields;
use portone_openapi::{Spec, SuccessBody};
use serde_json::Value;

#[derive(Debug, Default)]
struct Counts {
    operations: usize,
    requests: usize,
    success_bodies: usize,
    error_bodies: usize,
    injected_errors: usize,
}

// Long by design: two passes over every operation whose second reads the state the first
// made; the checks of an answer are in `check_success` and `every_documented_error`.
async fn exercise(path: &Path) -> Counts {
    let spec = load(path);
    let operations = operations(&spec);
    let check = SchemaCheck::new(&spec);
    let mut counts = Counts {
        operations: operations.len(),
        ..Counts::default()
    };
    let mut succeeded: BTreeSet<String> = BTreeSet::new();
    let mut failures: Vec<String> = Vec::new();
    for seed in 0..3u64 {
        let server = start(MockConfig::new(spec.clone()).seed(seed)).await;
        assert_eq!(server.operation_count(), operations.len());
        let http = Http::new(&server);
        let mut refresh_token: Option<String> = None;
        // Two passes: the first creates state (payments, identity verifications) that
        // the second reads back.
        for pass in 0..2 {
            for op in &operations {
                let fields = match (seed + pass) % 3 {
                    0 => Fields::Required,
                    1 => Fields::Random,
                    _ => Fields::All,
                };
                let request = sample_request_with(&spec, op, seed * 7 + pass, fields, |body| {
                    if op.id == "refreshToken"
                        && let Some(token) = &refresh_token
                    {
                        body["refreshToken"] = Value::String(token.clone());
                    }
                });
                let response = http
                    .send(
                        request.method,
                        &request.target,
                        &[],
                        request.body.as_deref(),
                    )
                    .await;
                counts.requests += 1;
                let context = format!(
                    "{} {} {} (seed {seed}, pass {pass}) -> {}",
                    path.display(),
                    op.id,
                    request.target,
                    response.status
                );
                let success_status: u16 = spec.json["paths"][&op.path]
                    [op.method.as_str().to_ascii_lowercase()]["responses"]
                    .as_object()
                    .and_then(|r| r.keys().find(|k| k.starts_with('2')))
                    .and_then(|k| k.parse().ok())
                    .expect("2xx response");
                if response.status == success_status {
                    succeeded.insert(op.id.clone());
                    if op.id == "loginViaApiSecret" || op.id == "refreshToken" {
                        refresh_token = response.json()["refreshToken"].as_str().map(str::to_owned);
                    }
                    counts.success_bodies += 1;
                    check_success(&check, &op.success, &response, &context);
                    continue;
                }
                let union = op
                    .error_schema
                    .as_deref()
                    .unwrap_or_else(|| panic!("{context}: error from an operation without errors"));
                let tag = response.error_type();
                if tag == "INVALID_REQUEST" {
                    failures.push(format!("{context}: {}", response.message()));
                    continue;
                }
                assert_eq!(
                    documented_status(&spec.json, union, &tag),
                    Some(response.status),
                    "{context}: {tag} is not documented with this status: {}",
                    response.text
                );
                check.assert_valid(union, &response.json(), &context);
                counts.error_bodies += 1;
            }
        }
        // Every documented error of every operation, on demand.
        if seed == 0 {
            let asked = every_documented_error(&spec, &http, &check, path).await;
            counts.injected_errors += asked;
            counts.requests += asked;
        }
        server.shutdown().await;
    }
    assert!(
        failures.is_empty(),
        "{} valid requests were refused:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let never: Vec<&str> = operations
        .iter()
        .map(|op| op.id.as_str())
        .filter(|id| !succeeded.contains(*id))
        .collect();
    // Their success needs a state the generic requests do not reach; tests/flows.rs checks it.
    let flow_only: BTreeSet<&str> = ["resendIdentityVerification"].into();
    let unexpected: Vec<&&str> = never
        .iter()
        .filter(|id| !flow_only.contains(**id))
        .collect();
    assert!(
        unexpected.is_empty(),
        "no success response was produced for {unexpected:?}"
    );
    counts
}

/// Checks a success answer against the operation's success body.
fn check_success(check: &SchemaCheck, success: &SuccessBody, response: &Resp, context: &str) {
    match success {
        SuccessBody::Json(name) => {
            assert!(
                response.content_type.starts_with("application/json"),
                "{context}: content-type {}",
                response.content_type
            );
            check.assert_valid(name, &response.json(), context);
        }
        SuccessBody::Bytes(media) => {
            assert_eq!(&response.content_type, media, "{context}");
            assert!(!response.text.is_empty(), "{context}: empty {media}");
        }
        SuccessBody::Empty => assert_eq!(response.text, "", "{context}: expected no body"),
    }
}

/// Asks every operation for each of its documented errors (`ERROR_HEADER`) and checks each
/// answer; how many were asked for.
async fn every_documented_error(
    spec: &Spec,
    http: &Http,
    check: &SchemaCheck,
    path: &Path,
) -> usize {
    let mut asked = 0;
    for op in &operations(spec) {
        let Some(union) = &op.error_schema else {
            continue;
        };
        let request = sample_request(spec, op, 1, Fields::Required);
        let tags: Vec<String> =
            spec.json["components"]["schemas"][union]["discriminator"]["mapping"]
                .as_object()
                .expect("mapping")
                .keys()
                .cloned()
                .collect();
        for tag in tags {
            let response = http
                .send(
                    request.method,
                    &request.target,
                    &[(ERROR_HEADER, &tag)],
                    request.body.as_deref(),
                )
                .await;
            asked += 1;
            let context = format!("{} {} asking for {tag}", path.display(), op.id);
            assert_eq!(response.error_type(), tag, "{context}: {}", response.text);
            assert_eq!(
                Some(response.status),
                documented_status(&spec.json, union, &tag),
                "{context}"
            );
            assert!(
                response.content_type.starts_with("application/json"),
                "{context}"
            );
            check.assert_valid(union, &response.json(), &context);
        }
    }
    asked
}

fn report(name: &str, counts: &Counts) {
    println!(
        "{name}: {} operations, {} requests; validated {} success bodies, {} error bodies, {} requested errors",
        counts.operations,
        counts.requests,
        counts.success_bodies,
        counts.error_bodies,
        counts.injected_errors
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_spec_every_operation_and_every_documented_response() {
    let counts = exercise(&latest_spec_path()).await;
    report("latest", &counts);
    assert!(counts.operations >= 100);
    assert!(counts.injected_errors > counts.operations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_specs_every_operation_and_every_documented_response() {
    let mut per_spec = BTreeMap::new();
    for path in history_spec_paths() {
        let counts = exercise(&path).await;
        report(&path.display().to_string(), &counts);
        per_spec.insert(path, counts.operations);
    }
    assert!(per_spec.len() >= 2, "{per_spec:?}");
}

/// The independent check is not vacuous: it rejects what the spec forbids.
#[test]
fn schema_check_rejects_what_the_spec_forbids() {
    use portone_openapi::sample::Sampler;
    use serde_json::json;

    let spec = load(&latest_spec_path());
    let check = SchemaCheck::new(&spec);
    let paid = Sampler::new(&spec.json, 9, Fields::All)
        .union_case("Payment", "PAID")
        .expect("PAID case");
    assert_eq!(check.errors("Payment", &paid), Vec::<String>::new());

    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut value = paid.clone();
        edit(&mut value);
        check.errors("Payment", &value)
    };
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("unknown tag", Box::new(|v| v["status"] = json!("REFUNDED"))),
        (
            "missing tag",
            Box::new(|v| drop(v.as_object_mut().unwrap().remove("status"))),
        ),
        (
            "missing required",
            Box::new(|v| drop(v.as_object_mut().unwrap().remove("id"))),
        ),
        ("invented field", Box::new(|v| v["bogus"] = json!(1))),
        (
            "bad date-time",
            Box::new(|v| v["paidAt"] = json!("yesterday")),
        ),
        ("bad enum", Box::new(|v| v["currency"] = json!("WON"))),
        (
            "not an integer",
            Box::new(|v| v["amount"]["total"] = json!(1.5)),
        ),
        (
            "int32 overflow",
            Box::new(|v| v["productCount"] = json!(2_147_483_648_i64)),
        ),
        ("wrong type", Box::new(|v| v["orderName"] = json!(7))),
        ("null", Box::new(|v| v["orderName"] = Value::Null)),
        (
            "member of another tag",
            Box::new(|v| v["status"] = json!("READY")),
        ),
    ];
    for (what, edit) in cases {
        assert!(!broken(&*edit).is_empty(), "{what} was accepted");
    }

    // The union's tag overrides the member's own `type` enum (PortOne's spec contradicts
    // itself there); standalone, the member's declaration applies.
    let error = json!({"type": "PLATFORM_SETTLEMENT_AMOUNT_EXCEEDED", "requestedAmount": 2, "allowedAmount": 1});
    assert_eq!(
        check.errors("CreatePlatformOrderTransferError", &error),
        Vec::<String>::new()
    );
    assert!(
        !check
            .errors("PlatformSettlementAmountExceededError", &error)
            .is_empty()
    );
}
