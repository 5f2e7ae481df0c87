//! Path parameters, encoded like JavaScript's `encodeURIComponent`.
//!
//! progenitor's own `encode_path` leaves `+ & = ; , : @ $ [ ] ^ |` and `\` raw, so a backslash
//! turns into `/` and `.`/`..` segments are resolved away by URL parsing. The generated code
//! calls [`encode_path`] from this module instead (see `generated::progenitor_client`).
//! Values that cannot be sent as a path segment at all (empty, `.`, `..`) are encoded to a
//! marker `encodeURIComponent` never produces (it always escapes `$`), and [`check_path`]
//! rejects the request before it is sent. (`%2E` would not do: URL parsing treats it as a
//! dot segment.)

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except `A-Z a-z 0-9 - _ . ! ~ * ' ( )`, as `encodeURIComponent` does.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Percent-encodes `value` exactly like JavaScript's `encodeURIComponent`.
///
/// ```
/// assert_eq!(portone_gen::encode_uri_component("a/b c?"), "a%2Fb%20c%3F");
/// assert_eq!(portone_gen::encode_uri_component("결제"), "%EA%B2%B0%EC%A0%9C");
/// ```
pub fn encode_uri_component(value: &str) -> String {
    utf8_percent_encode(value, URI_COMPONENT).to_string()
}

/// Markers for values that are not sendable as a path segment.
const UNSENDABLE: [(&str, &str); 3] = [("", "$empty$"), (".", "$dot$"), ("..", "$dotdot$")];

/// Encodes one path parameter for the generated client.
#[doc(hidden)]
pub fn encode_path(value: &str) -> String {
    match UNSENDABLE.iter().find(|(v, _)| *v == value) {
        Some((_, marker)) => (*marker).to_owned(),
        None => encode_uri_component(value),
    }
}

/// Why a path parameter cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPathParam {
    /// The parameter, e.g. `paymentId`.
    pub param: &'static str,
    /// The value given (`""`, `"."` or `".."`).
    pub value: &'static str,
}

impl std::fmt::Display for InvalidPathParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.value {
            "" => write!(f, "path parameter `{}` must not be empty", self.param),
            v => write!(
                f,
                "path parameter `{}` must not be {v:?}: it would address another resource",
                self.param
            ),
        }
    }
}

impl std::error::Error for InvalidPathParam {}

/// Checks the encoded path of a request built from `template` (e.g. `/payments/{paymentId}`).
/// `path` is the URL path, which may start with a base-URL prefix such as `/proxy/v2`.
pub fn check_path(template: &'static str, path: &str) -> Result<(), InvalidPathParam> {
    let template_segments = template.split('/').filter(|s| !s.is_empty());
    let count = template_segments.clone().count();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(start) = segments.len().checked_sub(count) else {
        return Ok(());
    };
    for (name, segment) in template_segments.zip(&segments[start..]) {
        let Some(param) = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')) else {
            continue;
        };
        if let Some((value, _)) = UNSENDABLE.iter().find(|(_, m)| m == segment) {
            return Err(InvalidPathParam { param, value });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_encode_uri_component() {
        // Expected values computed with node: encodeURIComponent(x)
        let table = [
            ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"),
            ("결제-1", "%EA%B2%B0%EC%A0%9C-1"),
            ("+&=;,:@$[]^|\\", "%2B%26%3D%3B%2C%3A%40%24%5B%5D%5E%7C%5C"),
            ("-_.!~*'()", "-_.!~*'()"),
            ("AZaz09", "AZaz09"),
            ("\"<>`{}", "%22%3C%3E%60%7B%7D"),
            ("tab\tnl\n", "tab%09nl%0A"),
            ("😀", "%F0%9F%98%80"),
            ("a.b", "a.b"),
            ("...", "..."),
        ];
        for (input, expected) in table {
            assert_eq!(encode_uri_component(input), expected, "{input:?}");
            assert_eq!(encode_path(input), expected, "{input:?}");
        }
    }

    #[test]
    fn unsendable_values_are_caught_by_check_path() {
        let template = "/payments/{paymentId}/cancel";
        for (value, shown) in [("", ""), (".", "."), ("..", "..")] {
            let path = format!("/v2/payments/{}/cancel", encode_path(value));
            let err = check_path(template, &path).unwrap_err();
            assert_eq!(
                err,
                InvalidPathParam {
                    param: "paymentId",
                    value: shown
                }
            );
            assert!(err.to_string().contains("paymentId"), "{err}");
        }
        check_path(template, "/payments/a.b/cancel").unwrap();
        check_path(
            template,
            &format!("/payments/{}/cancel", encode_path("...")),
        )
        .unwrap();
    }
}
