//! Verifying and decoding PortOne webhooks (Standard Webhooks).
//!
//! PortOne signs every webhook it sends with the webhook secret shown in its console, following the
//! [Standard Webhooks](https://www.standardwebhooks.com/) scheme:
//!
//! - three headers: [`HEADER_ID`] (`webhook-id`), [`HEADER_TIMESTAMP`] (`webhook-timestamp`, Unix
//!   seconds) and [`HEADER_SIGNATURE`] (`webhook-signature`, space-separated `v1,<base64>` entries);
//! - the signature is HMAC-SHA256, keyed with the base64-decoded secret, over
//!   `"{webhook-id}.{webhook-timestamp}.{body}"`, computed on the raw body bytes;
//! - a delivery is only accepted within [`TIMESTAMP_TOLERANCE`] of the receiver's clock.
//!
//! [`WebhookVerifier`] checks all of that (the signature in constant time), then decodes the body
//! into a typed [`WebhookEvent`]. Event types this crate does not know yet are kept as
//! `WebhookEvent::Unrecognized` ([`UnknownEvent`]) with their raw JSON instead of being rejected.
//!
//! ```
//! use portone_client::webhook::{WebhookEvent, WebhookVerifier};
//!
//! # fn main() -> Result<(), portone_client::webhook::WebhookError> {
//! let verifier = WebhookVerifier::new("whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=")?;
//!
//! // In a real endpoint, `body` and `headers` come from the HTTP request (see `examples/webhook_axum.rs`).
//! let body = r#"{"type":"Transaction.Paid","timestamp":"2025-01-02T03:04:05Z",
//!     "data":{"paymentId":"order-1","storeId":"store-1","transactionId":"tx-1"}}"#;
//! let now = chrono::Utc::now().timestamp();
//! let headers = verifier.signed_headers("msg_1", now, body);
//!
//! match verifier.verify(body, &headers)? {
//!     WebhookEvent::TransactionPaid(event) => assert_eq!(event.data.payment_id, "order-1"),
//!     other => println!("ignoring {}", other.event_type()),
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use hmac::digest::{CtOutput, Output};
use hmac::{Hmac, Mac};
use sha2::Sha256;

mod event;
mod headers;

pub use event::{
    BillingKeyData, Event, TransactionCancelData, TransactionConfirmData, TransactionData,
    UnknownEvent, WebhookEvent,
};
pub use headers::WebhookHeaders;

/// Name of the header carrying the unique message id (use it to deduplicate deliveries).
pub const HEADER_ID: &str = "webhook-id";
/// Name of the header carrying the time the message was signed, in Unix seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Name of the header carrying the space-separated `v1,<base64>` signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// Optional prefix of webhook secrets, stripped before base64 decoding.
pub const SECRET_PREFIX: &str = "whsec_";
/// How far the `webhook-timestamp` may be from the receiver's clock, in either direction.
pub const TIMESTAMP_TOLERANCE: Duration = Duration::from_secs(TOLERANCE_SECS as u64);

const TOLERANCE_SECS: i64 = 300;
/// Longest timestamp text quoted back in [`WebhookError::InvalidTimestamp`].
const MAX_QUOTED_TIMESTAMP: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Base64 as browsers' `atob` reads it (what PortOne's own SDK uses): padding optional,
/// non-zero trailing bits tolerated.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Why a webhook was rejected (or a secret refused).
///
/// The `Display` text is safe to log: it never contains the secret or a signature.
///
/// ```
/// use portone_client::webhook::{WebhookError, WebhookVerifier};
///
/// let err = WebhookVerifier::new("whsec_").unwrap_err();
/// assert!(matches!(err, WebhookError::InvalidSecret { .. }));
/// assert_eq!(err.to_string(), "invalid webhook secret: it is empty");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The webhook secret is empty or is not base64 (after an optional `whsec_` prefix).
    #[error("invalid webhook secret: {reason}")]
    InvalidSecret {
        /// What is wrong with it (never quotes the secret).
        reason: &'static str,
    },
    /// A required header is absent.
    #[error("missing `{name}` header")]
    MissingHeader {
        /// The header's (lowercase) name.
        name: &'static str,
    },
    /// A required header appears more than once.
    #[error("`{name}` header appears {count} times; exactly one is allowed")]
    DuplicateHeader {
        /// The header's (lowercase) name.
        name: &'static str,
        /// How many times it appears.
        count: usize,
    },
    /// A required header's value is empty or not UTF-8.
    #[error("`{name}` header is {problem}")]
    InvalidHeader {
        /// The header's (lowercase) name.
        name: &'static str,
        /// What is wrong with its value.
        problem: &'static str,
    },
    /// `webhook-timestamp` is not a non-negative integer number of seconds that fits in an `i64`.
    #[error("`webhook-timestamp` header is not a Unix time in seconds: {value:?}")]
    InvalidTimestamp {
        /// The header's value (cut after 32 characters).
        value: String,
    },
    /// `webhook-timestamp` is more than [`TIMESTAMP_TOLERANCE`] before the receiver's clock.
    #[error(
        "webhook timestamp {timestamp} is more than 300 s before the current time {now} (replayed or delayed delivery)"
    )]
    TimestampTooOld {
        /// The message's timestamp, in Unix seconds.
        timestamp: i64,
        /// The receiver's clock, in Unix seconds.
        now: i64,
    },
    /// `webhook-timestamp` is more than [`TIMESTAMP_TOLERANCE`] after the receiver's clock.
    #[error(
        "webhook timestamp {timestamp} is more than 300 s after the current time {now} (check the server clock)"
    )]
    TimestampTooNew {
        /// The message's timestamp, in Unix seconds.
        timestamp: i64,
        /// The receiver's clock, in Unix seconds.
        now: i64,
    },
    /// No `v1` entry of `webhook-signature` matches the message (wrong secret, or the body, id or
    /// timestamp was altered, or the body was re-serialized before verification).
    #[error(
        "no `v1` signature in `webhook-signature` matches the message ({v1_entries} `v1` entries checked)"
    )]
    NoMatchingSignature {
        /// How many `v1` entries the header had (0 when it only had other versions or garbage).
        v1_entries: usize,
    },
    /// The signature is valid but the body is not a PortOne webhook event: malformed JSON, or a
    /// known event type whose fields do not have the documented types.
    #[error("webhook signature is valid but the body is not a valid PortOne event: {source}")]
    InvalidPayload {
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
        /// The body as JSON when it was syntactically valid JSON, so nothing PortOne sent is lost.
        raw: Option<Box<serde_json::Value>>,
    },
}

/// A verified delivery: its message id and signing time as well as the decoded event.
///
/// Returned by [`WebhookVerifier::verify_delivery`]. PortOne may deliver the same message more than
/// once; `id` stays the same across retries, so it is the key to deduplicate on.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The `webhook-id` header.
    pub id: String,
    /// The `webhook-timestamp` header, the time this delivery attempt was signed.
    pub timestamp: DateTime<Utc>,
    /// The decoded body.
    pub event: WebhookEvent,
}

/// Verifies PortOne webhook signatures and decodes their events.
///
/// Build it once from the webhook secret and share it (it is cheap to clone, `Send` and `Sync`).
/// Its `Debug` output never shows the secret.
///
/// ```
/// use portone_client::webhook::WebhookVerifier;
///
/// let verifier = WebhookVerifier::new("whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=").unwrap();
/// assert_eq!(format!("{verifier:?}"), "WebhookVerifier { key: <redacted> }");
/// // The prefix is optional.
/// assert!(WebhookVerifier::new("c2VjcmV0LWtleS1mb3ItdGVzdHM=").is_ok());
/// assert!(WebhookVerifier::new("not base64!").is_err());
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    mac: HmacSha256,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookVerifier { key: <redacted> }")
    }
}

impl WebhookVerifier {
    /// Builds a verifier from the webhook secret as PortOne's console shows it: base64, with or
    /// without the `whsec_` prefix. Surrounding whitespace (e.g. a newline read from a file) is
    /// ignored; padding is optional.
    ///
    /// Fails with [`WebhookError::InvalidSecret`] when the secret is empty or not base64.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookVerifier;
    /// let verifier = WebhookVerifier::new("whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=")?;
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let secret = secret.trim();
        let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        if encoded.is_empty() {
            return Err(WebhookError::InvalidSecret {
                reason: "it is empty",
            });
        }
        // The decoder's own error would quote a byte of the secret and its position: not shown.
        let key = LENIENT_BASE64
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret {
                reason: "it is not valid base64 (after the optional `whsec_` prefix)",
            })?;
        Self::from_key(&key)
    }

    /// Builds a verifier from the raw (already decoded) key bytes.
    ///
    /// Fails with [`WebhookError::InvalidSecret`] when `key` is empty.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookVerifier;
    /// let verifier = WebhookVerifier::from_key(b"secret-key-for-tests")?;
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn from_key(key: &[u8]) -> Result<Self, WebhookError> {
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret {
                reason: "it is empty",
            });
        }
        let mac = HmacSha256::new_from_slice(key).map_err(|_| WebhookError::InvalidSecret {
            reason: "HMAC-SHA256 refused the key",
        })?;
        Ok(Self { mac })
    }

    /// Verifies a delivery against the system clock and decodes its event.
    ///
    /// `body` must be the request body exactly as received (bytes, not re-serialized JSON);
    /// `headers` is anything implementing [`WebhookHeaders`]: an [`http::HeaderMap`] (what axum,
    /// hyper and reqwest use) or a list of `(name, value)` pairs, with names matched
    /// case-insensitively.
    ///
    /// ```
    /// # use portone_client::webhook::{WebhookEvent, WebhookVerifier};
    /// # let verifier = WebhookVerifier::from_key(b"k")?;
    /// let body = br#"{"type":"BillingKey.Issued","timestamp":"2025-01-02T03:04:05Z","data":{"billingKey":"bk-1"}}"#;
    /// let headers = verifier.signed_headers("msg_2", chrono::Utc::now().timestamp(), body);
    /// let event = verifier.verify(body, &headers)?;
    /// assert!(matches!(event, WebhookEvent::BillingKeyIssued(e) if e.data.billing_key == "bk-1"));
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn verify(
        &self,
        body: impl AsRef<[u8]>,
        headers: impl WebhookHeaders,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_at(Utc::now(), body, headers)
    }

    /// Like [`verify`](Self::verify), with `now` standing for the current time (for tests, or to
    /// use a clock of your own). A [`std::time::SystemTime`] converts with `DateTime::from`.
    ///
    /// ```
    /// # use portone_client::webhook::{WebhookError, WebhookVerifier};
    /// use chrono::{DateTime, Utc};
    /// # let verifier = WebhookVerifier::from_key(b"k")?;
    /// let body = r#"{"type":"Transaction.Ready","timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"p","transactionId":"t"}}"#;
    /// let headers = verifier.signed_headers("msg_3", 1_700_000_000, body);
    /// let at = |s| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
    /// assert!(verifier.verify_at(at(1_700_000_300), body, &headers).is_ok());
    /// assert!(matches!(
    ///     verifier.verify_at(at(1_700_000_301), body, &headers),
    ///     Err(WebhookError::TimestampTooOld { .. })
    /// ));
    /// # Ok::<(), WebhookError>(())
    /// ```
    pub fn verify_at(
        &self,
        now: DateTime<Utc>,
        body: impl AsRef<[u8]>,
        headers: impl WebhookHeaders,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_delivery_at(now, body, headers)
            .map(|delivery| delivery.event)
    }

    /// Like [`verify`](Self::verify), but also returns the message id (to deduplicate retries)
    /// and signing time.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookVerifier;
    /// # let verifier = WebhookVerifier::from_key(b"k")?;
    /// let body = r#"{"type":"Transaction.Ready","timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"p","transactionId":"t"}}"#;
    /// let headers = verifier.signed_headers("msg_4", chrono::Utc::now().timestamp(), body);
    /// let delivery = verifier.verify_delivery(body, &headers)?;
    /// assert_eq!(delivery.id, "msg_4");
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn verify_delivery(
        &self,
        body: impl AsRef<[u8]>,
        headers: impl WebhookHeaders,
    ) -> Result<WebhookDelivery, WebhookError> {
        self.verify_delivery_at(Utc::now(), body, headers)
    }

    /// Like [`verify_delivery`](Self::verify_delivery), with `now` standing for the current time.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookVerifier;
    /// # let verifier = WebhookVerifier::from_key(b"k")?;
    /// let body = r#"{"type":"Transaction.Ready","timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"p","transactionId":"t"}}"#;
    /// let headers = verifier.signed_headers("msg_5", 1_700_000_000, body);
    /// let now = chrono::DateTime::from_timestamp(1_700_000_100, 0).unwrap();
    /// let delivery = verifier.verify_delivery_at(now, body, &headers)?;
    /// assert_eq!(delivery.timestamp.timestamp(), 1_700_000_000);
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn verify_delivery_at(
        &self,
        now: DateTime<Utc>,
        body: impl AsRef<[u8]>,
        headers: impl WebhookHeaders,
    ) -> Result<WebhookDelivery, WebhookError> {
        let body = body.as_ref();
        let id = headers::required(&headers, HEADER_ID)?;
        let timestamp_text = headers::required(&headers, HEADER_TIMESTAMP)?;
        let signatures = headers::required(&headers, HEADER_SIGNATURE)?;

        let timestamp = parse_timestamp(timestamp_text)?;
        let now_secs = now.timestamp();
        // i128: neither difference can overflow, whatever the two i64 values are.
        let age = i128::from(now_secs) - i128::from(timestamp);
        if age > i128::from(TOLERANCE_SECS) {
            return Err(WebhookError::TimestampTooOld {
                timestamp,
                now: now_secs,
            });
        }
        if -age > i128::from(TOLERANCE_SECS) {
            return Err(WebhookError::TimestampTooNew {
                timestamp,
                now: now_secs,
            });
        }

        // The signed text is the header value as sent, not a re-formatted number.
        let expected = self.tag(id, timestamp_text, body);
        let mut v1_entries = 0;
        let mut matched = false;
        for entry in signatures.split(' ').filter(|entry| !entry.is_empty()) {
            let Some(("v1", encoded)) = entry.split_once(',') else {
                continue;
            };
            v1_entries += 1;
            let Ok(decoded) = LENIENT_BASE64.decode(encoded) else {
                continue;
            };
            let Some(candidate) = Output::<HmacSha256>::from_exact_iter(decoded) else {
                continue;
            };
            // `CtOutput`'s equality is constant-time; every entry is compared, even after a match.
            matched |= CtOutput::new(candidate) == expected;
        }
        if !matched {
            return Err(WebhookError::NoMatchingSignature { v1_entries });
        }

        let event = WebhookEvent::from_slice(body)?;
        // Within the tolerance of `now`, so always representable; checked anyway.
        let timestamp = DateTime::from_timestamp(timestamp, 0).ok_or_else(|| {
            WebhookError::InvalidTimestamp {
                value: quote_timestamp(timestamp_text),
            }
        })?;
        Ok(WebhookDelivery {
            id: id.to_owned(),
            timestamp,
            event,
        })
    }

    /// Signs a message like PortOne does and returns the `webhook-signature` header value
    /// (`v1,<base64>`). Meant for your own tests and local tools.
    ///
    /// `timestamp` is in Unix seconds and is signed as its decimal text.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookVerifier;
    /// let verifier = WebhookVerifier::from_key(b"k")?;
    /// let signature = verifier.sign("msg_1", 1_700_000_000, b"{}");
    /// assert!(signature.starts_with("v1,"));
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn sign(&self, id: &str, timestamp: i64, body: impl AsRef<[u8]>) -> String {
        let tag = self.tag(id, &timestamp.to_string(), body.as_ref());
        format!("v1,{}", STANDARD.encode(tag.into_bytes()))
    }

    /// Signs a message and returns the three headers of a delivery, as `(name, value)` pairs that
    /// [`verify`](Self::verify) accepts and that HTTP clients can send.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookVerifier;
    /// let verifier = WebhookVerifier::from_key(b"k")?;
    /// let headers = verifier.signed_headers("msg_1", 1_700_000_000, b"{}");
    /// assert_eq!(headers[0], ("webhook-id", "msg_1".to_owned()));
    /// assert_eq!(headers[1], ("webhook-timestamp", "1700000000".to_owned()));
    /// assert_eq!(headers[2].1, verifier.sign("msg_1", 1_700_000_000, b"{}"));
    /// # Ok::<(), portone_client::webhook::WebhookError>(())
    /// ```
    pub fn signed_headers(
        &self,
        id: &str,
        timestamp: i64,
        body: impl AsRef<[u8]>,
    ) -> [(&'static str, String); 3] {
        [
            (HEADER_ID, id.to_owned()),
            (HEADER_TIMESTAMP, timestamp.to_string()),
            (HEADER_SIGNATURE, self.sign(id, timestamp, body)),
        ]
    }

    fn tag(&self, id: &str, timestamp: &str, body: &[u8]) -> CtOutput<HmacSha256> {
        let mut mac = self.mac.clone();
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize()
    }
}

/// Parses a `webhook-timestamp`: ASCII digits only (no sign, no fraction), fitting in an `i64`.
fn parse_timestamp(text: &str) -> Result<i64, WebhookError> {
    let invalid = || WebhookError::InvalidTimestamp {
        value: quote_timestamp(text),
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    text.parse::<i64>().map_err(|_| invalid())
}

fn quote_timestamp(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_TIMESTAMP) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_strictly() {
        assert_eq!(parse_timestamp("0").ok(), Some(0));
        assert_eq!(parse_timestamp("1700000000").ok(), Some(1_700_000_000));
        assert_eq!(parse_timestamp("9223372036854775807").ok(), Some(i64::MAX));
        for bad in [
            "",
            "-1",
            "+1",
            "1.5",
            "1e9",
            " 1",
            "9223372036854775808",
            "99999999999999999999999",
            "１２",
        ] {
            assert!(
                matches!(
                    parse_timestamp(bad),
                    Err(WebhookError::InvalidTimestamp { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn quoted_timestamps_are_cut_on_char_boundaries() {
        assert_eq!(quote_timestamp("123"), "123");
        let long = "가".repeat(40);
        let quoted = quote_timestamp(&long);
        assert_eq!(quoted, format!("{}...", "가".repeat(32)));
    }
}
