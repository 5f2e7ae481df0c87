//! What the generated client puts on the wire, checked byte for byte on a raw HTTP server.

use portone_gen::{Client, encode_uri_component};
use portone_openapi::sample::{Fields, Sampler};
use portone_tests::scripted_server::{ScriptedResponse, ScriptedServer};
use portone_tests::{call_query_body_operations, normalized, spec};

/// The generated client on an HTTP client with the SDK's TLS setup (with the default `rustls`
/// feature reqwest has no process-wide crypto provider, so `Client::new` cannot build one).
fn raw_client(base_url: &str) -> Client {
    let http = portone_client::PortOne::http_client_builder()
        .expect("TLS setup")
        .build()
        .expect("an HTTP client");
    Client::new_with_client(base_url, http, None)
}

async fn server() -> ScriptedServer {
    ScriptedServer::start(|_| {
        ScriptedResponse::json(404, r#"{"type":"PAYMENT_NOT_FOUND","message":"no"}"#)
    })
    .await
}

#[tokio::test]
async fn path_parameters_are_encoded_like_encode_uri_component() {
    let server = server().await;
    let client = raw_client(&server.url());
    // Expected values computed independently with node's encodeURIComponent.
    let table = [
        ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"),
        ("결제-1", "%EA%B2%B0%EC%A0%9C-1"),
        ("+&=;,:@$[]^|\\", "%2B%26%3D%3B%2C%3A%40%24%5B%5D%5E%7C%5C"),
        ("-_.!~*'()", "-_.!~*'()"),
        ("...", "..."),
    ];
    for (id, _) in table {
        let err = client.get_payment(id, None).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    }
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    let expected: Vec<String> = table
        .iter()
        .map(|(_, e)| format!("/payments/{e}"))
        .collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_rejected_before_sending() {
    let server = server().await;
    let client = raw_client(&format!("{}/proxy/v2", server.url()));
    for (id, message) in [
        (".", "path parameter `paymentId` must not be \".\""),
        ("..", "path parameter `paymentId` must not be \"..\""),
        ("", "path parameter `paymentId` must not be empty"),
    ] {
        let err = client.get_payment(id, None).await.unwrap_err();
        assert!(
            matches!(err, portone_gen::Error::InvalidRequest(_)),
            "{err:?}"
        );
        assert!(err.to_string().contains(message), "{err}");
    }
    // Also for an operation with the parameter in the middle of the path.
    let body = serde_json::from_value(serde_json::json!({"reason": "r"})).unwrap();
    let err = client.cancel_payment("..", &body).await.unwrap_err();
    assert!(
        err.to_string().contains("`paymentId` must not be \"..\""),
        "{err}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = server().await;
    let client = raw_client(&format!("{}/proxy/v2", server.url()));
    let _ = client.get_payment("p 1", Some("store-1")).await;
    let request = &server.requests()[0];
    assert_eq!(request.target, "/proxy/v2/payments/p%201?storeId=store-1");
}

#[tokio::test]
async fn every_query_body_operation_sends_its_body_as_the_request_body_parameter() {
    let server = server().await;
    let client = raw_client(&server.url());
    let spec = spec();
    let sample = |schema: &str| Sampler::new(&spec.json, 5, Fields::All).component(schema);
    let calls = call_query_body_operations(&client, &sample).await;
    let requests = server.requests();
    let model = normalized().model;
    let expected: Vec<&str> = model
        .operations
        .iter()
        .filter(|op| op.body_in_query())
        .map(|op| op.id.as_str())
        .collect();
    assert_eq!(
        calls.iter().map(|c| c.operation).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(requests.len(), calls.len(), "one request per operation");
    for (call, request) in calls.iter().zip(&requests) {
        let op = model.operation(call.operation).unwrap();
        assert_eq!(request.method, op.method.as_str(), "{}", call.operation);
        assert!(
            request.body.is_empty(),
            "{}: body {:?}",
            call.operation,
            request.body
        );
        assert_eq!(request.header("content-type"), None, "{}", call.operation);
        let query = request.query().unwrap_or_default();
        let param = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("requestBody="))
            .unwrap_or_else(|| panic!("{}: no requestBody in {query}", call.operation));
        let compact = serde_json::to_string(&call.body).unwrap();
        assert_eq!(param, encode_uri_component(&compact), "{}", call.operation);
        let decoded = percent_decode(param);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&decoded).unwrap(),
            call.body
        );
    }
    eprintln!(
        "{} requestBody-query operations checked on the wire",
        calls.len()
    );
}

#[tokio::test]
async fn request_body_query_bytes_are_exact() {
    let server = server().await;
    let client = raw_client(&server.url());
    let body = serde_json::from_value(serde_json::json!({
        "page": {"number": 0, "size": 10},
        "filter": {"storeId": "store 상점 &=?+#%", "isTest": true},
    }))
    .unwrap();
    let _ = client.get_payments(&body).await;
    let request = &server.requests()[0];
    // Generated structs serialize fields in name order (typify sorts them). Expected value from
    // node -e 'console.log(encodeURIComponent(JSON.stringify({filter:{isTest:true,
    //   storeId:"store 상점 &=?+#%"},page:{number:0,size:10}})))'
    assert_eq!(
        request.target,
        "/payments?requestBody=%7B%22filter%22%3A%7B%22isTest%22%3Atrue%2C%22storeId%22%3A%22store%20%EC%83%81%EC%A0%90%20%26%3D%3F%2B%23%25%22%7D%2C%22page%22%3A%7B%22number%22%3A0%2C%22size%22%3A10%7D%7D"
    );
    // Fields left unset are omitted.
    let empty = serde_json::from_value(serde_json::json!({})).unwrap();
    let _ = client.get_payments(&empty).await;
    assert_eq!(server.requests()[1].target, "/payments?requestBody=%7B%7D");
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
