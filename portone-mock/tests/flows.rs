//! PortOne's stateful flows against the mock: identity verification, payments, tokens.
//! Every response body is checked against the spec with `common::SchemaCheck`.

mod common;

use std::time::Duration;

use base64::Engine as _;
use common::*;
use portone_mock::{DEFAULT_OTP, DEFAULT_STORE_ID, MockConfig, MockServer};
use portone_openapi::{Operation, Spec, SuccessBody};
use serde_json::{Value, json};

/// Calls operations by id and checks every answer against the spec.
struct Flow {
    spec: Spec,
    operations: Vec<Operation>,
    check: SchemaCheck,
    http: Http,
    _server: MockServer,
}

impl Flow {
    async fn start(config: impl FnOnce(MockConfig) -> MockConfig) -> Flow {
        let spec = load(&latest_spec_path());
        let server = start(config(MockConfig::new(spec.clone()))).await;
        Flow {
            operations: operations(&spec),
            check: SchemaCheck::new(&spec),
            http: Http::new(&server),
            spec,
            _server: server,
        }
    }

    fn op(&self, id: &str) -> &Operation {
        self.operations
            .iter()
            .find(|op| op.id == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
    }

    /// Sends `id` with path `target` (and query) and an optional body; checks the answer.
    async fn call(&self, http: &Http, id: &str, target: &str, body: Option<Value>) -> Resp {
        let op = self.op(id);
        let text = body.map(|b| b.to_string());
        let response = http
            .send(op.method.as_str(), target, &[], text.as_deref())
            .await;
        let context = format!("{id} {target} -> {}: {}", response.status, response.text);
        if response.status == 200 {
            match &op.success {
                SuccessBody::Json(name) => {
                    self.check.assert_valid(name, &response.json(), &context)
                }
                other => panic!("{context}: unexpected success kind {other:?}"),
            }
        } else {
            let union = op.error_schema.as_deref().expect("error union");
            let tag = response.error_type();
            assert_eq!(
                documented_status(&self.spec.json, union, &tag),
                Some(response.status),
                "{context}: undocumented error"
            );
            self.check.assert_valid(union, &response.json(), &context);
        }
        response
    }

    async fn ok(&self, id: &str, target: &str, body: Option<Value>) -> Value {
        let response = self.call(&self.http, id, target, body).await;
        assert_eq!(response.status, 200, "{id} {target}: {}", response.text);
        response.json()
    }

    async fn fails(&self, id: &str, target: &str, body: Option<Value>, tag: &str) -> Resp {
        let response = self.call(&self.http, id, target, body).await;
        assert_eq!(
            response.error_type(),
            tag,
            "{id} {target}: expected {tag}, got {} {}",
            response.status,
            response.text
        );
        response
    }
}

fn send_body() -> Value {
    json!({
        "channelKey": "channel-key-test",
        "customer": {"id": "customer-1", "name": "홍길동", "phoneNumber": "01012345678", "ipAddress": "127.0.0.1"},
        "operator": "SKT",
        "method": "SMS",
        "customData": "{\"order\":1}"
    })
}

// Long by design: one flow walked step by step, each step reading the state the ones before
// left; split, the steps would lose their order.
#[tokio::test]
async fn identity_verification_send_confirm_resend_with_every_error() {
    let f = Flow::start(|c| c).await;
    let iv = "/identity-verifications/iv-1";

    // Nothing is known about iv-1 yet.
    f.fails(
        "getIdentityVerification",
        iv,
        None,
        "IDENTITY_VERIFICATION_NOT_FOUND",
    )
    .await;
    f.fails(
        "confirmIdentityVerification",
        &format!("{iv}/confirm"),
        Some(json!({"otp": DEFAULT_OTP})),
        "IDENTITY_VERIFICATION_NOT_FOUND",
    )
    .await;
    f.fails(
        "resendIdentityVerification",
        &format!("{iv}/resend"),
        None,
        "IDENTITY_VERIFICATION_NOT_FOUND",
    )
    .await;

    // Send: READY, with the requested customer.
    f.ok(
        "sendIdentityVerification",
        &format!("{iv}/send"),
        Some(send_body()),
    )
    .await;
    f.fails(
        "sendIdentityVerification",
        &format!("{iv}/send"),
        Some(send_body()),
        "IDENTITY_VERIFICATION_ALREADY_SENT",
    )
    .await;
    let ready = f.ok("getIdentityVerification", iv, None).await;
    assert_eq!(ready["status"], "READY");
    assert_eq!(ready["id"], "iv-1");
    assert_eq!(ready["requestedCustomer"]["name"], "홍길동");
    assert_eq!(ready["requestedCustomer"]["phoneNumber"], "01012345678");
    assert_eq!(ready["customData"], "{\"order\":1}");
    f.ok("resendIdentityVerification", &format!("{iv}/resend"), None)
        .await;

    // A wrong OTP fails the attempt: FAILED, and nothing is pending any more.
    let wrong = f
        .fails(
            "confirmIdentityVerification",
            &format!("{iv}/confirm"),
            Some(json!({"otp": "000000"})),
            "PG_PROVIDER",
        )
        .await
        .json();
    assert_eq!(wrong["pgCode"], "MOCK_OTP_MISMATCH");
    let failed = f.ok("getIdentityVerification", iv, None).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["failure"]["pgCode"], "MOCK_OTP_MISMATCH");
    f.fails(
        "confirmIdentityVerification",
        &format!("{iv}/confirm"),
        Some(json!({"otp": DEFAULT_OTP})),
        "IDENTITY_VERIFICATION_NOT_SENT",
    )
    .await;
    f.fails(
        "resendIdentityVerification",
        &format!("{iv}/resend"),
        None,
        "IDENTITY_VERIFICATION_NOT_SENT",
    )
    .await;

    // A new attempt, confirmed with the right OTP: VERIFIED.
    f.ok(
        "sendIdentityVerification",
        &format!("{iv}/send"),
        Some(send_body()),
    )
    .await;
    let confirmed = f
        .ok(
            "confirmIdentityVerification",
            &format!("{iv}/confirm"),
            Some(json!({"otp": DEFAULT_OTP})),
        )
        .await;
    let verified = &confirmed["identityVerification"];
    assert_eq!(verified["status"], "VERIFIED");
    assert_eq!(verified["id"], "iv-1");
    assert_eq!(verified["verifiedCustomer"]["name"], "홍길동");
    assert_eq!(verified["verifiedCustomer"]["operator"], "SKT");
    let got = f.ok("getIdentityVerification", iv, None).await;
    assert_eq!(got["status"], "VERIFIED");
    assert_eq!(got["verifiedAt"], verified["verifiedAt"]);

    // Verified is final.
    f.fails(
        "confirmIdentityVerification",
        &format!("{iv}/confirm"),
        Some(json!({"otp": DEFAULT_OTP})),
        "IDENTITY_VERIFICATION_ALREADY_VERIFIED",
    )
    .await;
    f.fails(
        "resendIdentityVerification",
        &format!("{iv}/resend"),
        None,
        "IDENTITY_VERIFICATION_ALREADY_VERIFIED",
    )
    .await;
    f.fails(
        "sendIdentityVerification",
        &format!("{iv}/send"),
        Some(send_body()),
        "IDENTITY_VERIFICATION_ALREADY_VERIFIED",
    )
    .await;

    // Records belong to a store: another store does not see iv-1; the default store is
    // the same whether named or not.
    f.fails(
        "getIdentityVerification",
        &format!("{iv}?storeId=store-other"),
        None,
        "IDENTITY_VERIFICATION_NOT_FOUND",
    )
    .await;
    let named = f
        .ok(
            "getIdentityVerification",
            &format!("{iv}?storeId={DEFAULT_STORE_ID}"),
            None,
        )
        .await;
    assert_eq!(named["status"], "VERIFIED");
    // A confirmation without an OTP is a failed attempt too.
    let iv2 = "/identity-verifications/iv-2";
    f.ok(
        "sendIdentityVerification",
        &format!("{iv2}/send"),
        Some(send_body()),
    )
    .await;
    f.fails(
        "confirmIdentityVerification",
        &format!("{iv2}/confirm"),
        Some(json!({})),
        "PG_PROVIDER",
    )
    .await;
}

#[tokio::test]
async fn a_configured_otp_is_the_one_that_confirms() {
    let f = Flow::start(|c| c.otp("424242")).await;
    let iv = "/identity-verifications/iv-otp";
    f.ok(
        "sendIdentityVerification",
        &format!("{iv}/send"),
        Some(send_body()),
    )
    .await;
    f.fails(
        "confirmIdentityVerification",
        &format!("{iv}/confirm"),
        Some(json!({"otp": DEFAULT_OTP})),
        "PG_PROVIDER",
    )
    .await;
    f.ok(
        "sendIdentityVerification",
        &format!("{iv}/send"),
        Some(send_body()),
    )
    .await;
    f.ok(
        "confirmIdentityVerification",
        &format!("{iv}/confirm"),
        Some(json!({"otp": "424242"})),
    )
    .await;
}

fn billing_key_payment(total: i64, tax_free: i64) -> Value {
    json!({
        "billingKey": "billing-key-1",
        "orderName": "정기 구독",
        "amount": {"total": total, "taxFree": tax_free},
        "currency": "KRW",
        "customData": "sub-42"
    })
}

// Long by design: one flow walked step by step (see the identity verification flow).
#[tokio::test]
async fn payment_pay_get_cancel_with_every_error() {
    let f = Flow::start(|c| c).await;
    let pay = "/payments/order-1";

    f.fails("getPayment", pay, None, "PAYMENT_NOT_FOUND").await;
    f.fails(
        "cancelPayment",
        &format!("{pay}/cancel"),
        Some(json!({"reason": "r"})),
        "PAYMENT_NOT_FOUND",
    )
    .await;

    let paid = f
        .ok(
            "payWithBillingKey",
            &format!("{pay}/billing-key"),
            Some(billing_key_payment(10_000, 1_000)),
        )
        .await;
    let paid_at = paid["payment"]["paidAt"].clone();
    assert!(paid_at.is_string(), "{paid}");
    f.fails(
        "payWithBillingKey",
        &format!("{pay}/billing-key"),
        Some(billing_key_payment(10_000, 0)),
        "ALREADY_PAID",
    )
    .await;

    let payment = f.ok("getPayment", pay, None).await;
    assert_eq!(payment["status"], "PAID");
    assert_eq!(payment["id"], "order-1");
    assert_eq!(payment["storeId"], DEFAULT_STORE_ID);
    assert_eq!(payment["orderName"], "정기 구독");
    assert_eq!(payment["billingKey"], "billing-key-1");
    assert_eq!(payment["customData"], "sub-42");
    assert_eq!(payment["currency"], "KRW");
    assert_eq!(payment["paidAt"], paid_at);
    assert_eq!(payment["pgTxId"], paid["payment"]["pgTxId"]);
    assert_eq!(payment["amount"]["total"], 10_000);
    assert_eq!(payment["amount"]["taxFree"], 1_000);
    assert_eq!(payment["amount"]["paid"], 10_000);
    assert_eq!(payment["amount"]["cancelled"], 0);
    assert_eq!(payment["cancellations"], json!([]));

    // Refused cancellations change nothing.
    let cancel = format!("{pay}/cancel");
    f.fails(
        "cancelPayment",
        &cancel,
        Some(json!({"reason": "r", "amount": 3_000, "currentCancellableAmount": 9_999})),
        "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN",
    )
    .await;
    f.fails(
        "cancelPayment",
        &cancel,
        Some(json!({"reason": "r", "amount": 20_000})),
        "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT",
    )
    .await;
    f.fails(
        "cancelPayment",
        &cancel,
        Some(json!({"reason": "r", "amount": 3_000, "taxFreeAmount": 1_001})),
        "CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT",
    )
    .await;
    f.fails(
        "cancelPayment",
        &cancel,
        Some(json!({"reason": "r", "amount": 0})),
        "INVALID_REQUEST",
    )
    .await;
    assert_eq!(f.ok("getPayment", pay, None).await["status"], "PAID");

    // Partial, then full cancellation.
    let partial = f
        .ok(
            "cancelPayment",
            &cancel,
            Some(json!({"reason": "변심", "amount": 3_000, "currentCancellableAmount": 10_000})),
        )
        .await;
    assert_eq!(partial["cancellation"]["status"], "SUCCEEDED");
    assert_eq!(partial["cancellation"]["totalAmount"], 3_000);
    assert_eq!(partial["cancellation"]["reason"], "변심");
    let payment = f.ok("getPayment", pay, None).await;
    assert_eq!(payment["status"], "PARTIAL_CANCELLED");
    assert_eq!(payment["amount"]["cancelled"], 3_000);
    assert_eq!(payment["amount"]["paid"], 7_000);
    assert_eq!(payment["cancellations"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        payment["cancellations"][0]["id"],
        partial["cancellation"]["id"]
    );

    let rest = f
        .ok("cancelPayment", &cancel, Some(json!({"reason": "rest"})))
        .await;
    assert_eq!(rest["cancellation"]["totalAmount"], 7_000);
    assert_eq!(rest["cancellation"]["taxFreeAmount"], 1_000);
    let payment = f.ok("getPayment", pay, None).await;
    assert_eq!(payment["status"], "CANCELLED");
    assert_eq!(payment["amount"]["cancelled"], 10_000);
    assert_eq!(payment["amount"]["cancelledTaxFree"], 1_000);
    assert_eq!(payment["amount"]["paid"], 0);
    assert_eq!(payment["cancellations"].as_array().map(Vec::len), Some(2));
    assert!(payment["cancelledAt"].is_string());

    f.fails(
        "cancelPayment",
        &cancel,
        Some(json!({"reason": "again"})),
        "PAYMENT_ALREADY_CANCELLED",
    )
    .await;
    f.fails(
        "payWithBillingKey",
        &format!("{pay}/billing-key"),
        Some(billing_key_payment(1, 0)),
        "ALREADY_PAID",
    )
    .await;

    // Parts larger than the total.
    f.fails(
        "payWithBillingKey",
        "/payments/order-2/billing-key",
        Some(billing_key_payment(1_000, 2_000)),
        "SUM_OF_PARTS_EXCEEDS_TOTAL_AMOUNT",
    )
    .await;
    f.fails("getPayment", "/payments/order-2", None, "PAYMENT_NOT_FOUND")
        .await;
}

#[tokio::test]
async fn payments_are_per_store_and_ids_are_percent_decoded() {
    let f = Flow::start(|c| c).await;
    let mut body = billing_key_payment(5_000, 0);
    body["storeId"] = json!("store-a");
    f.ok(
        "payWithBillingKey",
        "/payments/a%2Fb%20c/billing-key",
        Some(body),
    )
    .await;
    f.fails(
        "getPayment",
        "/payments/a%2Fb%20c",
        None,
        "PAYMENT_NOT_FOUND",
    )
    .await;
    let payment = f
        .ok("getPayment", "/payments/a%2Fb%20c?storeId=store-a", None)
        .await;
    assert_eq!(payment["id"], "a/b c");
    assert_eq!(payment["storeId"], "store-a");
    assert_eq!(payment["amount"]["total"], 5_000);
    // The billing key fields the instant payment has not are left out.
    let instant = json!({
        "method": {"card": {"credential": {"number": "4111111111111111", "expiryYear": "30",
            "expiryMonth": "12", "birthOrBusinessRegistrationNumber": "900101"}}},
        "channelKey": "channel-key-test",
        "orderName": "즉시 결제",
        "amount": {"total": 2_500},
        "currency": "KRW"
    });
    f.ok("payInstantly", "/payments/instant-1/instant", Some(instant))
        .await;
    let payment = f.ok("getPayment", "/payments/instant-1", None).await;
    assert_eq!(payment["status"], "PAID");
    assert_eq!(payment["amount"]["total"], 2_500);
    assert!(payment.get("billingKey").is_none(), "{payment}");
}

fn jwt_claims(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT-shaped: {token}");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .expect("base64url payload");
    serde_json::from_slice(&payload).expect("JSON claims")
}

// Long by design: one flow walked step by step (see the identity verification flow).
#[tokio::test]
async fn api_secret_login_bearer_tokens_and_refresh() {
    let f = Flow::start(|c| c.api_secret("secret-1")).await;
    let anonymous = f.http.with_auth(None);
    let get = "/payments/nothing";

    // The PortOne scheme with a configured secret.
    let good = f.http.with_auth(Some("PortOne secret-1"));
    assert_eq!(good.get(get).await.error_type(), "PAYMENT_NOT_FOUND");
    for (auth, needle) in [
        (None, "headers.authorization: missing"),
        (Some("PortOne test-secret"), "not one this mock accepts"),
        (Some("PortOne"), "malformed"),
        (Some("PortOne  secret-1"), "malformed"),
        (Some("Basic c2VjcmV0"), "unsupported scheme"),
        (Some("Bearer not-a-token"), "unknown bearer token"),
    ] {
        let response = f
            .call(&f.http.with_auth(auth), "getPayment", get, None)
            .await;
        assert_eq!(response.status, 401, "{auth:?}: {}", response.text);
        assert_eq!(response.error_type(), "UNAUTHORIZED");
        assert!(
            response.message().contains(needle),
            "{auth:?}: {}",
            response.message()
        );
        assert!(
            !response.text.contains("secret-1"),
            "secrets are never echoed"
        );
    }

    // Operations without `security` need no credentials.
    assert_eq!(
        f.call(&anonymous, "getBankInfos", "/banks", None)
            .await
            .status,
        200
    );
    let refused = f
        .call(
            &anonymous,
            "loginViaApiSecret",
            "/login/api-secret",
            Some(json!({"apiSecret": "wrong"})),
        )
        .await;
    assert_eq!(refused.error_type(), "UNAUTHORIZED");
    let login = f
        .call(
            &anonymous,
            "loginViaApiSecret",
            "/login/api-secret",
            Some(json!({"apiSecret": "secret-1"})),
        )
        .await
        .json();
    let access = login["accessToken"]
        .as_str()
        .expect("access token")
        .to_owned();
    let refresh = login["refreshToken"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let claims = jwt_claims(&access);
    assert!(claims["exp"].as_u64() > claims["iat"].as_u64(), "{claims}");

    let bearer = f.http.with_auth(Some(&format!("Bearer {access}")));
    assert_eq!(bearer.get(get).await.error_type(), "PAYMENT_NOT_FOUND");
    let wrong_kind = f.http.with_auth(Some(&format!("Bearer {refresh}")));
    assert!(
        wrong_kind
            .get(get)
            .await
            .message()
            .contains("not an access token")
    );

    // Refreshing rotates the refresh token.
    let renewed = f
        .call(
            &anonymous,
            "refreshToken",
            "/token/refresh",
            Some(json!({"refreshToken": refresh})),
        )
        .await
        .json();
    let new_access = renewed["accessToken"].as_str().expect("access").to_owned();
    assert_ne!(new_access, access);
    let reused = f
        .call(
            &anonymous,
            "refreshToken",
            "/token/refresh",
            Some(json!({"refreshToken": refresh})),
        )
        .await;
    assert_eq!(reused.error_type(), "UNAUTHORIZED");
    assert!(reused.message().contains("replaced"), "{}", reused.text);
    let not_refresh = f
        .call(
            &anonymous,
            "refreshToken",
            "/token/refresh",
            Some(json!({"refreshToken": new_access})),
        )
        .await;
    assert_eq!(not_refresh.error_type(), "UNAUTHORIZED");

    let works = f
        .http
        .with_auth(Some(&format!("Bearer {new_access}")))
        .get(get)
        .await;
    assert_eq!(works.error_type(), "PAYMENT_NOT_FOUND");
    let old_access = f
        .http
        .with_auth(Some(&format!("Bearer {access}")))
        .get(get)
        .await;
    assert_eq!(
        old_access.error_type(),
        "PAYMENT_NOT_FOUND",
        "valid until it expires"
    );
}

#[tokio::test]
async fn access_tokens_expire() {
    let f = Flow::start(|c| c.access_token_ttl(Duration::from_millis(300))).await;
    let anonymous = f.http.with_auth(None);
    let login = f
        .call(
            &anonymous,
            "loginViaApiSecret",
            "/login/api-secret",
            Some(json!({"apiSecret": "any"})),
        )
        .await
        .json();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let access = login["accessToken"].as_str().expect("access token");
    let expired = f
        .call(
            &f.http.with_auth(Some(&format!("Bearer {access}"))),
            "getPayment",
            "/payments/p",
            None,
        )
        .await;
    assert_eq!(expired.status, 401);
    assert!(expired.message().contains("expired"), "{}", expired.text);
    let renewed = f
        .call(
            &anonymous,
            "refreshToken",
            "/token/refresh",
            Some(json!({"refreshToken": login["refreshToken"]})),
        )
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.text);
}
