//! Every list operation of the spec and a JSON adapter for its stream, so one test can drive
//! every `<operation>_stream` of the facade (the table is written by this crate's build script
//! from `portone_openapi::codegen::lists`, the classification `portone-gen` generates from).

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use portone_client::paginate::{ListResponse, Paginated, Stream};
use serde_json::Value;

/// How a list operation pages: the paging fields of its body, by wire path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagination {
    /// Numbered pages; the response has `page: {number, size, totalCount}`.
    Page {
        /// Where the page number goes, e.g. `page.number` or `pageNumber`.
        number: &'static str,
        /// Where the page size goes, e.g. `page.size` or `pageSize`.
        size: &'static str,
    },
    /// Cursors; each item carries the cursor that continues after it (`cursor`).
    Cursor {
        /// Where the cursor goes, e.g. `cursor`.
        cursor: &'static str,
        /// Where the page size goes, e.g. `size`.
        size: &'static str,
    },
}

/// Items as JSON, errors as text.
pub type JsonStream = Pin<Box<dyn Stream<Item = Result<Value, String>> + Send>>;

/// A list operation and its stream.
#[derive(Clone, Copy)]
pub struct ListOperation {
    /// `operationId`, e.g. `getPayments`.
    pub operation_id: &'static str,
    /// Accessor path of its group, e.g. `payment.billing_key`.
    pub group: &'static str,
    /// The operation's method, e.g. `get_payments`.
    pub method: &'static str,
    /// The stream method, e.g. `get_payments_stream`.
    pub stream_method: &'static str,
    /// How it pages.
    pub pagination: Pagination,
    /// The response property holding the items, e.g. `items`.
    pub items: &'static str,
    /// The Rust type of the items, e.g. `Payment`.
    pub item_type: &'static str,
    /// Streams the items as JSON: client, JSON body, page size (optional parameters other
    /// than the body are left unset).
    pub json_stream: fn(&portone_client::PortOne, Value, Option<u32>) -> JsonStream,
}

impl std::fmt::Debug for ListOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListOperation")
            .field("operation_id", &self.operation_id)
            .field("group", &self.group)
            .field("stream_method", &self.stream_method)
            .finish_non_exhaustive()
    }
}

/// A [`JsonStream`] of a stream's items.
pub fn json_items<R, E>(items: Paginated<R, E>) -> JsonStream
where
    R: ListResponse,
    E: Send + 'static,
    portone_client::Error<E>: std::fmt::Display,
{
    struct JsonItems<R: ListResponse, E>(Paginated<R, E>);
    impl<R: ListResponse, E> Stream for JsonItems<R, E>
    where
        portone_client::Error<E>: std::fmt::Display,
    {
        type Item = Result<Value, String>;
        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let items = &mut self.get_mut().0;
            Poll::Ready(
                ready!(Pin::new(items).poll_next(cx)).map(|item| match item {
                    Ok(item) => serde_json::to_value(&item).map_err(|e| e.to_string()),
                    Err(error) => Err(error.to_string()),
                }),
            )
        }
    }
    Box::pin(JsonItems(items))
}

/// A [`JsonStream`] yielding only `message` as an error.
pub fn json_failure(message: String) -> JsonStream {
    struct Failure(Option<String>);
    impl Stream for Failure {
        type Item = Result<Value, String>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.get_mut().0.take().map(Err))
        }
    }
    Box::pin(Failure(Some(message)))
}
