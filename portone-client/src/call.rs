//! Running one generated call and turning its outcome into [`Error`].
//!
//! When the pipeline (`pipeline.rs`) aborts a call because no access token could be obtained,
//! the generated code only sees a message; the pipeline keeps the typed error in a task-local
//! [`CallRecord`] for [`Error::Auth`].

use std::cell::RefCell;
use std::future::Future;

use portone_gen::ResponseValue;
use portone_gen::open::OpenUnion;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, Error, UnexpectedStatus};
use crate::types::LoginViaApiSecretError;

/// What the pipeline learned during one call.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    /// Why the pipeline aborted the call, if it did.
    pub auth_error: Option<Error<LoginViaApiSecretError>>,
}

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
}

/// Updates the record of the current call (no-op outside a call).
pub(crate) fn record(f: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|call| f(&mut call.borrow_mut()));
}

type RawResult<T, E> = std::result::Result<ResponseValue<T>, portone_gen::Error<E>>;

/// Runs a generated call whose success body is JSON of type `T`.
pub(crate) async fn run<T, E>(call: impl Future<Output = RawResult<T, E>>) -> crate::Result<T, E>
where
    T: DeserializeOwned,
    E: OpenUnion,
{
    run_with(call, diagnose::<T>).await
}

/// Runs a generated call whose success body is not JSON (bytes or nothing).
#[allow(
    dead_code,
    reason = "only operations without a JSON success body use it; a category selection may have none"
)]
pub(crate) async fn run_raw<T, E>(
    call: impl Future<Output = RawResult<T, E>>,
) -> crate::Result<T, E>
where
    E: OpenUnion,
{
    run_with(call, |_| None).await
}

async fn run_with<T, E: OpenUnion>(
    call: impl Future<Output = RawResult<T, E>>,
    diagnose_success: fn(&[u8]) -> Option<(String, String)>,
) -> crate::Result<T, E> {
    let (result, record) = CALL
        .scope(RefCell::new(CallRecord::default()), async {
            let result = call.await;
            (result, CALL.with(|c| c.take()))
        })
        .await;
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(error) => Err(convert(error, record, diagnose_success).await),
    }
}

async fn convert<E: OpenUnion>(
    error: portone_gen::Error<E>,
    record: CallRecord,
    diagnose_success: fn(&[u8]) -> Option<(String, String)>,
) -> Error<E> {
    use portone_gen::Error as Raw;
    match error {
        Raw::ErrorResponse(value) => Error::Api(ApiError::new(value.status(), value.into_inner())),
        Raw::UnexpectedResponse(response) => {
            let status = response.status();
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match response.bytes().await {
                Ok(body) => Error::UnexpectedStatus(UnexpectedStatus {
                    status,
                    content_type,
                    body: String::from_utf8_lossy(&body).into_owned(),
                }),
                Err(e) => transport(e),
            }
        }
        Raw::InvalidResponsePayload {
            status,
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
                path,
                message,
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        }
        Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e) => {
            transport(e)
        }
        Raw::InvalidRequest(message) => Error::InvalidInput(message),
        Raw::Custom(message) => match record.auth_error {
            Some(auth) => Error::Auth(Box::new(auth)),
            None => Error::InvalidInput(message),
        },
        other => Error::InvalidInput(format!("unexpected client error: {other}")),
    }
}

fn transport<E>(e: reqwest::Error) -> Error<E> {
    if e.is_timeout() {
        Error::Timeout(e)
    } else {
        Error::Transport(e)
    }
}

/// Decodes `body` as `T` again, tracking where it fails: (JSON path, message).
fn diagnose<T: DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(deserializer) {
        Ok(_) => None,
        Err(e) => Some((e.path().to_string(), e.into_inner().to_string())),
    }
}
