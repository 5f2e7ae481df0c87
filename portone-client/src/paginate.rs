//! Pagination: every list operation of PortOne as a lazy [`Stream`] of its items.
//!
//! Next to each list operation, the facade has a `<operation>_stream` method (e.g.
//! [`PaymentApi::get_payments_stream`](crate::api::PaymentApi::get_payments_stream)) that takes
//! the same arguments, the body by value, and returns a [`Paginated`] stream. The list
//! operations are derived from the spec's schemas; PortOne has two shapes:
//!
//! - **numbered pages**: the body has a page number and size (`page: {number, size}` or
//!   `pageNumber`/`pageSize`), the response `page: {number, size, totalCount}` and the items;
//! - **cursors**: the body has `cursor` and `size`, and every item carries its own cursor;
//!   the next request continues after the last item's.
//!
//! The body's filters and sort are kept on every request; only the page number (or the
//! cursor) and, with [`Paginated::page_size`], the page size are set. Nothing is requested
//! until the stream is polled, and pages are fetched one at a time as items are consumed.
//!
//! ```no_run
//! use portone_client::PortOne;
//! use portone_client::types::GetPaymentsBody;
//!
//! # async fn demo(portone: PortOne) -> Result<(), portone_client::Error<portone_client::types::GetPaymentsError>> {
//! let mut payments = portone
//!     .payment()
//!     .get_payments_stream(GetPaymentsBody::default())
//!     .page_size(100);
//! while let Some(payment) = payments.try_next().await? {
//!     println!("{}", payment.tag());
//! }
//!
//! // Or at most 1000 of them at once:
//! let first = portone
//!     .payment()
//!     .get_payments_stream(GetPaymentsBody::default())
//!     .collect_all(Some(1000))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # When a stream ends
//!
//! - Numbered pages: after an empty page, a page with fewer items than the page size PortOne
//!   reports, or the page that reaches `totalCount`.
//! - Cursors: after an empty page, or a page whose last item has no cursor. A short page does
//!   not end the stream (PortOne may cap the page size), so the last request finds it empty.
//! - After an error, which is yielded as an item: [`Error::Api`] for PortOne's answers (e.g. a
//!   page beyond what the operation allows), transport errors, and so on.
//!
//! A server that does not move forward never makes the stream loop: if PortOne answers another
//! page number than the one asked for, the same items as the page before, or a cursor the
//! stream already sent, the stream yields an [`Error::Pagination`] naming the field (e.g.
//! `page.number`, `items[9].cursor`) with the response in its body, and ends. Stopping quietly
//! there would hand over a silently truncated or duplicated listing.
//!
//! Numbered pages are not a snapshot: items created or deleted while paging shift the pages.
//! For exports of many items prefer the cursor-based operations where PortOne has them.

#![cfg_attr(
    portone_no_list_operations,
    allow(
        dead_code,
        reason = "this build has no list operation (category features)"
    )
)]

use std::collections::HashSet;
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

pub use futures_core::Stream;
pub use futures_core::stream::FusedStream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, PaginationError};

/// Where a page sits in its listing (see [`ListResponse::position`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Position<'a> {
    /// A numbered page, as PortOne reported it.
    Page {
        /// The page number (from 0).
        number: i64,
        /// Items per page.
        size: i64,
        /// Items matching the request in all pages.
        total_count: i64,
    },
    /// A page of a cursor listing.
    Cursor {
        /// The cursor of the last item (where the next page starts), if any.
        last: Option<&'a str>,
    },
}

impl Position<'_> {
    /// A numbered page from the response's integers (`None` if one does not fit in `i64`).
    /// Used by the generated [`ListResponse`] impls.
    #[allow(
        dead_code,
        reason = "a spec (or a build without `unstable`) may have no numbered listing"
    )]
    pub(crate) fn page<N, S, T>(number: N, size: S, total_count: T) -> Option<Self>
    where
        N: TryInto<i64>,
        S: TryInto<i64>,
        T: TryInto<i64>,
    {
        Some(Position::Page {
            number: number.try_into().ok()?,
            size: size.try_into().ok()?,
            total_count: total_count.try_into().ok()?,
        })
    }
}

pub(crate) mod sealed {
    /// Implemented by the generated list responses only.
    pub trait Sealed {}
}

/// The response of a list operation: a page of items (implemented for every list operation's
/// response type; sealed).
///
/// ```
/// use portone_client::paginate::{ListResponse, Position};
/// use portone_client::types::GetPaymentsResponse;
///
/// let page: GetPaymentsResponse = serde_json::from_value(serde_json::json!({
///     "items": [],
///     "page": {"number": 0, "size": 10, "totalCount": 0},
/// }))
/// .unwrap();
/// assert!(page.items().is_empty());
/// assert_eq!(
///     page.position(),
///     Some(Position::Page { number: 0, size: 10, total_count: 0 })
/// );
/// ```
pub trait ListResponse: Serialize + Send + Sized + 'static + sealed::Sealed {
    /// The type of the items.
    type Item: Serialize + Send + 'static;

    /// The items of this page.
    fn items(&self) -> &[Self::Item];

    /// The items of this page, mutably.
    fn items_mut(&mut self) -> &mut Vec<Self::Item>;

    /// The items of this page, by value.
    fn into_items(mut self) -> Vec<Self::Item> {
        std::mem::take(self.items_mut())
    }

    /// Where this page is; `None` if the response lacks the page information.
    fn position(&self) -> Option<Position<'_>>;
}

/// Where a list operation's body asks for a page (its paging fields, by wire name). The
/// generated stream methods name the shape; the body is edited as JSON, so the same code serves
/// every operation whatever the Rust types of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "a spec (or a build without `unstable`) may lack a shape"
)]
pub(crate) enum Shape {
    /// `page: {number, size}`.
    NestedPage,
    /// `pageNumber`, `pageSize`.
    FlatPage,
    /// `cursor`, `size`.
    Cursor,
}

impl Shape {
    /// The wire paths of the page number (or cursor) and of the page size.
    fn paths(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Shape::NestedPage => (&["page", "number"], &["page", "size"]),
            Shape::FlatPage => (&["pageNumber"], &["pageSize"]),
            Shape::Cursor => (&["cursor"], &["size"]),
        }
    }

    /// The first request: what the caller's body asks for.
    fn first(self, body: &Value) -> Request {
        let (at, size) = self.paths();
        let size = lookup(body, size).and_then(Value::as_i64);
        match self {
            Shape::NestedPage | Shape::FlatPage => Request::Page {
                number: lookup(body, at).and_then(Value::as_i64).unwrap_or(0),
                size,
            },
            Shape::Cursor => Request::Cursor {
                cursor: lookup(body, at).and_then(Value::as_str).map(str::to_owned),
                size,
            },
        }
    }

    /// Sets `request` in `body`.
    fn apply(self, body: &mut Value, request: &Request) {
        let (at, size_at) = self.paths();
        let (position, size) = match request {
            Request::Page { number, size } => (Some(Value::from(*number)), size),
            Request::Cursor { cursor, size } => (cursor.clone().map(Value::from), size),
        };
        if let Some(position) = position {
            put(body, at, position);
        }
        if let Some(size) = size {
            put(body, size_at, Value::from(*size));
        }
    }
}

/// The value at `path` in `value`.
fn lookup<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, key| value.get(*key))
}

/// Sets the value at `path`, making objects on the way (a body's optional `page` is absent).
fn put(value: &mut Value, path: &[&str], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = value;
    for key in parents {
        if !at.is_object() {
            *at = Value::Object(serde_json::Map::new());
        }
        at = at
            .as_object_mut()
            .expect("made an object")
            .entry(*key)
            .or_insert(Value::Null);
    }
    if !at.is_object() {
        *at = Value::Object(serde_json::Map::new());
    }
    at.as_object_mut()
        .expect("made an object")
        .insert((*last).to_owned(), new);
}

/// What one request asks for (set in the body by [`Shape::apply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    /// A numbered page.
    Page { number: i64, size: Option<i64> },
    /// The page after `cursor` (the first page without one).
    Cursor {
        cursor: Option<String>,
        size: Option<i64>,
    },
}

impl Request {
    fn set_size(&mut self, new: i64) {
        match self {
            Request::Page { size, .. } | Request::Cursor { size, .. } => *size = Some(new),
        }
    }
}

type PageFuture<R, E> = Pin<Box<dyn Future<Output = Result<R, Error<E>>> + Send>>;
type Fetch<R, E> = Box<dyn FnMut(&Request) -> PageFuture<R, E> + Send>;
/// Where a request builder keeps its body.
type BodyOf<Q, B> = fn(&mut Q) -> &mut B;

enum State<R, E> {
    Ready(Request),
    Fetching(Request, PageFuture<R, E>),
    Done,
}

/// A lazy stream of whole pages (responses) of a list operation; see [`Paginated::pages`].
///
/// Yields `Result<R, Error<E>>`, where `R` is the operation's response (items, page
/// information and anything else PortOne sends, e.g. status counts).
///
/// ```no_run
/// use portone_client::PortOne;
/// use portone_client::paginate::ListResponse;
/// use portone_client::types::GetPlatformPayoutsBody;
///
/// # async fn demo(portone: PortOne) -> Result<(), Box<dyn std::error::Error>> {
/// let mut pages = portone
///     .platform()
///     .payout()
///     .get_platform_payouts_stream(GetPlatformPayoutsBody::default())
///     .page_size(50)
///     .pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("{} payouts, counts {:?}", page.items().len(), page.counts);
/// }
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Pages<R: ListResponse, E> {
    fetch: Fetch<R, E>,
    state: State<R, E>,
    /// Wire name of the items property (for error paths).
    items_field: &'static str,
    /// A partly consumed page handed over by [`Paginated::pages`].
    pending: Option<R>,
    /// A configuration error, yielded at the next poll.
    invalid: Option<String>,
    sent_cursors: HashSet<String>,
    previous_page: Option<u64>,
    total_count: Option<i64>,
    requests: u64,
}

// No field is ever pinned: futures are boxed.
impl<R: ListResponse, E> Unpin for Pages<R, E> {}

impl<R: ListResponse, E> fmt::Debug for Pages<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let next = match &self.state {
            State::Ready(request) | State::Fetching(request, _) => Some(request),
            State::Done => None,
        };
        f.debug_struct("Pages")
            .field("next", &next)
            .field("requests", &self.requests)
            .field("total_count", &self.total_count)
            .finish_non_exhaustive()
    }
}

impl<R: ListResponse, E: Send + 'static> Pages<R, E> {
    fn new<Q, B>(request: Q, shape: Shape, items_field: &'static str, body_of: BodyOf<Q, B>) -> Self
    where
        Q: IntoFuture<Output = Result<R, Error<E>>> + Clone + Send + 'static,
        Q::IntoFuture: Send,
        B: Serialize + DeserializeOwned + 'static,
    {
        let mut template = request;
        let (body, invalid) = match serde_json::to_value(&*body_of(&mut template)) {
            Ok(body) => (body, None),
            Err(e) => (
                Value::Null,
                Some(format!("the body cannot be written as JSON: {e}")),
            ),
        };
        let first = shape.first(&body);
        let fetch = move |page: &Request| -> PageFuture<R, E> {
            let mut body = body.clone();
            shape.apply(&mut body, page);
            match serde_json::from_value(body) {
                Ok(body) => {
                    let mut request = template.clone();
                    *body_of(&mut request) = body;
                    Box::pin(request.into_future())
                }
                Err(e) => Box::pin(std::future::ready(Err(Error::InvalidInput(format!(
                    "the page request does not fit the body: {e}"
                ))))),
            }
        };
        Pages {
            fetch: Box::new(fetch),
            state: State::Ready(first),
            items_field,
            pending: None,
            invalid,
            sent_cursors: HashSet::new(),
            previous_page: None,
            total_count: None,
            requests: 0,
        }
    }
}

impl<R: ListResponse, E> Pages<R, E> {
    /// Items per page for the requests (default: the body's, else PortOne's default). Must be
    /// set before the first request; an unusable value is yielded as
    /// [`Error::InvalidInput`].
    pub fn page_size(mut self, size: u32) -> Self {
        let problem = if size == 0 {
            Some("the page size must be at least 1".to_owned())
        } else if self.requests > 0 {
            Some("the page size must be set before the first page is requested".to_owned())
        } else {
            None
        };
        match (problem, &mut self.state) {
            (None, State::Ready(request)) => request.set_size(i64::from(size)),
            (Some(problem), _) => self.invalid = Some(problem),
            (None, _) => {}
        }
        self
    }

    /// `totalCount` of the last numbered page received (`None` before the first page and for
    /// cursor listings).
    pub fn total_count(&self) -> Option<u64> {
        self.total_count.and_then(|n| u64::try_from(n).ok())
    }

    /// The next page, `None` at the end.
    pub async fn try_next(&mut self) -> Result<Option<R>, Error<E>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Checks a response against its request; the next request, or `None` at the end.
    fn advance(
        &mut self,
        request: &Request,
        page: &R,
    ) -> Result<Option<Request>, (String, String)> {
        match (request, page.position()) {
            (
                Request::Page { number, size },
                Some(Position::Page {
                    number: answered,
                    size: page_size,
                    total_count,
                }),
            ) => {
                self.total_count = Some(total_count);
                if answered != *number {
                    return Err((
                        "page.number".into(),
                        format!(
                            "asked for page {number} but PortOne answered page {answered}: it \
                             ignores the page number, so further pages would repeat these items"
                        ),
                    ));
                }
                let items = page.items();
                if items.is_empty() {
                    return Ok(None);
                }
                let hash = hash_items(items);
                if hash.is_some() && hash == self.previous_page {
                    return Err((
                        self.items_field.into(),
                        format!(
                            "page {number} has the same items as the page before: PortOne does \
                             not move forward"
                        ),
                    ));
                }
                self.previous_page = hash;
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let per_page = if page_size > 0 { page_size } else { len };
                if len < per_page
                    || number.saturating_add(1).saturating_mul(per_page) >= total_count
                {
                    return Ok(None);
                }
                match number.checked_add(1) {
                    Some(next) => Ok(Some(Request::Page {
                        number: next,
                        size: *size,
                    })),
                    None => Err(("page.number".into(), "the page number overflows".into())),
                }
            }
            (Request::Cursor { size, .. }, Some(Position::Cursor { last })) => {
                let count = page.items().len();
                let Some(last) = last.filter(|c| !c.is_empty() && count > 0) else {
                    return Ok(None);
                };
                if self.sent_cursors.contains(last) {
                    return Err((
                        format!("{}[{}].cursor", self.items_field, count - 1),
                        format!("PortOne answered cursor `{last}` again: it does not move forward"),
                    ));
                }
                Ok(Some(Request::Cursor {
                    cursor: Some(last.to_owned()),
                    size: *size,
                }))
            }
            (_, None) => Err(("page".into(), "the response has no page information".into())),
            (Request::Page { .. }, Some(_)) | (Request::Cursor { .. }, Some(_)) => Err((
                "page".into(),
                "the response pages differently from the request".into(),
            )),
        }
    }
}

/// Hash of the items' JSON (to notice a page served twice).
fn hash_items<T: Serialize>(items: &[T]) -> Option<u64> {
    struct HashWriter(DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(DefaultHasher::new());
    serde_json::to_writer(&mut writer, items).ok()?;
    Some(writer.0.finish())
}

/// The error for a response that breaks the paging protocol (the response is kept as body).
fn inconsistent<R: Serialize, E>(page: &R, path: String, message: String) -> Error<E> {
    Error::Pagination(PaginationError {
        path,
        message,
        body: serde_json::to_string(page).unwrap_or_default(),
    })
}

impl<R: ListResponse, E> Stream for Pages<R, E> {
    type Item = Result<R, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(page) = this.pending.take() {
            return Poll::Ready(Some(Ok(page)));
        }
        if let Some(message) = this.invalid.take() {
            this.state = State::Done;
            return Poll::Ready(Some(Err(Error::InvalidInput(message))));
        }
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Ready(request) => {
                    if let Request::Cursor {
                        cursor: Some(cursor),
                        ..
                    } = &request
                    {
                        this.sent_cursors.insert(cursor.clone());
                    }
                    let future = (this.fetch)(&request);
                    this.requests += 1;
                    this.state = State::Fetching(request, future);
                }
                State::Fetching(request, mut future) => {
                    let result = match future.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = State::Fetching(request, future);
                            return Poll::Pending;
                        }
                        Poll::Ready(result) => result,
                    };
                    return Poll::Ready(Some(match result {
                        Err(error) => Err(error),
                        Ok(page) => match this.advance(&request, &page) {
                            Ok(next) => {
                                if let Some(next) = next {
                                    this.state = State::Ready(next);
                                }
                                Ok(page)
                            }
                            Err((path, message)) => Err(inconsistent(&page, path, message)),
                        },
                    }));
                }
            }
        }
    }
}

impl<R: ListResponse, E> FusedStream for Pages<R, E> {
    fn is_terminated(&self) -> bool {
        self.pending.is_none() && self.invalid.is_none() && matches!(self.state, State::Done)
    }
}

/// A lazy stream of the items of a list operation, fetched page by page (see the
/// [module docs](self)).
///
/// Yields `Result<Item, Error<E>>`; an error is the last item. `R` is the operation's response
/// type ([`ListResponse`]) and `E` its error type. It owns everything it needs (a clone of the
/// [`PortOne`](crate::PortOne) client and the body): it can be returned from functions and
/// moved into tasks.
///
/// ```no_run
/// use portone_client::PortOne;
/// use portone_client::paginate::Paginated;
/// use portone_client::types::{
///     GetBillingKeyInfosBody, GetBillingKeyInfosError, GetBillingKeyInfosResponse,
/// };
///
/// fn billing_keys(
///     portone: &PortOne,
/// ) -> Paginated<GetBillingKeyInfosResponse, GetBillingKeyInfosError> {
///     portone
///         .payment()
///         .billing_key()
///         .get_billing_key_infos_stream(GetBillingKeyInfosBody::default())
///         .page_size(100)
/// }
///
/// # async fn demo(portone: PortOne) -> Result<(), Box<dyn std::error::Error>> {
/// let task = tokio::spawn(billing_keys(&portone).collect_all(None));
/// let all = task.await??;
/// println!("{} billing keys", all.len());
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Paginated<R: ListResponse, E> {
    pages: Pages<R, E>,
    /// The page being consumed, its remaining items in reverse order.
    current: Option<R>,
}

impl<R: ListResponse, E> Unpin for Paginated<R, E> {}

impl<R: ListResponse, E> fmt::Debug for Paginated<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginated")
            .field("pages", &self.pages)
            .field(
                "buffered",
                &self.current.as_ref().map_or(0, |p| p.items().len()),
            )
            .finish()
    }
}

impl<R: ListResponse, E: Send + 'static> Paginated<R, E> {
    /// A stream over the listing of `request` (a request builder), paged as `shape` says: every
    /// page sends a copy of `request` whose body (reached by `body_of`) has the paging fields
    /// set. Used by the generated `into_stream` methods.
    pub(crate) fn new<Q, B>(
        request: Q,
        shape: Shape,
        items_field: &'static str,
        body_of: BodyOf<Q, B>,
    ) -> Self
    where
        Q: IntoFuture<Output = Result<R, Error<E>>> + Clone + Send + 'static,
        Q::IntoFuture: Send,
        B: Serialize + DeserializeOwned + 'static,
    {
        Paginated {
            pages: Pages::new(request, shape, items_field, body_of),
            current: None,
        }
    }
}

impl<R: ListResponse, E> Paginated<R, E> {
    /// Items per page for the requests (default: the body's, else PortOne's default, often 10).
    /// Must be set before the stream is polled; an unusable value (0, or after the first
    /// request) is yielded as [`Error::InvalidInput`].
    ///
    /// ```
    /// # fn demo(portone: portone_client::PortOne) {
    /// let stream = portone
    ///     .payment()
    ///     .get_payments_stream(Default::default())
    ///     .page_size(100);
    /// # drop(stream); }
    /// ```
    pub fn page_size(mut self, size: u32) -> Self {
        self.pages = self.pages.page_size(size);
        self
    }

    /// `totalCount` of the last numbered page received (`None` before the first page and for
    /// cursor listings).
    pub fn total_count(&self) -> Option<u64> {
        self.pages.total_count()
    }

    /// The next item, `None` at the end.
    ///
    /// ```no_run
    /// # async fn demo(portone: portone_client::PortOne) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut schedules = portone
    ///     .payment()
    ///     .payment_schedule()
    ///     .get_payment_schedules_stream(Default::default());
    /// while let Some(schedule) = schedules.try_next().await? {
    ///     println!("{}", schedule.tag());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn try_next(&mut self) -> Result<Option<R::Item>, Error<E>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// All items, or the first `limit` of them (no page is fetched beyond those). The first
    /// error is returned instead; use the stream to keep the items received before it.
    ///
    /// ```no_run
    /// # async fn demo(portone: portone_client::PortOne) -> Result<(), Box<dyn std::error::Error>> {
    /// let partners = portone
    ///     .platform()
    ///     .partner()
    ///     .get_platform_partners_stream(Default::default())
    ///     .page_size(100)
    ///     .collect_all(Some(500))
    ///     .await?;
    /// assert!(partners.len() <= 500);
    /// # Ok(()) }
    /// ```
    pub async fn collect_all(mut self, limit: Option<usize>) -> Result<Vec<R::Item>, Error<E>> {
        let mut items = Vec::new();
        if limit == Some(0) {
            return Ok(items);
        }
        while let Some(item) = self.try_next().await? {
            items.push(item);
            if limit.is_some_and(|limit| items.len() >= limit) {
                break;
            }
        }
        Ok(items)
    }

    /// Whole pages instead of items (e.g. to read `totalCount` or status counts). Items of a
    /// page already partly consumed come first, as that page with the items not yet taken.
    pub fn pages(mut self) -> Pages<R, E> {
        if let Some(mut page) = self.current.take()
            && !page.items().is_empty()
        {
            page.items_mut().reverse();
            self.pages.pending = Some(page);
        }
        self.pages
    }
}

impl<R: ListResponse, E> Stream for Paginated<R, E> {
    type Item = Result<R::Item, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(page) = &mut this.current {
                if let Some(item) = page.items_mut().pop() {
                    return Poll::Ready(Some(Ok(item)));
                }
                this.current = None;
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(mut page)) => {
                    page.items_mut().reverse();
                    this.current = Some(page);
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.current.as_ref().map_or(0, |p| p.items().len());
        if self.pages.is_terminated() {
            (buffered, Some(buffered))
        } else {
            (buffered, None)
        }
    }
}

impl<R: ListResponse, E> FusedStream for Paginated<R, E> {
    fn is_terminated(&self) -> bool {
        self.current.as_ref().is_none_or(|p| p.items().is_empty()) && self.pages.is_terminated()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_first_request_is_what_the_body_asks_for() {
        let body = json!({"page": {"number": 3, "size": 7}, "filter": {"x": 1}});
        assert_eq!(
            Shape::NestedPage.first(&body),
            Request::Page {
                number: 3,
                size: Some(7)
            }
        );
        assert_eq!(
            Shape::FlatPage.first(&json!({"pageSize": 5})),
            Request::Page {
                number: 0,
                size: Some(5)
            }
        );
        assert_eq!(
            Shape::Cursor.first(&json!({"cursor": "c9"})),
            Request::Cursor {
                cursor: Some("c9".into()),
                size: None
            }
        );
        assert_eq!(
            Shape::NestedPage.first(&json!({})),
            Request::Page {
                number: 0,
                size: None
            }
        );
    }

    #[test]
    fn a_request_sets_only_the_paging_fields_by_wire_name() {
        let mut body = json!({"filter": {"x": 1}});
        Shape::NestedPage.apply(
            &mut body,
            &Request::Page {
                number: 2,
                size: Some(50),
            },
        );
        assert_eq!(
            body,
            json!({"filter": {"x": 1}, "page": {"number": 2, "size": 50}})
        );

        let mut body = json!({"page": null, "pageSize": 9});
        Shape::FlatPage.apply(
            &mut body,
            &Request::Page {
                number: 4,
                size: None,
            },
        );
        assert_eq!(body, json!({"page": null, "pageNumber": 4, "pageSize": 9}));

        // The first cursor request leaves the body's cursor alone.
        let mut body = json!({"cursor": "keep"});
        Shape::Cursor.apply(
            &mut body,
            &Request::Cursor {
                cursor: None,
                size: Some(3),
            },
        );
        assert_eq!(body, json!({"cursor": "keep", "size": 3}));
        Shape::Cursor.apply(
            &mut body,
            &Request::Cursor {
                cursor: Some("next".into()),
                size: None,
            },
        );
        assert_eq!(body, json!({"cursor": "next", "size": 3}));
    }

    #[test]
    fn a_numbered_position_needs_every_number_to_fit() {
        assert_eq!(
            Position::page(1_i32, 10_i32, 25_i64),
            Some(Position::Page {
                number: 1,
                size: 10,
                total_count: 25
            })
        );
        assert_eq!(Position::page(0_i32, 10_i32, u64::MAX), None);
    }
}
