//! Credentials: `Authorization: PortOne <secret>`, or bearer access tokens obtained with
//! `POST /login/api-secret` and renewed with `POST /token/refresh`.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;

use crate::call;
use crate::error::{AuthError, Error};
use crate::types::{LoginViaApiSecretBody, RefreshTokenBody};

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `Authorization: PortOne <API secret>` on every request (the default).
    #[default]
    ApiSecret,
    /// `Authorization: Bearer <access token>`: the client logs in with the API secret, renews
    /// the token before it expires and once when PortOne rejects it.
    AccessToken,
}

/// Renew an access token this long before it expires (at most half its lifetime).
const RENEWAL_MARGIN: Duration = Duration::from_secs(60);
/// After a failed login or refresh, calls get its error for this long instead of starting
/// another one (a token still valid is used meanwhile).
const FAILURE_BACKOFF: Duration = Duration::from_secs(1);
/// A token is kept at least this long before an early renewal, whatever its claims say (a
/// token that looks expired on arrival must not cause a renewal per call).
const MIN_TOKEN_USE: Duration = Duration::from_secs(1);

/// An `Authorization` header value, marked sensitive (not shown in `Debug`, not logged).
pub(crate) fn authorization(scheme: &str, credential: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(&format!("{scheme} {credential}")).map_err(|_| {
        "the credential contains characters not allowed in an HTTP header".to_owned()
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A token pair, with its times on this machine's monotonic clock (taken from the tokens'
/// lifetimes, so a clock that disagrees with PortOne's does not matter).
struct Tokens {
    access: HeaderValue,
    /// When to renew the access token early; `None`: when PortOne rejects it.
    renew_at: Option<Instant>,
    /// When the access token expires, if known.
    expires_at: Option<Instant>,
    refresh: SecretString,
    refresh_expires_at: Option<Instant>,
}

impl Tokens {
    fn valid(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }

    fn due(&self, now: Instant) -> bool {
        self.renew_at.is_some_and(|at| now >= at)
    }
}

/// The result every caller waiting for one renewal gets.
type Outcome = Option<Result<HeaderValue, AuthError>>;

#[derive(Default)]
struct State {
    tokens: Option<std::sync::Arc<Tokens>>,
    /// The renewal under way: callers wait for its result here.
    renewal: Option<watch::Receiver<Outcome>>,
    /// The last failed renewal and until when its error is the answer.
    failure: Option<(AuthError, Instant)>,
}

/// Obtains and renews access tokens. One renewal at a time (a detached task, so no lock is
/// held while it talks to PortOne): its result, token or error, reaches every caller waiting
/// for it; a failure is the answer for [`FAILURE_BACKOFF`], while a token still valid keeps
/// being used.
pub(crate) struct TokenManager {
    api_secret: SecretString,
    /// A client for the unauthenticated login and refresh operations.
    raw: portone_gen::Client,
    /// The whole-call timeout of each login or refresh.
    timeout: Option<Duration>,
    state: Mutex<State>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager").finish_non_exhaustive()
    }
}

impl TokenManager {
    pub(crate) fn new(
        api_secret: SecretString,
        raw: portone_gen::Client,
        timeout: Option<Duration>,
    ) -> TokenManager {
        TokenManager {
            api_secret,
            raw,
            timeout,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is consistent after any panic (every update is one assignment).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A usable `Bearer` header: the current token, renewed early in the background when due
    /// (still used meanwhile, and if the renewal fails); without a valid token, the result of
    /// the renewal under way (started if none is).
    pub(crate) async fn header(self: &Arc<Self>) -> Result<HeaderValue, AuthError> {
        let waiting = {
            let mut state = self.state();
            let now = Instant::now();
            let current = state.tokens.clone().filter(|t| t.valid(now));
            if let Some(t) = &current
                && !t.due(now)
            {
                return Ok(t.access.clone());
            }
            if let Some((error, until)) = &state.failure
                && now < *until
            {
                return match current {
                    Some(t) => Ok(t.access.clone()),
                    None => Err(error.clone()),
                };
            }
            let old = state.tokens.clone();
            let waiting = self.renewal(&mut state, old);
            match current {
                Some(t) => return Ok(t.access.clone()),
                None => waiting,
            }
        };
        wait(waiting).await
    }

    /// A new `Bearer` header after PortOne rejected `rejected`: a token renewed since, or the
    /// result of a renewal.
    pub(crate) async fn header_after_rejection(
        self: &Arc<Self>,
        rejected: &HeaderValue,
    ) -> Result<HeaderValue, AuthError> {
        let waiting = {
            let mut state = self.state();
            if let Some(t) = state.tokens.as_ref().filter(|t| t.access != rejected) {
                return Ok(t.access.clone());
            }
            if let Some((error, until)) = &state.failure
                && Instant::now() < *until
            {
                return Err(error.clone());
            }
            // The rejected token is not used again; its refresh token may still renew it.
            let old = state.tokens.take();
            self.renewal(&mut state, old)
        };
        wait(waiting).await
    }

    /// The renewal under way, or a new one from `old` (refreshed with its refresh token while
    /// that is valid, else a login).
    fn renewal(
        self: &Arc<Self>,
        state: &mut State,
        old: Option<Arc<Tokens>>,
    ) -> watch::Receiver<Outcome> {
        if let Some(waiting) = &state.renewal {
            return waiting.clone();
        }
        let (sender, receiver) = watch::channel(None);
        state.renewal = Some(receiver.clone());
        let manager = Arc::clone(self);
        tokio::spawn(async move {
            let finish = Finish {
                manager: &manager,
                sender: Some(sender),
            };
            let result = manager.renew(old.as_deref()).await;
            finish.with(result);
        });
        receiver
    }

    /// Refreshes with the refresh token if it is still usable, else logs in.
    async fn renew(&self, old: Option<&Tokens>) -> Result<Tokens, AuthError> {
        let now = Instant::now();
        let refresh = old.filter(|t| t.refresh_expires_at.is_none_or(|at| now < at));
        if let Some(old) = refresh {
            let body = RefreshTokenBody::new(old.refresh.expose_secret());
            match call::run(self.timeout, self.raw.refresh_token(&body)).await {
                Ok(r) => {
                    tracing::debug!("PortOne access token refreshed");
                    return tokens(&r.access_token, r.refresh_token);
                }
                Err(e) => {
                    tracing::debug!(error = %e, "refreshing the PortOne access token failed; logging in")
                }
            }
        }
        let body = LoginViaApiSecretBody::new(self.api_secret.expose_secret());
        let response = call::run(self.timeout, self.raw.login_via_api_secret(&body))
            .await
            .map_err(|e| AuthError(Arc::new(redact_auth_error(e.into()))))?;
        tracing::debug!("logged in to PortOne with the API secret");
        tokens(&response.access_token, response.refresh_token)
    }
}

/// Publishes a renewal's result to the state and every waiter, also if the renewal task ends
/// without one (then as an error), so that no caller waits forever.
struct Finish<'a> {
    manager: &'a TokenManager,
    sender: Option<watch::Sender<Outcome>>,
}

impl Finish<'_> {
    fn with(mut self, result: Result<Tokens, AuthError>) {
        let outcome = {
            let mut state = self.manager.state();
            state.renewal = None;
            match result {
                Ok(tokens) => {
                    let header = tokens.access.clone();
                    state.tokens = Some(Arc::new(tokens));
                    state.failure = None;
                    Ok(header)
                }
                Err(error) => {
                    tracing::warn!(error = %error, "cannot obtain a PortOne access token");
                    state.failure = Some((error.clone(), Instant::now() + FAILURE_BACKOFF));
                    Err(error)
                }
            }
        };
        if let Some(sender) = self.sender.take() {
            let _ = sender.send(Some(outcome));
        }
    }
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            self.manager.state().renewal = None;
            let _ = sender.send(Some(Err(ended_without_result())));
        }
    }
}

fn ended_without_result() -> AuthError {
    AuthError(Arc::new(Error::InvalidInput(
        "the access token renewal ended without a result".into(),
    )))
}

async fn wait(mut waiting: watch::Receiver<Outcome>) -> Result<HeaderValue, AuthError> {
    match waiting.wait_for(Option::is_some).await {
        Ok(outcome) => outcome
            .clone()
            .unwrap_or_else(|| Err(ended_without_result())),
        Err(_) => Err(ended_without_result()),
    }
}

/// Login and refresh answers carry tokens: their bodies never go into an error.
fn redact_auth_error(error: Error) -> Error {
    match error {
        Error::Decode(mut decode) => {
            decode.body = format!("[{} bytes, not shown: a login answer]", decode.body.len());
            decode.cause = crate::error::DecodeCause(redact_serde_message(&decode.cause.0));
            Error::Decode(decode)
        }
        Error::UnexpectedStatus(mut unexpected) => {
            unexpected.body = format!(
                "[{} bytes, not shown: a login answer]",
                unexpected.body.len()
            );
            Error::UnexpectedStatus(unexpected)
        }
        other => other,
    }
}

/// serde's message may quote a value it did not expect (`invalid type: string "eyJ..."`): only
/// the part before the quote is kept.
fn redact_serde_message(message: &str) -> String {
    match message.split_once(['"', '`']) {
        Some((before, _)) => format!("{}[value not shown]", before),
        None => message.to_owned(),
    }
}

fn tokens(access: &str, refresh: String) -> Result<Tokens, AuthError> {
    let now = Instant::now();
    let access_lifetime = jwt_lifetime(access);
    let renew_after = access_lifetime.map(|lifetime| {
        let margin = RENEWAL_MARGIN.min(lifetime / 2);
        lifetime.saturating_sub(margin).max(MIN_TOKEN_USE)
    });
    Ok(Tokens {
        access: authorization("Bearer", access)
            .map_err(|e| AuthError(Arc::new(Error::InvalidInput(e))))?,
        renew_at: renew_after.map(|after| now + after),
        expires_at: access_lifetime.map(|lifetime| now + lifetime.max(MIN_TOKEN_USE)),
        refresh_expires_at: jwt_lifetime(&refresh).map(|lifetime| now + lifetime),
        refresh: refresh.into(),
    })
}

/// How long a JWT is valid from now: `exp - iat` when it has both (PortOne's own clock), else
/// `exp` minus this machine's time; `None` if unknown or already past (the token is then used
/// until PortOne rejects it). Read, not verified: only used to renew early.
pub(crate) fn jwt_lifetime(token: &str) -> Option<Duration> {
    let claims = jwt_claims(token)?;
    let exp = claims.get("exp")?.as_u64()?;
    let lifetime = match claims.get("iat").and_then(serde_json::Value::as_u64) {
        Some(iat) => exp.checked_sub(iat)?,
        None => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
            exp.checked_sub(now)?
        }
    };
    (lifetime > 0).then(|| Duration::from_secs(lifetime))
}

fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln")
    }

    #[test]
    fn reads_the_lifetime_of_a_jwt() {
        // With `iat`, PortOne's own clock: a machine whose clock disagrees still gets it right.
        let token = jwt(serde_json::json!({"iat": 1_000, "exp": 2_800}));
        assert_eq!(jwt_lifetime(&token), Some(Duration::from_secs(1_800)));
        // Without `iat`: `exp` minus this machine's time.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let lifetime = jwt_lifetime(&jwt(serde_json::json!({"exp": now + 600}))).unwrap();
        assert!(lifetime <= Duration::from_secs(600) && lifetime >= Duration::from_secs(590));
        // Already expired by this clock, or nonsense: unknown (used until PortOne rejects it).
        assert_eq!(jwt_lifetime(&jwt(serde_json::json!({"exp": 1_000}))), None);
        assert_eq!(
            jwt_lifetime(&jwt(serde_json::json!({"iat": 5, "exp": 5}))),
            None
        );
        assert_eq!(jwt_lifetime("not-a-jwt"), None);
        assert_eq!(jwt_lifetime("a.!!!.c"), None);
        assert_eq!(jwt_lifetime("a.eyJleHAiOiJzb29uIn0.c"), None); // {"exp":"soon"}
    }

    #[test]
    fn early_renewal_never_comes_before_a_token_was_used_a_while() {
        let short = tokens(&jwt(serde_json::json!({"iat": 0, "exp": 3})), "r".into()).unwrap();
        let now = Instant::now();
        // A 3 s token: renewed once MIN_TOKEN_USE passed, not on every call.
        assert!(!short.due(now));
        assert!(short.valid(now));
        assert!(short.due(now + Duration::from_millis(1_600)));
        let long = tokens(
            &jwt(serde_json::json!({"iat": 0, "exp": 1_800})),
            "r".into(),
        )
        .unwrap();
        let renew = long.renew_at.unwrap().duration_since(now);
        assert!(
            renew >= Duration::from_secs(1_739) && renew <= Duration::from_secs(1_741),
            "{renew:?}"
        );
        let unknown = tokens("opaque-token", "r".into()).unwrap();
        assert!(!unknown.due(now + Duration::from_secs(86_400)));
        assert!(unknown.valid(now + Duration::from_secs(86_400)));
    }

    #[test]
    fn a_token_is_valid_until_the_instant_it_expires() {
        let token = tokens(&jwt(serde_json::json!({"iat": 0, "exp": 600})), "r".into()).unwrap();
        let expires = token.expires_at.unwrap();
        assert!(token.valid(expires - Duration::from_nanos(1)));
        assert!(!token.valid(expires));
        assert!(!token.valid(expires + Duration::from_secs(1)));
    }

    #[test]
    fn a_short_token_is_renewed_at_half_its_lifetime() {
        // 100 s: the margin is half of it (50 s), not the usual 60 s.
        let now = Instant::now();
        let token = tokens(&jwt(serde_json::json!({"iat": 0, "exp": 100})), "r".into()).unwrap();
        let renew = token.renew_at.unwrap().duration_since(now);
        assert!(
            renew >= Duration::from_secs(49) && renew <= Duration::from_secs(51),
            "{renew:?}"
        );
    }

    fn manager(base_url: &str) -> Arc<TokenManager> {
        let http = crate::PortOne::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        let raw = portone_gen::Client::new_with_client(base_url, http, None);
        Arc::new(TokenManager::new(
            SecretString::from("the-api-secret"),
            raw,
            Some(Duration::from_secs(5)),
        ))
    }

    #[test]
    fn the_manager_prints_no_secret() {
        let manager = manager("http://127.0.0.1:9");
        assert_eq!(format!("{manager:?}"), "TokenManager { .. }");
    }

    /// A renewal task that ends without a result (cancelled, panicked) still answers every
    /// waiter, with an error, and lets the next call start a new renewal.
    #[tokio::test]
    async fn a_renewal_that_ends_without_a_result_answers_its_waiters() {
        let manager = manager("http://127.0.0.1:9");
        let (sender, receiver) = watch::channel(None);
        manager.state().renewal = Some(receiver.clone());
        drop(Finish {
            manager: &manager,
            sender: Some(sender),
        });
        assert!(manager.state().renewal.is_none());
        let err = wait(receiver).await.unwrap_err();
        let cause = err.error().to_string();
        assert!(cause.contains("ended without a result"), "{cause}");
    }

    /// A failed login is the answer for FAILURE_BACKOFF: calls in that time get its error
    /// without logging in again; after it, the next call logs in again.
    #[tokio::test]
    async fn a_failed_login_is_not_repeated_within_the_backoff() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let logins = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&logins);
        let app = axum::Router::new().route(
            "/login/api-secret",
            axum::routing::post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down") }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let manager = manager(&url);
        let rejected = HeaderValue::from_static("Bearer old");

        assert!(manager.header_after_rejection(&rejected).await.is_err());
        assert_eq!(logins.load(Ordering::SeqCst), 1);
        assert!(manager.header_after_rejection(&rejected).await.is_err());
        assert!(manager.header().await.is_err());
        assert_eq!(logins.load(Ordering::SeqCst), 1, "within the backoff");

        tokio::time::sleep(FAILURE_BACKOFF + Duration::from_millis(100)).await;
        assert!(manager.header_after_rejection(&rejected).await.is_err());
        assert_eq!(logins.load(Ordering::SeqCst), 2, "after the backoff");
    }

    #[test]
    fn serde_messages_lose_the_values_they_quote() {
        assert_eq!(
            redact_serde_message("invalid type: string \"eyJsecret\", expected i64 at line 1"),
            "invalid type: string [value not shown]"
        );
        assert_eq!(
            redact_serde_message("missing field `accessToken`"),
            "missing field [value not shown]"
        );
        assert_eq!(
            redact_serde_message("EOF while parsing"),
            "EOF while parsing"
        );
    }

    #[test]
    fn authorization_headers_are_sensitive() {
        let value = authorization("PortOne", "secret").unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("secret"));
        assert!(authorization("PortOne", "bad\nsecret").is_err());
    }
}
