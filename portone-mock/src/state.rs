//! What the mock remembers between requests for PortOne's documented flows: issued tokens,
//! identity verifications, payments, and the mock clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Access,
    Refresh,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    /// The API secret the token stands for.
    pub(crate) subject: String,
    pub(crate) expires: SystemTime,
    pub(crate) revoked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdentityStatus {
    Ready,
    Verified,
    Failed,
}

#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) status: IdentityStatus,
    /// An OTP was sent and not used up by a failed confirmation.
    pub(crate) sent: bool,
    pub(crate) customer: Value,
    pub(crate) operator: Option<Value>,
    pub(crate) custom_data: Option<String>,
    pub(crate) requested_at: String,
    pub(crate) updated_at: String,
    pub(crate) status_changed_at: String,
    pub(crate) verified_at: Option<String>,
    pub(crate) pg_tx_id: String,
    pub(crate) failure: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PaymentStatus {
    Paid,
    PartialCancelled,
    Cancelled,
}

#[derive(Debug, Clone)]
pub(crate) struct Cancellation {
    pub(crate) id: String,
    pub(crate) total: i64,
    pub(crate) tax_free: i64,
    pub(crate) vat: i64,
    pub(crate) reason: String,
    pub(crate) at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub(crate) status: PaymentStatus,
    pub(crate) transaction_id: String,
    pub(crate) order_name: String,
    pub(crate) currency: Value,
    pub(crate) total: i64,
    pub(crate) tax_free: i64,
    pub(crate) vat: Option<i64>,
    pub(crate) cancelled: i64,
    pub(crate) cancelled_tax_free: i64,
    pub(crate) billing_key: Option<String>,
    pub(crate) custom_data: Option<String>,
    pub(crate) pg_tx_id: String,
    pub(crate) requested_at: String,
    pub(crate) paid_at: String,
    pub(crate) updated_at: String,
    pub(crate) cancelled_at: Option<String>,
    pub(crate) cancellations: Vec<Cancellation>,
}

/// Everything the mock remembers between requests.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) tokens: HashMap<String, Token>,
    pub(crate) identities: HashMap<(String, String), Identity>,
    pub(crate) payments: HashMap<(String, String), Payment>,
    pub(crate) tick: u64,
    pub(crate) serial: u64,
}

impl State {
    /// The next instant of the mock clock, RFC 3339.
    pub(crate) fn now(&mut self) -> String {
        self.tick += 1;
        let start =
            chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("a valid constant");
        (start + chrono::Duration::seconds(self.tick as i64))
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    pub(crate) fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// Accepts a bearer token this mock issued and that is still valid.
    pub(crate) fn check_access_token(&self, token: &str) -> Result<(), String> {
        match self.tokens.get(token) {
            None => Err("unknown bearer token (not issued by this mock's POST /login/api-secret or POST /token/refresh)".into()),
            Some(t) if t.kind != TokenKind::Access => {
                Err("a refresh token is not an access token".into())
            }
            Some(t) if t.expires <= SystemTime::now() => Err(
                "the access token expired; renew it with POST /token/refresh".into(),
            ),
            Some(_) => Ok(()),
        }
    }

    /// Issues an access and a refresh token for `subject`; earlier refresh tokens of the
    /// subject stop working (as PortOne documents).
    pub(crate) fn issue_tokens(
        &mut self,
        subject: &str,
        access_ttl: Duration,
        refresh_ttl: Duration,
    ) -> (String, String) {
        for token in self.tokens.values_mut() {
            if token.subject == subject && token.kind == TokenKind::Refresh {
                token.revoked = true;
            }
        }
        let now = SystemTime::now();
        let mut make = |kind: TokenKind, ttl: Duration| {
            let serial = self.next_serial();
            let expires = now + ttl;
            let token = jwt(kind, serial, now, expires);
            self.tokens.insert(
                token.clone(),
                Token {
                    kind,
                    subject: subject.to_owned(),
                    expires,
                    revoked: false,
                },
            );
            token
        };
        let access = make(TokenKind::Access, access_ttl);
        let refresh = make(TokenKind::Refresh, refresh_ttl);
        (access, refresh)
    }
}

/// A JWT-shaped token (`header.payload.signature`, base64url) with `iat`/`exp` claims, so
/// clients that read the expiry of PortOne's tokens work; the mock checks it by lookup.
fn jwt(kind: TokenKind, serial: u64, now: SystemTime, expires: SystemTime) -> String {
    let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let payload = json!({
        "iss": "portone-mock",
        "sub": "mock-user",
        "typ": if kind == TokenKind::Access { "access" } else { "refresh" },
        "jti": serial,
        "iat": secs(now),
        "exp": secs(expires),
    });
    let mut signature = [0u8; 32];
    fastrand::fill(&mut signature);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}
