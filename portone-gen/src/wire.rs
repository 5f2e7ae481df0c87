//! Wire rules PortOne documents that progenitor does not know.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};

use crate::operations::Operation;
use crate::path::{InvalidPathParam, check_path, encode_uri_component};

/// Name of the query parameter that carries a GET body.
pub const REQUEST_BODY_PARAM: &str = "requestBody";

/// Why a request could not be brought into PortOne's wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// A path parameter is empty, `.` or `..`.
    PathParam(InvalidPathParam),
    /// The body of a `requestBody`-query operation is not UTF-8 JSON text (cannot happen
    /// with generated code, which always serializes JSON).
    BodyNotText,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::PathParam(e) => e.fmt(f),
            WireError::BodyNotText => f.write_str("the request body is not JSON text"),
        }
    }
}

impl std::error::Error for WireError {}

/// Rejects unsendable path parameters (empty, `.`, `..`) before anything is sent.
pub fn check(request: &reqwest::Request, operation: &Operation) -> Result<(), WireError> {
    check_path(operation.path, request.url().path()).map_err(WireError::PathParam)
}

/// Header the generated code adds that PortOne does not document (not sent).
const UNDOCUMENTED_HEADERS: &[&str] = &["api-version"];

/// Puts a request in PortOne's wire form, as PortOne's own TypeScript SDK sends it:
/// - for operations whose body travels in the query, moves the JSON body into
///   `?requestBody=<encodeURIComponent(json)>` (no body, no `content-type`);
/// - encodes every query value like `encodeURIComponent` (space as `%20`, not `+`);
/// - `Content-Length: 0` on a `POST`/`PUT`/`PATCH` without a body (RFC 9110 §8.6);
/// - no `api-version` header.
pub fn finish(request: &mut reqwest::Request, operation: &Operation) -> Result<(), WireError> {
    if operation.body.is_some_and(|b| b.in_query) {
        move_body_to_query(request)?;
    }
    encode_query(request.url_mut());
    let sends_content = matches!(
        *request.method(),
        reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
    );
    if sends_content && request.body().is_none() {
        request.headers_mut().insert(
            CONTENT_LENGTH,
            reqwest::header::HeaderValue::from_static("0"),
        );
    }
    for name in UNDOCUMENTED_HEADERS {
        request.headers_mut().remove(*name);
    }
    Ok(())
}

/// Re-encodes the query string's keys and values like `encodeURIComponent` (the URL parser and
/// reqwest's `query` encode them as HTML forms do: space as `+`, `!'()~` escaped).
pub fn encode_query(url: &mut reqwest::Url) {
    if url.query().is_none_or(str::is_empty) {
        return;
    }
    let encoded: Vec<String> = url
        .query_pairs()
        .map(|(key, value)| {
            format!(
                "{}={}",
                encode_uri_component(&key),
                encode_uri_component(&value)
            )
        })
        .collect();
    url.set_query(Some(&encoded.join("&")));
}

/// Moves a JSON body into the `requestBody` query parameter, keeping other query parameters.
pub fn move_body_to_query(request: &mut reqwest::Request) -> Result<(), WireError> {
    let Some(body) = request.body_mut().take() else {
        return Ok(());
    };
    let bytes = body.as_bytes().ok_or(WireError::BodyNotText)?;
    let json = std::str::from_utf8(bytes).map_err(|_| WireError::BodyNotText)?;
    let param = format!("{REQUEST_BODY_PARAM}={}", encode_uri_component(json));
    let query = match request.url().query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{param}"),
        _ => param,
    };
    request.url_mut().set_query(Some(&query));
    request.headers_mut().remove(CONTENT_TYPE);
    request.headers_mut().remove(CONTENT_LENGTH);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(url: &str) -> String {
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
        *request.body_mut() = Some(reqwest::Body::from(r#"{"a":1}"#));
        move_body_to_query(&mut request).unwrap();
        request.url().query().unwrap_or_default().to_owned()
    }

    #[test]
    fn the_body_joins_the_query_after_other_parameters() {
        let body = format!("{REQUEST_BODY_PARAM}=%7B%22a%22%3A1%7D");
        assert_eq!(moved("http://x/p?storeId=s"), format!("storeId=s&{body}"));
        assert_eq!(moved("http://x/p"), body);
        assert_eq!(moved("http://x/p?"), body);
    }
}
