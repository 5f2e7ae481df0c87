//! The fault-injection suite: a loopback server that misbehaves on purpose, byte for byte
//! (connections cut, bodies that break off or trickle, hangs, redirects, huge bodies, bad
//! logins), and what the SDK makes of each. Prints a table of the cases; fails on a panic, a
//! payment `POST` sent twice, a secret in any captured `Debug`/`Display`/log line (TRACE), or a
//! wrong outcome.

use std::future::Future;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portone_client::types::{
    BillingKeyPaymentInput, BillingKeyPaymentInputRequired, CardCredential, CardCredentialRequired,
    Currency, LoginViaApiSecretBody, PaymentAmountInput,
};
use portone_client::{AuthScheme, Error, PortOne, RetryConfig};
use portone_openapi::sample::{Fields, Sampler};
use portone_tests::scripted_server::{Fault, RecordedRequest, ScriptedResponse, ScriptedServer};
use portone_tests::trace_capture::Captured;
use serde_json::json;

const SECRET: &str = "suite-api-secret-5f3a9c";
const ACCESS_TOKEN: &str = "suite-access-token-81bd2";
const REFRESH_TOKEN: &str = "suite-refresh-token-c44e0";
const URL_PASSWORD: &str = "suite-url-password-0e9d";
const CARD_NUMBER: &str = "4111222233334444";

/// Everything that must never be printed.
const SECRETS: &[&str] = &[
    SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    URL_PASSWORD,
    CARD_NUMBER,
];

fn paid_payment() -> String {
    json!({"payment": {"pgTxId": "pg-1", "paidAt": "2026-01-01T00:00:00Z"}}).to_string()
}

/// A valid `PAID` payment `order-1` (from the spec), with `status` as given.
fn payment_json(status: &str) -> String {
    let spec = portone_tests::spec();
    let mut payment = Sampler::new(&spec.json, 1, Fields::Required)
        .union_case("Payment", "PAID")
        .expect("a PAID payment");
    payment["id"] = json!("order-1");
    payment["status"] = json!(status);
    payment.to_string()
}

/// A payment POST that must fail (every case here breaks it somehow).
async fn failed_payment(portone: &PortOne) -> Error<portone_client::types::PayWithBillingKeyError> {
    portone
        .payment()
        .pay_with_billing_key("order-1", &pay_body())
        .await
        .expect_err("the payment must fail")
}

fn pay_body() -> BillingKeyPaymentInput {
    BillingKeyPaymentInput::new(BillingKeyPaymentInputRequired {
        billing_key: "billing-key-1",
        order_name: "주문",
        amount: PaymentAmountInput::new(100),
        currency: Currency::Krw,
    })
}

/// What one case observed.
struct Observed {
    requests: Vec<RecordedRequest>,
    outcome: String,
    checks: Result<(), String>,
    /// `Debug` and `Display` of everything the case produced.
    printed: Vec<String>,
}

impl Observed {
    /// A case that ended with `err`: its message, everything printed of it, and whether its
    /// classification holds together (on top of the case's own checks).
    fn error<E>(
        err: &Error<E>,
        checks: Result<(), String>,
        requests: Vec<RecordedRequest>,
    ) -> Observed
    where
        Error<E>: std::error::Error + 'static,
    {
        Observed {
            requests,
            outcome: err.to_string(),
            checks: checks.and_then(|()| classification(err)),
            printed: printed(err),
        }
    }
}

impl Observed {
    /// Adds a case's own checks to those already made.
    fn also(&mut self, checks: Result<(), String>) {
        self.checks = std::mem::replace(&mut self.checks, Ok(())).and(checks);
    }
}

/// What every error says about itself agrees with what it is: an answer from the server has
/// its headers and was sent; a body too large to read leaves the outcome unknown; nothing is
/// both "not sent" and "outcome unknown".
fn classification<E>(err: &Error<E>) -> Result<(), String> {
    let answered = matches!(
        err,
        Error::Api(_) | Error::UnexpectedStatus(_) | Error::Decode(_) | Error::ResponseTooLarge(_)
    );
    check(
        !(err.is_not_sent() && err.is_outcome_unknown()),
        "both not sent and outcome unknown",
    )?;
    if answered {
        check(err.headers().is_some(), "an answer without its headers")?;
        check(!err.is_not_sent(), "an answer classified as not sent")?;
    }
    if matches!(err, Error::ResponseTooLarge(_)) {
        check(
            err.is_outcome_unknown(),
            "a body too large to read: outcome unknown",
        )?;
    }
    Ok(())
}

fn posts(requests: &[RecordedRequest]) -> usize {
    requests.iter().filter(|r| r.method == "POST").count()
}

fn check(ok: bool, what: impl Into<String>) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what.into()) }
}

/// `Display`, `Debug` and pretty `Debug` of an error and of every error in its source chain.
fn printed(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        out.push(format!("{e}"));
        out.push(format!("{e:?}"));
        out.push(format!("{e:#?}"));
        current = e.source();
    }
    out
}

fn client(server: &ScriptedServer) -> portone_client::Builder {
    PortOne::builder()
        .api_secret(SECRET)
        .base_url(server.url())
        .retry(RetryConfig::default().initial_backoff(Duration::from_millis(20)))
}

type Case = fn() -> Pin<Box<dyn Future<Output = Observed>>>;

/// A POST payment whose answer the server mangles with `fault`.
async fn payment_post(fault: Option<Fault>, attempt_timeout: Duration) -> (Observed, Error) {
    let response =
        ScriptedResponse::json(200, paid_payment()).with_header("x-request-id", "req-42");
    let response = match fault {
        Some(fault) => response.with_fault(fault),
        None => response,
    };
    let server = ScriptedServer::start(move |_| response.clone()).await;
    let portone = client(&server)
        .attempt_timeout(attempt_timeout)
        .build()
        .unwrap();
    let err = failed_payment(&portone).await;
    let observed = Observed {
        requests: server.requests(),
        outcome: err.to_string(),
        checks: Ok(()),
        printed: printed(&err),
    };
    (observed, err.into())
}

// Long by design: the table of every fault case, one entry each, in the order it prints.
fn cases() -> Vec<(&'static str, Case)> {
    vec![
        ("POST, connection refused", || {
            Box::pin(async {
                let port = portone_tests::scripted_server::closed_port();
                let portone = PortOne::builder()
                    .api_secret(SECRET)
                    .base_url(format!("http://127.0.0.1:{port}"))
                    .retry(RetryConfig::default().initial_backoff(Duration::from_millis(10)))
                    .build()
                    .unwrap();
                let err = failed_payment(&portone).await;
                Observed {
                    requests: Vec::new(),
                    outcome: err.to_string(),
                    checks: check(
                        err.is_not_sent()
                            && !err.is_outcome_unknown()
                            && err.to_string().contains("not sent"),
                        "not sent",
                    ),
                    printed: printed(&err),
                }
            })
        }),
        ("POST, connection closed without an answer", || {
            Box::pin(async {
                let (mut o, err) = payment_post(Some(Fault::Close), Duration::from_secs(5)).await;
                o.also(check(
                    err.is_outcome_unknown()
                        && err.status().is_none()
                        && o.outcome.contains("outcome is unknown")
                        && posts(&o.requests) == 1,
                    "outcome unknown, sent once",
                ));
                o
            })
        }),
        ("POST, 200 then the body breaks off", || {
            Box::pin(async {
                let (mut o, err) =
                    payment_post(Some(Fault::CutBody(10)), Duration::from_secs(5)).await;
                let header = err
                    .headers()
                    .and_then(|h| h.get("x-request-id"))
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                o.also(check(
                    err.is_outcome_unknown()
                        && !err.is_timeout()
                        && err.status().map(|s| s.as_u16()) == Some(200)
                        && header.as_deref() == Some("req-42")
                        && posts(&o.requests) == 1
                        && o.outcome.contains("200")
                        && o.outcome.contains("outcome is unknown"),
                    "outcome unknown with status 200 and headers, sent once",
                ));
                o
            })
        }),
        (
            "POST, 200 then the body trickles past the attempt timeout",
            || {
                Box::pin(async {
                    let (mut o, err) = payment_post(
                        Some(Fault::Trickle(Duration::from_millis(50))),
                        Duration::from_millis(400),
                    )
                    .await;
                    o.also(check(
                        err.is_timeout()
                            && err.is_outcome_unknown()
                            && err.status().map(|s| s.as_u16()) == Some(200)
                            && posts(&o.requests) == 1,
                        "timeout, outcome unknown, status 200, sent once",
                    ));
                    o
                })
            },
        ),
        ("POST, no answer past the attempt timeout", || {
            Box::pin(async {
                let (mut o, err) =
                    payment_post(Some(Fault::Hang), Duration::from_millis(300)).await;
                o.also(check(
                    err.is_timeout() && err.is_outcome_unknown() && posts(&o.requests) == 1,
                    "timeout, outcome unknown, sent once",
                ));
                o
            })
        }),
        ("POST, 503 is not retried", || {
            Box::pin(async {
                let server = ScriptedServer::start(|_| ScriptedResponse::json(503, "{}")).await;
                let portone = client(&server).build().unwrap();
                let err = failed_payment(&portone).await;
                let requests = server.requests();
                Observed::error(
                    &err,
                    check(
                        posts(&requests) == 1 && err.status().map(|s| s.as_u16()) == Some(503),
                        "one POST",
                    ),
                    requests,
                )
            })
        }),
        ("POST, 301 redirect is not followed", || {
            Box::pin(async {
                let server = ScriptedServer::start(|_| {
                    ScriptedResponse::json(301, "")
                        .with_header("location", "http://127.0.0.1:9/elsewhere")
                })
                .await;
                let portone = client(&server).build().unwrap();
                let err = failed_payment(&portone).await;
                let requests = server.requests();
                let location = match &err {
                    Error::UnexpectedStatus(u) => u.location().map(str::to_owned),
                    _ => None,
                };
                Observed::error(
                    &err,
                    check(
                        requests.len() == 1
                            && posts(&requests) == 1
                            && location.as_deref() == Some("http://127.0.0.1:9/elsewhere"),
                        "unexpected 301 with its Location, one POST",
                    ),
                    requests,
                )
            })
        }),
        ("POST, 307 redirect is not re-sent", || {
            Box::pin(async {
                let server = ScriptedServer::start(|r| {
                    if r.path().starts_with("/payments") {
                        ScriptedResponse::json(307, "").with_header("location", "/other")
                    } else {
                        ScriptedResponse::json(200, paid_payment())
                    }
                })
                .await;
                let portone = client(&server).build().unwrap();
                let err = failed_payment(&portone).await;
                let requests = server.requests();
                Observed::error(
                    &err,
                    check(
                        requests.len() == 1 && err.status().map(|s| s.as_u16()) == Some(307),
                        "one request",
                    ),
                    requests,
                )
            })
        }),
        ("GET, the body breaks off once, then a good answer", || {
            Box::pin(async {
                let count = Arc::new(Mutex::new(0));
                let seen = count.clone();
                let server = ScriptedServer::start(move |_| {
                    let mut n = seen.lock().unwrap();
                    *n += 1;
                    let ok = ScriptedResponse::json(200, payment_json("PAID"));
                    if *n == 1 {
                        ok.with_fault(Fault::CutBody(20))
                    } else {
                        ok
                    }
                })
                .await;
                let portone = client(&server).build().unwrap();
                let result = portone.payment().get_payment("order-1").await;
                let requests = server.requests();
                Observed {
                    checks: check(
                        result.is_ok() && requests.len() == 2,
                        "retried once, then decoded",
                    ),
                    outcome: format!(
                        "{:?}",
                        result
                            .as_ref()
                            .map(|p| p.tag().to_owned())
                            .map_err(|e| e.to_string())
                    ),
                    printed: result.err().map(|e| printed(&e)).unwrap_or_default(),
                    requests,
                }
            })
        }),
        ("GET, 503 with an unparseable Retry-After, then 200", || {
            Box::pin(retry_after_case("soon", true))
        }),
        ("GET, 503 with a negative Retry-After, then 200", || {
            Box::pin(retry_after_case("-1", true))
        }),
        ("GET, 503 with Retry-After: 1, then 200", || {
            Box::pin(async {
                let start = Instant::now();
                let mut observed = retry_after_case("1", true).await;
                if start.elapsed() < Duration::from_millis(900) {
                    observed.checks = Err(format!("waited only {:?}", start.elapsed()));
                }
                observed
            })
        }),
        (
            "GET, 503 with Retry-After: 3600 (over max_retry_after)",
            || Box::pin(retry_after_case("3600", false)),
        ),
        ("GET, body over the size limit (Content-Length)", || {
            Box::pin(async {
                let server =
                    ScriptedServer::start(|_| ScriptedResponse::json(200, "x".repeat(4096))).await;
                let portone = client(&server).max_response_size(1024).build().unwrap();
                let err = portone.payment().get_payment("order-1").await.unwrap_err();
                let requests = server.requests();
                Observed::error(
                    &err,
                    check(
                        matches!(err, Error::ResponseTooLarge(_)) && requests.len() == 1,
                        "too large, not retried",
                    ),
                    requests,
                )
            })
        }),
        ("GET, chunked body over the size limit", || {
            Box::pin(async {
                let chunk = "y".repeat(800);
                let raw = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{0:x}\r\n{chunk}\r\n{0:x}\r\n{chunk}\r\n0\r\n\r\n",
                    chunk.len()
                );
                let server =
                    ScriptedServer::start(move |_| ScriptedResponse::raw(raw.clone())).await;
                let portone = client(&server).max_response_size(1024).build().unwrap();
                let err = portone.payment().get_payment("order-1").await.unwrap_err();
                let requests = server.requests();
                Observed::error(
                    &err,
                    check(
                        matches!(&err, Error::ResponseTooLarge(r) if r.limit() == 1024),
                        "too large",
                    ),
                    requests,
                )
            })
        }),
        (
            "GET, 200 whose body does not decode: a Decode error with the answer's headers",
            || {
                Box::pin(async {
                    let server = ScriptedServer::start(|_| {
                        ScriptedResponse::json(200, r#"{"status": "PAID", "id": 7}"#.to_owned())
                    })
                    .await;
                    let portone = client(&server).build().unwrap();
                    let err = portone.payment().get_payment("order-1").await.unwrap_err();
                    let requests = server.requests();
                    Observed::error(
                        &err,
                        check(
                            matches!(&err, Error::Decode(d) if d.status() == 200)
                                && err
                                    .headers()
                                    .is_some_and(|h| h.contains_key("content-type"))
                                && requests.len() == 1,
                            "a decode error, not retried",
                        ),
                        requests,
                    )
                })
            },
        ),
        ("GET, 502 with a 5 MB body: short Debug and Display", || {
            Box::pin(async {
                let server = ScriptedServer::start(|_| {
                    ScriptedResponse::json(502, "<html>".repeat(900_000))
                })
                .await;
                let portone = client(&server)
                    .retry(RetryConfig::disabled())
                    .build()
                    .unwrap();
                let err = portone.payment().get_payment("order-1").await.unwrap_err();
                let longest = printed(&err).iter().map(String::len).max().unwrap_or(0);
                let requests = server.requests();
                Observed::error(
                    &err,
                    check(
                        longest < 4096
                            && matches!(&err, Error::UnexpectedStatus(u) if u.body().len() == 5_400_000),
                        format!("longest line {longest} bytes, body kept whole"),
                    ),
                    requests,
                )
            })
        }),
        ("GET, whole-call timeout across retries", || {
            Box::pin(async {
                let server = ScriptedServer::start(|_| ScriptedResponse::json(503, "{}")).await;
                let portone = client(&server)
                    .retry(
                        RetryConfig::default()
                            .max_attempts(100)
                            .initial_backoff(Duration::from_millis(100)),
                    )
                    .timeout(Duration::from_millis(600))
                    .build()
                    .unwrap();
                let start = Instant::now();
                let err = portone.payment().get_payment("order-1").await.unwrap_err();
                let elapsed = start.elapsed();
                let requests = server.requests();
                Observed::error(
                    &err,
                    check(
                        err.is_timeout()
                            && elapsed < Duration::from_millis(1500)
                            && requests.len() > 1,
                        format!("timed out after {elapsed:?}"),
                    ),
                    requests,
                )
            })
        }),
        (
            "bearer: a hanging login shared by 10 calls (0.5 s timeout)",
            || {
                Box::pin(async {
                    let server = ScriptedServer::start(|r| {
                        if r.path() == "/login/api-secret" {
                            ScriptedResponse::json(200, "{}").with_fault(Fault::Hang)
                        } else {
                            ScriptedResponse::json(200, payment_json("PAID"))
                        }
                    })
                    .await;
                    let portone = client(&server)
                        .auth_scheme(AuthScheme::AccessToken)
                        .attempt_timeout(Duration::from_millis(500))
                        .build()
                        .unwrap();
                    let start = Instant::now();
                    let calls: Vec<_> = (0..10)
                        .map(|_| {
                            let portone = portone.clone();
                            tokio::spawn(
                                async move { portone.payment().get_payment("order-1").await },
                            )
                        })
                        .collect();
                    let mut errors = Vec::new();
                    for call in calls {
                        errors.push(call.await.unwrap().unwrap_err());
                    }
                    let elapsed = start.elapsed();
                    let again = portone.payment().get_payment("order-1").await.unwrap_err();
                    let requests = server.requests();
                    let logins = requests
                        .iter()
                        .filter(|r| r.path() == "/login/api-secret")
                        .count();
                    let mut printed_all: Vec<String> =
                        errors.iter().flat_map(|e| printed(e)).collect();
                    printed_all.extend(printed(&again));
                    Observed {
                        checks: check(
                            logins == 1
                                && errors
                                    .iter()
                                    .all(|e| e.is_timeout() && matches!(e, Error::Auth(_)))
                                && again.is_timeout()
                                && elapsed < Duration::from_millis(1500),
                            format!("{logins} logins, {elapsed:?}"),
                        ),
                        outcome: errors[0].to_string(),
                        printed: printed_all,
                        requests,
                    }
                })
            },
        ),
        ("bearer: login answers 503, 20 calls", || {
            Box::pin(async {
                let server = ScriptedServer::start(|r| {
                    if r.path() == "/login/api-secret" {
                        ScriptedResponse::json(503, "{}")
                    } else {
                        ScriptedResponse::json(200, payment_json("PAID"))
                    }
                })
                .await;
                let portone = client(&server)
                    .auth_scheme(AuthScheme::AccessToken)
                    .build()
                    .unwrap();
                let mut printed_all = Vec::new();
                let mut all_auth = true;
                for _ in 0..20 {
                    let err = portone.payment().get_payment("order-1").await.unwrap_err();
                    all_auth &= matches!(err, Error::Auth(_)) && err.is_not_sent();
                    printed_all.extend(printed(&err));
                }
                let requests = server.requests();
                let logins = requests
                    .iter()
                    .filter(|r| r.path() == "/login/api-secret")
                    .count();
                Observed {
                    checks: check(
                        all_auth && logins == 1,
                        format!("{logins} logins for 20 calls within the back-off"),
                    ),
                    outcome: printed_all[0].clone(),
                    printed: printed_all,
                    requests,
                }
            })
        }),
        (
            "bearer: login 200 with a body that does not decode (holds tokens)",
            || {
                Box::pin(async {
                    let body = format!(
                        r#"{{"accessToken":"{ACCESS_TOKEN}","refreshToken":{{"oops":"{REFRESH_TOKEN}"}}}}"#
                    );
                    let server = ScriptedServer::start(move |r| {
                        if r.path() == "/login/api-secret" {
                            ScriptedResponse::json(200, body.clone())
                        } else {
                            ScriptedResponse::json(200, payment_json("PAID"))
                        }
                    })
                    .await;
                    let portone = client(&server)
                        .auth_scheme(AuthScheme::AccessToken)
                        .build()
                        .unwrap();
                    let err = portone.payment().get_payment("order-1").await.unwrap_err();
                    let requests = server.requests();
                    Observed::error(
                        &err,
                        check(
                            matches!(&err, Error::Auth(a) if matches!(a.error(), Error::Decode(_))),
                            "a decode error of the login",
                        ),
                        requests,
                    )
                })
            },
        ),
        ("wire: POST without a body sends Content-Length: 0", || {
            Box::pin(async {
                let server = ScriptedServer::start(|_| ScriptedResponse::json(200, "{}")).await;
                let portone = client(&server).build().unwrap();
                let _ = portone
                    .identity_verification()
                    .resend_identity_verification("iv-1")
                    .await;
                let requests = server.requests();
                Observed {
                    checks: check(
                        requests.len() == 1 && requests[0].header("content-length") == Some("0"),
                        "content-length: 0",
                    ),
                    outcome: format!("{:?}", requests.first().map(|r| r.header("content-length"))),
                    printed: Vec::new(),
                    requests,
                }
            })
        }),
        (
            "wire: query values like encodeURIComponent, no api-version",
            || {
                Box::pin(async {
                    let server = ScriptedServer::start(|_| {
                        ScriptedResponse::json(200, payment_json("PAID"))
                    })
                    .await;
                    let portone = client(&server).build().unwrap();
                    // `'` is the one difference from `encodeURIComponent`: every WHATWG URL parser
                    // (also the fetch under PortOne's TypeScript SDK) escapes it in a query.
                    let _ = portone
                        .payment()
                        .get_payment("order-1")
                        .store_id("a b!'(~)*+=&")
                        .await;
                    let requests = server.requests();
                    let target = requests
                        .first()
                        .map(|r| r.target.clone())
                        .unwrap_or_default();
                    Observed {
                        checks: check(
                            target == "/payments/order-1?storeId=a%20b!%27(~)*%2B%3D%26"
                                && requests[0].header("api-version").is_none(),
                            format!("target {target}"),
                        ),
                        outcome: target,
                        printed: Vec::new(),
                        requests,
                    }
                })
            },
        ),
        ("wire: a gzip answer is accepted and decoded", || {
            Box::pin(async {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(payment_json("PAID").as_bytes()).unwrap();
                let gzipped = encoder.finish().unwrap();
                let server = ScriptedServer::start(move |_| ScriptedResponse {
                    status: 200,
                    headers: vec![
                        ("content-type".into(), "application/json".into()),
                        ("content-encoding".into(), "gzip".into()),
                    ],
                    body: gzipped.clone(),
                    fault: None,
                })
                .await;
                let portone = client(&server).build().unwrap();
                let result = portone.payment().get_payment("order-1").await;
                let requests = server.requests();
                Observed {
                    checks: check(
                        result.as_ref().is_ok_and(|p| p.id() == Some("order-1"))
                            && requests[0]
                                .header("accept-encoding")
                                .is_some_and(|v| v.contains("gzip")),
                        "decoded",
                    ),
                    outcome: format!(
                        "{:?}",
                        result
                            .as_ref()
                            .map(|p| p.tag().to_owned())
                            .map_err(|e| e.to_string())
                    ),
                    printed: Vec::new(),
                    requests,
                }
            })
        }),
        (
            "config: base URL with a trailing space and a password",
            || {
                Box::pin(async {
                    let server = ScriptedServer::start(|_| {
                        ScriptedResponse::json(200, payment_json("PAID"))
                    })
                    .await;
                    let url = server
                        .url()
                        .replace("http://", &format!("http://user:{URL_PASSWORD}@"));
                    let portone = client(&server)
                        .base_url(format!("{url}/ "))
                        .build()
                        .unwrap();
                    let result = portone.payment().get_payment("order-1").await;
                    let requests = server.requests();
                    let long = PortOne::builder()
                        .api_secret(SECRET)
                        .base_url(format!(
                            "http://user:{URL_PASSWORD}@x/{}?q",
                            "a".repeat(100_000)
                        ))
                        .build()
                        .unwrap_err();
                    let mut shown = vec![
                        format!("{portone:?}"),
                        format!("{long}"),
                        format!("{long:?}"),
                    ];
                    if let Err(e) = &result {
                        shown.extend(printed(e));
                    }
                    Observed {
                        checks: check(
                            result.is_ok()
                                && requests[0].target == "/payments/order-1"
                                && long.to_string().len() < 300,
                            "trailing space trimmed, long URL error short",
                        ),
                        outcome: long.to_string(),
                        printed: shown,
                        requests,
                    }
                })
            },
        ),
        ("decoding: a payment status added later", || {
            Box::pin(async {
                let server = ScriptedServer::start(|_| {
                    ScriptedResponse::json(200, payment_json("REFUNDED"))
                })
                .await;
                let portone = client(&server).build().unwrap();
                let payment = portone.payment().get_payment("order-1").await.unwrap();
                let requests = server.requests();
                Observed {
                    checks: check(
                        payment.is_unrecognized()
                            && payment.id() == Some("order-1")
                            && payment.tag() == "REFUNDED",
                        "kept, id readable",
                    ),
                    outcome: payment.tag().to_owned(),
                    printed: vec![format!("{payment:?}")],
                    requests,
                }
            })
        }),
        ("secrets: Debug of credentials and card data", || {
            Box::pin(async {
                let card = CardCredential::new(CardCredentialRequired {
                    number: CARD_NUMBER,
                    expiry_year: "30",
                    expiry_month: "12",
                })
                .password_two_digits("12");
                let login = LoginViaApiSecretBody::new(SECRET);
                let portone = PortOne::builder()
                    .api_secret(SECRET)
                    .auth_scheme(AuthScheme::AccessToken)
                    .build()
                    .unwrap();
                let builder = PortOne::builder().api_secret(SECRET);
                Observed {
                    checks: Ok(()),
                    outcome: format!("{card:?}"),
                    printed: vec![
                        format!("{card:?}"),
                        format!("{login:?}"),
                        format!("{portone:?}"),
                        format!("{builder:?}"),
                        format!("{:?}", portone.auth().login_via_api_secret(&login)),
                    ],
                    requests: Vec::new(),
                }
            })
        }),
    ]
}

async fn retry_after_case(value: &'static str, retried: bool) -> Observed {
    let count = Arc::new(Mutex::new(0));
    let seen = count.clone();
    let server = ScriptedServer::start(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n == 1 {
            ScriptedResponse::json(503, "{}").with_header("retry-after", value)
        } else {
            ScriptedResponse::json(200, payment_json("PAID"))
        }
    })
    .await;
    let portone = client(&server).build().unwrap();
    let result = portone.payment().get_payment("order-1").await;
    let requests = server.requests();
    let expected = if retried { 2 } else { 1 };
    Observed {
        checks: check(
            requests.len() == expected && result.is_ok() == retried,
            format!("{} requests, expected {expected}", requests.len()),
        ),
        outcome: format!(
            "{:?}",
            result
                .as_ref()
                .map(|p| p.tag().to_owned())
                .map_err(|e| e.to_string())
        ),
        printed: result.err().map(|e| printed(&e)).unwrap_or_default(),
        requests,
    }
}

#[test]
fn fault_injection_suite() {
    let logs = Captured::default();
    let _guard = logs.install();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut table = String::from(
        "| # | case | SDK's answer | requests (POST) | result |\n|---|---|---|---|---|\n",
    );
    let (mut panics, mut failures, mut duplicate_posts, mut leaks) = (0, Vec::new(), 0, Vec::new());
    for (i, (name, case)) in cases().into_iter().enumerate() {
        // A task of its own, so that a panic is caught and counted.
        let local = tokio::task::LocalSet::new();
        let observed =
            runtime.block_on(local.run_until(async { tokio::task::spawn_local(case()).await }));
        let observed = match observed {
            Ok(observed) => observed,
            Err(panic) => {
                panics += 1;
                failures.push(format!("{name}: panicked: {panic}"));
                continue;
            }
        };
        let post_count = posts(&observed.requests);
        if post_count > 1 {
            duplicate_posts += 1;
        }
        for line in &observed.printed {
            for secret in SECRETS {
                if line.contains(secret) {
                    leaks.push(format!(
                        "{name}: {secret} in {}",
                        &line[..line.len().min(200)]
                    ));
                }
            }
        }
        let verdict = match &observed.checks {
            Ok(()) => "ok".to_owned(),
            Err(why) => {
                failures.push(format!("{name}: {why} (answer: {})", observed.outcome));
                format!("**FAILED**: {why}")
            }
        };
        let answer: String = observed.outcome.chars().take(110).collect();
        table.push_str(&format!(
            "| {} | {name} | {} | {} ({post_count}) | {verdict} |\n",
            i + 1,
            answer.replace('|', "\\|"),
            observed.requests.len()
        ));
    }
    drop(runtime);
    let log_text = logs.text();
    let log_lines = log_text.lines().count();
    for secret in SECRETS {
        if let Some(line) = log_text.lines().find(|l| l.contains(secret)) {
            leaks.push(format!("log: {secret} in {}", &line[..line.len().min(200)]));
        }
    }
    println!("{table}");
    println!(
        "{} cases, {panics} panics, {duplicate_posts} duplicate POSTs, {} secrets found in printed values and {log_lines} log lines (TRACE)",
        cases().len(),
        leaks.len()
    );
    assert!(log_lines > 0, "the SDK traced nothing");
    assert_eq!(panics, 0, "{failures:?}");
    assert_eq!(duplicate_posts, 0);
    assert!(leaks.is_empty(), "secrets printed:\n{}", leaks.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
