//! The error of every operation: [`Error<E>`], where `E` is the operation's documented error
//! type (e.g. [`GetPaymentError`](crate::types::GetPaymentError)), or [`AnyApiError`] for the
//! untyped form that one function calling several operations returns (`Error` alone).

use std::fmt;
use std::sync::Arc;
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
    /// The response body could not be decoded as the documented type. PortOne answered (see
    /// [`status`](Error::status)): for a 2xx status the operation was carried out.
    Decode(DecodeError),
    /// The call took longer than its timeout. [`TransportError::delivery`] says whether the
    /// request was sent: if it was, its outcome is unknown ([`Error::is_outcome_unknown`]).
    Timeout(TransportError),
    /// The request could not be sent, or PortOne's answer could not be read.
    /// [`TransportError::delivery`] says which: if it was sent, its outcome is unknown
    /// ([`Error::is_outcome_unknown`]).
    Transport(TransportError),
    /// PortOne's answer is larger than the limit ([`Builder::max_response_size`](crate::Builder::max_response_size)):
    /// the request reached PortOne, its result was not read.
    ResponseTooLarge(ResponseTooLarge),
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
            Error::Timeout(t) | Error::Transport(t) => t.status(),
            Error::ResponseTooLarge(r) => Some(r.status),
            Error::InvalidInput(_) => None,
        }
    }

    /// Whether the request was (or may have been) sent and PortOne's answer is lost: a
    /// timeout or a broken connection after sending, a body that broke off, an answer over the
    /// size limit. PortOne may have carried the operation out.
    ///
    /// **Never send a payment again under a new `paymentId` after such an error**: that can
    /// charge twice. Look it up first (`portone.payment().get_payment(payment_id)`), or send it
    /// again with the *same* `paymentId`, which PortOne treats as the idempotency key (a payment
    /// that went through answers `ALREADY_PAID`).
    ///
    /// ```
    /// # async fn demo(portone: portone_client::PortOne, input: portone_client::types::BillingKeyPaymentInput) -> Result<(), portone_client::Error> {
    /// let payment_id = "order-2026-0001";
    /// match portone.payment().pay_with_billing_key(payment_id, &input).await {
    ///     Ok(paid) => println!("paid at {}", paid.payment.paid_at),
    ///     Err(e) if e.is_outcome_unknown() => {
    ///         // Sent, answer lost: ask PortOne what happened to *this* payment.
    ///         let payment = portone.payment().get_payment(payment_id).await?;
    ///         println!("{payment_id} is {}", payment.tag());
    ///     }
    ///     Err(e) if e.is_not_sent() => println!("not sent, safe to try again: {e}"),
    ///     Err(e) => return Err(e.into()),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout(t) | Error::Transport(t) => t.delivery == Delivery::OutcomeUnknown,
            Error::ResponseTooLarge(_) => true,
            _ => false,
        }
    }

    /// Whether nothing was sent (the connection could not be made, or the request was refused
    /// before sending): sending the same request again is safe.
    pub fn is_not_sent(&self) -> bool {
        match self {
            Error::Timeout(t) | Error::Transport(t) => t.delivery == Delivery::NotSent,
            Error::InvalidInput(_) | Error::Auth(_) => true,
            _ => false,
        }
    }

    /// The headers of PortOne's answer, if there was one (e.g. `Retry-After`).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(api) => Some(&api.headers),
            Error::UnexpectedStatus(u) => Some(&u.headers),
            Error::Decode(d) => Some(&d.headers),
            Error::Timeout(t) | Error::Transport(t) => t.headers(),
            Error::ResponseTooLarge(r) => Some(&r.headers),
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
            Error::ResponseTooLarge(r) => Error::ResponseTooLarge(r),
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
            Error::Timeout(t) => match (t.delivery, t.status()) {
                (Delivery::NotSent, _) => {
                    f.write_str("could not connect to PortOne in time: the request was not sent")
                }
                (Delivery::OutcomeUnknown, Some(status)) => write!(
                    f,
                    "PortOne's HTTP {status} answer did not arrive in time: the request's outcome is unknown"
                ),
                (Delivery::OutcomeUnknown, None) => f.write_str(
                    "the PortOne request timed out after it was sent: its outcome is unknown",
                ),
            },
            Error::Transport(t) => match (t.delivery, t.status()) {
                (Delivery::NotSent, _) => {
                    f.write_str("cannot connect to PortOne: the request was not sent")
                }
                (Delivery::OutcomeUnknown, Some(status)) => write!(
                    f,
                    "PortOne's HTTP {status} answer broke off: the request's outcome is unknown"
                ),
                (Delivery::OutcomeUnknown, None) => f.write_str(
                    "the connection to PortOne failed after the request was sent: its outcome is unknown",
                ),
            },
            Error::ResponseTooLarge(r) => r.fmt(f),
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
    snippet_of(body, SNIPPET_CHARS)
}

/// The first `chars` characters of `text`, with `…` if there is more.
pub(crate) fn snippet_of(text: &str, chars: usize) -> String {
    let mut all = text.chars();
    let mut out: String = all.by_ref().take(chars).collect();
    if all.next().is_some() {
        out.push('…');
    }
    out
}

/// A response with a status the operation does not document.
#[derive(Clone)]
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

impl fmt::Debug for UnexpectedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnexpectedStatus")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodySnippet(&self.body))
            .finish()
    }
}

/// A body in `Debug` output: its start and its length (a 50 MB body must not become a 50 MB
/// log line).
struct BodySnippet<'a>(&'a str);

impl fmt::Debug for BodySnippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.chars().count() <= SNIPPET_CHARS {
            fmt::Debug::fmt(self.0, f)
        } else {
            write!(f, "{:?} ({} bytes)", snippet(self.0), self.0.len())
        }
    }
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
#[derive(Clone)]
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

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("path", &self.path)
            .field("message", &self.cause.0)
            .field("body", &BodySnippet(&self.body))
            .finish()
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

/// Whether a request that failed may have reached PortOne.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// Nothing was sent: the connection could not be made. Sending it again is safe.
    NotSent,
    /// It was sent (or may have been) and PortOne's answer is lost: PortOne may have carried
    /// the operation out (see [`Error::is_outcome_unknown`]).
    OutcomeUnknown,
}

impl Delivery {
    /// What a `reqwest` error says about the request: only a failed connection (or a request
    /// reqwest refused to build) certainly sent nothing.
    pub(crate) fn of(error: &reqwest::Error) -> Delivery {
        if error.is_connect() || error.is_builder() {
            Delivery::NotSent
        } else {
            Delivery::OutcomeUnknown
        }
    }
}

/// A failure to send the request or to read the answer, or a timeout (see
/// [`Error::Transport`] and [`Error::Timeout`]); the underlying error is the source.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) cause: TransportCause,
    pub(crate) delivery: Delivery,
    /// The answer's status and headers, when it started to arrive.
    pub(crate) head: Option<(StatusCode, HeaderMap)>,
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
    /// A `reqwest` failure, with the answer's head if it had arrived. The URL is dropped from
    /// the error: it may carry a base URL's password or query data.
    pub(crate) fn reqwest(source: reqwest::Error, head: Option<(StatusCode, HeaderMap)>) -> Self {
        let delivery = if head.is_some() {
            Delivery::OutcomeUnknown
        } else {
            Delivery::of(&source)
        };
        TransportError {
            cause: TransportCause::Reqwest(source.without_url()),
            delivery,
            head,
        }
    }

    /// Whether the request may have reached PortOne.
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }

    /// The status of PortOne's answer, if it started to arrive before the failure.
    pub fn status(&self) -> Option<StatusCode> {
        self.head.as_ref().map(|(status, _)| *status)
    }

    /// The headers of PortOne's answer, if it started to arrive before the failure.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.head.as_ref().map(|(_, headers)| headers)
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

/// An answer larger than the size limit.
#[derive(Debug, Clone)]
pub struct ResponseTooLarge {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) limit: u64,
}

impl ResponseTooLarge {
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The limit, in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PortOne's HTTP {} answer is larger than the limit of {} bytes (not read)",
            self.status, self.limit
        )
    }
}

/// No access token could be obtained: the login or token refresh failed. Its source is that
/// call's (untyped) error; every call waiting for the same login gets the same error.
#[derive(Debug, Clone)]
pub struct AuthError(pub(crate) Arc<Error>);

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
#[derive(Clone)]
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

impl fmt::Debug for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaginationError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("body", &BodySnippet(&self.body))
            .finish()
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

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderValue, LOCATION, RETRY_AFTER};
    use serde_json::json;

    use super::*;
    use crate::types::GetPaymentError;

    /// Headers naming which error they belong to.
    fn marked(which: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-which", HeaderValue::from_static(which));
        headers
    }

    fn which<E>(error: &Error<E>) -> Option<&str> {
        error.headers()?.get("x-which")?.to_str().ok()
    }

    fn any_api(tag: &str, message: &str) -> AnyApiError {
        AnyApiError {
            tag: tag.into(),
            json: json!({"type": tag, "message": message}),
        }
    }

    fn timed_out(
        delivery: Delivery,
        head: Option<StatusCode>,
        which: &'static str,
    ) -> TransportError {
        TransportError {
            cause: TransportCause::Deadline(Elapsed(Duration::from_secs(1))),
            delivery,
            head: head.map(|status| (status, marked(which))),
        }
    }

    /// One error of every variant, each with its own status and `x-which` header.
    fn every_variant() -> Vec<(&'static str, Error)> {
        let auth = |inner: Error| Error::Auth(AuthError(Arc::new(inner)));
        vec![
            (
                "api",
                Error::Api(ApiError {
                    status: StatusCode::NOT_FOUND,
                    headers: marked("api"),
                    error: any_api("PAYMENT_NOT_FOUND", "no such payment"),
                    message: Some("no such payment".into()),
                }),
            ),
            (
                "unexpected",
                Error::UnexpectedStatus(UnexpectedStatus {
                    status: StatusCode::MOVED_PERMANENTLY,
                    headers: marked("unexpected"),
                    body: String::new(),
                }),
            ),
            (
                "decode",
                Error::Decode(DecodeError {
                    status: StatusCode::ACCEPTED,
                    headers: marked("decode"),
                    path: "items[0]".into(),
                    cause: DecodeCause("missing field `id`".into()),
                    body: "{}".into(),
                }),
            ),
            (
                "timeout",
                Error::Timeout(timed_out(
                    Delivery::OutcomeUnknown,
                    Some(StatusCode::BAD_GATEWAY),
                    "timeout",
                )),
            ),
            (
                "transport",
                Error::Transport(timed_out(
                    Delivery::OutcomeUnknown,
                    Some(StatusCode::GATEWAY_TIMEOUT),
                    "transport",
                )),
            ),
            (
                "too-large",
                Error::ResponseTooLarge(ResponseTooLarge {
                    status: StatusCode::CREATED,
                    headers: marked("too-large"),
                    limit: 10,
                }),
            ),
            ("invalid", Error::InvalidInput("bad id".into())),
            (
                "auth",
                auth(Error::UnexpectedStatus(UnexpectedStatus {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    headers: marked("auth"),
                    body: String::new(),
                })),
            ),
            (
                "pagination",
                Error::Pagination(PaginationError {
                    path: "page.number".into(),
                    message: "stuck".into(),
                    body: "{}".into(),
                }),
            ),
        ]
    }

    #[test]
    fn status_and_headers_come_from_the_answer_of_each_variant() {
        for (name, error) in every_variant() {
            let status = error.status().map(|s| s.as_u16());
            let expected = match name {
                "api" => Some(404),
                "unexpected" => Some(301),
                "decode" => Some(202),
                "pagination" => Some(200),
                "timeout" => Some(502),
                "transport" => Some(504),
                "too-large" => Some(201),
                "auth" => Some(503),
                _ => None,
            };
            assert_eq!(status, expected, "{name}");
            let has_headers = !matches!(name, "invalid" | "pagination");
            assert_eq!(which(&error), has_headers.then_some(name), "{name}");
        }
        let no_head = Error::<AnyApiError>::Timeout(timed_out(Delivery::NotSent, None, "x"));
        assert_eq!((no_head.status(), no_head.headers()), (None, None));
    }

    #[test]
    fn every_variant_answers_its_own_accessors() {
        for (name, error) in every_variant() {
            let own = |headers: &HeaderMap| headers.get("x-which").cloned();
            let mark = Some(HeaderValue::from_static(name));
            match &error {
                Error::Api(api) => {
                    assert_eq!(
                        (api.status(), own(api.headers())),
                        (StatusCode::NOT_FOUND, mark)
                    );
                    assert_eq!(api.message(), Some("no such payment"));
                    assert_eq!(api.retry_after(), None);
                    assert_eq!(api.clone().into_error().tag(), "PAYMENT_NOT_FOUND");
                }
                Error::UnexpectedStatus(u) => {
                    assert_eq!(
                        (u.status(), own(u.headers())),
                        (StatusCode::MOVED_PERMANENTLY, mark)
                    );
                    assert_eq!(u.content_type(), None);
                    assert_eq!(
                        format!("{u:?}"),
                        r#"UnexpectedStatus { status: 301, headers: {"x-which": "unexpected"}, body: "" }"#
                    );
                }
                Error::Decode(d) => {
                    assert_eq!((d.status(), own(d.headers())), (StatusCode::ACCEPTED, mark));
                    assert_eq!(
                        format!("{d:?}"),
                        r#"DecodeError { status: 202, headers: {"x-which": "decode"}, path: "items[0]", message: "missing field `id`", body: "{}" }"#
                    );
                }
                Error::Timeout(t) | Error::Transport(t) => {
                    assert_eq!(own(t.headers().unwrap()), mark);
                    assert_eq!(t.delivery(), Delivery::OutcomeUnknown);
                    assert!(t.reqwest_error().is_none());
                }
                Error::ResponseTooLarge(r) => {
                    assert_eq!(
                        (r.status(), own(r.headers()), r.limit()),
                        (StatusCode::CREATED, mark, 10)
                    );
                }
                Error::Auth(auth) => {
                    assert_eq!(auth.error().status(), Some(StatusCode::SERVICE_UNAVAILABLE));
                }
                Error::Pagination(p) => {
                    assert_eq!(
                        (p.path(), p.message(), p.body()),
                        ("page.number", "stuck", "{}")
                    );
                    assert_eq!(
                        format!("{p:?}"),
                        r#"PaginationError { path: "page.number", message: "stuck", body: "{}" }"#
                    );
                }
                Error::InvalidInput(message) => assert_eq!(message, "bad id"),
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        let api = ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            headers,
            error: any_api("RATE_LIMITED", ""),
            message: None,
        };
        assert_eq!(api.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(
            api.to_string(),
            "PortOne API error RATE_LIMITED (HTTP 429 Too Many Requests)"
        );
    }

    #[test]
    fn what_was_sent_is_told_by_each_variant() {
        for (name, error) in every_variant() {
            let not_sent = matches!(name, "invalid" | "auth");
            let unknown = matches!(name, "timeout" | "transport" | "too-large");
            assert_eq!(error.is_not_sent(), not_sent, "{name}");
            assert_eq!(error.is_outcome_unknown(), unknown, "{name}");
            assert_eq!(error.is_timeout(), name == "timeout", "{name}");
        }
        for (make, timeout) in [
            (Error::Timeout as fn(_) -> Error, true),
            (Error::Transport, false),
        ] {
            let not_sent = make(timed_out(Delivery::NotSent, None, "x"));
            assert!(not_sent.is_not_sent() && !not_sent.is_outcome_unknown());
            assert_eq!(not_sent.is_timeout(), timeout);
            // A login that timed out makes the call a timeout.
            let login = Error::<AnyApiError>::Auth(AuthError(Arc::new(not_sent)));
            assert_eq!(login.is_timeout(), timeout);
        }
    }

    /// A refused connection sent nothing; a failure with the answer's head arrived was sent; the
    /// URL (a base URL's password) is not kept.
    #[tokio::test]
    async fn a_reqwest_failure_tells_whether_it_was_sent() {
        let refused = || crate::test_support::refused_get("/");
        let client = crate::test_support::http_client();
        let not_sent = TransportError::reqwest(refused().await, None);
        assert_eq!(not_sent.delivery(), Delivery::NotSent);
        assert!(
            not_sent
                .reqwest_error()
                .is_some_and(reqwest::Error::is_connect)
        );
        assert!(!format!("{not_sent:?}").contains("hunter2"));
        let error = Error::<AnyApiError>::Transport(not_sent);
        assert!(error.is_not_sent());
        let source = std::error::Error::source(&error).unwrap();
        assert!(source.downcast_ref::<reqwest::Error>().is_some());

        let head = (StatusCode::OK, marked("head"));
        let after_head = TransportError::reqwest(refused().await, Some(head));
        assert_eq!(after_head.delivery(), Delivery::OutcomeUnknown);
        assert_eq!(after_head.status(), Some(StatusCode::OK));
        assert_eq!(
            Delivery::of(after_head.reqwest_error().unwrap()),
            Delivery::NotSent
        );

        let unbuildable = client.get("http://[::1").send().await.unwrap_err();
        assert_eq!(Delivery::of(&unbuildable), Delivery::NotSent);

        // A server that reads the request and closes without answering.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let (mut stream, _) = listener.accept().await.unwrap();
            let _ = stream.read(&mut [0; 1024]).await;
        });
        let cut = client
            .post(format!("http://{addr}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(Delivery::of(&cut), Delivery::OutcomeUnknown);
        assert_eq!(
            TransportError::reqwest(cut, None).delivery(),
            Delivery::OutcomeUnknown
        );
    }

    #[test]
    fn map_api_maps_the_documented_error_and_keeps_every_other_variant() {
        for (name, error) in every_variant() {
            let before = (
                error.to_string(),
                error.status(),
                which(&error).map(str::to_owned),
            );
            let mapped: Error = error.map_api(|e| any_api(&e.tag().to_lowercase(), "mapped"));
            let after = (
                mapped.to_string(),
                mapped.status(),
                which(&mapped).map(str::to_owned),
            );
            if name == "api" {
                assert_eq!(
                    mapped.api().map(|a| a.error().tag()),
                    Some("payment_not_found")
                );
                assert_eq!(
                    mapped.api().and_then(ApiError::message),
                    Some("no such payment")
                );
                assert_eq!((before.1, before.2), (after.1, after.2));
            } else {
                assert!(mapped.api().is_none(), "{name}");
                assert_eq!(before, after, "{name}");
            }
        }
    }

    #[test]
    fn the_source_is_the_underlying_cause() {
        for (name, error) in every_variant() {
            let source = std::error::Error::source(&error).map(ToString::to_string);
            let expected = match name {
                "timeout" | "transport" => Some("the call's timeout of 1s elapsed"),
                "decode" => Some("missing field `id`"),
                "auth" => Some("unexpected HTTP 503 Service Unavailable from PortOne"),
                _ => None,
            };
            assert_eq!(source.as_deref(), expected, "{name}");
        }
        let auth = AuthError(Arc::new(Error::InvalidInput("x".into())));
        let source = std::error::Error::source(&auth).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("invalid request: x"));
    }

    #[test]
    fn display_says_what_happened_and_whether_it_was_sent() {
        let shown: Vec<String> = every_variant().iter().map(|(_, e)| e.to_string()).collect();
        assert_eq!(
            shown,
            [
                "PortOne API error PAYMENT_NOT_FOUND (HTTP 404 Not Found): no such payment",
                "unexpected HTTP 301 Moved Permanently from PortOne",
                "cannot decode PortOne's HTTP 202 Accepted response at `items[0]`",
                "PortOne's HTTP 502 Bad Gateway answer did not arrive in time: the request's outcome is unknown",
                "PortOne's HTTP 504 Gateway Timeout answer broke off: the request's outcome is unknown",
                "PortOne's HTTP 201 Created answer is larger than the limit of 10 bytes (not read)",
                "invalid request: bad id",
                "cannot obtain a PortOne access token",
                "PortOne's listing did not move forward at `page.number`: stuck",
            ]
        );
        let without_head = |make: fn(TransportError) -> Error, delivery| {
            make(timed_out(delivery, None, "x")).to_string()
        };
        let cases = [
            (
                Error::Timeout as fn(_) -> _,
                Delivery::NotSent,
                "could not connect to PortOne in time: the request was not sent",
            ),
            (
                Error::Timeout,
                Delivery::OutcomeUnknown,
                "the PortOne request timed out after it was sent: its outcome is unknown",
            ),
            (
                Error::Transport,
                Delivery::NotSent,
                "cannot connect to PortOne: the request was not sent",
            ),
            (
                Error::Transport,
                Delivery::OutcomeUnknown,
                "the connection to PortOne failed after the request was sent: its outcome is unknown",
            ),
        ];
        for (make, delivery, expected) in cases {
            assert_eq!(without_head(make, delivery), expected);
        }
    }

    #[test]
    fn an_unexpected_status_shows_its_redirect_or_content_type() {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_static("https://elsewhere/"));
        headers.insert("content-type", HeaderValue::from_static("text/html"));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let redirect = UnexpectedStatus {
            status: StatusCode::TEMPORARY_REDIRECT,
            headers: headers.clone(),
            body: "moved".into(),
        };
        assert_eq!(
            redirect.to_string(),
            "unexpected HTTP 307 Temporary Redirect from PortOne (redirect to https://elsewhere/)"
        );
        assert_eq!(redirect.location(), Some("https://elsewhere/"));
        assert_eq!(redirect.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(redirect.body(), "moved");
        headers.remove(LOCATION);
        let html = UnexpectedStatus {
            status: StatusCode::BAD_GATEWAY,
            headers,
            body: String::new(),
        };
        assert_eq!(
            html.to_string(),
            "unexpected HTTP 502 Bad Gateway from PortOne (text/html)"
        );
        assert_eq!(html.content_type(), Some("text/html"));
        assert_eq!(html.location(), None);
    }

    #[test]
    fn bodies_in_debug_and_display_are_cut_at_200_characters() {
        assert_eq!(snippet_of("abc", 3), "abc");
        assert_eq!(snippet_of("abcd", 3), "abc…");
        assert_eq!(snippet_of("가나다라", 2), "가나…");
        let short = "가".repeat(SNIPPET_CHARS);
        assert_eq!(format!("{:?}", BodySnippet(&short)), format!("{short:?}"));
        let long = "가".repeat(SNIPPET_CHARS + 1);
        assert_eq!(
            format!("{:?}", BodySnippet(&long)),
            format!("{:?} ({} bytes)", format!("{short}…"), long.len())
        );
        let decode = DecodeError {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            path: ".".into(),
            cause: DecodeCause("expected value".into()),
            body: long.clone(),
        };
        assert_eq!(decode.body_snippet(), format!("{short}…"));
        assert!(format!("{decode:?}").len() < 1000);
        assert_eq!((decode.path(), decode.message()), (".", "expected value"));
        let api = ApiError {
            status: StatusCode::BAD_REQUEST,
            headers: HeaderMap::new(),
            error: any_api("INVALID_REQUEST", &long),
            message: Some(long),
        };
        assert_eq!(
            api.to_string(),
            format!("PortOne API error INVALID_REQUEST (HTTP 400 Bad Request): {short}…")
        );
    }

    #[test]
    fn the_untyped_error_keeps_the_tag_message_and_json() {
        let typed: GetPaymentError = serde_json::from_value(
            json!({"type": "PAYMENT_NOT_FOUND", "message": "no such payment"}),
        )
        .unwrap();
        let api = ApiError::new(StatusCode::NOT_FOUND, marked("api"), typed);
        assert_eq!(api.message(), Some("no such payment"));
        let untyped: Error = Error::Api(api).into();
        let api = untyped.api().unwrap();
        assert_eq!(api.error().tag(), "PAYMENT_NOT_FOUND");
        assert_eq!(api.error().message(), Some("no such payment"));
        assert_eq!(api.error().as_json()["type"], "PAYMENT_NOT_FOUND");
        assert!(matches!(
            api.error().to_typed::<GetPaymentError>(),
            Some(GetPaymentError::PaymentNotFound(_))
        ));
        // A case the operation does not document is not forced into its type.
        assert_eq!(
            any_api("SOMETHING_NEW", "m").to_typed::<GetPaymentError>(),
            None
        );
        assert_eq!(which(&untyped), Some("api"));
    }
}
