//! What the mock refuses and how it says so: routing, validation of every part of a request
//! (each message names the JSON path), error injection, determinism and echo, the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use portone_mock::{ERROR_HEADER, MockConfig, MockServer};
use serde_json::{Value, json};

async fn server() -> (MockServer, Http) {
    let server = start(MockConfig::new(load(&latest_spec_path()))).await;
    let http = Http::new(&server);
    (server, http)
}

/// Asserts a 400 `INVALID_REQUEST` whose message contains every needle.
fn assert_invalid(response: &Resp, needles: &[&str]) {
    assert_eq!(response.status, 400, "{}", response.text);
    assert_eq!(
        response.error_type(),
        "INVALID_REQUEST",
        "{}",
        response.text
    );
    let message = response.message();
    for needle in needles {
        assert!(
            message.contains(needle),
            "missing {needle:?} in {message:?}"
        );
    }
}

/// Sends bytes as they are and returns the whole answer.
async fn raw_request(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

fn payments_query(body: &Value) -> String {
    format!("/payments?requestBody={}", encode(&body.to_string()))
}

#[tokio::test]
async fn unknown_routes_are_404_in_portone_shape() {
    let (_server, http) = server().await;
    for (method, target, needle) in [
        ("GET", "/nope", "no operation GET /nope"),
        (
            "GET",
            "/payments/a/b/c/d",
            "no operation GET /payments/a/b/c/d",
        ),
        ("PUT", "/payments/abc", "this path takes GET"),
        ("GET", "/payments/", "no operation GET /payments/"),
    ] {
        let response = http.send(method, target, &[], None).await;
        assert_eq!(response.status, 404, "{target}");
        assert!(response.content_type.starts_with("application/json"));
        assert_eq!(response.error_type(), "NOT_FOUND");
        assert!(response.message().contains(needle), "{}", response.text);
    }
    let cursor = http.get("/payments-by-cursor").await;
    assert_eq!(cursor.status, 200, "{}", cursor.text);
    assert!(cursor.json().get("items").is_some());
    // Templates of the same shape: the literal segment wins over a parameter. The operation
    // that answered is named when it is asked for an error it does not document.
    for (target, op) in [
        (
            "/platform/partners/counterparty-connect/p-1",
            "connectPartnerCounterparty",
        ),
        ("/platform/partners/p-1/archive", "archivePlatformPartner"),
        (
            "/platform/partners/counterparty-disconnect/p-1",
            "disconnectPartnerCounterparty",
        ),
        ("/platform/partners/p-1/recover", "recoverPlatformPartner"),
    ] {
        let response = http
            .send("POST", target, &[(ERROR_HEADER, "NOPE")], None)
            .await;
        let message = response.message();
        assert!(
            message.contains(&format!("is not a documented error of {op} ")),
            "{target}: {message}"
        );
    }
}

#[tokio::test]
async fn get_bodies_go_in_the_request_body_query_parameter() {
    let (_server, http) = server().await;
    let ok = http
        .get(&payments_query(&json!({"filter": {"status": ["PAID", "CANCELLED"]}, "page": {"number": 0, "size": 10}})))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(
        http.get("/payments").await.status,
        200,
        "the body is optional"
    );

    let in_body = http
        .send("GET", "/payments", &[], Some(r#"{"page":{"number":0}}"#))
        .await;
    assert_invalid(
        &in_body,
        &["body: GET /payments takes its body as JSON text in the `requestBody` query parameter"],
    );
    let bad_enum = http
        .get(&payments_query(
            &json!({"filter": {"status": ["PAID", "READY", "PAIDX"]}}),
        ))
        .await;
    assert_invalid(
        &bad_enum,
        &[r#"body.filter.status[2]: "PAIDX" is not one of "READY", "PENDING""#],
    );
    let not_json = http.get("/payments?requestBody=%7Bpage").await;
    assert_invalid(&not_json, &["query.requestBody: not valid JSON"]);
    let twice = http
        .get("/payments?requestBody=%7B%7D&requestBody=%7B%7D")
        .await;
    assert_invalid(&twice, &["query.requestBody: given more than once"]);
    let not_for_post = http
        .send(
            "POST",
            "/payments/p/cancel?requestBody=%7B%7D",
            &[],
            Some(r#"{"reason":"r"}"#),
        )
        .await;
    assert_invalid(
        &not_for_post,
        &[
            "query.requestBody: unknown query parameter (POST /payments/{paymentId}/cancel takes no body in the query string)",
        ],
    );
    // `+` is form-decoded as a space, `%2B` as a plus.
    let plus = http
        .get("/payments?requestBody=%7B%22filter%22%3A%7B%22storeId%22%3A%22a+b%2Bc%22%7D%7D")
        .await;
    assert_eq!(plus.status, 200, "{}", plus.text);
}

// Long by design: a table of bodies, each with the violations it must be refused for.
#[tokio::test]
async fn json_bodies_are_checked_against_their_schema() {
    let (_server, http) = server().await;
    let pay = "/payments/p-1/billing-key";
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"orderName": "o", "amount": {"total": 1}, "currency": "KRW"}),
            vec!["body.billingKey: required property is missing"],
        ),
        (
            json!({"billingKey": "b", "orderName": "o", "amount": {"total": "1000"}, "currency": "KRW"}),
            vec![r#"body.amount.total: expected an integer, got "1000""#],
        ),
        (
            json!({"billingKey": "b", "orderName": "o", "amount": {"total": 10.5}, "currency": "KRW"}),
            vec!["body.amount.total: expected an integer, got number 10.5"],
        ),
        (
            json!({"billingKey": "b", "orderName": "o", "amount": {"total": 1}, "currency": "KRW", "installmentMonth": 2147483648_i64}),
            vec!["body.installmentMonth: 2147483648 is out of the int32 range"],
        ),
        (
            json!({"billingKey": "b", "orderName": "o", "amount": {"total": 1}, "currency": "WON"}),
            vec![
                r#"body.currency: "WON" is not one of "KRW", "USD", "JPY""#,
                "in all)",
            ],
        ),
        (
            json!({"billingKey": "b", "orderName": "o", "amount": {"total": 1, "totl": 2}, "currency": "KRW"}),
            vec![
                "body.amount.totl: unknown property (not in the spec of PaymentAmountInput, which declares \"total\"",
            ],
        ),
        (
            json!({"billingKey": "b", "orderName": null, "amount": {"total": 1}, "currency": "KRW"}),
            vec!["body.orderName: null is not allowed here"],
        ),
        (
            json!({"billingKey": "b", "orderName": "o", "amount": {"total": 1}, "currency": "KRW", "noticeUrls": ["a", 1]}),
            vec!["body.noticeUrls[1]: expected a string, got number 1"],
        ),
        (
            json!({"billingKey": 1, "orderName": 2, "amount": [], "currency": "KRW"}),
            vec![
                "body.billingKey: expected a string, got number 1",
                "body.orderName: expected a string, got number 2",
                "body.amount: expected an object (PaymentAmountInput), got an array",
            ],
        ),
        (
            json!([1]),
            vec!["body: expected an object (BillingKeyPaymentInput), got an array"],
        ),
    ];
    for (body, needles) in cases {
        let response = http.post(pay, body.clone()).await;
        assert_invalid(&response, &needles);
    }
    // At most ten violations are listed.
    let many: serde_json::Map<String, Value> =
        (0..12).map(|i| (format!("x{i:02}"), json!(i))).collect();
    let crowded = http.post(pay, Value::Object(many)).await;
    let message = crowded.message();
    assert!(message.ends_with("; ... (more not shown)"), "{message}");
    assert_eq!(message.matches("; ").count(), 10, "{message}");
    // The bypass object is free-form.
    let free = http
        .post(pay, json!({"billingKey": "b", "orderName": "o", "amount": {"total": 1}, "currency": "KRW", "bypass": {"anything": [1, {"goes": null}]}}))
        .await;
    assert_eq!(free.status, 200, "{}", free.text);

    // Formats: date-time in a query body.
    let bad_time = http
        .get(&payments_query(
            &json!({"filter": {"from": "2026-07-01 09:00:00"}}),
        ))
        .await;
    assert_invalid(
        &bad_time,
        &[r#"body.filter.from: "2026-07-01 09:00:00" is not an RFC 3339 date-time"#],
    );

    // Framing.
    let not_json = http.send("POST", pay, &[], Some("{")).await;
    assert_invalid(&not_json, &["body: not valid JSON"]);
    let missing = http.send("POST", pay, &[], None).await;
    assert_invalid(&missing, &["body: required JSON body is missing"]);
    let text = http
        .send("POST", pay, &[("content-type", "text/plain")], None)
        .await;
    assert_invalid(&text, &["body: required JSON body is missing"]);
    let unexpected = http
        .send(
            "POST",
            "/payments/p-1/virtual-account/close",
            &[],
            Some("{}"),
        )
        .await;
    assert_invalid(
        &unexpected,
        &[
            "body: POST /payments/{paymentId}/virtual-account/close takes no request body (2 bytes sent)",
        ],
    );
}

#[tokio::test]
async fn content_type_must_be_json() {
    let (server, _http) = server().await;
    let response = http_client()
        .post(format!("{}/payments/p/cancel", server.url()))
        .header("authorization", "PortOne s")
        .header("content-type", "text/plain")
        .body(r#"{"reason":"r"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains(
            "headers.content-type: expected application/json for a JSON body, got \"text/plain\""
        )),
        "{body}"
    );
}

#[tokio::test]
async fn path_and_query_parameters_are_checked() {
    let (server, http) = server().await;
    let unknown = http.get("/payments/p?storeId=s&stroeId=s").await;
    assert_invalid(
        &unknown,
        &[r#"query.stroeId: unknown query parameter; documented: "storeId""#],
    );
    let twice = http.get("/payments/p?storeId=a&storeId=b").await;
    assert_invalid(&twice, &["query.storeId: given 2 times, expected once"]);
    let boolean = http.get("/b2b/tax-invoices/k?test=yes").await;
    assert_invalid(
        &boolean,
        &[r#"query.test: "yes" is not a boolean (true or false)"#],
    );
    let enum_query = http.get("/b2b/tax-invoices/k?taxInvoiceKeyType=NOPE").await;
    assert_invalid(
        &enum_query,
        &[r#"query.taxInvoiceKeyType: "NOPE" is not one of"#],
    );
    let enum_path = http
        .get("/platform/bank-accounts/NOT_A_BANK/123/holder")
        .await;
    assert_invalid(&enum_path, &[r#"path.bank: "NOT_A_BANK" is not one of"#]);
    // URL libraries resolve dot segments before sending; a raw request still can carry one.
    let raw = raw_request(
        server.addr(),
        "GET /payments/%2E%2E HTTP/1.1\r\nHost: x\r\nAuthorization: PortOne s\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    assert!(
        raw.contains(r#"path.paymentId: \"..\" is not a usable ID"#),
        "{raw}"
    );
    let utf8 = http.get("/payments/%FF").await;
    assert_invalid(&utf8, &["path.paymentId: not UTF-8 after percent-decoding"]);
    let good = http
        .get("/b2b/tax-invoices/k?test=true&taxInvoiceKeyType=SUPPLIER")
        .await;
    assert_eq!(good.status, 200, "{}", good.text);
}

#[tokio::test]
async fn documented_errors_on_request() {
    let (_server, http) = server().await;
    let asked = http
        .send("GET", "/payments/p", &[(ERROR_HEADER, "FORBIDDEN")], None)
        .await;
    assert_eq!(asked.status, 403);
    assert_eq!(asked.error_type(), "FORBIDDEN");
    // Required fields of the member are present (PG_PROVIDER has pgCode and pgMessage).
    let pg = http
        .send(
            "POST",
            "/payments/p/cancel",
            &[(ERROR_HEADER, "PG_PROVIDER")],
            Some(r#"{"reason":"r"}"#),
        )
        .await;
    assert_eq!(pg.status, 502);
    let body = pg.json();
    assert!(
        body["pgCode"].is_string() && body["pgMessage"].is_string(),
        "{body}"
    );

    let undocumented = http
        .send(
            "GET",
            "/payments/p",
            &[(ERROR_HEADER, "ALREADY_PAID")],
            None,
        )
        .await;
    assert_invalid(
        &undocumented,
        &[
            r#"headers.x-portone-mock-error: "ALREADY_PAID" is not a documented error of getPayment (GET /payments/{paymentId}); documented: "FORBIDDEN", "INVALID_REQUEST", "PAYMENT_NOT_FOUND", "UNAUTHORIZED""#,
        ],
    );
    // The request must still be valid and authenticated.
    let invalid = http
        .send(
            "GET",
            "/payments/p?nope=1",
            &[(ERROR_HEADER, "FORBIDDEN")],
            None,
        )
        .await;
    assert_invalid(&invalid, &["query.nope"]);
    let anonymous = http
        .with_auth(None)
        .send("GET", "/payments/p", &[(ERROR_HEADER, "FORBIDDEN")], None)
        .await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn responses_are_deterministic_and_echo_the_request() {
    let spec = load(&latest_spec_path());
    let one = start(MockConfig::new(spec.clone()).seed(1)).await;
    let same = start(MockConfig::new(spec.clone()).seed(1)).await;
    let other = start(MockConfig::new(spec).seed(2)).await;
    let target = "/billing-keys/bk-123?storeId=store-9";
    let a = Http::new(&one).get(target).await;
    let b = Http::new(&same).get(target).await;
    let c = Http::new(&other).get(target).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.text, b.text, "same seed, same answer");
    assert_eq!(a.text, Http::new(&one).get(target).await.text, "stable");
    assert_ne!(a.text, c.text, "another seed, another answer");
    for body in [a.json(), c.json()] {
        assert_eq!(body["billingKey"], "bk-123", "{body}");
        assert_eq!(body["storeId"], "store-9", "{body}");
    }
    // `id` of the resource a path names.
    let partner = Http::new(&one)
        .get("/platform/partners/partner-7")
        .await
        .json();
    assert_eq!(partner["id"], "partner-7", "{partner}");
    let transfer = Http::new(&one).get("/platform/transfers/tr-1").await.json();
    assert_eq!(transfer["id"], "tr-1", "{transfer}");
    assert_ne!(
        transfer["partner"]["id"], "tr-1",
        "only the named resource: {transfer}"
    );
    // Without a storeId, the default store is the one answering.
    let receipt = Http::new(&one)
        .get("/payments/pay-1/cash-receipt")
        .await
        .json();
    assert_eq!(receipt["paymentId"], "pay-1", "{receipt}");
    assert_eq!(
        receipt["storeId"],
        portone_mock::DEFAULT_STORE_ID,
        "{receipt}"
    );
    let counterparty = Http::new(&one).get("/b2b/counterparties/cp-1").await.json();
    assert_eq!(counterparty["id"], "cp-1", "{counterparty}");
    let schedule = Http::new(&one)
        .send("POST", "/payments/pay-9/schedule", &[], Some(&json!({"payment": {"billingKey": "b", "orderName": "o", "amount": {"total": 1}, "currency": "KRW"}, "timeToPay": "2026-07-01T00:00:00Z"}).to_string()))
        .await;
    assert_eq!(schedule.status, 200, "{}", schedule.text);
}

#[tokio::test]
async fn unknown_fields_can_be_allowed() {
    let server =
        start(MockConfig::new(load(&latest_spec_path())).reject_unknown_fields(false)).await;
    let response = Http::new(&server)
        .post(
            "/payments/p/cancel",
            json!({"reason": "r", "futureField": 1}),
        )
        .await;
    assert_eq!(
        response.error_type(),
        "PAYMENT_NOT_FOUND",
        "{}",
        response.text
    );
}

#[tokio::test]
async fn start_reports_bad_specs_and_busy_ports() {
    let missing = MockServer::start(MockConfig::from_path("/nonexistent/spec.json"))
        .await
        .expect_err("no spec");
    assert!(
        missing
            .to_string()
            .contains("cannot read /nonexistent/spec.json"),
        "{missing}"
    );
    let server = start(MockConfig::from_path(latest_spec_path())).await;
    let busy =
        MockServer::start(MockConfig::from_path(latest_spec_path()).port(server.addr().port()))
            .await
            .expect_err("port in use");
    assert!(
        busy.to_string().starts_with("cannot listen on 127.0.0.1:"),
        "{busy}"
    );
    let url = server.url();
    server.shutdown().await;
    assert!(
        reqwest::get(format!("{url}/banks")).await.is_err(),
        "stopped"
    );
}

/// The binary serves until killed.
#[tokio::test]
async fn binary_serves_a_spec_file() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portone-mock"))
        .args(["--spec"])
        .arg(latest_spec_path())
        .args([
            "--port",
            "0",
            "--seed",
            "5",
            "--api-secret",
            "bin-secret",
            "--log",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("banner");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    let client = http_client();
    let banks = client
        .get(format!("{url}/banks"))
        .send()
        .await
        .expect("sent");
    let denied = client
        .get(format!("{url}/payments/x"))
        .header("authorization", "PortOne other")
        .send()
        .await
        .expect("sent");
    let allowed = client
        .get(format!("{url}/payments/x"))
        .header("authorization", "PortOne bin-secret")
        .send()
        .await
        .expect("sent");
    child.kill().expect("kill the child this test started");
    let _ = child.wait();
    assert_eq!(banks.status(), 200);
    assert_eq!(denied.status(), 401);
    assert_eq!(allowed.status(), 404);

    let bad = Command::new(env!("CARGO_BIN_EXE_portone-mock"))
        .args(["--spec", "/nonexistent.json"])
        .output()
        .expect("binary runs");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("cannot read /nonexistent.json"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn start_outside_tokio_is_an_error_not_a_panic() {
    let config = MockConfig::from_path(latest_spec_path());
    let error = block_on_without_runtime(MockServer::start(config)).expect_err("no runtime");
    assert!(
        error.to_string().contains("needs a Tokio runtime"),
        "{error}"
    );
}

/// Polls a future to completion on this thread, without any runtime.
fn block_on_without_runtime<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Noop;
    impl Wake for Noop {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = Waker::from(std::sync::Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// Header parameters (PortOne's spec has none today) and any spec document, not only PortOne's.
#[tokio::test]
async fn header_parameters_of_any_spec() {
    let error = json!({"$ref": "#/components/schemas/GetThingError"});
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "0.0.1"},
        "paths": {"/things/{thingId}": {"get": {
            "operationId": "getThing",
            "security": [{"portOne": []}],
            "parameters": [
                {"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "x-count", "in": "header", "required": true, "schema": {"type": "integer", "format": "int32"}}
            ],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "400": {"description": "bad", "content": {"application/json": {"schema": error}}}
            },
            "x-portone-error": error
        }}},
        "components": {"schemas": {
            "Thing": {"type": "object", "required": ["thingId"], "properties": {"thingId": {"type": "string"}}},
            "GetThingError": {"oneOf": [{"$ref": "#/components/schemas/InvalidRequestError"}],
                "discriminator": {"propertyName": "type", "mapping": {"INVALID_REQUEST": "#/components/schemas/InvalidRequestError"}}},
            "InvalidRequestError": {"type": "object", "required": ["type"], "x-portone-status-code": 400,
                "properties": {"type": {"type": "string"}, "message": {"type": "string"}}}
        }}
    });
    let spec =
        portone_openapi::Spec::from_bytes(doc.to_string().as_bytes(), "inline").expect("spec");
    let server = start(MockConfig::new(spec)).await;
    assert_eq!(server.spec_version(), "0.0.1");
    assert_eq!(server.operation_count(), 1);
    let http = Http::new(&server);
    assert_invalid(
        &http.get("/things/t-1").await,
        &["headers.x-count: required header is missing"],
    );
    assert_invalid(
        &http
            .send("GET", "/things/t-1", &[("x-count", "many")], None)
            .await,
        &[r#"headers.x-count: "many" is not an integer"#],
    );
    assert_invalid(
        &http
            .send("GET", "/things/t-1", &[("x-count", "4294967296")], None)
            .await,
        &["headers.x-count: 4294967296 is out of the int32 range"],
    );
    let ok = http
        .send("GET", "/things/t-1", &[("x-count", "3")], None)
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json(), json!({"thingId": "t-1"}));
}
