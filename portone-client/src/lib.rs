//! PortOne V2 REST API client for Rust.
//!
//! ```no_run
//! use portone_client::PortOne;
//! use portone_client::types::{GetPaymentError, Payment};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let portone = PortOne::builder()
//!     .api_secret(std::env::var("PORTONE_API_SECRET")?)
//!     .build()?;
//!
//! match portone.payment().get_payment("order-123").await {
//!     Ok(Payment::Paid(paid)) => println!("paid at {}", paid.paid_at),
//!     Ok(other) => println!("status {}", other.tag()),
//!     Err(e) if matches!(e.api().map(|a| a.error()), Some(GetPaymentError::PaymentNotFound(_))) => {
//!         println!("no such payment")
//!     }
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! - Every operation of PortOne's spec, grouped by PortOne's categories
//!   ([`PortOne::payment`], [`PortOne::identity_verification`], [`PortOne::platform`], ...),
//!   with typed bodies, responses and per-operation error enums ([`Error`]).
//! - Credentials: `Authorization: PortOne <secret>` or bearer access tokens
//!   ([`AuthScheme`]); a default `storeId`; timeouts; retries of requests that are safe to
//!   repeat ([`RetryConfig`]); a `tracing` span per request. Secrets never appear in `Debug`
//!   output, errors or logs.
//! - Every list operation also as a lazy stream of items (`<operation>_stream`, see
//!   [`paginate`]), with `collect_all` and guards against a server that does not move forward.
//! - Forward compatible: enum values and union cases PortOne adds later decode to
//!   `Unrecognized` variants instead of failing.
//!
//! Cargo features: `rustls` (default; TLS with reqwest's rustls/aws-lc-rs), `rustls-ring`
//! (TLS with rustls/ring instead: a lighter build), `webhook` (default; [`webhook`]), `unstable`
//! (operations PortOne marks `x-portone-unstable`).

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
mod tls;
#[cfg(feature = "webhook")]
pub mod webhook;

/// Operation groups, one per PortOne category (generated from the spec).
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/api.rs"));
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

/// Compile-time string equality (used to check both crates were generated from one spec).
const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The README's Rust examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
