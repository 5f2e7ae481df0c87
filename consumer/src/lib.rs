//! A merchant's backend in miniature: verifies a customer's identity and checks a payment, through
//! `portone-client` as published.

use portone_client::types::{
    BillingKeyPaymentInput, BillingKeyPaymentInputRequired, ConfirmIdentityVerificationBody,
    Currency, IdentityVerificationMethod, IdentityVerificationOperator, PaymentAmountInput,
    SendIdentityVerificationBody, SendIdentityVerificationBodyCustomer,
    SendIdentityVerificationBodyCustomerRequired, SendIdentityVerificationBodyRequired,
};
use portone_client::{AuthScheme, PortOne};

/// A client for `base_url` that logs in with `secret` (bearer tokens).
pub fn client(base_url: &str, secret: &str) -> Result<PortOne, portone_client::BuildError> {
    PortOne::builder()
        .api_secret(secret)
        .auth_scheme(AuthScheme::AccessToken)
        .base_url(base_url)
        .build()
}

/// Sends an identity verification code by SMS and confirms it with `otp`; returns the verified
/// customer's name.
pub async fn verify_identity(
    portone: &PortOne,
    id: &str,
    otp: &str,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let customer =
        SendIdentityVerificationBodyCustomer::new(SendIdentityVerificationBodyCustomerRequired {
            name: "홍길동",
            phone_number: "01012345678",
            ip_address: "127.0.0.1",
        });
    let send = SendIdentityVerificationBody::new(SendIdentityVerificationBodyRequired {
        channel_key: "channel-key-consumer",
        customer,
        operator: IdentityVerificationOperator::Skt,
        method: IdentityVerificationMethod::Sms,
    });
    let verification = portone.identity_verification();
    verification.send_identity_verification(id, &send).await?;
    let confirm = ConfirmIdentityVerificationBody::new().otp(otp);
    let confirmed = verification.confirm_identity_verification(id, &confirm).await?;
    Ok(confirmed.identity_verification.verified_customer.name)
}

/// Charges `amount` won to a billing key (a subscription's monthly payment).
pub async fn charge(
    portone: &PortOne,
    payment_id: &str,
    billing_key: &str,
    amount: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let input = BillingKeyPaymentInput::new(BillingKeyPaymentInputRequired {
        billing_key,
        order_name: "월간 구독",
        amount: PaymentAmountInput::new(amount),
        currency: Currency::Krw,
    });
    portone
        .payment()
        .pay_with_billing_key(payment_id, &input)
        .await?;
    Ok(())
}

/// The status of a payment (`PAID`, `CANCELLED`, ...), or `None` if PortOne does not know it.
pub async fn payment_status(
    portone: &PortOne,
    payment_id: &str,
) -> Result<Option<String>, Box<dyn std::error::Error + Send + Sync>> {
    match portone.payment().get_payment(payment_id).await {
        Ok(payment) => Ok(Some(payment.tag().to_owned())),
        Err(e) if e.status().map(|s| s.as_u16()) == Some(404) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
