//! PortOne V2 REST API client.

#![forbid(unsafe_code)]

#[cfg(feature = "webhook")]
pub mod webhook;
