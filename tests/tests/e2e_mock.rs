//! Every operation of the spec, through `portone-client`, against `portone-mock`: the mock's
//! request validation must accept each request, and each answer must decode as its typed
//! success or documented error.

use std::collections::BTreeMap;

use portone_client::{AuthScheme, PortOne};
use portone_mock::{MockConfig, MockServer};
use portone_openapi::sample::{Fields, Sampler};
use portone_tests::{Outcome, SPEC_PATH, call_every_operation, normalized, spec};

fn ids(param: &str) -> String {
    match param {
        "paymentId" => "pay-e2e".into(),
        "identityVerificationId" => "iv-e2e".into(),
        other => format!("e2e-{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_passes_the_mock_and_decodes() {
    let mock = MockServer::start(MockConfig::from_path(SPEC_PATH).seed(7))
        .await
        .unwrap();
    let portone = PortOne::builder()
        .api_secret("e2e-secret")
        .auth_scheme(AuthScheme::AccessToken)
        .base_url(mock.url())
        .build()
        .unwrap();
    let spec = spec();
    let sample = |schema: &str| Sampler::new(&spec.json, 42, Fields::Random).component(schema);

    // Create the records the stateful operations look up.
    let pay = serde_json::from_value(
        Sampler::new(&spec.json, 1, Fields::Required).component("BillingKeyPaymentInput"),
    )
    .unwrap();
    portone
        .payment()
        .pay_with_billing_key("pay-e2e", &pay)
        .await
        .unwrap();
    let send = serde_json::from_value(
        Sampler::new(&spec.json, 1, Fields::Required).component("SendIdentityVerificationBody"),
    )
    .unwrap();
    portone
        .identity_verification()
        .send_identity_verification("iv-e2e", &send)
        .await
        .unwrap();

    let calls = call_every_operation(&portone, &ids, &sample).await;
    let model = normalized().model;
    assert_eq!(
        calls.len(),
        model.operations.len(),
        "one call per operation"
    );

    let mut ok = 0;
    let mut documented: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut failures = Vec::new();
    for call in &calls {
        match &call.outcome {
            Outcome::Ok => ok += 1,
            Outcome::Api { tag, .. } if tag == "INVALID_REQUEST" => {
                failures.push(format!("{}: the mock rejected the request", call.operation));
            }
            Outcome::Api { tag, status } => documented
                .entry(format!("{tag} ({status})"))
                .or_default()
                .push(call.operation),
            Outcome::Failed(error) => failures.push(format!("{}: {error}", call.operation)),
        }
    }
    let passed = calls.len() - failures.len();
    eprintln!(
        "{passed}/{} operations accepted by the mock and decoded ({ok} typed successes, {} typed documented errors)",
        calls.len(),
        passed - ok
    );
    for (error, operations) in &documented {
        eprintln!("  {error}: {}", operations.join(", "));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Documented errors must come from the recorded state, not from a wrong request.
    assert!(
        ok * 10 >= calls.len() * 9,
        "at least 90% typed successes, got {ok}/{}",
        calls.len()
    );
    mock.shutdown().await;
}
