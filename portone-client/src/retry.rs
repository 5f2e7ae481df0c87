//! When and how long to wait before sending a request again.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// Retry policy: exponential backoff with full jitter, honouring `Retry-After`.
///
/// By default a request is repeated only when that is safe: a `GET` on a retryable status, a
/// transport error or an answer whose body broke off, or any request whose connection failed
/// before it was sent. A payment `POST` that may have reached PortOne is never repeated unless
/// [`RetryConfig::retry_non_idempotent`] is set.
///
/// The wait before a retry is the answer's `Retry-After` (delta-seconds or an HTTP date) when it
/// has a usable one, else exponential backoff with full jitter. A `Retry-After` longer than
/// [`max_retry_after`](RetryConfig::max_retry_after) ends the retries; one that does not parse
/// (or is negative) is ignored.
///
/// ```
/// use std::time::Duration;
/// use portone_client::RetryConfig;
///
/// let retry = RetryConfig::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100));
/// let none = RetryConfig::disabled();
/// # let _ = (retry, none);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) statuses: Vec<StatusCode>,
    pub(crate) non_idempotent: bool,
}

impl Default for RetryConfig {
    /// 3 attempts, 200 ms initial backoff doubling up to 5 s, `Retry-After` honoured up to 60 s,
    /// statuses 429, 502, 503, 504.
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            statuses: [429, 502, 503, 504]
                .into_iter()
                .map(|s| StatusCode::from_u16(s).expect("valid status"))
                .collect(),
            non_idempotent: false,
        }
    }
}

impl RetryConfig {
    /// Never retry.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    /// Total attempts including the first (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry; doubles for each further retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Upper bound of the exponential backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Longest `Retry-After` to wait for (default 60 s); a longer one ends the retries.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// HTTP statuses that are retried.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Also retry requests that are not safe to repeat (`POST`, `PUT`, `PATCH`, `DELETE`) on
    /// retryable statuses and transport errors. Off by default: a repeated payment request
    /// could charge twice.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    fn may_repeat(&self, method: &Method) -> bool {
        self.non_idempotent || *method == Method::GET || *method == Method::HEAD
    }

    /// Whether a response with `status` to a `method` request is retried.
    pub(crate) fn retries_status(&self, method: &Method, status: StatusCode) -> bool {
        self.may_repeat(method) && self.statuses.contains(&status)
    }

    /// Whether a request that got no answer is retried: a connection that failed before the
    /// request was sent is safe to retry for any method; one that may have reached PortOne
    /// only for methods safe to repeat. A request reqwest refused to build is never retried.
    pub(crate) fn retries_transport(&self, method: &Method, error: &reqwest::Error) -> bool {
        if error.is_builder() {
            return false;
        }
        error.is_connect() || self.retries_reached(method)
    }

    /// Whether a request that reached PortOne (its answer broke off) is retried.
    pub(crate) fn retries_reached(&self, method: &Method) -> bool {
        self.may_repeat(method)
    }

    /// The wait before retry number `retry` after an answer with `headers`: its `Retry-After`
    /// if usable, else the backoff; `None` if `Retry-After` asks for longer than
    /// [`max_retry_after`](Self::max_retry_after).
    pub(crate) fn wait_after(
        &self,
        headers: &reqwest::header::HeaderMap,
        retry: u32,
    ) -> Option<Duration> {
        let asked = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        match asked {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }

    /// Backoff before retry number `retry` (1-based): full jitter over the exponential bound.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let bound = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        bound.mul_f64(fastrand::f64())
    }
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date (relative to `now`).
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_requests_are_retried_by_default() {
        let config = RetryConfig::default();
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        assert!(config.retries_status(&Method::GET, unavailable));
        assert!(!config.retries_status(&Method::POST, unavailable));
        assert!(!config.retries_status(&Method::GET, StatusCode::INTERNAL_SERVER_ERROR));
        let config = config.retry_non_idempotent(true);
        assert!(config.retries_status(&Method::POST, unavailable));
    }

    #[test]
    fn disabled_means_one_attempt_and_at_least_one_is_made() {
        assert_eq!(RetryConfig::disabled().max_attempts, 1);
        assert_eq!(RetryConfig::default().max_attempts, 3);
        assert_eq!(RetryConfig::default().max_attempts(0).max_attempts, 1);
        assert_eq!(RetryConfig::default().max_attempts(5).max_attempts, 5);
        // Everything else as the default.
        let disabled = RetryConfig::disabled();
        assert_eq!(disabled.max_attempts(3), RetryConfig::default());
    }

    #[test]
    fn the_retried_statuses_are_configurable() {
        let config = RetryConfig::default().statuses([StatusCode::INTERNAL_SERVER_ERROR]);
        assert!(config.retries_status(&Method::GET, StatusCode::INTERNAL_SERVER_ERROR));
        assert!(!config.retries_status(&Method::GET, StatusCode::SERVICE_UNAVAILABLE));
        assert!(!config.retries_status(&Method::POST, StatusCode::INTERNAL_SERVER_ERROR));
        assert!(config.retries_reached(&Method::GET));
        assert!(config.retries_reached(&Method::HEAD));
        assert!(!config.retries_reached(&Method::POST));
        assert!(!config.retries_reached(&Method::DELETE));
        assert!(
            RetryConfig::default()
                .retry_non_idempotent(true)
                .retries_reached(&Method::POST)
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_maximum_and_ignored_when_unusable() {
        let config = RetryConfig::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(100))
            .max_retry_after(Duration::from_secs(2));
        let headers = |value: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
            headers
        };
        assert_eq!(
            config.wait_after(&headers("2"), 1),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            config.wait_after(&headers("1"), 1),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            config.wait_after(&headers("3"), 1),
            None,
            "longer than the maximum"
        );
        for unusable in ["soon", "-1", "1.5"] {
            let wait = config
                .wait_after(&headers(unusable), 1)
                .expect("backoff instead");
            assert!(wait <= Duration::from_millis(100), "{unusable}: {wait:?}");
        }
        let wait = config
            .wait_after(&reqwest::header::HeaderMap::new(), 1)
            .expect("backoff without Retry-After");
        assert!(wait <= Duration::from_millis(100));
        assert_eq!(
            RetryConfig::default().max_retry_after,
            Duration::from_secs(60)
        );
    }

    #[test]
    fn backoff_grows_exponentially_before_jitter() {
        let config = RetryConfig::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(10));
        // Full jitter: uniform in [0, bound]. Over 200 draws the largest is close to the bound
        // (below half of it with probability 2^-200).
        let largest = |retry| (0..200).map(|_| config.backoff(retry)).max().unwrap();
        assert!(largest(1) > Duration::from_millis(50));
        assert!(largest(3) > Duration::from_millis(200), "{:?}", largest(3));
        assert!(largest(3) <= Duration::from_millis(400));
        assert!(largest(5) > Duration::from_millis(800));
    }

    #[test]
    fn backoff_is_jittered_and_bounded() {
        let config = RetryConfig::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..100 {
            assert!(config.backoff(1) <= Duration::from_millis(100));
            assert!(config.backoff(2) <= Duration::from_millis(200));
            assert!(config.backoff(3) <= Duration::from_millis(350));
            assert!(config.backoff(40) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 12:00:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
