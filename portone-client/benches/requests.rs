//! Request overhead: the same requests through `portone-client` and through a hand-written
//! `reqwest` + `serde_json::Value` call, against a loopback server returning fixed realistic
//! bodies.
//!
//! ```text
//! cargo bench -p portone-client --bench requests
//! ```
//!
//! - `get_payment`: `GET /payments/{id}`, one `PAID` card payment (~2.5 KB).
//! - `get_payments_1000`: `GET /payments?requestBody=...` (a page of 1000), answered with 1000
//!   payments of every status and payment method (~2 MB).
//!
//! Three diagnostic variants of `get_payment` at concurrency 1 locate the SDK's per-request
//! cost: `sdk_generated` (the generated client under the facade, `PortOne::raw()`),
//! `sdk_default_reqwest` (the SDK given `reqwest::Client::new()`), `raw_value_timeout` (the
//! hand-written call with the SDK's per-attempt timeout).
//!
//! Each is run at concurrency 1 (one request per iteration) and 8 (8 tasks sharing one client,
//! [`BATCH`] requests per iteration); divan's `item/s` column is requests per second. The
//! client side runs on a current-thread tokio runtime on divan's thread, so divan's
//! `AllocProfiler` counts every client allocation (connection tasks included) and none of the
//! server's, which runs on its own thread. Decoded responses are dropped inside the timing.
//! At start-up both clients are checked to send the same request (path, decoded query,
//! `Authorization`) and to get the same data back.

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use divan::counter::ItemsCount;
use divan::{AllocProfiler, Bencher};
use portone_client::types::{GetPaymentsBody, PageInput};
use portone_client::{PortOne, RetryConfig};
use serde_json::Value;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

#[path = "fixtures/mod.rs"]
mod fixtures;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

/// The API secret both clients send.
const SECRET: &str = "bench-api-secret";
/// The payment id of `get_payment`.
const PAYMENT_ID: &str = "payment-0197f5e6-1c1a-7b43-9a8e-2d6b1f0c8a11";
/// Requests per iteration at concurrency 8, per operation.
const BATCH: [usize; 2] = [32, 8];

/// The loopback server, started once.
static SERVER: LazyLock<Server> = LazyLock::new(|| {
    Server::start().unwrap_or_else(|message| {
        eprintln!("error: {message}");
        std::process::exit(1)
    })
});

fn main() {
    let server = &*SERVER;
    if let Err(message) = check_same_requests(server) {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
    println!(
        "loopback server on {}: getPayment body {} bytes, getPayments body {} bytes ({} bytes gzip-compressed, {:.1}%)",
        server.address,
        server.payment.len(),
        server.payments.len(),
        server.payments_gzip.len(),
        100.0 * server.payments_gzip.len() as f64 / server.payments.len() as f64
    );
    divan::main();
}

struct Server {
    address: SocketAddr,
    base_url: String,
    payment: Bytes,
    payments: Bytes,
    payments_gzip: Bytes,
    /// Target (`path?query`) and `Authorization` of the last request.
    last: Arc<Mutex<(String, String)>>,
}

#[derive(Clone)]
struct Bodies {
    payment: Bytes,
    payments: Bytes,
    /// `payments`, gzip-compressed: served under the path prefix `/gzip`.
    payments_gzip: Bytes,
    last: Arc<Mutex<(String, String)>>,
}

impl Server {
    fn start() -> Result<Server, String> {
        let fixtures = fixtures::Fixtures::load()
            .map_err(|e| format!("cannot generate the benchmark fixtures: {e}"))?;
        let payments_gzip = {
            use std::io::Write as _;
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder
                .write_all(&fixtures.payments)
                .and_then(|()| encoder.finish())
                .map_err(|e| format!("cannot compress the fixture: {e}"))?
        };
        let bodies = Bodies {
            payment: Bytes::from(fixtures.payment),
            payments: Bytes::from(fixtures.payments),
            payments_gzip: Bytes::from(payments_gzip),
            last: Arc::default(),
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let state = bodies.clone();
        std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || serve(listener, state))
            .map_err(|e| format!("cannot start the server thread: {e}"))?;
        Ok(Server {
            address,
            base_url: format!("http://{address}"),
            payment: bodies.payment,
            payments: bodies.payments,
            payments_gzip: bodies.payments_gzip,
            last: bodies.last,
        })
    }
}

/// Runs the server on this thread (its own single-threaded runtime) until the process exits.
fn serve(listener: std::net::TcpListener, bodies: Bodies) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: server runtime: {e}");
            std::process::exit(1)
        }
    };
    runtime.block_on(async move {
        let app = axum::Router::new().fallback(respond).with_state(bodies);
        let served = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => axum::serve(listener, app).await,
            Err(e) => Err(e),
        };
        if let Err(e) = served {
            eprintln!("error: loopback server: {e}");
            std::process::exit(1)
        }
    });
}

/// `GET /payments/{id}` and `GET /payments?requestBody=...`; anything else is a 404, a request
/// without the secret a 401.
async fn respond(State(bodies): State<Bodies>, request: Request) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.as_str().to_owned());
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let authorized = authorization.strip_prefix("PortOne ") == Some(SECRET);
    let (gzip, path) = match request.uri().path().strip_prefix("/gzip") {
        Some(path) => (true, path),
        None => (false, request.uri().path()),
    };
    let body = if request.method() != axum::http::Method::GET {
        None
    } else if path == "/payments"
        && request
            .uri()
            .query()
            .is_some_and(|q| q.starts_with("requestBody="))
    {
        Some(if gzip {
            bodies.payments_gzip.clone()
        } else {
            bodies.payments.clone()
        })
    } else if path.strip_prefix("/payments/") == Some(PAYMENT_ID) {
        Some(bodies.payment.clone())
    } else {
        None
    };
    if let Ok(mut last) = bodies.last.lock() {
        *last = (target, authorization);
    }
    match (authorized, body) {
        (false, _) => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"type":"UNAUTHORIZED","message":"bad secret"}"#,
        )
            .into_response(),
        (true, Some(body)) if gzip => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            body,
        )
            .into_response(),
        (true, Some(body)) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        (true, None) => (StatusCode::NOT_FOUND, "no such route").into_response(),
    }
}

fn runtime() -> Runtime {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => panic!("cannot build a tokio runtime: {e}"),
    }
}

fn sdk_client(server: &Server) -> PortOne {
    match PortOne::builder()
        .api_secret(SECRET)
        .base_url(&server.base_url)
        .retry(RetryConfig::disabled())
        .build()
    {
        Ok(client) => client,
        Err(e) => panic!("cannot build the SDK client: {e}"),
    }
}

/// The page both clients ask for.
fn page_body() -> GetPaymentsBody {
    GetPaymentsBody::new().page(PageInput::new().number(0).size(fixtures::LIST_SIZE as i32))
}

/// A client written by hand with `reqwest` and `serde_json::Value` (cheap to clone, like
/// [`PortOne`]).
#[derive(Clone)]
struct RawClient(Arc<RawConfig>);

struct RawConfig {
    http: reqwest::Client,
    base_url: String,
    authorization: String,
    /// A per-request timeout, like the SDK's (off by default: a hand-written call rarely sets one).
    timeout: Option<std::time::Duration>,
}

impl std::ops::Deref for RawClient {
    type Target = RawConfig;
    fn deref(&self) -> &RawConfig {
        &self.0
    }
}

/// `reqwest::Client::new()`. reqwest is compiled with its rustls backend but no crypto provider
/// (portone-client's `rustls` feature), so a plain client needs a process-wide one: a benchmark
/// program may install it.
fn plain_reqwest() -> reqwest::Client {
    #[allow(
        deprecated,
        reason = "rustls 0.23.48 deprecates ring's provider (no post-quantum key exchange)"
    )]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl RawClient {
    fn new(server: &Server) -> RawClient {
        RawClient(Arc::new(RawConfig {
            http: plain_reqwest(),
            base_url: server.base_url.clone(),
            authorization: format!("PortOne {SECRET}"),
            timeout: None,
        }))
    }

    /// The same client with the SDK's default per-attempt timeout.
    fn with_timeout(server: &Server) -> RawClient {
        RawClient(Arc::new(RawConfig {
            http: plain_reqwest(),
            base_url: server.base_url.clone(),
            authorization: format!("PortOne {SECRET}"),
            timeout: Some(portone_client::DEFAULT_ATTEMPT_TIMEOUT),
        }))
    }

    async fn get_payment(&self, id: &str) -> reqwest::Result<Value> {
        let mut request = self
            .http
            .get(format!("{}/payments/{id}", self.base_url))
            .header(header::AUTHORIZATION, &self.authorization);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        request.send().await?.error_for_status()?.json().await
    }

    async fn get_payments(&self, body: &Value) -> reqwest::Result<Value> {
        self.http
            .get(format!("{}/payments", self.base_url))
            .query(&[("requestBody", body.to_string())])
            .header(header::AUTHORIZATION, &self.authorization)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}

fn raw_page_body() -> Value {
    serde_json::json!({ "page": { "number": 0, "size": fixtures::LIST_SIZE } })
}

/// Checks that both clients send the same request and get the same data back.
fn check_same_requests(server: &Server) -> Result<(), String> {
    let runtime = runtime();
    let sdk = sdk_client(server);
    let raw = RawClient::new(server);
    let last = || server.last.lock().map(|l| l.clone()).unwrap_or_default();
    runtime.block_on(async {
        let typed = sdk
            .payment()
            .get_payment(PAYMENT_ID)
            .await
            .map_err(|e| format!("SDK getPayment: {e}"))?;
        let sdk_request = last();
        let value = raw
            .get_payment(PAYMENT_ID)
            .await
            .map_err(|e| format!("raw getPayment: {e}"))?;
        same_request("getPayment", &sdk_request, &last())?;
        if serde_json::to_value(&typed).map_err(|e| e.to_string())?["id"] != value["id"] {
            return Err("getPayment: the clients decoded different payments".into());
        }

        let typed = sdk
            .payment()
            .get_payments(&page_body())
            .await
            .map_err(|e| format!("SDK getPayments: {e}"))?;
        let sdk_request = last();
        let value = raw
            .get_payments(&raw_page_body())
            .await
            .map_err(|e| format!("raw getPayments: {e}"))?;
        same_request("getPayments", &sdk_request, &last())?;
        let raw_items = value["items"].as_array().map_or(0, Vec::len);
        if typed.items.len() != fixtures::LIST_SIZE || raw_items != fixtures::LIST_SIZE {
            return Err(format!(
                "getPayments: {} typed and {raw_items} raw items, not {}",
                typed.items.len(),
                fixtures::LIST_SIZE
            ));
        }
        Ok(())
    })
}

/// Compares two recorded requests: path, decoded query (`requestBody` as JSON), `Authorization`.
fn same_request(
    operation: &str,
    sdk: &(String, String),
    raw: &(String, String),
) -> Result<(), String> {
    let parse = |target: &str| -> Result<(String, Vec<(String, Value)>), String> {
        let url = reqwest::Url::parse(&format!("http://loopback{target}"))
            .map_err(|e| format!("{target}: {e}"))?;
        let query = url
            .query_pairs()
            .map(|(k, v)| {
                let value = serde_json::from_str(&v).unwrap_or(Value::String(v.into_owned()));
                (k.into_owned(), value)
            })
            .collect();
        Ok((url.path().to_owned(), query))
    };
    let (sdk_target, raw_target) = (parse(&sdk.0)?, parse(&raw.0)?);
    if sdk_target != raw_target || sdk.1 != raw.1 {
        return Err(format!(
            "{operation}: the clients sent different requests: SDK {} ({}), raw {} ({})",
            sdk.0, sdk.1, raw.0, raw.1
        ));
    }
    Ok(())
}

/// Runs `batch` calls of `call` spread over `concurrency` tasks.
async fn run_concurrently<C, F>(client: &C, concurrency: usize, batch: usize, call: fn(C) -> F)
where
    C: Clone + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let client = client.clone();
        tasks.spawn(async move {
            for _ in 0..batch / concurrency {
                call(client.clone()).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done {
            panic!("a request task failed: {e}");
        }
    }
}

/// Times `call` at `concurrency` (1: one call per iteration; else `batch` calls per iteration).
fn bench_calls<C, F>(
    bencher: Bencher,
    client: C,
    concurrency: usize,
    batch: usize,
    call: fn(C) -> F,
) where
    C: Clone + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let runtime = runtime();
    // Warm up: open the connections outside the timing.
    runtime.block_on(run_concurrently(&client, concurrency, concurrency, call));
    if concurrency == 1 {
        bencher
            .counter(ItemsCount::new(1usize))
            .bench_local(|| runtime.block_on(call(client.clone())));
    } else {
        bencher
            .counter(ItemsCount::new(batch))
            .bench_local(|| runtime.block_on(run_concurrently(&client, concurrency, batch, call)));
    }
}

async fn sdk_get_payment(client: PortOne) {
    if let Err(e) = client.payment().get_payment(PAYMENT_ID).await {
        panic!("SDK getPayment: {e}");
    }
}

async fn generated_get_payment(client: PortOne) {
    if let Err(e) = client.raw().get_payment(PAYMENT_ID, None).await {
        panic!("generated getPayment: {e}");
    }
}

async fn raw_get_payment(client: RawClient) {
    if let Err(e) = client.get_payment(PAYMENT_ID).await {
        panic!("raw getPayment: {e}");
    }
}

async fn sdk_get_payments(client: PortOne) {
    if let Err(e) = client.payment().get_payments(&page_body()).await {
        panic!("SDK getPayments: {e}");
    }
}

async fn raw_get_payments(client: RawClient) {
    if let Err(e) = client.get_payments(&raw_page_body()).await {
        panic!("raw getPayments: {e}");
    }
}

/// `GET /payments/{id}`: one payment.
mod get_payment {
    use super::*;

    /// Through `portone-client` (typed `Payment`).
    #[divan::bench(consts = [1, 8])]
    fn sdk<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = sdk_client(&SERVER);
        bench_calls(bencher, client, CONCURRENCY, BATCH[0], sdk_get_payment);
    }

    /// Hand-written `reqwest` + `serde_json::Value`.
    #[divan::bench(consts = [1, 8])]
    fn raw_value<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = RawClient::new(&SERVER);
        bench_calls(bencher, client, CONCURRENCY, BATCH[0], raw_get_payment);
    }

    /// The generated client under the facade (`PortOne::raw()`: same pipeline, no facade
    /// error mapping), to locate the facade's own cost.
    #[divan::bench(consts = [1])]
    fn sdk_generated<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = sdk_client(&SERVER);
        bench_calls(
            bencher,
            client,
            CONCURRENCY,
            BATCH[0],
            generated_get_payment,
        );
    }

    /// The SDK given a default `reqwest::Client` (as the hand-written call uses) instead of
    /// the one it builds itself.
    #[divan::bench(consts = [1])]
    fn sdk_default_reqwest<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = match PortOne::builder()
            .api_secret(SECRET)
            .base_url(&SERVER.base_url)
            .retry(RetryConfig::disabled())
            .http_client(plain_reqwest())
            .build()
        {
            Ok(client) => client,
            Err(e) => panic!("cannot build the SDK client: {e}"),
        };
        bench_calls(bencher, client, CONCURRENCY, BATCH[0], sdk_get_payment);
    }

    /// The hand-written call with the SDK's 30 s per-request timeout (what a timer costs).
    #[divan::bench(consts = [1])]
    fn raw_value_timeout<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = RawClient::with_timeout(&SERVER);
        bench_calls(bencher, client, CONCURRENCY, BATCH[0], raw_get_payment);
    }
}

/// `GET /payments?requestBody=...`: a page of 1000 payments (~2 MB).
mod get_payments_1000 {
    use super::*;

    /// Through `portone-client` (typed `GetPaymentsResponse`).
    #[divan::bench(consts = [1, 8], sample_count = 40)]
    fn sdk<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = sdk_client(&SERVER);
        bench_calls(bencher, client, CONCURRENCY, BATCH[1], sdk_get_payments);
    }

    /// Hand-written `reqwest` + `serde_json::Value`.
    #[divan::bench(consts = [1, 8], sample_count = 40)]
    fn raw_value<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = RawClient::new(&SERVER);
        bench_calls(bencher, client, CONCURRENCY, BATCH[1], raw_get_payments);
    }

    /// Through `portone-client`, the page gzip-compressed on the wire (decompressed by the
    /// client: the cost of gzip on loopback, where transfer is free).
    #[divan::bench(consts = [1], sample_count = 40)]
    fn sdk_gzip<const CONCURRENCY: usize>(bencher: Bencher) {
        let client = match PortOne::builder()
            .api_secret(SECRET)
            .base_url(format!("{}/gzip", SERVER.base_url))
            .retry(RetryConfig::disabled())
            .build()
        {
            Ok(client) => client,
            Err(e) => panic!("cannot build the SDK client: {e}"),
        };
        bench_calls(bencher, client, CONCURRENCY, BATCH[1], sdk_get_payments);
    }
}
