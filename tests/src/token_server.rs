//! A PortOne-like token server for bearer-auth tests: issues JWTs from `/login/api-secret`
//! and `/token/refresh`, accepts only the newest access token, and answers other calls with
//! 404 `PAYMENT_NOT_FOUND`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::json;

use portone_client::{AuthScheme, PortOne, RetryConfig};

use crate::scripted_server::{RecordedRequest, ScriptedResponse, ScriptedServer};

/// The API secret the server accepts.
pub const SECRET: &str = "api-secret-7d1e";

/// An unsigned JWT expiring `seconds` from now, with a marker to tell tokens apart.
pub fn jwt(marker: &str, seconds: i64) -> String {
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    format!(
        "{}.{}.sig-{marker}",
        b64(json!({"alg": "none"})),
        b64(json!({"exp": now + seconds, "m": marker}))
    )
}

/// A PortOne-like auth server: issues tokens from login/refresh, accepts only the newest
/// access token, and answers authenticated calls with 404 PAYMENT_NOT_FOUND.
pub struct TokenServer {
    /// Logins so far.
    pub logins: AtomicUsize,
    /// Refreshes so far.
    pub refreshes: AtomicUsize,
    /// The access token currently accepted.
    pub current: Mutex<String>,
    access_lifetime: i64,
}

impl TokenServer {
    /// A server issuing access tokens valid for `access_lifetime` seconds.
    pub fn new(access_lifetime: i64) -> Arc<TokenServer> {
        Arc::new(TokenServer {
            logins: AtomicUsize::new(0),
            refreshes: AtomicUsize::new(0),
            current: Mutex::new(String::new()),
            access_lifetime,
        })
    }

    /// Serves `tokens` on loopback and builds a bearer-auth client for it (retries off).
    pub async fn start_with_bearer_client(tokens: &Arc<TokenServer>) -> (ScriptedServer, PortOne) {
        let state = tokens.clone();
        let server = ScriptedServer::start(move |r| state.respond(r)).await;
        let portone = PortOne::builder()
            .api_secret(SECRET)
            .auth_scheme(AuthScheme::AccessToken)
            .base_url(server.url())
            .retry(RetryConfig::disabled())
            .build()
            .unwrap();
        (server, portone)
    }

    /// Serves `tokens` for logins and refreshes on loopback, and answers every other request
    /// with `status` and the JSON `body`; with a bearer-auth client builder for it.
    pub async fn start_answering(
        tokens: &Arc<TokenServer>,
        status: u16,
        body: &'static str,
    ) -> (ScriptedServer, portone_client::Builder) {
        let state = tokens.clone();
        let server = ScriptedServer::start(move |r| match r.path() {
            "/login/api-secret" | "/token/refresh" => state.respond(r),
            _ => ScriptedResponse::json(status, body),
        })
        .await;
        let builder = PortOne::builder()
            .api_secret(SECRET)
            .auth_scheme(AuthScheme::AccessToken)
            .base_url(server.url());
        (server, builder)
    }

    fn issue(&self, marker: String) -> ScriptedResponse {
        let access = jwt(&marker, self.access_lifetime);
        *self.current.lock().unwrap() = access.clone();
        let body = json!({"accessToken": access, "refreshToken": jwt(&format!("refresh-{marker}"), 86400)});
        ScriptedResponse::json(200, body.to_string())
    }

    /// Answers one request.
    pub fn respond(&self, request: &RecordedRequest) -> ScriptedResponse {
        match request.path() {
            "/login/api-secret" => {
                let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
                if body["apiSecret"] != SECRET {
                    return ScriptedResponse::json(
                        401,
                        r#"{"type":"UNAUTHORIZED","message":"bad secret"}"#,
                    );
                }
                let n = self.logins.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50)); // widen the race window
                self.issue(format!("login{n}"))
            }
            "/token/refresh" => {
                let n = self.refreshes.fetch_add(1, Ordering::SeqCst);
                self.issue(format!("refresh{n}"))
            }
            _ => {
                let expected = format!("Bearer {}", self.current.lock().unwrap());
                if request.header("authorization") != Some(expected.as_str()) {
                    return ScriptedResponse::json(
                        401,
                        r#"{"type":"UNAUTHORIZED","message":"token"}"#,
                    );
                }
                ScriptedResponse::json(404, r#"{"type":"PAYMENT_NOT_FOUND","message":"none"}"#)
            }
        }
    }
}
