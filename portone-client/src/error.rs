//! The error of every operation: [`Error<E>`], where `E` is the operation's documented error
//! type (e.g. [`GetPaymentError`](crate::types::GetPaymentError)), or [`AnyApiError`] for the
//! untyped form that one function calling several operations returns (`Error` alone).

use std::fmt;
use std::time::Duration;

use portone_gen::open::OpenUnion;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// `Result` of an operation whose documented error type is `E` (untyped by default).
pub type Result<T, E = AnyApiError> = std::result::Result<T, Error<E>>;

/// What went wrong in a call to PortOne.
///
/// `Display` says one short thing; the cause, when there is one, is the
/// [`source`](std::error::Error::source) (so `anyhow`/`eyre` reports print each once).
///
/// ```
/// # async fn demo(portone: portone_client::PortOne) {
/// use portone_client::types::GetPaymentError;
///
/// match portone.payment().get_payment("order-1").await {
///     Ok(payment) => println!("{}", payment.tag()),
///     Err(e) => match e.api().map(|api| api.error()) {
///         Some(GetPaymentError::PaymentNotFound(_)) => println!("no such payment"),
///         _ => eprintln!("{e}"),
///     },
/// }
/// # }
/// ```
///
/// One function can call several operations with `?`: every `Error<E>` converts into the
/// untyped `Error` (`Error<AnyApiError>`), which keeps the documented error's `type`, message
/// and JSON.
///
/// ```
/// # async fn demo(portone: portone_client::PortOne) -> Result<(), portone_client::Error> {
/// let payment = portone.payment().get_payment("order-1").await?;
/// let key = portone.payment().billing_key().get_billing_key_info("key-1").await?;
/// # let _ = (payment, key);
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = AnyApiError> {
    /// PortOne answered with an error documented for this operation.
    Api(ApiError<E>),
    /// An HTTP status the operation does not document (e.g. a 502 from a proxy, a redirect);
    /// the body and headers are kept.
    UnexpectedStatus(UnexpectedStatus),
    /// The response body could not be decoded as the documented type.
    Decode(DecodeError),
    /// The call took longer than its timeout.
    Timeout(TransportError),
    /// The request could not be sent or the response could not be read.
    Transport(TransportError),
    /// The request was rejected before anything was sent (e.g. a path parameter `..`).
    InvalidInput(String),
    /// No access token could be obtained (bearer authentication).
    Auth(AuthError),
    /// A listing did not move forward (the same page, items or cursor again); the
    /// [stream](crate::paginate) stops instead of looping.
    Pagination(PaginationError),
}

impl<E> Error<E> {
    /// The documented API error, if PortOne answered with one.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status PortOne answered with, if there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedStatus(u) => Some(u.status),
            Error::Decode(d) => Some(d.status),
            Error::Auth(auth) => auth.error().status(),
            Error::Pagination(_) => Some(StatusCode::OK),
            Error::Timeout(t) | Error::Transport(t) => t.reqwest_error().and_then(|e| e.status()),
            Error::InvalidInput(_) => None,
        }
    }

    /// The headers of PortOne's answer, if there was one (e.g. `Retry-After`).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(api) => Some(&api.headers),
            Error::UnexpectedStatus(u) => Some(&u.headers),
            Error::Decode(d) => Some(&d.headers),
            Error::Auth(auth) => auth.error().headers(),
            _ => None,
        }
    }

    /// Whether the call timed out (including a login that timed out).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout(_) => true,
            Error::Auth(auth) => auth.error().is_timeout(),
            _ => false,
        }
    }

    /// The same error with the documented error mapped by `f` (the other variants unchanged).
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(api) => Error::Api(ApiError {
                status: api.status,
                headers: api.headers,
                error: f(api.error),
                message: api.message,
            }),
            Error::UnexpectedStatus(u) => Error::UnexpectedStatus(u),
            Error::Decode(d) => Error::Decode(d),
            Error::Timeout(t) => Error::Timeout(t),
            Error::Transport(t) => Error::Transport(t),
            Error::InvalidInput(m) => Error::InvalidInput(m),
            Error::Auth(a) => Error::Auth(a),
            Error::Pagination(p) => Error::Pagination(p),
        }
    }
}

impl<E: OpenUnion> From<Error<E>> for Error<AnyApiError> {
    /// The untyped form (see [`AnyApiError`]).
    fn from(error: Error<E>) -> Self {
        error.map_api(|e| AnyApiError::from_typed(&e))
    }
}

impl<E: ApiErrorType> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::UnexpectedStatus(u) => u.fmt(f),
            Error::Decode(d) => d.fmt(f),
            Error::Timeout(_) => f.write_str("the PortOne request timed out"),
            Error::Transport(_) => f.write_str("cannot reach PortOne"),
            Error::InvalidInput(message) => write!(f, "invalid request: {message}"),
            Error::Auth(a) => a.fmt(f),
            Error::Pagination(p) => p.fmt(f),
        }
    }
}

impl<E: ApiErrorType> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(t) | Error::Transport(t) => Some(t.cause()),
            Error::Decode(d) => Some(&d.cause),
            Error::Auth(a) => Some(&*a.0),
            _ => None,
        }
    }
}

/// A documented error type: every operation's error enum (an open union), and [`AnyApiError`].
pub trait ApiErrorType: fmt::Debug + Send + Sync + 'static {
    /// The error's `type`, e.g. `PAYMENT_NOT_FOUND`.
    fn tag(&self) -> &str;
}

impl<T: OpenUnion> ApiErrorType for T {
    fn tag(&self) -> &str {
        OpenUnion::tag(self)
    }
}

impl ApiErrorType for AnyApiError {
    fn tag(&self) -> &str {
        &self.tag
    }
}

/// A documented error of any operation, untyped: its `type`, PortOne's `message` and the JSON.
///
/// ```
/// # fn demo(e: portone_client::Error) {
/// use portone_client::types::GetPaymentError;
///
/// if let Some(api) = e.api() {
///     println!("{} ({}): {:?}", api.error().tag(), api.status(), api.message());
///     if let Some(GetPaymentError::PaymentNotFound(_)) = api.error().to_typed() {
///         println!("no such payment");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AnyApiError {
    tag: String,
    json: Value,
}

impl AnyApiError {
    fn from_typed<E: OpenUnion>(error: &E) -> AnyApiError {
        AnyApiError {
            tag: error.tag().to_owned(),
            json: serde_json::to_value(error).unwrap_or(Value::Null),
        }
    }

    /// The error's `type`, e.g. `PAYMENT_NOT_FOUND`.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// PortOne's `message`, if any.
    pub fn message(&self) -> Option<&str> {
        self.json.get("message").and_then(Value::as_str)
    }

    /// The error as PortOne sent it.
    pub fn as_json(&self) -> &Value {
        &self.json
    }

    /// The error as an operation's typed error `E` (`None` if it is not one of its cases).
    pub fn to_typed<E: OpenUnion>(&self) -> Option<E> {
        serde_json::from_value::<E>(self.json.clone())
            .ok()
            .filter(|e| !e.is_unrecognized())
    }
}

/// An error PortOne documents for the operation, decoded into its typed enum `E`.
#[derive(Debug, Clone)]
pub struct ApiError<E = AnyApiError> {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) error: E,
    pub(crate) message: Option<String>,
}

impl<E: OpenUnion> ApiError<E> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, error: E) -> Self {
        let message = serde_json::to_value(&error)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_owned));
        ApiError {
            status,
            headers,
            error,
            message,
        }
    }
}

impl<E> ApiError<E> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// How long PortOne asks to wait before trying again (`Retry-After`), if it says.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers)
    }

    /// The typed error (match on its variants; each holds the error's fields, e.g. `pgCode`).
    pub fn error(&self) -> &E {
        &self.error
    }

    /// The typed error, by value.
    pub fn into_error(self) -> E {
        self.error
    }

    /// PortOne's human-readable `message`, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl<E: ApiErrorType> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PortOne API error {} (HTTP {})",
            self.error.tag(),
            self.status
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {}", snippet(message))?;
        }
        Ok(())
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    crate::retry::parse_retry_after(value, chrono::Utc::now())
}

/// How much of a body error messages quote.
const SNIPPET_CHARS: usize = 200;

pub(crate) fn snippet(body: &str) -> String {
    let mut chars = body.chars();
    let mut out: String = chars.by_ref().take(SNIPPET_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// A response with a status the operation does not document.
#[derive(Debug, Clone)]
pub struct UnexpectedStatus {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl UnexpectedStatus {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `content-type` header, if any.
    pub fn content_type(&self) -> Option<&str> {
        header(&self.headers, reqwest::header::CONTENT_TYPE)
    }

    /// Where a redirect points (`Location`); PortOne's API does not redirect, so the SDK never
    /// follows one.
    pub fn location(&self) -> Option<&str> {
        header(&self.headers, reqwest::header::LOCATION)
    }

    /// How long to wait before trying again (`Retry-After`), if the response says.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers)
    }

    /// The whole body (invalid UTF-8 replaced).
    pub fn body(&self) -> &str {
        &self.body
    }
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<&str> {
    headers.get(name)?.to_str().ok()
}

impl fmt::Display for UnexpectedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected HTTP {} from PortOne", self.status)?;
        if let Some(location) = self.location() {
            write!(f, " (redirect to {})", snippet(location))?;
        } else if let Some(content_type) = self.content_type() {
            write!(f, " ({})", snippet(content_type))?;
        }
        Ok(())
    }
}

/// A response body that does not decode as the documented type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) path: String,
    pub(crate) cause: DecodeCause,
    pub(crate) body: String,
}

/// serde's message for a [`DecodeError`] (its `source`).
#[derive(Debug, Clone)]
pub(crate) struct DecodeCause(pub(crate) String);

impl fmt::Display for DecodeCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeCause {}

impl DecodeError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Where in the JSON decoding failed, e.g. `items[3].amount.total` (`.` for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's message (with line and column).
    pub fn message(&self) -> &str {
        &self.cause.0
    }

    /// The start of the body.
    pub fn body_snippet(&self) -> String {
        snippet(&self.body)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode PortOne's HTTP {} response at `{}`",
            self.status, self.path
        )
    }
}

/// A failure to send the request or to read the response, or a timeout (see
/// [`Error::Transport`] and [`Error::Timeout`]); the underlying error is the source.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) cause: TransportCause,
}

#[derive(Debug)]
pub(crate) enum TransportCause {
    /// What reqwest reported (connection, TLS, body, per-attempt timeout...).
    Reqwest(reqwest::Error),
    /// The call's whole-call timeout elapsed.
    Deadline(Elapsed),
}

/// The whole-call timeout that elapsed.
#[derive(Debug)]
pub(crate) struct Elapsed(pub(crate) Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the call's timeout of {:?} elapsed", self.0)
    }
}

impl std::error::Error for Elapsed {}

impl TransportError {
    pub(crate) fn reqwest(source: reqwest::Error) -> Self {
        TransportError {
            cause: TransportCause::Reqwest(source),
        }
    }

    /// The underlying `reqwest` error, if the failure came from the HTTP client (not from the
    /// call's whole-call timeout).
    pub fn reqwest_error(&self) -> Option<&reqwest::Error> {
        match &self.cause {
            TransportCause::Reqwest(e) => Some(e),
            TransportCause::Deadline(_) => None,
        }
    }

    fn cause(&self) -> &(dyn std::error::Error + 'static) {
        match &self.cause {
            TransportCause::Reqwest(e) => e,
            TransportCause::Deadline(e) => e,
        }
    }
}

/// No access token could be obtained: the login or token refresh failed. Its source is that
/// call's (untyped) error.
#[derive(Debug)]
pub struct AuthError(pub(crate) Box<Error>);

impl AuthError {
    /// The error of the login (or refresh) call.
    pub fn error(&self) -> &Error {
        &self.0
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot obtain a PortOne access token")
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// A page of a listing that breaks the paging protocol.
#[derive(Debug, Clone)]
pub struct PaginationError {
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) body: String,
}

impl PaginationError {
    /// The field that did not move forward, e.g. `page.number` or `items[9].cursor`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The offending page, as JSON.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PortOne's listing did not move forward at `{}`: {}",
            self.path, self.message
        )
    }
}
