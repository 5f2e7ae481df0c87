//! [`Timestamp`]: every `date-time` of the API.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, in UTC; RFC 3339 text on the wire (`2026-07-03T09:31:22.481295Z`).
///
/// Dereferences to [`chrono::DateTime<Utc>`]; convert with `From`/`Into`. It exists because
/// chrono's own serde decoding goes through its general parser, several times slower than
/// its RFC 3339 parser, and a PortOne payment carries a dozen timestamps.
///
/// ```
/// use portone_gen::Timestamp;
///
/// let t: Timestamp = "2026-07-03T18:31:22+09:00".parse().unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-07-03T09:31:22+00:00");
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""2026-07-03T09:31:22Z""#);
/// let utc: chrono::DateTime<chrono::Utc> = t.into();
/// assert_eq!(Timestamp::from(utc), t);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The time as a `chrono::DateTime<Utc>`.
    pub fn as_date_time(&self) -> &DateTime<Utc> {
        &self.0
    }
}

impl Deref for Timestamp {
    type Target = DateTime<Utc>;
    fn deref(&self) -> &DateTime<Utc> {
        &self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl PartialEq<DateTime<Utc>> for Timestamp {
    fn eq(&self, other: &DateTime<Utc>) -> bool {
        self.0 == *other
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;

    /// RFC 3339; what chrono's more lenient parser accepts (e.g. a space for `T`) also works.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match DateTime::parse_from_rfc3339(s) {
            Ok(t) => Ok(Timestamp(t.with_timezone(&Utc))),
            Err(_) => s.parse::<DateTime<Utc>>().map(Timestamp),
        }
    }
}

impl Serialize for Timestamp {
    /// As chrono does: RFC 3339 in UTC with `Z`, fractional seconds only when present.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;
        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Timestamp, E> {
                value.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_chrono_and_round_trips() {
        for (text, json) in [
            ("2026-07-03T09:31:22Z", "2026-07-03T09:31:22Z"),
            ("2026-07-03T09:31:22.481295Z", "2026-07-03T09:31:22.481295Z"),
            ("2026-07-03T18:31:22.5+09:00", "2026-07-03T09:31:22.500Z"),
            ("2026-07-03 09:31:22Z", "2026-07-03T09:31:22Z"),
        ] {
            let t: Timestamp = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            let chrono: DateTime<Utc> = text.parse().unwrap();
            assert_eq!(t, chrono, "{text}");
            assert_eq!(serde_json::to_value(t).unwrap(), json, "{text}");
            assert_eq!(
                serde_json::to_value(chrono).unwrap(),
                json,
                "same as chrono: {text}"
            );
        }
        for bad in ["\"2026-13-01T00:00:00Z\"", "\"yesterday\"", "12"] {
            assert!(serde_json::from_str::<Timestamp>(bad).is_err(), "{bad}");
        }
    }
}
