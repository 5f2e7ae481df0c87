//! The typed webhook events (PortOne's webhook format version 2024-04-25).

use chrono::{DateTime, FixedOffset};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::WebhookError;

/// One webhook event: its timestamp and its type-specific `data`.
///
/// ```
/// use portone_client::webhook::{Event, TransactionData, WebhookEvent};
///
/// let event: WebhookEvent = serde_json::from_str(
///     r#"{"type":"Transaction.Paid","timestamp":"2025-01-02T12:04:05+09:00",
///         "data":{"paymentId":"order-1","transactionId":"tx-1"}}"#,
/// )?;
/// let WebhookEvent::TransactionPaid(Event { timestamp, data, .. }) = event else { unreachable!() };
/// assert_eq!(timestamp.to_rfc3339(), "2025-01-02T12:04:05+09:00");
/// assert_eq!(data.transaction_id, "tx-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event<D> {
    /// When the event happened (RFC 3339, offset kept as sent).
    pub timestamp: DateTime<FixedOffset>,
    /// The event's details.
    pub data: D,
    /// Top-level fields this crate does not know (besides `type`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `data` of the payment (transaction) events without a cancellation: `Transaction.Ready`,
/// `Transaction.Paid`, `Transaction.VirtualAccountIssued`, `Transaction.Failed`,
/// `Transaction.PayPending`, `Transaction.DisputeCreated`, `Transaction.DisputeResolved`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransactionData {
    /// The merchant's order number (`paymentId`).
    pub payment_id: String,
    /// The store that triggered the webhook (`storeId`); `None` if a delivery omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    /// PortOne's id of this payment attempt (`transactionId`).
    pub transaction_id: String,
    /// Fields this crate does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `data` of the cancellation events: `Transaction.PartialCancelled`, `Transaction.Cancelled`,
/// `Transaction.CancelPending`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransactionCancelData {
    /// The merchant's order number (`paymentId`).
    pub payment_id: String,
    /// The store that triggered the webhook (`storeId`); `None` if a delivery omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    /// PortOne's id of this payment attempt (`transactionId`).
    pub transaction_id: String,
    /// PortOne's id of the cancellation (`cancellationId`).
    pub cancellation_id: String,
    /// Fields this crate does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `data` of `Transaction.Confirm` (a payment awaiting the merchant's confirmation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransactionConfirmData {
    /// The merchant's order number (`paymentId`).
    pub payment_id: String,
    /// The store that triggered the webhook (`storeId`); `None` if a delivery omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    /// PortOne's id of this payment attempt (`transactionId`).
    pub transaction_id: String,
    /// The amount the payment asks for (`totalAmount`).
    pub total_amount: i64,
    /// Fields this crate does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `data` of the billing-key events: `BillingKey.Ready`, `BillingKey.Issued`, `BillingKey.Failed`,
/// `BillingKey.Deleted`, `BillingKey.Updated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BillingKeyData {
    /// The billing key (`billingKey`).
    pub billing_key: String,
    /// The store that triggered the webhook (`storeId`); `None` if a delivery omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    /// Fields this crate does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($data:ty) = $tag:literal, )*) => {
        /// A decoded webhook body, one variant per event type (the JSON `type` field).
        ///
        /// Types unknown to this crate are kept in [`Unrecognized`](Self::Unrecognized) rather than
        /// rejected, so a new PortOne event never breaks an endpoint. It implements `Deserialize`
        /// (the same decoding [`WebhookVerifier`](super::WebhookVerifier) uses) and `Serialize`
        /// (back to PortOne's JSON shape), e.g. to queue events.
        ///
        /// ```
        /// use portone_client::webhook::WebhookEvent;
        ///
        /// let event: WebhookEvent = serde_json::from_str(
        ///     r#"{"type":"Transaction.Cancelled","timestamp":"2025-01-02T03:04:05Z",
        ///         "data":{"paymentId":"p","storeId":"s","transactionId":"t","cancellationId":"c"}}"#,
        /// )?;
        /// assert_eq!(event.event_type(), "Transaction.Cancelled");
        /// assert_eq!(event.payment_id(), Some("p"));
        /// if let WebhookEvent::TransactionCancelled(e) = &event {
        ///     assert_eq!(e.data.cancellation_id, "c");
        /// }
        ///
        /// // A type PortOne adds later: compare `event_type()`, which keeps working once this
        /// // crate learns the type (an `Unrecognized` arm would then stop matching).
        /// let future: WebhookEvent = serde_json::from_str(r#"{"type":"Payout.Done","data":{"x":1}}"#)?;
        /// assert!(future.is_unrecognized());
        /// match &future {
        ///     WebhookEvent::TransactionPaid(paid) => println!("paid {}", paid.data.payment_id),
        ///     other if other.event_type() == "Payout.Done" => println!("a payout"),
        ///     _ => {}
        /// }
        /// # Ok::<(), serde_json::Error>(())
        /// ```
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            $( $(#[$doc])* #[doc = concat!("\n\n`type`: `", $tag, "`.")] $variant(Event<$data>), )*
            /// An event type this crate does not know (yet), kept whole.
            #[deprecated(note = "a newer SDK decodes an event type PortOne adds to its own \
                variant and this arm would stop matching it: compare `event_type()` in a \
                wildcard arm instead")]
            Unrecognized(UnknownEvent),
        }

        #[allow(deprecated)]
        impl WebhookEvent {
            /// The `type` of every event this crate decodes into a typed variant.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($tag),*];

            /// The event's `type`, e.g. `"Transaction.Paid"`.
            ///
            /// ```
            /// # use portone_client::webhook::WebhookEvent;
            /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"Some.New","x":1}"#)?;
            /// assert_eq!(event.event_type(), "Some.New");
            /// # Ok::<(), serde_json::Error>(())
            /// ```
            pub fn event_type(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $tag, )*
                    Self::Unrecognized(unknown) => unknown.event_type(),
                }
            }

            fn decode_known(event_type: &str, value: &Value) -> Option<Result<Self, serde_json::Error>> {
                Some(match event_type {
                    $( $tag => Event::<$data>::deserialize(value).map(Self::$variant), )*
                    _ => return None,
                })
            }

            fn to_value(&self) -> Result<Value, serde_json::Error> {
                let (tag, value) = match self {
                    $( Self::$variant(event) => ($tag, serde_json::to_value(event)?), )*
                    Self::Unrecognized(unknown) => return Ok(unknown.as_json().clone()),
                };
                let Value::Object(mut map) = value else {
                    return Err(serde_json::Error::custom("an event must serialize to a JSON object"));
                };
                map.insert("type".to_owned(), Value::String(tag.to_owned()));
                Ok(Value::Object(map))
            }
        }
    };
}

events! {
    /// A payment window was opened (payment requested, not yet paid).
    TransactionReady(TransactionData) = "Transaction.Ready",
    /// A payment (including a scheduled one) was approved.
    TransactionPaid(TransactionData) = "Transaction.Paid",
    /// A virtual account was issued for the payment.
    TransactionVirtualAccountIssued(TransactionData) = "Transaction.VirtualAccountIssued",
    /// A payment was partially cancelled.
    TransactionPartialCancelled(TransactionCancelData) = "Transaction.PartialCancelled",
    /// A payment was fully cancelled.
    TransactionCancelled(TransactionCancelData) = "Transaction.Cancelled",
    /// A payment failed.
    TransactionFailed(TransactionData) = "Transaction.Failed",
    /// A payment is awaiting approval (e.g. an asynchronous payment method).
    TransactionPayPending(TransactionData) = "Transaction.PayPending",
    /// A cancellation was requested and is being processed asynchronously.
    TransactionCancelPending(TransactionCancelData) = "Transaction.CancelPending",
    /// A dispute (chargeback) was opened on a payment.
    TransactionDisputeCreated(TransactionData) = "Transaction.DisputeCreated",
    /// A dispute on a payment was resolved.
    TransactionDisputeResolved(TransactionData) = "Transaction.DisputeResolved",
    /// A payment awaits the merchant's confirmation (confirm process).
    TransactionConfirm(TransactionConfirmData) = "Transaction.Confirm",
    /// A billing-key issuance window was opened.
    BillingKeyReady(BillingKeyData) = "BillingKey.Ready",
    /// A billing key was issued.
    BillingKeyIssued(BillingKeyData) = "BillingKey.Issued",
    /// A billing-key issuance failed.
    BillingKeyFailed(BillingKeyData) = "BillingKey.Failed",
    /// A billing key was deleted.
    BillingKeyDeleted(BillingKeyData) = "BillingKey.Deleted",
    /// A billing key was updated.
    BillingKeyUpdated(BillingKeyData) = "BillingKey.Updated",
}

/// An event of a type this crate does not know: its `type` and the whole body as sent.
///
/// Opaque on purpose: read it with [`event_type`](Self::event_type) and
/// [`as_json`](Self::as_json); match new types as [`WebhookEvent`] shows.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    event_type: String,
    raw: Value,
}

impl UnknownEvent {
    /// Its `type`, e.g. `"Payout.Done"`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The whole body, as sent.
    pub fn as_json(&self) -> &Value {
        &self.raw
    }

    /// The whole body, by value.
    pub fn into_json(self) -> Value {
        self.raw
    }
}

#[allow(deprecated)]
impl WebhookEvent {
    /// Whether this event's type is unknown to this crate.
    pub fn is_unrecognized(&self) -> bool {
        matches!(self, Self::Unrecognized(_))
    }

    /// Decodes an (already verified) body. Errors keep the JSON when it parsed.
    pub(super) fn from_slice(body: &[u8]) -> Result<Self, WebhookError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|source| WebhookError::InvalidPayload { source, raw: None })?;
        Self::from_value(value).map_err(|(source, raw)| WebhookError::InvalidPayload {
            source,
            raw: Some(Box::new(raw)),
        })
    }

    /// Decodes a JSON value, handing it back with the error when it is not an event.
    fn from_value(value: Value) -> Result<Self, (serde_json::Error, Value)> {
        let event_type = match value.get("type") {
            Some(Value::String(event_type)) => event_type.clone(),
            Some(_) => {
                return Err((
                    serde_json::Error::custom("the event's `type` is not a string"),
                    value,
                ));
            }
            None if value.is_object() => {
                return Err((serde_json::Error::missing_field("type"), value));
            }
            None => {
                return Err((
                    serde_json::Error::custom("a webhook body must be a JSON object"),
                    value,
                ));
            }
        };
        match Self::decode_known(&event_type, &value) {
            Some(Ok(mut event)) => {
                event.remove_type_from_extra();
                Ok(event)
            }
            Some(Err(error)) => Err((
                serde_json::Error::custom(format_args!("`{event_type}` event: {error}")),
                value,
            )),
            None => Ok(Self::Unrecognized(UnknownEvent {
                event_type,
                raw: value,
            })),
        }
    }

    /// `type` is the enum's tag, so the flattened `extra` map must not keep a copy of it.
    fn remove_type_from_extra(&mut self) {
        let extra = match self {
            Self::TransactionReady(e)
            | Self::TransactionPaid(e)
            | Self::TransactionVirtualAccountIssued(e)
            | Self::TransactionFailed(e)
            | Self::TransactionPayPending(e)
            | Self::TransactionDisputeCreated(e)
            | Self::TransactionDisputeResolved(e) => &mut e.extra,
            Self::TransactionPartialCancelled(e)
            | Self::TransactionCancelled(e)
            | Self::TransactionCancelPending(e) => &mut e.extra,
            Self::TransactionConfirm(e) => &mut e.extra,
            Self::BillingKeyReady(e)
            | Self::BillingKeyIssued(e)
            | Self::BillingKeyFailed(e)
            | Self::BillingKeyDeleted(e)
            | Self::BillingKeyUpdated(e) => &mut e.extra,
            Self::Unrecognized(_) => return,
        };
        extra.remove("type");
    }

    /// The event's `timestamp`, also for unrecognized types when theirs is RFC 3339.
    ///
    /// ```
    /// # use portone_client::webhook::WebhookEvent;
    /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"Some.New","timestamp":"2025-01-02T03:04:05Z"}"#)?;
    /// assert_eq!(event.timestamp().unwrap().to_rfc3339(), "2025-01-02T03:04:05+00:00");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn timestamp(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            Self::Unrecognized(unknown) => unknown
                .as_json()
                .get("timestamp")
                .and_then(Value::as_str)
                .and_then(|text| DateTime::parse_from_rfc3339(text).ok()),
            known => known.known_parts().map(|parts| parts.timestamp),
        }
    }

    /// The `paymentId` of a transaction event (also read from unrecognized events' `data`).
    ///
    /// ```
    /// # use portone_client::webhook::WebhookEvent;
    /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"Transaction.Failed",
    ///     "timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"p","transactionId":"t"}}"#)?;
    /// assert_eq!(event.payment_id(), Some("p"));
    /// assert_eq!(event.billing_key(), None);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn payment_id(&self) -> Option<&str> {
        self.data_field("paymentId", |p| p.payment_id)
    }

    /// The `transactionId` of a transaction event (also read from unrecognized events' `data`).
    ///
    /// ```
    /// # use portone_client::webhook::WebhookEvent;
    /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"Transaction.Failed",
    ///     "timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"p","transactionId":"t"}}"#)?;
    /// assert_eq!(event.transaction_id(), Some("t"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn transaction_id(&self) -> Option<&str> {
        self.data_field("transactionId", |p| p.transaction_id)
    }

    /// The `billingKey` of a billing-key event (also read from unrecognized events' `data`).
    ///
    /// ```
    /// # use portone_client::webhook::WebhookEvent;
    /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"BillingKey.Deleted",
    ///     "timestamp":"2025-01-02T03:04:05Z","data":{"billingKey":"bk","storeId":"s"}}"#)?;
    /// assert_eq!(event.billing_key(), Some("bk"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn billing_key(&self) -> Option<&str> {
        self.data_field("billingKey", |p| p.billing_key)
    }

    /// The `storeId` of the event, when it has one (also read from unrecognized events' `data`).
    ///
    /// ```
    /// # use portone_client::webhook::WebhookEvent;
    /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"BillingKey.Deleted",
    ///     "timestamp":"2025-01-02T03:04:05Z","data":{"billingKey":"bk","storeId":"s"}}"#)?;
    /// assert_eq!(event.store_id(), Some("s"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn store_id(&self) -> Option<&str> {
        self.data_field("storeId", |p| p.store_id)
    }

    fn data_field<'a>(
        &'a self,
        json_name: &str,
        pick: impl FnOnce(KnownParts<'a>) -> Option<&'a str>,
    ) -> Option<&'a str> {
        match self {
            Self::Unrecognized(unknown) => unknown.as_json().get("data")?.get(json_name)?.as_str(),
            known => pick(known.known_parts()?),
        }
    }

    fn known_parts(&self) -> Option<KnownParts<'_>> {
        fn tx(e: &Event<TransactionData>) -> KnownParts<'_> {
            KnownParts {
                timestamp: e.timestamp,
                payment_id: Some(&e.data.payment_id),
                transaction_id: Some(&e.data.transaction_id),
                billing_key: None,
                store_id: e.data.store_id.as_deref(),
            }
        }
        fn cancel(e: &Event<TransactionCancelData>) -> KnownParts<'_> {
            KnownParts {
                timestamp: e.timestamp,
                payment_id: Some(&e.data.payment_id),
                transaction_id: Some(&e.data.transaction_id),
                billing_key: None,
                store_id: e.data.store_id.as_deref(),
            }
        }
        fn billing(e: &Event<BillingKeyData>) -> KnownParts<'_> {
            KnownParts {
                timestamp: e.timestamp,
                payment_id: None,
                transaction_id: None,
                billing_key: Some(&e.data.billing_key),
                store_id: e.data.store_id.as_deref(),
            }
        }
        Some(match self {
            Self::TransactionReady(e)
            | Self::TransactionPaid(e)
            | Self::TransactionVirtualAccountIssued(e)
            | Self::TransactionFailed(e)
            | Self::TransactionPayPending(e)
            | Self::TransactionDisputeCreated(e)
            | Self::TransactionDisputeResolved(e) => tx(e),
            Self::TransactionPartialCancelled(e)
            | Self::TransactionCancelled(e)
            | Self::TransactionCancelPending(e) => cancel(e),
            Self::TransactionConfirm(e) => KnownParts {
                timestamp: e.timestamp,
                payment_id: Some(&e.data.payment_id),
                transaction_id: Some(&e.data.transaction_id),
                billing_key: None,
                store_id: e.data.store_id.as_deref(),
            },
            Self::BillingKeyReady(e)
            | Self::BillingKeyIssued(e)
            | Self::BillingKeyFailed(e)
            | Self::BillingKeyDeleted(e)
            | Self::BillingKeyUpdated(e) => billing(e),
            Self::Unrecognized(_) => return None,
        })
    }
}

/// The fields shared by the typed events, borrowed.
struct KnownParts<'a> {
    timestamp: DateTime<FixedOffset>,
    payment_id: Option<&'a str>,
    transaction_id: Option<&'a str>,
    billing_key: Option<&'a str>,
    store_id: Option<&'a str>,
}

impl<'de> Deserialize<'de> for WebhookEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(value).map_err(|(error, _)| D::Error::custom(error))
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value()
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}
