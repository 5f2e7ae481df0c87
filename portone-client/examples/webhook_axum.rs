//! A PortOne webhook endpoint with axum.
//!
//! ```sh
//! PORTONE_WEBHOOK_SECRET='whsec_...' cargo run -p portone-client --example webhook_axum
//! ```
//!
//! It listens on `127.0.0.1:3000` (or `$PORT`) at `POST /portone/webhook`. Register that URL in
//! PortOne's console (through a tunnel when developing locally).
//!
//! The body is taken as raw `Bytes`: verification is over the exact bytes PortOne sent, so do not
//! let a `Json` extractor parse and re-serialize it first.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use portone_client::webhook::{WebhookError, WebhookEvent, WebhookVerifier};

/// The webhook route, sharing one verifier.
fn app(verifier: Arc<WebhookVerifier>) -> Router {
    Router::new()
        .route("/portone/webhook", post(portone_webhook))
        .with_state(verifier)
}

/// Verifies a delivery, then acts on it. Any non-2xx answer makes PortOne retry later.
async fn portone_webhook(
    State(verifier): State<Arc<WebhookVerifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let delivery = match verifier.verify_delivery(&body, &headers) {
        Ok(delivery) => delivery,
        // Authentic, but not an event this version understands: keep it for inspection.
        Err(WebhookError::InvalidPayload { source, raw }) => {
            eprintln!("undecodable PortOne webhook ({source}): {raw:?}");
            return (StatusCode::UNPROCESSABLE_ENTITY, "undecodable event");
        }
        // Forged, tampered, replayed or misconfigured (wrong secret): never act on it.
        Err(error) => {
            eprintln!("rejected webhook: {error}");
            return (StatusCode::BAD_REQUEST, "invalid webhook");
        }
    };

    // PortOne may deliver a message more than once: deduplicate on `delivery.id` in real code.
    // Webhooks say *that* something happened; fetch the payment from the API before shipping goods.
    match &delivery.event {
        WebhookEvent::TransactionPaid(event) => {
            println!(
                "[{}] payment {} paid (transaction {})",
                delivery.id, event.data.payment_id, event.data.transaction_id
            );
        }
        WebhookEvent::TransactionCancelled(event)
        | WebhookEvent::TransactionPartialCancelled(event) => {
            println!(
                "[{}] payment {} cancelled (cancellation {})",
                delivery.id, event.data.payment_id, event.data.cancellation_id
            );
        }
        WebhookEvent::BillingKeyIssued(event) => {
            println!(
                "[{}] billing key {} issued",
                delivery.id, event.data.billing_key
            );
        }
        // Everything else, including event types newer than this crate: acknowledge.
        other => println!("[{}] {} ignored", delivery.id, other.event_type()),
    }
    (StatusCode::OK, "ok")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("PORTONE_WEBHOOK_SECRET")
        .map_err(|_| "set PORTONE_WEBHOOK_SECRET to the webhook secret from PortOne's console")?;
    let verifier = Arc::new(WebhookVerifier::new(&secret)?);
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!(
        "listening on http://{}/portone/webhook",
        listener.local_addr()?
    );
    axum::serve(listener, app(verifier)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt as _;

    const BODY: &str = r#"{"type":"Transaction.Paid","timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"주문-1","storeId":"store-1","transactionId":"tx-1"}}"#;

    fn verifier() -> Arc<WebhookVerifier> {
        Arc::new(WebhookVerifier::from_key(b"example-key").expect("non-empty key"))
    }

    async fn post(body: &'static str, headers: &[(&'static str, String)]) -> StatusCode {
        let mut request = Request::post("/portone/webhook");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request.body(Body::from(body)).expect("valid request");
        let response = app(verifier()).oneshot(request).await.expect("infallible");
        response.status()
    }

    #[tokio::test]
    async fn accepts_a_signed_delivery() {
        let now = chrono::Utc::now().timestamp();
        let headers = verifier().signed_headers("msg_1", now, BODY);
        assert_eq!(post(BODY, &headers).await, StatusCode::OK);
    }

    #[tokio::test]
    async fn rejects_a_tampered_body() {
        let now = chrono::Utc::now().timestamp();
        let headers = verifier().signed_headers("msg_1", now, BODY);
        let tampered = r#"{"type":"Transaction.Paid","timestamp":"2025-01-02T03:04:05Z","data":{"paymentId":"주문-2","storeId":"store-1","transactionId":"tx-1"}}"#;
        assert_eq!(post(tampered, &headers).await, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn rejects_missing_headers() {
        assert_eq!(post(BODY, &[]).await, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn flags_an_authentic_but_undecodable_body() {
        let body = "{not json";
        let now = chrono::Utc::now().timestamp();
        let headers = verifier().signed_headers("msg_1", now, body);
        assert_eq!(post(body, &headers).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
