#![doc = include_str!("../README.md")]
//!
//! ## Where things are in this crate
//!
//! - [`PortOne`]: the client ([`PortOne::builder`]); every operation of PortOne's spec, grouped
//!   by PortOne's categories ([`PortOne::payment`], [`PortOne::identity_verification`],
//!   [`PortOne::platform`], ...; the groups are in [`api`]). Each method's docs list its
//!   arguments, its setters and what leaving them unset means, and its errors with their HTTP
//!   statuses.
//! - [`types`]: the request and response types, documented with PortOne's own words.
//! - [`Error`]: what can go wrong, and whether a failed request was sent
//!   ([`Error::is_not_sent`], [`Error::is_outcome_unknown`]).
//! - [`AuthScheme`], [`RetryConfig`], [`Builder`]: credentials, retries, timeouts.
//! - [`paginate`]: every list operation as a stream of items.
//! - [`open`](portone_gen::open): values and cases PortOne adds later.
#![cfg_attr(
    feature = "webhook",
    doc = "- [`webhook`]: verifying and decoding webhooks."
)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod body;
mod call;
mod client;
mod error;
pub mod paginate;
mod pipeline;
mod retry;
mod store_id;
#[cfg(test)]
mod test_support;
mod tls;
#[cfg(feature = "webhook")]
pub mod webhook;

/// Operation groups, one per PortOne category (generated from the spec).
pub mod api {
    include!(env!("PORTONE_FACADE_RS"));
}

pub use auth::AuthScheme;
pub use body::DEFAULT_MAX_RESPONSE_SIZE;
pub use call::CallFuture;
pub use chrono;
pub use client::{
    BuildError, Builder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, PortOne,
};
pub use error::{
    AnyApiError, ApiError, ApiErrorType, AuthError, DecodeError, Delivery, Error, PaginationError,
    ResponseTooLarge, Result, TransportError, UnexpectedStatus,
};
pub use portone_gen::open::{OpenEnum, OpenUnion, UnknownCase, UnknownValue};
pub use portone_gen::{ByteStream, Timestamp, types};
pub use retry::RetryConfig;

/// `info.version` of the PortOne spec this crate was generated from.
pub const SPEC_VERSION: &str = portone_gen::SPEC_VERSION;
