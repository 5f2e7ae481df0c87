//! Bearer access tokens: login, refresh before expiry, renewal on 401, one shared renewal.

use std::sync::atomic::Ordering;

use portone_client::{AuthScheme, Error, PortOne};
use portone_tests::scripted_server::ScriptedServer;
use portone_tests::token_server::TokenServer;

fn is_not_found<E>(result: Result<impl Sized, Error<E>>) -> bool {
    result
        .err()
        .and_then(|e| e.status())
        .is_some_and(|s| s.as_u16() == 404)
}

/// How many requests `server` received for `path`.
fn calls_to(server: &ScriptedServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path() == path)
        .count()
}

#[tokio::test]
async fn logs_in_once_and_sends_the_bearer_token() {
    let tokens = TokenServer::new(3600);
    let (server, portone) = TokenServer::start_with_bearer_client(&tokens).await;
    for _ in 0..3 {
        assert!(is_not_found(portone.payment().get_payment("p").await));
    }
    assert_eq!(tokens.logins.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests[0].path(), "/login/api-secret");
    assert_eq!(
        requests[0].header("authorization"),
        None,
        "login is unauthenticated"
    );
    for r in &requests[1..] {
        assert!(
            r.header("authorization").unwrap().starts_with("Bearer eyJ"),
            "{r:?}"
        );
    }
}

#[tokio::test]
async fn concurrent_callers_share_one_login() {
    let tokens = TokenServer::new(3600);
    let (_server, portone) = TokenServer::start_with_bearer_client(&tokens).await;
    let calls = (0..16).map(|_| {
        let portone = portone.clone();
        tokio::spawn(async move { portone.payment().get_payment("p").await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert!(is_not_found(call.await.unwrap()));
    }
    assert_eq!(tokens.logins.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn refreshes_before_expiry_without_a_renewal_storm() {
    // A 3 s token: used (not renewed on every call) until it is due, then refreshed in the
    // background while it is still used.
    let tokens = TokenServer::new(3);
    let (_server, portone) = TokenServer::start_with_bearer_client(&tokens).await;
    for _ in 0..5 {
        assert!(is_not_found(portone.payment().get_payment("p").await));
    }
    assert_eq!(tokens.logins.load(Ordering::SeqCst), 1);
    assert_eq!(
        tokens.refreshes.load(Ordering::SeqCst),
        0,
        "no renewal storm"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_700)).await;
    assert!(is_not_found(portone.payment().get_payment("p").await));
    // The renewal runs beside the call; the next call uses the refreshed token.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(is_not_found(portone.payment().get_payment("p").await));
    assert_eq!(tokens.logins.load(Ordering::SeqCst), 1);
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_rejected_token_is_renewed_once_and_shared() {
    let tokens = TokenServer::new(3600);
    let (server, portone) = TokenServer::start_with_bearer_client(&tokens).await;
    assert!(is_not_found(portone.payment().get_payment("p").await));
    // PortOne revokes the token: the next calls get 401, refresh once, and succeed.
    *tokens.current.lock().unwrap() = "revoked".into();
    let calls = (0..8).map(|_| {
        let portone = portone.clone();
        tokio::spawn(async move { portone.payment().get_payment("p").await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert!(is_not_found(call.await.unwrap()));
    }
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(tokens.logins.load(Ordering::SeqCst), 1);
    let _ = server;
}

#[tokio::test]
async fn a_token_rejected_again_is_not_retried_in_a_loop() {
    let (server, builder) = TokenServer::start_answering(
        &TokenServer::new(3600),
        401,
        r#"{"type":"UNAUTHORIZED","message":"always"}"#,
    )
    .await;
    let portone = builder.build().unwrap();
    let err = portone.payment().get_payment("p").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let calls = calls_to(&server, "/payments/p");
    assert_eq!(
        calls, 2,
        "the original request and one retry with a renewed token"
    );
}

#[tokio::test]
async fn a_failed_login_is_an_auth_error() {
    let tokens = TokenServer::new(3600);
    let state = tokens.clone();
    let server = ScriptedServer::start(move |r| state.respond(r)).await;
    let portone = PortOne::builder()
        .api_secret("wrong-secret-999")
        .auth_scheme(AuthScheme::AccessToken)
        .base_url(server.url())
        .build()
        .unwrap();
    let err = portone.payment().get_payment("p").await.unwrap_err();
    match &err {
        Error::Auth(login) => assert_eq!(login.error().status().map(|s| s.as_u16()), Some(401)),
        other => panic!("{other:?}"),
    }
    // One short message per layer: the login's error is the source, not repeated.
    assert_eq!(err.to_string(), "cannot obtain a PortOne access token");
    let source = std::error::Error::source(&err).expect("the login's error");
    assert_eq!(
        source.to_string(),
        "PortOne API error UNAUTHORIZED (HTTP 401 Unauthorized): bad secret"
    );
    assert!(std::error::Error::source(source).is_none());
    assert!(!format!("{err:?}").contains("wrong-secret-999"));
    assert_eq!(server.requests().len(), 1, "nothing sent without a token");
}

/// With bearer tokens (where a 401 may earn one more attempt), a 503 is still retried only up
/// to `max_attempts`.
#[tokio::test]
async fn bearer_retries_stop_at_max_attempts() {
    let (server, builder) = TokenServer::start_answering(
        &TokenServer::new(3600),
        503,
        r#"{"type":"UNAVAILABLE","message":"busy"}"#,
    )
    .await;
    let portone = builder
        .retry(
            portone_client::RetryConfig::default()
                .max_attempts(2)
                .initial_backoff(std::time::Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let err = portone.payment().get_payment("p").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let calls = calls_to(&server, "/payments/p");
    assert_eq!(calls, 2, "max_attempts(2)");
}
