//! What happens to every request: defaults (`User-Agent`, timeout, `storeId`), credentials,
//! retries, and a tracing span. Plugged into the generated client as its
//! [`portone_gen::Pipeline`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use portone_gen::BoxFuture;
use portone_gen::operations::Operation;
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, Request, Response, StatusCode};
use tracing::Instrument;

use crate::auth::TokenManager;
use crate::body;
use crate::call::CallOptions;
use crate::retry::RetryConfig;

/// `User-Agent` of every request.
pub(crate) const USER_AGENT_VALUE: &str = concat!("portone-rust/", env!("CARGO_PKG_VERSION"));

/// How requests are authenticated.
#[derive(Debug, Clone)]
pub(crate) enum Credentials {
    /// No credentials (the client used for login and refresh).
    None,
    /// `Authorization: PortOne <secret>`.
    ApiSecret(HeaderValue),
    /// `Authorization: Bearer <token>`: the token obtained for this call by the facade before
    /// sending (`prefetched`), else from `tokens` when the request is prepared (`portone.raw()`).
    AccessToken {
        tokens: Arc<TokenManager>,
        prefetched: Option<HeaderValue>,
    },
}

/// The facade's pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    pub credentials: Credentials,
    pub store_id: Option<String>,
    pub retry: RetryConfig,
    pub attempt_timeout: Option<Duration>,
    /// The largest answer body read.
    pub max_response_size: u64,
}

impl Pipeline {
    /// This pipeline with one call's options and access token.
    pub fn for_call(&self, options: &CallOptions, bearer: Option<HeaderValue>) -> Pipeline {
        let mut pipeline = self.clone();
        if let Some(store_id) = &options.store_id {
            pipeline.store_id = Some(store_id.clone());
        }
        if let Some(retry) = &options.retry {
            pipeline.retry = retry.clone();
        }
        if let Some(timeout) = options.attempt_timeout {
            pipeline.attempt_timeout = Some(timeout);
        }
        if let (Credentials::AccessToken { prefetched, .. }, Some(bearer)) =
            (&mut pipeline.credentials, bearer)
        {
            *prefetched = Some(bearer);
        }
        pipeline
    }
}

impl portone_gen::Pipeline for Pipeline {
    fn prepare<'a>(
        &'a self,
        request: &'a mut Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let headers = request.headers_mut();
            if !headers.contains_key(USER_AGENT) {
                headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
            }
            if request.timeout().is_none() {
                *request.timeout_mut() = self.attempt_timeout;
            }
            if let Some(store_id) = &self.store_id {
                crate::store_id::fill(request, operation, store_id)?;
            }
            if operation.authenticated {
                let header = match &self.credentials {
                    Credentials::None => None,
                    Credentials::ApiSecret(header) => Some(header.clone()),
                    Credentials::AccessToken {
                        prefetched: Some(header),
                        ..
                    } => Some(header.clone()),
                    Credentials::AccessToken { tokens, .. } => {
                        let header = tokens.header().await.map_err(|e| {
                            use std::error::Error as _;
                            match e.source() {
                                Some(cause) => format!("{e}: {cause}"),
                                None => e.to_string(),
                            }
                        })?;
                        Some(header)
                    }
                };
                if let Some(header) = header {
                    request.headers_mut().insert(AUTHORIZATION, header);
                }
            }
            Ok(())
        })
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, reqwest::Result<Response>> {
        let span = tracing::info_span!(
            "portone.request",
            operation = operation.id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        Box::pin(self.send(client, request, operation).instrument(span))
    }
}

/// How one attempt ended.
enum Attempt {
    /// An answer, its body in memory.
    Answered(Response),
    /// The answer's head arrived, its body did not.
    BodyFailed(body::Failed),
    /// No answer.
    Failed(reqwest::Error),
}

impl Attempt {
    /// What the generated code gets: the answer, one whose body fails with the pipeline's
    /// [`BodyFailure`](body::BodyFailure), or the transport error.
    fn into_result(self) -> reqwest::Result<Response> {
        match self {
            Attempt::Answered(response) => Ok(response),
            Attempt::BodyFailed(failed) => Ok(body::failing(failed)),
            Attempt::Failed(error) => Err(error),
        }
    }

    /// The answer's status, if its head arrived.
    fn status(&self) -> Option<StatusCode> {
        match self {
            Attempt::Answered(response) => Some(response.status()),
            Attempt::BodyFailed(failed) => Some(failed.head.status),
            Attempt::Failed(_) => None,
        }
    }

    /// Logs that this attempt is followed by another one after `wait`.
    fn log_retry(&self, wait: Duration) {
        match self {
            Attempt::Answered(response) => {
                tracing::info!(status = response.status().as_u16(), ?wait, "retrying")
            }
            Attempt::BodyFailed(failed) => tracing::info!(
                status = failed.head.status.as_u16(),
                reason = %failed.failure,
                ?wait,
                "retrying"
            ),
            Attempt::Failed(error) => tracing::info!(reason = %reason(error), ?wait, "retrying"),
        }
    }
}

impl Pipeline {
    async fn attempt(&self, client: &reqwest::Client, request: Request) -> Attempt {
        match client.execute(request).await {
            Ok(response) => match body::read(response, self.max_response_size).await {
                Ok(response) => Attempt::Answered(response),
                Err(failed) => Attempt::BodyFailed(failed),
            },
            Err(error) => Attempt::Failed(error),
        }
    }

    /// Sends `request`, retrying as configured and renewing a rejected access token once.
    async fn send(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation: &'static Operation,
    ) -> reqwest::Result<Response> {
        let span = tracing::Span::current();
        let start = Instant::now();
        let method = request.method().clone();
        let max_attempts = self.retry.max_attempts;
        let mut attempt = 1;
        let mut renewed_token = false;
        let token_auth =
            operation.authenticated && matches!(self.credentials, Credentials::AccessToken { .. });
        loop {
            // A copy to send again, only if this attempt may be followed by another one.
            let may_repeat = attempt < max_attempts || (token_auth && !renewed_token);
            let next = may_repeat.then(|| request.try_clone()).flatten();
            let sent_authorization = token_auth
                .then(|| request.headers().get(AUTHORIZATION).cloned())
                .flatten();
            span.record("attempt", attempt);
            let outcome = self.attempt(client, request).await;
            span.record("duration_ms", start.elapsed().as_millis() as u64);
            let status = outcome.status();
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            if status == Some(StatusCode::UNAUTHORIZED) && token_auth && !renewed_token {
                // A rejected access token is renewed once; a 401 is never retried otherwise.
                renewed_token = true;
                match self.with_renewed_token(next, sent_authorization).await {
                    Some(renewed) => {
                        request = renewed;
                        continue;
                    }
                    None => return outcome.into_result(),
                }
            }
            let wait = (attempt < max_attempts)
                .then(|| self.wait_before_retry(&method, &outcome, attempt))
                .flatten();
            match (wait, next) {
                (Some(wait), Some(next)) => {
                    outcome.log_retry(wait);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    request = next;
                }
                _ => return outcome.into_result(),
            }
        }
    }

    /// `next` (the copy of a request whose access token `sent` was rejected) with a renewed
    /// token; `None` if there is no copy or no token.
    async fn with_renewed_token(
        &self,
        next: Option<Request>,
        sent: Option<HeaderValue>,
    ) -> Option<Request> {
        let (Credentials::AccessToken { tokens, .. }, Some(mut next), Some(sent)) =
            (&self.credentials, next, sent)
        else {
            return None;
        };
        match tokens.header_after_rejection(&sent).await {
            Ok(header) => {
                tracing::debug!("access token rejected; retrying with a renewed one");
                next.headers_mut().insert(AUTHORIZATION, header);
                Some(next)
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot renew the rejected access token");
                None
            }
        }
    }

    /// How long to wait before sending again after `outcome` (attempt number `attempt`, with
    /// attempts left), or `None` if it is not retried.
    fn wait_before_retry(
        &self,
        method: &Method,
        outcome: &Attempt,
        attempt: u32,
    ) -> Option<Duration> {
        match outcome {
            Attempt::Answered(response) => self
                .retry
                .retries_status(method, response.status())
                .then(|| self.retry.wait_after(response.headers(), attempt))
                .flatten(),
            Attempt::BodyFailed(failed) => (failed.failure.is_broken()
                && self.retry.retries_reached(method))
            .then(|| self.retry.backoff(attempt)),
            Attempt::Failed(error) => self
                .retry
                .retries_transport(method, error)
                .then(|| self.retry.backoff(attempt)),
        }
    }
}

/// What went wrong with a request, without its URL (which may hold a base URL's password or
/// query data): the kind, and the innermost cause.
fn reason(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connect"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_body() {
        "body"
    } else {
        "request"
    };
    let mut cause: &dyn std::error::Error = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    if std::ptr::addr_eq(cause, error as &dyn std::error::Error) {
        kind.to_owned()
    } else {
        format!("{kind}: {cause}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reason logged for a retry names the kind and the innermost cause, never the URL.
    #[tokio::test]
    async fn a_failure_reason_has_its_kind_and_cause_but_no_url() {
        let error = crate::test_support::refused_get("/secret-path").await;
        let text = reason(&error);
        assert!(text.starts_with("connect: "), "{text}");
        assert!(text.len() > "connect: ".len(), "{text}");
        assert!(
            !text.contains("hunter2") && !text.contains("secret-path"),
            "{text}"
        );
    }
}
