//! Secrets kept out of `Debug`, `Display`, logs and spans. Alone in its test binary: it
//! installs a `tracing` subscriber, which must not race with other tests' callsites.

use portone_client::PortOne;
use portone_tests::token_server::{SECRET, TokenServer};
use portone_tests::trace_capture::Captured;

#[tokio::test]
async fn secrets_never_appear_in_debug_display_logs_or_spans() {
    let captured = Captured::default();
    let _guard = captured.install();

    let tokens = TokenServer::new(3600);
    let (server, bearer) = TokenServer::start_with_bearer_client(&tokens).await;
    let _ = bearer.payment().get_payment("p").await;
    let plain = PortOne::builder()
        .api_secret(SECRET)
        .base_url(server.url())
        .build()
        .unwrap();
    let err = plain.payment().get_payment("p").await.unwrap_err();

    let logs = captured.text();
    assert!(logs.contains("portone.request"), "{logs}");
    assert!(
        logs.contains("operation=\"getPayment\"") || logs.contains("operation=getPayment"),
        "{logs}"
    );
    assert!(
        logs.contains("path=\"/payments/p\"") || logs.contains("path=/payments/p"),
        "{logs}"
    );
    assert!(
        logs.contains("status=401") || logs.contains("status=404"),
        "{logs}"
    );
    assert!(logs.contains("attempt=1"), "{logs}");

    let token = tokens.current.lock().unwrap().clone();
    let outputs = [
        logs,
        format!("{bearer:?}"),
        format!("{plain:?}"),
        format!("{:?}", PortOne::builder().api_secret(SECRET)),
        format!("{err:?}"),
        err.to_string(),
    ];
    for output in outputs {
        assert!(!output.contains(SECRET), "secret leaked: {output}");
        assert!(!output.contains(&token), "access token leaked: {output}");
    }
}
