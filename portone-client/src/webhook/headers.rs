//! Reading the three webhook headers from the header types of HTTP frameworks.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use super::WebhookError;

/// Request headers a webhook can be verified against.
///
/// Implemented for [`http::HeaderMap`] (axum, hyper, reqwest, tonic...), for lists and maps of
/// `(name, value)` pairs whose names are `AsRef<str>` and values `AsRef<[u8]>` (`&str`, `String`,
/// `Vec<u8>`...), and for references to any of them. Names are matched case-insensitively.
/// Implement it for the header type of another framework (e.g. actix-web's) in a few lines:
///
/// ```
/// use portone_client::webhook::WebhookHeaders;
///
/// struct MyHeaders(Vec<(String, Vec<u8>)>);
///
/// impl WebhookHeaders for MyHeaders {
///     fn header_values(&self, name: &str) -> Vec<&[u8]> {
///         self.0
///             .iter()
///             .filter(|(n, _)| n.eq_ignore_ascii_case(name))
///             .map(|(_, v)| v.as_slice())
///             .collect()
///     }
/// }
///
/// let headers = MyHeaders(vec![("Webhook-Id".into(), b"msg_1".to_vec())]);
/// assert_eq!(headers.header_values("webhook-id"), [b"msg_1"]);
/// ```
pub trait WebhookHeaders {
    /// Every value of the header `name` (given in lowercase), matched case-insensitively, as raw
    /// bytes. Empty when the header is absent; several entries when it is repeated.
    fn header_values(&self, name: &str) -> Vec<&[u8]>;
}

impl<T: WebhookHeaders + ?Sized> WebhookHeaders for &T {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        (**self).header_values(name)
    }
}

impl WebhookHeaders for http::HeaderMap {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        // `HeaderMap` keys are stored lowercase, and a lowercase `&str` looks them up.
        self.get_all(name).iter().map(|v| v.as_bytes()).collect()
    }
}

fn pairs<'a, K, V>(pairs: impl IntoIterator<Item = (&'a K, &'a V)>, name: &str) -> Vec<&'a [u8]>
where
    K: AsRef<str> + ?Sized + 'a,
    V: AsRef<[u8]> + ?Sized + 'a,
{
    pairs
        .into_iter()
        .filter(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
        .collect()
}

impl<K: AsRef<str>, V: AsRef<[u8]>> WebhookHeaders for [(K, V)] {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        pairs(self.iter().map(|(k, v)| (k, v)), name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> WebhookHeaders for [(K, V); N] {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        self.as_slice().header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> WebhookHeaders for Vec<(K, V)> {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        self.as_slice().header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S: BuildHasher> WebhookHeaders for HashMap<K, V, S> {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        pairs(self.iter(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> WebhookHeaders for BTreeMap<K, V> {
    fn header_values(&self, name: &str) -> Vec<&[u8]> {
        pairs(self.iter(), name)
    }
}

/// The single value of a required header, without surrounding spaces and tabs.
pub(super) fn required<'h>(
    headers: &'h impl WebhookHeaders,
    name: &'static str,
) -> Result<&'h str, WebhookError> {
    let values = headers.header_values(name);
    let value = match values.as_slice() {
        [] => return Err(WebhookError::MissingHeader { name }),
        [value] => *value,
        many => {
            return Err(WebhookError::DuplicateHeader {
                name,
                count: many.len(),
            });
        }
    };
    let value = std::str::from_utf8(value).map_err(|_| WebhookError::InvalidHeader {
        name,
        problem: "not valid UTF-8",
    })?;
    let value = value.trim_matches([' ', '\t']);
    if value.is_empty() {
        return Err(WebhookError::InvalidHeader {
            name,
            problem: "empty",
        });
    }
    Ok(value)
}
