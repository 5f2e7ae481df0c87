//! The log line of every retry. Alone in its test binary: `tracing` caches per call site
//! whether anyone listens, and a test running beside it on another thread (without a
//! subscriber) can register a call site as unheard while this test's thread-local subscriber
//! is being set up, which drops its events.

use std::sync::Mutex;
use std::time::Duration;

use portone_client::{PortOne, RetryConfig};
use portone_tests::paid_payment_json;
use portone_tests::scripted_server::{Fault, ScriptedResponse, ScriptedServer, closed_port};
use portone_tests::trace_capture::Captured;

/// Every retry is logged at INFO with what went wrong (status, or reason) and the wait.
#[tokio::test]
async fn every_retry_is_logged_with_its_cause_and_wait() {
    let logs = Captured::default();
    let _guard = logs.install();
    let fast = RetryConfig::default().initial_backoff(Duration::from_millis(10));
    let script = Mutex::new(vec![
        ScriptedResponse::json(200, paid_payment_json("p")),
        ScriptedResponse::json(200, paid_payment_json("p")).with_fault(Fault::CutBody(5)),
        ScriptedResponse::json(503, ""),
    ]);
    let server = ScriptedServer::start(move |_| {
        let mut script = script.lock().unwrap();
        let last = script.len() == 1;
        if last {
            script[0].clone()
        } else {
            script.pop().unwrap()
        }
    })
    .await;
    let portone = PortOne::builder()
        .api_secret("retry-logs")
        .base_url(server.url())
        .retry(fast.clone())
        .build()
        .unwrap();
    portone.payment().get_payment("p").await.unwrap();
    let retries: Vec<String> = logs
        .text()
        .lines()
        .filter(|l| l.contains("retrying"))
        .map(str::to_owned)
        .collect();
    assert_eq!(retries.len(), 2, "{retries:#?}");
    assert!(
        retries[0].contains("status=503") && retries[0].contains("wait="),
        "{retries:#?}"
    );
    assert!(
        retries[1].contains("status=200") && retries[1].contains("reason="),
        "{retries:#?}"
    );

    let refused = PortOne::builder()
        .api_secret("retry-logs")
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .retry(fast.max_attempts(2))
        .build()
        .unwrap();
    refused.payment().get_payment("p").await.unwrap_err();
    let text = logs.text();
    let connect = text.lines().filter(|l| l.contains("retrying")).nth(2);
    assert!(
        connect.is_some_and(|l| l.contains("reason=connect") && l.contains("wait=")),
        "{text}"
    );
}
