//! Pagination helpers (`portone_client::paginate`) against a loopback server.

use std::collections::BTreeSet;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use portone_client::paginate::{FusedStream, ListResponse, Position, Stream};
use portone_client::types::{GetPaymentsBody, GetPaymentsError, Payment};
use portone_client::{Error, PortOne, RetryConfig};
use portone_openapi::SuccessBody;
use portone_openapi::sample::{Fields, Sampler};
use portone_tests::list_operations::Pagination;
use portone_tests::scripted_server::{RecordedRequest, ScriptedResponse, ScriptedServer};
use portone_tests::{LIST_OPERATIONS, UNCLASSIFIED_LIST_OPERATIONS, normalized, spec};
use serde_json::{Value, json};

fn client(server: &ScriptedServer) -> PortOne {
    PortOne::builder()
        .api_secret("test-secret")
        .base_url(server.url())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// The JSON body of a request, from the `requestBody` query parameter or the HTTP body.
fn sent_body(request: &RecordedRequest) -> Value {
    if let Some(query) = request.query() {
        let url = reqwest::Url::parse(&format!("http://x/?{query}")).unwrap();
        if let Some((_, body)) = url.query_pairs().find(|(k, _)| k == "requestBody") {
            return serde_json::from_str(&body).unwrap();
        }
    }
    if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body).unwrap()
    }
}

fn path<'v>(value: &'v Value, dotted: &str) -> &'v Value {
    dotted.split('.').fold(value, |v, key| &v[key])
}

fn remove_path(value: &mut Value, dotted: &str) {
    let (parent, last) = match dotted.rsplit_once('.') {
        Some((parent, last)) => (
            parent
                .split('.')
                .try_fold(&mut *value, |v, key| v.get_mut(key)),
            last,
        ),
        None => (Some(value), dotted),
    };
    if let Some(Value::Object(object)) = parent {
        object.remove(last);
    }
}

/// A valid PAID `Payment` with id `pay-{n}`.
fn payment(n: usize) -> Value {
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    let mut payment = TEMPLATE
        .get_or_init(|| {
            Sampler::new(&spec().json, 1, Fields::Required)
                .union_case("Payment", "PAID")
                .unwrap()
        })
        .clone();
    payment["id"] = json!(format!("pay-{n}"));
    payment
}

fn payment_id(payment: &Payment) -> String {
    serde_json::to_value(payment).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The page PortOne would answer for `getPayments` out of `total` payments.
fn payments_page(request: &RecordedRequest, total: usize) -> (i64, i64, ScriptedResponse) {
    let body = sent_body(request);
    let number = body["page"]["number"].as_i64().unwrap_or(0);
    let size = body["page"]["size"].as_i64().unwrap_or(10);
    let start = usize::try_from(number * size).unwrap().min(total);
    let end = (start + usize::try_from(size).unwrap()).min(total);
    let items: Vec<Value> = (start..end).map(payment).collect();
    let response = json!({
        "items": items,
        "page": {"number": number, "size": size, "totalCount": total},
    });
    (
        number,
        size,
        ScriptedResponse::json(200, response.to_string()),
    )
}

async fn payments_server(total: usize) -> ScriptedServer {
    ScriptedServer::start(move |request| payments_page(request, total).2).await
}

fn filtered_body() -> GetPaymentsBody {
    serde_json::from_value(json!({"filter": {"status": ["PAID", "CANCELLED"], "isTest": false}}))
        .unwrap()
}

/// `(page.number, page.size)` of every request received.
fn pages_requested(server: &ScriptedServer) -> Vec<(Option<i64>, Option<i64>)> {
    server
        .requests()
        .iter()
        .map(|r| {
            let body = sent_body(r);
            (
                body["page"]["number"].as_i64(),
                body["page"]["size"].as_i64(),
            )
        })
        .collect()
}

/// The next item through the `Stream` impl itself.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

#[tokio::test]
async fn pages_are_fetched_until_total_count_keeping_the_filters() {
    let server = payments_server(25).await;
    let mut stream = client(&server)
        .payment()
        .get_payments_stream(filtered_body())
        .page_size(10);
    let mut ids = Vec::new();
    while let Some(item) = next(&mut stream).await {
        ids.push(payment_id(&item.unwrap()));
    }
    let expected: Vec<String> = (0..25).map(|n| format!("pay-{n}")).collect();
    assert_eq!(ids, expected);
    assert!(stream.is_terminated());
    assert!(next(&mut stream).await.is_none(), "fused");
    assert_eq!(stream.total_count(), Some(25));
    assert_eq!(
        pages_requested(&server),
        [
            (Some(0), Some(10)),
            (Some(1), Some(10)),
            (Some(2), Some(10))
        ]
    );
    for request in server.requests() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), "/payments");
        assert_eq!(
            sent_body(&request)["filter"],
            json!({"status": ["PAID", "CANCELLED"], "isTest": false})
        );
    }
}

#[tokio::test]
async fn nothing_is_sent_until_polled_and_the_stream_moves_into_tasks() {
    let server = payments_server(3).await;
    let stream = client(&server)
        .payment()
        .get_payments_stream(GetPaymentsBody::default());
    tokio::task::yield_now().await;
    assert!(server.requests().is_empty());
    let all = tokio::spawn(stream.collect_all(None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all.len(), 3);
    // The body had no page: the first request sets only the number (PortOne's default size).
    assert_eq!(pages_requested(&server), [(Some(0), None)]);
}

#[tokio::test]
async fn an_empty_result_is_one_request() {
    let server = payments_server(0).await;
    let portone = client(&server);
    let items = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10)
        .collect_all(None)
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(server.requests().len(), 1);

    let mut pages = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .pages();
    let page = pages.try_next().await.unwrap().expect("one page");
    assert_eq!(
        page.position(),
        Some(Position::Page {
            number: 0,
            size: 10,
            total_count: 0
        })
    );
    assert!(pages.try_next().await.unwrap().is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn exact_multiples_of_the_page_size_need_no_extra_request() {
    for (total, requests) in [(10, 1), (20, 2), (30, 3)] {
        let server = payments_server(total).await;
        let items = client(&server)
            .payment()
            .get_payments_stream(GetPaymentsBody::default())
            .page_size(10)
            .collect_all(None)
            .await
            .unwrap();
        assert_eq!(items.len(), total);
        assert_eq!(server.requests().len(), requests, "{total} items");
    }
}

#[tokio::test]
async fn a_short_page_or_an_empty_page_ends_the_listing() {
    // totalCount says 100 but the 3rd page is short: the listing ends there.
    let server = ScriptedServer::start(|request| {
        let (number, size, _) = payments_page(request, 25);
        let start = usize::try_from(number * size).unwrap().min(25);
        let end = (start + 10).min(25);
        let items: Vec<Value> = (start..end).map(payment).collect();
        ScriptedResponse::json(
            200,
            json!({"items": items, "page": {"number": number, "size": size, "totalCount": 100}})
                .to_string(),
        )
    })
    .await;
    let items = client(&server)
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10)
        .collect_all(None)
        .await
        .unwrap();
    assert_eq!(items.len(), 25);
    assert_eq!(server.requests().len(), 3);

    // totalCount says 100 and pages are full, but page 2 is empty.
    let server = ScriptedServer::start(|request| {
        let (number, size, _) = payments_page(request, 20);
        let start = usize::try_from(number * size).unwrap().min(20);
        let items: Vec<Value> = (start..(start + 10).min(20)).map(payment).collect();
        ScriptedResponse::json(
            200,
            json!({"items": items, "page": {"number": number, "size": size, "totalCount": 100}})
                .to_string(),
        )
    })
    .await;
    let items = client(&server)
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10)
        .collect_all(None)
        .await
        .unwrap();
    assert_eq!(items.len(), 20);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_error_on_page_three_is_the_last_item() {
    let server = ScriptedServer::start(|request| {
        let (number, _, response) = payments_page(request, 50);
        if number == 2 {
            ScriptedResponse::json(
                400,
                r#"{"type":"INVALID_REQUEST","message":"page too far"}"#,
            )
        } else {
            response
        }
    })
    .await;
    let portone = client(&server);
    let mut stream = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10);
    for n in 0..20 {
        let payment = stream.try_next().await.unwrap().unwrap();
        assert_eq!(payment_id(&payment), format!("pay-{n}"));
    }
    let error = stream.try_next().await.unwrap_err();
    assert!(
        matches!(
            error.api().map(|a| a.error()),
            Some(GetPaymentsError::InvalidRequest(_))
        ),
        "{error:?}"
    );
    assert_eq!(error.api().unwrap().message(), Some("page too far"));
    assert!(stream.try_next().await.unwrap().is_none());
    assert!(stream.is_terminated());
    assert_eq!(server.requests().len(), 3);

    let error = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10)
        .collect_all(None)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_server_ignoring_the_page_number_does_not_loop() {
    // Always answers the first page, as page 0.
    let server = ScriptedServer::start(|request| {
        let body = sent_body(request);
        let size = body["page"]["size"].as_i64().unwrap_or(10);
        let items: Vec<Value> = (0..10).map(payment).collect();
        ScriptedResponse::json(
            200,
            json!({"items": items, "page": {"number": 0, "size": size, "totalCount": 1000}})
                .to_string(),
        )
    })
    .await;
    let mut stream = client(&server)
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10);
    for _ in 0..10 {
        stream.try_next().await.unwrap().unwrap();
    }
    match stream.try_next().await {
        Err(Error::Pagination(decode)) => {
            assert_eq!(decode.path(), "page.number");
            assert!(decode.message().contains("asked for page 1"), "{decode}");
            assert!(decode.body().starts_with(r#"{"items":[{"#), "{decode}");
        }
        other => panic!("{other:?}"),
    }
    assert!(stream.try_next().await.unwrap().is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_server_repeating_the_same_items_does_not_loop() {
    // Echoes the page number asked for but always sends the same items.
    let server = ScriptedServer::start(|request| {
        let body = sent_body(request);
        let number = body["page"]["number"].as_i64().unwrap_or(0);
        let items: Vec<Value> = (0..10).map(payment).collect();
        ScriptedResponse::json(
            200,
            json!({"items": items, "page": {"number": number, "size": 10, "totalCount": 1000}})
                .to_string(),
        )
    })
    .await;
    let result = client(&server)
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10)
        .collect_all(None)
        .await;
    match result {
        Err(Error::Pagination(decode)) => {
            assert_eq!(decode.path(), "items");
            assert!(decode.message().contains("same items"), "{decode}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn collect_all_with_a_limit_fetches_only_the_pages_needed() {
    let server = payments_server(100).await;
    let portone = client(&server);
    let items = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10)
        .collect_all(Some(15))
        .await
        .unwrap();
    assert_eq!(items.len(), 15);
    assert_eq!(payment_id(&items[14]), "pay-14");
    assert_eq!(server.requests().len(), 2);

    let none = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .collect_all(Some(0))
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_body_page_is_the_start_and_page_size_is_validated() {
    let server = payments_server(30).await;
    let portone = client(&server);
    let body: GetPaymentsBody =
        serde_json::from_value(json!({"page": {"number": 2, "size": 5}})).unwrap();
    let items = portone
        .payment()
        .get_payments_stream(body)
        .collect_all(None)
        .await
        .unwrap();
    assert_eq!(payment_id(&items[0]), "pay-10");
    assert_eq!(items.len(), 20);
    assert_eq!(pages_requested(&server)[0], (Some(2), Some(5)));

    let before = server.requests().len();
    let mut stream = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(0);
    assert!(
        matches!(stream.try_next().await, Err(Error::InvalidInput(m)) if m.contains("at least 1"))
    );
    assert!(stream.try_next().await.unwrap().is_none());

    // A size the body's field cannot hold (`page.size` is an `i32`) is refused unsent.
    let mut stream = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(u32::MAX);
    assert!(matches!(
        stream.try_next().await,
        Err(Error::InvalidInput(m)) if m.contains("does not fit the body") && m.contains("4294967295")
    ));
    assert!(stream.try_next().await.unwrap().is_none());
    assert_eq!(server.requests().len(), before);

    // Changing the size after the first request would shift the pages: the items received
    // come first, then the error instead of the next request.
    let mut stream = portone
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10);
    stream.try_next().await.unwrap().unwrap();
    let mut stream = stream.page_size(20);
    for _ in 1..10 {
        stream.try_next().await.unwrap().unwrap();
    }
    assert!(
        matches!(stream.try_next().await, Err(Error::InvalidInput(m)) if m.contains("before the first page"))
    );
    assert_eq!(server.requests().len(), before + 1);
}

#[tokio::test]
async fn pages_after_partial_consumption_keep_the_remaining_items() {
    let server = payments_server(15).await;
    let mut stream = client(&server)
        .payment()
        .get_payments_stream(GetPaymentsBody::default())
        .page_size(10);
    for _ in 0..3 {
        stream.try_next().await.unwrap().unwrap();
    }
    let mut pages = stream.pages();
    let first = pages.try_next().await.unwrap().unwrap();
    let ids: Vec<String> = first.items().iter().map(payment_id).collect();
    assert_eq!(ids, (3..10).map(|n| format!("pay-{n}")).collect::<Vec<_>>());
    let second = pages.try_next().await.unwrap().unwrap();
    assert_eq!(second.items.len(), 5);
    assert_eq!(second.page.number, 1);
    assert!(pages.try_next().await.unwrap().is_none());
    assert_eq!(server.requests().len(), 2);
}

#[cfg(feature = "unstable")]
mod cursor {
    use super::*;
    use portone_client::types::GetAllPaymentsByCursorBody;

    /// A cursor listing of `total` payments whose cursors are `c{n}`; `ignore_cursor` makes
    /// it answer the first page whatever the cursor.
    fn cursor_server(
        total: usize,
        ignore_cursor: bool,
    ) -> impl Fn(&RecordedRequest) -> ScriptedResponse {
        move |request| {
            let body = sent_body(request);
            let size = usize::try_from(body["size"].as_i64().unwrap_or(10)).unwrap();
            let start = match body["cursor"].as_str() {
                Some(c) if !ignore_cursor => c[1..].parse::<usize>().unwrap() + 1,
                _ => 0,
            }
            .min(total);
            let items: Vec<Value> = (start..(start + size).min(total))
                .map(|n| json!({"payment": payment(n), "cursor": format!("c{n}")}))
                .collect();
            ScriptedResponse::json(200, json!({ "items": items }).to_string())
        }
    }

    fn body() -> GetAllPaymentsByCursorBody {
        serde_json::from_value(json!({
            "from": "2026-01-01T00:00:00Z",
            "until": "2026-02-01T00:00:00Z",
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn cursors_follow_the_last_item_until_an_empty_page() {
        let server = ScriptedServer::start(cursor_server(25, false)).await;
        let items = client(&server)
            .payment()
            .get_all_payments_by_cursor_stream(body())
            .page_size(10)
            .collect_all(None)
            .await
            .unwrap();
        let cursors: Vec<&str> = items.iter().map(|i| i.cursor.as_str()).collect();
        let expected: Vec<String> = (0..25).map(|n| format!("c{n}")).collect();
        assert_eq!(cursors, expected);
        let requests: Vec<Value> = server.requests().iter().map(sent_body).collect();
        let sent: Vec<Option<&str>> = requests.iter().map(|b| b["cursor"].as_str()).collect();
        assert_eq!(sent, [None, Some("c9"), Some("c19"), Some("c24")]);
        for body in &requests {
            assert_eq!(body["size"], 10);
            assert_eq!(body["from"], "2026-01-01T00:00:00Z");
            assert_eq!(body["until"], "2026-02-01T00:00:00Z");
        }
    }

    #[tokio::test]
    async fn the_body_cursor_is_the_start() {
        let server = ScriptedServer::start(cursor_server(25, false)).await;
        let mut start = body();
        start.cursor = Some("c19".into());
        let items = client(&server)
            .payment()
            .get_all_payments_by_cursor_stream(start)
            .collect_all(None)
            .await
            .unwrap();
        assert_eq!(items.len(), 5);
        assert_eq!(items[0].cursor, "c20");
    }

    #[tokio::test]
    async fn a_server_repeating_a_cursor_does_not_loop() {
        let server = ScriptedServer::start(cursor_server(25, true)).await;
        let mut stream = client(&server)
            .payment()
            .get_all_payments_by_cursor_stream(body())
            .page_size(10);
        for _ in 0..10 {
            stream.try_next().await.unwrap().unwrap();
        }
        match stream.try_next().await {
            Err(Error::Pagination(decode)) => {
                assert_eq!(decode.path(), "items[9].cursor");
                assert!(decode.message().contains("`c9` again"), "{decode}");
            }
            other => panic!("{other:?}"),
        }
        assert!(stream.try_next().await.unwrap().is_none());
        assert_eq!(server.requests().len(), 2);

        // A cycle longer than one page is caught too: c9 -> c19 -> back to c9.
        let server = ScriptedServer::start(|request| {
            let body = sent_body(request);
            let start = if body["cursor"] == "c9" { 10 } else { 0 };
            let items: Vec<Value> = (start..start + 10)
                .map(|n| json!({"payment": payment(n), "cursor": format!("c{n}")}))
                .collect();
            ScriptedResponse::json(200, json!({ "items": items }).to_string())
        })
        .await;
        let mut stream = client(&server)
            .payment()
            .get_all_payments_by_cursor_stream(body())
            .page_size(10);
        let mut ok = 0;
        let error = loop {
            match stream.try_next().await {
                Ok(Some(_)) => ok += 1,
                Ok(None) => panic!("ended without an error"),
                Err(e) => break e,
            }
        };
        assert_eq!(ok, 20);
        assert!(error.to_string().contains("`c9` again"), "{error}");
        assert_eq!(server.requests().len(), 3);
    }
}

/// Operations whose shape says "list": a response with `page.totalCount`, or a body with a
/// `cursor` (checked independently of the generator's rules).
fn list_like_operations() -> BTreeSet<String> {
    let normalized = normalized();
    let schemas = &normalized.spec["components"]["schemas"];
    let component = |schema: &Value| -> Option<Value> {
        let name = schema["$ref"].as_str()?.rsplit('/').next()?;
        Some(schemas[name].clone())
    };
    normalized
        .model
        .operations
        .iter()
        .filter(|op| {
            let response = match &op.success {
                SuccessBody::Json(name) => schemas[name].clone(),
                _ => Value::Null,
            };
            let body = op
                .body
                .as_ref()
                .map_or(Value::Null, |b| schemas[&b.schema].clone());
            let paged = component(&response["properties"]["page"])
                .is_some_and(|page| page["properties"]["totalCount"].is_object());
            paged || body["properties"]["cursor"].is_object()
        })
        .map(|op| op.id.clone())
        .collect()
}

#[test]
fn every_list_operation_of_the_spec_has_a_stream() {
    assert!(
        UNCLASSIFIED_LIST_OPERATIONS.is_empty(),
        "{UNCLASSIFIED_LIST_OPERATIONS:?}"
    );
    let listed: BTreeSet<String> = LIST_OPERATIONS
        .iter()
        .map(|op| op.operation_id.to_owned())
        .collect();
    assert_eq!(listed, list_like_operations());
    assert!(listed.contains("getPayments"));
    assert_eq!(
        listed.contains("getAllPaymentsByCursor"),
        cfg!(feature = "unstable")
    );
    let normalized = normalized();
    for op in LIST_OPERATIONS {
        // The JSON adapter calls `portone.<group>().<stream_method>(..)`: it compiled.
        let model = normalized.model.operation(op.operation_id).unwrap();
        assert_eq!(
            (op.group, op.method),
            (model.group_path().as_str(), model.rust_name.as_str())
        );
        assert_eq!(op.stream_method, format!("{}_stream", op.method));
    }
}

// Long by design: one loop over every list operation with its requests and items checked
// in place, so that a failure names the operation and the page.
/// Drives every list operation's stream against a server that serves 5 sampled items in pages
/// of 2, checking the requests (paging fields, the rest of the body kept) and the items.
#[tokio::test]
async fn every_list_operation_streams_all_pages() {
    const TOTAL: usize = 5;
    const SIZE: i64 = 2;
    let spec = spec();
    let normalized = normalized();
    assert!(!LIST_OPERATIONS.is_empty());
    for op in LIST_OPERATIONS {
        let id = op.operation_id;
        let model = normalized.model.operation(id).unwrap();
        let SuccessBody::Json(response_schema) = &model.success else {
            panic!("{id}: no JSON response")
        };
        let schemas = &spec.json["components"]["schemas"];
        let item_component = schemas[response_schema]["properties"][op.items]["items"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or_else(|| panic!("{id}: items are not a component"));
        let cursor_op = matches!(op.pagination, Pagination::Cursor { .. });

        let mut sampler = Sampler::new(&spec.json, 100, Fields::Required);
        let items: Vec<Value> = (0..TOTAL)
            .map(|n| {
                let mut item = sampler.component(item_component);
                if item.get("id").is_some_and(Value::is_string) {
                    item["id"] = json!(format!("item-{n}"));
                }
                if cursor_op {
                    item["cursor"] = json!(format!("c{n}"));
                }
                item
            })
            .collect();
        let template = sampler.component(response_schema);
        let mut body = Sampler::new(&spec.json, 3, Fields::All)
            .component(&model.body.as_ref().unwrap().schema);
        let paging: Vec<&str> = match op.pagination {
            Pagination::Page { number, size } => vec![number, size],
            Pagination::Cursor { cursor, size } => vec![cursor, size],
        };
        for field in &paging {
            remove_path(&mut body, field);
        }

        let served = Arc::new(items.clone());
        let pagination = op.pagination;
        let items_field = op.items;
        let server = ScriptedServer::start(move |request| {
            let sent = sent_body(request);
            let mut response = template.clone();
            let (start, size) = match pagination {
                Pagination::Page { number, size } => {
                    let number = path(&sent, number).as_i64().unwrap_or(0);
                    let size = path(&sent, size).as_i64().unwrap_or(10);
                    response["page"] = json!({"number": number, "size": size, "totalCount": TOTAL});
                    ((number * size) as usize, size as usize)
                }
                Pagination::Cursor { cursor, size } => {
                    let start = path(&sent, cursor)
                        .as_str()
                        .map_or(0, |c| c[1..].parse::<usize>().unwrap() + 1);
                    (start, path(&sent, size).as_i64().unwrap_or(10) as usize)
                }
            };
            let start = start.min(TOTAL);
            response[items_field] = json!(served[start..(start + size).min(TOTAL)]);
            ScriptedResponse::json(200, response.to_string())
        })
        .await;

        let portone = client(&server);
        let mut stream = (op.json_stream)(&portone, body.clone(), Some(SIZE as u32));
        let mut received = Vec::new();
        while let Some(item) = next(&mut stream).await {
            received.push(item.unwrap_or_else(|e| panic!("{id}: {e}")));
        }
        assert_eq!(received.len(), TOTAL, "{id}");
        for (n, (got, served)) in received.iter().zip(&items).enumerate() {
            if served.get("id").is_some() {
                assert_eq!(got["id"], json!(format!("item-{n}")), "{id}");
            }
            if cursor_op {
                assert_eq!(got["cursor"], json!(format!("c{n}")), "{id}");
            }
        }

        let requests = server.requests();
        for request in &requests {
            assert_eq!(request.path(), model.path, "{id}");
            assert_eq!(request.method, model.method.as_str(), "{id}");
        }
        let bodies: Vec<Value> = requests.iter().map(sent_body).collect();
        match op.pagination {
            Pagination::Page { number, size } => {
                let numbers: Vec<Value> = bodies.iter().map(|b| path(b, number).clone()).collect();
                assert_eq!(numbers, [json!(0), json!(1), json!(2)], "{id}");
                assert!(bodies.iter().all(|b| *path(b, size) == json!(SIZE)), "{id}");
            }
            Pagination::Cursor { cursor, size } => {
                let cursors: Vec<Value> = bodies.iter().map(|b| path(b, cursor).clone()).collect();
                assert_eq!(
                    cursors,
                    [Value::Null, json!("c1"), json!("c3"), json!("c4")],
                    "{id}"
                );
                assert!(bodies.iter().all(|b| *path(b, size) == json!(SIZE)), "{id}");
            }
        }
        // Everything but the paging fields is the same on every request, and comes from the
        // caller's body.
        let strip = |mut b: Value| {
            for field in &paging {
                remove_path(&mut b, field);
            }
            b
        };
        let first = strip(bodies[0].clone());
        for other in &bodies[1..] {
            assert_eq!(strip(other.clone()), first, "{id}");
        }
        for key in body.as_object().unwrap().keys() {
            if !paging.contains(&key.as_str()) && key != "page" {
                assert!(first.get(key).is_some(), "{id}: `{key}` was not sent");
            }
        }
    }
}

#[tokio::test]
async fn json_adapter_reports_a_bad_body() {
    let server = payments_server(1).await;
    let op = LIST_OPERATIONS
        .iter()
        .find(|op| op.operation_id == "getPayments")
        .unwrap();
    let mut stream = (op.json_stream)(&client(&server), json!({"page": "nope"}), None);
    let error = next(&mut stream).await.unwrap().unwrap_err();
    assert!(error.starts_with("getPayments: invalid body"), "{error}");
    assert!(next(&mut stream).await.is_none());
    assert!(server.requests().is_empty());
}
