//! The `ClientHooks` implementation: wire rules for every request, then the client's
//! [`Pipeline`] (the facade's: auth, `storeId` defaults, retries, tracing) if it has one. The
//! generated client's inner value is that optional pipeline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_upstream::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::Client;
use crate::operations::{self, Operation};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What runs around every request of a [`Client`] (`Client::new(url, Some(pipeline))`);
/// implemented by `portone-client`.
pub trait Pipeline: Send + Sync + fmt::Debug {
    /// Adjusts a request before it is put in wire form: path parameters are checked, but a
    /// body that travels in the `requestBody` query is still the JSON body. An `Err` aborts
    /// the call with [`Error::Custom`] holding the message.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, Result<(), String>>;

    /// Sends the request (possibly several times).
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The generated client's inner value: its pipeline, if any (`None`: the wire rules only).
pub type Inner = Option<Arc<dyn Pipeline>>;

fn operation_for(info: &OperationInfo) -> Option<&'static Operation> {
    operations::find(info.operation_id)
}

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let Some(operation) = operation_for(info) else {
            return Err(Error::InvalidRequest(format!(
                "operation {} is not in the generated operation table",
                info.operation_id
            )));
        };
        crate::wire::check(request, operation).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        if let Some(pipeline) = self.inner() {
            pipeline
                .prepare(request, operation)
                .await
                .map_err(Error::Custom)?;
        }
        crate::wire::finish(request, operation).map_err(|e| Error::InvalidRequest(e.to_string()))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match (self.inner(), operation_for(info)) {
            (Some(pipeline), Some(operation)) => {
                pipeline.execute(self.client(), request, operation).await
            }
            _ => self.client().execute(request).await,
        }
    }
}
