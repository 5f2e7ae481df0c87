//! A tour of the SDK: identity verification, a payment with a billing key, a lookup, a cancel,
//! and typed errors.
//!
//! ```sh
//! cargo run -p portone-client --example quickstart
//! ```
//!
//! Without `PORTONE_API_SECRET` it starts the embedded mock server (`portone-mock`, driven by
//! the spec from `cargo xtask fetch`), so it needs no PortOne account. With
//! `PORTONE_API_SECRET` set it talks to the real API and only reads: it lists a few recent
//! payments (and `PORTONE_PAYMENT_ID`, if set).

use portone_client::types::{
    BillingKeyPaymentInput, BillingKeyPaymentInputRequired, CancelPaymentBody, CancelPaymentError,
    ConfirmIdentityVerificationBody, Currency, GetPaymentError, GetPaymentsBody,
    IdentityVerificationMethod, IdentityVerificationOperator, PageInput, Payment,
    PaymentAmountInput, PaymentCancellation, SendIdentityVerificationBody,
    SendIdentityVerificationBodyCustomer, SendIdentityVerificationBodyCustomerRequired,
    SendIdentityVerificationBodyRequired,
};
use portone_client::{AuthScheme, PortOne};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    match std::env::var("PORTONE_API_SECRET") {
        Ok(secret) if !secret.is_empty() => real_api(secret).await,
        _ => against_the_mock().await,
    }
}

// Long by design: the quickstart reads top to bottom as one story of calls.
async fn against_the_mock() -> Result<(), BoxError> {
    let mock = portone_mock::MockServer::start(portone_mock::MockConfig::pinned()).await?;
    println!(
        "mock PortOne server (spec {}) at {}",
        mock.spec_version(),
        mock.url()
    );

    let portone = PortOne::builder()
        .api_secret("quickstart-secret")
        .auth_scheme(AuthScheme::AccessToken) // log in once, then bearer tokens
        .base_url(mock.url())
        .store_id(portone_mock::DEFAULT_STORE_ID)
        .build()?;

    // 1. Identity verification: send a code, then confirm it.
    let verification = portone.identity_verification();
    // Every request type is built with `new`: its required fields (named when there are two
    // or more), then setters for optional ones. Code written like this keeps compiling when
    // PortOne adds optional fields.
    let customer =
        SendIdentityVerificationBodyCustomer::new(SendIdentityVerificationBodyCustomerRequired {
            name: "홍길동",
            phone_number: "01012345678",
            ip_address: "127.0.0.1",
        });
    let send = SendIdentityVerificationBody::new(SendIdentityVerificationBodyRequired {
        channel_key: "channel-key-quickstart",
        customer,
        operator: IdentityVerificationOperator::Skt,
        method: IdentityVerificationMethod::Sms,
    }); // storeId is filled from the client's default
    verification
        .send_identity_verification("iv-quickstart", &send)
        .await?;
    println!("1. identity verification iv-quickstart: code sent by SMS");
    let confirm = ConfirmIdentityVerificationBody::new().otp(portone_mock::DEFAULT_OTP);
    let confirmed = verification
        .confirm_identity_verification("iv-quickstart", &confirm)
        .await?;
    let verified = confirmed.identity_verification;
    println!(
        "   confirmed: {} verified at {}",
        verified.verified_customer.name, verified.verified_at
    );

    // 2. A payment with a billing key.
    let payment_id = "order-quickstart-1";
    let input = BillingKeyPaymentInput::new(BillingKeyPaymentInputRequired {
        billing_key: "billing-key-quickstart",
        order_name: "월간 구독 (Monthly plan)",
        amount: PaymentAmountInput::new(9900),
        currency: Currency::Krw,
    })
    .custom_data(r#"{"plan":"monthly"}"#);
    let paid = portone
        .payment()
        .pay_with_billing_key(payment_id, &input)
        .await?;
    println!(
        "2. paid {payment_id}: PG transaction {} at {}",
        paid.payment.pg_tx_id, paid.payment.paid_at
    );

    // 3. Look it up: the status is a typed enum of variants.
    match portone.payment().get_payment(payment_id).await? {
        Payment::Paid(p) => println!(
            "3. {payment_id} is PAID: {} {} ({})",
            p.amount.total, p.currency, p.order_name
        ),
        other => println!("3. {payment_id} has status {}", other.tag()),
    }

    // 4. Cancel it.
    let cancel = CancelPaymentBody::new("고객 요청 (customer request)");
    let cancelled = portone
        .payment()
        .cancel_payment(payment_id, &cancel)
        .await?;
    match cancelled.cancellation {
        PaymentCancellation::Succeeded(c) => {
            println!("4. cancelled {}: {} refunded", c.id, c.total_amount)
        }
        other => println!("4. cancellation status {}", other.tag()),
    }

    // 5. Typed errors: cancelling again, and a payment that does not exist.
    match portone.payment().cancel_payment(payment_id, &cancel).await {
        Err(e)
            if matches!(
                e.api().map(|a| a.error()),
                Some(CancelPaymentError::PaymentAlreadyCancelled(_))
            ) =>
        {
            println!("5. cancelling again is refused: {e}");
        }
        other => return Err(format!("expected PAYMENT_ALREADY_CANCELLED, got {other:?}").into()),
    }
    match portone
        .payment()
        .get_payment("order-that-does-not-exist")
        .await
    {
        Err(e) => match e.api().map(|a| a.error()) {
            Some(GetPaymentError::PaymentNotFound(_)) => println!("   unknown payment: {e}"),
            _ => return Err(e.into()),
        },
        Ok(p) => return Err(format!("expected PAYMENT_NOT_FOUND, got {}", p.tag()).into()),
    }

    mock.shutdown().await;
    println!("done: every call above went over HTTP to the mock, validated against PortOne's spec");
    Ok(())
}

async fn real_api(secret: String) -> Result<(), BoxError> {
    let mut builder = PortOne::builder().api_secret(secret);
    if let Ok(store_id) = std::env::var("PORTONE_STORE_ID") {
        builder = builder.store_id(store_id);
    }
    let portone = builder.build()?;
    println!("talking to {} (read-only)", portone.base_url());

    let query = GetPaymentsBody::new().page(PageInput::new().number(0).size(5));
    let page = portone.payment().get_payments(&query).await?;
    println!(
        "{} payments in total; the latest {}:",
        page.page.total_count,
        page.items.len()
    );
    for payment in &page.items {
        println!("  {}", payment.tag());
    }
    if let Ok(id) = std::env::var("PORTONE_PAYMENT_ID") {
        match portone.payment().get_payment(&id).await {
            Ok(payment) => println!("{id}: {}", payment.tag()),
            Err(e) => println!("{id}: {e}"),
        }
    }
    Ok(())
}
