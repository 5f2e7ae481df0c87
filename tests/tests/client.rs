//! The facade (`portone-client`) against a raw HTTP server that records each request exactly.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use portone_client::types::{GetPaymentError, GetPaymentsBody, Payment};
use portone_client::{Error, PortOne, RetryConfig};
use portone_openapi::sample::{Fields, Sampler};
use portone_tests::scripted_server::{RecordedRequest, ScriptedResponse, ScriptedServer};
use portone_tests::{call_query_body_operations_via_facade, normalized, spec};
use serde_json::json;

const SECRET: &str = "test-secret-4f3a";

fn builder(server: &ScriptedServer) -> portone_client::Builder {
    PortOne::builder()
        .api_secret(SECRET)
        .base_url(server.url())
        .retry(RetryConfig::disabled())
}

fn client(server: &ScriptedServer) -> PortOne {
    builder(server).build().unwrap()
}

fn payment_json(id: &str) -> String {
    portone_tests::paid_payment_json(id)
}

fn not_found() -> ScriptedResponse {
    ScriptedResponse::json(
        404,
        r#"{"type":"PAYMENT_NOT_FOUND","message":"결제 건이 존재하지 않습니다."}"#,
    )
}

#[tokio::test]
async fn api_secret_auth_user_agent_and_typed_success() {
    let body = payment_json("order-1");
    let server = ScriptedServer::start(move |_| ScriptedResponse::json(200, body.clone())).await;
    let payment = client(&server)
        .payment()
        .get_payment("order-1")
        .await
        .unwrap();
    assert!(
        matches!(&payment, Payment::Paid(p) if p.id == "order-1"),
        "{payment:?}"
    );
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/payments/order-1");
    assert_eq!(
        request.header("authorization"),
        Some(format!("PortOne {SECRET}").as_str())
    );
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("portone-rust/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn unauthenticated_operations_send_no_credentials() {
    let server = ScriptedServer::start(|_| {
        ScriptedResponse::json(200, r#"{"accessToken":"a","refreshToken":"r"}"#)
    })
    .await;
    let portone = client(&server);
    let body = serde_json::from_value(json!({"apiSecret": "x"})).unwrap();
    portone.auth().login_via_api_secret(&body).await.unwrap();
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn documented_errors_are_typed_with_status_and_message() {
    let server = ScriptedServer::start(|_| not_found()).await;
    let err = client(&server)
        .payment()
        .get_payment("nope")
        .await
        .unwrap_err();
    let api = err.api().expect("documented error");
    assert_eq!(api.status().as_u16(), 404);
    assert!(matches!(api.error(), GetPaymentError::PaymentNotFound(_)));
    assert_eq!(api.message(), Some("결제 건이 존재하지 않습니다."));
    assert_eq!(
        err.to_string(),
        "PortOne API error PAYMENT_NOT_FOUND (HTTP 404 Not Found): 결제 건이 존재하지 않습니다."
    );
}

#[tokio::test]
async fn an_unknown_error_type_is_kept() {
    let server = ScriptedServer::start(|_| {
        ScriptedResponse::json(
            400,
            r#"{"type":"NEW_ERROR_KIND","message":"later","extra":1}"#,
        )
    })
    .await;
    let err = client(&server)
        .payment()
        .get_payment("p")
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.error().tag(), "NEW_ERROR_KIND");
    assert!(api.error().is_unrecognized());
    assert_eq!(api.message(), Some("later"));
}

#[tokio::test]
async fn pg_errors_keep_their_extra_fields() {
    let server = ScriptedServer::start(|_| {
        ScriptedResponse::json(
            502,
            r#"{"type":"PG_PROVIDER","message":"카드 한도 초과","pgCode":"LIMIT","pgMessage":"한도초과"}"#,
        )
    })
    .await;
    let body = serde_json::from_value(
        json!({"billingKey": "bk", "orderName": "o", "amount": {"total": 1000}, "currency": "KRW"}),
    )
    .unwrap();
    let err = client(&server)
        .payment()
        .pay_with_billing_key("pay-1", &body)
        .await
        .unwrap_err();
    match err.api().map(|a| a.error()) {
        Some(portone_client::types::PayWithBillingKeyError::PgProvider(pg)) => {
            assert_eq!(pg.pg_code, "LIMIT");
            assert_eq!(pg.pg_message, "한도초과");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn bad_responses_give_useful_errors() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let cases: Vec<(ScriptedResponse, &str)> = vec![
        (
            ScriptedResponse {
                status: 502,
                headers: vec![("content-type".into(), "text/html".into())],
                body: html.into(),
                fault: None,
            },
            "unexpected HTTP 502 Bad Gateway from PortOne (text/html)",
        ),
        (
            ScriptedResponse::json(200, ""),
            "cannot decode PortOne's HTTP 200 OK response at `.`",
        ),
        (
            ScriptedResponse::json(200, r#"{"status":"PAID","id":"x","#),
            "cannot decode PortOne's HTTP 200 OK response",
        ),
        (
            ScriptedResponse {
                status: 404,
                headers: vec![],
                body: html.into(),
                fault: None,
            },
            "cannot decode PortOne's HTTP 404 Not Found response at `.`",
        ),
        (
            ScriptedResponse::json(503, ""),
            "unexpected HTTP 503 Service Unavailable from PortOne (application/json)",
        ),
    ];
    for (response, expected) in cases {
        let server = ScriptedServer::start(move |_| response.clone()).await;
        let err = client(&server)
            .payment()
            .get_payment("p")
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(expected), "{text}\nexpected: {expected}");
        assert!(err.status().is_some());
        if let Error::Decode(decode) = &err {
            // serde's message is the source, not part of the one-line message.
            let source = std::error::Error::source(&err).expect("serde's message");
            assert_eq!(source.to_string(), decode.message());
            assert!(!text.contains(decode.message()), "{text}");
        }
    }
    // The 502 body is kept whole.
    let server = ScriptedServer::start(move |_| ScriptedResponse {
        status: 502,
        headers: vec![],
        body: html.into(),
        fault: None,
    })
    .await;
    match client(&server)
        .payment()
        .get_payment("p")
        .await
        .unwrap_err()
    {
        Error::UnexpectedStatus(u) => assert_eq!(u.body(), html),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    let spec = spec();
    let mut payment = Sampler::new(&spec.json, 1, Fields::Required)
        .union_case("Payment", "PAID")
        .unwrap();
    payment["amount"]["total"] = json!("a lot");
    let body =
        json!({"items": [payment], "page": {"number": 0, "size": 1, "totalCount": 1}}).to_string();
    let server = ScriptedServer::start(move |_| ScriptedResponse::json(200, body.clone())).await;
    let err = client(&server)
        .payment()
        .get_payments(&GetPaymentsBody::default())
        .await
        .unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.path(), "items[0].amount.total");
            assert!(
                d.message().contains("invalid type: string"),
                "{}",
                d.message()
            );
            assert_eq!(d.status().as_u16(), 200);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn transport_timeout_and_invalid_input() {
    // Nothing listens on this port once the listener is dropped.
    let port = portone_tests::scripted_server::closed_port();
    let portone = PortOne::builder()
        .api_secret(SECRET)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = portone.payment().get_payment("p").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot connect to PortOne: the request was not sent"
    );
    assert!(err.is_not_sent() && !err.is_outcome_unknown(), "{err:?}");

    let slow = ScriptedServer::start(|_| {
        std::thread::sleep(Duration::from_millis(600));
        not_found()
    })
    .await;
    let portone = builder(&slow)
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = portone.payment().get_payment("p").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    let err = portone.payment().get_payment("..").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid request: path parameter `paymentId` must not be \"..\": it would address another resource"
    );
}

#[tokio::test]
async fn store_id_default_fills_body_and_query_unless_given() {
    let server = ScriptedServer::start(|_| not_found()).await;
    let portone = builder(&server).store_id("store-default").build().unwrap();
    let _ = portone.payment().get_payment("p").await;
    let _ = portone
        .payment()
        .get_payment("p")
        .store_id("store-call")
        .await;
    let body = serde_json::from_value(json!({"reason": "r"})).unwrap();
    let _ = portone.payment().cancel_payment("p", &body).await;
    let body = serde_json::from_value(json!({"reason": "r", "storeId": "store-call"})).unwrap();
    let _ = portone.payment().cancel_payment("p", &body).await;
    let requests = server.requests();
    assert_eq!(requests[0].target, "/payments/p?storeId=store-default");
    assert_eq!(requests[1].target, "/payments/p?storeId=store-call");
    let body_of =
        |r: &RecordedRequest| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap();
    assert_eq!(
        body_of(&requests[2]),
        json!({"reason": "r", "storeId": "store-default"})
    );
    assert_eq!(
        body_of(&requests[3]),
        json!({"reason": "r", "storeId": "store-call"})
    );
}

#[tokio::test]
async fn every_query_body_operation_through_the_facade() {
    let server = ScriptedServer::start(|_| not_found()).await;
    let portone = builder(&server).store_id("store-default").build().unwrap();
    let spec = spec();
    let sample = |schema: &str| Sampler::new(&spec.json, 9, Fields::Random).component(schema);
    let calls = call_query_body_operations_via_facade(&portone, &sample).await;
    let model = normalized().model;
    let expected = model
        .operations
        .iter()
        .filter(|op| op.body_in_query())
        .count();
    assert_eq!(calls.len(), expected);
    let requests = server.requests();
    assert_eq!(requests.len(), calls.len());
    for (call, request) in calls.iter().zip(&requests) {
        let op = model.operation(call.operation).unwrap();
        assert!(
            request.body.is_empty() && request.header("content-type").is_none(),
            "{}",
            call.operation
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("PortOne {SECRET}").as_str())
        );
        let query = request.query().unwrap();
        let param = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("requestBody="))
            .unwrap();
        let mut sent = call.body.clone();
        if op.body.as_ref().unwrap().has_store_id && sent.get("storeId").is_none() {
            sent["storeId"] = json!("store-default");
        }
        let expected = portone_gen::encode_uri_component(&serde_json::to_string(&sent).unwrap());
        assert_eq!(param, expected, "{}", call.operation);
    }
    eprintln!(
        "{} requestBody-query operations checked through the facade",
        calls.len()
    );
}

/// A custom HTTP client with its own `User-Agent` still sends the SDK's (applied per request).
#[tokio::test]
async fn the_sdks_user_agent_is_applied_per_request() {
    let server = ScriptedServer::start(|_| not_found()).await;
    let http = PortOne::http_client_builder()
        .unwrap()
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    let portone = PortOne::builder()
        .api_secret(SECRET)
        .base_url(server.url())
        .http_client(http)
        .build()
        .unwrap();
    let _ = portone.payment().get_payment("p").await;
    assert_eq!(
        server.requests()[0].header("user-agent"),
        Some(concat!("portone-rust/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn base_url_path_prefix_and_custom_http_client() {
    let server = ScriptedServer::start(|_| not_found()).await;
    let portone = PortOne::builder()
        .api_secret(SECRET)
        .base_url(format!("{}/proxy/v2/", server.url()))
        .http_client(PortOne::http_client_builder().unwrap().build().unwrap())
        .build()
        .unwrap();
    let _ = portone.payment().get_payment("a b").await;
    let request = &server.requests()[0];
    assert_eq!(request.target, "/proxy/v2/payments/a%20b");
    assert!(
        request
            .header("user-agent")
            .unwrap()
            .starts_with("portone-rust/")
    );
}

#[test]
fn bad_configuration_is_rejected_at_build() {
    let err = PortOne::builder().build().unwrap_err();
    assert!(err.to_string().contains("no PortOne API secret"), "{err}");
    let err = PortOne::builder().api_secret("  ").build().unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = PortOne::builder().api_secret("a\nb").build().unwrap_err();
    assert!(
        err.to_string().contains("not allowed in an HTTP header"),
        "{err}"
    );
    let err = PortOne::builder()
        .api_secret("s")
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("http or https"), "{err}");
    let err = PortOne::builder()
        .api_secret("s")
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(err.to_string().starts_with("invalid base URL"), "{err}");
    let err = PortOne::builder()
        .api_secret("s")
        .store_id("")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("store id"), "{err}");
}

// ---- retries ----

fn counting(
    responses: Vec<ScriptedResponse>,
) -> (
    Arc<AtomicUsize>,
    impl Fn(&RecordedRequest) -> ScriptedResponse,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    (count, move |_: &RecordedRequest| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        responses[n.min(responses.len() - 1)].clone()
    })
}

fn fast_retry() -> RetryConfig {
    RetryConfig::default().initial_backoff(Duration::from_millis(10))
}

#[tokio::test]
async fn gets_are_retried_on_retryable_statuses() {
    let (count, responder) = counting(vec![
        ScriptedResponse::json(503, ""),
        ScriptedResponse::json(429, ""),
        ScriptedResponse::json(200, payment_json("p")),
    ]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server).retry(fast_retry()).build().unwrap();
    portone.payment().get_payment("p").await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_stop_after_max_attempts_and_not_on_other_statuses() {
    let (count, responder) = counting(vec![ScriptedResponse::json(503, "")]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server)
        .retry(fast_retry().max_attempts(2))
        .build()
        .unwrap();
    let err = portone.payment().get_payment("p").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(count.load(Ordering::SeqCst), 2);

    let (count, responder) = counting(vec![ScriptedResponse::json(500, "")]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server).retry(fast_retry()).build().unwrap();
    let _ = portone.payment().get_payment("p").await;
    assert_eq!(count.load(Ordering::SeqCst), 1, "500 is not retried");
}

/// Each per-call option alone replaces the client's: a retry policy, an attempt timeout.
#[tokio::test]
async fn one_per_call_option_alone_takes_effect() {
    // The client does not retry; the call alone does.
    let (count, responder) = counting(vec![
        ScriptedResponse::json(503, ""),
        ScriptedResponse::json(200, payment_json("p")),
    ]);
    let server = ScriptedServer::start(responder).await;
    let portone = client(&server);
    portone
        .payment()
        .get_payment("p")
        .retry(fast_retry())
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // The client retries; the call alone does not.
    let (count, responder) = counting(vec![ScriptedResponse::json(503, "")]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server).retry(fast_retry()).build().unwrap();
    let err = portone
        .payment()
        .get_payment("p")
        .retry(RetryConfig::disabled())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // A short attempt timeout alone ends a hanging attempt (the client's is 30 s).
    let server = ScriptedServer::start(|_: &RecordedRequest| {
        ScriptedResponse::json(200, "").with_fault(portone_tests::scripted_server::Fault::Hang)
    })
    .await;
    let portone = client(&server);
    let start = Instant::now();
    let err = portone
        .payment()
        .get_payment("p")
        .attempt_timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn payment_posts_are_never_repeated_by_default() {
    let (count, responder) = counting(vec![ScriptedResponse::json(503, "")]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server).retry(fast_retry()).build().unwrap();
    let body = serde_json::from_value(
        json!({"billingKey": "bk", "orderName": "o", "amount": {"total": 1000}, "currency": "KRW"}),
    )
    .unwrap();
    let _ = portone.payment().pay_with_billing_key("pay-1", &body).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let (count, responder) = counting(vec![ScriptedResponse::json(503, ""), not_found()]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server)
        .retry(fast_retry().retry_non_idempotent(true))
        .build()
        .unwrap();
    let _ = portone.payment().pay_with_billing_key("pay-1", &body).await;
    assert_eq!(count.load(Ordering::SeqCst), 2, "opted in");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (count, responder) = counting(vec![
        ScriptedResponse::json(503, "").with_header("retry-after", "1"),
        ScriptedResponse::json(200, payment_json("p")),
    ]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server).retry(fast_retry()).build().unwrap();
    let start = Instant::now();
    portone.payment().get_payment("p").await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // A Retry-After beyond the configured maximum ends the retries.
    let (count, responder) = counting(vec![
        ScriptedResponse::json(503, "").with_header("retry-after", "3600"),
    ]);
    let server = ScriptedServer::start(responder).await;
    let portone = builder(&server).retry(fast_retry()).build().unwrap();
    let _ = portone.payment().get_payment("p").await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connection_failures_before_sending_are_retried_for_any_method() {
    // The first connection attempt is refused; the server appears in between.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let portone = PortOne::builder()
        .api_secret(SECRET)
        .base_url(format!("http://{addr}"))
        .retry(
            RetryConfig::default()
                .initial_backoff(Duration::from_millis(300))
                .max_attempts(3),
        )
        .build()
        .unwrap();
    let server_task = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let (mut stream, _) = listener.accept().await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buf = vec![0u8; 65536];
        let _ = stream.read(&mut buf).await.unwrap();
        let body = r#"{"type":"PAYMENT_NOT_FOUND"}"#;
        let response = format!(
            "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).await.unwrap();
    });
    let body = serde_json::from_value(json!({"reason": "r"})).unwrap();
    // Backoff is jittered (0..=300ms, then 0..=600ms): retry until the server is up.
    let mut result = portone.payment().cancel_payment("p", &body).await;
    for _ in 0..5 {
        if result.as_ref().err().and_then(|e| e.api()).is_some() {
            break;
        }
        result = portone.payment().cancel_payment("p", &body).await;
    }
    let err = result.unwrap_err();
    assert!(
        err.api().is_some(),
        "a POST reached the server after refused connections: {err:?}"
    );
    server_task.await.unwrap();
}

#[test]
fn operation_futures_are_send_and_outlive_the_group() {
    fn is_send<T: Send>(_: &T) {}
    let portone = PortOne::builder().api_secret(SECRET).build().unwrap();
    // The future borrows only the client, not the temporary group value.
    let future = portone.payment().get_payment("p");
    is_send(&future);
    drop(future);
}
