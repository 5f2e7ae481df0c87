//! Credentials: `Authorization: PortOne <secret>`, or bearer access tokens obtained with
//! `POST /login/api-secret` and renewed with `POST /token/refresh`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

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

/// Renew an access token this long before it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// An `Authorization` header value, marked sensitive (not shown in `Debug`, not logged).
pub(crate) fn authorization(scheme: &str, credential: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(&format!("{scheme} {credential}")).map_err(|_| {
        "the credential contains characters not allowed in an HTTP header".to_owned()
    })?;
    value.set_sensitive(true);
    Ok(value)
}

struct Tokens {
    access: HeaderValue,
    access_expires: Option<SystemTime>,
    refresh: SecretString,
    refresh_expires: Option<SystemTime>,
}

impl Tokens {
    fn usable(expires: Option<SystemTime>, now: SystemTime) -> bool {
        expires.is_none_or(|at| now + EXPIRY_MARGIN < at)
    }
}

/// Obtains and renews access tokens; concurrent callers share one login or refresh.
pub(crate) struct TokenManager {
    api_secret: SecretString,
    /// A client for the unauthenticated login and refresh operations.
    raw: portone_gen::Client,
    /// The whole-call timeout of each login or refresh.
    timeout: Option<Duration>,
    tokens: tokio::sync::Mutex<Option<Tokens>>,
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
            tokens: tokio::sync::Mutex::new(None),
        }
    }

    /// A usable `Bearer` header, logging in or refreshing if needed.
    pub(crate) async fn header(&self) -> Result<HeaderValue, AuthError> {
        let mut tokens = self.tokens.lock().await;
        let now = SystemTime::now();
        if let Some(t) = tokens
            .as_ref()
            .filter(|t| Tokens::usable(t.access_expires, now))
        {
            return Ok(t.access.clone());
        }
        let renewed = self.renew(tokens.take(), now).await?;
        let header = renewed.access.clone();
        *tokens = Some(renewed);
        Ok(header)
    }

    /// A new `Bearer` header after PortOne rejected `rejected`; if another caller already
    /// renewed it, that token is used.
    pub(crate) async fn header_after_rejection(
        &self,
        rejected: &HeaderValue,
    ) -> Result<HeaderValue, AuthError> {
        let mut tokens = self.tokens.lock().await;
        if let Some(t) = tokens.as_ref().filter(|t| t.access != rejected) {
            return Ok(t.access.clone());
        }
        let renewed = self.renew(tokens.take(), SystemTime::now()).await?;
        let header = renewed.access.clone();
        *tokens = Some(renewed);
        Ok(header)
    }

    /// Refreshes with the refresh token if it is still usable, else logs in.
    async fn renew(&self, old: Option<Tokens>, now: SystemTime) -> Result<Tokens, AuthError> {
        if let Some(old) = old.filter(|t| Tokens::usable(t.refresh_expires, now)) {
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
            .map_err(|e| AuthError(Box::new(e.into())))?;
        tracing::debug!("logged in to PortOne with the API secret");
        tokens(&response.access_token, response.refresh_token)
    }
}

fn tokens(access: &str, refresh: String) -> Result<Tokens, AuthError> {
    Ok(Tokens {
        access: authorization("Bearer", access)
            .map_err(|e| AuthError(Box::new(Error::InvalidInput(e))))?,
        access_expires: jwt_expiry(access),
        refresh_expires: jwt_expiry(&refresh),
        refresh: refresh.into(),
    })
}

/// The `exp` claim of a JWT (read, not verified: only used to renew early).
pub(crate) fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_expiry_of_a_jwt() {
        // {"alg":"HS256"} . {"exp":1800000000} . sig
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDAwMDB9.c2ln";
        assert_eq!(
            jwt_expiry(token),
            Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        );
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
        assert_eq!(jwt_expiry("a.eyJleHAiOiJzb29uIn0.c"), None); // {"exp":"soon"}
    }

    #[test]
    fn authorization_headers_are_sensitive() {
        let value = authorization("PortOne", "secret").unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("secret"));
        assert!(authorization("PortOne", "bad\nsecret").is_err());
    }
}
