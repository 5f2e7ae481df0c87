//! Running one generated call for a request builder: its per-call options, its deadline, and
//! turning its outcome into [`Error`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use portone_gen::ResponseValue;
use portone_gen::open::OpenUnion;
use serde::de::DeserializeOwned;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::body::BodyFailure;
use crate::error::{
    ApiError, DecodeCause, DecodeError, Delivery, Elapsed, Error, ResponseTooLarge, TransportCause,
    TransportError, UnexpectedStatus,
};
use crate::retry::RetryConfig;

/// What one call sets instead of the client's defaults (the builders' `store_id`, `timeout`,
/// `attempt_timeout`, `retry`).
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub store_id: Option<String>,
    pub timeout: Option<Duration>,
    pub attempt_timeout: Option<Duration>,
    pub retry: Option<RetryConfig>,
}

impl CallOptions {
    /// Whether the call needs its own pipeline (anything but the deadline differs).
    pub fn overrides_pipeline(&self) -> bool {
        self.store_id.is_some() || self.attempt_timeout.is_some() || self.retry.is_some()
    }
}

/// The future of a request builder (`IntoFuture`).
pub type CallFuture<'a, T, E> = Pin<Box<dyn Future<Output = crate::Result<T, E>> + Send + 'a>>;

type RawResult<T, E> = std::result::Result<ResponseValue<T>, portone_gen::Error<E>>;

/// Runs a generated call whose success body is JSON of type `T`.
pub(crate) async fn run<T, E>(
    deadline: Option<Duration>,
    call: impl Future<Output = RawResult<T, E>>,
) -> crate::Result<T, E>
where
    T: DeserializeOwned,
    E: OpenUnion,
{
    run_with(deadline, call, diagnose::<T>).await
}

/// Runs a generated call whose success body is not JSON (bytes or nothing).
#[allow(
    dead_code,
    reason = "only operations without a JSON success body use it; a category selection may have none"
)]
pub(crate) async fn run_without_json<T, E>(
    deadline: Option<Duration>,
    call: impl Future<Output = RawResult<T, E>>,
) -> crate::Result<T, E>
where
    E: OpenUnion,
{
    run_with(deadline, call, |_| None).await
}

async fn run_with<T, E: OpenUnion>(
    deadline: Option<Duration>,
    call: impl Future<Output = RawResult<T, E>>,
    diagnose_success: fn(&[u8]) -> Option<(String, String)>,
) -> crate::Result<T, E> {
    let result = match deadline {
        Some(deadline) => match tokio::time::timeout(deadline, call).await {
            Ok(result) => result,
            Err(_) => return Err(deadline_elapsed(deadline)),
        },
        None => call.await,
    };
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(error) => Err(convert(error, diagnose_success).await),
    }
}

/// The whole call (retries included) took longer than `deadline`. An attempt may have been in
/// flight, so the outcome is unknown.
fn deadline_elapsed<E>(deadline: Duration) -> Error<E> {
    Error::Timeout(TransportError {
        cause: TransportCause::Deadline(Elapsed(deadline)),
        delivery: Delivery::OutcomeUnknown,
        head: None,
    })
}

async fn convert<E: OpenUnion>(
    error: portone_gen::Error<E>,
    diagnose_success: fn(&[u8]) -> Option<(String, String)>,
) -> Error<E> {
    use portone_gen::Error as Raw;
    match error {
        Raw::ErrorResponse(value) => {
            let (status, headers) = (value.status(), value.headers().clone());
            Error::Api(ApiError::new(status, headers, value.into_inner()))
        }
        Raw::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => Error::UnexpectedStatus(UnexpectedStatus {
                    status,
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                }),
                Err(source) => body_failure(status, headers, source),
            }
        }
        Raw::ResponseBodyError {
            status,
            headers,
            source,
        } => body_failure(status, headers, source),
        Raw::InvalidResponsePayload {
            status,
            headers,
            body,
            error: serde_error,
        } => {
            let diagnosis = if status.is_success() {
                diagnose_success(&body)
            } else {
                diagnose::<E>(&body)
            };
            let (path, message) =
                diagnosis.unwrap_or_else(|| (".".into(), serde_error.to_string()));
            Error::Decode(DecodeError {
                status,
                headers,
                path,
                cause: DecodeCause(message),
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        }
        Raw::CommunicationError(e) | Raw::InvalidUpgrade(e) => transport(e, None),
        Raw::InvalidRequest(message) | Raw::Custom(message) => Error::InvalidInput(message),
        other => Error::InvalidInput(format!("unexpected client error: {other}")),
    }
}

/// A `reqwest` failure; `head` is the answer's status and headers if it had started to arrive.
/// (`is_timeout` looks through the whole source chain: a body that timed out inside the
/// pipeline's [`BodyFailure`] counts.)
pub(crate) fn transport<E>(e: reqwest::Error, head: Option<(StatusCode, HeaderMap)>) -> Error<E> {
    if e.is_timeout() {
        Error::Timeout(TransportError::reqwest(e, head))
    } else {
        Error::Transport(TransportError::reqwest(e, head))
    }
}

/// The body of an answer could not be read (the pipeline's [`BodyFailure`], or reqwest's).
fn body_failure<E>(status: StatusCode, headers: HeaderMap, source: reqwest::Error) -> Error<E> {
    if let Some(BodyFailure::TooLarge { limit }) = BodyFailure::find(&source) {
        return Error::ResponseTooLarge(ResponseTooLarge {
            status,
            headers,
            limit: *limit,
        });
    }
    transport(source, Some((status, headers)))
}

/// Decodes `body` as `T` again, tracking where it fails: (JSON path, message).
fn diagnose<T: DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(deserializer) {
        Ok(_) => None,
        Err(e) => Some((e.path().to_string(), e.into_inner().to_string())),
    }
}
