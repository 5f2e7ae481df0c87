//! The error of every operation: [`Error<E>`], where `E` is the operation's documented error
//! type (e.g. [`GetPaymentError`](crate::types::GetPaymentError)).

use std::fmt;

use portone_gen::open::OpenUnion;
use reqwest::StatusCode;

use crate::types::LoginViaApiSecretError;

/// `Result` of an operation whose documented error type is `E`.
pub type Result<T, E> = std::result::Result<T, Error<E>>;

/// What went wrong in a call to PortOne.
///
/// ```
/// # async fn demo(portone: portone_client::PortOne) {
/// use portone_client::types::GetPaymentError;
///
/// match portone.payment().get_payment("order-1", None).await {
///     Ok(payment) => println!("{}", payment.tag()),
///     Err(e) => match e.api().map(|api| api.error()) {
///         Some(GetPaymentError::PaymentNotFound(_)) => println!("no such payment"),
///         _ => eprintln!("{e}"),
///     },
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// PortOne answered with an error documented for this operation.
    Api(ApiError<E>),
    /// An HTTP status the operation does not document (e.g. a 502 from a proxy); the body is kept.
    UnexpectedStatus(UnexpectedStatus),
    /// The response body could not be decoded as the documented type.
    Decode(DecodeError),
    /// The request or the response took longer than the configured timeout.
    Timeout(reqwest::Error),
    /// The request could not be sent or the response could not be read.
    Transport(reqwest::Error),
    /// The request was rejected before anything was sent (e.g. a path parameter `..`).
    InvalidInput(String),
    /// No access token could be obtained (bearer authentication).
    Auth(Box<Error<LoginViaApiSecretError>>),
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
            Error::Auth(inner) => inner.status(),
            Error::Pagination(_) => Some(StatusCode::OK),
            Error::Timeout(_) | Error::Transport(_) | Error::InvalidInput(_) => None,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

impl<E: OpenUnion> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::UnexpectedStatus(u) => u.fmt(f),
            Error::Decode(d) => d.fmt(f),
            Error::Timeout(e) => write!(f, "PortOne request timed out: {e}"),
            Error::Transport(e) => write!(f, "cannot reach PortOne: {e}"),
            Error::InvalidInput(message) => write!(f, "invalid request: {message}"),
            Error::Auth(e) => write!(f, "cannot obtain a PortOne access token: {e}"),
            Error::Pagination(p) => p.fmt(f),
        }
    }
}

impl<E: OpenUnion> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Auth(e) => Some(&**e),
            _ => None,
        }
    }
}

/// An error PortOne documents for the operation, decoded into its typed enum `E`.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    pub(crate) status: StatusCode,
    pub(crate) error: E,
    pub(crate) message: Option<String>,
}

impl<E: OpenUnion> ApiError<E> {
    pub(crate) fn new(status: StatusCode, error: E) -> Self {
        let message = serde_json::to_value(&error)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_owned));
        ApiError {
            status,
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

impl<E: OpenUnion> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PortOne API error {} (HTTP {})",
            self.error.tag(),
            self.status
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// How much of a body error messages quote.
const SNIPPET_CHARS: usize = 200;

fn snippet(body: &str) -> String {
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
    pub(crate) content_type: Option<String>,
    pub(crate) body: String,
}

impl UnexpectedStatus {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `content-type` header, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The whole body (invalid UTF-8 replaced).
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for UnexpectedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected HTTP {} from PortOne", self.status)?;
        if let Some(content_type) = &self.content_type {
            write!(f, " ({content_type})")?;
        }
        if self.body.trim().is_empty() {
            write!(f, " with an empty body")
        } else {
            write!(f, ": {}", snippet(self.body.trim()))
        }
    }
}

/// A response body that does not decode as the documented type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) body: String,
}

impl DecodeError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Where in the JSON decoding failed, e.g. `items[3].amount.total` (`.` for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's message (with line and column).
    pub fn message(&self) -> &str {
        &self.message
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
            "cannot decode the HTTP {} response from PortOne at `{}`: {}",
            self.status, self.path, self.message
        )?;
        if self.body.trim().is_empty() {
            write!(f, " (empty body)")
        } else {
            write!(f, "; body: {}", snippet(self.body.trim()))
        }
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
