//! A local PortOne V2 server driven by PortOne's published OpenAPI spec, for tests.
//!
//! Nobody can test a payments integration against the real PortOne API in CI. This crate
//! serves every operation of a spec document (any version) on loopback:
//!
//! - **Routing** from the spec: an unknown path or method answers `404` with
//!   `{"type": "NOT_FOUND", "message": ...}`.
//! - **Authentication**: operations with `security` need `Authorization: PortOne <API secret>`
//!   (any non-empty secret unless [`MockConfig::api_secret`] restricts them) or
//!   `Authorization: Bearer <access token>` issued by the mock's `POST /login/api-secret`
//!   (renewed by `POST /token/refresh`). Missing or bad credentials answer `401 UNAUTHORIZED`.
//! - **Validation** of path and query parameters, headers and the JSON body against the spec
//!   (types, required, enums, discriminated unions incl. unknown tags, `date-time`/`date`
//!   formats, `int32`/`int64` ranges, arrays, maps, unknown properties), for `GET`s the JSON
//!   in the `requestBody` query parameter (an HTTP body on such a request is reported). Any
//!   violation answers `400 INVALID_REQUEST` with a message naming each JSON path, e.g.
//!   `body.filter.status[2]: "PAIDX" is not one of "READY", "PENDING", ...`.
//! - **Responses** valid against the spec, deterministic for a seed and the request's path
//!   IDs, echoing IDs (`paymentId` → the payment's `id`, `storeId`, `billingKey`, ...).
//! - **Documented errors on demand**: the header [`ERROR_HEADER`] (`x-portone-mock-error:
//!   PAYMENT_NOT_FOUND`) makes a valid request answer with that error of the operation's
//!   error union (status from `x-portone-status-code`); a tag the operation does not document
//!   answers `400 INVALID_REQUEST` listing the documented ones.
//! - **State** for PortOne's documented flows (see the crate README): identity verification
//!   (send → confirm with the OTP → verified; resend; `IDENTITY_VERIFICATION_NOT_FOUND`,
//!   `..._NOT_SENT`, `..._ALREADY_SENT`, `..._ALREADY_VERIFIED`) and payments (pay with a
//!   billing key or instantly → get → cancel; `ALREADY_PAID`, `PAYMENT_ALREADY_CANCELLED`,
//!   `PAYMENT_NOT_FOUND`, ...).
//!
//! ```no_run
//! # async fn demo() -> Result<(), portone_mock::MockError> {
//! use portone_mock::{MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig::pinned().seed(7)).await?;
//! println!("PortOne mock at {}", server.url());
//! // ... point the client at server.url() ...
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod context;
mod flows;
mod respond;
mod server;
mod state;
mod validate;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use portone_openapi::Spec;

/// Request header that asks for a documented error: `x-portone-mock-error: PAYMENT_NOT_FOUND`.
pub const ERROR_HEADER: &str = "x-portone-mock-error";

/// The OTP that confirms an identity verification unless [`MockConfig::otp`] sets another.
pub const DEFAULT_OTP: &str = "123456";

/// The store used when a request names none (PortOne takes it from the API secret).
pub const DEFAULT_STORE_ID: &str = "store-00000000-0000-0000-0000-000000000000";

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The spec file could not be read or is not an OpenAPI 3.0 document.
    #[error(transparent)]
    Spec(#[from] portone_openapi::SpecError),
    /// The spec has a construct the mock does not understand.
    #[error("cannot use the spec: {0}")]
    Normalize(#[from] portone_openapi::NormalizeError),
    /// The spec is well-formed but uses something the mock cannot serve.
    #[error("cannot serve the spec: {0}")]
    UnsupportedSpec(String),
    /// [`MockServer::start`] was polled outside a Tokio runtime.
    #[error("MockServer::start needs a Tokio runtime (e.g. #[tokio::test] or #[tokio::main])")]
    NoRuntime,
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
}

#[derive(Debug, Clone)]
enum SpecSource {
    Loaded(Box<Spec>),
    Path(PathBuf),
}

/// How to run a [`MockServer`]: the spec, the seed, the accepted secrets, the port.
///
/// ```
/// use std::time::Duration;
/// use portone_mock::MockConfig;
///
/// let config = MockConfig::from_path("/path/to/v2.openapi.json")
///     .seed(42)
///     .api_secret("my-test-secret")
///     .port(0)
///     .otp("000000")
///     .access_token_ttl(Duration::from_secs(5));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct MockConfig {
    spec: SpecSource,
    seed: u64,
    api_secrets: Vec<String>,
    port: u16,
    otp: String,
    default_store_id: String,
    access_token_ttl: Duration,
    refresh_token_ttl: Duration,
    reject_unknown_fields: bool,
    log_requests: bool,
}

impl MockConfig {
    fn with_source(spec: SpecSource) -> MockConfig {
        MockConfig {
            spec,
            seed: 0,
            api_secrets: Vec::new(),
            port: 0,
            otp: DEFAULT_OTP.to_owned(),
            default_store_id: DEFAULT_STORE_ID.to_owned(),
            access_token_ttl: Duration::from_secs(30 * 60),
            refresh_token_ttl: Duration::from_secs(24 * 60 * 60),
            reject_unknown_fields: true,
            log_requests: false,
        }
    }

    /// Serves an already loaded spec.
    ///
    /// ```no_run
    /// let spec = portone_openapi::Spec::from_path("v2.openapi.json".as_ref())?;
    /// let config = portone_mock::MockConfig::new(spec);
    /// # Ok::<(), portone_openapi::SpecError>(())
    /// ```
    pub fn new(spec: Spec) -> MockConfig {
        MockConfig::with_source(SpecSource::Loaded(Box::new(spec)))
    }

    /// Serves the spec file at `path` (read by [`MockServer::start`]).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::from_path("v2.openapi.json");
    /// # let _ = config;
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> MockConfig {
        MockConfig::with_source(SpecSource::Path(path.as_ref().to_owned()))
    }

    /// Serves the pinned spec: the one `portone-client` of the same version is generated from
    /// (carried by the `portone-openapi` package; in the SDK's repository, the one
    /// `cargo xtask fetch` materializes).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned();
    /// # let _ = config;
    /// ```
    pub fn pinned() -> MockConfig {
        MockConfig::from_path(portone_openapi::source::materialized_spec_path())
    }

    /// The seed of every sampled response (default 0).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().seed(3);
    /// # let _ = config;
    /// ```
    pub fn seed(mut self, seed: u64) -> MockConfig {
        self.seed = seed;
        self
    }

    /// Accepts this API secret; once any is set, only the listed secrets are accepted
    /// (default: any non-empty secret).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().api_secret("a").api_secret("b");
    /// # let _ = config;
    /// ```
    pub fn api_secret(mut self, secret: impl Into<String>) -> MockConfig {
        self.api_secrets.push(secret.into());
        self
    }

    /// The loopback port to listen on (default 0: any free port).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().port(8089);
    /// # let _ = config;
    /// ```
    pub fn port(mut self, port: u16) -> MockConfig {
        self.port = port;
        self
    }

    /// The OTP that confirms identity verifications (default [`DEFAULT_OTP`]).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().otp("987654");
    /// # let _ = config;
    /// ```
    pub fn otp(mut self, otp: impl Into<String>) -> MockConfig {
        self.otp = otp.into();
        self
    }

    /// The store of requests that name none (default [`DEFAULT_STORE_ID`]).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().default_store_id("store-test");
    /// # let _ = config;
    /// ```
    pub fn default_store_id(mut self, store_id: impl Into<String>) -> MockConfig {
        self.default_store_id = store_id.into();
        self
    }

    /// How long issued access tokens are accepted (default 30 minutes, like PortOne).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned()
    ///     .access_token_ttl(std::time::Duration::from_secs(1));
    /// # let _ = config;
    /// ```
    pub fn access_token_ttl(mut self, ttl: Duration) -> MockConfig {
        self.access_token_ttl = ttl;
        self
    }

    /// How long issued refresh tokens are accepted (default one day, like PortOne).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned()
    ///     .refresh_token_ttl(std::time::Duration::from_secs(60));
    /// # let _ = config;
    /// ```
    pub fn refresh_token_ttl(mut self, ttl: Duration) -> MockConfig {
        self.refresh_token_ttl = ttl;
        self
    }

    /// Whether request properties the spec does not declare are reported (default `true`:
    /// a misspelled or invented field is an SDK bug). Free-form objects accept anything.
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().reject_unknown_fields(false);
    /// # let _ = config;
    /// ```
    pub fn reject_unknown_fields(mut self, reject: bool) -> MockConfig {
        self.reject_unknown_fields = reject;
        self
    }

    /// Whether each request is logged to stderr as `METHOD target -> status TYPE` (default
    /// `false`).
    ///
    /// ```
    /// let config = portone_mock::MockConfig::pinned().log_requests(true);
    /// # let _ = config;
    /// ```
    pub fn log_requests(mut self, log: bool) -> MockConfig {
        self.log_requests = log;
        self
    }

    fn load_spec(&self) -> Result<Spec, MockError> {
        match &self.spec {
            SpecSource::Loaded(spec) => Ok((**spec).clone()),
            SpecSource::Path(path) => Ok(Spec::from_path(path)?),
        }
    }
}

/// A running mock server; stops on [`MockServer::shutdown`] or when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    info_version: String,
    operations: usize,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Loads the spec, binds `127.0.0.1:<port>` and serves in a task of the current Tokio
    /// runtime.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), portone_mock::MockError> {
    /// let server = portone_mock::MockServer::start(
    ///     portone_mock::MockConfig::from_path("/abs/v2.openapi.json"),
    /// )
    /// .await?;
    /// assert!(server.url().starts_with("http://127.0.0.1:"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(config: MockConfig) -> Result<MockServer, MockError> {
        tokio::runtime::Handle::try_current().map_err(|_| MockError::NoRuntime)?;
        let spec = config.load_spec()?;
        let api = api::Api::compile(&spec)?;
        let info_version = api.info_version.clone();
        let operations = api.ops.len();
        let addr = SocketAddr::from(([127, 0, 0, 1], config.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| MockError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| MockError::Bind { addr, source })?;
        let inner = Arc::new(context::Inner::new(api, config));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, inner, stopped));
        Ok(MockServer {
            addr,
            info_version,
            operations,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    ///
    /// ```no_run
    /// # async fn demo(server: portone_mock::MockServer) {
    /// let url = format!("{}/payments/abc", server.url());
    /// # }
    /// ```
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    ///
    /// ```no_run
    /// # async fn demo(server: portone_mock::MockServer) {
    /// assert!(server.addr().ip().is_loopback());
    /// # }
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `info.version` of the served spec.
    ///
    /// ```no_run
    /// # async fn demo(server: portone_mock::MockServer) {
    /// println!("serving spec {}", server.spec_version());
    /// # }
    /// ```
    pub fn spec_version(&self) -> &str {
        &self.info_version
    }

    /// Number of operations served (unstable ones included).
    ///
    /// ```no_run
    /// # async fn demo(server: portone_mock::MockServer) {
    /// assert!(server.operation_count() > 100);
    /// # }
    /// ```
    pub fn operation_count(&self) -> usize {
        self.operations
    }

    /// Stops accepting connections and waits for the server task to end.
    ///
    /// ```no_run
    /// # async fn demo(server: portone_mock::MockServer) {
    /// server.shutdown().await;
    /// # }
    /// ```
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server task ends (it ends only on shutdown or a fatal I/O error).
    ///
    /// ```no_run
    /// # async fn demo(server: portone_mock::MockServer) {
    /// server.wait().await;
    /// # }
    /// ```
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The README's examples compile.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
