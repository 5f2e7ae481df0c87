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

#[cfg(test)]
mod tests {
    use super::*;

    /// A body arriving as these chunks (an `Err` breaks it off there).
    struct Chunks(std::collections::VecDeque<Result<Bytes, std::io::Error>>);

    impl Stream for Chunks {
        type Item = Result<Bytes, std::io::Error>;

        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.get_mut().0.pop_front())
        }
    }

    fn response(declared: Option<u64>, chunks: Vec<Result<&'static [u8], &str>>) -> Response {
        let chunks = chunks
            .into_iter()
            .map(|c| {
                c.map(Bytes::from_static)
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::ConnectionReset, e))
            })
            .collect();
        let mut builder = http::Response::builder().status(200);
        if let Some(length) = declared {
            builder = builder.header(CONTENT_LENGTH, length);
        }
        Response::from(
            builder
                .body(reqwest::Body::wrap_stream(Chunks(chunks)))
                .unwrap(),
        )
    }

    async fn text(result: Result<Response, Failed>) -> Vec<u8> {
        match result {
            Ok(response) => response.bytes().await.unwrap().to_vec(),
            Err(failed) => panic!("{}", failed.failure),
        }
    }

    #[tokio::test]
    async fn a_body_of_exactly_the_limit_is_read() {
        let declared = response(Some(10), vec![Ok(b"0123"), Ok(b"456789")]);
        assert_eq!(text(read(declared, 10).await).await, b"0123456789");
        let chunked = response(None, vec![Ok(b"0123"), Ok(b"456789")]);
        assert_eq!(text(read(chunked, 10).await).await, b"0123456789");
    }

    #[tokio::test]
    async fn one_byte_over_the_limit_is_too_large() {
        let chunked = response(None, vec![Ok(b"0123"), Ok(b"4567890")]);
        let failed = read(chunked, 10).await.expect_err("too large");
        assert!(matches!(
            failed.failure,
            BodyFailure::TooLarge { limit: 10 }
        ));
        assert_eq!(
            failed.failure.to_string(),
            "the response body is larger than 10 bytes"
        );
        assert!(std::error::Error::source(&failed.failure).is_none());
        assert!(!failed.failure.is_broken());
    }

    /// A declared length over the limit is refused before reading: a body that would break
    /// off is never read.
    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_unread() {
        let declared = response(Some(11), vec![Err("never read")]);
        let failed = read(declared, 10).await.expect_err("too large");
        assert!(matches!(
            failed.failure,
            BodyFailure::TooLarge { limit: 10 }
        ));
        assert_eq!(failed.head.status, 200);
    }

    #[tokio::test]
    async fn a_body_that_breaks_off_keeps_its_cause_and_head() {
        let broken = response(Some(100), vec![Ok(b"{\"id\":"), Err("reset by peer")]);
        let failed = read(broken, 1024).await.expect_err("broken");
        assert!(failed.failure.is_broken());
        assert_eq!(failed.failure.to_string(), "the response body broke off");
        let source = std::error::Error::source(&failed.failure).expect("the reqwest error");
        assert!(source.downcast_ref::<reqwest::Error>().is_some());
        // The failing replay answers with the same failure, found in its error's chain.
        let replay = failing(failed);
        let err = replay.bytes().await.unwrap_err();
        let found = BodyFailure::find(&err).expect("the failure in the chain");
        assert!(found.is_broken());
    }
}
