//! The facade's shapes, as users write them, against the embedded mock: calls with their
//! required arguments awaited directly, per-call options, streams, request bodies built with
//! `new` and setters, union accessors, and the untyped error.

use std::future::IntoFuture;
use std::time::Duration;

use portone_client::paginate::Paginated;
use portone_client::types::{
    BillingKeyPaymentInput, BillingKeyPaymentInputRequired, Currency, GetPaymentError,
    GetPaymentsBody, GetPaymentsError, GetPaymentsResponse, PageInput, PaymentAmountInput,
    SendIdentityVerificationBody, SendIdentityVerificationBodyCustomer,
    SendIdentityVerificationBodyCustomerRequired, SendIdentityVerificationBodyRequired,
};
use portone_client::{Error, PortOne, RetryConfig};
use portone_mock::{DEFAULT_STORE_ID, MockConfig, MockServer};

async fn mock() -> (MockServer, PortOne) {
    let mock = MockServer::start(MockConfig::pinned().seed(3))
        .await
        .unwrap();
    let portone = PortOne::builder()
        .api_secret("facade-secret")
        .base_url(mock.url())
        .build()
        .unwrap();
    (mock, portone)
}

/// A billing-key payment of 9,900 KRW with every required field.
fn monthly_plan() -> BillingKeyPaymentInput {
    BillingKeyPaymentInput::new(BillingKeyPaymentInputRequired {
        billing_key: "billing-key-1",
        order_name: "월간 구독",
        amount: PaymentAmountInput::new(9900),
        currency: Currency::Krw,
    })
}

// Long by design: every call shape the README documents, in its order.
#[tokio::test]
async fn the_documented_call_shapes_compile_and_work() {
    let (mock, portone) = mock().await;
    let pay = monthly_plan().custom_data(r#"{"plan":"monthly"}"#);
    portone
        .payment()
        .pay_with_billing_key("order-1", &pay)
        .await
        .unwrap();

    let payment = portone.payment().get_payment("order-1").await.unwrap();
    assert_eq!(payment.id(), Some("order-1"));
    assert_eq!(payment.store_id(), Some(DEFAULT_STORE_ID));
    assert_eq!(payment.amount().map(|a| a.total), Some(9900));
    assert_eq!(payment.order_name(), Some("월간 구독"));

    // Per-call options: another store (a record the mock does not have there), a timeout,
    // a retry policy; and `send()` as the spelled-out form of `.await`.
    let err = portone
        .payment()
        .get_payment("order-1")
        .store_id("store-2")
        .timeout(Duration::from_secs(5))
        .attempt_timeout(Duration::from_secs(2))
        .retry(RetryConfig::disabled())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.api().map(|a| a.error()),
            Some(GetPaymentError::PaymentNotFound(_))
        ),
        "{err:?}"
    );

    // `store_id` alone takes effect too (it needs the call's own pipeline).
    let err = portone
        .payment()
        .get_payment("order-1")
        .store_id("store-2")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.api().map(|a| a.error()),
            Some(GetPaymentError::PaymentNotFound(_))
        ),
        "{err:?}"
    );

    let customer =
        SendIdentityVerificationBodyCustomer::new(SendIdentityVerificationBodyCustomerRequired {
            name: "홍길동",
            phone_number: "01012345678",
            ip_address: "127.0.0.1",
        });
    let send = SendIdentityVerificationBody::new(SendIdentityVerificationBodyRequired {
        channel_key: "channel-key",
        customer,
        operator: "SKT".into(),
        method: "SMS".into(),
    });
    let verification = portone.identity_verification();
    verification
        .send_identity_verification("iv-1", &send)
        .await
        .unwrap();
    portone
        .identity_verification()
        .resend_identity_verification("iv-1")
        .await
        .unwrap();

    let body = GetPaymentsBody::new().page(PageInput::new().size(5));
    let page = portone.payment().get_payments(&body).await.unwrap();
    assert!(page.items.len() <= 5);
    // Streams (the mock's sampled pages do not page consistently: the stream's guard stops
    // at the first page, which still proves the request went out and decoded).
    let paged = |result: Result<Vec<_>, Error<GetPaymentsError>>| match result {
        Ok(items) => items.len(),
        Err(Error::Pagination(p)) => {
            assert_eq!(p.path(), "page.number", "{p}");
            0
        }
        Err(other) => panic!("{other:?}"),
    };
    let stream: Paginated<GetPaymentsResponse, GetPaymentsError> =
        portone.payment().get_payments_stream(body.clone());
    assert!(paged(stream.collect_all(Some(3)).await) <= 3);
    // A request with its options as a stream, owned, into a task.
    let stream = portone
        .payment()
        .get_payments(&body)
        .retry(RetryConfig::disabled())
        .into_stream();
    let items = tokio::spawn(stream.collect_all(Some(2))).await.unwrap();
    assert!(paged(items) <= 2);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_request_owns_its_arguments_and_runs_in_a_task() {
    let (mock, portone) = mock().await;
    let pay = monthly_plan();
    // Arguments are copied into the builder: the originals may go before it is sent.
    let request = {
        let payment_id = String::from("order-task");
        portone.payment().pay_with_billing_key(&payment_id, &pay)
    };
    drop(pay);
    tokio::spawn(request.into_future()).await.unwrap().unwrap();

    // Many lookups at once, each in its own task, built from one client.
    let tasks: Vec<_> = (0..4)
        .map(|_| tokio::spawn(portone.payment().get_payment("order-task").into_future()))
        .collect();
    for task in tasks {
        let payment = task.await.unwrap().unwrap();
        assert_eq!(payment.id(), Some("order-task"));
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn one_function_calls_several_operations_with_the_untyped_error() {
    let (mock, portone) = mock().await;

    async fn status_and_key(portone: &PortOne) -> Result<String, Error> {
        let payment = portone.payment().get_payment("order-missing").await?;
        let key = portone
            .payment()
            .billing_key()
            .get_billing_key_info("key-1")
            .await?;
        Ok(format!("{} {}", payment.tag(), key.tag()))
    }

    let err = status_and_key(&portone).await.unwrap_err();
    let api = err.api().expect("a documented error");
    assert_eq!(api.error().tag(), "PAYMENT_NOT_FOUND");
    assert_eq!(api.status().as_u16(), 404);
    assert!(matches!(
        api.error().to_typed::<GetPaymentError>(),
        Some(GetPaymentError::PaymentNotFound(_))
    ));
    assert!(err.headers().is_some());
    assert_eq!(
        err.to_string(),
        format!(
            "PortOne API error PAYMENT_NOT_FOUND (HTTP 404 Not Found): {}",
            api.message().unwrap_or_default()
        )
    );

    // `map_api` turns the typed error into anything else, keeping the other variants.
    let typed = portone
        .payment()
        .get_payment("order-missing")
        .await
        .unwrap_err();
    let mapped: Error<bool> = typed.map_api(|e| matches!(e, GetPaymentError::PaymentNotFound(_)));
    assert_eq!(mapped.api().map(|a| *a.error()), Some(true));
    mock.shutdown().await;
}
