//! What happens to every request: defaults (`User-Agent`, timeout, `storeId`), credentials,
//! retries, and a tracing span. Plugged into the generated client as its middleware.

use std::sync::Arc;
use std::time::{Duration, Instant};

use portone_gen::operations::Operation;
use portone_gen::{BoxFuture, Middleware};
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::auth::TokenManager;
use crate::call::CallOptions;
use crate::retry::{RetryConfig, parse_retry_after};

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

/// The facade's middleware.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    pub credentials: Credentials,
    pub store_id: Option<String>,
    pub retry: RetryConfig,
    pub attempt_timeout: Option<Duration>,
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

impl Middleware for Pipeline {
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

impl Pipeline {
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
        let mut attempt = 1;
        let mut renewed_token = false;
        let token_auth =
            operation.authenticated && matches!(self.credentials, Credentials::AccessToken { .. });
        loop {
            // A copy to send again, only if this attempt may be followed by another one.
            let may_repeat = attempt < self.retry.max_attempts || (token_auth && !renewed_token);
            let next = may_repeat.then(|| request.try_clone()).flatten();
            let sent_authorization = token_auth
                .then(|| request.headers().get(AUTHORIZATION).cloned())
                .flatten();
            span.record("attempt", attempt);
            let result = client.execute(request).await;
            span.record("duration_ms", start.elapsed().as_millis() as u64);
            let retry_in = match &result {
                Ok(response) => {
                    let status = response.status();
                    span.record("status", status.as_u16());
                    if status == StatusCode::UNAUTHORIZED
                        && operation.authenticated
                        && !renewed_token
                    {
                        if let (
                            Credentials::AccessToken { tokens, .. },
                            Some(mut next),
                            Some(sent),
                        ) = (&self.credentials, next, sent_authorization)
                        {
                            renewed_token = true;
                            match tokens.header_after_rejection(&sent).await {
                                Ok(header) => {
                                    tracing::debug!(
                                        "access token rejected; retrying with a renewed one"
                                    );
                                    next.headers_mut().insert(AUTHORIZATION, header);
                                    request = next;
                                    continue;
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "cannot renew the rejected access token");
                                    return result;
                                }
                            }
                        }
                        return result;
                    }
                    if attempt < self.retry.max_attempts
                        && self.retry.retries_status(&method, status)
                    {
                        match response
                            .headers()
                            .get(RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                        {
                            Some(value) => parse_retry_after(value, chrono::Utc::now())
                                .filter(|wait| *wait <= self.retry.max_retry_after),
                            None => Some(self.retry.backoff(attempt)),
                        }
                    } else {
                        None
                    }
                }
                Err(error) => (attempt < self.retry.max_attempts
                    && self.retry.retries_error(&method, error))
                .then(|| self.retry.backoff(attempt)),
            };
            match (retry_in, next) {
                (Some(wait), Some(next)) => {
                    match &result {
                        Ok(response) => {
                            tracing::info!(status = response.status().as_u16(), ?wait, "retrying")
                        }
                        Err(error) => tracing::info!(%error, ?wait, "retrying"),
                    }
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    request = next;
                }
                _ => return result,
            }
        }
    }
}
