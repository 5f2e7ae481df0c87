//! [`PortOne`], the client, and its [`Builder`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::auth::{AuthScheme, TokenManager, authorization};
use crate::call::CallOptions;
use crate::error::Error;
use crate::pipeline::{Credentials, Pipeline, USER_AGENT_VALUE};
use crate::retry::RetryConfig;

/// PortOne's API server.
pub const DEFAULT_BASE_URL: &str = "https://api.portone.io";

/// A PortOne V2 API client. Cheap to clone; clones share connections and tokens.
///
/// Operations are grouped like PortOne's documentation: [`payment()`](PortOne::payment),
/// [`identity_verification()`](PortOne::identity_verification),
/// [`platform()`](PortOne::platform), [`b2b()`](PortOne::b2b), ...
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let portone = portone_client::PortOne::builder()
///     .api_secret(std::env::var("PORTONE_API_SECRET")?)
///     .store_id("store-00000000-0000-0000-0000-000000000000")
///     .build()?;
/// let payment = portone.payment().get_payment("order-123").await?;
/// println!("{}", payment.tag());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PortOne {
    inner: Arc<Inner>,
}

struct Inner {
    raw: portone_gen::Client,
    /// What `raw` runs around every request; per-call options start from a copy.
    pipeline: Pipeline,
    http: reqwest::Client,
    base_url: String,
    store_id: Option<String>,
    timeout: Option<Duration>,
}

/// The generated client a call runs on, and its whole-call timeout.
pub(crate) struct Prepared<'a> {
    pub raw: Cow<'a, portone_gen::Client>,
    pub timeout: Option<Duration>,
}

impl fmt::Debug for PortOne {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortOne")
            .field("base_url", &redacted_url(&self.inner.base_url))
            .field("store_id", &self.inner.store_id)
            .finish_non_exhaustive()
    }
}

impl PortOne {
    /// Starts configuring a client.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The generated client underneath (every operation, positional arguments, raw results).
    /// Requests made through it still get credentials, defaults and retries.
    pub fn raw(&self) -> &portone_gen::Client {
        &self.inner.raw
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default `storeId`, if configured.
    pub fn store_id(&self) -> Option<&str> {
        self.inner.store_id.as_deref()
    }

    /// A `reqwest` client builder with the SDK's TLS setup, `User-Agent` and no redirects (what
    /// [`Builder`] uses when given no client), to customize and pass to
    /// [`Builder::http_client`]. PortOne's API does not redirect: a redirect is an unexpected
    /// status (with its `Location`), never followed, so a payment `POST` is never re-sent
    /// elsewhere or turned into a `GET`.
    ///
    /// With the default `rustls` feature, reqwest is compiled with its rustls backend but no
    /// crypto provider: a `reqwest::Client::new()` elsewhere in your program then needs a
    /// provider (`rustls::crypto::ring::default_provider().install_default()`) or reqwest's own
    /// `rustls` feature. Clients from this builder carry their own TLS configuration.
    pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::USER_AGENT,
            reqwest::header::HeaderValue::from_static(USER_AGENT_VALUE),
        );
        crate::tls::configure(
            reqwest::Client::builder()
                .default_headers(headers)
                .redirect(reqwest::redirect::Policy::none()),
        )
    }

    /// The generated client one call runs on: the shared one, or, when the call has its own
    /// options or bearer authentication is used, one with a pipeline for this call (the access
    /// token is obtained first, so that a failed login is a typed [`Error::Auth`]).
    pub(crate) async fn prepare<E>(&self, options: &CallOptions) -> Result<Prepared<'_>, Error<E>> {
        let inner = &*self.inner;
        let timeout = options.timeout.or(inner.timeout);
        let bearer = match &inner.pipeline.credentials {
            Credentials::AccessToken { tokens, .. } => {
                Some(tokens.header().await.map_err(Error::Auth)?)
            }
            _ => None,
        };
        if bearer.is_none() && !options.overrides_pipeline() {
            return Ok(Prepared {
                raw: Cow::Borrowed(&inner.raw),
                timeout,
            });
        }
        let pipeline = inner.pipeline.for_call(options, bearer);
        let raw = portone_gen::Client::new_with_client(
            &inner.base_url,
            inner.http.clone(),
            Some(Arc::new(pipeline)),
        );
        Ok(Prepared {
            raw: Cow::Owned(raw),
            timeout,
        })
    }
}

/// Why a [`PortOne`] client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No API secret was given.
    #[error("no PortOne API secret: call `.api_secret(...)` (e.g. from $PORTONE_API_SECRET)")]
    MissingApiSecret,
    /// The API secret is empty or cannot be sent in a header.
    #[error("invalid PortOne API secret: {0}")]
    InvalidApiSecret(String),
    /// The base URL is not an absolute `http(s)` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The store id is empty.
    #[error("the default store id must not be empty")]
    EmptyStoreId,
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// The TLS configuration could not be made (e.g. no usable root certificates).
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// Configures a [`PortOne`] client.
///
/// ```
/// use std::time::Duration;
/// use portone_client::{AuthScheme, PortOne, RetryConfig};
///
/// let portone = PortOne::builder()
///     .api_secret("my-api-secret")
///     .auth_scheme(AuthScheme::AccessToken)
///     .store_id("store-1")
///     .base_url("http://localhost:8080/portone")
///     .connect_timeout(Duration::from_secs(3))
///     .timeout(Duration::from_secs(20))
///     .retry(RetryConfig::default().max_attempts(4))
///     .build()
///     .expect("valid configuration");
/// assert_eq!(portone.base_url(), "http://localhost:8080/portone");
/// ```
#[derive(Default)]
#[must_use]
pub struct Builder {
    api_secret: Option<SecretString>,
    scheme: AuthScheme,
    store_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    max_response_size: Option<u64>,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field(
                "api_secret",
                &self.api_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("scheme", &self.scheme)
            .field("store_id", &self.store_id)
            .field("base_url", &self.base_url.as_deref().map(redacted_url))
            .finish_non_exhaustive()
    }
}

/// Default longest time of one call, retries and their waits included: a full attempt
/// ([`DEFAULT_ATTEMPT_TIMEOUT`]) plus retries of quick failures and `Retry-After` waits, and no
/// call waits longer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);
/// Default longest time of one attempt, response body included: 60 s, as PortOne's own server
/// SDKs allow a request. A payment can take tens of seconds at the PG, and an attempt cut short
/// leaves its outcome unknown.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Builder {
    /// The API secret from PortOne's console (sent as `Authorization: PortOne <secret>`, or used
    /// to obtain access tokens with [`AuthScheme::AccessToken`]).
    pub fn api_secret(mut self, secret: impl Into<String>) -> Self {
        self.api_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// How to authenticate (default: [`AuthScheme::ApiSecret`]).
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// The `storeId` used when a call leaves it unset (body field or query parameter). Without
    /// it PortOne uses the store of the credentials.
    pub fn store_id(mut self, store_id: impl Into<String>) -> Self {
        self.store_id = Some(store_id.into());
        self
    }

    /// Where to send requests (default `https://api.portone.io`); a path prefix such as
    /// `http://proxy/portone/v2` is kept.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The longest one call may take, retries and their waits included (default
    /// [`DEFAULT_TIMEOUT`], 90 s). Requests can override it (`.timeout(..)` on a request).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest one attempt may take, response body included (default
    /// [`DEFAULT_ATTEMPT_TIMEOUT`], 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Time to establish a connection (default 10 s; not applied to a client given with
    /// [`http_client`](Builder::http_client)).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The largest answer body to read (default [`DEFAULT_MAX_RESPONSE_SIZE`](crate::DEFAULT_MAX_RESPONSE_SIZE), 64 MiB, far above
    /// PortOne's largest page). A larger answer is not read: [`Error::ResponseTooLarge`].
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// Retry policy (default [`RetryConfig::default`]; [`RetryConfig::disabled`] turns it off).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Use this `reqwest::Client` (proxies, TLS settings, connection pool...). The request
    /// timeout and `User-Agent` are still applied per request. Start from
    /// [`PortOne::http_client_builder`] to keep the SDK's TLS setup and its refusal to follow
    /// redirects (reqwest's own default follows up to 10, which could turn a payment `POST`
    /// into a `GET` elsewhere):
    ///
    /// ```
    /// use std::time::Duration;
    /// use portone_client::PortOne;
    ///
    /// let http = PortOne::http_client_builder()?
    ///     .pool_idle_timeout(Duration::from_secs(30))
    ///     .build()?;
    /// let portone = PortOne::builder().api_secret("secret").http_client(http).build()?;
    /// # let _ = portone;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<PortOne, BuildError> {
        let secret = self.api_secret.ok_or(BuildError::MissingApiSecret)?;
        if secret.expose_secret().trim().is_empty() {
            return Err(BuildError::InvalidApiSecret("it is empty".into()));
        }
        if self
            .store_id
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return Err(BuildError::EmptyStoreId);
        }
        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let http = match self.http {
            Some(client) => client,
            None => default_http_client(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        let retry = self.retry.unwrap_or_default();
        let timeout = Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        let attempt_timeout = Some(self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT));
        let max_response_size = self
            .max_response_size
            .unwrap_or(crate::body::DEFAULT_MAX_RESPONSE_SIZE);
        let pipeline = |credentials| Pipeline {
            credentials,
            store_id: self.store_id.clone(),
            retry: retry.clone(),
            attempt_timeout,
            max_response_size,
        };
        let credentials = match self.scheme {
            AuthScheme::ApiSecret => Credentials::ApiSecret(
                authorization("PortOne", secret.expose_secret())
                    .map_err(BuildError::InvalidApiSecret)?,
            ),
            AuthScheme::AccessToken => {
                authorization("PortOne", secret.expose_secret())
                    .map_err(BuildError::InvalidApiSecret)?;
                let login = portone_gen::Client::new_with_client(
                    &base_url,
                    http.clone(),
                    Some(Arc::new(pipeline(Credentials::None))),
                );
                Credentials::AccessToken {
                    tokens: Arc::new(TokenManager::new(secret, login, timeout)),
                    prefetched: None,
                }
            }
        };
        let pipeline = pipeline(credentials);
        let raw = portone_gen::Client::new_with_client(
            &base_url,
            http.clone(),
            Some(Arc::new(pipeline.clone())),
        );
        Ok(PortOne {
            inner: Arc::new(Inner {
                raw,
                pipeline,
                http,
                base_url,
                store_id: self.store_id,
                timeout,
            }),
        })
    }
}

/// How much of a bad base URL an error quotes.
const URL_CHARS: usize = 100;

/// `url` for messages: its password replaced by `***`, and at most [`URL_CHARS`] characters.
fn redacted_url(url: &str) -> String {
    let shown = match reqwest::Url::parse(url.trim()) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Unparsable: cannot tell where a password would be, so show only its scheme.
        Err(_) => match url.split_once("://") {
            Some((scheme, rest)) if rest.contains('@') => format!("{scheme}://***"),
            _ => url.to_owned(),
        },
    };
    crate::error::snippet_of(&shown, URL_CHARS)
}

/// The base URL as requests will use it: surrounding whitespace trimmed, an absolute
/// `http(s)` URL with a host, no query or fragment, no trailing `/`.
fn normalize_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: redacted_url(url),
        reason: reason.to_owned(),
    };
    let url = url.trim();
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("it contains whitespace or control characters"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.scheme() == "https" && !crate::tls::HTTPS {
        return Err(invalid(
            "https needs TLS: enable the `rustls` (or `rustls-aws-lc`) feature of portone-client",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client, BuildError> {
    Ok(PortOne::http_client_builder()?
        .connect_timeout(connect_timeout)
        .build()?)
}
