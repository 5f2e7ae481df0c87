//! Reading a response body in full inside an attempt, within the size limit.
//!
//! The pipeline reads every body before it decides about the attempt, so that a body that
//! breaks off is an attempt failure (retried for a `GET`, reported with the response's status
//! and headers otherwise) and the attempt timeout covers the body. The generated code then
//! gets the body from memory, or, when the pipeline gives up, a body that fails with
//! [`BodyFailure`]: the facade finds it in the error's source chain.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use reqwest::Response;
use reqwest::header::CONTENT_LENGTH;

/// The default largest response body: far above PortOne's largest page (1,000 payments are
/// about 3.6 MB of JSON).
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;

/// Why a response body could not be read.
#[derive(Debug)]
pub(crate) enum BodyFailure {
    /// The body is larger than the limit (by its `Content-Length`, or as it arrived).
    TooLarge { limit: u64 },
    /// Reading it failed (connection cut, timeout, bad encoding).
    Broken(reqwest::Error),
}

impl fmt::Display for BodyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyFailure::TooLarge { limit } => {
                write!(f, "the response body is larger than {limit} bytes")
            }
            BodyFailure::Broken(_) => f.write_str("the response body broke off"),
        }
    }
}

impl std::error::Error for BodyFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BodyFailure::Broken(e) => Some(e),
            BodyFailure::TooLarge { .. } => None,
        }
    }
}

impl BodyFailure {
    /// Whether the body broke off (rather than being too large).
    pub(crate) fn is_broken(&self) -> bool {
        matches!(self, BodyFailure::Broken(_))
    }

    /// Whether reading the body timed out.
    pub(crate) fn is_timeout(&self) -> bool {
        matches!(self, BodyFailure::Broken(e) if e.is_timeout())
    }

    /// The failure in `error`'s source chain, if the body was ours to fail.
    pub(crate) fn find<'a>(
        error: &'a (dyn std::error::Error + 'static),
    ) -> Option<&'a BodyFailure> {
        let mut current = Some(error);
        while let Some(e) = current {
            if let Some(failure) = e.downcast_ref::<BodyFailure>() {
                return Some(failure);
            }
            current = e.source();
        }
        None
    }
}

/// A response whose head arrived, and why its body could not be read.
pub(crate) struct Failed {
    pub head: http::response::Parts,
    pub failure: BodyFailure,
}

/// Reads the whole body of `response` (at most `limit` bytes); the response comes back with the
/// body in memory.
pub(crate) async fn read(mut response: Response, limit: u64) -> Result<Response, Failed> {
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = |response: Response| Failed {
        head: head(response),
        failure: BodyFailure::TooLarge { limit },
    };
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(response));
    }
    let capacity = declared.map_or(0, |length| usize::try_from(length).unwrap_or(0));
    let mut body = BytesMut::with_capacity(capacity);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() as u64 + chunk.len() as u64 > limit {
                    return Err(too_large(response));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err(Failed {
                    head: head(response),
                    failure: BodyFailure::Broken(e),
                });
            }
        }
    }
    Ok(with_body(
        head(response),
        reqwest::Body::from(body.freeze()),
    ))
}

/// `response`'s head, without its body.
fn head(response: Response) -> http::response::Parts {
    let response: http::Response<reqwest::Body> = response.into();
    response.into_parts().0
}

fn with_body(head: http::response::Parts, body: reqwest::Body) -> Response {
    Response::from(http::Response::from_parts(head, body))
}

/// The response of a failed body, whose body fails with the failure when read.
pub(crate) fn failing(failed: Failed) -> Response {
    with_body(
        failed.head,
        reqwest::Body::wrap_stream(Once(Some(failed.failure))),
    )
}

/// A stream of one error.
struct Once(Option<BodyFailure>);

impl Stream for Once {
    type Item = Result<Bytes, BodyFailure>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.take().map(Err))
    }
}
