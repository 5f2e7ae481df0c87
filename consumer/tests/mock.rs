//! The packaged `portone-mock`, serving the spec packaged with the SDK, called through the
//! packaged `portone-client`.

use portone_consumer::{charge, client, payment_status, verify_identity};
use portone_mock::{DEFAULT_OTP, MockConfig, MockServer};

#[tokio::test]
async fn identity_verification_and_payments_through_the_packages() {
    let mock = MockServer::start(MockConfig::pinned().api_secret("consumer-secret"))
        .await
        .expect("the packaged mock starts with the packaged spec");
    let portone = client(&mock.url(), "consumer-secret").unwrap();

    let name = verify_identity(&portone, "iv-consumer-1", DEFAULT_OTP)
        .await
        .expect("send and confirm");
    assert_eq!(name, "홍길동");
    let wrong = verify_identity(&portone, "iv-consumer-2", "000000").await;
    assert!(wrong.is_err(), "a wrong OTP is refused");

    charge(&portone, "order-consumer-1", "billing-key-1", 9900)
        .await
        .expect("pay with a billing key");
    let status = payment_status(&portone, "order-consumer-1").await.unwrap();
    assert_eq!(status.as_deref(), Some("PAID"));
    assert_eq!(payment_status(&portone, "order-unknown").await.unwrap(), None);

    let intruder = client(&mock.url(), "not-accepted").unwrap();
    let err = payment_status(&intruder, "order-consumer-1").await.unwrap_err();
    assert!(err.to_string().contains("access token"), "{err}");
    mock.shutdown().await;
}
